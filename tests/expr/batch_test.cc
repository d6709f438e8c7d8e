// Program::EvaluateBatch: column-at-a-time evaluation must give, row by row,
// exactly what Program::Evaluate gives on that row's values — the same
// values, and errors on the same rows with the same messages — whether the
// compiled plan runs vectorized kernels, falls back to the row evaluator for
// some rows (overflow, nulls) or for the whole batch.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhucun/expr.h"

namespace zhucun {

// Shows values as their DebugString in test failures.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// A set of named columns with the row-at-a-time view of the same data.
struct Table {
  size_t rows = 0;
  std::map<std::string, Column> columns;

  Batch MakeBatch() const {
    Batch batch(rows);
    for (const auto& [name, column] : columns) batch.Bind(name, column.view());
    return batch;
  }
  Activation Row(size_t i) const {
    Activation act;
    for (const auto& [name, column] : columns) act.Bind(name, column.Get(i));
    return act;
  }
  // Every row as an Activation, built once.
  const std::vector<Activation>& Rows() const {
    if (row_cache.size() != rows) {
      row_cache.clear();
      for (size_t i = 0; i < rows; ++i) row_cache.push_back(Row(i));
    }
    return row_cache;
  }
  mutable std::vector<Activation> row_cache;
};

Program MustCompile(const Env& env, std::string_view text) {
  SourceManager sources;
  Result<Program> r = env.Compile(text, sources);
  EXPECT_TRUE(r.ok()) << text << "\n" << r.diagnostics().Render(sources);
  if (!r.ok()) std::abort();
  return r.value();
}

// Evaluates `program` over the whole table both ways and compares row by row.
// Returns the number of rows that were errors.
size_t ExpectBatchMatchesRows(const Program& program, const Table& table,
                              std::string_view label) {
  const BatchResult batch = program.EvaluateBatch(table.MakeBatch());
  EXPECT_EQ(batch.values.size(), table.rows) << label;
  std::map<uint32_t, std::string> errors;
  uint32_t previous = 0;
  for (size_t k = 0; k < batch.errors.size(); ++k) {
    const auto& [row, message] = batch.errors[k];
    if (k > 0) {
      EXPECT_LT(previous, row) << label << ": errors not in row order";
    }
    previous = row;
    errors[row] = message;
  }
  size_t error_rows = 0;
  int mismatches = 0;
  for (size_t i = 0; i < table.rows && mismatches < 10; ++i) {
    const Value want = program.Evaluate(table.Rows()[i]);
    const Value got = batch.values.Get(i);
    auto it = errors.find(static_cast<uint32_t>(i));
    if (want.is_error()) {
      ++error_rows;
      const bool ok = it != errors.end() && it->second == want.error_message() &&
                      got.is_null();
      if (!ok) ++mismatches;
      EXPECT_TRUE(ok) << label << " row " << i << ": row evaluator gives "
                      << want.DebugString() << ", batch gives "
                      << got.DebugString() << " / error "
                      << (it == errors.end() ? "none" : it->second);
      continue;
    }
    const bool ok = it == errors.end() && got == want &&
                    got.DebugString() == want.DebugString();
    if (!ok) ++mismatches;
    EXPECT_TRUE(ok) << label << " row " << i << ": row evaluator gives "
                    << want.DebugString() << ", batch gives "
                    << got.DebugString() << " / error "
                    << (it == errors.end() ? "none" : it->second);
  }
  return error_rows;
}

// ---------------------------------------------------------------------------
// (a) The benchmark expression.

TEST(BatchTest, BenchmarkExpressionMatchesRowEvaluator) {
  Env env;
  env.Declare("daily", Type::Decimal());
  env.Declare("half_year", Type::Decimal());
  env.Declare("year_end", Type::Decimal());
  env.Declare("role", Type::String());
  const Program program = MustCompile(
      env,
      "0.2*daily + 0.3*half_year + 0.5*year_end >= 90.0 && "
      "role == 'first_secretary'");

  const std::string plan = program.DumpPlan();
  EXPECT_NE(plan, "row evaluator\n");
  EXPECT_NE(plan.find("column:decimal daily"), std::string::npos) << plan;
  EXPECT_NE(plan.find("column:decimal half_year"), std::string::npos) << plan;
  EXPECT_NE(plan.find("column:decimal year_end"), std::string::npos) << plan;
  EXPECT_NE(plan.find("column:string role"), std::string::npos) << plan;

  std::mt19937_64 rng(20230701);
  const size_t n = 3000;
  std::vector<int64_t> daily(n), half_year(n), year_end(n);
  std::vector<std::string> role(n);
  const char* roles[] = {"first_secretary", "team_member", "secretary",
                         "驻村第一书记"};
  for (size_t i = 0; i < n; ++i) {
    // Scores 0.00 .. 100.00, clustered near the threshold.
    daily[i] = 8000 + static_cast<int64_t>(rng() % 2001);
    half_year[i] = 8000 + static_cast<int64_t>(rng() % 2001);
    year_end[i] = 8000 + static_cast<int64_t>(rng() % 2001);
    role[i] = roles[rng() % 4];
  }
  // Rows exactly on the threshold: 0.2*90 + 0.3*90 + 0.5*90 == 90.
  daily[0] = half_year[0] = year_end[0] = 9000;
  role[0] = "first_secretary";
  // 0.2*100 + 0.3*80 + 0.5*92 == 90; 0.01 less misses.
  daily[1] = 10000, half_year[1] = 8000, year_end[1] = 9200;
  role[1] = "first_secretary";
  daily[2] = 10000, half_year[2] = 8000, year_end[2] = 9199;
  role[2] = "first_secretary";

  Table table;
  table.rows = n;
  table.columns["daily"] = Column::Decimals(daily, 2);
  table.columns["half_year"] = Column::Decimals(half_year, 2);
  table.columns["year_end"] = Column::Decimals(year_end, 2);
  table.columns["role"] = Column::Strings(role);

  const BatchResult result = program.EvaluateBatch(table.MakeBatch());
  EXPECT_TRUE(result.errors.empty());
  ASSERT_EQ(result.values.size(), n);
  EXPECT_EQ(result.values.type(), ColumnType::kBool);
  EXPECT_EQ(result.values.Get(0), Value::Bool(true));
  EXPECT_EQ(result.values.Get(1), Value::Bool(true));
  EXPECT_EQ(result.values.Get(2), Value::Bool(false));
  size_t selected = 0;
  for (size_t i = 0; i < n; ++i) {
    const Value want = program.Evaluate(table.Row(i));
    ASSERT_EQ(result.values.Get(i), want) << "row " << i;
    if (want == Value::Bool(true)) ++selected;
  }
  EXPECT_GT(selected, 10u);
  EXPECT_LT(selected, n / 2);
  EXPECT_EQ(ExpectBatchMatchesRows(program, table, "benchmark"), 0u);
}

// ---------------------------------------------------------------------------
// (b) Randomized differential test.

int32_t DayNumber(int y, int m, int d) {
  return Date::FromYmd(y, m, d).value().day_number();
}

// Columns of every physical type, with nulls, extreme values that make the
// int64 kernels overflow, NaN and infinities. Blocks of 1024 rows (one chunk
// of the plan) differ in their range of magnitudes, so that some chunks are
// proved free of overflow and take the unchecked kernels while results still
// come close to the int64 limits, and others need the checked ones.
Table RandomTable(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  auto small = [&](int64_t range) {
    return static_cast<int64_t>(rng() % static_cast<uint64_t>(2 * range + 1)) - range;
  };
  auto extreme = [&]() -> int64_t {
    switch (rng() % 6) {
      case 0: return kMax;
      case 1: return kMin;
      case 2: return kMax - small(1000) - 1000;
      case 3: return kMin + small(1000) + 1000;
      case 4: return kMax / 2 + small(1000);
      default: return static_cast<int64_t>(rng());
    }
  };
  // A value with at most `bits` magnitude bits, often exactly at the bound.
  auto bounded = [&](int bits) -> int64_t {
    const int64_t limit = int64_t{1} << bits;
    switch (rng() % 4) {
      case 0: return limit - 1;
      case 1: return -limit;
      default: return small(limit - 1);
    }
  };
  auto ints = [&](int64_t range) {
    std::vector<int64_t> v(n);
    for (size_t i = 0; i < n; ++i) {
      switch ((i / 1024) % 4) {
        case 0: v[i] = chance(15) ? extreme() : small(range); break;
        case 1: v[i] = small(range); break;
        case 2: v[i] = bounded(31); break;   // products near 2^62
        default: v[i] = bounded(61); break;  // sums near 2^62, some overflow
      }
    }
    return v;
  };
  auto valid = [&](int null_percent) {
    std::vector<uint8_t> v(n);
    for (auto& x : v) x = chance(null_percent) ? 0 : 1;
    return v;
  };

  Table t;
  t.rows = n;
  t.columns["i1"] = Column::Ints(ints(100));
  t.columns["i1"].set_valid(valid(10));
  t.columns["i2"] = Column::Ints(ints(5));
  // Decimals of three scales; aligning them overflows for big coefficients.
  t.columns["d1"] = Column::Decimals(ints(100000), 2);
  t.columns["d1"].set_valid(valid(10));
  t.columns["d2"] = Column::Decimals(ints(1000000), 4);
  t.columns["d3"] = Column::Decimals(ints(100), 0);
  t.columns["d3"].set_valid(valid(5));

  std::vector<double> f1(n), f2(n);
  const double specials[] = {std::nan(""), INFINITY, -INFINITY, -0.0, 0.0,
                             1e308, -1e308, 5e-324};
  for (size_t i = 0; i < n; ++i) {
    f1[i] = chance(10) ? specials[rng() % 8] : static_cast<double>(small(1000)) / 8;
    f2[i] = chance(10) ? specials[rng() % 8] : static_cast<double>(small(1000)) / 3;
  }
  t.columns["f1"] = Column::Doubles(f1);
  t.columns["f2"] = Column::Doubles(f2);
  t.columns["f2"].set_valid(valid(10));

  const int32_t lo = DayNumber(1, 1, 1), hi = DayNumber(9999, 12, 31);
  const int32_t base = DayNumber(2023, 7, 1);
  std::vector<int32_t> day1(n), day2(n);
  for (size_t i = 0; i < n; ++i) {
    day1[i] = chance(5) ? (chance(50) ? lo : hi) : base + static_cast<int32_t>(small(60));
    day2[i] = base + static_cast<int32_t>(small(60));
  }
  t.columns["day1"] = Column::Dates(day1);
  t.columns["day1"].set_valid(valid(10));
  t.columns["day2"] = Column::Dates(day2);

  std::vector<uint8_t> flag(n);
  for (auto& x : flag) x = chance(50) ? 1 : 0;
  t.columns["flag"] = Column::Bools(flag);
  t.columns["flag"].set_valid(valid(10));

  const char* words[] = {"alpha", "beta", "gamma", "驻村"};
  std::vector<std::string> s(n);
  for (auto& x : s) x = words[rng() % 4];
  t.columns["s"] = Column::Strings(s);
  t.columns["s"].set_valid(valid(10));
  return t;
}

Env RandomEnv() {
  Env env;
  for (const char* name : {"i1", "i2"}) env.Declare(name, Type::Int());
  for (const char* name : {"d1", "d2", "d3"}) env.Declare(name, Type::Decimal());
  for (const char* name : {"f1", "f2"}) env.Declare(name, Type::Double());
  for (const char* name : {"day1", "day2"}) env.Declare(name, Type::Date());
  env.Declare("flag", Type::Bool());
  env.Declare("s", Type::String());
  return env;
}

const char* const kDifferentialExpressions[] = {
    // int
    "i1 + i2 > i1 * 2 || flag",
    "i1 - i2 * 3",
    "-i1 * -i2",
    "i1 * i2 * i2 == i1 - 1",
    "i1 + 9223372036854775807 > 0",
    "(i1 > 0) == flag",
    "i1 == null || i1 > 5",
    "i1 != null && i1 <= i2",
    // decimal, with scale alignment and int operands
    "d1 * d2 + d3 >= 0.5 * d1 - 3",
    "-d1 + d2 - d3 == d1",
    "d1 * d3 - d2",
    "d1 + d2",
    "d1 * d2 * d3",
    "-d2",
    "d1 > i1 && d2 <= i2",
    "d1 * i2 + 1 < d3",
    "0.2 * d1 + 0.3 * d2 + 0.5 * d3 >= 90.0 && s == 'alpha'",
    "d1 == 0.01 || d2 != 0.0001",
    "d3 == null",
    // double
    "f1 * f2 + f1 < f2 - 1.5 && !flag",
    "f1 + f2",
    "-f1 * 2.0",
    "f1 == f2 || f1 != f1",
    "f1 >= f2",
    // date
    "day1 < day2 || day1 == date('2023-07-01')",
    "day1 >= date('2023-06-15') && day1 <= day2",
    "day1 != day2",
    // bool and string
    "flag && s == 'beta'",
    "!flag || s != '驻村'",
    "s == 'delta'",
    "s == null || flag == true",
    "'gamma' == s",
    // mixed, all kinds at once
    "(i1 > 10 || d1 < 0.5) && (day1 > day2 || f1 > 0.0) && s != 'alpha'",
    // constants only
    "1 + 2",
    "true",
    // not vectorizable: the whole batch goes through the row evaluator
    "i1 / i2 > 1",
    "i1 % i2",
    "day1 - day2 > 30",
    "day1 + i2 < day2",
    "d2 * d2 * d2 * d2 * d2 > d1",
    "f1 / f2",
    "double(i1) + f1",
    "string(d1) + s",
    "s.startsWith('al') || i1 in [1, 2, 3]",
};

TEST(BatchTest, RandomizedDifferential) {
  const Table table = RandomTable(4096, 42);
  const Env env = RandomEnv();
  size_t total_errors = 0;
  for (const char* text : kDifferentialExpressions) {
    const Program program = MustCompile(env, text);
    total_errors += ExpectBatchMatchesRows(program, table, text);
  }
  // The data does make kernels fail (and the row evaluator report errors).
  EXPECT_GT(total_errors, 100u);
}

TEST(BatchTest, SomeDifferentialExpressionsAreVectorized) {
  const Env env = RandomEnv();
  for (const char* text :
       {"i1 + i2 > i1 * 2 || flag", "d1 * d2 + d3 >= 0.5 * d1 - 3",
        "f1 * f2 + f1 < f2 - 1.5 && !flag", "day1 < day2",
        "s == 'beta' && flag", "i1 == null || i1 > 5", "d1 * d3 - d2"}) {
    EXPECT_NE(MustCompile(env, text).DumpPlan(), "row evaluator\n") << text;
  }
}

// Rows whose kernels overflow are redone exactly by the row evaluator.
TEST(BatchTest, OverflowingRowsFallBack) {
  Env env;
  env.Declare("a", Type::Int());
  env.Declare("d", Type::Decimal());
  env.Declare("e", Type::Decimal());
  Table t;
  t.rows = 4;
  t.columns["a"] = Column::Ints({1, kMax, kMin, -5});
  // d at scale 2, e at scale 0: aligning e to scale 2 overflows in row 1.
  t.columns["d"] = Column::Decimals({150, 0, kMin, 1}, 2);
  t.columns["e"] = Column::Decimals({1, kMax / 10, 0, kMax}, 0);

  const Program add = MustCompile(env, "a + 1");
  const BatchResult r = add.EvaluateBatch(t.MakeBatch());
  EXPECT_EQ(r.values.Get(0), Value::Int(2));
  EXPECT_TRUE(r.values.Get(1).is_null());
  EXPECT_EQ(r.values.Get(2), Value::Int(kMin + 1));
  EXPECT_EQ(r.values.Get(3), Value::Int(-4));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].first, 1u);
  EXPECT_EQ(r.errors[0].second, "integer overflow");

  const Program neg = MustCompile(env, "-a");
  const BatchResult rn = neg.EvaluateBatch(t.MakeBatch());
  ASSERT_EQ(rn.errors.size(), 1u);
  EXPECT_EQ(rn.errors[0].first, 2u);
  EXPECT_EQ(rn.values.Get(1), Value::Int(-kMax));

  // Comparing across scales is exact even when aligning overflows.
  const Program cmp = MustCompile(env, "d < e");
  const BatchResult rc = cmp.EvaluateBatch(t.MakeBatch());
  EXPECT_TRUE(rc.errors.empty());
  EXPECT_EQ(rc.values.Get(0), Value::Bool(false));  // 1.50 < 1
  EXPECT_EQ(rc.values.Get(1), Value::Bool(true));   // 0.00 < huge
  EXPECT_EQ(rc.values.Get(2), Value::Bool(true));   // most negative < 0
  EXPECT_EQ(rc.values.Get(3), Value::Bool(true));   // 0.01 < max

  for (const char* text : {"a + 1", "-a", "d < e", "d + e", "d - e", "d * e",
                           "-d", "d * a > e"}) {
    ExpectBatchMatchesRows(MustCompile(env, text), t, text);
  }
}

