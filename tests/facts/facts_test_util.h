#ifndef ZHUCUN_TESTS_FACTS_FACTS_TEST_UTIL_H_
#define ZHUCUN_TESTS_FACTS_FACTS_TEST_UTIL_H_

// Helpers shared by the facts tests (CSV reader, builder, broken files,
// generator) and the `zhucun load` tests: the source tree, the Qiannan
// schema, inline schemas, a temporary folder, and reading a folder with the
// rendered diagnostics made independent of where that folder is.
//
// Header-only: everything is inline, in namespace zhucun::testing. A test
// file brings in what it uses with using-declarations, e.g.
//
//   using testing::Qiannan;
//   using testing::TempDir;
//
// (inside namespace zhucun, `testing` names this namespace; GoogleTest's is
// always spelt `::testing` by its macros).
//
// Test targets define ZHUCUN_SOURCE_DIR (tests/CMakeLists.txt).

#include <stdlib.h>

#include <gtest/gtest.h>

#include "../source/translated.h"
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "zhucun/column.h"
#include "zhucun/csv.h"
#include "zhucun/diagnostic.h"
#include "zhucun/fact_table.h"
#include "zhucun/result.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun::testing {

/// The root of the source tree (rules/, bench/, ...).
inline const std::string kSourceDir = ZHUCUN_SOURCE_DIR;

/// Every occurrence of `from` in `s` replaced by `to`, left to right; the
/// replacement is not searched again. An empty `from` leaves `s` as it is.
inline std::string ReplaceAll(std::string s, const std::string& from,
                              const std::string& to) {
  if (from.empty()) return s;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos;
       pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

/// The bytes of a file ("" when it cannot be read).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A fresh folder under the temporary directory (mkdtemp), removed with
/// everything in it when the object goes.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "zhucun-test") {
    std::string pattern = (std::filesystem::temp_directory_path() /
                           (std::string(prefix) + "-XXXXXX"))
                              .string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The folder, without a trailing `/`.
  const std::string& path() const { return path_; }
  /// The path of `name` in the folder.
  std::string File(const std::string& name) const {
    return path_ + "/" + name;
  }

  /// Writes `bytes` exactly (NULs and all) to `name` in the folder,
  /// replacing what was there; a failed write fails the test.
  void Write(const std::string& name, std::string_view bytes) const {
    std::ofstream out(File(name), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << name;
  }
  /// Removes `name` from the folder (nothing if it is not there).
  void Remove(const std::string& name) const {
    std::filesystem::remove(File(name));
  }

 private:
  std::string path_;
};

/// The Qiannan schema (rules/qiannan/schema.yaml), loaded once per test
/// binary. If it does not load, the test fails and this is an empty schema.
inline const Schema& Qiannan() {
  static const Schema* const schema = [] {
    SourceManager sources;
    Result<Schema> r =
        LoadSchema(kSourceDir + "/rules/qiannan/schema.yaml", sources);
    if (!r.ok()) {
      ADD_FAILURE() << r.diagnostics().Render(sources);
      return new Schema();
    }
    return new Schema(std::move(r).value());
  }();
  return *schema;
}

/// A table `t` with a column of every cell type, all but the id nullable (so
/// that a file may hold just `id` and the column under test), as an item of a
/// schema's `tables:` list; a test may append columns to it.
inline const std::string kEveryCellTypeTable = R"(  - name: t
    key: id
    columns:
      - {name: id, type: id}
      - {name: s, type: text, nullable: true}
      - {name: c, type: code, codes: [red, green, Blue], nullable: true}
      - {name: d, type: date, nullable: true}
      - {name: m, type: month, nullable: true}
      - {name: i, type: int, nullable: true}
      - {name: x, type: decimal, scale: 2, nullable: true}
      - {name: b, type: bool, nullable: true}
)";

