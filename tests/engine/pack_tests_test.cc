// Pack tests (include/zhucun/pack_test.h, docs/pack-tests.md): a passing
// pack, failing cases with their exact messages, coverage, and every mistake
// a policy clerk can make in a test file, rendered exactly.

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "../facts/facts_test_util.h"
#include "engine_test_util.h"
#include "zhucun/pack_test.h"

namespace zhucun {
namespace {

using testing::kSourceDir;
using testing::ReplaceAll;
using testing::TempDir;

const std::string kMini = kSourceDir + "/tests/testdata/packs/packtest_mini";

// A copy of packtest_mini whose only test file is tests/t.yaml.
class MiniPack {
 public:
  explicit MiniPack(std::string_view test_yaml) : dir_("zhucun-packtest") {
    for (const char* f : {"pack.yaml", "schema.yaml", "rules.yaml"}) {
      std::filesystem::copy_file(kMini + "/" + f, dir_.File(f));
    }
    std::filesystem::create_directory(dir_.File("tests"));
    dir_.Write("tests/t.yaml", test_yaml);
  }
  const std::string& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

// What RunPackTests gave, with the pack folder written as `PACK`.
struct TestRun {
  bool ok = false;
  std::string diagnostics;  // rendered
  PackTestReport report;
  std::string failures;  // every failure rendered, in order
};

TestRun RunTests(const std::string& dir, const PackTestOptions& options = {}) {
  SourceManager sources;
  Result<PackTestReport> r = RunPackTests(dir, sources, options);
  TestRun run;
  run.ok = r.ok();
  run.diagnostics = ReplaceAll(r.diagnostics().Render(sources), dir, "PACK");
  if (r.ok()) {
    run.report = r.value();
    for (const PackTestCaseResult& c : run.report.cases) {
      for (const PackTestFailure& f : c.failures) {
        run.failures +=
            ReplaceAll(RenderDiagnostic(f.diagnostic, sources), dir, "PACK") +
            "\n";
      }
    }
  }
  return run;
}

// The diagnostics of a test file that does not load.
std::string LoadErrors(std::string_view yaml) {
  MiniPack pack(yaml);
  TestRun run = RunTests(pack.path());
  EXPECT_FALSE(run.ok);
  return run.diagnostics;
}

constexpr std::string_view kTables = R"(as_of: 2023-12-31
tables:
  villages: |
    village_id,name,category
    V1,新场村,weak
    V2,良亩村,ordinary
  teams: |
    team_id,village_id,start_date,end_date
    T1,V1,2023-03-01,2023-03-14
)";

TEST(PackTestsTest, RunsThePassingCasesOfAPack) {
  const TestRun run = RunTests(kMini);
  ASSERT_TRUE(run.ok) << run.diagnostics;
  EXPECT_EQ(run.diagnostics, "");
  ASSERT_EQ(run.report.cases.size(), 2u);
  EXPECT_EQ(run.report.cases[0].name, "a village without an active team");
  EXPECT_EQ(run.report.cases[0].file, kMini + "/tests/cases.yaml");
  EXPECT_EQ(run.report.cases[1].name, "a team that lasted 14 days");
  EXPECT_EQ(run.failures, "");
  EXPECT_EQ(run.report.failed(), 0u);
  EXPECT_EQ(run.report.coverage.rules,
            (std::vector<std::string>{"village.no_team", "team.short"}));
  EXPECT_TRUE(run.report.coverage.complete());
  EXPECT_TRUE(run.report.passed());
}

TEST(PackTestsTest, AMissingFindingSaysWhatWasFoundInstead) {
  MiniPack pack(std::string(kTables) + R"(cases:
  - name: wrong village
    expect:
      - {rule: village.no_team, subject: villages:V1}
      - {rule: team.short, subject: teams:T1, period: 2022}
      - {rule: team.short, subject: teams:T1, period: 2023, message: 15 days}
    expect_not:
      - {rule: village.no_team, subject: villages:V1}
      - {rule: team.short}
    tables:
      teams: |
        team_id,village_id,start_date,end_date
        T1,V1,2023-03-01,2023-03-14
        T2,V1,2023-03-15,
)");
  const TestRun run = RunTests(pack.path());
  ASSERT_TRUE(run.ok) << run.diagnostics;
  ASSERT_EQ(run.report.cases.size(), 1u);
  EXPECT_FALSE(run.report.cases[0].passed());
  EXPECT_EQ(run.report.failed(), 1u);
  EXPECT_FALSE(run.report.passed());
  ASSERT_EQ(run.report.cases[0].failures.size(), 4u);
  const PackTestFailure& first = run.report.cases[0].failures[0];
  EXPECT_EQ(first.diagnostic.code, "test.missing_finding");
  ASSERT_EQ(first.found.size(), 1u);
  EXPECT_EQ(first.found[0].subject, "villages:V2");
  EXPECT_EQ(
      run.failures,
      "PACK/tests/t.yaml:13:9: error[test.missing_finding]: expected "
      "`village.no_team` for `villages:V1`, but it is not there\n"
      " |       - {rule: village.no_team, subject: villages:V1}\n"
      " |         ^\n"
      " = help: `village.no_team` fired only for `villages:V2`: no team of "
      "良亩村 on 2023-12-31\n"
      "PACK/tests/t.yaml:14:9: error[test.missing_finding]: expected "
      "`team.short` for `teams:T1` in `2022`, but it is not there\n"
      " |       - {rule: team.short, subject: teams:T1, period: 2022}\n"
      " |         ^\n"
      " = help: found instead: `teams:T1` in `2023`: the team lasted 14 days\n"
      "PACK/tests/t.yaml:15:9: error[test.missing_finding]: expected "
      "`team.short` for `teams:T1` in `2023` with a message containing "
      "`15 days`, but it is not there\n"
      " |       - {rule: team.short, subject: teams:T1, period: 2023, "
      "message: 15 days}\n"
      " |         ^\n"
      " = help: found instead: `teams:T1` in `2023`: the team lasted 14 days\n"
      "PACK/tests/t.yaml:18:9: error[test.unexpected_finding]: expected no "
      "`team.short`, but it fired once\n"
      " |       - {rule: team.short}\n"
      " |         ^\n"
      " = help: found: `teams:T1` in `2023`: the team lasted 14 days\n");
}

TEST(PackTestsTest, ARuleThatDidNotFireAtAll) {
  MiniPack pack(std::string(kTables) + R"(cases:
  - name: x
    expect:
      - {rule: team.short, subject: teams:T1, period: 2023}
    expect_not:
      - {rule: village.no_team}
    tables:
      teams: |
        team_id,village_id,start_date,end_date
        T1,V1,2021-01-01,
        T2,V2,2021-01-01,
)");
  const TestRun run = RunTests(pack.path());
  ASSERT_TRUE(run.ok) << run.diagnostics;
  EXPECT_EQ(run.failures,
            "PACK/tests/t.yaml:13:9: error[test.missing_finding]: expected "
            "`team.short` for `teams:T1` in `2023`, but it is not there\n"
            " |       - {rule: team.short, subject: teams:T1, period: 2023}\n"
            " |         ^\n"
            " = help: `team.short` did not fire at all\n");
}

TEST(PackTestsTest, DerivedRowsAreComparedExactly) {
  MiniPack pack(std::string(kTables) + R"(cases:
  - name: days
    derived:
      team_days: |
        team_id,days
        T1,15
  - name: days, in another column order
    derived:
      team_days: |
        days,team_id
        14,T1
  - name: a row too many
    derived:
      team_days: |
        team_id
        T1
        T2
)");
  const TestRun run = RunTests(pack.path());
  ASSERT_TRUE(run.ok) << run.diagnostics;
  ASSERT_EQ(run.report.cases.size(), 3u);
  EXPECT_FALSE(run.report.cases[0].passed());
  EXPECT_TRUE(run.report.cases[1].passed());
  EXPECT_FALSE(run.report.cases[2].passed());
  EXPECT_EQ(run.failures,
            "PACK/tests/t.yaml:15:9: error[test.derived_mismatch]: `team_days` "
            "row 1 is `T1,14`, not the expected `T1,15`\n"
            " |         T1,15\n"
            " |         ^~~~~\n"
            " = help: columns: team_id,days\n"
            "PACK/tests/t.yaml:26:9: error[test.derived_mismatch]: `team_days` "
            "has 1 row; the expected row `T2` is not there\n"
            " |         T2\n"
            " |         ^~\n"
            " = help: columns: team_id\n");
}

TEST(PackTestsTest, ParametersComeFromTheOptionsThenTheFileThenTheCase) {
  MiniPack pack(std::string(kTables) + R"(params: {min_days: 16}
cases:
  - name: the file's parameter
    expect:
      - {rule: team.short, subject: teams:T1, period: 2023}
  - name: the case's parameter
    params: {min_days: 14}
    expect_not:
      - {rule: team.short}
)");
  TestRun run = RunTests(pack.path());
  ASSERT_TRUE(run.ok) << run.diagnostics;
  EXPECT_EQ(run.failures, "");
  // --param is overridden by the file and the case.
  PackTestOptions options;
  options.params["min_days"] = "1";
  run = RunTests(pack.path(), options);
  ASSERT_TRUE(run.ok) << run.diagnostics;
  EXPECT_EQ(run.failures, "");
}

TEST(PackTestsTest, AParamOptionThatIsNoParameterIsALoadError) {
  PackTestOptions options;
  options.params["min_dayz"] = "1";
  const TestRun run = RunTests(kMini, options);
  EXPECT_FALSE(run.ok);
  EXPECT_EQ(run.diagnostics,
            "error[engine.unknown_param]: unknown parameter `min_dayz`\n"
            " = help: did you mean `min_days`?\n");
}

TEST(PackTestsTest, CoverageListsRulesThatNoCaseExercises) {
  MiniPack pack(std::string(kTables) + R"(cases:
  - name: only one rule, only one way
    expect:
      - {rule: team.short, subject: teams:T1, period: 2023}
)");
  const TestRun run = RunTests(pack.path());
  ASSERT_TRUE(run.ok) << run.diagnostics;
  EXPECT_EQ(run.report.failed(), 0u);
  EXPECT_EQ(run.report.coverage.never_fires,
            std::vector<std::string>{"village.no_team"});
  EXPECT_EQ(run.report.coverage.never_quiet,
            (std::vector<std::string>{"village.no_team", "team.short"}));
  EXPECT_FALSE(run.report.coverage.complete());
  EXPECT_FALSE(run.report.passed());
}

TEST(PackTestsTest, AFilterRunsSomeCasesAndDoesNotRequireCoverage) {
  PackTestOptions options;
  options.filter = "14 days";
  const TestRun run = RunTests(kMini, options);
  ASSERT_TRUE(run.ok) << run.diagnostics;
  ASSERT_EQ(run.report.cases.size(), 1u);
  EXPECT_EQ(run.report.cases[0].name, "a team that lasted 14 days");
  EXPECT_FALSE(run.report.coverage_checked);
  EXPECT_TRUE(run.report.passed());
}

// Every mistake in a test file, rendered.
struct BadTestFile {
  const char* what;
  std::string yaml;
  std::string rendered;
};

class PackTestsErrorTest : public ::testing::TestWithParam<BadTestFile> {};

TEST_P(PackTestsErrorTest, IsRenderedWithItsPlace) {
  EXPECT_EQ(LoadErrors(GetParam().yaml), GetParam().rendered);
}

const BadTestFile kBadTestFiles[] = {
    {"unknown key", std::string(kTables) + R"(cases:
  - name: x
    expekt: []
)",
     "PACK/tests/t.yaml:12:5: error[test.unknown_key]: unknown key `expekt` in "
     "a case\n"
     " |     expekt: []\n"
     " |     ^~~~~~\n"
     " = help: did you mean `expect`?\n"},
    {"unknown key of an expectation", std::string(kTables) + R"(cases:
  - name: x
    expect_not:
      - {rule: team.short, subjekt: teams:T1}
)",
     "PACK/tests/t.yaml:13:28: error[test.unknown_key]: unknown key `subjekt` "
     "in "
     "an `expect_not` item\n"
     " |       - {rule: team.short, subjekt: teams:T1}\n"
     " |                            ^~~~~~~\n"
     " = help: did you mean `subject`?\n"},
    {"bad CSV cell", R"(as_of: 2023-12-31
cases:
  - name: x
    tables:
      villages: |
        village_id,name,category
        V1,新场村,wek
      teams: |
        team_id,village_id,start_date,end_date
        T1,V1,2023-02-30,
    expect_not:
      - {rule: team.short}
)",
     "PACK/tests/t.yaml:7:16: error[csv.bad_code]: `category`: `wek` is not a "
     "known "
     "code; expected one of weak, poor, ordinary\n"
     " |         V1,新场村,wek\n"
     " |                   ^~~\n"
     " = help: did you mean `weak`?\n"
     "PACK/tests/t.yaml:10:15: error[csv.bad_date]: `start_date`: `2023-02-30` "
     "is "
     "not a real calendar date; expected a real calendar date YYYY-MM-DD\n"
     " |         T1,V1,2023-02-30,\n"
     " |               ^~~~~~~~~~\n"},
    {"unknown rule", std::string(kTables) + R"(cases:
  - name: x
    expect_not:
      - {rule: team.shrt}
)",
     "PACK/tests/t.yaml:13:16: error[test.unknown_rule]: unknown rule "
     "`team.shrt`\n"
     " |       - {rule: team.shrt}\n"
     " |                ^~~~~~~~~\n"
     " = help: did you mean `team.short`?\n"},
    {"unknown table", std::string(kTables) + R"(cases:
  - name: x
    tables:
      team: |
        team_id,village_id,start_date,end_date
    expect_not:
      - {rule: team.short}
)",
     "PACK/tests/t.yaml:13:7: error[test.unknown_table]: unknown table `team`\n"
     " |       team: |\n"
     " |       ^~~~\n"
     " = help: did you mean `teams`?\n"},
    {"unknown column", std::string(kTables) + R"(cases:
  - name: x
    tables:
      teams: |
        team_id,village_id,start_date,end_dat
    expect_not:
      - {rule: team.short}
)",
     "PACK/tests/t.yaml:14:39: error[test.unknown_column]: table `teams` has "
     "no "
     "column `end_dat`\n"
     " |         team_id,village_id,start_date,end_dat\n"
     " |                                       ^~~~~~~\n"
     " = help: did you mean `end_date`?\n"},
    {"missing as_of", R"(cases:
  - name: no date
    expect_not:
      - {rule: team.short}
)",
     "PACK/tests/t.yaml:2:11: error[test.missing]: case `no date` has no "
     "`as_of`\n"
     " |   - name: no date\n"
     " |           ^~~~~~~\n"
     " = help: give the evaluation date, e.g. `as_of: 2024-06-30`, in the case "
     "or "
     "at the top of the file\n"},
    {"bad date", R"(cases:
  - name: x
    as_of: 2023-02-29
    from: 2023/01/01
    expect_not:
      - {rule: team.short}
)",
     "PACK/tests/t.yaml:3:12: error[test.bad_date]: `as_of`: `2023-02-29` is "
     "not "
     "a date\n"
     " |     as_of: 2023-02-29\n"
     " |            ^~~~~~~~~~\n"
     " = help: write a real calendar date as YYYY-MM-DD, e.g. `2024-06-30`\n"
     "PACK/tests/t.yaml:4:11: error[test.bad_date]: `from`: `2023/01/01` is "
     "not a "
     "date\n"
     " |     from: 2023/01/01\n"
     " |           ^~~~~~~~~~\n"
     " = help: write a real calendar date as YYYY-MM-DD, e.g. `2024-06-30`\n"},
    {"periods", std::string(kTables) + R"(cases:
  - name: x
    expect:
      - {rule: team.short, subject: teams:T1}
      - {rule: team.short, subject: teams:T1, period: 2023-Q1}
      - {rule: village.no_team, subject: villages:V1, period: 2023}
    expect_not:
      - {rule: team.short, period: 2023H1}
)",
     "PACK/tests/t.yaml:13:9: error[test.missing]: rule `team.short` is judged "
     "per "
     "period; the expected finding has no `period`\n"
     " |       - {rule: team.short, subject: teams:T1}\n"
     " |         ^\n"
     " = help: add the period, e.g. `period: 2023`\n"
     "PACK/tests/t.yaml:14:55: error[test.bad_period]: rule `team.short` is "
     "judged "
     "per year, but `2023-Q1` is a quarter\n"
     " |       - {rule: team.short, subject: teams:T1, period: 2023-Q1}\n"
     " |                                                       ^~~~~~~\n"
     " = help: write a year, e.g. `2023`\n"
     "PACK/tests/t.yaml:15:63: error[test.bad_period]: rule `village.no_team` "
     "has "
     "no periods, but a `period` is given\n"
     " |       - {rule: village.no_team, subject: villages:V1, period: 2023}\n"
     " |                                                               ^~~~\n"
     " = help: leave the `period` out for this rule\n"
     "PACK/tests/t.yaml:17:36: error[test.bad_period]: `2023H1` is not a "
     "period\n"
     " |       - {rule: team.short, period: 2023H1}\n"
     " |                                    ^~~~~~\n"
     " = help: write a period as `2023`, `2023-H1`, `2023-Q1` or `2023-07`\n"},
    {"subjects", std::string(kTables) + R"(cases:
  - name: x
    expect:
      - {rule: village.no_team}
    expect_not:
      - {rule: village.no_team, subject: village:V1}
      - {rule: village.no_team, subject: villages:V9}
)",
     "PACK/tests/t.yaml:13:9: error[test.missing]: the expected finding has no "
     "`subject`\n"
     " |       - {rule: village.no_team}\n"
     " |         ^\n"
     " = help: say whose finding it is, e.g. `subject: members:M1`\n"
     "PACK/tests/t.yaml:15:42: error[test.bad_subject]: rule `village.no_team` "
     "is "
     "about `villages`, but the subject is `village:V1`\n"
     " |       - {rule: village.no_team, subject: village:V1}\n"
     " |                                          ^~~~~~~~~~\n"
     " = help: write the subject as `villages:<village_id>`\n"
     "PACK/tests/t.yaml:16:42: error[test.unknown_subject]: the case has no "
     "`villages` row with `village_id` `V9`\n"
     " |       - {rule: village.no_team, subject: villages:V9}\n"
     " |                                          ^~~~~~~~~~~\n"
     " = help: a subject names a row of the case's tables\n"},
    {"case names and nothing expected", std::string(kTables) + R"(cases:
  - name: x
  - name: x
    expect_not: [{rule: team.short}]
  - as_of: 2023-12-31
)",
     "PACK/tests/t.yaml:11:11: error[test.nothing_expected]: case `x` expects "
     "nothing\n"
     " |   - name: x\n"
     " |           ^\n"
     " = help: add `expect:` (findings that must be there), `expect_not:` "
     "(findings that must not), `expect_exempted:` (findings an exception record exempts) or `derived:` (rows of a derived table)\n"
     "PACK/tests/t.yaml:12:11: error[test.duplicate_case]: duplicate case name "
     "`x`\n"
     " |   - name: x\n"
     " |           ^\n"
     " = help: the name is first used on line 11\n"
     "PACK/tests/t.yaml:14:5: error[test.missing]: the case has no `name`\n"
     " |   - as_of: 2023-12-31\n"
     " |     ^\n"
     " = help: every case starts with `- name: ...`, a sentence saying what it "
     "checks\n"
     "PACK/tests/t.yaml:14:5: error[test.nothing_expected]: case `` expects "
     "nothing\n"
     " |   - as_of: 2023-12-31\n"
     " |     ^\n"
     " = help: add `expect:` (findings that must be there), `expect_not:` "
     "(findings that must not), `expect_exempted:` (findings an exception record exempts) or `derived:` (rows of a derived table)\n"},
    {"parameters", std::string(kTables) + R"(cases:
  - name: x
    params: {min_dayz: 3, min_days: many}
    expect_not: [{rule: team.short}]
)",
     "PACK/tests/t.yaml:12:14: error[test.unknown_param]: unknown parameter "
     "`min_dayz`\n"
     " |     params: {min_dayz: 3, min_days: many}\n"
     " |              ^~~~~~~~\n"
     " = help: did you mean `min_days`?\n"
     "PACK/tests/t.yaml:12:37: error[test.bad_param]: expected an integer "
     "such as `15` for parameter `min_days`, found `many`\n"
     " |     params: {min_dayz: 3, min_days: many}\n"
     " |                                     ^~~~\n"},
    {"derived tables", std::string(kTables) + R"(cases:
  - name: x
    derived:
      team_dayz: |
        team_id
      team_days: |
        team_id,dayz
)",
     "PACK/tests/t.yaml:13:7: error[test.unknown_table]: unknown derived table "
     "`team_dayz`\n"
     " |       team_dayz: |\n"
     " |       ^~~~~~~~~\n"
     " = help: did you mean `team_days`?\n"
     "PACK/tests/t.yaml:16:17: error[test.unknown_column]: derived table "
     "`team_days` has no column `dayz`\n"
     " |         team_id,dayz\n"
     " |                 ^~~~\n"
     " = help: did you mean `days`?\n"},
    {"no cases", "as_of: 2023-12-31\n",
     "PACK/tests/t.yaml:1:1: error[test.missing]: the test file has no "
     "`cases`\n"
     " | as_of: 2023-12-31\n"
     " | ^\n"
     " = help: add a list of `cases:` (docs/pack-tests.md)\n"},
};

