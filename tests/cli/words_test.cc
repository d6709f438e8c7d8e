// The command's words (cli/words.h): every phrase the code passes to Tr is
// in the table with a Chinese translation that has the same `{holes}`, and
// the table holds nothing the code does not use.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "words.h"

namespace zhucun::cli {
namespace {

// The text of a C++ string literal's body (escapes `\n`, `\"`, `\\`).
std::string Unescape(const std::string& body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 == body.size()) {
      out += body[i];
      continue;
    }
    const char c = body[++i];
    out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
  }
  return out;
}

// Every `Tr("..." "...")` of the file's text: the literals after `Tr(`,
// joined as the compiler joins them. A Tr whose argument is no literal
// is listed under "" so that the test names it.
std::vector<std::string> TrPhrases(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = text.find("Tr("); at != std::string::npos; at = text.find("Tr(", at + 3)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_')) {
      continue;  // e.g. `AddTr(`
    }
    size_t i = at + 3;
    std::string phrase;
    bool any = false;
    for (;;) {
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      if (i >= text.size() || text[i] != '"') break;
      size_t end = i + 1;
      while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
      phrase += Unescape(text.substr(i + 1, end - i - 1));
      any = true;
      i = end + 1;
    }
    out.push_back(any ? phrase : "");
  }
  return out;
}

// The names of the `{holes}` of a phrase.
std::multiset<std::string> Holes(std::string_view s) {
  std::multiset<std::string> out;
  for (size_t open = s.find('{'); open != std::string_view::npos; open = s.find('{', open + 1)) {
    const size_t close = s.find('}', open);
    if (close == std::string_view::npos) break;
    const std::string_view name = s.substr(open + 1, close - open - 1);
    if (!name.empty() && name.find_first_of(" ,:{") == std::string_view::npos) {
      out.emplace(name);
    }
  }
  return out;
}

TEST(WordsTest, EveryPhraseOfTheCommandIsTranslatedAndEveryTranslationUsed) {
  std::map<std::string, std::string> used;  // phrase -> file
  for (const auto& entry : std::filesystem::directory_iterator(ZHUCUN_SOURCE_DIR + std::string("/cli"))) {
    if (entry.path().extension() != ".cc" || entry.path().filename() == "words.cc") continue;
    std::ifstream in(entry.path());
    const std::string text(std::istreambuf_iterator<char>(in), {});
    for (const std::string& phrase : TrPhrases(text)) {
      EXPECT_FALSE(phrase.empty()) << entry.path() << ": Tr of something that is not a literal";
      used.emplace(phrase, entry.path().filename().string());
    }
  }
  ASSERT_GT(used.size(), 50u);  // (the scan found the code)
  std::set<std::string_view> table;
  for (const auto& [en, zh] : AllWords()) {
    EXPECT_TRUE(table.insert(en).second) << "given twice: " << en;
    EXPECT_FALSE(zh.empty()) << en;
    EXPECT_EQ(Holes(en), Holes(zh)) << "the holes differ: " << en << " / " << zh;
    EXPECT_TRUE(used.count(std::string(en))) << "no code says: " << en;
  }
  for (const auto& [phrase, file] : used) {
    EXPECT_TRUE(table.count(phrase)) << file << " says a phrase with no translation: " << phrase;
  }
}

TEST(WordsTest, TrFillsTheHolesInTheLanguageOfTheScope) {
  const Values values = {{"command", "check"}, {"from", "2024-07-01"}, {"as_of", "2024-06-30"}};
  const std::string phrase =
      "zhucun {command}: warning: --from {from} is after --as-of {as_of}, so no period is judged";
  EXPECT_EQ(Tr(phrase, values),
            "zhucun check: warning: --from 2024-07-01 is after --as-of 2024-06-30, so no period "
            "is judged");
  {
    const LangScope zh(Lang::kZh);
    EXPECT_EQ(CurrentLang(), Lang::kZh);
    EXPECT_EQ(Tr(phrase, values),
              "zhucun check：警告：--from 2024-07-01 晚于 --as-of 2024-06-30，没有任何期间会被评估");
    EXPECT_EQ(Tr("rule"), "规则");
    // A value is not searched for holes again, and `{` that is no hole stays.
    EXPECT_EQ(Tr("(no {group})", {{"group", "{group}"}}), "（无{group}）");
    EXPECT_EQ(Tr("not in the table {x} {", {{"x", "1"}}), "not in the table 1 {");
  }
  EXPECT_EQ(CurrentLang(), Lang::kEn);
  EXPECT_EQ(Tr("rule"), "rule");
}

TEST(WordsTest, TheLocaleChoosesTheDefaultLanguage) {
  EXPECT_EQ(LangFromLocale(nullptr, nullptr, nullptr), Lang::kEn);
  EXPECT_EQ(LangFromLocale(nullptr, nullptr, "zh_CN.UTF-8"), Lang::kZh);
  EXPECT_EQ(LangFromLocale(nullptr, nullptr, "en_US.UTF-8"), Lang::kEn);
  EXPECT_EQ(LangFromLocale(nullptr, nullptr, "C.UTF-8"), Lang::kEn);
  // LC_ALL before LC_MESSAGES before LANG; an empty one does not count.
  EXPECT_EQ(LangFromLocale("C", "zh_CN", "zh_CN"), Lang::kEn);
  EXPECT_EQ(LangFromLocale("", "zh_TW.UTF-8", "en_US"), Lang::kZh);
  EXPECT_EQ(LangFromLocale("", "", "zh_SG"), Lang::kZh);
  EXPECT_EQ(ParseLang("zh"), Lang::kZh);
  EXPECT_EQ(ParseLang("en"), Lang::kEn);
  EXPECT_EQ(ParseLang("cn"), std::nullopt);
}

}  // namespace
}  // namespace zhucun::cli
