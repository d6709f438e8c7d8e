// FactTable, FactSet and FactSetBuilder: validation of cells, keys, unique
// keys and references (with bad rows cascading to the rows that refer to
// them), then the immutable columnar tables.

#include "zhucun/fact_table.h"

#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>

#include "facts/cells.h"

namespace zhucun {
namespace {

using internal::CellProblem;
using internal::CellValue;

// Interns strings into a dictionary: an open-addressing hash table of codes
// (linear probing, at most half full) that compares through the dictionary
// itself, so a new string costs one append and no node allocation.
class Interner {
 public:
  // The code of `s` in `dict`, appending it when new.
  int32_t Intern(std::string_view s, std::vector<std::string>* dict) {
    if ((dict->size() + 1) * 2 > slots_.size()) Grow(*dict);
    const uint64_t h = Hash(s);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const int32_t code = slots_[i];
      if (code < 0) {
        const int32_t added = static_cast<int32_t>(dict->size());
        dict->emplace_back(s);
        hashes_.push_back(h);
        slots_[i] = added;
        return added;
      }
      if (hashes_[static_cast<size_t>(code)] == h &&
          (*dict)[static_cast<size_t>(code)] == s) {
        return code;
      }
    }
  }

  // The code of `s`, or -1.
  int32_t Find(std::string_view s, const std::vector<std::string>& dict) const {
    if (slots_.empty()) return -1;
    const uint64_t h = Hash(s);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const int32_t code = slots_[i];
      if (code < 0) return -1;
      if (hashes_[static_cast<size_t>(code)] == h &&
          dict[static_cast<size_t>(code)] == s) {
        return code;
      }
    }
  }

 private:
  static uint64_t Hash(std::string_view s) {
    return std::hash<std::string_view>{}(s);
  }
  void Grow(const std::vector<std::string>& dict) {
    const size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
    slots_.assign(capacity, -1);
    mask_ = capacity - 1;
    for (size_t code = 0; code < dict.size(); ++code) {
      size_t i = hashes_[code] & mask_;
      while (slots_[i] >= 0) i = (i + 1) & mask_;
      slots_[i] = static_cast<int32_t>(code);
    }
  }

  std::vector<int32_t> slots_;
  std::vector<uint64_t> hashes_;  // per code
  size_t mask_ = 0;
};

ColumnType StorageType(CellType type) {
  switch (type) {
    case CellType::kId:
    case CellType::kText:
    case CellType::kCode: return ColumnType::kString;
    case CellType::kDate: return ColumnType::kDate;
    case CellType::kMonth: return ColumnType::kMonth;
    case CellType::kInt: return ColumnType::kInt;
    case CellType::kDecimal: return ColumnType::kDecimal;
    case CellType::kBool: return ColumnType::kBool;
  }
  return ColumnType::kValue;
}

// One column being built: typed storage, validity, and for strings the
// dictionary index.
struct ColumnBuild {
  const ColumnSchema* spec = nullptr;
  Column column;
  std::vector<uint8_t> valid;
  Interner dict;  // id and text columns

  void AppendNull() {
    valid.push_back(0);
    AppendSlot(CellValue{});
  }

  void AppendSlot(const CellValue& v) {
    switch (column.type()) {
      case ColumnType::kBool: column.bools().push_back(v.i64 != 0); break;
      case ColumnType::kInt:
      case ColumnType::kDecimal: column.ints().push_back(v.i64); break;
      default: column.int32s().push_back(v.i32); break;
    }
  }

  int32_t Intern(std::string_view text) {
    return dict.Intern(text, &column.dictionary());
  }
};

struct TableBuild {
  const TableSchema* spec = nullptr;
  std::vector<ColumnBuild> columns;
  std::vector<uint32_t> lines;
  std::vector<uint8_t> bad;
  // (row, diagnostic) in the order found.
  std::vector<std::pair<uint32_t, Diagnostic>> errors;
  // Rows that could not be split into cells: (line, diagnostic).
  std::vector<std::pair<uint32_t, Diagnostic>> unsplit;
  // Per referencing column (by schema index): the referenced row or -1.
  std::map<size_t, std::vector<int32_t>> references;
  size_t rows = 0;
  // The table's file is malformed: its rows are unknown.
  bool malformed = false;
  // Rows read from a file: each row's record offset, and the reader's way
  // of finding a cell from it.
  std::vector<uint32_t> offsets;
  FactSetBuilder::CellLocator locate;

