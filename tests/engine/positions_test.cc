// Where a mistake in a rule's expression is reported: at its line and
// column in the rule file, also when the expression is a block (`>-`, `|`)
// or multi-line scalar (engine.cc, CompileText).

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;
using testing::WriteSmallSchema;

// `text` without the folder name `dir` + "/".
std::string Unrooted(std::string text, const std::string& dir) {
  for (size_t at; (at = text.find(dir + "/")) != std::string::npos;) {
    text.erase(at, dir.size() + 1);
  }
  return text;
}

// A pack of tests/testdata/packs/explain_ok's schema and `rules`.
void WritePack(const TempDir& pack, const std::string& rules,
               bool window_start = true) {
  WriteSmallSchema(pack);
  pack.Write("pack.yaml",
             std::string("name: positions\nversion: 1.0.0\ntitle: 位置\n") +
                 (window_start
                      ? "parameters:\n  window_start: {type: date, default: 2023-01-01}\n"
                      : "") +
                 "functions:\n"
                 "  active(r, d): r.start_date <= d && (r.end_date == null || d <= "
                 "r.end_date)\n"
                 "includes: [schema.yaml, rules.yaml]\n");
  pack.Write("rules.yaml", rules);
}

// Loads such a pack; the rendered diagnostics with the folder's name taken out.
std::string Problems(const std::string& rules) {
  TempDir pack;
  WritePack(pack, rules);
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  return Unrooted(policy.diagnostics().Render(sources), pack.path());
}

// Loads such a pack and checks a village with one team as of 2024-06-30;
// what Check reports.
std::string CheckProblems(const std::string& rules, bool window_start = true) {
  TempDir pack;
  WritePack(pack, rules, window_start);
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  if (!policy.ok()) return Unrooted(policy.diagnostics().Render(sources), pack.path());
  TempDir data;
  data.Write("counties.csv", "county_id,name\nC1,都匀市\n");
  data.Write("villages.csv", "village_id,county_id,name,category\nV1,C1,新场村,weak\n");
  data.Write("teams.csv", "team_id,village_id,start_date,end_date\nT1,V1,2022-01-01,\n");
  auto facts = ReadCsvFolder(policy.value().schema(), data.path(), CsvOptions{}, sources);
  if (!facts.ok()) return facts.diagnostics().Render(sources);
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  auto report = policy.value().Check(
      std::make_shared<const FactSet>(std::move(facts).value()), options);
  return Unrooted(report.diagnostics().Render(sources), pack.path());
}

const char kHead[] =
    "rules:\n"
    "  - id: team.x\n"
    "    title: 测试\n"
    "    severity: error\n"
    "    subject: teams\n";

TEST(PositionsTest, FoldedBlockPointsIntoTheFile) {
  EXPECT_EQ(Problems(std::string(kHead) +
                     "    when: >-\n"
                     "      team.start_date <= as_of &&\n"
                     "        team.strat_date <= as_of\n"),
            "rules.yaml:8:14: error[expr.unknown_field]: `team` has no field `strat_date`\n"
            " |         team.strat_date <= as_of\n"
            " |              ^~~~~~~~~~\n"
            " = help: did you mean `start_date`?\n");
}

TEST(PositionsTest, LiteralBlockAndMultiLinePlainScalarPointIntoTheFile) {
  EXPECT_EQ(Problems(std::string(kHead) +
                     "    let:\n"
                     "      days: |\n"
                     "        as_of -\n"
                     "          team.start_dat\n"
                     "    when: days > 10 &&\n"
                     "      team.village.categry == 'weak'\n"),
            "rules.yaml:9:16: error[expr.unknown_field]: `team` has no field `start_dat`\n"
            " |           team.start_dat\n"
            " |                ^~~~~~~~~\n"
            " = help: did you mean `start_date`?\n"
            "rules.yaml:11:20: error[expr.unknown_field]: `team.village` has no field `categry`\n"
            " |       team.village.categry == 'weak'\n"
            " |                    ^~~~~~~\n"
            " = help: did you mean `category`?\n");
}

// A string literal broken over two lines is one line once folded; the
// file's text would not be the same expression, so the folded text is
// compiled (and reported by the rule's line and the expression's name).
TEST(PositionsTest, StringBrokenOverLinesIsCompiledFolded) {
  EXPECT_EQ(Problems(std::string(kHead) +
                     "    when: >-\n"
                     "      team.village.name == '新场\n"
                     "      村' && team.nope\n"),
            "rules.yaml:6 (when):1:37: error[expr.unknown_field]: `team` has no field `nope`\n"
            " | team.village.name == '新场 村' && team.nope\n"
            " |                                        ^~~~\n");
  EXPECT_EQ(Problems(std::string(kHead) +
                     "    when: >-\n"
                     "      team.village.name == '新场\n"
                     "      村'\n"),
            "");
}

