// `zhucun test` (docs/pack-tests.md), run in-process through RunCli: its
// output, exit status and options.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../facts/facts_test_util.h"
#include "cli.h"

namespace zhucun {
namespace {

using testing::kSourceDir;
using testing::ReplaceAll;
using testing::TempDir;

const std::string kMini = kSourceDir + "/tests/testdata/packs/packtest_mini";

struct TestRun {
  int exit_code;
  std::string out;
  std::string err;
};

TestRun RunTestCommand(std::vector<std::string> args) {
  args.insert(args.begin(), {"zhucun", "test"});
  std::vector<char*> argv;
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(args.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
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
  const TestRun r = RunTestCommand({kMini});
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
  const TestRun r = RunTestCommand({pack.path()});
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
  const TestRun r = RunTestCommand({pack.path()});
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
  const TestRun r = RunTestCommand({pack.path()});
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
  const TestRun r = RunTestCommand({kMini, "--filter", "14 days"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ok   tests/cases.yaml: a team that lasted 14 days\n"
            "coverage: not checked (--filter)\n"
            "1 case: 1 passed, 0 failed\n");
}

TEST(CliTestTest, ParamsOverrideThePack) {
  // With min_days 10 a team of 14 days is not short: the case fails.
  TestRun r = RunTestCommand({kMini, "--param", "min_days=10"});
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
  const TestRun r = RunTestCommand({empty.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("error[pack."), std::string::npos) << r.err;
}

TEST(CliTestTest, TheQiannanPackPassesItsOwnTests) {
  const TestRun r = RunTestCommand({kSourceDir + "/rules/qiannan"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coverage: each of the 27 rules"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace zhucun
