// Approved exceptions (issue 13, item 1; docs/rules.md, "Exceptions"): the
// records of the fact table `exceptions` exempt the findings they name when
// approved and in force on the finding's date (a period's last day, else
// as_of); records naming an unknown rule, subject or period, and records
// that match a finding but are not in force, are findings of their own.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;

using testing::kExceptionsTableYaml;

// Two rules that fire for every team: `team.any` once per team, and
// `team.monthly` for every month of 2024-01 .. 2024-06 (as_of 2024-06-30).
const char kRules[] =
    "rules:\n"
    "  - id: team.any\n"
    "    title: 测试\n"
    "    severity: error\n"
    "    subject: teams\n"
    "    when: 'true'\n"
    "    message: \"team {team.team_id}\"\n"
    "  - id: team.monthly\n"
    "    title: 测试\n"
    "    severity: error\n"
    "    subject: teams\n"
    "    period: month\n"
    "    when: 'true'\n"
    "    message: \"in {period}\"\n";

const char kHeader[] =
    "exception_id,rule,subject,period,reason,approved_by,approved_on,valid_from,valid_until\n";

// The small pack with the exceptions table (or with `schema_extra` instead).
void WritePack(const TempDir& pack, const std::string& schema_extra = kExceptionsTableYaml) {
  testing::WriteSmallPack(pack, "exceptions", "rules.yaml", kRules);
  std::ifstream in(pack.File("schema.yaml"));
  const std::string schema(std::istreambuf_iterator<char>(in), {});
  pack.Write("schema.yaml", schema + schema_extra);
}

void WriteData(const TempDir& data, const std::string& exceptions) {
  data.Write("counties.csv", "county_id,name\nC1,都匀市\n");
  data.Write("villages.csv", "village_id,county_id,name,category\nV1,C1,新场村,weak\n");
  data.Write("teams.csv",
             "team_id,village_id,start_date,end_date\n"
             "T1,V1,2022-01-01,\nT2,V1,2022-01-01,\n");
  if (!exceptions.empty()) data.Write("exceptions.csv", kHeader + exceptions);
}

Report CheckWith(const std::string& exceptions) {
  TempDir pack;
  WritePack(pack);
  TempDir data;
  WriteData(data, exceptions);
  return testing::CheckFolders(pack, data, CheckOptions{});
}

// "rule subject period" of each finding.
std::vector<std::string> Keys(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) {
    out.push_back(f.rule + " " + f.subject + (f.period.empty() ? "" : " " + f.period));
  }
  return out;
}

std::vector<std::string> ExemptedKeys(const Report& r) {
  std::vector<std::string> out;
  for (const Exemption& x : r.exempted) {
    const Finding& f = x.finding;
    out.push_back(f.rule + " " + f.subject + (f.period.empty() ? "" : " " + f.period) + " by " +
                  x.exception);
  }
  return out;
}

