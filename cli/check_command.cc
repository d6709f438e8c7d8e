// `zhucun load` and `zhucun check` (DATA.md, "The CLI contract").

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "html_report.h"
#include "words.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/schema.h"
#include "zhucun/text.h"

namespace zhucun::cli {
namespace {

// Quotes the field that begins at `from` of `line` (RFC 4180) when it holds
// a comma, a double quote or a line break.
void QuoteFieldFrom(size_t from, std::string* line) {
  if (line->find_first_of(",\"\n\r", from) == std::string::npos) return;
  std::string quoted = "\"";
  for (size_t i = from; i < line->size(); ++i) {
    if ((*line)[i] == '"') quoted += '"';
    quoted += (*line)[i];
  }
  quoted += '"';
  line->replace(from, std::string::npos, quoted);
}

}  // namespace

std::string WriteCsv(const std::string& path, const CsvOutput& output,
                     const std::vector<std::string>& header, size_t rows, const CsvCell& cell) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (output.bom) f << "\xEF\xBB\xBF";
  // UTF-8 (DATA.md's output) goes out a megabyte at a time; another
  // encoding is converted as one text (iconv may begin its output with a
  // mark, as UTF-16 does), so the file is held in memory once.
  const bool convert = !IsUtf8Encoding(output.encoding);
  constexpr size_t kFlushAt = size_t{1} << 20;
  std::string text;
  const auto line = [&](size_t columns, const auto& append) {
    for (size_t i = 0; i < columns; ++i) {
      if (i > 0) text += ',';
      const size_t from = text.size();
      append(i);
      QuoteFieldFrom(from, &text);
    }
    text += '\n';
    if (!convert && text.size() >= kFlushAt) {
      f.write(text.data(), static_cast<std::streamsize>(text.size()));
      text.clear();
    }
  };
  line(header.size(), [&](size_t i) { text += header[i]; });
  for (size_t r = 0; r < rows; ++r) {
    line(header.size(), [&](size_t i) { cell(r, i, &text); });
  }
  if (convert) {
    std::string why;
    if (!ConvertFromUtf8(&text, output.encoding, &why)) {
      return Tr("cannot write `{file}` in {encoding}: {why}",
                {{"file", path}, {"encoding", output.encoding}, {"why", why}});
    }
  }
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!f) return Tr("cannot write `{file}`", {{"file", path}});
  return "";
}

void AddCsvOutputOptions(CLI::App* app, CsvOutput* output) {
  app->add_flag("--csv-bom", output->bom,
                Tr("Begin the output CSV files with a UTF-8 byte-order mark, so that Excel "
                   "reads Chinese text right"));
  app->add_option("--out-encoding", output->encoding,
                  Tr("The output files' encoding, e.g. gb18030 for Excel on Chinese Windows "
                     "(converted with iconv)"))
      ->capture_default_str();
}

bool CheckCsvOutput(const std::string& command, const CsvOutput& output, std::ostream& err) {
  std::string nothing, why;
  if (!ConvertFromUtf8(&nothing, output.encoding, &why)) {
    err << Tr("zhucun {command}: --out-encoding: {why}", {{"command", command}, {"why", why}})
        << "\n";
    return false;
  }
  if (output.bom && !IsUtf8Encoding(output.encoding)) {
    err << Tr("zhucun {command}: --csv-bom writes UTF-8's byte-order mark, so it goes with "
              "UTF-8 output only, not --out-encoding {encoding}",
              {{"command", command}, {"encoding", output.encoding}})
        << "\n";
    return false;
  }
  return true;
}

bool ParseParams(const std::string& command, const std::vector<std::string>& args,
                 std::map<std::string, std::string>* params, std::ostream& err) {
  for (const std::string& kv : args) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      err << Tr("zhucun {command}: `--param {arg}`: expected NAME=VALUE",
                {{"command", command}, {"arg", kv}})
          << "\n";
      return false;
    }
    (*params)[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return true;
}

