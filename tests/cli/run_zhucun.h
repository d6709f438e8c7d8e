#ifndef ZHUCUN_TESTS_CLI_RUN_ZHUCUN_H_
#define ZHUCUN_TESTS_CLI_RUN_ZHUCUN_H_

// Running the `zhucun` command in-process (RunCli), for the CLI tests.

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "../facts/facts_test_util.h"
#include "cli.h"

namespace zhucun::testing {

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs `zhucun <args>` and returns what it printed and its exit status.
inline CliRun RunZhucun(std::vector<std::string> args) {
  args.insert(args.begin(), "zhucun");
  std::vector<char*> argv;
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(args.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

// `err` without the lines of warnings (`zhucun <command>: warning: ...`):
// what is left are the errors. Tests on small data folders, which leave out
// most tables, use it.
inline std::string WithoutWarnings(const std::string& err) {
  std::istringstream in(err);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("zhucun ") && line.find(": warning: ") != std::string::npos) continue;
    out += line + "\n";
  }
  return out;
}

// The warning for the spec's example folder, which has no absences.csv
// (DATA.md added the table after it).
inline std::string ExampleWarning(const std::string& command, const std::string& folder) {
  return "zhucun " + command + ": warning: 1 of the pack's 19 tables have no file in `" +
         folder + "` and are read as empty: `absences`\n";
}

}  // namespace zhucun::testing

#endif  // ZHUCUN_TESTS_CLI_RUN_ZHUCUN_H_