INSTANTIATE_TEST_SUITE_P(
    AllMistakes, PackTestsErrorTest, ::testing::ValuesIn(kBadTestFiles),
    [](const ::testing::TestParamInfo<BadTestFile>& info) {
      std::string name;
      for (const char* p = info.param.what; *p != '\0'; ++p) {
        name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
      }
      return name;
    });

TEST(PackTestsTest, ABadTableSharedByTheCasesOfAFileIsReportedOnce) {
  const std::string errors = LoadErrors(R"(as_of: 2023-12-31
tables:
  villages: |
    village_id,name,category
    V1,新场村,wek
cases:
  - name: one
    expect_not: [{rule: team.short}]
  - name: two
    expect_not: [{rule: team.short}]
)");
  EXPECT_EQ(
      errors,
      "PACK/tests/t.yaml:5:12: error[csv.bad_code]: `category`: `wek` is not "
      "a known code; expected one of weak, poor, ordinary\n"
      " |     V1,新场村,wek\n"
      " |               ^~~\n"
      " = help: did you mean `weak`?\n");
}

TEST(PackTestsTest, ATableThatIsNoBlockPointsAtTheWholeValue) {
  const std::string errors = LoadErrors(R"(as_of: 2023-12-31
cases:
  - name: one
    tables:
      villages: "village_id,name,category\nV1,x,wek\n"
    expect_not: [{rule: team.short}]
)");
  EXPECT_EQ(
      errors,
      "PACK/tests/t.yaml:5:17: error[csv.bad_code]: `category`: `wek` is not "
      "a known code; expected one of weak, poor, ordinary\n"
      " |       villages: \"village_id,name,category\\nV1,x,wek\\n\"\n"
      " |                 ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
      " = help: did you mean `weak`?\n");
}

}  // namespace
}  // namespace zhucun

