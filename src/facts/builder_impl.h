#ifndef ZHUCUN_SRC_FACTS_BUILDER_IMPL_H_
#define ZHUCUN_SRC_FACTS_BUILDER_IMPL_H_

// The inside of FactSetBuilder, shared by its translation units:
// fact_set_builder.cc (rows and cells in, Finish), fact_checks.cc (keys,
// unique keys, references and their cascade). Columns are built in typed
// storage as rows come; strings are interned in batches.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <unordered_map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "facts/cells.h"
#include "facts/huge_pages.h"
#include "facts/interner.h"
#include "zhucun/column.h"
#include "zhucun/diagnostic.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"

namespace zhucun {
namespace internal {

inline ColumnType StorageType(CellType type) {
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

// How a column's cells are read.
// The first of `rows` rows that holds each of `ncodes` codes, or -1; a row
// whose `valid` byte is 0 holds none (valid null: every row is present).
// A key's row by code (references, FactTable::FindKey).
inline std::vector<int32_t> FirstRowOfEachCode(const int32_t* codes, const uint8_t* valid,
                                               size_t rows, size_t ncodes) {
  std::vector<int32_t> first(ncodes, -1);
  for (size_t r = 0; r < rows; ++r) {
    if (valid != nullptr && valid[r] == 0) continue;
    int32_t& slot = first[static_cast<size_t>(codes[r])];
    if (slot < 0) slot = static_cast<int32_t>(r);
  }
  return first;
}

enum class CellKind : uint8_t { kIntern, kCode, kInt, kDecimal, kDate, kMonth, kBool };

inline CellKind KindOf(CellType type) {
  switch (type) {
    case CellType::kId:
    case CellType::kText: return CellKind::kIntern;
    case CellType::kCode: return CellKind::kCode;
    case CellType::kInt: return CellKind::kInt;
    case CellType::kDecimal: return CellKind::kDecimal;
    case CellType::kDate: return CellKind::kDate;
    case CellType::kMonth: return CellKind::kMonth;
    case CellType::kBool: return CellKind::kBool;
  }
  return CellKind::kIntern;
}

// One column being built: typed storage, validity, and for strings the
// dictionary index.
struct ColumnBuild {
  const ColumnSchema* spec = nullptr;
  CellKind kind = CellKind::kIntern;
  bool nullable = false;
  Column column;
  // One byte per row once a row is null; empty while every row is present.
  std::vector<uint8_t> valid;
  bool has_null = false;
  Interner dict;           // id and text columns
  internal::CodeLookup codes;  // code columns

  // Strings are interned in batches: a cell's text is kept (copied, as the
  // caller's text may not outlive the call) with its row, and every
  // kBatch cells they are interned in one tight loop that prefetches the
  // hash-table slots ahead, so that the cache misses of large tables
  // overlap. In row order, so codes still number strings by first
  // appearance. A cell equal to the one before it in the column (tables
  // are often sorted by an id) is only marked. Flush() before reading codes.
  static constexpr size_t kBatch = 256;
  static constexpr size_t kBatchBytes = size_t{1} << 20;  // or fewer, long ones
  struct PendingString {
    uint32_t row;
    uint32_t offset;  // into pending_bytes
    uint32_t size;
    uint32_t hash;
    bool repeat;  // the same string as the entry before
  };
  std::unique_ptr<PendingString[]> pending;  // kBatch, once used
  size_t pending_count = 0;
  std::string pending_bytes;
  int32_t last_code = -1;  // of the last string interned
  // A column coded against a key (below): whether its ids came in the
  // key's order in the last batch (most a few keys after the one before),
  // so that the next batch looks there first instead of in the hash table.
  bool in_key_order = true;
  size_t strings_mapped = 0;  // dictionary entries mapped in by Flush
  // The key column of a part of a table read in parallel (FactSetBuilder::
  // Impl::AppendPart): its strings, all different, are only kept, to be
  // interned once, into the table's dictionary, when the part is appended.
  bool deferred = false;
  std::vector<PendingString> kept;
  // A reference column read after every row of the table it refers to
  // (FactSetBuilder::Impl::CodeAgainstKeys): its cells are coded in the
  // dictionary of that table's key, `against`, which no longer changes,
  // instead of a dictionary of their own that would repeat the key's
  // strings. An id the key lacks (a dangling reference) goes into the
  // column's own dictionary as code k and is stored as -2 - k, until
  // SettleAgainst makes the column an ordinary one.
  const ColumnBuild* against = nullptr;

  bool IsValid(size_t row) const { return !has_null || valid[row] != 0; }

  std::string_view PendingText(const PendingString& p) const {
    return std::string_view(pending_bytes).substr(p.offset, p.size);
  }

  // Appends a present id or text cell.
  [[gnu::always_inline]] void AppendString(uint32_t row, std::string_view text) {
    if (deferred) {
      Keep(row, text);
      return;
    }
    if (pending_count == 0 && last_code >= 0 &&
        SameString(column.dictionary()[static_cast<size_t>(last_code)], text)) {
      Append32(last_code);
      return;
    }
    Pend(row, text);
  }

  // Appends a present cell of a column coded against a key (`against`).
  // Coded in batches too (FlushAgainst), the key's slots prefetched ahead:
  // a large table's references (a posting's person, a payment's posting)
  // were a cache miss each, a fifth of loading scale 150.
  [[gnu::always_inline]] void AppendAgainst(uint32_t row, std::string_view text) {
    if (pending_count == 0 && last_code != -1) {
      const std::string& before =
          last_code >= 0 ? against->column.dictionary()[static_cast<size_t>(last_code)]
                         : column.dictionary()[static_cast<size_t>(-2 - last_code)];
      if (SameString(before, text)) {
        Append32(last_code);
        return;
      }
    }
    Pend(row, text);
  }

  // Keeps a cell's text (copied: the caller's may not outlive the call) for
  // Flush to code, as a repeat where it is the text pending before it, and
  // appends its placeholder.
  [[gnu::always_inline]] void Pend(uint32_t row, std::string_view text) {
    if (pending_count == 0) {
      if (!pending) pending.reset(new PendingString[kBatch]);
    } else {
      const PendingString& before = pending[pending_count - 1];
      if (before.size == text.size() &&
          SameBytes(pending_bytes.data() + before.offset, text.data(), text.size())) {
        pending[pending_count++] = PendingString{row, before.offset, before.size, before.hash, true};
        Append32(-1);
        if (pending_count == kBatch) Flush();
        return;
      }
    }
    pending[pending_count++] =
        PendingString{row, static_cast<uint32_t>(pending_bytes.size()),
                      static_cast<uint32_t>(text.size()), Interner::HashOf(text), false};
    pending_bytes.append(text.data(), text.size());
    Append32(-1);
    if (pending_count == kBatch || pending_bytes.size() > kBatchBytes) Flush();
  }

  // Keeps a string of a deferred column (its code comes when appended).
  [[gnu::always_inline]] void Keep(uint32_t row, std::string_view text) {
    if (!kept.empty()) {
      const PendingString& before = kept.back();
      if (before.size == text.size() &&
          SameBytes(pending_bytes.data() + before.offset, text.data(), text.size())) {
        kept.push_back(PendingString{row, before.offset, before.size, before.hash, true});
        Append32(-1);
        return;
      }
    }
    kept.push_back(PendingString{row, static_cast<uint32_t>(pending_bytes.size()),
                                 static_cast<uint32_t>(text.size()), Interner::HashOf(text),
                                 false});
    pending_bytes.append(text.data(), text.size());
    Append32(-1);
  }

  // Interns the pending strings.
  [[gnu::noinline]] void Flush() {
    if (pending_count == 0) return;
    if (against != nullptr) {
      FlushAgainst();
      return;
    }
    std::vector<std::string>& strings = column.dictionary();
    std::vector<int32_t>& rows = column.int32s();
    const size_t n = pending_count;
    dict.Reserve(strings.size() + n);
    if (strings.size() + n > strings_mapped) {
      // Map in the next reserved part of the dictionary in one go.
      constexpr size_t kChunk = 8192;
      internal::PrefaultNext(strings, kChunk);
      strings_mapped = strings.size() + kChunk;
    }
    constexpr size_t kAhead = 8;
    for (size_t i = 0; i < n && i < kAhead; ++i) {
      if (!pending[i].repeat) dict.Prefetch(pending[i].hash);
    }
    int32_t code = last_code;
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n && !pending[i + kAhead].repeat) {
        dict.Prefetch(pending[i + kAhead].hash);
      }
      const PendingString& p = pending[i];
      if (!p.repeat) code = dict.Intern(PendingText(p), p.hash, &strings);
      rows[p.row] = code;
    }
    last_code = code;
    pending_count = 0;
    pending_bytes.clear();
  }

