// `zhucun diff OLD_PACK NEW_PACK` (issue 13, item 3): what a clerk's change
// does to the findings of one data folder; exit 0 when nothing changes, 1
// when something does, 2 on bad usage.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../facts/facts_test_util.h"
#include "run_zhucun.h"

namespace zhucun {
namespace {

using testing::CliRun;
using testing::kSourceDir;
using testing::TempDir;

const std::string kRules = kSourceDir + "/rules/qiannan";
const std::string kExample = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";

CliRun Diff(std::vector<std::string> args) {
  args.insert(args.begin(), {"diff", kRules, kRules, "--data", kExample, "--as-of", "2024-06-30"});
  return testing::RunZhucun(std::move(args));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CliDiffTest, TheSamePackChangesNothing) {
  const CliRun r = Diff({});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, testing::ExampleWarning("diff", kExample));  // (once, not per pack)
  EXPECT_NE(r.out.find("  findings: 0 appear, 0 vanish, 0 change message or severity\n"
                       "  derived rows: 0 appear, 0 vanish, 0 change\n"
                       "nothing changes\n"),
            std::string::npos)
      << r.out;
  // A parameter given to both sides changes nothing either.
  EXPECT_EQ(Diff({"--param", "min_living_allowance=1200"}).exit_code, 0);
}

// A clerk raises the living allowance from 1100 to 1200 yuan a month: the
// months paid less than 1200 appear, and the 14 findings below 1100 change
// message; counted by rule and by county.
TEST(CliDiffTest, RaisingTheAllowance) {
  TempDir out;
  const CliRun r = Diff({"--new-param", "min_living_allowance=1200", "--out", out.path(),
                         "--limit", "3"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("  rule                      appear  vanish  change\n"
                       "  support.living_allowance    2490       0      14\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  county          appear  vanish  change\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("findings (+ appears, - vanishes, ~ changes):\n"
                       "  + error  support.living_allowance  members:M000005  2021-07\n"
                       "      no living allowance of at least 1200 for 2021-07\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  ... and 2501 more\n"), std::string::npos) << r.out;
  const std::string csv = ReadFile(out.path() + "/findings_diff.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "change,rule,subject,period,county,severity_before,severity_after,message_before,"
            "message_after");
  EXPECT_NE(csv.find("\nchanges,support.living_allowance,members:M000028,2024-03,"),
            std::string::npos)
      << csv.substr(0, 2000);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2490 + 14);
  EXPECT_EQ(ReadFile(out.path() + "/derived_diff.csv"), "change,table,key,before,after\n");
  // The same change written on the old side is the reverse.
  const CliRun back = Diff({"--old-param", "min_living_allowance=1200"});
  EXPECT_NE(back.out.find("  findings: 0 appear, 2490 vanish, 14 change"), std::string::npos)
      << back.out;
}

// Derived rows change with the grade bands.
TEST(CliDiffTest, DerivedRowsChange) {
  const CliRun r = Diff({"--new-param", "excellent_min=95", "--limit", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("\nderived rows (+ appears, - vanishes, ~ changes):\n"
                       "  ~ assessment_grades  member_id="),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(", grade=excellent\n   -> member_id="), std::string::npos) << r.out;
}

TEST(CliDiffTest, UsageErrorsAreExitTwo) {
  CliRun r = testing::RunZhucun({"diff", kRules, "--data", kExample, "--as-of", "2024-06-30"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("NEW_PACK is required"), std::string::npos) << r.err;
  r = testing::RunZhucun({"diff", kRules, kSourceDir + "/no-such-pack", "--data", kExample,
                          "--as-of", "2024-06-30"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such-pack"), std::string::npos) << r.err;
  r = Diff({"--new-param", "min_living_allowance"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("zhucun diff: "), std::string::npos) << r.err;
  r = Diff({"--old-param", "min_living_allowanse=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown parameter `min_living_allowanse`"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace zhucun
