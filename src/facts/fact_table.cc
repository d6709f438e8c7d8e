// FactTable, FactSet and FactSetBuilder: validation of cells, keys, unique
// keys and references (with bad rows cascading to the rows that refer to
// them), then the immutable columnar tables.

#include "zhucun/fact_table.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>

#include "facts/cells.h"
#include "facts/huge_pages.h"
#include "source/quote.h"

namespace zhucun {

using internal::Quote;

namespace {

using internal::CellProblem;

[[gnu::always_inline]] inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

[[gnu::always_inline]] inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The 128-bit product of a and b, folded to 64 bits (as in wyhash).
[[gnu::always_inline]] inline uint64_t Mum(uint64_t a, uint64_t b) {
  __extension__ using U128 = unsigned __int128;
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// A fast hash of a string; ids and codes are short, and a string of up to
// 16 bytes is two loads and two multiplications.
[[gnu::always_inline]] inline uint64_t HashBytes(std::string_view s) {
  constexpr uint64_t k0 = 0xa0761d6478bd642full;
  constexpr uint64_t k1 = 0xe7037ed1a0b428dbull;
  constexpr uint64_t k2 = 0x8ebc6af09c88c6e3ull;
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t a = 0;
  uint64_t b = 0;
  uint64_t seed = k0;
  if (n <= 16) {
    if (n >= 8) {
      a = Load64(p);
      b = Load64(p + n - 8);
    } else if (n >= 4) {
      a = Load32(p);
      b = Load32(p + n - 4);
    } else if (n > 0) {
      a = (uint64_t{static_cast<unsigned char>(p[0])} << 16) |
          (uint64_t{static_cast<unsigned char>(p[n >> 1])} << 8) |
          uint64_t{static_cast<unsigned char>(p[n - 1])};
    }
  } else {
    size_t i = 0;
    for (; n - i > 16; i += 16) {
      seed = Mum(Load64(p + i) ^ k1, Load64(p + i + 8) ^ seed);
    }
    a = Load64(p + n - 16);
    b = Load64(p + n - 8);
  }
  return Mum(k2 ^ n, Mum(a ^ k1, b ^ seed));
}

// Whether the n bytes at a and b are equal (short strings without a call).
[[gnu::always_inline]] inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return Load64(a) == Load64(b) && Load64(a + n - 8) == Load64(b + n - 8);
  }
  if (n >= 4) {
    return Load32(a) == Load32(b) && Load32(a + n - 4) == Load32(b + n - 4);
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

[[gnu::always_inline]] inline bool SameString(const std::string& a, std::string_view b) {
  return a.size() == b.size() && SameBytes(a.data(), b.data(), b.size());
}

// An open-addressing hash table of the codes of a dictionary (linear
// probing, at most half full), comparing through the dictionary itself, so
// that interning a new string costs one append and no node allocation. A
// slot holds the string's 32-bit hash (high half) and its code (low half);
// all ones is an empty slot.
class Interner {
 public:
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  // The hash that Intern and Find use.
  [[gnu::always_inline]] static uint32_t HashOf(std::string_view s) {
    return static_cast<uint32_t>(HashBytes(s));
  }

  // Starts loading the slot where a string of hash `h` would be.
  void Prefetch(uint32_t h) const {
    __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
  }

  // The code of `s` in `dict`, appending it when new; `h` = HashOf(s).
  int32_t Intern(std::string_view s, uint32_t h, std::vector<std::string>* dict) {
    if ((dict->size() + 1) * 2 > slots_.size()) Grow(dict->size() + 1);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots_[i];
      if (slot == kEmpty) {
        const int32_t added = static_cast<int32_t>(dict->size());
        if (dict->size() == dict->capacity()) {
          internal::ReserveHuge(*dict, std::max<size_t>(16, dict->size() * 2));
        }
        dict->emplace_back(s);
        slots_[i] = (uint64_t{h} << 32) | static_cast<uint32_t>(added);
        return added;
      }
      if (static_cast<uint32_t>(slot >> 32) == h) {
        const int32_t code = static_cast<int32_t>(static_cast<uint32_t>(slot));
        if (SameString((*dict)[static_cast<size_t>(code)], s)) return code;
      }
    }
  }

  // The code of `s`, or -1.
  int32_t Find(std::string_view s, const std::vector<std::string>& dict) const {
    return Probe(slots_, s, dict);
  }

  // The code of each of `strings` (-1 for none), looked up a few at a time
  // ahead (first their slots, then their strings in `dict` are prefetched),
  // so that the cache misses of a large table overlap.
  std::vector<int32_t> FindAll(const std::vector<std::string>& strings,
                               const std::vector<std::string>& dict) const {
    const size_t n = strings.size();
    std::vector<int32_t> codes(n, -1);
    if (slots_.empty()) return codes;
    std::vector<uint32_t> hashes(n);
    for (size_t i = 0; i < n; ++i) hashes[i] = HashOf(strings[i]);
    const size_t mask = slots_.size() - 1;
    constexpr size_t kAhead = 8;
    for (size_t i = 0; i < n; ++i) {
      if (i + 2 * kAhead < n) __builtin_prefetch(&slots_[hashes[i + 2 * kAhead] & mask]);
      if (i + kAhead < n) {
        const uint64_t slot = slots_[hashes[i + kAhead] & mask];
        if (slot != kEmpty) {
          const uint32_t code = static_cast<uint32_t>(slot);
          if (code < dict.size()) __builtin_prefetch(&dict[code]);
        }
      }
      codes[i] = Probe(slots_, strings[i], hashes[i], dict);
    }
    return codes;
  }

  // Makes room for `n` strings without growing again.
  void Reserve(size_t n) {
    if (n * 2 > slots_.size()) Grow(n);
  }

  // Indexes a dictionary that was built without this interner (codes).
  void Build(const std::vector<std::string>& dict) {
    slots_ = internal::PageArray<uint64_t>();
    Grow(dict.size());
    const size_t mask = slots_.size() - 1;
    for (size_t code = 0; code < dict.size(); ++code) {
      if (Probe(slots_, dict[code], dict) >= 0) continue;  // a repeat
      const uint32_t h = static_cast<uint32_t>(HashBytes(dict[code]));
      size_t i = h & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = (uint64_t{h} << 32) | static_cast<uint32_t>(code);
    }
  }

  // The code of `s` in a table of slots over `dict`, or -1.
  static int32_t Probe(const internal::PageArray<uint64_t>& slots, std::string_view s,
                       const std::vector<std::string>& dict) {
    if (slots.empty()) return -1;
    return Probe(slots, s, HashOf(s), dict);
  }

  // The same, given `h` = HashOf(s), with `slots` not empty.
  static int32_t Probe(const internal::PageArray<uint64_t>& slots, std::string_view s,
                       uint32_t h, const std::vector<std::string>& dict) {
    const size_t mask = slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots[i];
      if (slot == kEmpty) return -1;
      if (static_cast<uint32_t>(slot >> 32) == h) {
        const int32_t code = static_cast<int32_t>(static_cast<uint32_t>(slot));
        if (SameString(dict[static_cast<size_t>(code)], s)) return code;
      }
    }
  }

