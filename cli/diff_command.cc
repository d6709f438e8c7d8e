// `zhucun diff OLD_PACK NEW_PACK`: what a change of policy does to the
// findings and derived rows of one data folder (zhucun/diff.h).

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "command.h"
#include "words.h"
#include "zhucun/diff.h"
#include "zhucun/engine.h"
#include "zhucun/text.h"

namespace zhucun::cli {

namespace {

struct DiffArgs : DataArgs {
  std::string old_pack;
  std::string new_pack;
  std::vector<std::string> old_params;
  std::vector<std::string> new_params;
  std::string out_dir;
  CsvOutput csv_output;
  size_t limit = 20;
};

using Kind = FindingChange::Kind;

// Counts of appearing, vanishing and changing findings.
struct Counts {
  std::array<size_t, 3> n{};
  void Add(Kind k) { ++n[static_cast<size_t>(k)]; }
};

// A table of counts by `name` (rule or group), most changes first.
void PrintCounts(const std::string& heading, const std::map<std::string, Counts>& counts,
                 std::ostream& out) {
  std::vector<std::pair<std::string, Counts>> rows(counts.begin(), counts.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    const auto total = [](const Counts& c) { return c.n[0] + c.n[1] + c.n[2]; };
    return total(a.second) > total(b.second);
  });
  size_t width = TextWidth(heading);
  for (const auto& [name, c] : rows) width = std::max(width, TextWidth(name));
  const std::string columns[] = {Tr("appear"), Tr("vanish"), Tr("change")};
  size_t cw[3];
  out << "\n  " << PadToWidth(heading, width);
  for (size_t k = 0; k < 3; ++k) {
    cw[k] = std::max<size_t>(6, TextWidth(columns[k]));
    out << "  " << std::string(cw[k] - TextWidth(columns[k]), ' ') << columns[k];
  }
  out << "\n";
  for (const auto& [name, c] : rows) {
    out << "  " << PadToWidth(name, width);
    for (size_t k = 0; k < 3; ++k) {
      const std::string n = std::to_string(c.n[k]);
      out << "  " << std::string(cw[k] > n.size() ? cw[k] - n.size() : 0, ' ') << n;
    }
    out << "\n";
  }
}

const char* Sign(Kind k) {
  switch (k) {
    case Kind::kAppeared: return "+";
    case Kind::kVanished: return "-";
    case Kind::kChanged: return "~";
  }
  return "~";
}

// The summary group of each changed finding: the new pack's for findings
// that appear or change, the old pack's for those that vanish; empty when
// the pack has no summary or the finding no group.
std::vector<std::string> Groups(const Loaded& before, const Loaded& after,
                                const ReportDiff& diff, std::ostream& err) {
  std::vector<std::string> groups(diff.findings.size());
  for (const bool old_side : {true, false}) {
    const Loaded& side = old_side ? before : after;
    if (side.policy->summary_by().empty()) continue;
    std::vector<Finding> findings;
    std::vector<size_t> index;
    for (size_t i = 0; i < diff.findings.size(); ++i) {
      if ((diff.findings[i].kind == Kind::kVanished) != old_side) continue;
      findings.push_back(diff.findings[i].finding());
      index.push_back(i);
    }
    Result<std::vector<std::string>> g =
        side.policy->SummaryGroups(side.facts, side.options, findings);
    err << g.diagnostics().Render(SourceManager{}, LangCode(CurrentLang()));
    if (!g.ok()) continue;
    for (size_t k = 0; k < index.size(); ++k) groups[index[k]] = g.value()[k];
  }
  return groups;
}

// Writes the two files; "" or why not.
std::string WriteDiff(const std::string& dir, const CsvOutput& output, const ReportDiff& diff,
                      const std::vector<std::string>& groups, const std::string& by) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Tr("cannot write to `{out}`", {{"out", dir}});
  const std::string findings_why = WriteCsv(
      dir + "/findings_diff.csv", output,
      {"change", "rule", "subject", "period", by.empty() ? "group" : by, "severity_before",
       "severity_after", "message_before", "message_after"},
      diff.findings.size(), [&](size_t row, size_t column, std::string* line) {
        const FindingChange& c = diff.findings[row];
        const Finding& f = c.finding();
        switch (column) {
          case 0: *line += ChangeName(c.kind); break;
          case 1: *line += f.rule; break;
          case 2: *line += f.subject; break;
          case 3: *line += f.period; break;
          case 4: *line += groups[row]; break;
          case 5: *line += c.before.severity; break;
          case 6: *line += c.after.severity; break;
          case 7: *line += c.before.message; break;
          default: *line += c.after.message; break;
        }
      });
  if (!findings_why.empty()) return findings_why;
  return WriteCsv(
      dir + "/derived_diff.csv", output, {"change", "table", "key", "before", "after"},
      diff.derived.size(), [&](size_t row, size_t column, std::string* line) {
        const DerivedRowChange& c = diff.derived[row];
        switch (column) {
          case 0: *line += ChangeName(c.kind); break;
          case 1: *line += c.table; break;
          case 2: *line += c.key; break;
          case 3: *line += c.before; break;
          default: *line += c.after; break;
        }
      });
}

