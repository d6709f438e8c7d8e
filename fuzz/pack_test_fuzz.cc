// Fuzz target: the pack-test runner (docs/pack-tests.md). The input is a
// pack with its tests: pack.yaml, a rule file, the schema and a test file,
// separated by lines `@@@@` (fuzz_util.h), written as pack.yaml,
// rules.yaml, schema.yaml and tests/cases.yaml into a scratch folder of this
// process, and run with RunPackTests (the seeds' pack.yaml lists
// `tests: [tests/*.yaml]`). The cases' tables go through the CSV reader and
// Policy::Check; the report's failures are rendered.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "zhucun/pack_test.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> files = zhucun_fuzz::Split(input, 4);
  const std::filesystem::path& dir = zhucun_fuzz::ScratchDir();
  static const bool made = std::filesystem::create_directories(dir / "tests");
  (void)made;
  zhucun_fuzz::WriteFile(dir / "pack.yaml", files[0]);
  zhucun_fuzz::WriteFile(dir / "rules.yaml", files[1]);
  zhucun_fuzz::WriteFile(dir / "schema.yaml", files[2]);
  zhucun_fuzz::WriteFile(dir / "tests" / "cases.yaml", files[3]);

  zhucun::SourceManager sources;
  auto report = zhucun::RunPackTests(dir.string(), sources);
  const std::string rendered = report.diagnostics().Render(sources);
  if (!report.ok()) {
    if (rendered.empty()) {
      fprintf(stderr, "pack tests that failed to load without a diagnostic\n");
      abort();
    }
    return 0;
  }
  for (const zhucun::PackTestCaseResult& c : report.value().cases) {
    for (const zhucun::PackTestFailure& failure : c.failures) {
      (void)zhucun::RenderDiagnostic(failure.diagnostic, sources);
    }
  }
  (void)report.value().passed();
  return 0;
}
