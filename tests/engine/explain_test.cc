// Policy::Explain (why a rule fired, or did not, for one subject and period),
// Policy::SummaryGroups and the `summary:` section of pack.yaml, on the small
// pack tests/testdata/packs/explain_ok and on rules/qiannan with the example
// dataset. Every error a user can trigger is checked as rendered.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../facts/facts_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::kSourceDir;
using testing::ReplaceAll;
using testing::TempDir;

const std::string kPack = kSourceDir + "/tests/testdata/packs/explain_ok";
// Its facts: two counties, three villages, three teams (T3 ended), and
// members of whom persons P1 and P3 hold two open postings.
const std::string kData = kPack + "/data";
const std::string kExample = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";

class ExplainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto policy = Policy::Load(kPack, sources_);
    ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources_);
    policy_.emplace(std::move(policy).value());
    auto facts = ReadCsvFolder(policy_->schema(), kData, CsvOptions{}, sources_);
    ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources_);
    facts_ = std::make_shared<const FactSet>(std::move(facts).value());
    options_.as_of = *Date::Parse("2024-06-30");
  }

  Result<Explanation> Explain(const std::string& rule, const std::string& subject,
                              const std::string& period = "") {
    return policy_->Explain(facts_, options_, rule, subject, period);
  }

  // The rendered diagnostics of a failed explanation.
  std::string Error(const std::string& rule, const std::string& subject,
                    const std::string& period = "") {
    auto e = Explain(rule, subject, period);
    EXPECT_FALSE(e.ok());
    return e.diagnostics().Render(sources_);
  }

  SourceManager sources_;
  std::optional<Policy> policy_;
  std::shared_ptr<const FactSet> facts_;
  CheckOptions options_;
};

std::string Show(const std::vector<Explanation::Item>& items) {
  std::string s;
  for (const auto& i : items) s += i.name + " = " + i.value + "\n";
  return s;
}

TEST_F(ExplainTest, AFiredFindingHasItsRuleRowValuesAndConditions) {
  auto r = Explain("team.cadres", "teams:T1");
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources_);
  const Explanation& e = r.value();
  EXPECT_EQ(e.rule, "team.cadres");
  EXPECT_EQ(e.title, "每队至少2名驻村干部");
  EXPECT_EQ(e.severity, "error");
  EXPECT_EQ(e.source, "工作队\"1+2+N\"组成");
  EXPECT_EQ(e.subject, "teams:T1");
  EXPECT_EQ(e.period, "");
  EXPECT_TRUE(e.fired);
  EXPECT_EQ(e.message, "1 resident cadres on 2024-06-30");
  ASSERT_EQ(e.rows.size(), 1u);
  EXPECT_EQ(e.rows[0].name, "teams:T1");
  EXPECT_EQ(Show(e.rows[0].cells),
            "team_id = T1\nvillage_id = V1\nstart_date = 2022-01-01\nend_date = \n");
  EXPECT_EQ(Show(e.lets), "cadres = 1\n");
  // Each top-level `&&` operand as written (on one line), parentheses kept.
  EXPECT_EQ(Show(e.conditions),
            "active(team, as_of) = true\n"
            "(cadres < params.min_cadres || cadres > 5) = true\n"
            "team.village.category != 'ordinary' = true\n");
  EXPECT_FALSE(e.first_false.has_value());
  EXPECT_FALSE(e.periods.has_value());
}

TEST_F(ExplainTest, ANotFiredDecisionMarksTheFirstFalseCondition) {
  auto r = Explain("team.cadres", "teams:T2");
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources_);
  EXPECT_FALSE(r.value().fired);
  EXPECT_EQ(r.value().message, "");
  EXPECT_EQ(Show(r.value().lets), "cadres = 2\n");
  EXPECT_EQ(r.value().first_false, 1u);

  auto ended = Explain("team.cadres", "teams:T3");
  ASSERT_TRUE(ended.ok()) << ended.diagnostics().Render(sources_);
  EXPECT_EQ(ended.value().first_false, 0u);
  EXPECT_EQ(Show(ended.value().conditions),
            "active(team, as_of) = false\n"
            "(cadres < params.min_cadres || cadres > 5) = true\n"
            "team.village.category != 'ordinary' = false\n");
}