int RunDiff(const DiffArgs& args, std::ostream& out, std::ostream& err) {
  if (!CheckCsvOutput("diff", args.csv_output, err)) return kExitUsage;
  SourceManager sources;
  Loaded before, after;
  DataArgs side = args;
  side.rules = args.old_pack;
  side.params.insert(side.params.end(), args.old_params.begin(), args.old_params.end());
  if (!LoadData("diff", side, sources, &before, err)) return kExitUsage;
  side = args;
  side.quiet_files = true;  // (said for the old pack)
  side.rules = args.new_pack;
  side.params.insert(side.params.end(), args.new_params.begin(), args.new_params.end());
  if (!LoadData("diff", side, sources, &after, err)) return kExitUsage;
  before.options.threads = after.options.threads = args.threads;
  Result<Report> old_report = before.policy->Check(before.facts, before.options);
  err << old_report.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!old_report.ok()) return kExitUsage;
  Result<Report> new_report = after.policy->Check(after.facts, after.options);
  err << new_report.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!new_report.ok()) return kExitUsage;

  const ReportDiff diff = Diff(old_report.value(), new_report.value());
  const std::vector<std::string> groups = Groups(before, after, diff, err);
  // (The output files' column is named in the pack's first language; what is
  // printed, in the chosen one.)
  const std::string& by = after.policy->summary_by(LangCode(CurrentLang()));
  if (!args.out_dir.empty()) {
    const std::string why =
        WriteDiff(args.out_dir, args.csv_output, diff, groups, after.policy->summary_by());
    if (!why.empty()) {
      err << "zhucun diff: " << why << "\n";
      return kExitUsage;
    }
  }

  Counts total, rows;
  std::map<std::string, Counts> by_rule, by_group;
  for (size_t i = 0; i < diff.findings.size(); ++i) {
    const FindingChange& c = diff.findings[i];
    total.Add(c.kind);
    by_rule[c.finding().rule].Add(c.kind);
    by_group[groups[i].empty() ? Tr("(no {group})", {{"group", by.empty() ? Tr("group") : by}})
                               : groups[i]]
        .Add(c.kind);
  }
  for (const DerivedRowChange& c : diff.derived) rows.Add(c.kind);
  const auto n = [](size_t v) { return std::to_string(v); };
  out << Tr("zhucun diff: {old} -> {new} as of {as_of}",
            {{"old", args.old_pack}, {"new", args.new_pack},
             {"as_of", after.options.as_of.ToString()}})
      << "\n"
      << Tr("  findings: {appear} appear, {vanish} vanish, {change} change message or severity",
            {{"appear", n(total.n[0])}, {"vanish", n(total.n[1])}, {"change", n(total.n[2])}})
      << "\n"
      << Tr("  derived rows: {appear} appear, {vanish} vanish, {change} change",
            {{"appear", n(rows.n[0])}, {"vanish", n(rows.n[1])}, {"change", n(rows.n[2])}})
      << "\n";
  if (diff.empty()) {
    out << Tr("nothing changes") << "\n";
    return kExitOk;
  }
  if (!diff.findings.empty()) {
    PrintCounts(Tr("rule"), by_rule, out);
    if (!by.empty()) PrintCounts(by, by_group, out);
  }
  const auto more = [&](size_t shown, size_t all) {
    if (shown < all) {
      out << Tr("  ... and {n} more", {{"n", std::to_string(all - shown)}})
          << (args.out_dir.empty() ? Tr(" (--out writes every one)") : "") << "\n";
    }
  };
  if (!diff.findings.empty()) {
    out << "\n" << Tr("findings (+ appears, - vanishes, ~ changes):") << "\n";
    const size_t shown = std::min(diff.findings.size(), args.limit);
    for (size_t i = 0; i < shown; ++i) {
      const FindingChange& c = diff.findings[i];
      const Finding& f = c.finding();
      out << "  " << Sign(c.kind) << " " << SeverityWord(f.severity) << "  " << f.rule << "  "
          << f.subject
          << (f.period.empty() ? "" : "  " + f.period) << "\n      ";
      if (c.kind == Kind::kChanged) {
        if (c.before.severity != c.after.severity) {
          out << SeverityWord(c.before.severity) << " -> " << SeverityWord(c.after.severity)
              << ": ";
        }
        out << c.before.message << "\n   -> " << c.after.message << "\n";
      } else {
        out << f.message << "\n";
      }
    }
    more(shown, diff.findings.size());
  }
  if (!diff.derived.empty()) {
    out << "\n" << Tr("derived rows (+ appears, - vanishes, ~ changes):") << "\n";
    const size_t shown = std::min(diff.derived.size(), args.limit);
    for (size_t i = 0; i < shown; ++i) {
      const DerivedRowChange& c = diff.derived[i];
      out << "  " << Sign(c.kind) << " " << c.table << "  " << c.key << "\n";
      if (c.kind == Kind::kChanged) {
        out << "      " << c.before << "\n   -> " << c.after << "\n";
      }
    }
    more(shown, diff.derived.size());
  }
  return kExitFindings;
}

}  // namespace

