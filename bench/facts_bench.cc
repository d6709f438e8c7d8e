// Loading and validating the Qiannan tables from CSV (issue 3):
//   BM_LoadCsv/1    the Qiannan-scale sample dataset (bench/gen, scale 1)
//   BM_LoadCsv/100  the same at scale 100 (~1.2 GB of CSV)
// Each dataset is generated once into a temporary folder (removed at exit);
// the schema is loaded once; each iteration runs ReadCsvFolder in strict
// mode. bytes/s is CSV bytes read, items/s is rows (all tables).

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "qiannan_gen.h"
#include "zhucun/csv.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun {
namespace {

struct Dataset {
  std::string dir;
  size_t bytes = 0;
  size_t rows = 0;
  bool ok = false;
  ~Dataset() {
    if (dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const Dataset& DatasetAt(int scale) {
  static std::map<int, std::unique_ptr<Dataset>> cache;
  auto& slot = cache[scale];
  if (slot) return *slot;
  slot = std::make_unique<Dataset>();
  std::string pattern =
      (std::filesystem::temp_directory_path() / "zhucun-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return *slot;
  slot->dir = pattern;
  gen::Options options;
  options.scale = scale;
  gen::Summary summary;
  std::string error;
  if (!gen::Generate(options, slot->dir, &summary, &error)) {
    std::fprintf(stderr, "facts_bench: %s\n", error.c_str());
    return *slot;
  }
  slot->bytes = summary.bytes;
  for (const auto& [table, rows] : summary.rows_per_table) slot->rows += rows;
  slot->ok = true;
  return *slot;
}

const Schema* Qiannan() {
  static const Schema* const schema = []() -> const Schema* {
    SourceManager sources;
    Result<Schema> r =
        LoadSchema(ZHUCUN_SOURCE_DIR "/rules/qiannan/schema.yaml", sources);
    if (!r.ok()) {
      std::fprintf(stderr, "%s", r.diagnostics().Render(sources).c_str());
      return nullptr;
    }
    return new Schema(std::move(r).value());
  }();
  return schema;
}

void BM_LoadCsv(benchmark::State& state) {
  const Schema* schema = Qiannan();
  const Dataset& data = DatasetAt(static_cast<int>(state.range(0)));
  if (schema == nullptr || !data.ok) {
    state.SkipWithError("no schema or no dataset");
    return;
  }
  for (auto _ : state) {
    SourceManager sources;
    Result<FactSet> facts =
        ReadCsvFolder(*schema, data.dir, CsvOptions{}, sources);
    if (!facts.ok()) {
      state.SkipWithError(facts.diagnostics().Render(sources).c_str());
      return;
    }
    benchmark::DoNotOptimize(facts);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.rows));
  state.counters["MB"] = static_cast<double>(data.bytes) / 1e6;
  state.counters["rows"] = static_cast<double>(data.rows);
}
BENCHMARK(BM_LoadCsv)
    ->Arg(1)
    ->Arg(100)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace zhucun

BENCHMARK_MAIN();