// A product whose coefficient overflows at the summed scale but whose exact
// value fits once trailing zeros are dropped is a value, not an error.
TEST(BatchTest, DecimalProductThatFitsAfterDroppingZeros) {
  Env env;
  env.Declare("d", Type::Decimal());
  env.Declare("e", Type::Decimal());
  Table t;
  t.rows = 3;
  // 1e12 (scale 2) * 1e5 (scale 4): coefficient 1e23 at scale 6, value 1e17.
  t.columns["d"] = Column::Decimals({100000000000000, 150, 100000000000001}, 2);
  t.columns["e"] = Column::Decimals({1000000000, 20000, 1000000001}, 4);
  const Program program = MustCompile(env, "d * e");
  const BatchResult r = program.EvaluateBatch(t.MakeBatch());
  EXPECT_EQ(r.values.Get(0),
            Value::FromDecimal(Decimal::FromInt(100000000000000000)));
  EXPECT_EQ(r.values.Get(1), Value::FromDecimal(Decimal::FromUnscaled(3, 0)));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], std::make_pair(uint32_t{2}, std::string("decimal overflow")));
  ExpectBatchMatchesRows(program, t, "d * e");
  ExpectBatchMatchesRows(MustCompile(env, "d * e > 1"), t, "d * e > 1");
}