  void MarkBad(uint32_t row, Diagnostic d) {
    bad[row] = 1;
    errors.emplace_back(row, std::move(d));
  }
};

// `s` in backticks for a message; a long value is cut (at a character
// boundary) and control characters are shown as `?`, so that a 10 MB or
// binary cell makes a short, printable message (the snippet shows it all).
std::string Quote(std::string_view s) {
  constexpr size_t kMaxBytes = 80;
  std::string out = "`";
  size_t n = s.size();
  bool cut = false;
  if (n > kMaxBytes) {
    n = kMaxBytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    cut = true;
  }
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
  }
  if (cut) out += "...";
  out += '`';
  return out;
}

}  // namespace

struct FactSetBuilder::Impl {
  std::shared_ptr<const Schema> schema;
  std::vector<TableBuild> tables;
  Diagnostics file_errors;
  Diagnostics usage_errors;  // unknown tables or columns in AddRow
  std::vector<uint8_t> is_null_;  // AddRow's scratch, per column

  // Appends one row's cells (already mapped to schema columns).
  void AddRow(size_t t, uint32_t line,
              const std::vector<std::optional<std::string_view>>& cells,
              const std::vector<SourceSpan>& spans, bool from_file) {
    TableBuild& tb = tables[t];
    const uint32_t row = static_cast<uint32_t>(tb.rows++);
    tb.lines.push_back(line);
    tb.bad.push_back(0);
    auto where = [&](size_t c) {
      return c < spans.size() ? spans[c] : SourceSpan{};
    };
    auto prefix = [&]() -> std::string {
      if (from_file) return "";
      return Quote(tb.spec->name) + " row " + std::to_string(line) + ": ";
    };
    const size_t ncols = tb.columns.size();
    std::vector<uint8_t>& is_null = is_null_;
    is_null.assign(ncols, 1);
    for (size_t c = 0; c < ncols; ++c) {
      ColumnBuild& cb = tb.columns[c];
      const ColumnSchema& spec = *cb.spec;
      const std::optional<std::string_view>& cell = c < cells.size() ? cells[c] : std::nullopt;
      if (!cell || cell->empty()) {
        cb.AppendNull();
        if (!spec.nullable) {
          tb.MarkBad(row, Diagnostic{Severity::kError, "csv.null",
                                     prefix() + Quote(spec.name) +
                                         " is empty; expected " +
                                         internal::ExpectedForm(spec),
                                     where(c), ""});
        }
        continue;
      }
      is_null[c] = 0;
      const std::string_view text = *cell;
      if (spec.type == CellType::kId || spec.type == CellType::kText) {
        CellValue v;
        v.i32 = cb.Intern(text);
        cb.valid.push_back(1);
        cb.AppendSlot(v);
        continue;
      }
      CellValue v;
      const CellProblem problem = internal::ParseCell(spec, text, &v);
      if (problem == CellProblem::kNone) {
        cb.valid.push_back(1);
        cb.AppendSlot(v);
        continue;
      }
      cb.AppendNull();
      std::string what;
      switch (problem) {
        case CellProblem::kNotRealDate: what = " is not a real calendar date"; break;
        case CellProblem::kOverflow: what = " is too large"; break;
        case CellProblem::kTooPrecise:
          what = " has more than " + std::to_string(spec.scale) + " fractional digits";
          break;
        case CellProblem::kUnknownCode: what = " is not a known code"; break;
        default: what = " is not valid"; break;
      }
      std::string help;
      if (problem == CellProblem::kUnknownCode) {
        std::string best = ClosestMatch(text, spec.codes);
        if (!best.empty()) help = "did you mean " + Quote(best) + "?";
      }
      tb.MarkBad(row, Diagnostic{Severity::kError,
                                 internal::CellProblemCode(spec.type, problem),
                                 prefix() + Quote(spec.name) + ": " + Quote(text) +
                                     what + "; expected " +
                                     internal::ExpectedForm(spec),
                                 where(c), std::move(help)});
    }
    // Columns that are null exactly when another column is null.
    for (size_t c = 0; c < ncols; ++c) {
      const ColumnSchema& spec = *tb.columns[c].spec;
      if (spec.null_iff.empty()) continue;
      const int other = tb.spec->ColumnIndex(spec.null_iff);
      if (other < 0) continue;
      if (is_null[c] == is_null[static_cast<size_t>(other)]) continue;
      // A cell that was bad is null here; do not report it twice.
      const std::optional<std::string_view>& cell = c < cells.size() ? cells[c] : std::nullopt;
      const std::optional<std::string_view>& other_cell =
          static_cast<size_t>(other) < cells.size() ? cells[static_cast<size_t>(other)] : std::nullopt;
      const bool given = cell && !cell->empty();
      const bool other_given = other_cell && !other_cell->empty();
      if (given == other_given) continue;
      tb.MarkBad(row, Diagnostic{
          Severity::kError, "csv.null_iff",
          prefix() + Quote(spec.name) + " must be empty exactly when " +
              Quote(spec.null_iff) + " is empty, but " + Quote(spec.name) +
              (given ? " is " + Quote(*cell) : std::string(" is empty")) +
              " and " + Quote(spec.null_iff) +
              (other_given ? " is " + Quote(*other_cell) : std::string(" is empty")),
          where(c), ""});
    }
  }

