// `zhucun check --report FILE`: the HTML report (html_report.h,
// docs/report.md).
//
// The page is written in one pass from what the check found: the counts are
// computed here, the charts are inline SVG drawn here, and the explanations
// are rendered here, so that the page needs nothing but itself (no script
// library, no font, no network). A short script makes the tables sortable
// and the findings filterable; without it the page still reads.

#include "html_report.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace zhucun::cli {
namespace {

// ---------------------------------------------------------------------------
// The page's words: every word the page shows comes from this one table, in
// English and in Chinese. A `{name}` hole is filled by Fill.

struct Word {
  const char* en;
  const char* zh;
};

struct Words {
  Word report{"Check report", "检查报告"};
  Word pack{"Pack", "政策包"};
  Word data{"Data", "数据"};
  Word as_of{"As of", "检查日期"};
  Word window{"Window", "检查区间"};
  Word self_contained{"Written by zhucun; this page needs no network.",
                      "由 zhucun 生成；本页无需联网。"};
  Word colon{": ", "："};
  Word contents{"Contents", "目录"};
  Word totals{"Totals", "总计"};
  Word findings{"Findings", "发现"};
  Word errors{"Errors", "错误"};
  Word warnings{"Warnings", "警告"};
  Word exempted{"Exempted", "被豁免"};
  Word exception_records{"Exception records", "例外记录"};
  Word subjects{"Subjects with findings", "有发现的对象"};
  Word rules_fired{"Rules with findings", "有发现的规则"};
  Word totals_check{"Findings counted by this page's script:",
                    "本页脚本统计的发现数："};
  Word by_group{"Findings by {by}", "按{by}统计发现"};
  Word no_group{"(no {by})", "（无{by}）"};
  Word all_groups{"Every {by}", "全部{by}"};
  Word by_rule{"Findings by rule", "按规则统计发现"};
  Word sort_hint{"Click a column heading to sort.", "点击列标题排序。"};
  Word rule{"Rule", "规则"};
  Word title{"Title", "标题"};
  Word severity{"Severity", "严重程度"};
  Word count{"Findings", "发现数"};
  Word total{"Total", "合计"};
  Word error{"error", "错误"};
  Word warning{"warning", "警告"};
  Word visits{"Leader visits: compliance by quarter", "领导到村调研：按季度达标情况"};
  Word visits_how{
      "A leader is due in a period when the rule judges that period and every "
      "condition of its when other than the visit count holds (each leader and "
      "period as the engine explains it); compliance is the share of due "
      "leader-periods that met the quota, and those that missed it are the "
      "rule's findings.",
      "某领导在某期间“应调研”，指规则评判该期间，且除调研次数外其 when "
      "的各项条件均成立（按引擎对每位领导、每个期间的解释）；达标率为应调研的"
      "领导期间中达到次数要求的比例，未达标者即该规则的发现。"};
  Word per_period{"{rule}: {title}, per {period}", "{rule}：{title}（每{period}）"};
  Word quarter{"quarter", "季度"};
  Word half{"half-year", "半年"};
  Word year_period{"year", "年"};
  Word month{"month", "月"};
  Word period{"Period", "期间"};
  Word due{"Due", "应调研"};
  Word met{"Met", "达标"};
  Word missed{"Missed", "未达标"};
  Word compliance{"Compliance", "达标率"};
  Word scores{"Composite scores and grades per year", "综合得分与等次（按年度）"};
  Word scores_how{
      "From the derived table {table}: the histograms count the {score} of each "
      "year in bins of 5 points (a bin holds its lower bound; the last also "
      "holds 100), and the bars split each year's rows by {grade}.",
      "数据来自派生表 {table}：直方图按每5分一档统计各年度的 {score}（每档含下限，"
      "最后一档含100分），条形图按 {grade} 划分各年度的记录。"};
  Word score_outside{"{n} outside 0–100", "{n} 条超出0–100"};
  Word grades{"Grades", "等次"};
  Word year{"Year", "年度"};
  Word rows{"Rows", "条数"};
  Word year_rows{"{year}: {n} rows", "{year}年：{n}条"};
  Word all_findings{"All findings", "全部发现"};
  Word click_hint{"Click a finding to see why the rule fired.",
                  "点击一条发现，查看规则为何触发。"};
  Word explained_note{
      "The explanations of the first {n} findings of each rule are in this page "
      "({k} of {total}); each other finding shows the command that explains it.",
      "本页包含每条规则前 {n} 条发现的解释（共 {k} / {total} 条）；其余发现显示"
      "可解释它的命令。"};
  Word all_rules{"Every rule", "全部规则"};
  Word search{"Search subjects and messages", "搜索对象和内容"};
  // Around the number of findings the filters leave: "138 shown", "显示 138 条".
  Word shown_before{"", "显示 "};
  Word shown_after{" shown", " 条"};
  Word subject{"Subject", "对象"};
  Word message{"Message", "内容"};
  Word not_explained{"Not explained in this page; this command explains it:",
                     "本页未包含此条的解释；可用以下命令查看："};
  Word explain_failed{"Could not explain this finding:", "无法解释此条发现："};
  Word source{"Source", "政策条款"};
  Word periods{"Periods", "期间"};
  Word values{"Values", "取值"};
  Word conditions{"Conditions", "条件"};
  Word is_true{"true", "成立"};
  Word is_false{"false", "不成立"};
  Word first_false{"the first false", "首个不成立"};
  Word exempted_findings{"Exempted findings", "被豁免的发现"};
  Word exception{"Exception", "例外"};
  Word no_findings{"No findings.", "没有发现。"};
};

constexpr Words kWords;

// The page's text in one language.
class Say {
 public:
  explicit Say(const std::string& lang) : zh_(lang == "zh") {}
  bool zh() const { return zh_; }
  const char* operator()(const Word& w) const { return zh_ ? w.zh : w.en; }
  // The word with its `{name}` holes filled.
  std::string operator()(const Word& w,
                         const std::vector<std::pair<std::string, std::string>>& holes) const {
    std::string s = (*this)(w);
    for (const auto& [name, value] : holes) {
      const std::string hole = "{" + name + "}";
      for (size_t at = s.find(hole); at != std::string::npos;
           at = s.find(hole, at + value.size())) {
        s.replace(at, hole.size(), value);
      }
    }
    return s;
  }
  const char* Severity(const std::string& severity) const {
    return severity == "error" ? (*this)(kWords.error) : (*this)(kWords.warning);
  }

