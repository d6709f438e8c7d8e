// Functions defined in CEL (Env::DefineFunction) and the list aggregates
// sum, min and max.

#include <gtest/gtest.h>

#include <string>

#include "zhucun/expr.h"

namespace zhucun {
namespace {

// An Env over a posting record with functions defined in a "pack file".
struct Fixture {
  SourceManager sources;
  Env env;
  FileId pack = kNoFile;

  Fixture() {
    env.Declare("member",
                Type::Object(ObjectType::Make(
                    "members", {{"start_date", Type::Date()},
                                {"end_date", Type::Date()},
                                {"scores", Type::List(Type::Decimal())}})));
    env.Declare("as_of", Type::Date());
    const std::string text =
        "active(r, d): r.start_date <= d && (r.end_date == null || d <= r.end_date)\n"
        "inactive(r, d): !active(r, d)\n"
        "again(x): again(x) + 1\n"
        "count_above(l, t): l.filter(x, x > t).size()\n"
        "broken(r): r.start_date + 'x'\n"
        "either(a): [7].exists(z, a) || a\n"
        "seven_or_eight(a): [7].exists(z, a == 7) || a == 8\n"
        "two_or_five(a): a == 2 || [5].exists(x, a == 5)\n"
        "twice(a): a + a\n";
    pack = sources.Add("pack.yaml", text);
    Define("active", {"r", "d"});
    Define("inactive", {"r", "d"});
    Define("again", {"x"});
    Define("count_above", {"l", "t"});
    Define("broken", {"r"});
    Define("either", {"a"});
    Define("seven_or_eight", {"a"});
    Define("two_or_five", {"a"});
    Define("twice", {"a"});
  }

  void Define(const std::string& name, std::vector<std::string> params) {
    const std::string_view text = sources.text(pack);
    const size_t line = text.find(name + "(");
    const size_t body = text.find(": ", line) + 2;
    const size_t end = text.find('\n', body);
    Diagnostics d = env.DefineFunction(name, std::move(params),
                                       text.substr(body, end - body), pack,
                                       static_cast<uint32_t>(body), sources);
    EXPECT_TRUE(d.empty()) << d.Render(sources);
  }

