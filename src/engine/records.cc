#include "zhucun/records.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/row_name.h"

namespace zhucun {
namespace {

Type TypeOfCell(CellType type) {
  switch (type) {
    case CellType::kId:
    case CellType::kText:
    case CellType::kCode: return Type::String();
    case CellType::kDate: return Type::Date();
    case CellType::kMonth: return Type::Period();
    case CellType::kInt: return Type::Int();
    case CellType::kDecimal: return Type::Decimal();
    case CellType::kBool: return Type::Bool();
  }
  return Type::Dyn();
}

// `team_id` -> `team`; other names are kept.
std::string WithoutIdSuffix(const std::string& column) {
  if (column.size() > 3 && column.compare(column.size() - 3, 3, "_id") == 0) {
    return column.substr(0, column.size() - 3);
  }
  return column;
}

// A non-owning pointer in a shared_ptr: types of one RecordTypes refer to
// each other this way (the RecordTypes owns them all).
std::shared_ptr<const ObjectType> Borrow(const std::shared_ptr<ObjectType>& t) {
  return std::shared_ptr<const ObjectType>(std::shared_ptr<void>(), t.get());
}

}  // namespace

RecordTypes::RecordTypes(const Schema& schema) : schema_(schema) {
  const size_t n = schema_.tables.size();
  types_.resize(n);
  fields_.resize(n);
  for (size_t t = 0; t < n; ++t) types_[t] = ObjectType::MakeEmpty(schema_.tables[t].name);
  auto taken = [&](size_t t, const std::string& name) {
    for (const RecordField& f : fields_[t]) {
      if (f.name == name) return true;
    }
    return false;
  };
  auto add = [&](size_t t, RecordField f, Type type) {
    while (taken(t, f.name)) f.name += "_rows";
    types_[t]->AddField(f.name, std::move(type));
    fields_[t].push_back(std::move(f));
  };
  // Columns first, so relation names never hide a column.
  for (size_t t = 0; t < n; ++t) {
    const TableSchema& ts = schema_.tables[t];
    for (size_t c = 0; c < ts.columns.size(); ++c) {
      RecordField f;
      f.name = ts.columns[c].name;
      f.kind = RecordField::Kind::kColumn;
      f.column = c;
      add(t, std::move(f), TypeOfCell(ts.columns[c].type));
    }
  }
  for (size_t t = 0; t < n; ++t) {
    const TableSchema& ts = schema_.tables[t];
    for (size_t c = 0; c < ts.columns.size(); ++c) {
      const ColumnSchema& cs = ts.columns[c];
      if (cs.references.empty()) continue;
      const int target = schema_.TableIndex(cs.references);
      if (target < 0) continue;
      const size_t tt = static_cast<size_t>(target);
      // Forward: member.team.
      RecordField fwd;
      fwd.name = WithoutIdSuffix(cs.name);
      fwd.kind = RecordField::Kind::kForward;
      fwd.column = c;
      add(t, std::move(fwd), Type::Object(Borrow(types_[tt])));
      // Reverse: team.members, or member.handovers_by_outgoing_member when
      // handovers refer to members through several columns.
      size_t refs_to_target = 0;
      for (const ColumnSchema& other : ts.columns) {
        if (other.references == cs.references) ++refs_to_target;
      }
      RecordField rev;
      rev.name = refs_to_target == 1 ? ts.name : ts.name + "_by_" + WithoutIdSuffix(cs.name);
      rev.kind = RecordField::Kind::kReverse;
      rev.other_table = t;
      rev.other_column = c;
      add(tt, std::move(rev), Type::List(Type::Object(Borrow(types_[t]))));
    }
  }
}

Type RecordTypes::TypeOf(std::string_view table) const {
  const int t = schema_.TableIndex(table);
  if (t < 0) return Type::Dyn();
  return Type::Object(Borrow(types_[static_cast<size_t>(t)]));
}

// ---------------------------------------------------------------------------

// The records of one table.
class RecordSet::TableSource : public RecordSource {
 public:
  TableSource(const RecordSet* set, size_t table, const RecordTypes& types)
      : set_(set), table_(table) {
    const FactTable& ft = set->facts_->tables()[table];
    for (const RecordField& f : types.fields(table)) {
      FieldSource field;
      field.info = f;
      if (f.kind == RecordField::Kind::kForward) {
        field.refs = ft.references(ft.schema().columns[f.column].name);
        field.target = static_cast<size_t>(
            set->facts_->schema().TableIndex(ft.schema().columns[f.column].references));
      }
      by_name_.emplace(f.name, fields_.size());
      fields_.push_back(std::move(field));
    }
    key_ = ft.schema().ColumnIndex(ft.schema().key);
  }

  const std::string& type_name() const override {
    return set_->facts_->tables()[table_].name();
  }

