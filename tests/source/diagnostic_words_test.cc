// The diagnostics in Chinese (src/source/diagnostic_words.h): the matcher,
// the catalog's consistency, that every code the library's sources name has
// Chinese, and the rendering in both languages.

#include "source/diagnostic_words.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {
namespace {

std::string Zh(std::string_view code, std::string_view text) {
  return TranslateDiagnosticText(code, text).value_or("<none>");
}

TEST(DiagnosticWordsTest, HolesCarryTheUsersWordsOver) {
  EXPECT_EQ(Zh("pack.unknown_key", "unknown key `sevrity` in a rule"),
            "规则中有未知的键 `sevrity`");
  EXPECT_EQ(Zh("pack.unknown_key", "did you mean `severity`?"), "是否应为 `severity`？");
  // User text with the pattern's own words inside it.
  EXPECT_EQ(Zh("expr.undeclared", "undeclared reference to `undeclared reference to`"),
            "未定义的名称 `undeclared reference to`");
}

TEST(DiagnosticWordsTest, WildcardCodesServeEveryPrefix) {
  EXPECT_EQ(Zh("schema.duplicate_key", "duplicate key `name`"), "键 `name` 重复");
  EXPECT_EQ(Zh("test.duplicate_key", "duplicate key `name`"), "键 `name` 重复");
  // `csv.*`: a row a program gave, named before the message of its code.
  EXPECT_EQ(Zh("csv.bad_date",
               "`members` row 3: `start_date`: `2024-02-30` is not a real calendar date; "
               "expected a real calendar date YYYY-MM-DD"),
            "`members` 第 3 行：`start_date`：`2024-02-30` 不是真实存在的日期；"
            "应为真实存在的日期 YYYY-MM-DD");
}

TEST(DiagnosticWordsTest, ListsAndPhrasesAreTranslatedInside) {
  EXPECT_EQ(Zh("pack.missing", "rule `a.b` has no `subject`, `when` or `message`"),
            "规则 `a.b` 没有 `subject`、`when` 或 `message`");
  // A comma inside backticks is the user's.
  EXPECT_EQ(Zh("pack.missing", "rule `a, b` has no `x, y` or `z`"),
            "规则 `a, b` 没有 `x, y` 或 `z`");
  // A phrase hole that no phrase entry knows fails the whole pattern.
  EXPECT_EQ(TranslateDiagnosticText("pack.missing", "the frobnicator has no `subject`"),
            std::nullopt);
}

TEST(DiagnosticWordsTest, TheYamlParsersWordsAreTranslatedWhenKnown) {
  EXPECT_EQ(Zh("pack.yaml_syntax", "invalid yaml: illegal map value"),
            "YAML 格式错误：映射的值不合法");
  // Words of the parser no entry knows are quoted as they are.
  EXPECT_EQ(Zh("schema.yaml_syntax", "invalid yaml: bad conversion"),
            "YAML 格式错误：bad conversion");
  EXPECT_EQ(Zh("pack.yaml_syntax",
               "replace the tab with spaces, lined up with the keys above (the YAML parser "
               "stopped at line 6: illegal tab when looking for indentation)"),
            "把 Tab 换成空格，与上面的键对齐（YAML 解析器停在第 6 行：缩进中不能有 Tab）");
}

TEST(DiagnosticWordsTest, NumbersMustBeDigits) {
  EXPECT_EQ(Zh("facts.unlisted", "12 more problems not listed"), "另有 12 个问题未列出");
  EXPECT_EQ(TranslateDiagnosticText("facts.unlisted", "many more problems not listed"),
            std::nullopt);
}

TEST(DiagnosticWordsTest, UnknownTextsAndCodesStayUntranslated) {
  EXPECT_EQ(TranslateDiagnosticText("pack.unknown_key", "something new went wrong"),
            std::nullopt);
  EXPECT_EQ(TranslateDiagnosticText("app.custom", "unknown key `x` in a rule"), std::nullopt);
  EXPECT_EQ(TranslateDiagnosticText("pack.unknown_key", ""), "");
}

TEST(DiagnosticWordsTest, BracesThatOpenNoHoleAreText) {
  EXPECT_EQ(Zh("pack.message", "unclosed `{` in the message"), "消息中的 `{` 没有闭合");
  EXPECT_EQ(Zh("pack.message", "write `{{` for a literal brace"), "要写花括号本身，请写 `{{`");
  EXPECT_EQ(PatternHoles("a {b} {{c} {from: 2024} {d:list}"),
            (std::vector<std::string>{"b", "d"}));
}

TEST(DiagnosticWordsTest, ALongListIsTranslatedAndALongMismatchGivesUpSoon) {
  const std::string head =
      "rows refer, directly or through others, to the rejected `teams` row on line 3 and are "
      "rejected too: ";
  std::string list, zh;
  for (int i = 0; i < 12; ++i) {
    list += (i ? ", " : "") + std::to_string(i + 1) + " of `t" + std::to_string(i) + "`";
    zh += std::string(i ? "，" : "") + "`t" + std::to_string(i) + "` " + std::to_string(i + 1) +
          " 行";
  }
  EXPECT_EQ(Zh("csv.bad_reference", "78 " + head + list),
            "有 78 行直接或间接引用了被拒绝的 `teams` 第 3 行，因此也被拒绝：" + zh);
  // One item that is no `N of `table`` spoils a long list: English, soon.
  std::string spoiled;
  for (int i = 0; i < 3000; ++i) spoiled += "1 of `t`, ";
  spoiled += "many of `t`";
  EXPECT_EQ(TranslateDiagnosticText("csv.bad_reference", "3001 " + head + spoiled),
            std::nullopt);
}

// Messages no other test makes (a pack test's failures, rare file errors),
// as the sources write them.
TEST(DiagnosticWordsTest, MessagesOfRareCodes) {
  const struct {
    const char* code;
    const char* en;
    const char* zh;
  } kCases[] = {
      {"test.missing_finding",
       "expected `team.short` for `teams:T1` in `2023`, but it is not there",
       "预期 `team.short` 对 `teams:T1` 在 `2023` 产生发现，但没有这条发现"},
      {"test.missing_finding", "`team.short` fired only for `teams:T2`: too short",
       "`team.short` 只对这些产生了发现：`teams:T2`: too short"},
      {"test.unexpected_finding", "expected no `team.short` for `teams:T1`, but it fired 2 times",
       "预期 `team.short` 不对 `teams:T1` 产生发现，但它产生了 2 次"},
      {"test.missing_exemption",
       "expected `team.short` for `teams:T1` to be exempted by `X1`, but it is not",
       "预期 `team.short` 对 `teams:T1` 的发现被 `X1` 豁免，但没有被豁免"},
      {"test.derived_mismatch", "`team_days` row 2 is `T2,30`, not the expected `T2,31`",
       "`team_days` 第 2 行是 `T2,30`，而不是预期的 `T2,31`"},
      {"test.field_count", "the row has 3 fields but the header has 2",
       "这一行有 3 个字段，但表头有 2 个"},
      {"test.no_header",
       "the rows of `teams` have no header line; expected some of the columns `team_id` and `days`",
       "`teams` 的行没有表头行；应为以下列中的若干列：`team_id` 和 `days`"},
      {"csv.unknown_table", "an encoding is given for `payment`, which is no table of the schema",
       "为 `payment` 指定了编码，但 schema 中没有这个表"},
      {"pack.internal", "internal error while reading the pack: bad_alloc",
       "读取政策包时发生内部错误：bad_alloc"},
  };
  for (const auto& c : kCases) EXPECT_EQ(Zh(c.code, c.en), c.zh) << c.en;
}

// Every Chinese pattern has its English pattern's holes, no English pattern
// is given twice for one code, and alias entries name groups that exist.
TEST(DiagnosticWordsTest, TheCatalogIsConsistent) {
  std::set<std::tuple<std::string_view, std::string_view, std::string_view>> seen;
  std::set<std::string_view> codes;
  for (const DiagnosticWords& w : AllDiagnosticWords()) codes.insert(w.code);
  for (const DiagnosticWords& w : AllDiagnosticWords()) {
    // (An alias names one group per entry; a code may be in several.)
    EXPECT_TRUE(seen.insert({w.code, w.en, w.code == "alias" ? w.zh : ""}).second)
        << w.code << ": " << w.en;
    if (w.code == "alias") {
      EXPECT_TRUE(codes.count(w.zh)) << w.en << " -> " << w.zh;
      continue;
    }
    std::vector<std::string> en = PatternHoles(w.en);
    std::vector<std::string> zh = PatternHoles(w.zh);
    std::sort(en.begin(), en.end());
    std::sort(zh.begin(), zh.end());
    EXPECT_EQ(en, zh) << w.code << ": " << w.en << " / " << w.zh;
    // Kinds are said in the English pattern only.
    EXPECT_EQ(std::string(w.zh).find(":phrase}"), std::string::npos) << w.zh;
    EXPECT_EQ(std::string(w.zh).find(":list}"), std::string::npos) << w.zh;
    // A piece may be the same in both ("`{key}`"); a message is not.
    if (w.code != "phrase") {
      EXPECT_NE(w.en, w.zh) << w.code;
    }
  }
}

// Every diagnostic code the library's sources name ("pack.unknown_key", or
// a suffix joined to a file kind's prefix) has Chinese: a new code without
// entries fails here.
TEST(DiagnosticWordsTest, EveryCodeOfTheSourcesHasEntries) {
  std::set<std::string> table;
  for (const DiagnosticWords& w : AllDiagnosticWords()) {
    table.insert(std::string(w.code == "alias" ? w.en : w.code));
  }
  const auto known = [&](const std::string& code) {
    const size_t dot = code.find('.');
    return table.count(code) || table.count("*" + code.substr(dot)) ||
           table.count(code.substr(0, dot + 1) + "*");
  };
  const std::regex literal(R"re("((?:pack|expr|schema|csv|facts|engine|test)\.[a-z_]+)")re");
  const std::regex suffix(R"re((?:Code\(|\+ )"\.?([a-z_]+)"\)?)re");
  // Names that look like codes but are not: file names, and the rule ids of
  // the findings about exception records and invalid rows.
  const std::set<std::string> not_codes = {"pack.yaml", "schema.yaml"};
  size_t files = 0;
  std::set<std::string> found;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::string(ZHUCUN_SOURCE_DIR) + "/src")) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".cc" && ext != ".h") continue;
    if (entry.path().filename().string().starts_with("diagnostic_")) continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it) {
      const std::string code = (*it)[1];
      if (not_codes.count(code)) continue;
      found.insert(code);
      EXPECT_TRUE(known(code)) << code << " (" << entry.path().filename() << ") has no Chinese";
    }
    // Codes made of a file kind's prefix and a suffix (yaml_tree.cc).
    if (entry.path().filename() == "yaml_tree.cc") {
      for (std::sregex_iterator it(text.begin(), text.end(), suffix), end; it != end; ++it) {
        const std::string code = "pack." + std::string((*it)[1]);
        found.insert(code);
        EXPECT_TRUE(table.count("*." + std::string((*it)[1])))
            << "*." << (*it)[1] << " has no Chinese";
      }
    }
  }
  EXPECT_GT(files, 50u);
  EXPECT_GT(found.size(), 100u);
}

