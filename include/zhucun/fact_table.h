#ifndef ZHUCUN_FACT_TABLE_H_
#define ZHUCUN_FACT_TABLE_H_

/// \file
/// Fact tables: validated, columnar, immutable. A FactSet holds one
/// FactTable per schema table; each has typed columns (dates as day numbers,
/// decimals as scaled integers at the column's scale, codes and text
/// dictionary-encoded, months as periods), a hash index on its key,
/// references resolved to row numbers, and group-by on any id column.
///
/// FactSets are built by FactSetBuilder: from CSV folders (csv.h), from a
/// caller's own rows, or from whole columns (a data frame's), with the same
/// validation.
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

namespace internal {
struct FactSetBuilderAccess;
}  // namespace internal

/// Rows grouped by the value of one column: the rows of group g are
/// row(offsets[g]) .. row(offsets[g + 1] - 1), in row order.
struct GroupIndex {
  std::vector<uint32_t> offsets;
  /// The groups' rows one after another; empty when they are the table's
  /// rows in order (a table whose rows come grouped, as an export ordered
  /// by the column gives them): row(k) is then k, and the index takes no
  /// room for them.
  std::vector<uint32_t> listed;
  /// The k-th row of the groups one after another (k < offsets.back()).
  uint32_t row(size_t k) const { return listed.empty() ? static_cast<uint32_t>(k) : listed[k]; }
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
  /// line 1), the row's 1-based ordinal for rows added by AddRow, or the
  /// line given to AddColumns (first_line + i).
  uint32_t line(size_t row) const;

  /// The row whose key is `key`, if any (tables with a key only).
  std::optional<uint32_t> FindKey(std::string_view key) const;

  /// For a referencing column: the row number, in the referenced table, of
  /// each row's reference (-1 where the cell is null).
  const std::vector<int32_t>* references(std::string_view column) const;

  /// The rows grouped by the value of an id column (a reference groups by
  /// referenced row: group g is row g of the referenced table; otherwise one
  /// group per distinct value in dictionary order).
  GroupIndex GroupBy(std::string_view column) const;

  /// GroupBy's groups, built by the first call for the column (whichever
  /// thread asks first) and kept with the table: every check, `explain`
  /// and summary of these facts reads the same index (a reverse relation's
  /// spans are built once per fact set, not once per check). Empty for a
  /// column the table does not have.
  const GroupIndex& Groups(std::string_view column) const;

 private:
  friend class FactSetBuilder;
  const TableSchema* schema_ = nullptr;
  size_t num_rows_ = 0;
  std::vector<Column> columns_;
  // The line of each row: as runs of rows on consecutive lines, (first
  // row, its line) in row order (a file without blank lines, records of
  // several lines or rows left out is one run), or, where runs would take
  // more room, one line per row in lines_ (then line_runs_ is empty).
  std::vector<std::pair<uint32_t, uint32_t>> line_runs_;
  std::vector<uint32_t> lines_;
  // The key index (a hash table over the key column's dictionary, and the
  // row of each code), defined in builder_impl.h: built by the first
  // FindKey (once, whichever thread asks first), since most tables' keys
  // are never looked up and the index of a table of ids is about 24 bytes
  // a row; null without a string key.
  struct KeyIndex;
  std::shared_ptr<KeyIndex> key_index_;
  // Groups' indexes, one per column, each built by the first Groups call
  // for it (defined in builder_impl.h).
  struct GroupCache;
  std::shared_ptr<GroupCache> group_cache_;
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

/// One column of a table given whole, as a data frame holds it: the cells
/// of `rows` consecutive rows (FactSetBuilder::AddColumns). The arrays are
/// the caller's, read during the call only; each has `rows` elements.
struct ColumnInput {
  /// How the cells are given. Each form fits some cell types only (see
  /// each); another is an error of the whole table.
  enum class Form : uint8_t {
    kText,    ///< texts[i]: read and validated exactly as a CSV cell ("" is null). Any column.
    kInt,     ///< ints[i]: an int column, or a whole number for a decimal column
    kScaled,  ///< ints[i] / 10^scale: a decimal column (scale 0..18); more fractional digits than the column's scale is the CSV reader's "too precise" error unless the extra digits are zeros
    kDouble,  ///< doubles[i]: taken exactly from its shortest round-trip decimal text (std::to_chars), then validated as that text would be: 1100.0 is 1100, 0.1 is 0.1, 1.005 has 3 fractional digits; NaN is null, ±inf is an error. For int, decimal columns.
    kDays,    ///< ints[i]: days since 1970-01-01 (a date column); outside years 1..9999 is an error
    kMonths,  ///< ints[i]: months since 1970-01 (a month column), i.e. the pandas Period[M] ordinal
    kBool,    ///< ints[i] != 0 (a bool column)
  };
  /// The column's name in the schema (others are ignored, as in CSV).
  std::string name;
  /// How the cells are given.
  Form form = Form::kText;
  /// kScaled: the number of fractional digits of every ints[i] (0..18).
  int scale = 0;
  /// kText: the cells' texts.
  const std::string_view* texts = nullptr;
  /// kInt, kScaled, kDays, kMonths, kBool: the cells' numbers.
  const int64_t* ints = nullptr;
  /// kDouble: the cells' numbers.
  const double* doubles = nullptr;
  /// One byte per row, 0 = null; nullptr = every cell present (kText: ""
  /// is null too; kDouble: NaN is null too).
  const uint8_t* valid = nullptr;
};

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