// A character the lexer cannot read (a full-width `＞` of a Chinese
// keyboard) inside a block keeps its place in the file (issue 14, item 5):
// the expression fails folded or not, so the file's lines are compiled.
TEST(PositionsTest, AFullWidthCharacterInABlockPointsIntoTheFile) {
  EXPECT_EQ(Problems(std::string(kHead) +
                     "    when: >-\n"
                     "      team.start_date <= as_of &&\n"
                     "        team.start_date ＞= as_of\n"),
            "rules.yaml:8:25: error[expr.syntax]: unexpected character `＞`\n"
            " |         team.start_date ＞= as_of\n"
            " |                         ^~\n"
            " = help: did you mean `>`?\n"
            "rules.yaml:8:26: error[expr.syntax]: unexpected character `=`\n"
            " |         team.start_date ＞= as_of\n"
            " |                           ^\n"
            " = help: did you mean `==`?\n");
}

// `active` uses its argument `d` twice; a mistake in the argument is still
// one message.
TEST(PositionsTest, AMistakeInAFunctionArgumentIsOneMessage) {
  EXPECT_EQ(Problems(std::string(kHead) + "    when: active(team, as_off)\n"),
            "rules.yaml:6:24: error[expr.undeclared]: undeclared reference to `as_off`\n"
            " |     when: active(team, as_off)\n"
            " |                        ^~~~~~\n"
            " = help: did you mean `as_of`?\n");
}

// A raw string's backslash escapes nothing; the triple-quoted string after it
// spans the line break, so again the folded text is compiled.
TEST(PositionsTest, RawAndTripleQuotedStringsAreReadAsTheLexerReadsThem) {
  const std::string got = Problems(std::string(kHead) +
                                   "    when: >-\n"
                                   "      r'\\' + \'\'\'x\n"
                                   "      y\'\'\' == '\\\\x y' && team.nope\n");
  EXPECT_EQ(got.substr(0, got.find(':', got.find(')'))), "rules.yaml:6 (when)") << got;
}

// A domain kind pastes its arguments into the rule it expands to; a mistake
// inside one is reported where the clerk wrote it (kinds.cc, MapPasted).
TEST(PositionsTest, AMistakeInAKindArgumentPointsAtTheArgument) {
  const std::string rule =
      "rules:\n"
      "  - id: team.cadres\n"
      "    kind: composition\n"
      "    title: 测试\n"
      "    severity: error\n"
      "    subject: teams\n"
      "    members: team.members\n"
      "    role: resident_cadre\n"
      "    counts: active(member, as_of) && member.end_dat == null\n"
      "    at_least: 2\n";
  EXPECT_EQ(Problems(rule),
            "rules.yaml:9:45: error[expr.unknown_field]: `member` has no field `end_dat`\n"
            " |     counts: active(member, as_of) && member.end_dat == null\n"
            " |                                             ^~~~~~~\n"
            " = help: did you mean `end_date`?\n");
}

// A kind's `when` (its precondition) is pasted into the expanded rule; a
// mistake in it points at the clerk's line, also when it is a folded block.
TEST(PositionsTest, AMistakeInAKindsWhenPointsAtTheRulesLine) {
  const std::string head =
      "rules:\n"
      "  - id: team.cadres\n"
      "    kind: composition\n"
      "    title: 测试\n"
      "    severity: error\n"
      "    subject: teams\n"
      "    members: team.members\n"
      "    role: resident_cadre\n"
      "    counts: active(member, as_of)\n"
      "    at_least: 2\n";
  EXPECT_EQ(Problems(head + "    when: active(team, as_of) && team.team_id > 1\n"),
            "rules.yaml:11:34: error[expr.no_overload]: no matching overload for `>` applied "
            "to `(string, int)`\n"
            " |     when: active(team, as_of) && team.team_id > 1\n"
            " |                                  ^~~~~~~~~~~~~~~~\n"
            " = help: the left side is text (string) and the right side a whole number (int); "
            "`>` takes two of one kind (a number in quotes is text: write `3`, not `'3'`)\n");
  EXPECT_EQ(Problems(head +
                     "    when: >-\n"
                     "      active(team, as_of) &&\n"
                     "      team.team_id \xEF\xBC\x9E 1\n"),  // a full-width `＞`
            "rules.yaml:13:20: error[expr.syntax]: unexpected character `＞`\n"
            " |       team.team_id ＞ 1\n"
            " |                    ^~\n"
            " = help: did you mean `>`?\n");
}

