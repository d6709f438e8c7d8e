// `zhucun test`: runs a pack's tests (docs/pack-tests.md).

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "command.h"
#include "words.h"
#include "zhucun/pack_test.h"

namespace zhucun::cli {
namespace {

struct TestArgs {
  std::string pack = "rules/qiannan";
  std::vector<std::string> params;
  std::string filter;
};

// A test file's path as written in pack.yaml (relative to the pack folder).
std::string Shown(const std::string& file, const std::string& pack) {
  const std::filesystem::path rel =
      std::filesystem::path(file).lexically_relative(pack);
  if (rel.empty() || *rel.begin() == "..") return file;
  return rel.generic_string();
}

int RunTest(const TestArgs& args, std::ostream& out, std::ostream& err) {
  PackTestOptions options;
  if (!ParseParams("test", args.params, &options.params, err))
    return kExitUsage;
  options.filter = args.filter;
  SourceManager sources;
  Result<PackTestReport> result = RunPackTests(args.pack, sources, options);
  err << result.diagnostics().Render(sources, LangCode(CurrentLang()));
  if (!result.ok()) return kExitUsage;
  const PackTestReport& report = result.value();
  for (const PackTestCaseResult& c : report.cases) {
    out << (c.passed() ? Tr("ok   ") : Tr("FAIL ")) << Shown(c.file, args.pack) << ": "
        << c.name << '\n';
    for (const PackTestFailure& f : c.failures) {
      out << RenderDiagnostic(f.diagnostic, sources, LangCode(CurrentLang())) << '\n';
    }
  }
  const PackTestCoverage& cov = report.coverage;
  if (!report.coverage_checked) {
    out << Tr("coverage: not checked (--filter)") << "\n";
  } else if (cov.complete()) {
    out << Tr("coverage: each of the {n} rules is expected to fire in some case and not to in "
              "another",
              {{"n", std::to_string(cov.rules.size())}})
        << "\n";
  } else {
    out << Tr("coverage: incomplete") << "\n";
    if (!cov.never_fires.empty()) {
      out << Tr("  no case expects these rules to fire: {rules}",
                {{"rules", JoinWords(cov.never_fires)}})
          << '\n';
    }
    if (!cov.never_quiet.empty()) {
      out << Tr("  no case expects these rules not to fire: {rules}",
                {{"rules", JoinWords(cov.never_quiet)}})
          << '\n';
    }
  }
  const size_t failed = report.failed();
  const Values counts = {{"n", std::to_string(report.cases.size())},
                         {"passed", std::to_string(report.cases.size() - failed)},
                         {"failed", std::to_string(failed)}};
  out << (report.cases.size() == 1 ? Tr("1 case: {passed} passed, {failed} failed", counts)
                                   : Tr("{n} cases: {passed} passed, {failed} failed", counts))
      << "\n";
  return report.passed() ? kExitOk : kExitFindings;
}

}  // namespace

Command AddTestCommand(CLI::App& app) {
  CLI::App* test = app.add_subcommand("test", Tr("Run a policy pack's own tests"));
  test->footer(
      Tr("Runs every case of the test files PACK_DIR/pack.yaml lists in `tests:`\n"
      "(docs/pack-tests.md) and checks that every rule of the pack is "
      "expected\n"
      "to fire in some case and not to fire in another. Exit status: 0 every\n"
      "case passed and coverage is complete; 1 a case failed or coverage is\n"
      "incomplete; 2 the pack or a test file cannot be loaded, or bad usage."));
  auto args = std::make_shared<TestArgs>();
  test->add_option("PACK_DIR", args->pack, Tr("The policy pack folder"))
      ->capture_default_str();
  test->add_option("--param", args->params,
                   Tr("Override a pack parameter: NAME=VALUE, VALUE written as in "
                   "YAML (0.25, [a, b], {k: v}) (repeatable); a case's own "
                   "`params:` win"));
  test->add_option("--filter", args->filter,
                   Tr("Run only the cases whose name contains this text (coverage "
                   "is then not checked)"));
  return {test, [args](std::ostream& out, std::ostream& err) {
            return RunTest(*args, out, err);
          }};
}

}  // namespace zhucun::cli
