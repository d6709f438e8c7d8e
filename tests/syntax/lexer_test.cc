#include "syntax/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "syntax/token.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {
namespace {

using K = TokenKind;

std::vector<TokenKind> Kinds(std::string_view text) {
  Diagnostics diags;
  std::vector<TokenKind> kinds;
  for (const Token& t : Lex(text, 0, 0, &diags)) kinds.push_back(t.kind);
  EXPECT_TRUE(diags.empty()) << text;
  return kinds;
}

// The text of every token but the last (kEnd), joined by '|'.
std::string Texts(std::string_view text) {
  Diagnostics diags;
  std::string out;
  for (const Token& t : Lex(text, 0, 0, &diags)) {
    if (t.kind == K::kEnd) break;
    if (!out.empty()) out += '|';
    out += text.substr(t.span.begin, t.span.end - t.span.begin);
  }
  return out;
}

TEST(LexerTest, Punctuation) {
  EXPECT_EQ(
      Kinds("( ) [ ] { } . , : ? + - * / % ! == != < <= > >= && ||"),
      (std::vector<TokenKind>{
          K::kLParen, K::kRParen, K::kLBracket, K::kRBracket, K::kLBrace,
          K::kRBrace, K::kDot,    K::kComma,    K::kColon,    K::kQuestion,
          K::kPlus,   K::kMinus,  K::kStar,     K::kSlash,    K::kPercent,
          K::kBang,   K::kEq,     K::kNe,       K::kLt,       K::kLe,
          K::kGt,     K::kGe,     K::kAnd,      K::kOr,       K::kEnd}));
  EXPECT_EQ(Texts("a<=b>=c!=d==e"), "a|<=|b|>=|c|!=|d|==|e");
  EXPECT_EQ(Texts("!!a"), "!|!|a");
}

TEST(LexerTest, WordsAndKeywords) {
  EXPECT_EQ(Kinds("true false null in x _y if"),
            (std::vector<TokenKind>{K::kTrue, K::kFalse, K::kNull, K::kIn,
                                    K::kIdent, K::kIdent, K::kIdent, K::kEnd}));
  EXPECT_EQ(Texts("in_x inx trueish"), "in_x|inx|trueish");
  EXPECT_EQ(Kinds("in_x")[0], K::kIdent);
  EXPECT_TRUE(IsReservedWord("while"));
  EXPECT_TRUE(IsReservedWord("namespace"));
  EXPECT_FALSE(IsReservedWord("in"));
  EXPECT_FALSE(IsReservedWord("whiles"));
}

TEST(LexerTest, Numbers) {
  EXPECT_EQ(Kinds("1 0x1F 1u 0x1FU 1.5 .5 1e3 1E-3 2.5e+10"),
            (std::vector<TokenKind>{K::kInt, K::kInt, K::kUint, K::kUint,
                                    K::kDouble, K::kDouble, K::kDouble,
                                    K::kDouble, K::kDouble, K::kEnd}));
  // `1.` is not a double: it is an int followed by a selection.
  EXPECT_EQ(Texts("1.size()"), "1|.|size|(|)");
  EXPECT_EQ(Texts("1..2"), "1|.|.2");
  EXPECT_EQ(Texts("a.b1"), "a|.|b1");
  EXPECT_EQ(Texts("1-1"), "1|-|1");
}

TEST(LexerTest, WhitespaceAndComments) {
  EXPECT_EQ(Texts(" a\t+\r\n\fb // comment + c\n- d // end"), "a|+|b|-|d");
  EXPECT_EQ(Texts("a // 注释 ünïcode\r+ b"), "a|+|b");
}

TEST(LexerTest, StringTokensHoldDecodedValues) {
  Diagnostics diags;
  const std::vector<Token> tokens =
      Lex("'a\\n' r'a\\n' b'\\xff' \"\"\"x\"y\"\"\" `a-b`", 0, 0, &diags);
  ASSERT_TRUE(diags.empty());
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].kind, K::kString);
  EXPECT_EQ(tokens[0].value, "a\n");
  EXPECT_EQ(tokens[1].kind, K::kString);
  EXPECT_EQ(tokens[1].value, "a\\n");
  EXPECT_EQ(tokens[2].kind, K::kBytes);
  EXPECT_EQ(tokens[2].value, "\xff");
  EXPECT_EQ(tokens[3].kind, K::kString);
  EXPECT_EQ(tokens[3].value, "x\"y");
  EXPECT_EQ(tokens[4].kind, K::kQuotedIdent);
  EXPECT_EQ(tokens[4].value, "a-b");
}

