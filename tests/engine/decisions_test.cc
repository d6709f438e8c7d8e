// What decided a value in an explanation (Explanation::Decision, issue 14
// item 5: "a clerk asks `which cadre?`, not `was it true?`"): the element
// that made an `exists` true, the first that made an `all` false, the rows a
// `filter` kept (the first 8 and how many), nested decisions within the
// element that decided, and the lines FormatDecision writes in both
// languages. A small pack of its own over the explain_ok schema.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::kExplainOk;
using testing::TempDir;

// Rules whose values go through lists. The facts are explain_ok's: V1 has
// team T1 (members M1 resident cadre, M2 first secretary), V2 has T3 (ended
// 2022-12-31; M5), V3 has T2 (M3, M4, M6).
constexpr const char* kPack = R"yaml(name: decisions
version: 0.1.0
parameters:
  window_start: {type: date, default: 2023-01-01}
functions:
  open(r): r.end_date == null
  led(t): t.members.exists(m, m.role == 'first_secretary')
includes: [schema.yaml, rules.yaml]
)yaml";

constexpr const char* kRules = R"yaml(rules:
  - id: village.led
    severity: warning
    subject: villages
    when: village.teams.exists(t, t.members.exists(m, m.role == 'first_secretary'))
    message: led
  - id: village.all_open
    severity: warning
    subject: villages
    when: village.teams.all(t, open(t)) && village.category != 'ordinary'
    message: all open
  - id: village.via_function
    severity: warning
    subject: villages
    when: village.teams.exists(team, led(team))
    message: led
  - id: team.counted
    severity: warning
    subject: teams
    let:
      numbers: "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter(x, x > 1)"
      cadres: team.members.filter(m, m.role == 'resident_cadre' && m.team.members.exists(o, o.role == 'other'))
      none: team.members.filter(m, m.role == 'nobody').size()
    when: numbers.size() > 0 && cadres.size() >= 0 && none == 0
    message: counted
  - id: team.empty
    severity: warning
    subject: teams
    when: "[].exists(x, x == 1) || [].all(x, x == 1)"
    message: empty lists
)yaml";

class DecisionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("pack.yaml", kPack);
    dir_.Write("rules.yaml", kRules);
    std::filesystem::copy_file(kExplainOk + "/schema.yaml", dir_.File("schema.yaml"));
    auto policy = Policy::Load(dir_.path(), sources_);
    ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources_);
    policy_.emplace(std::move(policy).value());
    auto facts = ReadCsvFolder(policy_->schema(), kExplainOk + "/data", CsvOptions{}, sources_);
    ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources_);
    facts_ = std::make_shared<const FactSet>(std::move(facts).value());
    options_.as_of = *Date::Parse("2024-06-30");
  }

  Explanation Explain(const std::string& rule, const std::string& subject) {
    auto e = policy_->Explain(facts_, options_, rule, subject, "");
    EXPECT_TRUE(e.ok()) << e.diagnostics().Render(sources_);
    return e.ok() ? e.value() : Explanation{};
  }

  TempDir dir_;
  SourceManager sources_;
  std::optional<Policy> policy_;
  std::shared_ptr<const FactSet> facts_;
  CheckOptions options_;
};

// Every decision of a list, one line each, inner ones indented.
std::string Lines(const std::vector<Explanation::Decision>& ds, const std::string& lang,
                  const std::string& indent = "") {
  std::string out;
  for (const Explanation::Decision& d : ds) {
    out += indent + FormatDecision(d, lang) + "\n" + Lines(d.inner, lang, indent + "  ");
  }
  return out;
}

TEST_F(DecisionsTest, AnExistsNamesTheRowThatMadeItTrueAndWhatDecidedWithinIt) {
  const Explanation e = Explain("village.led", "villages:V1");
  ASSERT_TRUE(e.fired);
  ASSERT_EQ(e.condition_decisions.size(), 1u);
  ASSERT_EQ(e.condition_decisions[0].size(), 1u);
  const Explanation::Decision& d = e.condition_decisions[0][0];
  EXPECT_EQ(d.expression, "village.teams.exists(t, …)");
  EXPECT_EQ(d.kind, "exists");
  EXPECT_TRUE(d.value);
  EXPECT_EQ(d.of, 1u);
  EXPECT_EQ(d.count, 1u);
  EXPECT_EQ(d.elements, std::vector<std::string>{"teams:T1"});
  // T1's first secretary is M2, its second member: M1 was tried first and
  // decided nothing, so only M2's decision is kept.
  EXPECT_EQ(Lines(e.condition_decisions[0], "en"),
            "village.teams.exists(t, …): true for teams:T1 (of 1)\n"
            "  t.members.exists(m, …): true for members:M2 (of 2)\n");
  EXPECT_EQ(Lines(e.condition_decisions[0], "zh"),
            "village.teams.exists(t, …)：由 teams:T1 成立（共 1 个）\n"
            "  t.members.exists(m, …)：由 members:M2 成立（共 2 个）\n");
}

