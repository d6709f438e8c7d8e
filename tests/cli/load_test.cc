// `zhucun load --rules DIR --data DIR [--lenient] [--encoding E] [--threads N]`, run
// in-process through RunCli: exit 0 when every row is valid, 2 with the
// rendered diagnostics on stderr for bad input in strict mode (or a
// malformed file, a bad schema, bad usage), 1 with the per-table accounting
// when --lenient leaves rows out.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <initializer_list>
#include <sstream>
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

const std::string kRules = kSourceDir + "/rules/qiannan";
const std::string kExample = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";

using testing::CliRun;
using testing::RunZhucun;

void WriteBase(const TempDir& dir) {
  dir.Write("counties.csv", "county_id,name\nC01,都匀市\nC02,福泉市\n");
  dir.Write("villages.csv",
            "village_id,county_id,township,name,category\n"
            "V01,C01,墨冲镇,良寨村,poor\n"
            "V02,C02,牛场镇,双谷村,weak\n");
  dir.Write("units.csv",
            "unit_id,name,level,sector\n"
            "U01,都匀市科协,county,science_tech\n"
            "U02,州农业农村局,prefecture,agriculture\n");
  dir.Write("teams.csv",
            "team_id,village_id,unit_id,start_date,end_date\n"
            "T01,V01,U01,2021-06-01,\n"
            "T02,V02,U02,2021-06-31,2023-05-31\n");
  dir.Write("members.csv",
            "member_id,person_id,name,team_id,unit_id,role,start_date,end_date,"
            "end_reason\n"
            "M01,P01,赵磊,T01,U01,first_secretary,2021-06-15,,\n"
            "M02,P02,何勇,T02,U02,resident_cadre,2021-06-15,2023-05-31,"
            "term_complete\n"
            "M03,P01,赵磊,T01,U01,Other,2023-06-01,,\n");
}

// The stderr of strict and lenient runs on WriteBase's folder, with `SEV`
// for the severity.
const char kBaseDiagnostics[] =
    "DIR/teams.csv:3:13: SEV[csv.bad_date]: `start_date`: `2021-06-31` is not "
    "a real calendar date; expected a real calendar date YYYY-MM-DD\n"
    " | T02,V02,U02,2021-06-31,2023-05-31\n"
    " |             ^~~~~~~~~~\n"
    "DIR/members.csv:4:20: SEV[csv.bad_code]: `role`: `Other` is not a known "
    "code; expected one of first_secretary, resident_cadre, "
    "selected_graduate, tech_commissioner, grid_worker, other\n"
    " | M03,P01,赵磊,T01,U01,Other,2023-06-01,,\n"
    " |                      ^~~~~\n"
    " = help: did you mean `other`?\n"
    // (The rows rejected for the rows they refer to come after the causes.)
    "DIR/members.csv:3:12: SEV[csv.bad_reference]: `team_id` `T02` refers to "
    "the `teams` row on line 3, which is invalid\n"
    " | M02,P02,何勇,T02,U02,resident_cadre,2021-06-15,2023-05-31,"
    "term_complete\n"
    " |              ^~~\n";

TEST(CliLoadTest, ExampleDataLoads) {
  if (!std::filesystem::is_directory(kExample)) {
    GTEST_SKIP() << "no example data at " << kExample;
  }
  for (const char* lenient : {"", "--lenient"}) {
    std::vector<std::string> args = {"load", "--rules", kRules, "--data",
                                     kExample};
    if (*lenient) args.push_back(lenient);
    CliRun r = RunZhucun(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, testing::ExampleWarning("load", kExample));
    EXPECT_EQ(r.out,
              "table              read  accepted  rejected\n"
              "counties             12        12         0\n"
              "villages             67        67         0\n"
              "units               130       130         0\n"
              "teams                70        70         0\n"
              "members             711       711         0\n"
              "leaders             676       676         0\n"
              "visits             2342      2342         0\n"
              "handovers           291       291         0\n"
              "bundles             857       857         0\n"
              "assessments         924       924         0\n"
              "unit_ratings        390       390         0\n"
              "payments          10621     10621         0\n"
              "work_funds          473       473         0\n"
              "insurance          1294      1294         0\n"
              "health_checks      1256      1256         0\n"
              "trainings          1736      1736         0\n"
              "enterprises         201       201         0\n"
              "absences              0         0         0\n");
  }
}