  // Codes the pending cells of a column coded against a key. Child tables
  // often list their parents' ids in the parents' order (payments by
  // posting, postings by person): an id is then one of the few keys after
  // the one before, found there in order. Otherwise the key's hash table is
  // probed, its slots prefetched kAhead cells ahead and the key's string
  // that a slot names kAhead / 2 ahead (a cache miss each at scale 150
  // without). Which way a batch goes is what the batch before showed; the
  // codes are the same either way. An id the key lacks is interned into the
  // column's own dictionary in row order.
  void FlushAgainst() {
    const std::vector<std::string>& keys = against->column.dictionary();
    const internal::PageArray<uint64_t>& slots = against->dict.slots();
    std::vector<int32_t>& rows = column.int32s();
    const size_t n = pending_count;
    constexpr size_t kNear = 4;  // keys looked at after the one before
    // The code of pending[i]'s text from the key's hash table, or a
    // dangling id's (-2 - its code in the column's own dictionary).
    const auto code_of = [&](size_t i) {
      const std::string_view text = PendingText(pending[i]);
      int32_t code = slots.empty() ? -1 : Interner::Probe(slots, text, pending[i].hash, keys);
      if (code < 0) code = -2 - dict.Intern(text, pending[i].hash, &column.dictionary());
      return code;
    };
    // Whether `code` is one of the kNear keys after `before`.
    const auto near = [&](int32_t before, int32_t code) {
      return before >= 0 && code > before && code - before <= static_cast<int32_t>(kNear);
    };
    size_t looked = 0, found_near = 0;
    int32_t code = last_code;
    int32_t key = last_code;  // the last id found in the key (a dangling one is not)
    if (in_key_order) {
      for (size_t i = 0; i < n; ++i) {
        const PendingString& p = pending[i];
        if (!p.repeat) {
          ++looked;
          code = -1;
          if (key >= 0) {
            const std::string_view text = PendingText(p);
            const size_t end = std::min(keys.size(), static_cast<size_t>(key) + 1 + kNear);
            for (size_t k = static_cast<size_t>(key) + 1; k < end; ++k) {
              if (SameString(keys[k], text)) {
                code = static_cast<int32_t>(k);
                ++found_near;
                break;
              }
            }
          }
          if (code < 0) code = code_of(i);
          if (code >= 0) key = code;
        }
        rows[p.row] = code;
      }
    } else {
      constexpr size_t kAhead = 16;
      const size_t mask = slots.size() - 1;
      const auto prefetch_slot = [&](size_t i) {
        if (!pending[i].repeat) __builtin_prefetch(&slots[pending[i].hash & mask]);
      };
      const auto prefetch_key = [&](size_t i) {
        if (pending[i].repeat) return;
        const uint64_t slot = slots[pending[i].hash & mask];
        if (slot != Interner::kEmpty && static_cast<uint32_t>(slot >> 32) == pending[i].hash) {
          __builtin_prefetch(&keys[static_cast<uint32_t>(slot)]);
        }
      };
      if (!slots.empty()) {
        for (size_t i = 0; i < n && i < kAhead; ++i) prefetch_slot(i);
        for (size_t i = 0; i < n && i < kAhead / 2; ++i) prefetch_key(i);
      }
      for (size_t i = 0; i < n; ++i) {
        if (!slots.empty()) {
          if (i + kAhead < n) prefetch_slot(i + kAhead);
          if (i + kAhead / 2 < n) prefetch_key(i + kAhead / 2);
        }
        const PendingString& p = pending[i];
        if (!p.repeat) {
          ++looked;
          code = code_of(i);
          found_near += near(key, code);
          if (code >= 0) key = code;
        }
        rows[p.row] = code;
      }
    }
    in_key_order = found_near * 2 >= looked;
    last_code = code;
    pending_count = 0;
    pending_bytes.clear();
  }