TEST_F(DecisionsTest, AnExistsThatIsFalseSaysHowManyWereTried) {
  const Explanation e = Explain("village.led", "villages:V3");
  ASSERT_FALSE(e.fired);
  EXPECT_EQ(Lines(e.condition_decisions[0], "en"),
            "village.teams.exists(t, …): false for each of 1\n");
  EXPECT_EQ(Lines(e.condition_decisions[0], "zh"),
            "village.teams.exists(t, …)：1 个均不成立\n");
}

TEST_F(DecisionsTest, AnAllNamesTheFirstRowThatMadeItFalse) {
  // V2's one team, T3, has ended; the decision is the first condition's.
  const Explanation e = Explain("village.all_open", "villages:V2");
  ASSERT_FALSE(e.fired);
  ASSERT_EQ(e.conditions.size(), 2u);
  ASSERT_EQ(e.condition_decisions.size(), 2u);
  EXPECT_EQ(Lines(e.condition_decisions[0], "en"),
            "village.teams.all(t, …): false for teams:T3 (of 1)\n");
  EXPECT_EQ(Lines(e.condition_decisions[0], "zh"),
            "village.teams.all(t, …)：因 teams:T3 不成立（共 1 个）\n");
  EXPECT_TRUE(e.condition_decisions[1].empty());  // no list in `category != ...`
  const Explanation v1 = Explain("village.all_open", "villages:V1");
  EXPECT_EQ(Lines(v1.condition_decisions[0], "en"),
            "village.teams.all(t, …): true for each of 1\n");
}

TEST_F(DecisionsTest, AFunctionsListIsShownWithTheCallersArgument) {
  // `led(team)` is inlined as `team.members.exists(m@led, ...)`.
  const Explanation e = Explain("village.via_function", "villages:V1");
  EXPECT_EQ(Lines(e.condition_decisions[0], "en"),
            "village.teams.exists(team, …): true for teams:T1 (of 1)\n"
            "  team.members.exists(m, …): true for members:M2 (of 2)\n");
}

TEST_F(DecisionsTest, AFilterNamesTheRowsItKeptTheFirstEightAndHowMany) {
  const Explanation e = Explain("team.counted", "teams:T2");
  ASSERT_EQ(e.let_decisions.size(), 3u);
  const Explanation::Decision& numbers = e.let_decisions[0].at(0);
  EXPECT_EQ(numbers.kind, "filter");
  EXPECT_EQ(numbers.of, 12u);
  EXPECT_EQ(numbers.count, 11u);
  EXPECT_EQ(numbers.elements.size(), 8u);
  EXPECT_EQ(FormatDecision(numbers, "en"),
            "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter(x, …): kept 11 of 12: "
            "2, 3, 4, 5, 6, 7, 8, 9, …");
  EXPECT_EQ(FormatDecision(numbers, "zh"),
            "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter(x, …)：12 个中选出 11 个："
            "2, 3, 4, 5, 6, 7, 8, 9, …");
  // The lists inside a filter's condition are tried for every row: none of
  // their decisions is kept.
  EXPECT_EQ(Lines(e.let_decisions[1], "en"),
            "team.members.filter(m, …): kept 2 of 3: members:M3, members:M4\n");
  EXPECT_EQ(Lines(e.let_decisions[2], "en"), "team.members.filter(m, …): kept none of 3\n");
  EXPECT_EQ(Lines(e.let_decisions[2], "zh"), "team.members.filter(m, …)：3 个中无一选出\n");
  // `numbers.size() > 0` reads the let: no list of its own.
  EXPECT_TRUE(e.condition_decisions[0].empty());
}

TEST_F(DecisionsTest, AnEmptyListSaysSo) {
  const Explanation e = Explain("team.empty", "teams:T1");
  EXPECT_EQ(Lines(e.condition_decisions[0], "en"),
            "[].exists(x, …): false: the list is empty\n"
            "[].all(x, …): true: the list is empty\n");
  EXPECT_EQ(Lines(e.condition_decisions[0], "zh"),
            "[].exists(x, …)：列表为空，不成立\n"
            "[].all(x, …)：列表为空，成立\n");
}

TEST_F(DecisionsTest, TheExplanationTextShowsDecisionsUnderTheirValues) {
  const std::string text = FormatExplanation(Explain("team.counted", "teams:T2"), "en");
  EXPECT_NE(text.find("  none    = 0\n"
                      "            team.members.filter(m, …): kept none of 3\n"),
            std::string::npos)
      << text;
  const std::string led = FormatExplanation(Explain("village.led", "villages:V1"), "en");
  EXPECT_NE(led.find("  true  village.teams.exists(t, t.members.exists(m, m.role == "
                     "'first_secretary'))\n"
                     "        village.teams.exists(t, …): true for teams:T1 (of 1)\n"
                     "          t.members.exists(m, …): true for members:M2 (of 2)\n"),
            std::string::npos)
      << led;
}

}  // namespace
}  // namespace zhucun