// ---------------------------------------------------------------------------
// (c) Expressions the plan cannot express still evaluate, row by row.

TEST(BatchTest, FallbackForExpressionsThePlanCannotExpress) {
  Env env;
  env.Declare("s", Type::String());
  env.Declare("n", Type::Int());
  env.Declare("tags", Type::List(Type::String()));
  Table t;
  t.rows = 6;
  t.columns["s"] = Column::Strings({"alpha", "beta", "", "驻村", "al", "x"});
  t.columns["s"].set_valid_row(5, false);
  t.columns["n"] = Column::Ints({1, 0, 3, -1, 2, 4});
  t.columns["tags"] = Column::Values(
      {Value::List({Value::String("a")}), Value::List({}),
       Value::List({Value::String("b"), Value::String("c")}), Value::List({}),
       Value::List({Value::String("a")}), Value::Null()});

  const char* const texts[] = {
      "n in [1, 2, 3]",
      "s.matches('^al')",
      "'alpha'.matches(s)",
      "size(s) == 2",
      "s + '!'",
      "s",
      "10 / n",
      "[n, n * 2].map(x, x + 1)",
      "tags.exists(x, x == 'a')",
      "size(tags) > 0 && s != ''",
      "{'alpha': 1, 'beta': 2}[s]",
      "date('2023-02-30') < date('2023-03-01')",
  };
  for (const char* text : texts) {
    const Program program = MustCompile(env, text);
    ExpectBatchMatchesRows(program, t, text);
  }
  for (const char* text : {"n in [1, 2, 3]", "s.matches('^al')", "s + '!'"}) {
    EXPECT_EQ(MustCompile(env, text).DumpPlan(), "row evaluator\n") << text;
  }

  const BatchResult m =
      MustCompile(env, "s.matches('^al')").EvaluateBatch(t.MakeBatch());
  EXPECT_EQ(m.values.Get(0), Value::Bool(true));
  EXPECT_EQ(m.values.Get(1), Value::Bool(false));
  EXPECT_EQ(m.values.Get(4), Value::Bool(true));
  ASSERT_EQ(m.errors.size(), 1u);  // null is not a string
  EXPECT_EQ(m.errors[0].first, 5u);

  const BatchResult s = MustCompile(env, "s + '!'").EvaluateBatch(t.MakeBatch());
  EXPECT_EQ(s.values.Get(3), Value::String("驻村!"));

  const BatchResult d = MustCompile(env, "10 / n").EvaluateBatch(t.MakeBatch());
  EXPECT_EQ(d.values.Get(0), Value::Int(10));
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0], std::make_pair(uint32_t{1}, std::string("division by zero")));
}

