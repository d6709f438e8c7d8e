#ifndef ZHUCUN_SCHEMA_H_
#define ZHUCUN_SCHEMA_H_

/// \file
/// Schemas of fact tables, declared in YAML (data, not code): each table's
/// columns with their cell types, codes, nullability, key, unique keys and
/// references. The Qiannan pack's schema is rules/qiannan/schema.yaml; another
/// prefecture or domain writes its own.
///
///     zhucun::SourceManager sources;
///     auto schema = zhucun::LoadSchema("rules/qiannan/schema.yaml", sources);
///     if (!schema.ok()) std::cerr << schema.diagnostics().Render(sources);
///
/// The YAML form:
///
///     tables:
///       - name: members
///         key: member_id                 # unique, non-empty id of a row
///         unique: [[member_id, year]]    # further unique column sets
///         columns:
///           - {name: member_id, type: id}
///           - {name: team_id, type: id, references: teams}
///           - {name: role, type: code, codes: [first_secretary, resident_cadre]}
///           - {name: end_date, type: date, nullable: true}
///           - {name: end_reason, type: code, codes: [...], nullable: true,
///              null_iff: end_date}       # null exactly when end_date is null
///           - {name: amount, type: decimal, scale: 2}

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zhucun/export.h"
#include "zhucun/result.h"
#include "zhucun/source.h"

namespace zhucun {

/// The type of a cell, as DATA.md defines the forms.
enum class CellType : uint8_t {
  kId,       ///< non-empty text (a key or a reference to one)
  kText,     ///< any UTF-8 text
  kCode,     ///< one of the column's codes (case-sensitive)
  kDate,     ///< `YYYY-MM-DD`, a real calendar date
  kMonth,    ///< `YYYY-MM`
  kInt,      ///< `-?[0-9]+`, fits in int64
  kDecimal,  ///< `-?[0-9]+(\.[0-9]{1,scale})?`
  kBool,     ///< `true` `false` `1` `0` `是` `否`
};

/// The name of a cell type as written in schema files ("id", "decimal", ...).
ZHUCUN_API const char* CellTypeName(CellType type);

/// One column of a table.
struct ColumnSchema {
  std::string name;
  CellType type = CellType::kText;
  /// May be empty, and may be left out of a file's header (then all null).
  bool nullable = false;
  /// kCode: the allowed codes, in declaration order.
  std::vector<std::string> codes;
  /// kDecimal: the most fractional digits a cell may have (and the scale
  /// of the stored column).
  int scale = 2;
  /// The table whose key this column refers to, or "".
  std::string references;
  /// The column this one is null together with (null exactly when that one
  /// is null), or "".
  std::string null_iff;
  /// Where the column is declared.
  SourceSpan span;
};

/// One table: its columns, key and unique column sets.
struct TableSchema {
  std::string name;
  /// The column whose values are unique ids of rows, or "" if none.
  std::string key;
  /// Further column sets whose value combinations are unique.
  std::vector<std::vector<std::string>> unique;
  std::vector<ColumnSchema> columns;
  /// Where the table is declared.
  SourceSpan span;

  /// The index of a column, or -1.
  int ColumnIndex(std::string_view column) const;
  /// The column, or nullptr.
  const ColumnSchema* FindColumn(std::string_view column) const;
};

/// A set of table schemas.
struct Schema {
  std::vector<TableSchema> tables;

  /// The index of a table, or -1.
  int TableIndex(std::string_view table) const;
  /// The table, or nullptr.
  const TableSchema* FindTable(std::string_view table) const;
};

/// Reads a schema file (YAML). Every problem is reported with
/// file:line:column: unknown keys (with did-you-mean), unknown cell types,
/// duplicate tables or columns, a key or unique column that is not a
/// column, a reference to an unknown table or to a table without a key,
/// codes on a non-code column, a bad scale.
ZHUCUN_API Result<Schema> LoadSchema(const std::string& path,
                                     SourceManager& sources);
/// Parses schema YAML already held in `sources`.
ZHUCUN_API Result<Schema> ParseSchema(FileId file, const SourceManager& sources);

}  // namespace zhucun

#endif  // ZHUCUN_SCHEMA_H_
