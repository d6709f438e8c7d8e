// Evaluation of one record through Program::Evaluate: CEL's semantics
// (overflow and division errors, commutative && and ||, strings, regular
// expressions, maps and lists, macros) and zhucun's extensions (dates, exact
// decimals, calendar periods). Each case is an expression and the
// DebugString of its value; an evaluation error renders as "error: ...".

#include <gtest/gtest.h>

#include <atomic>
#include <iterator>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "zhucun/expr.h"

namespace zhucun {

// Shows values as their DebugString in test failures.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }

namespace {

Value Dec(std::string_view text) {
  std::optional<Decimal> d = Decimal::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return Value::FromDecimal(d.value_or(Decimal()));
}

Value DateValue(std::string_view text) {
  std::optional<Date> d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return Value::FromDate(d.value_or(Date()));
}

std::shared_ptr<const ObjectType> MemberType() {
  return ObjectType::Make("member", {{"role", Type::String()},
                                     {"end_date", Type::Date()},
                                     {"start_date", Type::Date()},
                                     {"score", Type::Decimal()}});
}

Env TestEnv() {
  Env env;
  env.Declare("d1", Type::Decimal());
  env.Declare("d2", Type::Decimal());
  env.Declare("d3", Type::Decimal());
  env.Declare("i", Type::Int());
  env.Declare("s", Type::String());
  env.Declare("pattern", Type::String());
  env.Declare("backref", Type::String());
  env.Declare("day", Type::Date());
  env.Declare("m", Type::Map(Type::String(), Type::Int()));
  env.Declare("l", Type::List(Type::Int()));
  env.Declare("any", Type::Dyn());
  env.Declare("member", Type::Object(MemberType()));
  return env;
}

Activation TestActivation() {
  Activation act;
  act.Bind("d1", Dec("50"));
  act.Bind("d2", Dec("50.3"));
  act.Bind("d3", Dec("69.82"));
  act.Bind("i", Value::Int(7));
  act.Bind("s", Value::String("驻村第一书记"));
  act.Bind("pattern", Value::String("("));
  act.Bind("backref", Value::String("(a)\\1"));
  act.Bind("day", DateValue("2023-07-01"));
  ValueMap m;
  m.Insert(Value::String("a"), Value::Int(1));
  m.Insert(Value::String("b"), Value::Int(2));
  act.Bind("m", Value::Map(std::move(m)));
  act.Bind("l", Value::List({Value::Int(1), Value::Int(2), Value::Int(3)}));
  act.Bind("any", Value::Int(3));
  // An object variable's fields bind by their qualified names.
  act.Bind("member.role", Value::String("first_secretary"));
  act.Bind("member.start_date", DateValue("2022-02-28"));
  act.Bind("member.end_date", DateValue("2024-02-29"));
  act.Bind("member.score", Dec("88.50"));
  return act;
}

// The DebugString of `text` evaluated against `act`, or the rendered
// diagnostics if it does not compile.
std::string Eval(std::string_view text, const Activation& act,
                 const Env& env = TestEnv()) {
  SourceManager sources;
  Result<Program> r = env.Compile(text, sources);
  if (!r.ok()) return "compile: " + r.diagnostics().Render(sources);
  return r.value().Evaluate(act).DebugString();
}

struct Case {
  std::string_view src;
  std::string_view want;
};

void RunCases(const Case* begin, const Case* end) {
  const Activation act = TestActivation();
  for (const Case* c = begin; c != end; ++c) {
    EXPECT_EQ(Eval(c->src, act), c->want) << c->src;
  }
}

#define RUN_CASES(cases) RunCases(std::begin(cases), std::end(cases))

TEST(EvalTest, Dates) {
  const Case cases[] = {
      {"date('2023-07-01')", "date(\"2023-07-01\")"},
      {"date('2024-02-29')", "date(\"2024-02-29\")"},
      {"date('2023-02-30')",
       "error: `2023-02-30` is not a date of the form YYYY-MM-DD"},
      {"date('2023-02-29')",
       "error: `2023-02-29` is not a date of the form YYYY-MM-DD"},
      {"date('2023-7-1')",
       "error: `2023-7-1` is not a date of the form YYYY-MM-DD"},
      {"date(day)", "date(\"2023-07-01\")"},
      {"date('2023-07-01') + 30", "date(\"2023-07-31\")"},
      {"date('2023-07-01') - 1", "date(\"2023-06-30\")"},
      {"date('2024-02-28') + 1", "date(\"2024-02-29\")"},
      {"date('2023-02-28') + 1", "date(\"2023-03-01\")"},
      {"date('2023-12-31') + 1", "date(\"2024-01-01\")"},
      {"day - 365", "date(\"2022-07-01\")"},
      {"date('2024-03-01') - date('2024-02-01')", "29"},
      {"date('2023-03-01') - date('2023-02-01')", "28"},
      {"date('2023-01-01') - date('2024-01-01')", "-365"},
      {"member.end_date - member.start_date", "731"},
      {"date('2023-07-01') < date('2023-07-02')", "true"},
      {"date('2023-07-01') == day", "true"},
      {"date('2023-07-01') != day + 1", "true"},
      {"date('9999-12-31') + 1", "error: date out of range"},
      {"date('0001-01-01') - 1", "error: date out of range"},
      {"date('1400-01-01') - 1", "date(\"1399-12-31\")"},
      {"day + 9223372036854775807", "error: date out of range"},
      {"day - (-9223372036854775807 - 1)", "error: date out of range"},
      // Anniversaries: Feb 29 lands on Feb 28, no end-of-month snapping.
      {"add_years(date('2024-02-29'), 1)", "date(\"2025-02-28\")"},
      {"add_years(date('2024-02-29'), 4)", "date(\"2028-02-29\")"},
      {"add_years(date('2024-02-29'), -1)", "date(\"2023-02-28\")"},
      {"add_years(date('2022-02-28'), 2)", "date(\"2024-02-28\")"},
      {"add_years(date('2023-07-01'), 0)", "date(\"2023-07-01\")"},
      {"add_years(member.start_date, 2) < member.end_date", "true"},
      {"add_years(date('9999-01-01'), 1)", "error: date out of range"},
      {"add_years(date('2024-02-29'), 10000000000)", "error: date out of range"},
      {"string(date('2023-07-01'))", "\"2023-07-01\""},
      {"type(day) == date", "true"},
  };
  RUN_CASES(cases);
}

TEST(EvalTest, Periods) {
  const Case cases[] = {
      {"year(date('2023-07-01'))", "period(\"2023\")"},
      {"half(date('2023-06-30'))", "period(\"2023-H1\")"},
      {"half(date('2023-07-01'))", "period(\"2023-H2\")"},
      {"quarter(date('2023-07-01'))", "period(\"2023-Q3\")"},
      {"quarter(date('2024-12-31'))", "period(\"2024-Q4\")"},
      {"month(date('2023-07-01'))", "period(\"2023-07\")"},
      {"month(date('2023-12-31'))", "period(\"2023-12\")"},
      {"date('2023-07-01') in quarter(date('2023-09-30'))", "true"},
      {"date('2023-09-30') in quarter(date('2023-07-01'))", "true"},
      {"date('2023-10-01') in quarter(date('2023-07-01'))", "false"},
      {"date('2023-06-30') in quarter(date('2023-07-01'))", "false"},
      {"day in half(date('2023-12-31'))", "true"},
      {"day in year(date('2022-12-31'))", "false"},
      {"day in month(day)", "true"},
      {"day in period('2023-Q3')", "true"},
      {"period('2023-H1').start()", "date(\"2023-01-01\")"},
      {"period('2023-H1').end()", "date(\"2023-06-30\")"},
      {"period('2023-H2').start()", "date(\"2023-07-01\")"},
      {"period('2023').end()", "date(\"2023-12-31\")"},
      {"period('2024-Q1').end()", "date(\"2024-03-31\")"},
      {"period('2024-02').end()", "date(\"2024-02-29\")"},
      {"period('2023-02').end()", "date(\"2023-02-28\")"},
      {"quarter(day).start()", "date(\"2023-07-01\")"},
      {"quarter(day).end()", "date(\"2023-09-30\")"},
      {"string(period('2023-H1'))", "\"2023-H1\""},
      {"string(quarter(day))", "\"2023-Q3\""},
      {"string(month(date('2023-01-15')))", "\"2023-01\""},
      {"quarter(day) == period('2023-Q3')", "true"},
      {"quarter(day) == quarter(date('2023-09-30'))", "true"},
      {"quarter(day) == half(day)", "false"},
      {"period('2023-H3')",
       "error: `2023-H3` is not a period such as 2023, 2023-H1, 2023-Q3 or "
       "2023-07"},
      {"period('2023-13')",
       "error: `2023-13` is not a period such as 2023, 2023-H1, 2023-Q3 or "
       "2023-07"},
  };
  RUN_CASES(cases);
}

TEST(EvalTest, Decimals) {
  const Case cases[] = {
      {"decimal('1100.00')", "decimal(\"1100.00\")"},
      {"decimal('-0.05')", "decimal(\"-0.05\")"},
      {"decimal(3)", "decimal(\"3\")"},
      {"decimal('abc')", "error: `abc` is not a decimal number"},
      {"decimal('1e3')", "error: `1e3` is not a decimal number"},
      {"decimal('1.5') + decimal('2.25')", "decimal(\"3.75\")"},
      {"decimal('1.10') - decimal('0.1')", "decimal(\"1.00\")"},
      {"decimal('0.1') * decimal('0.1')", "decimal(\"0.01\")"},
      {"decimal('0.5') * 2", "decimal(\"1.0\")"},
      {"decimal('1') + 1.5", "decimal(\"2.5\")"},
      {"-decimal('1.5')", "decimal(\"-1.5\")"},
      {"decimal('1.50') == decimal('1.5')", "true"},
      {"decimal('1.50') != decimal('1.51')", "true"},
      {"decimal('1.5') > 1", "true"},
      {"decimal('1.5') < 1.6", "true"},
      {"decimal('2') == 2", "true"},
      {"string(decimal('1.50'))", "\"1.50\""},
      {"double(decimal('1.25'))", "1.25"},
      {"type(decimal('1')) == decimal", "true"},
      // Exact where doubles are not.
      {"decimal('0.2') * decimal('50') + decimal('0.3') * decimal('50.3') + "
       "decimal('0.5') * decimal('69.82') == decimal('60')",
       "true"},
      {"decimal('0.2') * decimal('50') + decimal('0.3') * decimal('50.3') + "
       "decimal('0.5') * decimal('69.82')",
       "decimal(\"60.000\")"},
      {"0.2*50.0 + 0.3*50.3 + 0.5*69.82 == 60.0", "false"},
      {"0.1 + 0.2 == 0.3", "false"},
      {"decimal('0.1') + decimal('0.2') == decimal('0.3')", "true"},
      // Number literals meeting a decimal are exact decimals.
      {"0.2 * d1 + 0.3 * d2 + 0.5 * d3 >= 60", "true"},
      {"0.2 * d1 + 0.3 * d2 + 0.5 * d3 == 60", "true"},
      {"0.2 * d1 + 0.3 * d2 + 0.5 * d3 >= 60.0", "true"},
      {"0.2 * d1 + 0.3 * d2 + 0.5 * d3", "decimal(\"60.000\")"},
      {"d1 - 0.01", "decimal(\"49.99\")"},
      {"-0.5 * d1", "decimal(\"-25.0\")"},
      {"member.score >= 88.5", "true"},
      {"member.score > 88.5", "false"},
      // Overflow is an error, never a wrap.
      {"decimal('9223372036854775807') + decimal('1')", "error: decimal overflow"},
      {"decimal('-9223372036854775808') - decimal('1')", "error: decimal overflow"},
      {"decimal('4611686018427387904') * decimal('2')", "error: decimal overflow"},
      {"-decimal('-9223372036854775808')", "error: decimal overflow"},
      {"decimal('9223372036854775807') + 1", "error: decimal overflow"},
      {"decimal('922337203685477580.7') + decimal('0.01')", "error: decimal overflow"},
      // Products keep every digit; scales beyond 18 drop trailing zeros.
      {"decimal('0.000000001') * decimal('0.000000001')",
       "decimal(\"0.000000000000000001\")"},
      {"decimal('0.10000000000') * decimal('0.10000000000')",
       "decimal(\"0.010000000000000000\")"},
      // Rounding is half away from zero.
      {"round(decimal('2.345'), 2)", "decimal(\"2.35\")"},
      {"round(decimal('-2.345'), 2)", "decimal(\"-2.35\")"},
      {"round(decimal('2.344'), 2)", "decimal(\"2.34\")"},
      {"round(decimal('0.5'), 0)", "decimal(\"1\")"},
      {"round(decimal('-0.5'), 0)", "decimal(\"-1\")"},
      {"round(decimal('2.5'), 0)", "decimal(\"3\")"},
      {"round(decimal('1.5'), 3)", "decimal(\"1.500\")"},
      {"round(0.2 * d1 + 0.3 * d2 + 0.5 * d3, 1)", "decimal(\"60.0\")"},
      {"round(decimal('1.5'), 19)", "error: round: scale must be between 0 and 18"},
      {"round(decimal('1.5'), -1)", "error: round: scale must be between 0 and 18"},
  };
  RUN_CASES(cases);
}

// The example scores: exact with decimal variables and literals.
TEST(EvalTest, WeightedScoresAreExact) {
  Activation act = TestActivation();
  act.Bind("d1", Dec("66.07"));
  act.Bind("d2", Dec("99.32"));
  act.Bind("d3", Dec("63.98"));
  EXPECT_EQ(Eval("0.2 * d1 + 0.3 * d2 + 0.5 * d3 == 75", act), "true");
  EXPECT_EQ(Eval("0.2 * d1 + 0.3 * d2 + 0.5 * d3 >= 75.0", act), "true");
  EXPECT_EQ(Eval("0.2 * d1 + 0.3 * d2 + 0.5 * d3", act), "decimal(\"75.000\")");
  EXPECT_EQ(Eval("0.2 * 66.07 + 0.3 * 99.32 + 0.5 * 63.98 == 75.0", act),
            "false");
}

TEST(EvalTest, Integers) {
  const Case cases[] = {
      {"2 - 3", "-1"},
      {"7 / 2", "3"},
      {"-7 / 2", "-3"},
      {"-7 % 3", "-1"},
      {"7 % -3", "1"},
      {"i * i", "49"},
      {"5u % 3u", "2u"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"9223372036854775807 + 1", "error: integer overflow"},
      {"-9223372036854775808 - 1", "error: integer overflow"},
      {"9223372036854775807 * 2", "error: integer overflow"},
      {"-9223372036854775808 / -1", "error: integer overflow"},
      {"-9223372036854775808 % -1", "error: integer overflow"},
      {"-(-9223372036854775807 - 1)", "error: integer overflow"},
      {"1 / 0", "error: division by zero"},
      {"i % 0", "error: modulus by zero"},
      {"1u - 2u", "error: unsigned integer overflow"},
      {"18446744073709551615u + 1u", "error: unsigned integer overflow"},
      {"4294967296u * 4294967296u", "error: unsigned integer overflow"},
      {"1u / 0u", "error: division by zero"},
      {"1u % 0u", "error: modulus by zero"},
      {"1.0 / 0.0", "+Infinity"},
      {"-1.0 / 0.0", "-Infinity"},
      {"0.5 * 2.0", "1.0"},
      {"any + 1", "4"},
      {"any + 'a'", "error: no matching overload for (int, string)"},
      {"dyn(1) + dyn(1u)", "error: no matching overload for (int, uint)"},
  };
  RUN_CASES(cases);
}

TEST(EvalTest, Comparisons) {
  const Case cases[] = {
      {"1 == 1.0", "true"},
      {"1u == 1", "true"},
      {"1 != 2.0", "true"},
      {"1 < 1.5", "true"},
      {"-1 < 1u", "true"},
      {"18446744073709551615u > 9223372036854775807", "true"},
      {"[1, 2] == [1.0, 2u]", "true"},
      {"{'a': 1} == {'a': 1.0}", "true"},
      {"'a' < 'b'", "true"},
      {"'hello' < 'help'", "true"},
      {"b'a' < b'b'", "true"},
      {"false < true", "true"},
      {"null == null", "true"},
      {"type(1) == int", "true"},
      {"type(1u) == uint", "true"},
      {"type('a') == string", "true"},
      {"0.0 / 0.0 == 0.0 / 0.0", "false"},
      {"0.0 / 0.0 != 0.0 / 0.0", "true"},
      {"0.0 / 0.0 < 1.0", "false"},
  };
  RUN_CASES(cases);
}

// CEL's && and || are commutative: a decisive operand wins over an error on
// either side.
TEST(EvalTest, LogicalOperatorsAbsorbErrors) {
  const Case cases[] = {
      {"1/0 == 1 || true", "true"},
      {"true || 1/0 == 1", "true"},
      {"false && 1/0 == 1", "false"},
      {"1/0 == 1 && false", "false"},
      {"true && 1/0 == 1", "error: division by zero"},
      {"1/0 == 1 && true", "error: division by zero"},
      {"false || 1/0 == 1", "error: division by zero"},
      {"1/0 == 1 || false", "error: division by zero"},
      {"1/0 == 1 && 2 % 0 == 1", "error: division by zero"},
      {"!(1/0 == 1)", "error: division by zero"},
      {"!true", "false"},
      {"dyn('a') && false", "false"},
      {"dyn('a') || true", "true"},
      {"true ? 1 : 1/0", "1"},
      {"false ? 1/0 : 2", "2"},
      {"1/0 == 1 ? 1 : 2", "error: division by zero"},
  };
  RUN_CASES(cases);
}

TEST(EvalTest, Strings) {
  const Case cases[] = {
      {"'hello'.contains('ell')", "true"},
      {"'hello'.contains('')", "true"},
      {"'hello'.contains('xyz')", "false"},
      {"'hello'.startsWith('he')", "true"},
      {"'hello'.startsWith('hello world')", "false"},
      {"'hello'.endsWith('lo')", "true"},
      {"'hello'.endsWith('hello world')", "false"},
      {"s.startsWith('驻村')", "true"},
      {"s.endsWith('书记')", "true"},
      {"s.contains('第一')", "true"},
      {"'abc' + 'def'", "\"abcdef\""},
      {"b'a' + b'b'", "b\"ab\""},
      {"size('驻村')", "2"},
      {"'驻村'.size()", "2"},
      {"size(s)", "6"},
      {"size('')", "0"},
      {"size(b'\\xe9\\xa9\\xbb')", "3"},
      {"size(bytes('驻'))", "3"},
      {"'\\u9a7b'", "\"驻\""},
      {"r'\\d'", "\"\\\\d\""},
      {"'a\\tb'", "\"a\\tb\""},
      {"'x' in ['x', 'y']", "true"},
      {"'z' in ['x', 'y']", "false"},
  };
  RUN_CASES(cases);
}

// matches() uses RE2 syntax and is a partial match unless anchored.
TEST(EvalTest, RegularExpressions) {
  const Case cases[] = {
      {"'abc123'.matches('^[a-z]+\\\\d+$')", "true"},
      {"'abc123'.matches('^[a-z]+$')", "false"},
      {"'abc'.matches('b')", "true"},
      {"matches('abc', 'b')", "true"},
      {"'ABC'.matches('(?i)abc')", "true"},
      {"'驻村'.matches('^..$')", "true"},
      {"s.matches('^\\\\p{Han}+$')", "true"},
      {"'2023-07-01'.matches('^\\\\d{4}-\\\\d{2}-\\\\d{2}$')", "true"},
      // A pattern known only at run time is compiled then; an invalid one is
      // an evaluation error (a literal one is rejected by the checker).
      {"'abc'.matches(pattern)",
       "error: invalid regular expression `(`: missing ): ("},
      {"'aa'.matches(backref)",
       "error: invalid regular expression `(a)\\1`: invalid escape sequence: \\1"},
      {"'a(b'.matches(s.size() > 0 ? '[(]' : pattern)", "true"},
  };
  RUN_CASES(cases);
}

TEST(EvalTest, MapsAndLists) {
  const Case cases[] = {
      {"has(m.a)", "true"},
      {"has(m.z)", "false"},
      {"has({'a': 1}.a)", "true"},
      {"has({'a': {'b': 1}}.a.b)", "true"},
      {"has({'a': {'b': 1}}.a.c)", "false"},
      {"m.a", "1"},
      {"m['b']", "2"},
      {"{'a': {'b': 1}}.a.b", "1"},
      {"m.z", "error: no such key: 'z'"},
      {"m['z']", "error: no such key: \"z\""},
      {"{'a': 1}[1]", "error: no such key: 1"},
      {"{1: 'x'}[1.0]", "\"x\""},
      {"{1: 'x'}[1u]", "\"x\""},
      {"{1: 'x'}[2]", "error: no such key: 2"},
      {"'a' in m", "true"},
      {"'z' in m", "false"},
      {"size(m)", "2"},
      {"{'a': 1, 'a': 2}", "error: duplicate map key \"a\""},
      {"{1: 'a', 1u: 'b'}", "error: duplicate map key 1u"},
      {"l[0]", "1"},
      {"l[2]", "3"},
      {"l[1u]", "2"},
      {"l[3]", "error: index out of range: 3"},
      {"l[-1]", "error: index out of range: -1"},
      {"[1, 2, 3][1]", "2"},
      {"l + [4]", "[1, 2, 3, 4]"},
      {"size(l)", "3"},
      {"l.size()", "3"},
      {"2 in l", "true"},
      {"2.0 in l", "true"},
      {"4 in l", "false"},
      {"[]", "[]"},
      {"{}", "{}"},
      {"[1, 'a', null]", "[1, \"a\", null]"},
  };
  RUN_CASES(cases);
}

TEST(EvalTest, Macros) {
  const Case cases[] = {
      {"l.all(x, x > 0)", "true"},
      {"l.all(x, x > 1)", "false"},
      {"l.exists(x, x > 2)", "true"},
      {"l.exists(x, x > 3)", "false"},
      {"l.exists_one(x, x > 2)", "true"},
      {"l.exists_one(x, x > 1)", "false"},
      {"l.map(x, x * 2)", "[2, 4, 6]"},
      {"l.map(x, x > 1, x * 10)", "[20, 30]"},
      {"l.filter(x, x % 2 == 1)", "[1, 3]"},
      {"[].all(x, false)", "true"},
      {"[].exists(x, true)", "false"},
      {"[].map(x, x)", "[]"},
      {"m.all(k, k.size() == 1)", "true"},
      {"m.exists(k, m[k] == 2)", "true"},
      {"m.map(k, k + '!')", "[\"a!\", \"b!\"]"},
      {"m.filter(k, m[k] > 1)", "[\"b\"]"},
      {"[[1], [2, 3]].map(x, x.map(y, y * 10))", "[[10], [20, 30]]"},
      {"[1, 2].exists(x, [3].exists(x, x == 3))", "true"},
      {"[1, 2].all(x, [x].all(y, y == x))", "true"},
      {"l.map(x, x + i)", "[8, 9, 10]"},
      // Errors: a decisive element wins over an error on another.
      {"[0, 1].all(x, 1 / x > 0)", "error: division by zero"},
      {"[0, 1].all(x, 1 / x > 1)", "false"},
      {"[0, 1].exists(x, 1 / x > 0)", "true"},
      {"[1, 0].exists(x, 1 / x > 0)", "true"},
      {"[0].exists(x, 1 / x > 0)", "error: division by zero"},
      {"[0, 1].exists_one(x, 1 / x > 0)", "error: division by zero"},
      {"[0, 1].map(x, 1 / x)", "error: division by zero"},
      {"[0, 1].filter(x, 1 / x > 0)", "error: division by zero"},
      // The same after elements the fast loops handled (evaluator.cc).
      {"[1, 0, 5].all(x, 1 / x > 0)", "false"},
      {"[1, 0, 2].all(x, 1 / x >= 0)", "error: division by zero"},
      {"[2, 0, 1].exists(x, 1 / x == 1)", "true"},
      {"[2, 0, 3].exists(x, 1 / x == 1)", "error: division by zero"},
      {"[1, 2, 0].filter(x, 6 / x > 1)", "error: division by zero"},
      {"[3, 1, 2].map(x, x > 1, 6 / (x - 2))", "error: division by zero"},
      {"[3, 1, 4].map(x, x > 1, 6 / (x - 2))", "[6, 3]"},
      {"[1, 'a', 2].filter(x, x == 2)", "[2]"},
  };
  RUN_CASES(cases);
}

TEST(EvalTest, Conversions) {
  const Case cases[] = {
      {"int('12')", "12"},
      {"int('-9223372036854775808')", "-9223372036854775808"},
      {"int('9223372036854775808')",
       "error: cannot convert `9223372036854775808` to int"},
      {"int('x')", "error: cannot convert `x` to int"},
      {"int(1.9)", "1"},
      {"int(-1.9)", "-1"},
      {"int(1e19)", "error: integer overflow"},
      {"int(18446744073709551615u)", "error: integer overflow"},
      {"uint(1)", "1u"},
      {"uint(-1)", "error: unsigned integer overflow"},
      {"uint('18446744073709551615')", "18446744073709551615u"},
      {"uint('18446744073709551616')",
       "error: cannot convert `18446744073709551616` to uint"},
      {"double('1.5')", "1.5"},
      {"double('1e3') == 1000.0", "true"},
      {"double('abc')", "error: cannot convert `abc` to double"},
      {"double(2)", "2.0"},
      {"string(1.5)", "\"1.5\""},
      {"string(-4.5e-3)", "\"-0.0045\""},
      // Shortest round-trip digits, in exponent form only from 1e+06 on (as
      // CEL's reference implementation formats doubles).
      {"string(100.0)", "\"100\""},
      {"string(1000.0)", "\"1000\""},
      {"string(123456.0)", "\"123456\""},
      {"string(1e6)", "\"1e+06\""},
      {"string(-3)", "\"-3\""},
      {"string(3u)", "\"3\""},
      {"string(true)", "\"true\""},
      {"string(b'abc')", "\"abc\""},
      {"string(b'\\xff')",
       "error: invalid UTF-8 in bytes to string conversion"},
      {"bytes('abc')", "b\"abc\""},
      {"bool('true')", "true"},
      {"bool('f')", "false"},
      {"bool('yes')", "error: cannot convert `yes` to bool"},
      {"dyn(1)", "1"},
      {"type(dyn([1]))", "list"},
  };
  RUN_CASES(cases);
}

TEST(EvalTest, ObjectFields) {
  const Activation act = TestActivation();
  EXPECT_EQ(Eval("member.role == 'first_secretary'", act), "true");
  EXPECT_EQ(Eval("member.end_date - member.start_date", act), "731");
  EXPECT_EQ(Eval("member.score * 0.2", act), "decimal(\"17.700\")");
  EXPECT_EQ(Eval("member.start_date in year(date('2022-01-01'))", act), "true");

  // The whole record bound as a map works the same way.
  Activation as_map;
  ValueMap fields;
  fields.Insert(Value::String("role"), Value::String("first_secretary"));
  fields.Insert(Value::String("score"), Dec("88.50"));
  as_map.Bind("member", Value::Map(std::move(fields)));
  EXPECT_EQ(Eval("member.role == 'first_secretary'", as_map), "true");
  EXPECT_EQ(Eval("member.score + 1", as_map), "decimal(\"89.50\")");
}

// Every field of a record is present (a missing value is null), so has() on
// a declared field is true, also when the fields are bound one by one.
TEST(EvalTest, HasOnObjectFields) {
  const Activation act = TestActivation();
  EXPECT_EQ(Eval("has(member.role)", act), "true");
  EXPECT_EQ(Eval("has(member.score) && member.score > 1", act), "true");
}

TEST(EvalTest, UnboundVariableIsAnError) {
  EXPECT_EQ(Eval("i + 1", Activation()), "error: no such attribute: i");
  EXPECT_EQ(Eval("false && i > 1", Activation()), "false");
}

// Comprehensions are bounded: nested macros cannot run away.
TEST(EvalTest, ComprehensionStepsAreBounded) {
  SourceManager sources;
  CompileOptions options;
  options.max_comprehension_steps = 100;
  options.max_comprehension_nesting = 5;  // the nest below compiles
  const Env env = TestEnv();
  Result<Program> small = env.Compile("l.map(x, l.map(y, x * y))", sources,
                                      "<expr>", options);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small.value().Evaluate(TestActivation()).DebugString(),
            "[[1, 2, 3], [2, 4, 6], [3, 6, 9]]");
  Result<Program> big = env.Compile(
      "l.all(a, l.all(b, l.all(c, l.all(d, l.all(e, a + b + c + d + e > 0)))))",
      sources, "<expr>", options);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big.value().Evaluate(TestActivation()).DebugString(),
            "error: evaluation exceeds 100 comprehension steps");
  // Each kind of loop counts one step per element, fast or not.
  options.max_comprehension_steps = 3;
  for (const char* ok : {"l.map(x, x)", "l.filter(x, x > 0)", "l.all(x, x > 0)",
                         "l.exists(x, x > 5)", "l.exists_one(x, x > 2)"}) {
    Result<Program> p = env.Compile(ok, sources, "<expr>", options);
    ASSERT_TRUE(p.ok()) << ok;
    EXPECT_FALSE(p.value().Evaluate(TestActivation()).is_error()) << ok;
  }
  // A decisive element ends all and exists, but the loop takes one more step
  // to see that when elements follow; an error in an element is evaluated
  // once, with its nested loop's steps.
  options.max_comprehension_steps = 2;
  for (const char* over : {"l.all(x, x < 2)", "l.exists(x, x > 1)"}) {
    Result<Program> p = env.Compile(over, sources, "<expr>", options);
    ASSERT_TRUE(p.ok()) << over;
    EXPECT_EQ(p.value().Evaluate(TestActivation()).DebugString(),
              "error: evaluation exceeds 2 comprehension steps")
        << over;
  }
  for (uint64_t steps : {5, 6, 7}) {
    options.max_comprehension_steps = steps;
    Result<Program> p =
        env.Compile("[1, 2].map(x, [1, 2, 3].map(y, y)[5])", sources, "<expr>", options);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p.value().Evaluate(TestActivation()).DebugString(),
              "error: index out of range: 5")
        << steps;
  }
  options.max_comprehension_steps = 2;
  for (const char* over : {"l.map(x, x)", "l.filter(x, x > 0)", "l.all(x, x > 0)",
                           "l.exists(x, x > 5)", "l.exists_one(x, x > 2)"}) {
    Result<Program> p = env.Compile(over, sources, "<expr>", options);
    ASSERT_TRUE(p.ok()) << over;
    EXPECT_EQ(p.value().Evaluate(TestActivation()).DebugString(),
              "error: evaluation exceeds 2 comprehension steps")
        << over;
  }
}

