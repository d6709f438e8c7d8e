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
#include "words.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/text.h"

namespace zhucun::cli {

std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? Tr(" and ") : Tr(", ");
    out += words[i];
  }
  return out;
}

std::string SeverityWord(const std::string& severity) {
  if (severity == "error") return Tr("error");
  if (severity == "warning") return Tr("warning");
  return severity;
}

const std::string& RuleTitle(const PackInfo::Rule& rule, std::string_view lang) {
  for (const auto& [l, title] : rule.titles) {
    if (l == lang) return title;
  }
  return rule.title;
}

std::vector<GroupCount> CountByGroup(const std::vector<Finding>& findings,
                                     const std::vector<std::string>& groups) {
  std::map<std::string, GroupCount> by;
  for (size_t i = 0; i < findings.size(); ++i) {
    GroupCount& g = by[groups[i]];
    g.name = groups[i];
    ++(findings[i].severity == "error" ? g.errors : g.warnings);
  }
  std::vector<GroupCount> rows;
  for (auto& [name, row] : by) rows.push_back(row);
  std::stable_sort(rows.begin(), rows.end(), [](const GroupCount& a, const GroupCount& b) {
    if (a.name.empty() != b.name.empty()) return b.name.empty();
    return a.errors + a.warnings > b.errors + b.warnings;
  });
  return rows;
}

size_t CountErrors(const std::vector<Finding>& findings) {
  return static_cast<size_t>(std::count_if(
      findings.begin(), findings.end(), [](const Finding& f) { return f.severity == "error"; }));
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
  if (!e.source.empty()) out << indent << Tr("clause: ") << e.source << '\n';
  std::vector<std::string> parts;
  if (e.periods) {
    parts.push_back(NameAndValue("periods: " + e.periods->name, e.periods->value, kWidth));
  }
  // Under a value, what decided it (the rows behind an exists or a filter).
  const auto decided = [&](const std::vector<std::vector<Explanation::Decision>>& all, size_t i) {
    if (i >= all.size()) return;
    for (const Explanation::Decision& d : all[i]) {
      parts.push_back("  " + CutToWidth(FormatDecision(d, LangCode(CurrentLang())), kWidth - 2));
    }
  };
  for (size_t i = 0; i < e.lets.size(); ++i) {
    parts.push_back(NameAndValue(e.lets[i].name, e.lets[i].value, kWidth));
    decided(e.let_decisions, i);
  }
  for (size_t i = 0; i < e.conditions.size(); ++i) {
    const Explanation::Item& c = e.conditions[i];
    if (c.name == c.value) continue;  // `when: true`
    parts.push_back(NameAndValue(c.name, c.value, kWidth));
    decided(e.condition_decisions, i);
  }
  if (parts.empty()) return;
  out << indent << Tr("values:");
  for (const std::string& p : parts) out << "\n" << indent << "  " << p;
  out << '\n';
}

namespace {

int RunExplain(const DataArgs& args, const std::vector<std::string>& finding,
               std::ostream& out, std::ostream& err) {
  if (finding.size() < 2 || finding.size() > 3) {
    err << Tr("zhucun explain: expected RULE SUBJECT [PERIOD], e.g. "
              "`zhucun explain ... team.first_secretary teams:T0001`")
        << "\n";
    return kExitUsage;
  }
  SourceManager sources;
  Loaded loaded;
  if (!LoadData("explain", args, sources, &loaded, err)) return kExitUsage;
  Result<Explanation> e =
      loaded.policy->Explain(loaded.facts, loaded.options, finding[0],
                             finding[1], finding.size() == 3 ? finding[2] : "");
  err << e.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!e.ok()) return kExitUsage;
  out << FormatExplanation(e.value(), LangCode(CurrentLang()));
  return e.value().fired ? kExitOk : kExitFindings;
}

// "3 rules" / "1 rule".
std::string Count(size_t n, const std::string& one, const std::string& many) {
  return n == 1 ? one : many;
}

// {{"n", "3"}}
Values N(size_t n) {
  return {{"n", std::to_string(n)}};
}

