// The derived tables of Policy::Check: each row of the `from` table through
// the table's lets and columns, into typed columns (DerivedTable::cells),
// sorted as the pack says.
//
// Where the plan can, it computes every let and column of every row at once
// (rule_plan.h, BuildValues); a row for which any of them is unknown — one
// the plan does not express, or one that may be an error — goes through the
// row evaluator, the reference semantics, as every row does without a plan.
// The cells are the same either way: a column's storage depends only on its
// values (CellColumn), and the sort compares them as CEL's `<` does.

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/sort_runs.h"
#include "engine/policy_impl.h"
#include "expr/stdlib.h"
#include "plan/rule_plan.h"
#include "source/quote.h"
#include "zhucun/column.h"
#include "zhucun/engine.h"
#include "zhucun/records.h"

namespace zhucun {

size_t DerivedTable::num_rows() const { return cells.empty() ? 0 : cells.front().size(); }

std::string DerivedTable::Text(size_t row, size_t column) const {
  std::string out;
  AppendText(row, column, &out);
  return out;
}

void DerivedTable::AppendText(size_t row, size_t column, std::string* out) const {
  const Column& c = cells[column];
  if (!c.valid().empty() && c.valid()[row] == 0) return;  // null: empty
  // What internal::Text(c.Get(row)) gives, for the common kinds without
  // the Value (a string's would be a copy).
  switch (c.type()) {
    case ColumnType::kBool: out->append(c.bools()[row] != 0 ? "true" : "false"); return;
    case ColumnType::kInt: {
      char digits[24];
      const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, c.ints()[row]);
      out->append(digits, end);
      return;
    }
    case ColumnType::kDecimal:
      out->append(Decimal::FromUnscaled(c.ints()[row], c.scale()).ToString());
      return;
    case ColumnType::kDate: out->append(Date::FromDayNumber(c.int32s()[row]).ToString()); return;
    case ColumnType::kString:
      out->append(c.dictionary()[static_cast<size_t>(c.int32s()[row])]);
      return;
    default: out->append(internal::Text(c.Get(row))); return;
  }
}

std::vector<std::string> DerivedTable::Row(size_t row) const {
  std::vector<std::string> out;
  out.reserve(cells.size());
  for (size_t c = 0; c < cells.size(); ++c) out.push_back(Text(row, c));
  return out;
}

namespace internal {

namespace {

// One column of a derived table, row by row. Its storage is typed while
// every value that is not null has one kind (a decimal also one scale) —
// bool, int, double, decimal, date or string — and Values otherwise, so
// the result depends only on the values appended, however they came.
class CellColumn {
 public:
  void Reserve(size_t rows) { reserve_ = rows; }

  void AppendNull() {
    if (!started_) {
      ++leading_nulls_;
    } else if (typed_) {
      PushDefault();
      Valid(false);
    } else {
      column_.values().push_back(Value::Null());
    }
  }

  // A bool (0/1), int or date (day number).
  void AppendInt(ValueKind kind, int64_t v) {
    if (!Expect(kind, 0)) return column_.values().push_back(Box(kind, v));
    switch (column_.type()) {
      case ColumnType::kBool: column_.bools().push_back(v != 0 ? 1 : 0); break;
      case ColumnType::kDate: column_.int32s().push_back(static_cast<int32_t>(v)); break;
      default: column_.ints().push_back(v); break;
    }
    Valid(true);
  }

  void AppendDecimal(Decimal d) {
    if (!Expect(ValueKind::kDecimal, d.scale())) {
      return column_.values().push_back(Value::FromDecimal(d));
    }
    column_.ints().push_back(d.coefficient());
    Valid(true);
  }

  // `stable`: the text stays where it is until the column is finished (a
  // view of the facts' or the plan's text), so its code is remembered by
  // where it is.
  void AppendString(std::string_view s, bool stable = false) {
    if (!Expect(ValueKind::kString, 0)) {
      return column_.values().push_back(Value::String(std::string(s)));
    }
    if (source_ != nullptr) OwnDictionary();
    column_.int32s().push_back(Code(s, stable));
    Valid(true);
  }

  // A string that is `code` in the dictionary of the facts' column
  // `source`: while every string so far is, the column shares that
  // dictionary (a key column copied is not coded again).
  void AppendCode(const Column* source, int32_t code) {
    const bool first = !started_;
    if (!Expect(ValueKind::kString, 0)) {
      return column_.values().push_back(Value::String(source->dictionary()[static_cast<size_t>(code)]));
    }
    if (first) source_ = source;
    if (source_ != source) {
      return AppendString(source->dictionary()[static_cast<size_t>(code)]);
    }
    column_.int32s().push_back(code);
    Valid(true);
  }

