#ifndef ZHUCUN_SRC_EXPR_VECTOR_PLAN_H_
#define ZHUCUN_SRC_EXPR_VECTOR_PLAN_H_

// Column-at-a-time evaluation. A checked program whose hot part is scalar
// arithmetic, comparison and logic over columns (the common shape of rule
// predicates) compiles to a VectorPlan: typed kernels that run over chunks of
// rows with no per-row dispatch or allocation. Rows a kernel cannot finish —
// an overflow, a null operand, anything that would be an error — are marked
// and re-evaluated by the row evaluator, which is the reference semantics;
// so the plan never has to reproduce CEL's error rules, only the fast path.
// Expressions the plan cannot express at all run through the row evaluator
// for every row.

#include <map>
#include <memory>
#include <string>

#include "expr/program.h"
#include "zhucun/expr.h"

namespace zhucun::internal {

class VectorPlan;

// Builds the plan, or returns null when the expression has parts only the
// row evaluator handles (lists, maps, comprehensions, strings beyond
// equality with a constant, unchecked programs).
std::shared_ptr<const VectorPlan> BuildVectorPlan(
    const ProgramImpl& program,
    const std::map<std::string, Type, std::less<>>& variables);

// Evaluates every row of `batch` (with the plan if there is one).
BatchResult EvaluateBatch(const ProgramImpl& program, const Batch& batch);

// One line per plan node, children before parents; "row evaluator" when the
// program has no plan.
std::string DumpPlan(const ProgramImpl& program);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_EXPR_VECTOR_PLAN_H_
