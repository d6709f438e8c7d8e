#ifndef ZHUCUN_SRC_EXPR_PROGRAM_H_
#define ZHUCUN_SRC_EXPR_PROGRAM_H_

// The compiled form of an expression: the AST plus side tables filled by the
// checker and the compiler. Immutable once built; shared by every evaluation.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "expr/functions.h"
#include "syntax/ast.h"
#include "zhucun/decimal.h"
#include "zhucun/type.h"
#include "zhucun/value.h"

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
    // In a checked program, the prefix that named a declared variable, which
    // the evaluator looks up first; -1 if unknown.
    int32_t declared = -1;
  };
  std::vector<Qualified> qualified;
  // Per node: for an ident naming a comprehension variable, its slot on the
  // evaluator's stack of locals (scopes are lexical, so the slot is known
  // before evaluation); -1 otherwise.
  std::vector<int32_t> local_slots;
  // Per node: the static type (all dyn when unchecked).
  std::vector<Type> types;
  // Number literals that the checker turned into exact decimals because they
  // meet a decimal operand (`0.2 * score`).
  std::unordered_map<ExprId, Decimal> decimal_literals;
  // Per node: whether it is a literal (a constant, or a decimal literal), and
  // its value, made once so that evaluation copies instead of building it.
  std::vector<uint8_t> is_literal;
  std::vector<Value> literals;
  // Per node: for a field selection, its number among them (the evaluator
  // keeps a cache entry per selection for one evaluation).
  std::vector<uint32_t> select_slots;
  uint32_t num_selects = 0;
  // Per node: for one whose qualified name has a declared prefix, its number
  // among them (the evaluator remembers where each found its variable).
  std::vector<uint32_t> binding_slots;
  uint32_t num_bindings = 0;
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
