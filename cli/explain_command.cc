// `zhucun explain` (why one finding fired, or did not) and `zhucun validate`
// (load a pack and report every problem), and the display helpers the check
// summary shares with them.

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/text.h"

namespace zhucun::cli {

std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

// "name = value" in `width` columns: a long name is cut, not the value (what
// a clerk reads); the value only where it alone takes more than half.
std::string NameAndValue(const std::string& name, const std::string& value, size_t width) {
  std::string whole = name + " = " + value;
  if (TextWidth(whole) <= width) return whole;
  const std::string v = CutToWidth(value, std::min(TextWidth(value), width / 2));
  return CutToWidth(name, width - TextWidth(v) - 3) + " = " + v;
}

void PrintCompactExplanation(const Explanation& e, const std::string& indent,
                             std::ostream& out) {
  constexpr size_t kWidth = 100;
  if (!e.source.empty()) out << indent << "clause: " << e.source << '\n';
  std::vector<std::string> parts;
  if (e.periods) {
    parts.push_back(NameAndValue("periods: " + e.periods->name, e.periods->value, kWidth));
  }
  for (const Explanation::Item& let : e.lets) {
    parts.push_back(NameAndValue(let.name, let.value, kWidth));
  }
  for (const Explanation::Item& c : e.conditions) {
    if (c.name == c.value) continue;  // `when: true`
    parts.push_back(NameAndValue(c.name, c.value, kWidth));
  }
  if (parts.empty()) return;
  out << indent << "values:";
  for (const std::string& p : parts) out << "\n" << indent << "  " << p;
  out << '\n';
}

namespace {

int RunExplain(const DataArgs& args, const std::vector<std::string>& finding,
               std::ostream& out, std::ostream& err) {
  if (finding.size() < 2 || finding.size() > 3) {
    err << "zhucun explain: expected RULE SUBJECT [PERIOD], e.g. "
           "`zhucun explain ... team.first_secretary teams:T0001`\n";
    return kExitUsage;
  }
  SourceManager sources;
  Loaded loaded;
  if (!LoadData("explain", args, sources, &loaded, err)) return kExitUsage;
  Result<Explanation> e =
      loaded.policy->Explain(loaded.facts, loaded.options, finding[0],
                             finding[1], finding.size() == 3 ? finding[2] : "");
  err << e.diagnostics().Render(sources);
  if (!e.ok()) return kExitUsage;
  out << FormatExplanation(e.value());
  return e.value().fired ? kExitOk : kExitFindings;
}

// "3 rules" / "1 rule".
std::string Count(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

int RunValidate(const std::string& pack, std::ostream& out, std::ostream& err) {
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack, sources);
  err << policy.diagnostics().Render(sources);
  if (!policy.ok()) {
    size_t errors = 0;
    for (const Diagnostic& d : policy.diagnostics().items()) {
      if (d.severity == Severity::kError) ++errors;
    }
    err << "zhucun validate: " << Count(errors, "problem", "problems")
        << " in `" << pack << "`\n";
    return kExitUsage;
  }
  const PackInfo info = policy.value().info();
  std::map<std::string, size_t> kinds, severities;
  for (const PackInfo::Rule& r : info.rules) {
    ++kinds[r.kind];
    ++severities[r.severity];
  }
  std::vector<std::string> by_kind, by_severity;
  for (const auto& [kind, n] : kinds)
    by_kind.push_back(std::to_string(n) + " " + kind);
  // ("19 of severity error": the rules' severities, not problems found.)
  for (const auto& [sev, n] : severities) {
    by_severity.push_back(std::to_string(n) + " of severity " + sev);
  }
  std::string text =
      info.name + (info.version.empty() ? "" : " " + info.version);
  if (!info.title.empty()) text += " (" + info.title + ")";
  text += " is valid: " + Count(info.rules.size(), "rule", "rules");
  if (!info.rules.empty()) {
    text += " (" + JoinWords(by_kind) + "; " + JoinWords(by_severity) + ")";
  }
  text += ", " + Count(info.parameters.size(), "parameter", "parameters");
  text += ", " + Count(info.derived.size(), "derived table", "derived tables");
  if (!info.derived.empty()) {
    std::vector<std::string> names;
    for (const std::string& d : info.derived) names.push_back("`" + d + "`");
    text += " (" + JoinWords(names) + ")";
  }
  text += " and " + Count(info.test_files.size(), "test file", "test files");
  text += info.summary_by.empty() ? "; no summary groups."
                                  : "; the check summary counts findings by " +
                                        info.summary_by + ".";
  out << text << '\n';
  return kExitOk;
}

}  // namespace

Command AddExplainCommand(CLI::App& app) {
  CLI::App* explain = app.add_subcommand(
      "explain", "Explain why a rule fired, or did not, for one subject");
  explain->footer(
      "RULE SUBJECT [PERIOD] name a finding as in findings.csv, e.g.\n"
      "`team.first_secretary teams:T0001` or `visits.deputy leaders:L01 "
      "2023-Q1`.\n"
      "Prints the rule, its source clause, the subject's row, each value and\n"
      "condition that decided it. Exit status: 0 the rule fired; 1 it did\n"
      "not; 2 bad usage, rules or input, or an unknown rule, subject or "
      "period.");
  auto args = std::make_shared<DataArgs>();
  auto finding = std::make_shared<std::vector<std::string>>();
  // One value per --param, which leaves RULE SUBJECT [PERIOD] alone.
  AddDataOptions(explain, args.get())->allow_extra_args(false);
  explain->add_option("FINDING", *finding, "The finding: RULE SUBJECT [PERIOD]")
      ->required()
      ->type_name("RULE SUBJECT [PERIOD]");
  return {explain, [args, finding](std::ostream& out, std::ostream& err) {
            return RunExplain(*args, *finding, out, err);
          }};
}

Command AddValidateCommand(CLI::App& app) {
  CLI::App* validate = app.add_subcommand(
      "validate", "Load a policy pack and report every problem in it");
  validate->footer(
      "Exit status: 0 the pack loads (warnings are printed); 2 it has "
      "problems.");
  auto pack = std::make_shared<std::string>("rules/qiannan");
  validate->add_option("PACK", *pack, "The policy pack folder")
      ->capture_default_str();
  return {validate, [pack](std::ostream& out, std::ostream& err) {
            return RunValidate(*pack, out, err);
          }};
}

}  // namespace zhucun::cli
