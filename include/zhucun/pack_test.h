#ifndef ZHUCUN_PACK_TEST_H_
#define ZHUCUN_PACK_TEST_H_

/// \file
/// Pack tests: the cases a pack lists in `tests:` of its pack.yaml (YAML
/// files of named cases, each with an evaluation date, small fact tables as
/// CSV text and the findings it expects; docs/pack-tests.md), run through
/// Policy::Check. RunPackTests loads the pack and every test file, reports
/// every mistake in them as a positioned diagnostic, runs the cases and
/// checks that every rule of the pack is expected to fire in some case and
/// expected not to in some case (coverage).
///
///     zhucun::SourceManager sources;
///     auto report = zhucun::RunPackTests("rules/qiannan", sources);
///     if (!report.ok()) { std::cerr << report.diagnostics().Render(sources); }
///     for (const auto& c : report.value().cases) { ... c.passed() ... }

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/export.h"
#include "zhucun/result.h"
#include "zhucun/source.h"

namespace zhucun {

/// How to run a pack's tests.
struct PackTestOptions {
  /// Parameter overrides for every case (`--param NAME=VALUE`), each value
  /// written as in YAML (`0.25`, `[a, b]`, `{weak: party_mass}`) and read as
  /// Policy::Load reads it; a test file's and a case's own `params:` (of any
  /// type, lists and maps too) override these.
  std::map<std::string, std::string> params;
  /// Run only the cases whose name contains this text ("" runs all).
  /// Coverage is not checked when a filter is given.
  std::string filter;
};

/// One way a case failed.
struct PackTestFailure {
  /// What went wrong, at the expectation in the test file (code
  /// `test.missing_finding`, `test.unexpected_finding`,
  /// `test.derived_mismatch` or `engine.eval_error`); the help says what
  /// was found instead.
  Diagnostic diagnostic;
  /// The findings that were found instead: for a missing finding, those of
  /// the same rule for the same subject (or, if none, for any subject); for
  /// an unexpected one, the findings that should not be there.
  std::vector<Finding> found;
};

/// The outcome of one case.
struct PackTestCaseResult {
  /// The test file (a path inside the pack folder) and the case's name.
  std::string file;
  std::string name;
  /// Where the case's name is written.
  SourceSpan span;
  /// Empty when the case passed.
  std::vector<PackTestFailure> failures;

  bool passed() const { return failures.empty(); }
};

/// Whether every rule of the pack is exercised by the tests.
struct PackTestCoverage {
  /// Every rule id of the pack, in pack order.
  std::vector<std::string> rules;
  /// Rules that no case expects to fire (`expect:`), in pack order.
  std::vector<std::string> never_fires;
  /// Rules that no case expects not to fire (`expect_not:`), in pack order.
  std::vector<std::string> never_quiet;

  bool complete() const { return never_fires.empty() && never_quiet.empty(); }
};

/// What running a pack's tests found.
struct PackTestReport {
  /// The cases run, in the order of the test files, then of the cases.
  std::vector<PackTestCaseResult> cases;
  /// Computed over all cases of all test files.
  PackTestCoverage coverage;
  /// False when a filter was given: coverage is then not required.
  bool coverage_checked = true;

  /// The number of cases that failed.
  size_t failed() const {
    size_t n = 0;
    for (const PackTestCaseResult& c : cases) n += c.passed() ? 0 : 1;
    return n;
  }
  /// Every case passed and, if checked, coverage is complete.
  bool passed() const {
    return failed() == 0 && (!coverage_checked || coverage.complete());
  }
};

/// Loads the pack in `dir` and its test files, and runs every case (or the
/// cases that `options.filter` selects). Not ok when the pack or a test file
/// cannot be loaded: then every problem found is reported (`test.*` codes,
/// and the CSV reader's for a bad cell in a test table), each pointing into
/// the test file. File texts are added to `sources`.
ZHUCUN_API Result<PackTestReport> RunPackTests(
    const std::string& dir, SourceManager& sources,
    const PackTestOptions& options = {});

}  // namespace zhucun

#endif  // ZHUCUN_PACK_TEST_H_
