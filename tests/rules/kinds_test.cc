// The domain rule kinds (src/rules/kinds.h): each expands to the rule one
// would write by hand and finds the same things (kinds_ok pack: every kind
// beside its twin written out as a `check`); every mistake a clerk can make
// in a kind's arguments renders as a positioned diagnostic.

#include "rules/kinds.h"

#include <gtest/gtest.h>
#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "rules/pack.h"
#include "zhucun/csv.h"
#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/source.h"

namespace zhucun::internal {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = ZHUCUN_SOURCE_DIR;
const std::string kKindsPack = kSourceDir + "/tests/testdata/packs/kinds_ok";
const std::string kDaysPack =
    kSourceDir + "/tests/testdata/packs/days_present_ok";

// ---------------------------------------------------------------------------
// Expansion and evaluation.

// A pack of tests/testdata/packs, loaded, and checked on its day.
class ExpandedPackTest : public ::testing::Test {
 protected:
  ExpandedPackTest(std::string dir, const char* as_of)
      : dir_(std::move(dir)), as_of_(*Date::Parse(as_of)) {}

  void SetUp() override {
    Result<PackSpec> pack = LoadPack(dir_, sources_);
    ASSERT_TRUE(pack.ok()) << pack.diagnostics().Render(sources_);
    EXPECT_TRUE(pack.diagnostics().empty())
        << pack.diagnostics().Render(sources_);
    pack_ = std::move(pack).value();
  }

  const RuleSpec* Rule(const std::string& id) const {
    for (const RuleSpec& r : pack_.rules) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }

  // The text of the expansion's own source file.
  std::string Expansion(const std::string& id) const {
    const RuleSpec* r = Rule(id);
    if (r == nullptr) return "no rule " + id;
    return sources_.name(r->when.file) + "\n" +
           std::string(sources_.text(r->when.file));
  }

  // The pack's policy and data.
  bool Load() {
    auto policy = Policy::Load(dir_, sources_);
    EXPECT_TRUE(policy.ok()) << policy.diagnostics().Render(sources_);
    if (!policy.ok()) return false;
    auto facts = ReadCsvFolder(policy.value().schema(), dir_ + "/data",
                               CsvOptions{}, sources_);
    EXPECT_TRUE(facts.ok()) << facts.diagnostics().Render(sources_);
    if (!facts.ok()) return false;
    policy_ = std::make_unique<Policy>(std::move(policy).value());
    facts_ = std::make_shared<const FactSet>(std::move(facts).value());
    return true;
  }

  // Checks the pack's data on its day (the window from `window_start`).
  Report Check() {
    if (!Load()) return {};
    CheckOptions options;
    options.as_of = as_of_;
    auto report = policy_->Check(facts_, options);
    EXPECT_TRUE(report.ok()) << report.diagnostics().Render(sources_);
    if (!report.ok()) return {};
    return std::move(report).value();
  }

  // Explains a rule's decision on a subject and period, on the pack's day.
  Explanation Explain(const std::string& rule, const std::string& subject,
                      const std::string& period) {
    if (!Load()) return {};
    CheckOptions options;
    options.as_of = as_of_;
    auto e = policy_->Explain(facts_, options, rule, subject, period);
    EXPECT_TRUE(e.ok()) << e.diagnostics().Render(sources_);
    if (!e.ok()) return {};
    return std::move(e).value();
  }

