#ifndef ZHUCUN_SRC_SYNTAX_LEXER_H_
#define ZHUCUN_SRC_SYNTAX_LEXER_H_

// The CEL lexer: text -> tokens.
//
// Follows the lexis of cel-spec langdef.md: identifiers [_a-zA-Z][_a-zA-Z0-9]*,
// ints (decimal or 0x hex), uints (suffix u/U), doubles (DIGIT* . DIGIT+
// [exponent] or DIGIT+ exponent; `1.` is not a double), quoted, raw,
// triple-quoted and bytes literals with all CEL escapes, backtick-quoted
// field names (letters, digits, _ . - / and space), `//` comments and
// whitespace [ \t\n\r\f].
//
// The lexer never stops at an error: it reports it to `diags` and goes on, so
// the parser sees the rest of the text. Malformed literals still yield a token
// of their kind (an unterminated string is a kString holding what was read);
// other characters that start no token yield one kError token per run, which
// the parser skips without a second message. Likely typos are reported with a
// hint and then read as what was meant: a lone `=`, `&` or `|` as `==`, `&&`
// or `||`; fullwidth and ideographic punctuation from a Chinese input method
// (`（`, `，`, `。`, `【`) as its ASCII counterpart; text in curly quotes
// (“...”, ‘...’) as a string; the ideographic space as a space.
// Diagnostic codes: expr.syntax (unexpected character, unterminated string or
// quoted identifier), expr.invalid_literal (malformed number),
// expr.invalid_escape, expr.invalid_utf8. Values of numbers are computed by
// the parser (which knows whether a `-` precedes them), not here.

#include <cstdint>
#include <string_view>
#include <vector>

#include "syntax/token.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {

// Splits `text` into tokens. `text` starts at byte `offset` of file `file`;
// token spans are file-relative. The result always ends with one kEnd token
// whose span is the empty range at the end of the text.
std::vector<Token> Lex(std::string_view text, FileId file, uint32_t offset,
                       Diagnostics* diags);

// True for the words CEL reserves for embedding (as, break, const, continue,
// else, for, function, if, import, let, loop, package, namespace, return, var,
// void, while); they lex as identifiers and are rejected by the parser where
// an identifier is required, but may be used as field and method names.
bool IsReservedWord(std::string_view word);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_SYNTAX_LEXER_H_
