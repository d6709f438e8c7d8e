#ifndef ZHUCUN_CLI_COMMAND_H_
#define ZHUCUN_CLI_COMMAND_H_

// The subcommands of `zhucun` beyond `eval`: each file adds its own to the
// CLI11 app and returns what runs it once the command line is parsed, so a
// new command is one new file and one line in RunCli (cli.cc).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun::cli {

// Exit statuses (cli.h): 0 ok; 1 findings of severity error, rejected rows,
// failed expressions or failed pack tests; 2 bad usage, rules or input.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  CLI::App* app = nullptr;
  std::function<int(std::ostream& out, std::ostream& err)> run;
};

Command AddLoadCommand(CLI::App& app);   // check_command.cc
Command AddCheckCommand(CLI::App& app);  // check_command.cc
Command AddExplainCommand(CLI::App& app);   // explain_command.cc
Command AddValidateCommand(CLI::App& app);  // explain_command.cc
Command AddTestCommand(CLI::App& app);   // test_command.cc
Command AddDiffCommand(CLI::App& app);   // diff_command.cc
Command AddRulesCommand(CLI::App& app);  // rules_command.cc
Command AddSchemaCommand(CLI::App& app);  // schema_command.cc

// The command line of commands that check a data folder with a pack
// (check, explain), and its options; returns the `--param` option.
struct DataArgs {
  std::string rules = "rules/qiannan";
  std::string data;
  std::string as_of;
  std::string from;
  // `--encoding`: ENC for the folder, TABLE=ENC for one table (ParseEncodings).
  std::vector<std::string> encodings;
  // `--problems FILE`: every problem of the data, one by one.
  std::string problems;
  bool lenient = false;
  std::vector<std::string> params;
  // Threads that read the files (and, for `check`, evaluate the rules);
  // 0: one per core.
  unsigned threads = 0;
  // Do not warn about tables without a file and files that are no table
  // (said once already, e.g. by `diff` for its other pack).
  bool quiet_files = false;
};
// Without `rules`, no --rules option (the command names its packs itself).
CLI::Option* AddDataOptions(CLI::App* app, DataArgs* args,
                            bool rules = true);  // check_command.cc

// A loaded pack and data folder, and the evaluation date and window.
struct Loaded {
  std::optional<Policy> policy;
  std::shared_ptr<const FactSet> facts;
  CheckOptions options;
};

// Loads what `args` names (dates, parameters, pack, data); false after
// writing why to `err` as "zhucun <command>: ..." or diagnostics.
bool LoadData(const std::string& command, const DataArgs& args,
              SourceManager& sources, Loaded* loaded, std::ostream& err);

// Puts `--encoding` arguments into `csv`: `ENC` is the folder's encoding,
// `TABLE=ENC` one table's; false after writing why to `err`.
bool ParseEncodings(const std::string& command, const std::vector<std::string>& args,
                    CsvOptions* csv, std::ostream& err);
// Adds the repeatable --encoding option.
void AddEncodingOption(CLI::App* app, std::vector<std::string>* encodings);
// Adds --problems FILE.
void AddProblemsOption(CLI::App* app, std::string* file);
// Writes `all` (CsvOptions::all_problems) to `file` unless it is empty;
// false after writing why to `err`.
bool WriteProblems(const std::string& command, const std::string& file, const Diagnostics& all,
                   const SourceManager& sources, std::ostream& err);

// Parses `--param NAME=VALUE` arguments into `params`; on a malformed one
// writes "zhucun <command>: ..." to `err` and returns false.
bool ParseParams(const std::string& command, const std::vector<std::string>& args,
                 std::map<std::string, std::string>* params, std::ostream& err);

// "a, b and c" (explain_command.cc, as the three below).
std::string JoinWords(const std::vector<std::string>& words);
// `error` or `warning` in the command's language (words.h).
std::string SeverityWord(const std::string& severity);
// The rule's title in `lang` (its `title: {zh: ...}`), else its default.
const std::string& RuleTitle(const PackInfo::Rule& rule, std::string_view lang);
// Findings counted by the pack's summary group (`groups`, parallel to
// `findings`): most first, then by name; the findings without a group last.
struct GroupCount {
  std::string name;  // empty: findings without a group
  size_t errors = 0, warnings = 0;
};
std::vector<GroupCount> CountByGroup(const std::vector<Finding>& findings,
                                     const std::vector<std::string>& groups);
// The findings of severity error.
size_t CountErrors(const std::vector<Finding>& findings);

// A finding's explanation in a few lines, each starting with `indent`: the
// source clause and the deciding values (explain_command.cc).
void PrintCompactExplanation(const Explanation& e, const std::string& indent,
                             std::ostream& out);

// How output CSV files are written: UTF-8 without a byte-order mark, as
// DATA.md says, unless the clerk asks for Excel's forms (`--csv-bom`,
// `--out-encoding gb18030`).
struct CsvOutput {
  bool bom = false;
  std::string encoding = "utf-8";
};
// Adds --csv-bom and --out-encoding to a command that writes CSV files.
void AddCsvOutputOptions(CLI::App* app, CsvOutput* output);  // check_command.cc
// Whether `output` can be written; else writes why to `err` ("zhucun
// <command>: ...").
bool CheckCsvOutput(const std::string& command, const CsvOutput& output, std::ostream& err);

// Writes a CSV file (RFC 4180 quoting, `\n` line ends): the header, then
// `rows` rows of header.size() cells, each appended to the line by
// cell(row, column, &line). "" or why it could not be written.
using CsvCell = std::function<void(size_t row, size_t column, std::string* line)>;
std::string WriteCsv(const std::string& path, const CsvOutput& output,
                     const std::vector<std::string>& header, size_t rows, const CsvCell& cell);

}  // namespace zhucun::cli

#endif  // ZHUCUN_CLI_COMMAND_H_
