#ifndef ZHUCUN_SRC_SYNTAX_AST_DUMP_H_
#define ZHUCUN_SRC_SYNTAX_AST_DUMP_H_

// A one-line rendering of an Ast, for table-driven parser tests:
//
//   literals      null  true  42  -7  42u  2.5  1e+300  "a\"b\n"  b"\xff"
//                 (doubles print their value, shortest round-trip form, with
//                 ".0" added when it would look like an int; strings escape
//                 `"` `\` and control characters; bytes escape everything
//                 outside printable ASCII as \xNN)
//   identifiers   x  .x
//   selection     a.b   a.`b-c` (fields that are not plain identifiers)
//   has()         has(a.b)            (a Select with test_only)
//   calls         f(x, y)   x.f(y)   _+_(a, 1)   -_(x)   _[_](a, 0)
//                 _?_:_(c, a, b)   @in(x, l)
//   list, map     [1, 2]   {"k": 1, 2: 3}
//   comprehension __comprehension__(iter_var, iter_range, accu_var,
//                                   accu_init, loop_condition, loop_step,
//                                   result)
// e.g. `l.all(x, x > 0)` dumps as
//   __comprehension__(x, l, @result, true, @not_strictly_false(@result),
//                     _&&_(@result, _>_(x, 0)), @result)
// (on one line). Subtrees deeper than 1000 levels print as "...".

#include <string>

#include "syntax/ast.h"

namespace zhucun::internal {

// Dumps the tree under `id` (or "<none>" for kNoExpr).
std::string DumpExpr(const Ast& ast, ExprId id);

// Dumps the tree under ast.root.
inline std::string DumpAst(const Ast& ast) { return DumpExpr(ast, ast.root); }

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_SYNTAX_AST_DUMP_H_
