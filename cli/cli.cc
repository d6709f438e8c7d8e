#include "cli.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/expr.h"
#include "zhucun/schema.h"
#include "zhucun/version.h"

namespace zhucun {
namespace {

// Exit statuses (see cli.h).
constexpr int kExitOk = 0;
constexpr int kExitEvalError = 1;
constexpr int kExitUsage = 2;

// What came of running a batch of expressions.
struct Outcome {
  bool compile_error = false;
  bool eval_error = false;

  int ExitCode() const {
    if (compile_error) return kExitUsage;
    if (eval_error) return kExitEvalError;
    return kExitOk;
  }
};

// Prints `text  =>  result` for a compiled program, or renders why `result`
// did not compile.
void PrintResult(std::string_view text, const Result<Program>& program,
            const SourceManager& sources, std::ostream& out, std::ostream& err,
            Outcome& outcome) {
  if (!program.diagnostics().empty()) {
    err << program.diagnostics().Render(sources);
  }
  if (!program.ok()) {
    outcome.compile_error = true;
    return;
  }
  Value value = program.value().Evaluate(Activation{});
  out << text << "  =>  ";
  if (value.is_error()) {
    outcome.eval_error = true;
    out << "error: " << value.error_message() << '\n';
  } else {
    out << value.DebugString() << '\n';
  }
}

// Evaluates every expression line of `text` (registered in `sources` as
// `file`): one expression per line; blank lines and lines whose first
// non-blank character is `#` are skipped. Diagnostics point into the file.
void EvalLines(FileId file, const SourceManager& sources, std::ostream& out,
               std::ostream& err, Outcome& outcome) {
  const Env env;
  std::string_view text = sources.text(file);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    const size_t line_offset = pos;
    pos = eol + 1;

    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    const size_t last = line.find_last_not_of(" \t");
    std::string_view expr = line.substr(first, last - first + 1);
    PrintResult(expr,
           env.CompileAt(expr, file, static_cast<uint32_t>(line_offset + first),
                         sources),
           sources, out, err, outcome);
  }
}

// Reads a whole file ("-" is standard input); false if it cannot be read.
bool ReadInput(const std::string& path, std::string& contents) {
  std::ostringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    buffer << in.rdbuf();
    if (in.bad()) return false;
  }
  contents = std::move(buffer).str();
  return true;
}

// `zhucun load`: reads a data folder against a pack's schema and reports
// every problem, and per table the rows read, accepted and rejected.
int RunLoad(const std::string& rules, const std::string& data, bool lenient,
            const std::string& encoding, std::ostream& out, std::ostream& err) {
  SourceManager sources;
  const std::string schema_path = rules + "/schema.yaml";
  Result<Schema> schema = LoadSchema(schema_path, sources);
  if (!schema.ok()) {
    err << schema.diagnostics().Render(sources);
    return kExitUsage;
  }
  CsvOptions options;
  options.strictness = lenient ? Strictness::kLenient : Strictness::kStrict;
  options.encoding = encoding;
  Result<FactSet> facts = ReadCsvFolder(schema.value(), data, options, sources);
  err << facts.diagnostics().Render(sources);
  if (!facts.ok()) return kExitUsage;
  out << "table              read  accepted  rejected\n";
  for (const TableStats& s : facts.value().stats()) {
    char line[128];
    std::snprintf(line, sizeof line, "%-16s %6zu  %8zu  %8zu\n", s.table.c_str(),
                  s.read, s.accepted, s.rejected);
    out << line;
  }
  return facts.value().rejected().empty() ? kExitOk : kExitEvalError;
}

// A CSV field, quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

bool WriteCsv(const std::string& path, const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return false;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) f << ',';
      f << CsvField(cells[i]);
    }
    f << '\n';
  };
  line(header);
  for (const auto& r : rows) line(r);
  return static_cast<bool>(f);
}

struct CheckArgs {
  std::string rules = "rules/qiannan";
  std::string data;
  std::string as_of;
  std::string from;
  std::string out_dir;
  std::string encoding = "utf-8";
  bool lenient = false;
  std::vector<std::string> params;
};

