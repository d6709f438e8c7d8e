// Determinism (issue 11, item 7): `zhucun check` writes byte-identical output
// files for 1, 2 and 8 threads, run twice each, on generated data (clean in
// strict mode, and with defective rows in lenient mode).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "../facts/facts_test_util.h"
#include "qiannan_gen.h"
#include "run_zhucun.h"

namespace zhucun {
namespace {

namespace fs = std::filesystem;
using testing::kSourceDir;
using testing::TempDir;

const std::string kRules = kSourceDir + "/rules/qiannan";

// Every file of a folder, by name, with its bytes.
std::map<std::string, std::string> ReadFiles(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    files[e.path().filename().string()] =
        std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

// Checks `data` with 1, 2 and 8 threads, twice each, and expects the same
// exit status, standard output and output files every time.
void ExpectSameOutputs(const std::string& data, const std::vector<std::string>& extra,
                       int expected_exit) {
  TempDir out;
  std::map<std::string, std::string> first;
  std::string first_stdout;
  int run = 0;
  for (const char* threads : {"1", "2", "8"}) {
    for (int again = 0; again < 2; ++again, ++run) {
      const std::string dir = out.path() + "/run" + std::to_string(run);
      std::vector<std::string> args = {"check", "--rules", kRules, "--data", data,
                                       "--as-of", "2024-06-30", "--out", dir,
                                       "--threads", threads};
      args.insert(args.end(), extra.begin(), extra.end());
      const testing::CliRun r = testing::RunZhucun(args);
      ASSERT_EQ(r.exit_code, expected_exit) << threads << " threads\n" << r.err;
      std::map<std::string, std::string> files = ReadFiles(dir);
      if (run == 0) {
        ASSERT_GE(files.size(), 2u);
        ASSERT_GT(files.at("findings.csv").size(), 1000u);
        first = std::move(files);
        first_stdout = testing::ReplaceAll(r.out, dir, "OUT");
        continue;
      }
      EXPECT_EQ(testing::ReplaceAll(r.out, dir, "OUT"), first_stdout) << threads << " threads, run " << again + 1;
      ASSERT_EQ(files.size(), first.size()) << threads << " threads";
      for (const auto& [name, bytes] : first) {
        ASSERT_TRUE(files.count(name)) << name;
        EXPECT_TRUE(files[name] == bytes)
            << name << " differs with " << threads << " threads, run " << again + 1;
      }
    }
  }
}

TEST(DeterminismTest, SameFilesForOneTwoAndEightThreads) {
  TempDir data;
  gen::Options options;
  options.scale = 0.1;
  std::string error;
  ASSERT_TRUE(gen::Generate(options, data.path(), nullptr, &error)) << error;
  ExpectSameOutputs(data.path(), {}, 1);
}

TEST(DeterminismTest, SameFilesInLenientModeWithDefectiveRows) {
  TempDir data;
  gen::Options options;
  options.scale = 0.1;
  options.bad_rows = 0.02;
  std::string error;
  ASSERT_TRUE(gen::Generate(options, data.path(), nullptr, &error)) << error;
  ExpectSameOutputs(data.path(), {"--lenient"}, 1);
}

}  // namespace
}  // namespace zhucun
