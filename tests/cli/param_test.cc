// `--param NAME=VALUE` of `zhucun check` and `zhucun test`, and a pack test's
// `params:`, run in-process through RunCli: VALUE is written as in YAML
// (flow style for lists and maps) and converted by the converter of pack
// defaults (src/rules/param_convert.h), so list and map parameters can be
// set, and every mistake is shown with a caret into the value.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "../facts/facts_test_util.h"
#include "run_zhucun.h"

namespace zhucun {
namespace {

using testing::CliRun;
using testing::kSourceDir;
using testing::TempDir;

const std::string kRules = kSourceDir + "/rules/qiannan";

// Two villages helped by one economic unit: V1 is weak (the pack's map
// calls for party_mass), V2 poor (economic). M1, a resident cadre, was
// recalled after a year (recall is an allowed reason by default).
void WriteData(const TempDir& dir) {
  dir.Write("counties.csv", "county_id,name\nC01,都匀市\n");
  dir.Write("villages.csv",
            "village_id,county_id,township,name,category\n"
            "V1,C01,墨冲镇,新场村,weak\nV2,C01,墨冲镇,良亩村,poor\n");
  dir.Write("units.csv", "unit_id,name,level,sector\nU1,州发展改革委,prefecture,economic\n");
  dir.Write("teams.csv",
            "team_id,village_id,unit_id,start_date,end_date\n"
            "T1,V1,U1,2021-06-01,\nT2,V2,U1,2021-06-01,\n");
  dir.Write("members.csv",
            "member_id,person_id,name,team_id,unit_id,role,start_date,end_date,end_reason\n"
            "M1,P1,赵磊,T1,U1,resident_cadre,2022-01-01,2023-01-01,recall\n");
}

// `zhucun check --out` on the data as of 2024-06-30 with `args`; the rows of
// findings.csv of the two rules these tests change.
std::string Check(const std::vector<std::string>& args, CliRun* run = nullptr) {
  TempDir data;
  WriteData(data);
  TempDir out;
  std::vector<std::string> argv = {"check", "--rules", kRules, "--data", data.path(),
                                   "--as-of", "2024-06-30", "--out", out.path()};
  argv.insert(argv.end(), args.begin(), args.end());
  const CliRun r = testing::RunZhucun(argv);
  if (run != nullptr) *run = r;
  std::ifstream in(out.File("findings.csv"));
  std::string rows;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("assign.sector_match,") ||
        line.starts_with("rotation.early_exit,")) {
      rows += line + "\n";
    }
  }
  return rows;
}

TEST(CliParamTest, TheDefaults) {
  CliRun r;
  EXPECT_EQ(Check({}, &r),
            "assign.sector_match,teams:T1,,warning,a weak village is helped by a "
            "economic unit\n");
  EXPECT_EQ(testing::WithoutWarnings(r.err), "");
}

// POLICY.md assign.sector_match: the category -> sector map is a parameter.
TEST(CliParamTest, AMapParameterIsWrittenAsAFlowMap) {
  CliRun r;
  EXPECT_EQ(Check({"--param", "sector_for_category={weak: economic, poor: party_mass}"}, &r),
            "assign.sector_match,teams:T2,,warning,a poor village is helped by a "
            "economic unit\n");
  EXPECT_EQ(testing::WithoutWarnings(r.err), "");
}

// POLICY.md rotation.early_exit: the allowed reasons are a parameter.
TEST(CliParamTest, AListParameterIsWrittenAsAFlowList) {
  CliRun r;
  EXPECT_EQ(Check({"--param", "allowed_early_exit=[job_transfer, health]"}, &r),
            "assign.sector_match,teams:T1,,warning,a weak village is helped by a "
            "economic unit\n"
            "rotation.early_exit,members:M1,,error,\"left on 2023-01-01 before "
            "the term ended (2023-12-31), reason recall\"\n");
  EXPECT_EQ(testing::WithoutWarnings(r.err), "");
  // An empty list allows no reason at all.
  EXPECT_EQ(Check({"--param", "allowed_early_exit=[]"}),
            Check({"--param", "allowed_early_exit=[job_transfer, health]"}));
}

TEST(CliParamTest, ScalarsAreWrittenAsInYaml) {
  // POLICY.md rotation.early_exit, term_years: with a one-year term M1
  // completed it, so even a disallowed reason is no finding.
  EXPECT_EQ(Check({"--param", "allowed_early_exit=[]", "--param", "term_years=1"}),
            "assign.sector_match,teams:T1,,warning,a weak village is helped by a "
            "economic unit\n");
  // A quoted scalar is the text inside the quotes.
  EXPECT_EQ(Check({"--param", "allowed_early_exit=[job_transfer, 'recall']"}), Check({}));
}

