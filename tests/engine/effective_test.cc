// Effective dating (issue 13, item 2; docs/rules.md, "Policy over time"): a
// parameter's `history:` and a rule's `effective:`. A period is judged with
// the rules and the values in force on its first day; a rule without
// periods with those of as_of. A period outside a rule's effective range,
// or before the first value of a parameter it reads, is not judged.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;

// The small pack with parameter `allowance` (a history unless `allowance`
// says otherwise) and `rules`.
void WritePack(const TempDir& pack, const std::string& rules,
               const std::string& allowance =
                   "{type: int, history: [{from: 2024-01-01, value: 1100}, "
                   "{from: 2024-04-01, value: 1300}]}") {
  testing::WriteSmallSchema(pack);
  pack.Write("pack.yaml",
             "name: dated\nversion: 1.0.0\ntitle: dated\n"
             "parameters:\n"
             "  window_start: {type: date, default: 2024-01-01}\n"
             "  allowance: " + allowance + "\n"
             "  other: {type: int, default: 7}\n"
             "includes: [schema.yaml, rules.yaml]\n");
  pack.Write("rules.yaml", rules);
}

// A rule on teams that always fires and says the allowance it sees.
std::string Rule(const std::string& id, const std::string& period,
                 const std::string& extra = "", const std::string& message = "{params.allowance}") {
  return "  - id: " + id + "\n    severity: warning\n    subject: teams\n" +
         (period.empty() ? "" : "    period: " + period + "\n") + extra +
         "    when: 'true'\n    message: \"" + message + "\"\n";
}

struct Checked {
  std::vector<Finding> findings;
  std::string error;
};

Checked Check(const TempDir& pack, const std::string& as_of = "2024-06-30", bool plan = true,
              const std::map<std::string, std::string>& params = {}) {
  TempDir data;
  data.Write("counties.csv", "county_id,name\nC1,都匀市\n");
  data.Write("villages.csv", "village_id,county_id,name,category\nV1,C1,新场村,weak\n");
  data.Write("teams.csv", "team_id,village_id,start_date,end_date\nT1,V1,2022-01-01,\n");
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources, params);
  if (!policy.ok()) return {{}, policy.diagnostics().Render(sources)};
  auto facts = ReadCsvFolder(policy.value().schema(), data.path(), CsvOptions{}, sources);
  EXPECT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  CheckOptions options;
  options.as_of = *Date::Parse(as_of);
  options.plan = plan;
  Result<Report> report =
      policy.value().Check(std::make_shared<const FactSet>(std::move(facts).value()), options);
  if (!report.ok()) return {{}, report.diagnostics().Render(sources)};
  return {report.value().findings, ""};
}

// "rule period: message" per finding.
std::vector<std::string> Lines(const Checked& c) {
  EXPECT_EQ(c.error, "");
  std::vector<std::string> out;
  for (const Finding& f : c.findings) {
    out.push_back(f.rule + (f.period.empty() ? "" : " " + f.period) + ": " + f.message);
  }
  return out;
}

TEST(EffectiveTest, AChangeInsideAYearAppliesFromItsFirstDay) {
  TempDir pack;
  WritePack(pack, "rules:\n" + Rule("a.monthly", "month") + Rule("b.quarterly", "quarter") +
                      Rule("c.now", ""));
  const std::vector<std::string> want = {
      "a.monthly 2024-01: 1100", "a.monthly 2024-02: 1100", "a.monthly 2024-03: 1100",
      "a.monthly 2024-04: 1300", "a.monthly 2024-05: 1300", "a.monthly 2024-06: 1300",
      "b.quarterly 2024-Q1: 1100", "b.quarterly 2024-Q2: 1300", "c.now: 1300"};
  EXPECT_EQ(Lines(Check(pack)), want);
  // The row evaluator alone gives the same.
  EXPECT_EQ(Lines(Check(pack, "2024-06-30", /*plan=*/false)), want);
  // Replaying the past: as of 2024-03-31 the allowance was 1100.
  EXPECT_EQ(Lines(Check(pack, "2024-03-31")),
            (std::vector<std::string>{"a.monthly 2024-01: 1100", "a.monthly 2024-02: 1100",
                                      "a.monthly 2024-03: 1100", "b.quarterly 2024-Q1: 1100",
                                      "c.now: 1100"}));
}