  // Marks later duplicates of the key and of each unique column set.
  void CheckUnique(TableBuild& tb, bool from_file_names) {
    (void)from_file_names;
    auto report = [&](uint32_t row, uint32_t first, const std::string& what,
                      size_t span_col, const char* code) {
      Diagnostic d{Severity::kError, code,
                   Prefix(tb, row) + "duplicate " + what + " (first on line " +
                       std::to_string(tb.lines[first]) + ")",
                   Span(static_cast<size_t>(&tb - tables.data()), row, span_col),
                   ""};
      tb.MarkBad(row, std::move(d));
    };
    std::vector<std::vector<std::string>> sets;
    if (!tb.spec->key.empty()) sets.push_back({tb.spec->key});
    for (const auto& u : tb.spec->unique) sets.push_back(u);
    for (const auto& set : sets) {
      std::vector<size_t> cols;
      for (const std::string& name : set) {
        const int c = tb.spec->ColumnIndex(name);
        if (c >= 0) cols.push_back(static_cast<size_t>(c));
      }
      if (cols.empty()) continue;
      // Sort the complete rows by (key, row): in each run of equal keys the
      // first row is kept and every later one is a duplicate. No allocation
      // per row, whatever the table's size.
      constexpr size_t kMaxKey = 4;
      struct Entry {
        std::array<int64_t, kMaxKey> key;
        uint32_t row;
      };
      std::vector<Entry> entries;
      entries.reserve(tb.rows);
      std::unordered_map<std::string, uint32_t> wide;  // keys of > kMaxKey columns
      std::string wide_key;
      auto duplicate = [&](uint32_t r, uint32_t first) {
        std::string what;
        if (cols.size() == 1) {
          what = Quote(tb.columns[cols[0]].spec->name) + " " +
                 Quote(CellText(tb, cols[0], r));
        } else {
          std::string names, values;
          for (size_t i = 0; i < cols.size(); ++i) {
            if (i > 0) {
              names += ", ";
              values += ", ";
            }
            names += Quote(tb.columns[cols[i]].spec->name);
            values += Quote(CellText(tb, cols[i], r));
          }
          what = "(" + names + ") = (" + values + ")";
        }
        report(r, first, what, cols[0],
               cols.size() == 1 && set.size() == 1 && set[0] == tb.spec->key
                   ? "csv.duplicate_key"
                   : "csv.duplicate_unique");
      };
      for (uint32_t r = 0; r < tb.rows; ++r) {
        Entry e{{}, r};
        bool complete = true;
        wide_key.clear();
        for (size_t i = 0; i < cols.size(); ++i) {
          const ColumnBuild& cb = tb.columns[cols[i]];
          if (!cb.valid[r]) {
            complete = false;
            break;
          }
          const Column& col = cb.column;
          int64_t v = 0;
          switch (col.type()) {
            case ColumnType::kBool: v = col.bools()[r]; break;
            case ColumnType::kInt:
            case ColumnType::kDecimal: v = col.ints()[r]; break;
            default: v = col.int32s()[r]; break;
          }
          if (cols.size() <= kMaxKey) {
            e.key[i] = v;
          } else {
            wide_key.append(reinterpret_cast<const char*>(&v), sizeof v);
          }
        }
        if (!complete) continue;
        if (cols.size() <= kMaxKey) {
          entries.push_back(e);
          continue;
        }
        auto [it, inserted] = wide.emplace(wide_key, r);
        if (!inserted) duplicate(r, it->second);
      }
      std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.key != b.key ? a.key < b.key : a.row < b.row;
      });
      for (size_t i = 1; i < entries.size(); ++i) {
        size_t first = i - 1;
        while (i < entries.size() && entries[i].key == entries[first].key) {
          duplicate(entries[i].row, entries[first].row);
          ++i;
        }
      }
    }
  }

  // The text of a valid cell, for messages.
  static std::string CellText(const TableBuild& tb, size_t c, uint32_t r) {
    const ColumnBuild& cb = tb.columns[c];
    Value v = cb.column.view().Get(r);
    switch (v.kind()) {
      case ValueKind::kString: return v.string_value();
      case ValueKind::kPeriod: return v.period_value().label();
      case ValueKind::kDate: return v.date_value().ToString();
      case ValueKind::kDecimal: return v.decimal_value().ToString();
      case ValueKind::kInt: return std::to_string(v.int_value());
      case ValueKind::kBool: return v.bool_value() ? "true" : "false";
      default: return v.DebugString();
    }
  }

  // Resolves references to row numbers; unknown ids make the row bad.
  void ResolveReferences() {
    for (size_t t = 0; t < tables.size(); ++t) {
      TableBuild& tb = tables[t];
      for (size_t c = 0; c < tb.columns.size(); ++c) {
        const ColumnSchema& spec = *tb.columns[c].spec;
        if (spec.references.empty()) continue;
        const int target_index = schema->TableIndex(spec.references);
        if (target_index < 0) continue;
        TableBuild& target = tables[static_cast<size_t>(target_index)];
        const int key_col = target.spec->ColumnIndex(target.spec->key);
        if (key_col < 0 || target.malformed) continue;
        // Map each distinct referencing code to the first valid target row.
        const ColumnBuild& target_key = target.columns[static_cast<size_t>(key_col)];
        std::vector<int32_t> first_row(target_key.column.dictionary().size(), -1);
        const auto& target_codes = target_key.column.int32s();
        for (uint32_t r = 0; r < target.rows; ++r) {
          if (!target_key.valid[r]) continue;
          int32_t& slot = first_row[static_cast<size_t>(target_codes[r])];
          if (slot < 0) slot = static_cast<int32_t>(r);
        }
        const ColumnBuild& cb = tb.columns[c];
        const auto& dict = cb.column.dictionary();
        std::vector<int32_t> code_to_row(dict.size(), -1);
        for (size_t k = 0; k < dict.size(); ++k) {
          const int32_t code = target_key.dict.Find(dict[k], target_key.column.dictionary());
          if (code >= 0) code_to_row[k] = first_row[static_cast<size_t>(code)];
        }
        std::vector<int32_t>& refs = tb.references[c];
        refs.assign(tb.rows, -1);
        const auto& codes = cb.column.int32s();
        for (uint32_t r = 0; r < tb.rows; ++r) {
          if (!cb.valid[r]) continue;
          const int32_t target_row = code_to_row[static_cast<size_t>(codes[r])];
          refs[r] = target_row;
          if (target_row < 0) {
            tb.MarkBad(r, Diagnostic{
                Severity::kError, "csv.dangling_reference",
                Prefix(tb, r) + Quote(spec.name) + ": no " + Quote(spec.references) +
                    " row has " + Quote(target.spec->key) + " " +
                    Quote(dict[static_cast<size_t>(codes[r])]),
                Span(t, r, c), ""});
          }
        }
      }
    }
  }

  // Rows that refer to bad rows are bad, until nothing changes.
  void Cascade() {
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t t = 0; t < tables.size(); ++t) {
        TableBuild& tb = tables[t];
        for (auto& [c, refs] : tb.references) {
          const ColumnSchema& spec = *tb.columns[c].spec;
          const TableBuild& target =
              tables[static_cast<size_t>(schema->TableIndex(spec.references))];
          for (uint32_t r = 0; r < tb.rows; ++r) {
            const int32_t tr = refs[r];
            if (tb.bad[r] || tr < 0 || !target.bad[static_cast<size_t>(tr)]) continue;
            tb.MarkBad(r, Diagnostic{
                Severity::kError, "csv.bad_reference",
                Prefix(tb, r) + Quote(spec.name) + " " +
                    Quote(CellText(tb, c, r)) + " refers to the " +
                    Quote(spec.references) + " row on line " +
                    std::to_string(target.lines[static_cast<size_t>(tr)]) +
                    ", which is invalid",
                Span(t, r, c), ""});
            changed = true;
          }
        }
      }
    }
  }

  static std::string Prefix(const TableBuild& tb, uint32_t r) {
    if (tb.locate) return "";
    return Quote(tb.spec->name) + " row " + std::to_string(tb.lines[r]) + ": ";
  }

  // Where a cell of a row read from a file is (found again through the
  // reader's locator, so that no span is stored per cell).
  SourceSpan Span(size_t t, uint32_t r, size_t c) const {
    const TableBuild& tb = tables[t];
    if (!tb.locate) return SourceSpan{};
    return tb.locate(tb.offsets[r], c);
  }
};

