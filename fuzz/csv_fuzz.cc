// Fuzz target: the CSV reader against the Qiannan schema
// (rules/qiannan/schema.yaml), strict and lenient. The input is one or more
// tables separated by lines `@@@@`; each part's first line names the table
// (a part whose first line names no table of the schema goes to the first
// table: counties), the rest is that table's file, written as <table>.csv
// into a scratch folder of this process (the other tables' files absent).
// An input whose first line is `encoding=NAME` (e.g. gb18030) is read in
// that encoding. The folder is read with ReadCsvFolder, as `zhucun check`
// reads it (byte-order mark, UTF-8 check, iconv, tokenizer, cells, keys,
// references), in strict and in lenient mode; a set that builds is then
// checked with the Qiannan pack as of 2024-06-30 (small step limits), so
// that odd but valid facts reach the rules, the planner and the row
// evaluator (a sixteenth of the inputs, by hash: a check costs ten times
// the read).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"

namespace {

struct Fixture {
  zhucun::SourceManager sources;
  std::optional<zhucun::Policy> policy;
  std::optional<zhucun::Schema> schema;

  Fixture() {
    zhucun::CompileOptions limits;
    limits.max_comprehension_steps = 20000;
    auto p = zhucun::Policy::Load(ZHUCUN_SOURCE_DIR "/rules/qiannan", sources, {}, limits);
    if (!p.ok()) {
      fprintf(stderr, "%s", p.diagnostics().Render(sources).c_str());
      abort();
    }
    policy.emplace(std::move(p).value());
    schema.emplace(policy->schema());
  }
};

const Fixture& GetFixture() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

void ReadAndCheck(const Fixture& f, const std::string& encoding,
                  zhucun::Strictness strictness, bool check) {
  zhucun::SourceManager sources;
  zhucun::CsvOptions options;
  options.strictness = strictness;
  options.encoding = encoding;
  options.max_listed = 20;
  options.threads = 1;
  auto facts = zhucun::ReadCsvFolder(*f.schema, zhucun_fuzz::ScratchDir().string(),
                                     options, sources);
  const std::string rendered = facts.diagnostics().Render(sources);
  if (!facts.ok()) {
    if (rendered.empty()) {
      fprintf(stderr, "a failed read without a diagnostic\n");
      abort();
    }
    return;
  }
  size_t read = 0;
  for (const zhucun::TableStats& s : facts.value().stats()) {
    if (s.read != s.accepted + s.rejected) {
      fprintf(stderr, "table %s: %zu rows read, %zu accepted, %zu rejected\n",
              s.table.c_str(), s.read, s.accepted, s.rejected);
      abort();
    }
    read += s.read;
  }
  // A check costs ten times the read (~40 ms under ASan), so only a
  // sixteenth of the inputs, chosen by their hash (the same input always
  // takes the same path), are checked; and strict mode builds the same set
  // as lenient mode when it builds, so only the lenient set is.
  if (read == 0 || strictness != zhucun::Strictness::kLenient || !check) return;
  auto shared = std::make_shared<const zhucun::FactSet>(std::move(facts).value());
  zhucun::CheckOptions check_options;
  check_options.as_of = *zhucun::Date::Parse("2024-06-30");
  check_options.threads = 1;
  auto report = f.policy->Check(shared, check_options);
  (void)report.diagnostics().Render(sources);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string encoding = "utf-8";
  if (input.starts_with("encoding=")) {
    const size_t eol = input.find('\n');
    encoding = std::string(input.substr(9, eol == std::string_view::npos ? eol : eol - 9));
    input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
  }
  // <table>.csv for each part: a table's first part only.
  const std::filesystem::path& dir = zhucun_fuzz::ScratchDir();
  for (const zhucun::TableSchema& table : f.schema->tables) {
    std::filesystem::remove(dir / (table.name + ".csv"));
  }
  std::vector<bool> seen(f.schema->tables.size());
  for (std::string& part : zhucun_fuzz::Split(input, 8)) {
    const size_t eol = part.find('\n');
    const int index = f.schema->TableIndex(std::string_view(part).substr(0, eol));
    const size_t table = index < 0 ? 0 : static_cast<size_t>(index);
    if (seen[table]) continue;
    seen[table] = true;
    zhucun_fuzz::WriteFile(dir / (f.schema->tables[table].name + ".csv"),
                           index < 0 ? std::string_view(part)
                           : eol == std::string::npos ? std::string_view()
                                                      : std::string_view(part).substr(eol + 1));
  }
  const bool check = std::hash<std::string_view>()(input) % 16 == 0;
  ReadAndCheck(f, encoding, zhucun::Strictness::kStrict, check);
  ReadAndCheck(f, encoding, zhucun::Strictness::kLenient, check);
  return 0;
}