 private:
  // Rehashes into a table that holds `n` codes at most half full.
  void Grow(size_t n) {
    size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
    while (capacity < n * 2) capacity *= 2;
    internal::PageArray<uint64_t> old = std::move(slots_);
    slots_ = internal::PageArray<uint64_t>(capacity, kEmpty);
    const size_t mask = capacity - 1;
    for (const uint64_t slot : old) {
      if (slot == kEmpty) continue;
      size_t i = static_cast<uint32_t>(slot >> 32) & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  internal::PageArray<uint64_t> slots_;
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

// How a column's cells are read.
enum class CellKind : uint8_t { kIntern, kCode, kInt, kDecimal, kDate, kMonth, kBool };

CellKind KindOf(CellType type) {
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
  size_t strings_mapped = 0;  // dictionary entries mapped in by Flush

  bool IsValid(size_t row) const { return !has_null || valid[row] != 0; }

  std::string_view PendingText(const PendingString& p) const {
    return std::string_view(pending_bytes).substr(p.offset, p.size);
  }

  // Appends a present id or text cell.
  [[gnu::always_inline]] void AppendString(uint32_t row, std::string_view text) {
    if (pending_count == 0) {
      if (last_code >= 0 &&
          SameString(column.dictionary()[static_cast<size_t>(last_code)], text)) {
        Append32(last_code);
        return;
      }
      if (!pending) pending.reset(new PendingString[kBatch]);
    } else {
      const PendingString& before = pending[pending_count - 1];
      if (before.size == text.size() &&
          SameBytes(pending_bytes.data() + before.offset, text.data(), text.size())) {
        pending[pending_count++] =
            PendingString{row, before.offset, before.size, before.hash, true};
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

  // Interns the pending strings.
  [[gnu::noinline]] void Flush() {
    if (pending_count == 0) return;
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
  }
};

struct TableBuild {
  const TableSchema* spec = nullptr;
  std::vector<ColumnBuild> columns;
  // (column, column it is null together with), for null_iff.
  std::vector<std::pair<size_t, size_t>> null_iff;
  // The key column (-1: none).
  int key_column = -1;
  std::vector<uint32_t> lines;
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
  size_t rows = 0;
  // The table's file is malformed: its rows are unknown.
  bool malformed = false;
  // Rows read from a file: each row's record offset, and the reader's way
  // of finding a cell from it.
  std::vector<uint32_t> offsets;
  FactSetBuilder::CellLocator locate;

  void MarkBad(uint32_t row, Diagnostic d) {
    if (!bad[row]) {
      bad[row] = 1;
      ++bad_count;
    }
    errors.emplace_back(row, std::move(d));
  }
};

}  // namespace

struct FactSetBuilder::Impl {
  std::shared_ptr<const Schema> schema;
  std::vector<TableBuild> tables;
  Diagnostics file_errors;
  Diagnostics usage_errors;  // unknown tables or columns in AddRow

  // Reserves the storage of `rows` more rows (FactSetBuilder::ReserveRows).
  void ReserveRows(TableBuild& tb, size_t rows);

  // Maps in the reserved storage of the table's next rows.
  [[gnu::noinline]] static void PrefaultRows(TableBuild& tb) {
    constexpr size_t kChunk = size_t{1} << 16;
    internal::PrefaultNext(tb.lines, kChunk);
    internal::PrefaultNext(tb.bad, kChunk);
    internal::PrefaultNext(tb.offsets, kChunk);
    for (ColumnBuild& cb : tb.columns) cb.PrefaultRows(kChunk);
    tb.prefault_at = tb.rows + kChunk;
    if (tb.rows + kChunk >= tb.reserved) tb.prefault_at = ~size_t{0};
  }

  // Appends one row's cells (already mapped to schema columns).
  [[gnu::flatten]] void AddRow(size_t t, uint32_t line,
              const std::vector<std::optional<std::string_view>>& cells,
              const std::vector<SourceSpan>& spans, bool from_file) {
    TableBuild& tb = tables[t];
    if (tb.rows == tb.prefault_at) PrefaultRows(tb);
    const uint32_t row = static_cast<uint32_t>(tb.rows++);
    tb.lines.push_back(line);
    tb.bad.push_back(0);
    const size_t ncols = tb.columns.size();
    const size_t given = std::min(ncols, cells.size());
    for (size_t c = 0; c < ncols; ++c) {
      ColumnBuild& cb = tb.columns[c];
      std::string_view text;
      if (c < given && cells[c]) text = *cells[c];
      if (text.empty()) {
        cb.AppendNull(row, tb.reserved);
        if (!cb.nullable) NullCell(tb, row, line, c, spans, from_file);
        continue;
      }
      internal::CellProblem problem;
      switch (cb.kind) {
        case CellKind::kIntern:
          cb.AppendString(row, text);
          continue;
        case CellKind::kCode: {
          const int32_t code = cb.codes.Find(text);
          if (code >= 0) {
            cb.Append32(code);
            continue;
          }
          problem = CellProblem::kUnknownCode;
          break;
        }
        case CellKind::kInt: {
          int64_t v;
          problem = internal::ParseIntCell(text, &v);
          if (problem == CellProblem::kNone) {
            cb.Append64(v);
            continue;
          }
          break;
        }
        case CellKind::kDecimal: {
          int64_t v;
          problem = internal::ParseDecimalCell(text, cb.spec->scale, &v);
          if (problem == CellProblem::kNone) {
            cb.Append64(v);
            continue;
          }
          break;
        }
        case CellKind::kDate: {
          int32_t v;
          problem = internal::ParseDateCell(text, &v);
          if (problem == CellProblem::kNone) {
            cb.Append32(v);
            continue;
          }
          break;
        }
        case CellKind::kMonth: {
          int32_t v;
          problem = internal::ParseMonthCell(text, &v);
          if (problem == CellProblem::kNone) {
            cb.Append32(v);
            continue;
          }
          break;
        }
        case CellKind::kBool: {
          int64_t v;
          problem = internal::ParseBoolCell(text, &v);
          if (problem == CellProblem::kNone) {
            cb.AppendBool(v);
            continue;
          }
          break;
        }
        default:
          problem = CellProblem::kBadForm;
          break;
      }
      cb.AppendNull(row, tb.reserved);
      BadCell(tb, row, line, c, text, problem, spans, from_file);
    }
    // Columns that are null exactly when another column is null.
    for (const auto& [c, other] : tb.null_iff) {
      const bool given_c = c < given && cells[c] && !cells[c]->empty();
      const bool other_given =
          other < given && cells[other] && !cells[other]->empty();
      if (given_c == other_given) continue;
      NullIff(tb, row, line, c, cells, spans, from_file, given_c, other_given);
    }
  }

  // "`table` row N: " for rows added programmatically.
  static std::string RowPrefix(const TableBuild& tb, uint32_t line, bool from_file) {
    if (from_file) return "";
    return Quote(tb.spec->name) + " row " + std::to_string(line) + ": ";
  }

  static SourceSpan SpanOf(const std::vector<SourceSpan>& spans, size_t c) {
    return c < spans.size() ? spans[c] : SourceSpan{};
  }

  [[gnu::cold]] [[gnu::noinline]] static void NullCell(
      TableBuild& tb, uint32_t row, uint32_t line, size_t c,
      const std::vector<SourceSpan>& spans, bool from_file) {
    const ColumnSchema& spec = *tb.columns[c].spec;
    tb.MarkBad(row, Diagnostic{Severity::kError, "csv.null",
                               RowPrefix(tb, line, from_file) + Quote(spec.name) +
                                   " is empty; expected " +
                                   internal::ExpectedForm(spec),
                               SpanOf(spans, c), ""});
  }

  [[gnu::cold]] [[gnu::noinline]] static void BadCell(
      TableBuild& tb, uint32_t row, uint32_t line, size_t c,
      std::string_view text, CellProblem problem,
      const std::vector<SourceSpan>& spans, bool from_file) {
    const ColumnSchema& spec = *tb.columns[c].spec;
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
                               RowPrefix(tb, line, from_file) + Quote(spec.name) +
                                   ": " + Quote(text) + what + "; expected " +
                                   internal::ExpectedForm(spec),
                               SpanOf(spans, c), std::move(help)});
  }

  [[gnu::cold]] [[gnu::noinline]] static void NullIff(
      TableBuild& tb, uint32_t row, uint32_t line, size_t c,
      const std::vector<std::optional<std::string_view>>& cells,
      const std::vector<SourceSpan>& spans, bool from_file, bool given,
      bool other_given) {
    const ColumnSchema& spec = *tb.columns[c].spec;
    const size_t other = static_cast<size_t>(tb.spec->ColumnIndex(spec.null_iff));
    tb.MarkBad(row, Diagnostic{
        Severity::kError, "csv.null_iff",
        RowPrefix(tb, line, from_file) + Quote(spec.name) +
            " must be empty exactly when " + Quote(spec.null_iff) +
            " is empty, but " + Quote(spec.name) +
            (given ? " is " + Quote(*cells[c]) : std::string(" is empty")) +
            " and " + Quote(spec.null_iff) +
            (other_given ? " is " + Quote(*cells[other]) : std::string(" is empty")),
        SpanOf(spans, c), ""});
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
      // In each group of rows with equal values (null cells excepted) the
      // first row is kept and every later one is a duplicate of it. Each
      // row is reported at most once per set, and diagnostics are put in
      // line order at the end, so the order found here does not matter.
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
          if (!target_key.IsValid(r)) continue;
          int32_t& slot = first_row[static_cast<size_t>(target_codes[r])];
          if (slot < 0) slot = static_cast<int32_t>(r);
        }
        const ColumnBuild& cb = tb.columns[c];
        const auto& dict = cb.column.dictionary();
        std::vector<int32_t> code_to_row =
            target_key.dict.FindAll(dict, target_key.column.dictionary());
        for (int32_t& code : code_to_row) {
          if (code >= 0) code = first_row[static_cast<size_t>(code)];
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
          if (target.bad_count == 0) continue;  // nothing to cascade from
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

// The key index of a table: the key column's interner, which was built
// while reading, and the row of each code (-1: none).
struct FactTable::KeyIndex {
  size_t column = 0;
  Interner strings;
  std::vector<int32_t> rows;
};

std::optional<uint32_t> FactTable::FindKey(std::string_view key) const {
  if (!key_index_) return std::nullopt;
  const int32_t code =
      key_index_->strings.Find(key, columns_[key_index_->column].dictionary());
  if (code < 0) return std::nullopt;
  const int32_t row = key_index_->rows[static_cast<size_t>(code)];
  if (row < 0) return std::nullopt;
  return static_cast<uint32_t>(row);
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
      cb.kind = KindOf(cs.type);
      cb.nullable = cs.nullable;
      cb.column = Column(StorageType(cs.type), cs.type == CellType::kDecimal ? cs.scale : 0);
      if (cs.type == CellType::kCode) {
        cb.column.dictionary() = cs.codes;
        cb.codes = internal::CodeLookup(cs.codes);
      }
      tb.columns.push_back(std::move(cb));
    }
    for (size_t c = 0; c < tb.spec->columns.size(); ++c) {
      const ColumnSchema& cs = tb.spec->columns[c];
      if (cs.null_iff.empty()) continue;
      const int other = tb.spec->ColumnIndex(cs.null_iff);
      if (other >= 0) tb.null_iff.emplace_back(c, static_cast<size_t>(other));
    }
    if (!tb.spec->key.empty()) tb.key_column = tb.spec->ColumnIndex(tb.spec->key);
  }
}

void FactSetBuilder::ReserveRows(size_t table, size_t rows) {
  if (table >= impl_->tables.size()) return;
  try {
    impl_->ReserveRows(impl_->tables[table], rows);
  } catch (const std::bad_alloc&) {
    // Only a hint: the columns grow as rows come.
  }
}

void FactSetBuilder::Impl::ReserveRows(TableBuild& tb, size_t rows) {
  const size_t total = tb.rows + rows;
  if (total <= tb.reserved) return;
  tb.reserved = total;
  internal::ReserveHuge(tb.lines, total);
  internal::ReserveHuge(tb.bad, total);
  if (tb.locate) internal::ReserveHuge(tb.offsets, total);
  tb.prefault_at = tb.rows;
  for (ColumnBuild& cb : tb.columns) cb.Reserve(total);
  // The key column has (about) one string per row: its dictionary is
  // reserved (address space only; Flush maps it in as it fills). A
  // reference to a table read before has at most one string per row of that
  // table: its hash table is made that large at once.
  for (size_t c = 0; c < tb.columns.size(); ++c) {
    ColumnBuild& cb = tb.columns[c];
    if (cb.kind != CellKind::kIntern) continue;
    if (static_cast<int>(c) == tb.key_column) {
      internal::ReserveHuge(cb.column.dictionary(), total);
    } else if (!cb.spec->references.empty()) {
      const int target = schema->TableIndex(cb.spec->references);
      if (target < 0) continue;
      const size_t strings = std::min(total, tables[static_cast<size_t>(target)].rows);
      internal::ReserveHuge(cb.column.dictionary(), strings);
      cb.dict.Reserve(strings);
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
  for (TableBuild& tb : im.tables) {
    for (ColumnBuild& cb : tb.columns) cb.Flush();
  }
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
    const size_t rejected = tb.unsplit.size() + tb.bad_count;
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
  // A table without bad rows keeps its row numbers.
  std::vector<std::vector<int32_t>> new_index(im.tables.size());
  for (size_t t = 0; t < im.tables.size(); ++t) {
    const TableBuild& tb = im.tables[t];
    if (tb.bad_count == 0) continue;
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
    const bool compact = tb.bad_count > 0;
    auto keep = [&](auto& v) {
      if (!compact) return;
      size_t k = 0;
      for (size_t r = 0; r < tb.rows; ++r) {
        if (!tb.bad[r]) v[k++] = v[r];
      }
      v.resize(k);
    };
    ft.columns_.reserve(tb.columns.size());
    for (ColumnBuild& cb : tb.columns) {
      Column& col = cb.column;
      switch (col.type()) {
        case ColumnType::kBool: keep(col.bools()); break;
        case ColumnType::kInt:
        case ColumnType::kDecimal: keep(col.ints()); break;
        default: keep(col.int32s()); break;
      }
      if (cb.has_null) {
        keep(cb.valid);
        if (std::find(cb.valid.begin(), cb.valid.end(), 0) != cb.valid.end()) {
          col.set_valid(std::move(cb.valid));
        }
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
      if (!new_index[target].empty()) {
        for (int32_t& r : refs) {
          if (r >= 0) r = new_index[target][static_cast<size_t>(r)];
        }
      }
      ft.references_.emplace(spec.name, std::move(refs));
      ft.reference_targets_.emplace(
          spec.name, im.tables[target].rows - im.tables[target].bad_count);
    }
    // The key index: the key column's interner (already built while
    // reading) and the row of each code.
    if (tb.key_column >= 0) {
      const size_t key = static_cast<size_t>(tb.key_column);
      const Column& col = ft.columns_[key];
      if (col.type() == ColumnType::kString) {
        auto index = std::make_shared<FactTable::KeyIndex>();
        index->column = key;
        ColumnBuild& kb = tb.columns[key];
        if (kb.kind != CellKind::kIntern) kb.dict.Build(col.dictionary());
        index->strings = std::move(kb.dict);
        index->rows.assign(col.dictionary().size(), -1);
        const ColumnView v = col.view();
        const int32_t* codes = static_cast<const int32_t*>(v.data);
        for (size_t r = 0; r < ft.num_rows_; ++r) {
          if (!v.IsValid(r)) continue;
          int32_t& slot = index->rows[static_cast<size_t>(codes[r])];
          if (slot < 0) slot = static_cast<int32_t>(r);
        }
        ft.key_index_ = std::move(index);
      }
    }
  }
  return Result<FactSet>(std::move(set), std::move(out));
}

}  // namespace zhucun