// The static bound (issue 11, item 6): comprehensions nested deeper than
// CompileOptions::max_comprehension_nesting (4) do not compile. A range,
// initial value or result is not inside the loop.
TEST(EvalTest, ComprehensionNestingIsBoundedAtCompileTime) {
  const Env env = TestEnv();
  SourceManager sources;
  const std::string five =
      "l.all(a, l.all(b, l.all(c, l.all(d, l.all(e, a + b + c + d + e > 0)))))";
  Result<Program> deep = env.Compile(five, sources, "five");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.diagnostics().Render(sources),
            "five:1:3: error[expr.too_costly]: comprehensions nested 5 deep: their steps can "
            "grow as the lists' size to the power 5; the most is 4\n"
            " | l.all(a, l.all(b, l.all(c, l.all(d, l.all(e, a + b + c + d + e > 0)))))\n"
            " |   ^" + std::string(68, '~') + "\n"
            " = help: compute the inner lists once in a `let`, or filter a list before "
            "looping over it\n");
  for (const char* ok :
       {"l.all(a, l.all(b, l.all(c, l.all(d, a + b + c + d > 0))))",
        "l.map(a, l.map(b, b)).map(x, l.map(c, l.filter(d, d > 0))).size() > 0",
        "l.filter(a, l.all(b, l.exists(c, l.exists(d, d > 0)))).map(x, l.map(y, y)).size() > 0"}) {
    EXPECT_TRUE(env.Compile(ok, sources).ok()) << ok;
  }
  CompileOptions options;
  options.max_comprehension_nesting = 1;
  EXPECT_TRUE(env.Compile("l.map(x, x).filter(y, y > 1).size() > 0", sources, "<expr>", options)
                  .ok());
  EXPECT_FALSE(env.Compile("l.all(x, l.all(y, y > x))", sources, "<expr>", options).ok());
}

