// The sample-data generator (bench/gen) against the CSV reader: its rows are
// all valid in strict mode, the same options give the same bytes, and with
// bad_rows every defective row is rejected in lenient mode while the
// accounting read = accepted + rejected holds per table.

#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "facts_test_util.h"
#include "qiannan_gen.h"
#include "zhucun/csv.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun {
namespace {

using testing::Qiannan;
using testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The records of a CSV text with the physical line each starts on (quoted
// fields may hold line breaks).
std::vector<std::pair<uint32_t, std::string>> Records(const std::string& text) {
  std::vector<std::pair<uint32_t, std::string>> records;
  uint32_t line = 1, start_line = 1;
  bool quoted = false;
  std::string record;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted) {
      records.push_back({start_line, record});
      record.clear();
      start_line = ++line;
      continue;
    }
    if (c == '\n') ++line;
    record.push_back(c);
  }
  if (!record.empty()) records.push_back({start_line, record});
  return records;
}

gen::Summary GenerateInto(const TempDir& dir, double scale,
                          double bad_rows = 0) {
  gen::Options options;
  options.scale = scale;
  options.bad_rows = bad_rows;
  gen::Summary summary;
  std::string error;
  EXPECT_TRUE(gen::Generate(options, dir.path(), &summary, &error)) << error;
  return summary;
}

TEST(GeneratorTest, EveryRowIsValidInStrictMode) {
  TempDir dir;
  const gen::Summary summary = GenerateInto(dir, 0.05);
  ASSERT_EQ(summary.rows_per_table.size(), 17u);
  SourceManager sources;
  Result<FactSet> facts =
      ReadCsvFolder(Qiannan(), dir.path(), CsvOptions{}, sources);
  ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  EXPECT_EQ(facts.diagnostics().size(), 0u)
      << facts.diagnostics().Render(sources);
  for (const auto& [table, rows] : summary.rows_per_table) {
    const FactTable* t = facts.value().table(table);
    ASSERT_NE(t, nullptr) << table;
    EXPECT_EQ(t->num_rows(), rows) << table;
    EXPECT_GT(rows, 0u) << table;
  }
}

TEST(GeneratorTest, SameOptionsSameBytes) {
  TempDir a, b;
  GenerateInto(a, 0.05);
  GenerateInto(b, 0.05);
  for (const auto& entry : std::filesystem::directory_iterator(a.path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(ReadFile(entry.path().string()), ReadFile(b.File(name)))
        << name;
  }
}

TEST(GeneratorTest, BadRowsAreRejectedAndAccounted) {
  TempDir clean, bad;
  const gen::Summary clean_summary = GenerateInto(clean, 0.05);
  const gen::Summary summary = GenerateInto(bad, 0.05, 0.02);
  EXPECT_GT(summary.bad_rows, 0u);

  SourceManager strict_sources;
  Result<FactSet> strict =
      ReadCsvFolder(Qiannan(), bad.path(), CsvOptions{}, strict_sources);
  EXPECT_FALSE(strict.ok());

  CsvOptions lenient_options;
  lenient_options.strictness = Strictness::kLenient;
  SourceManager sources;
  Result<FactSet> lenient =
      ReadCsvFolder(Qiannan(), bad.path(), lenient_options, sources);
  ASSERT_TRUE(lenient.ok()) << lenient.diagnostics().Render(sources);
  const FactSet& facts = lenient.value();

  std::map<std::string, std::set<uint32_t>> rejected;
  for (const RejectedRow& r : facts.rejected())
    rejected[r.table].insert(r.line);
  std::map<std::string, size_t> written(summary.rows_per_table.begin(),
                                        summary.rows_per_table.end());
  size_t total_rejected = 0, defective = 0;
  for (const TableStats& s : facts.stats()) {
    EXPECT_EQ(s.read, s.accepted + s.rejected) << s.table;
    EXPECT_EQ(s.read, written[s.table]) << s.table;
    EXPECT_EQ(s.rejected, rejected[s.table].size()) << s.table;
    total_rejected += s.rejected;
    // A defect replaces a row in place: the records that differ from the
    // clean file are exactly the defective rows, and each must be rejected.
    const auto want = Records(ReadFile(clean.File(s.table + ".csv")));
    const auto got = Records(ReadFile(bad.File(s.table + ".csv")));
    ASSERT_EQ(want.size(), got.size()) << s.table;
    for (size_t i = 0; i < got.size(); ++i) {
      if (want[i].second == got[i].second) continue;
      ++defective;
      EXPECT_TRUE(rejected[s.table].count(got[i].first))
          << s.table << ":" << got[i].first << " accepted: " << got[i].second;
    }
  }
  EXPECT_EQ(defective, summary.bad_rows);
  EXPECT_GE(total_rejected, summary.bad_rows);
  EXPECT_EQ(clean_summary.rows_per_table, summary.rows_per_table);
}

}  // namespace
}  // namespace zhucun
