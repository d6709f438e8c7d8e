// The command in Chinese and English (issue 14, item 1): `--lang zh|en`
// for the command's own words and the rules' titles and messages, output
// CSV for Excel (`--csv-bom`, `--out-encoding`), and `zhucun rules`.

#include <gtest/gtest.h>

#include <iconv.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "../facts/facts_test_util.h"
#include "run_zhucun.h"
#include "zhucun/text.h"

namespace zhucun {
namespace {

using testing::CliRun;
using testing::kSourceDir;
using testing::TempDir;

const std::string kRules = kSourceDir + "/rules/qiannan";
const std::string kExample = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";

using testing::ReadFile;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The column of each CSV line's last field (the message), naively: the
// example's messages hold no comma before the severity.
std::vector<std::string> Messages(const std::string& csv) {
  std::vector<std::string> out;
  for (const std::string& line : Lines(csv)) {
    size_t comma = 0;
    for (int i = 0; i < 4 && comma != std::string::npos; ++i) comma = line.find(',', comma + 1);
    out.push_back(comma == std::string::npos ? line : line.substr(comma + 1));
  }
  return out;
}

TEST(CliLangTest, TheSummaryIsInChineseWithTheSameCounts) {
  const CliRun en = testing::RunZhucun(
      {"check", "--rules", kRules, "--data", kExample, "--as-of", "2024-06-30"});
  const CliRun zh = testing::RunZhucun(
      {"check", "--lang", "zh", "--rules", kRules, "--data", kExample, "--as-of", "2024-06-30"});
  EXPECT_EQ(en.exit_code, zh.exit_code);
  EXPECT_EQ(Lines(en.out).front(),
            "zhucun check: 138 findings as of 2024-06-30 (92 errors, 46 warnings)");
  EXPECT_EQ(Lines(zh.out).front(),
            "zhucun check：截至 2024-06-30 共 138 条发现（错误 92 条，警告 46 条）");
  EXPECT_EQ(zh.err,
            "zhucun check：警告：政策包的 19 张表中有 1 张在 `" + kExample +
                "` 中没有文件，按空表读取：`absences`\n");
  // The rule table: headings, severities and titles in Chinese, and the
  // title column starts at the same terminal column on every line.
  const std::vector<std::string> lines = Lines(zh.out);
  const auto heading = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("规则") != std::string::npos && l.find("严重程度") != std::string::npos;
  });
  ASSERT_NE(heading, lines.end()) << zh.out;
  const size_t title_at = TextWidth(heading->substr(0, heading->find("标题")));
  size_t rows = 0;
  for (auto it = heading + 1; it != lines.end() && !it->empty(); ++it, ++rows) {
    const std::string& line = *it;
    EXPECT_TRUE(line.find("  错误  ") != std::string::npos ||
                line.find("  警告  ") != std::string::npos)
        << line;
    // The title is the text after the count; its first byte is a title's.
    size_t count_end = line.find_first_of("0123456789", line.find(line.find("错误") != std::string::npos ? "错误" : "警告"));
    count_end = line.find_first_not_of("0123456789", count_end);
    EXPECT_EQ(TextWidth(line.substr(0, count_end + 2)), title_at) << line;
  }
  EXPECT_EQ(rows, 27u);
  EXPECT_NE(zh.out.find("每队1名第一书记"), std::string::npos);
  EXPECT_NE(en.out.find("One first secretary per team"), std::string::npos);
  EXPECT_NE(zh.out.find("条款："), std::string::npos);
  EXPECT_NE(zh.out.find("138 条发现中的前 10 条"), std::string::npos);
  // The summary groups are named as pack.yaml says per language
  // (`summary: by: {en: county, zh: 县市}`).
  EXPECT_NE(zh.out.find("\n  县市    "), std::string::npos) << zh.out;
  EXPECT_NE(zh.out.find("\n  （无县市）  "), std::string::npos) << zh.out;
  EXPECT_NE(en.out.find("\n  county  "), std::string::npos) << en.out;
  EXPECT_EQ(zh.out.find("county"), std::string::npos) << zh.out;
}