// Mistakes that show only once the pack is compiled or run.
TEST(PositionsTest, WhenMustBeTrueOrFalse) {
  EXPECT_EQ(CheckProblems(std::string(kHead) + "    when: team.team_id\n"),
            "rules.yaml:6:11: error[engine.when_not_bool]: `when` must be true or false, "
            "but it is a string\n"
            " |     when: team.team_id\n"
            " |           ^~~~~~~~~~~~\n");
}

TEST(PositionsTest, UnclosedBraceInAMessage) {
  EXPECT_EQ(CheckProblems(std::string(kHead) +
                          "    when: \"true\"\n"
                          "    message: \"team {team.team_id\"\n"),
            "rules.yaml:7:14: error[pack.message]: unclosed `{` in the message\n"
            " |     message: \"team {team.team_id\"\n"
            " |              ^~~~~~~~~~~~~~~~~~~~\n"
            " = help: write `{{` for a literal brace\n");
}

TEST(PositionsTest, AnExpressionThatFailsOnARowStopsTheCheck) {
  EXPECT_EQ(CheckProblems(std::string(kHead) +
                          "    when: team.team_id.size() / (team.start_date - "
                          "date('2022-01-01')) > 0\n"),
            "rules.yaml:2:9: error[engine.eval_error]: rule `team.x` on `teams:T1`: "
            "division by zero\n"
            " |   - id: team.x\n"
            " |         ^~~~~~\n");
}

// A let is computed only where `when` needs it (issue 10): a guard that is
// false spares the let behind it, errors included; where the let is needed,
// its error is the rule's error on that subject.
TEST(PositionsTest, ALetIsComputedOnlyWhereWhenNeedsIt) {
  const std::string let =
      "    let:\n"
      "      boom: team.team_id.size() / (team.start_date - date('2022-01-01'))\n";
  EXPECT_EQ(CheckProblems(std::string(kHead) + let +
                          "    when: team.village.category == 'poor' && boom > 0\n"),
            "");
  EXPECT_EQ(CheckProblems(std::string(kHead) + let +
                          "    when: team.village.category == 'weak' && boom > 0\n"),
            "rules.yaml:2:9: error[engine.eval_error]: rule `team.x` on `teams:T1`: "
            "division by zero\n"
            " |   - id: team.x\n"
            " |         ^~~~~~\n");
  // CEL's `false && error` is false, whichever side the error is on.
  EXPECT_EQ(CheckProblems(std::string(kHead) + let +
                          "    when: boom > 0 && team.village.category == 'poor'\n"),
            "");
}

TEST(PositionsTest, NoWindowStart) {
  EXPECT_EQ(CheckProblems(std::string(kHead) + "    when: \"true\"\n", false),
            "error[engine.no_window_start]: no --from given and the pack has no "
            "`window_start` date parameter\n");
}

}  // namespace
}  // namespace zhucun

namespace zhucun {
namespace {

// A mistake inside a pack function is one message at the function, listing
// the expressions that use it (issue 14, item 5), not one per use.
TEST(PositionsTest, AMistakeInAFunctionIsReportedOnceWithItsUses) {
  TempDir pack;
  testing::WriteSmallSchema(pack);
  pack.Write("pack.yaml",
             "name: positions\nversion: 1.0.0\ntitle: 位置\n"
             "functions:\n"
             "  late(t): t.start_date > 3\n"
             "includes: [schema.yaml, rules.yaml]\n");
  pack.Write("rules.yaml",
             "rules:\n"
             "  - {id: a.one, severity: error, subject: teams, when: late(team), message: x}\n"
             "  - id: a.two\n"
             "    severity: error\n"
             "    subject: teams\n"
             "    when: late(team) && true\n"
             "    message: x\n");
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  ASSERT_FALSE(policy.ok());
  std::string text = policy.diagnostics().Render(sources);
  for (size_t at; (at = text.find(pack.path() + "/")) != std::string::npos;) {
    text.erase(at, pack.path().size() + 1);
  }
  EXPECT_EQ(text,
            "pack.yaml:5:12: error[expr.no_overload]: no matching overload for `>` applied to "
            "`(date, int)`\n"
            " |   late(t): t.start_date > 3\n"
            " |            ^~~~~~~~~~~~~~~~\n"
            " = help: the left side is a date (date) and the right side a whole number (int); "
            "`>` takes two of one kind; used at rules.yaml:2:56 and rules.yaml:6:11\n");
}

}  // namespace
}  // namespace zhucun
