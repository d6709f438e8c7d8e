// The plan's column operators that need nothing but their inputs
// (plan_kernels.h): CEL's logic, equality, ordering and arithmetic over
// batches, lists, spans and the calendar functions, each exactly as the row
// evaluator's where its result is known.

#include "plan/plan_kernels.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cpu_clones.h"
#include "core/period_days.h"
#include "expr/stdlib.h"

namespace zhucun::internal {

bool IsNumber(K k) { return k == K::kInt || k == K::kDecimal; }

bool ColumnGives(ColumnType type, K kind) {
  return (kind == K::kBool && type == ColumnType::kBool) ||
         (kind == K::kInt && type == ColumnType::kInt) ||
         (kind == K::kDecimal && type == ColumnType::kDecimal) ||
         (kind == K::kDate && type == ColumnType::kDate) ||
         (kind == K::kString && type == ColumnType::kString) ||
         (kind == K::kPeriod && type == ColumnType::kMonth);
}

Decimal DecimalAt(const Vec& v, size_t i) {
  return v.kind == K::kInt ? Decimal::FromInt(v.i[i]) : v.d[i];
}

// Decimal::Add, Sub, Mul and Compare, with their common case inline (the
// same scale; no overflow of the coefficients): the same results.
inline bool AddDecimals(Op op, Decimal a, Decimal b, Decimal* out) {
  int64_t r = 0;
  if (a.scale() == b.scale() &&
      !(op == Op::kAdd ? __builtin_add_overflow(a.coefficient(), b.coefficient(), &r)
                       : __builtin_sub_overflow(a.coefficient(), b.coefficient(), &r))) {
    *out = Decimal::FromUnscaled(r, a.scale());
    return true;
  }
  return op == Op::kAdd ? Decimal::Add(a, b, out) : Decimal::Sub(a, b, out);
}

inline bool MulDecimals(Decimal a, Decimal b, Decimal* out) {
  int64_t r = 0;
  if (a.scale() + b.scale() <= Decimal::kMaxScale &&
      !__builtin_mul_overflow(a.coefficient(), b.coefficient(), &r)) {
    *out = Decimal::FromUnscaled(r, a.scale() + b.scale());
    return true;
  }
  return Decimal::Mul(a, b, out);
}

inline int CompareDecimals(Decimal a, Decimal b) {
  if (a.scale() == b.scale()) {
    return a.coefficient() < b.coefficient() ? -1 : (a.coefficient() > b.coefficient() ? 1 : 0);
  }
  // Both at the larger scale: a coefficient (< 2^63) times 10^18 at most
  // (< 2^60) fits in 128 bits, as in Decimal::Compare.
  __extension__ typedef __int128 Int128;  // NOLINT: GCC extension, exact.
  Int128 x = a.coefficient();
  Int128 y = b.coefficient();
  if (a.scale() < b.scale()) {
    x *= kPow10[static_cast<size_t>(b.scale() - a.scale())];
  } else {
    y *= kPow10[static_cast<size_t>(a.scale() - b.scale())];
  }
  return x < y ? -1 : (x > y ? 1 : 0);
}

void Resize(Vec* v, K kind, size_t n) {
  v->kind = kind;
  v->st.assign(n, kUnknownRow);
  switch (kind) {
    case K::kBool: case K::kInt: case K::kDate: case K::kRow: v->i.assign(n, 0); break;
    case K::kDecimal: v->d.assign(n, Decimal()); break;
    case K::kString: v->s.assign(n, std::string_view()); break;
    case K::kPeriod: v->p.assign(n, Period()); break;
    default: break;
  }
}

// Copies row `from` of `src` to row `to` of `dst` (the same kind).
void CopyRow(const Vec& src, size_t from, Vec* dst, size_t to) {
  dst->st[to] = src.st[from];
  if (src.st[from] != kValueRow) return;
  switch (src.kind) {
    case K::kBool: case K::kInt: case K::kDate: case K::kRow: dst->i[to] = src.i[from]; break;
    case K::kDecimal: dst->d[to] = src.d[from]; break;
    case K::kString: dst->s[to] = src.s[from]; break;
    case K::kPeriod: dst->p[to] = src.p[from]; break;
    default: break;
  }
}

// Row `from[i]` of `v` for each i (a list's rows share its elements).
Vec Gather(const Vec& v, const std::vector<uint32_t>& from) {
  Vec out;
  out.kind = v.kind;
  out.table = v.table;
  out.elems = v.elems;
  const size_t n = from.size();
  out.st.resize(n);
  for (size_t k = 0; k < n; ++k) out.st[k] = v.st[from[k]];
  const auto gather = [&](const auto& src, auto* dst) {
    if (src.empty()) return;
    dst->resize(n);
    for (size_t k = 0; k < n; ++k) (*dst)[k] = src[from[k]];
  };
  gather(v.i, &out.i);
  gather(v.d, &out.d);
  gather(v.s, &out.s);
  gather(v.p, &out.p);
  gather(v.j, &out.j);
  gather(v.lb, &out.lb);
  gather(v.le, &out.le);
  return out;
}

// [start, end]: a span where start is a date and end a date or null.
Vec SpanOf(const Vec& a, const Vec& b) {
  Vec out;
  const size_t n = a.st.size();
  Resize(&out, K::kSpan, n);
  out.i.assign(n, 0);
  out.j.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (a.st[i] != kValueRow || b.st[i] == kUnknownRow) continue;
    out.st[i] = kValueRow;
    out.i[i] = a.i[i];
    out.j[i] = b.st[i] == kNullRow || b.kind == K::kNull ? kNoEnd : b.i[i];
  }
  return out;
}

