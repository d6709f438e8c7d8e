// `zhucun check --report FILE` (cli/html_report.h, docs/report.md): the page
// is written, holds nothing from the network, escapes what the data says,
// and its figures are the Report's. (tests/report/browser_test.py renders it
// in Chromium.)

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../facts/facts_test_util.h"
#include "html_report.h"
#include "run_zhucun.h"
#include "zhucun/csv.h"

namespace zhucun {
namespace {

using cli::HtmlReportOptions;
using testing::kSourceDir;
using testing::TempDir;

const std::string kRules = kSourceDir + "/rules/qiannan";
const std::string kExample = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";

using testing::ReadFile;

size_t Count(const std::string& page, const std::string& needle) {
  size_t n = 0;
  for (size_t at = page.find(needle); at != std::string::npos; at = page.find(needle, at + 1)) ++n;
  return n;
}

// The number written right after the first `marker` (and any spaces), or -1.
long NumberAfter(const std::string& page, const std::string& marker, size_t from = 0) {
  size_t at = page.find(marker, from);
  if (at == std::string::npos) return -1;
  at += marker.size();
  return std::strtol(page.c_str() + at, nullptr, 10);
}

// A pack and data folder, checked as `zhucun check` checks them.
struct Checked {
  SourceManager sources;
  std::optional<Policy> policy;
  std::shared_ptr<const FactSet> facts;
  CheckOptions options;
  Report report;
};

std::unique_ptr<Checked> CheckFolder(const std::string& data) {
  auto c = std::make_unique<Checked>();
  Result<Policy> policy = Policy::Load(kRules, c->sources);
  EXPECT_TRUE(policy.ok()) << policy.diagnostics().Render(c->sources);
  c->policy = std::move(policy).value();
  Result<FactSet> facts = ReadCsvFolder(c->policy->schema(), data, CsvOptions{}, c->sources);
  EXPECT_TRUE(facts.ok()) << facts.diagnostics().Render(c->sources);
  c->facts = std::make_shared<const FactSet>(std::move(facts).value());
  c->options.as_of = *Date::Parse("2024-06-30");
  Result<Report> report = c->policy->Check(c->facts, c->options);
  EXPECT_TRUE(report.ok()) << report.diagnostics().Render(c->sources);
  c->report = std::move(report).value();
  return c;
}

std::string Page(const Checked& c, const HtmlReportOptions& options) {
  std::ostringstream out;
  std::string error;
  EXPECT_TRUE(cli::WriteHtmlReport(*c.policy, c.facts, c.options, c.report, options, out, &error))
      << error;
  EXPECT_EQ(error, "");
  return out.str();
}

// Nothing in the page reaches outside it.
void ExpectSelfContained(const std::string& page) {
  for (const char* outside : {"http://", "https://", "<link", "src=", "@import", "url(", "//cdn"}) {
    EXPECT_EQ(Count(page, outside), 0u) << outside;
  }
}

TEST(HtmlReportTest, CheckWritesASelfContainedPageWithTheReportsFigures) {
  TempDir out;
  const std::string file = out.path() + "/report.html";
  const testing::CliRun r = testing::RunZhucun(
      {"check", "--rules", kRules, "--data", kExample, "--as-of", "2024-06-30", "--report", file});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // findings of severity error, as without --report
  EXPECT_EQ(r.err, testing::ExampleWarning("check", kExample));
  EXPECT_NE(r.out.find("zhucun check: 138 findings as of 2024-06-30"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("zhucun check: report written to `" + file + "`\n"), std::string::npos);
  const std::string page = ReadFile(file);
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  ExpectSelfContained(page);
  EXPECT_EQ(Count(page, "<script"), 1u);  // the page's own

  const auto c = CheckFolder(kExample);
  const Report& report = c->report;
  size_t errors = 0;
  std::map<std::string, size_t> by_rule;
  std::map<std::pair<std::string, std::string>, size_t> by_rule_period;
  for (const Finding& f : report.findings) {
    errors += f.severity == "error" ? 1 : 0;
    ++by_rule[f.rule];
    ++by_rule_period[{f.rule, f.period}];
  }
  ASSERT_EQ(report.findings.size(), 138u);
  EXPECT_EQ(NumberAfter(page, "id=\"total-findings\">"), 138);
  EXPECT_EQ(NumberAfter(page, "id=\"total-errors\">"), static_cast<long>(errors));
  EXPECT_EQ(NumberAfter(page, "id=\"total-warnings\">"), static_cast<long>(138 - errors));
  EXPECT_EQ(NumberAfter(page, "id=\"total-exempted\">"), 0);
  // Each rule's row, and one row per finding.
  for (const auto& [rule, n] : by_rule) {
    const size_t row = page.find("<tr><td><code>" + rule + "</code></td>");
    ASSERT_NE(row, std::string::npos) << rule;
    EXPECT_EQ(NumberAfter(page, "data-v=\"", row), static_cast<long>(n)) << rule;
  }
  EXPECT_EQ(Count(page, "<tr class=\"f\""), 138u);
  // By county: the counts add up to every finding.
  const size_t by_group = page.find("id=\"by-group\"");
  const size_t by_group_end = page.find("</table>", by_group);
  long total = 0;
  for (size_t at = page.find("class=\"n count\" data-v=\"", by_group); at < by_group_end;
       at = page.find("class=\"n count\" data-v=\"", at + 1)) {
    total += NumberAfter(page, "data-v=\"", at);
  }
  EXPECT_EQ(total, 138);
  EXPECT_NE(page.find("<td>(no county)</td>"), std::string::npos);
}

// Visit compliance: who missed the quota in a period is the rule's findings
// of that period, and every due leader met it, missed it or was exempted.
TEST(HtmlReportTest, VisitComplianceAgreesWithTheFindings) {
  const auto c = CheckFolder(kExample);
  const std::string page = Page(*c, {});
  std::map<std::pair<std::string, std::string>, long> findings;
  for (const Finding& f : c->report.findings) ++findings[{f.rule, f.period}];
  size_t periods = 0;
  for (const char* rule : {"visits.principal", "visits.deputy", "visits.member"}) {
    const size_t table = page.find("<table class=\"sortable visits\" data-rule=\"" +
                                   std::string(rule) + "\">");
    ASSERT_NE(table, std::string::npos) << rule;
    const size_t end = page.find("</table>", table);
    long missed_in_rule = 0;
    for (size_t row = page.find("<tr><td>", table); row < end;
         row = page.find("<tr><td>", row + 1)) {
      const size_t label = row + 8;
      const std::string period = page.substr(label, page.find('<', label) - label);
      const long due = NumberAfter(page, "class=\"n due\">", row);
      const long met = NumberAfter(page, "class=\"n met\">", row);
      const long missed = NumberAfter(page, "class=\"n missed\">", row);
      EXPECT_EQ(missed, (findings[{rule, period}])) << rule << " " << period;
      EXPECT_GT(due, 0) << rule << " " << period;
      EXPECT_EQ(due, met + missed) << rule << " " << period;  // nothing exempted here
      missed_in_rule += missed;
      ++periods;
    }
    long all = 0;
    for (const auto& [key, n] : findings) all += key.first == rule ? n : 0;
    EXPECT_EQ(missed_in_rule, all) << rule;
  }
  EXPECT_EQ(periods, 6u + 12u + 2u);  // halves, quarters, years inside the window
}

// Scores and grades: the derived table's rows, per year.
TEST(HtmlReportTest, GradesPerYearCountTheDerivedTable) {
  const auto c = CheckFolder(kExample);
  const std::string page = Page(*c, {});
  const DerivedTable& grades = c->report.derived.at(0);
  ASSERT_EQ(grades.name, "assessment_grades");
  std::map<std::string, long> per_year;
  for (size_t r = 0; r < grades.num_rows(); ++r) ++per_year[grades.Text(r, 1)];
  ASSERT_EQ(per_year.size(), 3u);
  const size_t table = page.find("id=\"grades\"");
  ASSERT_NE(table, std::string::npos);
  for (const auto& [year, n] : per_year) {
    // The histogram's heading and the table's last cell of the year's row.
    EXPECT_NE(page.find(year + ": " + std::to_string(n) + " rows"), std::string::npos) << year;
    const size_t row = page.find("<tr><td>" + year + "</td>", table);
    ASSERT_NE(row, std::string::npos) << year;
    const size_t last = page.rfind("<td class=\"n\">", page.find("</tr>", row));
    EXPECT_EQ(NumberAfter(page, "<td class=\"n\">", last), n) << year;
  }
  // Grades highest first, `invalid` (scores anywhere) last.
  const size_t excellent = page.find("<th class=\"n\">excellent</th>", table);
  const size_t competent = page.find("<th class=\"n\">competent</th>", table);
  const size_t incompetent = page.find("<th class=\"n\">incompetent</th>", table);
  const size_t invalid = page.find("<th class=\"n\">invalid</th>", table);
  EXPECT_LT(excellent, competent);
  EXPECT_LT(competent, incompetent);
  EXPECT_LT(incompetent, invalid);
  EXPECT_NE(invalid, std::string::npos);
}

TEST(HtmlReportTest, ChineseUsesTheChineseWords) {
  const auto c = CheckFolder(kExample);
  HtmlReportOptions zh;
  zh.lang = "zh";
  const std::string page = Page(*c, zh);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"zh-CN\">", 0), 0u);
  ExpectSelfContained(page);
  for (const char* word : {"检查报告", "总计", "按规则统计发现", "按县市统计发现",
                           "领导到村调研：按季度达标情况", "综合得分与等次（按年度）",
                           "全部发现", "点击一条发现"}) {
    EXPECT_NE(page.find(word), std::string::npos) << word;
  }
  EXPECT_EQ(page.find("按county"), std::string::npos);
  // The grades as pack.yaml's `labels: {zh: ...}` names them.
  EXPECT_NE(page.find("></i>优秀</span>"), std::string::npos);
  EXPECT_NE(page.find("></i>不称职</span>"), std::string::npos);
  // No English word of the page's own is left (the summary groups are named
  // by the pack's `by: {en: county, zh: 县市}`, the grades by its `labels:`;
  // the data's other words are as the data writes them).
  const std::string en = Page(*c, {});
  for (const char* word : {"Check report", "Totals", "Findings by rule", "Leader visits",
                           "Composite scores", "All findings", "Click", "Errors", "Warnings",
                           "Exempted", "Compliance", "Search", ">error<", ">warning<", " rows<"}) {
    EXPECT_NE(en.find(word), std::string::npos) << word;
    EXPECT_EQ(page.find(word), std::string::npos) << word;
  }
  // The figures are the same in both.
  EXPECT_EQ(NumberAfter(page, "id=\"total-findings\">"), 138);
  EXPECT_EQ(Count(page, "<tr class=\"f\""), Count(en, "<tr class=\"f\""));
}

// The first N findings of each rule carry their explanation; the others say
// which command explains them.
TEST(HtmlReportTest, ExplanationsOfTheFirstFindingsOfEachRule) {
  const auto c = CheckFolder(kExample);
  HtmlReportOptions options;
  options.explained_per_rule = 1;
  const std::string page = Page(*c, options);
  std::map<std::string, size_t> rules;
  for (const Finding& f : c->report.findings) ++rules[f.rule];
  EXPECT_EQ(Count(page, "<div class=\"ex\">"), rules.size());
  EXPECT_EQ(Count(page, "Not explained in this page"), 138u - rules.size());
  EXPECT_NE(page.find("(" + std::to_string(rules.size()) + " of 138)"), std::string::npos);
  // The first finding: its rule's clause and the condition that decided.
  const Finding& first = c->report.findings.front();
  const size_t row = page.find("<tr class=\"f\" data-rule=\"" + first.rule + "\"");
  ASSERT_NE(row, std::string::npos);
  const size_t ex = page.find("<div class=\"ex\">", row);
  EXPECT_EQ(page.find("<tr class=\"f\"", row + 1) > ex, true);
  EXPECT_NE(page.find("<b>" + first.rule + "</b>", ex), std::string::npos);
  // The default explains all 138 of the example.
  EXPECT_EQ(Count(Page(*c, {}), "<div class=\"ex\">"), 138u);
}

// What the data says is text, never markup, and a URL in it is no link.
TEST(HtmlReportTest, EscapesTheData) {
  TempDir data;
  data.Write("counties.csv", "county_id,name\nC01,<b>都匀市</b>\n");
  data.Write("villages.csv",
             "village_id,county_id,township,name,category\n"
             "V1,C01,墨冲镇,新场村,ordinary\n"
             "V2,C01,\"http://example.com/?a=1&b=2\",\"<script>alert('x')</script>\",ordinary\n");
  const auto c = CheckFolder(data.path());
  ASSERT_FALSE(c->report.findings.empty());
  const std::string page = Page(*c, {});
  ExpectSelfContained(page);
  EXPECT_EQ(Count(page, "<script"), 1u);
  EXPECT_EQ(page.find("<b>都匀市"), std::string::npos);
  EXPECT_NE(page.find("<td>&lt;b&gt;都匀市&lt;/b&gt;</td>"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("http&#58;//example.com/?a=1&amp;b=2"), std::string::npos);
  // In an attribute too (the filter's county).
  EXPECT_NE(page.find("data-group=\"g:&lt;b&gt;都匀市&lt;/b&gt;\""), std::string::npos);
}

TEST(HtmlReportTest, AnUnwritableFileIsAUsageError) {
  const testing::CliRun r =
      testing::RunZhucun({"check", "--rules", kRules, "--data", kExample, "--as-of", "2024-06-30",
                          "--report", "/nonexistent-folder/report.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("zhucun check: cannot write the report to "
                       "`/nonexistent-folder/report.html`\n"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace zhucun

namespace zhucun {
namespace {

// `--report-explained N` sets how many findings of each rule the page
// explains; without `--report` it is a usage error.
TEST(HtmlReportTest, ReportExplainedSetsTheExplanationsPerRule) {
  const TempDir dir;
  const std::string file = dir.File("r.html");
  const testing::CliRun r =
      testing::RunZhucun({"check", "--rules", kRules, "--data", kExample, "--as-of", "2024-06-30",
                          "--report", file, "--report-explained", "2", "--out", dir.File("o")});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const std::string page = ReadFile(file);
  const auto c = CheckFolder(kExample);
  std::map<std::string, size_t> rules;
  for (const Finding& f : c->report.findings) ++rules[f.rule];
  size_t explained = 0;
  for (const auto& [rule, n] : rules) explained += std::min<size_t>(n, 2);
  EXPECT_EQ(Count(page, "<div class=\"ex\">"), explained);
  // The explanations name the rows that decided (Explanation::Decision).
  EXPECT_NE(page.find("<ul class=\"dec\"><li><code>"), std::string::npos);

  const testing::CliRun alone =
      testing::RunZhucun({"check", "--rules", kRules, "--data", kExample, "--as-of", "2024-06-30",
                          "--report-explained", "2"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_EQ(alone.err, "zhucun check: --report-explained needs --report FILE\n");
}

}  // namespace
}  // namespace zhucun