bool Has(const std::vector<std::string>& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

const Finding* FindingOf(const Report& r, const std::string& rule, const std::string& subject,
                         const std::string& period = "") {
  for (const Finding& f : r.findings) {
    if (f.rule == rule && f.subject == subject && f.period == period) return &f;
  }
  return nullptr;
}

TEST(ExceptionsTest, WithoutRecordsNothingChanges) {
  const Report r = CheckWith("");
  EXPECT_EQ(r.exceptions, 0u);
  EXPECT_TRUE(r.exempted.empty());
  EXPECT_EQ(r.findings.size(), 2u + 12u);  // 2 teams, 2 x 6 months
}

TEST(ExceptionsTest, AnApprovedExceptionMovesItsFindingToExempted) {
  const Report r = CheckWith("E1,team.any,teams:T1,,调任,county,2024-01-05,2024-01-01,\n");
  EXPECT_EQ(r.exceptions, 1u);
  EXPECT_EQ(ExemptedKeys(r), std::vector<std::string>{"team.any teams:T1 by E1"});
  const std::vector<std::string> keys = Keys(r.findings);
  EXPECT_FALSE(Has(keys, "team.any teams:T1"));
  EXPECT_TRUE(Has(keys, "team.any teams:T2"));
  EXPECT_EQ(r.findings.size(), 13u);
  // The exempted finding is the finding as it was.
  EXPECT_EQ(r.exempted[0].finding.message, "team T1");
  EXPECT_EQ(r.exempted[0].finding.severity, "error");
}

TEST(ExceptionsTest, APeriodNamesOnePeriodAndEmptyEveryPeriod) {
  const Report r = CheckWith(
      "E1,team.monthly,teams:T1,2024-03,病假,county,2024-01-05,2024-01-01,\n"
      "E2,team.monthly,teams:T2,,召回,county,2024-01-05,2024-01-01,\n");
  EXPECT_EQ(ExemptedKeys(r), (std::vector<std::string>{
                                 "team.monthly teams:T1 2024-03 by E1",
                                 "team.monthly teams:T2 2024-01 by E2",
                                 "team.monthly teams:T2 2024-02 by E2",
                                 "team.monthly teams:T2 2024-03 by E2",
                                 "team.monthly teams:T2 2024-04 by E2",
                                 "team.monthly teams:T2 2024-05 by E2",
                                 "team.monthly teams:T2 2024-06 by E2",
                             }));
  EXPECT_TRUE(Has(Keys(r.findings), "team.monthly teams:T1 2024-02"));
}

// A period's finding is dated its last day: an exception valid from
// 2024-04-01 does not cover 2024-03 (ending 2024-03-31) but covers 2024-04;
// one valid until 2024-03-31 covers 2024-03 and not 2024-04.
TEST(ExceptionsTest, ValidityIsJudgedOnThePeriodsLastDay) {
  const Report r = CheckWith(
      "E1,team.monthly,teams:T1,,调任,county,2024-01-05,2024-04-01,\n"
      "E2,team.monthly,teams:T2,,调任,county,2024-01-05,2024-01-01,2024-03-31\n");
  const std::vector<std::string> exempted = ExemptedKeys(r);
  EXPECT_FALSE(Has(exempted, "team.monthly teams:T1 2024-03 by E1"));
  EXPECT_TRUE(Has(exempted, "team.monthly teams:T1 2024-04 by E1"));
  EXPECT_TRUE(Has(exempted, "team.monthly teams:T2 2024-03 by E2"));
  EXPECT_FALSE(Has(exempted, "team.monthly teams:T2 2024-04 by E2"));
  EXPECT_EQ(exempted.size(), 6u);  // T1 04..06, T2 01..03
  // The findings stay, and each exception says why it did not exempt them.
  ASSERT_NE(FindingOf(r, "team.monthly", "teams:T1", "2024-03"), nullptr);
  const Finding* early = FindingOf(r, "exceptions.not_in_force", "exceptions:E1", "2024-03");
  ASSERT_NE(early, nullptr);
  EXPECT_EQ(early->severity, "warning");
  EXPECT_EQ(early->message,
            "does not exempt `team.monthly` on `teams:T1`: it is valid from 2024-04-01, after "
            "the finding's date 2024-03-31");
  const Finding* late = FindingOf(r, "exceptions.not_in_force", "exceptions:E2", "2024-04");
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->message,
            "does not exempt `team.monthly` on `teams:T2`: it expired on 2024-03-31, before "
            "the finding's date 2024-04-30");
  EXPECT_EQ(FindingOf(r, "exceptions.not_in_force", "exceptions:E2", "2024-03"), nullptr);
}

// A rule without periods is judged on as_of (2024-06-30).
TEST(ExceptionsTest, WithoutPeriodsValidityIsJudgedOnAsOf) {
  const Report r = CheckWith(
      "E1,team.any,teams:T1,,调任,county,2024-01-05,2024-01-01,2024-06-30\n"
      "E2,team.any,teams:T2,,调任,county,2024-01-05,2024-01-01,2024-06-29\n");
  EXPECT_EQ(ExemptedKeys(r), std::vector<std::string>{"team.any teams:T1 by E1"});
  const Finding* late = FindingOf(r, "exceptions.not_in_force", "exceptions:E2");
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->message,
            "does not exempt `team.any` on `teams:T2`: it expired on 2024-06-29, before the "
            "finding's date 2024-06-30");
}

