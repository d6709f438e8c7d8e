#ifndef ZHUCUN_SRC_EXPR_PROGRAM_H_
#define ZHUCUN_SRC_EXPR_PROGRAM_H_

// The compiled form of an expression: the AST plus side tables filled by the
// checker and the compiler. Immutable once built; shared by every evaluation.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "expr/functions.h"
#include "syntax/ast.h"
#include "zhucun/decimal.h"
#include "zhucun/type.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace zhucun::internal {

class VectorPlan;

struct ProgramImpl {
  Ast ast;
  // Per node: the resolved function of a kCall node (kUnknown otherwise).
  std::vector<Fn> fns;
  // Per node: for an ident, or a (non-has) select chain rooted at an ident
  // that is not a comprehension variable, the chain of nodes from the root
  // ident to this node and the dotted name covering each prefix: a.b.c has
  // chain {a, a.b, a.b.c} and names {"a", "a.b", "a.b.c"}. The longest bound
  // (or declared) name wins, and the remaining fields are selected from it.
  // Empty for other nodes.
  struct Qualified {
    std::vector<ExprId> chain;
    std::vector<std::string> names;
  };
  std::vector<Qualified> qualified;
  // Per node: the static type (all dyn when unchecked).
  std::vector<Type> types;
  // Number literals that the checker turned into exact decimals because they
  // meet a decimal operand (`0.2 * score`).
  std::unordered_map<ExprId, Decimal> decimal_literals;
  // `matches` calls whose pattern is a string literal, compiled once.
  std::unordered_map<ExprId, std::shared_ptr<const re2::RE2>> regexes;
  // Most comprehension steps one evaluation may take (all macros together).
  uint64_t max_comprehension_steps = 0;
  Type result_type;
  bool checked = false;
  // The column-at-a-time plan, or null when the expression has parts that
  // only the row evaluator handles.
  std::shared_ptr<const VectorPlan> vector_plan;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_EXPR_PROGRAM_H_