// ---------------------------------------------------------------------------
// Rendering.

class RenderInChineseTest : public ::testing::Test {
 protected:
  RenderInChineseTest() { file_ = sources_.Add("rules.yaml", "rules:\n  - id: a\n    sevrity: x\n"); }
  Diagnostic Unknown() const {
    return Diagnostic(Severity::kError, "pack.unknown_key", "unknown key `sevrity` in a rule",
                      SourceSpan{file_, 21, 28}, "did you mean `severity`?");
  }
  SourceManager sources_;
  FileId file_;
};

TEST_F(RenderInChineseTest, EnglishIsByteForByteTheSame) {
  Diagnostics d;
  d.Add(Unknown());
  d.Add(Diagnostic(Severity::kWarning, "app.mine", "my own words", SourceSpan{}, ""));
  EXPECT_EQ(d.Render(sources_, "en"), d.Render(sources_));
  EXPECT_EQ(d.Render(sources_, "fr"), d.Render(sources_));
  EXPECT_EQ(RenderDiagnostic(Unknown(), sources_, "en"), RenderDiagnostic(Unknown(), sources_));
  EXPECT_EQ(d.Render(sources_),
            "rules.yaml:3:5: error[pack.unknown_key]: unknown key `sevrity` in a rule\n"
            " |     sevrity: x\n"
            " |     ^~~~~~~\n"
            " = help: did you mean `severity`?\n"
            "warning[app.mine]: my own words\n");
}