void AddEncodingOption(CLI::App* app, std::vector<std::string>* encodings) {
  app->add_option("--encoding", *encodings,
                  Tr("The files' encoding (default utf-8), e.g. gb18030, converted with iconv; "
                     "TABLE=ENC for one table's file, e.g. payments=gb18030 (repeatable)"));
}

void AddProblemsOption(CLI::App* app, std::string* file) {
  app->add_option("--problems", *file,
                  Tr("Write every problem of the data to this file, one by one (the screen "
                     "shows the rows rejected for a row they refer to as one line per row)"));
}

bool WriteProblems(const std::string& command, const std::string& file, const Diagnostics& all,
                   const SourceManager& sources, std::ostream& err) {
  if (file.empty()) return true;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << all.Render(sources, LangCode(CurrentLang()));
  if (!out) {
    err << Tr("zhucun {command}: cannot write `{file}`", {{"command", command}, {"file", file}})
        << "\n";
    return false;
  }
  return true;
}

bool ParseEncodings(const std::string& command, const std::vector<std::string>& args,
                    CsvOptions* csv, std::ostream& err) {
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      csv->encoding = arg;
      continue;
    }
    if (eq == 0 || eq + 1 == arg.size()) {
      err << Tr("zhucun {command}: `--encoding {arg}`: expected ENC or TABLE=ENC, e.g. "
                "gb18030 or payments=gb18030",
                {{"command", command}, {"arg", arg}})
          << "\n";
      return false;
    }
    csv->table_encodings[arg.substr(0, eq)] = arg.substr(eq + 1);
  }
  return true;
}

CLI::Option* AddDataOptions(CLI::App* app, DataArgs* args, bool rules) {
  if (rules) {
    app->add_option("--rules", args->rules, Tr("The policy pack folder"))->capture_default_str();
  }
  app->add_option("--data", args->data, Tr("The folder of CSV files"))->required();
  app->add_option("--as-of", args->as_of, Tr("The evaluation date YYYY-MM-DD"))
      ->required();
  app->add_option("--from", args->from,
                  Tr("The start of the evaluation window (default: the pack's "
                     "window_start)"));
  AddEncodingOption(app, &args->encodings);
  CLI::Option* params = app->add_option(
      "--param", args->params,
      Tr("Override a pack parameter: NAME=VALUE, VALUE written as in YAML "
         "(0.25, [a, b], {k: v}) (repeatable)"));
  app->add_flag("--lenient", args->lenient,
                Tr("Leave bad rows out; each becomes an input.invalid finding"));
  AddProblemsOption(app, &args->problems);
  return params;
}

// The table of exception records (docs/rules.md, "Exceptions"): optional,
// so neither its absence nor its emptiness is worth a line.
constexpr std::string_view kExceptionsTable = "exceptions";