 private:
  bool zh_;
};

// ---------------------------------------------------------------------------
// Text into HTML.

// Text as HTML character data or a quoted attribute value. `://` is written
// `&#58;//`, so that a URL in the data reads the same but the page holds
// no URL (it is checked for none).
std::string Html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    switch (s[i]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case ':': out += s.substr(i, 3) == "://" ? "&#58;" : ":"; break;
      default: out += s[i];
    }
  }
  return out;
}

std::string Num(size_t n) { return std::to_string(n); }

// A share as a percentage with one decimal: "97.3%".
std::string Percent(size_t part, size_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
  return buf;
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

// The first error's message of a failed result.
std::string FirstError(const Diagnostics& d) {
  for (const Diagnostic& item : d.items()) {
    if (item.severity == Severity::kError) return item.message;
  }
  return "unknown error";
}

// ---------------------------------------------------------------------------
// What the page shows, computed from the report.

struct RuleRow {
  std::string id, title, severity;
  size_t errors = 0, warnings = 0, exempted = 0;
};

struct GroupRow {
  std::string name;  // empty: findings without a group
  size_t errors = 0, warnings = 0;
};

// One period of a visit_quota rule.
struct VisitPeriod {
  std::string label;
  size_t due = 0, met = 0, missed = 0, exempted = 0;
};

struct VisitRule {
  std::string id, title;
  PeriodKind kind = PeriodKind::kQuarter;
  std::vector<VisitPeriod> periods;
};

// Scores and grades of one year of the derived table.
struct ScoreYear {
  std::string year;
  std::vector<size_t> bins = std::vector<size_t>(20, 0);  // [0,5) ... [95,100]
  size_t outside = 0;
  std::map<std::string, size_t> grades;
  size_t rows = 0;
};

struct Scores {
  std::string table, score, grade;
  std::vector<ScoreYear> years;
  std::vector<std::string> grade_order;  // highest scores first
};

// Everything the page shows beyond the report itself.
struct Page {
  std::vector<RuleRow> rules;              // pack order, then unknown ids
  std::vector<GroupRow> groups;            // most findings first
  std::vector<std::string> finding_group;  // parallel to report.findings
  std::vector<VisitRule> visits;
  std::optional<Scores> scores;
  // Per finding: its explanation as HTML, or empty when not explained.
  std::vector<std::string> explained;
  size_t explained_count = 0;
  size_t errors = 0, subjects = 0;
};

// A rule's title in `lang`, when the pack gives one (`title: {zh: ...}`).
std::string TitleIn(const PackInfo::Rule& rule, const std::string& lang) {
  for (const auto& [l, title] : rule.titles) {
    if (l == lang) return title;
  }
  return rule.title;
}

std::vector<RuleRow> CountByRule(const PackInfo& info, const Report& report,
                                 const std::string& lang) {
  std::vector<RuleRow> rows;
  std::map<std::string, size_t> index;
  for (const PackInfo::Rule& r : info.rules) {
    index[r.id] = rows.size();
    rows.push_back({r.id, TitleIn(r, lang), r.severity});
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

// By the pack's summary group, as `zhucun check` prints it: most findings
// first, then by name; the findings without a group last.
std::vector<GroupRow> CountByGroup(const Report& report, const std::vector<std::string>& groups) {
  std::map<std::string, GroupRow> by;
  for (size_t i = 0; i < report.findings.size(); ++i) {
    GroupRow& g = by[groups[i]];
    g.name = groups[i];
    ++(report.findings[i].severity == "error" ? g.errors : g.warnings);
  }
  std::vector<GroupRow> rows;
  for (auto& [name, row] : by) rows.push_back(row);
  std::stable_sort(rows.begin(), rows.end(), [](const GroupRow& a, const GroupRow& b) {
    if (a.name.empty() != b.name.empty()) return b.name.empty();
    return a.errors + a.warnings > b.errors + b.warnings;
  });
  return rows;
}

// The start of the evaluation window: --from, else the pack's window_start.
std::optional<Date> WindowStart(const PackInfo& info, const CheckOptions& check) {
  if (check.from) return check.from;
  for (const PackInfo::Parameter& p : info.parameters) {
    if (p.name == "window_start") return Date::Parse(p.value);
  }
  return std::nullopt;
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
          failures[i] = FirstError(e.diagnostics());
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
    VisitRule rule{r.id, TitleIn(r, options.lang), shape->second, {}};
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

// ---------------------------------------------------------------------------
// An explanation as HTML: the rule and clause, the subject's rows, the
// periods, the values of the lets and the conditions with their values.

std::string ExplanationHtml(const Explanation& e, const Say& say) {
  std::string h = "<div class=\"ex\"><p><b>" + Html(e.rule) + "</b> " + Html(e.title) +
                  " · " + say(kWords.source) + say(kWords.colon) + Html(e.source) + "</p>";
  for (const Explanation::Row& row : e.rows) {
    h += "<p class=\"row\"><b>" + Html(row.name) + "</b>";
    for (const Explanation::Item& c : row.cells) {
      h += " <span>" + Html(c.name) + "=<code>" + Html(c.value) + "</code></span>";
    }
    h += "</p>";
  }
  if (e.periods) {
    h += "<p>" + std::string(say(kWords.periods)) + say(kWords.colon) + "<code>" +
         Html(e.periods->name) +
         "</code> = <code>" + Html(e.periods->value) + "</code></p>";
  }
  if (!e.lets.empty()) {
    h += "<p>" + std::string(say(kWords.values)) + say(kWords.colon);
    for (const Explanation::Item& l : e.lets) {
      h += " <span><code>" + Html(l.name) + " = " + Html(l.value) + "</code></span>";
    }
    h += "</p>";
  }
  h += "<p>" + std::string(say(kWords.conditions)) + say(kWords.colon) + "</p><ul>";
  for (size_t i = 0; i < e.conditions.size(); ++i) {
    const Explanation::Item& c = e.conditions[i];
    const bool is_true = c.value == "true";
    h += "<li class=\"" + std::string(is_true ? "t" : "f") + "\">" +
         (c.value == "true" || c.value == "false"
              ? std::string(say(is_true ? kWords.is_true : kWords.is_false))
              : Html(c.value)) +
         " <code>" + Html(c.name) + "</code>" +
         (e.first_false && *e.first_false == i
              ? " ← " + std::string(say(kWords.first_false))
              : "") +
         "</li>";
  }
  return h + "</ul></div>";
}

// The command that explains a finding, for a shell.
std::string ExplainCommand(const Finding& f) {
  const auto quote = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  return "zhucun explain " + quote(f.rule) + " " + quote(f.subject) +
         (f.period.empty() ? "" : " " + quote(f.period));
}

// The first `per_rule` findings of each rule, explained (in parallel:
// each explanation costs about as much as a small check).
void ExplainFindings(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
                     const CheckOptions& check, const Report& report,
                     const HtmlReportOptions& options, const Say& say, Page* page) {
  std::vector<size_t> chosen;
  std::map<std::string, size_t> per_rule;
  for (size_t i = 0; i < report.findings.size(); ++i) {
    if (per_rule[report.findings[i].rule]++ < options.explained_per_rule) chosen.push_back(i);
  }
  page->explained.assign(report.findings.size(), "");
  ParallelFor(chosen.size(), options.threads, [&](size_t k) {
    const Finding& f = report.findings[chosen[k]];
    Result<Explanation> e = policy.Explain(facts, check, f.rule, f.subject, f.period);
    page->explained[chosen[k]] =
        e.ok() ? ExplanationHtml(e.value(), say)
               : "<p>" + std::string(say(kWords.explain_failed)) + " " +
                     Html(FirstError(e.diagnostics())) + "</p>";
  });
  page->explained_count = chosen.size();
}

// ---------------------------------------------------------------------------
// The page.

constexpr const char* kStyle = R"(
body{font-family:system-ui,"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;
 margin:0;color:#1d2430;background:#f5f6f8;font-size:14px;line-height:1.45}
header{background:#22405f;color:#fff;padding:18px 20px}
header h1{margin:0 0 6px;font-size:22px}
header p{margin:0;opacity:.85}
main{padding:8px 20px 40px;max-width:1400px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 14px;margin:14px 0}
h2{font-size:17px;margin:0 0 10px}
h3{font-size:14px;margin:14px 0 6px}
nav a{margin-right:14px;color:#22405f}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #dde1e7;border-radius:6px;padding:6px 12px;min-width:104px}
.card .n{font-size:24px;font-weight:600}
.card.e .n{color:#b42318}.card.w .n{color:#b54708}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #e4e7ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;height:10px;background:#5b7fa6;vertical-align:middle}
#by-rule td:nth-child(2){max-width:280px}
.sev-error{color:#b42318}.sev-warning{color:#b54708}
.note{color:#5a6472;margin:4px 0 10px}
.flex{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.tables{display:flex;flex-wrap:wrap;gap:0 16px;align-items:flex-start}
svg text{font-size:11px;fill:#344054}
svg .axis{stroke:#98a2b3}
.legend span{display:inline-block;margin-right:12px}
.legend i{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
#findings-table tr.f{cursor:pointer}
#findings-table tr.f:hover{background:#f0f4fa}
#findings-table tr.x td{background:#fafbfc}
.ex p{margin:3px 0}.ex ul{margin:3px 0 3px 18px;padding:0}
.ex li.f{color:#b42318}.ex .row span{margin-right:8px}
code{font-family:ui-monospace,"Noto Sans Mono CJK SC",monospace;font-size:12px}
.filters{margin:8px 0}.filters select,.filters input{margin-right:10px;font-size:13px}
)";

// Sorting by a column heading, the findings' filters and explanations, and a
// total the script counts itself (the browser test compares it).
constexpr const char* kScript = R"(
(function () {
  function value(td) { var v = td.getAttribute('data-v'); return v === null ? td.textContent : v; }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.setAttribute('data-sortable', '1');
      th.addEventListener('click', function () {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        var numeric = rows.every(function (r) {
          var v = value(r.cells[col]);
          return v !== '' && !isNaN(Number(v));
        });
        rows.sort(function (a, b) {
          var x = value(a.cells[col]), y = value(b.cells[col]);
          var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return asc ? c : -c;
        });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  var findings = document.getElementById('findings-table');
  if (findings) {
    findings.addEventListener('click', function (ev) {
      var tr = ev.target.closest('tr.f');
      if (tr && tr.nextElementSibling) tr.nextElementSibling.hidden = !tr.nextElementSibling.hidden;
    });
    var rule = document.getElementById('filter-rule');
    var group = document.getElementById('filter-group');
    var text = document.getElementById('filter-text');
    var shown = document.getElementById('shown');
    var apply = function () {
      var n = 0, q = text.value.toLowerCase();
      findings.querySelectorAll('tr.f').forEach(function (tr) {
        var ok = (!rule.value || tr.getAttribute('data-rule') === rule.value) &&
                 (!group || !group.value || tr.getAttribute('data-group') === group.value) &&
                 (!q || tr.textContent.toLowerCase().indexOf(q) >= 0);
        tr.hidden = !ok;
        if (!ok) tr.nextElementSibling.hidden = true;
        n += ok ? 1 : 0;
      });
      shown.textContent = String(n);
    };
    [rule, group, text].forEach(function (el) { if (el) el.addEventListener('input', apply); });
    apply();
  }
  var total = 0;
  document.querySelectorAll('#by-rule tbody td.count').forEach(function (td) {
    total += Number(td.getAttribute('data-v'));
  });
  document.getElementById('js-total').textContent = String(total);
  document.body.setAttribute('data-ready', '1');
})();
)";

// Colours of the grades, highest first.
constexpr const char* kGradeColours[] = {"#2e7d32", "#5b7fa6", "#e0a100", "#c2410c", "#7a7a7a",
                                         "#8e44ad", "#16a085", "#34495e"};

class Writer {
 public:
  Writer(const Policy& policy, const CheckOptions& check, const Report& report,
         const HtmlReportOptions& options, const Page& page, std::ostream& out)
      : info_(policy.info()), by_(policy.summary_by()), check_(check), report_(report),
        options_(options), page_(page), say_(options.lang), out_(out) {}

  void Write() {
    Head();
    out_ << "<main>\n";
    Contents();
    Totals();
    out_ << "<div class=\"tables\">";
    ByGroup();
    ByRule();
    out_ << "</div>\n";
    Visits();
    ScoresSection();
    AllFindings();
    Exempted();
    out_ << "</main>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
  }

 private:
  void Head() {
    const std::string title = options_.title.empty() ? info_.title : options_.title;
    out_ << "<!DOCTYPE html>\n<html lang=\"" << (say_.zh() ? "zh-CN" : "en")
         << "\">\n<head>\n<meta charset=\"utf-8\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         << "<title>" << Html(title) << " · " << say_(kWords.report) << "</title>\n<style>"
         << kStyle << "</style>\n</head>\n<body>\n<header><h1>" << Html(title) << " · "
         << say_(kWords.report) << "</h1>\n<p>" << say_(kWords.pack) << say_(kWords.colon)
         << Html(info_.name)
         << " " << Html(info_.version) << " · " << say_(kWords.data) << say_(kWords.colon)
         << Html(options_.data) << " · " << say_(kWords.as_of) << say_(kWords.colon)
         << "<span id=\"as-of\">"
         << check_.as_of.ToString() << "</span>";
    if (const auto from = WindowStart(info_, check_)) {
      out_ << " · " << say_(kWords.window) << say_(kWords.colon) << from->ToString() << " – "
           << check_.as_of.ToString();
    }
    out_ << "</p>\n<p>" << say_(kWords.self_contained) << "</p></header>\n";
  }

  void Contents() {
    out_ << "<nav>" << say_(kWords.contents) << say_(kWords.colon) << "<a href=\"#totals\">"
         << say_(kWords.totals)
         << "</a>";
    if (!by_.empty()) {
      out_ << "<a href=\"#by-group-section\">" << Html(say_(kWords.by_group, {{"by", by_}}))
           << "</a>";
    }
    out_ << "<a href=\"#by-rule-section\">" << say_(kWords.by_rule) << "</a>";
    if (!page_.visits.empty()) out_ << "<a href=\"#visits\">" << say_(kWords.visits) << "</a>";
    if (page_.scores) out_ << "<a href=\"#scores\">" << say_(kWords.scores) << "</a>";
    out_ << "<a href=\"#findings\">" << say_(kWords.all_findings) << "</a></nav>\n";
  }

  void Card(const char* id, const Word& label, const std::string& value, const char* cls = "") {
    out_ << "<div class=\"card " << cls << "\"><div class=\"n\" id=\"" << id << "\">" << value
         << "</div><div>" << say_(label) << "</div></div>";
  }

  void Totals() {
    size_t fired = 0;
    for (const RuleRow& r : page_.rules) fired += r.errors + r.warnings > 0 ? 1 : 0;
    out_ << "<section id=\"totals\"><h2>" << say_(kWords.totals) << "</h2><div class=\"cards\">";
    Card("total-findings", kWords.findings, Num(report_.findings.size()));
    Card("total-errors", kWords.errors, Num(page_.errors), "e");
    Card("total-warnings", kWords.warnings, Num(report_.findings.size() - page_.errors), "w");
    Card("total-exempted", kWords.exempted, Num(report_.exempted.size()));
    Card("total-exceptions", kWords.exception_records, Num(report_.exceptions));
    Card("total-subjects", kWords.subjects, Num(page_.subjects));
    Card("total-rules", kWords.rules_fired, Num(fired) + " / " + Num(info_.rules.size()));
    out_ << "</div><p class=\"note\">" << say_(kWords.totals_check)
         << " <span id=\"js-total\"></span></p></section>\n";
  }

  // A count with a bar as long as its share of `max`.
  void CountCell(size_t n, size_t max, const char* cls = "n") {
    const int width = max == 0 ? 0 : static_cast<int>(std::lround(80.0 * n / max));
    out_ << "<td class=\"" << cls << "\" data-v=\"" << n << "\">" << n
         << " <span class=\"bar\" style=\"width:" << width << "px\"></span></td>";
  }

  void ByGroup() {
    if (by_.empty()) return;
    size_t max = 0;
    for (const GroupRow& g : page_.groups) max = std::max(max, g.errors + g.warnings);
    out_ << "<section id=\"by-group-section\"><h2>" << Html(say_(kWords.by_group, {{"by", by_}}))
         << "</h2><p class=\"note\">" << say_(kWords.sort_hint) << "</p>"
         << "<table class=\"sortable\" id=\"by-group\"><thead><tr><th>" << Html(by_)
         << "</th><th class=\"n\">" << say_(kWords.errors) << "</th><th class=\"n\">"
         << say_(kWords.warnings) << "</th><th class=\"n\">" << say_(kWords.total)
         << "</th></tr></thead><tbody>\n";
    for (const GroupRow& g : page_.groups) {
      out_ << "<tr><td>"
           << Html(g.name.empty() ? say_(kWords.no_group, {{"by", by_}}) : g.name)
           << "</td><td class=\"n\">" << g.errors << "</td><td class=\"n\">" << g.warnings
           << "</td>";
      CountCell(g.errors + g.warnings, max, "n count");
      out_ << "</tr>\n";
    }
    out_ << "</tbody></table></section>\n";
  }

  // The column of exempted findings, when the facts hold exception records
  // (without any, it would be zeros).
  void ExemptedHeading() {
    if (report_.exceptions > 0) out_ << "<th class=\"n\">" << say_(kWords.exempted) << "</th>";
  }
  void ExemptedCell(size_t n) {
    if (report_.exceptions > 0) out_ << "<td class=\"n\">" << n << "</td>";
  }

  void ByRule() {
    size_t max = 0;
    for (const RuleRow& r : page_.rules) max = std::max(max, r.errors + r.warnings);
    out_ << "<section id=\"by-rule-section\"><h2>" << say_(kWords.by_rule)
         << "</h2><p class=\"note\">" << say_(kWords.sort_hint) << "</p>"
         << "<table class=\"sortable\" id=\"by-rule\"><thead><tr><th>" << say_(kWords.rule)
         << "</th><th>" << say_(kWords.title) << "</th><th>" << say_(kWords.severity)
         << "</th><th class=\"n\">" << say_(kWords.count) << "</th>";
    ExemptedHeading();
    out_ << "</tr></thead><tbody>\n";
    for (const RuleRow& r : page_.rules) {
      out_ << "<tr><td><code>" << Html(r.id) << "</code></td><td>" << Html(r.title)
           << "</td><td class=\"sev-" << Html(r.severity) << "\">" << say_.Severity(r.severity)
           << "</td>";
      CountCell(r.errors + r.warnings, max, "n count");
      ExemptedCell(r.exempted);
      out_ << "</tr>\n";
    }
    out_ << "</tbody></table></section>\n";
  }

  const char* KindWord(PeriodKind kind) const {
    switch (kind) {
      case PeriodKind::kQuarter: return say_(kWords.quarter);
      case PeriodKind::kHalf: return say_(kWords.half);
      case PeriodKind::kYear: return say_(kWords.year_period);
      default: return say_(kWords.month);
    }
  }

  // Bars of compliance per period, 0-100%, each labelled.
  void ComplianceChart(const VisitRule& rule) {
    constexpr int kBar = 50, kHeight = 120, kTop = 18, kLeft = 34;
    const int width = kLeft + static_cast<int>(rule.periods.size()) * kBar + 8;
    out_ << "<svg width=\"" << width << "\" height=\"" << kTop + kHeight + 34
         << "\" role=\"img\"><line class=\"axis\" x1=\"" << kLeft << "\" y1=\""
         << kTop + kHeight << "\" x2=\"" << width << "\" y2=\"" << kTop + kHeight << "\"/>";
    for (int pct : {0, 50, 100}) {
      const int y = kTop + kHeight - kHeight * pct / 100;
      out_ << "<text x=\"" << kLeft - 4 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << pct
           << "%</text><line class=\"axis\" stroke-dasharray=\"2,3\" x1=\"" << kLeft
           << "\" y1=\"" << y << "\" x2=\"" << width << "\" y2=\"" << y << "\"/>";
    }
    for (size_t i = 0; i < rule.periods.size(); ++i) {
      const VisitPeriod& p = rule.periods[i];
      const double share = p.due == 0 ? 0 : static_cast<double>(p.met) / p.due;
      const int h = static_cast<int>(std::lround(kHeight * share));
      const int x = kLeft + static_cast<int>(i) * kBar + 6;
      out_ << "<rect x=\"" << x << "\" y=\"" << kTop + kHeight - h << "\" width=\"" << kBar - 12
           << "\" height=\"" << h << "\" fill=\"" << (share >= 0.95 ? "#2e7d32" : "#c2410c")
           << "\"><title>" << Html(p.label) << ": " << Percent(p.met, p.due)
           << "</title></rect><text x=\"" << x + (kBar - 12) / 2 << "\" y=\""
           << kTop + kHeight - h - 4 << "\" text-anchor=\"middle\">"
           << Percent(p.met, p.due) << "</text><text x=\"" << x + (kBar - 12) / 2
           << "\" y=\"" << kTop + kHeight + 16 << "\" text-anchor=\"middle\">" << Html(p.label)
           << "</text>";
    }
    out_ << "</svg>\n";
  }

  void Visits() {
    if (page_.visits.empty()) return;
    out_ << "<section id=\"visits\"><h2>" << say_(kWords.visits) << "</h2><p class=\"note\">"
         << say_(kWords.visits_how) << "</p>\n";
    for (const VisitRule& rule : page_.visits) {
      out_ << "<h3>"
           << Html(say_(kWords.per_period,
                        {{"rule", rule.id},
                         {"title", rule.title},
                         {"period", KindWord(rule.kind)}}))
           << "</h3><div class=\"flex\">";
      ComplianceChart(rule);
      out_ << "<table class=\"sortable visits\" data-rule=\"" << Html(rule.id)
           << "\"><thead><tr><th>" << say_(kWords.period) << "</th><th class=\"n\">"
           << say_(kWords.due) << "</th><th class=\"n\">" << say_(kWords.met)
           << "</th><th class=\"n\">" << say_(kWords.missed) << "</th>";
      ExemptedHeading();
      out_ << "<th class=\"n\">" << say_(kWords.compliance) << "</th></tr></thead><tbody>\n";
      for (const VisitPeriod& p : rule.periods) {
        char share[32];
        std::snprintf(share, sizeof share, "%.4f",
                      p.due == 0 ? 0.0 : static_cast<double>(p.met) / p.due);
        out_ << "<tr><td>" << Html(p.label) << "</td><td class=\"n due\">" << p.due
             << "</td><td class=\"n met\">" << p.met << "</td><td class=\"n missed\">" << p.missed
             << "</td>";
        ExemptedCell(p.exempted);
        out_ << "<td class=\"n\" data-v=\"" << share << "\">" << Percent(p.met, p.due)
             << "</td></tr>\n";
      }
      out_ << "</tbody></table></div>\n";
    }
    out_ << "</section>\n";
  }

  // One year's histogram of scores: 20 bins of 5 points, on a common scale.
  void Histogram(const ScoreYear& y, size_t max) {
    constexpr int kW = 12, kH = 110, kTop = 22, kLeft = 34;
    out_ << "<figure style=\"margin:0\"><svg width=\"" << kLeft + 20 * kW + 14 << "\" height=\""
         << kTop + kH + 30 << "\" role=\"img\" class=\"hist\" data-year=\"" << Html(y.year)
         << "\"><text x=\"" << kLeft << "\" y=\"14\" font-weight=\"600\">"
         << Html(say_(kWords.year_rows, {{"year", y.year}, {"n", Num(y.rows)}}))
         << "</text><text x=\"" << kLeft - 4 << "\" y=\"" << kTop + 4
         << "\" text-anchor=\"end\">" << max << "</text><line class=\"axis\" x1=\"" << kLeft
         << "\" y1=\"" << kTop << "\" x2=\"" << kLeft << "\" y2=\"" << kTop + kH << "\"/>";
    for (size_t b = 0; b < 20; ++b) {
      const int h = max == 0 ? 0 : static_cast<int>(std::lround(1.0 * kH * y.bins[b] / max));
      out_ << "<rect x=\"" << kLeft + static_cast<int>(b) * kW << "\" y=\"" << kTop + kH - h
           << "\" width=\"" << kW - 1 << "\" height=\"" << h << "\" fill=\"#5b7fa6\"><title>"
           << b * 5 << "–" << (b == 19 ? 100 : b * 5 + 5) << ": " << y.bins[b]
           << "</title></rect>";
    }
    out_ << "<line class=\"axis\" x1=\"" << kLeft << "\" y1=\"" << kTop + kH << "\" x2=\""
         << kLeft + 20 * kW << "\" y2=\"" << kTop + kH << "\"/>";
    for (int t : {0, 50, 100}) {
      out_ << "<text x=\"" << kLeft + t * kW / 5 << "\" y=\"" << kTop + kH + 14
           << "\" text-anchor=\"middle\">" << t << "</text>";
    }
    out_ << "</svg>";
    if (y.outside > 0) {
      out_ << "<figcaption class=\"note\">"
           << Html(say_(kWords.score_outside, {{"n", Num(y.outside)}})) << "</figcaption>";
    }
    out_ << "</figure>";
  }

  // One stacked bar per year, a segment per grade.
  void GradeBars(const Scores& s) {
    constexpr int kW = 520, kRow = 26, kLeft = 44;
    out_ << "<div><div class=\"legend\">";
    for (size_t g = 0; g < s.grade_order.size(); ++g) {
      out_ << "<span><i style=\"background:" << kGradeColours[g % 8] << "\"></i>"
           << Html(s.grade_order[g]) << "</span>";
    }
    out_ << "</div><svg width=\"" << kLeft + kW + 10 << "\" height=\""
         << static_cast<int>(s.years.size()) * kRow + 6 << "\" role=\"img\" id=\"grade-bars\">";
    for (size_t i = 0; i < s.years.size(); ++i) {
      const ScoreYear& y = s.years[i];
      const int top = static_cast<int>(i) * kRow + 4;
      out_ << "<text x=\"0\" y=\"" << top + 15 << "\">" << Html(y.year) << "</text>";
      double x = kLeft;
      for (size_t g = 0; g < s.grade_order.size(); ++g) {
        const auto it = y.grades.find(s.grade_order[g]);
        if (it == y.grades.end() || y.rows == 0) continue;
        const double w = 1.0 * kW * it->second / y.rows;
        out_ << "<rect x=\"" << x << "\" y=\"" << top << "\" width=\"" << w
             << "\" height=\"20\" fill=\"" << kGradeColours[g % 8] << "\"><title>"
             << Html(y.year) << " " << Html(it->first) << ": " << it->second << " ("
             << Percent(it->second, y.rows) << ")</title></rect>";
        if (w > 36) {
          out_ << "<text x=\"" << x + w / 2 << "\" y=\"" << top + 14
               << "\" text-anchor=\"middle\" style=\"fill:#fff\">" << Percent(it->second, y.rows)
               << "</text>";
        }
        x += w;
      }
    }
    out_ << "</svg></div>\n";
  }

  void ScoresSection() {
    if (!page_.scores) return;
    const Scores& s = *page_.scores;
    size_t max = 0;
    for (const ScoreYear& y : s.years) {
      max = std::max(max, *std::max_element(y.bins.begin(), y.bins.end()));
    }
    out_ << "<section id=\"scores\"><h2>" << say_(kWords.scores) << "</h2><p class=\"note\">"
         << Html(say_(kWords.scores_how,
                      {{"table", s.table}, {"score", s.score}, {"grade", s.grade}}))
         << "</p><div class=\"flex\">";
    for (const ScoreYear& y : s.years) Histogram(y, max);
    out_ << "</div>\n";
    if (s.grade.empty()) {
      out_ << "</section>\n";
      return;
    }
    out_ << "<h3>" << say_(kWords.grades) << "</h3><div class=\"flex\">";
    GradeBars(s);
    out_ << "<table class=\"sortable\" id=\"grades\"><thead><tr><th>" << say_(kWords.year)
         << "</th>";
    for (const std::string& g : s.grade_order) out_ << "<th class=\"n\">" << Html(g) << "</th>";
    out_ << "<th class=\"n\">" << say_(kWords.rows) << "</th></tr></thead><tbody>\n";
    for (const ScoreYear& y : s.years) {
      out_ << "<tr><td>" << Html(y.year) << "</td>";
      for (const std::string& g : s.grade_order) {
        const auto it = y.grades.find(g);
        out_ << "<td class=\"n\">" << (it == y.grades.end() ? 0 : it->second) << "</td>";
      }
      out_ << "<td class=\"n\">" << y.rows << "</td></tr>\n";
    }
    out_ << "</tbody></table></div></section>\n";
  }

  void Filters() {
    out_ << "<div class=\"filters\"><select id=\"filter-rule\"><option value=\"\">"
         << say_(kWords.all_rules) << "</option>";
    for (const RuleRow& r : page_.rules) {
      if (r.errors + r.warnings == 0) continue;
      out_ << "<option value=\"" << Html(r.id) << "\">" << Html(r.id) << " ("
           << r.errors + r.warnings << ")</option>";
    }
    out_ << "</select>";
    if (!by_.empty()) {
      out_ << "<select id=\"filter-group\"><option value=\"\">"
           << Html(say_(kWords.all_groups, {{"by", by_}})) << "</option>";
      for (const GroupRow& g : page_.groups) {
        out_ << "<option value=\"g:" << Html(g.name) << "\">"
             << Html(g.name.empty() ? say_(kWords.no_group, {{"by", by_}}) : g.name) << " ("
             << g.errors + g.warnings << ")</option>";
      }
      out_ << "</select>";
    }
    out_ << "<input id=\"filter-text\" type=\"search\" size=\"30\" placeholder=\""
         << say_(kWords.search) << "\"> " << say_(kWords.shown_before) << "<span id=\"shown\">"
         << report_.findings.size() << "</span>" << say_(kWords.shown_after) << "</div>\n";
  }

  void AllFindings() {
    out_ << "<section id=\"findings\"><h2>" << say_(kWords.all_findings) << "</h2>";
    if (report_.findings.empty()) {
      out_ << "<p>" << say_(kWords.no_findings) << "</p></section>\n";
      return;
    }
    out_ << "<p class=\"note\">" << say_(kWords.click_hint) << " "
         << Html(say_(kWords.explained_note, {{"n", Num(options_.explained_per_rule)},
                                              {"k", Num(page_.explained_count)},
                                              {"total", Num(report_.findings.size())}}))
         << "</p>";
    Filters();
    out_ << "<table id=\"findings-table\"><thead><tr><th>" << say_(kWords.severity) << "</th><th>"
         << say_(kWords.rule) << "</th><th>" << say_(kWords.subject) << "</th><th>"
         << say_(kWords.period) << "</th>";
    if (!by_.empty()) out_ << "<th>" << Html(by_) << "</th>";
    out_ << "<th>" << say_(kWords.message) << "</th></tr></thead><tbody>\n";
    const int columns = by_.empty() ? 5 : 6;
    for (size_t i = 0; i < report_.findings.size(); ++i) {
      const Finding& f = report_.findings[i];
      out_ << "<tr class=\"f\" data-rule=\"" << Html(f.rule) << "\" data-group=\"g:"
           << Html(page_.finding_group[i]) << "\"><td class=\"sev-" << Html(f.severity) << "\">"
           << say_.Severity(f.severity) << "</td><td><code>" << Html(f.rule) << "</code></td><td>"
           << Html(f.subject) << "</td><td>" << Html(f.period) << "</td>";
      if (!by_.empty()) out_ << "<td>" << Html(page_.finding_group[i]) << "</td>";
      out_ << "<td>" << Html(f.message) << "</td></tr>\n<tr class=\"x\" hidden><td colspan=\""
           << columns << "\">";
      if (!page_.explained[i].empty()) {
        out_ << page_.explained[i];
      } else {
        out_ << say_(kWords.not_explained) << " <code>" << Html(ExplainCommand(f)) << "</code>";
      }
      out_ << "</td></tr>\n";
    }
    out_ << "</tbody></table></section>\n";
  }

  void Exempted() {
    if (report_.exempted.empty()) return;
    out_ << "<section id=\"exempted\"><h2>" << say_(kWords.exempted_findings)
         << "</h2><table class=\"sortable\"><thead><tr><th>" << say_(kWords.rule) << "</th><th>"
         << say_(kWords.subject) << "</th><th>" << say_(kWords.period) << "</th><th>"
         << say_(kWords.message) << "</th><th>" << say_(kWords.exception)
         << "</th></tr></thead><tbody>\n";
    for (const Exemption& x : report_.exempted) {
      out_ << "<tr><td><code>" << Html(x.finding.rule) << "</code></td><td>"
           << Html(x.finding.subject) << "</td><td>" << Html(x.finding.period) << "</td><td>"
           << Html(x.finding.message) << "</td><td>" << Html(x.exception) << "</td></tr>\n";
    }
    out_ << "</tbody></table></section>\n";
  }

  const PackInfo info_;
  const std::string by_;
  const CheckOptions& check_;
  const Report& report_;
  const HtmlReportOptions& options_;
  const Page& page_;
  const Say say_;
  std::ostream& out_;
};

}  // namespace

bool WriteHtmlReport(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
                     const CheckOptions& check, const Report& report,
                     const HtmlReportOptions& options, std::ostream& out, std::string* error) {
  const PackInfo info = policy.info();
  const Say say(options.lang);
  Page page;
  page.rules = CountByRule(info, report, options.lang);
  std::set<std::string> subjects;
  for (const Finding& f : report.findings) {
    page.errors += f.severity == "error" ? 1 : 0;
    subjects.insert(f.subject);
  }
  page.subjects = subjects.size();
  page.finding_group.assign(report.findings.size(), "");
  if (!policy.summary_by().empty()) {
    Result<std::vector<std::string>> groups = policy.SummaryGroups(facts, check, report.findings);
    if (!groups.ok()) {
      *error = FirstError(groups.diagnostics());
      return false;
    }
    page.finding_group = std::move(groups).value();
    page.groups = CountByGroup(report, page.finding_group);
  }
  if (!CountAllVisits(policy, facts, check, report, options, info, &page, error)) return false;
  page.scores = CountScores(report);
  ExplainFindings(policy, facts, check, report, options, say, &page);
  Writer(policy, check, report, options, page, out).Write();
  out.flush();
  if (!out) {
    *error = "cannot write the page";
    return false;
  }
  return true;
}

}  // namespace zhucun::cli
