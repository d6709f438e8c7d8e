// Type checking through Env::Compile: the exact rendered diagnostics of
// programs that must be rejected when rules load, and the static result types
// of programs that are accepted.

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

#include "../source/translated.h"
#include "zhucun/expr.h"

namespace zhucun {

// Shows values as their DebugString in test failures.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }

namespace {

// The declarations every case compiles against: a fact-table row `member`
// and a few scalars.
Env TestEnv() {
  Env env;
  env.Declare("member",
              Type::Object(ObjectType::Make(
                  "member", {{"role", Type::String()},
                             {"end_date", Type::Date()},
                             {"start_date", Type::Date()},
                             {"score", Type::Decimal()}})));
  env.Declare("x", Type::String());
  env.Declare("i", Type::Int());
  env.Declare("u", Type::Uint());
  env.Declare("f", Type::Double());
  env.Declare("flag", Type::Bool());
  env.Declare("scores", Type::Map(Type::String(), Type::Decimal()));
  env.Declare("names", Type::List(Type::String()));
  env.Declare("any", Type::Dyn());
  return env;
}

// The rendered diagnostics of a program that must not compile, or
// "compiled: <type>" when it does compile.
std::string Errors(std::string_view text) {
  SourceManager sources;
  Result<Program> r = TestEnv().Compile(text, sources);
  if (r.ok()) return "compiled: " + r.value().result_type().ToString();
  EXPECT_TRUE(r.diagnostics().has_errors()) << text;
  testing::ExpectTranslated(r.diagnostics());
  return r.diagnostics().Render(sources);
}

// The static type of a program that must compile, or its diagnostics.
std::string TypeOf(std::string_view text) {
  SourceManager sources;
  Result<Program> r = TestEnv().Compile(text, sources);
  if (!r.ok()) return r.diagnostics().Render(sources);
  EXPECT_TRUE(r.diagnostics().empty()) << text;
  return r.value().result_type().ToString();
}

struct ErrorCase {
  std::string_view src;
  std::string_view rendered;
};

TEST(CheckerTest, UndeclaredVariableSuggestsTheClosestName) {
  EXPECT_EQ(Errors("membr.role"),
            "<expr>:1:1: error[expr.undeclared]: undeclared reference to `membr`\n"
            " | membr.role\n"
            " | ^~~~~\n"
            " = help: did you mean `member`?\n");
}

TEST(CheckerTest, UnknownFieldSuggestsTheClosestField) {
  EXPECT_EQ(Errors("member.end_dat == null"),
            "<expr>:1:8: error[expr.unknown_field]: `member` has no field `end_dat`\n"
            " | member.end_dat == null\n"
            " |        ^~~~~~~\n"
            " = help: did you mean `end_date`?\n");
}

TEST(CheckerTest, ErrorCases) {
  const ErrorCase cases[] = {
      // Names and fields.
      {"foo",
       "<expr>:1:1: error[expr.undeclared]: undeclared reference to `foo`\n"
       " | foo\n"
       " | ^~~\n"},
      {"member.xyz",
       "<expr>:1:8: error[expr.unknown_field]: `member` has no field `xyz`\n"
       " | member.xyz\n"
       " |        ^~~\n"},
      {"has(member.rol)",
       "<expr>:1:1: error[expr.unknown_field]: `member` has no field `rol`\n"
       " | has(member.rol)\n"
       " | ^~~~~~~~~~~~~~~\n"
       " = help: did you mean `role`?\n"},
      {"[1].map(item, itm)",
       "<expr>:1:15: error[expr.undeclared]: undeclared reference to `itm`\n"
       " | [1].map(item, itm)\n"
       " |               ^~~\n"
       " = help: did you mean `item`?\n"},
      // Fields of values that have none.
      {"i.foo",
       "<expr>:1:3: error[expr.no_field]: type `int` has no fields (selecting `foo`)\n"
       " | i.foo\n"
       " |   ^~~\n"},
      {"member.role.size",
       "<expr>:1:13: error[expr.no_field]: type `string` has no fields (selecting `size`)\n"
       " | member.role.size\n"
       " |             ^~~~\n"},
      {"member.end_date.year",
       "<expr>:1:17: error[expr.no_field]: type `date` has no fields (selecting `year`)\n"
       " | member.end_date.year\n"
       " |                 ^~~~\n"},
      // No matching overload.
      {"1 + 'a'",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `+` applied to `(int, string)`\n"
       " | 1 + 'a'\n"
       " | ^~~~~~~\n"
       " = help: the left side is a whole number (int) and the right side text (string); `+` takes two of one kind (a number in quotes is text: write `3`, not `'3'`)\n"},
      {"member.end_date + member.start_date",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `+` applied to `(date, date)`\n"
       " | member.end_date + member.start_date\n"
       " | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
      {"member.score / 2",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `/` applied to `(decimal, int)`\n"
       " | member.score / 2\n"
       " | ^~~~~~~~~~~~~~~~\n"
       " = help: the left side is a decimal number (decimal) and the right side a whole number (int); `/` takes two of one kind: convert one, e.g. with `decimal(x)` or `int(x)`\n"},
      {"1.0 + 1",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `+` applied to `(double, int)`\n"
       " | 1.0 + 1\n"
       " | ^~~~~~~\n"
       " = help: the left side is a floating-point number (double) and the right side a whole number (int); `+` takes two of one kind: convert one, e.g. with `decimal(x)` or `int(x)`\n"},
      // A double that is not a literal never mixes with a decimal.
      {"member.score + f",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `+` applied to `(decimal, double)`\n"
       " | member.score + f\n"
       " | ^~~~~~~~~~~~~~~~\n"
       " = help: the left side is a decimal number (decimal) and the right side a floating-point number (double); `+` takes two of one kind: convert one, e.g. with `decimal(x)` or `int(x)`\n"},
      {"member.score + 1.5 * 2.0",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `+` applied to `(decimal, double)`\n"
       " | member.score + 1.5 * 2.0\n"
       " | ^~~~~~~~~~~~~~~~~~~~~~~~\n"
       " = help: the left side is a decimal number (decimal) and the right side a floating-point number (double); `+` takes two of one kind: convert one, e.g. with `decimal(x)` or `int(x)`\n"},
      {"int(member.score)",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `int` applied to `(decimal)`\n"
       " | int(member.score)\n"
       " | ^~~~~~~~~~~~~~~~~\n"},
      {"member.end_date < '2023-01-01'",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `<` applied to `(date, string)`\n"
       " | member.end_date < '2023-01-01'\n"
       " | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
       " = help: the left side is a date (date) and the right side text (string); `<` takes two of one kind (a date is written `date('2024-01-01')`)\n"},
      {"size(1)",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `size` applied to `(int)`\n"
       " | size(1)\n"
       " | ^~~~~~~\n"},
      {"x.matches(1)",
       "<expr>:1:3: error[expr.no_overload]: no matching overload for `matches` applied to `(string, int)`\n"
       " | x.matches(1)\n"
       " |   ^~~~~~~~~~\n"},
      {"quarter(1)",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `quarter` applied to `(int)`\n"
       " | quarter(1)\n"
       " | ^~~~~~~~~~\n"},
      {"member.start_date in member.end_date",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `in` applied to `(date, date)`\n"
       " | member.start_date in member.end_date\n"
       " | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
      {"i in 5",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `in` applied to `(int, int)`\n"
       " | i in 5\n"
       " | ^~~~~~\n"},
      // Conditions and logic that are not bool.
      {"1 ? 2 : 3",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `?:` applied to `(int, int, int)`\n"
       " | 1 ? 2 : 3\n"
       " | ^~~~~~~~~\n"},
      {"member.role ? 1 : 2",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `?:` applied to `(string, int, int)`\n"
       " | member.role ? 1 : 2\n"
       " | ^~~~~~~~~~~~~~~~~~~\n"},
      {"!1",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `!` applied to `(int)`\n"
       " | !1\n"
       " | ^~\n"},
      {"i && flag",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `&&` applied to `(int, bool)`\n"
       " | i && flag\n"
       " | ^~~~~~~~~\n"},
      // Values of different types are never equal: comparing them is a
      // mistake caught at load time (a decimal is never equal to a double).
      {"member.score == f",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `==` applied to `(decimal, double)`\n"
       " | member.score == f\n"
       " | ^~~~~~~~~~~~~~~~~\n"
       " = help: the left side is a decimal number (decimal) and the right side a floating-point number (double); `==` takes two of one kind: convert one, e.g. with `decimal(x)` or `int(x)`\n"},
      {"1 != 'a'",
       "<expr>:1:1: error[expr.no_overload]: no matching overload for `!=` applied to `(int, string)`\n"
       " | 1 != 'a'\n"
       " | ^~~~~~~~\n"
       " = help: the left side is a whole number (int) and the right side text (string); `!=` takes two of one kind (a number in quotes is text: write `3`, not `'3'`)\n"},
      // Functions.
      {"sise(x)",
       "<expr>:1:1: error[expr.undeclared_function]: undeclared function `sise`\n"
       " | sise(x)\n"
       " | ^~~~~~~\n"
       " = help: did you mean `size`?\n"},
      {"x.startswith('a')",
       "<expr>:1:3: error[expr.undeclared_function]: undeclared function `startswith`\n"
       " | x.startswith('a')\n"
       " |   ^~~~~~~~~~~~~~~\n"
       " = help: did you mean `startsWith`?\n"},
      {"ab_years(member.end_date, 1)",
       "<expr>:1:1: error[expr.undeclared_function]: undeclared function `ab_years`\n"
       " | ab_years(member.end_date, 1)\n"
       " | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
       " = help: did you mean `add_years`?\n"},
      {"frobnicate(1)",
       "<expr>:1:1: error[expr.undeclared_function]: undeclared function `frobnicate`\n"
       " | frobnicate(1)\n"
       " | ^~~~~~~~~~~~~\n"},
      // A literal pattern is compiled (and rejected) when rules load.
      {"x.matches('(')",
       "<expr>:1:11: error[expr.bad_regex]: invalid regular expression `(`: missing ): (\n"
       " | x.matches('(')\n"
       " |           ^~~\n"
       " = help: patterns use RE2 syntax\n"},
      {"matches(x, 'a[')",
       "<expr>:1:12: error[expr.bad_regex]: invalid regular expression `a[`: missing ]: [\n"
       " | matches(x, 'a[')\n"
       " |            ^~~~\n"
       " = help: patterns use RE2 syntax\n"},
      {"x.matches(r'(a)\\1')",
       "<expr>:1:11: error[expr.bad_regex]: invalid regular expression `(a)\\1`: invalid escape sequence: \\1\n"
       " | x.matches(r'(a)\\1')\n"
       " |           ^~~~~~~~\n"
       " = help: patterns use RE2 syntax\n"},
      // Literals.
      {"{[1]: 2}",
       "<expr>:1:2: error[expr.bad_map_key]: a map key must be a bool, int, uint or string, not `list(int)`\n"
       " | {[1]: 2}\n"
       " |  ^~~\n"},
  };
  for (const ErrorCase& c : cases) {
    EXPECT_EQ(Errors(c.src), c.rendered) << c.src;
  }
}

TEST(CheckerTest, DiagnosticFields) {
  SourceManager sources;
  Result<Program> r = TestEnv().Compile("member.end_dat", sources, "rule.when");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics().size(), 1u);
  const Diagnostic& d = r.diagnostics().items()[0];
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.code, "expr.unknown_field");
  EXPECT_EQ(d.message, "`member` has no field `end_dat`");
  EXPECT_EQ(d.help, "did you mean `end_date`?");
  EXPECT_EQ(sources.name(d.span.file), "rule.when");
  EXPECT_EQ(d.span.begin, 7u);
  EXPECT_EQ(d.span.end, 14u);
}

// The caret counts code points and draws CJK characters two cells wide.
TEST(CheckerTest, ErrorOnSecondLineAfterChineseText) {
  EXPECT_EQ(
      Errors("member.role == '驻村第一书记' &&\n"
             "  member.role != '书记' && membr.score > 1"),
      "<expr>:2:26: error[expr.undeclared]: undeclared reference to `membr`\n"
      " |   member.role != '书记' && membr.score > 1\n"
      " |                            ^~~~~\n"
      " = help: did you mean `member`?\n");
}

TEST(CheckerTest, ChineseStringBeforeTheErrorOnOneLine) {
  EXPECT_EQ(Errors("'驻村' + membr.role"),
            "<expr>:1:8: error[expr.undeclared]: undeclared reference to `membr`\n"
            " | '驻村' + membr.role\n"
            " |          ^~~~~\n"
            " = help: did you mean `member`?\n");
}

TEST(CheckerTest, MultipleErrorsAreReportedAtOnce) {
  EXPECT_EQ(
      Errors("membr.role + 1 == sise(x) || member.end_dat"),
      "<expr>:1:1: error[expr.undeclared]: undeclared reference to `membr`\n"
      " | membr.role + 1 == sise(x) || member.end_dat\n"
      " | ^~~~~\n"
      " = help: did you mean `member`?\n"
      "<expr>:1:19: error[expr.undeclared_function]: undeclared function `sise`\n"
      " | membr.role + 1 == sise(x) || member.end_dat\n"
      " |                   ^~~~~~~\n"
      " = help: did you mean `size`?\n"
      "<expr>:1:37: error[expr.unknown_field]: `member` has no field `end_dat`\n"
      " | membr.role + 1 == sise(x) || member.end_dat\n"
      " |                                     ^~~~~~~\n"
      " = help: did you mean `end_date`?\n");
}

TEST(CheckerTest, MultipleErrorsOnSeveralLines) {
  SourceManager sources;
  Result<Program> r = TestEnv().Compile(
      "member.score / 2 > 1 &&\n"
      "member.rol == 'x'",
      sources, "rules.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics().size(), 2u);
  EXPECT_EQ(r.diagnostics().Render(sources),
            "rules.yaml:1:1: error[expr.no_overload]: no matching overload for `/` applied to `(decimal, int)`\n"
            " | member.score / 2 > 1 &&\n"
            " | ^~~~~~~~~~~~~~~~\n"
            " = help: the left side is a decimal number (decimal) and the right side a whole number (int); `/` takes two of one kind: convert one, e.g. with `decimal(x)` or `int(x)`\n"
            "rules.yaml:2:8: error[expr.unknown_field]: `member` has no field `rol`\n"
            " | member.rol == 'x'\n"
            " |        ^~~\n"
            " = help: did you mean `role`?\n");
}

// An expression inside a larger file: positions are those of the file.
TEST(CheckerTest, CompileAtPointsIntoTheEnclosingFile) {
  SourceManager sources;
  const std::string file_text =
      "rules:\n"
      "  - id: r1\n"
      "    when: member.end_dat == null\n";
  const FileId file = sources.Add("rules.yaml", file_text);
  const uint32_t offset =
      static_cast<uint32_t>(file_text.find("member.end_dat"));
  const std::string_view expr =
      std::string_view(file_text).substr(offset, 22);
  ASSERT_EQ(expr, "member.end_dat == null");
  Result<Program> r = TestEnv().CompileAt(expr, file, offset, sources);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics().Render(sources),
            "rules.yaml:3:18: error[expr.unknown_field]: `member` has no field `end_dat`\n"
            " |     when: member.end_dat == null\n"
            " |                  ^~~~~~~\n"
            " = help: did you mean `end_date`?\n");
}

TEST(CheckerTest, HostileInputIsAnErrorNotACrash) {
  {
    SourceManager sources;
    Result<Program> r = TestEnv().Compile(std::string(100000, '('), sources);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.diagnostics().items()[0].code, "expr.too_deep");
  }
  {
    // A long flat chain is bounded too (the later stages recurse).
    std::string chain = "i";
    for (int k = 0; k < 20000; ++k) chain += " + i";
    SourceManager sources;
    Result<Program> r = TestEnv().Compile(chain, sources);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.diagnostics().items()[0].code, "expr.too_deep");
  }
  {
    SourceManager sources;
    Result<Program> r = TestEnv().Compile("x == '\xff\xfe'", sources);
    EXPECT_FALSE(r.ok());
  }
}