// A clerk's wrong `--data` folder reads as empty tables and a clean result
// (DATA.md: an absent file is an empty table): say which tables had no file
// (the optional exception records aside), and name CSV files that are no
// table of the pack, with a did-you-mean (`payments (1).csv`).
void WarnAboutFiles(const std::string& command, const Schema& schema, const std::string& data,
                    std::ostream& err) {
  std::vector<std::string> tables, absent;
  for (const TableSchema& t : schema.tables) {
    tables.push_back(t.name);
    std::error_code ec;
    if (t.name != kExceptionsTable &&
        !std::filesystem::exists(std::filesystem::path(data) / (t.name + ".csv"), ec)) {
      absent.push_back("`" + t.name + "`");
    }
  }
  std::vector<std::string> strays;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data, ec)) {
    const std::filesystem::path& path = entry.path();
    if (path.extension() != ".csv" && path.extension() != ".CSV") continue;
    const std::string stem = path.stem().string();
    if (path.extension() == ".csv" &&
        std::find(tables.begin(), tables.end(), stem) != tables.end()) {
      continue;
    }
    strays.push_back(path.filename().string());
  }
  std::sort(strays.begin(), strays.end());
  if (!absent.empty()) {
    err << Tr("zhucun {command}: warning: {n} of the pack's {total} tables have no file "
              "in `{data}` and are read as empty: {tables}",
              {{"command", command},
               {"n", std::to_string(absent.size())},
               {"total", std::to_string(schema.tables.size())},
               {"data", data},
               {"tables", JoinWords(absent)}})
        << "\n";
  }
  for (const std::string& file : strays) {
    std::string stem = std::filesystem::path(file).stem().string();
    std::string best = ClosestMatch(stem, tables);
    // `payments (1)`, `payments-2024`: the table whose name it starts with.
    for (const std::string& t : tables) {
      if (best.empty() && stem.size() > t.size() && stem.compare(0, t.size(), t) == 0) best = t;
    }
    err << Tr("zhucun {command}: warning: `{file}` is not a table of the pack and is not read",
              {{"command", command}, {"file", file}})
        << (best.empty() ? std::string() : Tr("; did you mean `{file}`?", {{"file", best + ".csv"}}))
        << "\n";
  }
}

bool LoadData(const std::string& command, const DataArgs& args,
              SourceManager& sources, Loaded* loaded, std::ostream& err) {
  const auto date = [&](const char* option, const std::string& text) {
    auto d = Date::Parse(text);
    if (!d) {
      err << Tr("zhucun {command}: `{option} {text}` is not a date; expected YYYY-MM-DD (a "
                "real calendar date)",
                {{"command", command}, {"option", option}, {"text", text}})
          << "\n";
    }
    return d;
  };
  auto as_of = date("--as-of", args.as_of);
  if (!as_of) return false;
  loaded->options.as_of = *as_of;
  loaded->options.lang = LangCode(CurrentLang());
  if (!args.from.empty()) {
    auto from = date("--from", args.from);
    if (!from) return false;
    loaded->options.from = *from;
  }
  if (loaded->options.from && *as_of < *loaded->options.from) {
    err << Tr("zhucun {command}: warning: --from {from} is after --as-of {as_of}, so no "
              "period is judged",
              {{"command", command}, {"from", args.from}, {"as_of", args.as_of}})
        << "\n";
  }
  std::map<std::string, std::string> params;
  if (!ParseParams(command, args.params, &params, err)) return false;
  Result<Policy> policy = Policy::Load(args.rules, sources, params);
  err << policy.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!policy.ok()) return false;
  loaded->policy = std::move(policy).value();
  CsvOptions csv;
  csv.strictness = args.lenient ? Strictness::kLenient : Strictness::kStrict;
  if (!ParseEncodings(command, args.encodings, &csv, err)) return false;
  csv.threads = args.threads;
  Diagnostics all;
  if (!args.problems.empty()) csv.all_problems = &all;
  Result<FactSet> facts =
      ReadCsvFolder(loaded->policy->schema(), args.data, csv, sources);
  err << facts.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!WriteProblems(command, args.problems, all, sources, err)) return false;
  if (!facts.ok()) return false;
  loaded->facts = std::make_shared<const FactSet>(std::move(facts).value());
  if (!args.quiet_files) WarnAboutFiles(command, loaded->policy->schema(), args.data, err);
  return true;
}

