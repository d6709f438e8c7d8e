#ifndef ZHUCUN_SRC_SYNTAX_PARSER_H_
#define ZHUCUN_SRC_SYNTAX_PARSER_H_

// The CEL parser: text -> Ast (see ast.h), by recursive descent over the
// tokens of lexer.h, with error recovery so that one run reports every syntax
// error it can find.
//
// Grammar (cel-spec langdef.md), lowest precedence first:
//   Expr           = ConditionalOr ["?" ConditionalOr ":" Expr]   (right-assoc)
//   ConditionalOr  = ConditionalAnd {"||" ConditionalAnd}         (left-assoc)
//   ConditionalAnd = Relation {"&&" Relation}
//   Relation       = Addition {("<"|"<="|">="|">"|"=="|"!="|"in") Addition}
//   Addition       = Multiplication {("+"|"-") Multiplication}
//   Multiplication = Unary {("*"|"/"|"%") Unary}
//   Unary          = {"!" | "-"} Member
//   Member         = Primary {"." FIELD ["(" [ExprList] ")"] | "[" Expr "]"}
//   Primary        = ["."] IDENT ["(" [ExprList] ")"] | "(" Expr ")"
//                  | "[" [ExprList] [","] "]" | "{" [MapInits] [","] "}"
//                  | LITERAL
// Deviations and details:
//  - `!` and `-` may be mixed in one prefix run (`!-x` parses as !_(-_(x))).
//  - A `-` directly before an int or double literal that has no member suffix
//    is folded into the literal (so `-9223372036854775808` is the int64
//    minimum and `-2.5` is the double -2.5 with literal_text "-2.5"); uint
//    literals are never folded (`-1u` is -_(1u)).
//  - FIELD is an identifier (reserved words allowed: `m.if`, `m.as()`) or a
//    backtick-quoted name (`` m.`content-type` ``, not callable).
//  - Message construction `Foo{f: 1}` is not supported and is an error.
//  - Reserved words are errors as identifiers and global function names.
//  - Global calls with a leading dot keep it in the function name (`.f(x)`).
//  - Macros (has, all, exists, exists_one, map, filter) are expanded as ast.h
//    describes. `has` is only a macro as a global call and the others only as
//    receiver calls; a macro with the wrong number of arguments, a non-
//    identifier iteration variable, or has() of anything but a field
//    selection is an error (expr.macro).
//
// Spans (Ast::spans, file-relative) point at what a diagnostic about the node
// should underline:
//   literal, identifier        the token (a folded `-` included)
//   select a.f                 the field name `f` (backticks included)
//   call f(x), a.f(x), macro   from the function name to the `)`
//   index a[i]                 from `[` to `]`
//   unary -x, !x               from the operator to the end of the operand
//   binary a + b, a ? b : c    from the start of `a` to the end of the last
//                              operand (parentheses around `a` included)
//   list, map                  from the opening to the closing bracket
//   macro expansion parts      the macro call (name to `)`); has(a.f) gives
//                              the whole `has(...)`
//
// When Parse returns true, every node in Ast::nodes is reachable from
// Ast::root exactly once (the nodes form a tree), and the tree is at most
// max_depth nodes high, so later stages may recurse over it. When it returns
// false the Ast is unspecified (but every ExprId in it is valid, and root may
// be kNoExpr) and must not be used.

#include <cstdint>
#include <string_view>

#include "syntax/ast.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {

struct ParseOptions {
  // Maximum nesting: of parentheses, brackets, braces, call arguments,
  // ternary branches and prefix operators while parsing, and of the height of
  // the resulting tree (so a chain of 300 `+` is also too deep). Each level
  // of parsing costs under 1 KB of stack, even unoptimized.
  uint32_t max_depth = 250;
  // Maximum length of the expression text in bytes.
  uint32_t max_length = 100000;
};

// Parses `text`, whose first byte is at byte `offset` of source file `file`
// (spans are file-relative: offset + position in text), into *ast (which is
// cleared first). Appends every syntax error found to *diags, ordered by
// position. Never throws and never recurses deeper than max_depth. Returns
// true if there was no error.
//
// Diagnostic codes: expr.syntax, expr.invalid_literal, expr.invalid_escape,
// expr.too_deep, expr.too_long, expr.invalid_utf8, expr.reserved, expr.macro.
bool Parse(std::string_view text, FileId file, uint32_t offset,
           const ParseOptions& options, Ast* ast, Diagnostics* diags);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_SYNTAX_PARSER_H_
