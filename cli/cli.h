#ifndef ZHUCUN_CLI_CLI_H_
#define ZHUCUN_CLI_CLI_H_

// The `zhucun` command, as a function so that tests can run it in-process
// and compare what it prints. main.cc only forwards to RunCli.

#include <ostream>
#include <string_view>

namespace zhucun {

// Runs the command line `argv[0..argc)`, writing results to `out` and
// diagnostics and usage errors to `err`. Returns the process exit status:
//   0  everything succeeded (also for --help and --version)
//   1  an expression compiled but failed to evaluate (e.g. division by zero)
//   2  usage error, unreadable input, or an expression that did not compile
//      (its diagnostics are rendered to `err`)
// Reading a file named "-" reads standard input. `default_lang` is the
// language without `--lang` (`en` or `zh`; main.cc takes it from the
// locale's variables).
int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err,
           std::string_view default_lang = "en");

}  // namespace zhucun

#endif  // ZHUCUN_CLI_CLI_H_