// Appends row `from` of `src` to the list elements `dst`.
void Append(const Vec& src, size_t from, Vec* dst) {
  dst->st.push_back(src.st[from]);
  switch (src.kind) {
    case K::kBool: case K::kInt: case K::kDate: dst->i.push_back(src.i[from]); break;
    case K::kDecimal: dst->d.push_back(src.d[from]); break;
    case K::kString: dst->s.push_back(src.s[from]); break;
    case K::kPeriod: dst->p.push_back(src.p[from]); break;
    case K::kSpan:
      dst->i.push_back(src.i[from]);
      dst->j.push_back(src.j[from]);
      break;
    default: break;
  }
}

void Reserve(Vec* v, size_t n) {
  v->st.reserve(v->st.size() + n);
  switch (v->kind) {
    case K::kBool: case K::kInt: case K::kDate: v->i.reserve(v->i.size() + n); break;
    case K::kDecimal: v->d.reserve(v->d.size() + n); break;
    case K::kString: v->s.reserve(v->s.size() + n); break;
    case K::kPeriod: v->p.reserve(v->p.size() + n); break;
    case K::kSpan:
      v->i.reserve(v->i.size() + n);
      v->j.reserve(v->j.size() + n);
      break;
    default: break;
  }
}

Vec NewList(K element, size_t n) {
  Vec out;
  Resize(&out, K::kList, n);
  out.elems = std::make_shared<Vec>();
  out.elems->kind = element;
  return out;
}

// months(d1, d2): the months from d1's through d2's (none when d1 > d2).
Vec Months(const Vec& a, const Vec& b) {
  const size_t n = a.st.size();
  Vec out = NewList(K::kPeriod, n);
  // Per row: its first month and how many (the months from the first
  // date's to the last date's, none if the first date is after the last).
  std::vector<Period> first_month(n);
  out.lb.resize(n);
  out.le.resize(n);
  uint32_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    out.lb[i] = total;
    if (a.st[i] == kValueRow && b.st[i] == kValueRow) {
      // Both in the month table's years (most dates): months by index.
      const int64_t ma = MonthIndexOf(a.i[i]);
      const int64_t mb = MonthIndexOf(b.i[i]);
      if (ma >= 0 && mb >= 0) {
        out.st[i] = kValueRow;
        if (a.i[i] <= b.i[i]) {
          first_month[i] = *Period::FromIndex(
              PeriodKind::kMonth, static_cast<int>(kMonthTableFirstYear + ma / 12),
              static_cast<int>(ma % 12 + 1));
          total += static_cast<uint32_t>(mb - ma + 1);
        }
        out.le[i] = total;
        continue;
      }
    }
    // The last year's months are left to the row evaluator (the month
    // after December 9999 does not exist).
    if (a.st[i] == kValueRow && b.st[i] == kValueRow &&
        Date::FromDayNumber(static_cast<int32_t>(b.i[i])).year() < Date::kMaxYear) {
      out.st[i] = kValueRow;
      const Date first = Date::FromDayNumber(static_cast<int32_t>(a.i[i]));
      const Date last = Date::FromDayNumber(static_cast<int32_t>(b.i[i]));
      if (first <= last) {
        const Period f = Period::Of(PeriodKind::kMonth, first);
        const Period l = Period::Of(PeriodKind::kMonth, last);
        first_month[i] = f;
        total += static_cast<uint32_t>((l.year() - f.year()) * 12 + (l.index() - f.index()) + 1);
      }
    }
    out.le[i] = total;
  }
  out.elems->st.assign(total, kValueRow);
  out.elems->p.resize(total);
  for (size_t i = 0; i < n; ++i) {
    Period m = first_month[i];
    for (uint32_t k = out.lb[i]; k < out.le[i]; ++k, m = m.Next()) out.elems->p[k] = m;
  }
  return out;
}

