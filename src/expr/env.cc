// Env, Program, Activation and Batch: the public face of the expression
// compiler.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "expr/checker.h"
#include "expr/evaluator.h"
#include "expr/program.h"
#include "expr/vector_plan.h"
#include "syntax/parser.h"
#include "zhucun/expr.h"

namespace zhucun {
namespace {

using internal::Ast;
using internal::ExprId;
using internal::kNoExpr;
using internal::Node;

// The depth of the tree, computed without recursion; stops early once it
// exceeds `limit` and returns the id of a node that is too deep.
ExprId FindTooDeep(const Ast& ast, uint32_t limit) {
  if (ast.root == kNoExpr) return kNoExpr;
  std::vector<std::pair<ExprId, uint32_t>> stack = {{ast.root, 1}};
  while (!stack.empty()) {
    auto [id, depth] = stack.back();
    stack.pop_back();
    if (depth > limit) return id;
    const Node& n = ast.node(id);
    auto push = [&](ExprId c) {
      if (c != kNoExpr) stack.emplace_back(c, depth + 1);
    };
    push(n.target);
    for (ExprId a : n.args) push(a);
    push(n.iter_range);
    push(n.accu_init);
    push(n.loop_condition);
    push(n.loop_step);
    push(n.result);
  }
  return kNoExpr;
}

class ActivationRow : public internal::RowSource {
 public:
  explicit ActivationRow(const Activation& act) : act_(act) {}
  bool Lookup(std::string_view name, Value* out) const override {
    const Value* v = act_.Find(name);
    if (v == nullptr) return false;
    *out = *v;
    return true;
  }

 private:
  const Activation& act_;
};

}  // namespace

void Activation::Bind(std::string name, Value value) {
  vars_.insert_or_assign(std::move(name), std::move(value));
}

const Value* Activation::Find(std::string_view name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

void Batch::Bind(std::string name, ColumnView column) {
  columns_.insert_or_assign(std::move(name), column);
}

const ColumnView* Batch::Find(std::string_view name) const {
  auto it = columns_.find(name);
  return it == columns_.end() ? nullptr : &it->second;
}

void Env::Declare(std::string name, Type type) {
  variables_.insert_or_assign(std::move(name), std::move(type));
}

Result<Program> Env::Compile(std::string_view text, SourceManager& sources,
                             std::string name,
                             const CompileOptions& options) const {
  FileId file = sources.Add(std::move(name), std::string(text));
  return CompileAt(sources.text(file), file, 0, sources, options);
}

Result<Program> Env::CompileAt(std::string_view text, FileId file,
                               uint32_t offset, const SourceManager& sources,
                               const CompileOptions& options) const {
  (void)sources;
  Diagnostics diags;
  auto impl = std::make_shared<internal::ProgramImpl>();
  internal::ParseOptions parse_options;
  parse_options.max_depth = options.max_depth;
  parse_options.max_length = options.max_length;
  if (!internal::Parse(text, file, offset, parse_options, &impl->ast, &diags)) {
    return Result<Program>(std::move(diags));
  }
  // Long operator chains (a + b + c ...) are built by loops in the parser;
  // the later stages recurse, so the tree depth is bounded here as well.
  ExprId deep = FindTooDeep(impl->ast, options.max_depth);
  if (deep != kNoExpr) {
    diags.Error("expr.too_deep",
                "expression nests deeper than " +
                    std::to_string(options.max_depth) + " levels",
                impl->ast.span(deep));
    return Result<Program>(std::move(diags));
  }
  internal::ResolveNames(impl.get());
  impl->max_comprehension_steps = options.max_comprehension_steps;
  if (!internal::CompileRegexes(impl.get(), options.check, &diags)) {
    return Result<Program>(std::move(diags));
  }
  if (options.check) {
    if (!internal::Check(variables_, impl.get(), &diags)) {
      return Result<Program>(std::move(diags));
    }
    impl->checked = true;
  } else {
    impl->types.assign(impl->ast.nodes.size(), Type::Dyn());
    impl->result_type = Type::Dyn();
  }
  impl->vector_plan = internal::BuildVectorPlan(*impl, variables_);
  return Result<Program>(Program(std::move(impl)), std::move(diags));
}

const Type& Program::result_type() const { return impl_->result_type; }

Value Program::Evaluate(const Activation& activation) const {
  return internal::EvaluateRow(*impl_, ActivationRow(activation));
}

BatchResult Program::EvaluateBatch(const Batch& batch) const {
  return internal::EvaluateBatch(*impl_, batch);
}

std::string Program::DumpPlan() const {
  return internal::DumpPlan(*impl_);
}

}  // namespace zhucun
