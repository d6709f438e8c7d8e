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
    for (ExprId id = 0; id < ast_->nodes.size() && !too_large_; ++id) {
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
    std::vector<std::pair<std::string, std::string>> bound;  // body's variables, renamed
    std::vector<bool> used(args.size(), false);
    const ExprId root = Copy(f, f.body.root, args, depth, &bound, &used);
    // The call node becomes the body's root, with the body's span: every
    // node of an inlined body points into the function's definition.
    Node copy = ast_->nodes[root];
    ast_->nodes[id] = std::move(copy);
    ast_->spans[id] = ast_->spans[root];
    depth_[id] = depth;
  }

  ExprId Copy(const FunctionDef& f, ExprId b, const std::vector<ExprId>& args,
              uint32_t depth, std::vector<std::pair<std::string, std::string>>* bound,
              std::vector<bool>* used) {
    const Node& src = f.body.nodes[b];
    Node n = src;
    if (src.kind == ExprKind::kIdent) {
      const std::string* renamed = nullptr;
      for (const auto& [from, to] : *bound) {
        if (from == src.name) renamed = &to;
      }
      if (renamed != nullptr) {
        n.name = *renamed;
      } else {
        for (size_t i = 0; i < f.params.size(); ++i) {
          if (f.params[i] != src.name) continue;
          // Each use gets its own copy of the argument, so that every node
          // has one place in the tree (name resolution gives a comprehension
          // variable one slot, which depends on the place).
          if (!(*used)[i]) {
            (*used)[i] = true;
            return args[i];
          }
          return Clone(args[i]);
        }
      }
    }
    auto copy = [&](ExprId c) {
      return c == kNoExpr ? kNoExpr : Copy(f, c, args, depth, bound, used);
    };
    n.target = copy(src.target);
    for (ExprId& a : n.args) a = copy(a);
    if (src.kind == ExprKind::kComprehension) {
      n.iter_range = copy(src.iter_range);
      n.accu_init = copy(src.accu_init);
      // The body's own variables get names no caller can write (`@`), so an
      // argument that mentions a caller's variable of the same name still
      // means the caller's (hygiene). The accumulator's name is already one.
      bound->emplace_back(src.accu_var, src.accu_var);
      bound->emplace_back(src.iter_var, src.iter_var + "@" + f.name);
      n.iter_var = bound->back().second;
      n.loop_condition = copy(src.loop_condition);
      n.loop_step = copy(src.loop_step);
      bound->pop_back();
      n.result = copy(src.result);
      bound->pop_back();
    }
    return Add(std::move(n), f.body.span(b), depth);
  }

  // A copy of the subtree at `id` of the tree being inlined into.
  ExprId Clone(ExprId id) {
    if (too_large_) return id;  // inlining stops; the error is reported
    Node n = ast_->nodes[id];
    const SourceSpan span = ast_->spans[id];
    const uint32_t depth = depth_[id];
    auto clone = [&](ExprId c) { return c == kNoExpr ? kNoExpr : Clone(c); };
    n.target = clone(n.target);
    for (ExprId& a : n.args) a = clone(a);
    if (n.kind == ExprKind::kComprehension) {
      n.iter_range = clone(n.iter_range);
      n.accu_init = clone(n.accu_init);
      n.loop_condition = clone(n.loop_condition);
      n.loop_step = clone(n.loop_step);
      n.result = clone(n.result);
    }
    return Add(std::move(n), span, depth);
  }

  ExprId Add(Node n, SourceSpan span, uint32_t depth) {
    if (ast_->nodes.size() >= kMaxNodes && !too_large_) {
      diags_->Error("expr.too_large",
                    "the expression is too large once its functions are inlined "
                    "(more than " + std::to_string(kMaxNodes) + " nodes)",
                    span, "a function that uses its argument several times, "
                    "called on such a call, grows with every level");
      ok_ = false;
      too_large_ = true;
    }
    const ExprId id = ast_->Add(std::move(n), span);
    depth_.push_back(depth);
    return id;
  }

  // Inlining copies arguments, so nested calls can grow a tree
  // exponentially; this bounds it.
  static constexpr size_t kMaxNodes = 100000;

  const FunctionTable& functions_;
  uint32_t max_depth_;
  Ast* ast_;
  Diagnostics* diags_;
  std::vector<uint32_t> depth_;  // per node: functions it was inlined through
  bool ok_ = true;
  bool too_large_ = false;
};

}  // namespace

bool InlineFunctions(const FunctionTable& functions, uint32_t max_depth,
                     Ast* ast, Diagnostics* diags) {
  if (functions.empty() || ast->root == kNoExpr) return true;
  return Inliner(functions, max_depth, ast, diags).Run();
}

}  // namespace zhucun::internal