// min(list), max(list): the first least (greatest) element, as the row
// evaluator's; an empty list, or a null among several, is an error.
Vec MinMax(bool is_min, const Vec& list) {
  const size_t n = list.st.size();
  Vec out;
  if (list.kind == K::kSpan) {  // [a, b] of dates (b null: an error to compare)
    Resize(&out, K::kDate, n);
    for (size_t i = 0; i < n; ++i) {
      if (list.st[i] != kValueRow || list.j[i] == kNoEnd) continue;
      out.st[i] = kValueRow;
      out.i[i] = (is_min ? list.j[i] < list.i[i] : list.j[i] > list.i[i]) ? list.j[i] : list.i[i];
    }
    return out;
  }
  const K kind = list.kind == K::kList ? list.elems->kind : K::kUnknown;
  Resize(&out, kind, n);
  if (kind == K::kUnknown) return out;
  const Vec& e = *list.elems;
  for (size_t i = 0; i < n; ++i) {
    if (list.st[i] != kValueRow || list.lb[i] == list.le[i]) continue;
    uint32_t best = list.lb[i];
    bool known = true;
    for (uint32_t k = list.lb[i] + 1; k < list.le[i] && known; ++k) {
      if (e.st[k] != kValueRow || e.st[best] != kValueRow) {
        known = false;
        break;
      }
      int c = 0;
      if (kind == K::kString) {
        c = e.s[k] < e.s[best] ? -1 : e.s[k] == e.s[best] ? 0 : 1;
      } else if (kind == K::kDecimal) {
        c = Decimal::Compare(e.d[k], e.d[best]);
      } else {
        c = e.i[k] < e.i[best] ? -1 : e.i[k] == e.i[best] ? 0 : 1;
      }
      if (is_min ? c < 0 : c > 0) best = k;
    }
    if (known) CopyRow(e, best, &out, i);
  }
  return out;
}

// sum(list), as the row evaluator adds: from int 0, element by element
// (an overflow, or a null, is an error). The sum of no decimals is the
// int 0, not a decimal: left to the row evaluator.
Vec Sum(const PNode& n, const Vec& list) {
  const size_t size = list.st.size();
  Vec out;
  Resize(&out, n.kind, size);
  if (list.kind != K::kList || list.elems->kind != n.kind) return out;
  const Vec& e = *list.elems;
  for (size_t i = 0; i < size; ++i) {
    if (list.st[i] != kValueRow) continue;
    bool known = true;
    if (n.kind == K::kInt) {
      int64_t total = 0;
      for (uint32_t k = list.lb[i]; k < list.le[i] && known; ++k) {
        known = e.st[k] == kValueRow && !__builtin_add_overflow(total, e.i[k], &total);
      }
      out.i[i] = total;
    } else {
      if (list.lb[i] == list.le[i]) continue;
      Decimal total = Decimal::FromInt(0);
      for (uint32_t k = list.lb[i]; k < list.le[i] && known; ++k) {
        known = e.st[k] == kValueRow && Decimal::Add(total, e.d[k], &total);
      }
      out.d[i] = total;
    }
    if (known) out.st[i] = kValueRow;
  }
  return out;
}