TEST_F(ExplainTest, AWhenThatIsNoConjunctionIsOneCondition) {
  auto r = Explain("village.no_team", "villages:V2");
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources_);
  EXPECT_TRUE(r.value().fired);
  EXPECT_EQ(r.value().message, "良亩村 has no active team");
  EXPECT_EQ(Show(r.value().conditions),
            "!village.teams.exists(t, active(t, as_of)) = true\n");
  auto not_fired = Explain("village.no_team", "villages:V1");
  ASSERT_TRUE(not_fired.ok());
  EXPECT_EQ(not_fired.value().first_false, 0u);
}

TEST_F(ExplainTest, AGroupedSubjectShowsEveryRowOfTheGroup) {
  auto r = Explain("member.overlap", "persons:P3");
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources_);
  EXPECT_TRUE(r.value().fired);
  EXPECT_EQ(r.value().message, "2 open postings");
  ASSERT_EQ(r.value().rows.size(), 2u);
  EXPECT_EQ(r.value().rows[0].name, "members:M3");
  EXPECT_EQ(r.value().rows[1].name, "members:M4");
  auto one = Explain("member.overlap", "persons:P2");
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(one.value().fired);
  EXPECT_EQ(one.value().rows.size(), 1u);
}

TEST_F(ExplainTest, ThePrefectureHasNoRow) {
  auto r = Explain("prefecture.villages", "prefecture");
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources_);
  EXPECT_TRUE(r.value().fired);
  EXPECT_EQ(r.value().message, "3 villages");
  EXPECT_TRUE(r.value().rows.empty());
  EXPECT_EQ(Show(r.value().lets), "villages = 3\n");
}

TEST_F(ExplainTest, PeriodsAreTheJudgedOnesOrThoseOfThePeriodsExpression) {
  auto q = Explain("member.started", "members:M2", "2023-Q1");
  ASSERT_TRUE(q.ok()) << q.diagnostics().Render(sources_);
  EXPECT_TRUE(q.value().fired);
  EXPECT_EQ(q.value().period, "2023-Q1");
  EXPECT_EQ(q.value().message, "started on 2023-02-10");
  auto later = Explain("member.started", "members:M2", "2023-Q2");
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later.value().fired);

  auto y = Explain("member.ended", "members:M5", "2022");
  ASSERT_TRUE(y.ok()) << y.diagnostics().Render(sources_);
  EXPECT_TRUE(y.value().fired);
  ASSERT_TRUE(y.value().periods.has_value());
  EXPECT_EQ(y.value().periods->name,
            "member.end_date == null ? [] : [year(member.end_date)]");
  EXPECT_EQ(y.value().periods->value, "[2022]");
  // `when: true` is one condition, true.
  EXPECT_EQ(Show(y.value().conditions), "true = true\n");
}

