// The policy engine on the Qiannan pack (issue 4):
//   BM_LoadPolicy        load and compile rules/qiannan (parse, type-check,
//                        expand kinds, compile every expression)
//   BM_Check/T/P         Policy::Check on the Qiannan-scale sample dataset
//                        (bench/gen, scale 1, as of 2024-06-30) with T
//                        threads (0: one per hardware thread), with the
//                        rules' plans (P = 1) or the row evaluator alone
//                        (P = 0, CheckOptions::plan = false)
// The dataset is generated and read once (removed at exit); the time is
// evaluation only: every rule and the assessment_grades table.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "qiannan_gen.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/source.h"

namespace zhucun {
namespace {

const std::string kPack = ZHUCUN_SOURCE_DIR "/rules/qiannan";

struct Sample {
  std::string dir;
  std::unique_ptr<Policy> policy;
  std::shared_ptr<const FactSet> facts;
  ~Sample() {
    if (dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// The pack and the scale-1 sample, or null (with a message) if either fails.
const Sample* TheSample() {
  static const std::unique_ptr<Sample> sample = []() -> std::unique_ptr<Sample> {
    auto s = std::make_unique<Sample>();
    std::string pattern =
        (std::filesystem::temp_directory_path() / "zhucun-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return nullptr;
    s->dir = pattern;
    gen::Options options;
    gen::Summary summary;
    std::string error;
    if (!gen::Generate(options, s->dir, &summary, &error)) {
      std::fprintf(stderr, "engine_bench: %s\n", error.c_str());
      return nullptr;
    }
    SourceManager sources;
    Result<Policy> policy = Policy::Load(kPack, sources);
    if (!policy.ok()) {
      std::fprintf(stderr, "%s", policy.diagnostics().Render(sources).c_str());
      return nullptr;
    }
    s->policy = std::make_unique<Policy>(std::move(policy).value());
    Result<FactSet> facts =
        ReadCsvFolder(s->policy->schema(), s->dir, CsvOptions{}, sources);
    if (!facts.ok()) {
      std::fprintf(stderr, "%s", facts.diagnostics().Render(sources).c_str());
      return nullptr;
    }
    s->facts = std::make_shared<const FactSet>(std::move(facts).value());
    return s;
  }();
  return sample.get();
}

void BM_LoadPolicy(benchmark::State& state) {
  for (auto _ : state) {
    SourceManager sources;
    Result<Policy> policy = Policy::Load(kPack, sources);
    if (!policy.ok()) {
      state.SkipWithError(policy.diagnostics().Render(sources).c_str());
      return;
    }
    benchmark::DoNotOptimize(policy);
  }
}
BENCHMARK(BM_LoadPolicy)->Unit(benchmark::kMillisecond);

void BM_Check(benchmark::State& state) {
  const Sample* sample = TheSample();
  if (sample == nullptr) {
    state.SkipWithError("no pack or no dataset");
    return;
  }
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  options.threads = static_cast<unsigned>(state.range(0));
  options.plan = state.range(1) != 0;
  size_t findings = 0;
  for (auto _ : state) {
    Result<Report> report = sample->policy->Check(sample->facts, options);
    if (!report.ok()) {
      state.SkipWithError("check failed");
      return;
    }
    findings = report.value().findings.size();
    benchmark::DoNotOptimize(report);
  }
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_Check)
    ->Args({1, 1})
    ->Args({0, 1})
    ->Args({1, 0})
    ->Args({0, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace zhucun

BENCHMARK_MAIN();