TEST(CliLangTest, OnlyTheMessagesOfTheOutputFilesChangeWithTheLanguage) {
  TempDir plain, en, zh;
  const std::vector<std::string> base = {"check", "--rules", kRules, "--data", kExample,
                                         "--as-of", "2024-06-30", "--out"};
  auto with = [&](std::vector<std::string> extra, const std::string& out) {
    std::vector<std::string> args = base;
    args.push_back(out);
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::RunZhucun(args);
  };
  EXPECT_EQ(with({}, plain.path()).exit_code, 1);
  EXPECT_EQ(with({"--lang", "en"}, en.path()).exit_code, 1);
  const CliRun z = with({"--lang", "zh"}, zh.path());
  EXPECT_EQ(z.exit_code, 1);
  EXPECT_EQ(Lines(z.out).front(), "zhucun check：截至 2024-06-30 共 138 条发现（错误 92 条，警告 46 条），已写入 `" + zh.path() + "`");
  // English is the default, byte for byte (DATA.md's output).
  EXPECT_TRUE(ReadFile(plain.File("findings.csv")) == ReadFile(en.File("findings.csv")));
  EXPECT_TRUE(ReadFile(plain.File("assessment_grades.csv")) ==
              ReadFile(zh.File("assessment_grades.csv")));
  // Chinese: the same findings, each with a Chinese message (every rule of
  // the pack has one); the columns before the message are the same.
  const std::vector<std::string> en_lines = Lines(ReadFile(en.File("findings.csv")));
  const std::vector<std::string> zh_lines = Lines(ReadFile(zh.File("findings.csv")));
  ASSERT_EQ(en_lines.size(), zh_lines.size());
  const std::vector<std::string> en_messages = Messages(ReadFile(en.File("findings.csv")));
  const std::vector<std::string> zh_messages = Messages(ReadFile(zh.File("findings.csv")));
  for (size_t i = 1; i < en_lines.size(); ++i) {
    EXPECT_EQ(en_lines[i].substr(0, en_lines[i].size() - en_messages[i].size()),
              zh_lines[i].substr(0, zh_lines[i].size() - zh_messages[i].size()));
    EXPECT_NE(en_messages[i], zh_messages[i]) << zh_lines[i];
    EXPECT_TRUE(std::any_of(zh_messages[i].begin(), zh_messages[i].end(),
                            [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; }))
        << zh_lines[i];
  }
}