TEST_F(ExplainTest, ValuesAreShownAsInCel) {
  // A list of rows by name, strings quoted, null as null.
  SourceManager sources;
  TempDir pack;
  for (const char* f : {"schema.yaml"}) {
    std::ifstream in(kPack + "/" + f);
    std::stringstream ss;
    ss << in.rdbuf();
    pack.Write(f, ss.str());
  }
  pack.Write("pack.yaml", "name: values\nincludes: [schema.yaml, rules.yaml]\n");
  pack.Write("rules.yaml",
             "rules:\n"
             "  - id: team.values\n"
             "    severity: warning\n"
             "    subject: teams\n"
             "    let:\n"
             "      rows: team.members\n"
             "      name: team.village.name\n"
             "      end: team.end_date\n"
             "      roles: \"team.members.map(m, m.role)\"\n"
             "      counts: \"{'a': 1}\"\n"
             "    when: rows.size() > 0 && end == null\n");
  auto policy = Policy::Load(pack.path(), sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  options.from = *Date::Parse("2023-01-01");
  auto r = policy.value().Explain(facts_, options, "team.values", "teams:T1", "");
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
  EXPECT_EQ(Show(r.value().lets),
            "rows = [members:M1, members:M2]\n"
            "name = \"新场村\"\n"
            "end = null\n"
            "roles = [\"resident_cadre\", \"first_secretary\"]\n"
            "counts = {\"a\": 1}\n");
}

TEST_F(ExplainTest, UnknownRule) {
  EXPECT_EQ(Error("team.cadre", "teams:T1"),
            "error[engine.unknown_rule]: unknown rule `team.cadre`\n"
            " = help: did you mean `team.cadres`?\n");
  EXPECT_EQ(Error("nothing.like.it", "teams:T1"),
            "error[engine.unknown_rule]: unknown rule `nothing.like.it`\n");
}

TEST_F(ExplainTest, UnknownSubject) {
  EXPECT_EQ(Error("team.cadres", "teams:T9"),
            "error[engine.unknown_subject]: unknown subject `teams:T9`: no row of "
            "`teams` has `team_id` `T9`\n"
            " = help: did you mean `teams:T1`?\n");
  EXPECT_EQ(Error("team.cadres", "teams:XYZ123"),
            "error[engine.unknown_subject]: unknown subject `teams:XYZ123`: no row "
            "of `teams` has `team_id` `XYZ123`\n");
  EXPECT_EQ(Error("team.cadres", "villages:V1"),
            "error[engine.unknown_subject]: rule `team.cadres` is about rows of "
            "`teams`, not `villages:V1`\n"
            " = help: write the subject as `teams:<team_id>`\n");
  EXPECT_EQ(Error("member.overlap", "members:M1"),
            "error[engine.unknown_subject]: rule `member.overlap` is about rows of "
            "`members` grouped by `person_id`, not `members:M1`\n"
            " = help: write the subject as `persons:<person_id>`\n");
  EXPECT_EQ(Error("member.overlap", "persons:P7"),
            "error[engine.unknown_subject]: unknown subject `persons:P7`: no row of "
            "`members` has `person_id` `P7`\n"
            " = help: did you mean `persons:P1`?\n");
  EXPECT_EQ(Error("prefecture.villages", "county"),
            "error[engine.unknown_subject]: rule `prefecture.villages` has one "
            "subject, `prefecture`, not `county`\n");
}

TEST_F(ExplainTest, UnknownPeriod) {
  EXPECT_EQ(Error("team.cadres", "teams:T1", "2023"),
            "error[engine.unknown_period]: rule `team.cadres` has no periods, but "
            "`2023` was given\n"
            " = help: leave the period out\n");
  EXPECT_EQ(Error("member.started", "members:M2"),
            "error[engine.unknown_period]: rule `member.started` is judged per "
            "period, but no period was given\n"
            " = help: it judges the quarters wholly inside [2023-01-01, "
            "2024-06-30]: `2023-Q1`, `2023-Q2`, `2023-Q3`, `2023-Q4`, `2024-Q1`, "
            "`2024-Q2`\n");
  EXPECT_EQ(Error("member.started", "members:M2", "2022-Q4"),
            "error[engine.unknown_period]: rule `member.started` does not judge "
            "`members:M2` in `2022-Q4`\n"
            " = help: it judges the quarters wholly inside [2023-01-01, "
            "2024-06-30]: `2023-Q1`, `2023-Q2`, `2023-Q3`, `2023-Q4`, `2024-Q1`, "
            "`2024-Q2`\n");
  EXPECT_EQ(Error("member.started", "members:M2", "2023-Q5"),
            "error[engine.unknown_period]: `2023-Q5` is not a period\n"
            " = help: write a year `2023`, a half `2023-H1`, a quarter `2023-Q3` "
            "or a month `2023-07`\n");
  EXPECT_EQ(Error("member.ended", "members:M5", "2023"),
            "error[engine.unknown_period]: rule `member.ended` does not judge "
            "`members:M5` in `2023`\n"
            " = help: its periods for `members:M5` are `2022`\n");
  EXPECT_EQ(Error("member.ended", "members:M1", "2023"),
            "error[engine.unknown_period]: rule `member.ended` does not judge "
            "`members:M1` in `2023`\n"
            " = help: it judges no period for `members:M1`\n");
  // A window that judges nothing.
  options_.from = *Date::Parse("2024-06-01");
  EXPECT_EQ(Error("member.started", "members:M2", "2024-Q2"),
            "error[engine.unknown_period]: rule `member.started` does not judge "
            "`members:M2` in `2024-Q2`\n"
            " = help: it judges the quarters wholly inside [2024-06-01, "
            "2024-06-30], and there are none\n");
}

TEST_F(ExplainTest, RowsLeftOutInLenientModeAreExplained) {
  TempDir data;
  std::filesystem::copy(kData, data.path());
  data.Write("teams.csv",
              "team_id,village_id,start_date,end_date\n"
              "T1,V1,2022-01-01,\nT2,V3,2022-13-01,\nT3,V2,2021-01-01,2022-12-31\n");
  CsvOptions lenient;
  lenient.strictness = Strictness::kLenient;
  auto facts = ReadCsvFolder(policy_->schema(), data.path(), lenient, sources_);
  ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources_);
  facts_ = std::make_shared<const FactSet>(std::move(facts).value());
  auto r = Explain("input.invalid", "teams:3");
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources_);
  EXPECT_TRUE(r.value().fired);
  EXPECT_EQ(r.value().severity, "error");
  EXPECT_NE(r.value().message.find("2022-13-01"), std::string::npos) << r.value().message;
  EXPECT_EQ(Error("input.invalid", "teams:2"),
            "error[engine.unknown_subject]: unknown subject `teams:2`: no row of "
            "that table and line was left out\n"
            " = help: `input.invalid` subjects are `<table>:<line>` of rows "
            "rejected in lenient mode\n");
  EXPECT_EQ(Error("input.invalid", "teams:3", "2023"),
            "error[engine.unknown_period]: rule `input.invalid` has no periods, "
            "but `2023` was given\n"
            " = help: leave the period out\n");
}