Command AddDiffCommand(CLI::App& app) {
  CLI::App* diff = app.add_subcommand(
      "diff", Tr("What a change of policy does: findings and derived rows that differ"));
  diff->footer(
      Tr("Checks DATA with OLD_PACK and with NEW_PACK (each with its own schema and\n"
      "parameters) and lists the findings that appear, vanish or change message\n"
      "or severity, and the derived rows that change, with counts by rule and by\n"
      "the pack's summary group. --out writes findings_diff.csv and\n"
      "derived_diff.csv. Exit status: 0 nothing changes; 1 something does;\n"
      "2 bad rules, bad input (strict), a malformed file or bad usage."));
  auto args = std::make_shared<DiffArgs>();
  diff->add_option("OLD_PACK", args->old_pack, Tr("The pack as it is (a folder)"))->required();
  diff->add_option("NEW_PACK", args->new_pack, Tr("The pack as edited (a folder)"))->required();
  AddDataOptions(diff, args.get(), /*rules=*/false);
  diff->add_option("--old-param", args->old_params,
                   Tr("Override a parameter of OLD_PACK only: NAME=VALUE (repeatable)"));
  diff->add_option("--new-param", args->new_params,
                   Tr("Override a parameter of NEW_PACK only: NAME=VALUE (repeatable)"));
  diff->add_option("--out", args->out_dir, Tr("Write findings_diff.csv and derived_diff.csv here"));
  AddCsvOutputOptions(diff, &args->csv_output);
  diff->add_option("--limit", args->limit, Tr("The most changes listed per section"))
      ->capture_default_str();
  diff->add_option("--threads", args->threads,
                   Tr("Threads that read the files and evaluate the rules (0: one per core)"))
      ->capture_default_str();
  return {diff, [args](std::ostream& out, std::ostream& err) {
            return RunDiff(*args, out, err);
          }};
}

}  // namespace zhucun::cli