// A batch whose columns do not fit the plan (a decimal held as Values, a
// missing column) is evaluated by the row evaluator.
TEST(BatchTest, ColumnsThatDoNotFitThePlan) {
  Env env;
  env.Declare("d", Type::Decimal());
  env.Declare("n", Type::Int());
  const Program program = MustCompile(env, "d * 2 > n");
  ASSERT_NE(program.DumpPlan(), "row evaluator\n");

  Table t;
  t.rows = 3;
  t.columns["d"] = Column::Values(
      {Value::FromDecimal(Decimal::FromUnscaled(150, 2)), Value::Null(),
       Value::FromDecimal(Decimal::FromUnscaled(-1, 0))});
  t.columns["n"] = Column::Ints({2, 2, -3});
  ExpectBatchMatchesRows(program, t, "decimal as values");
  const BatchResult r = program.EvaluateBatch(t.MakeBatch());
  EXPECT_EQ(r.values.Get(0), Value::Bool(true));
  EXPECT_EQ(r.values.Get(2), Value::Bool(true));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].first, 1u);

  Batch missing(2);
  const Column n = Column::Ints({1, 2});
  missing.Bind("n", n.view());
  const BatchResult m = program.EvaluateBatch(missing);
  ASSERT_EQ(m.errors.size(), 2u);
  EXPECT_EQ(m.errors[0].second, "no such attribute: d");
}

