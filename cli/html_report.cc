// `zhucun check --report FILE`: the HTML report (html_report.h,
// docs/report.md).
//
// The page is written in one pass from what the check found: the counts are
// computed first (html_report_page.cc), the charts are inline SVG drawn
// here, and the explanations are rendered here, so that the page needs
// nothing but itself (no script library, no font, no network). A short
// script (html_report_assets.cc) makes the tables sortable and the findings
// filterable; without it the page still reads. Its words are in
// html_report_words.cc.

#include "html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "html_report_internal.h"

namespace zhucun::cli {
namespace html_report {
namespace {

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

// ---------------------------------------------------------------------------
// An explanation as HTML: the rule and clause, the subject's rows, the
// periods, the values of the lets and the conditions with their values.

// What decided a value, as nested lists (FormatDecision's lines).
std::string DecisionsHtml(const std::vector<Explanation::Decision>& decisions, const Say& say) {
  if (decisions.empty()) return "";
  std::string h = "<ul class=\"dec\">";
  for (const Explanation::Decision& d : decisions) {
    h += "<li><code>" + Html(FormatDecision(d, say.zh() ? "zh" : "en")) + "</code>" +
         DecisionsHtml(d.inner, say) + "</li>";
  }
  return h + "</ul>";
}

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
    for (const auto& decisions : e.let_decisions) h += DecisionsHtml(decisions, say);
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
         (i < e.condition_decisions.size() ? DecisionsHtml(e.condition_decisions[i], say)
                                           : std::string()) +
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
                     Html(FirstError(e.diagnostics(), check.lang)) + "</p>";
  });
  page->explained_count = chosen.size();
}

// ---------------------------------------------------------------------------
// The page.

// Colours of the grades, highest first.
constexpr const char* kGradeColours[] = {"#2e7d32", "#5b7fa6", "#e0a100", "#c2410c", "#7a7a7a",
                                         "#8e44ad", "#16a085", "#34495e"};

class Writer {
 public:
  Writer(const Policy& policy, const CheckOptions& check, const Report& report,
         const HtmlReportOptions& options, const Page& page, std::ostream& out)
      : policy_(policy), info_(policy.info()), by_(policy.summary_by(options.lang)), check_(check),
        report_(report),
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
    for (const GroupCount& g : page_.groups) max = std::max(max, g.errors + g.warnings);
    out_ << "<section id=\"by-group-section\"><h2>" << Html(say_(kWords.by_group, {{"by", by_}}))
         << "</h2><p class=\"note\">" << say_(kWords.sort_hint) << "</p>"
         << "<table class=\"sortable\" id=\"by-group\"><thead><tr><th>" << Html(by_)
         << "</th><th class=\"n\">" << say_(kWords.errors) << "</th><th class=\"n\">"
         << say_(kWords.warnings) << "</th><th class=\"n\">" << say_(kWords.total)
         << "</th></tr></thead><tbody>\n";
    for (const GroupCount& g : page_.groups) {
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
           << Html(policy_.Label(s.grade_order[g], options_.lang)) << "</span>";
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
             << Html(y.year) << " " << Html(policy_.Label(it->first, options_.lang)) << ": "
             << it->second << " ("
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
      for (const GroupCount& g : page_.groups) {
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

  const Policy& policy_;
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
}  // namespace html_report

bool WriteHtmlReport(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
                     const CheckOptions& check, const Report& report,
                     const HtmlReportOptions& options, std::ostream& out, std::string* error) {
  html_report::Page page;
  if (!html_report::CountPage(policy, facts, check, report, options, &page, error)) return false;
  const html_report::Say say(options.lang);
  html_report::ExplainFindings(policy, facts, check, report, options, say, &page);
  html_report::Writer(policy, check, report, options, page, out).Write();
  out.flush();
  if (!out) {
    *error = "cannot write the page";
    return false;
  }
  return true;
}

}  // namespace zhucun::cli
