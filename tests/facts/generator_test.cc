// The sample-data generator (bench/gen) against the CSV reader: its rows are
// all valid in strict mode, the same options give the same bytes, and with
// bad_rows every defective row is rejected in lenient mode while the
// accounting read = accepted + rejected holds per table. And the absences
// table: every kind, the leave rules' violations and edge cases, no date
// after as_of.

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

// The fields of a record without quoted fields.
std::vector<std::string> Fields(const std::string& record) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = record.find(',', start);
    out.push_back(record.substr(start, comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// Days since 1970-01-01 of a YYYY-MM-DD date (H. Hinnant's algorithm).
int Day(const std::string& date) {
  int y = std::stoi(date.substr(0, 4));
  const int m = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
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
  ASSERT_EQ(summary.rows_per_table.size(), 18u);
  EXPECT_EQ(summary.rows_per_table.back().first, "absences");
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

// The files are written by several threads (bench/gen/gen_run.cc): the
// events and absences by slices of 4,000 postings, appended in order, the
// absences' defects given to their rows in order as slices are appended.
// Scale 0.7 has three slices of each.
TEST(GeneratorTest, SameBytesForAnyNumberOfThreads) {
  for (const double bad_rows : {0.0, 0.02}) {
    TempDir one, many;
    gen::Options options;
    options.scale = 0.7;
    options.bad_rows = bad_rows;
    options.threads = 1;
    gen::Summary a, b;
    std::string error;
    ASSERT_TRUE(gen::Generate(options, one.path(), &a, &error)) << error;
    options.threads = 5;
    ASSERT_TRUE(gen::Generate(options, many.path(), &b, &error)) << error;
    EXPECT_EQ(a.rows_per_table, b.rows_per_table);
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_EQ(a.bad_rows, b.bad_rows);
    for (const auto& [table, rows] : a.rows_per_table) {
      const std::string name = table + ".csv";
      EXPECT_EQ(ReadFile(one.File(name)), ReadFile(many.File(name)))
          << table << " with bad_rows " << bad_rows;
    }
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
  std::map<std::string, size_t> defective_in;
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
      ++defective_in[s.table];
      EXPECT_TRUE(rejected[s.table].count(got[i].first))
          << s.table << ":" << got[i].first << " accepted: " << got[i].second;
    }
  }
  EXPECT_EQ(defective, summary.bad_rows);
  // The absences have their own defect stream; they get defects too.
  EXPECT_GT(defective_in["absences"], 0u);
  EXPECT_GE(total_rejected, summary.bad_rows);
  EXPECT_EQ(clean_summary.rows_per_table, summary.rows_per_table);
}

// The absences (DATA.md; POLICY.md "Attendance and discipline"): written,
// deterministic, every kind, for members that exist and core and other
// postings, no date after as_of (2024-06-30), and the leave rules' cases:
// approved late or not at all, long leave approved by the township, leave
// approved on the day it begins, start_date after end_date.
TEST(GeneratorTest, AbsencesHaveEveryKindAndTheLeaveRulesCases) {
  TempDir a, b;
  const gen::Summary summary = GenerateInto(a, 0.05);
  GenerateInto(b, 0.05);
  const std::string text = ReadFile(a.File("absences.csv"));
  EXPECT_EQ(text, ReadFile(b.File("absences.csv")));
  const auto records = Records(text);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0].second,
            "absence_id,member_id,kind,start_date,end_date,approved_by,"
            "approved_on");
  EXPECT_EQ(summary.rows_per_table.back(),
            (std::pair<std::string, size_t>("absences", records.size() - 1)));
  EXPECT_GT(records.size(), 1000u);

  std::map<std::string, std::string> role;  // member_id -> role
  const auto members = Records(ReadFile(a.File("members.csv")));
  for (size_t i = 1; i < members.size(); ++i) {
    const auto f = Fields(members[i].second);
    ASSERT_GE(f.size(), 6u) << members[i].second;
    role[f[0]] = f[5];
  }
  const std::string as_of = "2024-06-30";
  std::map<std::string, size_t> kinds;
  std::set<std::string> ids;
  size_t core = 0, other = 0, late = 0, unapproved = 0, long_township = 0,
         same_day = 0, reversed = 0;
  for (size_t i = 1; i < records.size(); ++i) {
    const std::string& r = records[i].second;
    const auto f = Fields(r);
    ASSERT_EQ(f.size(), 7u) << r;
    const std::string &id = f[0], &member = f[1], &kind = f[2], &start = f[3],
                      &end = f[4], &by = f[5], &on = f[6];
    EXPECT_TRUE(ids.insert(id).second) << r;
    ASSERT_TRUE(role.count(member)) << r;
    const std::string& rl = role[member];
    ++(rl == "first_secretary" || rl == "resident_cadre" ? core : other);
    ++kinds[kind];
    // ISO dates compare as strings.
    EXPECT_LE(start, as_of) << r;
    EXPECT_LE(end, as_of) << r;
    EXPECT_LE(on, as_of) << r;
    EXPECT_TRUE(by.empty() || by == "township" || by == "county") << r;
    if (start > end) ++reversed;
    if (kind == "absent") {
      EXPECT_TRUE(by.empty() && on.empty()) << r;
    }
    if (kind != "leave") continue;
    if (by.empty() || on.empty()) ++unapproved;
    if (!on.empty() && on > start) ++late;
    if (on == start) ++same_day;
    if (by == "township" && start <= end && Day(end) - Day(start) + 1 > 5)
      ++long_township;
  }
  EXPECT_EQ(kinds.size(), 3u);
  for (const char* kind : {"official_out", "leave", "absent"})
    EXPECT_GT(kinds[kind], 0u) << kind;
  EXPECT_GT(kinds["leave"], kinds["official_out"]);
  EXPECT_GT(kinds["official_out"], kinds["absent"]);
  EXPECT_GT(core, 0u);
  EXPECT_GT(other, 0u);
  EXPECT_GT(late, 0u);
  EXPECT_GT(unapproved, 0u);
  EXPECT_GT(long_township, 0u);
  EXPECT_GT(same_day, 0u);
  EXPECT_GT(reversed, 0u);
}

}  // namespace
}  // namespace zhucun