  void Append(const Value& v) {
    switch (v.kind()) {
      case ValueKind::kNull: return AppendNull();
      case ValueKind::kBool: return AppendInt(v.kind(), v.bool_value() ? 1 : 0);
      case ValueKind::kInt: return AppendInt(v.kind(), v.int_value());
      case ValueKind::kDate: return AppendInt(v.kind(), v.date_value().day_number());
      case ValueKind::kDecimal: return AppendDecimal(v.decimal_value());
      case ValueKind::kString: return AppendString(v.string_value());
      case ValueKind::kDouble:
        if (Expect(v.kind(), 0)) {
          column_.doubles().push_back(v.double_value());
          Valid(true);
          return;
        }
        break;
      default:
        Expect(v.kind(), 0);  // (a column of Values from now on)
        break;
    }
    column_.values().push_back(v);
  }

  // Row r of a planned column (known, not unknown).
  void Append(const PlannedColumn& c, size_t r) {
    if (c.state[r] == PlannedColumn::kNull) return AppendNull();
    switch (c.kind) {
      case ValueKind::kBool:
      case ValueKind::kInt:
      case ValueKind::kDate: return AppendInt(c.kind, c.ints[r]);
      case ValueKind::kDecimal: return AppendDecimal(c.DecimalAt(r));
      case ValueKind::kString:
        if (c.codes_of != nullptr) return AppendCode(c.codes_of, c.codes[r]);
        return AppendString(c.Text(r), /*stable=*/true);  // (the facts' or the plan's)
      default: return Append(c.Get(r));
    }
  }

  // Rows [0, n) of a planned column (all known): as Append row by row,
  // the rows that go into the typed storage as it is in one loop each.
  void AppendAll(const PlannedColumn& c, size_t n) {
    size_t r = 0;
    for (; r < n && !started_; ++r) Append(c, r);
    const uint8_t* state = c.state.data();
    const auto null = [state](size_t i) { return state[i] == PlannedColumn::kNull; };
    // The rows [r, end) that go in as they are.
    size_t end = r;
    if (typed_ && c.kind == kind_) {
      switch (c.kind) {
        case ValueKind::kDecimal:
          if (c.scale >= 0) {  // (coefficients at one scale: all or none)
            if (c.scale == column_.scale()) end = n;
            break;
          }
          while (end < n && (null(end) || c.decimals[end].scale() == column_.scale())) ++end;
          break;
        case ValueKind::kBool: case ValueKind::kInt: case ValueKind::kDate:
          end = n;
          break;
        case ValueKind::kString:
          if (c.codes_of != nullptr ? source_ == c.codes_of : source_ == nullptr) end = n;
          break;
        default:
          break;
      }
    }
    const size_t count = end - r;
    if (count > 0) {
      const size_t at = rows_;
      // (An or of every row, not a search that stops: vectorized.)
      uint8_t any_null = 0;
      for (size_t k = 0; k < count; ++k) any_null |= static_cast<uint8_t>(null(r + k));
      const bool nulls = any_null != 0;
      if (nulls || !valid_.empty()) {
        if (valid_.empty()) valid_.assign(rows_, 1);
        valid_.resize(at + count);
        for (size_t k = 0; k < count; ++k) valid_[at + k] = null(r + k) ? 0 : 1;
      }
      rows_ += count;
      // Storage [at, at + count) from rows [r, end), 0 where null (a loop
      // without the test where no row is).
      const auto fill = [&](auto& storage, auto value) {
        storage.resize(at + count);
        auto* out = storage.data() + at;
        if (!nulls) {
          for (size_t k = 0; k < count; ++k) out[k] = value(r + k);
          return;
        }
        for (size_t k = 0; k < count; ++k) out[k] = null(r + k) ? 0 : value(r + k);
      };
      switch (c.kind) {
        case ValueKind::kDecimal:
          if (c.scale >= 0) {
            fill(column_.ints(), [&](size_t i) { return c.ints[i]; });
          } else {
            fill(column_.ints(), [&](size_t i) { return c.decimals[i].coefficient(); });
          }
          break;
        case ValueKind::kBool:
          fill(column_.bools(), [&](size_t i) { return static_cast<uint8_t>(c.ints[i] != 0); });
          break;
        case ValueKind::kDate:
          fill(column_.int32s(), [&](size_t i) { return static_cast<int32_t>(c.ints[i]); });
          break;
        case ValueKind::kString:
          if (c.codes_of != nullptr) {
            fill(column_.int32s(), [&](size_t i) { return c.codes[i]; });
          } else if (c.coded) {
            // Each of the plan's few texts coded once, in the order the
            // rows first have it (as row by row), then each row's code.
            std::vector<int32_t> own(c.texts.size(), 0);
            std::vector<uint8_t> met(c.texts.size(), 0);
            for (size_t k = 0, left = c.texts.size(); k < count && left > 0; ++k) {
              const auto t = static_cast<size_t>(c.codes[r + k]);
              if (null(r + k) || met[t] != 0) continue;
              own[t] = Code(c.texts[t], /*stable=*/true);
              met[t] = 1;
              --left;
            }
            fill(column_.int32s(), [&](size_t i) { return own[static_cast<size_t>(c.codes[i])]; });
          } else {
            fill(column_.int32s(), [&](size_t i) { return Code(c.strings[i], /*stable=*/true); });
          }
          break;
        default:  // ints
          fill(column_.ints(), [&](size_t i) { return c.ints[i]; });
          break;
      }
      r = end;
    }
    for (; r < n; ++r) Append(c, r);  // (from a value of another kind or scale on)
  }