TEST_F(ExplainTest, SummaryGroupsCountFindingsByTheirSubjectsCounty) {
  EXPECT_EQ(policy_->summary_by(), "county");
  auto report = policy_->Check(facts_, options_);
  ASSERT_TRUE(report.ok()) << report.diagnostics().Render(sources_);
  auto groups = policy_->SummaryGroups(facts_, options_, report.value().findings);
  ASSERT_TRUE(groups.ok()) << groups.diagnostics().Render(sources_);
  std::string got;
  for (size_t i = 0; i < groups.value().size(); ++i) {
    const Finding& f = report.value().findings[i];
    got += f.rule + " " + f.subject + " " + f.period + " -> " + groups.value()[i] + "\n";
  }
  // persons:P1 holds postings in two counties, so it has no single one.
  EXPECT_EQ(got,
            "member.ended members:M5 2022 -> 都匀市\n"
            "member.overlap persons:P1  -> \n"
            "member.overlap persons:P3  -> 福泉市\n"
            "member.started members:M2 2023-Q1 -> 都匀市\n"
            "member.started members:M6 2023-Q2 -> 福泉市\n"
            "prefecture.villages prefecture  -> \n"
            "team.cadres teams:T1  -> 都匀市\n"
            "village.no_team villages:V2  -> 都匀市\n");
}