  // Appends a present value.
  [[gnu::always_inline]] void Append32(int32_t v) {
    column.int32s().push_back(v);
    if (has_null) valid.push_back(1);
  }
  [[gnu::always_inline]] void Append64(int64_t v) {
    column.ints().push_back(v);
    if (has_null) valid.push_back(1);
  }
  [[gnu::always_inline]] void AppendBool(int64_t v) {
    column.bools().push_back(v != 0);
    if (has_null) valid.push_back(1);
  }

  // Reads a present (non-empty) cell's text as row `row`, exactly as a CSV
  // cell is read (DATA.md), and appends its value: kNone. Otherwise appends
  // nothing and says what is wrong with the text. The one reading of cell
  // text, for CSV rows, AddRow and AddColumns.
  [[gnu::always_inline]] CellProblem AppendText(uint32_t row, std::string_view text) {
    CellProblem problem = CellProblem::kBadForm;
    switch (kind) {
      case CellKind::kIntern:
        if (against != nullptr) {
          AppendAgainst(row, text);
        } else {
          AppendString(row, text);
        }
        return CellProblem::kNone;
      case CellKind::kCode: {
        const int32_t code = codes.Find(text);
        if (code < 0) return CellProblem::kUnknownCode;
        Append32(code);
        return CellProblem::kNone;
      }
      case CellKind::kInt: {
        int64_t v;
        problem = ParseIntCell(text, &v);
        if (problem == CellProblem::kNone) Append64(v);
        return problem;
      }
      case CellKind::kDecimal: {
        int64_t v;
        problem = ParseDecimalCell(text, spec->scale, &v);
        if (problem == CellProblem::kNone) Append64(v);
        return problem;
      }
      case CellKind::kDate: {
        int32_t v;
        problem = ParseDateCell(text, &v);
        if (problem == CellProblem::kNone) Append32(v);
        return problem;
      }
      case CellKind::kMonth: {
        int32_t v;
        problem = ParseMonthCell(text, &v);
        if (problem == CellProblem::kNone) Append32(v);
        return problem;
      }
      case CellKind::kBool: {
        int64_t v;
        problem = ParseBoolCell(text, &v);
        if (problem == CellProblem::kNone) AppendBool(v);
        return problem;
      }
    }
    return problem;
  }