// ---------------------------------------------------------------------------

const Column* FactTable::column(std::string_view name) const {
  const int i = schema_->ColumnIndex(name);
  return i < 0 ? nullptr : &columns_[static_cast<size_t>(i)];
}

std::optional<uint32_t> FactTable::FindKey(std::string_view key) const {
  auto it = key_index_.find(key);
  if (it == key_index_.end()) return std::nullopt;
  return it->second;
}

const std::vector<int32_t>* FactTable::references(std::string_view column) const {
  auto it = references_.find(column);
  return it == references_.end() ? nullptr : &it->second;
}

GroupIndex FactTable::GroupBy(std::string_view column) const {
  GroupIndex g;
  std::vector<int32_t> group_of(num_rows_, -1);
  size_t groups = 0;
  if (const std::vector<int32_t>* refs = references(column)) {
    // Group g is row g of the referenced table, rows or not.
    groups = reference_targets_.find(column)->second;
    for (size_t r = 0; r < num_rows_; ++r) group_of[r] = (*refs)[r];
  } else if (const Column* c = this->column(column)) {
    if (c->type() != ColumnType::kString) return g;
    const ColumnView v = c->view();
    // One group per value present, in dictionary order (a value seen only
    // in rows that were left out has no group).
    std::vector<int32_t> group_of_code(v.dictionary->size(), -1);
    const int32_t* codes = static_cast<const int32_t*>(v.data);
    for (size_t r = 0; r < num_rows_; ++r) {
      if (v.IsValid(r)) group_of_code[static_cast<size_t>(codes[r])] = 0;
    }
    for (int32_t& grp : group_of_code) {
      if (grp == 0) grp = static_cast<int32_t>(groups++);
    }
    for (size_t r = 0; r < num_rows_; ++r) {
      if (v.IsValid(r)) group_of[r] = group_of_code[static_cast<size_t>(codes[r])];
    }
  } else {
    return g;
  }
  // Counting sort by group, keeping row order within a group.
  g.offsets.assign(groups + 1, 0);
  for (int32_t grp : group_of) {
    if (grp >= 0) ++g.offsets[static_cast<size_t>(grp) + 1];
  }
  for (size_t i = 1; i < g.offsets.size(); ++i) g.offsets[i] += g.offsets[i - 1];
  g.rows.resize(g.offsets.back());
  std::vector<uint32_t> next(g.offsets.begin(), g.offsets.end() - 1);
  for (size_t r = 0; r < num_rows_; ++r) {
    if (group_of[r] >= 0) g.rows[next[static_cast<size_t>(group_of[r])]++] = static_cast<uint32_t>(r);
  }
  return g;
}

