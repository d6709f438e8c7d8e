#ifndef ZHUCUN_CLI_HTML_REPORT_H_
#define ZHUCUN_CLI_HTML_REPORT_H_

// `zhucun check --report FILE` (docs/report.md): one self-contained HTML
// page of a check's results, for people who read results rather than CSV
// files. No network: the styles, the script and the charts (inline SVG) are
// in the page, and no URL is written into it.

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>

#include "zhucun/engine.h"

namespace zhucun::cli {

struct HtmlReportOptions {
  // The page's language: "en" or "zh" (简体); anything else is "en".
  std::string lang = "en";
  // The page's heading; empty: the pack's title.
  std::string title;
  // The data folder, as the command line named it (shown, never read).
  std::string data;
  // Explanations written into the page per rule: the first this many of a
  // rule's findings (Report order); 0: none. The rest say which `zhucun
  // explain` command explains them. (Explaining costs about as much as a
  // small check per finding, and each adds about 1.5 KB to the page.)
  size_t explained_per_rule = 200;
  // Threads that explain findings and leader periods (0: one per core).
  unsigned threads = 0;
};

// Writes the report of `report`, the result of `policy.Check(facts,
// check)`, to `out`: totals, findings by the pack's summary group and by
// rule, leader-visit compliance (rules of kind `visit_quota`), the
// distribution of scores and grades per year (a derived table with a
// `year` column), and every finding with its explanation. False, with
// `*error` set, when explaining the facts fails or `out` fails.
bool WriteHtmlReport(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
                     const CheckOptions& check, const Report& report,
                     const HtmlReportOptions& options, std::ostream& out, std::string* error);

}  // namespace zhucun::cli

#endif  // ZHUCUN_CLI_HTML_REPORT_H_
