// What the HTML report shows, computed from the report
// (html_report_internal.h): the findings by rule and by the pack's summary
// group, the leader-visit compliance and the scores and grades per year.

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "html_report_internal.h"

namespace zhucun::cli::html_report {
namespace {

std::vector<RuleRow> CountByRule(const PackInfo& info, const Report& report,
                                 const std::string& lang) {
  std::vector<RuleRow> rows;
  std::map<std::string, size_t> index;
  for (const PackInfo::Rule& r : info.rules) {
    index[r.id] = rows.size();
    rows.push_back({r.id, RuleTitle(r, lang), r.severity});
  }
  const auto row = [&](const Finding& f) -> RuleRow& {
    auto [it, added] = index.try_emplace(f.rule, rows.size());
    if (added) rows.push_back({f.rule, "", f.severity});  // input.invalid, exceptions.*
    return rows[it->second];
  };
  for (const Finding& f : report.findings) {
    ++(f.severity == "error" ? row(f).errors : row(f).warnings);
  }
  for (const Exemption& x : report.exempted) ++row(x.finding).exempted;
  return rows;
}

bool IsNotJudged(const Diagnostics& d) {
  for (const Diagnostic& item : d.items()) {
    if (item.code == "engine.unknown_period" || item.code == "engine.not_effective") return true;
  }
  return false;
}

// The table of a visit_quota rule's subjects and the kind of its periods:
// from its findings, else by asking Explain about the first row of each
// table and the last period of each kind (an unknown subject or period is
// an error; the right ones are not).
std::optional<std::pair<std::string, PeriodKind>> VisitShape(
    const Policy& policy, const std::shared_ptr<const FactSet>& facts, const CheckOptions& check,
    const Report& report, const std::string& rule, Date from) {
  for (const Finding& f : report.findings) {
    const auto p = Period::Parse(f.period);
    if (f.rule == rule && p && f.subject.find(':') != std::string::npos) {
      return std::make_pair(f.subject.substr(0, f.subject.find(':')), p->kind());
    }
  }
  for (const FactTable& t : facts->tables()) {
    const Column* key = t.schema().key.empty() ? nullptr : t.column(t.schema().key);
    if (key == nullptr || t.num_rows() == 0) continue;
    const std::string subject = t.name() + ":" + key->Get(0).string_value();
    for (PeriodKind kind : {PeriodKind::kQuarter, PeriodKind::kHalf, PeriodKind::kYear,
                            PeriodKind::kMonth}) {
      const std::vector<Period> periods = Period::Enumerate(kind, from, check.as_of);
      if (periods.empty()) continue;
      Result<Explanation> e = policy.Explain(facts, check, rule, subject, periods.back().label());
      if (e.ok() || !IsNotJudged(e.diagnostics())) {
        if (e.ok()) return std::make_pair(t.name(), kind);
        break;  // an unknown subject: another table
      }
    }
  }
  return std::nullopt;
}

// Whether a condition has the same value in every period: it names no
// `period`, no parameter (a parameter's value may change from one period to
// the next) and calls nothing (a function or macro might read either).
// Explaining a subject's other periods is then needless when it is false:
// that saves most of the work (a visit rule is due for one rank of leader).
bool SamePeriodAfterPeriod(const std::string& condition) {
  return condition.find('(') == std::string::npos &&
         condition.find("period") == std::string::npos &&
         condition.find("params") == std::string::npos;
}

// Compliance of one visit_quota rule, period by period: each subject and
// period explained. A finding fires (missed, or exempted); when it does not,
// the last condition is the kind's `visits < quota` (docs/rules.md,
// `visit_quota`), so a subject is due and met the quota when that one alone
// is false, and is not due when an earlier one is.
bool CountVisits(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
                 const CheckOptions& check, const HtmlReportOptions& options, Date from,
                 const std::string& table, VisitRule* rule, std::string* error) {
  const FactTable* t = facts->table(table);
  const Column* key =
      t == nullptr || t->schema().key.empty() ? nullptr : t->column(t->schema().key);
  if (key == nullptr) return true;
  const std::vector<Period> periods = Period::Enumerate(rule->kind, from, check.as_of);
  const size_t n = t->num_rows() * periods.size();
  // 0 not judged or not due, 1 met, 2 missed, 3 exempted; 4 failed.
  std::vector<uint8_t> outcome(n, 0);
  std::vector<std::string> failures(n);
  ParallelFor(t->num_rows(), options.threads, [&](size_t row) {
    const std::string subject = table + ":" + key->Get(row).string_value();
    for (size_t k = 0; k < periods.size(); ++k) {
      const size_t i = row * periods.size() + k;
      Result<Explanation> e = policy.Explain(facts, check, rule->id, subject, periods[k].label());
      if (!e.ok()) {
        if (!IsNotJudged(e.diagnostics())) {
          outcome[i] = 4;
          failures[i] = FirstError(e.diagnostics(), check.lang);
        }
        continue;
      }
      const Explanation& x = e.value();
      if (x.fired) {
        outcome[i] = x.exempted_by.empty() ? 2 : 3;
      } else if (x.first_false && *x.first_false + 1 == x.conditions.size()) {
        outcome[i] = 1;
      } else if (x.first_false && SamePeriodAfterPeriod(x.conditions[*x.first_false].name)) {
        break;  // e.g. `leader.rank == 'deputy'`: not due in any period
      }
    }
  });
  rule->periods.clear();
  for (const Period& p : periods) rule->periods.push_back({p.label()});
  for (size_t i = 0; i < n; ++i) {
    VisitPeriod& p = rule->periods[i % periods.size()];
    switch (outcome[i]) {
      case 1: ++p.due, ++p.met; break;
      case 2: ++p.due, ++p.missed; break;
      case 3: ++p.due, ++p.exempted; break;
      case 4: *error = failures[i]; return false;
      default: break;
    }
  }
  // Periods nobody was due in say nothing.
  std::erase_if(rule->periods, [](const VisitPeriod& p) { return p.due == 0; });
  return true;
}

bool CountAllVisits(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
                    const CheckOptions& check, const Report& report,
                    const HtmlReportOptions& options, const PackInfo& info, Page* page,
                    std::string* error) {
  const std::optional<Date> from = WindowStart(info, check);
  if (!from) return true;
  for (const PackInfo::Rule& r : info.rules) {
    if (r.kind != "visit_quota") continue;
    const auto shape = VisitShape(policy, facts, check, report, r.id, *from);
    if (!shape) continue;
    VisitRule rule{r.id, RuleTitle(r, options.lang), shape->second, {}};
    if (!CountVisits(policy, facts, check, options, *from, shape->first, &rule, error)) {
      return false;
    }
    if (!rule.periods.empty()) page->visits.push_back(std::move(rule));
  }
  return true;
}

// The grades in the order of their scores, highest first. Most grades are
// bands of scores (excellent: 90-100) whose ranges at most touch (a
// composite rounded up to 90.00 may be competent); one that is not
// (`invalid`, given for a part out of range whatever the composite) is the
// one overlapping the most others (of two, the rarer), and comes last.
std::vector<std::string> GradeOrder(std::map<std::string, std::vector<double>> by_grade) {
  struct Grade {
    std::string name;
    double median = 0, lowest = 0, highest = 0;
    size_t rows = 0;
  };
  std::vector<Grade> bands, others;
  for (auto& [name, v] : by_grade) {
    std::sort(v.begin(), v.end());
    bands.push_back({name, v[v.size() / 2], v.front(), v.back(), v.size()});
  }
  const auto overlaps = [&bands](const Grade& g) {
    size_t n = 0;
    for (const Grade& h : bands) n += std::max(g.lowest, h.lowest) < std::min(g.highest, h.highest);
    return n - 1;  // not itself
  };
  while (!bands.empty()) {
    auto worst = std::max_element(bands.begin(), bands.end(), [&](const Grade& a, const Grade& b) {
      const size_t x = overlaps(a), y = overlaps(b);
      return x != y ? x < y : a.rows > b.rows;
    });
    if (overlaps(*worst) == 0) break;
    others.push_back(*worst);
    bands.erase(worst);
  }
  const auto by_median = [](const Grade& a, const Grade& b) { return a.median > b.median; };
  std::sort(bands.begin(), bands.end(), by_median);
  std::sort(others.begin(), others.end(), by_median);
  std::vector<std::string> names;
  for (const auto* list : {&bands, &others}) {
    for (const Grade& g : *list) names.push_back(g.name);
  }
  return names;
}

// The first derived table with a `year` column and a decimal one: the score
// is its first decimal column, the grade the first text column after it.
std::optional<Scores> CountScores(const Report& report) {
  for (const DerivedTable& d : report.derived) {
    const auto column = [&](const std::string& name) {
      return static_cast<size_t>(std::find(d.columns.begin(), d.columns.end(), name) -
                                 d.columns.begin());
    };
    const size_t year = column("year");
    const size_t score = static_cast<size_t>(
        std::find(d.types.begin(), d.types.end(), "decimal") - d.types.begin());
    if (year >= d.columns.size() || score >= d.types.size()) continue;
    const size_t grade = static_cast<size_t>(
        std::find(d.types.begin() + static_cast<long>(score), d.types.end(), "string") -
        d.types.begin());
    Scores s{d.name, d.columns[score], grade < d.columns.size() ? d.columns[grade] : "", {}, {}};
    std::map<std::string, ScoreYear> years;
    std::map<std::string, std::vector<double>> by_grade;
    for (size_t r = 0; r < d.num_rows(); ++r) {
      ScoreYear& y = years[d.Text(r, year)];
      y.year = d.Text(r, year);
      ++y.rows;
      const std::string text = d.Text(r, score);
      const double v = text.empty() ? -1 : std::strtod(text.c_str(), nullptr);
      if (text.empty() || v < 0 || v > 100) {
        ++y.outside;
      } else {
        ++y.bins[std::min<size_t>(19, static_cast<size_t>(v / 5))];
      }
      if (grade < d.columns.size()) {
        ++y.grades[d.Text(r, grade)];
        by_grade[d.Text(r, grade)].push_back(text.empty() ? 0 : v);
      }
    }
    for (auto& [name, y] : years) s.years.push_back(std::move(y));
    s.grade_order = GradeOrder(by_grade);
    return s;
  }
  return std::nullopt;
}

}  // namespace

bool CountPage(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
               const CheckOptions& check, const Report& report, const HtmlReportOptions& options,
               Page* page, std::string* error) {
  const PackInfo info = policy.info();
  page->rules = CountByRule(info, report, options.lang);
  std::set<std::string> subjects;
  for (const Finding& f : report.findings) {
    page->errors += f.severity == "error" ? 1 : 0;
    subjects.insert(f.subject);
  }
  page->subjects = subjects.size();
  page->finding_group.assign(report.findings.size(), "");
  if (!policy.summary_by().empty()) {
    Result<std::vector<std::string>> groups = policy.SummaryGroups(facts, check, report.findings);
    if (!groups.ok()) {
      *error = FirstError(groups.diagnostics(), check.lang);
      return false;
    }
    page->finding_group = std::move(groups).value();
    page->groups = CountByGroup(report.findings, page->finding_group);
  }
  if (!CountAllVisits(policy, facts, check, report, options, info, page, error)) return false;
  page->scores = CountScores(report);
  return true;
}

// The start of the evaluation window: --from, else the pack's window_start.
std::optional<Date> WindowStart(const PackInfo& info, const CheckOptions& check) {
  if (check.from) return check.from;
  for (const PackInfo::Parameter& p : info.parameters) {
    if (p.name == "window_start") return Date::Parse(p.value);
  }
  return std::nullopt;
}

// Runs fn(0) ... fn(n - 1) on `threads` threads (0: one per core).
void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t)>& fn) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(n / 64, 1)));
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

// The first error's message of a failed result, in `lang`.
std::string FirstError(const Diagnostics& d, const std::string& lang) {
  for (const Diagnostic& item : d.items()) {
    if (item.severity == Severity::kError) return TranslateDiagnostic(item, lang).message;
  }
  return "unknown error";
}

}  // namespace zhucun::cli::html_report