namespace {

// `s` right-aligned in `width` terminal cells.
std::string AlignRight(const std::string& s, size_t width) {
  const size_t w = TextWidth(s);
  return std::string(width > w ? width - w : 0, ' ') + s;
}

// Per table: rows read, kept (`kept` column title) and left out (`left`).
void PrintRowCounts(const FactSet& facts, const std::string& kept, const std::string& left,
                    const std::string& indent, std::ostream& out) {
  const size_t width = std::max<size_t>(8, TextWidth(kept));
  out << indent << PadToWidth(Tr("table"), 16) << " " << AlignRight(Tr("read"), 6) << "  "
      << AlignRight(kept, width) << "  " << AlignRight(left, 8) << "\n";
  for (const TableStats& s : facts.stats()) {
    // Exception records are optional (docs/rules.md, "Exceptions"): without
    // any, the accounting is as it was before they existed.
    if (s.table == kExceptionsTable && s.read == 0) continue;
    out << indent << PadToWidth(s.table, 16) << " " << AlignRight(std::to_string(s.read), 6)
        << "  " << AlignRight(std::to_string(s.accepted), width) << "  "
        << AlignRight(std::to_string(s.rejected), 8) << "\n";
  }
}

// `zhucun load`: reads a data folder against a pack's schema and reports
// every problem, and per table the rows read, accepted and rejected.
int RunLoad(const std::string& rules, const std::string& data, bool lenient,
            const std::vector<std::string>& encodings, unsigned threads,
            const std::string& problems, std::ostream& out, std::ostream& err) {
  SourceManager sources;
  const std::string schema_path = rules + "/schema.yaml";
  Result<Schema> schema = LoadSchema(schema_path, sources);
  if (!schema.ok()) {
    err << schema.diagnostics().Render(sources, LangCode(CurrentLang()));
    return kExitUsage;
  }
  CsvOptions options;
  options.strictness = lenient ? Strictness::kLenient : Strictness::kStrict;
  if (!ParseEncodings("load", encodings, &options, err)) return kExitUsage;
  options.threads = threads;
  Diagnostics all;
  if (!problems.empty()) options.all_problems = &all;
  Result<FactSet> facts = ReadCsvFolder(schema.value(), data, options, sources);
  err << facts.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!WriteProblems("load", problems, all, sources, err)) return kExitUsage;
  if (!facts.ok()) return kExitUsage;
  WarnAboutFiles("load", schema.value(), data, err);
  PrintRowCounts(facts.value(), Tr("accepted"), Tr("rejected"), "", out);
  return facts.value().rejected().empty() ? kExitOk : kExitFindings;
}