  std::string dir_;
  Date as_of_;
  SourceManager sources_;
  PackSpec pack_;
  std::unique_ptr<Policy> policy_;
  std::shared_ptr<const FactSet> facts_;
};

class KindsPackTest : public ExpandedPackTest {
 protected:
  KindsPackTest() : ExpandedPackTest(kKindsPack, "2023-12-31") {}
};

std::string Name(const std::string& file) { return kKindsPack + "/" + file; }

TEST_F(KindsPackTest, VisitQuotaExpansion) {
  EXPECT_EQ(Expansion("kinds.visit_quota"),
            Name("kinds.yaml:4 (expanded visit_quota)\n") +
                "let visits: leader.visits.filter(visit, visit.date in period "
                "&& (visit.village.teams.exists(t, t.unit_id == "
                "leader.unit_id && active(t, visit.date)))).size()\n"
                "let quota: params.visits_per_quarter\n"
                "when: leader.rank == 'deputy' && (active_throughout(leader, "
                "period)) && visits < quota\n"
                "message: {visits} visits in {period}, fewer than {quota}\n"
                "message.zh: {period}走访{visits}次，少于{quota}次\n");
  const RuleSpec& r = *Rule("kinds.visit_quota");
  EXPECT_EQ(r.kind, "visit_quota");  // kept, with the arguments
  EXPECT_EQ(r.args.size(), 4u);
  EXPECT_TRUE(r.when.exact);
}

TEST_F(KindsPackTest, MappingExpansion) {
  EXPECT_EQ(Expansion("kinds.mapping"),
            Name("kinds.yaml:15 (expanded mapping)\n") +
                "let key: team.village.category\n"
                "let value: team.unit.sector\n"
                "when: (active(team, as_of)) && key in params.sector_for && "
                "value != params.sector_for[key]\n"
                "message: {value} does not go with {key}\n"
                "message.zh: {value}与{key}不相符\n");
}

TEST_F(KindsPackTest, CompositionExpansion) {
  EXPECT_EQ(Expansion("kinds.composition_exactly"),
            Name("kinds.yaml:24 (expanded composition)\n") +
                "let count: team.members.filter(member, member.role == "
                "'first_secretary' && (active(member, as_of))).size()\n"
                "when: (active(team, as_of)) && count != "
                "params.first_secretaries\n"
                "message: {count} first_secretary, expected exactly "
                "{params.first_secretaries}\n"
                "message.zh: first_secretary {count} 名，应为恰好{params.first_secretaries}名\n");
  // Another name for the rows, no role.
  EXPECT_EQ(Expansion("kinds.composition_at_least"),
            Name("kinds.yaml:34 (expanded composition)\n") +
                "let count: team.members.filter(m, (m.role == "
                "'resident_cadre' && active(m, as_of))).size()\n"
                "when: count < 2\n"
                "message: {count} counted, expected at least {2}\n"
                "message.zh: 计{count}名，应为至少{2}名\n");
}

TEST_F(KindsPackTest, RequiredSetExpansion) {
  EXPECT_EQ(Expansion("kinds.required_set"),
            Name("kinds.yaml:43 (expanded required_set)\n") +
                "let missing: params.bundle_kinds.filter(value, "
                "!member.team.bundles.exists(bundle, bundle.kind == value && "
                "(bundle.unit_id == member.unit_id)))\n"
                "when: (active(member, as_of)) && missing.size() > 0\n"
                "message: missing {missing}\n"
                "message.zh: 缺少{missing}\n");
}

TEST_F(KindsPackTest, AllowedReasonsExpansion) {
  // A YAML list of reasons is a list of texts.
  EXPECT_EQ(Expansion("kinds.allowed_reasons"),
            Name("kinds.yaml:54 (expanded allowed_reasons)\n") +
                "let reason: member.end_reason\n"
                "when: (member.end_date != null && from <= member.end_date && "
                "member.end_date <= as_of) && !(reason in (['job_transfer']))\n"
                "message: the reason {reason} is not allowed\n"
                "message.zh: 原因{reason}不在允许之列\n");
}

TEST_F(KindsPackTest, ShareCapExpansion) {
  // `0.25` is a decimal, and the share is compared without dividing.
  EXPECT_EQ(Expansion("kinds.share_cap"),
            Name("kinds.yaml:62 (expanded share_cap)\n") +
                "let count: (facts.members.filter(m, m.end_date != null && "
                "m.end_date in period && m.end_reason != "
                "'term_complete').size())\n"
                "let base: (facts.members.filter(m, m.start_date <= "
                "period.end() && (m.end_date == null || period.start() <= "
                "m.end_date)).size())\n"
                "when: base > 0 && decimal(count) > decimal('0.25') * base\n"
                "message: {count} of {base} is more than a share of "
                "{decimal('0.25')}\n"
                "message.zh: {base}个中有{count}个，超过比例{decimal('0.25')}\n");
}

TEST_F(KindsPackTest, WeightedScoreDefinesFunctionsAndATable) {
  EXPECT_EQ(Rule("kinds.weighted_score"), nullptr);  // no findings of its own
  ASSERT_EQ(pack_.functions.size(), 4u);
  const FunctionSpec& total = pack_.functions[2];
  const FunctionSpec& grade = pack_.functions[3];
  EXPECT_EQ(total.name, "total");
  EXPECT_EQ(total.params, std::vector<std::string>{"s"});
  EXPECT_EQ(grade.name, "grade");
  EXPECT_EQ(sources_.name(total.body.file),
            Name("kinds.yaml:71 (expanded weighted_score)"));
  EXPECT_EQ(sources_.text(total.body.file),
            "total(s): params.weight_a * s.a + params.weight_b * s.b\n"
            "grade(s): !(0 <= s.a && s.a <= 100 && 0 <= s.b && s.b <= 100) ? "
            "'invalid' : total(s) >= 80 ? 'good' : total(s) >= "
            "params.fair_min ? 'fair' : 'poor'\n"
            "score_grades.member_id: s.member_id\n"
            "score_grades.year: s.year\n"
            "score_grades.total: round(total(s), 1)\n"
            "score_grades.grade: grade(s)\n");
  ASSERT_EQ(pack_.derived.size(), 1u);
  const DerivedSpec& d = pack_.derived[0];
  EXPECT_EQ(d.name, "score_grades");
  EXPECT_EQ(d.from, "scores");
  EXPECT_EQ(d.as, "s");
  EXPECT_EQ(d.sort_by, (std::vector<std::string>{"member_id", "year"}));
  ASSERT_EQ(d.columns.size(), 4u);
  EXPECT_EQ(d.columns[2].first, "total");
  EXPECT_EQ(d.columns[3].first, "grade");
}

// Every kind finds what its twin, written out by hand, finds, with the same
// message; and what it finds is what the data was made to show.
TEST_F(KindsPackTest, KindsFindWhatTheirTwinsFind) {
  const Report report = Check();
  std::map<std::string, std::vector<std::string>> kinds;
  std::map<std::string, std::vector<std::string>> twins;
  for (const Finding& f : report.findings) {
    const std::string row = f.subject + "|" + f.period + "|" + f.message;
    if (f.rule.starts_with("kinds.")) kinds[f.rule.substr(6)].push_back(row);
    if (f.rule.starts_with("twin.")) twins[f.rule.substr(5)].push_back(row);
  }
  for (const std::string kind :
       {"visit_quota", "mapping", "composition_exactly",
        "composition_at_least", "required_set", "allowed_reasons",
        "share_cap"}) {
    EXPECT_EQ(kinds[kind], twins[kind]) << kind;
  }
  EXPECT_EQ(kinds["visit_quota"],
            (std::vector<std::string>{
                "leaders:L1|2023-Q3|0 visits in 2023-Q3, fewer than 1",
                "leaders:L1|2023-Q4|0 visits in 2023-Q4, fewer than 1",
                "leaders:L3|2023-Q3|0 visits in 2023-Q3, fewer than 1",
                "leaders:L3|2023-Q4|0 visits in 2023-Q4, fewer than 1"}));
  EXPECT_EQ(kinds["mapping"],
            std::vector<std::string>{"teams:T2||party_mass does not go with poor"});
  EXPECT_EQ(kinds["composition_exactly"],
            (std::vector<std::string>{
                "teams:T2||2 first_secretary, expected exactly 1",
                "teams:T3||0 first_secretary, expected exactly 1"}));
  EXPECT_EQ(kinds["composition_at_least"],
            (std::vector<std::string>{"teams:T1||1 counted, expected at least 2",
                                      "teams:T2||0 counted, expected at least 2",
                                      "teams:T3||0 counted, expected at least 2"}));
  EXPECT_EQ(kinds["required_set"],
            (std::vector<std::string>{"members:M4||missing [\"project\"]",
                                      "members:M5||missing [\"project\"]"}));
  EXPECT_EQ(kinds["allowed_reasons"],
            std::vector<std::string>{"members:M6||the reason other is not allowed"});
  EXPECT_EQ(kinds["share_cap"],
            std::vector<std::string>{
                "prefecture|2023|2 of 6 is more than a share of 0.25"});
  // The functions of the weighted score, used by a general rule.
  EXPECT_EQ(twins["weighted_score"],
            (std::vector<std::string>{
                "members:M4||[\"poor\"] [decimal(\"16.000\")]",
                "members:M5||[\"invalid\"] [decimal(\"70.400\")]"}));
  ASSERT_EQ(report.derived.size(), 1u);
  EXPECT_EQ(report.derived[0].columns,
            (std::vector<std::string>{"member_id", "year", "total", "grade"}));
  std::vector<std::vector<std::string>> rows;
  for (size_t r = 0; r < report.derived[0].num_rows(); ++r) rows.push_back(report.derived[0].Row(r));
  EXPECT_EQ(rows,
            (std::vector<std::vector<std::string>>{
                {"M1", "2023", "87.0", "good"},
                {"M2", "2023", "62.0", "fair"},
                {"M4", "2023", "16.0", "poor"},
                {"M5", "2023", "70.4", "invalid"}}));
}

// The Qiannan pack uses the kinds (rules/qiannan/*.yaml).
TEST(KindsTest, QiannanUsesTheKinds) {
  const std::string dir = kSourceDir + "/rules/qiannan";
  SourceManager sources;
  const Result<PackSpec> r = LoadPack(dir, sources);
  ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
  std::map<std::string, std::string> kinds;
  for (const RuleSpec& rule : r.value().rules) kinds[rule.id] = rule.kind;
  EXPECT_EQ(kinds["visits.principal"], "visit_quota");
  EXPECT_EQ(kinds["visits.deputy"], "visit_quota");
  EXPECT_EQ(kinds["visits.member"], "visit_quota");
  EXPECT_EQ(kinds["assign.sector_match"], "mapping");
  EXPECT_EQ(kinds["team.first_secretary"], "composition");
  EXPECT_EQ(kinds["team.resident_cadres"], "composition");
  EXPECT_EQ(kinds["bundles.complete"], "required_set");
  EXPECT_EQ(kinds["rotation.early_exit"], "allowed_reasons");
  EXPECT_EQ(kinds["rotation.ratio"], "share_cap");
  EXPECT_EQ(kinds["assess.excellent_share"], "share_cap");
  EXPECT_EQ(kinds["attendance.days_in_village"], "days_present");
  EXPECT_EQ(kinds.count("assess.composite"), 0u);  // functions and a table
  ASSERT_EQ(r.value().derived.size(), 1u);
  EXPECT_EQ(r.value().derived[0].name, "assessment_grades");
}

// ---------------------------------------------------------------------------
// days_present (days_present_ok pack: postings on the edges of the count,
// checked on 2024-04-30, months 2023-02 to 2024-04).

class DaysPresentTest : public ExpandedPackTest {
 protected:
  DaysPresentTest() : ExpandedPackTest(kDaysPack, "2024-04-30") {}