// A summary key that fails on a row fails the whole, with the first
// failing row in the findings' order; with and without plans (the keys of
// the rows needed are planned, and the row evaluator computes those the
// plan does not know).
TEST_F(ExplainTest, SummaryGroupsFailOnTheFirstRowWhoseKeyFails) {
  for (const bool plan : {true, false}) {
    TempDir pack;
    for (const char* file : {"schema.yaml", "rules.yaml", "pack.yaml"}) {
      std::ifstream in(kPack + "/" + file);
      std::stringstream text;
      text << in.rdbuf();
      pack.Write(file, ReplaceAll(text.str(), "members: member.team.village.county.name",
                                  "members: \"string(10 / (member.end_date == null ? 0 : 1))\""));
    }
    SourceManager sources;
    auto policy = Policy::Load(pack.path(), sources);
    ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
    CheckOptions options = options_;
    options.plan = plan;
    auto report = policy.value().Check(facts_, options);
    ASSERT_TRUE(report.ok()) << report.diagnostics().Render(sources);
    // (member.ended members:M5 comes first: it has ended, its group is 10.)
    auto groups = policy.value().SummaryGroups(facts_, options, report.value().findings);
    EXPECT_FALSE(groups.ok());
    EXPECT_EQ(groups.diagnostics().Render(sources),
              "error[engine.eval_error]: the summary key of `members` on `members:M1`: "
              "division by zero\n") << (plan ? "plan" : "no plan");
  }
}

TEST_F(ExplainTest, EveryFindingOfCheckIsExplainedAsFired) {
  auto report = policy_->Check(facts_, options_);
  ASSERT_TRUE(report.ok());
  for (const Finding& f : report.value().findings) {
    auto e = Explain(f.rule, f.subject, f.period);
    ASSERT_TRUE(e.ok()) << f.rule << " " << f.subject << "\n"
                        << e.diagnostics().Render(sources_);
    EXPECT_TRUE(e.value().fired) << f.rule << " " << f.subject;
    EXPECT_EQ(e.value().message, f.message);
    EXPECT_EQ(e.value().severity, f.severity);
  }
}

// rules/qiannan on ../shared/spec/example: every finding explains as fired
// with the same message, and the summary groups are the subjects' counties.
// Report::records: a check's record set (rows and relation indexes) is
// reused by another check (and by Explain and SummaryGroups) on the same
// facts while a report holds it, never for other facts, and the policy
// itself does not keep it alive.
TEST_F(ExplainTest, ChecksOnTheSameFactsShareTheirRecordsWhileAReportHoldsThem) {
  std::weak_ptr<const RecordSet> held;
  {
    auto first = policy_->Check(facts_, options_);
    ASSERT_TRUE(first.ok()) << first.diagnostics().Render(sources_);
    auto second = policy_->Check(facts_, options_);
    ASSERT_TRUE(second.ok()) << second.diagnostics().Render(sources_);
    ASSERT_NE(first.value().records, nullptr);
    EXPECT_EQ(first.value().records, second.value().records);
    EXPECT_EQ(&first.value().records->facts(), facts_.get());
    EXPECT_TRUE(Explain("team.cadres", "teams:T1").ok());

    auto other = ReadCsvFolder(policy_->schema(), kData, CsvOptions{}, sources_);
    ASSERT_TRUE(other.ok());
    auto third = policy_->Check(std::make_shared<const FactSet>(std::move(other).value()), options_);
    ASSERT_TRUE(third.ok()) << third.diagnostics().Render(sources_);
    EXPECT_NE(third.value().records, first.value().records);
    held = first.value().records;
  }
  EXPECT_TRUE(held.expired());
}