// `zhucun check` (DATA.md, "The CLI contract").
int RunCheck(const CheckArgs& args, std::ostream& out, std::ostream& err) {
  CheckOptions options;
  auto as_of = Date::Parse(args.as_of);
  if (!as_of) {
    err << "zhucun check: `--as-of " << args.as_of
        << "` is not a date; expected YYYY-MM-DD (a real calendar date)\n";
    return kExitUsage;
  }
  options.as_of = *as_of;
  if (!args.from.empty()) {
    auto from = Date::Parse(args.from);
    if (!from) {
      err << "zhucun check: `--from " << args.from
          << "` is not a date; expected YYYY-MM-DD (a real calendar date)\n";
      return kExitUsage;
    }
    options.from = *from;
  }
  std::map<std::string, std::string> params;
  for (const std::string& kv : args.params) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      err << "zhucun check: `--param " << kv << "`: expected NAME=VALUE\n";
      return kExitUsage;
    }
    params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  SourceManager sources;
  Result<Policy> policy = Policy::Load(args.rules, sources, params);
  err << policy.diagnostics().Render(sources);
  if (!policy.ok()) return kExitUsage;
  CsvOptions csv;
  csv.strictness = args.lenient ? Strictness::kLenient : Strictness::kStrict;
  csv.encoding = args.encoding;
  Result<FactSet> facts = ReadCsvFolder(policy.value().schema(), args.data, csv, sources);
  err << facts.diagnostics().Render(sources);
  if (!facts.ok()) return kExitUsage;
  auto shared = std::make_shared<const FactSet>(std::move(facts).value());
  Result<Report> report = policy.value().Check(shared, options);
  err << report.diagnostics().Render(sources);
  if (!report.ok()) return kExitUsage;
  const Report& r = report.value();
  bool any_error = false;
  for (const Finding& f : r.findings) any_error = any_error || f.severity == "error";
  if (!args.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(args.out_dir, ec);
    std::vector<std::vector<std::string>> rows;
    for (const Finding& f : r.findings) {
      rows.push_back({f.rule, f.subject, f.period, f.severity, f.message});
    }
    if (ec || !WriteCsv(args.out_dir + "/findings.csv",
                        {"rule", "subject", "period", "severity", "message"}, rows)) {
      err << "zhucun check: cannot write to `" << args.out_dir << "`\n";
      return kExitUsage;
    }
    for (const DerivedTable& d : r.derived) {
      if (!WriteCsv(args.out_dir + "/" + d.name + ".csv", d.columns, d.rows)) {
        err << "zhucun check: cannot write to `" << args.out_dir << "`\n";
        return kExitUsage;
      }
    }
  } else {
    // A readable summary: counts by rule and severity, then the first findings.
    std::map<std::pair<std::string, std::string>, size_t> counts;
    for (const Finding& f : r.findings) ++counts[{f.rule, f.severity}];
    out << "zhucun check: " << r.findings.size() << " findings as of "
        << options.as_of.ToString() << "\n\n";
    char line[160];
    for (const auto& [key, n] : counts) {
      std::snprintf(line, sizeof line, "  %-34s %-8s %6zu\n", key.first.c_str(),
                    key.second.c_str(), n);
      out << line;
    }
    const size_t show = std::min<size_t>(r.findings.size(), 20);
    if (show > 0) out << "\nfirst " << show << " findings:\n";
    for (size_t i = 0; i < show; ++i) {
      const Finding& f = r.findings[i];
      out << "  " << f.severity << "  " << f.rule << "  " << f.subject
          << (f.period.empty() ? "" : "  " + f.period) << "\n      " << f.message
          << "\n";
    }
  }
  return any_error ? kExitEvalError : kExitOk;
}

}  // namespace