  // The findings of a rule: subject|period|message.
  static std::vector<std::string> Of(const Report& report,
                                     const std::string& rule) {
    std::vector<std::string> rows;
    for (const Finding& f : report.findings) {
      if (f.rule == rule) {
        rows.push_back(f.subject + "|" + f.period + "|" + f.message);
      }
    }
    return rows;
  }
};

// The expansion docs/rules.md shows, for the rule it shows.
TEST_F(DaysPresentTest, Expansion) {
  EXPECT_EQ(
      Expansion("attendance.days_in_village"),
      kDaysPack + "/rules.yaml:4 (expanded days_present)\n"
                  "let away_spans: (member.absences.filter(a, a.kind != "
                  "'official_out')).map(away_row, [away_row.start_date, "
                  "away_row.end_date])\n"
                  "let service: covered_days(period, [[member.start_date, "
                  "member.end_date]])\n"
                  "let away: covered_days(period, [[member.start_date, "
                  "member.end_date]], away_spans)\n"
                  "let present: service - away\n"
                  "let required: ceil_div(params.min_days_in_village * "
                  "service, days(period))\n"
                  "when: (is_core(member)) && service > 0 && present < "
                  "required\n"
                  "message: {present} days present in {period}, fewer than "
                  "{required} (of {service} service days)\n"
                  "message.zh: {period}在岗{present}天，少于{required}天（服务{service}天）\n");
  const RuleSpec& r = *Rule("attendance.days_in_village");
  EXPECT_EQ(r.kind, "days_present");  // kept, with the arguments
  EXPECT_EQ(r.args.size(), 2u);
  ASSERT_EQ(r.lets.size(), 5u);
  EXPECT_EQ(r.lets[4].name, "required");
}

// `start:` and `end:` name the columns, of the subject and of the away
// rows; the rule's own message is kept.
TEST_F(DaysPresentTest, OtherDateColumnsAndOwnMessage) {
  EXPECT_EQ(Expansion("attendance.cadre_days"),
            kDaysPack + "/rules.yaml:16 (expanded days_present)\n"
                        "let away_spans: c.cadre_leaves.map(away_row, "
                        "[away_row.begins, away_row.ends])\n"
                        "let service: covered_days(period, [[c.begins, "
                        "c.ends]])\n"
                        "let away: covered_days(period, [[c.begins, c.ends]], "
                        "away_spans)\n"
                        "let present: service - away\n"
                        "let required: ceil_div(20 * service, days(period))\n"
                        "when: service > 0 && present < required\n");
  EXPECT_EQ(Rule("attendance.cadre_days")->message.text,
            "{present} of {required} days in {period}");
}

// The findings at the edges of the count, and the same as the rule written
// out by hand.
TEST_F(DaysPresentTest, FindsTheEdges) {
  const Report report = Check();
  const std::vector<std::string> found =
      Of(report, "attendance.days_in_village");
  EXPECT_EQ(found, Of(report, "twin.days_in_village"));
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(
      found,
      (std::vector<std::string>{
          // 12 days of leave in March 2024: 19 of 31 (M1's 11 leave 20).
          "members:M2|2024-03|19 days present in 2024-03, fewer than 20 (of "
          "31 service days)",
          // From March 17: 15 service days need ceil(20 * 15 / 31) = 10; 6
          // days of leave leave 9 (M3's 5 leave 10, and its absence before
          // the posting began counts nothing). February 2024, before the
          // posting, has no service days, and its leave no finding.
          "members:M4|2024-03|9 days present in 2024-03, fewer than 10 (of "
          "15 service days)",
          // 9 days of leave: 19 of 28 in February 2023, but 20 of 29 in
          // February 2024.
          "members:M6|2023-02|19 days present in 2023-02, fewer than 20 (of "
          "28 service days)",
          // Ended August 15: 15 service days need 10; of the leave from
          // August 10 to 20 only the 6 days to the 15th count. Its leave in
          // October, after the posting, gives nothing.
          "members:M9|2023-08|9 days present in 2023-08, fewer than 10 (of "
          "15 service days)"}));
  // Not found: M1 (20 of 31), M3 (10 of 15), M5 (leave from March 10 to 20
  // counts from the 17th: 11 of 15), M7 (overlapping rows, 11 days once:
  // 20 of 31), M8 (official_out is present), M10 (a row whose start is
  // after its end), M11 (not core).
  // `periods:` for `period:`: March 2024 only.
  EXPECT_EQ(Of(report, "attendance.march_only"),
            (std::vector<std::string>{found[0], found[1]}));
  EXPECT_EQ(Of(report, "attendance.cadre_days"),
            std::vector<std::string>{
                // From April 11: 20 of 30 days need 14; 7 days of leave.
                "cadres:C1|2024-04|13 of 14 days in 2024-04"});
}

// Explain shows the kind's lets and the conditions of its `when`.
TEST_F(DaysPresentTest, Explains) {
  const Explanation fired =
      Explain("attendance.days_in_village", "members:M2", "2024-03");
  EXPECT_TRUE(fired.fired);
  EXPECT_EQ(fired.message,
            "19 days present in 2024-03, fewer than 20 (of 31 service days)");
  const Explanation quiet =
      Explain("attendance.days_in_village", "members:M7", "2024-01");
  EXPECT_FALSE(quiet.fired);
  std::vector<std::string> lets;
  for (const Explanation::Item& i : quiet.lets) {
    lets.push_back(i.name + " = " + i.value);
  }
  EXPECT_EQ(lets, (std::vector<std::string>{
                      "away_spans = [[2024-01-01, 2024-01-08], [2024-01-05, 2024-01-11]]",
                      "service = 31", "away = 11", "present = 20", "required = 20"}));
  std::vector<std::string> conditions;
  for (const Explanation::Item& i : quiet.conditions) {
    conditions.push_back(i.name + " = " + i.value);
  }
  EXPECT_EQ(conditions,
            (std::vector<std::string>{"(is_core(member)) = true",
                                      "service > 0 = true",
                                      "present < required = false"}));
  EXPECT_EQ(quiet.first_false, std::optional<size_t>(2));
}

// ---------------------------------------------------------------------------
// A clerk's mistakes.

using Files = std::vector<std::pair<std::string, std::string>>;

// A pack folder in a fresh temporary directory, removed at the end.
class TempPack {
 public:
  explicit TempPack(const Files& files) {
    std::string tmpl =
        (fs::temp_directory_path() / "zhucun_kinds_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    for (const auto& [name, text] : files) {
      std::ofstream(fs::path(dir_) / name, std::ios::binary) << text;
    }
  }
  ~TempPack() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  TempPack(const TempPack&) = delete;
  TempPack& operator=(const TempPack&) = delete;

