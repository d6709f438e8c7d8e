#ifndef ZHUCUN_TESTS_CLI_RUN_ZHUCUN_H_
#define ZHUCUN_TESTS_CLI_RUN_ZHUCUN_H_

// Running the `zhucun` command in-process (RunCli), for the CLI tests.

#include <sstream>
#include <string>
#include <vector>

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

}  // namespace zhucun::testing

#endif  // ZHUCUN_TESTS_CLI_RUN_ZHUCUN_H_
