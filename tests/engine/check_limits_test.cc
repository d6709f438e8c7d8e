// A check's limits (issue 11, item 6): CheckOptions::max_rule_steps stops a
// runaway rule with one finding instead of its findings (the other rules
// are judged as usual, and the outcome is the same for any number of
// threads); CheckOptions::cancel and ::deadline stop the whole check with
// an error.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;
using testing::WriteSmallPack;

// `county.weak` filters the six villages for every county: six steps of
// the row evaluator per county (its message has no comprehension);
// `county.named` takes none.
const char kRules[] =
    "rules:\n"
    "  - id: county.weak\n"
    "    title: 测试\n"
    "    severity: warning\n"
    "    subject: counties\n"
    "    when: >-\n"
    "      facts.villages.filter(v, v.category == 'weak').size() > 3\n"
    "    message: many weak\n"
    "  - id: county.named\n"
    "    title: 测试\n"
    "    severity: warning\n"
    "    subject: counties\n"
    "    when: county.name != ''\n"
    "    message: named\n";

struct Folders {
  explicit Folders(int counties) {
    WriteSmallPack(pack, "limits", "rules.yaml", kRules);
    std::string csv = "county_id,name\n";
    for (int i = 0; i < counties; ++i) {
      csv += "C" + std::to_string(10000 + i) + ",县" + std::to_string(i) + "\n";
    }
    data.Write("counties.csv", csv);
    data.Write("villages.csv",
               "village_id,county_id,name,category\n"
               "V1,C10000,甲,weak\nV2,C10000,乙,weak\nV3,C10000,丙,weak\nV4,C10000,丁,weak\n"
               "V5,C10000,戊,poor\nV6,C10000,己,ordinary\n");
    data.Write("teams.csv", "team_id,village_id,start_date,end_date\n");
  }
  TempDir pack;
  TempDir data;
};

struct Outcome {
  bool ok = false;
  std::string diagnostics;
  std::vector<std::string> findings;  // rule|subject|message
  size_t count(const std::string& rule) const {
    size_t n = 0;
    for (const std::string& f : findings) n += f.starts_with(rule + "|");
    return n;
  }
};

Outcome Check(const Folders& folders, CheckOptions options) {
  SourceManager sources;
  Result<Policy> policy = Policy::Load(folders.pack.path(), sources);
  EXPECT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  if (!policy.ok()) return {};
  auto facts =
      ReadCsvFolder(policy.value().schema(), folders.data.path(), CsvOptions{}, sources);
  EXPECT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  if (!facts.ok()) return {};
  options.as_of = *Date::Parse("2024-06-30");
  Result<Report> report = policy.value().Check(
      std::make_shared<const FactSet>(std::move(facts).value()), options);
  Outcome out;
  out.ok = report.ok();
  out.diagnostics = report.diagnostics().Render(sources);
  if (!report.ok()) return out;
  for (const Finding& f : report.value().findings) {
    out.findings.push_back(f.rule + "|" + f.subject + "|" + f.period + "|" + f.severity + "|" +
                           f.message);
  }
  return out;
}

TEST(CheckLimitsTest, ARuleOverItsStepsIsOneFinding) {
  const Folders folders(2);  // 2 counties x 6 steps = 12
  CheckOptions options;
  options.plan = false;  // every step in the row evaluator
  options.threads = 1;
  const Outcome unlimited = Check(folders, options);
  ASSERT_TRUE(unlimited.ok) << unlimited.diagnostics;
  EXPECT_EQ(unlimited.count("county.weak"), 2u);
  options.max_rule_steps = 12;  // enough
  EXPECT_EQ(Check(folders, options).findings, unlimited.findings);
  options.max_rule_steps = 11;
  const Outcome stopped = Check(folders, options);
  ASSERT_TRUE(stopped.ok) << stopped.diagnostics;
  EXPECT_EQ(stopped.diagnostics, "");
  EXPECT_EQ(stopped.findings,
            (std::vector<std::string>{
                "county.named|counties:C10000||warning|named",
                "county.named|counties:C10001||warning|named",
                "county.weak|||error|evaluation stopped: the rule needs more than 11 "
                "comprehension steps in this check (max_rule_steps)"}));
}

TEST(CheckLimitsTest, TheSameOutcomeForAnyNumberOfThreads) {
  const Folders folders(3000);  // chunks of 256 or more: several per thread
  for (bool plan : {false, true}) {
    for (uint64_t limit : {uint64_t{17999}, uint64_t{18000}}) {
      CheckOptions options;
      options.plan = plan;
      options.max_rule_steps = limit;
      options.threads = 1;
      const Outcome one = Check(folders, options);
      ASSERT_TRUE(one.ok) << one.diagnostics;
      EXPECT_EQ(one.count("county.named"), 3000u);
      if (!plan) {  // 3,000 counties x 6 steps
        EXPECT_EQ(one.count("county.weak"), limit < 18000 ? 1u : 3000u) << limit;
      }
      for (unsigned threads : {2u, 4u}) {
        options.threads = threads;
        EXPECT_EQ(Check(folders, options).findings, one.findings)
            << threads << " threads, limit " << limit << ", plan " << plan;
      }
    }
  }
}

TEST(CheckLimitsTest, ACancelledCheckFails) {
  const Folders folders(2);
  std::atomic<bool> cancel{true};
  CheckOptions options;
  options.cancel = &cancel;
  for (unsigned threads : {1u, 2u}) {
    options.threads = threads;
    const Outcome o = Check(folders, options);
    EXPECT_FALSE(o.ok);
    EXPECT_EQ(o.diagnostics,
              "error[engine.cancelled]: the check was cancelled (CheckOptions::cancel)\n");
  }
  cancel = false;
  EXPECT_TRUE(Check(folders, options).ok);
}

TEST(CheckLimitsTest, ACheckPastItsDeadlineFails) {
  const Folders folders(2);
  CheckOptions options;
  options.deadline = std::chrono::steady_clock::now();  // already past
  const Outcome o = Check(folders, options);
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.diagnostics,
            "error[engine.deadline]: the check did not finish by its deadline "
            "(CheckOptions::deadline)\n");
  options.deadline = std::chrono::steady_clock::now() + std::chrono::hours(24);
  EXPECT_TRUE(Check(folders, options).ok);
}

}  // namespace
}  // namespace zhucun