TEST(ExplainExampleTest, QiannanFindingsExplainAsFiredAndHaveCounties) {
  SourceManager sources;
  auto policy = Policy::Load(kSourceDir + "/rules/qiannan", sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = ReadCsvFolder(policy.value().schema(), kExample, CsvOptions{}, sources);
  ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  auto shared = std::make_shared<const FactSet>(std::move(facts).value());
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  auto report = policy.value().Check(shared, options);
  ASSERT_TRUE(report.ok()) << report.diagnostics().Render(sources);
  const std::vector<Finding>& findings = report.value().findings;
  ASSERT_FALSE(findings.empty());
  for (const Finding& f : findings) {
    auto e = policy.value().Explain(shared, options, f.rule, f.subject, f.period);
    ASSERT_TRUE(e.ok()) << f.rule << " " << f.subject << " " << f.period << "\n"
                        << e.diagnostics().Render(sources);
    EXPECT_TRUE(e.value().fired) << f.rule << " " << f.subject << " " << f.period;
    EXPECT_EQ(e.value().message, f.message) << f.rule << " " << f.subject;
    EXPECT_FALSE(e.value().conditions.empty()) << f.rule;
  }
  EXPECT_EQ(policy.value().summary_by(), "county");
  EXPECT_EQ(policy.value().summary_by("en"), "county");
  EXPECT_EQ(policy.value().summary_by("zh"), "县市");
  EXPECT_EQ(policy.value().summary_by("fr"), "county");
  auto groups = policy.value().SummaryGroups(shared, options, findings);
  ASSERT_TRUE(groups.ok()) << groups.diagnostics().Render(sources);
  ASSERT_EQ(groups.value().size(), findings.size());
  std::map<std::string, size_t> counties;
  for (size_t i = 0; i < findings.size(); ++i) {
    const std::string& g = groups.value()[i];
    if (findings[i].subject == "prefecture") {
      EXPECT_EQ(g, "") << findings[i].rule;
    }
    if (findings[i].subject.starts_with("villages:") ||
        findings[i].subject.starts_with("teams:") ||
        findings[i].subject.starts_with("handovers:")) {
      EXPECT_NE(g, "") << findings[i].rule << " " << findings[i].subject;
    }
    ++counties[g];
  }
  EXPECT_GE(counties.size(), 10u);  // the example has twelve counties
  EXPECT_EQ(counties.count("都匀市"), 1u);
}

// A pack with a `summary:` section written by the test, beside the schema
// of explain_ok; the rendered diagnostics of loading it, with the folder
// shown as `<pack>`.
std::string LoadWithSummary(const std::string& summary) {
  TempDir pack;
  std::ifstream in(kPack + "/schema.yaml");
  std::stringstream schema;
  schema << in.rdbuf();
  pack.Write("schema.yaml", schema.str());
  pack.Write("pack.yaml", "name: s\n" + summary + "includes: [schema.yaml]\n");
  SourceManager sources;
  auto policy = Policy::Load(pack.path(), sources);
  const std::string text = policy.diagnostics().Render(sources);
  EXPECT_FALSE(policy.ok()) << text;
  return ReplaceAll(text, pack.path(), "<pack>");
}

TEST(SummarySectionTest, UnknownTable) {
  EXPECT_EQ(LoadWithSummary("summary:\n  by: county\n  key:\n    village: village.county_id\n"),
            "<pack>/pack.yaml:5:5: error[pack.unknown_table]: unknown table `village`\n"
            " |     village: village.county_id\n"
            " |     ^~~~~~~\n"
            " = help: did you mean `villages`?\n");
}

TEST(SummarySectionTest, BadExpressions) {
  EXPECT_EQ(LoadWithSummary("summary:\n  by: county\n  key:\n    villages: village.county_name\n"
                            "    teams: team.village.(\n"),
            "<pack>/pack.yaml:5:23: error[expr.unknown_field]: `village` has no field "
            "`county_name`\n"
            " |     villages: village.county_name\n"
            " |                       ^~~~~~~~~~~\n"
            "<pack>/pack.yaml:6:25: error[expr.syntax]: unexpected `(`; expected a field "
            "or method name\n"
            " |     teams: team.village.(\n"
            " |                         ^\n"
            "<pack>/pack.yaml:6:26: error[expr.syntax]: unexpected end of expression; "
            "expected an expression\n"
            " |     teams: team.village.(\n"
            " |                          ^\n");
  EXPECT_EQ(LoadWithSummary("summary:\n  by: county\n  key:\n    teams: team.members\n"),
            "<pack>/pack.yaml:5:12: error[engine.summary_key_type]: the summary key of "
            "`teams` must be a single value, but it is a list(members)\n"
            " |     teams: team.members\n"
            " |            ^~~~~~~~~~~~\n"
            " = help: the key gives each row one group, such as a county id\n");
}

TEST(SummarySectionTest, UnknownKey) {
  EXPECT_EQ(LoadWithSummary("summary:\n  by: county\n  keys:\n    villages: village.county_id\n"),
            "<pack>/pack.yaml:4:3: error[pack.unknown_key]: unknown key `keys` in "
            "`summary`\n"
            " |   keys:\n"
            " |   ^~~~\n"
            " = help: did you mean `key`?\n");
}

TEST(SummarySectionTest, MissingKeysWrongShapesAndDuplicates) {
  EXPECT_EQ(LoadWithSummary("summary: {}\n"),
            "<pack>/pack.yaml:2:1: error[pack.missing]: `summary` has no `by` or `key`\n"
            " | summary: {}\n"
            " | ^~~~~~~\n"
            " = help: `summary` has `by` and `key`, e.g. `summary: {by: county, key: "
            "{villages: village.county_id}}`\n");
  EXPECT_EQ(LoadWithSummary("summary: {key: {villages: village.county_id}}\n"),
            "<pack>/pack.yaml:2:1: error[pack.missing]: `summary` has no `by`\n"
            " | summary: {key: {villages: village.county_id}}\n"
            " | ^~~~~~~\n"
            " = help: add `by:`, what a group is called, e.g. `by: county`\n");
  EXPECT_EQ(LoadWithSummary("summary: county\n"),
            "<pack>/pack.yaml:2:10: error[pack.expected_map]: expected a map for "
            "`summary`, found `county`\n"
            " | summary: county\n"
            " |          ^~~~~~\n");
  EXPECT_EQ(LoadWithSummary("summary:\n  by: county\n  key:\n    teams: team.team_id\n"
                            "    teams: team.village_id\n"),
            "<pack>/pack.yaml:6:5: error[pack.duplicate_key]: duplicate table `teams`\n"
            " |     teams: team.village_id\n"
            " |     ^~~~~\n"
            " = help: the table is first given on line 5\n");
  // A name per language, as for titles.
  EXPECT_EQ(LoadWithSummary("summary:\n  by: {en: county, zh: 县, fr: comté}\n  key:\n"
                            "    teams: team.village_id\n"),
            "<pack>/pack.yaml:3:27: error[pack.bad_language]: unknown language `fr` in `by`\n"
            " |   by: {en: county, zh: 县, fr: comté}\n"
            " |                            ^~\n"
            " = help: the languages are `en` and `zh`\n");
}

}  // namespace
}  // namespace zhucun