  // Appends a null as row `row` (`reserve`: the expected number of rows).
  void AppendNull(size_t row, size_t reserve) {
    if (!has_null) {
      has_null = true;
      internal::ReserveHuge(valid, std::max(reserve, row + 1));
      valid.assign(row, 1);
    }
    valid.push_back(0);
    switch (column.type()) {
      case ColumnType::kBool: column.bools().push_back(0); break;
      case ColumnType::kInt:
      case ColumnType::kDecimal: column.ints().push_back(0); break;
      default: column.int32s().push_back(0); break;
    }
  }

  // The value of row `r` as an integer (codes, day numbers, coefficients).
  int64_t IntAt(size_t r) const {
    switch (column.type()) {
      case ColumnType::kBool: return column.bools()[r];
      case ColumnType::kInt:
      case ColumnType::kDecimal: return column.ints()[r];
      default: return column.int32s()[r];
    }
  }

  void Reserve(size_t rows) {
    switch (column.type()) {
      case ColumnType::kBool: internal::ReserveHuge(column.bools(), rows); break;
      case ColumnType::kInt:
      case ColumnType::kDecimal: internal::ReserveHuge(column.ints(), rows); break;
      default: internal::ReserveHuge(column.int32s(), rows); break;
    }
    if (has_null) internal::ReserveHuge(valid, rows);
  }

  // Maps in the storage of the next `rows` rows, where reserved.
  void PrefaultRows(size_t rows) {
    switch (column.type()) {
      case ColumnType::kBool: internal::PrefaultNext(column.bools(), rows); break;
      case ColumnType::kInt:
      case ColumnType::kDecimal: internal::PrefaultNext(column.ints(), rows); break;
      default: internal::PrefaultNext(column.int32s(), rows); break;
    }
    if (has_null) internal::PrefaultNext(valid, rows);
    if (deferred) internal::PrefaultNext(kept, rows);
  }
};

// The line of each row of a build, kept as runs of rows on consecutive
// lines (a file's rows are one run but where a record spans lines or a
// line is blank): two numbers a run instead of one a row — at scale 150
// 290 MB fewer while the rows are read, the load's peak.
class LineRuns {
 public:
  size_t size() const { return rows_; }
  // (first row, its line), ascending.
  const std::vector<std::pair<uint32_t, uint32_t>>& runs() const { return runs_; }