/// A schema written inline (as `schema.yaml`). If it does not parse, the
/// test fails and this is an empty schema.
inline Schema InlineSchema(const std::string& yaml) {
  SourceManager sources;
  const FileId file = sources.Add("schema.yaml", yaml);
  Result<Schema> r = ParseSchema(file, sources);
  if (!r.ok()) {
    ADD_FAILURE() << r.diagnostics().Render(sources);
    return Schema();
  }
  return std::move(r).value();
}

/// The outcome of reading a folder with ReadCsvFolder (see Read).
struct Loaded {
  /// The folder read; replaced by `DIR` in rendered().
  std::string dir;
  SourceManager sources;
  std::optional<Result<FactSet>> result;
  /// Every problem, one by one (CsvOptions::all_problems).
  Diagnostics all;

  bool ok() const { return result->ok(); }
  const FactSet& facts() const { return result->value(); }
  /// The table `name` (a failure, and an empty table, if there is none).
  const FactTable& table(std::string_view name) const {
    const FactTable* t = facts().table(name);
    if (t == nullptr) {
      ADD_FAILURE() << "no table " << name;
      static const FactTable kNone;
      return kNone;
    }
    return *t;
  }
  /// The rendered diagnostics, the folder replaced by `DIR`.
  std::string rendered() const {
    return ReplaceAll(result->diagnostics().Render(sources), dir, "DIR");
  }
  /// The same of `all`.
  std::string all_rendered() const { return ReplaceAll(all.Render(sources), dir, "DIR"); }
  /// The first line of rendered().
  std::string first_line() const {
    const std::string r = rendered();
    return r.substr(0, r.find('\n'));
  }
  /// The accounting of table `name` (a failure, and zeros, if there is none).
  const TableStats& stats(std::string_view name) const {
    for (const TableStats& s : facts().stats()) {
      if (s.table == name) return s;
    }
    ADD_FAILURE() << "no stats for " << name;
    static const TableStats kNone;
    return kNone;
  }
};

/// Reads the folder `dir` against `schema` with the given options.
inline Loaded Read(const Schema& schema, const std::string& dir,
                   Strictness strictness = Strictness::kStrict,
                   const std::string& encoding = "utf-8",
                   size_t max_listed = 100) {
  Loaded loaded;
  loaded.dir = dir;
  CsvOptions options;
  options.strictness = strictness;
  options.encoding = encoding;
  options.max_listed = max_listed;
  options.all_problems = &loaded.all;
  loaded.result.emplace(ReadCsvFolder(schema, dir, options, loaded.sources));
  ExpectTranslated(loaded.result->diagnostics());
  ExpectTranslated(loaded.all);
  return loaded;
}

/// Reads the folder of `dir` against `schema`, other options the defaults.
inline Loaded Read(const Schema& schema, const TempDir& dir,
                   Strictness strictness = Strictness::kStrict) {
  return Read(schema, dir.path(), strictness);
}

/// The text of a string column's row ("<null>" when null, "<no column>"
/// when the table has no such column).
inline std::string Str(const FactTable& t, std::string_view column,
                       size_t row) {
  const Column* c = t.column(column);
  if (c == nullptr) return "<no column>";
  const Value v = c->Get(row);
  if (v.is_null()) return "<null>";
  return v.string_value();
}

/// Whether the cell is null (false when the table has no such column).
inline bool IsNull(const FactTable& t, std::string_view column, size_t row) {
  const Column* c = t.column(column);
  return c != nullptr && !c->view().IsValid(row);
}

/// A rejected row as (table, line, reason).
using Rejection = std::tuple<std::string, uint32_t, std::string>;

/// The rejected rows of `facts`, in order.
inline std::vector<Rejection> Rejections(const FactSet& facts) {
  std::vector<Rejection> out;
  for (const RejectedRow& r : facts.rejected()) {
    out.emplace_back(r.table, r.line, r.reason);
  }
  return out;
}

}  // namespace zhucun::testing

#endif  // ZHUCUN_TESTS_FACTS_FACTS_TEST_UTIL_H_
