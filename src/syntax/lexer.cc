#include "syntax/lexer.h"

#include <array>
#include <string>
#include <utility>

#include "source/utf8.h"

namespace zhucun::internal {

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of expression";
    case TokenKind::kError:
      return "invalid token";
    case TokenKind::kIdent:
      return "identifier";
    case TokenKind::kQuotedIdent:
      return "quoted identifier";
    case TokenKind::kInt:
      return "int literal";
    case TokenKind::kUint:
      return "uint literal";
    case TokenKind::kDouble:
      return "double literal";
    case TokenKind::kString:
      return "string literal";
    case TokenKind::kBytes:
      return "bytes literal";
    case TokenKind::kTrue:
      return "`true`";
    case TokenKind::kFalse:
      return "`false`";
    case TokenKind::kNull:
      return "`null`";
    case TokenKind::kIn:
      return "`in`";
    case TokenKind::kLParen:
      return "`(`";
    case TokenKind::kRParen:
      return "`)`";
    case TokenKind::kLBracket:
      return "`[`";
    case TokenKind::kRBracket:
      return "`]`";
    case TokenKind::kLBrace:
      return "`{`";
    case TokenKind::kRBrace:
      return "`}`";
    case TokenKind::kDot:
      return "`.`";
    case TokenKind::kComma:
      return "`,`";
    case TokenKind::kColon:
      return "`:`";
    case TokenKind::kQuestion:
      return "`?`";
    case TokenKind::kPlus:
      return "`+`";
    case TokenKind::kMinus:
      return "`-`";
    case TokenKind::kStar:
      return "`*`";
    case TokenKind::kSlash:
      return "`/`";
    case TokenKind::kPercent:
      return "`%`";
    case TokenKind::kBang:
      return "`!`";
    case TokenKind::kEq:
      return "`==`";
    case TokenKind::kNe:
      return "`!=`";
    case TokenKind::kLt:
      return "`<`";
    case TokenKind::kLe:
      return "`<=`";
    case TokenKind::kGt:
      return "`>`";
    case TokenKind::kGe:
      return "`>=`";
    case TokenKind::kAnd:
      return "`&&`";
    case TokenKind::kOr:
      return "`||`";
  }
  return "token";
}

bool IsReservedWord(std::string_view word) {
  static constexpr std::array<std::string_view, 17> kReserved = {
      "as",        "break",  "const",  "continue", "else", "for",
      "function",  "if",     "import", "let",      "loop", "package",
      "namespace", "return", "var",    "void",     "while"};
  for (std::string_view r : kReserved) {
    if (r == word) return true;
  }
  return false;
}

namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool IsIdentStart(char c) { return IsLetter(c) || c == '_'; }
constexpr bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
constexpr int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

std::string Hex2(unsigned value) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string s;
  s += kDigits[(value >> 4) & 0xF];
  s += kDigits[value & 0xF];
  return s;
}

// "U+00A0" style.
std::string CodePointName(char32_t cp) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string digits;
  for (char32_t v = cp; v != 0 || digits.size() < 4; v >>= 4) {
    digits.insert(digits.begin(), kDigits[v & 0xF]);
  }
  return "U+" + digits;
}

