// YAML slips in a clerk's words (issue 14, item 5): a full-width colon, a
// tab or a full-width space in the indentation, a quote left open, a key
// indented deeper than its neighbours. yaml-cpp reports where its parser
// gave up ("end of map not found", lines later); the loader says what the
// slip is, at the slip, and keeps the parser's words in the help.

#include <gtest/gtest.h>

#include <string>

#include "engine_test_util.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::ReplaceAll;
using testing::TempDir;

const char kRule[] =
    "rules:\n"
    "  - id: team.any\n"
    "    title: 测试\n"
    "    severity: error\n"
    "    subject: teams\n"
    "    when: 'true'\n"
    "    message: \"team {team.team_id}\"\n"
    "  - id: team.other\n"
    "    title: 测试\n"
    "    severity: warning\n"
    "    subject: teams\n"
    "    when: 'false'\n";

// The rendered load errors of the small pack whose rules.yaml is kRule
// with `from` replaced by `to`; the pack folder shown as `PACK`.
std::string Errors(const std::string& from, const std::string& to) {
  TempDir pack;
  const std::string rules = ReplaceAll(kRule, from, to);
  EXPECT_NE(rules, kRule) << from;
  testing::WriteSmallPack(pack, "slips", "rules.yaml", rules);
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  EXPECT_FALSE(policy.ok());
  testing::ExpectTranslated(policy.diagnostics());
  return ReplaceAll(policy.diagnostics().Render(sources), pack.path(), "PACK");
}

TEST(YamlMistakesTest, AFullWidthColon) {
  EXPECT_EQ(Errors("    severity: error\n", "    severity： error\n"),
            "PACK/rules.yaml:4:13: error[pack.yaml_syntax]: invalid yaml: `：` after `severity` "
            "is a full-width colon (全角冒号); YAML needs the ASCII colon `:`\n"
            " |     severity： error\n"
            " |             ^~\n"
            " = help: switch the keyboard to half-width punctuation and write `severity: ...`, "
            "with a space after the colon (the YAML parser stopped at line 5: illegal map "
            "value)\n");
}

TEST(YamlMistakesTest, ATabInTheIndentation) {
  const std::string e = Errors("    when: 'true'\n", "\twhen: 'true'\n");
  EXPECT_EQ(e.substr(0, e.find('\n')),
            "PACK/rules.yaml:6:1: error[pack.yaml_syntax]: invalid yaml: this line is indented "
            "with a tab; YAML indents with spaces only")
      << e;
  EXPECT_NE(e.find(" = help: replace the tab with spaces, lined up with the keys above (the "
                   "YAML parser stopped at line 6: "),
            std::string::npos)
      << e;
}

TEST(YamlMistakesTest, AFullWidthSpaceInTheIndentation) {
  const std::string e = Errors("    when: 'true'\n", "  \xE3\x80\x80when: 'true'\n");
  EXPECT_EQ(e.substr(0, e.find('\n')),
            "PACK/rules.yaml:6:3: error[pack.yaml_syntax]: invalid yaml: this line is indented "
            "with a full-width space (全角空格); YAML indents with ASCII spaces only")
      << e;
}

TEST(YamlMistakesTest, AQuoteLeftOpen) {
  // Nothing below closes it: yaml-cpp would read the rest of the file as
  // the message, and the rules below it would be gone without a word.
  std::string e =
      Errors("    message: \"team {team.team_id}\"\n", "    message: \"team {team.team_id}\n");
  EXPECT_EQ(e.substr(0, e.find('\n')),
            "PACK/rules.yaml:7:14: error[pack.yaml_syntax]: invalid yaml: the quote `\"` on line "
            "7 is never closed, so the rest of the file is read as its text")
      << e;
  EXPECT_NE(e.find("end the text with `\"`; a text of several lines is written after `>-`"),
            std::string::npos)
      << e;
  // A quote below closes it, and the parser stops there: the slip is named.
  e = Errors("    title: 测试\n    severity: error\n    subject: teams\n    when: 'true'\n",
             "    title: \"测试\n    severity: error\n    subject: teams\n    when: \"true\"\n");
  EXPECT_EQ(e.substr(0, e.find('\n')),
            "PACK/rules.yaml:3:12: error[pack.yaml_syntax]: invalid yaml: the quote `\"` that "
            "starts the value of `title` is not closed on its line")
      << e;
  EXPECT_NE(e.find("end the text with `\"`; a text of several lines is written after `>-`"),
            std::string::npos)
      << e;
}

TEST(YamlMistakesTest, AKeyIndentedDeeperThanItsNeighbours) {
  const std::string e = Errors("    severity: warning\n", "     severity: warning\n");
  EXPECT_EQ(e.substr(0, e.find('\n')),
            "PACK/rules.yaml:10:1: error[pack.yaml_syntax]: invalid yaml: this line is indented "
            "by 5 spaces, more than the key above it (4) which opens nothing")
      << e;
  EXPECT_NE(e.find("line the keys of one map up under each other (line 9 starts its key at "
                   "column 5)"),
            std::string::npos)
      << e;
}

TEST(YamlMistakesTest, OtherMistakesKeepTheParsersWords) {
  // An unbalanced bracket is no common slip: the parser's own message.
  const std::string e = Errors("    when: 'false'\n", "    when: [a, b\n");
  EXPECT_NE(e.find("error[pack.yaml_syntax]: invalid yaml: "), std::string::npos) << e;
  EXPECT_EQ(e.find("full-width"), std::string::npos) << e;
  EXPECT_EQ(e.find("tab"), std::string::npos) << e;
}

}  // namespace
}  // namespace zhucun