namespace zhucun {
namespace {

// packtest_mini with the exception records' table (docs/rules.md,
// "Exceptions") and tests/t.yaml.
class MiniPackWithExceptions : public MiniPack {
 public:
  explicit MiniPackWithExceptions(std::string_view test_yaml) : MiniPack(test_yaml) {
    std::ifstream in(path() + "/schema.yaml");
    std::string schema(std::istreambuf_iterator<char>(in), {});
    in.close();
    std::ofstream(path() + "/schema.yaml")
        << schema << testing::kExceptionsTableYaml;
  }
};

// V2 has no team (village.no_team); T1 lasted 14 days in 2023 (team.short).
constexpr std::string_view kExceptionCase = R"(
cases:
  - name: exempted
    tables:
      exceptions: |
        exception_id,rule,subject,period,reason,approved_by,approved_on,valid_from,valid_until
        E1,village.no_team,villages:V2,,新建村,县委,2023-01-05,2023-01-01,
        E2,team.short,teams:T1,2023,试点,县委,2023-01-05,2024-01-01,
    expect_exempted:
      - {rule: village.no_team, subject: villages:V2, exception: E1}
      - {rule: team.short, subject: teams:T1, period: 2023}
      - {rule: village.no_team, subject: villages:V2, exception: E9}
    expect:
      - {rule: exceptions.not_in_force, subject: exceptions:E2, period: 2023}
)";

TEST(PackTestsTest, ExpectExemptedChecksTheExemptedFindings) {
  MiniPackWithExceptions pack(std::string(kTables) + std::string(kExceptionCase));
  const TestRun run = RunTests(pack.path());
  ASSERT_TRUE(run.ok) << run.diagnostics;
  ASSERT_EQ(run.report.cases.size(), 1u);
  // E2 is valid from 2024-01-01, after 2023's last day: team.short stays.
  EXPECT_EQ(run.failures,
            "PACK/tests/t.yaml:20:9: error[test.missing_exemption]: expected `team.short` for "
            "`teams:T1` in `2023` to be exempted, but it is not\n"
            " |       - {rule: team.short, subject: teams:T1, period: 2023}\n"
            " |         ^\n"
            " = help: it is a finding: `teams:T1` in `2023`: the team lasted 14 days; "
            "exceptions:E2 does not exempt `team.short` on `teams:T1`: it is valid from "
            "2024-01-01, after the finding's date 2023-12-31\n"
            "PACK/tests/t.yaml:21:9: error[test.missing_exemption]: expected `village.no_team` "
            "for `villages:V2` to be exempted by `E9`, but it is not\n"
            " |       - {rule: village.no_team, subject: villages:V2, exception: E9}\n"
            " |         ^\n"
            " = help: it is exempted by `E1`\n");
}

TEST(PackTestsTest, ExpectExemptedMistakes) {
  // Without an exceptions table nothing can be exempted.
  EXPECT_NE(LoadErrors(std::string(kTables) + R"(cases:
  - name: x
    expect_exempted:
      - {rule: team.short, subject: teams:T1, period: 2023}
)")
                .find("error[test.no_exceptions]: the pack has no `exceptions` table, so no "
                      "finding can be exempted"),
            std::string::npos);
  MiniPackWithExceptions pack(std::string(kTables) + R"(cases:
  - name: x
    expect_exempted:
      - {rule: exceptions.unknown_rule, subject: exceptions:E1}
    expect:
      - {rule: exceptions.unknown_rule, subject: villages:V1}
)");
  const TestRun run = RunTests(pack.path());
  EXPECT_FALSE(run.ok);
  EXPECT_NE(run.diagnostics.find("error[test.bad_rule]: the findings of "
                                 "`exceptions.unknown_rule` are about exception records; "
                                 "they are never exempted"),
            std::string::npos)
      << run.diagnostics;
  EXPECT_NE(run.diagnostics.find("error[test.bad_subject]: the subjects of "
                                 "`exceptions.unknown_rule` are exception records, not "
                                 "`villages:V1`"),
            std::string::npos)
      << run.diagnostics;
}

}  // namespace
}  // namespace zhucun
