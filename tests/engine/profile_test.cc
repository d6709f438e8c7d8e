// CheckOptions::profile (issue 10): per rule, the subjects, the (subject,
// period) pairs judged, the lets computed of those bound and the findings;
// the evaluation's wall time; FormatProfile's text. Times are not asserted
// (performance lives in bench/), only that they are there.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;
using testing::WriteSmallPack;

// Two teams, T1 from 2022-01-01 (weak village) and T2 from 2024-03-10
// (poor), checked as of 2024-06-30 from 2024-01-01: six months judged.
Report CheckWithProfile(const std::string& rules, bool profile = true, bool plan = true) {
  TempDir pack;
  WriteSmallPack(pack, "profile", "rules.yaml", rules);
  TempDir data;
  data.Write("counties.csv", "county_id,name\nC1,都匀市\n");
  data.Write("villages.csv",
             "village_id,county_id,name,category\nV1,C1,新场村,weak\nV2,C1,良亩村,poor\n");
  data.Write("teams.csv",
             "team_id,village_id,start_date,end_date\n"
             "T1,V1,2022-01-01,\nT2,V2,2024-03-10,\n");
  CheckOptions options;
  options.profile = profile;
  options.plan = plan;
  return testing::CheckFolders(pack, data, options);
}

const char kShortMonth[] =
      "rules:\n"
      "  - id: team.short_month\n"
      "    title: 测试\n"
      "    severity: warning\n"
      "    subject: teams\n"
      "    period: month\n"
      "    let:\n"
      "      weak: team.village.category == 'weak'\n"
      "      days: period.end() - period.start() + 1\n"
      "      never: team.team_id.size() / 0\n"
      "    when: weak && days < 30\n"
      "    message: \"{days} days\"\n";

// Without plans: `weak` is read by every month's `when` of T1 but computed
// once per team: it does not depend on the period. `days` does (once per
// team and month where the guard lets it through); `never` is never needed.
TEST(ProfileTest, CountsSubjectsPeriodsLetsAndFindings) {
  const Report report = CheckWithProfile(kShortMonth, true, /*plan=*/false);
  ASSERT_TRUE(report.profile.has_value());
  const Profile& p = *report.profile;
  ASSERT_EQ(p.rules.size(), 1u);
  const RuleProfile& r = p.rules[0];
  EXPECT_EQ(r.rule, "team.short_month");
  EXPECT_EQ(r.subjects, 2u);
  EXPECT_EQ(r.judged, 12u);  // 2 teams x 6 months (2024-01 .. 2024-06)
  // weak: once per team (2); days: T1's six months only; never: never.
  EXPECT_EQ(r.lets_computed, 2u + 6u);
  // Bound: weak and never once per team, days once per team and month.
  EXPECT_EQ(r.lets_bound, 2u * 2u + 12u);
  EXPECT_EQ(r.evaluated, 12u);  // every pair
  EXPECT_EQ(r.findings, 1u);  // T1 in 2024-02 (29 days)
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].period, "2024-02");
  EXPECT_EQ(r.path, "row evaluator");
  EXPECT_TRUE(r.steps.empty());  // no plan, no steps
  EXPECT_GE(r.milliseconds, 0.0);
  EXPECT_GE(p.evaluation_milliseconds, 0.0);
  EXPECT_GE(p.threads, 1u);

  const std::string text = FormatProfile(p);
  EXPECT_EQ(text.rfind("evaluation: "), text.rfind('\n', text.size() - 2) + 1) << text;
  EXPECT_TRUE(text.ends_with(" ms\n")) << text;
  EXPECT_NE(text.find("  team.short_month "), std::string::npos) << text;
}

// kShortMonth with a message the plan cannot write (`string()` is not one
// of its operators).
std::string ShortMonthSpelled() {
  std::string rules = kShortMonth;
  const std::string message = "\"{days} days\"";
  rules.replace(rules.find(message), message.size(), "\"{string(days)} days\"");
  return rules;
}