TEST(LexerTest, StringPrefixes) {
  EXPECT_EQ(Kinds("r'' R'' b'' B'' rb'' rB'' Rb'' RB'' br'' bR'' Br'' BR''"),
            (std::vector<TokenKind>{K::kString, K::kString, K::kBytes,
                                    K::kBytes, K::kBytes, K::kBytes, K::kBytes,
                                    K::kBytes, K::kBytes, K::kBytes, K::kBytes,
                                    K::kBytes, K::kEnd}));
  // Not prefixes: longer words, repeated letters, a space before the quote.
  EXPECT_EQ(Texts("rr'' bb'' rbr'' r ''"), "rr|''|bb|''|rbr|''|r|''");
}

TEST(LexerTest, TripleQuotedStringsSpanLines) {
  EXPECT_EQ(Texts("'''a\n'b''' + \"\"\"\n\"\"\""),
            "'''a\n'b'''|+|\"\"\"\n\"\"\"");
}

TEST(LexerTest, SpansAreFileRelative) {
  Diagnostics diags;
  const std::vector<Token> tokens = Lex("ab + c", 3, 100, &diags);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].span.file, 3u);
  EXPECT_EQ(tokens[0].span.begin, 100u);
  EXPECT_EQ(tokens[0].span.end, 102u);
  EXPECT_EQ(tokens[2].span.begin, 105u);
  EXPECT_EQ(tokens[3].kind, K::kEnd);
  EXPECT_EQ(tokens[3].span.begin, 106u);
  EXPECT_EQ(tokens[3].span.end, 106u);
}

TEST(LexerTest, ErrorsDoNotStopTheLexer) {
  Diagnostics diags;
  const std::vector<Token> tokens = Lex("a # 'b\n c", 0, 0, &diags);
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags.items()[0].code, "expr.syntax");
  EXPECT_EQ(diags.items()[0].message, "unexpected character `#`");
  EXPECT_EQ(diags.items()[1].message, "unterminated string literal");
  std::vector<TokenKind> kinds;
  for (const Token& t : tokens) kinds.push_back(t.kind);
  EXPECT_EQ(kinds, (std::vector<TokenKind>{K::kIdent, K::kError, K::kString,
                                           K::kIdent, K::kEnd}));
  EXPECT_EQ(tokens[2].value, "b");
}

TEST(LexerTest, LookalikesBecomeWhatTheyLookLike) {
  Diagnostics diags;
  const std::vector<Token> tokens = Lex("f（“x”）", 0, 0, &diags);
  EXPECT_EQ(diags.size(), 3u);  // （ “ ）
  std::vector<TokenKind> kinds;
  for (const Token& t : tokens) kinds.push_back(t.kind);
  EXPECT_EQ(kinds, (std::vector<TokenKind>{K::kIdent, K::kLParen, K::kString,
                                           K::kRParen, K::kEnd}));
  EXPECT_EQ(tokens[2].value, "x");
}

TEST(LexerTest, InvalidUtf8IsReportedWithItsByteOffset) {
  Diagnostics diags;
  const std::vector<Token> tokens = Lex("a \xff\xfe b '\xc3'", 0, 10, &diags);
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags.items()[0].code, "expr.invalid_utf8");
  EXPECT_EQ(diags.items()[0].message,
            "invalid UTF-8 byte 0xFF at byte offset 12");
  EXPECT_EQ(diags.items()[0].span.begin, 12u);
  EXPECT_EQ(diags.items()[0].span.end, 14u);
  EXPECT_EQ(diags.items()[1].message,
            "invalid UTF-8 byte 0xC3 at byte offset 18");
  // The string still holds valid UTF-8.
  EXPECT_EQ(tokens.back().kind, K::kEnd);
  EXPECT_EQ(tokens[tokens.size() - 2].value, "\xEF\xBF\xBD");
}

TEST(LexerTest, TokenKindNames) {
  EXPECT_EQ(TokenKindName(K::kEq), "`==`");
  EXPECT_EQ(TokenKindName(K::kEnd), "end of expression");
  EXPECT_EQ(TokenKindName(K::kString), "string literal");
}

}  // namespace
}  // namespace zhucun::internal
