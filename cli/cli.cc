#include "cli.h"

#include "command.h"
#include "words.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
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
#include "zhucun/text.h"
#include "zhucun/version.h"

namespace zhucun {
namespace {

using cli::Tr;

using cli::kExitOk;
using cli::kExitUsage;
constexpr int kExitEvalError = cli::kExitFindings;

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
    err << program.diagnostics().Render(sources, cli::LangCode(cli::CurrentLang()));
  }
  if (!program.ok()) {
    outcome.compile_error = true;
    return;
  }
  Value value = program.value().Evaluate(Activation{});
  out << text << "  =>  ";
  if (value.is_error()) {
    outcome.eval_error = true;
    out << Tr("error: ") << value.error_message() << '\n';
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

// CLI11's help with columns that line up by terminal width, not bytes, so
// that Chinese labels (`必填`) keep the descriptions in one column.
class WidthFormatter : public CLI::Formatter {
 public:
  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    const std::string name = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
    const std::string description = make_option_desc(opt);
    const size_t width = get_column_width();
    std::string out = PadToWidth(name, width);
    if (!description.empty()) {
      if (TextWidth(name) >= width) out += "\n" + std::string(width, ' ');
      for (char c : description) {
        out += c;
        if (c == '\n') out += std::string(width, ' ');
      }
    }
    return out + "\n";
  }
};

// The language `--lang X` or `--lang=X` asks for (the last one), before
// the command line is parsed: the help texts are written in it.
std::optional<cli::Lang> LangArgument(int argc, char** argv) {
  std::optional<cli::Lang> lang;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::string_view code;
    if (arg == "--lang" && i + 1 < argc) {
      code = argv[i + 1];
    } else if (arg.substr(0, 7) == "--lang=") {
      code = arg.substr(7);
    } else {
      continue;
    }
    if (auto l = cli::ParseLang(code)) lang = l;
  }
  return lang;
}

}  // namespace

int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err,
           std::string_view default_lang) {
  const cli::LangScope lang_scope(
      LangArgument(argc, argv).value_or(cli::ParseLang(default_lang).value_or(cli::Lang::kEn)));
  CLI::App app{Tr("zhucun: a rules engine for village-resident work team policy"), "zhucun"};
  // CLI11's own words, and the help flag's, in the command's language.
  const auto formatter = std::make_shared<WidthFormatter>();
  app.formatter(formatter);
  formatter->label("Usage", Tr("Usage"));
  formatter->label("OPTIONS", Tr("OPTIONS"));
  formatter->label("Positionals", Tr("Positionals"));
  formatter->label("REQUIRED", Tr("REQUIRED"));
  formatter->label("SUBCOMMAND", Tr("SUBCOMMAND"));
  formatter->label("SUBCOMMANDS", Tr("SUBCOMMANDS"));
  app.option_defaults()->group(Tr("Options"));
  app.set_help_flag("-h,--help", Tr("Print this help message and exit"));
  app.set_version_flag("--version", std::string(ZHUCUN_VERSION_STRING),
                       Tr("Display program version information and exit"));
  app.require_subcommand(1);
  // `--lang` before or after the command's name (the subcommands inherit
  // fallthrough, so an option they lack is the main command's).
  app.fallthrough();
  std::string lang_option = cli::LangCode(cli::CurrentLang());
  app.add_option("--lang", lang_option,
                 Tr("The language of the output: zh or en (default: from LC_ALL, LC_MESSAGES "
                    "or LANG, else en)"))
      ->check(CLI::IsMember({"zh", "en"}));

  CLI::App* eval = app.add_subcommand(
      "eval", Tr("Evaluate expressions and print each with its result"));
  eval->footer(
      Tr("FILE holds one expression per line; blank lines and lines starting\n"
      "with `#` are skipped. Exit status: 0 ok, 1 an expression failed to\n"
      "evaluate, 2 a usage error or an expression that did not compile."));
  std::vector<std::string> files;
  std::vector<std::string> exprs;
  eval->add_option("FILE", files, Tr("Expression files (`-` for standard input)"));
  eval->add_option("-e,--expr", exprs,
                   Tr("An expression to evaluate (may be repeated)"));

  const std::vector<cli::Command> commands = {
      cli::AddLoadCommand(app),
      cli::AddCheckCommand(app),
      cli::AddExplainCommand(app),
      cli::AddValidateCommand(app),
      cli::AddTestCommand(app),
      cli::AddDiffCommand(app),
      cli::AddRulesCommand(app),
      cli::AddSchemaCommand(app),
  };
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->group(Tr("Subcommands"));
    sub->get_help_ptr()->group(Tr("Options"));
  }

  try {
    app.parse(argc, argv);
    for (const cli::Command& c : commands) {
      if (c.app->parsed()) return c.run(out, err);
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
      err << Tr("zhucun: cannot read `{file}`", {{"file", path}}) << "\n";
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