int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"zhucun: a rules engine for village-resident work team policy",
               "zhucun"};
  app.set_version_flag("--version", ZHUCUN_VERSION_STRING);
  app.require_subcommand(1);

  CLI::App* eval = app.add_subcommand(
      "eval", "Evaluate expressions and print each with its result");
  eval->footer(
      "FILE holds one expression per line; blank lines and lines starting\n"
      "with `#` are skipped. Exit status: 0 ok, 1 an expression failed to\n"
      "evaluate, 2 a usage error or an expression that did not compile.");
  std::vector<std::string> files;
  std::vector<std::string> exprs;
  eval->add_option("FILE", files, "Expression files (`-` for standard input)");
  eval->add_option("-e,--expr", exprs,
                   "An expression to evaluate (may be repeated)");

  CLI::App* load = app.add_subcommand(
      "load", "Read a data folder against a pack's schema and report problems");
  load->footer(
      "Reads DIR/<table>.csv for every table of RULES/schema.yaml and reports\n"
      "every bad cell, duplicate key and dangling reference with file:line:column.\n"
      "Exit status: 0 all rows valid; 1 rows rejected (--lenient); 2 bad input\n"
      "(strict), a malformed file, a bad schema or bad usage.");
  std::string rules_dir = "rules/qiannan";
  std::string data_dir;
  std::string encoding = "utf-8";
  bool lenient = false;
  load->add_option("--rules", rules_dir, "The policy pack folder (holds schema.yaml)")
      ->capture_default_str();
  load->add_option("--data", data_dir, "The folder of CSV files")->required();
  load->add_option("--encoding", encoding,
                   "The files' encoding, e.g. gb18030 (converted with iconv)")
      ->capture_default_str();
  load->add_flag("--lenient", lenient,
                 "Leave bad rows out and list them instead of failing");

  CLI::App* check = app.add_subcommand(
      "check", "Check a data folder against a policy pack");
  check->footer(
      "Writes OUTDIR/findings.csv and the pack's derived tables with --out,\n"
      "else prints a summary. Exit status: 0 no finding of severity error;\n"
      "1 at least one; 2 bad rules, bad input (strict), a malformed file or\n"
      "bad usage.");
  CheckArgs check_args;
  check->add_option("--rules", check_args.rules, "The policy pack folder")
      ->capture_default_str();
  check->add_option("--data", check_args.data, "The folder of CSV files")->required();
  check->add_option("--as-of", check_args.as_of, "The evaluation date YYYY-MM-DD")
      ->required();
  check->add_option("--from", check_args.from,
                    "The start of the evaluation window (default: the pack's "
                    "window_start)");
  check->add_option("--out", check_args.out_dir, "Write the output files here");
  check->add_option("--encoding", check_args.encoding, "The files' encoding")
      ->capture_default_str();
  check->add_option("--param", check_args.params,
                    "Override a pack parameter: NAME=VALUE (repeatable)");
  check->add_flag("--lenient", check_args.lenient,
                  "Leave bad rows out; each becomes an input.invalid finding");

  try {
    app.parse(argc, argv);
    if (check->parsed()) return RunCheck(check_args, out, err);
    if (load->parsed()) {
      return RunLoad(rules_dir, data_dir, lenient, encoding, out, err);
    }
    if (files.empty() && exprs.empty()) {
      throw CLI::RequiredError("eval: FILE or --expr");
    }
  } catch (const CLI::ParseError& e) {
    // Help and version are "errors" that exit 0 and print to `out`.
    return app.exit(e, out, err) == 0 ? kExitOk : kExitUsage;
  }

  SourceManager sources;
  Outcome outcome;
  for (const std::string& path : files) {
    std::string contents;
    if (!ReadInput(path, contents)) {
      err << "zhucun: cannot read `" << path << "`\n";
      return kExitUsage;
    }
    const FileId file =
        sources.Add(path == "-" ? "<stdin>" : path, std::move(contents));
    EvalLines(file, sources, out, err, outcome);
  }
  const Env env;
  for (const std::string& expr : exprs) {
    PrintResult(expr, env.Compile(expr, sources, "<expr>"), sources, out, err,
           outcome);
  }
  return outcome.ExitCode();
}

}  // namespace zhucun