  [[gnu::always_inline]] void push_back(uint32_t line) {
    if (runs_.empty() ||
        line != runs_.back().second + static_cast<uint32_t>(rows_ - runs_.back().first)) {
      runs_.emplace_back(static_cast<uint32_t>(rows_), line);
    }
    ++rows_;
  }
  // The line of row `row` (< size()).
  uint32_t operator[](size_t row) const {
    const auto after = std::upper_bound(
        runs_.begin(), runs_.end(), row,
        [](size_t r, const std::pair<uint32_t, uint32_t>& run) { return r < run.first; });
    const std::pair<uint32_t, uint32_t>& run = *(after - 1);
    return run.second + static_cast<uint32_t>(row - run.first);
  }
  // Appends the rows of `other`, their lines moved on by `delta`.
  void Append(const LineRuns& other, int64_t delta) {
    for (size_t k = 0; k < other.runs_.size(); ++k) {
      push_back(static_cast<uint32_t>(static_cast<int64_t>(other.runs_[k].second) + delta));
      rows_ += other.End(k) - other.runs_[k].first - 1;  // (the rest of the run goes on)
    }
  }
  // Keeps the rows whose flag in `bad` is 0.
  void Keep(const std::vector<uint8_t>& bad) {
    LineRuns kept;
    ForEachRow([&](size_t row, uint32_t line) {
      if (!bad[row]) kept.push_back(line);
    });
    swap(kept);
  }
  // The line of every row.
  std::vector<uint32_t> Rows() const {
    std::vector<uint32_t> lines;
    lines.reserve(rows_);
    ForEachRow([&](size_t, uint32_t line) { lines.push_back(line); });
    return lines;
  }
  void clear() {
    runs_.clear();
    rows_ = 0;
  }
  void swap(LineRuns& other) {
    runs_.swap(other.runs_);
    std::swap(rows_, other.rows_);
  }

 private:
  // The row after run k.
  size_t End(size_t k) const { return k + 1 < runs_.size() ? runs_[k + 1].first : rows_; }
  // Calls f(row, its line) for every row, in order.
  template <typename F>
  void ForEachRow(F f) const {
    for (size_t k = 0; k < runs_.size(); ++k) {
      for (size_t r = runs_[k].first; r < End(k); ++r) {
        f(r, runs_[k].second + static_cast<uint32_t>(r - runs_[k].first));
      }
    }
  }

  std::vector<std::pair<uint32_t, uint32_t>> runs_;
  size_t rows_ = 0;
};

// Where a row came from, which decides how messages name it: a file's rows
// by their place in the file (the span), AddRow's as "`t` row N: ",
// AddColumns' as "`t` line N: ".
enum class RowOrigin : uint8_t { kFile, kRow, kColumns };

struct TableBuild {
  const TableSchema* spec = nullptr;
  std::vector<ColumnBuild> columns;
  // (column, column it is null together with), for null_iff.
  std::vector<std::pair<size_t, size_t>> null_iff;
  // The key column (-1: none).
  int key_column = -1;
  LineRuns lines;
  std::vector<uint8_t> bad;
  size_t bad_count = 0;
  // The expected number of rows (ReserveRows).
  size_t reserved = 0;
  // When rows reaches this, the storage of the next rows is mapped in
  // (a chunk at a time, so that an estimate that is too high costs only
  // address space).
  size_t prefault_at = ~size_t{0};
  // (row, diagnostic) in the order found.
  std::vector<std::pair<uint32_t, Diagnostic>> errors;
  // Rows that could not be split into cells: (line, diagnostic).
  std::vector<std::pair<uint32_t, Diagnostic>> unsplit;
  // Per referencing column (by schema index): the referenced row or -1.
  std::map<size_t, std::vector<int32_t>> references;
  // Rows rejected only because they refer to a rejected row (Cascade): the
  // (table, row) of the rejected row with a problem of its own they lead to.
  std::unordered_map<uint32_t, std::pair<size_t, uint32_t>> cascade_root;
  size_t rows = 0;
  // The table's file is malformed: its rows are unknown.
  bool malformed = false;
  // Rows read from a file: each row's record offset (indexed by row; rows
  // from elsewhere in between have 0), and the reader's way of finding a
  // cell from it.
  std::vector<uint32_t> offsets;
  FactSetBuilder::CellLocator locate;
  // Where runs of rows came from: (first row, origin), in row order.
  std::vector<std::pair<uint32_t, RowOrigin>> origins;