const FactTable* FactSet::table(std::string_view name) const {
  const int i = schema_->TableIndex(name);
  return i < 0 ? nullptr : &tables_[static_cast<size_t>(i)];
}

// ---------------------------------------------------------------------------

FactSetBuilder::FactSetBuilder(Schema schema) : impl_(std::make_unique<Impl>()) {
  impl_->schema = std::make_shared<const Schema>(std::move(schema));
  const Schema& s = *impl_->schema;
  impl_->tables.resize(s.tables.size());
  for (size_t t = 0; t < s.tables.size(); ++t) {
    TableBuild& tb = impl_->tables[t];
    tb.spec = &s.tables[t];
    for (const ColumnSchema& cs : tb.spec->columns) {
      ColumnBuild cb;
      cb.spec = &cs;
      cb.column = Column(StorageType(cs.type), cs.type == CellType::kDecimal ? cs.scale : 0);
      if (cs.type == CellType::kCode) cb.column.dictionary() = cs.codes;
      tb.columns.push_back(std::move(cb));
    }
  }
}

FactSetBuilder::~FactSetBuilder() = default;
FactSetBuilder::FactSetBuilder(FactSetBuilder&&) noexcept = default;
FactSetBuilder& FactSetBuilder::operator=(FactSetBuilder&&) noexcept = default;