TEST_F(RenderInChineseTest, ChineseTranslatesTheFrameMessageAndHelp) {
  EXPECT_EQ(RenderDiagnostic(Unknown(), sources_, "zh"),
            "rules.yaml:3:5: 错误[pack.unknown_key]：规则中有未知的键 `sevrity`\n"
            " |     sevrity: x\n"
            " |     ^~~~~~~\n"
            " = 提示：是否应为 `severity`？");
  EXPECT_TRUE(IsTranslated(Unknown(), "zh"));
  EXPECT_TRUE(IsTranslated(Unknown(), "en"));
}

TEST_F(RenderInChineseTest, AMessageTheCatalogDoesNotKnowStaysEnglishWhole) {
  Diagnostics d;
  d.Add(Diagnostic(Severity::kWarning, "app.mine", "my own words", SourceSpan{},
                   "did you mean `severity`?"));
  d.Add(Diagnostic(Severity::kNote, "pack.unknown_key", "unknown key `x` in a rule",
                   SourceSpan{}, "a help nobody wrote down"));
  EXPECT_EQ(d.Render(sources_, "zh"),
            "警告[app.mine]：my own words\n"
            " = 提示：did you mean `severity`?\n"
            "注[pack.unknown_key]：规则中有未知的键 `x`\n"
            " = 提示：a help nobody wrote down\n");
  EXPECT_FALSE(IsTranslated(d.items()[0], "zh"));
  EXPECT_FALSE(IsTranslated(d.items()[1], "zh"));
  const Diagnostic t = TranslateDiagnostic(d.items()[1], "zh");
  EXPECT_EQ(t.message, "规则中有未知的键 `x`");
  EXPECT_EQ(t.help, "a help nobody wrote down");
  EXPECT_EQ(t.code, "pack.unknown_key");
  EXPECT_EQ(TranslateDiagnostic(d.items()[1], "en").message, "unknown key `x` in a rule");
}

}  // namespace
}  // namespace zhucun::internal
