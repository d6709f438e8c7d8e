#ifndef ZHUCUN_SRC_EXPR_STDLIB_H_
#define ZHUCUN_SRC_EXPR_STDLIB_H_

// The run-time semantics of the functions that are not short-circuiting:
// CEL's operators and standard functions and zhucun's extensions, on Values.
// An argument that is an error never reaches these functions (the evaluator
// propagates it first); a result that is an error is a Value of kind kError.

#include <cstddef>

#include "expr/functions.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// Calls `fn` on `args` (the receiver first for receiver-style calls).
Value CallFunction(Fn fn, const Value* args, size_t argc);

// CEL's `==`: numbers compare by value across int, uint and double; lists
// and maps elementwise; values of other different types are unequal.
bool CelEquals(const Value& a, const Value& b);

// CEL's ordering for `<` etc.: -1, 0 or 1; 2 when unordered (NaN); or an
// error Value in *error when the types cannot be ordered.
int CelCompare(const Value& a, const Value& b, Value* error);

// Selects `field` from a map or record value (error if absent), or tests its
// presence when `test_only`.
Value SelectField(const Value& operand, const std::string& field,
                  bool test_only);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_EXPR_STDLIB_H_