  // One more typed row, null or not. (The mask, once there, is never
  // empty: it holds the null that made it, even as the first row.)
  void Valid(bool valid) {
    if (!valid && valid_.empty()) {
      valid_.reserve(reserve_);
      valid_.assign(rows_, 1);
      valid_.push_back(0);
    } else if (!valid_.empty()) {
      valid_.push_back(valid ? 1 : 0);
    }
    ++rows_;
  }

  // Appends the rows of `next`, a column of the rows after these (a part
  // of the table evaluated on another thread): the column is then what
  // appending each of next's rows after these would have made — its type,
  // scale, validity mask and dictionary (in the order of first use) too.
  void AppendRows(CellColumn&& next) {
    if (!next.started_) {  // only nulls
      for (size_t k = 0; k < next.leading_nulls_; ++k) AppendNull();
      return;
    }
    if (!started_) {  // only nulls before next's rows: next with them in front
      next.PrependNulls(leading_nulls_);
      *this = std::move(next);
      return;
    }
    if (!typed_ || !next.typed_ || kind_ != next.kind_ ||
        (kind_ == ValueKind::kDecimal && column_.scale() != next.column_.scale())) {
      // A column of Values (now or from the first of next's rows on): next's
      // rows as values, one at a time (Get gives back what was appended).
      const Column rows = std::move(next).Finish();
      for (size_t r = 0; r < rows.size(); ++r) Append(rows.Get(r));
      return;
    }
    // One type: next's storage after this one's (strings of another
    // dictionary than the facts' one of these: in this column's own).
    const bool own = column_.type() == ColumnType::kString &&
                        (source_ == nullptr || source_ != next.source_);
    if (own && source_ != nullptr) OwnDictionary();
    const size_t at = rows_;
    if (!valid_.empty() || !next.valid_.empty()) {
      if (valid_.empty()) valid_.assign(rows_, 1);
      if (next.valid_.empty()) {
        valid_.resize(at + next.rows_, 1);
      } else {
        valid_.insert(valid_.end(), next.valid_.begin(), next.valid_.end());
      }
    }
    rows_ += next.rows_;
    // (Room for the rows expected, Reserve, at once: not grown part by part.)
    const auto concat = [&](auto& to, const auto& from) {
      to.reserve(std::max(reserve_, to.size() + from.size()));
      to.insert(to.end(), from.begin(), from.end());
    };
    switch (column_.type()) {
      case ColumnType::kBool: concat(column_.bools(), next.column_.bools()); return;
      case ColumnType::kDouble: concat(column_.doubles(), next.column_.doubles()); return;
      case ColumnType::kDate: concat(column_.int32s(), next.column_.int32s()); return;
      case ColumnType::kString: break;
      default: concat(column_.ints(), next.column_.ints()); return;
    }
    if (!own) {  // one dictionary: the facts'
      concat(column_.int32s(), next.column_.int32s());
      return;
    }
    // Next's strings coded in this column's own dictionary, row by row.
    const std::vector<std::string>& from =
        next.source_ != nullptr ? next.source_->dictionary() : next.column_.dictionary();
    const std::vector<int32_t>& codes = next.column_.int32s();
    std::vector<int32_t> recode(from.size(), -1);
    column_.int32s().resize(at + next.rows_, 0);  // (0 where null)
    for (size_t r = 0; r < next.rows_; ++r) {
      if (!next.valid_.empty() && next.valid_[r] == 0) continue;
      int32_t& to = recode[static_cast<size_t>(codes[r])];
      if (to < 0) to = Code(from[static_cast<size_t>(codes[r])], /*stable=*/false);
      column_.int32s()[at + r] = to;
    }
  }

