#ifndef ZHUCUN_SRC_SYNTAX_TOKEN_H_
#define ZHUCUN_SRC_SYNTAX_TOKEN_H_

// Tokens of the CEL expression language (see lexer.h).

#include <cstdint>
#include <string>
#include <string_view>

#include "zhucun/source.h"

namespace zhucun::internal {

enum class TokenKind : uint8_t {
  kEnd,          // end of the text; always the last token
  kError,        // characters the lexer rejected (already reported)
  kIdent,        // foo, including reserved words such as `if`
  kQuotedIdent,  // `content-type` (value holds the name without backticks)
  kInt,          // 42, 0x2A
  kUint,         // 42u, 0x2AU
  kDouble,       // 1.5, 1e3, .5
  kString,       // "..." '...' """...""" r"..." (value holds the decoded text)
  kBytes,        // b"..." (value holds the decoded octets)
  kTrue,         // true
  kFalse,        // false
  kNull,         // null
  kIn,           // in
  kLParen,       // (
  kRParen,       // )
  kLBracket,     // [
  kRBracket,     // ]
  kLBrace,       // {
  kRBrace,       // }
  kDot,          // .
  kComma,        // ,
  kColon,        // :
  kQuestion,     // ?
  kPlus,         // +
  kMinus,        // -
  kStar,         // *
  kSlash,        // /
  kPercent,      // %
  kBang,         // !
  kEq,           // ==
  kNe,           // !=
  kLt,           // <
  kLe,           // <=
  kGt,           // >
  kGe,           // >=
  kAnd,          // &&
  kOr,           // ||
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  // File-relative byte range of the token's text.
  SourceSpan span;
  // kString: the decoded string (valid UTF-8); kBytes: the decoded octets;
  // kQuotedIdent: the field name between the backticks. Empty otherwise.
  std::string value;
};

// A short description of a token kind for tests and messages, e.g. "`==`",
// "identifier", "end of expression".
std::string_view TokenKindName(TokenKind kind);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_SYNTAX_TOKEN_H_