// The plan drops the eleven pairs whose `when` it knows false; the row
// evaluator judges the one left (its message unknown to the plan), binding
// and computing the lets of T1 alone.
TEST(ProfileTest, RowEvaluatorJudgesThePairsThePlanKeeps) {
  const Report report = CheckWithProfile(ShortMonthSpelled());
  ASSERT_TRUE(report.profile.has_value());
  const RuleProfile& r = report.profile->rules.at(0);
  EXPECT_EQ(r.path, "plan, then row evaluator");
  EXPECT_EQ(r.judged, 12u);
  EXPECT_EQ(r.evaluated, 1u);  // T1 in 2024-02
  EXPECT_EQ(r.lets_computed, 2u);  // weak and days, for that pair
  EXPECT_EQ(r.lets_bound, 2u + 1u);  // T1's weak and never; days once
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].period, "2024-02");
  EXPECT_EQ(report.findings[0].message, "29 days");
}

// With the plan (src/plan): `weak` (T1 only) and `days < 30` (February
// only) are known for every pair, and so is the message's `{days}`: the
// plan writes the one finding itself, and the row evaluator judges no pair
// and computes no let.
TEST(ProfileTest, PlanDropsThePairsWhoseWhenIsFalse) {
  const Report report = CheckWithProfile(kShortMonth);
  ASSERT_TRUE(report.profile.has_value());
  const RuleProfile& r = report.profile->rules.at(0);
  EXPECT_EQ(r.path, "plan, then row evaluator");
  EXPECT_EQ(r.subjects, 2u);
  EXPECT_EQ(r.judged, 12u);
  EXPECT_EQ(r.evaluated, 0u);
  EXPECT_EQ(r.lets_computed, 0u);
  EXPECT_EQ(r.lets_bound, 0u);
  EXPECT_EQ(r.findings, 1u);  // T1 in 2024-02
  // The plan's steps: `weak` keeps T1's six months, `days < 30` February.
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].condition, "weak");
  EXPECT_EQ(r.steps[0].kept, 6u);
  EXPECT_EQ(r.steps[1].condition, "days < 30");
  EXPECT_EQ(r.steps[1].kept, 1u);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].period, "2024-02");
  EXPECT_EQ(report.findings[0].message, "29 days");
  const std::string text = FormatProfile(*report.profile);
  EXPECT_NE(text.find(" evaluated "), std::string::npos) << text;
  EXPECT_NE(text.find("plan, then row evaluator"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  team.short_month: 12 -> 6 weak -> 1 days < 30\n"), std::string::npos)
      << text;
}

// `facts` holds only the tables the pack reads as `facts.<table>` (listing
// every row of every table costs), and every table when an expression reads
// it otherwise (here `has(facts.teams)`): both see the tables they name.
TEST(ProfileTest, FactsHoldsTheTablesThePackReads) {
  for (const char* when : {"facts.teams.size() == 2 && facts.villages.size() == 2",
                           "has(facts.teams) && facts.villages.size() == 2"}) {
    const Report report = CheckWithProfile(std::string("rules:\n"
                                                       "  - id: team.counted\n"
                                                       "    title: 测试\n"
                                                       "    severity: warning\n"
                                                       "    subject: teams\n"
                                                       "    when: \"") +
                                           when + "\"\n");
    EXPECT_EQ(report.findings.size(), 2u) << when;
  }
}

TEST(ProfileTest, OnlyWhenAskedFor) {
  const std::string rules =
      "rules:\n"
      "  - id: team.any\n"
      "    title: 测试\n"
      "    severity: warning\n"
      "    subject: teams\n"
      "    when: \"true\"\n";
  const Report with = CheckWithProfile(rules);
  ASSERT_TRUE(with.profile.has_value());
  EXPECT_EQ(with.profile->rules[0].judged, 2u);  // no periods: the subjects
  EXPECT_EQ(with.profile->rules[0].lets_bound, 0u);
  const Report without = CheckWithProfile(rules, false);
  EXPECT_FALSE(without.profile.has_value());
  EXPECT_EQ(without.findings.size(), 2u);
}

}  // namespace
}  // namespace zhucun
