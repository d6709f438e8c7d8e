// `zhucun test` (docs/pack-tests.md), run in-process through RunCli: its
// output, exit status and options.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "../facts/facts_test_util.h"
#include "run_zhucun.h"

namespace zhucun {
namespace {

using testing::kSourceDir;
using testing::ReplaceAll;
using testing::TempDir;

const std::string kMini = kSourceDir + "/tests/testdata/packs/packtest_mini";

using testing::CliRun;

// Runs `zhucun test <args>`.
CliRun RunTestCommand(std::vector<std::string> args) {
  args.insert(args.begin(), "test");
  return testing::RunZhucun(std::move(args));
}

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

TEST(CliTestTest, PrintsOneLinePerCaseCoverageAndTotals) {
  const CliRun r = RunTestCommand({kMini});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(
      r.out,
      "ok   tests/cases.yaml: a village without an active team\n"
      "ok   tests/cases.yaml: a team that lasted 14 days\n"
      "coverage: each of the 2 rules is expected to fire in some case and "
      "not to in another\n"
      "2 cases: 2 passed, 0 failed\n");
}

TEST(CliTestTest, AFailingCaseIsRenderedAndExitsOne) {
  MiniPack pack(R"(as_of: 2023-12-31
tables:
  villages: |
    village_id,name,category
    V1,新场村,weak
cases:
  - name: the village has a team
    expect_not:
      - {rule: village.no_team, subject: villages:V1}
)");
  const CliRun r = RunTestCommand({pack.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(
      ReplaceAll(r.out, pack.path(), "PACK"),
      "FAIL tests/t.yaml: the village has a team\n"
      "PACK/tests/t.yaml:9:9: error[test.unexpected_finding]: expected no "
      "`village.no_team` for `villages:V1`, but it fired once\n"
      " |       - {rule: village.no_team, subject: villages:V1}\n"
      " |         ^\n"
      " = help: found: `villages:V1`: no team of 新场村 on 2023-12-31\n"
      "coverage: incomplete\n"
      "  no case expects these rules to fire: village.no_team and team.short\n"
      "  no case expects these rules not to fire: team.short\n"
      "1 case: 0 passed, 1 failed\n");
}

TEST(CliTestTest, IncompleteCoverageAloneExitsOne) {
  MiniPack pack(R"(as_of: 2023-12-31
cases:
  - name: nothing fires on no data
    expect_not:
      - {rule: village.no_team}
      - {rule: team.short}
)");
  const CliRun r = RunTestCommand({pack.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(
      r.out,
      "ok   tests/t.yaml: nothing fires on no data\n"
      "coverage: incomplete\n"
      "  no case expects these rules to fire: village.no_team and team.short\n"
      "1 case: 1 passed, 0 failed\n");
}

TEST(CliTestTest, ATestFileThatDoesNotLoadExitsTwo) {
  MiniPack pack(R"(as_of: 2023-12-31
cases:
  - name: x
    expect_not:
      - {rule: village.noteam}
)");
  const CliRun r = RunTestCommand({pack.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(ReplaceAll(r.err, pack.path(), "PACK"),
            "PACK/tests/t.yaml:5:16: error[test.unknown_rule]: unknown rule "
            "`village.noteam`\n"
            " |       - {rule: village.noteam}\n"
            " |                ^~~~~~~~~~~~~~\n"
            " = help: did you mean `village.no_team`?\n");
}

TEST(CliTestTest, AFilterRunsMatchingCasesWithoutCoverage) {
  const CliRun r = RunTestCommand({kMini, "--filter", "14 days"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ok   tests/cases.yaml: a team that lasted 14 days\n"
            "coverage: not checked (--filter)\n"
            "1 case: 1 passed, 0 failed\n");
}

TEST(CliTestTest, ParamsOverrideThePack) {
  // With min_days 10 a team of 14 days is not short: the case fails.
  CliRun r = RunTestCommand({kMini, "--param", "min_days=10"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("FAIL tests/cases.yaml: a team that lasted 14 days\n"),
            std::string::npos)
      << r.out;
  r = RunTestCommand({kMini, "--param", "min_days"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "zhucun test: `--param min_days`: expected NAME=VALUE\n");
  r = RunTestCommand({kMini, "--param", "min_dayz=3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "error[engine.unknown_param]: unknown parameter `min_dayz`\n"
            " = help: did you mean `min_days`?\n");
}

TEST(CliTestTest, APackThatDoesNotLoadExitsTwo) {
  const TempDir empty;
  const CliRun r = RunTestCommand({empty.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("error[pack."), std::string::npos) << r.err;
}

TEST(CliTestTest, TheQiannanPackPassesItsOwnTests) {
  const CliRun r = RunTestCommand({kSourceDir + "/rules/qiannan"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coverage: each of the 31 rules"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace zhucun
