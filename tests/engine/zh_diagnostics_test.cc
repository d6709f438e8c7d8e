// The commonest mistakes of an office clerk, as a clerk who reads Chinese
// sees them (issue 14, item 1: `--lang zh` covers the diagnostics' prose):
// a misspelled key, a full-width colon, a number in quotes compared with a
// number, a date that does not exist in a CSV file, a data folder or an
// included file that is not there, and an unknown rule asked to explain.
// The rest of the error tests check, through ExpectTranslated, that every
// diagnostic they make has Chinese (tests/source/translated.h).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::EditFile;
using testing::ReplaceAll;
using testing::TempDir;

// A copy of tests/testdata/packs/explain_ok and its data, to be spoiled.
class ZhDiagnosticsTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::CopyExplainOk(pack_, &data_); }

  // The pack's load errors in Chinese, its folder shown as `PACK`.
  std::string PackErrors() {
    SourceManager sources;
    Result<Policy> policy = Policy::Load(pack_.path(), sources);
    EXPECT_FALSE(policy.ok());
    testing::ExpectTranslated(policy.diagnostics());
    return ReplaceAll(policy.diagnostics().Render(sources, "zh"), pack_.path(), "PACK");
  }

  // The data folder's errors in Chinese, read against the pack's schema.
  std::string DataErrors(const std::string& folder) {
    SourceManager sources;
    Result<Policy> policy = Policy::Load(pack_.path(), sources);
    EXPECT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
    if (!policy.ok()) return "";
    auto facts = ReadCsvFolder(policy.value().schema(), folder, CsvOptions{}, sources);
    EXPECT_FALSE(facts.ok());
    testing::ExpectTranslated(facts.diagnostics());
    return ReplaceAll(facts.diagnostics().Render(sources, "zh"), data_.path(), "DATA");
  }

  TempDir pack_;
  TempDir data_;
};

TEST_F(ZhDiagnosticsTest, AMisspelledKeyWithItsLikelyFix) {
  EditFile(pack_, "rules.yaml", "    title: 每村一支工作队\n    severity: warning\n",
           "    title: 每村一支工作队\n    sevrity: warning\n");
  EXPECT_EQ(PackErrors(),
            "PACK/rules.yaml:19:5: 错误[pack.unknown_key]：规则中有未知的键 `sevrity`\n"
            " |     sevrity: warning\n"
            " |     ^~~~~~~\n"
            " = 提示：是否应为 `severity`？\n");
}

TEST_F(ZhDiagnosticsTest, AFullWidthColon) {
  EditFile(pack_, "rules.yaml", "    title: 每村一支工作队\n    severity: warning\n",
           "    title: 每村一支工作队\n    severity： warning\n");
  const std::string e = PackErrors();
  EXPECT_EQ(e.substr(0, e.find("（YAML")),
            "PACK/rules.yaml:19:13: 错误[pack.yaml_syntax]：YAML 格式错误：`severity` 后的 `：` "
            "是全角冒号；YAML 要用半角冒号 `:`\n"
            " |     severity： warning\n"
            " |             ^~\n"
            " = 提示：把输入法切换为半角标点，写成 `severity: ...`，冒号后留一个空格")
      << e;
}

TEST_F(ZhDiagnosticsTest, ANumberInQuotesComparedWithANumber) {
  EditFile(pack_, "rules.yaml", "when: postings.filter(p, p.end_date == null).size() > 1",
           "when: \"'2' < postings.filter(p, p.end_date == null).size()\"");
  EXPECT_EQ(PackErrors(),
            "PACK/rules.yaml:31:12: 错误[expr.no_overload]：`<` 不能用于 `(string, int)`："
            "没有匹配的重载\n"
            " |     when: \"'2' < postings.filter(p, p.end_date == null).size()\"\n"
            " |            ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
            " = 提示：左边是文本（string），右边是整数（int）；`<` 两边要是同一类值（加了引号的"
            "数字是文本：应写 `3`，不要写 `'3'`）\n");
}

TEST_F(ZhDiagnosticsTest, ADateThatDoesNotExistInACsvFile) {
  EditFile(data_, "teams.csv", "T2,V3,2022-01-01,", "T2,V3,2022-02-30,");
  EXPECT_EQ(DataErrors(data_.path()),
            "DATA/teams.csv:3:7: 错误[csv.bad_date]：`start_date`：`2022-02-30` 不是真实存在的"
            "日期；应为真实存在的日期 YYYY-MM-DD\n"
            " | T2,V3,2022-02-30,\n"
            " |       ^~~~~~~~~~\n"
            "错误[csv.bad_reference]：有 3 行直接或间接引用了被拒绝的 `teams` 第 3 行，因此也被"
            "拒绝：`members` 3 行\n"
            " = 提示：改正那一行，这些行就会重新读入\n"
            "注[facts.rejected]：共拒绝 4 行：1 行本身有问题，3 行因引用它而被拒绝\n");
}

TEST_F(ZhDiagnosticsTest, ADataFolderThatIsNotThere) {
  EXPECT_EQ(DataErrors(data_.path() + "/nowhere"),
            "错误[csv.no_folder]：数据文件夹 `DATA/nowhere` 不存在\n");
}

TEST_F(ZhDiagnosticsTest, AnIncludedFileThatIsNotThere) {
  EditFile(pack_, "pack.yaml", "rules.yaml", "rule.yaml");
  const std::string e = PackErrors();
  EXPECT_NE(e.find("错误[pack.missing_include]：包含的文件 `rule.yaml` 不存在\n"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find(" = 提示：是否应为 `rules.yaml`？\n"), std::string::npos) << e;
}

TEST_F(ZhDiagnosticsTest, AnUnknownRuleToExplain) {
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack_.path(), sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = ReadCsvFolder(policy.value().schema(), data_.path(), CsvOptions{}, sources);
  ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  auto e = policy.value().Explain(std::make_shared<const FactSet>(std::move(facts).value()),
                                  options, "team.cadre", "teams:T1", "");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.diagnostics().Render(sources, "zh"),
            "错误[engine.unknown_rule]：未知的规则 `team.cadre`\n"
            " = 提示：是否应为 `team.cadres`？\n");
  // And in English, as before.
  EXPECT_EQ(e.diagnostics().Render(sources),
            "error[engine.unknown_rule]: unknown rule `team.cadre`\n"
            " = help: did you mean `team.cadres`?\n");
}

}  // namespace
}  // namespace zhucun
