#include "cli.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "zhucun/csv.h"
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
void Report(std::string_view text, const Result<Program>& program,
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
    Report(expr,
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

  try {
    app.parse(argc, argv);
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
    Report(expr, env.Compile(expr, sources, "<expr>"), sources, out, err,
           outcome);
  }
  return outcome.ExitCode();
}

}  // namespace zhucun