  const std::string& dir() const { return dir_; }

  // Renders the diagnostics of loading the pack (LoadPack, or
  // Policy::Load to type-check the expansions), folder names left out.
  std::string Render(bool compile, std::set<std::string>* codes = nullptr) {
    SourceManager sources;
    Diagnostics diags;
    if (compile) {
      diags = Policy::Load(dir_, sources).diagnostics();
    } else {
      diags = LoadPack(dir_, sources).diagnostics();
    }
    if (codes != nullptr) {
      for (const Diagnostic& d : diags.items()) codes->insert(d.code);
    }
    std::string rendered = diags.Render(sources);
    for (size_t at; (at = rendered.find(dir_ + "/")) != std::string::npos;) {
      rendered.erase(at, dir_.size() + 1);
    }
    return rendered;
  }

 private:
  std::string dir_;
};

const char kSchema[] = R"(tables:
  - name: teams
    key: team_id
    columns:
      - {name: team_id, type: id}
  - name: members
    key: member_id
    columns:
      - {name: member_id, type: id}
      - {name: team_id, type: id, references: teams}
      - {name: role, type: text}
  - name: leaders
    key: leader_id
    columns:
      - {name: leader_id, type: id}
      - {name: rank, type: text}
  - name: visits
    key: visit_id
    columns:
      - {name: visit_id, type: id}
      - {name: leader_id, type: id, references: leaders}
      - {name: date, type: date}
  - name: scores
    columns:
      - {name: member_id, type: id, references: members}
      - {name: daily, type: decimal, scale: 2}
  - name: postings
    key: posting_id
    columns:
      - {name: posting_id, type: id}
      - {name: role, type: text}
      - {name: start_date, type: date}
      - {name: end_date, type: date, nullable: true}
  - name: absences
    key: absence_id
    columns:
      - {name: absence_id, type: id}
      - {name: posting_id, type: id, references: postings}
      - {name: kind, type: text}
      - {name: start_date, type: date}
      - {name: end_date, type: date}
)";