TEST(ExceptionsTest, AnExceptionNotApprovedExemptsNothing) {
  const Report r = CheckWith(
      "E1,team.any,teams:T1,,调任,,,2024-01-01,\n"
      "E2,team.any,teams:T2,,调任,county,2024-07-01,2024-01-01,\n");
  EXPECT_TRUE(r.exempted.empty());
  ASSERT_NE(FindingOf(r, "team.any", "teams:T1"), nullptr);
  const Finding* unapproved = FindingOf(r, "exceptions.not_in_force", "exceptions:E1");
  ASSERT_NE(unapproved, nullptr);
  EXPECT_EQ(unapproved->message,
            "does not exempt `team.any` on `teams:T1`: it is not approved (approved_by and "
            "approved_on must both be given)");
  const Finding* later = FindingOf(r, "exceptions.not_in_force", "exceptions:E2");
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(later->message,
            "does not exempt `team.any` on `teams:T2`: it is approved on 2024-07-01, after the "
            "check's date 2024-06-30");
}

TEST(ExceptionsTest, ValidUntilBeforeValidFromExemptsNothing) {
  const Report r = CheckWith("E1,team.any,teams:T1,,调任,county,2024-01-05,2024-03-01,2024-02-01\n");
  EXPECT_TRUE(r.exempted.empty());
  const Finding* f = FindingOf(r, "exceptions.not_in_force", "exceptions:E1");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->message,
            "does not exempt `team.any` on `teams:T1`: its valid_until 2024-02-01 is before its "
            "valid_from 2024-03-01");
}

// A clerk's mistakes in a record: each is one error finding on the record,
// and the record exempts nothing.
TEST(ExceptionsTest, UnknownRulesSubjectsAndPeriodsAreFindings) {
  const Report r = CheckWith(
      "E1,team.anyy,teams:T1,,调任,county,2024-01-05,2024-01-01,\n"
      "E2,team.any,teams:T9,,调任,county,2024-01-05,2024-01-01,\n"
      "E3,team.any,T1,,调任,county,2024-01-05,2024-01-01,\n"
      "E4,team.monthly,teams:T1,2024-13,调任,county,2024-01-05,2024-01-01,\n"
      "E5,team.any,teams:T1,2024-03,调任,county,2024-01-05,2024-01-01,\n"
      "E6,team.monthly,teams:T1,2024-Q1,调任,county,2024-01-05,2024-01-01,\n");
  EXPECT_TRUE(r.exempted.empty());
  EXPECT_EQ(r.exceptions, 6u);
  const auto message = [&](const std::string& rule, const std::string& subject) {
    const Finding* f = FindingOf(r, rule, subject);
    EXPECT_NE(f, nullptr) << rule << " " << subject;
    if (f != nullptr) {
      EXPECT_EQ(f->severity, "error");
    }
    return f == nullptr ? std::string() : f->message;
  };
  EXPECT_EQ(message("exceptions.unknown_rule", "exceptions:E1"),
            "the pack has no rule `team.anyy` (did you mean `team.any`?)");
  EXPECT_EQ(message("exceptions.unknown_subject", "exceptions:E2"),
            "unknown subject `teams:T9`: no row of `teams` has `team_id` `T9` (did you mean "
            "`teams:T1`?)");
  EXPECT_EQ(message("exceptions.unknown_subject", "exceptions:E3"),
            "rule `team.any` is about rows of `teams`, not `T1` (write the subject as "
            "`teams:<team_id>`)");
  EXPECT_EQ(message("exceptions.unknown_period", "exceptions:E4"),
            "`2024-13` is not a period (write a year `2023`, a half `2023-H1`, a quarter "
            "`2023-Q3` or a month `2023-07`, or leave it empty for every period)");
  EXPECT_EQ(message("exceptions.unknown_period", "exceptions:E5"),
            "rule `team.any` has no periods, but `2024-03` was given (leave the period empty)");
  EXPECT_EQ(message("exceptions.unknown_period", "exceptions:E6"),
            "rule `team.monthly` is judged per month, but `2024-Q1` is a quarter");
  // The findings the records named are all still there.
  EXPECT_EQ(r.findings.size(), 14u + 6u);
}

