// Fused typed loops (plan_fused.h): the loops that run a program
// (plan_fused_compile.cc compiles it).

#include "plan/plan_fused.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "core/cpu_clones.h"
#include "core/period_days.h"
#include "plan/plan_kernels.h"

namespace zhucun::internal {

namespace {

using T = Fused::T;
using I = Fused::I;
using Instr = Fused::Instr;

__extension__ typedef __int128 Int128;  // NOLINT: GCC extension, exact.

bool FitsInt64(Int128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

// The plan kind of a lane type.
K KindOf(T t) {
  switch (t) {
    case T::kInt: return K::kInt;
    case T::kBool: return K::kBool;
    case T::kDate: return K::kDate;
    case T::kDecimal: return K::kDecimal;
    case T::kString: return K::kString;
    case T::kPeriod: return K::kPeriod;
    case T::kRow: return K::kRow;
    case T::kNull: return K::kNull;
  }
  return K::kUnknown;
}

// A program's registers: per instruction, its lanes (values, and whether
// each is unknown), reused by the runs on one thread.
struct Lanes {
  std::vector<int64_t> i;
  std::vector<std::string_view> s;
  std::vector<Period> p;
  std::vector<uint8_t> bad;
  std::vector<uint8_t> nul;
  // The int lanes as read: `i`, or a column's own storage where an int or
  // decimal column is read at consecutive rows (not copied).
  const int64_t* data = nullptr;
  // Whether the int lanes are consecutive rows (x, x + 1, ...).
  bool consecutive = false;
  // String lanes of few distinct texts (`coded`): lane i is
  // views[codes[i]], or any text where codes[i] is -1 (an unknown or null
  // lane). An operator over coded lanes computes its result once per text
  // (or pair of texts) and reads it per lane by code.
  bool coded = false;
  std::vector<int32_t> codes;
  std::vector<std::string_view> views;
  // Where the lanes are a column's texts: its dictionary, whose codes are
  // in `codes` (-1 where unknown or null). A FactSet's dictionaries hold
  // each text once (its interners', or a schema's codes, checked unique),
  // so two lanes of one dictionary are equal exactly where their codes are.
  const void* codes_of = nullptr;
  // The constant these lanes hold, for the first const_n of them: (program
  // id, instruction), kept from batch to batch; program 0: none.
  uint64_t const_program = 0;
  size_t const_index = 0;
  size_t const_n = 0;
};

int Sign128(Int128 x, Int128 y) { return (x > y) - (x < y); }

// Coded lanes (Lanes::coded) have at most this many texts: an operator's
// table over them (or over two of them, kSmallTexts squared) is made per
// batch in less time than a batch's lanes take.
constexpr size_t kSmallTexts = 64;

// A program's table (Fused::keys_) has at most this many combinations, and
// is made for a batch of at least kTableRows of them per combination:
// below, running the program over the rows costs less.
constexpr size_t kMaxTable = 1024;
constexpr size_t kTableRows = 4;

// This thread's registers (shared by the programs it runs, one at a time).
std::vector<Lanes>& Registers(size_t size) {
  thread_local std::vector<Lanes> regs;
  if (regs.size() < size) regs.resize(size);
  return regs;
}

// Whether a column's values are few enough to be a table's key.
bool FewValues(const Instr& in) {
  return in.op == I::kColumn &&
         ((in.type == T::kString && in.view.type == ColumnType::kString &&
           in.view.dictionary->size() <= kSmallTexts) ||
          (in.type == T::kBool && in.view.type == ColumnType::kBool));
}

}  // namespace

Fused::Fused(std::vector<Instr> code, int root, K kind)
    : code_(std::move(code)), root_(root), kind_(kind) {
  static std::atomic<uint64_t> next_id{1};
  id_ = next_id.fetch_add(1, std::memory_order_relaxed);
  for (const Instr& in : code_) {
    if (in.op == I::kInput) inputs_.push_back(in.node);
  }
  FindKeys();
  SetTextReaders();
}

void Fused::SetTextReaders() {
  // The texts a codable instruction's lanes may hold (0: not codable).
  std::vector<size_t> texts(code_.size(), 0);
  for (size_t k = 0; k < code_.size(); ++k) {
    Instr& in = code_[k];
    if (in.type == T::kString && in.op == I::kConst) {
      texts[k] = 1;
    } else if (in.type == T::kString && in.op == I::kCond) {
      const size_t b = texts[static_cast<size_t>(in.b)], c = texts[static_cast<size_t>(in.c)];
      if (b > 0 && c > 0 && b + c <= kSmallTexts) texts[k] = b + c;
    }
    in.codable = texts[k] > 0;
    in.texts_read = false;
  }
  Instr& output = code_[static_cast<size_t>(root_)];
  output.texts_read = !output.codable;  // (a codable output's codes are read)
  const auto by_code = [&](const Instr& in) {
    if (in.op != I::kEq) return false;
    const Instr& a = code_[static_cast<size_t>(in.a)];
    const Instr& b = code_[static_cast<size_t>(in.b)];
    return a.op == I::kColumn && b.op == I::kColumn && a.type == T::kString &&
           b.type == T::kString && a.view.type == ColumnType::kString &&
           b.view.type == ColumnType::kString && a.view.dictionary == b.view.dictionary;
  };
  // (Readers after their operands: each reader's own texts_read is known
  // when its operands are marked.)
  for (size_t k = code_.size(); k-- > 0;) {
    const Instr& in = code_[k];
    if (by_code(in)) continue;
    // A codable `?:` makes its codes from its branches' codes, and reads
    // their texts only where its own are read.
    const bool branches = !(in.op == I::kCond && in.codable && !in.texts_read);
    for (const int operand : {in.a, in.b, in.c}) {
      if (operand < 0 || (!branches && operand != in.a)) continue;
      code_[static_cast<size_t>(operand)].texts_read = true;
    }
  }
}

void Fused::FindKeys() {
  std::vector<uint8_t> rows(code_.size(), 0);
  std::vector<Key> keys;
  const auto row = [&](int operand) { return operand >= 0 && rows[static_cast<size_t>(operand)] != 0; };
  for (size_t k = 0; k < code_.size(); ++k) {
    const Instr& in = code_[k];
    switch (in.op) {
      case I::kVar: rows[k] = 1; continue;
      case I::kForward:
        if (!row(in.a)) return;
        rows[k] = 1;
        continue;
      case I::kColumn: {
        if (!FewValues(in) || !row(in.a)) return;  // (not a key: the program has no table)
        Key key;
        key.instr = static_cast<int>(k);
        key.values = in.type == T::kBool ? 2 : static_cast<int64_t>(in.view.dictionary->size());
        keys.push_back(key);
        continue;
      }
      case I::kValue: case I::kPeriod: case I::kInput: return;  // (read from the frame)
      default:
        if (row(in.a) || row(in.b) || row(in.c)) return;  // (reads rows, not values)
    }
  }
  if (keys.empty() || rows[static_cast<size_t>(root_)] != 0) return;
  size_t combinations = 1;
  for (Key& key : keys) {
    const Instr& in = code_[static_cast<size_t>(key.instr)];
    key.domain = key.values;
    if (in.may_null) key.null_code = key.domain++;
    if (in.may_bad) key.unknown_code = key.domain++;
    key.stride = static_cast<int64_t>(combinations);
    combinations *= static_cast<size_t>(key.domain);
    if (combinations > kMaxTable) return;
  }
  keys_ = std::move(keys);
  rows_ = std::move(rows);
  table_size_ = combinations;
}

bool Fused::Run(const Frame& f, Vec* out) const {
  const size_t n = f.n;
  if (table_size_ == 0 || table_size_ * kTableRows > n) {
    if (!Exec(f, n, Mode::kAll)) return false;
    Output(n, out);
    return true;
  }
  // The keys' rows, then each row's combination: the number whose digit
  // for a key (of base its domain) is the key's value, null or unknown.
  if (!Exec(f, n, Mode::kRows)) return false;
  std::vector<Lanes>& regs = Registers(code_.size());
  thread_local std::vector<uint32_t> at;
  at.assign(n, 0);
  uint32_t* __restrict to = at.data();
  for (const Key& key : keys_) {
    const Instr& in = code_[static_cast<size_t>(key.instr)];
    const Lanes& rows = regs[static_cast<size_t>(in.a)];
    const int64_t* x = rows.data;
    const uint8_t* ba = code_[static_cast<size_t>(in.a)].may_bad ? rows.bad.data() : nullptr;
    const uint8_t* valid = in.view.valid;  // (null: none is null)
    const auto each = [&](auto value) {
      for (size_t i = 0; i < n; ++i) {
        const int64_t c = ba != nullptr && ba[i] ? key.unknown_code
                          : valid != nullptr && valid[x[i]] == 0 ? key.null_code
                                                                 : value(x[i]);
        to[i] += static_cast<uint32_t>(c * key.stride);
      }
    };
    if (in.type == T::kBool) {
      const auto* d = static_cast<const uint8_t*>(in.view.data);
      each([d](int64_t row) -> int64_t { return d[row] != 0; });
    } else {
      const auto* d = static_cast<const int32_t*>(in.view.data);
      each([d](int64_t row) -> int64_t { return d[row]; });
    }
  }
  // The program over every combination, then each row's.
  if (!Exec(f, table_size_, Mode::kTable)) return false;
  thread_local Vec table;
  Output(table_size_, &table);
  out->kind = table.kind;
  out->st.resize(n);
  const auto gather = [&](auto& into, const auto& from) {
    into.resize(n);
    for (size_t i = 0; i < n; ++i) into[i] = from[to[i]];
  };
  gather(out->st, table.st);
  switch (code_[static_cast<size_t>(root_)].type) {
    case T::kPeriod: gather(out->p, table.p); break;
    case T::kString: gather(out->s, table.s); break;
    case T::kDecimal: gather(out->d, table.d); break;
    default: gather(out->i, table.i); break;
  }
  return true;
}

ZHUCUN_CPU_CLONES bool Fused::Exec(const Frame& f, size_t n, Mode mode) const {
  std::vector<Lanes>& regs = Registers(code_.size());
  // Whether any lane overflowed: the batch is left to the general
  // operators (which find the same rows unknown, or a decimal of another
  // scale where Decimal's arithmetic gives one).
  bool over = false;
  size_t next_key = 0;  // (keys_ are in the order of their instructions)
  for (size_t k = 0; k < code_.size(); ++k) {
    if (mode != Mode::kAll && (rows_[k] != 0) != (mode == Mode::kRows)) continue;
    const Instr& in = code_[k];
    Lanes& r = regs[k];
    if (mode == Mode::kTable && next_key < keys_.size() && keys_[next_key].instr == static_cast<int>(k)) {
      // The key's lanes: combination i's value of it, as kColumn gives it.
      const Key& key = keys_[next_key++];
      r.const_program = 0;
      r.consecutive = false;
      r.i.resize(n);
      r.data = r.i.data();
      if (in.may_null) r.nul.assign(n, 0);
      if (in.may_bad) r.bad.assign(n, 0);
      const bool text = in.type == T::kString;
      const std::vector<std::string>* dict = in.view.dictionary;
      if (text) {
        r.s.resize(n);
        r.codes.resize(n);
      }
      for (size_t i = 0; i < n; ++i) {
        const int64_t c = static_cast<int64_t>(i) / key.stride % key.domain;
        const bool value = c < key.values;
        if (c == key.null_code) r.nul[i] = 1;
        if (c == key.unknown_code) r.bad[i] = 1;
        r.i[i] = !text && value ? c : 0;
        if (text) {
          r.codes[i] = value ? static_cast<int32_t>(c) : -1;
          r.s[i] = value ? std::string_view((*dict)[static_cast<size_t>(c)]) : std::string_view();
        }
      }
      r.coded = text;
      r.codes_of = text ? dict : nullptr;
      if (text) r.views.assign(dict->begin(), dict->end());
      continue;
    }
    if (in.op == I::kConst && r.const_program == id_ && r.const_index == k && r.const_n >= n) {
      continue;  // (filled by an earlier batch on this thread)
    }
    r.const_program = 0;
    r.consecutive = false;
    r.coded = false;
    r.codes_of = nullptr;
    r.i.resize(n);  // (strings too: kInMap and kIndexMap clear them)
    r.data = r.i.data();
    if (in.type == T::kString) r.s.resize(n);
    if (in.type == T::kPeriod) r.p.resize(n);
    uint8_t* nul = nullptr;
    if (in.may_null) {
      r.nul.assign(n, 0);
      nul = r.nul.data();
    }
    int64_t* __restrict v = r.i.data();
    const Lanes* A = in.a >= 0 ? &regs[static_cast<size_t>(in.a)] : nullptr;
    const Lanes* B = in.b >= 0 ? &regs[static_cast<size_t>(in.b)] : nullptr;
    const Lanes* C = in.c >= 0 ? &regs[static_cast<size_t>(in.c)] : nullptr;
    // The operands' unknown lanes (null: every lane known), and this one's.
    const auto bad_of = [&](int operand, const Lanes* l) -> const uint8_t* {
      return operand >= 0 && code_[static_cast<size_t>(operand)].may_bad ? l->bad.data() : nullptr;
    };
    const auto null_of = [&](int operand, const Lanes* l) -> const uint8_t* {
      return operand >= 0 && code_[static_cast<size_t>(operand)].may_null ? l->nul.data() : nullptr;
    };
    const uint8_t* ba = bad_of(in.a, A);
    const uint8_t* bb = bad_of(in.b, B);
    const uint8_t* bc = bad_of(in.c, C);
    const uint8_t* na = null_of(in.a, A);
    const uint8_t* nb = null_of(in.b, B);
    const uint8_t* nc = null_of(in.c, C);
    uint8_t* bad = nullptr;
    if (in.may_bad) {
      r.bad.assign(n, 0);
      bad = r.bad.data();
      // Unknown where an operand is; where one is null too, but for `==`,
      // `in` a list and the branches of `?:` (below).
      const bool eq = in.op == I::kEq || in.op == I::kInList, cond = in.op == I::kCond;
      for (const uint8_t* src : {ba, bb, bc, eq ? nullptr : na, eq || cond ? nullptr : nb,
                                 eq || cond ? nullptr : nc}) {
        if (src == nullptr) continue;
        for (size_t i = 0; i < n; ++i) bad[i] |= src[i];
      }
    }
    const int64_t* __restrict x = A != nullptr ? A->data : nullptr;
    const int64_t* __restrict y = B != nullptr ? B->data : nullptr;
    switch (in.op) {
      case I::kVar: {
        if (in.slot >= f.vars.size() || f.vars[in.slot].size() < n) return false;  // (not bound)
        const int32_t* rows = f.vars[in.slot].data();
        // (Two loops of their own, which vectorize.)
        for (size_t i = 0; i < n; ++i) v[i] = rows[i];
        const int64_t first = n > 0 ? rows[0] : 0;
        int64_t off = 0;  // nonzero where a row is not first + i
        for (size_t i = 0; i < n; ++i) off |= v[i] - first - static_cast<int64_t>(i);
        r.consecutive = off == 0;
        break;
      }
      case I::kValue: {
        if (in.slot >= f.values.size()) return false;
        const Vec& e = f.values[in.slot];
        if (e.st.size() < n || e.kind != KindOf(in.type)) return false;  // (not bound as such)
        for (size_t i = 0; i < n; ++i) {
          bad[i] = static_cast<uint8_t>(e.st[i] == kUnknownRow);
          nul[i] = static_cast<uint8_t>(e.st[i] == kNullRow);
        }
        switch (in.type) {
          case T::kPeriod: std::copy(e.p.begin(), e.p.begin() + static_cast<ptrdiff_t>(n), r.p.begin()); break;
          case T::kString: std::copy(e.s.begin(), e.s.begin() + static_cast<ptrdiff_t>(n), r.s.begin()); break;
          default: std::copy(e.i.begin(), e.i.begin() + static_cast<ptrdiff_t>(n), v); break;
        }
        break;
      }
      case I::kInput: {  // as computed (Runner::Compute made sure it is)
        const auto node = static_cast<size_t>(in.node);
        if (node >= f.memo.size() || f.memo[node].value == nullptr) return false;
        const Vec& e = *f.memo[node].value;
        if (e.st.size() < n || e.kind != KindOf(in.type)) return false;  // (e.g. all null)
        for (size_t i = 0; i < n; ++i) {  // (an unknown or a null not as compiled: not run)
          if (e.st[i] == kValueRow) continue;
          uint8_t* mark = e.st[i] == kNullRow ? nul : bad;
          if (mark == nullptr) return false;
          mark[i] = 1;
        }
        switch (in.type) {
          case T::kPeriod: std::copy(e.p.begin(), e.p.begin() + static_cast<ptrdiff_t>(n), r.p.begin()); break;
          case T::kString: std::copy(e.s.begin(), e.s.begin() + static_cast<ptrdiff_t>(n), r.s.begin()); break;
          case T::kDecimal:  // (at the program's scale: the general operators' may differ)
            for (size_t i = 0; i < n; ++i) {
              v[i] = 0;
              if (e.st[i] != kValueRow) continue;
              const Decimal d = e.d[i];
              if (d.scale() > in.scale ||
                  __builtin_mul_overflow(d.coefficient(), kPow10[static_cast<size_t>(in.scale - d.scale())], &v[i])) {
                return false;
              }
            }
            break;
          default: std::copy(e.i.begin(), e.i.begin() + static_cast<ptrdiff_t>(n), v); break;
        }
        break;
      }
      case I::kForward: {  // a field of null is an error: the lane unknown
        const int32_t* refs = in.refs->data();
        for (size_t i = 0; i < n; ++i) {
          const int32_t t = bad[i] ? -1 : refs[x[i]];
          v[i] = t;
          bad[i] = static_cast<uint8_t>(t < 0);
        }
        break;
      }
      case I::kColumn: {
        const ColumnView& view = in.view;
        // (An unknown lane's row is -1: it reads nothing, and stays unknown.
        // Where no lane is unknown, a loop without that test: a gather the
        // compiler's vector instructions do.)
        const auto gather = [&](auto read) {
          if (ba == nullptr) {
            for (size_t i = 0; i < n; ++i) v[i] = read(x[i]);
          } else {
            for (size_t i = 0; i < n; ++i) v[i] = ba[i] ? 0 : read(x[i]);
          }
        };
        if (nul != nullptr) {
          const uint8_t* valid = view.valid;
          if (ba == nullptr) {
            for (size_t i = 0; i < n; ++i) nul[i] = static_cast<uint8_t>(valid[x[i]] == 0);
          } else {
            for (size_t i = 0; i < n; ++i) {
              nul[i] = static_cast<uint8_t>(ba[i] == 0 && valid[x[i]] == 0);
            }
          }
        }
        switch (view.type) {
          case ColumnType::kBool: {
            const auto* d = static_cast<const uint8_t*>(view.data);
            gather([d](int64_t row) -> int64_t { return d[row] != 0; });
            break;
          }
          case ColumnType::kInt:
          case ColumnType::kDecimal: {
            const auto* d = static_cast<const int64_t*>(view.data);
            if (ba == nullptr && A->consecutive && n > 0) {
              r.data = d + x[0];  // (read where it is)
            } else if (ba == nullptr) {
              for (size_t i = 0; i < n; ++i) v[i] = d[x[i]];
            } else {
              for (size_t i = 0; i < n; ++i) v[i] = ba[i] ? 0 : d[x[i]];
            }
            break;
          }
          case ColumnType::kDate: {
            const auto* d = static_cast<const int32_t*>(view.data);
            gather([d](int64_t row) -> int64_t { return d[row]; });
            break;
          }
          case ColumnType::kMonth: {  // "month out of range": unknown
            const auto* d = static_cast<const int32_t*>(view.data);
            Period* p = r.p.data();
            for (size_t i = 0; i < n; ++i) {
              if ((ba != nullptr && ba[i]) || (nul != nullptr && nul[i])) continue;
              const int32_t m = d[x[i]];
              const std::optional<Period> month =
                  Period::FromIndex(PeriodKind::kMonth, m / 12, m % 12 + 1);
              if (month) {
                p[i] = *month;
              } else {
                bad[i] = 1;
              }
            }
            break;
          }
          case ColumnType::kString: {
            const auto* d = static_cast<const int32_t*>(view.data);
            const std::vector<std::string>& dict = *view.dictionary;
            std::string_view* s = r.s.data();
            r.codes_of = &dict;
            r.codes.resize(n);
            int32_t* codes = r.codes.data();
            // (A loop for each of the masks there are: WithMasks.)
            WithMasks(ba, nul, [&](auto unknown, auto null) {
              if (!in.texts_read) {  // (compared by code alone: texts not looked up)
                for (size_t i = 0; i < n; ++i) codes[i] = unknown(i) || null(i) ? -1 : d[x[i]];
                return;
              }
              for (size_t i = 0; i < n; ++i) {
                const bool none = unknown(i) || null(i);
                codes[i] = none ? -1 : d[x[i]];
                s[i] = none ? std::string_view()
                            : std::string_view(dict[static_cast<size_t>(codes[i])]);
              }
            });
            if (dict.size() <= kSmallTexts) {  // (coded: a code, a category)
              r.coded = true;
              r.views.assign(dict.begin(), dict.end());
            }
            break;
          }
          default: return false;
        }
        break;
      }
      case I::kConst:
        if (in.type == T::kNull) {
          std::fill(nul, nul + n, 1);
        } else if (in.type == T::kString) {
          std::fill(r.s.begin(), r.s.begin() + static_cast<ptrdiff_t>(n), in.ks);
          r.coded = true;  // (one text: code 0)
          r.views.assign(1, in.ks);
          r.codes.assign(n, 0);
        } else {
          std::fill(v, v + n, in.k);
        }
        r.const_program = id_;
        r.const_index = k;
        r.const_n = n;
        break;
      case I::kArithInt:
      case I::kArithDec: {
        // (Decimals of one scale, or a product, are their coefficients'.)
        // (The overflows are gathered in a 64-bit word, not a bool, and a
        // sum's or difference's found from the signs, not by
        // __builtin_add_overflow: so the compiler's vector instructions do
        // the loops. Either way a batch with an overflow is not computed.)
        const bool plain = in.op == I::kArithInt || in.arith == Op::kMul || in.sa == in.sb;
        if (plain && (in.arith == Op::kAdd || in.arith == Op::kSub)) {
          // x + y overflows where x and y have one sign and the sum the
          // other; x - y where they differ and the difference has y's.
          uint64_t sign = 0;
          if (in.arith == Op::kAdd) {
            for (size_t i = 0; i < n; ++i) {
              const auto a = static_cast<uint64_t>(x[i]), b = static_cast<uint64_t>(y[i]);
              const uint64_t z = a + b;
              sign |= (a ^ z) & (b ^ z);
              v[i] = static_cast<int64_t>(z);
            }
          } else {
            for (size_t i = 0; i < n; ++i) {
              const auto a = static_cast<uint64_t>(x[i]), b = static_cast<uint64_t>(y[i]);
              const uint64_t z = a - b;
              sign |= (a ^ b) & (a ^ z);
              v[i] = static_cast<int64_t>(z);
            }
          }
          over |= (sign >> 63) != 0;
        } else if (plain && in.arith == Op::kMul &&
                   (code_[static_cast<size_t>(in.a)].op == I::kConst ||
                    code_[static_cast<size_t>(in.b)].op == I::kConst)) {
          // By a constant k: the product overflows only where |x| > INT64_MAX / |k|
          // (a product of exactly INT64_MIN is left to the general operators too).
          const bool first = code_[static_cast<size_t>(in.a)].op == I::kConst;
          const int64_t k = first ? code_[static_cast<size_t>(in.a)].k : code_[static_cast<size_t>(in.b)].k;
          const int64_t* __restrict z = first ? y : x;
          const int64_t limit = k == 0 ? INT64_MAX : k == INT64_MIN ? 0 : INT64_MAX / (k < 0 ? -k : k);
          uint64_t out_of_range = 0;
          for (size_t i = 0; i < n; ++i) {
            out_of_range |= static_cast<uint64_t>((z[i] > limit) | (z[i] < -limit));
            v[i] = static_cast<int64_t>(static_cast<uint64_t>(z[i]) * static_cast<uint64_t>(k));
          }
          over |= out_of_range != 0;
        } else if (plain) {
          for (size_t i = 0; i < n; ++i) over |= __builtin_mul_overflow(x[i], y[i], &v[i]);
        } else {  // at the larger scale, exact in 128 bits (as Decimal::Add)
          const int64_t pa = kPow10[static_cast<size_t>(in.scale - in.sa)];
          const int64_t pb = kPow10[static_cast<size_t>(in.scale - in.sb)];
          const Int128 sign = in.arith == Op::kAdd ? 1 : -1;
          for (size_t i = 0; i < n; ++i) {
            const Int128 z = static_cast<Int128>(x[i]) * pa + sign * static_cast<Int128>(y[i]) * pb;
            over |= !FitsInt64(z);
            v[i] = static_cast<int64_t>(z);
          }
        }
        if (over) return false;
        break;
      }
      case I::kDateAdd: {  // as Date::AddDays: out of range, unknown
        constexpr int64_t kMinDay = Date::kMinDayNumber, kMaxDay = Date::kMaxDayNumber;
        const bool sub = in.arith == Op::kSub;
        for (size_t i = 0; i < n; ++i) {
          int64_t days = y[i];
          v[i] = x[i];
          if (sub) {
            if (days == INT64_MIN) {
              bad[i] = 1;
              continue;
            }
            days = -days;
          }
          if (days > kMaxDay - x[i] || days < kMinDay - x[i]) {
            bad[i] = 1;
            continue;
          }
          v[i] = x[i] + days;
        }
        break;
      }
      case I::kDateDiff:
        for (size_t i = 0; i < n; ++i) v[i] = x[i] - y[i];
        break;
      case I::kPeriod:
        if (f.periods.empty()) return false;  // (no period bound)
        std::copy(f.periods.begin(), f.periods.begin() + static_cast<ptrdiff_t>(n), r.p.begin());
        break;
      case I::kStart:
      case I::kEnd:
      case I::kDays: {
        const Period* p = A->p.data();
        for (size_t i = 0; i < n; ++i) {
          if (bad != nullptr && bad[i]) continue;
          const auto [start, end] = DaysOf(p[i]);
          v[i] = in.op == I::kStart ? start : in.op == I::kEnd ? end : end - start + 1;
        }
        break;
      }
      case I::kInPeriod: {
        const Period* p = B->p.data();
        for (size_t i = 0; i < n; ++i) {
          if (bad != nullptr && bad[i]) continue;
          const auto [first, last] = DaysOf(p[i]);
          v[i] = x[i] >= first && x[i] <= last;
        }
        break;
      }
      case I::kInList: {  // CEL equality with each element: a string with the strings
        const std::string_view* sx = A->s.data();
        const auto contains = [&](std::string_view text) {
          for (const Value& e : *in.list) {
            if (e.kind() == ValueKind::kString && e.string_value() == text) return true;
          }
          return false;
        };
        if (A->coded) {  // once per text
          std::array<uint8_t, kSmallTexts> found{};
          for (size_t c = 0; c < A->views.size(); ++c) found[c] = contains(A->views[c]);
          const int32_t* codes = A->codes.data();
          for (size_t i = 0; i < n; ++i) {
            if (na != nullptr && na[i]) {
              v[i] = in.list_has_null;
              continue;
            }
            v[i] = codes[i] < 0 ? 0 : found[static_cast<size_t>(codes[i])];
          }
          break;
        }
        for (size_t i = 0; i < n; ++i) {
          if (na != nullptr && na[i]) {  // null in a list that has a null
            v[i] = in.list_has_null;
            continue;
          }
          bool found = false;
          for (const Value& e : *in.list) {
            if (e.kind() == ValueKind::kString && e.string_value() == sx[i]) {
              found = true;
              break;
            }
          }
          v[i] = found;
        }
        break;
      }
      case I::kEq: {  // a null equals a null only
        const int8_t* res = in.result;
        const T ta = code_[static_cast<size_t>(in.a)].type;
        const T tb = code_[static_cast<size_t>(in.b)].type;
        if (ta == T::kString && tb == T::kString && A->codes_of != nullptr &&
            A->codes_of == B->codes_of) {  // (texts of one dictionary: by code)
          const int32_t* ca = A->codes.data();
          const int32_t* cb = B->codes.data();
          const int64_t same = res[1], other = res[0];  // (a select, not a load: vectorized)
          for (size_t i = 0; i < n; ++i) v[i] = ca[i] == cb[i] ? same : other;
        } else if (ta == T::kString && tb == T::kString && A->coded && B->coded) {
          // Once per pair of texts (a lane whose code is -1 is unknown or
          // null, and set below).
          const size_t nb_texts = B->views.size();
          std::array<uint8_t, kSmallTexts * kSmallTexts> equal;
          for (size_t a = 0; a < A->views.size(); ++a) {
            for (size_t b = 0; b < nb_texts; ++b) {
              equal[a * nb_texts + b] = static_cast<uint8_t>(res[A->views[a] == B->views[b] ? 1 : 0]);
            }
          }
          const int32_t* ca = A->codes.data();
          const int32_t* cb = B->codes.data();
          for (size_t i = 0; i < n; ++i) {
            v[i] = ca[i] < 0 || cb[i] < 0
                       ? 0
                       : equal[static_cast<size_t>(ca[i]) * nb_texts + static_cast<size_t>(cb[i])];
          }
        } else if (ta == T::kString && tb == T::kString) {
          const std::string_view* sx = A->s.data();
          const std::string_view* sy = B->s.data();
          for (size_t i = 0; i < n; ++i) v[i] = res[sx[i] == sy[i] ? 1 : 0];
        } else if (ta == T::kPeriod && tb == T::kPeriod) {
          const Period* px = A->p.data();
          const Period* py = B->p.data();
          for (size_t i = 0; i < n; ++i) v[i] = res[px[i] == py[i] ? 1 : 0];
        } else if (ta != T::kNull && tb != T::kNull && in.sa == in.sb) {
          const int64_t same = res[1], other = res[0];  // (a select, not a load: vectorized)
          for (size_t i = 0; i < n; ++i) v[i] = x[i] == y[i] ? same : other;
        } else if (ta != T::kNull && tb != T::kNull) {
          const int s = std::max(in.sa, in.sb);
          const int64_t pa = kPow10[static_cast<size_t>(s - in.sa)];
          const int64_t pb = kPow10[static_cast<size_t>(s - in.sb)];
          for (size_t i = 0; i < n; ++i) {
            v[i] = res[static_cast<Int128>(x[i]) * pa == static_cast<Int128>(y[i]) * pb ? 1 : 0];
          }
        }
        // A null on either side: equal when both are.
        const bool a_null = ta == T::kNull, b_null = tb == T::kNull;
        if (na != nullptr || nb != nullptr) {
          // (Each side's nulls a mask or a constant, chosen before the loop:
          // vectorized.)
          const int64_t both = res[1], one = res[0];
          const auto each = [&](auto x_null, auto y_null) {
            for (size_t i = 0; i < n; ++i) {
              const uint8_t xn = x_null(i), yn = y_null(i);
              v[i] = (xn | yn) != 0 ? ((xn & yn) != 0 ? both : one) : v[i];
            }
          };
          const auto mask = [](const uint8_t* m) { return [m](size_t i) { return m[i]; }; };
          const auto constant = [](bool c) { return [c](size_t) { return static_cast<uint8_t>(c); }; };
          if (na != nullptr && nb != nullptr) {
            each(mask(na), mask(nb));
          } else if (na != nullptr) {
            each(mask(na), constant(b_null));
          } else {
            each(constant(a_null), mask(nb));
          }
        }
        break;
      }
      case I::kCmp: {
        const int8_t* res = in.result;
        if (code_[static_cast<size_t>(in.a)].type == T::kString) {
          const std::string_view* sx = A->s.data();
          const std::string_view* sy = B->s.data();
          for (size_t i = 0; i < n; ++i) {
            const int c = sx[i].compare(sy[i]);
            v[i] = res[(c > 0) - (c < 0) + 1];
          }
        } else if (in.sa == in.sb) {
          // (One loop per operator, without the table: the compiler's vector compares.)
          const auto each = [&](auto op) {
            for (size_t i = 0; i < n; ++i) v[i] = op(x[i], y[i]) ? 1 : 0;
          };
          if (res[0] && !res[1] && !res[2]) {
            each([](int64_t p, int64_t q) { return p < q; });
          } else if (res[0] && res[1] && !res[2]) {
            each([](int64_t p, int64_t q) { return p <= q; });
          } else if (!res[0] && !res[1] && res[2]) {
            each([](int64_t p, int64_t q) { return p > q; });
          } else if (!res[0] && res[1] && res[2]) {
            each([](int64_t p, int64_t q) { return p >= q; });
          } else {
            for (size_t i = 0; i < n; ++i) v[i] = res[(x[i] > y[i]) - (x[i] < y[i]) + 1];
          }
        } else {
          const int s = std::max(in.sa, in.sb);
          const int64_t pa = kPow10[static_cast<size_t>(s - in.sa)];
          const int64_t pb = kPow10[static_cast<size_t>(s - in.sb)];
          for (size_t i = 0; i < n; ++i) {
            v[i] = res[Sign128(static_cast<Int128>(x[i]) * pa, static_cast<Int128>(y[i]) * pb) + 1];
          }
        }
        break;
      }
      case I::kAnd:
      case I::kOr: {
        // Decided by either side alone where it is known and decisive
        // (false for &&, true for ||); else known where both are.
        const int64_t decisive = in.op == I::kOr ? 1 : 0;
        if (bad == nullptr) {
          if (decisive == 0) {
            for (size_t i = 0; i < n; ++i) v[i] = x[i] & y[i];
          } else {
            for (size_t i = 0; i < n; ++i) v[i] = x[i] | y[i];
          }
          break;
        }
        // (Without branches; `known_a`, `known_b`: whether that side is known in
        // every lane, without a mask of unknown lanes.)
        const auto each = [&](auto known_a, auto known_b) {
          for (size_t i = 0; i < n; ++i) {
            const uint8_t ak = known_a ? 1 : static_cast<uint8_t>(ba[i] == 0);
            const uint8_t bk = known_b ? 1 : static_cast<uint8_t>(bb[i] == 0);
            const uint8_t decided = static_cast<uint8_t>((ak & static_cast<uint8_t>(x[i] == decisive)) |
                                                         (bk & static_cast<uint8_t>(y[i] == decisive)));
            v[i] = decided ^ (decisive ^ 1);
            bad[i] = static_cast<uint8_t>((decided ^ 1) & ((ak & bk) ^ 1));
          }
        };
        if (ba != nullptr && bb != nullptr) {
          each(std::false_type(), std::false_type());
        } else if (ba != nullptr) {
          each(std::false_type(), std::true_type());
        } else if (bb != nullptr) {
          each(std::true_type(), std::false_type());
        } else {
          each(std::true_type(), std::true_type());
        }
        break;
      }
      case I::kNot:
        for (size_t i = 0; i < n; ++i) v[i] = x[i] ^ 1;
        break;
      case I::kCond: {  // x ? y : z; the null of the branch taken
        // (Unknown where x or either branch is: `bad` is so already, above.
        // The row evaluator judges a lane whose branch not taken is unknown.)
        // The nulls of the branch x takes, a loop per masks there are,
        // without a test of a pointer per lane: vectorized.
        if (nul != nullptr) {
          // (Both masks read in every lane, and-ed with x's choice.)
          const auto is = [&](size_t i) { return static_cast<uint8_t>(x[i] != 0); };
          if (nb != nullptr && nc != nullptr) {
            for (size_t i = 0; i < n; ++i) nul[i] = (is(i) & nb[i]) | ((is(i) ^ 1) & nc[i]);
          } else if (nb != nullptr) {
            for (size_t i = 0; i < n; ++i) nul[i] = is(i) & nb[i];
          } else if (nc != nullptr) {
            for (size_t i = 0; i < n; ++i) nul[i] = (is(i) ^ 1) & nc[i];
          }  // (else none is null: `nul` is zeros)
        }
        if (in.type == T::kPeriod) {
          Period* p = r.p.data();
          for (size_t i = 0; i < n; ++i) p[i] = x[i] != 0 ? B->p[i] : C->p[i];
          break;
        }
        if (in.type == T::kString) {
          if (in.codable) {  // (codes: the branches' texts one after the other)
            r.coded = true;
            r.views.assign(B->views.begin(), B->views.end());
            r.views.insert(r.views.end(), C->views.begin(), C->views.end());
            r.codes.resize(n);
            int32_t* __restrict codes = r.codes.data();
            const int32_t* __restrict cy = B->codes.data();
            const int32_t* __restrict cz = C->codes.data();
            const auto after = static_cast<int32_t>(B->views.size());
            for (size_t i = 0; i < n; ++i) codes[i] = x[i] != 0 ? cy[i] : cz[i] + after;
          }
          if (!in.texts_read) break;
          std::string_view* s = r.s.data();
          const std::string_view* sy = B->s.data();
          const std::string_view* sz = C->s.data();
          // (The branch taken is the data's: a load from one of the two, not
          // a jump.)
          const std::string_view* branch[2] = {sz, sy};
          for (size_t i = 0; i < n; ++i) s[i] = branch[x[i] != 0][i];
        } else {
          const int64_t* __restrict z = C->data;
          for (size_t i = 0; i < n; ++i) v[i] = x[i] != 0 ? y[i] : z[i];
        }
        break;
      }
      case I::kInMap:
      case I::kIndexMap: {
        MapLookup map(*in.map);
        if (A->coded && (in.op == I::kInMap || in.type == T::kString)) {
          // Once per text; a string found is coded by the key's code.
          std::array<const Value*, kSmallTexts> found{};
          for (size_t c = 0; c < A->views.size(); ++c) found[c] = map.Find(A->views[c]);
          const int32_t* codes = A->codes.data();
          if (in.op == I::kIndexMap) {
            r.coded = true;
            r.views.resize(A->views.size());
            for (size_t c = 0; c < A->views.size(); ++c) {
              r.views[c] = found[c] != nullptr ? std::string_view(found[c]->string_value())
                                               : std::string_view();
            }
            r.codes.resize(n);
          }
          for (size_t i = 0; i < n; ++i) {
            const bool none = (bad != nullptr && bad[i]) || codes[i] < 0;
            const Value* e = none ? nullptr : found[static_cast<size_t>(codes[i])];
            if (in.op == I::kInMap) {
              v[i] = e != nullptr;
              continue;
            }
            v[i] = 0;
            r.codes[i] = e != nullptr ? codes[i] : -1;
            r.s[i] = e != nullptr ? r.views[static_cast<size_t>(codes[i])] : std::string_view();
            if (e == nullptr && !none) bad[i] = 1;  // a missing key is an error
          }
          break;
        }
        for (size_t i = 0; i < n; ++i) {
          v[i] = 0;
          if (bad != nullptr && bad[i]) continue;
          const Value* e = map.Find(A->s[i]);
          if (in.op == I::kInMap) {
            v[i] = e != nullptr;
            continue;
          }
          if (e == nullptr) {  // a missing key is an error
            bad[i] = 1;
            if (in.type == T::kString) r.s[i] = std::string_view();
            continue;
          }
          switch (in.type) {
            case T::kString: r.s[i] = e->string_value(); break;
            case T::kInt: v[i] = e->int_value(); break;
            case T::kBool: v[i] = e->bool_value(); break;
            case T::kDate: v[i] = e->date_value().day_number(); break;
            default: bad[i] = 1; break;
          }
        }
        break;
      }
    }
  }
  return true;
}

bool Fused::RunView(const Frame& f, View* out) const {
  if (table_size_ != 0 && table_size_ * kTableRows <= f.n) return false;  // (Run's table)
  if (!Exec(f, f.n, Mode::kAll)) return false;
  const Instr& last = code_[static_cast<size_t>(root_)];
  const Lanes& r = Registers(code_.size())[static_cast<size_t>(root_)];
  out->type = last.type;
  out->scale = last.scale;
  out->data = r.data;
  out->s = last.type == T::kString && last.texts_read ? r.s.data() : nullptr;
  out->codes = last.codable ? r.codes.data() : nullptr;
  out->texts = last.codable ? r.views.data() : nullptr;
  out->text_count = last.codable ? r.views.size() : 0;
  out->nul = last.may_null ? r.nul.data() : nullptr;
  out->bad = last.may_bad ? r.bad.data() : nullptr;
  return true;
}

void Fused::Output(size_t n, Vec* out) const {
  const Instr& last = code_[static_cast<size_t>(root_)];
  const Lanes& r = Registers(code_.size())[static_cast<size_t>(root_)];
  out->kind = kind_;
  out->st.assign(n, kValueRow);
  // (A store per lane, from a select: the compiler's vector instructions.)
  uint8_t* __restrict st = out->st.data();
  if (last.may_null) {
    const uint8_t* __restrict nul = r.nul.data();
    for (size_t i = 0; i < n; ++i) st[i] = nul[i] != 0 ? kNullRow : st[i];
  }
  if (last.may_bad) {
    const uint8_t* __restrict bad = r.bad.data();
    for (size_t i = 0; i < n; ++i) st[i] = bad[i] != 0 ? kUnknownRow : st[i];
  }
  switch (last.type) {
    case T::kPeriod: out->p.assign(r.p.begin(), r.p.begin() + static_cast<ptrdiff_t>(n)); break;
    case T::kString:
      if (last.texts_read) {
        out->s.assign(r.s.begin(), r.s.begin() + static_cast<ptrdiff_t>(n));
      } else {  // (codes alone: a codable output)
        out->s.resize(n);
        for (size_t i = 0; i < n; ++i) out->s[i] = r.views[static_cast<size_t>(r.codes[i])];
      }
      break;
    case T::kDecimal:
      out->d.resize(n);
      for (size_t i = 0; i < n; ++i) out->d[i] = Decimal::FromUnscaled(r.data[i], last.scale);
      break;
    default: out->i.assign(r.data, r.data + n); break;
  }
}

}  // namespace zhucun::internal
