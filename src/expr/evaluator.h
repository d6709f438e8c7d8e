#ifndef ZHUCUN_SRC_EXPR_EVALUATOR_H_
#define ZHUCUN_SRC_EXPR_EVALUATOR_H_

// The row evaluator: walks a compiled program for one record. It is the
// reference semantics; the column-at-a-time plan must agree with it.

#include "expr/program.h"
#include "zhucun/expr.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// Variable lookup for one row: an Activation, or one row of a Batch.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // The value bound to `name`, or false if unbound.
  virtual bool Lookup(std::string_view name, Value* out) const = 0;
};

// Evaluates `program` with variables from `row`. Errors are returned as
// Values of kind kError.
Value EvaluateRow(const ProgramImpl& program, const RowSource& row);
// Evaluates the subtree rooted at `id` (which must not be inside a
// comprehension, whose variables would be unbound).
Value EvaluateRowAt(const ProgramImpl& program, ExprId id,
                    const RowSource& row);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_EXPR_EVALUATOR_H_