TEST(EvalTest, ProgramIsReusable) {
  SourceManager sources;
  Result<Program> r = TestEnv().Compile("i * 2 + 1", sources);
  ASSERT_TRUE(r.ok());
  const Program copy = r.value();
  for (int k = 0; k < 3; ++k) {
    Activation act;
    act.Bind("i", Value::Int(k));
    EXPECT_EQ(copy.Evaluate(act), Value::Int(2 * k + 1));
    EXPECT_EQ(r.value().Evaluate(act), Value::Int(2 * k + 1));
  }
}

// Activation::BindLazy: the value of a program on the activation, computed
// on first use, kept until the name is bound again, and never computed if
// no evaluation needs it.
TEST(EvalTest, LazyBindings) {
  SourceManager sources;
  Env env;
  env.Declare("i", Type::Int());
  Result<Program> twice = env.Compile("i * 2", sources);
  ASSERT_TRUE(twice.ok());
  env.Declare("x", Type::Int());
  Result<Program> boom = env.Compile("1 / (i - i)", sources);
  Result<Program> use = env.Compile("x + 1", sources);
  Result<Program> skip = env.Compile("i > 100 && x > 0", sources);
  ASSERT_TRUE(boom.ok() && use.ok() && skip.ok());

  Activation act;
  act.Bind("i", Value::Int(5));
  act.BindLazy("x", &twice.value());
  EXPECT_EQ(use.value().Evaluate(act), Value::Int(11));
  ASSERT_NE(act.Find("x"), nullptr);
  EXPECT_EQ(*act.Find("x"), Value::Int(10));
  act.Bind("i", Value::Int(7));  // x keeps its value until it is bound again
  EXPECT_EQ(use.value().Evaluate(act), Value::Int(11));
  act.BindLazy("x", &twice.value());
  EXPECT_EQ(use.value().Evaluate(act), Value::Int(15));

  act.BindLazy("x", &boom.value());
  EXPECT_EQ(skip.value().Evaluate(act), Value::Bool(false));
  EXPECT_EQ(use.value().Evaluate(act).DebugString(), "error: division by zero");
  act.Bind("x", Value::Int(1));  // a plain binding replaces a lazy one
  EXPECT_EQ(use.value().Evaluate(act), Value::Int(2));
  EXPECT_EQ(act.Find("y"), nullptr);
}

