#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "run_zhucun.h"

namespace zhucun {
namespace {

using testing::CliRun;
using testing::RunZhucun;

// A file in the test's temporary directory.
std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

TEST(CliTest, NoArgumentsIsAUsageError) {
  CliRun r = RunZhucun({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err, "");
}

TEST(CliTest, EvalWithoutInputIsAUsageError) {
  CliRun r = RunZhucun({"eval"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err, "");
}

TEST(CliTest, UnknownOptionIsAUsageError) {
  CliRun r = RunZhucun({"eval", "--no-such-option"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--no-such-option"), std::string::npos) << r.err;
}

TEST(CliTest, HelpGoesToStdoutAndSucceeds) {
  CliRun r = RunZhucun({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("eval"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(CliTest, Version) {
  CliRun r = RunZhucun({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("0.1.0"), std::string::npos) << r.out;
}

TEST(CliTest, PrintsEachExpressionWithItsResult) {
  CliRun r = RunZhucun({"eval", "-e", "1 + 2", "--expr", "'a' + 'b'"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1 + 2  =>  3\n'a' + 'b'  =>  \"ab\"\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliTest, EvaluationErrorExitsOneAndGoesOn) {
  CliRun r = RunZhucun({"eval", "-e", "1 / 0", "-e", "2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("1 / 0  =>  error: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2  =>  2\n"), std::string::npos) << r.out;
}

TEST(CliTest, CompileErrorExitsTwoWithRenderedDiagnostics) {
  CliRun r = RunZhucun({"eval", "-e", "1 + ", "-e", "1 / 0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("<expr>:1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("^"), std::string::npos) << r.err;
}

TEST(CliTest, FileSkipsCommentsAndBlankLinesAndPointsIntoTheFile) {
  std::string path = WriteTempFile(
      "cli_test_points.cel", "# a comment\r\n\r\n  1 + 1  \r\n  # indented\n2 *\n");
  CliRun r = RunZhucun({"eval", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "1 + 1  =>  2\n");
  // The bad expression is on line 5 of the file.
  EXPECT_NE(r.err.find(path + ":5:"), std::string::npos) << r.err;
}

TEST(CliTest, UnreadableFileIsAUsageError) {
  CliRun r = RunZhucun({"eval", "/nonexistent/zhucun/file.cel"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot read `/nonexistent/zhucun/file.cel`"),
            std::string::npos)
      << r.err;
}

// The main job of scripts/run.sh: every bundled example evaluates.
TEST(CliTest, BundledExamplesEvaluate) {
  CliRun r = RunZhucun(
      {"eval", std::string(ZHUCUN_SOURCE_DIR) + "/examples/expressions.cel"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.find("error"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("decimal('69.82') == decimal('60')  =>  true\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0.5*69.82  =>  59.99999999999999\n"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace zhucun