// Every mistake a `--param` value can have: the value and the message.
TEST(CliParamTest, EveryMistakeIsExitTwoWithACaretIntoTheValue) {
  struct Case {
    std::string param;
    std::string err;
  };
  const Case cases[] = {
      {"term_years=two",
       "--param term_years:1:1: error[engine.bad_param]: expected an integer such as "
       "`15` for parameter `term_years`, found `two`\n"
       " | two\n"
       " | ^~~\n"},
      {"max_rotation_ratio=0.1.5",
       "--param max_rotation_ratio:1:1: error[engine.bad_param]: expected a decimal "
       "number such as `0.25` for parameter `max_rotation_ratio`, found `0.1.5`\n"
       " | 0.1.5\n"
       " | ^~~~~\n"},
      {"term_years=[2, 3]",
       "--param term_years:1:1: error[engine.bad_param]: expected an integer such as "
       "`15` for parameter `term_years`, found a list\n"
       " | [2, 3]\n"
       " | ^\n"},
      {"core_roles=first_secretary",
       "--param core_roles:1:1: error[engine.bad_param]: expected a list such as `[a, "
       "b]` for parameter `core_roles`, found `first_secretary`\n"
       " | first_secretary\n"
       " | ^~~~~~~~~~~~~~~\n"},
      {"core_roles=[first_secretary, [resident_cadre]]",
       "--param core_roles:1:19: error[engine.bad_param]: expected a text for an item "
       "of parameter `core_roles`, found a list\n"
       " | [first_secretary, [resident_cadre]]\n"
       " |                   ^\n"},
      {"sector_for_category={weak: party_mass, weak: economic}",
       "--param sector_for_category:1:20: error[engine.bad_param]: duplicate key "
       "`weak` in parameter `sector_for_category`\n"
       " | {weak: party_mass, weak: economic}\n"
       " |                    ^~~~\n"
       " = help: the key is first given at column 2\n"},
      {"sector_for_category={weak: party_mass, poor: }",
       "--param sector_for_category:1:20: error[engine.bad_param]: expected a text "
       "for the value of `poor` in parameter `sector_for_category`, found nothing\n"
       " | {weak: party_mass, poor: }\n"
       " |                    ^~~~\n"},
      {"min_insurance_coverage=99999999999999999999",
       "--param min_insurance_coverage:1:1: error[engine.bad_param]: expected a "
       "decimal number such as `0.25` for parameter `min_insurance_coverage`, found "
       "`99999999999999999999`\n"
       " | 99999999999999999999\n"
       " | ^~~~~~~~~~~~~~~~~~~~\n"
       " = help: the number is too large\n"},
      {"window_start=2021-02-30",
       "--param window_start:1:1: error[engine.bad_param]: expected a date such as "
       "`2021-06-01` for parameter `window_start`, found `2021-02-30`\n"
       " | 2021-02-30\n"
       " | ^~~~~~~~~~\n"},
      {"allowed_early_exit=[job_transfer, health",
       "--param allowed_early_exit:1:22: error[engine.bad_param]: invalid yaml: end "
       "of sequence flow not found\n"
       " | [job_transfer, health\n"
       " |                      ^\n"},
      {"term_year=3",
       "error[engine.unknown_param]: unknown parameter `term_year`\n"
       " = help: did you mean `term_years`?\n"},
  };
  for (const Case& c : cases) {
    CliRun r;
    EXPECT_EQ(Check({"--param", c.param}, &r), "") << c.param;
    EXPECT_EQ(r.exit_code, 2) << c.param;
    EXPECT_EQ(r.err, c.err) << c.param;
  }
}

// A copy of rules/qiannan whose only test file is tests/t.yaml.
class QiannanCopy {
 public:
  explicit QiannanCopy(std::string_view test_yaml) : dir_("zhucun-params") {
    for (const auto& entry : std::filesystem::directory_iterator(kRules)) {
      if (entry.is_regular_file()) {
        std::filesystem::copy_file(entry.path(), dir_.File(entry.path().filename()));
      }
    }
    std::filesystem::create_directory(dir_.File("tests"));
    dir_.Write("tests/t.yaml", test_yaml);
  }
  const std::string& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

const char kTables[] = R"(as_of: 2024-06-30
tables:
  counties: |
    county_id,name
    C01,都匀市
  villages: |
    village_id,county_id,township,name,category
    V1,C01,墨冲镇,新场村,weak
  units: |
    unit_id,name,level,sector
    U1,州发展改革委,prefecture,economic
  teams: |
    team_id,village_id,unit_id,start_date,end_date
    T1,V1,U1,2021-06-01,
  members: |
    member_id,person_id,name,team_id,unit_id,role,start_date,end_date,end_reason
    M1,P1,赵磊,T1,U1,resident_cadre,2022-01-01,2023-01-01,recall
)";

