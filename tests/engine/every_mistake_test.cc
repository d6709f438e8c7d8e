// One run reports every mistake (issue 14, item 5): a structural mistake in
// one file (a misspelled key, a missing value) no longer hides the mistakes
// of the expressions in the others. What has a mistake of its own is left
// out of what is compiled, so a mistake of an unknown name (which a broken
// parameter or function may have caused) waits for the structure to be
// mended; every other expression mistake is reported with the structural
// ones. On a copy of tests/testdata/packs/explain_ok.

#include <gtest/gtest.h>

#include <string>

#include "engine_test_util.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::ReplaceAll;
using testing::TempDir;

class EveryMistakeTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::CopyExplainOk(pack_); }

  // Replaces `from` (which must be there) by `to` in the pack's `file`.
  void Edit(const std::string& file, const std::string& from, const std::string& to) {
    testing::EditFile(pack_, file, from, to);
  }

  // The rendered errors of loading the pack, its folder shown as `PACK`.
  std::string Errors() {
    SourceManager sources;
    Result<Policy> policy = Policy::Load(pack_.path(), sources);
    EXPECT_FALSE(policy.ok());
    testing::ExpectTranslated(policy.diagnostics());
    return ReplaceAll(policy.diagnostics().Render(sources), pack_.path(), "PACK");
  }

  TempDir pack_;
};

TEST_F(EveryMistakeTest, AMisspelledKeyDoesNotHideAnExpressionMistakeInAnotherRule) {
  Edit("rules.yaml", "    title: 每村一支工作队\n    severity: warning\n",
       "    title: 每村一支工作队\n    sevrity: warning\n");
  Edit("rules.yaml", "when: postings.filter(p, p.end_date == null).size() > 1",
       "when: postings.filter(p, p.end_date == null).size() > '1'");
  EXPECT_EQ(Errors(),
            "PACK/rules.yaml:19:5: error[pack.unknown_key]: unknown key `sevrity` in a rule\n"
            " |     sevrity: warning\n"
            " |     ^~~~~~~\n"
            " = help: did you mean `severity`?\n"
            "PACK/rules.yaml:31:11: error[expr.no_overload]: no matching overload for `>` "
            "applied to `(int, string)`\n"
            " |     when: postings.filter(p, p.end_date == null).size() > '1'\n"
            " |           ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
            " = help: the left side is a whole number (int) and the right side text (string); "
            "`>` takes two of one kind (a number in quotes is text: write `3`, not `'3'`)\n");
}

TEST_F(EveryMistakeTest, AFullWidthCharacterInAnotherFileIsReportedWhereItIs) {
  Edit("pack.yaml", "title: 解释测试", "titel: 解释测试");
  Edit("rules.yaml", "when: member.start_date in period",
       "when: member.start_date in period \xEF\xBC\x86\xEF\xBC\x86 true");  // ＆＆
  const std::string e = Errors();
  EXPECT_NE(e.find("PACK/pack.yaml:5:1: error[pack.unknown_key]: unknown key `titel`"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("PACK/rules.yaml:41:39: error[expr.syntax]: "), std::string::npos) << e;
  EXPECT_LT(e.find("pack.yaml:5:1"), e.find("rules.yaml:41:39")) << e;
}

TEST_F(EveryMistakeTest, ANameABrokenPieceWouldHaveDefinedIsNotReportedAsUnknown) {
  // The parameter `min_cadres` is broken (no `default`), so `params.min_cadres`
  // is unknown to the compiler: not reported until the parameter is mended.
  Edit("pack.yaml", "min_cadres:    {type: int, default: 2,", "min_cadres:    {type: int, defualt: 2,");
  const std::string e = Errors();
  EXPECT_NE(e.find("unknown key `defualt` in a parameter"), std::string::npos) << e;
  EXPECT_EQ(e.find("min_cadres` "), std::string::npos) << e;
  EXPECT_EQ(e.find("expr."), std::string::npos) << e;
  // Mended, the pack loads.
  Edit("pack.yaml", "defualt: 2", "default: 2");
  SourceManager sources;
  EXPECT_TRUE(Policy::Load(pack_.path(), sources).ok());
}

TEST_F(EveryMistakeTest, ABrokenSchemaStopsBeforeTheExpressions) {
  // Without the schema every record type is unknown: only its mistake.
  Edit("schema.yaml", "      - name: role\n", "      - nme: role\n");
  Edit("rules.yaml", "when: member.start_date in period", "when: member.start_date in period > 1");
  const std::string e = Errors();
  EXPECT_NE(e.find("PACK/schema.yaml:"), std::string::npos) << e;
  EXPECT_EQ(e.find("expr."), std::string::npos) << e;
}

}  // namespace
}  // namespace zhucun