TEST(ExceptionsTest, ExplainSaysWhichRecordExempts) {
  TempDir pack;
  WritePack(pack);
  TempDir data;
  WriteData(data,
            "E1,team.any,teams:T1,,调任,county,2024-01-05,2024-01-01,\n"
            "E2,team.anyy,teams:T1,,调任,county,2024-01-05,2024-01-01,\n"
            "E3,team.monthly,teams:T2,,调任,county,2024-01-05,2024-04-01,\n");
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = ReadCsvFolder(policy.value().schema(), data.path(), CsvOptions{}, sources);
  ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  const auto shared = std::make_shared<const FactSet>(std::move(facts).value());
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  const auto explain = [&](const std::string& rule, const std::string& subject,
                           const std::string& period = "") {
    Result<Explanation> e = policy.value().Explain(shared, options, rule, subject, period);
    EXPECT_TRUE(e.ok()) << e.diagnostics().Render(sources);
    return e.ok() ? e.value() : Explanation{};
  };
  const Explanation exempted = explain("team.any", "teams:T1");
  EXPECT_TRUE(exempted.fired);
  EXPECT_EQ(exempted.exempted_by, "E1");
  EXPECT_NE(FormatExplanation(exempted).find("exempted  by exception E1"), std::string::npos)
      << FormatExplanation(exempted);
  EXPECT_EQ(explain("team.any", "teams:T2").exempted_by, "");
  // The records' own findings are explained with their messages.
  const Explanation unknown = explain("exceptions.unknown_rule", "exceptions:E2");
  EXPECT_TRUE(unknown.fired);
  EXPECT_EQ(unknown.message, "the pack has no rule `team.anyy` (did you mean `team.any`?)");
  const Explanation early = explain("exceptions.not_in_force", "exceptions:E3", "2024-03");
  EXPECT_TRUE(early.fired);
  EXPECT_EQ(early.severity, "warning");
  EXPECT_EQ(early.message,
            "does not exempt `team.monthly` on `teams:T2`: it is valid from 2024-04-01, after "
            "the finding's date 2024-03-31");
  EXPECT_FALSE(explain("exceptions.not_in_force", "exceptions:E3", "2024-04").fired);
  // As the check says.
  const Report r = policy.value().Check(shared, options).value();
  EXPECT_TRUE(Has(ExemptedKeys(r), "team.monthly teams:T2 2024-04 by E3"));
}

