// `zhucun explain`, `zhucun validate` and the summary `zhucun check` prints
// without --out, run in-process through RunCli: what they print, their exit
// statuses and every error a user can make.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../facts/facts_test_util.h"
#include "run_zhucun.h"
#include "command.h"

namespace zhucun {
namespace {

using testing::kSourceDir;
using testing::ReplaceAll;
using testing::TempDir;

const std::string kPack = kSourceDir + "/tests/testdata/packs/explain_ok";
// Its facts (as in tests/engine/explain_test.cc).
const std::string kData = kPack + "/data";
const std::string kQiannan = kSourceDir + "/rules/qiannan";
const std::string kExample = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";

using testing::CliRun;
using testing::RunZhucun;

class CliExplainTest : public ::testing::Test {
 protected:
  CliRun Explain(std::vector<std::string> finding) {
    std::vector<std::string> args = {"explain", "--rules", kPack, "--data",
                                     kData, "--as-of", "2024-06-30"};
    args.insert(args.end(), finding.begin(), finding.end());
    return RunZhucun(args);
  }
};

TEST_F(CliExplainTest, AFiredFindingExitsZero) {
  const CliRun r = Explain({"team.cadres", "teams:T1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "rule      team.cadres  每队至少2名驻村干部\n"
            "source    工作队\"1+2+N\"组成\n"
            "severity  error\n"
            "subject   teams:T1\n"
            "result    fired: 1 resident cadres on 2024-06-30\n"
            "\n"
            "row teams:T1\n"
            "  team_id     T1\n"
            "  village_id  V1\n"
            "  start_date  2022-01-01\n"
            "  end_date    (empty)\n"
            "\n"
            "values\n"
            "  cadres = 1\n"
            "           team.members.filter(m, …): kept 1 of 2: members:M1\n"
            "\n"
            "conditions (when)\n"
            "  true  active(team, as_of)\n"
            "  true  (cadres < params.min_cadres || cadres > 5)\n"
            "  true  team.village.category != 'ordinary'\n");
}

TEST_F(CliExplainTest, ANotFiredDecisionExitsOneAndShowsTheFirstFalseCondition) {
  const CliRun r = Explain({"team.cadres", "teams:T2"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("result    did not fire\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  true   active(team, as_of)\n"
                       "  false  (cadres < params.min_cadres || cadres > 5)   <- first false\n"
                       "  true   team.village.category != 'ordinary'\n"),
            std::string::npos)
      << r.out;
}

TEST_F(CliExplainTest, PeriodsAndGroups) {
  const CliRun q = Explain({"member.started", "members:M2", "2023-Q1"});
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_NE(q.out.find("period    2023-Q1\n"), std::string::npos) << q.out;
  const CliRun y = Explain({"member.ended", "members:M5", "2022"});
  EXPECT_EQ(y.exit_code, 0) << y.err;
  EXPECT_NE(y.out.find("periods of the subject\n"
                       "  member.end_date == null ? [] : [year(member.end_date)] = [2022]\n"),
            std::string::npos)
      << y.out;
  const CliRun g = Explain({"member.overlap", "persons:P3"});
  EXPECT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NE(g.out.find("row members:M3\n"), std::string::npos) << g.out;
  EXPECT_NE(g.out.find("row members:M4\n"), std::string::npos) << g.out;
}

TEST_F(CliExplainTest, UnknownRuleSubjectOrPeriodExitsTwo) {
  CliRun r = Explain({"team.cadre", "teams:T1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "error[engine.unknown_rule]: unknown rule `team.cadre`\n"
            " = help: did you mean `team.cadres`?\n");
  r = Explain({"team.cadres", "teams:T7"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "error[engine.unknown_subject]: unknown subject `teams:T7`: no row of "
            "`teams` has `team_id` `T7`\n"
            " = help: did you mean `teams:T1`?\n");
  r = Explain({"member.started", "members:M2", "2019-Q1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "error[engine.unknown_period]: rule `member.started` does not judge "
            "`members:M2` in `2019-Q1`\n"
            " = help: it judges the quarters wholly inside [2023-01-01, 2024-06-30]: "
            "`2023-Q1`, `2023-Q2`, `2023-Q3`, `2023-Q4`, `2024-Q1`, `2024-Q2`\n");
}

TEST_F(CliExplainTest, UsageErrorsExitTwo) {
  CliRun r = Explain({"team.cadres"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "zhucun explain: expected RULE SUBJECT [PERIOD], e.g. `zhucun explain "
            "... team.first_secretary teams:T0001`\n");
  r = Explain({"member.started", "members:M2", "2023-Q1", "extra"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "zhucun explain: expected RULE SUBJECT [PERIOD], e.g. `zhucun explain "
            "... team.first_secretary teams:T0001`\n");
  r = RunZhucun({"explain", "--rules", kPack, "--data", kData, "--as-of",
           "2024-02-30", "team.cadres", "teams:T1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "zhucun explain: `--as-of 2024-02-30` is not a date; expected "
            "YYYY-MM-DD (a real calendar date)\n");
  r = RunZhucun({"explain", "--rules", kPack, "--data", kData, "--as-of",
           "2024-06-30", "--param", "min_cadres", "team.cadres", "teams:T1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "zhucun explain: `--param min_cadres`: expected NAME=VALUE\n");
}

TEST_F(CliExplainTest, AParameterChangesTheDecision) {
  const CliRun r = RunZhucun({"explain", "--rules", kPack, "--data", kData, "--as-of",
                     "2024-06-30", "--param", "min_cadres=1", "team.cadres",
                     "teams:T1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("<- first false"), std::string::npos) << r.out;
}

TEST(CliExplainExampleTest, ExplainsAQiannanFinding) {
  // ../shared/spec/example/expected/findings.csv has this finding.
  const CliRun r = RunZhucun({"explain", "--rules", kQiannan, "--data", kExample, "--as-of",
                        "2024-06-30", "handover.period", "handovers:H000038"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, testing::ExampleWarning("explain", kExample));
  EXPECT_NE(r.out.find("\nresult    fired: "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\nrow handovers:H000038\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nsource    "), std::string::npos) << r.out;
}

// A pack folder holding explain_ok's schema and the given pack.yaml.
class PackDir {
 public:
  explicit PackDir(const std::string& pack_yaml) {
    std::ifstream in(kPack + "/schema.yaml");
    std::stringstream schema;
    schema << in.rdbuf();
    dir_.Write("schema.yaml", schema.str());
    dir_.Write("pack.yaml", pack_yaml);
  }
  const std::string& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

TEST(CliValidateTest, AValidPackPrintsASummary) {
  const CliRun r = RunZhucun({"validate", kPack});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "explain 0.2.0 (解释测试) is valid: 6 rules (6 check; 2 of severity error and 4 "
            "of severity warning), 2 parameters, 0 derived tables and 0 test files; the check "
            "summary counts findings by county.\n");
  const CliRun q = RunZhucun({"validate", kQiannan});
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out.rfind("qiannan ", 0), 0u) << q.out;
  EXPECT_NE(q.out.find("1 derived table (`assessment_grades`)"), std::string::npos) << q.out;
}

TEST(CliValidateTest, APackWithoutRulesOrSummary) {
  PackDir pack("name: bare\nincludes: [schema.yaml]\n");
  const CliRun r = RunZhucun({"validate", pack.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "bare is valid: 0 rules, 0 parameters, 0 derived tables and 0 test "
            "files; no summary groups.\n");
}

TEST(CliValidateTest, EveryProblemIsReportedAndExitsTwo) {
  PackDir pack(
      "name: bad\n"
      "summary:\n"
      "  by: county\n"
      "  key:\n"
      "    village: village.county_id\n"
      "  keys: {}\n"
      "includes: [schema.yaml]\n");
  const CliRun r = RunZhucun({"validate", pack.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(ReplaceAll(r.err, pack.path(), "<pack>"),
            "<pack>/pack.yaml:5:5: error[pack.unknown_table]: unknown table `village`\n"
            " |     village: village.county_id\n"
            " |     ^~~~~~~\n"
            " = help: did you mean `villages`?\n"
            "<pack>/pack.yaml:6:3: error[pack.unknown_key]: unknown key `keys` in "
            "`summary`\n"
            " |   keys: {}\n"
            " |   ^~~~\n"
            " = help: did you mean `key`?\n"
            "zhucun validate: 2 problems in `<pack>`\n");
}

TEST(CliValidateTest, AMissingFolder) {
  const CliRun r = RunZhucun({"validate", kSourceDir + "/no/such/pack"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(ReplaceAll(r.err, kSourceDir, "<src>"),
            "error[pack.unreadable]: cannot read pack folder `<src>/no/such/pack`: "
            "no such folder\n"
            "zhucun validate: 1 problem in `<src>/no/such/pack`\n");
}

TEST(CliCheckSummaryTest, CountsByRuleAndCountyAndExplainsTheFirstFindings) {
  const CliRun r = RunZhucun({"check", "--rules", kPack, "--data", kData, "--as-of",
                     "2024-06-30"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, "");
  // Columns align by display width: a CJK character takes two.
  EXPECT_EQ(r.out.substr(0, r.out.find("\nfirst ")),
            "zhucun check: 8 findings as of 2024-06-30 (3 errors, 5 warnings)\n"
            "\n"
            "  rule                 severity  findings  title\n"
            "  member.ended         warning          1  离岗年份\n"
            "  member.overlap       error            2  同一人不得同时有两个驻村岗位\n"
            "  member.started       warning          2  季度内到岗\n"
            "  prefecture.villages  warning          1  村数\n"
            "  team.cadres          error            1  每队至少2名驻村干部\n"
            "  village.no_team      warning          1  每村一支工作队\n"
            "\n"
            "  county       errors  warnings\n"
            "  都匀市            1         3\n"
            "  福泉市            1         1\n"
            "  (no county)       1         1\n");
  EXPECT_NE(r.out.find("first 8 of 8 findings (`zhucun explain RULE SUBJECT [PERIOD]` "
                       "explains any one):\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  error  team.cadres  teams:T1\n"
                       "      1 resident cadres on 2024-06-30\n"
                       "      clause: 工作队\"1+2+N\"组成\n"
                       "      values:\n"
                       "        cadres = 1\n"
                       "          team.members.filter(m, …): kept 1 of 2: members:M1\n"
                       "        active(team, as_of) = true\n"
                       "        (cadres < params.min_cadres || cadres > 5) = true\n"
                       "        team.village.category != 'ordinary' = true\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  warning  member.ended  members:M5  2022\n"
                       "      ended in 2022\n"
                       "      clause: 离岗\n"
                       "      values:\n"
                       "        periods: member.end_date == null ? [] : "
                       "[year(member.end_date)] = [2022]\n"),
            std::string::npos)
      << r.out;
}

// A long condition is cut before its value, never the value (issue 14,
// item 5: "the summary's values lines are cut before the value").
TEST(CliCheckSummaryTest, ALongConditionKeepsItsValue) {
  const CliRun r = RunZhucun({"check", "--rules", kQiannan, "--data", kExample, "--as-of",
                              "2024-06-30"});
  EXPECT_NE(r.out.find("        unit.members.exists(m, m.assessments.exists(a, year_of(a.year) "
                       "== period && grade(a) in ['ba… = true\n"),
            std::string::npos)
      << r.out;
}

TEST(CliCheckSummaryTest, QiannanCountsByCountyAndShowsTenFindings) {
  const CliRun r = RunZhucun({"check", "--rules", kQiannan, "--data", kExample, "--as-of",
                     "2024-06-30"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, testing::ExampleWarning("check", kExample));
  EXPECT_NE(r.out.find("\n  county  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  都匀市  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  (no county)  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("first 10 of "), std::string::npos) << r.out;
  size_t clauses = 0;
  for (size_t at = 0; (at = r.out.find("      clause: ", at)) != std::string::npos; ++at) {
    ++clauses;
  }
  EXPECT_EQ(clauses, 10u);
}

}  // namespace
}  // namespace zhucun
