// Parser and lexer errors, checked as rendered text: code, line:column,
// message, snippet and caret (and help where there is one).

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "syntax/ast.h"
#include "syntax/parser.h"
#include "../source/translated.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {
namespace {

// Parses `text` as file "expr" and returns the rendered diagnostics; expects
// Parse to fail exactly when there are errors.
std::string Errors(std::string_view text, const ParseOptions& options = {}) {
  SourceManager sm;
  const FileId file = sm.Add("expr", std::string(text));
  Ast ast;
  Diagnostics diags;
  const bool ok = Parse(text, file, 0, options, &ast, &diags);
  EXPECT_EQ(ok, !diags.has_errors());
  testing::ExpectTranslated(diags);
  return diags.Render(sm);
}

TEST(ParserErrorsTest, UnexpectedToken) {
  EXPECT_EQ(Errors("a + * b"),
            "expr:1:5: error[expr.syntax]: unexpected `*`; expected an "
            "expression\n"
            " | a + * b\n"
            " |     ^\n");
  EXPECT_EQ(Errors("a + )"),
            "expr:1:5: error[expr.syntax]: unexpected `)`; expected an "
            "expression\n"
            " | a + )\n"
            " |     ^\n");
  EXPECT_EQ(Errors("a b"),
            "expr:1:3: error[expr.syntax]: unexpected `b`; expected an "
            "operator\n"
            " | a b\n"
            " |   ^\n");
  EXPECT_EQ(Errors("(a))"),
            "expr:1:4: error[expr.syntax]: unmatched `)`\n"
            " | (a))\n"
            " |    ^\n");
  EXPECT_EQ(Errors("a.1"),
            "expr:1:2: error[expr.syntax]: unexpected `.1`; expected an "
            "operator\n"
            " | a.1\n"
            " |  ^~\n");
  EXPECT_EQ(Errors("m.true"),
            "expr:1:3: error[expr.syntax]: unexpected `true`; expected a "
            "field or method name\n"
            " | m.true\n"
            " |   ^~~~\n");
}

TEST(ParserErrorsTest, UnexpectedEndPointsAfterTheLastToken) {
  EXPECT_EQ(Errors("a +  "),
            "expr:1:4: error[expr.syntax]: unexpected end of expression; "
            "expected an expression\n"
            " | a +  \n"
            " |    ^\n");
  EXPECT_EQ(Errors("(a + b"),
            "expr:1:7: error[expr.syntax]: unexpected end of expression; "
            "expected `)`\n"
            " | (a + b\n"
            " |       ^\n");
  EXPECT_EQ(Errors("a ? b"),
            "expr:1:6: error[expr.syntax]: unexpected end of expression; "
            "expected `:`\n"
            " | a ? b\n"
            " |      ^\n");
  EXPECT_EQ(Errors(""),
            "expr:1:1: error[expr.syntax]: expression is empty\n"
            " |\n"
            " | ^\n");
  EXPECT_EQ(Errors("  // only a comment"),
            "expr:1:1: error[expr.syntax]: expression is empty\n"
            " |   // only a comment\n"
            " | ^\n");
}

TEST(ParserErrorsTest, CollectsAllErrors) {
  EXPECT_EQ(Errors("f(a, b c) && [1, 2 + 'x"),
            "expr:1:8: error[expr.syntax]: unexpected `c`; expected `,` or "
            "`)`\n"
            " | f(a, b c) && [1, 2 + 'x\n"
            " |        ^\n"
            "expr:1:22: error[expr.syntax]: unterminated string literal\n"
            " | f(a, b c) && [1, 2 + 'x\n"
            " |                      ^~\n"
            "expr:1:24: error[expr.syntax]: unexpected end of expression; "
            "expected `,` or `]`\n"
            " | f(a, b c) && [1, 2 + 'x\n"
            " |                        ^\n");
  EXPECT_EQ(Errors("{1: 2, 3} || if"),
            "expr:1:9: error[expr.syntax]: unexpected `}`; expected `:`\n"
            " | {1: 2, 3} || if\n"
            " |         ^\n"
            "expr:1:14: error[expr.reserved]: reserved word `if` cannot be "
            "used as an identifier\n"
            " | {1: 2, 3} || if\n"
            " |              ^~\n");
}

TEST(ParserErrorsTest, TypoHints) {
  EXPECT_EQ(Errors("a = 1"),
            "expr:1:3: error[expr.syntax]: unexpected character `=`\n"
            " | a = 1\n"
            " |   ^\n"
            " = help: did you mean `==`?\n");
  EXPECT_EQ(Errors("a & b"),
            "expr:1:3: error[expr.syntax]: unexpected character `&`\n"
            " | a & b\n"
            " |   ^\n"
            " = help: did you mean `&&`?\n");
  EXPECT_EQ(Errors("size（x） > 0"),
            "expr:1:5: error[expr.syntax]: unexpected character `（`\n"
            " | size（x） > 0\n"
            " |     ^~\n"
            " = help: did you mean `(`?\n"
            "expr:1:7: error[expr.syntax]: unexpected character `）`\n"
            " | size（x） > 0\n"
            " |        ^~\n"
            " = help: did you mean `)`?\n");
  EXPECT_EQ(Errors("name == “张三”"),
            "expr:1:9: error[expr.syntax]: unexpected character `“`\n"
            " | name == “张三”\n"
            " |         ^\n"
            " = help: did you mean `\"`?\n");
  EXPECT_EQ(Errors("姓名 == 'x'"),
            "expr:1:1: error[expr.syntax]: unexpected characters `姓名`\n"
            " | 姓名 == 'x'\n"
            " | ^~~~\n"
            " = help: identifiers may only contain ASCII letters, digits and "
            "`_`\n");
}

TEST(ParserErrorsTest, UnterminatedString) {
  EXPECT_EQ(Errors("x == 'abc"),
            "expr:1:6: error[expr.syntax]: unterminated string literal\n"
            " | x == 'abc\n"
            " |      ^~~~\n");
  // A single-quoted string ends at the line end.
  EXPECT_EQ(Errors("x == \"abc\n\" + y"),
            "expr:1:6: error[expr.syntax]: unterminated string literal\n"
            " | x == \"abc\n"
            " |      ^~~~\n"
            "expr:2:1: error[expr.syntax]: unterminated string literal\n"
            " | \" + y\n"
            " | ^~~~~\n");
  EXPECT_EQ(Errors("'''abc\ndef"),
            "expr:1:1: error[expr.syntax]: unterminated string literal\n"
            " | '''abc\n"
            " | ^~~~~~\n");
  EXPECT_EQ(Errors("b'ab"),
            "expr:1:1: error[expr.syntax]: unterminated bytes literal\n"
            " | b'ab\n"
            " | ^~~~\n");
}

TEST(ParserErrorsTest, BadEscapes) {
  EXPECT_EQ(Errors("x + 'a\\qb'"),
            "expr:1:7: error[expr.invalid_escape]: invalid escape sequence "
            "`\\q`\n"
            " | x + 'a\\qb'\n"
            " |       ^~\n");
  EXPECT_EQ(Errors("'\\x4g'"),
            "expr:1:2: error[expr.invalid_escape]: invalid escape sequence "
            "`\\x4`; expected two hexadecimal digits\n"
            " | '\\x4g'\n"
            " |  ^~~\n");
  EXPECT_EQ(Errors("'\\ud800'"),
            "expr:1:2: error[expr.invalid_escape]: escape sequence `\\ud800` "
            "denotes a surrogate code point\n"
            " | '\\ud800'\n"
            " |  ^~~~~~\n");
  EXPECT_EQ(Errors("'\\U00110000'"),
            "expr:1:2: error[expr.invalid_escape]: escape sequence "
            "`\\U00110000` is beyond the last code point U+10FFFF\n"
            " | '\\U00110000'\n"
            " |  ^~~~~~~~~~\n");
  EXPECT_EQ(Errors("b'\\u00ff'"),
            "expr:1:3: error[expr.invalid_escape]: escape sequence `\\u00ff` "
            "is not allowed in bytes literals\n"
            " | b'\\u00ff'\n"
            " |   ^~~~~~\n"
            " = help: use `\\x` or octal escapes for octets\n");
  EXPECT_EQ(Errors("'\\400 \\18'"),
            "expr:1:2: error[expr.invalid_escape]: invalid escape sequence "
            "`\\4`\n"
            " | '\\400 \\18'\n"
            " |  ^~\n"
            "expr:1:7: error[expr.invalid_escape]: invalid escape sequence "
            "`\\1`; octal escapes have three digits from `\\000` to `\\377`\n"
            " | '\\400 \\18'\n"
            " |       ^~\n");
  EXPECT_EQ(Errors("'\\成'"),
            "expr:1:2: error[expr.invalid_escape]: invalid escape sequence "
            "`\\成`\n"
            " | '\\成'\n"
            " |  ^~~\n");
}

TEST(ParserErrorsTest, ReservedWords) {
  EXPECT_EQ(Errors("if"),
            "expr:1:1: error[expr.reserved]: reserved word `if` cannot be "
            "used as an identifier\n"
            " | if\n"
            " | ^~\n");
  EXPECT_EQ(Errors("a.b + let(1) + .var"),
            "expr:1:7: error[expr.reserved]: reserved word `let` cannot be "
            "used as an identifier\n"
            " | a.b + let(1) + .var\n"
            " |       ^~~\n"
            "expr:1:17: error[expr.reserved]: reserved word `var` cannot be "
            "used as an identifier\n"
            " | a.b + let(1) + .var\n"
            " |                 ^~~\n");
  // As field and method names they are fine.
  EXPECT_EQ(Errors("m.if + m.package() + m.`while`"), "");
}

TEST(ParserErrorsTest, NumberLiterals) {
  EXPECT_EQ(Errors("99999999999999999999"),
            "expr:1:1: error[expr.invalid_literal]: integer literal "
            "`99999999999999999999` does not fit in int64\n"
            " | 99999999999999999999\n"
            " | ^~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(Errors("x + 9223372036854775808"),
            "expr:1:5: error[expr.invalid_literal]: integer literal "
            "`9223372036854775808` does not fit in int64\n"
            " | x + 9223372036854775808\n"
            " |     ^~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(Errors("-9223372036854775809"),
            "expr:1:1: error[expr.invalid_literal]: integer literal "
            "`-9223372036854775809` does not fit in int64\n"
            " | -9223372036854775809\n"
            " | ^~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(Errors("0x10000000000000000"),
            "expr:1:1: error[expr.invalid_literal]: integer literal "
            "`0x10000000000000000` does not fit in int64\n"
            " | 0x10000000000000000\n"
            " | ^~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(Errors("18446744073709551616u"),
            "expr:1:1: error[expr.invalid_literal]: unsigned integer literal "
            "`18446744073709551616u` does not fit in uint64\n"
            " | 18446744073709551616u\n"
            " | ^~~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(Errors("1e999"),
            "expr:1:1: error[expr.invalid_literal]: double literal `1e999` is "
            "out of range\n"
            " | 1e999\n"
            " | ^~~~~\n");
  EXPECT_EQ(Errors("x * 12abc"),
            "expr:1:5: error[expr.invalid_literal]: invalid numeric literal "
            "`12abc`\n"
            " | x * 12abc\n"
            " |     ^~~~~\n");
  EXPECT_EQ(Errors("0x"),
            "expr:1:1: error[expr.invalid_literal]: invalid numeric literal "
            "`0x`\n"
            " | 0x\n"
            " | ^~\n");
  EXPECT_EQ(Errors("-9223372036854775808 + -0x8000000000000000"), "");
}

TEST(ParserErrorsTest, InvalidUtf8) {
  EXPECT_EQ(Errors("'\xff'"),
            "expr:1:2: error[expr.invalid_utf8]: invalid UTF-8 byte 0xFF at "
            "byte offset 1\n"
            " | '\xEF\xBF\xBD'\n"
            " |  ^\n");
  EXPECT_EQ(Errors("'ab' + \xc3"),
            "expr:1:8: error[expr.invalid_utf8]: invalid UTF-8 byte 0xC3 at "
            "byte offset 7\n"
            " | 'ab' + \xEF\xBF\xBD\n"
            " |        ^\n");
  EXPECT_EQ(Errors("a // \xe6\x88 comment\n+ b"),
            "expr:1:6: error[expr.invalid_utf8]: invalid UTF-8 byte 0xE6 at "
            "byte offset 5\n"
            " | a // \xEF\xBF\xBD\xEF\xBF\xBD comment\n"
            " |      ^~\n");
  EXPECT_EQ(Errors("m.`a\xff"
                   "b`"),
            "expr:1:5: error[expr.invalid_utf8]: invalid UTF-8 byte 0xFF at "
            "byte offset 4\n"
            " | m.`a\xEF\xBF\xBD"
            "b`\n"
            " |     ^\n");
}

TEST(ParserErrorsTest, Macros) {
  EXPECT_EQ(Errors("l.all(x)"),
            "expr:1:3: error[expr.macro]: macro `all` expects 2 arguments, "
            "got 1\n"
            " | l.all(x)\n"
            " |   ^~~~~~\n");
  EXPECT_EQ(Errors("l.map(x, y, z, w)"),
            "expr:1:3: error[expr.macro]: macro `map` expects 2 or 3 "
            "arguments, got 4\n"
            " | l.map(x, y, z, w)\n"
            " |   ^~~~~~~~~~~~~~~\n");
  EXPECT_EQ(Errors("l.exists(a.b, true)"),
            "expr:1:10: error[expr.macro]: the first argument of `exists` "
            "must be a simple identifier (the iteration variable)\n"
            " | l.exists(a.b, true)\n"
            " |          ^~~\n");
  EXPECT_EQ(Errors("has(a)"),
            "expr:1:5: error[expr.macro]: the argument of `has` must be a "
            "field selection such as `has(m.f)`\n"
            " | has(a)\n"
            " |     ^\n");
  EXPECT_EQ(Errors("has(m['k'])"),
            "expr:1:5: error[expr.macro]: the argument of `has` must be a "
            "field selection such as `has(m.f)`\n"
            " | has(m['k'])\n"
            " |     ^~~~~~\n");
  EXPECT_EQ(Errors("has(a.b, c)"),
            "expr:1:1: error[expr.macro]: macro `has` expects 1 argument, "
            "got 2\n"
            " | has(a.b, c)\n"
            " | ^~~~~~~~~~~\n");
}

TEST(ParserErrorsTest, UnsupportedSyntax) {
  EXPECT_EQ(Errors("google.type.Date{year: 2024} == d"),
            "expr:1:1: error[expr.syntax]: message construction "
            "`google.type.Date{...}` is not supported\n"
            " | google.type.Date{year: 2024} == d\n"
            " | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
            " = help: use a map literal `{\"key\": value}`\n");
  EXPECT_EQ(Errors("a ? b ? c : d : e"),
            "expr:1:7: error[expr.syntax]: a conditional in the middle of "
            "`?:` must be in parentheses\n"
            " | a ? b ? c : d : e\n"
            " |       ^\n");
  EXPECT_EQ(Errors("`a-b` + m.`c`()"),
            "expr:1:1: error[expr.syntax]: quoted identifier `a-b` can only "
            "be used as a field name after `.`\n"
            " | `a-b` + m.`c`()\n"
            " | ^~~~~\n"
            "expr:1:11: error[expr.syntax]: a quoted identifier cannot name a "
            "method; `c` is called here\n"
            " | `a-b` + m.`c`()\n"
            " |           ^~~\n");
  EXPECT_EQ(Errors("m.`a#b`"),
            "expr:1:5: error[expr.syntax]: invalid character `#` in quoted "
            "identifier\n"
            " | m.`a#b`\n"
            " |     ^\n"
            " = help: quoted identifiers may contain letters, digits, `_`, "
            "`.`, `-`, `/` and spaces\n");
  EXPECT_EQ(Errors("f(x,)"),
            "expr:1:5: error[expr.syntax]: unexpected `)`; expected an "
            "expression\n"
            " | f(x,)\n"
            " |     ^\n");
}

TEST(ParserErrorsTest, ErrorOnTheSecondLineAfterChineseText) {
  const std::string text =
      "name == '张三' &&\n"
      "  '李四（经理）' in friends && size(friends) > )\n";
  EXPECT_EQ(Errors(text),
            "expr:2:42: error[expr.syntax]: unexpected `)`; expected an "
            "expression\n"
            " |   '李四（经理）' in friends && size(friends) > )\n"
            " | " +
                std::string(47, ' ') + "^\n");
}

TEST(ParserErrorsTest, CaretUnderWideCharactersOnTheSameLine) {
  EXPECT_EQ(Errors("'成员' + 成员"),
            "expr:1:8: error[expr.syntax]: unexpected characters `成员`\n"
            " | '成员' + 成员\n"
            " |          ^~~~\n"
            " = help: identifiers may only contain ASCII letters, digits and "
            "`_`\n");
}

// ---- limits ----

// The window the renderer shows of a long line: 40 code points before the
// caret, 120 in all, "..." where cut.
std::string Window(const std::string& line, size_t column) {
  const size_t first = column - 1;
  size_t begin = 0;
  if (line.size() > 120) {
    begin = first > 40 ? first - 40 : 0;
    const size_t end = std::min(line.size(), begin + 120);
    if (end - begin < 120) begin = end - 120;
  }
  std::string shown = line.substr(begin, 120);
  if (begin > 0) shown = "..." + shown;
  if (begin + 120 < line.size()) shown += "...";
  return " | " + shown + "\n | " +
         std::string(first - begin + (begin > 0 ? 3 : 0), ' ');
}

std::string TooDeep(const std::string& text, size_t column) {
  return "expr:1:" + std::to_string(column) +
         ": error[expr.too_deep]: expression nests deeper than 250 levels\n" +
         Window(text, column) + "^\n";
}

ParseOptions Unlimited() {
  ParseOptions options;
  options.max_length = 100'000'000;
  return options;
}

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ParserLimitsTest, HundredThousandParens) {
  const std::string text = std::string(100'000, '(');
  // Fits the default length limit exactly; the 251st `(` is too deep.
  EXPECT_EQ(Errors(text), TooDeep(text, 251));
  const std::string closed = text + "1" + std::string(100'000, ')');
  EXPECT_EQ(Errors(closed, Unlimited()), TooDeep(closed, 251));
}

TEST(ParserLimitsTest, HundredThousandPrefixOperators) {
  const std::string minus = std::string(100'000, '-') + "1";
  EXPECT_EQ(Errors(minus, Unlimited()), TooDeep(minus, 250));
  const std::string bang = std::string(100'000, '!') + "true";
  EXPECT_EQ(Errors(bang, Unlimited()), TooDeep(bang, 250));
  const std::string mixed = Repeat("-!", 50'000) + "x";
  EXPECT_EQ(Errors(mixed, Unlimited()), TooDeep(mixed, 250));
}

TEST(ParserLimitsTest, HundredThousandBracketsBracesAndCalls) {
  const std::string lists = std::string(100'000, '[');
  EXPECT_EQ(Errors(lists), TooDeep(lists, 251));
  const std::string maps = Repeat("{1:", 100'000);
  EXPECT_EQ(Errors(maps, Unlimited()), TooDeep(maps, 749));
  const std::string calls = Repeat("f(", 100'000);
  EXPECT_EQ(Errors(calls, Unlimited()), TooDeep(calls, 501));
  const std::string methods = Repeat("x.f(", 100'000);
  EXPECT_EQ(Errors(methods, Unlimited()), TooDeep(methods, 1001));
  const std::string index = "a" + Repeat("[a", 100'000);
  EXPECT_EQ(Errors(index, Unlimited()), TooDeep(index, 501));
  const std::string macros = Repeat("l.all(x, ", 100'000);
  EXPECT_EQ(Errors(macros, Unlimited()), TooDeep(macros, 2248));
  const std::string ternary = Repeat("c ? 1 : ", 100'000) + "2";
  EXPECT_EQ(Errors(ternary, Unlimited()), TooDeep(ternary, 2001));
}

TEST(ParserLimitsTest, LongChainsAreTooDeepTrees) {
  // No recursion while parsing these, but the tree would be 100,000 high.
  const std::string sum = "a" + Repeat(" + a", 100'000);
  EXPECT_EQ(Errors(sum, Unlimited()), TooDeep(sum, 1001));
  const std::string select = "a" + Repeat(".b", 100'000);
  EXPECT_EQ(Errors(select, Unlimited()), TooDeep(select, 501));
  const std::string index = "a" + Repeat("[0]", 100'000);
  EXPECT_EQ(Errors(index, Unlimited()), TooDeep(index, 751));
}

TEST(ParserLimitsTest, TooLong) {
  const std::string text = "x + " + std::string(100'000, '1');
  EXPECT_EQ(Errors(text),
            "expr:1:100001: error[expr.too_long]: expression is 100004 bytes "
            "long, more than the limit of 100000\n" +
                Window(text, 100'001) + "^~~~\n");
  ParseOptions small;
  small.max_length = 5;
  EXPECT_EQ(Errors("1 + 2 + 3", small),
            "expr:1:6: error[expr.too_long]: expression is 9 bytes long, "
            "more than the limit of 5\n"
            " | 1 + 2 + 3\n"
            " |      ^~~~\n");
  EXPECT_EQ(Errors("1 + 2", small), "");
}

TEST(ParserLimitsTest, TooManyErrorsStopsTheParser) {
  const std::string text = Repeat("a b ", 10'000);
  SourceManager sm;
  const FileId file = sm.Add("expr", text);
  Ast ast;
  Diagnostics diags;
  EXPECT_FALSE(Parse(text, file, 0, {}, &ast, &diags));
  EXPECT_EQ(diags.size(), 100u);
}

}  // namespace
}  // namespace zhucun::internal