  bool Field(uint32_t row, std::string_view name, Value* out) const override {
    const int index = FieldIndex(name);
    if (index < 0) return false;
    FieldAt(row, index, out);
    return true;
  }

  int FieldIndex(std::string_view name) const override {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? -1 : static_cast<int>(it->second);
  }

  void FieldAt(uint32_t row, int index, Value* out) const override {
    const FieldSource& f = fields_[static_cast<size_t>(index)];
    const FactTable& ft = set_->facts_->tables()[table_];
    switch (f.info.kind) {
      case RecordField::Kind::kColumn:
        *out = ft.column(f.info.column).Get(row);
        return;
      case RecordField::Kind::kForward: {
        const int32_t target = f.refs == nullptr ? -1 : (*f.refs)[row];
        *out = target < 0 ? Value::Null()
                          : set_->RowOf(f.target, static_cast<uint32_t>(target));
        return;
      }
      case RecordField::Kind::kReverse: {
        ValueList rows;
        const GroupIndex& groups = Groups(f);
        if (row + 1 < groups.offsets.size()) {
          rows.reserve(groups.offsets[row + 1] - groups.offsets[row]);
          for (uint32_t k = groups.offsets[row]; k < groups.offsets[row + 1]; ++k) {
            rows.push_back(set_->RowOf(f.info.other_table, groups.row(k)));
          }
        }
        *out = Value::List(std::move(rows));
        return;
      }
    }
  }

  // The index of the reverse field built from (table, column), or nullptr.
  const GroupIndex* Reverse(size_t table, size_t column) const {
    for (const FieldSource& f : fields_) {
      if (f.info.kind == RecordField::Kind::kReverse && f.info.other_table == table &&
          f.info.other_column == column) {
        return &Groups(f);
      }
    }
    return nullptr;
  }

  std::string RowName(uint32_t row) const override {
    return internal::RowName(set_->facts_->tables()[table_], key_, row);
  }

 private:
  struct FieldSource {
    RecordField info;
    const std::vector<int32_t>* refs = nullptr;  // kForward
    size_t target = 0;                           // kForward
  };

  // A reverse relation's rows by referenced row: the other table's groups
  // (FactTable::Groups), built by their first reader (whichever thread that
  // is) and kept with the facts, so a check groups only the relations its
  // rules read, on the threads that read them (at scale 150 grouping every
  // relation up front took 1.7 s on one thread), and the next check on the
  // same facts not again.
  const GroupIndex& Groups(const FieldSource& f) const {
    const FactTable& other = set_->facts_->tables()[f.info.other_table];
    return other.Groups(other.schema().columns[f.info.other_column].name);
  }

  const RecordSet* set_;
  size_t table_;
  int key_ = -1;
  std::vector<FieldSource> fields_;
  // Heterogeneous lookup: finding a field by a string_view allocates nothing.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> by_name_;
};

struct RecordSet::Private {};

RecordSet::RecordSet(std::shared_ptr<const FactSet> facts,
                     const RecordTypes& types, const Private&)
    : facts_(std::move(facts)) {
  for (size_t t = 0; t < facts_->tables().size(); ++t) {
    sources_.push_back(std::make_unique<TableSource>(this, t, types));
  }
}

RecordSet::~RecordSet() = default;

std::shared_ptr<const RecordSet> RecordSet::Make(
    std::shared_ptr<const FactSet> facts, const RecordTypes& types) {
  return std::make_shared<RecordSet>(std::move(facts), types, Private{});
}

Value RecordSet::RowOf(size_t table, uint32_t row) const {
  // The value shares ownership of the whole set, pointing at one source.
  return Value::Record(std::shared_ptr<const RecordSource>(
                           shared_from_this(), sources_[table].get()),
                       row);
}

const GroupIndex* RecordSet::ReverseIndex(size_t table, size_t column) const {
  for (const auto& source : sources_) {
    if (const GroupIndex* g = source->Reverse(table, column)) return g;
  }
  return nullptr;
}

Value RecordSet::Row(std::string_view table, uint32_t row) const {
  const int t = facts_->schema().TableIndex(table);
  if (t < 0 || row >= facts_->tables()[static_cast<size_t>(t)].num_rows()) {
    return Value::Error("no row " + std::to_string(row) + " in `" + std::string(table) + "`");
  }
  return RowOf(static_cast<size_t>(t), row);
}

Value RecordSet::Rows(std::string_view table) const {
  const int t = facts_->schema().TableIndex(table);
  if (t < 0) return Value::Error("no table `" + std::string(table) + "`");
  ValueList rows;
  const size_t n = facts_->tables()[static_cast<size_t>(t)].num_rows();
  rows.reserve(n);
  for (uint32_t r = 0; r < n; ++r) rows.push_back(RowOf(static_cast<size_t>(t), r));
  return Value::List(std::move(rows));
}

}  // namespace zhucun
