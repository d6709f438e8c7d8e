// Fuzz target: the pack loader. The input is a pack folder: pack.yaml, a
// rule file and the schema, separated by lines `@@@@` (fuzz_util.h), written
// as pack.yaml, rules.yaml and schema.yaml into a scratch folder of this
// process and loaded with Policy::Load under small limits (expression depth
// and length, comprehension steps). A pack that loads is listed (info()) and
// checked on empty tables as of 2024-06-30, so that its rules, derived
// tables and summary are compiled, planned and run once.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "zhucun/engine.h"
#include "zhucun/fact_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> files = zhucun_fuzz::Split(input, 3);
  const std::filesystem::path& dir = zhucun_fuzz::ScratchDir();
  zhucun_fuzz::WriteFile(dir / "pack.yaml", files[0]);
  zhucun_fuzz::WriteFile(dir / "rules.yaml", files[1]);
  zhucun_fuzz::WriteFile(dir / "schema.yaml", files[2]);

  zhucun::CompileOptions limits;
  limits.max_depth = 64;
  limits.max_length = 8192;
  limits.max_comprehension_steps = 5000;
  zhucun::SourceManager sources;
  auto policy = zhucun::Policy::Load(dir.string(), sources, {}, limits);
  const std::string rendered = policy.diagnostics().Render(sources);
  if (!policy.ok()) {
    if (rendered.empty()) {
      fprintf(stderr, "a pack that failed to load without a diagnostic\n");
      abort();
    }
    return 0;
  }
  const zhucun::Policy& p = policy.value();
  (void)p.info();
  (void)p.test_files();
  zhucun::FactSetBuilder builder(p.schema());
  auto facts = builder.Finish();
  if (!facts.ok()) return 0;
  zhucun::CheckOptions options;
  options.as_of = *zhucun::Date::Parse("2024-06-30");
  options.threads = 1;
  auto report = p.Check(std::make_shared<const zhucun::FactSet>(std::move(facts).value()),
                        options);
  (void)report.diagnostics().Render(sources);
  return 0;
}
