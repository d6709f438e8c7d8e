// Rules in two languages (issue 14, item 1; docs/rules.md, "Languages"): a
// rule's `title:` and `message:` may be maps of language to text; a check
// speaks CheckOptions::lang when the rule has it, else the pack's default
// (`en`, else the first written); the domain kinds' own messages come in
// both languages. Mistakes in the maps are load errors at their place.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;

// `team.bilingual` speaks both languages; `team.chinese` only Chinese (its
// default, since it has no `en`); `team.plain` one message for every
// language; `team.composition` (a domain kind) the kind's own message.
const char kRules[] =
    "rules:\n"
    "  - id: team.bilingual\n"
    "    title: {zh: 双语, en: Bilingual}\n"
    "    severity: error\n"
    "    subject: teams\n"
    "    when: 'true'\n"
    "    message:\n"
    "      zh: \"工作队{team.team_id}\"\n"
    "      en: \"team {team.team_id}\"\n"
    "  - id: team.chinese\n"
    "    title: 中文\n"
    "    severity: warning\n"
    "    subject: teams\n"
    "    when: 'true'\n"
    "    message: {zh: \"只有中文{team.team_id}\"}\n"
    "  - id: team.plain\n"
    "    title: plain\n"
    "    severity: warning\n"
    "    subject: teams\n"
    "    when: 'true'\n"
    "    message: \"one {team.team_id}\"\n"
    "  - id: team.composition\n"
    "    title: composition\n"
    "    severity: error\n"
    "    kind: composition\n"
    "    subject: teams\n"
    "    members: team.members\n"
    "    role: first_secretary\n"
    "    exactly: 1\n";

void WriteData(const TempDir& data) {
  data.Write("counties.csv", "county_id,name\nC1,都匀市\n");
  data.Write("villages.csv", "village_id,county_id,name,category\nV1,C1,新场村,weak\n");
  data.Write("teams.csv", "team_id,village_id,start_date,end_date\nT1,V1,2022-01-01,\n");
  data.Write("members.csv", "member_id,person_id,team_id,role,start_date,end_date\n");
}

std::vector<std::string> Messages(const std::string& lang, bool plan = true) {
  TempDir pack;
  testing::WriteSmallPack(pack, "languages", "rules.yaml", kRules);
  TempDir data;
  WriteData(data);
  CheckOptions options;
  options.lang = lang;
  options.plan = plan;
  std::vector<std::string> out;
  for (const Finding& f : testing::CheckFolders(pack, data, options).findings) {
    out.push_back(f.rule + ": " + f.message);
  }
  return out;
}

TEST(LanguagesTest, ACheckSpeaksTheLanguageItIsAskedFor) {
  const std::vector<std::string> zh = {
      "team.bilingual: 工作队T1", "team.chinese: 只有中文T1",
      "team.composition: first_secretary 0 名，应为恰好1名", "team.plain: one T1"};
  EXPECT_EQ(Messages("zh"), zh);
  // The row evaluator, the reference, speaks the same.
  EXPECT_EQ(Messages("zh", /*plan=*/false), zh);
  const std::vector<std::string> en = {
      "team.bilingual: team T1", "team.chinese: 只有中文T1",
      "team.composition: 0 first_secretary, expected exactly 1", "team.plain: one T1"};
  EXPECT_EQ(Messages("en"), en);
  // No language: the default, `en` where it is written.
  EXPECT_EQ(Messages(""), en);
  // A language no rule has: the defaults too.
  EXPECT_EQ(Messages("fr"), en);
}

TEST(LanguagesTest, TitlesAndExplanationsSpeakItToo) {
  TempDir pack;
  testing::WriteSmallPack(pack, "languages", "rules.yaml", kRules);
  TempDir data;
  WriteData(data);
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  const PackInfo info = policy.value().info();
  ASSERT_EQ(info.rules.front().id, "team.bilingual");
  EXPECT_EQ(info.rules.front().title, "Bilingual");
  const std::vector<std::pair<std::string, std::string>> titles = {{"en", "Bilingual"},
                                                                   {"zh", "双语"}};
  EXPECT_EQ(info.rules.front().titles, titles);
  EXPECT_TRUE(info.rules[2].titles.empty());  // one title for every language
  auto facts = ReadCsvFolder(policy.value().schema(), data.path(), CsvOptions{}, sources);
  ASSERT_TRUE(facts.ok());
  auto shared = std::make_shared<const FactSet>(std::move(facts).value());
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  options.lang = "zh";
  Result<Explanation> e =
      policy.value().Explain(shared, options, "team.bilingual", "teams:T1", "");
  ASSERT_TRUE(e.ok()) << e.diagnostics().Render(sources);
  EXPECT_EQ(e.value().title, "双语");
  EXPECT_EQ(e.value().message, "工作队T1");
}

// The rule `team.x` with `key: text` written under its `severity`.
std::string LoadErrors(const std::string& lines) {
  TempDir pack;
  testing::WriteSmallPack(pack, "languages", "rules.yaml",
                          "rules:\n"
                          "  - id: team.x\n"
                          "    severity: error\n"
                          "    subject: teams\n"
                          "    when: 'true'\n" +
                              lines);
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  EXPECT_FALSE(policy.ok());
  return policy.diagnostics().Render(sources);
}

TEST(LanguagesTest, MistakesInTheMapsAreReportedWhereTheyAre) {
  EXPECT_NE(LoadErrors("    title: {cn: 中文}\n")
                .find("rules.yaml:6:13: error[pack.bad_language]: unknown language `cn` in "
                      "`title`"),
            std::string::npos)
      << LoadErrors("    title: {cn: 中文}\n");
  EXPECT_NE(LoadErrors("    message: {zh: a, en: b, zh: c}\n")
                .find("error[pack.duplicate_key]: language `zh` is given twice"),
            std::string::npos);
  EXPECT_NE(LoadErrors("    message: {}\n").find("error[pack.missing]: `message` names no language"),
            std::string::npos);
  EXPECT_NE(LoadErrors("    message: [a, b]\n")
                .find("error[pack.expected_scalar]: expected a text or a map of languages for "
                      "`message`, found a list"),
            std::string::npos)
      << LoadErrors("    message: [a, b]\n");
  EXPECT_NE(LoadErrors("    message: {zh: [a]}\n").find("error[pack.expected_scalar]"),
            std::string::npos);
  // A mistake in one language's template is reported in that template.
  const std::string bad = LoadErrors("    message: {en: ok, zh: \"{team.nope}\"}\n");
  EXPECT_NE(bad.find("rules.yaml:6:"), std::string::npos) << bad;
  EXPECT_NE(bad.find("nope"), std::string::npos) << bad;
}

}  // namespace
}  // namespace zhucun