  std::string Eval(const std::string& expr, const std::string& start,
                   const std::string& end) {
    auto program = env.Compile(expr, sources);
    if (!program.ok()) return program.diagnostics().Render(sources);
    Activation act;
    ValueMap m;
    m.Insert(Value::String("start_date"), Value::FromDate(*Date::Parse(start)));
    m.Insert(Value::String("end_date"),
             end.empty() ? Value::Null() : Value::FromDate(*Date::Parse(end)));
    ValueList scores = {Value::FromDecimal(*Decimal::Parse("59.5")),
                        Value::FromDecimal(*Decimal::Parse("90")),
                        Value::FromDecimal(*Decimal::Parse("75.25"))};
    m.Insert(Value::String("scores"), Value::List(std::move(scores)));
    act.Bind("member", Value::Map(std::move(m)));
    act.Bind("as_of", Value::FromDate(*Date::Parse("2024-06-30")));
    return program.value().Evaluate(act).DebugString();
  }
};

TEST(FunctionsTest, CallsAreReplacedByTheBody) {
  Fixture f;
  EXPECT_EQ(f.Eval("active(member, as_of)", "2022-07-01", ""), "true");
  EXPECT_EQ(f.Eval("active(member, as_of)", "2022-07-01", "2024-06-29"), "false");
  EXPECT_EQ(f.Eval("active(member, as_of)", "2022-07-01", "2024-06-30"), "true");
  // A function calling one defined before it.
  EXPECT_EQ(f.Eval("inactive(member, as_of)", "2024-07-01", ""), "true");
  // Comprehension variables in a body are the body's own.
  EXPECT_EQ(f.Eval("count_above(member.scores, 60)", "2022-07-01", ""), "2");
  EXPECT_EQ(f.Eval("[1, 2, 3].map(x, count_above([x, 10], 1))", "2022-07-01", ""),
            "[1, 2, 2]");
}

// An argument used twice by a body is in the tree twice (each copy in its
// own scope), and the body's comprehension variables never capture the
// caller's.
TEST(FunctionsTest, ArgumentsAndBodiesKeepTheirOwnScopes) {
  Fixture f;
  EXPECT_EQ(f.Eval("either([1].exists(y, y == 7))", "2022-07-01", ""), "false");
  EXPECT_EQ(f.Eval("either([7].exists(y, y == 7))", "2022-07-01", ""), "true");
  EXPECT_EQ(f.Eval("seven_or_eight([1].map(y, y)[0])", "2022-07-01", ""), "false");
  EXPECT_EQ(f.Eval("seven_or_eight([8].map(y, y)[0])", "2022-07-01", ""), "true");
  EXPECT_EQ(f.Eval("[3, 2].map(x, two_or_five(x))", "2022-07-01", ""), "[false, true]");
  EXPECT_EQ(f.Eval("twice(twice(twice(1)))", "2022-07-01", ""), "8");
}

TEST(FunctionsTest, InliningIsBounded) {
  Fixture f;
  std::string expr = "1";
  for (int i = 0; i < 20; ++i) expr = "twice(" + expr + ")";
  const std::string got = f.Eval(expr, "2022-07-01", "");
  EXPECT_NE(got.find("error[expr.too_large]: the expression is too large once its "
                     "functions are inlined (more than 100000 nodes)"),
            std::string::npos)
      << got;
}

TEST(FunctionsTest, ArgumentsAreTypeChecked) {
  Fixture f;
  EXPECT_EQ(f.Eval("active(member, 1)", "2022-07-01", ""),
            "pack.yaml:1:15: error[expr.no_overload]: no matching overload for "
            "`<=` applied to `(date, int)`\n"
            " | active(r, d): r.start_date <= d && (r.end_date == null || d <= "
            "r.end_date)\n"
            " |               ^~~~~~~~~~~~~~~~~\n"
            " = help: the left side is a date (date) and the right side a whole number (int); `<=` takes two of one kind\n"
            "pack.yaml:1:59: error[expr.no_overload]: no matching overload for "
            "`<=` applied to `(int, date)`\n"
            " | active(r, d): r.start_date <= d && (r.end_date == null || d <= "
            "r.end_date)\n"
            " |                                                           "
            "^~~~~~~~~~~~~~~\n"
            " = help: the left side is a whole number (int) and the right side a date (date); `<=` takes two of one kind\n");
}

TEST(FunctionsTest, MistakesArePositioned) {
  Fixture f;
  EXPECT_EQ(f.Eval("active(member)", "2022-07-01", ""),
            "<expr>:1:1: error[expr.function_arity]: `active` takes 2 "
            "arguments, not 1\n"
            " | active(member)\n"
            " | ^~~~~~~~~~~~~~\n");
  EXPECT_EQ(f.Eval("again(1)", "2022-07-01", ""),
            "pack.yaml:3:11: error[expr.function_recursion]: calls of `again` "
            "nest deeper than 32 functions; does it call itself?\n"
            " | again(x): again(x) + 1\n"
            " |           ^~~~~~~~\n");
  EXPECT_EQ(f.Eval("broken(member)", "2022-07-01", ""),
            "pack.yaml:5:12: error[expr.no_overload]: no matching overload for "
            "`+` applied to `(date, string)`\n"
            " | broken(r): r.start_date + 'x'\n"
            " |            ^~~~~~~~~~~~~~~~~~\n"
            " = help: the left side is a date (date) and the right side text (string); `+` takes two of one kind (a date is written `date('2024-01-01')`)\n");
}

TEST(FunctionsTest, MonthsOfAPeriod) {
  Fixture f;
  EXPECT_EQ(f.Eval("months(period('2023-Q3'))", "2022-07-01", ""),
            "[period(\"2023-07\"), period(\"2023-08\"), period(\"2023-09\")]");
  EXPECT_EQ(f.Eval("months(period('2024')).size()", "2022-07-01", ""), "12");
  EXPECT_EQ(f.Eval("months(period('2024-02'))", "2022-07-01", ""),
            "[period(\"2024-02\")]");
}

// l.flatten() as in cel-go's lists extension: one level; elements that are
// not lists stay.
TEST(FunctionsTest, Flatten) {
  Fixture f;
  EXPECT_EQ(f.Eval("[[1, 2], [], [3]].flatten()", "2022-07-01", ""), "[1, 2, 3]");
  EXPECT_EQ(f.Eval("[1, [2, [3]]].flatten()", "2022-07-01", ""), "[1, 2, [3]]");
  EXPECT_EQ(f.Eval("[member.scores, [decimal(1)]].flatten().size()", "2022-07-01", ""),
            "4");
  EXPECT_EQ(f.Eval("[[1], [2]].flatten().map(x, x * 2)", "2022-07-01", ""), "[2, 4]");
  EXPECT_EQ(f.Eval("flatten([[1]])", "2022-07-01", ""),
            "<expr>:1:1: error[expr.no_overload]: no matching overload for "
            "`flatten` applied to `(list(list(int)))`\n"
            " | flatten([[1]])\n"
            " | ^~~~~~~~~~~~~~\n");
  EXPECT_EQ(f.Eval("[[1]].flaten()", "2022-07-01", ""),
            "<expr>:1:7: error[expr.undeclared_function]: undeclared function `flaten`\n"
            " | [[1]].flaten()\n"
            " |       ^~~~~~~~\n"
            " = help: did you mean `flatten`?\n");
}

TEST(FunctionsTest, SumMinMax) {
  Fixture f;
  EXPECT_EQ(f.Eval("sum(member.scores)", "2022-07-01", ""), "decimal(\"224.75\")");
  EXPECT_EQ(f.Eval("min(member.scores)", "2022-07-01", ""), "decimal(\"59.5\")");
  EXPECT_EQ(f.Eval("max(member.scores)", "2022-07-01", ""), "decimal(\"90\")");
  EXPECT_EQ(f.Eval("sum([1, 2, 3])", "2022-07-01", ""), "6");
  EXPECT_EQ(f.Eval("sum([])", "2022-07-01", ""), "0");
  EXPECT_EQ(f.Eval("max([])", "2022-07-01", ""), "error: max of an empty list");
  EXPECT_EQ(f.Eval("sum([9223372036854775807, 1])", "2022-07-01", ""),
            "error: integer overflow");
  EXPECT_EQ(f.Eval("sum(['a'])", "2022-07-01", ""),
            "<expr>:1:1: error[expr.no_overload]: no matching overload for "
            "`sum` applied to `(list(string))`\n"
            " | sum(['a'])\n"
            " | ^~~~~~~~~~\n");
}

}  // namespace
}  // namespace zhucun
