#ifndef ZHUCUN_TESTS_ENGINE_ENGINE_TEST_UTIL_H_
#define ZHUCUN_TESTS_ENGINE_ENGINE_TEST_UTIL_H_

// Helpers shared by the engine tests: small packs on the schema of
// tests/testdata/packs/explain_ok (four tables of rules/qiannan, cut down:
// counties, villages, teams, members). Header-only, in zhucun::testing.

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "../facts/facts_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun::testing {

// The table of exception records (docs/rules.md, "Exceptions"), as it is
// appended to a schema.yaml's `tables:`.
inline constexpr char kExceptionsTableYaml[] =
    "\n"
    "  - name: exceptions\n"
    "    key: exception_id\n"
    "    columns:\n"
    "      - {name: exception_id, type: id}\n"
    "      - {name: rule, type: text}\n"
    "      - {name: subject, type: text}\n"
    "      - {name: period, type: text, nullable: true}\n"
    "      - {name: reason, type: text}\n"
    "      - {name: approved_by, type: text, nullable: true}\n"
    "      - {name: approved_on, type: date, nullable: true}\n"
    "      - {name: valid_from, type: date}\n"
    "      - {name: valid_until, type: date, nullable: true}\n";

// tests/testdata/packs/explain_ok: a small pack of four tables with data.
inline const std::string kExplainOk = kSourceDir + "/tests/testdata/packs/explain_ok";

// Writes explain_ok's schema into `pack` as schema.yaml.
inline void WriteSmallSchema(const TempDir& pack) {
  pack.Write("schema.yaml", ReadFile(kExplainOk + "/schema.yaml"));
}

// A copy of explain_ok's pack files in `pack` and, given `data`, of its
// data files: a pack (and data) for a test to spoil.
inline void CopyExplainOk(const TempDir& pack, const TempDir* data = nullptr) {
  for (const char* f : {"pack.yaml", "schema.yaml", "rules.yaml"}) {
    pack.Write(f, ReadFile(kExplainOk + "/" + f));
  }
  if (data == nullptr) return;
  for (const char* f : {"counties.csv", "villages.csv", "teams.csv", "members.csv"}) {
    data->Write(f, ReadFile(kExplainOk + "/data/" + f));
  }
}

// Replaces `from` (which must be there) by `to` in `dir`'s `file`.
inline void EditFile(const TempDir& dir, const std::string& file, const std::string& from,
                     const std::string& to) {
  const std::string text = ReadFile(dir.File(file));
  ASSERT_NE(text.find(from), std::string::npos) << from;
  dir.Write(file, ReplaceAll(text, from, to));
}

// A pack named `name` in `pack`: the small schema, a `window_start` of
// 2024-01-01, and `file` (rules or derived tables) holding `text`.
inline void WriteSmallPack(const TempDir& pack, const std::string& name, const std::string& file,
                           const std::string& text) {
  WriteSmallSchema(pack);
  pack.Write("pack.yaml", "name: " + name + "\nversion: 1.0.0\ntitle: " + name + "\n" +
                              "parameters:\n  window_start: {type: date, default: 2024-01-01}\n"
                              "includes: [schema.yaml, " + file + "]\n");
  pack.Write(file, text);
}

// Loads the pack in `pack`, reads the CSV files of `data` against its
// schema and checks them with `options` (as_of 2024-06-30): the check's
// result, which may have failed; a pack or data that does not load is
// added to the test as a failure (and fails the result).
inline Result<Report> CheckFolders(const TempDir& pack, const TempDir& data, CheckOptions options,
                                   SourceManager& sources) {
  Result<Policy> policy = Policy::Load(pack.path(), sources);
  EXPECT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  if (!policy.ok()) return Result<Report>(policy.diagnostics());
  auto facts = ReadCsvFolder(policy.value().schema(), data.path(), CsvOptions{}, sources);
  EXPECT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  if (!facts.ok()) return Result<Report>(facts.diagnostics());
  options.as_of = *Date::Parse("2024-06-30");
  return policy.value().Check(std::make_shared<const FactSet>(std::move(facts).value()), options);
}

// The same, the report of a check that must succeed: else an empty one,
// with the failure added to the test.
inline Report CheckFolders(const TempDir& pack, const TempDir& data, CheckOptions options) {
  SourceManager sources;
  Result<Report> report = CheckFolders(pack, data, std::move(options), sources);
  EXPECT_TRUE(report.ok()) << report.diagnostics().Render(sources);
  return report.ok() ? std::move(report).value() : Report{};
}

}  // namespace zhucun::testing

#endif  // ZHUCUN_TESTS_ENGINE_ENGINE_TEST_UTIL_H_