int RunValidate(const std::string& pack, std::ostream& out, std::ostream& err) {
  SourceManager sources;
  Result<Policy> policy = Policy::Load(pack, sources);
  err << policy.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!policy.ok()) {
    size_t errors = 0;
    for (const Diagnostic& d : policy.diagnostics().items()) {
      if (d.severity == Severity::kError) ++errors;
    }
    err << Tr("zhucun validate: {problems} in `{pack}`",
              {{"problems", Count(errors, Tr("1 problem"), Tr("{n} problems", N(errors)))}, {"pack", pack}})
        << "\n";
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
    by_kind.push_back(Tr("{n} {kind}", {{"n", std::to_string(n)}, {"kind", kind}}));
  // ("19 of severity error": the rules' severities, not problems found.)
  for (const auto& [sev, n] : severities) {
    by_severity.push_back(
        Tr("{n} of severity {severity}", {{"n", std::to_string(n)}, {"severity", SeverityWord(sev)}}));
  }
  std::string pack_name = info.name + (info.version.empty() ? "" : " " + info.version);
  if (!info.title.empty()) pack_name += " (" + info.title + ")";
  std::string rules = Count(info.rules.size(), Tr("1 rule"), Tr("{n} rules", N(info.rules.size())));
  if (!info.rules.empty()) {
    rules += Tr(" ({kinds}; {severities})",
                {{"kinds", JoinWords(by_kind)}, {"severities", JoinWords(by_severity)}});
  }
  std::string derived = Count(info.derived.size(), Tr("1 derived table"), Tr("{n} derived tables", N(info.derived.size())));
  if (!info.derived.empty()) {
    std::vector<std::string> names;
    for (const std::string& d : info.derived) names.push_back("`" + d + "`");
    derived += Tr(" ({names})", {{"names", JoinWords(names)}});
  }
  out << Tr("{pack} is valid: {rules}, {parameters}, {derived} and {tests}",
            {{"pack", pack_name},
             {"rules", rules},
             {"parameters", Count(info.parameters.size(), Tr("1 parameter"), Tr("{n} parameters", N(info.parameters.size())))},
             {"derived", derived},
             {"tests", Count(info.test_files.size(), Tr("1 test file"), Tr("{n} test files", N(info.test_files.size())))}})
      << (info.summary_by.empty()
              ? Tr("; no summary groups.")
              : Tr("; the check summary counts findings by {group}.",
                   {{"group", info.summary_by}}))
      << '\n';
  return kExitOk;
}

}  // namespace

Command AddExplainCommand(CLI::App& app) {
  CLI::App* explain = app.add_subcommand(
      "explain", Tr("Explain why a rule fired, or did not, for one subject"));
  explain->footer(
      Tr("RULE SUBJECT [PERIOD] name a finding as in findings.csv, e.g.\n"
      "`team.first_secretary teams:T0001` or `visits.deputy leaders:L01 "
      "2023-Q1`.\n"
      "Prints the rule, its source clause, the subject's row, each value and\n"
      "condition that decided it. Exit status: 0 the rule fired; 1 it did\n"
      "not; 2 bad usage, rules or input, or an unknown rule, subject or "
      "period."));
  auto args = std::make_shared<DataArgs>();
  auto finding = std::make_shared<std::vector<std::string>>();
  // One value per --param, which leaves RULE SUBJECT [PERIOD] alone.
  AddDataOptions(explain, args.get())->allow_extra_args(false);
  explain->add_option("FINDING", *finding, Tr("The finding: RULE SUBJECT [PERIOD]"))
      ->required()
      ->type_name("RULE SUBJECT [PERIOD]");
  return {explain, [args, finding](std::ostream& out, std::ostream& err) {
            return RunExplain(*args, *finding, out, err);
          }};
}

Command AddValidateCommand(CLI::App& app) {
  CLI::App* validate = app.add_subcommand(
      "validate", Tr("Load a policy pack and report every problem in it"));
  validate->footer(
      Tr("Exit status: 0 the pack loads (warnings are printed); 2 it has "
      "problems."));
  auto pack = std::make_shared<std::string>("rules/qiannan");
  validate->add_option("PACK", *pack, Tr("The policy pack folder"))
      ->capture_default_str();
  return {validate, [pack](std::ostream& out, std::ostream& err) {
            return RunValidate(*pack, out, err);
          }};
}

}  // namespace zhucun::cli
