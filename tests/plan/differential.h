#ifndef ZHUCUN_TESTS_PLAN_DIFFERENTIAL_H_
#define ZHUCUN_TESTS_PLAN_DIFFERENTIAL_H_

// What the differential tests of the planner share (differential_test.cc,
// planned_edges_test.cc): a check's whole outcome as lines, run with and
// without plans and compared; small packs and generated data written to
// temporary folders.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "qiannan_gen.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun::plan_test {

// Under AddressSanitizer (ten times slower) the same checks run on fewer
// dates and rules: the release build runs them all.
#ifdef __SANITIZE_ADDRESS__
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

inline const std::string kRoot = ZHUCUN_SOURCE_DIR;
inline const std::string kSpec = std::string(ZHUCUN_SHARED_DIR) + "/spec/";

// The whole outcome of a check, as lines: findings, derived rows,
// diagnostics; and the plans' share of the work.
struct Outcome {
  std::vector<std::string> lines;
  uint64_t judged = 0;
  uint64_t evaluated = 0;
  uint64_t planned_rules = 0;
};

inline Outcome Check(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
            const SourceManager& sources, const std::string& as_of,
            const std::string& from, bool plan, unsigned threads = 2) {
  CheckOptions options;
  options.as_of = *Date::Parse(as_of);
  if (!from.empty()) options.from = *Date::Parse(from);
  options.plan = plan;
  options.profile = true;
  options.threads = threads;
  Result<Report> report = policy.Check(facts, options);
  Outcome out;
  out.lines.push_back(report.ok() ? "ok" : "failed");
  out.lines.push_back(report.diagnostics().Render(sources));
  if (!report.ok()) return out;
  for (const Finding& f : report.value().findings) {
    out.lines.push_back(f.rule + "|" + f.subject + "|" + f.period + "|" + f.severity + "|" +
                        f.message);
  }
  for (const DerivedTable& d : report.value().derived) {
    for (size_t r = 0; r < d.num_rows(); ++r) {
      std::string line = d.name;
      for (const std::string& cell : d.Row(r)) line += "|" + cell;
      out.lines.push_back(line);
    }
  }
  for (const RuleProfile& r : report.value().profile->rules) {
    out.judged += r.judged;
    out.evaluated += r.evaluated;
    out.planned_rules += r.path != "row evaluator";
  }
  return out;
}

// The (as_of, from) of the checks: the default window, and two others.
inline std::vector<std::pair<std::string, std::string>> Dates() {
  std::vector<std::pair<std::string, std::string>> dates = {
      {"2024-06-30", ""}, {"2023-02-28", "2021-01-01"}, {"2022-12-31", "2022-03-15"}};
  if (kSanitized) dates.resize(1);
  return dates;
}

// Checks `facts` with and without plans at each (as_of, from) and expects
// the same outcome; returns how many pairs the plans dropped in all.
inline uint64_t ExpectSameBothWays(const Policy& policy, const std::shared_ptr<const FactSet>& facts,
                            const SourceManager& sources, const std::string& what) {
  uint64_t dropped = 0;
  for (const auto& [as_of, from] : Dates()) {
    const Outcome planned = Check(policy, facts, sources, as_of, from, true);
    const Outcome reference = Check(policy, facts, sources, as_of, from, false);
    EXPECT_EQ(planned.lines.size(), reference.lines.size()) << what << " as of " << as_of;
    for (size_t i = 0; i < std::min(planned.lines.size(), reference.lines.size()); ++i) {
      if (planned.lines[i] != reference.lines[i]) {
        ADD_FAILURE() << what << " as of " << as_of << ", line " << i
                      << ":\n  planned:   " << planned.lines[i]
                      << "\n  reference: " << reference.lines[i];
        break;
      }
    }
    EXPECT_EQ(reference.evaluated, reference.judged) << "without plans every pair is judged";
    dropped += planned.judged - planned.evaluated;
  }
  return dropped;
}

inline std::shared_ptr<const FactSet> Read(const Policy& policy, const std::string& dir,
                                    bool lenient, SourceManager& sources) {
  CsvOptions csv;
  if (lenient) csv.strictness = Strictness::kLenient;
  auto facts = ReadCsvFolder(policy.schema(), dir, csv, sources);
  EXPECT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  if (!facts.ok()) return nullptr;
  return std::make_shared<const FactSet>(std::move(facts).value());
}

// Generated sample data (bench/gen) in a temporary folder.
// A folder of this process's own under the temporary folder.
inline std::string TempPath(const std::string& name) {
  return testing::TempDir() + name + "_" + std::to_string(getpid());
}

// A new folder (TempPath(name)) holding a pack named `name` of schema.yaml
// and rules.yaml as given, with the parameters `parameters` (the lines under
// `parameters:`), and an empty `data` folder; returns the folder.
inline std::string WritePack(const std::string& name, const std::string& parameters,
                      const std::string& schema, const std::string& rules) {
  const std::string dir = TempPath(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/data");
  std::ofstream(dir + "/pack.yaml") << "name: " << name << "\nversion: 0.1.0\ntitle: " << name
                                    << "\nparameters:\n" << parameters
                                    << "includes: [schema.yaml, rules.yaml]\n";
  std::ofstream(dir + "/schema.yaml") << schema;
  std::ofstream(dir + "/rules.yaml") << rules;
  return dir;
}

inline std::string Generate(const std::string& name, double bad_rows, double scale = 0.05) {
  const std::string dir = TempPath(name);
  std::filesystem::remove_all(dir);
  gen::Options options;
  options.scale = scale;
  options.bad_rows = bad_rows;
  std::string error;
  EXPECT_TRUE(gen::Generate(options, dir, nullptr, &error)) << error;
  return dir;
}

}  // namespace zhucun::plan_test

#endif  // ZHUCUN_TESTS_PLAN_DIFFERENTIAL_H_