namespace zhucun {
namespace {

// `labels:` in pack.yaml: how a page in a language shows the data's codes
// (the HTML report's grades).
TEST(LabelsTest, ACodeIsShownByItsLabelInTheLanguageElseAsItIs) {
  SourceManager sources;
  auto policy = Policy::Load(kSourceDir + "/rules/qiannan", sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  EXPECT_EQ(policy.value().Label("excellent", "zh"), "优秀");
  EXPECT_EQ(policy.value().Label("incompetent", "zh"), "不称职");
  EXPECT_EQ(policy.value().Label("excellent", "en"), "excellent");
  EXPECT_EQ(policy.value().Label("weak", "zh"), "weak");
}

TEST(LabelsTest, Mistakes) {
  EXPECT_EQ(LoadWithSummary("labels:\n  cn: {excellent: 优秀}\n"),
            "<pack>/pack.yaml:3:3: error[pack.bad_language]: unknown language `cn` in `labels`\n"
            " |   cn: {excellent: 优秀}\n"
            " |   ^~\n"
            " = help: did you mean `en`?\n");
  EXPECT_EQ(LoadWithSummary("labels:\n  zh: 优秀\n"),
            "<pack>/pack.yaml:3:7: error[pack.expected_map]: expected a map for `zh`, found "
            "`优秀`\n"
            " |   zh: 优秀\n"
            " |       ^~~~\n");
  EXPECT_EQ(LoadWithSummary("labels: {zh: {excellent: [优秀]}}\n"),
            "<pack>/pack.yaml:2:26: error[pack.expected_scalar]: expected a scalar for "
            "`excellent`, found a list\n"
            " | labels: {zh: {excellent: [优秀]}}\n"
            " |                          ^\n");
}

}  // namespace
}  // namespace zhucun
