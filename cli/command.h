#ifndef ZHUCUN_CLI_COMMAND_H_
#define ZHUCUN_CLI_COMMAND_H_

// The subcommands of `zhucun` beyond `eval`: each file adds its own to the
// CLI11 app and returns what runs it once the command line is parsed, so a
// new command is one new file and one line in RunCli (cli.cc).

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

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

// Parses `--param NAME=VALUE` arguments into `params`; on a malformed one
// writes "zhucun <command>: ..." to `err` and returns false.
bool ParseParams(const std::string& command, const std::vector<std::string>& args,
                 std::map<std::string, std::string>* params, std::ostream& err);

// Text for a terminal (explain_command.cc): the columns `s` takes (2 for
// CJK and other wide characters), `s` padded to `width` columns, `s` cut to
// at most `width` columns with a final `…`.
size_t DisplayWidth(std::string_view s);
std::string Pad(std::string_view s, size_t width);
std::string Cut(std::string_view s, size_t width);

// A finding's explanation in a few lines, each starting with `indent`: the
// source clause and the deciding values (explain_command.cc).
void PrintCompactExplanation(const Explanation& e, const std::string& indent,
                             std::ostream& out);

// Writes a CSV file (RFC 4180 quoting, `\n` line ends); false on failure.
bool WriteCsv(const std::string& path, const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows);

}  // namespace zhucun::cli

#endif  // ZHUCUN_CLI_COMMAND_H_
