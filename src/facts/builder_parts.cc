// FactSetBuilder::Impl::AppendPart: the rows of a table read in parts (the
// CSV reader's parallel reading, csv_reader.cc), each part into a build of
// its own, appended in order as if they had been added one by one.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "facts/builder_impl.h"

namespace zhucun {

using internal::CellKind;
using internal::ColumnBuild;
using internal::RowOrigin;
using internal::TableBuild;

namespace {

// Appends `from` to `to`, mapping in the room first where it is reserved
// (as AddRow's PrefaultRows does), rather than a page fault at a time.
template <typename T>
void AppendAll(std::vector<T>& to, const std::vector<T>& from) {
  internal::PrefaultNext(to, from.size());
  to.insert(to.end(), from.begin(), from.end());
}

// Appends the n rows of a part's column to `to`, which has `base` rows;
// `reserve`: the expected number of rows of the table.
void AppendColumn(ColumnBuild& to, ColumnBuild& part, size_t base, size_t n,
                  size_t reserve) {
  part.Flush();
  // Validity: one byte per row once a row is null.
  if (part.has_null) {
    if (!to.has_null) {
      to.has_null = true;
      internal::ReserveHuge(to.valid, std::max(reserve, base + n));
      to.valid.assign(base, 1);
    }
    AppendAll(to.valid, part.valid);
  } else if (to.has_null) {
    internal::PrefaultNext(to.valid, n);
    to.valid.insert(to.valid.end(), n, 1);
  }
  Column& col = to.column;
  switch (col.type()) {
    case ColumnType::kBool: AppendAll(col.bools(), part.column.bools()); return;
    case ColumnType::kInt:
    case ColumnType::kDecimal: AppendAll(col.ints(), part.column.ints()); return;
    default: break;
  }
  const std::vector<int32_t>& codes = part.column.int32s();
  std::vector<int32_t>& out = col.int32s();
  if (to.kind != CellKind::kIntern) {
    AppendAll(out, codes);  // dates, months, and codes by their index
    return;
  }
  std::vector<std::string>& dictionary = col.dictionary();
  if (part.deferred) {
    // The key column: its strings interned now, in row order, as Flush
    // does (a null row keeps the 0 AppendNull wrote, the others -1 until
    // now).
    const size_t at = out.size();
    AppendAll(out, codes);
    const std::vector<ColumnBuild::PendingString>& kept = part.kept;
    const size_t k = kept.size();
    // About one string per row: room for the expected rows' at once.
    internal::ReserveHuge(dictionary, std::max(reserve, dictionary.size() + k));
    to.dict.Reserve(std::max(reserve, dictionary.size() + k));
    constexpr size_t kAhead = 8;
    for (size_t i = 0; i < k && i < kAhead; ++i) {
      if (!kept[i].repeat) to.dict.Prefetch(kept[i].hash);
    }
    int32_t code = -1;
    for (size_t i = 0; i < k; ++i) {
      if (i + kAhead < k && !kept[i + kAhead].repeat) to.dict.Prefetch(kept[i + kAhead].hash);
      const ColumnBuild::PendingString& p = kept[i];
      if (!p.repeat) code = to.dict.Intern(part.PendingText(p), p.hash, &dictionary);
      out[at + p.row] = code;
    }
    return;
  }
  if (part.against != nullptr) {
    // Codes of the key's dictionary, kept; the part's dangling ids (-2 - k)
    // renumbered into the table's own dictionary of them.
    const std::vector<std::string>& strings = part.column.dictionary();
    std::vector<int32_t> code(strings.size());
    for (size_t k = 0; k < strings.size(); ++k) {
      const std::string& s = strings[k];
      code[k] = -2 - to.dict.Intern(s, internal::Interner::HashOf(s), &dictionary);
    }
    const size_t at = out.size();
    AppendAll(out, codes);
    if (!strings.empty()) {
      for (size_t r = at; r < out.size(); ++r) {
        if (out[r] <= -2) out[r] = code[static_cast<size_t>(-2 - out[r])];
      }
    }
    return;
  }
  // Strings: the part's dictionary (in the order of first appearance in
  // the part) interned in order, so that codes still number strings by
  // first appearance in the table. A null row keeps the 0 AppendNull wrote.
  const std::vector<std::string>& strings = part.column.dictionary();
  to.dict.Reserve(dictionary.size() + strings.size());
  std::vector<int32_t> code(strings.size());
  for (size_t k = 0; k < strings.size(); ++k) {
    const std::string& s = strings[k];
    code[k] = to.dict.Intern(s, internal::Interner::HashOf(s), &dictionary);
  }
  const size_t at = out.size();
  internal::PrefaultNext(out, n);
  out.resize(at + n);
  int32_t* o = out.data() + at;
  if (part.has_null) {
    for (size_t r = 0; r < n; ++r) {
      o[r] = part.valid[r] != 0 ? code[static_cast<size_t>(codes[r])] : 0;
    }
  } else {
    for (size_t r = 0; r < n; ++r) o[r] = code[static_cast<size_t>(codes[r])];
  }
}

// Takes a part's column whole into `to`, which has no rows: the part's
// rows are the table's first, so its dictionary is the table's.
void TakeColumn(ColumnBuild& to, ColumnBuild& part, size_t n, size_t reserve) {
  part.Flush();
  if (part.deferred) {
    AppendColumn(to, part, 0, n, reserve);
    return;
  }
  Column& col = to.column;
  switch (col.type()) {
    case ColumnType::kBool: col.bools().swap(part.column.bools()); break;
    case ColumnType::kInt:
    case ColumnType::kDecimal: col.ints().swap(part.column.ints()); break;
    default: col.int32s().swap(part.column.int32s()); break;
  }
  if (to.kind == CellKind::kIntern) {
    col.dictionary().swap(part.column.dictionary());
    std::swap(to.dict, part.dict);
    to.last_code = part.last_code;
  }
  to.valid.swap(part.valid);
  to.has_null = part.has_null;
}

}  // namespace

void FactSetBuilder::Impl::AppendPart(TableBuild& tb, TableBuild& part,
                                      int64_t line_delta, size_t expected_rows,
                                      const std::vector<size_t>& dictionary_rows) {
  const size_t base = tb.rows;
  const size_t n = part.rows;
  if (base == 0 && line_delta == 0 && n > 0 && tb.unsplit.empty() && tb.errors.empty()) {
    // The table's first rows: the part's storage becomes the table's, then
    // room is made for the rows expected after them.
    tb.NoteOrigin(0, RowOrigin::kFile);
    tb.lines.swap(part.lines);
    tb.bad.swap(part.bad);
    tb.bad_count = part.bad_count;
    tb.offsets.swap(part.offsets);
    tb.errors.swap(part.errors);
    tb.unsplit.swap(part.unsplit);
    for (size_t c = 0; c < tb.columns.size(); ++c) {
      TakeColumn(tb.columns[c], part.columns[c], n, std::max(expected_rows, n));
    }
    tb.rows = n;
    try {
      if (expected_rows > n) {
        internal::ReserveHuge(tb.bad, expected_rows);
        internal::ReserveHuge(tb.offsets, expected_rows);
        for (ColumnBuild& cb : tb.columns) cb.Reserve(expected_rows);
      }
      for (size_t c = 0; c < tb.columns.size() && c < dictionary_rows.size(); ++c) {
        ColumnBuild& cb = tb.columns[c];
        const size_t strings = std::min(dictionary_rows[c], std::max(expected_rows, n));
        if (cb.kind != CellKind::kIntern || cb.against != nullptr ||
            strings <= cb.column.dictionary().size()) {
          continue;
        }
        internal::ReserveHuge(cb.column.dictionary(), strings);
        cb.dict.Reserve(strings);
      }
    } catch (const std::bad_alloc&) {
      // Only a hint: the columns grow as rows come.
    }
    tb.reserved = std::max(expected_rows, n);
    return;
  }
  const auto moved = [line_delta](uint32_t line) {
    return static_cast<uint32_t>(static_cast<int64_t>(line) + line_delta);
  };
  if (n > 0) tb.NoteOrigin(static_cast<uint32_t>(base), RowOrigin::kFile);
  tb.lines.Append(part.lines, line_delta);
  AppendAll(tb.bad, part.bad);
  tb.bad_count += part.bad_count;
  if (tb.offsets.size() < base) tb.offsets.resize(base, 0);
  AppendAll(tb.offsets, part.offsets);
  for (auto& [row, d] : part.errors) {
    if (d.cell) d.cell->line = moved(d.cell->line);
    tb.errors.emplace_back(static_cast<uint32_t>(base + row), std::move(d));
  }
  for (auto& [line, d] : part.unsplit) {
    if (d.cell) d.cell->line = moved(d.cell->line);
    tb.unsplit.emplace_back(moved(line), std::move(d));
  }
  for (size_t c = 0; c < tb.columns.size(); ++c) {
    AppendColumn(tb.columns[c], part.columns[c], base, n,
                 std::max(tb.reserved, base + n));
  }
  tb.rows = base + n;
}

void FactSetBuilder::Impl::ResetPart(TableBuild& part) {
  part.lines.clear();
  part.bad.clear();
  part.bad_count = 0;
  part.reserved = 0;
  part.prefault_at = ~size_t{0};
  part.errors.clear();
  part.unsplit.clear();
  part.references.clear();
  part.rows = 0;
  part.malformed = false;
  part.offsets.clear();
  part.origins.clear();
  for (ColumnBuild& cb : part.columns) {
    Column& col = cb.column;
    switch (col.type()) {
      case ColumnType::kBool: col.bools().clear(); break;
      case ColumnType::kInt:
      case ColumnType::kDecimal: col.ints().clear(); break;
      default: col.int32s().clear(); break;
    }
    cb.valid.clear();
    cb.has_null = false;
    if (cb.kind == CellKind::kIntern) {
      col.dictionary().clear();
      cb.dict.Clear();
    }
    cb.pending_count = 0;
    cb.pending_bytes.clear();
    cb.last_code = -1;
    cb.strings_mapped = 0;
    cb.kept.clear();
  }
}

}  // namespace zhucun
