// Loading and validating the Qiannan tables from CSV (issue 3), and from
// whole typed columns as a data frame holds them (FactSetBuilder::AddColumns):
//   BM_LoadCsv/1     the Qiannan-scale sample dataset (bench/gen, scale 1)
//   BM_LoadCsv/100   the same at scale 100 (~1.2 GB of CSV)
//   BM_AddColumns/1  the scale-1 dataset from typed columns: ids, texts and
//                    codes as string_views, dates as day numbers, months as
//                    ordinals since 1970-01, decimals as scaled integers
//                    (kScaled), ints and bools as int64s
// Each dataset is generated once into a temporary folder (removed at exit);
// the schema is loaded once; each iteration runs ReadCsvFolder (or builds
// from the columns, made once beforehand from a load of the same files) in
// strict mode. bytes/s is CSV bytes read, items/s is rows (all tables).

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// One table's columns in the typed forms a data frame would give them, made
// from a FactTable; the strings are views of the FactTable's dictionaries.
struct FrameTable {
  std::string name;
  size_t rows = 0;
  std::vector<std::vector<std::string_view>> texts;
  std::vector<std::vector<int64_t>> ints;
  std::vector<std::vector<uint8_t>> valid;
  std::vector<ColumnInput> inputs;
};

std::vector<FrameTable> ToFrames(const FactSet& facts) {
  std::vector<FrameTable> frames;
  for (const FactTable& t : facts.tables()) {
    FrameTable& f = frames.emplace_back();
    f.name = t.name();
    f.rows = t.num_rows();
    const size_t ncols = t.schema().columns.size();
    f.texts.resize(ncols);
    f.ints.resize(ncols);
    f.valid.resize(ncols);
    for (size_t c = 0; c < ncols; ++c) {
      const ColumnSchema& cs = t.schema().columns[c];
      const ColumnView v = t.column(c).view();
      ColumnInput in;
      in.name = cs.name;
      if (v.valid != nullptr) {
        f.valid[c].assign(v.valid, v.valid + f.rows);
        in.valid = f.valid[c].data();
      }
      switch (v.type) {
        case ColumnType::kString: {
          const int32_t* codes = static_cast<const int32_t*>(v.data);
          for (size_t r = 0; r < f.rows; ++r) {
            f.texts[c].push_back(v.IsValid(r) ? std::string_view((*v.dictionary)[codes[r]])
                                              : std::string_view());
          }
          in.form = ColumnInput::Form::kText;
          in.texts = f.texts[c].data();
          break;
        }
        case ColumnType::kDate:
        case ColumnType::kMonth: {
          const int32_t* days = static_cast<const int32_t*>(v.data);
          const int64_t offset = v.type == ColumnType::kMonth ? 1970 * 12 : 0;
          for (size_t r = 0; r < f.rows; ++r) f.ints[c].push_back(days[r] - offset);
          in.form = v.type == ColumnType::kMonth ? ColumnInput::Form::kMonths
                                                 : ColumnInput::Form::kDays;
          in.ints = f.ints[c].data();
          break;
        }
        case ColumnType::kInt:
        case ColumnType::kDecimal: {
          const int64_t* ints = static_cast<const int64_t*>(v.data);
          f.ints[c].assign(ints, ints + f.rows);
          in.form = v.type == ColumnType::kInt ? ColumnInput::Form::kInt
                                               : ColumnInput::Form::kScaled;
          in.scale = v.scale;
          in.ints = f.ints[c].data();
          break;
        }
        case ColumnType::kBool: {
          const uint8_t* bools = static_cast<const uint8_t*>(v.data);
          f.ints[c].assign(bools, bools + f.rows);
          in.form = ColumnInput::Form::kBool;
          in.ints = f.ints[c].data();
          break;
        }
        default: break;
      }
      f.inputs.push_back(std::move(in));
    }
  }
  return frames;
}

void BM_AddColumns(benchmark::State& state) {
  const Schema* schema = Qiannan();
  const Dataset& data = DatasetAt(static_cast<int>(state.range(0)));
  if (schema == nullptr || !data.ok) {
    state.SkipWithError("no schema or no dataset");
    return;
  }
  SourceManager sources;
  Result<FactSet> loaded = ReadCsvFolder(*schema, data.dir, CsvOptions{}, sources);
  if (!loaded.ok()) {
    state.SkipWithError(loaded.diagnostics().Render(sources).c_str());
    return;
  }
  const std::vector<FrameTable> frames = ToFrames(loaded.value());
  for (auto _ : state) {
    FactSetBuilder builder(*schema);
    for (const FrameTable& f : frames) {
      builder.AddColumns(f.name, f.rows, f.inputs, 2);
    }
    Result<FactSet> facts = builder.Finish();
    if (!facts.ok()) {
      SourceManager none;
      state.SkipWithError(facts.diagnostics().Render(none).c_str());
      return;
    }
    benchmark::DoNotOptimize(facts);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.rows));
  state.counters["rows"] = static_cast<double>(data.rows);
}
BENCHMARK(BM_AddColumns)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace zhucun

BENCHMARK_MAIN();
