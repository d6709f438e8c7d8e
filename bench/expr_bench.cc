// Benchmarks of the expression pipeline, one per stage as re2's are:
//   BM_Compile      parse + check + compile of a typical rule expression
//   BM_Parse        the parser alone
//   BM_EvalRow      the row evaluator on one record
//   BM_EvalBatch    column-at-a-time evaluation of the predicate
//                   `0.2*daily + 0.3*half_year + 0.5*year_end >= 90.0 &&
//                    role == 'first_secretary'` over decimal columns;
//                   items/s reads as rows per second (ns/row = 1e9 / items/s)
//   BM_EvalBatchRowFallback  the same rows through the row evaluator, for
//                   comparison

#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "syntax/parser.h"
#include "zhucun/expr.h"

namespace zhucun {
namespace {

const char kTypicalRule[] =
    "member.role in ['first_secretary', 'resident_cadre'] && "
    "member.end_date != null && member.end_date >= window_start && "
    "member.end_date < add_years(member.start_date, 2) - 1 && "
    "!(member.end_reason in ['job_transfer', 'health', 'recall'])";

const char kScoreRule[] =
    "0.2*daily + 0.3*half_year + 0.5*year_end >= 90.0 && "
    "role == 'first_secretary'";

Env MemberEnv() {
  Env env;
  env.Declare("member",
              Type::Object(ObjectType::Make(
                  "member", {{"role", Type::String()},
                             {"start_date", Type::Date()},
                             {"end_date", Type::Date()},
                             {"end_reason", Type::String()}})));
  env.Declare("window_start", Type::Date());
  return env;
}

Env ScoreEnv() {
  Env env;
  env.Declare("daily", Type::Decimal());
  env.Declare("half_year", Type::Decimal());
  env.Declare("year_end", Type::Decimal());
  env.Declare("role", Type::String());
  return env;
}

void BM_Parse(benchmark::State& state) {
  for (auto _ : state) {
    internal::Ast ast;
    Diagnostics diags;
    bool ok = internal::Parse(kTypicalRule, kNoFile, 0, internal::ParseOptions(),
                              &ast, &diags);
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Parse);

void BM_Compile(benchmark::State& state) {
  Env env = MemberEnv();
  for (auto _ : state) {
    SourceManager sources;
    auto program = env.Compile(kTypicalRule, sources);
    if (!program.ok()) state.SkipWithError("compile failed");
    benchmark::DoNotOptimize(program);
  }
}
BENCHMARK(BM_Compile);

struct ScoreData {
  Column daily, half_year, year_end, role;
  size_t rows;
};

ScoreData MakeScores(size_t rows) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> score(4000, 10000);  // 40.00-100.00
  std::vector<int64_t> d(rows), h(rows), y(rows);
  std::vector<std::string> roles(rows);
  const char* kRoles[] = {"first_secretary", "resident_cadre",
                          "selected_graduate", "tech_commissioner"};
  for (size_t i = 0; i < rows; ++i) {
    d[i] = score(rng);
    h[i] = score(rng);
    y[i] = score(rng);
    roles[i] = kRoles[rng() % 4];
  }
  return {Column::Decimals(std::move(d), 2), Column::Decimals(std::move(h), 2),
          Column::Decimals(std::move(y), 2), Column::Strings(roles), rows};
}

Batch BindScores(const ScoreData& data) {
  Batch batch(data.rows);
  batch.Bind("daily", data.daily.view());
  batch.Bind("half_year", data.half_year.view());
  batch.Bind("year_end", data.year_end.view());
  batch.Bind("role", data.role.view());
  return batch;
}

void BM_EvalRow(benchmark::State& state) {
  Env env = ScoreEnv();
  SourceManager sources;
  Program program = env.Compile(kScoreRule, sources).value();
  Activation act;
  act.Bind("daily", Value::FromDecimal(*Decimal::Parse("91.50")));
  act.Bind("half_year", Value::FromDecimal(*Decimal::Parse("88.25")));
  act.Bind("year_end", Value::FromDecimal(*Decimal::Parse("95.00")));
  act.Bind("role", Value::String("first_secretary"));
  for (auto _ : state) benchmark::DoNotOptimize(program.Evaluate(act));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvalRow);

void BM_EvalBatch(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0));
  ScoreData data = MakeScores(rows);
  Env env = ScoreEnv();
  SourceManager sources;
  Program program = env.Compile(kScoreRule, sources).value();
  Batch batch = BindScores(data);
  for (auto _ : state) {
    BatchResult r = program.EvaluateBatch(batch);
    benchmark::DoNotOptimize(r.values.bools().data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
}
BENCHMARK(BM_EvalBatch)->Arg(1024)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_EvalBatchRowFallback(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0));
  ScoreData data = MakeScores(rows);
  Env env = ScoreEnv();
  SourceManager sources;
  Program program = env.Compile(kScoreRule, sources).value();
  for (auto _ : state) {
    for (size_t i = 0; i < rows; ++i) {
      Activation act;
      act.Bind("daily", data.daily.Get(i));
      act.Bind("half_year", data.half_year.Get(i));
      act.Bind("year_end", data.year_end.Get(i));
      act.Bind("role", data.role.Get(i));
      benchmark::DoNotOptimize(program.Evaluate(act));
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
}
BENCHMARK(BM_EvalBatchRowFallback)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace zhucun

BENCHMARK_MAIN();