  Column Finish() && {
    if (!started_) return Column::Values(std::vector<Value>(leading_nulls_, Value::Null()));
    if (typed_ && source_ != nullptr) {
      column_ = Column::StringsCodedAs(*source_, std::move(column_.int32s()));
    }
    if (typed_ && !valid_.empty()) {
      column_.set_valid(std::move(valid_));
    }
    return std::move(column_);
  }

 private:
  static Value Box(ValueKind kind, int64_t v) {
    switch (kind) {
      case ValueKind::kBool: return Value::Bool(v != 0);
      case ValueKind::kDate: return Value::FromDate(Date::FromDayNumber(static_cast<int32_t>(v)));
      default: return Value::Int(v);
    }
  }

  // Whether a value of `kind` (a decimal of `scale`) goes into the typed
  // storage; the first value decides the column's type, a value of another
  // kind makes it a column of Values.
  bool Expect(ValueKind kind, int scale) {
    if (!started_) {
      started_ = true;
      ColumnType type = ColumnType::kValue;
      switch (kind) {
        case ValueKind::kBool: type = ColumnType::kBool; break;
        case ValueKind::kInt: type = ColumnType::kInt; break;
        case ValueKind::kDouble: type = ColumnType::kDouble; break;
        case ValueKind::kDecimal: type = ColumnType::kDecimal; break;
        case ValueKind::kDate: type = ColumnType::kDate; break;
        case ValueKind::kString: type = ColumnType::kString; break;
        default: break;
      }
      kind_ = kind;
      column_ = Column(type, kind == ValueKind::kDecimal ? scale : 0);
      switch (type) {
        case ColumnType::kBool: column_.bools().reserve(reserve_); break;
        case ColumnType::kInt: case ColumnType::kDecimal: column_.ints().reserve(reserve_); break;
        case ColumnType::kDouble: column_.doubles().reserve(reserve_); break;
        case ColumnType::kDate: case ColumnType::kString: column_.int32s().reserve(reserve_); break;
        default: column_.values().reserve(reserve_); break;
      }
      if (type == ColumnType::kValue) {
        column_.values().assign(leading_nulls_, Value::Null());
        leading_nulls_ = 0;
        return false;
      }
      typed_ = true;
      for (; leading_nulls_ > 0; --leading_nulls_) {
        PushDefault();
        Valid(false);
      }
      return true;
    }
    if (!typed_) return false;
    if (kind == kind_ && (kind != ValueKind::kDecimal || scale == column_.scale())) return true;
    Unbox();
    return false;
  }

  // `n` nulls before the rows so far (a column started).
  void PrependNulls(size_t n) {
    if (n == 0) return;
    if (!typed_) {
      column_.values().insert(column_.values().begin(), n, Value::Null());
      return;
    }
    const auto front = [n](auto& v) { v.insert(v.begin(), n, 0); };
    switch (column_.type()) {
      case ColumnType::kBool: front(column_.bools()); break;
      case ColumnType::kDouble: front(column_.doubles()); break;
      case ColumnType::kDate: case ColumnType::kString: front(column_.int32s()); break;
      default: front(column_.ints()); break;
    }
    if (valid_.empty()) valid_.assign(rows_, 1);
    valid_.insert(valid_.begin(), n, 0);
    rows_ += n;
  }

  void PushDefault() {
    switch (column_.type()) {
      case ColumnType::kBool: column_.bools().push_back(0); break;
      case ColumnType::kDouble: column_.doubles().push_back(0); break;
      case ColumnType::kDate:
      case ColumnType::kString: column_.int32s().push_back(0); break;
      default: column_.ints().push_back(0); break;
    }
  }

  // The strings so far coded in the column's own dictionary instead of
  // the source's.
  void OwnDictionary() {
    const std::vector<std::string>& from = source_->dictionary();
    source_ = nullptr;
    std::vector<int32_t> recode(from.size(), -1);
    for (size_t i = 0; i < rows_; ++i) {
      if (!valid_.empty() && valid_[i] == 0) continue;
      int32_t& code = column_.int32s()[i];
      int32_t& to = recode[static_cast<size_t>(code)];
      if (to < 0) to = Code(from[static_cast<size_t>(code)]);
      code = to;
    }
  }