TEST(CheckerTest, ResultTypes) {
  struct Case {
    std::string_view src;
    std::string_view type;
  };
  const Case cases[] = {
      // Literals.
      {"1", "int"},
      {"1u", "uint"},
      {"1.5", "double"},
      {"'s'", "string"},
      {"b'\\x00'", "bytes"},
      {"true", "bool"},
      {"null", "null_type"},
      {"[]", "list(dyn)"},
      {"{}", "map(dyn, dyn)"},
      // Equality across types only where it can be true.
      {"i == f", "bool"},
      {"u != i", "bool"},
      {"member.score == 1", "bool"},
      {"any == 'a'", "bool"},
      {"member.end_date == null", "bool"},
      {"[1] == ['a']", "bool"},
      {"[1, 2]", "list(int)"},
      {"[1, 'a']", "list(dyn)"},
      {"{'a': [1]}", "map(string, list(int))"},
      {"{'a': 1, 2: 'b'}", "map(dyn, dyn)"},
      // Variables and fields.
      {"member", "member"},
      {"member.role", "string"},
      {"member.end_date", "date"},
      {"member.score", "decimal"},
      {"scores.a", "decimal"},
      {"scores['a']", "decimal"},
      {"names[0]", "string"},
      {"any", "dyn"},
      {"any.field", "dyn"},
      {"any + 1", "dyn"},
      {"has(member.role)", "bool"},
      {"has(scores.a)", "bool"},
      // Arithmetic and comparison.
      {"i + 1", "int"},
      {"u * 2u", "uint"},
      {"f / 2.0", "double"},
      {"i % 3", "int"},
      {"-i", "int"},
      {"x + 'y'", "string"},
      {"names + ['z']", "list(string)"},
      {"i < 1.5", "bool"},
      {"u == i", "bool"},
      {"x in names", "bool"},
      {"'a' in scores", "bool"},
      {"flag ? 1 : 2", "int"},
      {"flag ? 1 : 'a'", "dyn"},
      // Macros.
      {"[1, 2].map(x, x * 2)", "list(int)"},
      {"[1, 2].map(x, x > 1, x * 2)", "list(int)"},
      {"[1, 2].filter(x, x > 1)", "list(int)"},
      {"names.map(n, size(n))", "list(int)"},
      {"scores.map(k, k + '!')", "list(string)"},
      {"[1, 2].all(x, x > 0)", "bool"},
      {"[1, 2].exists(x, x > 0)", "bool"},
      {"[1, 2].exists_one(x, x > 0)", "bool"},
      {"size(names)", "int"},
      {"x.size()", "int"},
      // Conversions.
      {"int('1')", "int"},
      {"uint(1)", "uint"},
      {"double(member.score)", "double"},
      {"string(member.score)", "string"},
      {"string(member.end_date)", "string"},
      {"bool('true')", "bool"},
      {"bytes('a')", "bytes"},
      {"dyn(1)", "dyn"},
      {"type(1)", "type"},
      {"x.matches('^a+$')", "bool"},
      // Dates, decimals, periods.
      {"date('2023-07-01')", "date"},
      {"member.end_date + 1", "date"},
      {"member.end_date - 30", "date"},
      {"member.end_date - member.start_date", "int"},
      {"member.end_date >= member.start_date", "bool"},
      {"add_years(member.start_date, 1)", "date"},
      {"quarter(member.start_date)", "period"},
      {"year(member.start_date)", "period"},
      {"half(member.start_date)", "period"},
      {"month(member.start_date)", "period"},
      {"period('2023-H1')", "period"},
      {"period('2023-H1').start()", "date"},
      {"quarter(member.start_date).end()", "date"},
      {"member.end_date in quarter(member.start_date)", "bool"},
      {"string(quarter(member.start_date))", "string"},
      {"decimal('1100.00')", "decimal"},
      {"decimal(i)", "decimal"},
      // Number literals meeting a decimal become exact decimals.
      {"0.2 * member.score", "decimal"},
      {"member.score * 0.2", "decimal"},
      {"-0.5 * member.score", "decimal"},
      {"member.score - -0.5", "decimal"},
      {"2 * member.score", "decimal"},
      {"i * member.score", "decimal"},
      {"-member.score", "decimal"},
      {"0.2 * member.score + 0.3 * member.score + 0.5 * member.score",
       "decimal"},
      {"0.2 * member.score >= 90.0", "bool"},
      {"member.score >= 60", "bool"},
      {"member.score == 59.99", "bool"},
      {"round(member.score, 2)", "decimal"},
      {"(member.score + 1) * 0.5", "decimal"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TypeOf(c.src), c.type) << c.src;
  }
}

// A double literal written with an exponent is still an exact decimal
// literal (1e3 is 1000, 2.5e-1 is 0.25).
TEST(CheckerTest, ExponentLiteralsArePromotedToDecimal) {
  EXPECT_EQ(TypeOf("member.score >= 1e3"), "bool");
  EXPECT_EQ(TypeOf("2.5e-1 * member.score"), "decimal");
}

TEST(CheckerTest, CheckCanBeTurnedOff) {
  SourceManager sources;
  CompileOptions options;
  options.check = false;
  Result<Program> r = TestEnv().Compile("membr.role + 1", sources, "<expr>",
                                        options);
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
  EXPECT_EQ(r.value().result_type().ToString(), "dyn");
  Value v = r.value().Evaluate(Activation());
  ASSERT_TRUE(v.is_error());
  EXPECT_EQ(v.error_message(), "no such attribute: membr");
}

}  // namespace
}  // namespace zhucun
