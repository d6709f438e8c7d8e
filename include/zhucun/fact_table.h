#ifndef ZHUCUN_FACT_TABLE_H_
#define ZHUCUN_FACT_TABLE_H_

/// \file
/// Fact tables: validated, columnar, immutable. A FactSet holds one
/// FactTable per schema table; each has typed columns (dates as day numbers,
/// decimals as scaled integers at the column's scale, codes and text
/// dictionary-encoded, months as periods), a hash index on its key,
/// references resolved to row numbers, and group-by on any id column.
///
/// FactSets are built by FactSetBuilder: from CSV folders (csv.h) or from a
/// caller's own rows, with the same validation.
///
///     zhucun::FactSetBuilder builder(schema);
///     builder.AddRow("counties", {{"county_id", "C01"}, {"name", "都匀市"}});
///     zhucun::Result<zhucun::FactSet> facts = builder.Finish();

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "zhucun/column.h"
#include "zhucun/diagnostic.h"
#include "zhucun/export.h"
#include "zhucun/result.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun {

/// Rows grouped by the value of one column: the rows of group g are
/// rows[offsets[g] .. offsets[g + 1]), in row order.
struct GroupIndex {
  std::vector<uint32_t> offsets;
  std::vector<uint32_t> rows;
  /// The number of groups.
  size_t size() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

/// One validated table.
class ZHUCUN_API FactTable {
 public:
  FactTable() = default;
  // Move-only: the key index refers into the table's own dictionary.
  FactTable(const FactTable&) = delete;
  FactTable& operator=(const FactTable&) = delete;
  FactTable(FactTable&&) = default;
  FactTable& operator=(FactTable&&) = default;

  const TableSchema& schema() const { return *schema_; }
  const std::string& name() const { return schema_->name; }
  size_t num_rows() const { return num_rows_; }

  /// The column at a schema index.
  const Column& column(size_t index) const { return columns_[index]; }
  /// The column named `name`, or nullptr.
  const Column* column(std::string_view name) const;

  /// The line of the source file a row came from (1-based; the header is
  /// line 1), or the row's 1-based ordinal for rows added programmatically.
  uint32_t line(size_t row) const { return lines_[row]; }

  /// The row whose key is `key`, if any (tables with a key only).
  std::optional<uint32_t> FindKey(std::string_view key) const;

  /// For a referencing column: the row number, in the referenced table, of
  /// each row's reference (-1 where the cell is null).
  const std::vector<int32_t>* references(std::string_view column) const;

  /// The rows grouped by the value of an id column (a reference groups by
  /// referenced row: group g is row g of the referenced table; otherwise one
  /// group per distinct value in dictionary order).
  GroupIndex GroupBy(std::string_view column) const;

 private:
  friend class FactSetBuilder;
  const TableSchema* schema_ = nullptr;
  size_t num_rows_ = 0;
  std::vector<Column> columns_;
  std::vector<uint32_t> lines_;
  // The key index (a hash table over the key column's dictionary, and the
  // row of each code), defined in fact_table.cc; null without a key.
  struct KeyIndex;
  std::shared_ptr<const KeyIndex> key_index_;
  std::map<std::string, std::vector<int32_t>, std::less<>> references_;
  // Per referencing column: the number of rows of the referenced table.
  std::map<std::string, size_t, std::less<>> reference_targets_;
};

/// Per-table accounting of a load: rows read = accepted + rejected.
struct TableStats {
  std::string table;
  size_t read = 0;
  size_t accepted = 0;
  size_t rejected = 0;
};

/// A row left out in lenient mode, and why (the first reason).
struct RejectedRow {
  std::string table;
  uint32_t line = 0;
  std::string reason;
};

/// The tables of one evaluation, built once and shared read-only.
class ZHUCUN_API FactSet {
 public:
  /// The schema the tables follow.
  const Schema& schema() const { return *schema_; }
  /// The table named `name`, or nullptr.
  const FactTable* table(std::string_view name) const;
  const std::vector<FactTable>& tables() const { return tables_; }
  /// Rows read, accepted and rejected, per table in schema order.
  const std::vector<TableStats>& stats() const { return stats_; }
  /// Rows rejected in lenient mode, by table (schema order) then line.
  const std::vector<RejectedRow>& rejected() const { return rejected_; }

 private:
  friend class FactSetBuilder;
  std::shared_ptr<const Schema> schema_;
  std::vector<FactTable> tables_;
  std::vector<TableStats> stats_;
  std::vector<RejectedRow> rejected_;
};

/// How strictly bad rows are treated.
enum class Strictness : uint8_t {
  kStrict,   ///< any bad row is an error: no FactSet
  kLenient,  ///< bad rows are left out and listed (FactSet::rejected)
};

/// A cell given by a caller: a column name and its text (std::nullopt or ""
/// is null), validated exactly as a CSV cell is.
using NamedCell = std::pair<std::string, std::optional<std::string>>;

/// Builds a FactSet, validating every cell, key, unique key and reference.
class ZHUCUN_API FactSetBuilder {
 public:
  explicit FactSetBuilder(Schema schema);
  ~FactSetBuilder();
  FactSetBuilder(FactSetBuilder&&) noexcept;
  FactSetBuilder& operator=(FactSetBuilder&&) noexcept;

  /// The schema being built against.
  const Schema& schema() const;

  /// Adds a row of named cells (columns not given are null). An unknown
  /// table or column is an error. The row's line is its ordinal in the
  /// table (1-based).
  void AddRow(std::string_view table, const std::vector<NamedCell>& cells);

  /// Finds a cell of a row read from a file, for diagnostics found after
  /// reading (duplicates, references): (the row's record offset, schema
  /// column index) -> where the cell is.
  using CellLocator = std::function<SourceSpan(uint32_t offset, size_t column)>;
  /// A capacity hint: about `rows` more rows will be added to `table` (the
  /// CSV reader counts a file's lines), so that its columns are allocated
  /// once rather than grown row by row.
  void ReserveRows(size_t table, size_t rows);
  /// Sets the locator of a table read from a file (before its rows).
  void SetCellLocator(size_t table, CellLocator locate);
  /// Adds a row read from a file: `cells[i]` is the value of schema column
  /// i (nullopt when the column is absent from the file), `spans[i]` where
  /// it is in the file (for diagnostics), `line` the physical line where the
  /// record starts and `offset` its byte offset (for the locator). Used by
  /// the CSV reader.
  void AddFileRow(size_t table, uint32_t line, uint32_t offset,
                  const std::vector<std::optional<std::string_view>>& cells,
                  const std::vector<SourceSpan>& spans);
  /// Counts a row that could not even be split into cells (too few or too
  /// many fields) as read and bad, with the given diagnostic.
  void AddBadRow(size_t table, uint32_t line, Diagnostic why);

  /// Adds a diagnostic about a table's whole file (malformed): the build
  /// fails in both modes, and references into that table are not checked
  /// (its rows are unknown).
  void AddFileError(size_t table, Diagnostic d);

  /// Checks keys, unique keys and references (bad rows cascade to the rows
  /// that refer to them) and builds the tables. Strict: any bad row is an
  /// error. Lenient: bad rows are left out, listed in rejected() and
  /// reported as warnings. Listing stops after `max_listed` diagnostics;
  /// a final note counts the rest.
  Result<FactSet> Finish(Strictness strictness = Strictness::kStrict,
                         size_t max_listed = 100);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhucun

#endif  // ZHUCUN_FACT_TABLE_H_