  // The typed cells so far as Values; from now on a column of Values.
  void Unbox() {
    if (!typed_) return;
    if (source_ != nullptr) OwnDictionary();
    if (!valid_.empty()) column_.set_valid(valid_);
    std::vector<Value> values;
    values.reserve(column_.size() + 1);
    for (size_t i = 0; i < column_.size(); ++i) values.push_back(column_.Get(i));
    column_ = Column::Values(std::move(values));
    valid_.clear();
    typed_ = false;
  }

  // The code of `s` in the column's dictionary (added if new). The codes
  // of stable texts are remembered by where the text is: a text
  // that is not stable cannot be where a stable one still is.
  int32_t Code(std::string_view s, bool stable = true) {
    Seen& seen = seen_[(reinterpret_cast<uintptr_t>(s.data()) >> 3) % seen_.size()];
    if (seen.data == s.data() && seen.size == s.size() && seen.data != nullptr) return seen.code;
    auto it = codes_.find(s);
    if (it == codes_.end()) {
      it = codes_.emplace(std::string(s), static_cast<int32_t>(column_.dictionary().size())).first;
      column_.dictionary().emplace_back(s);
    }
    if (stable) seen = {s.data(), s.size(), it->second};
    return it->second;
  }

  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Seen {
    const char* data = nullptr;
    size_t size = 0;
    int32_t code = 0;
  };

  Column column_;
  size_t reserve_ = 0;    // the rows expected
  bool started_ = false;  // a value that is not null came
  bool typed_ = false;    // the storage is typed (else Values)
  ValueKind kind_ = ValueKind::kNull;
  size_t leading_nulls_ = 0;  // nulls before the first value
  // Per typed row whether it is not null; empty while none is null.
  std::vector<uint8_t> valid_;
  size_t rows_ = 0;  // the typed rows
  const Column* source_ = nullptr;  // the facts' column whose codes the strings are
  std::unordered_map<std::string, int32_t, TextHash, std::equal_to<>> codes_;
  std::array<Seen, 64> seen_{};  // stable texts coded, by where they are
};

// Compares two rows of a column as CEL's `<` would order them: -1, 0 or 1;
// 0 also where CEL cannot compare them (a null, a list, two periods).
class CellOrder {
 public:
  explicit CellOrder(const Column& c) : c_(c) {}

  // Before many comparisons: ranks strings once (a dictionary may be as
  // large as the column, so only when a sort is needed).
  void Rank() {
    if (c_.type() == ColumnType::kString) {
      // Each code's rank among the dictionary's strings, in byte order.
      const std::vector<std::string>& dict = c_.dictionary();
      std::vector<int32_t> order(dict.size());
      std::iota(order.begin(), order.end(), 0);
      // (Ids read in order are a run or a few, e.g. `M999999`, `M1000000`.)
      StableSortRuns(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return Less(dict[static_cast<size_t>(a)], dict[static_cast<size_t>(b)]);
      });
      rank_.resize(dict.size());
      for (size_t i = 0; i < order.size(); ++i) rank_[static_cast<size_t>(order[i])] = static_cast<int32_t>(i);
    }
  }

  // Whether the order is a strict weak one: a typed column of anything
  // but doubles, without nulls.
  bool strict() const {
    switch (c_.type()) {
      case ColumnType::kBool: case ColumnType::kInt: case ColumnType::kDecimal:
      case ColumnType::kDate: case ColumnType::kString:
        return c_.valid().empty();
      default:
        return false;
    }
  }

  // Whether rows [0, rows) are in order (each row's cell not after the
  // next one's), as the comparisons below find them one pair at a time: a
  // loop of its own for a column of strings or numbers without nulls (a
  // table sorted by its key: a million comparisons).
  bool Sorted(size_t rows) const {
    if (c_.valid().empty() && c_.type() == ColumnType::kString && rank_.empty()) {
      const int32_t* codes = c_.int32s().data();
      const std::string* dict = c_.dictionary().data();
      for (size_t r = 1; r < rows; ++r) {
        if (codes[r - 1] == codes[r]) continue;
        if (Less(dict[static_cast<size_t>(codes[r])], dict[static_cast<size_t>(codes[r - 1])])) return false;
      }
      return true;
    }
    if (c_.valid().empty() && (c_.type() == ColumnType::kInt || c_.type() == ColumnType::kDecimal)) {
      const std::vector<int64_t>& v = c_.ints();
      return std::is_sorted(v.begin(), v.begin() + static_cast<ptrdiff_t>(rows));
    }
    for (size_t r = 1; r < rows; ++r) {
      if ((*this)(r - 1, r) > 0) return false;
    }
    return true;
  }

