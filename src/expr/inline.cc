#include "expr/inline.h"

#include <string>
#include <utility>
#include <vector>

namespace zhucun::internal {
namespace {

class Inliner {
 public:
  Inliner(const FunctionTable& functions, uint32_t max_depth, Ast* ast,
          Diagnostics* diags)
      : functions_(functions), max_depth_(max_depth), ast_(ast), diags_(diags) {}

  bool Run() {
    depth_.assign(ast_->nodes.size(), 0);
    // New nodes are appended, so one pass over a growing arena reaches the
    // calls inside inlined bodies too.
    for (ExprId id = 0; id < ast_->nodes.size(); ++id) {
      const Node& n = ast_->nodes[id];
      if (n.kind != ExprKind::kCall || n.target != kNoExpr) continue;
      auto it = functions_.find(n.name);
      if (it == functions_.end()) continue;
      const FunctionDef& f = *it->second;
      if (n.args.size() != f.params.size()) {
        diags_->Error("expr.function_arity",
                      "`" + f.name + "` takes " + std::to_string(f.params.size()) +
                          (f.params.size() == 1 ? " argument" : " arguments") +
                          ", not " + std::to_string(n.args.size()),
                      ast_->span(id));
        ok_ = false;
        continue;
      }
      if (depth_[id] >= max_depth_) {
        diags_->Error("expr.function_recursion",
                      "calls of `" + f.name + "` nest deeper than " +
                          std::to_string(max_depth_) +
                          " functions; does it call itself?",
                      ast_->span(id));
        ok_ = false;
        continue;
      }
      Expand(id, f);
    }
    return ok_;
  }

 private:
  // Replaces call `id` by a copy of f's body.
  void Expand(ExprId id, const FunctionDef& f) {
    const std::vector<ExprId> args = ast_->nodes[id].args;
    const uint32_t depth = depth_[id] + 1;
    std::vector<std::string> bound;  // comprehension variables in scope
    const ExprId root = Copy(f, f.body.root, args, depth, &bound);
    // The call node becomes the body's root, with the body's span: every
    // node of an inlined body points into the function's definition.
    Node copy = ast_->nodes[root];
    ast_->nodes[id] = std::move(copy);
    ast_->spans[id] = ast_->spans[root];
    depth_[id] = depth;
  }

  ExprId Copy(const FunctionDef& f, ExprId b, const std::vector<ExprId>& args,
              uint32_t depth, std::vector<std::string>* bound) {
    const Node& src = f.body.nodes[b];
    if (src.kind == ExprKind::kIdent) {
      bool shadowed = false;
      for (const std::string& v : *bound) shadowed = shadowed || v == src.name;
      if (!shadowed) {
        for (size_t i = 0; i < f.params.size(); ++i) {
          if (f.params[i] == src.name) return args[i];
        }
      }
    }
    Node n = src;
    auto copy = [&](ExprId c) {
      return c == kNoExpr ? kNoExpr : Copy(f, c, args, depth, bound);
    };
    n.target = copy(src.target);
    for (ExprId& a : n.args) a = copy(a);
    if (src.kind == ExprKind::kComprehension) {
      n.iter_range = copy(src.iter_range);
      n.accu_init = copy(src.accu_init);
      bound->push_back(src.accu_var);
      bound->push_back(src.iter_var);
      n.loop_condition = copy(src.loop_condition);
      n.loop_step = copy(src.loop_step);
      bound->pop_back();
      n.result = copy(src.result);
      bound->pop_back();
    }
    const ExprId id = ast_->Add(std::move(n), f.body.span(b));
    depth_.push_back(depth);
    return id;
  }

  const FunctionTable& functions_;
  uint32_t max_depth_;
  Ast* ast_;
  Diagnostics* diags_;
  std::vector<uint32_t> depth_;  // per node: functions it was inlined through
  bool ok_ = true;
};

}  // namespace

bool InlineFunctions(const FunctionTable& functions, uint32_t max_depth,
                     Ast* ast, Diagnostics* diags) {
  if (functions.empty() || ast->root == kNoExpr) return true;
  return Inliner(functions, max_depth, ast, diags).Run();
}

}  // namespace zhucun::internal