// x in list: CEL equality with each element.
Vec InVec(const Vec& x, const Vec& list) {
  Vec out;
  const size_t n = x.st.size();
  Resize(&out, K::kBool, n);
  if (list.kind != K::kList || x.kind == K::kUnknown || x.kind == K::kRow ||
      x.kind == K::kRelation || x.kind == K::kList || x.kind == K::kSpan ||
      list.elems->kind == K::kSpan) {
    return out;
  }
  const Vec& e = *list.elems;
  // A value among elements of its own kind (values or nulls, as a list
  // that is a value holds): equal values, in a loop of their own.
  const auto same_kind = [&](const auto& xs, const auto& es) {
    for (size_t i = 0; i < n; ++i) {
      if (x.st[i] != kValueRow || list.st[i] != kValueRow) continue;
      bool found = false;
      for (uint32_t k = list.lb[i]; k < list.le[i] && !found; ++k) {
        found = e.st[k] == kValueRow && es[k] == xs[i];
      }
      out.st[i] = kValueRow;
      out.i[i] = found;
    }
  };
  if (x.kind == K::kPeriod && e.kind == K::kPeriod) {
    // Where many rows in a row share a long list (the pairs of a subject
    // and a list of its own): the list's periods sorted once, each row's
    // found by a binary search; else as same_kind does.
    const auto key = [](const Period& p) {
      return (static_cast<int64_t>(p.year()) << 16) | (static_cast<int64_t>(p.index()) << 8) |
             static_cast<int64_t>(p.kind());
    };
    std::vector<int64_t> keys;
    for (size_t i = 0; i < n;) {
      size_t run = i + 1;  // the rows [i, run) with i's list
      while (run < n && list.lb[run] == list.lb[i] && list.le[run] == list.le[i]) ++run;
      const uint32_t size = list.le[i] - list.lb[i];
      const bool sorted = run - i >= 4 && size >= 8;
      if (sorted) {
        keys.clear();
        for (uint32_t k = list.lb[i]; k < list.le[i]; ++k) {
          if (e.st[k] == kValueRow) keys.push_back(key(e.p[k]));
        }
        if (!std::is_sorted(keys.begin(), keys.end())) std::sort(keys.begin(), keys.end());
      }
      // The rows' periods mostly ascend (a subject's periods in order):
      // each is looked for from where the one before was, a few keys on,
      // else by a binary search.
      size_t at = 0;
      int64_t before = INT64_MIN;
      for (; i < run; ++i) {
        if (x.st[i] != kValueRow || list.st[i] != kValueRow) continue;
        bool found = false;
        if (sorted) {
          const int64_t k = key(x.p[i]);
          if (k < before) at = 0;
          before = k;
          const size_t near = std::min(keys.size(), at + 4);
          while (at < near && keys[at] < k) ++at;
          if (at == near && at < keys.size() && keys[at] < k) {
            at = static_cast<size_t>(std::lower_bound(keys.begin() + static_cast<ptrdiff_t>(at),
                                                      keys.end(), k) -
                                     keys.begin());
          }
          found = at < keys.size() && keys[at] == k;
        } else {
          for (uint32_t k = list.lb[i]; k < list.le[i] && !found; ++k) {
            found = e.st[k] == kValueRow && e.p[k] == x.p[i];
          }
        }
        out.st[i] = kValueRow;
        out.i[i] = found;
      }
    }
  } else if (x.kind == e.kind) {
    switch (x.kind) {
      case K::kString: same_kind(x.s, e.s); break;
      case K::kInt: case K::kDate: same_kind(x.i, e.i); break;
      default: break;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (x.st[i] == kUnknownRow || list.st[i] != kValueRow || out.st[i] == kValueRow) continue;
    bool found = false, known = true;
    for (uint32_t k = list.lb[i]; k < list.le[i] && !found; ++k) {
      const std::optional<bool> r = EqualsAt(x, i, e, k);
      if (!r) known = false;
      found = r.value_or(false);
    }
    if (!found && !known) continue;
    out.st[i] = kValueRow;
    out.i[i] = found;
  }
  return out;
}

// CEL's && and ||: decided by either side alone (false for &&, true for
// ||), whatever the other is; otherwise both must be known booleans.
ZHUCUN_CPU_CLONES Vec Logic(bool is_and, const Vec& a, const Vec& b) {
  Vec out;
  const size_t n = a.st.size();
  Resize(&out, K::kBool, n);
  // Known where either side is known and decisive (the value that decides
  // alone: false for &&, true for ||), or both are known. A side that is
  // not a bool is known nowhere. (Without branches, a loop per case: the
  // compiler's vector instructions.)
  const int64_t decisive = is_and ? 0 : 1;
  uint8_t* __restrict os = out.st.data();
  int64_t* __restrict oi = out.i.data();
  const auto each = [&](auto known_a, auto value_a, auto known_b, auto value_b) {
    for (size_t i = 0; i < n; ++i) {
      const uint8_t ak = known_a(i), bk = known_b(i);
      const uint8_t decided = static_cast<uint8_t>((ak & static_cast<uint8_t>(value_a(i) == decisive)) |
                                                   (bk & static_cast<uint8_t>(value_b(i) == decisive)));
      const uint8_t settled = decided | (ak & bk);
      os[i] = settled != 0 ? kValueRow : kUnknownRow;
      oi[i] = settled == 0 ? 0 : decided != 0 ? decisive : 1 - decisive;
    }
  };
  const auto known = [](const Vec& v) {
    const uint8_t* st = v.st.data();
    return [st](size_t i) { return static_cast<uint8_t>(st[i] == kValueRow); };
  };
  const auto value = [](const Vec& v) {
    const int64_t* x = v.i.data();
    return [x](size_t i) { return static_cast<int64_t>(x[i] != 0); };
  };
  const auto never = [](size_t) { return uint8_t{0}; };
  const auto none = [](size_t) { return int64_t{0}; };
  const bool ab = a.kind == K::kBool, bb = b.kind == K::kBool;
  if (ab && bb) {
    each(known(a), value(a), known(b), value(b));
  } else if (ab) {
    each(known(a), value(a), never, none);
  } else if (bb) {
    each(never, none, known(b), value(b));
  }
  return out;
}

// c ? a : b of lists (a constant branch is the empty list).
Vec CondLists(const PNode& n, const Vec& c, const Vec& a, const Vec& b) {
  const size_t size = c.st.size();
  Vec out = NewList(static_cast<K>(n.table), size);
  for (size_t i = 0; i < size; ++i) {
    out.lb.push_back(static_cast<uint32_t>(out.elems->st.size()));
    if (c.kind == K::kBool && c.st[i] == kValueRow) {
      const Vec& l = c.i[i] != 0 ? a : b;
      if (l.kind == K::kList && l.st[i] == kValueRow) {
        out.st[i] = kValueRow;
        for (uint32_t k = l.lb[i]; k < l.le[i]; ++k) Append(*l.elems, k, out.elems.get());
      } else if (l.kind == K::kList && l.st[i] == kNullRow) {
        out.st[i] = kUnknownRow;
      }
    }
    out.le.push_back(static_cast<uint32_t>(out.elems->st.size()));
  }
  return out;
}

// CEL equality (CelEquals) of row i of a and row k of b, both known (a
// value or null); nullopt where the plan does not know the answer.
std::optional<bool> EqualsAt(const Vec& a, size_t i, const Vec& b, size_t k) {
  const bool an = a.st[i] == kNullRow || a.kind == K::kNull;
  const bool bn = b.st[k] == kNullRow || b.kind == K::kNull;
  if (an || bn) return an && bn;
  if (IsNumber(a.kind) && IsNumber(b.kind)) {
    if (a.kind == K::kInt && b.kind == K::kInt) return a.i[i] == b.i[k];
    return Decimal::Compare(DecimalAt(a, i), DecimalAt(b, k)) == 0;
  }
  const auto scalar = [](K kind) {
    return kind == K::kBool || kind == K::kInt || kind == K::kDecimal || kind == K::kDate ||
           kind == K::kString || kind == K::kPeriod;
  };
  if (!scalar(a.kind) || !scalar(b.kind)) return std::nullopt;
  if (a.kind != b.kind) return false;  // values of different kinds
  switch (a.kind) {
    case K::kBool: case K::kDate: return a.i[i] == b.i[k];
    case K::kString: return a.s[i] == b.s[k];
    case K::kPeriod: return a.p[i] == b.p[k];
    default: return std::nullopt;
  }
}

Vec Equal(bool eq, const Vec& a, const Vec& b) {
  Vec out;
  const size_t n = a.st.size();
  Resize(&out, K::kBool, n);
  if (a.kind == K::kUnknown || b.kind == K::kUnknown || a.kind == K::kList ||
      b.kind == K::kList || a.kind == K::kRelation || b.kind == K::kRelation) {
    return out;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a.st[i] == kUnknownRow || b.st[i] == kUnknownRow) continue;
    const std::optional<bool> r = EqualsAt(a, i, b, i);
    if (!r) continue;
    out.st[i] = kValueRow;
    out.i[i] = *r == eq;
  }
  return out;
}