const Schema& FactSetBuilder::schema() const { return *impl_->schema; }

void FactSetBuilder::AddRow(std::string_view table,
                            const std::vector<NamedCell>& cells) {
  const int t = impl_->schema->TableIndex(table);
  if (t < 0) {
    std::vector<std::string> names;
    for (const TableSchema& ts : impl_->schema->tables) names.push_back(ts.name);
    std::string best = ClosestMatch(table, names);
    impl_->usage_errors.Error("facts.unknown_table",
                              "unknown table " + Quote(table), SourceSpan{},
                              best.empty() ? "" : "did you mean " + Quote(best) + "?");
    return;
  }
  TableBuild& tb = impl_->tables[static_cast<size_t>(t)];
  std::vector<std::optional<std::string_view>> mapped(tb.columns.size());
  for (const auto& [name, value] : cells) {
    const int c = tb.spec->ColumnIndex(name);
    if (c < 0) {
      std::vector<std::string> names;
      for (const ColumnSchema& cs : tb.spec->columns) names.push_back(cs.name);
      std::string best = ClosestMatch(name, names);
      impl_->usage_errors.Error(
          "facts.unknown_column",
          Quote(tb.spec->name) + " has no column " + Quote(name), SourceSpan{},
          best.empty() ? "" : "did you mean " + Quote(best) + "?");
      continue;
    }
    if (value) mapped[static_cast<size_t>(c)] = std::string_view(*value);
  }
  impl_->AddRow(static_cast<size_t>(t), static_cast<uint32_t>(tb.rows + 1), mapped,
                {}, false);
}

void FactSetBuilder::SetCellLocator(size_t table, CellLocator locate) {
  impl_->tables[table].locate = std::move(locate);
}

void FactSetBuilder::AddFileRow(
    size_t table, uint32_t line, uint32_t offset,
    const std::vector<std::optional<std::string_view>>& cells,
    const std::vector<SourceSpan>& spans) {
  impl_->tables[table].offsets.push_back(offset);
  impl_->AddRow(table, line, cells, spans, true);
}

void FactSetBuilder::AddBadRow(size_t table, uint32_t line, Diagnostic why) {
  impl_->tables[table].unsplit.emplace_back(line, std::move(why));
}

void FactSetBuilder::AddFileError(size_t table, Diagnostic d) {
  impl_->tables[table].malformed = true;
  impl_->file_errors.Add(std::move(d));
}

