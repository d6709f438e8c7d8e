// The planner against the row evaluator (src/plan/rule_plan.h): every rule
// of every pack in the repository, and hundreds of generated rules, checked
// with and without plans on the worked examples and on generated data (good
// and with defects, read leniently), at several dates. Every finding
// (rule, subject, period, severity, message), every derived cell and every
// diagnostic must be the same: the plan only decides which pairs the row
// evaluator need not judge.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "differential.h"
#include "engine/policy_impl.h"
#include "expr/stdlib.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using plan_test::Check;
using plan_test::Dates;
using plan_test::ExpectSameBothWays;
using plan_test::Generate;
using plan_test::kRoot;
using plan_test::kSanitized;
using plan_test::kSpec;
using plan_test::Outcome;
using plan_test::Read;
using plan_test::TempPath;

TEST(DifferentialTest, QiannanPackGivesTheSameReportWithAndWithoutPlans) {
  SourceManager sources;
  auto policy = Policy::Load(kRoot + "/rules/qiannan", sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  uint64_t dropped = 0;
  for (const std::string example : {"example", "example-attendance"}) {
    auto facts = Read(policy.value(), kSpec + example + "/data", false, sources);
    ASSERT_NE(facts, nullptr);
    dropped += ExpectSameBothWays(policy.value(), facts, sources, example);
  }
  const double scale = kSanitized ? 0.02 : 0.05;
  const std::string good = Generate("zhucun_plan_good", 0, scale);
  if (!kSanitized) {
    auto facts = Read(policy.value(), good, false, sources);
    ASSERT_NE(facts, nullptr);
    dropped += ExpectSameBothWays(policy.value(), facts, sources, "generated");
  }
  const std::string bad = Generate("zhucun_plan_bad", 0.03, scale);
  auto lenient = Read(policy.value(), bad, true, sources);
  ASSERT_NE(lenient, nullptr);
  ASSERT_FALSE(lenient->rejected().empty());
  dropped += ExpectSameBothWays(policy.value(), lenient, sources, "generated, lenient");
  // The plans did drop pairs (else this test compared the row evaluator
  // with itself).
  EXPECT_GT(dropped, 10000u);
  std::filesystem::remove_all(good);
  std::filesystem::remove_all(bad);
}

// Rows that do not come in the order of the rows they refer to (an export
// sorted otherwise, DATA.md allows any order): the reverse relations'
// indexes list their rows (GroupIndex::listed) where for rows in order they
// list none, and the plans' joins read them so. The same report with and
// without plans, and the same findings and derived rows as the rows in
// order give.
TEST(DifferentialTest, RowsInAnyOrderGiveTheSameReportWithAndWithoutPlans) {
  SourceManager sources;
  auto policy = Policy::Load(kRoot + "/rules/qiannan", sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  const std::string in_order = Generate("zhucun_plan_in_order", 0, kSanitized ? 0.02 : 0.05);
  const std::string shuffled = TempPath("zhucun_plan_shuffled");
  std::filesystem::remove_all(shuffled);
  std::filesystem::create_directories(shuffled);
  std::mt19937 random(20261207);
  for (const auto& file : std::filesystem::directory_iterator(in_order)) {
    std::ifstream in(file.path());
    std::string header, line;
    std::getline(in, header);
    // The records, each whole: a quoted field may hold a line break (the
    // generator writes some), so a record goes on while its quotes are odd.
    std::vector<std::string> records;
    bool open = false;
    while (std::getline(in, line)) {
      if (open) {
        records.back() += "\n" + line;
      } else {
        records.push_back(line);
      }
      if (std::count(line.begin(), line.end(), '"') % 2 != 0) open = !open;
    }
    ASSERT_FALSE(open) << file.path();
    std::shuffle(records.begin(), records.end(), random);
    std::ofstream out(shuffled + "/" + file.path().filename().string());
    out << header << "\n";
    for (const std::string& record : records) out << record << "\n";
  }
  auto ordered = Read(policy.value(), in_order, false, sources);
  auto facts = Read(policy.value(), shuffled, false, sources);
  ASSERT_NE(ordered, nullptr);
  ASSERT_NE(facts, nullptr);
  EXPECT_TRUE(ordered->table("payments")->Groups("member_id").listed.empty());
  EXPECT_TRUE(ordered->table("absences")->Groups("member_id").listed.empty());
  EXPECT_FALSE(facts->table("payments")->Groups("member_id").listed.empty());
  EXPECT_FALSE(facts->table("absences")->Groups("member_id").listed.empty());
  EXPECT_GT(ExpectSameBothWays(policy.value(), facts, sources, "rows in any order"), 10000u);
  const Outcome a = Check(policy.value(), ordered, sources, "2024-06-30", "", true);
  const Outcome b = Check(policy.value(), facts, sources, "2024-06-30", "", true);
  ASSERT_EQ(a.lines[0], "ok") << a.lines[1];
  EXPECT_GT(a.lines.size(), 500u);  // (findings and derived rows: 646 at scale 0.02)
  EXPECT_EQ(a.lines, b.lines);
  std::filesystem::remove_all(in_order);
  std::filesystem::remove_all(shuffled);
}

// The other packs of the repository, on the example data read leniently
// (their schemas are smaller: rows with codes they do not know are left out).
TEST(DifferentialTest, TestPacksGiveTheSameReportWithAndWithoutPlans) {
  int checked = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(kRoot + "/tests/testdata/packs")) {
    SourceManager sources;
    auto policy = Policy::Load(entry.path().string(), sources);
    if (!policy.ok()) continue;  // a pack meant to fail loading
    CsvOptions csv;
    csv.strictness = Strictness::kLenient;
    auto facts = ReadCsvFolder(policy.value().schema(), kSpec + "example/data", csv, sources);
    if (!facts.ok()) continue;  // a schema of its own
    ExpectSameBothWays(policy.value(),
                       std::make_shared<const FactSet>(std::move(facts).value()), sources,
                       entry.path().filename().string());
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

// ---------------------------------------------------------------------------
// Generated rules: random `when`s over the Qiannan schema from conditions
// chosen to reach every operator of the plan, nulls, and errors the plan
// must leave to the row evaluator (a null compared with `<`, overflow,
// division by zero, a function the plan does not know).

struct Subject {
  std::string table;
  std::string var;
  std::vector<std::string> atoms;
  std::vector<std::string> period_atoms;  // atoms reading `period`
  std::vector<std::string> periods;       // `periods:` expressions
};

std::vector<Subject> Subjects() {
  return {
      {"members",
       "member",
       {"member.role == 'first_secretary'", "is_core(member)", "member.end_date == null",
        "member.end_date < as_of", "member.end_date - member.start_date < 400",
        "member.start_date + 700 > as_of", "as_of - member.start_date > 365",
        "member.end_reason in ['job_transfer', 'health', null]",
        "member.end_reason != 'other'", "member.team.village.category == 'poor'",
        "member.team.unit.sector == member.unit.sector", "member.team.end_date > as_of",
        "member.team.unit.teams.size() > 2", "member.payments.size() >= 30",
        "member.team.village.category in params.sector_for_category && member.team.unit.sector != params.sector_for_category[member.team.village.category]",
        "member.payments.exists(p, p.living_allowance < params.min_living_allowance)",
        "member.payments.exists(p, p.transport_reimbursements > 2)",
        "member.payments.all(p, p.living_allowance >= decimal('1100.5'))",
        "member.absences.all(a, a.approved_by != null)",
        "member.absences.all(a, a.approved_on <= a.start_date)",
        "member.absences.filter(a, a.kind == 'leave').size() >= 2",
        "member.absences.exists(a, a.end_date - a.start_date + 1 > params.leave_township_max_days)",
        "member.team.members.exists(o, o != member && o.role == member.role)",
        "member.team.members.exists(o, o.person_id == member.person_id && o.start_date < member.start_date)",
        "member.team.village.teams.all(t, t.end_date > member.start_date)",
        "member.insurance.exists(i, i.coverage * 10000000000000 > decimal('1'))",
        "9223372036854775807 + member.payments.size() > 0",
        "1 / (member.payments.size() - 3) > 0", "member.name.startsWith('A')",
        "active(member, as_of)", "ended_early(member)",
        "add_years(member.start_date, 2) < as_of", "add_years(member.start_date, 10001) > as_of",
        "add_years(member.start_date, 7990) > as_of",
        "member.start_date > date('2023-01-01') ? member.role == 'resident_cadre' : member.end_date == null",
        "late", "late && member.role != 'other'",
        "params.core_roles.exists(r, member.role == r)",
        "params.bundle_kinds.filter(k, !member.team.bundles.exists(b, b.kind == k)).size() > 1",
        "['leave', 'absent'].all(k, member.absences.exists(a, a.kind == k))",
        "[1, 2, 3].exists(n, member.payments.size() == n * 12)",
        "facts.teams.filter(t, t.village_id == member.team.village_id).size() > 1"},
       {"active_throughout(member, period)", "served(member, period)",
        "member.trainings.exists(t, t.date in period)",
        "member.payments.exists(p, p.month.start() >= period.start() && p.month.end() <= period.end())",
        "!member.health_checks.exists(h, h.date in period)", "from <= period.start()",
        "period.end() <= as_of", "member.work_funds.exists(w, year_of(w.year) == period)",
        "covered_days(period, [span(member)]) > 20",
        "covered_days(period, [span(member)], away_spans(member)) > 0",
        "covered_days(period, [span(member)]) - covered_days(period, [span(member)], "
        "away_spans(member)) < ceil_div(params.min_days_in_village * covered_days(period, "
        "[span(member)]), days(period))",
        "period in member.payments.filter(p, p.living_allowance >= decimal('1100')).map(p, p.month)",
        "!(period in member.payments.map(p, p.month))"},
       {"is_core(member) ? service_months(member) : []",
        "service_months(member).filter(mo, served(member, mo))",
        "member.payments.filter(p, p.transport_reimbursements > 1).map(p, p.month)",
        "months(member.start_date, min([end_or_never(member), as_of]))",
        "months(max([member.start_date, from]), member.end_date)",
        "months(member.end_date, as_of).filter(m, m.start() > member.start_date + 30)",
        "is_core(member) ? months(member.start_date, as_of).filter(m, m.end() <= member.end_date) : []",
        "member.absences.filter(a, a.kind == 'absent').map(a, months(a.start_date, a.end_date)).flatten()",
        "member.role == 'other' ? [] : months(member.start_date, member.start_date + 400)",
        "member.assessments.filter(a, params.weight_daily * a.daily_score + params.weight_year_end * a.year_end_score > 60).map(a, year_of(a.year))",
        "member.work_funds.map(w, year_of(w.year - 1100))"}},
      {"absences",
       "absence",
       {"absence.kind == 'leave'", "in_window(absence.start_date)", "absence.approved_by == null",
        "absence.approved_on > absence.start_date", "absence.end_date - absence.start_date + 1 > 5",
        "absence.approved_by == 'township'", "absence.member.role == 'first_secretary'",
        "absence.member.absences.size() > 3", "absence.member.end_date >= absence.end_date",
        "absence.start_date > absence.end_date"},
       {},
       {}},
      {"handovers",
       "handover",
       {"handover.signed_outgoing", "!handover.signed_incoming",
        "handover.approved_village_leader && handover.approved_township_committee",
        "handover.end_date - handover.start_date + 1 < params.min_handover_days",
        "handover.outgoing_member.end_date == null",
        "handover.incoming_member.start_date > handover.end_date",
        "handover.outgoing_member.team == handover.incoming_member.team",
        "handover.outgoing_member.team_id == handover.incoming_member.team_id"},
       {},
       {}},
      {"teams",
       "team",
       {"team.members.filter(m, m.role == 'first_secretary').size() != params.first_secretaries",
        "team.members.filter(m, is_core(m) && active(m, as_of)).size() < 3",
        "team.end_date == null", "team.village.category in ['weak', 'poor']",
        "team.village.category in params.sector_for_category",
        "team.unit.sector == params.sector_for_category[team.village.category]",
        "team.bundles.all(b, b.amount > decimal('0'))", "team.bundles.exists(b, b.kind == 'funds')",
        "team.village.teams.map(t, t.members).flatten().filter(m, is_core(m)).size() > 3",
        "team.village.teams.map(t, t.members).flatten().size() == sum(team.village.teams.map(t, t.members.size()))",
        "team.unit.teams.map(t, t.members).flatten().exists(m, m.role == 'first_secretary' && m.end_date == null)"},
       {"active_throughout(team, period)", "team.start_date in period"},
       {}},
      // The prefecture (no subject row): `facts.<table>`, filtered relations
      // (a filter of a filter, a let read twice), `decimal()`, and filters
      // whose conjuncts fail where another is false (CEL's `&&`).
      {"prefecture",
       "",
       {"facts.members.filter(m, m.role == 'first_secretary').size() > 20",
        "facts.teams.exists(t, t.end_date == null)",
        "facts.payments.all(p, p.living_allowance >= decimal('1000'))",
        "facts.absences.filter(a, a.kind == 'absent' && a.approved_by == null).size() * 10 > facts.absences.size()",
        "facts.assessments.filter(a, a.daily_score <= decimal('100')).filter(a, params.weight_daily * a.daily_score + params.weight_half_year * a.half_year_score + params.weight_year_end * a.year_end_score >= decimal('90')).size() > 3",
        "decimal(facts.members.filter(m, is_core(m)).size()) > decimal('0.3') * facts.members.size()",
        "facts.members.filter(m, m.end_date < as_of && m.role == 'other').size() > 0",
        "facts.members.filter(m, m.role == 'nobody' && m.end_date < as_of).size() == 0",
        "facts.members.filter(m, 1 / (m.payments.size() - 3) > 0).size() > 0",
        "facts.members.filter(m, is_core(m)).exists(m, m.payments.size() > 40)",
        "facts.villages.map(v, v.teams.map(t, t.members).flatten()).flatten().filter(m, m.end_date == null).size() > 5",
        "facts.counties.map(c, c.villages).flatten().size() > 10",
        "facts.counties.map(c, c.villages).flatten().size() == facts.villages.size()",
        "facts.members.filter(m, m.end_date < as_of && m.role == 'other').exists(m, m.role != '')",
        "facts.members.filter(m, m.end_date < as_of && m.role == 'nobody').filter(m, m.role != '').size() == 0",
        "facts.members.filter(m, m.role == 'nobody' && m.end_date < as_of).all(m, false)",
        // Fused typed loops (src/plan/plan_fused.h): decimals of several
        // scales, an overflow (the batch left to the general operators),
        // `?:` of strings, ints that overflow.
        "facts.assessments.filter(a, a.daily_score * 100000000000000000 > a.year_end_score).size() > 0",
        "facts.assessments.filter(a, a.daily_score + decimal('0.001') > a.year_end_score - 1).size() > 100",
        "facts.assessments.filter(a, (a.daily_score >= decimal('90') ? 'excellent' : a.daily_score >= decimal('75.5') ? 'competent' : 'basic') == 'competent').size() > 10",
        "facts.work_funds.filter(w, w.year * 4611686018427387904 > 0 || w.year - 2023 == 0).size() > 0",
        "graded.size() > 0 && decimal(graded.filter(a, params.weight_daily * a.daily_score + params.weight_half_year * a.half_year_score + params.weight_year_end * a.year_end_score >= decimal('90')).size()) > decimal('0.1') * graded.size()"},
       {"facts.work_funds.filter(w, year_of(w.year) == period).size() > 5",
        "facts.trainings.exists(t, t.date in period)",
        "facts.payments.filter(p, p.month.start() >= period.start() && p.month.end() <= period.end() && p.transport_reimbursements > 2).size() > 10",
        "facts.assessments.filter(a, year_of(a.year) == period && a.daily_score <= decimal('100')).size() > 100",
        // Filtered relations whose first conjunct is an equality (a hash
        // join: a period, a string, an int), against the same count made
        // without one.
        "facts.assessments.filter(a, year_of(a.year) == period && a.daily_score > decimal('80')).filter(a, a.year_end_score > decimal('85')).size() == facts.assessments.filter(a, a.daily_score > decimal('80') && a.year_end_score > decimal('85') && year_of(a.year) == period).size()",
        "facts.members.filter(m, m.role == 'first_secretary' && m.end_date == null).filter(m, m.start_date < period.start()).size() > 3",
        "facts.work_funds.filter(w, w.year == 2023).exists(w, year_of(w.year) == period)"},
       {"facts.assessments.filter(a, year_of(a.year).start() <= as_of).map(a, year_of(a.year))",
        "facts.work_funds.map(w, year_of(w.year))",
        "facts.payments.filter(p, p.transport_reimbursements > 2).map(p, p.month)"}},
  };
}

class RuleGenerator {
 public:
  explicit RuleGenerator(uint32_t seed) : rng_(seed) {}

  std::string Expression(const Subject& s, bool with_period, int depth) {
    std::vector<std::string> atoms = s.atoms;
    if (with_period) atoms.insert(atoms.end(), s.period_atoms.begin(), s.period_atoms.end());
    if (depth == 0 || Pick(3) == 0) {
      std::string atom = atoms[Pick(atoms.size())];
      return atom;
    }
    switch (Pick(5)) {
      case 0:
      case 1: return "(" + Expression(s, with_period, depth - 1) + ") && (" +
                     Expression(s, with_period, depth - 1) + ")";
      case 2: return "(" + Expression(s, with_period, depth - 1) + ") || (" +
                     Expression(s, with_period, depth - 1) + ")";
      case 3: return "!(" + Expression(s, with_period, depth - 1) + ")";
      default:
        return "(" + Expression(s, with_period, depth - 1) + ") ? (" +
               Expression(s, with_period, depth - 1) + ") : (" +
               Expression(s, with_period, depth - 1) + ")";
    }
  }

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

 private:
  std::mt19937 rng_;
};

// A new pack folder `name` with the Qiannan schema, parameters and
// functions, including `file` (which the caller writes there).
std::string QiannanBasedPack(const std::string& name, const std::string& file) {
  const std::string dir = TempPath(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(kRoot + "/rules/qiannan/schema.yaml", dir + "/schema.yaml");
  std::ifstream in(kRoot + "/rules/qiannan/pack.yaml");
  std::string pack((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  pack = pack.substr(0, pack.find("\nincludes:"));
  pack += "\nincludes: [schema.yaml, " + file + "]\n";
  std::ofstream(dir + "/pack.yaml") << pack;
  return dir;
}

// Writes a pack with the Qiannan schema and functions and `count`
// generated rules, less those listed in `leave_out`; returns its folder.
std::string WriteGeneratedPack(size_t count, uint32_t seed,
                               const std::set<std::string>& leave_out = {}) {
  const std::string dir =
      QiannanBasedPack("zhucun_plan_pack_" + std::to_string(seed), "generated.yaml");
  std::ofstream rules(dir + "/generated.yaml");
  rules << "rules:\n";
  RuleGenerator gen(seed);
  const std::vector<Subject> subjects = Subjects();
  const char* kPeriods[] = {"year", "half", "quarter", "month"};
  for (size_t i = 0; i < count; ++i) {
    const Subject& s = subjects[gen.Pick(subjects.size())];
    const bool with_period = !s.period_atoms.empty() && gen.Pick(2) == 0;
    const bool listed = with_period && !s.periods.empty() && gen.Pick(2) == 0;
    const std::string id = "generated.r" + std::to_string(i);
    std::ostringstream rule;
    rule << "  - id: " << id << "\n"
          << "    severity: " << (gen.Pick(2) == 0 ? "error" : "warning") << "\n"
          << "    subject: " << s.table << "\n";
    if (listed) {
      rule << "    periods: \"" << s.periods[gen.Pick(s.periods.size())] << "\"\n";
    } else if (with_period) {
      rule << "    period: " << kPeriods[gen.Pick(4)] << "\n";
    }
    if (s.table == "members") {
      rule << "    let:\n      late: member.end_date != null && member.end_date > as_of - 30\n";
    }
    if (s.table == "prefecture") {
      rule << "    let:\n      graded: facts.assessments.filter(a, a.daily_score <= decimal('100'))\n";
    }
    // The message: the key, the period, and a generated expression (the
    // plan computes holes too; one that fails shows its error inline).
    const std::string key =
        s.var.empty() ? "" : " {" + s.var + "." + s.table.substr(0, s.table.size() - 1) + "_id}";
    rule << "    when: \"" << gen.Expression(s, with_period, 3) << "\"\n"
         << "    message: \"" << s.var << key << (with_period ? " in {period}" : "") << " {"
         << gen.Expression(s, with_period, 2) << "}" << (s.table == "members" ? " {late}" : "")
         << (s.table == "prefecture" ? " {graded.size()}" : "") << "\"\n";
    if (leave_out.count(id) == 0) rules << rule.str();
  }
  return dir;
}

// The rules that fail somewhere (an evaluation error fails the check, and
// then there are no findings to compare): each error names its rule.
std::set<std::string> FailingRules(const Outcome& outcome) {
  std::set<std::string> ids;
  const std::string& diags = outcome.lines[1];
  for (size_t at = diags.find("rule `generated.r"); at != std::string::npos;
       at = diags.find("rule `generated.r", at + 1)) {
    const size_t begin = at + 6;
    ids.insert(diags.substr(begin, diags.find('`', begin) - begin));
  }
  return ids;
}

// Rules on groups of rows (`subject: {table, group_by, as}`, as
// member.overlap): the group's rows are a relation of the plan. Grouped by
// a reference (`team_id`), a team without postings (or whose every posting
// a lenient read left out) is an empty group, which is no subject either
// way (`postings.all(...)` holds for it).
TEST(DifferentialTest, GroupSubjectsGiveTheSameReportWithAndWithoutPlans) {
  const std::string dir = QiannanBasedPack("zhucun_plan_groups", "groups.yaml");
  const char* kWhens[] = {
      "postings.exists(a, postings.exists(b, a.member_id != b.member_id && "
      "a.start_date <= end_or_never(b) && b.start_date <= end_or_never(a)))",
      "postings.size() > 1",
      "postings.all(p, p.start_date > date('2100-01-01'))",
      "postings.filter(p, is_core(p)).size() >= 2 && postings.exists(p, p.end_date == null)",
      "postings.exists(p, p.payments.exists(x, x.living_allowance < params.min_living_allowance))",
      "postings.all(p, p.role == 'resident_cadre') || postings.size() == 1",
      "postings.exists(p, p.end_date != null && p.end_date - p.start_date > 700)",
  };
  std::ofstream rules(dir + "/groups.yaml");
  rules << "rules:\n";
  for (const char* by : {"person_id", "team_id"}) {
    for (size_t i = 0; i < std::size(kWhens); ++i) {
      rules << "  - id: groups." << by << i << "\n"
            << "    severity: warning\n"
            << "    subject: {table: members, group_by: " << by << ", as: postings}\n"
            << "    when: \"" << kWhens[i] << "\"\n"
            << "    message: \"{postings.size()} postings\"\n";
    }
    rules << "  - id: groups." << by << "_yearly\n"
          << "    severity: warning\n"
          << "    subject: {table: members, group_by: " << by << ", as: postings}\n"
          << "    period: year\n"
          << "    when: \"postings.all(p, !active_throughout(p, period))\"\n"
          << "    message: \"{postings.size()} postings in {period}\"\n";
  }
  rules.close();
  SourceManager sources;
  auto policy = Policy::Load(dir, sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  const std::string bad = Generate("zhucun_plan_groups_bad", 0.05, 0.02);
  auto lenient = Read(policy.value(), bad, true, sources);
  ASSERT_NE(lenient, nullptr);
  ASSERT_FALSE(lenient->rejected().empty());
  // (Every rule evaluates without an error: else the checks fail, and
  // their errors are all there is to compare.)
  CheckOptions options;
  options.profile = true;
  Result<Report> once = policy.value().Check(lenient, options);
  ASSERT_TRUE(once.ok()) << once.diagnostics().Render(sources);
  for (const RuleProfile& r : once.value().profile->rules) {
    EXPECT_NE(r.path, "row evaluator") << r.rule;
  }
  uint64_t dropped = ExpectSameBothWays(policy.value(), lenient, sources, "generated, lenient");
  auto example = Read(policy.value(), kSpec + "example/data", false, sources);
  ASSERT_NE(example, nullptr);
  dropped += ExpectSameBothWays(policy.value(), example, sources, "example");
  // The example without the postings of team T00001 (and, read leniently,
  // without the rows that refer to them): T00001 is an empty group.
  const std::string empty = TempPath("zhucun_plan_groups_empty");
  std::filesystem::remove_all(empty);
  std::filesystem::copy(kSpec + "example/data", empty);
  {
    std::ifstream in(kSpec + "example/data/members.csv");
    std::ofstream out(empty + "/members.csv", std::ios::trunc);
    size_t left_out = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.find(",T00001,") != std::string::npos) {
        ++left_out;
        continue;
      }
      out << line << "\n";
    }
    ASSERT_GT(left_out, 0u);
  }
  auto without = Read(policy.value(), empty, true, sources);
  ASSERT_NE(without, nullptr);
  dropped += ExpectSameBothWays(policy.value(), without, sources, "a team without postings");
  EXPECT_GT(dropped, 1000u);
  std::filesystem::remove_all(bad);
  std::filesystem::remove_all(empty);
  std::filesystem::remove_all(dir);
}

// Policy::Check gives back the pages of its chunks' findings as it merges
// them into the report when they take 64 MiB or more (scale 150); here on
// every check, with chunks of thousands of findings (a month of every
// posting): the findings are the same, each with its own text.
TEST(DifferentialTest, FindingsAreTheSameWhenTheirChunksGiveTheirPagesBack) {
  const std::string dir = QiannanBasedPack("zhucun_plan_give_back", "many.yaml");
  std::ofstream(dir + "/many.yaml")
      << "rules:\n"
         "  - id: many.months\n"
         "    severity: warning\n"
         "    subject: members\n"
         "    period: month\n"
         "    when: active_throughout(member, period)\n"
         "    message: \"{member.name} ({member.role}) all of {period}\"\n"
         "  - id: many.members\n"
         "    severity: error\n"
         "    subject: members\n"
         "    when: member.start_date < as_of\n"
         "    message: \"{member.member_id} since {member.start_date}\"\n";
  SourceManager sources;
  auto policy = Policy::Load(dir, sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  const std::string data = Generate("zhucun_plan_give_back_data", 0, 0.05);
  auto facts = Read(policy.value(), data, false, sources);
  ASSERT_NE(facts, nullptr);
  const size_t kept = internal::findings_give_back_bytes;
  const Outcome held = Check(policy.value(), facts, sources, "2024-06-30", "", true);
  internal::findings_give_back_bytes = 0;
  const Outcome given = Check(policy.value(), facts, sources, "2024-06-30", "", true);
  const Outcome given_one = Check(policy.value(), facts, sources, "2024-06-30", "", true, 1);
  internal::findings_give_back_bytes = kept;
  ASSERT_EQ(held.lines[0], "ok") << held.lines[1];
  EXPECT_GT(held.lines.size(), 10000u);
  EXPECT_EQ(given.lines, held.lines);
  EXPECT_EQ(given_one.lines, held.lines);
  std::filesystem::remove_all(data);
  std::filesystem::remove_all(dir);
}

TEST(DifferentialTest, GeneratedRulesGiveTheSameReportWithAndWithoutPlans) {
  const size_t kRules = kSanitized ? 40 : 100;
  const std::string data = Generate("zhucun_plan_rules_data", 0, 0.02);
  uint64_t dropped = 0;
  size_t failing = 0;
  for (uint32_t seed : kSanitized ? std::vector<uint32_t>{1} : std::vector<uint32_t>{1, 2}) {
    // All the rules (some fail: their errors are compared), then the rules
    // that never fail on this data (their findings are compared).
    std::set<std::string> leave_out;
    for (int pass = 0; pass < 2; ++pass) {
      const std::string dir = WriteGeneratedPack(kRules, seed, leave_out);
      SourceManager sources;
      auto policy = Policy::Load(dir, sources);
      ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
      auto facts = Read(policy.value(), data, false, sources);
      ASSERT_NE(facts, nullptr);
      const std::string what = "seed " + std::to_string(seed) + " pass " + std::to_string(pass);
      dropped += ExpectSameBothWays(policy.value(), facts, sources, what);
      auto example = Read(policy.value(), kSpec + "example-attendance/data", false, sources);
      ASSERT_NE(example, nullptr);
      dropped += ExpectSameBothWays(policy.value(), example, sources, what + ", example");
      if (pass == 0) {
        for (const std::string& d : {data, kSpec + "example-attendance/data"}) {
          for (const auto& [as_of, from] : Dates()) {
            auto f = Read(policy.value(), d, false, sources);
            ASSERT_NE(f, nullptr);
            const std::set<std::string> ids =
                FailingRules(Check(policy.value(), f, sources, as_of, from, false));
            leave_out.insert(ids.begin(), ids.end());
          }
        }
        failing += leave_out.size();
        ASSERT_LT(leave_out.size(), kRules * 7 / 10) << "too few rules left to compare findings";
      }
      std::filesystem::remove_all(dir);
    }
  }
  EXPECT_GT(failing, 0u) << "no generated rule reaches an error";
  EXPECT_GT(dropped, 10000u);
  std::cout << "generated rules: " << failing << " fail somewhere; the plans dropped "
            << dropped << " pairs\n";
  std::filesystem::remove_all(data);
}

// Generated derived tables: columns and lets computed by the plan where it
// can, by the row evaluator elsewhere. `errors` adds columns and lets that
// fail on some rows (a null end date in arithmetic, a missing map key).
// With `first` >= 0, column c0 is values[first] (every value in turn).
std::string WriteDerivedPack(uint32_t seed, bool errors, bool sorted = true, int first = -1) {
  const std::string dir = QiannanBasedPack(
      "zhucun_plan_derived_" + std::to_string(seed) + (errors ? "_errors" : "") +
          (sorted ? "" : "_unsorted"),
      "derived.yaml");
  std::vector<std::string> values = {
      "member.start_date + 30", "member.end_date", "member.payments.size()",
      "sum(member.payments.map(p, p.living_allowance))",
      "sum(member.payments.map(p, p.transport_reimbursements))",
      "round(decimal('1.005') * member.payments.size(), 2)",
      "round(params.weight_daily * 3 + params.weight_half_year, 1)",
      "member.team.village.category", "member.absences.filter(a, a.kind == 'leave').size()",
      "max([member.start_date, from])", "min([member.start_date, as_of])",
      "covered_days(period('2023'), [span(member)])", "year_of(2023)",
      "member.role == 'first_secretary' ? member.name : member.person_id",
      "is_core(member) && active(member, as_of)", "member.end_date == null",
      "member.team.unit.sector == params.sector_for_category[member.team.village.category] || true",
      "member.payments.exists(p, p.living_allowance < decimal('1100'))", "late", "ended_early(member)",
      "member.role == 'first_secretary' ? decimal('1.5') : decimal('2.25')",
      "member.role == 'other' ? 'other' : member.role"};
  if (errors) {
    values.insert(values.end(),
                  {"member.end_date - member.start_date", "member.end_date > as_of",
                   "params.sector_for_category[member.team.village.category]",
                   "min(member.payments.map(p, p.month.start()))",
                   "9223372036854775807 + member.absences.size()"});
  }
  RuleGenerator gen(seed);
  std::ofstream out(dir + "/derived.yaml");
  out << "derived:\n  - name: generated_values\n    from: members\n    as: member\n"
      << "    let:\n      late: member.end_date != null && member.end_date > as_of - 30\n";
  if (errors) out << "      length: member.end_date - member.start_date\n";
  out << "    columns:\n      member_id: member.member_id\n";
  for (int c = 0; c < 8; ++c) {
    const size_t pick = gen.Pick(values.size());
    out << "      c" << c << ": \""
        << values[c == 0 && first >= 0 ? static_cast<size_t>(first) % values.size() : pick]
        << "\"\n";
  }
  if (sorted) out << "    sort_by: [c0, member_id]\n";
  return dir;
}

// A derived table over more rows than the plan computes at a time (4096):
// rows computed by the plan and by the row evaluator (where `string()`,
// which the plan does not express, is needed) on both sides of a block's
// end, typed columns read from the row, its parent and the parameters.
TEST(DifferentialTest, DerivedTableLongerThanABlockGivesTheSameRows) {
  const std::string data = Generate("zhucun_plan_derived_long_data", 0, 0.02);
  const std::string dir = QiannanBasedPack("zhucun_plan_derived_long", "derived.yaml");
  std::ofstream(dir + "/derived.yaml")
      << "derived:\n  - name: long_values\n    from: payments\n    as: payment\n"
      << "    columns:\n"
      << "      member_id: payment.member_id\n"
      << "      month: payment.month\n"
      << "      doubled: payment.living_allowance * 2\n"
      << "      short: payment.living_allowance < params.min_living_allowance\n"
      << "      role: payment.member.role\n"
      << "      note: \"payment.transport_reimbursements > 1 && string(payment.month) != ''\"\n"
      << "    sort_by: [member_id, month]\n";
  SourceManager sources;
  auto policy = Policy::Load(dir, sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = Read(policy.value(), data, false, sources);
  ASSERT_NE(facts, nullptr);
  const size_t rows = facts->table("payments")->num_rows();
  ASSERT_GT(rows, 4096u) << "the data no longer crosses a block";
  const uint64_t planned = ExpectSameBothWays(policy.value(), facts, sources, "long derived");
  EXPECT_GT(planned, 0u);
  EXPECT_LT(planned, rows * Dates().size()) << "every row planned: no row evaluator row";
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(data);
}

TEST(DifferentialTest, GeneratedDerivedTablesGiveTheSameRowsWithAndWithoutPlans) {
  const std::string data = Generate("zhucun_plan_derived_data", 0, 0.02);
  uint64_t planned_rows = 0;
  for (bool errors : {false, true}) {
    for (uint32_t seed = 1; seed <= (kSanitized ? 2u : 6u); ++seed) {
      const std::string dir = WriteDerivedPack(seed, errors);
      SourceManager sources;
      auto policy = Policy::Load(dir, sources);
      ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
      auto facts = Read(policy.value(), data, false, sources);
      ASSERT_NE(facts, nullptr);
      planned_rows += ExpectSameBothWays(
          policy.value(), facts, sources,
          "derived, seed " + std::to_string(seed) + (errors ? ", errors" : ""));
      const Outcome outcome = Check(policy.value(), facts, sources, "2024-06-30", "", true);
      // Without errors there are rows to compare; with them, errors.
      EXPECT_EQ(outcome.lines[0], errors ? "failed" : "ok") << outcome.lines[1];
      std::filesystem::remove_all(dir);
    }
  }
  EXPECT_GT(planned_rows, kSanitized ? 100u : 1000u) << "the plans computed (almost) no derived row";
  std::filesystem::remove_all(data);
}

// A derived table evaluated in parts on several threads (DerivedTask) is
// the table of one part: the same rows, and the same storage — each
// column's type, scale, validity mask, dictionary and codes — the same
// errors in the same order, and the same profile counts, for parts of 1,
// 3 and 100 rows (the generated packs' columns are typed, of Values, null
// at first, of the facts' dictionary or their own, planned or not).
TEST(DerivedTablesTest, PartsOnThreadsGiveTheTableOfOnePart) {
  const std::string data = Generate("zhucun_plan_derived_parts_data", 0, 0.02);
  struct Table {
    std::string diagnostics;
    std::vector<DerivedTable> derived;
    std::vector<std::string> counts;
  };
  size_t tables = 0;
  for (bool errors : {false, true}) {
    for (uint32_t seed = 1; seed <= (kSanitized ? 3u : 8u); ++seed) {
      const std::string dir = WriteDerivedPack(seed, errors, seed % 2 == 0);
      SourceManager sources;
      auto policy = Policy::Load(dir, sources);
      ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
      auto facts = Read(policy.value(), data, false, sources);
      ASSERT_NE(facts, nullptr);
      for (bool plan : {true, false}) {
        const auto check = [&](size_t part_rows, unsigned threads) {
          const size_t kept = internal::derived_part_rows;
          internal::derived_part_rows = part_rows;
          CheckOptions options;
          options.as_of = *Date::Parse("2024-06-30");
          options.plan = plan;
          options.profile = true;
          options.threads = threads;
          Result<Report> r = policy.value().Check(facts, options);
          internal::derived_part_rows = kept;
          Table t;
          t.diagnostics = r.diagnostics().Render(sources);
          if (!r.ok()) return t;
          t.derived = std::move(r.value().derived);
          for (const RuleProfile& e : r.value().profile->rules) {
            t.counts.push_back(e.rule + " " + std::to_string(e.evaluated) + " " +
                               std::to_string(e.lets_computed) + " " + std::to_string(e.findings));
          }
          return t;
        };
        const Table whole = check(0, 1);
        for (size_t part_rows : {size_t{1}, size_t{3}, size_t{100}}) {
          const std::string what = "seed " + std::to_string(seed) + (errors ? ", errors" : "") +
                                   (plan ? ", plan" : "") + ", parts of " + std::to_string(part_rows);
          const Table parts = check(part_rows, 3);
          EXPECT_EQ(parts.diagnostics, whole.diagnostics) << what;
          EXPECT_EQ(parts.counts, whole.counts) << what;
          ASSERT_EQ(parts.derived.size(), whole.derived.size()) << what;
          for (size_t d = 0; d < whole.derived.size(); ++d) {
            const DerivedTable& a = parts.derived[d];
            const DerivedTable& b = whole.derived[d];
            ASSERT_EQ(a.num_rows(), b.num_rows()) << what;
            ++tables;
            for (size_t c = 0; c < b.cells.size(); ++c) {
              const Column& x = a.cells[c];
              const Column& y = b.cells[c];
              const std::string col = what + ", column " + b.columns[c];
              ASSERT_EQ(x.type(), y.type()) << col;
              EXPECT_EQ(x.scale(), y.scale()) << col;
              EXPECT_EQ(x.valid(), y.valid()) << col;
              if (y.type() == ColumnType::kString) {
                EXPECT_EQ(x.dictionary(), y.dictionary()) << col;
                EXPECT_EQ(x.int32s(), y.int32s()) << col;
              }
              for (size_t r = 0; r < b.num_rows(); ++r) {
                ASSERT_EQ(a.Text(r, c), b.Text(r, c)) << col << ", row " << r;
                if (y.type() == ColumnType::kValue) {
                  ASSERT_EQ(x.Get(r).kind(), y.Get(r).kind()) << col << ", row " << r;
                }
              }
            }
          }
        }
      }
      std::filesystem::remove_all(dir);
    }
  }
  EXPECT_GT(tables, 0u);
  std::filesystem::remove_all(data);
}

// The derived table's typed cells (DerivedTable::cells) and its order,
// against their definitions: a column is typed where its values that are
// not null have one kind (decimals one scale) among bool, int, double,
// decimal, date and string, and holds Values otherwise; `sort_by` is a
// stable sort of the table's rows by CEL's ordering of the sort columns,
// where values CEL cannot order (a null, periods) are equal.
TEST(DerivedTablesTest, CellsAreTypedAndSortedAsDefined) {
  const std::string data = Generate("zhucun_plan_derived_sort_data", 0, 0.02);
  size_t typed = 0, boxed = 0;
  // c0: each of the 22 values in turn (under a sanitizer, every fourth).
  for (uint32_t seed = 1; seed <= 22; seed += kSanitized ? 4 : 1) {
    for (bool plan : {true, false}) {
      const auto report = [&](bool sorted) {
        const std::string dir = WriteDerivedPack(seed, false, sorted, static_cast<int>(seed) - 1);
        SourceManager sources;
        auto policy = Policy::Load(dir, sources);
        EXPECT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
        auto facts = Read(policy.value(), data, false, sources);
        CheckOptions options;
        options.as_of = *Date::Parse("2024-06-30");
        options.plan = plan;
        auto r = policy.value().Check(facts, options);
        EXPECT_TRUE(r.ok()) << r.diagnostics().Render(sources);
        std::filesystem::remove_all(dir);
        return std::move(r).value().derived.at(0);
      };
      const DerivedTable unsorted = report(false), sorted = report(true);
      const std::string what = "seed " + std::to_string(seed) + (plan ? ", plan" : "");
      ASSERT_EQ(unsorted.num_rows(), sorted.num_rows()) << what;
      ASSERT_GT(unsorted.num_rows(), 10u) << what;
      for (size_t c = 0; c < unsorted.cells.size(); ++c) {
        std::set<std::pair<ValueKind, int>> kinds;
        for (size_t r = 0; r < unsorted.num_rows(); ++r) {
          const Value v = unsorted.cells[c].Get(r);
          if (v.is_null()) continue;
          kinds.emplace(v.kind(), v.kind() == ValueKind::kDecimal ? v.decimal_value().scale() : 0);
        }
        const std::set<ValueKind> typed_kinds = {ValueKind::kBool, ValueKind::kInt,
                                                 ValueKind::kDouble, ValueKind::kDecimal,
                                                 ValueKind::kDate, ValueKind::kString};
        const bool one_kind = kinds.size() == 1 && typed_kinds.count(kinds.begin()->first) != 0;
        EXPECT_EQ(unsorted.cells[c].type() != ColumnType::kValue, one_kind)
            << what << ", column " << unsorted.columns[c];
        ++(one_kind ? typed : boxed);
      }
      // The reference order: a stable sort by c0, then member_id.
      std::vector<size_t> order(unsorted.num_rows());
      for (size_t r = 0; r < order.size(); ++r) order[r] = r;
      std::vector<size_t> keys;
      for (const std::string name : {"c0", "member_id"}) {
        keys.push_back(static_cast<size_t>(
            std::find(unsorted.columns.begin(), unsorted.columns.end(), name) -
            unsorted.columns.begin()));
      }
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        for (size_t k : keys) {
          Value error;
          const int cmp = internal::CelCompare(unsorted.cells[k].Get(a), unsorted.cells[k].Get(b),
                                               &error);
          if (cmp != 0 && cmp != 2) return cmp < 0;
        }
        return false;
      });
      for (size_t r = 0; r < order.size(); ++r) {
        ASSERT_EQ(sorted.Row(r), unsorted.Row(order[r])) << what << ", row " << r;
      }
    }
  }
  EXPECT_GT(typed, 0u);
  EXPECT_GT(boxed, 0u);
  std::filesystem::remove_all(data);
}

}  // namespace
}  // namespace zhucun