// A quarter straddling a change (2024-02-15) is judged by the figure of its
// first day.
TEST(EffectiveTest, APeriodStraddlingAChangeTakesTheValueOfItsFirstDay) {
  TempDir pack;
  WritePack(pack, "rules:\n" + Rule("b.quarterly", "quarter") + Rule("a.monthly", "month"),
            "{type: int, history: [{from: 2023-01-01, value: 1100}, "
            "{from: 2024-02-15, value: 1300}]}");
  EXPECT_EQ(Lines(Check(pack)),
            (std::vector<std::string>{
                "a.monthly 2024-01: 1100", "a.monthly 2024-02: 1100", "a.monthly 2024-03: 1300",
                "a.monthly 2024-04: 1300", "a.monthly 2024-05: 1300", "a.monthly 2024-06: 1300",
                "b.quarterly 2024-Q1: 1100", "b.quarterly 2024-Q2: 1300"}));
}

// Before its first `from` a parameter has no value: the rules that read it
// are not judged there; the others are.
TEST(EffectiveTest, BeforeTheFirstValueARuleReadingItIsNotJudged) {
  TempDir pack;
  WritePack(pack,
            "rules:\n" + Rule("a.monthly", "month") + Rule("c.now", "") +
                Rule("d.other", "quarter", "", "{params.other}") +
                Rule("f.now_other", "", "", "{params.other}"),
            "{type: int, history: [{from: 2024-03-01, value: 1100}]}");
  EXPECT_EQ(Lines(Check(pack)),
            (std::vector<std::string>{"a.monthly 2024-03: 1100", "a.monthly 2024-04: 1100",
                                      "a.monthly 2024-05: 1100", "a.monthly 2024-06: 1100",
                                      "c.now: 1100", "d.other 2024-Q1: 7", "d.other 2024-Q2: 7",
                                      "f.now_other: 7"}));
  // As of 2024-02-29 the allowance has no value yet (and no quarter ended).
  EXPECT_EQ(Lines(Check(pack, "2024-02-29")), (std::vector<std::string>{"f.now_other: 7"}));
}

TEST(EffectiveTest, ARuleThatStartsAndOneThatEnds) {
  TempDir pack;
  WritePack(pack, "rules:\n" +
                      Rule("a.starts", "month", "    effective: {from: 2024-03-01}\n", "x") +
                      Rule("b.ends", "month", "    effective: {until: 2024-02-29}\n", "x") +
                      Rule("c.ended", "", "    effective: {until: 2024-06-29}\n", "x") +
                      Rule("d.started", "", "    effective: {from: 2024-06-30}\n", "x") +
                      Rule("e.quarter", "quarter", "    effective: {from: 2024-02-01}\n", "x"));
  EXPECT_EQ(Lines(Check(pack)),
            (std::vector<std::string>{"a.starts 2024-03: x", "a.starts 2024-04: x",
                                      "a.starts 2024-05: x", "a.starts 2024-06: x",
                                      "b.ends 2024-01: x", "b.ends 2024-02: x", "d.started: x",
                                      "e.quarter 2024-Q2: x"}));
}

// A value given for a parameter replaces its history.
TEST(EffectiveTest, AGivenValueReplacesTheHistory) {
  TempDir pack;
  WritePack(pack, "rules:\n" + Rule("b.quarterly", "quarter"));
  EXPECT_EQ(Lines(Check(pack, "2024-06-30", true, {{"allowance", "900"}})),
            (std::vector<std::string>{"b.quarterly 2024-Q1: 900", "b.quarterly 2024-Q2: 900"}));
}