  int operator()(size_t a, size_t b) const {
    const std::vector<uint8_t>& valid = c_.valid();
    if (!valid.empty() && (valid[a] == 0 || valid[b] == 0)) return 0;
    switch (c_.type()) {
      case ColumnType::kBool: return Cmp(c_.bools()[a], c_.bools()[b]);
      case ColumnType::kInt:
      case ColumnType::kDecimal: return Cmp(c_.ints()[a], c_.ints()[b]);  // (one scale)
      case ColumnType::kDate: return Cmp(c_.int32s()[a], c_.int32s()[b]);
      case ColumnType::kString: {
        const auto ca = static_cast<size_t>(c_.int32s()[a]);
        const auto cb = static_cast<size_t>(c_.int32s()[b]);
        if (!rank_.empty()) return Cmp(rank_[ca], rank_[cb]);
        const int cmp = c_.dictionary()[ca].compare(c_.dictionary()[cb]);
        return cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
      }
      default: {
        Value error;
        const int cmp = CelCompare(c_.Get(a), c_.Get(b), &error);
        return error.is_error() || cmp == 2 ? 0 : cmp;  // (2: NaN, unordered)
      }
    }
  }

 private:
  template <typename T>
  static int Cmp(T a, T b) {
    return a < b ? -1 : (b < a ? 1 : 0);
  }

  // x < y in byte order; the first 8 bytes compared as one number where
  // both have them (keys of one length: they decide).
  static bool Less(const std::string& x, const std::string& y) {
    if (std::endian::native == std::endian::little && x.size() >= 8 && y.size() >= 8) {
      uint64_t a = 0, b = 0;
      std::memcpy(&a, x.data(), 8);
      std::memcpy(&b, y.data(), 8);
      if (a != b) return __builtin_bswap64(a) < __builtin_bswap64(b);
    }
    return x < y;
  }

  const Column& c_;
  std::vector<int32_t> rank_;
};

// The rows of `c` in the order `perm`.
Column Permute(const Column& c, const std::vector<uint32_t>& perm) {
  const auto gather = [&](const auto& v) {
    std::remove_cvref_t<decltype(v)> out;
    out.reserve(perm.size());
    for (uint32_t r : perm) out.push_back(v[r]);
    return out;
  };
  Column out;
  switch (c.type()) {
    case ColumnType::kBool: out = Column::Bools(gather(c.bools())); break;
    case ColumnType::kInt: out = Column::Ints(gather(c.ints())); break;
    case ColumnType::kDouble: out = Column::Doubles(gather(c.doubles())); break;
    case ColumnType::kDecimal: out = Column::Decimals(gather(c.ints()), c.scale()); break;
    case ColumnType::kDate: out = Column::Dates(gather(c.int32s())); break;
    case ColumnType::kString: out = Column::StringsCodedAs(c, gather(c.int32s())); break;
    default: out = Column::Values(gather(c.values())); break;
  }
  if (!c.valid().empty()) out.set_valid(gather(c.valid()));
  return out;
}

}  // namespace

size_t derived_part_rows = 0;

// A derived table's parts (rows [k * part_rows, (k + 1) * part_rows)),
// what each made, and the table they make together.
struct DerivedTask::Impl {
  const PolicyImpl& p;
  const CompiledDerived& d;
  const FactSet& facts;
  const RecordSet& records;
  const Activation& base;
  bool plan;
  bool profiled;
  const FactTable* from_table = nullptr;
  size_t num_rows = 0;
  size_t part_rows = 0;
  std::once_flag planned;
  std::unique_ptr<RulePlan> value_plan;  // (its texts are the cells' until the end)
  struct Part {
    std::vector<CellColumn> cells;
    Diagnostics diags;
    uint64_t planned_rows = 0;
    uint64_t lets_computed = 0;
  };
  std::vector<Part> parts;
  std::atomic<size_t> left{0};  // parts not finished
  DerivedTable table;
  Diagnostics diags;
  RuleProfile profile;

  static constexpr uint32_t kBlock = 4096;