TEST(CliLangTest, TheLanguageMayComeBeforeTheCommandAndMustBeKnown) {
  const CliRun before = testing::RunZhucun({"--lang", "zh", "validate", kRules});
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(before.out.substr(0, before.out.find("：")), "qiannan 0.1.0 (黔南州驻村工作队管理办法) 有效");
  EXPECT_NE(before.out.find("31 条规则（"), std::string::npos) << before.out;
  const CliRun after = testing::RunZhucun({"validate", kRules, "--lang=zh"});
  EXPECT_EQ(after.out, before.out);
  const CliRun bad = testing::RunZhucun({"validate", kRules, "--lang", "fr"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--lang: fr not in {zh,en}"), std::string::npos) << bad.err;
}

TEST(CliLangTest, ExplainSpeaksChinese) {
  const std::vector<std::string> args = {"explain", "--rules", kRules, "--data", kExample,
                                         "--as-of", "2024-06-30", "visits.deputy",
                                         "leaders:L00003", "2022-Q2"};
  const CliRun en = testing::RunZhucun(args);
  std::vector<std::string> zh_args = args;
  zh_args.insert(zh_args.begin() + 1, {"--lang", "zh"});
  const CliRun zh = testing::RunZhucun(zh_args);
  EXPECT_EQ(en.exit_code, 0);
  EXPECT_EQ(zh.exit_code, 0);
  const std::vector<std::string> en_lines = Lines(en.out);
  const std::vector<std::string> zh_lines = Lines(zh.out);
  ASSERT_EQ(en_lines.size(), zh_lines.size());
  EXPECT_EQ(en_lines[0], "rule      visits.deputy  The leader in charge visits every quarter");
  EXPECT_EQ(zh_lines[0], "规则      visits.deputy  分管领导每季度到村调研");
  EXPECT_EQ(en_lines[2], "severity  error");
  EXPECT_EQ(zh_lines[2], "严重程度  错误");
  EXPECT_EQ(en_lines[5], "result    fired: 0 visits in 2022-Q2");
  EXPECT_EQ(zh_lines[5], "结果      触发：2022-Q2到村调研0次");
  EXPECT_NE(zh.out.find("\n条件（when）\n"), std::string::npos) << zh.out;
  EXPECT_NE(zh.out.find("  end_date    （空）\n"), std::string::npos) << zh.out;
}

TEST(CliLangTest, TestAndDiffSpeakChinese) {
  const CliRun test = testing::RunZhucun({"test", kRules, "--lang", "zh"});
  EXPECT_EQ(test.exit_code, 0) << test.out;
  const std::vector<std::string> lines = Lines(test.out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[lines.size() - 2], "覆盖：31 条规则都有用例期望它触发、也有用例期望它不触发");
  EXPECT_EQ(lines.back(), "40 个用例：通过 40 个，失败 0 个");
  EXPECT_TRUE(lines.front().starts_with("通过 ")) << lines.front();
  // The same pack on both sides: nothing changes.
  const CliRun diff = testing::RunZhucun({"diff", kRules, kRules, "--data", kExample, "--as-of",
                                          "2024-06-30", "--lang", "zh"});
  EXPECT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_EQ(diff.out, "zhucun diff：" + kRules + " -> " + kRules +
                          "，截至 2024-06-30\n"
                          "  发现：新出现 0 条，消失 0 条，消息或严重程度变化 0 条\n"
                          "  派生行：新出现 0 行，消失 0 行，变化 0 行\n"
                          "没有变化\n");
}

// The engine's diagnostics follow the language too: a pack's, the data's
// and explain's; in English they are as they always were.
TEST(CliLangTest, DiagnosticsSpeakChinese) {
  const std::string ok = kSourceDir + "/tests/testdata/packs/explain_ok";
  TempDir pack;
  for (const char* f : {"pack.yaml", "schema.yaml", "rules.yaml"}) {
    pack.Write(f, ReadFile(ok + "/" + f));
  }
  const std::string rules = ReadFile(pack.File("rules.yaml"));
  pack.Write("rules.yaml", testing::ReplaceAll(rules, "    severity: warning\n",
                                               "    sevrity: warning\n"));
  const CliRun zh = testing::RunZhucun({"validate", "--lang", "zh", pack.path()});
  EXPECT_EQ(zh.exit_code, 2);
  EXPECT_NE(zh.err.find("/rules.yaml:19:5: 错误[pack.unknown_key]：规则中有未知的键 `sevrity`\n"
                        " |     sevrity: warning\n"
                        " |     ^~~~~~~\n"
                        " = 提示：是否应为 `severity`？\n"),
            std::string::npos)
      << zh.err;
  const CliRun en = testing::RunZhucun({"validate", "--lang", "en", pack.path()});
  EXPECT_NE(en.err.find("/rules.yaml:19:5: error[pack.unknown_key]: unknown key `sevrity` in a "
                        "rule\n"
                        " |     sevrity: warning\n"
                        " |     ^~~~~~~\n"
                        " = help: did you mean `severity`?\n"),
            std::string::npos)
      << en.err;

  // A date that does not exist in a CSV file.
  TempDir data;
  for (const char* f : {"counties.csv", "villages.csv", "teams.csv", "members.csv"}) {
    data.Write(f, ReadFile(ok + "/data/" + f));
  }
  data.Write("teams.csv", testing::ReplaceAll(ReadFile(data.File("teams.csv")),
                                              "T2,V3,2022-01-01,", "T2,V3,2022-02-30,"));
  const CliRun check = testing::RunZhucun({"check", "--lang", "zh", "--rules", ok, "--data",
                                           data.path(), "--as-of", "2024-06-30"});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_NE(check.err.find("/teams.csv:3:7: 错误[csv.bad_date]：`start_date`：`2022-02-30` "
                           "不是真实存在的日期；应为真实存在的日期 YYYY-MM-DD\n"),
            std::string::npos)
      << check.err;

  // An unknown rule to explain.
  const CliRun explain = testing::RunZhucun({"explain", "--lang", "zh", "--rules", ok, "--data",
                                             ok + "/data", "--as-of", "2024-06-30",
                                             "team.cadre", "teams:T1"});
  EXPECT_EQ(explain.exit_code, 2);
  EXPECT_NE(explain.err.find("错误[engine.unknown_rule]：未知的规则 `team.cadre`\n"
                             " = 提示：是否应为 `team.cadres`？\n"),
            std::string::npos)
      << explain.err;
}

TEST(CliLangTest, HelpIsInChinese) {
  const CliRun help = testing::RunZhucun({"check", "--help", "--lang", "zh"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("用法:"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("\n选项:\n"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("用政策包检查数据文件夹"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("评估日期 YYYY-MM-DD"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("显示本帮助并退出"), std::string::npos) << help.out;
  const CliRun top = testing::RunZhucun({"--lang", "zh", "--help"});
  EXPECT_NE(top.out.find("\n子命令:\n"), std::string::npos) << top.out;
  const CliRun en = testing::RunZhucun({"check", "--help"});
  EXPECT_NE(en.out.find("Usage:"), std::string::npos) << en.out;
  EXPECT_NE(en.out.find("The evaluation date YYYY-MM-DD"), std::string::npos);
}

// `bytes` converted from `encoding` to UTF-8 with iconv.
std::string FromEncoding(const std::string& bytes, const char* encoding) {
  iconv_t cd = iconv_open("UTF-8", encoding);
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* o = out.data();
  size_t out_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

TEST(CliLangTest, OutputForExcel) {
  TempDir utf8, bom, gb;
  const std::vector<std::string> base = {"check", "--rules", kRules,       "--data",
                                         kExample, "--as-of", "2024-06-30", "--lang",
                                         "zh",     "--out"};
  auto with = [&](const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.push_back(out);
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::RunZhucun(args);
  };
  EXPECT_EQ(with(utf8.path(), {}).exit_code, 1);
  EXPECT_EQ(with(bom.path(), {"--csv-bom"}).exit_code, 1);
  EXPECT_EQ(with(gb.path(), {"--out-encoding", "gb18030"}).exit_code, 1);
  for (const char* file : {"findings.csv", "assessment_grades.csv"}) {
    const std::string text = ReadFile(utf8.File(file));
    EXPECT_TRUE(ReadFile(bom.File(file)) == "\xEF\xBB\xBF" + text) << file;
    const std::string gb_bytes = ReadFile(gb.File(file));
    EXPECT_TRUE(FromEncoding(gb_bytes, "GB18030") == text) << file;
  }
  // (The Chinese messages are other bytes in GB18030.)
  EXPECT_FALSE(ReadFile(gb.File("findings.csv")) == ReadFile(utf8.File("findings.csv")));
}

TEST(CliLangTest, OutputEncodingMistakes) {
  TempDir out;
  const std::vector<std::string> base = {"check", "--rules", kRules, "--data", kExample,
                                         "--as-of", "2024-06-30", "--out", out.path()};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::RunZhucun(args);
  };
  const CliRun both = with({"--csv-bom", "--out-encoding", "gbk"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.err,
            "zhucun check: --csv-bom writes UTF-8's byte-order mark, so it goes with UTF-8 "
            "output only, not --out-encoding gbk\n");
  const CliRun unknown = with({"--out-encoding", "gb-18030"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "zhucun check: --out-encoding: unknown encoding `gb-18030`\n");
  // Latin-1 cannot write the example's Chinese county names.
  const CliRun latin = with({"--out-encoding", "latin1"});
  EXPECT_EQ(latin.exit_code, 2);
  const std::string prefix =
      "zhucun check: cannot write `" + out.File("findings.csv") + "` in latin1: `";
  EXPECT_EQ(testing::WithoutWarnings(latin.err).substr(0, prefix.size()), prefix) << latin.err;
  EXPECT_NE(latin.err.find("` at byte offset "), std::string::npos);
  EXPECT_NE(latin.err.find(" cannot be written in latin1\n"), std::string::npos);
}

TEST(CliLangTest, RulesListsThePackInEitherLanguage) {
  const CliRun en = testing::RunZhucun({"rules", kRules});
  EXPECT_EQ(en.exit_code, 0) << en.err;
  const std::vector<std::string> lines = Lines(en.out);
  ASSERT_EQ(lines.size(), 32u);  // a heading and 31 rules
  EXPECT_EQ(lines[0].substr(0, lines[0].find("  ")), "rule");
  EXPECT_NE(lines[0].find("parameters read"), std::string::npos);
  const auto sector = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.starts_with("assign.sector_match ");
  });
  ASSERT_NE(sector, lines.end());
  EXPECT_NE(sector->find("mapping"), std::string::npos);
  EXPECT_NE(sector->find("warning"), std::string::npos);
  EXPECT_NE(sector->find("sector_for_category"), std::string::npos);
  EXPECT_NE(sector->find("党群部门帮弱村"), std::string::npos);  // the source clause

  const CliRun zh = testing::RunZhucun({"rules", kRules, "--lang", "zh", "--format", "markdown"});
  EXPECT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_TRUE(zh.out.starts_with("# 黔南州驻村工作队管理办法\n")) << zh.out;
  EXPECT_NE(zh.out.find("| `team.first_secretary` | composition | 每队1名第一书记 | 错误 | "
                        "工作队\"1+2+N\"组成 | `first_secretaries` |"),
            std::string::npos)
      << zh.out;
  EXPECT_NE(zh.out.find("## 参数"), std::string::npos);
  size_t table_rows = 0;
  for (const std::string& l : Lines(zh.out)) table_rows += l.starts_with("| `") ? 1 : 0;
  EXPECT_EQ(table_rows, 31u + 26u);  // the rules and the parameters

  const CliRun bad = testing::RunZhucun({"rules", kRules, "--format", "html"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--format: html not in {text,markdown}"), std::string::npos) << bad.err;
  TempDir empty;
  const CliRun missing = testing::RunZhucun({"rules", empty.path()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("pack.yaml"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace zhucun
