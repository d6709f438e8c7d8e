// The comprehension-step limit (CompileOptions::max_comprehension_steps,
// given to Policy::Load) with and without plans. The row evaluator counts
// the steps of each program (a rule's `when`, each let, each hole of the
// message) apart and fails an evaluation that takes more; the plan counts
// an upper bound of every program's steps per pair and leaves a pair it
// cannot bound under the limit to the row evaluator. For every limit from
// 1 up, both ways must give the same findings and the same errors; and a
// let read three times is counted once (PNode::let_root), so the plan
// decides the pairs from a limit well below the sum of its readings.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../engine/engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;
using testing::WriteSmallPack;

// Six villages, four weak (three in C1); the steps of each program, for
// either county: `weak` 6 (the filter over every village); `when` 8 (two
// filters over the four weak ones; size() takes none); the message's
// hole 0. `twice` writes the same filter out twice: its `when` takes 12.
// `all_three` filters a let that keeps all six three times: its `when`
// takes 18, three times its let's.
const char kRules[] =
    "rules:\n"
    "  - id: county.weak_let\n"
    "    title: 测试\n"
    "    severity: warning\n"
    "    subject: counties\n"
    "    let:\n"
    "      weak: facts.villages.filter(v, v.category == 'weak')\n"
    "    when: >-\n"
    "      weak.size() > 0 &&\n"
    "      weak.filter(v, v.county_id == county.county_id).size() >=\n"
    "      weak.filter(v, v.name == '').size()\n"
    "    message: \"{weak.size()} weak\"\n"
    "  - id: county.weak_twice\n"
    "    title: 测试\n"
    "    severity: warning\n"
    "    subject: counties\n"
    "    when: >-\n"
    "      facts.villages.filter(v, v.category == 'weak').size() > 0 &&\n"
    "      facts.villages.filter(v, v.category == 'weak').size() < 100\n"
    "    message: twice\n"
    "  - id: county.all_three\n"
    "    title: 测试\n"
    "    severity: warning\n"
    "    subject: counties\n"
    "    let:\n"
    "      all: facts.villages.filter(v, v.village_id != '')\n"
    "    when: >-\n"
    "      all.filter(v, v.category == 'weak').size() +\n"
    "      all.filter(v, v.category == 'poor').size() +\n"
    "      all.filter(v, v.name == '').size() >= 0\n"
    "    message: three\n";

struct Outcome {
  std::vector<std::string> lines;
  uint64_t evaluated = 0;  // the pairs the row evaluator judged
};

// The pack of `rules` and the data, each in a folder of its own.
struct Folders {
  explicit Folders(const std::string& rules) {
    WriteSmallPack(pack, "limits", "rules.yaml", rules);
    data.Write("counties.csv", "county_id,name\nC1,都匀市\nC2,福泉市\n");
    data.Write("villages.csv",
               "village_id,county_id,name,category\n"
               "V1,C1,甲,weak\nV2,C1,乙,weak\nV3,C1,丙,weak\nV4,C2,丁,weak\n"
               "V5,C2,戊,poor\nV6,C2,己,ordinary\n");
    data.Write("teams.csv", "team_id,village_id,start_date,end_date\n");
  }
  TempDir pack;
  TempDir data;
};

Outcome Check(const Folders& folders, uint64_t limit, bool plan) {
  SourceManager sources;
  CompileOptions limits;
  limits.max_comprehension_steps = limit;
  Result<Policy> policy = Policy::Load(folders.pack.path(), sources, {}, limits);
  EXPECT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  if (!policy.ok()) return {};
  auto facts =
      ReadCsvFolder(policy.value().schema(), folders.data.path(), CsvOptions{}, sources);
  EXPECT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  options.plan = plan;
  options.profile = true;
  options.threads = 1;
  Result<Report> report = policy.value().Check(
      std::make_shared<const FactSet>(std::move(facts).value()), options);
  Outcome out;
  out.lines.push_back(report.ok() ? "ok" : "failed");
  out.lines.push_back(report.diagnostics().Render(sources));
  if (!report.ok()) return out;
  for (const Finding& f : report.value().findings) {
    out.lines.push_back(f.rule + "|" + f.subject + "|" + f.message);
  }
  for (const RuleProfile& r : report.value().profile->rules) out.evaluated += r.evaluated;
  return out;
}

TEST(StepLimitTest, EveryLimitGivesTheSameFindingsAndErrorsWithAndWithoutPlans) {
  const Folders folders(kRules);
  for (uint64_t limit = 1; limit <= 40; ++limit) {
    EXPECT_EQ(Check(folders, limit, true).lines, Check(folders, limit, false).lines)
        << "limit " << limit;
  }
  // Under the limit of the largest program (18) the row evaluator fails;
  // at it and above every finding is made.
  EXPECT_NE(Check(folders, 17, false).lines[1].find("exceeds 17 comprehension steps"),
            std::string::npos);
  EXPECT_EQ(Check(folders, 18, false).lines.size(), 2u + 6u);  // three rules, two counties
}