// Activation::BindOnce: the value is made when an evaluation first needs
// it, once for the activation and every copy of it, however many threads
// ask; never if none needs it; a throw reaches the asker and the next one
// tries again; any other binding of the name replaces it.
TEST(EvalTest, BindOnceMakesTheValueOnceForEveryCopy) {
  SourceManager sources;
  Env env;
  env.Declare("i", Type::Int());
  env.Declare("x", Type::Int());
  Result<Program> use = env.Compile("x + i", sources);
  Result<Program> skip = env.Compile("i > 100 && x > 0", sources);
  ASSERT_TRUE(use.ok() && skip.ok());

  std::atomic<int> made{0};
  Activation base;
  base.BindOnce("x", [&made] {
    ++made;
    return Value::Int(40);
  });
  base.Bind("i", Value::Int(1));
  EXPECT_EQ(skip.value().Evaluate(base), Value::Bool(false));
  EXPECT_EQ(made.load(), 0);
  EXPECT_TRUE(base.bindings().count("x") == 0);

  std::vector<std::thread> threads;
  std::vector<Value> results(8);
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      Activation act = base;  // a copy per thread shares the value
      act.Bind("i", Value::Int(static_cast<int64_t>(t)));
      results[t] = use.value().Evaluate(act);
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t t = 0; t < results.size(); ++t) {
    EXPECT_EQ(results[t], Value::Int(40 + static_cast<int64_t>(t)));
  }
  EXPECT_EQ(use.value().Evaluate(base), Value::Int(41));
  EXPECT_EQ(made.load(), 1);

  Activation rebound = base;
  rebound.Bind("x", Value::Int(2));  // a plain binding replaces it
  EXPECT_EQ(use.value().Evaluate(rebound), Value::Int(3));
  rebound.BindLazy("x", &use.value());  // and a lazy one
  rebound.BindOnce("x", [] { return Value::Int(5); });  // and it them
  EXPECT_EQ(use.value().Evaluate(rebound), Value::Int(6));
  EXPECT_EQ(made.load(), 1);

  int calls = 0;
  Activation failing;
  failing.Bind("i", Value::Int(0));
  failing.BindOnce("x", [&calls] {
    if (++calls == 1) throw std::runtime_error("not yet");
    return Value::Int(7);
  });
  EXPECT_THROW(failing.Find("x"), std::runtime_error);
  EXPECT_EQ(use.value().Evaluate(failing), Value::Int(7));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace zhucun
