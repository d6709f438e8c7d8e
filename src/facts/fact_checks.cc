// FactSetBuilder's checks across rows, once all rows are in: duplicate keys
// and unique column sets, references resolved to row numbers (an unknown id
// makes the row bad), and bad rows cascading to the rows that refer to them.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "facts/builder_impl.h"
#include "source/quote.h"

namespace zhucun {

using internal::CellKind;
using internal::ColumnBuild;
using internal::Quote;
using internal::RowOrigin;
using internal::TableBuild;

// Marks later duplicates of the key and of each unique column set.
void FactSetBuilder::Impl::CheckUnique(TableBuild& tb, bool from_file_names) {
  (void)from_file_names;
  auto report = [&](uint32_t row, uint32_t first, const std::string& what,
                    size_t span_col, const char* code, DataCell cell) {
    const std::string first_line = std::to_string(tb.lines[first]);
    cell.expected += " not used by an earlier row (first on line " + first_line + ")";
    Diagnostic d(Severity::kError, code,
                 Prefix(tb, row) + "duplicate " + what + " (first on line " +
                     first_line + ")",
                 Span(static_cast<size_t>(&tb - tables.data()), row, span_col), "",
                 std::move(cell));
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
    // In each group of rows with equal values (null cells excepted) the
    // first row is kept and every later one is a duplicate of it. Each
    // row is reported at most once per set, and diagnostics are put in
    // line order at the end, so the order found here does not matter.
    auto duplicate = [&](uint32_t r, uint32_t first) {
      std::string what;
      // The cell: the column(s) and value(s), unquoted, joined by ", ".
      DataCell cell{tb.spec->name, tb.lines[r], "", "", ""};
      if (cols.size() == 1) {
        cell.column = tb.columns[cols[0]].spec->name;
        cell.value = CellText(tb, cols[0], r);
        what = Quote(cell.column) + " " + Quote(cell.value);
        cell.expected = "a " + Quote(cell.column);
      } else {
        std::string names, values;
        for (size_t i = 0; i < cols.size(); ++i) {
          if (i > 0) {
            names += ", ";
            values += ", ";
            cell.column += ", ";
            cell.value += ", ";
          }
          const std::string& name = tb.columns[cols[i]].spec->name;
          const std::string value = CellText(tb, cols[i], r);
          names += Quote(name);
          values += Quote(value);
          cell.column += name;
          cell.value += value;
        }
        what = "(" + names + ") = (" + values + ")";
        cell.expected = "a (" + names + ")";
      }
      report(r, first, what, cols[0],
             cols.size() == 1 && set.size() == 1 && set[0] == tb.spec->key
                 ? "csv.duplicate_key"
                 : "csv.duplicate_unique",
             std::move(cell));
    };
    auto complete = [&](uint32_t r) {
      for (size_t c : cols) {
        if (!tb.columns[c].IsValid(r)) return false;
      }
      return true;
    };
    const uint32_t nrows = static_cast<uint32_t>(tb.rows);

    constexpr size_t kMaxKey = 4;
    if (cols.size() > kMaxKey) {
      // Keys of many columns: a hash map in row order.
      std::unordered_map<std::string, uint32_t> wide;
      std::string wide_key;
      for (uint32_t r = 0; r < nrows; ++r) {
        if (!complete(r)) continue;
        wide_key.clear();
        for (size_t c : cols) {
          const int64_t v = tb.columns[c].IntAt(r);
          wide_key.append(reinterpret_cast<const char*>(&v), sizeof v);
        }
        auto [it, inserted] = wide.emplace(wide_key, r);
        if (!inserted) duplicate(r, it->second);
      }
      continue;
    }

    struct Entry {
      std::array<int64_t, kMaxKey> key;
      uint32_t row;
    };
    const size_t width = cols.size();
    auto less = [width](const Entry& a, const Entry& b) {
      for (size_t i = 0; i < width; ++i) {
        if (a.key[i] != b.key[i]) return a.key[i] < b.key[i];
      }
      return a.row < b.row;
    };
    auto same_key = [width](const Entry& a, const Entry& b) {
      for (size_t i = 0; i < width; ++i) {
        if (a.key[i] != b.key[i]) return false;
      }
      return true;
    };
    auto entry_of = [&](uint32_t r) {
      Entry e{{}, r};
      for (size_t i = 0; i < width; ++i) e.key[i] = tb.columns[cols[i]].IntAt(r);
      return e;
    };
    // Sorted (key, row) entries: in each run of equal keys the first is
    // kept and the others are its duplicates.
    auto report_runs = [&](std::vector<Entry>& entries) {
      // Rows are often in key order already.
      if (!std::is_sorted(entries.begin(), entries.end(), less)) {
        std::sort(entries.begin(), entries.end(), less);
      }
      for (size_t i = 1; i < entries.size(); ++i) {
        const size_t first = i - 1;
        while (i < entries.size() && same_key(entries[i], entries[first])) {
          duplicate(entries[i].row, entries[first].row);
          ++i;
        }
      }
    };

    // A dictionary-encoded column of the set, if any.
    size_t bucket_col = cols.size();
    for (size_t i = 0; i < cols.size(); ++i) {
      if (tb.columns[cols[i]].column.type() == ColumnType::kString) {
        bucket_col = i;
        break;
      }
    }
    if (width == 1 && bucket_col == 0 && tb.columns[cols[0]].kind == CellKind::kIntern) {
      // Every string of an interned column's dictionary is in some row: as
      // many present rows as strings means no string is repeated.
      const ColumnBuild& bc = tb.columns[cols[0]];
      size_t present = nrows;
      if (bc.has_null) {
        present = static_cast<size_t>(std::count(bc.valid.begin(), bc.valid.end(), 1));
      }
      if (present == bc.column.dictionary().size()) continue;
    }
    // Rows in strictly increasing key order (a table sorted by its key,
    // with codes numbered by first appearance) have no duplicates.
    {
      bool increasing = true;
      bool first = true;
      Entry before{};
      for (uint32_t r = 0; r < nrows && increasing; ++r) {
        if (!complete(r)) continue;
        const Entry e = entry_of(r);
        if (!first) {
          for (size_t i = 0; i < width; ++i) {
            if (before.key[i] != e.key[i]) {
              increasing = before.key[i] < e.key[i];
              break;
            }
            if (i + 1 == width) increasing = false;  // equal keys
          }
        }
        before = e;
        first = false;
      }
      if (increasing) continue;
    }

    // Otherwise rows are bucketed by the code of the dictionary-encoded
    // column (a counting sort, keeping row order), so that only the rows
    // sharing a code are compared; or all are sorted.
    if (bucket_col == cols.size()) {
      std::vector<Entry> entries;
      entries.reserve(nrows);
      for (uint32_t r = 0; r < nrows; ++r) {
        if (complete(r)) entries.push_back(entry_of(r));
      }
      report_runs(entries);
      continue;
    }
    const ColumnBuild& bc = tb.columns[cols[bucket_col]];
    const std::vector<int32_t>& codes = bc.column.int32s();
    const size_t ncodes = bc.column.dictionary().size();
    // bounds[k + 1]: first the end of code k's rows in `order`, then (after
    // filling backwards) their start.
    std::vector<uint32_t> bounds(ncodes + 1, 0);
    size_t total = 0;
    for (uint32_t r = 0; r < nrows; ++r) {
      if (!complete(r)) continue;
      ++bounds[static_cast<size_t>(codes[r]) + 1];
      ++total;
    }
    for (size_t k = 1; k <= ncodes; ++k) bounds[k] += bounds[k - 1];
    std::vector<uint32_t> order;
    internal::ReserveHuge(order, total);
    order.resize(total);
    for (uint32_t r = nrows; r-- > 0;) {
      if (!complete(r)) continue;
      order[--bounds[static_cast<size_t>(codes[r]) + 1]] = r;
    }
    std::vector<Entry> entries;
    for (size_t k = 0; k < ncodes; ++k) {
      const size_t begin = bounds[k + 1];
      const size_t end = k + 1 < ncodes ? bounds[k + 2] : total;
      if (end - begin < 2) continue;
      if (width == 1) {
        for (size_t i = begin + 1; i < end; ++i) duplicate(order[i], order[begin]);
        continue;
      }
      entries.clear();
      for (size_t i = begin; i < end; ++i) entries.push_back(entry_of(order[i]));
      report_runs(entries);
    }
  }
}

// The text of a valid cell, for messages.
std::string FactSetBuilder::Impl::CellText(const TableBuild& tb, size_t c, uint32_t r) {
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

int FactSetBuilder::Impl::KeyTargetOf(size_t t, size_t c) const {
  const TableBuild& tb = tables[t];
  const ColumnBuild& cb = tb.columns[c];
  if (cb.kind != CellKind::kIntern || static_cast<int>(c) == tb.key_column ||
      cb.spec->references.empty()) {
    return -1;
  }
  const int u = schema->TableIndex(cb.spec->references);
  if (u < 0 || static_cast<size_t>(u) == t) return -1;
  const TableBuild& target = tables[static_cast<size_t>(u)];
  if (target.key_column < 0 ||
      target.columns[static_cast<size_t>(target.key_column)].kind != CellKind::kIntern) {
    return -1;
  }
  return u;
}

std::vector<size_t> FactSetBuilder::Impl::KeyTargets(size_t t) const {
  std::vector<size_t> out;
  for (size_t c = 0; c < tables[t].columns.size(); ++c) {
    const int u = KeyTargetOf(t, c);
    if (u >= 0) out.push_back(static_cast<size_t>(u));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void FactSetBuilder::Impl::CodeAgainstKeys(size_t t, const std::function<bool(size_t)>& sealed) {
  TableBuild& tb = tables[t];
  for (size_t c = 0; c < tb.columns.size(); ++c) {
    const int u = KeyTargetOf(t, c);
    if (u < 0 || !sealed(static_cast<size_t>(u))) continue;
    TableBuild& target = tables[static_cast<size_t>(u)];
    ColumnBuild& key = target.columns[static_cast<size_t>(target.key_column)];
    key.Flush();
    tb.columns[c].against = &key;
  }
}

void FactSetBuilder::Impl::SettleAgainst() {
  for (TableBuild& tb : tables) {
    for (ColumnBuild& cb : tb.columns) {
      if (cb.against == nullptr) continue;
      const Column& key = cb.against->column;
      std::vector<std::string> dangling = std::move(cb.column.dictionary());
      std::vector<int32_t> codes = std::move(cb.column.int32s());
      if (!dangling.empty()) {
        const int32_t first = static_cast<int32_t>(key.dictionary().size());
        for (int32_t& code : codes) {
          if (code <= -2) code = first + (-2 - code);
        }
      }
      Column coded = Column::StringsCodedAs(key, std::move(codes));
      if (!dangling.empty()) {
        std::vector<std::string>& strings = coded.dictionary();  // (a copy of the key's)
        strings.insert(strings.end(), std::make_move_iterator(dangling.begin()),
                       std::make_move_iterator(dangling.end()));
      }
      cb.column = std::move(coded);
      cb.against = nullptr;
      cb.last_code = -1;
    }
  }
  // No string goes into a dictionary any more: the interners go, but
  // those of keys that a reference not coded against them looks its ids
  // up in (ResolveReferences). (At scale 150 the interners of the keys
  // alone take about 500 MB.)
  std::vector<uint8_t> looked_up(tables.size(), 0);
  for (const TableBuild& tb : tables) {
    for (const ColumnBuild& cb : tb.columns) {
      if (cb.kind != CellKind::kIntern || cb.spec->references.empty()) continue;
      const int u = schema->TableIndex(cb.spec->references);
      if (u < 0) continue;
      const TableBuild& target = tables[static_cast<size_t>(u)];
      if (target.key_column < 0 ||
          &cb.column.dictionary() !=
              &target.columns[static_cast<size_t>(target.key_column)].column.dictionary()) {
        looked_up[static_cast<size_t>(u)] = 1;
      }
    }
  }
  for (size_t t = 0; t < tables.size(); ++t) {
    TableBuild& tb = tables[t];
    for (size_t c = 0; c < tb.columns.size(); ++c) {
      if (looked_up[t] && static_cast<int>(c) == tb.key_column) continue;
      tb.columns[c].dict = internal::Interner();
    }
  }
}

// Resolves references to row numbers; unknown ids make the row bad.
void FactSetBuilder::Impl::ResolveReferences() {
  for (size_t t = 0; t < tables.size(); ++t) ResolveReferences(t);
}

void FactSetBuilder::Impl::ResolveReferences(size_t t) {
  {
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
      const std::vector<int32_t> first_row = internal::FirstRowOfEachCode(
          target_key.column.int32s().data(),
          target_key.has_null ? target_key.valid.data() : nullptr, target.rows,
          target_key.column.dictionary().size());
      const ColumnBuild& cb = tb.columns[c];
      const auto& dict = cb.column.dictionary();
      std::vector<int32_t> code_to_row;
      if (&dict == &target_key.column.dictionary()) {
        code_to_row = first_row;  // coded against the key (SettleAgainst)
      } else {
        // (A column coded against the key with dangling ids has a copy of
        // the key's strings first, then those ids.)
        code_to_row = target_key.dict.FindAll(dict, target_key.column.dictionary());
        for (int32_t& code : code_to_row) {
          if (code >= 0) code = first_row[static_cast<size_t>(code)];
        }
      }
      std::vector<int32_t>& refs = tb.references[c];
      internal::ReserveHuge(refs, tb.rows);
      refs.assign(tb.rows, -1);
      const auto& codes = cb.column.int32s();
      for (uint32_t r = 0; r < tb.rows; ++r) {
        if (!cb.IsValid(r)) continue;
        const int32_t target_row = code_to_row[static_cast<size_t>(codes[r])];
        refs[r] = target_row;
        if (target_row < 0) {
          const std::string& id = dict[static_cast<size_t>(codes[r])];
          tb.MarkBad(r, Diagnostic(
              Severity::kError, "csv.dangling_reference",
              Prefix(tb, r) + Quote(spec.name) + ": no " + Quote(spec.references) +
                  " row has " + Quote(target.spec->key) + " " + Quote(id),
              Span(t, r, c), "",
              DataCell{tb.spec->name, tb.lines[r], spec.name, id,
                       "the " + Quote(target.spec->key) + " of a " +
                           Quote(spec.references) + " row"}));
        }
      }
    }
  }
}

// Rows that refer to bad rows are bad, until nothing changes.
void FactSetBuilder::Impl::Cascade() {
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t t = 0; t < tables.size(); ++t) {
      TableBuild& tb = tables[t];
      for (auto& [c, refs] : tb.references) {
        const ColumnSchema& spec = *tb.columns[c].spec;
        const size_t target_index = static_cast<size_t>(schema->TableIndex(spec.references));
        const TableBuild& target = tables[target_index];
        if (target.bad_count == 0) continue;  // nothing to cascade from
        for (uint32_t r = 0; r < tb.rows; ++r) {
          const int32_t tr = refs[r];
          if (tb.bad[r] || tr < 0 || !target.bad[static_cast<size_t>(tr)]) continue;
          const std::string id = CellText(tb, c, r);
          const std::string target_line =
              std::to_string(target.lines[static_cast<size_t>(tr)]);
          tb.MarkBad(r, Diagnostic(
              Severity::kError, "csv.bad_reference",
              Prefix(tb, r) + Quote(spec.name) + " " + Quote(id) + " refers to the " +
                  Quote(spec.references) + " row on line " + target_line +
                  ", which is invalid",
              Span(t, r, c), "",
              DataCell{tb.spec->name, tb.lines[r], spec.name, id,
                       "the " + Quote(target.spec->key) + " of a valid " +
                           Quote(spec.references) + " row (the one on line " +
                           target_line + " is invalid)"}));
          // The row it leads to that has a problem of its own.
          std::pair<size_t, uint32_t> root{target_index, static_cast<uint32_t>(tr)};
          const auto via = target.cascade_root.find(static_cast<uint32_t>(tr));
          if (via != target.cascade_root.end()) root = via->second;
          tb.cascade_root[r] = root;
          changed = true;
        }
      }
    }
  }
}

std::string FactSetBuilder::Impl::Prefix(const TableBuild& tb, uint32_t r) {
  return RowPrefix(tb, tb.lines[r], tb.OriginOf(r));
}

SourceSpan FactSetBuilder::Impl::Span(size_t t, uint32_t r, size_t c) const {
  const TableBuild& tb = tables[t];
  if (!tb.locate || r >= tb.offsets.size() || tb.OriginOf(r) != RowOrigin::kFile) {
    return SourceSpan{};
  }
  return tb.locate(tb.offsets[r], c);
}

}  // namespace zhucun