  Impl(const PolicyImpl& p, const CompiledDerived& d, const FactSet& facts, const RecordSet& records,
       const Activation& base, bool plan, size_t threads, bool profiled)
      : p(p), d(d), facts(facts), records(records), base(base), plan(plan), profiled(profiled) {
    from_table = facts.table(d.spec.from);
    num_rows = from_table == nullptr ? 0 : from_table->num_rows();
    // Four parts a thread (each four blocks at least, and whole blocks but
    // the last) to share the rows with the rules' chunks; one part on one
    // thread.
    part_rows = derived_part_rows;
    if (part_rows == 0) {
      const size_t share = (num_rows + threads * 4 - 1) / (threads * 4);
      part_rows = threads <= 1 ? num_rows
                               : std::max<size_t>(4, (share + kBlock - 1) / kBlock) * kBlock;
    }
    part_rows = std::max<size_t>(1, part_rows);
    parts.resize(num_rows == 0 ? 1 : (num_rows + part_rows - 1) / part_rows);
    left = parts.size();
  }

  void Plan() {
    if (!plan || from_table == nullptr) return;
    Relations relations(records);
    RuleInput input;
    input.subject_var = d.spec.as;
    input.subject_table = d.spec.from;
    std::vector<const Program*> roots;
    for (const auto& [name, program] : d.lets) {
      input.lets.emplace_back(name, &program);
      roots.push_back(&program);
    }
    for (const auto& column : d.columns) roots.push_back(&column.second);
    value_plan = RulePlan::BuildValues(input, roots, facts, *p.types, base, &relations);
  }

  // Every let and column of rows [begin, end), where the plan can, block
  // by block: a row is planned when all of them are known (an error in
  // any fails the row).
  void Evaluate(uint32_t begin, uint32_t end, Part* part) {
    std::vector<PlannedColumn> planned;
    std::vector<uint32_t> block;
    std::vector<CellColumn>& cells = part->cells;
    cells.resize(d.columns.size());
    for (CellColumn& c : cells) c.Reserve(end - begin);
    for (uint32_t r = begin; r < end; ++r) {
      const uint32_t b = (r - begin) % kBlock;  // r's row in the block
      if (value_plan && b == 0) {
        block.resize(std::min(kBlock, end - r));
        std::iota(block.begin(), block.end(), r);
        value_plan->Columns(block, {}, &planned);
      }
      bool known = !planned.empty();
      for (size_t k = 0; known && k < planned.size(); ++k) {
        known = planned[k].state[b] != PlannedColumn::kUnknown;
      }
      if (known && b == 0) {  // every row of the block known: a column at a time
        for (size_t k = 0; known && k < planned.size(); ++k) {
          known = std::memchr(planned[k].state.data(), PlannedColumn::kUnknown,
                              planned[k].state.size()) == nullptr;
        }
        if (known) {
          for (size_t c = 0; c < cells.size(); ++c) {
            cells[c].AppendAll(planned[d.lets.size() + c], block.size());
          }
          part->planned_rows += block.size();
          r += static_cast<uint32_t>(block.size()) - 1;
          continue;
        }
        known = true;  // (row 0 of the block is)
      }
      if (known) {
        for (size_t c = 0; c < cells.size(); ++c) cells[c].Append(planned[d.lets.size() + c], b);
        ++part->planned_rows;
        continue;
      }
      Activation act = base;
      act.Bind(d.spec.as, records.Row(d.spec.from, r));
      bool ok = true;
      for (const auto& [name, program] : d.lets) {
        ++part->lets_computed;
        Value v = program.Evaluate(act);
        if (v.is_error()) {
          part->diags.Error("engine.eval_error",
                            "derived " + Quote(d.spec.name) + " on line " +
                                std::to_string(from_table->line(r)) + ": " + v.error_message(),
                            d.spec.span);
          ok = false;
          break;
        }
        act.Bind(name, std::move(v));
      }
      if (!ok) continue;
      for (size_t c = 0; c < cells.size(); ++c) {
        const auto& [name, program] = d.columns[c];
        Value v = program.Evaluate(act);
        if (v.is_error()) {
          part->diags.Error("engine.eval_error",
                            "derived " + Quote(d.spec.name) + " column " + Quote(name) +
                                " on line " + std::to_string(from_table->line(r)) + ": " +
                                v.error_message(),
                            d.spec.span);
        }
        cells[c].Append(v);
      }
    }
  }