  // Notes that rows from `row` on come from `origin`.
  [[gnu::always_inline]] void NoteOrigin(uint32_t row, RowOrigin origin) {
    if (origins.empty() || origins.back().second != origin) {
      origins.emplace_back(row, origin);
    }
  }
  // Where row `row` came from.
  RowOrigin OriginOf(uint32_t row) const {
    auto it = std::upper_bound(
        origins.begin(), origins.end(), row,
        [](uint32_t r, const std::pair<uint32_t, RowOrigin>& o) { return r < o.first; });
    return it == origins.begin() ? RowOrigin::kRow : std::prev(it)->second;
  }

  void MarkBad(uint32_t row, Diagnostic d) {
    if (!bad[row]) {
      bad[row] = 1;
      ++bad_count;
    }
    errors.emplace_back(row, std::move(d));
  }
};

}  // namespace internal

// The key index of a table: the key column's interner, which was built
// while reading, and the row of each code (-1: none).
struct FactTable::KeyIndex {
  size_t column = 0;
  std::once_flag built;  // strings and rows, by the first FindKey
  internal::Interner strings;
  std::vector<int32_t> rows;
};

// The groups of each column of a table (FactTable::Groups), built on
// first use.
struct FactTable::GroupCache {
  struct Entry {
    std::once_flag built;
    GroupIndex groups;
  };
  explicit GroupCache(size_t columns) : entries(std::make_unique<Entry[]>(columns)) {}
  std::unique_ptr<Entry[]> entries;  // one per column
};

struct FactSetBuilder::Impl {
  using TableBuild = internal::TableBuild;
  using ColumnBuild = internal::ColumnBuild;
  using CellProblem = internal::CellProblem;
  using RowOrigin = internal::RowOrigin;

  std::shared_ptr<const Schema> schema;
  std::vector<TableBuild> tables;
  // Threads Finish may use for checks of separate tables (set by the CSV
  // reader; 1 for builders used otherwise).
  size_t threads = 1;
  Diagnostics file_errors;
  Diagnostics usage_errors;  // unknown tables (AddRow, AddColumns) or columns (AddRow)

  // A table's build, empty (the constructor's, and a part's, below).
  static void InitTable(TableBuild& tb, const TableSchema& spec);

  // Reserves the storage of `rows` more rows (FactSetBuilder::ReserveRows),
  // and the hash table of each reference to a table read before.
  void ReserveRows(TableBuild& tb, size_t rows);
  // The same without looking at other tables.
  static void ReserveStorage(TableBuild& tb, size_t rows);

  // Maps in the reserved storage of the table's next rows.
  [[gnu::noinline]] static void PrefaultRows(TableBuild& tb);

  // Appends one row's cells (already mapped to schema columns).
  void AddRow(size_t t, uint32_t line,
              const std::vector<std::optional<std::string_view>>& cells,
              const std::vector<SourceSpan>& spans, RowOrigin origin) {
    AddRowTo(tables[t], line, cells, spans, origin);
  }
  [[gnu::flatten]] static void AddRowTo(
      TableBuild& tb, uint32_t line,
      const std::vector<std::optional<std::string_view>>& cells,
      const std::vector<SourceSpan>& spans, RowOrigin origin);
  // FactSetBuilder::AddFileRow and AddBadRow, into any table's build.
  static void AddFileRowTo(TableBuild& tb, uint32_t line, uint32_t offset,
                           const std::vector<std::optional<std::string_view>>& cells,
                           const std::vector<SourceSpan>& spans) {
    // Offsets are indexed by row: rows added otherwise before have none.
    if (tb.offsets.size() < tb.rows) [[unlikely]] tb.offsets.resize(tb.rows, 0);
    tb.offsets.push_back(offset);
    AddRowTo(tb, line, cells, spans, RowOrigin::kFile);
  }
  static void AddBadRowTo(TableBuild& tb, uint32_t line, Diagnostic why) {
    if (!why.cell) why.cell = DataCell{tb.spec->name, line, "", "", ""};
    tb.unsplit.emplace_back(line, std::move(why));
  }

  // Appends the rows of `part`, the build of the next rows of the same
  // table read from a file (InitTable, AddFileRowTo, AddBadRowTo), to `tb`,
  // which has only rows read from that file: the result is as if they had
  // been added to `tb` itself. Strings are renumbered (codes by first
  // appearance), row numbers of the part's diagnostics moved on, and
  // `line_delta` added to its lines (those of rows, of diagnostics' cells
  // and of rows that could not be split). `part` is spent: its
  // diagnostics are moved out.
  // `expected_rows`: how many rows the table will have, and
  // `dictionary_rows`, per column, how many strings its dictionary may hold
  // (0: unknown), capacity hints.
  static void AppendPart(TableBuild& tb, TableBuild& part, int64_t line_delta,
                         size_t expected_rows, const std::vector<size_t>& dictionary_rows);
  // Empties a part's build, keeping its room, for the next part.
  static void ResetPart(TableBuild& part);

