// Diff (issue 13, item 3; zhucun/diff.h): findings that appear, vanish or
// change message or severity between two checks, and derived rows that
// change, keyed by the table's sort columns.

#include "zhucun/diff.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine_test_util.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;
using Kind = FindingChange::Kind;

std::string Show(const ReportDiff& d) {
  std::string out;
  for (const FindingChange& c : d.findings) {
    const Finding& f = c.finding();
    out += std::string(ChangeName(c.kind)) + " " + f.rule + " " + f.subject +
           (f.period.empty() ? "" : " " + f.period);
    if (c.kind == Kind::kChanged) {
      out += ": " + c.before.severity + " " + c.before.message + " -> " + c.after.severity +
             " " + c.after.message;
    }
    out += "\n";
  }
  for (const DerivedRowChange& c : d.derived) {
    out += std::string(ChangeName(c.kind)) + " " + c.table + " [" + c.key + "] " + c.before +
           " -> " + c.after + "\n";
  }
  return out;
}

TEST(DiffTest, FindingsAppearVanishAndChange) {
  Report before, after;
  before.findings = {{"a.rule", "teams:T1", "", "error", "one"},
                     {"a.rule", "teams:T2", "", "error", "two"},
                     {"b.rule", "teams:T1", "2024-03", "warning", "same"},
                     {"b.rule", "teams:T1", "2024-04", "warning", "was a warning"}};
  after.findings = {{"a.rule", "teams:T2", "", "error", "two, changed"},
                    {"a.rule", "teams:T3", "", "error", "three"},
                    {"b.rule", "teams:T1", "2024-03", "warning", "same"},
                    {"b.rule", "teams:T1", "2024-04", "error", "was a warning"}};
  EXPECT_EQ(Show(Diff(before, after)),
            "vanishes a.rule teams:T1\n"
            "changes a.rule teams:T2: error two -> error two, changed\n"
            "appears a.rule teams:T3\n"
            "changes b.rule teams:T1 2024-04: warning was a warning -> error was a warning\n");
  EXPECT_TRUE(Diff(before, before).empty());
  EXPECT_TRUE(Diff(Report{}, Report{}).empty());
}

// A pack whose rule and derived table read parameter `days`.
void WritePack(const TempDir& pack) {
  testing::WriteSmallSchema(pack);
  pack.Write("pack.yaml",
             "name: diff\nversion: 1.0.0\ntitle: diff\n"
             "parameters:\n"
             "  window_start: {type: date, default: 2024-01-01}\n"
             "  days: {type: int, default: 100}\n"
             "includes: [schema.yaml, rules.yaml]\n");
  pack.Write("rules.yaml",
             "rules:\n"
             "  - id: team.long\n"
             "    severity: warning\n"
             "    subject: teams\n"
             "    when: as_of - team.start_date > params.days\n"
             "    message: \"{as_of - team.start_date} days, more than {params.days}\"\n"
             "derived:\n"
             "  - name: team_age\n"
             "    from: teams\n"
             "    as: team\n"
             "    columns:\n"
             "      team_id: team.team_id\n"
             "      old: as_of - team.start_date > params.days\n"
             "    sort_by: [team_id]\n");
}

Report CheckWithDays(const std::string& days) {
  TempDir pack;
  WritePack(pack);
  TempDir data;
  data.Write("counties.csv", "county_id,name\nC1,都匀市\n");
  data.Write("villages.csv", "village_id,county_id,name,category\nV1,C1,新场村,weak\n");
  data.Write("teams.csv",
             "team_id,village_id,start_date,end_date\n"
             "T1,V1,2024-01-01,\nT2,V1,2024-05-01,\nT3,V1,2023-01-01,\n");
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources, {{"days", days}});
  EXPECT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  if (!policy.ok()) return {};
  auto facts = ReadCsvFolder(policy.value().schema(), data.path(), CsvOptions{}, sources);
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  return policy.value()
      .Check(std::make_shared<const FactSet>(std::move(facts).value()), options)
      .value();
}

// T1 is 181 days old on 2024-06-30, T2 60, T3 546: raising the limit from
// 100 to 200 days drops T1's finding, changes T3's message, and turns T1's
// derived `old` to false.
TEST(DiffTest, AParameterChangeThroughTwoChecks) {
  const Report before = CheckWithDays("100");
  const Report after = CheckWithDays("200");
  EXPECT_EQ(Show(Diff(before, after)),
            "vanishes team.long teams:T1\n"
            "changes team.long teams:T3: warning 546 days, more than 100 -> warning 546 days, "
            "more than 200\n"
            "changes team_age [team_id=T1] team_id=T1, old=true -> team_id=T1, old=false\n");
  EXPECT_EQ(Show(Diff(after, before)),
            "appears team.long teams:T1\n"
            "changes team.long teams:T3: warning 546 days, more than 200 -> warning 546 days, "
            "more than 100\n"
            "changes team_age [team_id=T1] team_id=T1, old=false -> team_id=T1, old=true\n");
  EXPECT_TRUE(Diff(before, CheckWithDays("100")).empty());
}

// Rows of a table only one side has appear or vanish; rows are named by
// their key.
TEST(DiffTest, DerivedTablesOfOneSide) {
  const Report with = CheckWithDays("100");
  Report without = with;
  without.derived.clear();
  EXPECT_EQ(Show(Diff(without, with)),
            "appears team_age [team_id=T1]  -> team_id=T1, old=true\n"
            "appears team_age [team_id=T2]  -> team_id=T2, old=false\n"
            "appears team_age [team_id=T3]  -> team_id=T3, old=true\n");
  // Without a key a row is named by all its cells: a changed cell is one row
  // vanishing and another appearing.
  Report a = CheckWithDays("100"), b = CheckWithDays("200");
  a.derived[0].key.clear();
  b.derived[0].key.clear();
  EXPECT_EQ(Show(ReportDiff{{}, Diff(a, b).derived}),
            "appears team_age [team_id=T1, old=false]  -> team_id=T1, old=false\n"
            "vanishes team_age [team_id=T1, old=true] team_id=T1, old=true -> \n");
}

}  // namespace
}  // namespace zhucun