namespace {

// out (bools) from cmp(i) (-1, 0 or 1: a's row i against b's) for `op`,
// where both rows are values; the loop made once per pair of kinds.
template <typename Cmp>
void OrderRows(Op op, const Vec& a, const Vec& b, Vec* out, Cmp cmp) {
  // The result for c = -1, 0, 1.
  const std::array<int64_t, 3> result = op == Op::kLt   ? std::array<int64_t, 3>{1, 0, 0}
                                        : op == Op::kLe ? std::array<int64_t, 3>{1, 1, 0}
                                        : op == Op::kGt ? std::array<int64_t, 3>{0, 0, 1}
                                                        : std::array<int64_t, 3>{0, 1, 1};
  const size_t n = a.st.size();
  const uint8_t* as = a.st.data();
  const uint8_t* bs = b.st.data();
  uint8_t* os = out->st.data();
  int64_t* oi = out->i.data();
  for (size_t i = 0; i < n; ++i) {
    if (as[i] != kValueRow || bs[i] != kValueRow) continue;
    os[i] = kValueRow;
    oi[i] = result[static_cast<size_t>(cmp(i) + 1)];
  }
}

template <typename T>
int Sign(T x, T y) {
  return (x > y) - (x < y);
}

}  // namespace

// CEL's ordering (CelCompare): numbers with numbers, and bools, strings
// and dates with their own kind; anything else (null too) is an error.
Vec Order(Op op, const Vec& a, const Vec& b) {
  Vec out;
  Resize(&out, K::kBool, a.st.size());
  const bool numbers = IsNumber(a.kind) && IsNumber(b.kind);
  const bool same = a.kind == b.kind &&
                    (a.kind == K::kBool || a.kind == K::kString || a.kind == K::kDate);
  if (!numbers && !same) return out;
  if (a.kind == K::kString) {
    const std::string_view* x = a.s.data();
    const std::string_view* y = b.s.data();
    OrderRows(op, a, b, &out, [x, y](size_t i) { return Sign(x[i].compare(y[i]), 0); });
  } else if (a.kind == K::kDecimal && b.kind == K::kDecimal) {
    const Decimal* x = a.d.data();
    const Decimal* y = b.d.data();
    OrderRows(op, a, b, &out, [x, y](size_t i) { return CompareDecimals(x[i], y[i]); });
  } else if (a.kind == K::kDecimal) {
    const Decimal* x = a.d.data();
    const int64_t* y = b.i.data();
    OrderRows(op, a, b, &out,
              [x, y](size_t i) { return CompareDecimals(x[i], Decimal::FromInt(y[i])); });
  } else if (b.kind == K::kDecimal) {
    const int64_t* x = a.i.data();
    const Decimal* y = b.d.data();
    OrderRows(op, a, b, &out,
              [x, y](size_t i) { return CompareDecimals(Decimal::FromInt(x[i]), y[i]); });
  } else {  // ints, dates, bools
    const int64_t* x = a.i.data();
    const int64_t* y = b.i.data();
    OrderRows(op, a, b, &out, [x, y](size_t i) { return Sign(x[i], y[i]); });
  }
  return out;
}