// Characters that would be invisible or confusing between backticks.
bool IsInvisible(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD ||
         (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
         (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF;
}

// The ASCII character that a character typed by mistake (often by a Chinese
// input method) stands for, or 0: fullwidth forms, ideographic punctuation
// and curly quotes.
char AsciiLookalike(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return static_cast<char>(cp - 0xFEE0);
  switch (cp) {
    case 0x3000:
      return ' ';
    case 0x201C:
    case 0x201D:
      return '"';
    case 0x2018:
    case 0x2019:
      return '\'';
    case 0x3001:
      return ',';
    case 0x3002:
      return '.';
    case 0x3010:
      return '[';
    case 0x3011:
      return ']';
    default:
      return 0;
  }
}

std::string LookalikeHint(char ascii) {
  switch (ascii) {
    case ' ':
      return "replace it with an ASCII space";
    case '=':
      return "did you mean `==`?";
    case '&':
      return "did you mean `&&`?";
    case '|':
      return "did you mean `||`?";
    default:
      return "did you mean `" + std::string(1, ascii) + "`?";
  }
}

// The token an ASCII punctuation character starts on its own (`=`, `&` and
// `|` standing for `==`, `&&` and `||`), or kEnd if none.
TokenKind PunctuationKind(char c) {
  switch (c) {
    case '(':
      return TokenKind::kLParen;
    case ')':
      return TokenKind::kRParen;
    case '[':
      return TokenKind::kLBracket;
    case ']':
      return TokenKind::kRBracket;
    case '{':
      return TokenKind::kLBrace;
    case '}':
      return TokenKind::kRBrace;
    case '.':
      return TokenKind::kDot;
    case ',':
      return TokenKind::kComma;
    case ':':
      return TokenKind::kColon;
    case '?':
      return TokenKind::kQuestion;
    case '+':
      return TokenKind::kPlus;
    case '-':
      return TokenKind::kMinus;
    case '*':
      return TokenKind::kStar;
    case '/':
      return TokenKind::kSlash;
    case '%':
      return TokenKind::kPercent;
    case '!':
      return TokenKind::kBang;
    case '<':
      return TokenKind::kLt;
    case '>':
      return TokenKind::kGt;
    case '=':
      return TokenKind::kEq;
    case '&':
      return TokenKind::kAnd;
    case '|':
      return TokenKind::kOr;
    default:
      return TokenKind::kEnd;
  }
}

// For non-ASCII letters where an identifier was probably meant.
std::string IdentifierHint(std::string_view chars) {
  size_t pos = 0;
  while (pos < chars.size()) {
    char32_t cp;
    const size_t len = DecodeUtf8(chars, pos, &cp);
    if (len == 0 || cp < 0x80 || IsInvisible(cp)) return {};
    pos += len;
  }
  return "identifiers may only contain ASCII letters, digits and `_`";
}

class Lexer {
 public:
  Lexer(std::string_view text, FileId file, uint32_t offset, Diagnostics* diags)
      : text_(text), file_(file), offset_(offset), diags_(diags) {}

  std::vector<Token> Run() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else if (c == '/' && Peek(1) == '/') {
        SkipComment();
      } else if (IsIdentStart(c)) {
        LexWord();
      } else if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) {
        LexNumber();
      } else if (c == '"' || c == '\'') {
        LexString(pos_, /*raw=*/false, /*bytes=*/false);
      } else if (c == '`') {
        LexQuotedIdent();
      } else if (!LexPunctuation()) {
        LexUnexpected();
      }
    }
    Emit(TokenKind::kEnd, text_.size(), text_.size());
    return std::move(tokens_);
  }

 private:
  char Peek(size_t ahead) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  SourceSpan Span(size_t begin, size_t end) const {
    return SourceSpan{file_, offset_ + static_cast<uint32_t>(begin),
                      offset_ + static_cast<uint32_t>(end)};
  }

  void Error(const char* code, std::string message, size_t begin, size_t end,
             std::string help = {}) {
    diags_->Error(code, std::move(message), Span(begin, end), std::move(help));
  }

  Token& Emit(TokenKind kind, size_t begin, size_t end) {
    Token token;
    token.kind = kind;
    token.span = Span(begin, end);
    tokens_.push_back(std::move(token));
    return tokens_.back();
  }

  // Reports the run of invalid UTF-8 bytes at pos_ and skips it; returns its
  // length in bytes.
  size_t InvalidUtf8() {
    const size_t begin = pos_;
    char32_t cp;
    while (pos_ < text_.size() &&
           static_cast<unsigned char>(text_[pos_]) >= 0x80 &&
           DecodeUtf8(text_, pos_, &cp) == 0) {
      ++pos_;
    }
    Error("expr.invalid_utf8",
          "invalid UTF-8 byte 0x" +
              Hex2(static_cast<unsigned char>(text_[begin])) +
              " at byte offset " + std::to_string(offset_ + begin),
          begin, pos_);
    return pos_ - begin;
  }

  void SkipComment() {
    while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') {
      if (static_cast<unsigned char>(text_[pos_]) < 0x80) {
        ++pos_;
        continue;
      }
      char32_t cp;
      const size_t len = DecodeUtf8(text_, pos_, &cp);
      if (len == 0) {
        InvalidUtf8();
      } else {
        pos_ += len;
      }
    }
  }

  void LexWord() {
    const size_t begin = pos_;
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    const std::string_view word = text_.substr(begin, pos_ - begin);
    // String prefixes: r, b and one of each in either order, any case.
    if (word.size() <= 2 && pos_ < text_.size() &&
        (text_[pos_] == '"' || text_[pos_] == '\'')) {
      bool raw = false;
      bool bytes = false;
      bool ok = true;
      for (char c : word) {
        if ((c == 'r' || c == 'R') && !raw) {
          raw = true;
        } else if ((c == 'b' || c == 'B') && !bytes) {
          bytes = true;
        } else {
          ok = false;
        }
      }
      if (ok) {
        LexString(begin, raw, bytes);
        return;
      }
    }
    TokenKind kind = TokenKind::kIdent;
    if (word == "true") {
      kind = TokenKind::kTrue;
    } else if (word == "false") {
      kind = TokenKind::kFalse;
    } else if (word == "null") {
      kind = TokenKind::kNull;
    } else if (word == "in") {
      kind = TokenKind::kIn;
    }
    Emit(kind, begin, pos_);
  }

  void LexNumber() {
    const size_t begin = pos_;
    TokenKind kind = TokenKind::kInt;
    if (text_[pos_] == '0' && (Peek(1) == 'x')) {
      pos_ += 2;
      const size_t digits = pos_;
      while (pos_ < text_.size() && IsHexDigit(text_[pos_])) ++pos_;
      bool ok = pos_ > digits;
      if (pos_ < text_.size() && (text_[pos_] == 'u' || text_[pos_] == 'U')) {
        ++pos_;
        kind = TokenKind::kUint;
      }
      FinishNumber(begin, kind, ok);
      return;
    }
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    if (Peek(0) == '.' && IsDigit(Peek(1))) {
      ++pos_;
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
      kind = TokenKind::kDouble;
    }
    if (Peek(0) == 'e' || Peek(0) == 'E') {
      size_t n = 1;
      if (Peek(1) == '+' || Peek(1) == '-') n = 2;
      if (IsDigit(Peek(n))) {
        pos_ += n;
        while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
        kind = TokenKind::kDouble;
      }
    }
    if (kind == TokenKind::kInt && (Peek(0) == 'u' || Peek(0) == 'U')) {
      ++pos_;
      kind = TokenKind::kUint;
    }
    FinishNumber(begin, kind, true);
  }

  // Rejects letters or digits glued to a number (`123abc`, `0x`, `1.5u`).
  void FinishNumber(size_t begin, TokenKind kind, bool ok) {
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) {
      ++pos_;
      ok = false;
    }
    if (!ok) {
      Error("expr.invalid_literal",
            "invalid numeric literal `" +
                std::string(text_.substr(begin, pos_ - begin)) + "`",
            begin, pos_);
      kind = TokenKind::kError;
    }
    Emit(kind, begin, pos_);
  }

  // Lexes a string or bytes literal whose prefix starts at `begin` and whose
  // opening quote is at pos_.
  void LexString(size_t begin, bool raw, bool bytes) {
    const char quote = text_[pos_];
    const bool triple = Peek(1) == quote && Peek(2) == quote;
    pos_ += triple ? 3 : 1;
    std::string value;
    bool terminated = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == quote && (!triple || (Peek(1) == quote && Peek(2) == quote))) {
        pos_ += triple ? 3 : 1;
        terminated = true;
        break;
      }
      if (!triple && (c == '\n' || c == '\r')) break;
      if (c == '\\' && !raw) {
        LexEscape(bytes, triple, &value);
      } else if (static_cast<unsigned char>(c) < 0x80) {
        value.push_back(c);
        ++pos_;
      } else {
        char32_t cp;
        const size_t len = DecodeUtf8(text_, pos_, &cp);
        if (len == 0) {
          InvalidUtf8();
          AppendUtf8(kReplacementChar, &value);
        } else {
          value.append(text_.substr(pos_, len));
          pos_ += len;
        }
      }
    }
    if (!terminated) {
      Error(
          "expr.syntax",
          bytes ? "unterminated bytes literal" : "unterminated string literal",
          begin, pos_);
    }
    Token& token =
        Emit(bytes ? TokenKind::kBytes : TokenKind::kString, begin, pos_);
    token.value = std::move(value);
  }

  // Reads `count` hex digits after pos_ + skip; returns false if they are not
  // all there, leaving pos_ after the ones that are.
  bool ReadHex(size_t skip, size_t count, uint32_t* value) {
    pos_ += skip;
    *value = 0;
    for (size_t i = 0; i < count; ++i) {
      if (pos_ >= text_.size() || !IsHexDigit(text_[pos_])) return false;
      *value = *value * 16 + static_cast<uint32_t>(HexValue(text_[pos_]));
      ++pos_;
    }
    return true;
  }

  std::string Escape(size_t begin) const {
    return std::string(text_.substr(begin, pos_ - begin));
  }

  // pos_ is at a backslash inside a non-raw literal.
  void LexEscape(bool bytes, bool triple, std::string* value) {
    const size_t begin = pos_;
    if (pos_ + 1 >= text_.size()) {
      ++pos_;  // the literal is unterminated; that is reported instead
      return;
    }
    const char e = Peek(1);
    char simple = 0;
    switch (e) {
      case 'a':
        simple = '\a';
        break;
      case 'b':
        simple = '\b';
        break;
      case 'f':
        simple = '\f';
        break;
      case 'n':
        simple = '\n';
        break;
      case 'r':
        simple = '\r';
        break;
      case 't':
        simple = '\t';
        break;
      case 'v':
        simple = '\v';
        break;
      case '\\':
        simple = '\\';
        break;
      case '\'':
        simple = '\'';
        break;
      case '"':
        simple = '"';
        break;
      case '`':
        simple = '`';
        break;
      case '?':
        simple = '?';
        break;
      default:
        break;
    }
    if (simple != 0) {
      value->push_back(simple);
      pos_ += 2;
      return;
    }
    uint32_t code = 0;
    if (e == 'x' || e == 'X') {
      if (!ReadHex(2, 2, &code)) {
        Error("expr.invalid_escape",
              "invalid escape sequence `" + Escape(begin) +
                  "`; expected two hexadecimal digits",
              begin, pos_);
        return;
      }
      AppendCode(code, bytes, value);
      return;
    }
    if (e == 'u' || e == 'U') {
      const size_t digits = e == 'u' ? 4 : 8;
      if (!ReadHex(2, digits, &code)) {
        Error("expr.invalid_escape",
              "invalid escape sequence `" + Escape(begin) + "`; expected " +
                  std::to_string(digits) + " hexadecimal digits",
              begin, pos_);
        return;
      }
      if (bytes) {
        Error("expr.invalid_escape",
              "escape sequence `" + Escape(begin) +
                  "` is not allowed in bytes literals",
              begin, pos_, "use `\\x` or octal escapes for octets");
        return;
      }
      if (IsSurrogate(code)) {
        Error("expr.invalid_escape",
              "escape sequence `" + Escape(begin) +
                  "` denotes a surrogate code point",
              begin, pos_);
        return;
      }
      if (code > 0x10FFFF) {
        Error("expr.invalid_escape",
              "escape sequence `" + Escape(begin) +
                  "` is beyond the last code point U+10FFFF",
              begin, pos_);
        return;
      }
      AppendUtf8(code, value);
      return;
    }
    if (e >= '0' && e <= '3') {
      pos_ += 1;
      for (int i = 0; i < 3; ++i) {
        if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '7') {
          Error("expr.invalid_escape",
                "invalid escape sequence `" + Escape(begin) +
                    "`; octal escapes have three digits from `\\000` to "
                    "`\\377`",
                begin, pos_);
          return;
        }
        code = code * 8 + static_cast<uint32_t>(text_[pos_] - '0');
        ++pos_;
      }
      AppendCode(code, bytes, value);
      return;
    }
    // Unknown escape. Do not swallow a line end or the end of the text: the
    // string is then unterminated, which is reported separately.
    pos_ += 1;
    if (pos_ < text_.size() &&
        ((text_[pos_] != '\n' && text_[pos_] != '\r') || triple)) {
      char32_t cp;
      const size_t len = DecodeUtf8(text_, pos_, &cp);
      if (len == 0) {
        Error("expr.invalid_escape", "invalid escape sequence", begin, pos_);
        return;
      }
      pos_ += len;
      if (IsInvisible(cp)) {
        Error("expr.invalid_escape",
              "invalid escape sequence: `\\` followed by " + CodePointName(cp),
              begin, pos_);
        return;
      }
    }
    Error("expr.invalid_escape",
          "invalid escape sequence `" + Escape(begin) + "`", begin, pos_);
  }

  // \x and octal escapes: a code point U+0000..U+00FF in strings, an octet in
  // bytes.
  static void AppendCode(uint32_t code, bool bytes, std::string* value) {
    if (bytes) {
      value->push_back(static_cast<char>(code));
    } else {
      AppendUtf8(code, value);
    }
  }

  void LexQuotedIdent() {
    const size_t begin = pos_;
    ++pos_;
    std::string name;
    bool bad = false;
    while (pos_ < text_.size() && text_[pos_] != '`' && text_[pos_] != '\n' &&
           text_[pos_] != '\r') {
      const char c = text_[pos_];
      if (IsIdentChar(c) || c == '.' || c == '-' || c == '/' || c == ' ') {
        name.push_back(c);
        ++pos_;
        continue;
      }
      char32_t cp;
      const size_t len = DecodeUtf8(text_, pos_, &cp);
      if (len == 0) {
        InvalidUtf8();
        bad = true;
        continue;
      }
      if (!bad) {
        Error("expr.syntax",
              IsInvisible(cp) ? "invalid character " + CodePointName(cp) +
                                    " in quoted identifier"
                              : "invalid character `" +
                                    std::string(text_.substr(pos_, len)) +
                                    "` in quoted identifier",
              pos_, pos_ + len,
              "quoted identifiers may contain letters, digits, `_`, `.`, "
              "`-`, `/` and spaces");
      }
      bad = true;
      name.append(text_.substr(pos_, len));
      pos_ += len;
    }
    if (pos_ >= text_.size() || text_[pos_] != '`') {
      Error("expr.syntax", "unterminated quoted identifier", begin, pos_);
      Emit(TokenKind::kError, begin, pos_);
      return;
    }
    ++pos_;
    if (name.empty()) {
      Error("expr.syntax", "empty quoted identifier", begin, pos_);
      Emit(TokenKind::kError, begin, pos_);
      return;
    }
    Token& token = Emit(TokenKind::kQuotedIdent, begin, pos_);
    token.value = std::move(name);
  }

  bool LexPunctuation() {
    const char c = text_[pos_];
    const char n = Peek(1);
    TokenKind kind;
    size_t len = 1;
    switch (c) {
      case '(':
        kind = TokenKind::kLParen;
        break;
      case ')':
        kind = TokenKind::kRParen;
        break;
      case '[':
        kind = TokenKind::kLBracket;
        break;
      case ']':
        kind = TokenKind::kRBracket;
        break;
      case '{':
        kind = TokenKind::kLBrace;
        break;
      case '}':
        kind = TokenKind::kRBrace;
        break;
      case '.':
        kind = TokenKind::kDot;
        break;
      case ',':
        kind = TokenKind::kComma;
        break;
      case ':':
        kind = TokenKind::kColon;
        break;
      case '?':
        kind = TokenKind::kQuestion;
        break;
      case '+':
        kind = TokenKind::kPlus;
        break;
      case '-':
        kind = TokenKind::kMinus;
        break;
      case '*':
        kind = TokenKind::kStar;
        break;
      case '/':
        kind = TokenKind::kSlash;
        break;
      case '%':
        kind = TokenKind::kPercent;
        break;
      case '!':
        kind = n == '=' ? TokenKind::kNe : TokenKind::kBang;
        len = n == '=' ? 2 : 1;
        break;
      case '<':
        kind = n == '=' ? TokenKind::kLe : TokenKind::kLt;
        len = n == '=' ? 2 : 1;
        break;
      case '>':
        kind = n == '=' ? TokenKind::kGe : TokenKind::kGt;
        len = n == '=' ? 2 : 1;
        break;
      case '=':
        kind = TokenKind::kEq;
        if (n == '=') {
          len = 2;
        } else {
          Error("expr.syntax", "unexpected character `=`", pos_, pos_ + 1,
                "did you mean `==`?");
        }
        break;
      case '&':
        kind = TokenKind::kAnd;
        if (n == '&') {
          len = 2;
        } else {
          Error("expr.syntax", "unexpected character `&`", pos_, pos_ + 1,
                "did you mean `&&`?");
        }
        break;
      case '|':
        kind = TokenKind::kOr;
        if (n == '|') {
          len = 2;
        } else {
          Error("expr.syntax", "unexpected character `|`", pos_, pos_ + 1,
                "did you mean `||`?");
        }
        break;
      default:
        return false;
    }
    Emit(kind, pos_, pos_ + len);
    pos_ += len;
    return true;
  }

  // True if the character at pos_ could start a token or is whitespace.
  bool StartsToken() const {
    const char c = text_[pos_];
    if (IsIdentChar(c) || c == '"' || c == '\'' || c == '`' || c == ' ' ||
        c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '.') {
      return true;
    }
    static constexpr std::string_view kPunct = "()[]{},:?+-*/%!<>=&|";
    return kPunct.find(c) != std::string_view::npos;
  }

  // A run of characters that start no token, or a run of invalid UTF-8.
  // A look-alike of ASCII punctuation (`（`, `“`, `，`, ideographic space) is
  // reported on its own with a hint and then read as what it looks like, so
  // that the parser does not report the same mistake again.
  void LexUnexpected() {
    const size_t begin = pos_;
    char32_t cp;
    if (static_cast<unsigned char>(text_[pos_]) >= 0x80 &&
        DecodeUtf8(text_, pos_, &cp) == 0) {
      InvalidUtf8();
      Emit(TokenKind::kError, begin, pos_);
      return;
    }
    pos_ += DecodeUtf8(text_, pos_, &cp);
    const char ascii = AsciiLookalike(cp);
    if (ascii != 0) {
      Error("expr.syntax",
            (IsInvisible(cp)
                 ? "unexpected character " + CodePointName(cp)
                 : "unexpected character `" +
                       std::string(text_.substr(begin, pos_ - begin)) + "`"),
            begin, pos_, LookalikeHint(ascii));
      if (ascii == '"' || ascii == '\'') {
        LexLookalikeString(begin, cp);
        return;
      }
      const TokenKind kind = PunctuationKind(ascii);
      if (ascii != ' ') {
        Emit(kind == TokenKind::kEnd ? TokenKind::kError : kind, begin, pos_);
      }
      return;
    }
    size_t count = 1;
    const char32_t first = cp;
    while (pos_ < text_.size() && !StartsToken()) {
      const size_t len = DecodeUtf8(text_, pos_, &cp);
      if (len == 0 || AsciiLookalike(cp) != 0) break;  // reported apart
      ++count;
      pos_ += len;
    }
    const std::string_view chars = text_.substr(begin, pos_ - begin);
    if (count == 1) {
      Error("expr.syntax",
            IsInvisible(first)
                ? "unexpected character " + CodePointName(first)
                : "unexpected character `" + std::string(chars) + "`",
            begin, pos_, IdentifierHint(chars));
    } else {
      Error("expr.syntax", "unexpected characters `" + std::string(chars) + "`",
            begin, pos_, IdentifierHint(chars));
    }
    Emit(TokenKind::kError, begin, pos_);
  }

  // A string in curly quotes (already reported): read up to the closing
  // curly quote or the end of the line, without escapes.
  void LexLookalikeString(size_t begin, char32_t open) {
    const char32_t close = open == 0x201C || open == 0x201D ? 0x201D : 0x2019;
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') {
      char32_t cp;
      const size_t len = DecodeUtf8(text_, pos_, &cp);
      if (len == 0) {
        InvalidUtf8();
        AppendUtf8(kReplacementChar, &value);
        continue;
      }
      if (cp == close || cp == open) {
        pos_ += len;
        break;
      }
      value.append(text_.substr(pos_, len));
      pos_ += len;
    }
    Token& token = Emit(TokenKind::kString, begin, pos_);
    token.value = std::move(value);
  }

  std::string_view text_;
  FileId file_;
  uint32_t offset_;
  Diagnostics* diags_;
  size_t pos_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> Lex(std::string_view text, FileId file, uint32_t offset,
                       Diagnostics* diags) {
  return Lexer(text, file, offset, diags).Run();
}

}  // namespace zhucun::internal
