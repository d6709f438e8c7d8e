// `zhucun rules`: a pack's rules as a table, for the terminal or as a
// Markdown document that policy staff can circulate.

#include <algorithm>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "command.h"
#include "words.h"
#include "zhucun/engine.h"
#include "zhucun/text.h"

namespace zhucun::cli {
namespace {

struct RulesArgs {
  std::string pack = "rules/qiannan";
  std::string format = "text";
};

// A cell of a Markdown table: `|` escaped, line breaks as spaces.
std::string MarkdownCell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// The parameters a rule reads, `a, b` (`-` for none).
std::string ParamList(const PackInfo::Rule& r) {
  std::string out;
  for (const std::string& p : r.params) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "-" : out;
}

void PrintText(const PackInfo& info, std::ostream& out) {
  const std::vector<std::string> header = {Tr("rule"), Tr("kind"), Tr("severity"), Tr("title"),
                                           Tr("parameters read"), Tr("source clause")};
  std::vector<std::vector<std::string>> rows;
  for (const PackInfo::Rule& r : info.rules) {
    rows.push_back({r.id, r.kind, SeverityWord(r.severity), RuleTitle(r, LangCode(CurrentLang())), ParamList(r), r.source});
  }
  // Every column but the last padded to its widest cell; a long title or
  // parameter list is cut (--format markdown gives them whole).
  constexpr size_t kMaxTitle = 48, kMaxParams = 40;
  for (auto& row : rows) {
    row[3] = CutToWidth(row[3], kMaxTitle);
    row[4] = CutToWidth(row[4], kMaxParams);
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = TextWidth(header[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], TextWidth(row[c]));
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < cells.size(); ++c) {
      text += c + 1 < cells.size() ? PadToWidth(cells[c], width[c]) + "  " : cells[c];
    }
    out << text << '\n';
  };
  line(header);
  for (const auto& row : rows) line(row);
}

void PrintMarkdown(const PackInfo& info, std::ostream& out) {
  out << "# " << (info.title.empty() ? info.name : info.title) << "\n\n";
  out << Tr("Policy pack `{name}` version {version}: {rules}.",
            {{"name", info.name},
             {"version", info.version.empty() ? "-" : info.version},
             {"rules", info.rules.size() == 1
                           ? Tr("1 rule")
                           : Tr("{n} rules", {{"n", std::to_string(info.rules.size())}})}})
      << "\n\n## " << Tr("Rules") << "\n\n";
  out << "| " << Tr("rule") << " | " << Tr("kind") << " | " << Tr("title") << " | "
      << Tr("severity") << " | " << Tr("source clause") << " | " << Tr("parameters read")
      << " |\n|---|---|---|---|---|---|\n";
  for (const PackInfo::Rule& r : info.rules) {
    std::string params;
    for (const std::string& p : r.params) params += (params.empty() ? "" : ", ") + ("`" + p + "`");
    out << "| `" << r.id << "` | " << r.kind << " | " << MarkdownCell(RuleTitle(r, LangCode(CurrentLang()))) << " | "
        << SeverityWord(r.severity) << " | " << MarkdownCell(r.source) << " | "
        << (params.empty() ? "-" : params) << " |\n";
  }
  if (info.parameters.empty()) return;
  out << "\n## " << Tr("Parameters") << "\n\n| " << Tr("parameter") << " | " << Tr("type")
      << " | " << Tr("value") << " | " << Tr("meaning") << " | " << Tr("source clause")
      << " |\n|---|---|---|---|---|\n";
  for (const PackInfo::Parameter& p : info.parameters) {
    out << "| `" << p.name << "` | " << p.type << " | " << MarkdownCell(p.value) << " | "
        << MarkdownCell(p.doc) << " | " << MarkdownCell(p.source) << " |\n";
  }
}

int RunRules(const RulesArgs& args, std::ostream& out, std::ostream& err) {
  SourceManager sources;
  Result<Policy> policy = Policy::Load(args.pack, sources);
  err << policy.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!policy.ok()) return kExitUsage;
  const PackInfo info = policy.value().info();
  if (args.format == "markdown") {
    PrintMarkdown(info, out);
  } else {
    PrintText(info, out);
  }
  return kExitOk;
}

}  // namespace

Command AddRulesCommand(CLI::App& app) {
  CLI::App* rules = app.add_subcommand("rules", Tr("List a policy pack's rules"));
  rules->footer(
      Tr("Lists each rule's id, kind, severity, title, the parameters it reads and\n"
         "its source clause, in the language of --lang (a rule's `title:` may give\n"
         "one per language). --format markdown writes a document with the rules and\n"
         "the parameters. Exit status: 0 the pack loads; 2 it does not, or bad usage."));
  auto args = std::make_shared<RulesArgs>();
  rules->add_option("PACK", args->pack, Tr("The policy pack folder"))->capture_default_str();
  rules->add_option("--format", args->format, Tr("`text` (a table) or `markdown`"))
      ->check(CLI::IsMember({"text", "markdown"}))
      ->capture_default_str();
  return {rules, [args](std::ostream& out, std::ostream& err) { return RunRules(*args, out, err); }};
}

}  // namespace zhucun::cli