// Checked arithmetic as the row evaluator's (stdlib Arith): an overflow,
// a date out of range or a null operand is unknown.
Vec Arith(const PNode& n, const Vec& a, const Vec& b) {
  Vec out;
  const size_t size = a.st.size();
  Resize(&out, n.kind, size);
  if (a.kind == K::kUnknown || b.kind == K::kUnknown) return out;
  if (n.kind == K::kDecimal && a.kind == K::kDecimal && b.kind == K::kDecimal) {
    // (The common case, in a loop of its own.)
    const uint8_t* as = a.st.data();
    const uint8_t* bs = b.st.data();
    const Decimal* x = a.d.data();
    const Decimal* y = b.d.data();
    uint8_t* os = out.st.data();
    Decimal* od = out.d.data();
    for (size_t i = 0; i < size; ++i) {
      if (as[i] != kValueRow || bs[i] != kValueRow) continue;
      const bool ok = n.op == Op::kMul ? MulDecimals(x[i], y[i], &od[i])
                                       : AddDecimals(n.op, x[i], y[i], &od[i]);
      if (ok) os[i] = kValueRow;
    }
    return out;
  }
  for (size_t i = 0; i < size; ++i) {
    if (a.st[i] != kValueRow || b.st[i] != kValueRow) continue;
    if (n.kind == K::kInt && a.kind == K::kInt) {
      int64_t r = 0;
      const bool overflow = n.op == Op::kAdd   ? __builtin_add_overflow(a.i[i], b.i[i], &r)
                            : n.op == Op::kSub ? __builtin_sub_overflow(a.i[i], b.i[i], &r)
                                               : __builtin_mul_overflow(a.i[i], b.i[i], &r);
      if (overflow) continue;
      out.st[i] = kValueRow;
      out.i[i] = r;
    } else if (n.kind == K::kInt) {  // date - date
      out.st[i] = kValueRow;
      out.i[i] = a.i[i] - b.i[i];
    } else if (n.kind == K::kDate) {  // date +- int
      int64_t days = b.i[i];
      if (n.op == Op::kSub) {
        if (days == std::numeric_limits<int64_t>::min()) continue;
        days = -days;
      }
      const auto d = Date::FromDayNumber(static_cast<int32_t>(a.i[i])).AddDays(days);
      if (!d) continue;
      out.st[i] = kValueRow;
      out.i[i] = d->day_number();
    } else {  // decimals
      Decimal r;
      const Decimal x = DecimalAt(a, i), y = DecimalAt(b, i);
      const bool ok = n.op == Op::kMul ? MulDecimals(x, y, &r) : AddDecimals(n.op, x, y, &r);
      if (!ok) continue;
      out.st[i] = kValueRow;
      out.d[i] = r;
    }
  }
  return out;
}