// ---------------------------------------------------------------------------
// (d) Fields of an object variable bind as "variable.field".

TEST(BatchTest, ObjectFieldsBindByQualifiedName) {
  Env env;
  env.Declare("member",
              Type::Object(ObjectType::Make(
                  "member", {{"role", Type::String()},
                             {"score", Type::Decimal()},
                             {"start_date", Type::Date()},
                             {"end_date", Type::Date()}})));
  const Program program = MustCompile(
      env,
      "member.role == 'first_secretary' && member.score >= 60 && "
      "member.end_date > member.start_date");
  const std::string plan = program.DumpPlan();
  EXPECT_NE(plan.find("column:string member.role"), std::string::npos) << plan;
  EXPECT_NE(plan.find("column:decimal member.score"), std::string::npos) << plan;

  const int32_t base = DayNumber(2023, 7, 1);
  Table t;
  t.rows = 4;
  t.columns["member.role"] = Column::Strings(
      {"first_secretary", "first_secretary", "team_member", "first_secretary"});
  t.columns["member.score"] = Column::Decimals({6000, 5999, 9000, 7000}, 2);
  t.columns["member.start_date"] = Column::Dates({base, base, base, base});
  t.columns["member.end_date"] =
      Column::Dates({base + 365, base + 365, base + 365, base});
  const BatchResult r = program.EvaluateBatch(t.MakeBatch());
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.values.Get(0), Value::Bool(true));
  EXPECT_EQ(r.values.Get(1), Value::Bool(false));
  EXPECT_EQ(r.values.Get(2), Value::Bool(false));
  EXPECT_EQ(r.values.Get(3), Value::Bool(false));
  ExpectBatchMatchesRows(program, t, "member");

  const Program days = MustCompile(env, "member.end_date - member.start_date");
  const BatchResult rd = days.EvaluateBatch(t.MakeBatch());
  EXPECT_EQ(rd.values.Get(0), Value::Int(365));
  EXPECT_EQ(rd.values.Get(3), Value::Int(0));
}