  /// Adds `rows` rows to `table`, given column by column; row i gets line
  /// `first_line + i` (messages say "`table` line N: ..." and lenient
  /// input.invalid subjects are `table:N`). The same checks as CSV cells
  /// (DATA.md): types, codes (did-you-mean), nullability, null_iff, then
  /// keys, unique keys and references at Finish; the same diagnostic codes
  /// and wording, a typed cell quoted as text (a double's shortest text, a
  /// day number as YYYY-MM-DD, or the raw number when out of range). A
  /// column that may not be null and is not given, a column given twice,
  /// or an unknown table, is an error of the whole table (as a malformed
  /// file), in strict and lenient mode alike, and no row is added. A form
  /// that does not fit the column's type (kDays for a decimal column), a
  /// kScaled scale outside 0..18 or a missing array is such an error too,
  /// naming the column, its type and the form. Typed forms are stored
  /// directly, without a text round trip, where the type matches. May be
  /// called more than once for a table (batches) and mixed with AddRow.
  void AddColumns(std::string_view table, size_t rows,
                  const std::vector<ColumnInput>& columns, uint32_t first_line = 1);
  /// The same, row i on line `lines[i]` (`lines` has one line per row):
  /// for rows taken from a larger table, so that messages and lenient
  /// input.invalid subjects name their lines in it (a partition's rows in
  /// the Dask check). A `lines` of another size is an error of the whole
  /// table (`facts.column_data`).
  void AddColumns(std::string_view table, size_t rows, const std::vector<ColumnInput>& columns,
                  const std::vector<uint32_t>& lines);

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
  /// reported as warnings.
  ///
  /// What is listed is for a person: first every problem of a file and
  /// every bad row with a problem of its own (the causes), then one line
  /// per rejected row that others refer to ("23 rows refer to the rejected
  /// `members` row on line 17 and are rejected too: ..."), then a total.
  /// Listing stops after `max_listed` diagnostics (the causes come first, so
  /// the cascades never push one off); a note counts the rest. `all`, when
  /// given, receives every problem one by one, unlimited: each row that
  /// refers to a rejected one with its own line.
  Result<FactSet> Finish(Strictness strictness = Strictness::kStrict,
                         size_t max_listed = 100, Diagnostics* all = nullptr);

 private:
  friend struct internal::FactSetBuilderAccess;  // src/facts/csv_reader.cc
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhucun

#endif  // ZHUCUN_FACT_TABLE_H_