// x in [constants]: CEL equality with each element.
Vec InList(const PNode& n, const Vec& x) {
  Vec out;
  const size_t size = x.st.size();
  Resize(&out, K::kBool, size);
  if (x.kind == K::kUnknown || x.kind == K::kRow || x.kind == K::kRelation ||
      x.kind == K::kList) {
    return out;
  }
  const ValueList& list = n.constant.list_value();
  bool has_null = false;
  for (const Value& e : list) has_null = has_null || e.is_null();
  for (size_t i = 0; i < size; ++i) {
    if (x.st[i] == kUnknownRow) continue;
    out.st[i] = kValueRow;
    if (x.st[i] == kNullRow || x.kind == K::kNull) {
      out.i[i] = has_null;
      continue;
    }
    bool found = false;
    for (const Value& e : list) {
      switch (x.kind) {
        case K::kString:
          found = e.kind() == ValueKind::kString && e.string_value() == x.s[i];
          break;
        case K::kBool: found = CelEquals(Value::Bool(x.i[i] != 0), e); break;
        case K::kInt: found = CelEquals(Value::Int(x.i[i]), e); break;
        case K::kDate:
          found = CelEquals(Value::FromDate(Date::FromDayNumber(static_cast<int32_t>(x.i[i]))), e);
          break;
        case K::kDecimal: found = CelEquals(Value::FromDecimal(x.d[i]), e); break;
        case K::kPeriod: found = CelEquals(Value::FromPeriod(x.p[i]), e); break;
        default: break;
      }
      if (found) break;
    }
    out.i[i] = found;
  }
  return out;
}

}  // namespace zhucun::internal
