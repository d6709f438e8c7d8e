// The Qiannan pack on the worked examples ../shared/spec/example and
// ../shared/spec/example-attendance (with absences.csv): every (rule,
// subject, period) finding and every assessment grade must equal what an
// independent implementation of POLICY.md produced (expected/*.csv),
// compared as sets.

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <filesystem>

#include "qiannan_gen.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

const std::string kRoot = ZHUCUN_SOURCE_DIR;
const std::string kSpec = std::string(ZHUCUN_SHARED_DIR) + "/spec/";

// Rows of a simple CSV file (no quoted fields in these columns), header
// dropped, the first `n` columns of each.
std::set<std::vector<std::string>> ReadColumns(const std::string& path, size_t n) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::set<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (cells.size() < n && std::getline(ss, cell, ',')) cells.push_back(cell);
    while (cells.size() < n) cells.emplace_back();
    rows.insert(cells);
  }
  return rows;
}

std::string Show(const std::vector<std::string>& row) {
  std::string s;
  for (const std::string& c : row) s += (s.empty() ? "" : ",") + c;
  return s;
}

// Checks `example` (a folder of ../shared/spec) as of 2024-06-30, as its
// README says, against its expected output.
void ExpectExampleOutput(const std::string& example) {
  const std::string kExample = kSpec + example;
  SourceManager sources;
  auto policy = Policy::Load(kRoot + "/rules/qiannan", sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = ReadCsvFolder(policy.value().schema(), kExample + "/data",
                             CsvOptions{}, sources);
  ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  auto report = policy.value().Check(
      std::make_shared<const FactSet>(std::move(facts).value()), options);
  ASSERT_TRUE(report.ok()) << report.diagnostics().Render(sources);

  std::set<std::vector<std::string>> got;
  for (const Finding& f : report.value().findings) {
    got.insert({f.rule, f.subject, f.period});
  }
  const auto want = ReadColumns(kExample + "/expected/findings.csv", 3);
  for (const auto& row : want) {
    EXPECT_TRUE(got.count(row)) << "missing finding " << Show(row);
  }
  for (const auto& row : got) {
    EXPECT_TRUE(want.count(row)) << "unexpected finding " << Show(row);
  }

  ASSERT_EQ(report.value().derived.size(), 1u);
  const DerivedTable& grades = report.value().derived[0];
  EXPECT_EQ(grades.name, "assessment_grades");
  EXPECT_EQ(grades.columns,
            (std::vector<std::string>{"member_id", "year", "composite", "grade"}));
  std::set<std::vector<std::string>> got_grades;
  for (size_t r = 0; r < grades.num_rows(); ++r) got_grades.insert(grades.Row(r));
  const auto want_grades = ReadColumns(kExample + "/expected/assessment_grades.csv", 4);
  EXPECT_EQ(got_grades.size(), grades.num_rows()) << "duplicate grade rows";
  for (const auto& row : want_grades) {
    EXPECT_TRUE(got_grades.count(row)) << "missing grade " << Show(row);
  }
  for (const auto& row : got_grades) {
    EXPECT_TRUE(want_grades.count(row)) << "unexpected grade " << Show(row);
  }
}

TEST(ExampleTest, FindingsAndGradesMatchTheExpectedOutput) {
  ExpectExampleOutput("example");
}

// The second worked example has absences: POLICY.md "Attendance and
// discipline" (attendance.days_in_village, attendance.absent,
// leave.unapproved, leave.approval_level) alongside all the other rules.
TEST(ExampleTest, AttendanceExampleMatchesTheExpectedOutput) {
  ExpectExampleOutput("example-attendance");
}

// Rules run in parallel over chunks of subjects; the report must not depend
// on how many threads share the work.
TEST(ExampleTest, ReportIsTheSameForAnyNumberOfThreads) {
  const std::string dir = testing::TempDir() + "zhucun_threads_data";
  std::filesystem::remove_all(dir);
  gen::Options gen_options;
  gen_options.scale = 0.05;  // a few thousand rows: several chunks per rule
  gen::Summary summary;
  std::string error;
  ASSERT_TRUE(gen::Generate(gen_options, dir, &summary, &error)) << error;
  SourceManager sources;
  auto policy = Policy::Load(kRoot + "/rules/qiannan", sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = ReadCsvFolder(policy.value().schema(), dir, CsvOptions{}, sources);
  ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  auto shared = std::make_shared<const FactSet>(std::move(facts).value());
  auto run = [&](unsigned threads) {
    CheckOptions options;
    options.as_of = *Date::Parse("2024-06-30");
    options.threads = threads;
    auto report = policy.value().Check(shared, options);
    EXPECT_TRUE(report.ok()) << report.diagnostics().Render(sources);
    std::vector<std::string> lines;
    if (!report.ok()) return lines;
    for (const Finding& f : report.value().findings) {
      lines.push_back(f.rule + "," + f.subject + "," + f.period + "," + f.severity +
                      "," + f.message);
    }
    for (const DerivedTable& d : report.value().derived) {
      for (size_t r = 0; r < d.num_rows(); ++r) lines.push_back(d.name + ":" + Show(d.Row(r)));
    }
    return lines;
  };
  const std::vector<std::string> one = run(1);
  EXPECT_GT(one.size(), 100u);
  for (unsigned threads : {2u, 3u, 8u}) {
    EXPECT_EQ(run(threads), one) << threads << " threads";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace zhucun