Result<FactSet> FactSetBuilder::Finish(Strictness strictness, size_t max_listed) {
  Impl& im = *impl_;
  for (TableBuild& tb : im.tables) im.CheckUnique(tb, true);
  im.ResolveReferences();
  im.Cascade();

  const bool lenient = strictness == Strictness::kLenient;
  Diagnostics out;
  size_t listed = 0, unlisted = 0;
  auto list = [&](Diagnostic d) {
    if (listed < max_listed) {
      ++listed;
      out.Add(std::move(d));
    } else {
      ++unlisted;
    }
  };
  for (const Diagnostic& d : im.usage_errors.items()) list(d);
  for (const Diagnostic& d : im.file_errors.items()) list(d);
  bool any_bad = false;
  FactSet set;
  set.schema_ = im.schema;
  for (TableBuild& tb : im.tables) {
    // Row diagnostics in line order; unsplit rows have no row index.
    struct Item {
      uint32_t line;
      size_t order;
      const Diagnostic* d;
    };
    std::vector<Item> items;
    for (size_t i = 0; i < tb.errors.size(); ++i) {
      items.push_back({tb.lines[tb.errors[i].first], i, &tb.errors[i].second});
    }
    for (size_t i = 0; i < tb.unsplit.size(); ++i) {
      items.push_back({tb.unsplit[i].first, tb.errors.size() + i, &tb.unsplit[i].second});
    }
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      return a.line < b.line;
    });
    for (const Item& it : items) {
      Diagnostic d = *it.d;
      if (lenient) d.severity = Severity::kWarning;
      list(std::move(d));
    }
    TableStats stats;
    stats.table = tb.spec->name;
    stats.read = tb.rows + tb.unsplit.size();
    size_t rejected = tb.unsplit.size();
    for (uint8_t b : tb.bad) rejected += b;
    stats.rejected = rejected;
    stats.accepted = stats.read - rejected;
    any_bad = any_bad || rejected > 0;
    set.stats_.push_back(stats);
    // The first reason per rejected row, in line order.
    std::map<uint32_t, std::string> reasons;
    for (const Item& it : items) reasons.emplace(it.line, it.d->message);
    for (const auto& [line, reason] : reasons) {
      set.rejected_.push_back({tb.spec->name, line, reason});
    }
  }
  if (unlisted > 0) {
    out.Add(Diagnostic{Severity::kNote, "facts.unlisted",
                       std::to_string(unlisted) + " more problems not listed",
                       SourceSpan{}, ""});
  }
  if (!im.usage_errors.empty() || !im.file_errors.empty() || (any_bad && !lenient)) {
    if (!out.has_errors()) {
      out.Error("facts.invalid", "the input has invalid rows", SourceSpan{});
    }
    return Result<FactSet>(std::move(out));
  }

  // Build the tables, leaving out bad rows (lenient), renumbering references.
  std::vector<std::vector<int32_t>> new_index(im.tables.size());
  for (size_t t = 0; t < im.tables.size(); ++t) {
    const TableBuild& tb = im.tables[t];
    new_index[t].assign(tb.rows, -1);
    int32_t k = 0;
    for (uint32_t r = 0; r < tb.rows; ++r) {
      if (!tb.bad[r]) new_index[t][r] = k++;
    }
  }
  set.tables_.resize(im.tables.size());
  for (size_t t = 0; t < im.tables.size(); ++t) {
    TableBuild& tb = im.tables[t];
    FactTable& ft = set.tables_[t];
    ft.schema_ = &im.schema->tables[t];
    const bool compact = std::find(tb.bad.begin(), tb.bad.end(), 1) != tb.bad.end();
    auto keep = [&](auto& v) {
      if (!compact) return;
      size_t k = 0;
      for (size_t r = 0; r < tb.rows; ++r) {
        if (!tb.bad[r]) v[k++] = v[r];
      }
      v.resize(k);
    };
    for (ColumnBuild& cb : tb.columns) {
      Column& col = cb.column;
      switch (col.type()) {
        case ColumnType::kBool: keep(col.bools()); break;
        case ColumnType::kInt:
        case ColumnType::kDecimal: keep(col.ints()); break;
        default: keep(col.int32s()); break;
      }
      keep(cb.valid);
      if (std::find(cb.valid.begin(), cb.valid.end(), 0) != cb.valid.end()) {
        col.set_valid(std::move(cb.valid));
      }
      ft.columns_.push_back(std::move(col));
    }
    keep(tb.lines);
    ft.lines_ = std::move(tb.lines);
    ft.num_rows_ = ft.lines_.size();
    for (auto& [c, refs] : tb.references) {
      const ColumnSchema& spec = *tb.columns[c].spec;
      const size_t target = static_cast<size_t>(im.schema->TableIndex(spec.references));
      keep(refs);
      for (int32_t& r : refs) {
        if (r >= 0) r = new_index[target][static_cast<size_t>(r)];
      }
      ft.references_.emplace(spec.name, std::move(refs));
      ft.reference_targets_.emplace(
          spec.name, static_cast<size_t>(std::count(im.tables[target].bad.begin(),
                                                    im.tables[target].bad.end(), 0)));
    }
  }
  // Key indexes point into the final dictionaries.
  for (FactTable& ft : set.tables_) {
    const int key = ft.schema_->ColumnIndex(ft.schema_->key);
    if (key < 0) continue;
    const ColumnView v = ft.columns_[static_cast<size_t>(key)].view();
    const int32_t* codes = static_cast<const int32_t*>(v.data);
    ft.key_index_.reserve(ft.num_rows_);
    for (size_t r = 0; r < ft.num_rows_; ++r) {
      if (v.IsValid(r)) {
        ft.key_index_.emplace((*v.dictionary)[static_cast<size_t>(codes[r])],
                              static_cast<uint32_t>(r));
      }
    }
  }
  return Result<FactSet>(std::move(set), std::move(out));
}

}  // namespace zhucun