// ---------------------------------------------------------------------------
// (e) Sizes: more than one chunk, and no rows at all.

TEST(BatchTest, BatchLargerThanOneChunk) {
  const Table table = RandomTable(5000, 7);
  const Env env = RandomEnv();
  for (const char* text :
       {"i1 + i2 > i1 * 2 || flag", "d1 * d2 + d3 >= 0.5 * d1 - 3",
        "d1 * d3 - d2", "f1 + f2", "day1 < day2 && s == 'alpha'",
        "i1 / i2 > 1"}) {
    ExpectBatchMatchesRows(MustCompile(env, text), table, text);
  }
}

TEST(BatchTest, ChunkBoundaries) {
  Env env;
  env.Declare("a", Type::Int());
  for (size_t n : {1u, 1023u, 1024u, 1025u, 2048u, 2049u}) {
    std::vector<int64_t> a(n);
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<int64_t>(i);
    a[n - 1] = kMax;  // the last row overflows
    Table t;
    t.rows = n;
    t.columns["a"] = Column::Ints(a);
    const Program program = MustCompile(env, "a + 1");
    const BatchResult r = program.EvaluateBatch(t.MakeBatch());
    ASSERT_EQ(r.values.size(), n);
    ASSERT_EQ(r.errors.size(), 1u) << n;
    EXPECT_EQ(r.errors[0].first, n - 1);
    if (n > 1) {
      EXPECT_EQ(r.values.Get(n - 2), Value::Int(static_cast<int64_t>(n - 1)));
    }
    ExpectBatchMatchesRows(program, t, "a + 1");
  }
}