// The summary `zhucun check` prints without --out: counts by rule and
// severity, by the pack's summary group (e.g. county), then the first
// findings, each with its source clause and deciding values.
void PrintSummary(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
                  const CheckOptions& options, bool lenient, const Report& r,
                  std::ostream& out, std::ostream& err) {
  constexpr size_t kShown = 10;
  const size_t errors = CountErrors(r.findings);
  out << Tr("zhucun check: {n} findings as of {as_of} ({errors} errors, {warnings} warnings)",
            {{"n", std::to_string(r.findings.size())},
             {"as_of", options.as_of.ToString()},
             {"errors", std::to_string(errors)},
             {"warnings", std::to_string(r.findings.size() - errors)}})
      << "\n";
  if (r.exceptions > 0) {
    const std::string n = std::to_string(r.exempted.size());
    const std::string m = std::to_string(r.exceptions);
    out << "  "
        << (r.exempted.size() == 1 ? Tr("1 finding exempted")
                                   : Tr("{n} findings exempted", {{"n", n}}))
        << (r.exceptions == 1 ? Tr(" by 1 exception record")
                              : Tr(" by {m} exception records", {{"m", m}}))
        << Tr(" (not counted above; --out writes exempted.csv)") << "\n";
  }
  if (lenient) {
    // DATA.md: rows read = rows evaluated + rows reported, per table.
    out << "\n";
    PrintRowCounts(*facts, Tr("evaluated"), Tr("reported"), "  ", out);
  }
  if (r.findings.empty()) return;

  // By rule and severity, with the rule's title.
  std::map<std::string, std::string> titles;
  for (const PackInfo::Rule& rule : policy.info().rules) {
    titles[rule.id] = RuleTitle(rule, LangCode(CurrentLang()));
  }
  std::map<std::pair<std::string, std::string>, size_t> counts;
  for (const Finding& f : r.findings) ++counts[{f.rule, f.severity}];
  size_t rule_width = TextWidth(Tr("rule"));
  for (const auto& [key, n] : counts) {
    rule_width = std::max(rule_width, TextWidth(key.first));
  }
  const size_t severity_width = std::max<size_t>(8, TextWidth(Tr("severity")));
  const size_t count_width = std::max<size_t>(8, TextWidth(Tr("findings")));
  out << "\n  " << PadToWidth(Tr("rule"), rule_width) << "  "
      << PadToWidth(Tr("severity"), severity_width) << "  " << AlignRight(Tr("findings"), count_width)
      << "  " << Tr("title") << "\n";
  for (const auto& [key, n] : counts) {
    out << "  " << PadToWidth(key.first, rule_width) << "  "
        << PadToWidth(SeverityWord(key.second), severity_width) << "  "
        << AlignRight(std::to_string(n), count_width) << "  " << titles[key.first] << "\n";
  }

  // By the pack's summary group.
  const std::string& by = policy.summary_by(LangCode(CurrentLang()));
  if (!by.empty()) {
    Result<std::vector<std::string>> groups =
        policy.SummaryGroups(facts, options, r.findings);
    err << groups.diagnostics().Render(SourceManager{}, LangCode(CurrentLang()));
    if (groups.ok()) {
      const std::string none = Tr("(no {group})", {{"group", by}});
      const std::vector<GroupCount> rows = CountByGroup(r.findings, groups.value());
      size_t width = std::max(TextWidth(by), TextWidth(none));
      for (const GroupCount& g : rows) width = std::max(width, TextWidth(g.name));
      const size_t errors_width = std::max<size_t>(6, TextWidth(Tr("errors")));
      const size_t warnings_width = std::max<size_t>(8, TextWidth(Tr("warnings")));
      out << "\n  " << PadToWidth(by, width) << "  " << AlignRight(Tr("errors"), errors_width)
          << "  " << AlignRight(Tr("warnings"), warnings_width) << "\n";
      for (const GroupCount& g : rows) {
        out << "  " << PadToWidth(g.name.empty() ? none : g.name, width) << "  "
            << AlignRight(std::to_string(g.errors), errors_width) << "  "
            << AlignRight(std::to_string(g.warnings), warnings_width) << "\n";
      }
    }
  }

  // The first findings, explained.
  const size_t show = std::min(r.findings.size(), kShown);
  out << "\n"
      << Tr("first {n} of {total} findings (`zhucun explain RULE SUBJECT [PERIOD]` explains "
            "any one):",
            {{"n", std::to_string(show)}, {"total", std::to_string(r.findings.size())}})
      << "\n";
  for (size_t i = 0; i < show; ++i) {
    const Finding& f = r.findings[i];
    out << "\n  " << SeverityWord(f.severity) << "  " << f.rule << "  " << f.subject
        << (f.period.empty() ? "" : "  " + f.period) << "\n      " << f.message
        << "\n";
    if (f.rule == "input.invalid") continue;
    Result<Explanation> e = policy.Explain(facts, options, f.rule, f.subject, f.period);
    if (e.ok()) PrintCompactExplanation(e.value(), "      ", out);
  }
}

struct CheckArgs : DataArgs {
  std::string out_dir;
  CsvOutput csv_output;
  std::string report;
  // --report-explained: findings explained in the page per rule.
  std::optional<size_t> report_explained;
  bool profile = false;
  bool no_plan = false;
};