Files WithRules(const std::string& rules) {
  return {{"pack.yaml",
           "name: t\nfunctions:\n  total(s): s.daily\n"
           "includes: [schema.yaml, rules.yaml]\n"},
          {"schema.yaml", kSchema},
          {"rules.yaml", rules}};
}

struct BadCase {
  const char* name;
  bool compile;  // the engine's type check of the expansion too
  std::string rules;
  std::string expected;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

const char kQuota[] =
    "rules:\n"
    "  - id: visits.deputy\n"
    "    kind: visit_quota\n"
    "    severity: error\n"
    "    subject: leaders\n"
    "    period: quarter\n";

const char kDays[] =
    "rules:\n"
    "  - id: attendance.days\n"
    "    kind: days_present\n"
    "    severity: error\n"
    "    subject: postings\n"
    "    period: month\n";

const BadCase kBadCases[] = {
    // clang-format off
    {"MissingArgument", false,
     std::string(kQuota) + "    visits: leader.visits\n",
     "rules.yaml:2:9: error[pack.missing]: rule `visits.deputy` has no `at_least`\n"
     " |   - id: visits.deputy\n"
     " |         ^~~~~~~~~~~~~\n"
     " = help: add `at_least:` with the fewest visits per period, such as `params.deputy_visits_per_quarter`\n"},
    {"MissingArgumentsAndKeys", false,
     "rules:\n  - {id: visits.deputy, kind: visit_quota, rank: deputy}\n",
     "rules.yaml:2:10: error[pack.missing]: rule `visits.deputy` has no `severity`, `subject`, `period`, `at_least` or `visits`\n"
     " |   - {id: visits.deputy, kind: visit_quota, rank: deputy}\n"
     " |          ^~~~~~~~~~~~~\n"
     " = help: see the `visit_quota` section of docs/rules.md for what each is\n"},
    {"CompositionWithoutABound", false,
     "rules:\n  - {id: team.size, kind: composition, severity: error, subject: teams, members: team.members}\n",
     "rules.yaml:2:10: error[pack.missing]: rule `team.size` has no `exactly`\n"
     " |   - {id: team.size, kind: composition, severity: error, subject: teams, members: team.members}\n"
     " |          ^~~~~~~~~\n"
     " = help: add `exactly:`, `at_least:` or `at_most:` with how many there must be\n"},
    {"UnknownArgumentWithDidYouMean", false,
     std::string(kQuota) + "    visits: leader.visits\n    at_lest: 1\n",
     "rules.yaml:8:5: error[pack.unknown_argument]: unknown argument `at_lest` of a `visit_quota` rule\n"
     " |     at_lest: 1\n"
     " |     ^~~~~~~\n"
     " = help: did you mean `at_least`?\n"},
    {"UnknownArgument", false,
     std::string(kQuota) + "    visits: leader.visits\n    at_least: 1\n    quota: 1\n",
     "rules.yaml:9:5: error[pack.unknown_argument]: unknown argument `quota` of a `visit_quota` rule\n"
     " |     quota: 1\n"
     " |     ^~~~~\n"
     " = help: a `visit_quota` rule has the arguments `rank`, `at_least`, `visits`, `date`, `counts` and `each`\n"},
    {"ListForAWord", false,
     std::string(kQuota) + "    visits: leader.visits\n    at_least: 1\n    rank: [deputy, principal]\n",
     "rules.yaml:9:11: error[pack.bad_argument]: expected a single value for `rank`, found a list\n"
     " |     rank: [deputy, principal]\n"
     " |           ^\n"},
    {"MapInAListOfTexts", false,
     "rules:\n  - id: rotation.early_exit\n    kind: allowed_reasons\n    severity: error\n"
     "    subject: members\n    reason: member.role\n    allowed: [health, {job: transfer}]\n",
     "rules.yaml:7:23: error[pack.bad_argument]: expected a value in `allowed`, found a map\n"
     " |     allowed: [health, {job: transfer}]\n"
     " |                       ^\n"
     " = help: the items of a YAML list here are texts; for anything else write a CEL expression\n"},
    {"NotAName", false,
     std::string(kQuota) + "    visits: leader.visits\n    at_least: 1\n    date: visit date\n",
     "rules.yaml:9:11: error[pack.bad_name]: `visit date` is not a name\n"
     " |     date: visit date\n"
     " |           ^~~~~~~~~~\n"
     " = help: names are made of ASCII letters, digits and `_`, and do not start with a digit\n"},
    {"RankOfNoRow", false,
     "rules:\n  - {id: visits.deputy, kind: visit_quota, severity: error, subject: prefecture,"
     " period: year, rank: deputy, at_least: 1, visits: facts.visits}\n",
     "rules.yaml:2:70: error[pack.bad_subject]: `rank:` needs a subject table, one row per subject\n"
     " | ... kind: visit_quota, severity: error, subject: prefecture, period: year, rank: deputy, at_least: 1, visits: facts.visits}\n"
     " |                                                  ^~~~~~~~~~\n"
     " = help: write the table, such as `subject: leaders`\n"},
    {"RankColumnMissing", false,
     "rules:\n  - {id: visits.deputy, kind: visit_quota, severity: error, subject: members,"
     " period: year, rank: deputy, at_least: 1, visits: facts.visits}\n",
     "rules.yaml:2:93: error[pack.unknown_column]: table `members` has no column `rank`\n"
     " | ...ty, kind: visit_quota, severity: error, subject: members, period: year, rank: deputy, at_least: 1, visits: facts.visits}\n"
     " |                                                                            ^~~~\n"
     " = help: `rank:` compares the subject's `rank` column; to pick the subjects another way, leave it out and say which in `when:`\n"},
    {"LetTakesAKindName", false,
     "rules:\n  - id: team.size\n    kind: composition\n    severity: error\n    subject: teams\n"
     "    let:\n      count: 3\n    members: team.members\n    at_least: count\n",
     "rules.yaml:7:7: error[pack.name_taken]: let `count` is a name the `composition` kind gives\n"
     " |       count: 3\n"
     " |       ^~~~~\n"
     " = help: a `composition` rule names `count`; call the let otherwise\n"},
    {"WrongTypeInAnArgument", true,
     std::string(kQuota) + "    visits: leader.visits\n    at_least: \"'three'\"\n",
     // The quota is a text: shown on the line of the expansion.
     "rules.yaml:3 (expanded visit_quota):3:7: error[expr.no_overload]: no matching overload for `<` applied to `(int, string)`\n"
     " | when: visits < quota\n"
     " |       ^~~~~~~~~~~~~~\n"
     " = help: the left side is a whole number (int) and the right side text (string); `<` takes two of one kind (a number in quotes is text: write `3`, not `'3'`)\n"},
    // weighted_score.
    {"WeightedScoreWithFindingKeys", false,
     "rules:\n  - id: assess.composite\n    kind: weighted_score\n    severity: error\n"
     "    when: 'true'\n    subject: scores\n    weights: {daily: 1}\n    grades: {good: 60}\n"
     "    otherwise: poor\n    score: composite\n    grade: grade\n",
     "rules.yaml:2:9: error[pack.not_for_kind]: a `weighted_score` rule gives no findings, so it has no `severity` or `when`\n"
     " |   - id: assess.composite\n"
     " |         ^~~~~~~~~~~~~~~~\n"
     " = help: it defines the functions named by `score:` and `grade:` for other rules, and the table named by `table:`; remove `severity` and `when`\n"},
    {"WeightOfAnUnknownColumn", false,
     "rules:\n  - id: assess.composite\n    kind: weighted_score\n"
     "    subject: scores\n    weights: {dayly: 1}\n    grades: {good: 60}\n"
     "    otherwise: poor\n    score: composite\n    grade: grade\n",
     "rules.yaml:5:15: error[pack.unknown_column]: table `scores` has no column `dayly`\n"
     " |     weights: {dayly: 1}\n"
     " |               ^~~~~\n"
     " = help: did you mean `daily`?\n"},
    {"GradeBandWithoutMinimum", false,
     "rules:\n  - id: assess.composite\n    kind: weighted_score\n"
     "    subject: scores\n    weights: {daily: 1}\n    grades: {good: [60]}\n"
     "    otherwise: poor\n    score: composite\n    grade: grade\n",
     "rules.yaml:6:20: error[pack.bad_argument]: expected an expression for `good` in `grades`, found a list\n"
     " |     grades: {good: [60]}\n"
     " |                    ^\n"},
    {"ScoreNamedLikeAFunction", false,
     "rules:\n  - id: assess.composite\n    kind: weighted_score\n"
     "    subject: scores\n    weights: {daily: 1}\n    grades: {good: 60}\n"
     "    otherwise: poor\n    score: total\n    grade: grade\n",
     "rules.yaml:8:12: error[pack.bad_function]: function `total` is defined twice\n"
     " |     score: total\n"
     " |            ^~~~~\n"
     " = help: the function is first defined at pack.yaml:3:3\n"},
    {"TableNamedTwice", false,
     "rules:\n  - id: assess.composite\n    kind: weighted_score\n"
     "    subject: scores\n    weights: {daily: 1}\n    grades: {good: 60}\n"
     "    otherwise: poor\n    score: composite\n    grade: grade\n"
     "    table: grades\n    columns: member_id\n"
     "derived:\n  - {name: grades, from: scores, columns: {x: score.daily}}\n",
     "rules.yaml:10:12: error[pack.duplicate_table]: duplicate derived table `grades`\n"
     " |     table: grades\n"
     " |            ^~~~~~\n"
     " = help: the table is first defined on line 13\n"},
    {"TableColumnNamedLikeTheScore", false,
     "rules:\n  - id: assess.composite\n    kind: weighted_score\n"
     "    subject: scores\n    weights: {daily: 1}\n    grades: {good: 60}\n"
     "    otherwise: poor\n    score: daily\n    grade: grade\n"
     "    table: grades\n    columns: [member_id, daily]\n",
     "rules.yaml:11:26: error[pack.bad_argument]: column `daily` is also the name of the score\n"
     " |     columns: [member_id, daily]\n"
     " |                          ^~~~~\n"
     " = help: the table has the columns, then the score and the grade\n"},
    // days_present.
    {"DaysPresentMissingAway", false,
     std::string(kDays) + "    at_least: 20\n",
     "rules.yaml:2:9: error[pack.missing]: rule `attendance.days` has no `away`\n"
     " |   - id: attendance.days\n"
     " |         ^~~~~~~~~~~~~~~\n"
     " = help: add `away:` with the rows whose days count as away, such as `member.absences.filter(a, a.kind != 'official_out')`\n"},
    {"DaysPresentMissingArguments", false,
     kDays,
     "rules.yaml:2:9: error[pack.missing]: rule `attendance.days` has no `at_least` or `away`\n"
     " |   - id: attendance.days\n"
     " |         ^~~~~~~~~~~~~~~\n"
     " = help: see the `days_present` section of docs/rules.md for what each is\n"},
    {"DaysPresentWithoutAPeriod", false,
     "rules:\n  - {id: attendance.days, kind: days_present, severity: error, subject: postings,"
     " at_least: 20, away: posting.absences}\n",
     "rules.yaml:2:10: error[pack.missing]: rule `attendance.days` has no `period`\n"
     " |   - {id: attendance.days, kind: days_present, severity: error, subject: postings, at_least: 20, away: posting.absences}\n"
     " |          ^~~~~~~~~~~~~~~\n"
     " = help: days present are counted per period: add `period: month` (or `quarter`, `half` or `year`)\n"},
    {"DaysPresentMisspelledArgument", false,
     std::string(kDays) + "    at_leats: 20\n    away: posting.absences\n",
     "rules.yaml:7:5: error[pack.unknown_argument]: unknown argument `at_leats` of a `days_present` rule\n"
     " |     at_leats: 20\n"
     " |     ^~~~~~~~\n"
     " = help: did you mean `at_least`?\n"},
    {"DaysPresentListForAName", false,
     std::string(kDays) + "    at_least: 20\n    away: posting.absences\n    start: [start_date, end_date]\n",
     "rules.yaml:9:12: error[pack.bad_argument]: expected a name for `start`, found a list\n"
     " |     start: [start_date, end_date]\n"
     " |            ^\n"},
    {"DaysPresentSubjectWithoutTheDates", false,
     "rules:\n  - {id: attendance.days, kind: days_present, severity: error, subject: members,"
     " period: month, at_least: 20, away: facts.absences}\n",
     "rules.yaml:2:73: error[pack.unknown_column]: table `members` has no column `start_date` or `end_date`\n"
     " | ...tendance.days, kind: days_present, severity: error, subject: members, period: month, at_least: 20, away: facts.absences}\n"
     " |                                                                 ^~~~~~~\n"
     " = help: a `days_present` rule counts a subject's service days from its `start_date` to its `end_date` (null: no end); name other date columns with `start:` and `end:`\n"},
    {"DaysPresentMisspelledColumn", false,
     std::string(kDays) + "    at_least: 20\n    away: posting.absences\n    end: end_dat\n",
     "rules.yaml:9:10: error[pack.unknown_column]: table `postings` has no column `end_dat`\n"
     " |     end: end_dat\n"
     " |          ^~~~~~~\n"
     " = help: did you mean `end_date`?\n"},
    {"DaysPresentColumnNotADate", false,
     std::string(kDays) + "    at_least: 20\n    away: posting.absences\n    start: role\n",
     "rules.yaml:9:12: error[pack.bad_argument]: column `role` of table `postings` is of type `text`, not `date`\n"
     " |     start: role\n"
     " |            ^~~~\n"
     " = help: `start:` and `end:` name the date columns that bound a subject's service\n"},
    {"DaysPresentOfThePrefecture", false,
     "rules:\n  - {id: attendance.days, kind: days_present, severity: error, subject: prefecture,"
     " period: month, at_least: 20, away: facts.absences}\n",
     "rules.yaml:2:73: error[pack.bad_subject]: a `days_present` rule needs a subject table, one row per subject\n"
     " | ...dance.days, kind: days_present, severity: error, subject: prefecture, period: month, at_least: 20, away: facts.absences}\n"
     " |                                                              ^~~~~~~~~~\n"
     " = help: write the table, such as `subject: leaders`\n"},
    {"DaysPresentLetTakesAKindName", false,
     std::string(kDays) + "    let:\n      present: 3\n    at_least: 20\n    away: posting.absences\n",
     "rules.yaml:8:7: error[pack.name_taken]: let `present` is a name the `days_present` kind gives\n"
     " |       present: 3\n"
     " |       ^~~~~~~\n"
     " = help: a `days_present` rule names `away_spans`, `service`, `away`, `present` and `required`; call the let otherwise\n"},
    {"DaysPresentTypeErrorInAway", true,
     std::string(kDays) + "    at_least: 20\n    away: posting.absences.filter(a, a.kind != 1)\n",
     "rules.yaml:8:38: error[expr.no_overload]: no matching overload for `!=` applied to `(string, int)`\n"
     " |     away: posting.absences.filter(a, a.kind != 1)\n"
     " |                                      ^~~~~~~~~~~\n"
     " = help: the left side is text (string) and the right side a whole number (int); `!=` takes two of one kind (a number in quotes is text: write `3`, not `'3'`)\n"},
    {"DaysPresentAwayNotAList", true,
     std::string(kDays) + "    at_least: 20\n    away: posting.role\n",
     "rules.yaml:8:19: error[expr.not_iterable]: expected a list or map to iterate over, got `string`\n"
     " |     away: posting.role\n"
     " |                   ^~~~\n"},
    {"DaysPresentAwayRowsWithoutTheDates", true,
     std::string(kDays) + "    at_least: 20\n    away: facts.visits\n",
     "rules.yaml:3 (expanded days_present):1:54: error[expr.unknown_field]: `away_row` has no field `start_date`\n"
     " | let away_spans: facts.visits.map(away_row, [away_row.start_date, away_row.end_date])\n"
     " |                                                      ^~~~~~~~~~\n"
     "rules.yaml:3 (expanded days_present):1:75: error[expr.unknown_field]: `away_row` has no field `end_date`\n"
     " | let away_spans: facts.visits.map(away_row, [away_row.start_date, away_row.end_date])\n"
     " |                                                                           ^~~~~~~~\n"},
    {"DaysPresentAtLeastNotANumber", true,
     std::string(kDays) + "    at_least: \"'twenty'\"\n    away: posting.absences\n",
     "rules.yaml:3 (expanded days_present):5:24: error[expr.no_overload]: no matching overload for `*` applied to `(string, int)`\n"
     " | let required: ceil_div(('twenty') * service, days(period))\n"
     " |                        ^~~~~~~~~~~~~~~~~~~~\n"
     " = help: the left side is text (string) and the right side a whole number (int); `*` takes two of one kind (a number in quotes is text: write `3`, not `'3'`)\n"},
    // clang-format on
};

class BadKindTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadKindTest, RendersExactDiagnostics) {
  const BadCase& c = GetParam();
  TempPack pack(WithRules(c.rules));
  EXPECT_EQ(pack.Render(c.compile), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Cases, BadKindTest, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           return std::string(info.param.name);
                         });

// Every diagnostic code that src/rules/kinds.cc and kinds_*.cc report is
// exercised by a case above.
TEST(KindsTest, EveryCodeIsTested) {
  std::set<std::string> tested;
  for (const BadCase& c : kBadCases) {
    TempPack pack(WithRules(c.rules));
    pack.Render(c.compile, &tested);
  }
  std::string source;
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(kSourceDir + "/src/rules")) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("kinds") || !name.ends_with(".cc")) continue;
    std::ifstream in(entry.path());
    ASSERT_TRUE(in.good()) << name;
    std::stringstream text;
    text << in.rdbuf();
    source += text.str();
    ++files;
  }
  EXPECT_GE(files, 3u);  // kinds.cc, kinds_expand.cc, kinds_score.cc
  const std::regex code("\"(pack\\.[a-z_]+)\"");
  std::set<std::string> codes;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), code);
       it != std::sregex_iterator(); ++it) {
    codes.insert((*it)[1]);
  }
  EXPECT_GE(codes.size(), 10u);
  for (const std::string& c : codes) EXPECT_EQ(tested.count(c), 1u) << c;
}

}  // namespace
}  // namespace zhucun::internal