TEST(EffectiveTest, ExplainUsesTheValuesOfThePeriodsFirstDay) {
  TempDir pack;
  WritePack(pack, "rules:\n" + Rule("a.monthly", "month", "    effective: {until: 2024-05-31}\n"));
  TempDir data;
  data.Write("counties.csv", "county_id,name\nC1,都匀市\n");
  data.Write("villages.csv", "village_id,county_id,name,category\nV1,C1,新场村,weak\n");
  data.Write("teams.csv", "team_id,village_id,start_date,end_date\nT1,V1,2022-01-01,\n");
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = std::make_shared<const FactSet>(
      ReadCsvFolder(policy.value().schema(), data.path(), CsvOptions{}, sources).value());
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  Result<Explanation> march = policy.value().Explain(facts, options, "a.monthly", "teams:T1",
                                                     "2024-03");
  ASSERT_TRUE(march.ok()) << march.diagnostics().Render(sources);
  EXPECT_EQ(march.value().message, "1100");
  Result<Explanation> april = policy.value().Explain(facts, options, "a.monthly", "teams:T1",
                                                     "2024-04");
  ASSERT_TRUE(april.ok());
  EXPECT_EQ(april.value().message, "1300");
  Result<Explanation> june = policy.value().Explain(facts, options, "a.monthly", "teams:T1",
                                                    "2024-06");
  ASSERT_FALSE(june.ok());
  EXPECT_EQ(june.diagnostics().Render(sources),
            "error[engine.not_effective]: rule `a.monthly` does not judge `teams:T1` in "
            "`2024-06`: rule `a.monthly` is effective until 2024-05-31 (a period is judged as "
            "on its first day, 2024-06-01)\n");
}

// Every mistake in a history or an effective range is one positioned error.
TEST(EffectiveTest, MistakesAreLoadErrorsAtTheirPlace) {
  const auto errors = [](const std::string& allowance, const std::string& extra = "") {
    TempDir pack;
    WritePack(pack, "rules:\n" + Rule("a.monthly", "month", extra), allowance);
    const Checked c = Check(pack);
    EXPECT_NE(c.error, "");
    return c.error;
  };
  const std::string ok = "{type: int, default: 1}";
  EXPECT_NE(errors("{type: int, history: [{from: 2024-04-01, value: 1300}, {from: 2024-01-01, "
                   "value: 1100}]}")
                .find("pack.yaml:6:76: error[pack.bad_history]: the history of `allowance` is "
                      "not in order: 2024-01-01 comes after 2024-04-01"),
            std::string::npos)
      << errors("{type: int, history: [{from: 2024-04-01, value: 1300}, {from: 2024-01-01, "
                "value: 1100}]}");
  EXPECT_NE(errors("{type: int, history: [{from: 2024-01-01, value: 1}, {from: 2024-01-01, "
                   "value: 2}]}")
                .find("error[pack.bad_history]: the history of `allowance` has two values "
                      "from 2024-01-01"),
            std::string::npos);
  EXPECT_NE(errors("{type: int, default: 1, history: [{from: 2024-01-01, value: 1}]}")
                .find("error[pack.bad_history]: parameter `allowance` has both a `default` "
                      "and a `history`"),
            std::string::npos);
  EXPECT_NE(errors("{type: int, history: []}")
                .find("error[pack.bad_history]: the history of `allowance` is empty"),
            std::string::npos);
  EXPECT_NE(errors("{type: int, history: [{from: 2024-02-30, value: 1}]}")
                .find("error[pack.bad_history]"),
            std::string::npos);
  EXPECT_NE(errors("{type: int, history: [{from: 2024-01-01, value: many}]}")
                .find("error[pack.bad_history]"),
            std::string::npos);
  EXPECT_NE(errors("{type: int, history: [{from: 2024-01-01}]}")
                .find("error[pack.missing]: the history entry has no `value`"),
            std::string::npos)
      << errors("{type: int, history: [{from: 2024-01-01}]}");
  EXPECT_NE(errors(ok, "    effective: {from: 2024-06-01, until: 2024-05-31}\n")
                .find("rules.yaml:6:42: error[pack.bad_effective]: the rule is effective until "
                      "2024-05-31, before it is effective from 2024-06-01"),
            std::string::npos)
      << errors(ok, "    effective: {from: 2024-06-01, until: 2024-05-31}\n");
  EXPECT_NE(errors(ok, "    effective: {from: June}\n")
                .find("error[pack.bad_effective]: `from` of `effective` must be a date, not "
                      "`June`"),
            std::string::npos)
      << errors(ok, "    effective: {from: June}\n");
  EXPECT_NE(errors(ok, "    effective: {}\n")
                .find("error[pack.missing]: `effective` has neither `from` nor `until`"),
            std::string::npos);
  EXPECT_NE(errors(ok, "    effective: {form: 2024-01-01}\n")
                .find("did you mean `from`?"),
            std::string::npos);
}

}  // namespace
}  // namespace zhucun
