// Env, Program, Activation and Batch: the public face of the expression
// compiler.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "expr/checker.h"
#include "expr/evaluator.h"
#include "expr/inline.h"
#include "expr/program.h"
#include "expr/vector_plan.h"
#include "syntax/parser.h"
#include "zhucun/expr.h"

namespace zhucun {
namespace {

class ActivationRow : public internal::RowSource {
 public:
  explicit ActivationRow(const Activation& act) : act_(act) {}
  bool Lookup(std::string_view name, Value* out) const override {
    const Value* v = act_.Find(name);
    if (v == nullptr) return false;
    *out = *v;
    return true;
  }
  bool LookupRecord(std::string_view name, Value* out) const override {
    return internal::RecordFromBindings(
        act_.bindings(), name, [](const Value& v) { return v; }, out);
  }
  const Value* Find(std::string_view name) const override { return act_.Find(name); }

 private:
  const Activation& act_;
};

// How many defined functions may be nested in one another's calls.
constexpr uint32_t kMaxFunctionNesting = 32;

}  // namespace

void Activation::Bind(std::string name, Value value) {
  if (!lazy_.empty()) {
    if (auto it = lazy_.find(name); it != lazy_.end()) lazy_.erase(it);
  }
  if (!once_.empty()) {
    if (auto it = once_.find(name); it != once_.end()) once_.erase(it);
  }
  vars_.insert_or_assign(std::move(name), std::move(value));
}

void Activation::BindLazy(std::string name, const Program* program) {
  if (auto it = vars_.find(name); it != vars_.end()) vars_.erase(it);
  if (auto it = once_.find(name); it != once_.end()) once_.erase(it);
  Lazy& lazy = lazy_[std::move(name)];
  lazy.program = program;
  lazy.value.reset();
  lazy.computing = false;
}

void Activation::BindOnce(std::string name, std::function<Value()> make) {
  if (auto it = vars_.find(name); it != vars_.end()) vars_.erase(it);
  if (auto it = lazy_.find(name); it != lazy_.end()) lazy_.erase(it);
  auto once = std::make_shared<Once>();
  once->make = std::move(make);
  once_.insert_or_assign(std::move(name), std::move(once));
}

const Value* Activation::Find(std::string_view name) const {
  if (auto it = vars_.find(name); it != vars_.end()) return &it->second;
  if (!once_.empty()) {
    if (auto it = once_.find(name); it != once_.end()) {
      Once& once = *it->second;
      std::call_once(once.made, [&once] { once.value = once.make(); });
      return &once.value;
    }
  }
  if (lazy_.empty()) return nullptr;
  auto it = lazy_.find(name);
  if (it == lazy_.end()) return nullptr;
  const Lazy& lazy = it->second;
  if (!lazy.value) {
    if (lazy.computing) {
      // A program that needs its own value (the engine never binds one).
      lazy.value = Value::Error("`" + it->first + "` depends on itself");
    } else {
      lazy.computing = true;
      ++lazy_evaluations_;
      Value v = lazy.program->Evaluate(*this);
      lazy.computing = false;
      lazy.value = std::move(v);
    }
  }
  return &*lazy.value;
}

void Batch::Bind(std::string name, ColumnView column) {
  columns_.insert_or_assign(std::move(name), column);
}

const ColumnView* Batch::Find(std::string_view name) const {
  auto it = columns_.find(name);
  return it == columns_.end() ? nullptr : &it->second;
}

Diagnostics Env::DefineFunction(std::string name,
                                std::vector<std::string> params,
                                std::string_view body, FileId file,
                                uint32_t offset, const SourceManager& sources,
                                const CompileOptions& options) {
  (void)sources;
  Diagnostics diags;
  auto def = std::make_shared<internal::FunctionDef>();
  def->name = name;
  def->params = std::move(params);
  internal::ParseOptions parse_options;
  parse_options.max_depth = options.max_depth;
  parse_options.max_length = options.max_length;
  if (!internal::Parse(body, file, offset, parse_options, &def->body, &diags)) {
    return diags;
  }
  // Calls to functions defined before this one are expanded now, so a
  // function sees the definitions of its time.
  internal::InlineFunctions(functions_, kMaxFunctionNesting, &def->body, &diags);
  functions_.insert_or_assign(std::move(name), std::move(def));
  return diags;
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

namespace {

// The deepest nesting of comprehensions under `id`: a comprehension's loop
// (its condition and step) runs once per element of its range, its range,
// initial value and result once. `*first_over` gets the first comprehension
// met (children first) whose nest is `limit` + 1 deep: the outermost of a
// nest one too deep, whose span is its macro call.
uint32_t ComprehensionNesting(const internal::Ast& ast, internal::ExprId id, uint32_t limit,
                              internal::ExprId* first_over) {
  using internal::ExprKind;
  if (id == internal::kNoExpr) return 0;
  const internal::Node& n = ast.node(id);
  uint32_t depth = 0;
  const auto child = [&](internal::ExprId c) {
    depth = std::max(depth, ComprehensionNesting(ast, c, limit, first_over));
  };
  switch (n.kind) {
    case ExprKind::kComprehension: {
      child(n.iter_range);
      child(n.accu_init);
      child(n.result);
      const uint32_t loop =
          1 + std::max(ComprehensionNesting(ast, n.loop_condition, limit, first_over),
                       ComprehensionNesting(ast, n.loop_step, limit, first_over));
      if (loop == limit + 1 && *first_over == internal::kNoExpr) *first_over = id;
      return std::max(depth, loop);
    }
    default:
      child(n.target);
      for (internal::ExprId a : n.args) child(a);
      return depth;
  }
}

}  // namespace

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
  // The parser bounds the height of the tree by max_depth as well, so the
  // recursive stages below cannot overflow the stack. Inlined functions keep
  // the bound: a body is itself a parsed tree, and nesting is limited.
  if (!internal::InlineFunctions(functions_, kMaxFunctionNesting, &impl->ast,
                                 &diags)) {
    return Result<Program>(std::move(diags));
  }
  {
    internal::ExprId over = internal::kNoExpr;
    const uint32_t nesting = ComprehensionNesting(
        impl->ast, impl->ast.root, options.max_comprehension_nesting, &over);
    if (nesting > options.max_comprehension_nesting) {
      diags.Error("expr.too_costly",
                  "comprehensions nested " + std::to_string(nesting) +
                      " deep: their steps can grow as the lists' size to the power " +
                      std::to_string(nesting) + "; the most is " +
                      std::to_string(options.max_comprehension_nesting),
                  over != internal::kNoExpr ? impl->ast.span(over) : SourceSpan{},
                  "compute the inner lists once in a `let`, or filter a list before "
                  "looping over it");
      return Result<Program>(std::move(diags));
    }
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
  internal::PrepareLiterals(impl.get());
  impl->vector_plan = internal::BuildVectorPlan(*impl, variables_);
  return Result<Program>(Program(std::move(impl)), std::move(diags));
}

const Type& Program::result_type() const { return impl_->result_type; }

const internal::ProgramImpl& internal::ImplOf(const Program& program) {
  return *program.impl_;
}

Value Program::Evaluate(const Activation& activation) const {
  return internal::EvaluateRow(*impl_, ActivationRow(activation));
}

Value internal::EvaluateRecordingDecisions(const Program& program,
                                           const Activation& activation,
                                           std::vector<Decision>* decisions) {
  return EvaluateRow(ImplOf(program), ActivationRow(activation), decisions);
}

BatchResult Program::EvaluateBatch(const Batch& batch) const {
  return internal::EvaluateBatch(*impl_, batch);
}

bool Program::Reads(std::string_view name) const {
  // Every identifier that is not a comprehension variable starts a chain
  // of dotted names; the variable read is one of its prefixes.
  for (const internal::ProgramImpl::Qualified& q : impl_->qualified) {
    for (const std::string& prefix : q.names) {
      if (prefix == name) return true;
    }
  }
  return false;
}

std::string Program::DumpPlan() const {
  return internal::DumpPlan(*impl_);
}

}  // namespace zhucun