  // Adds whole columns (FactSetBuilder::AddColumns, add_columns.cc).
  // Row i is on line `lines[i]` when `lines` is given, else on line
  // `first_line + i`.
  void AddColumns(std::string_view table, size_t rows,
                  const std::vector<ColumnInput>& columns, uint32_t first_line,
                  const std::vector<uint32_t>* lines = nullptr);

  // Appends the cells of one column given whole (add_columns.cc).
  class ColumnFiller;

  // An unknown table named in AddRow or AddColumns.
  void UnknownTable(std::string_view table);

  // "`table` row N: " or "`table` line N: " for rows added
  // programmatically, "" for rows of a file (their span says where).
  static std::string RowPrefix(const TableBuild& tb, uint32_t line, RowOrigin origin);
  static SourceSpan SpanOf(const std::vector<SourceSpan>& spans, size_t c);

  // Diagnostics of one row's cells (cold). `text`: the cell's text;
  // NullIff's texts are nullopt for an empty cell.
  [[gnu::cold]] [[gnu::noinline]] static void NullCell(
      TableBuild& tb, uint32_t row, uint32_t line, size_t c, SourceSpan span,
      RowOrigin origin);
  [[gnu::cold]] [[gnu::noinline]] static void BadCell(
      TableBuild& tb, uint32_t row, uint32_t line, size_t c, std::string_view text,
      CellProblem problem, SourceSpan span, RowOrigin origin);
  [[gnu::cold]] [[gnu::noinline]] static void NullIff(
      TableBuild& tb, uint32_t row, uint32_t line, size_t c,
      std::optional<std::string_view> text, std::optional<std::string_view> other_text,
      SourceSpan span, RowOrigin origin);

  // The table whose key column c of table t may be coded against: the
  // table (not t) a string reference column (not t's key) refers to, when
  // its key is of ids; else -1.
  int KeyTargetOf(size_t t, size_t c) const;
  // The tables whose keys table t's columns may be coded against
  // (KeyTargetOf), in schema order.
  std::vector<size_t> KeyTargets(size_t t) const;
  // Codes those columns of table t against the key of each of those
  // tables for which `sealed` says that no row will be added to it any
  // more (ColumnBuild::against); before any row of t is added. Flushes
  // the keys' pending strings.
  void CodeAgainstKeys(size_t t, const std::function<bool(size_t)>& sealed);
  // Makes every column coded against a key an ordinary one: its codes are
  // the key's and it shares the key's dictionary, to which its dangling
  // ids, if any, are added (copying it first). Then frees the interners
  // no longer needed. Once every row is added.
  void SettleAgainst();

  // Marks later duplicates of the key and of each unique column set.
  void CheckUnique(TableBuild& tb, bool from_file_names);
  // The text of a valid cell, for messages.
  static std::string CellText(const TableBuild& tb, size_t c, uint32_t r);
  // Resolves references to row numbers; unknown ids make the row bad. Of
  // one table: reads the key columns of the tables it refers to, changes
  // only its own build (so tables may be done in parallel).
  void ResolveReferences();
  void ResolveReferences(size_t t);
  // Runs fn(t) for every table, on up to `threads` threads.
  void ForEachTable(const std::function<void(size_t)>& fn) const;
  // Rows that refer to bad rows are bad, until nothing changes.
  void Cascade();

  static std::string Prefix(const TableBuild& tb, uint32_t r);
  // Where a cell of a row read from a file is (found again through the
  // reader's locator, so that no span is stored per cell).
  SourceSpan Span(size_t t, uint32_t r, size_t c) const;
};

namespace internal {

// The inside of a FactSetBuilder, for the CSV reader (which builds parts of
// a table's rows in parallel and appends them, FactSetBuilder::Impl::
// AppendPart). A friend of FactSetBuilder.
struct FactSetBuilderAccess {
  using Impl = FactSetBuilder::Impl;
  static Impl& Of(FactSetBuilder& builder) { return *builder.impl_; }
};

}  // namespace internal
}  // namespace zhucun

#endif  // ZHUCUN_SRC_FACTS_BUILDER_IMPL_H_