TEST(CliLoadTest, BadInputIsExitTwoWithEveryDiagnostic) {
  TempDir dir;
  WriteBase(dir);
  CliRun r = RunZhucun({"load", "--rules", kRules, "--data", dir.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(ReplaceAll(r.err, dir.path(), "DIR"),
            ReplaceAll(kBaseDiagnostics, "SEV", "error"));
}

TEST(CliLoadTest, LenientIsExitOneWithTheAccounting) {
  TempDir dir;
  WriteBase(dir);
  CliRun r = RunZhucun(
      {"load", "--rules", kRules, "--data", dir.path() + "/", "--lenient"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(ReplaceAll(testing::WithoutWarnings(r.err), dir.path(), "DIR"),
            ReplaceAll(kBaseDiagnostics, "SEV", "warning"));
  EXPECT_EQ(r.out,
            "table              read  accepted  rejected\n"
            "counties              2         2         0\n"
            "villages              2         2         0\n"
            "units                 2         2         0\n"
            "teams                 2         1         1\n"
            "members               3         1         2\n"
            "leaders               0         0         0\n"
            "visits                0         0         0\n"
            "handovers             0         0         0\n"
            "bundles               0         0         0\n"
            "assessments           0         0         0\n"
            "unit_ratings          0         0         0\n"
            "payments              0         0         0\n"
            "work_funds            0         0         0\n"
            "insurance             0         0         0\n"
            "health_checks         0         0         0\n"
            "trainings             0         0         0\n"
            "enterprises           0         0         0\n"
            "absences              0         0         0\n");
}

// `--threads N` reads with N threads (0, the default: one per core): the
// same diagnostics and accounting for any number.
TEST(CliLoadTest, ThreadsGiveTheSameResult) {
  TempDir dir;
  WriteBase(dir);
  const CliRun all = RunZhucun({"load", "--rules", kRules, "--data", dir.path(), "--lenient"});
  for (const char* threads : {"1", "2", "3"}) {
    const CliRun r = RunZhucun(
        {"load", "--rules", kRules, "--data", dir.path(), "--lenient", "--threads", threads});
    EXPECT_EQ(r.exit_code, 1) << threads;
    EXPECT_EQ(r.out, all.out) << threads;
    EXPECT_EQ(r.err, all.err) << threads;
  }
  const CliRun bad = RunZhucun({"load", "--rules", kRules, "--data", dir.path(), "--threads",
                                "-1"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "Could not convert: --threads = -1\nRun with --help for more information.\n");
}

TEST(CliLoadTest, LenientWithAMalformedFileIsExitTwo) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("counties.csv", "county_id,name\nC01,\"都匀市\n");
  CliRun r = RunZhucun(
      {"load", "--rules", kRules, "--data", dir.path(), "--lenient"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  const std::string err = ReplaceAll(r.err, dir.path(), "DIR");
  EXPECT_EQ(err.substr(0, err.find('\n')),
            "DIR/counties.csv:2:5: error[csv.malformed]: `counties.csv`: "
            "unbalanced quotes: the quoted field that starts on line 2 is not "
            "closed");
  // The other files' problems are listed too.
  EXPECT_NE(err.find("DIR/teams.csv:3:13: warning[csv.bad_date]"),
            std::string::npos)
      << err;
}

TEST(CliLoadTest, ValidFolderIsExitZero) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("teams.csv",
            "team_id,village_id,unit_id,start_date,end_date\n"
            "T01,V01,U01,2021-06-01,\n"
            "T02,V02,U02,2021-06-30,2023-05-31\n");
  dir.Write("members.csv",
            "member_id,person_id,name,team_id,unit_id,role,start_date\n"
            "M01,P01,赵磊,T01,U01,first_secretary,2021-06-15\n");
  CliRun r = RunZhucun({"load", "--rules", kRules, "--data", dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::WithoutWarnings(r.err), "");
  EXPECT_EQ(r.out.substr(0, r.out.find("leaders")),
            "table              read  accepted  rejected\n"
            "counties              2         2         0\n"
            "villages              2         2         0\n"
            "units                 2         2         0\n"
            "teams                 2         2         0\n"
            "members               1         1         0\n");
}

TEST(CliLoadTest, MissingDataFolderIsExitTwo) {
  TempDir dir;
  const std::string missing = dir.path() + "/no-such-folder";
  for (const char* lenient : {"", "--lenient"}) {
    std::vector<std::string> args = {"load", "--rules", kRules, "--data",
                                     missing};
    if (*lenient) args.push_back(lenient);
    CliRun r = RunZhucun(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(ReplaceAll(r.err, dir.path(), "DIR"),
              "error[csv.no_folder]: data folder `DIR/no-such-folder` does not "
              "exist\n");
  }
}

TEST(CliLoadTest, DataThatIsAFileIsExitTwo) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\n");
  CliRun r = RunZhucun(
      {"load", "--rules", kRules, "--data", dir.path() + "/counties.csv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(ReplaceAll(r.err, dir.path(), "DIR"),
            "error[csv.no_folder]: data folder `DIR/counties.csv` does not "
            "exist\n");
}

TEST(CliLoadTest, MissingDataOptionIsAUsageError) {
  CliRun r = RunZhucun({"load", "--rules", kRules});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("--data"), std::string::npos) << r.err;
}

TEST(CliLoadTest, MissingSchemaIsExitTwo) {
  TempDir dir;
  TempDir data;
  CliRun r = RunZhucun({"load", "--rules", dir.path(), "--data", data.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(dir.path() + "/schema.yaml"), std::string::npos)
      << r.err;
}

// A UTF-16 file (Excel's "Unicode text") is named as such, not as GB18030
// (issue 14, item 5), and reads with `--encoding utf-16`.
TEST(CliLoadTest, Utf16IsRecognisedByItsByteOrderMark) {
  TempDir dir;
  // county_id,name / C01,都匀市 in UTF-16LE with its byte-order mark.
  std::string utf16 = "\xFF\xFE";
  for (const char16_t c : std::u16string(u"county_id,name\r\nC01,都匀市\r\n")) {
    utf16 += static_cast<char>(c & 0xFF);
    utf16 += static_cast<char>(c >> 8);
  }
  dir.Write("counties.csv", utf16);
  CliRun without = RunZhucun({"load", "--rules", kRules, "--data", dir.path()});
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_NE(testing::WithoutWarnings(without.err)
                .find(" = help: it starts with a UTF-16 byte-order mark (Excel's \"Unicode "
                      "text\"): save it as \"CSV UTF-8\", or read it with `--encoding "
                      "counties=utf-16`\n"),
            std::string::npos)
      << without.err;
  CliRun with = RunZhucun({"load", "--rules", kRules, "--data", dir.path(), "--encoding",
                           "utf-16"});
  EXPECT_EQ(with.exit_code, 0) << with.err;
  EXPECT_NE(with.out.find("counties              1         1         0\n"), std::string::npos)
      << with.out;
}

TEST(CliLoadTest, Gb18030NeedsTheEncodingOption) {
  TempDir dir;
  // county_id,name / C01,都匀市 in gb18030.
  dir.Write("counties.csv", "county_id,name\r\nC01,\xB6\xBC\xD4\xC8\xCA\xD0\r\n");
  CliRun without = RunZhucun({"load", "--rules", kRules, "--data", dir.path()});
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_EQ(without.out, "");
  EXPECT_EQ(ReplaceAll(without.err, dir.path(), "DIR"),
            "DIR/counties.csv:2:5: error[csv.not_utf8]: `counties.csv` is not "
            "valid UTF-8: the first bad byte is 0xB6\n"
            " | C01,\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "\xEF\xBF\xBD\n"
            " |     ^\n"
            " = help: spreadsheets in China are often saved as GBK/GB18030; if "
            "this one is, read it with `--encoding counties=gb18030` (that file only)\n");
  CliRun with = RunZhucun({"load", "--rules", kRules, "--data", dir.path(),
                            "--encoding", "gb18030"});
  EXPECT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(testing::WithoutWarnings(with.err), "");
  EXPECT_EQ(with.out.substr(0, with.out.find("villages")),
            "table              read  accepted  rejected\n"
            "counties              1         1         0\n");
}

TEST(CliLoadTest, UnknownEncodingIsExitTwo) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01,a\n");
  CliRun r = RunZhucun({"load", "--rules", kRules, "--data", dir.path(),
                         "--encoding", "klingon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown encoding `klingon`"), std::string::npos)
      << r.err;
}

TEST(CliLoadTest, HelpDescribesTheExitStatus) {
  CliRun r = RunZhucun({"load", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--lenient"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--encoding"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace zhucun

namespace zhucun {
namespace {

// Issue 14, item 5: one bad cell takes every row that refers to its row
// with it. The screen lists the causes first, then one line per row the
// rejected rows lead to, then a total; `--problems FILE` has every one.
TEST(CliLoadTest, RowsRejectedForTheRowTheyReferToAreOneLine) {
  TempDir dir;
  for (const auto& entry : std::filesystem::directory_iterator(kExample)) {
    std::filesystem::copy_file(entry.path(), dir.File(entry.path().filename().string()));
  }
  // One cause: team T00001's start date.
  std::ifstream in(dir.File("teams.csv"));
  std::string teams((std::istreambuf_iterator<char>(in)), {});
  teams = ReplaceAll(teams, "T00001,V00004,U0001,2021-06-12,", "T00001,V00004,U0001,2021-06-31,");
  dir.Write("teams.csv", teams);
  const std::string problems = dir.File("problems.txt");
  const CliRun r = RunZhucun({"load", "--rules", kRules, "--data", dir.path(), "--problems",
                              problems});
  EXPECT_EQ(r.exit_code, 2);
  const std::string err = testing::WithoutWarnings(ReplaceAll(r.err, dir.path(), "DIR"));
  // The cause, then the rows it takes with it as one line, then the total.
  EXPECT_EQ(err.substr(0, err.find('\n')),
            "DIR/teams.csv:2:21: error[csv.bad_date]: `start_date`: `2021-06-31` is not a real "
            "calendar date; expected a real calendar date YYYY-MM-DD");
  const size_t cascade = err.find("error[csv.bad_reference]: ");
  ASSERT_NE(cascade, std::string::npos) << err;
  EXPECT_NE(err.find(" rows refer, directly or through others, to the rejected `teams` row on "
                     "line 2 and are rejected too: "),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("error[csv.bad_reference]: ", cascade + 1), std::string::npos) << err;
  const std::string last = err.substr(err.rfind('\n', err.size() - 2) + 1);
  EXPECT_TRUE(last.starts_with("note[facts.rejected]: ")) << err;
  EXPECT_NE(last.find(" rows rejected in all: 1 with a problem of its own, "), std::string::npos);
  // The file: the cause and every row, each with its place.
  std::ifstream file(problems);
  const std::string all((std::istreambuf_iterator<char>(file)), {});
  size_t rows = 0;
  for (size_t at = all.find("[csv.bad_reference]"); at != std::string::npos;
       at = all.find("[csv.bad_reference]", at + 1)) {
    ++rows;
  }
  const size_t n = std::stoul(err.substr(cascade + std::string("error[csv.bad_reference]: ").size()));
  EXPECT_EQ(rows, n);
  EXPECT_GT(rows, 5u);
  EXPECT_NE(all.find("/members.csv:"), std::string::npos);
}

}  // namespace
}  // namespace zhucun
