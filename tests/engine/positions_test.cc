// Where a mistake in a rule's expression is reported: at its line and
// column in the rule file, also when the expression is a block (`>-`, `|`)
// or multi-line scalar (engine.cc, CompileText).

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "../facts/facts_test_util.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::kSourceDir;
using testing::TempDir;

// Loads a pack made of tests/testdata/packs/explain_ok's schema and `rules`,
// and returns the rendered diagnostics with the folder's name taken out.
std::string Problems(const std::string& rules) {
  TempDir pack;
  std::ifstream schema(kSourceDir + "/tests/testdata/packs/explain_ok/schema.yaml");
  pack.Write("schema.yaml", std::string(std::istreambuf_iterator<char>(schema), {}));
  pack.Write("pack.yaml",
             "name: positions\nversion: 1.0.0\ntitle: 位置\n"
             "parameters:\n  window_start: {type: date, default: 2023-01-01}\n"
             "functions:\n"
             "  active(r, d): r.start_date <= d && (r.end_date == null || d <= r.end_date)\n"
             "includes: [schema.yaml, rules.yaml]\n");
  pack.Write("rules.yaml", rules);
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  std::string text = policy.diagnostics().Render(sources);
  for (size_t at; (at = text.find(pack.path() + "/")) != std::string::npos;) {
    text.erase(at, pack.path().size() + 1);
  }
  return text;
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

}  // namespace
}  // namespace zhucun