CliRun RunTests(const QiannanCopy& pack, std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"test", pack.path(), "--filter", "params:"});
  return testing::RunZhucun(std::move(args));
}

// POLICY.md rotation.early_exit and assign.sector_match, with the allowed
// reasons and the category -> sector map set by a case.
TEST(CliParamTest, ACaseSetsListAndMapParameters) {
  const QiannanCopy pack(std::string(kTables) + R"(cases:
  - name: "params: recall is allowed by default"
    expect_not: [{rule: rotation.early_exit, subject: members:M1}]
    expect: [{rule: assign.sector_match, subject: teams:T1}]
  - name: "params: a list without recall"
    params: {allowed_early_exit: [job_transfer, health]}
    expect: [{rule: rotation.early_exit, subject: members:M1}]
  - name: "params: a map in block style"
    params:
      sector_for_category:
        weak: economic
    expect_not: [{rule: assign.sector_match, subject: teams:T1}]
)");
  const CliRun r = RunTests(pack);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "ok   tests/t.yaml: params: recall is allowed by default\n"
            "ok   tests/t.yaml: params: a list without recall\n"
            "ok   tests/t.yaml: params: a map in block style\n"
            "coverage: not checked (--filter)\n"
            "3 cases: 3 passed, 0 failed\n");
  EXPECT_EQ(testing::WithoutWarnings(r.err), "");
}

TEST(CliParamTest, AParamOptionOfTestIsOverriddenByTheCase) {
  const QiannanCopy pack(std::string(kTables) + R"(cases:
  - name: "params: the option's list"
    expect: [{rule: rotation.early_exit, subject: members:M1}]
  - name: "params: the case's list"
    params: {allowed_early_exit: [recall]}
    expect_not: [{rule: rotation.early_exit, subject: members:M1}]
)");
  const CliRun r = RunTests(pack, {"--param", "allowed_early_exit=[job_transfer]"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "ok   tests/t.yaml: params: the option's list\n"
            "ok   tests/t.yaml: params: the case's list\n"
            "coverage: not checked (--filter)\n"
            "2 cases: 2 passed, 0 failed\n");
}

TEST(CliParamTest, ACaseParameterIsCheckedWhereItIsWritten) {
  const QiannanCopy pack(std::string(kTables) + R"(cases:
  - name: "params: mistakes"
    params: {allowed_early_exit: [job_transfer, [health]], term_years: two, term_yeers: 2}
    expect: [{rule: rotation.early_exit, subject: members:M1}]
  - name: "params: more mistakes"
    params:
      sector_for_category: {weak: economic, weak: party_mass}
      core_roles: resident_cadre
      max_rotation_ratio:
    expect: [{rule: rotation.early_exit, subject: members:M1}]
)");
  const CliRun r = RunTests(pack);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(r.out, "");
  const std::string t = pack.path() + "/tests/t.yaml";
  const std::string line =
      " |     params: {allowed_early_exit: [job_transfer, [health]], term_years: "
      "two, term_yeers: 2}\n";
  EXPECT_EQ(r.err,
            t + ":20:49: error[test.bad_param]: expected a text for an item of "
                "parameter `allowed_early_exit`, found a list\n" +
                line + " |" + std::string(49, ' ') + "^\n" +
                t + ":20:72: error[test.bad_param]: expected an integer such as "
                "`15` for parameter `term_years`, found `two`\n" +
                line + " |" + std::string(72, ' ') + "^~~\n" +
                t + ":20:77: error[test.unknown_param]: unknown parameter "
                "`term_yeers`\n" +
                line + " |" + std::string(77, ' ') + "^~~~~~~~~~\n" +
                " = help: did you mean `term_years`?\n" +
                t + ":24:45: error[test.bad_param]: duplicate key `weak` in "
                "parameter `sector_for_category`\n"
                " |       sector_for_category: {weak: economic, weak: party_mass}\n"
                " |                                             ^~~~\n"
                " = help: the key is first given at column 29\n" +
                t + ":25:19: error[test.bad_param]: expected a list such as `[a, "
                "b]` for parameter `core_roles`, found `resident_cadre`\n"
                " |       core_roles: resident_cadre\n"
                " |                   ^~~~~~~~~~~~~~\n" +
                t + ":26:7: error[test.bad_param]: expected a decimal number such "
                "as `0.25` for parameter `max_rotation_ratio`, found nothing\n"
                " |       max_rotation_ratio:\n"
                " |       ^~~~~~~~~~~~~~~~~~\n");
}

}  // namespace
}  // namespace zhucun
