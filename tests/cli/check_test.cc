// `zhucun check` (DATA.md, "The CLI contract"), run in-process through
// RunCli: output files, exit status and every usage error a user can make.

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

using testing::kSourceDir;
using testing::TempDir;

const std::string kRules = kSourceDir + "/rules/qiannan";
const std::string kExample = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";

using testing::CliRun;

// Runs `zhucun check --rules rules/qiannan <args>`.
CliRun Check(std::vector<std::string> args) {
  args.insert(args.begin(), {"check", "--rules", kRules});
  return testing::RunZhucun(std::move(args));
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

size_t Lines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

TEST(CliCheckTest, WritesTheOutputFilesAndExitsOneOnErrorFindings) {
  TempDir out;
  const CliRun r = Check({"--data", kExample, "--as-of", "2024-06-30", "--out", out.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, testing::ExampleWarning("check", kExample));
  // (A line says what happened.)
  EXPECT_EQ(r.out, "zhucun check: 138 findings as of 2024-06-30 (92 errors, 46 warnings) "
                   "written to `" + out.path() + "`\n");
  EXPECT_EQ(FirstLine(out.path() + "/findings.csv"), "rule,subject,period,severity,message");
  EXPECT_EQ(Lines(out.path() + "/findings.csv"), 1u + 138u);
  EXPECT_EQ(FirstLine(out.path() + "/assessment_grades.csv"), "member_id,year,composite,grade");
  EXPECT_EQ(Lines(out.path() + "/assessment_grades.csv"), 1u + 924u);
}

// A small dataset: one village with one team and a handover of 14 days
// between two postings, as of 2024-06-30.
void WriteSmall(const TempDir& dir) {
  dir.Write("counties.csv", "county_id,name\nC01,都匀市\n");
  dir.Write("villages.csv",
            "village_id,county_id,township,name,category\n"
            "V1,C01,墨冲镇,新场村,ordinary\nV2,C01,墨冲镇,良亩村,ordinary\n");
  dir.Write("units.csv", "unit_id,name,level,sector\nU1,州农业农村局,prefecture,agriculture\n");
  dir.Write("teams.csv", "team_id,village_id,unit_id,start_date,end_date\nT1,V1,U1,2021-06-01,\n");
  dir.Write("members.csv",
            "member_id,person_id,name,team_id,unit_id,role,start_date,end_date,end_reason\n"
            "M1,P1,赵磊,T1,U1,grid_worker,2021-06-01,2023-06-14,term_complete\n"
            "M2,P2,何勇,T1,U1,grid_worker,2023-06-01,,\n");
  dir.Write("handovers.csv",
            "handover_id,outgoing_member_id,incoming_member_id,start_date,end_date,"
            "signed_outgoing,signed_incoming,approved_village_leader,"
            "approved_township_committee\n"
            "H1,M1,M2,2023-06-01,2023-06-14,true,true,true,true\n");
}

std::string Findings(const CliRun& r) {
  std::string rules;
  for (const char* rule : {"assign.coverage", "handover.period", "team.first_secretary"}) {
    if (r.out.find(std::string("  ") + rule) != std::string::npos) {
      rules += std::string(rules.empty() ? "" : " ") + rule;
    }
  }
  return rules;
}

// The output CSV files as RFC 4180 writes them (DATA.md, "The CLI
// contract"): a cell with a comma, a double quote or a line break quoted,
// its quotes doubled; each kind of derived cell as its text (typed columns
// and a column of decimals of two scales, held as values), null empty.
TEST(CliCheckTest, DerivedCellsAreWrittenAsTheirTextsQuotedWhereNeeded) {
  TempDir pack, data, out;
  std::filesystem::copy(kRules, pack.path(), std::filesystem::copy_options::recursive);
  pack.Write("cells.yaml",
             "derived:\n"
             "  - name: cells\n"
             "    from: villages\n"
             "    as: v\n"
             "    columns:\n"
             "      village_id: v.village_id\n"
             "      comma: \"v.village_id == 'V1' ? 'a,b' : 'ab'\"\n"
             "      quote: |-\n"
             "        v.village_id == 'V1' ? 'say \"hi\"' : 'line\\nbreak'\n"
             "      cr: \"v.village_id == 'V1' ? 'a\\\\rb' : 'plain'\"\n"
             "      size: \"v.village_id == 'V1' ? -12 : null\"\n"
             "      pay: \"v.village_id == 'V1' ? decimal('-0.05') : decimal('10.20')\"\n"
             "      mixed: \"v.village_id == 'V1' ? decimal('-0.50') : decimal('1200')\"\n"
             "      flag: v.village_id == 'V1'\n"
             "      since: \"v.village_id == 'V1' ? date('2024-02-29') : null\"\n"
             "    sort_by: [village_id]\n");
  std::string manifest = testing::ReadFile(pack.File("pack.yaml"));
  manifest.replace(manifest.find("  - attendance.yaml\n"), 20,
                   "  - attendance.yaml\n  - cells.yaml\n");
  pack.Write("pack.yaml", manifest);
  WriteSmall(data);
  const CliRun r = testing::RunZhucun({"check", "--rules", pack.path(), "--data", data.path(),
                                       "--as-of", "2024-06-30", "--out", out.path()});
  EXPECT_NE(r.exit_code, 2) << r.err;
  EXPECT_EQ(testing::ReadFile(out.File("cells.csv")),
            "village_id,comma,quote,cr,size,pay,mixed,flag,since\n"
            "V1,\"a,b\",\"say \"\"hi\"\"\",\"a\rb\",-12,-0.05,-0.50,true,2024-02-29\n"
            "V2,ab,\"line\nbreak\",plain,,10.20,1200,false,\n");
}

TEST(CliCheckTest, WithoutOutPrintsASummary) {
  TempDir data;
  WriteSmall(data);
  const CliRun r = Check({"--data", data.path(), "--as-of", "2024-06-30"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("zhucun check: 4 findings as of 2024-06-30"), std::string::npos)
      << r.out;
  EXPECT_EQ(Findings(r), "assign.coverage handover.period team.first_secretary") << r.out;
}

// DATA.md, --lenient: "The number of rows read equals rows evaluated plus
// rows reported, per table, and the summary says so."
TEST(CliCheckTest, LenientSummaryAccountsForEveryRow) {
  TempDir data;
  WriteSmall(data);
  data.Write("counties.csv", "county_id,name\nC01,都匀市\nC01,重复\nC02,福泉市\n");
  const CliRun r = Check({"--data", data.path(), "--as-of", "2024-06-30", "--lenient"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("  table              read  evaluated  reported\n"
                       "  counties              3          2         1\n"
                       "  villages              2          2         0\n"),
            std::string::npos)
      << r.out;
  // Strict mode has nothing left out, so no such table.
  WriteSmall(data);
  const CliRun strict = Check({"--data", data.path(), "--as-of", "2024-06-30"});
  EXPECT_EQ(strict.out.find("evaluated  reported"), std::string::npos) << strict.out;
}

TEST(CliCheckTest, NoFindingsIsExitZero) {
  TempDir data;  // every table empty
  const CliRun r = Check({"--data", data.path(), "--as-of", "2024-06-30"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("zhucun check: 0 findings as of 2024-06-30"), std::string::npos)
      << r.out;
}

TEST(CliCheckTest, AParameterChangesTheOutcome) {
  // With a 14-day minimum, the 14-day handover is no longer a finding.
  TempDir data;
  WriteSmall(data);
  const CliRun r = Check({"--data", data.path(), "--as-of", "2024-06-30",
                            "--param", "min_handover_days=14"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Findings(r), "assign.coverage team.first_secretary") << r.out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Exception records (docs/rules.md, "Exceptions"): an approved one moves
// its finding from findings.csv to exempted.csv; one naming an unknown rule
// is an error finding of its own. Without records, no exempted.csv.
TEST(CliCheckTest, ExceptionRecordsExemptFindingsIntoExemptedCsv) {
  TempDir data;
  WriteSmall(data);
  TempDir plain;
  Check({"--data", data.path(), "--as-of", "2024-06-30", "--out", plain.path()});
  EXPECT_FALSE(std::filesystem::exists(plain.path() + "/exempted.csv"));
  const std::string header =
      "exception_id,rule,subject,period,reason,approved_by,approved_on,valid_from,valid_until\n";
  data.Write("exceptions.csv",
             header + "X1,handover.period,handovers:H1,,交接期缩短（县委同意）,县委组织部,2023-06-10,"
                      "2023-06-01,\n");
  TempDir out;
  const CliRun r = Check({"--data", data.path(), "--as-of", "2024-06-30", "--out", out.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // (assign.coverage is still an error)
  EXPECT_EQ(ReadFile(out.path() + "/exempted.csv"),
            "rule,subject,period,severity,message,exception\n"
            "handover.period,handovers:H1,,error,the handover lasted 14 days,X1\n");
  EXPECT_EQ(ReadFile(out.path() + "/findings.csv").find("handover.period"), std::string::npos);
  const CliRun summary = Check({"--data", data.path(), "--as-of", "2024-06-30"});
  EXPECT_NE(summary.out.find("zhucun check: 3 findings as of 2024-06-30 (3 errors, 0 warnings)\n"
                             "  1 finding exempted by 1 exception record (not counted above; "
                             "--out writes exempted.csv)\n"),
            std::string::npos)
      << summary.out;
  const CliRun explain = testing::RunZhucun({"explain", "--rules", kRules, "--data", data.path(),
                                             "--as-of", "2024-06-30", "handover.period",
                                             "handovers:H1"});
  EXPECT_NE(explain.out.find("exempted  by exception X1"), std::string::npos) << explain.out;

  data.Write("exceptions.csv", header + "X1,handover.periods,handovers:H1,,交接,县委,2023-06-10,"
                                        "2023-06-01,\n");
  const CliRun typo = Check({"--data", data.path(), "--as-of", "2024-06-30", "--out", out.path()});
  EXPECT_EQ(typo.exit_code, 1) << typo.err;
  EXPECT_EQ(ReadFile(out.path() + "/exempted.csv"),
            "rule,subject,period,severity,message,exception\n");
  EXPECT_NE(ReadFile(out.path() + "/findings.csv")
                .find("exceptions.unknown_rule,exceptions:X1,,error,the pack has no rule "
                      "`handover.periods` (did you mean `handover.period`?)\n"),
            std::string::npos)
      << ReadFile(out.path() + "/findings.csv");
}

// A wrong --data folder reads as empty tables (DATA.md): the command says
// which tables had no file, and names files that are no table (issue 14,
// "a clerk's mistake gets a clerk's answer").
TEST(CliCheckTest, WarnsAboutAbsentTablesAndStrayFiles) {
  TempDir data;
  WriteSmall(data);
  data.Write("payments (1).csv", "payment_id\n");
  data.Write("membrs.csv", "member_id\n");
  data.Write("notes.txt", "not a table\n");
  const CliRun r = Check({"--data", data.path(), "--as-of", "2024-06-30"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err,
            "zhucun check: warning: 12 of the pack's 19 tables have no file in `" + data.path() +
                "` and are read as empty: `leaders`, `visits`, `bundles`, `assessments`, "
                "`unit_ratings`, `payments`, `work_funds`, `insurance`, `health_checks`, "
                "`trainings`, `enterprises` and `absences`\n"
                "zhucun check: warning: `membrs.csv` is not a table of the pack and is not "
                "read; did you mean `members.csv`?\n"
                "zhucun check: warning: `payments (1).csv` is not a table of the pack and is "
                "not read; did you mean `payments.csv`?\n");
  // A window that judges nothing is said too.
  const CliRun late = Check({"--data", data.path(), "--as-of", "2024-06-30", "--from",
                             "2024-07-01"});
  EXPECT_NE(late.err.find("zhucun check: warning: --from 2024-07-01 is after --as-of "
                          "2024-06-30, so no period is judged\n"),
            std::string::npos)
      << late.err;
}

TEST(CliCheckTest, UsageErrorsAreExitTwoWithAMessage) {
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const Case cases[] = {
      {{"--data", kExample, "--as-of", "2023-02-30"},
       "zhucun check: `--as-of 2023-02-30` is not a date; expected YYYY-MM-DD "
       "(a real calendar date)\n"},
      {{"--data", kExample, "--as-of", "2024-06-30", "--from", "2021-6-1"},
       "zhucun check: `--from 2021-6-1` is not a date; expected YYYY-MM-DD "
       "(a real calendar date)\n"},
      {{"--data", kExample, "--as-of", "2024-06-30", "--param", "term_years"},
       "zhucun check: `--param term_years`: expected NAME=VALUE\n"},
      {{"--data", kExample, "--as-of", "2024-06-30", "--param", "term_years=two"},
       "--param term_years:1:1: error[engine.bad_param]: expected an integer such as "
       "`15` for parameter `term_years`, found `two`\n"
       " | two\n"
       " | ^~~\n"},
      {{"--data", kExample, "--as-of", "2024-06-30", "--param", "term_year=3"},
       "error[engine.unknown_param]: unknown parameter `term_year`\n"
       " = help: did you mean `term_years`?\n"},
      {{"--data", kSourceDir + "/no/such/folder", "--as-of", "2024-06-30"},
       "error[csv.no_folder]: data folder `" + kSourceDir +
           "/no/such/folder` does not exist\n"},
  };
  for (const Case& c : cases) {
    const CliRun r = Check(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.err;
    EXPECT_EQ(r.err, c.err);
  }
}

// DATA.md, "Bad input", for the absences table (issue 9): each mistake a
// clerk can make in absences.csv — an unknown kind or approver, an
// impossible date, a member that does not exist or whose own row is bad, a
// duplicate absence_id, an empty required date — is named by file, line
// and column with the value and what was expected, as in every other
// table. Strict: all of them, exit 2, no output. Lenient: one
// `input.invalid` finding per bad row, the others evaluated.
TEST(CliCheckTest, BadAbsencesArePositionedLikeEveryTable) {
  TempDir data;
  WriteSmall(data);
  data.Write("members.csv",
             "member_id,person_id,name,team_id,unit_id,role,start_date,end_date,end_reason\n"
             "M1,P1,赵磊,T1,U1,grid_worker,2021-06-01,2023-06-14,term_complete\n"
             "M2,P2,何勇,T1,U1,grid_worker,2023-06-01,,\n"
             "M3,P3,王芳,T1,U1,cook,2023-06-01,,\n");
  data.Write("absences.csv",
             "absence_id,member_id,kind,start_date,end_date,approved_by,approved_on\n"
             "A1,M2,leave,2024-03-01,2024-03-02,township,2024-02-28\n"
             "A2,M2,vacation,2024-03-01,2024-03-02,township,2024-02-28\n"
             "A3,M2,leave,2024-02-30,2024-03-02,township,2024-02-28\n"
             "A4,M9,absent,2024-03-01,2024-03-02,,\n"
             "A1,M2,leave,2024-04-01,2024-04-02,county,2024-03-28\n"
             "A5,M2,leave,2024-03-01,2024-03-02,乡镇,2024-02-28\n"
             "A6,M2,leave,2024-03-01,,township,2024-02-28\n"
             "A7,M2,official_out,2024-03-01,2024-03-02,,2024-13-01\n"
             "A8,M3,absent,2024-03-01,2024-03-02,,\n"
             "A9,M2,leave,2024-05-01,2024-05-02,,\n");
  const std::string out = data.path() + "/out";
  const CliRun strict = Check({"--data", data.path(), "--as-of", "2024-06-30", "--out", out});
  EXPECT_EQ(strict.exit_code, 2);
  const std::string file = data.path() + "/absences.csv";
  EXPECT_NE(strict.err.find(
                file + ":3:7: error[csv.bad_code]: `kind`: `vacation` is not a known code; "
                       "expected one of official_out, leave, absent\n"
                       " | A2,M2,vacation,2024-03-01,2024-03-02,township,2024-02-28\n"
                       " |       ^~~~~~~~\n" +
                file + ":4:13: error[csv.bad_date]: `start_date`: `2024-02-30` is not a "
                       "real calendar date; expected a real calendar date YYYY-MM-DD\n"
                       " | A3,M2,leave,2024-02-30,2024-03-02,township,2024-02-28\n"
                       " |             ^~~~~~~~~~\n" +
                file + ":5:4: error[csv.dangling_reference]: `member_id`: no `members` "
                       "row has `member_id` `M9`\n"
                       " | A4,M9,absent,2024-03-01,2024-03-02,,\n"
                       " |    ^~\n" +
                file + ":6:1: error[csv.duplicate_key]: duplicate `absence_id` `A1` "
                       "(first on line 2)\n"
                       " | A1,M2,leave,2024-04-01,2024-04-02,county,2024-03-28\n"
                       " | ^~\n" +
                file + ":7:35: error[csv.bad_code]: `approved_by`: `乡镇` is not a known "
                       "code; expected one of township, county\n"
                       " | A5,M2,leave,2024-03-01,2024-03-02,乡镇,2024-02-28\n"
                       " |                                   ^~~~\n" +
                file + ":8:24: error[csv.null]: `end_date` is empty; expected a real "
                       "calendar date YYYY-MM-DD\n"
                       " | A6,M2,leave,2024-03-01,,township,2024-02-28\n"
                       " |                        ^\n" +
                file + ":9:43: error[csv.bad_date]: `approved_on`: `2024-13-01` is not a "
                       "real calendar date; expected a real calendar date YYYY-MM-DD\n"
                       " | A7,M2,official_out,2024-03-01,2024-03-02,,2024-13-01\n"
                       " |                                           ^~~~~~~~~~\n"),
            std::string::npos)
      << strict.err;
  // M3's own row is bad (an unknown role), so A8 refers to a bad row.
  EXPECT_NE(strict.err.find(file + ":10:4: error[csv.bad_reference]: `member_id` `M3` "
                                   "refers to the `members` row on line 4, which is invalid\n"),
            std::string::npos)
      << strict.err;
  EXPECT_FALSE(std::filesystem::exists(out + "/findings.csv"));

  const CliRun lenient =
      Check({"--data", data.path(), "--as-of", "2024-06-30", "--out", out, "--lenient"});
  EXPECT_EQ(lenient.exit_code, 1) << lenient.err;
  std::string invalid, unapproved;
  std::ifstream findings(out + "/findings.csv");
  for (std::string line; std::getline(findings, line);) {
    if (line.starts_with("input.invalid,absences:")) {
      invalid += line.substr(std::string("input.invalid,").size(),
                             line.find(",,") - std::string("input.invalid,").size()) + " ";
    }
    if (line.starts_with("leave.unapproved,")) unapproved += line.substr(0, line.find(",,"));
  }
  // Sorted by code point, as findings.csv is (DATA.md).
  EXPECT_EQ(invalid, "absences:10 absences:3 absences:4 absences:5 absences:6 absences:7 "
                     "absences:8 absences:9 ");
  // The good rows are evaluated: A9 was never approved.
  EXPECT_EQ(unapproved, "leave.unapproved,absences:A9");
  const CliRun summary =
      Check({"--data", data.path(), "--as-of", "2024-06-30", "--lenient"});
  EXPECT_NE(summary.out.find("  absences             10          2         8\n"),
            std::string::npos)
      << summary.out;
}

// `--profile` (issue 10): after the output, a table of the rules, slowest
// first, and the line `evaluation: <ms> ms`; `--threads` sets how many
// threads share the rules.
TEST(CliCheckTest, ProfileAndThreads) {
  TempDir data;
  WriteSmall(data);
  const CliRun r = Check({"--data", data.path(), "--as-of", "2024-06-30", "--out",
                          data.path() + "/out", "--profile", "--threads", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(r.out.starts_with("zhucun check: 4 findings as of 2024-06-30 (4 errors, 0 "
                                "warnings) written to `" + data.path() + "/out`\n"
                                "profile: 32 rules and derived tables on 1 thread, "
                                "slowest first\n  rule "))
      << r.out;
  EXPECT_NE(r.out.find("\n  handover.period "), std::string::npos) << r.out;
  const size_t last = r.out.rfind('\n', r.out.size() - 2) + 1;
  EXPECT_TRUE(r.out.substr(last).starts_with("evaluation: ")) << r.out;
  EXPECT_TRUE(r.out.ends_with(" ms\n")) << r.out;
  // The same findings with any number of threads.
  const CliRun two = Check({"--data", data.path(), "--as-of", "2024-06-30", "--out",
                            data.path() + "/out2", "--threads", "2"});
  std::ifstream a(data.path() + "/out/findings.csv"), b(data.path() + "/out2/findings.csv");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a), {}),
            std::string(std::istreambuf_iterator<char>(b), {}));
  EXPECT_EQ(two.out, "zhucun check: 4 findings as of 2024-06-30 (4 errors, 0 warnings) "
                     "written to `" + data.path() + "/out2`\n");  // no profile unless asked
  // --no-plan: every pair through the row evaluator; the same findings.
  const CliRun reference = Check({"--data", data.path(), "--as-of", "2024-06-30", "--out",
                                  data.path() + "/out3", "--no-plan", "--profile"});
  std::ifstream c(data.path() + "/out3/findings.csv");
  std::ifstream a2(data.path() + "/out/findings.csv");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a2), {}),
            std::string(std::istreambuf_iterator<char>(c), {}));
  EXPECT_EQ(reference.out.find("plan, then row evaluator"), std::string::npos) << reference.out;
  EXPECT_NE(r.out.find("plan, then row evaluator"), std::string::npos) << r.out;
  const CliRun bad = Check({"--data", data.path(), "--as-of", "2024-06-30", "--threads",
                            "two"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "Could not convert: --threads = two\nRun with --help for more information.\n");
}

}  // namespace
}  // namespace zhucun
