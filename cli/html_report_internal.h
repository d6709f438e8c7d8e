#ifndef ZHUCUN_CLI_HTML_REPORT_INTERNAL_H_
#define ZHUCUN_CLI_HTML_REPORT_INTERNAL_H_

// What the files of the HTML report (html_report.h) share:
// - html_report_words.cc: the page's words, in English and in Chinese;
// - html_report_page.cc: what the page shows, computed from the report;
// - html_report_assets.cc: the page's style sheet and script;
// - html_report.cc: the page written as HTML, with the explanations and the
//   charts (inline SVG).

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "command.h"
#include "html_report.h"
#include "zhucun/engine.h"

namespace zhucun::cli::html_report {

// ---------------------------------------------------------------------------
// The page's words: every word the page shows comes from one table
// (kWords, html_report_words.cc), in English and in Chinese. A `{name}` hole
// is filled by Say.

struct Word {
  // No default: a word the table leaves out does not compile.
  constexpr Word(const char* en_text, const char* zh_text) : en(en_text), zh(zh_text) {}
  const char* en;
  const char* zh;
};

// The words by name, in the order of the table.
struct Words {
  Word report, pack, data, as_of, window, self_contained, colon, contents;
  Word totals, findings, errors, warnings, exempted, exception_records, subjects, rules_fired,
      totals_check;
  Word by_group, no_group, all_groups, by_rule, sort_hint, rule, title, severity, count, total,
      error, warning;
  Word visits, visits_how, per_period, quarter, half, year_period, month, period, due, met, missed,
      compliance;
  Word scores, scores_how, score_outside, grades, year, rows, year_rows;
  Word all_findings, click_hint, explained_note, all_rules, search, shown_before, shown_after,
      subject, message, not_explained, explain_failed;
  Word source, periods, values, conditions, is_true, is_false, first_false;
  Word exempted_findings, exception, no_findings;
};

extern const Words kWords;

// The page's text in one language.
class Say {
 public:
  explicit Say(const std::string& lang) : zh_(lang == "zh") {}
  bool zh() const { return zh_; }
  const char* operator()(const Word& w) const { return zh_ ? w.zh : w.en; }
  // The word with its `{name}` holes filled.
  std::string operator()(const Word& w,
                         const std::vector<std::pair<std::string, std::string>>& holes) const;
  const char* Severity(const std::string& severity) const;

 private:
  bool zh_;
};

// ---------------------------------------------------------------------------
// The page's style sheet and script (html_report_assets.cc).

extern const char kStyle[];
extern const char kScript[];

// ---------------------------------------------------------------------------
// What the page shows, computed from the report (html_report_page.cc).

struct RuleRow {
  std::string id, title, severity;
  size_t errors = 0, warnings = 0, exempted = 0;
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
  std::vector<GroupCount> groups;            // most findings first
  std::vector<std::string> finding_group;  // parallel to report.findings
  std::vector<VisitRule> visits;
  std::optional<Scores> scores;
  // Per finding: its explanation as HTML, or empty when not explained.
  std::vector<std::string> explained;
  size_t explained_count = 0;
  size_t errors = 0, subjects = 0;
};

// The page of `report`, the result of `policy.Check(facts, check)`, but for
// its explanations (`explained`, which html_report.cc writes): the counts by
// rule and by summary group, the visit compliance and the scores. False,
// with `*error` set, when the summary groups or explaining a visit fails.
bool CountPage(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
               const CheckOptions& check, const Report& report, const HtmlReportOptions& options,
               Page* page, std::string* error);

// The start of the evaluation window: --from, else the pack's window_start.
std::optional<Date> WindowStart(const PackInfo& info, const CheckOptions& check);

// Runs fn(0) ... fn(n - 1) on `threads` threads (0: one per core).
void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t)>& fn);

// The first error's message of a failed result, in `lang` ("en" or "zh").
std::string FirstError(const Diagnostics& d, const std::string& lang);

}  // namespace zhucun::cli::html_report

#endif  // ZHUCUN_CLI_HTML_REPORT_INTERNAL_H_