// The let is filtered once and read three times: counted once, with each
// reading's iteration over the four rows it keeps (6 + 3 x 4 = 18 at most),
// the plan decides both counties from a limit of 19 (it summed 30 before).
TEST(StepLimitTest, ALetReadThreeTimesIsCountedOnce) {
  const std::string rules(kRules);
  const Folders folders(rules.substr(0, rules.find("  - id: county.weak_twice")));
  const Outcome planned = Check(folders, 25, true);
  EXPECT_EQ(planned.lines, Check(folders, 25, false).lines);
  EXPECT_EQ(planned.lines.size(), 2u + 2u);
  EXPECT_EQ(planned.evaluated, 0u) << "the plan decided both counties";
}

// Messages' holes that iterate (six steps each), for the one village of six
// whose `when` (no steps) holds: the plan computes the holes on a frame of
// the pairs not known false alone (RulePlan::Columns), counting their
// steps there; for every limit both ways give the same findings and errors
// (under six, the row evaluator's).
TEST(StepLimitTest, AHoleComputedForTheFewPairsKeptCountsItsSteps) {
  const Folders folders(
      "rules:\n"
      "  - id: village.first\n"
      "    title: 测试\n"
      "    severity: warning\n"
      "    subject: villages\n"
      "    let:\n"
      "      weak: facts.villages.filter(v, v.category == 'weak')\n"
      "    when: village.name == '甲'\n"
      "    message: \"{weak.size()} weak, {facts.villages.filter(v, v.county_id == village.county_id).size()} in the county\"\n");
  for (uint64_t limit = 1; limit <= 20; ++limit) {
    EXPECT_EQ(Check(folders, limit, true).lines, Check(folders, limit, false).lines)
        << "limit " << limit;
  }
  const Outcome all = Check(folders, 20, true);
  ASSERT_EQ(all.lines.size(), 3u) << all.lines[1];
  EXPECT_EQ(all.lines[2], "village.first|villages:V1|4 weak, 3 in the county");
  EXPECT_EQ(all.evaluated, 0u) << "the plan made the finding";
}

// A rule's periods listed as months and filtered twice (planned as a month
// range, RulePlan::Impl::MonthRange): each filter takes a step per month it
// is asked of, so for every limit the plan lists the periods of the same
// teams as the row evaluator, and fails the others to it. The teams: five
// months (the first dropped by the first filter), no end (unknown: the
// row evaluator's error), a poor village ([]), an end before the start
// (no months), nineteen months (the last six after as_of).
TEST(StepLimitTest, AMonthRangesFiltersTakeAStepPerMonth) {
  Folders folders(
      "rules:\n"
      "  - id: team.months\n"
      "    title: 测试\n"
      "    severity: warning\n"
      "    subject: teams\n"
      "    periods: >-\n"
      "      team.village.category == 'weak'\n"
      "      ? months(team.start_date, team.end_date)\n"
      "        .filter(m, m.start() >= team.start_date).filter(m, m.end() <= as_of)\n"
      "      : []\n"
      "    when: period.start() > team.start_date\n"
      "    message: \"{period}\"\n");
  folders.data.Write("teams.csv",
                     "team_id,village_id,start_date,end_date\n"
                     "T1,V1,2023-11-15,2024-03-10\nT2,V4,2024-01-01,\nT3,V5,2023-01-01,2024-01-31\n"
                     "T4,V2,2024-05-01,2024-02-01\nT5,V3,2023-06-01,2024-12-31\n");
  for (uint64_t limit = 1; limit <= 50; ++limit) {
    EXPECT_EQ(Check(folders, limit, true).lines, Check(folders, limit, false).lines)
        << "limit " << limit;
  }
  const Outcome errors = Check(folders, 1000, true);
  EXPECT_EQ(errors.lines, Check(folders, 1000, false).lines);
  EXPECT_NE(errors.lines[1].find("on `teams:T2`: no matching overload"), std::string::npos)
      << errors.lines[1];
  EXPECT_EQ(errors.lines[1].find("exceeds"), std::string::npos) << errors.lines[1];
  // Without T2: T1's four months 2023-12 to 2024-03, T5's twelve 2023-07 to 2024-06.
  folders.data.Write("teams.csv",
                     "team_id,village_id,start_date,end_date\n"
                     "T1,V1,2023-11-15,2024-03-10\nT3,V5,2023-01-01,2024-01-31\n"
                     "T4,V2,2024-05-01,2024-02-01\nT5,V3,2023-06-01,2024-12-31\n");
  const Outcome all = Check(folders, 1000, true);
  EXPECT_EQ(all.lines, Check(folders, 1000, false).lines);
  ASSERT_EQ(all.lines.size(), 2u + 4u + 12u) << all.lines[0] << all.lines[1];
  EXPECT_EQ(all.lines[2], "team.months|teams:T1|2023-12");
  EXPECT_EQ(all.lines.back(), "team.months|teams:T5|2024-06");
}

}  // namespace
}  // namespace zhucun