// The pack's `exceptions` table must have the columns exceptions read.
TEST(ExceptionsTest, ASchemaWithoutTheColumnsIsALoadError) {
  TempDir pack;
  WritePack(pack,
            "\n"
            "  - name: exceptions\n"
            "    key: exception_id\n"
            "    columns:\n"
            "      - {name: exception_id, type: id}\n"
            "      - {name: rule, type: text}\n"
            "      - {name: subject, type: text}\n"
            "      - {name: period, type: text, nullable: true}\n"
            "      - {name: reason, type: text}\n"
            "      - {name: approved_by, type: text, nullable: true}\n"
            "      - {name: approved_on, type: text, nullable: true}\n"
            "      - {name: valid_from, type: date, nullable: true}\n");
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  ASSERT_FALSE(policy.ok());
  const std::string text = policy.diagnostics().Render(sources);
  EXPECT_NE(text.find("error[pack.bad_exceptions]: column `approved_on` of `exceptions` must "
                      "be a date, not text"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("error[pack.bad_exceptions]: column `valid_from` of `exceptions` cannot "
                      "be nullable"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("error[pack.bad_exceptions]: the `exceptions` table has no column "
                      "`valid_until`"),
            std::string::npos)
      << text;
  // Positioned at the column, in schema.yaml.
  EXPECT_NE(text.find("schema.yaml:"), std::string::npos) << text;
}

// A pack chooses the ids of the records' own findings (pack.yaml,
// `exception_findings`); mistakes in them are load errors.
TEST(ExceptionsTest, APackChoosesTheIdsOfTheRecordsFindings) {
  const auto pack_with = [](const TempDir& pack, const std::string& ids) {
    WritePack(pack);
    pack.Write("pack.yaml",
               "name: exceptions\nversion: 1.0.0\ntitle: exceptions\n"
               "parameters:\n  window_start: {type: date, default: 2024-01-01}\n"
               "exception_findings: " + ids + "\n"
               "includes: [schema.yaml, rules.yaml]\n");
  };
  TempDir pack;
  pack_with(pack, "{unknown_rule: exception.no_rule, not_in_force: exception.expired}");
  TempDir data;
  WriteData(data,
            "E1,team.anyy,teams:T1,,x,county,2024-01-05,2024-01-01,\n"
            "E2,team.any,teams:T2,,x,county,2024-01-05,2024-01-01,2024-06-29\n"
            "E3,team.any,teams:T9,,x,county,2024-01-05,2024-01-01,\n");
  const Report r = testing::CheckFolders(pack, data, CheckOptions{});
  EXPECT_NE(FindingOf(r, "exception.no_rule", "exceptions:E1"), nullptr);
  EXPECT_NE(FindingOf(r, "exception.expired", "exceptions:E2"), nullptr);
  EXPECT_NE(FindingOf(r, "exceptions.unknown_subject", "exceptions:E3"), nullptr);  // default
  const auto load_errors = [&](const std::string& ids) {
    TempDir bad;
    pack_with(bad, ids);
    SourceManager sources;
    Result<Policy> policy = Policy::Load(bad.path(), sources);
    EXPECT_FALSE(policy.ok()) << ids;
    return policy.diagnostics().Render(sources);
  };
  EXPECT_NE(load_errors("{unknown_rule: Expired}").find("error[pack.bad_id]: bad rule id "
                                                        "`Expired`"),
            std::string::npos);
  EXPECT_NE(load_errors("{unknown_rule: exception.bad, not_in_force: exception.bad}")
                .find("error[pack.bad_id]: the exception records' findings take the id "
                      "`exception.bad` twice"),
            std::string::npos);
  EXPECT_NE(load_errors("{not_in_force: team.any}")
                .find("error[pack.bad_id]: rule id `team.any` is taken by the exception "
                      "records' findings"),
            std::string::npos);
  EXPECT_NE(load_errors("{expired: exception.expired}")
                .find("error[pack.unknown_key]: unknown key `expired`"),
            std::string::npos)
      << load_errors("{expired: exception.expired}");
}

// With exception records, the ids `exceptions.*` are theirs.
TEST(ExceptionsTest, ARuleCannotTakeTheRecordsIds) {
  TempDir pack;
  testing::WriteSmallPack(pack, "exceptions", "rules.yaml",
                          "rules:\n"
                          "  - id: exceptions.not_in_force\n"
                          "    severity: error\n"
                          "    subject: teams\n"
                          "    when: 'true'\n"
                          "    message: x\n");
  std::ifstream in(pack.File("schema.yaml"));
  const std::string schema(std::istreambuf_iterator<char>(in), {});
  pack.Write("schema.yaml", schema + kExceptionsTableYaml);
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  ASSERT_FALSE(policy.ok());
  EXPECT_NE(policy.diagnostics().Render(sources).find(
                "rules.yaml:2:9: error[pack.bad_id]: rule id `exceptions.not_in_force` is taken "
                "by the exception records' findings"),
            std::string::npos)
      << policy.diagnostics().Render(sources);
}

// A record naming a record's own finding is an unknown rule (and explaining
// it does not loop).
TEST(ExceptionsTest, ARecordNamingARecordsFinding) {
  TempDir pack;
  WritePack(pack);
  TempDir data;
  WriteData(data, "E1,exceptions.not_in_force,exceptions:E1,,x,county,2024-01-05,2024-01-01,\n");
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  ASSERT_TRUE(policy.ok());
  auto facts = std::make_shared<const FactSet>(
      ReadCsvFolder(policy.value().schema(), data.path(), CsvOptions{}, sources).value());
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  const Report r = policy.value().Check(facts, options).value();
  ASSERT_NE(FindingOf(r, "exceptions.unknown_rule", "exceptions:E1"), nullptr);
  Result<Explanation> e =
      policy.value().Explain(facts, options, "exceptions.not_in_force", "exceptions:E1", "");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e.value().fired);
}

}  // namespace
}  // namespace zhucun