// `zhucun check` (DATA.md, "The CLI contract").
int RunCheck(const CheckArgs& args, std::ostream& out, std::ostream& err) {
  if (!CheckCsvOutput("check", args.csv_output, err)) return kExitUsage;
  if (args.report_explained && args.report.empty()) {
    err << Tr("zhucun check: --report-explained needs --report FILE") << "\n";
    return kExitUsage;
  }
  SourceManager sources;
  Loaded loaded;
  if (!LoadData("check", args, sources, &loaded, err)) return kExitUsage;
  const Policy& policy = *loaded.policy;
  const std::shared_ptr<const FactSet>& shared = loaded.facts;
  CheckOptions& options = loaded.options;
  options.profile = args.profile;
  options.plan = !args.no_plan;
  options.threads = args.threads;
  Result<Report> report = policy.Check(shared, options);
  err << report.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!report.ok()) return kExitUsage;
  const Report& r = report.value();
  const bool any_error = CountErrors(r.findings) > 0;
  if (!args.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(args.out_dir, ec);
    if (ec) {
      err << Tr("zhucun check: cannot write to `{out}`", {{"out", args.out_dir}}) << "\n";
      return kExitUsage;
    }
    const auto write = [&](const std::string& name, const std::vector<std::string>& header,
                           size_t rows, const CsvCell& cell) {
      const std::string why =
          WriteCsv(args.out_dir + "/" + name, args.csv_output, header, rows, cell);
      if (!why.empty()) err << "zhucun check: " << why << "\n";
      return why.empty();
    };
    const auto finding_cell = [&r](size_t row, size_t column, std::string* line) {
      const Finding& f = r.findings[row];
      const std::string* cells[] = {&f.rule, &f.subject, &f.period, &f.severity, &f.message};
      *line += *cells[column];
    };
    if (!write("findings.csv", {"rule", "subject", "period", "severity", "message"},
               r.findings.size(), finding_cell)) {
      return kExitUsage;
    }
    // Exempted findings (docs/rules.md, "Exceptions"), when the data holds
    // exception records: without them the output is as before.
    const auto exempted_cell = [&r](size_t row, size_t column, std::string* line) {
      const Exemption& x = r.exempted[row];
      const Finding& f = x.finding;
      const std::string* cells[] = {&f.rule,     &f.subject, &f.period,
                                    &f.severity, &f.message, &x.exception};
      *line += *cells[column];
    };
    if (r.exceptions > 0 &&
        !write("exempted.csv", {"rule", "subject", "period", "severity", "message", "exception"},
               r.exempted.size(), exempted_cell)) {
      return kExitUsage;
    }
    for (const DerivedTable& d : r.derived) {
      if (!write(d.name + ".csv", d.columns, d.num_rows(),
                 [&d](size_t row, size_t column, std::string* line) {
                   d.AppendText(row, column, line);
                 })) {
        return kExitUsage;
      }
    }
    // (One line, so that a clerk sees what happened.)
    const size_t errors = CountErrors(r.findings);
    const Values values = {
        {"n", std::to_string(r.findings.size())},
        {"as_of", options.as_of.ToString()},
        {"errors", std::to_string(errors)},
        {"warnings", std::to_string(r.findings.size() - errors)},
        {"exempted", std::to_string(r.exempted.size())},
        {"out", args.out_dir}};
    out << (r.exceptions > 0
                ? Tr("zhucun check: {n} findings as of {as_of} ({errors} errors, {warnings} "
                     "warnings, {exempted} exempted) written to `{out}`",
                     values)
                : Tr("zhucun check: {n} findings as of {as_of} ({errors} errors, {warnings} "
                     "warnings) written to `{out}`",
                     values))
        << "\n";
  } else {
    // The summary shows no derived table: without a report to write, they
    // are freed first (at scale 150, 2.7 million graded assessments).
    if (args.report.empty()) std::vector<DerivedTable>().swap(report.value().derived);
    PrintSummary(policy, shared, options, args.lenient, r, out, err);
  }
  if (!args.report.empty()) {
    HtmlReportOptions html;
    html.lang = LangCode(CurrentLang());
    html.data = args.data;
    html.threads = args.threads;
    if (args.report_explained) html.explained_per_rule = *args.report_explained;
    std::ofstream file(args.report, std::ios::binary | std::ios::trunc);
    std::string why;
    if (!file || !WriteHtmlReport(policy, shared, options, r, html, file, &why)) {
      err << Tr("zhucun check: cannot write the report to `{file}`", {{"file", args.report}})
          << (why.empty() ? "" : ": " + why) << "\n";
      return kExitUsage;
    }
    out << Tr("zhucun check: report written to `{file}`", {{"file", args.report}}) << "\n";
  }
  if (r.profile) out << (args.out_dir.empty() ? "\n" : "") << FormatProfile(*r.profile);
  return any_error ? kExitFindings : kExitOk;
}

}  // namespace

