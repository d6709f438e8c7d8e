#ifndef ZHUCUN_RECORDS_H_
#define ZHUCUN_RECORDS_H_

/// \file
/// Fact-table rows as values of the expression language. Every table of a
/// schema is a record type whose fields are its columns, plus its relations:
///
/// - a reference column `team_id` (→ teams) gives the field `team`, the
///   referenced row as a record (null when the cell is null);
/// - the rows of another table that refer to this one give a list field
///   named after that table (`team.members`), or `<table>_by_<column>` when
///   that table refers here through several columns
///   (`member.handovers_by_outgoing_member`).
///
/// So a rule reads `member.team.village.category` or
/// `team.members.filter(m, m.role == 'first_secretary').size()`, and the
/// checker knows every field when rules load.
///
///     zhucun::RecordTypes types(schema);                 // for checking
///     env.Declare("member", types.TypeOf("members"));
///     auto records = zhucun::RecordSet::Make(facts, types);  // for evaluating
///     act.Bind("member", records->Row("members", 0));

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zhucun/export.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"
#include "zhucun/type.h"
#include "zhucun/value.h"

namespace zhucun {

/// One field of a record type, and where its value comes from.
struct RecordField {
  /// How the field is derived.
  enum class Kind : uint8_t {
    kColumn,   ///< a column of the table
    kForward,  ///< the row a reference column points to
    kReverse,  ///< the rows of another table that point here
  };
  std::string name;
  Kind kind = Kind::kColumn;
  /// kColumn, kForward: the column (schema index) of this table.
  size_t column = 0;
  /// kReverse: the referring table and its reference column (schema indexes).
  size_t other_table = 0;
  size_t other_column = 0;
};

/// The record types of a schema's tables. Owns the types: keep it alive as
/// long as any Env or Program that uses them (types refer to each other
/// without owning, so that no cycle of shared ownership forms).
class ZHUCUN_API RecordTypes {
 public:
  explicit RecordTypes(const Schema& schema);
  /// The record type of a table (dyn if there is no such table).
  Type TypeOf(std::string_view table) const;
  /// The fields of a table's record type, columns first, in schema order.
  const std::vector<RecordField>& fields(size_t table) const {
    return fields_[table];
  }
  const Schema& schema() const { return schema_; }

 private:
  Schema schema_;
  std::vector<std::shared_ptr<ObjectType>> types_;
  std::vector<std::vector<RecordField>> fields_;
};

/// The rows of a FactSet as record values. Immutable and thread-safe; a
/// record value keeps the whole set (and its FactSet) alive.
class ZHUCUN_API RecordSet : public std::enable_shared_from_this<RecordSet> {
 public:
  /// The records of `facts`, whose schema must be `types.schema()`.
  static std::shared_ptr<const RecordSet> Make(
      std::shared_ptr<const FactSet> facts, const RecordTypes& types);

  /// Row `row` of `table` as a record value.
  Value Row(std::string_view table, uint32_t row) const;
  /// Every row of `table`, as a list of records.
  Value Rows(std::string_view table) const;
  const FactSet& facts() const { return *facts_; }
  /// The rows of table `table` grouped by the row their reference column
  /// `column` points to (schema indexes): the index of a reverse relation
  /// (`team.members`): the facts' own (FactTable::Groups), built by the
  /// first reader and kept with the facts, so record sets over the same
  /// facts share it; nullptr if the column is not a reference.
  const GroupIndex* ReverseIndex(size_t table, size_t column) const;

  // Internal: use Make.
  struct Private;
  RecordSet(std::shared_ptr<const FactSet> facts, const RecordTypes& types,
            const Private&);
  ~RecordSet();

 private:
  class TableSource;
  friend class TableSource;
  Value RowOf(size_t table, uint32_t row) const;

  std::shared_ptr<const FactSet> facts_;
  std::vector<std::unique_ptr<TableSource>> sources_;
};

}  // namespace zhucun

#endif  // ZHUCUN_RECORDS_H_
