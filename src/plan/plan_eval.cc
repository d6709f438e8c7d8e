// Running a rule's plan over a batch of (subject row, period) pairs
// (rule_plan.h). Each operator runs over the whole batch; an unknown row
// stays unknown up to the first operator whose result does not depend on it
// (`false && x`, `true || x`).

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "expr/stdlib.h"
#include "plan/plan_ir.h"
#include "plan/rule_plan.h"

namespace zhucun::internal {

namespace {

bool IsNumber(K k) { return k == K::kInt || k == K::kDecimal; }

Decimal DecimalAt(const Vec& v, size_t i) {
  return v.kind == K::kInt ? Decimal::FromInt(v.i[i]) : v.d[i];
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

class Runner {
 public:
  explicit Runner(const RulePlan::Impl& plan) : plan_(plan) {}

  Vec Eval(int id, Frame& f) {
    const PNode& n = plan_.nodes[static_cast<size_t>(id)];
    Vec out;
    switch (n.op) {
      case Op::kUnknown:
      case Op::kRelation:  // only read through its parent
        Resize(&out, K::kUnknown, f.n);
        return out;
      case Op::kConst: return Const(n, f.n);
      case Op::kSubject:
      case Op::kLocal: {
        Resize(&out, K::kRow, f.n);
        out.table = n.table;
        const std::vector<int32_t>& rows = f.vars[static_cast<size_t>(n.op == Op::kSubject ? 0 : n.slot)];
        for (size_t i = 0; i < f.n; ++i) {
          out.st[i] = kValueRow;
          out.i[i] = rows[i];
        }
        return out;
      }
      case Op::kPeriod:
        Resize(&out, K::kPeriod, f.n);
        if (f.periods.empty()) return out;  // no period bound: unknown
        for (size_t i = 0; i < f.n; ++i) {
          out.st[i] = kValueRow;
          out.p[i] = f.periods[i];
        }
        return out;
      case Op::kColumn: return Column(n, Eval(n.kids[0], f));
      case Op::kForward: return Forward(n, Eval(n.kids[0], f));
      case Op::kRelSize: return RelSize(n, f);
      case Op::kExists:
      case Op::kAll:
      case Op::kFilterSize: return Comprehension(n, f);
      case Op::kAnd:
      case Op::kOr: return Logic(n.op == Op::kAnd, Eval(n.kids[0], f), Eval(n.kids[1], f));
      case Op::kNot: {
        Vec a = Eval(n.kids[0], f);
        Resize(&out, K::kBool, f.n);
        if (a.kind != K::kBool) return out;
        for (size_t i = 0; i < f.n; ++i) {
          out.st[i] = a.st[i] == kValueRow ? kValueRow : kUnknownRow;
          out.i[i] = !a.i[i];
        }
        return out;
      }
      case Op::kCond: return Cond(n, f);
      case Op::kEq: case Op::kNe: return Equal(n.op == Op::kEq, Eval(n.kids[0], f), Eval(n.kids[1], f));
      case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe:
        return Order(n.op, Eval(n.kids[0], f), Eval(n.kids[1], f));
      case Op::kAdd: case Op::kSub: case Op::kMul:
        return Arith(n, Eval(n.kids[0], f), Eval(n.kids[1], f));
      case Op::kInList: return InList(n, Eval(n.kids[0], f));
      case Op::kInPeriod: {
        Vec x = Eval(n.kids[0], f), c = Eval(n.kids[1], f);
        Resize(&out, K::kBool, f.n);
        for (size_t i = 0; i < f.n; ++i) {
          if (x.st[i] != kValueRow || c.st[i] != kValueRow) continue;  // null: an error
          out.st[i] = kValueRow;
          out.i[i] = c.p[i].Contains(Date::FromDayNumber(static_cast<int32_t>(x.i[i])));
        }
        return out;
      }
      case Op::kStart:
      case Op::kEnd: {
        Vec a = Eval(n.kids[0], f);
        Resize(&out, K::kDate, f.n);
        for (size_t i = 0; i < f.n; ++i) {
          if (a.st[i] != kValueRow) continue;
          out.st[i] = kValueRow;
          out.i[i] = (n.op == Op::kStart ? a.p[i].start() : a.p[i].end()).day_number();
        }
        return out;
      }
    }
    Resize(&out, K::kUnknown, f.n);
    return out;
  }

 private:
  Vec Const(const PNode& n, size_t size) {
    Vec out;
    Resize(&out, n.kind, size);
    const Value& v = n.constant;
    for (size_t i = 0; i < size; ++i) {
      out.st[i] = n.kind == K::kNull ? kNullRow : kValueRow;
      switch (n.kind) {
        case K::kBool: out.i[i] = v.bool_value(); break;
        case K::kInt: out.i[i] = v.int_value(); break;
        case K::kDate: out.i[i] = v.date_value().day_number(); break;
        case K::kDecimal: out.d[i] = v.decimal_value(); break;
        case K::kString: out.s[i] = v.string_value(); break;
        case K::kPeriod: out.p[i] = v.period_value(); break;
        default: out.st[i] = n.kind == K::kNull ? kNullRow : kUnknownRow; break;
      }
    }
    return out;
  }

  Vec Column(const PNode& n, const Vec& rows) {
    Vec out;
    Resize(&out, n.kind, rows.st.size());
    const ::zhucun::Column& c = plan_.facts->tables()[n.table].column(n.column);
    const ColumnView view = c.view();
    for (size_t i = 0; i < rows.st.size(); ++i) {
      if (rows.st[i] != kValueRow) continue;  // a field of null: an error
      const auto r = static_cast<size_t>(rows.i[i]);
      if (!view.IsValid(r)) {
        out.st[i] = kNullRow;
        continue;
      }
      out.st[i] = kValueRow;
      switch (view.type) {
        case ColumnType::kBool: out.i[i] = static_cast<const uint8_t*>(view.data)[r] != 0; break;
        case ColumnType::kInt: out.i[i] = static_cast<const int64_t*>(view.data)[r]; break;
        case ColumnType::kDecimal:
          out.d[i] = Decimal::FromUnscaled(static_cast<const int64_t*>(view.data)[r], view.scale);
          break;
        case ColumnType::kDate: out.i[i] = static_cast<const int32_t*>(view.data)[r]; break;
        case ColumnType::kString:
          out.s[i] = (*view.dictionary)[static_cast<size_t>(static_cast<const int32_t*>(view.data)[r])];
          break;
        case ColumnType::kMonth: {
          const int32_t m = static_cast<const int32_t*>(view.data)[r];
          auto p = Period::FromIndex(PeriodKind::kMonth, m / 12, m % 12 + 1);
          if (p) {
            out.p[i] = *p;
          } else {
            out.st[i] = kUnknownRow;  // "month out of range"
          }
          break;
        }
        default: out.st[i] = kUnknownRow; break;
      }
    }
    // The kind the plan was built for must be the column's.
    const bool matches =
        (n.kind == K::kBool && view.type == ColumnType::kBool) ||
        (n.kind == K::kInt && view.type == ColumnType::kInt) ||
        (n.kind == K::kDecimal && view.type == ColumnType::kDecimal) ||
        (n.kind == K::kDate && view.type == ColumnType::kDate) ||
        (n.kind == K::kString && view.type == ColumnType::kString) ||
        (n.kind == K::kPeriod && view.type == ColumnType::kMonth);
    if (!matches) std::fill(out.st.begin(), out.st.end(), kUnknownRow);
    return out;
  }

  Vec Forward(const PNode& n, const Vec& rows) {
    Vec out;
    Resize(&out, K::kRow, rows.st.size());
    out.table = n.table;
    for (size_t i = 0; i < rows.st.size(); ++i) {
      if (rows.st[i] != kValueRow) continue;
      const int32_t target = (*n.refs)[static_cast<size_t>(rows.i[i])];
      out.st[i] = target < 0 ? kNullRow : kValueRow;
      out.i[i] = target;
    }
    return out;
  }

  // The rows the relation node `rel` starts from (its parent row), per row of f.
  Vec RelationParents(const PNode& rel, Frame& f) { return Eval(rel.kids[0], f); }

  static std::pair<uint32_t, uint32_t> Span(const GroupIndex& g, int64_t row) {
    const auto r = static_cast<size_t>(row);
    if (r + 1 >= g.offsets.size()) return {0, 0};
    return {g.offsets[r], g.offsets[r + 1]};
  }

  Vec RelSize(const PNode& n, Frame& f) {
    const PNode& rel = plan_.nodes[static_cast<size_t>(n.kids[0])];
    Vec parents = RelationParents(rel, f);
    Vec out;
    Resize(&out, K::kInt, f.n);
    for (size_t i = 0; i < f.n; ++i) {
      if (parents.st[i] != kValueRow) continue;
      const auto [b, e] = Span(*rel.groups, parents.i[i]);
      out.st[i] = kValueRow;
      out.i[i] = e - b;
    }
    return out;
  }

  // exists, all or filter(...).size() over a relation: the rows of f joined
  // with their child rows, the predicate over the join, grouped back.
  Vec Comprehension(const PNode& n, Frame& f) {
    const PNode& rel = plan_.nodes[static_cast<size_t>(n.kids[0])];
    Vec parents = RelationParents(rel, f);
    Frame child;
    std::vector<uint32_t> parent_of;
    const auto slot = static_cast<size_t>(n.slot);
    child.vars.resize(slot + 1);
    for (size_t i = 0; i < f.n; ++i) {
      if (parents.st[i] != kValueRow) continue;
      const auto [b, e] = Span(*rel.groups, parents.i[i]);
      for (uint32_t k = b; k < e; ++k) {
        parent_of.push_back(static_cast<uint32_t>(i));
        child.vars[slot].push_back(static_cast<int32_t>(rel.groups->rows[k]));
      }
      f.steps[i] += e - b;
    }
    child.n = parent_of.size();
    for (size_t s = 0; s < slot; ++s) {
      if (s >= f.vars.size() || f.vars[s].empty()) continue;
      child.vars[s].resize(child.n);
      for (size_t j = 0; j < child.n; ++j) child.vars[s][j] = f.vars[s][parent_of[j]];
    }
    if (!f.periods.empty()) {
      child.periods.resize(child.n);
      for (size_t j = 0; j < child.n; ++j) child.periods[j] = f.periods[parent_of[j]];
    }
    child.steps.assign(child.n, 0);
    Vec pred = Eval(n.kids[1], child);
    Vec out;
    Resize(&out, n.op == Op::kFilterSize ? K::kInt : K::kBool, f.n);
    // Per parent: how many children were true, false and neither.
    std::vector<uint32_t> yes(f.n, 0), no(f.n, 0), other(f.n, 0);
    const bool is_bool = pred.kind == K::kBool;
    for (size_t j = 0; j < child.n; ++j) {
      const uint32_t i = parent_of[j];
      f.steps[i] += child.steps[j];
      if (!is_bool || pred.st[j] != kValueRow) {
        ++other[i];
      } else if (pred.i[j] != 0) {
        ++yes[i];
      } else {
        ++no[i];
      }
    }
    for (size_t i = 0; i < f.n; ++i) {
      if (parents.st[i] != kValueRow) continue;  // null relation owner: an error
      switch (n.op) {
        case Op::kExists:
          if (yes[i] > 0 || other[i] == 0) {
            out.st[i] = kValueRow;
            out.i[i] = yes[i] > 0;
          }
          break;
        case Op::kAll:
          if (no[i] > 0 || other[i] == 0) {
            out.st[i] = kValueRow;
            out.i[i] = no[i] == 0;
          }
          break;
        default:  // filter(...).size(): every predicate must be known
          if (other[i] == 0) {
            out.st[i] = kValueRow;
            out.i[i] = yes[i];
          }
          break;
      }
    }
    return out;
  }

  // CEL's && and ||: decided by either side alone (false for &&, true for
  // ||), whatever the other is; otherwise both must be known booleans.
  static Vec Logic(bool is_and, const Vec& a, const Vec& b) {
    Vec out;
    const size_t n = a.st.size();
    Resize(&out, K::kBool, n);
    const bool ab = a.kind == K::kBool, bb = b.kind == K::kBool;
    for (size_t i = 0; i < n; ++i) {
      const bool ak = ab && a.st[i] == kValueRow, bk = bb && b.st[i] == kValueRow;
      const bool decisive = !is_and;  // the value that decides alone
      if ((ak && (a.i[i] != 0) == decisive) || (bk && (b.i[i] != 0) == decisive)) {
        out.st[i] = kValueRow;
        out.i[i] = decisive;
      } else if (ak && bk) {
        out.st[i] = kValueRow;
        out.i[i] = !decisive;
      }
    }
    return out;
  }

  Vec Cond(const PNode& n, Frame& f) {
    Vec c = Eval(n.kids[0], f), a = Eval(n.kids[1], f), b = Eval(n.kids[2], f);
    Vec out;
    Resize(&out, n.kind, f.n);
    out.table = n.table;
    if (c.kind != K::kBool || a.kind != n.kind || b.kind != n.kind) return out;
    for (size_t i = 0; i < f.n; ++i) {
      if (c.st[i] != kValueRow) continue;
      CopyRow(c.i[i] != 0 ? a : b, i, &out, i);
    }
    return out;
  }

  // CEL equality (CelEquals) of two known rows; nullopt where the plan
  // does not know the answer.
  static std::optional<bool> Equals(const Vec& a, const Vec& b, size_t i) {
    const bool an = a.st[i] == kNullRow || a.kind == K::kNull;
    const bool bn = b.st[i] == kNullRow || b.kind == K::kNull;
    if (an || bn) return an && bn;
    if (IsNumber(a.kind) && IsNumber(b.kind)) {
      if (a.kind == K::kInt && b.kind == K::kInt) return a.i[i] == b.i[i];
      return Decimal::Compare(DecimalAt(a, i), DecimalAt(b, i)) == 0;
    }
    if (a.kind != b.kind) {
      // Values of different kinds are never equal (numbers aside); rows
      // and relations are not compared by the plan.
      if (a.kind == K::kRow || b.kind == K::kRow) return std::nullopt;
      return false;
    }
    switch (a.kind) {
      case K::kBool: case K::kDate: return a.i[i] == b.i[i];
      case K::kString: return a.s[i] == b.s[i];
      case K::kPeriod: return a.p[i] == b.p[i];
      default: return std::nullopt;
    }
  }

  static Vec Equal(bool eq, const Vec& a, const Vec& b) {
    Vec out;
    const size_t n = a.st.size();
    Resize(&out, K::kBool, n);
    if (a.kind == K::kUnknown || b.kind == K::kUnknown || a.kind == K::kList ||
        b.kind == K::kList || a.kind == K::kRelation || b.kind == K::kRelation) {
      return out;
    }
    for (size_t i = 0; i < n; ++i) {
      if (a.st[i] == kUnknownRow || b.st[i] == kUnknownRow) continue;
      const std::optional<bool> r = Equals(a, b, i);
      if (!r) continue;
      out.st[i] = kValueRow;
      out.i[i] = *r == eq;
    }
    return out;
  }

  // CEL's ordering (CelCompare): numbers with numbers, and bools, strings
  // and dates with their own kind; anything else (null too) is an error.
  static Vec Order(Op op, const Vec& a, const Vec& b) {
    Vec out;
    const size_t n = a.st.size();
    Resize(&out, K::kBool, n);
    const bool numbers = IsNumber(a.kind) && IsNumber(b.kind);
    const bool same = a.kind == b.kind &&
                      (a.kind == K::kBool || a.kind == K::kString || a.kind == K::kDate);
    if (!numbers && !same) return out;
    for (size_t i = 0; i < n; ++i) {
      if (a.st[i] != kValueRow || b.st[i] != kValueRow) continue;
      int c = 0;
      if (a.kind == K::kString) {
        c = a.s[i] < b.s[i] ? -1 : a.s[i] == b.s[i] ? 0 : 1;
      } else if (a.kind == K::kDecimal || b.kind == K::kDecimal) {
        c = Decimal::Compare(DecimalAt(a, i), DecimalAt(b, i));
      } else {
        c = a.i[i] < b.i[i] ? -1 : a.i[i] == b.i[i] ? 0 : 1;
      }
      out.st[i] = kValueRow;
      switch (op) {
        case Op::kLt: out.i[i] = c < 0; break;
        case Op::kLe: out.i[i] = c <= 0; break;
        case Op::kGt: out.i[i] = c > 0; break;
        default: out.i[i] = c >= 0; break;
      }
    }
    return out;
  }

  // Checked arithmetic as the row evaluator's (stdlib Arith): an overflow,
  // a date out of range or a null operand is unknown.
  static Vec Arith(const PNode& n, const Vec& a, const Vec& b) {
    Vec out;
    const size_t size = a.st.size();
    Resize(&out, n.kind, size);
    if (a.kind == K::kUnknown || b.kind == K::kUnknown) return out;
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
        const bool ok = n.op == Op::kAdd   ? Decimal::Add(x, y, &r)
                        : n.op == Op::kSub ? Decimal::Sub(x, y, &r)
                                           : Decimal::Mul(x, y, &r);
        if (!ok) continue;
        out.st[i] = kValueRow;
        out.d[i] = r;
      }
    }
    return out;
  }

  // x in [constants]: CEL equality with each element.
  static Vec InList(const PNode& n, const Vec& x) {
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

  const RulePlan::Impl& plan_;
};

}  // namespace

void RulePlan::Filter(const std::vector<uint32_t>& rows, const std::vector<Period>& periods,
                      std::vector<uint8_t>* keep) const {
  Frame f;
  f.n = rows.size();
  f.vars.resize(1);
  f.vars[0].assign(rows.begin(), rows.end());
  f.periods = periods;
  f.steps.assign(f.n, 0);
  const Vec when = Runner(*impl_).Eval(impl_->root, f);
  keep->assign(f.n, 1);
  for (size_t i = 0; i < f.n; ++i) {
    const bool known_false = when.kind == K::kBool && when.st[i] == kValueRow &&
                             when.i[i] == 0 && f.steps[i] < impl_->max_steps;
    (*keep)[i] = known_false ? 0 : 1;
  }
}

}  // namespace zhucun::internal