  // The parts' cells one after another, sorted as the pack says; the
  // parts' errors in the order of their rows.
  void Finish() {
    table.name = d.spec.name;
    for (const auto& [name, program] : d.columns) {
      table.columns.push_back(name);
      table.types.push_back(program.result_type().ToString());
    }
    uint64_t planned_rows = 0, lets_computed = 0;
    std::vector<CellColumn> cells = std::move(parts[0].cells);
    for (CellColumn& c : cells) c.Reserve(num_rows);
    for (size_t k = 0; k < parts.size(); ++k) {
      for (size_t c = 0; k > 0 && c < cells.size(); ++c) {
        cells[c].AppendRows(std::move(parts[k].cells[c]));
      }
      parts[k].cells.clear();
      diags.Append(parts[k].diags);
      planned_rows += parts[k].planned_rows;
      lets_computed += parts[k].lets_computed;
    }
    for (CellColumn& c : cells) table.cells.push_back(std::move(c).Finish());
    Sort();
    if (profiled) {
      profile.rule = "derived:" + d.spec.name;
      profile.path = value_plan ? "plan, then row evaluator" : "row evaluator";
      profile.subjects = profile.judged = num_rows;
      profile.evaluated = num_rows - planned_rows;
      profile.lets_computed = lets_computed;
      profile.lets_bound = num_rows * d.lets.size();
      profile.findings = table.num_rows();
    }
  }

  // Sorted (stably) by the sort columns, unless the rows already are.
  void Sort() {
    std::vector<CellOrder> keys;
    for (const std::string& c : d.spec.sort_by) {
      auto it = std::find(table.columns.begin(), table.columns.end(), c);
      if (it != table.columns.end()) {
        table.key.push_back(c);
        keys.emplace_back(table.cells[static_cast<size_t>(it - table.columns.begin())]);
      }
    }
    const auto compare = [&](size_t a, size_t b) {
      for (const CellOrder& key : keys) {
        if (const int cmp = key(a, b); cmp != 0) return cmp;
      }
      return 0;
    };
    // The check is exact only where the order is a strict weak one: typed
    // keys without nulls (a null is equal to everything, so [2, null, 1] is
    // in order pairwise, and the sort may still move 1 before 2).
    const size_t rows = table.num_rows();
    bool strict = true;
    for (const CellOrder& key : keys) strict = strict && key.strict();
    bool sorted = strict;
    if (sorted && keys.size() == 1) {
      sorted = keys[0].Sorted(rows);
    } else {
      for (size_t r = 1; sorted && r < rows && !keys.empty(); ++r) sorted = compare(r - 1, r) <= 0;
    }
    if (sorted) return;
    for (CellOrder& key : keys) key.Rank();
    std::vector<uint32_t> perm(rows);
    std::iota(perm.begin(), perm.end(), 0);
    const auto less = [&](uint32_t a, uint32_t b) { return compare(a, b) < 0; };
    if (strict) {
      // (Rows read in the order of their facts: a few runs in order. The
      // merge gives the stable order, the one there is.)
      StableSortRuns(perm.begin(), perm.end(), less);
    } else {
      // (Not a strict weak order: the order is what std::stable_sort
      // makes of it, as it always was.)
      std::stable_sort(perm.begin(), perm.end(), less);
    }
    keys.clear();  // (they refer to the columns replaced)
    for (Column& c : table.cells) c = Permute(c, perm);
  }
};

DerivedTask::DerivedTask(const PolicyImpl& p, const CompiledDerived& d, const FactSet& facts,
                         const RecordSet& records, const Activation& base, bool plan,
                         size_t threads, bool profile)
    : impl_(std::make_unique<Impl>(p, d, facts, records, base, plan, threads, profile)) {}

DerivedTask::~DerivedTask() = default;

size_t DerivedTask::parts() const { return impl_->parts.size(); }

bool DerivedTask::Run(size_t k) {
  Impl& t = *impl_;
  std::call_once(t.planned, [&] { t.Plan(); });
  const size_t begin = std::min(t.num_rows, k * t.part_rows);
  const size_t end = std::min(t.num_rows, begin + t.part_rows);
  t.Evaluate(static_cast<uint32_t>(begin), static_cast<uint32_t>(end), &t.parts[k]);
  // (acq_rel: the last part sees every part's cells.)
  if (t.left.fetch_sub(1, std::memory_order_acq_rel) != 1) return false;
  t.Finish();
  return true;
}

DerivedTable& DerivedTask::table() { return impl_->table; }
Diagnostics& DerivedTask::diags() { return impl_->diags; }
RuleProfile& DerivedTask::profile() { return impl_->profile; }

}  // namespace internal

}  // namespace zhucun