Command AddLoadCommand(CLI::App& app) {
  CLI::App* load = app.add_subcommand(
      "load", Tr("Read a data folder against a pack's schema and report problems"));
  load->footer(
      Tr("Reads DIR/<table>.csv for every table of RULES/schema.yaml and reports\n"
      "every bad cell, duplicate key and dangling reference with file:line:column.\n"
      "Exit status: 0 all rows valid; 1 rows rejected (--lenient); 2 bad input\n"
      "(strict), a malformed file, a bad schema or bad usage."));
  struct Args {
    std::string rules = "rules/qiannan";
    std::string data;
    std::vector<std::string> encodings;
    bool lenient = false;
    unsigned threads = 0;
    std::string problems;
  };
  auto args = std::make_shared<Args>();
  load->add_option("--rules", args->rules, Tr("The policy pack folder (holds schema.yaml)"))
      ->capture_default_str();
  load->add_option("--data", args->data, Tr("The folder of CSV files"))->required();
  AddEncodingOption(load, &args->encodings);
  load->add_flag("--lenient", args->lenient,
                 Tr("Leave bad rows out and list them instead of failing"));
  AddProblemsOption(load, &args->problems);
  load->add_option("--threads", args->threads,
                   Tr("Threads that read the files (0: one per core); the result is "
                   "the same for any number"))
      ->capture_default_str();
  return {load, [args](std::ostream& out, std::ostream& err) {
            return RunLoad(args->rules, args->data, args->lenient, args->encodings,
                           args->threads, args->problems, out, err);
          }};
}

Command AddCheckCommand(CLI::App& app) {
  CLI::App* check = app.add_subcommand(
      "check", Tr("Check a data folder against a policy pack"));
  check->footer(
      Tr("Writes OUTDIR/findings.csv and the pack's derived tables with --out,\n"
      "else prints a summary. Exit status: 0 no finding of severity error;\n"
      "1 at least one; 2 bad rules, bad input (strict), a malformed file or\n"
      "bad usage."));
  auto args = std::make_shared<CheckArgs>();
  AddDataOptions(check, args.get());
  check->add_option("--out", args->out_dir, Tr("Write the output files here"));
  AddCsvOutputOptions(check, &args->csv_output);
  check->add_option("--report", args->report,
                    Tr("Write an HTML report to this file: one page, no network needed "
                       "(docs/report.md)"));
  check->add_option("--report-explained", args->report_explained,
                    Tr("Findings of each rule whose explanation the report holds (the "
                       "first N; default 200; 0: none)"));
  check->add_flag("--profile", args->profile,
                  Tr("Print, per rule, the time, subjects, periods judged, lets "
                  "computed and findings; the last line is `evaluation: <ms> ms`"));
  check->add_flag("--no-plan", args->no_plan,
                  Tr("Judge every (subject, period) pair with the row evaluator, "
                  "without the rules' plans (the same findings, slower)"));
  check->add_option("--threads", args->threads,
                    Tr("Threads that read the files and evaluate the rules (0: one "
                    "per core); the report is the same for any number"))
      ->capture_default_str();
  return {check, [args](std::ostream& out, std::ostream& err) {
            return RunCheck(*args, out, err);
          }};
}

}  // namespace zhucun::cli
