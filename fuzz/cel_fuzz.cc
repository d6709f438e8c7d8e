// Fuzz target: the CEL front end. The input is an expression; it is
// parsed, type-checked and compiled against an environment of scalar,
// list, map and nullable variables with small limits (depth, length,
// comprehension steps), then evaluated row by row on four records (typical
// values, extremes, nulls, zeros) and column-at-a-time on the same four rows
// as a batch. The batch must give, row by row, what the row evaluator gives
// (Program::EvaluateBatch's contract): a difference aborts. The
// environment also defines a few functions in CEL (Env::DefineFunction:
// twice(v), within(v, lo, hi), evens(l)), so that calls are inlined. An
// input that starts with the byte 0x01 is compiled without the type check
// (CompileOptions::check = false, as the CEL conformance tests' unchecked
// cases), so that ill-typed expressions reach the evaluators.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "zhucun/date.h"
#include "zhucun/decimal.h"
#include "zhucun/expr.h"

namespace {

using zhucun::Column;
using zhucun::Type;
using zhucun::Value;

constexpr size_t kRows = 4;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

struct Fixture {
  zhucun::Env env;
  std::map<std::string, Column> columns;
  std::vector<zhucun::Activation> rows;
  zhucun::CompileOptions options;
  zhucun::SourceManager function_sources;

  Fixture() {
    options.max_depth = 48;
    options.max_length = 4096;
    options.max_comprehension_steps = 2000;

    auto with_nulls = [](Column c, std::vector<uint8_t> valid) {
      c.set_valid(std::move(valid));
      return c;
    };
    const std::vector<uint8_t> row2_null = {1, 1, 0, 1};
    auto day = [](const char* text) { return zhucun::Date::Parse(text)->day_number(); };

    Declare("i", Type::Int(), with_nulls(Column::Ints({7, kMax, 0, -1}), row2_null));
    Declare("j", Type::Int(), Column::Ints({-3, kMin, 2, 0}));
    Declare("d", Type::Double(), with_nulls(Column::Doubles({1.5, 1e308, 0, -0.0}), row2_null));
    Declare("x", Type::Decimal(), with_nulls(Column::Decimals({1250, kMax, 0, -1}, 2), row2_null));
    Declare("y", Type::Decimal(), Column::Decimals({5, kMin, 3, 0}, 1));
    Declare("dt", Type::Date(), with_nulls(Column::Dates({day("2024-02-29"), day("9999-12-31"), 0, day("0001-01-01")}), row2_null));
    Declare("s", Type::String(), with_nulls(Column::Strings({"abc", "驻村工作队", "", "a.b*c"}), row2_null));
    Declare("t", Type::String(), Column::Strings({"ABC", "", "x", "abc"}));
    Declare("b", Type::Bool(), with_nulls(Column::Bools({1, 0, 0, 1}), row2_null));
    Declare("mo", Type::Period(), Column::Months({2024 * 12 + 1, 9999 * 12 + 11, 1 * 12, 1970 * 12}));

    auto ints = [](std::vector<int64_t> v) {
      zhucun::ValueList l;
      for (int64_t x : v) l.push_back(Value::Int(x));
      return Value::List(std::move(l));
    };
    auto strmap = [](std::vector<std::pair<std::string, int64_t>> v) {
      zhucun::ValueMap m;
      for (auto& [k, x] : v) m.Insert(Value::String(k), Value::Int(x));
      return Value::Map(std::move(m));
    };
    Declare("l", Type::List(Type::Int()),
            Column::Values({ints({1, 2, 3}), ints({kMax, kMin}), ints({}), ints({0, 0, -1})}));
    Declare("m", Type::Map(Type::String(), Type::Int()),
            Column::Values({strmap({{"a", 1}, {"b", 2}}), strmap({{"", kMax}}), strmap({}),
                            strmap({{"x", 0}})}));
    Declare("n", Type::Dyn(),
            Column::Values({Value::Null(), Value::String("dyn"), Value::Int(-5),
                            Value::FromDecimal(*zhucun::Decimal::Parse("0.001"))}));
    Define("twice", {"v"}, "v + v");
    Define("within", {"v", "lo", "hi"}, "lo <= v && v <= hi");
    Define("evens", {"l"}, "l.filter(e, e % 2 == 0)");
    for (size_t r = 0; r < kRows; ++r) {
      zhucun::Activation act;
      for (const auto& [name, column] : columns) act.Bind(name, column.Get(r));
      rows.push_back(std::move(act));
    }
  }

  void Define(const std::string& name, std::vector<std::string> params,
              const std::string& body) {
    const zhucun::FileId file = function_sources.Add(name, body);
    const zhucun::Diagnostics d =
        env.DefineFunction(name, std::move(params), body, file, 0, function_sources, options);
    if (!d.empty()) {
      fprintf(stderr, "%s", d.Render(function_sources).c_str());
      abort();
    }
  }

  void Declare(const std::string& name, Type type, Column column) {
    env.Declare(name, std::move(type));
    columns.emplace(name, std::move(column));
  }
};

const Fixture& GetFixture() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  zhucun::CompileOptions options = f.options;
  if (!text.empty() && text[0] == '\x01') {
    text.remove_prefix(1);
    options.check = false;
  }
  zhucun::SourceManager sources;
  auto program = f.env.Compile(text, sources, "<fuzz>", options);
  // Rendering reads every diagnostic's span back out of the source text.
  const std::string rendered = program.diagnostics().Render(sources);
  if (!program.ok()) {
    if (rendered.empty()) {
      fprintf(stderr, "a failed compile without a diagnostic\n");
      abort();
    }
    return 0;
  }
  const zhucun::Program& p = program.value();
  (void)p.result_type().ToString();
  (void)p.DumpPlan();
  (void)p.Reads("i");

  std::vector<Value> want;
  for (const zhucun::Activation& act : f.rows) {
    want.push_back(p.Evaluate(act));
    (void)want.back().DebugString();
  }

  zhucun::Batch batch(kRows);
  for (const auto& [name, column] : f.columns) batch.Bind(name, column.view());
  const zhucun::BatchResult got = p.EvaluateBatch(batch);
  std::map<uint32_t, std::string> errors(got.errors.begin(), got.errors.end());
  for (size_t r = 0; r < kRows; ++r) {
    const auto it = errors.find(static_cast<uint32_t>(r));
    const Value g = got.values.Get(r);
    bool same;
    if (want[r].is_error()) {
      same = it != errors.end() && it->second == want[r].error_message() && g.is_null();
    } else {
      same = it == errors.end() && g.DebugString() == want[r].DebugString();
    }
    if (!same) {
      fprintf(stderr, "batch and row evaluation differ on row %zu of `%.*s`:\n"
              "  row:   %s\n  batch: %s / error %s\n", r, static_cast<int>(text.size()),
              text.data(), want[r].DebugString().c_str(), g.DebugString().c_str(),
              it == errors.end() ? "none" : it->second.c_str());
      abort();
    }
  }
  return 0;
}