TEST(BatchTest, EmptyBatch) {
  const Env env = RandomEnv();
  const Table table = RandomTable(0, 1);
  for (const char* text : {"i1 + i2 > i1 * 2 || flag", "d1 * d3 - d2",
                           "i1 / i2 > 1", "s + '!'"}) {
    const BatchResult r =
        MustCompile(env, text).EvaluateBatch(table.MakeBatch());
    EXPECT_EQ(r.values.size(), 0u) << text;
    EXPECT_TRUE(r.errors.empty()) << text;
  }
}

// A batch may be a window on larger columns (ColumnView::Slice).
TEST(BatchTest, SlicedColumns) {
  Env env;
  env.Declare("a", Type::Int());
  env.Declare("d", Type::Decimal());
  Column a = Column::Ints({10, 20, 30, 40, 50});
  a.set_valid({1, 1, 0, 1, 1});
  const Column d = Column::Decimals({100, 200, 300, 400, 500}, 2);
  Batch batch(3);
  batch.Bind("a", a.view().Slice(1, 3));
  batch.Bind("d", d.view().Slice(1, 3));
  const Program program = MustCompile(env, "d * a");
  const BatchResult r = program.EvaluateBatch(batch);
  EXPECT_EQ(r.values.Get(0), Value::FromDecimal(Decimal::FromUnscaled(4000, 2)));
  EXPECT_EQ(r.values.Get(2), Value::FromDecimal(Decimal::FromUnscaled(16000, 2)));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].first, 1u);
}

// A caller's string view may repeat a dictionary entry; equality is on the
// strings, not on the codes.
TEST(BatchTest, StringEqualityIsOnTextNotCodes) {
  Env env;
  env.Declare("s", Type::String());
  const std::vector<std::string> dictionary = {"a", "b", "a"};
  const std::vector<int32_t> codes = {0, 1, 2};
  ColumnView view;
  view.type = ColumnType::kString;
  view.size = 3;
  view.data = codes.data();
  view.dictionary = &dictionary;
  Batch batch(3);
  batch.Bind("s", view);
  const Program program = MustCompile(env, "s == 'a'");
  const BatchResult r = program.EvaluateBatch(batch);
  EXPECT_EQ(r.values.Get(0), Value::Bool(true));
  EXPECT_EQ(r.values.Get(1), Value::Bool(false));
  EXPECT_EQ(r.values.Get(2), Value::Bool(true));
}

}  // namespace
}  // namespace zhucun
