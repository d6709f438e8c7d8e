// Running a rule's plan over a batch of (subject row, period) pairs
// (rule_plan.h). Each operator runs over the whole batch; an unknown row
// stays unknown up to the first operator whose result does not depend on it
// (`false && x`, `true || x`).

#include <algorithm>
#include <bitset>
#include <memory>
#include <optional>
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

class Runner {
 public:
  explicit Runner(const RulePlan::Impl& plan) : plan_(plan) {}

  // The pairs' frame, and the frame of their distinct subjects with the
  // subject of each pair: what does not read the period is computed once
  // per subject and gathered to the pairs. Each operator is computed at
  // most once per frame (a let read twice is computed once).
  void SetFrames(Frame* pairs, Frame* subjects, std::vector<uint32_t> subject_of) {
    pairs_ = pairs;
    subjects_ = subjects;
    subject_of_ = std::move(subject_of);
  }

  // Operator `id` on frame f, computed once for the rows f needs.
  const Vec& Eval(int id, Frame& f) {
    const auto index = static_cast<size_t>(id);
    if (f.memo.empty()) f.memo.resize(plan_.nodes.size());
    Frame::Memo& m = f.memo[index];
    const bool loops = plan_.nodes[index].loops;
    const bool per_subject = &f == pairs_ && subjects_ != nullptr && !plan_.nodes[index].period;
    if (m.value != nullptr && Covers(m, f.active)) {
      // Its steps are counted again: the row evaluator may compute it again.
      for (size_t i = 0; i < m.steps.size(); ++i) f.steps[i] += m.steps[i];
      if (per_subject && loops) EvalPerSubject(id, f);
      return *m.value;
    }
    std::vector<uint64_t> before;
    if (loops) before = f.steps;
    Vec v = per_subject ? Gather(EvalPerSubject(id, f), subject_of_) : Compute(id, f);
    f.store.push_back(std::move(v));
    m.value = &f.store.back();
    m.all = f.active == nullptr;
    if (!m.all) m.active = *f.active;
    m.steps.clear();
    if (loops) {
      m.steps.resize(f.n);
      for (size_t i = 0; i < f.n; ++i) m.steps[i] = f.steps[i] - before[i];
    }
    return *m.value;
  }

 private:
  // Whether a memo computed every row `active` needs.
  static bool Covers(const Frame::Memo& m, const std::vector<uint8_t>* active) {
    if (m.all) return true;
    if (active == nullptr) return false;
    for (size_t i = 0; i < active->size(); ++i) {
      if ((*active)[i] != 0 && m.active[i] == 0) return false;
    }
    return true;
  }

  // Operator `id` on the subjects' frame, for the subjects of the pairs
  // needed.
  const Vec& EvalPerSubject(int id, const Frame& pairs) {
    std::vector<uint8_t> needed;
    if (pairs.active != nullptr) {
      needed.assign(subjects_->n, 0);
      for (size_t i = 0; i < pairs.n; ++i) {
        if ((*pairs.active)[i] != 0) needed[subject_of_[i]] = 1;
      }
      subjects_->active = &needed;
    }
    const Vec& v = Eval(id, *subjects_);
    subjects_->active = nullptr;
    return v;
  }

  // `active` narrowed to the rows where `a` is not `decisive` (the rows
  // whose `&&` (decisive false) or `||` (true) still needs its other side).
  static std::vector<uint8_t> Narrow(const Vec& a, bool decisive, const Frame& f) {
    std::vector<uint8_t> out(f.n);
    const bool is_bool = a.kind == K::kBool;
    for (size_t i = 0; i < f.n; ++i) {
      const bool decided = is_bool && a.st[i] == kValueRow && (a.i[i] != 0) == decisive;
      out[i] = (f.active == nullptr || (*f.active)[i] != 0) && !decided;
    }
    return out;
  }

  // Evaluates `id` for the rows `active` (and perhaps others).
  const Vec& EvalFor(int id, Frame& f, const std::vector<uint8_t>& active) {
    const std::vector<uint8_t>* saved = f.active;
    f.active = &active;
    const Vec& v = Eval(id, f);
    f.active = saved;
    return v;
  }

  Vec Compute(int id, Frame& f) {
    const PNode& n = plan_.nodes[static_cast<size_t>(id)];
    Vec out;
    switch (n.op) {
      case Op::kUnknown:
      case Op::kRelation:  // only read through its parent
        Resize(&out, K::kUnknown, f.n);
        return out;
      case Op::kConst: return Const(n, f.n);
      case Op::kLocal:
        if (n.kind != K::kRow) return f.values[static_cast<size_t>(n.slot)];
        [[fallthrough]];
      case Op::kSubject: {
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
      case Op::kOr: {
        const bool is_and = n.op == Op::kAnd;
        const Vec& a = Eval(n.kids[0], f);
        return Logic(is_and, a, EvalFor(n.kids[1], f, Narrow(a, !is_and, f)));
      }
      case Op::kNot: {
        const Vec& a = Eval(n.kids[0], f);
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
        const Vec& x = Eval(n.kids[0], f);
        const Vec& c = Eval(n.kids[1], f);
        Resize(&out, K::kBool, f.n);
        for (size_t i = 0; i < f.n; ++i) {
          if (x.st[i] != kValueRow || c.st[i] != kValueRow) continue;  // null: an error
          out.st[i] = kValueRow;
          out.i[i] = c.p[i].Contains(Date::FromDayNumber(static_cast<int32_t>(x.i[i])));
        }
        return out;
      }
      case Op::kSpan: return SpanOf(Eval(n.kids[0], f), Eval(n.kids[1], f));
      case Op::kListOf: return ListOf(n, f);
      case Op::kMapRel: return MapRelation(n, f);
      case Op::kFilterList: return FilterList(n, f);
      case Op::kRound: {
        const Vec& a = Eval(n.kids[0], f);
        const Vec& b = Eval(n.kids[1], f);
        Resize(&out, K::kDecimal, f.n);
        for (size_t i = 0; i < f.n; ++i) {
          if (a.st[i] != kValueRow || b.st[i] != kValueRow) continue;
          if (b.i[i] < 0 || b.i[i] > Decimal::kMaxScale) continue;
          const std::optional<Decimal> r = a.d[i].RoundHalfAwayFromZero(static_cast<int>(b.i[i]));
          if (!r) continue;
          out.st[i] = kValueRow;
          out.d[i] = *r;
        }
        return out;
      }
      case Op::kSum: return Sum(n, Eval(n.kids[0], f));
      case Op::kInMap:
      case Op::kIndexMap: {
        const Vec& x = Eval(n.kids[0], f);
        Resize(&out, n.kind, f.n);
        const ValueMap& map = n.constant.map_value();
        for (size_t i = 0; i < f.n; ++i) {
          if (x.st[i] != kValueRow) continue;  // a null key: left to the row evaluator
          const Value* v = map.Find(x.s[i]);
          if (n.op == Op::kInMap) {
            out.st[i] = kValueRow;
            out.i[i] = v != nullptr;
          } else if (v != nullptr) {  // a missing key is an error
            out.st[i] = kValueRow;
            switch (n.kind) {
              case K::kBool: out.i[i] = v->bool_value(); break;
              case K::kInt: out.i[i] = v->int_value(); break;
              case K::kDate: out.i[i] = v->date_value().day_number(); break;
              case K::kDecimal: out.d[i] = v->decimal_value(); break;
              case K::kString: out.s[i] = v->string_value(); break;
              case K::kPeriod: out.p[i] = v->period_value(); break;
              default: out.st[i] = kUnknownRow; break;
            }
          }
        }
        return out;
      }
      case Op::kYearOf: {
        const Vec& y = Eval(n.kids[0], f);
        Resize(&out, K::kPeriod, f.n);
        for (size_t i = 0; i < f.n; ++i) {
          // Four-digit years only: period() parses what string() wrote.
          if (y.st[i] != kValueRow || y.i[i] < 1000 || y.i[i] > 9999) continue;
          const std::optional<Period> p = Period::Parse(std::to_string(y.i[i]));
          if (!p) continue;
          out.st[i] = kValueRow;
          out.p[i] = *p;
        }
        return out;
      }
      case Op::kMonths: return Months(Eval(n.kids[0], f), Eval(n.kids[1], f));
      case Op::kMin:
      case Op::kMax: return MinMax(n.op == Op::kMin, Eval(n.kids[0], f));
      case Op::kInVec: return InVec(Eval(n.kids[0], f), Eval(n.kids[1], f));
      case Op::kCoveredDays: return CoveredDays(n, f);
      case Op::kDays: {
        const Vec& a = Eval(n.kids[0], f);
        Resize(&out, K::kInt, f.n);
        for (size_t i = 0; i < f.n; ++i) {
          if (a.st[i] != kValueRow) continue;
          out.st[i] = kValueRow;
          out.i[i] = a.p[i].end().day_number() - a.p[i].start().day_number() + 1;
        }
        return out;
      }
      case Op::kCeilDiv: {
        const Vec& a = Eval(n.kids[0], f);
        const Vec& b = Eval(n.kids[1], f);
        Resize(&out, K::kInt, f.n);
        for (size_t i = 0; i < f.n; ++i) {
          if (a.st[i] != kValueRow || b.st[i] != kValueRow) continue;
          const int64_t x = a.i[i], y = b.i[i];
          if (y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1)) continue;
          const int64_t q = x / y;
          out.st[i] = kValueRow;
          out.i[i] = x % y != 0 && (x < 0) == (y < 0) ? q + 1 : q;
        }
        return out;
      }
      case Op::kStart:
      case Op::kEnd: {
        const Vec& a = Eval(n.kids[0], f);
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

  Vec Const(const PNode& n, size_t size) {
    if (n.kind == K::kList && n.constant.list_value().empty()) {
      // The empty list (a branch of a conditional): no elements.
      Vec out = NewList(K::kUnknown, size);
      out.st.assign(size, kValueRow);
      out.lb.assign(size, 0);
      out.le.assign(size, 0);
      return out;
    }
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

  static std::pair<uint32_t, uint32_t> Span(const GroupIndex& g, int64_t row) {
    const auto r = static_cast<size_t>(row);
    if (r + 1 >= g.offsets.size()) return {0, 0};
    return {g.offsets[r], g.offsets[r + 1]};
  }

  Vec RelSize(const PNode& n, Frame& f) {
    const PNode& rel = plan_.nodes[static_cast<size_t>(n.kids[0])];
    const Vec& parents = Eval(rel.kids[0], f);
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

  // The rows of f joined with the elements of the range `range_id` (bound to
  // variable `slot`): a relation's child rows, or a list's elements.
  // `known[i]` says whether row i's range is known, `parent_of` gives the
  // row of f of each joined row. Counts the iterations.
  Frame Join(int range_id, int slot_in, Frame& f, std::vector<uint8_t>* known,
             std::vector<uint32_t>* parent_of) {
    const PNode& range = plan_.nodes[static_cast<size_t>(range_id)];
    Frame child;
    const auto slot = static_cast<size_t>(slot_in);
    child.vars.resize(slot + 1);
    child.values.resize(slot + 1);
    known->assign(f.n, 0);
    if (range.kind == K::kRelation) {
      const Vec& parents = Eval(range.kids[0], f);
      for (size_t i = 0; i < f.n; ++i) {
        if (parents.st[i] != kValueRow) continue;  // a field of null: an error
        if (f.active != nullptr && (*f.active)[i] == 0) continue;  // not needed
        (*known)[i] = 1;
        const auto [b, e] = Span(*range.groups, parents.i[i]);
        for (uint32_t k = b; k < e; ++k) {
          parent_of->push_back(static_cast<uint32_t>(i));
          child.vars[slot].push_back(static_cast<int32_t>(range.groups->rows[k]));
        }
        f.steps[i] += e - b;
      }
    } else {
      const Vec& list = Eval(range_id, f);
      std::vector<uint32_t> elements;
      for (size_t i = 0; i < f.n && list.kind == K::kList; ++i) {
        if (list.st[i] != kValueRow) continue;
        if (f.active != nullptr && (*f.active)[i] == 0) continue;  // not needed
        (*known)[i] = 1;
        for (uint32_t k = list.lb[i]; k < list.le[i]; ++k) {
          parent_of->push_back(static_cast<uint32_t>(i));
          elements.push_back(k);
        }
        f.steps[i] += list.le[i] - list.lb[i];
      }
      if (list.kind == K::kList) child.values[slot] = Gather(*list.elems, elements);
    }
    child.n = parent_of->size();
    for (size_t s = 0; s < slot; ++s) {
      if (s < f.vars.size() && !f.vars[s].empty()) {
        child.vars[s].resize(child.n);
        for (size_t j = 0; j < child.n; ++j) child.vars[s][j] = f.vars[s][(*parent_of)[j]];
      }
      if (s < f.values.size() && !f.values[s].st.empty()) {
        child.values[s] = Gather(f.values[s], *parent_of);
      }
    }
    if (!f.periods.empty()) {
      child.periods.resize(child.n);
      for (size_t j = 0; j < child.n; ++j) child.periods[j] = f.periods[(*parent_of)[j]];
    }
    child.steps.assign(child.n, 0);
    return child;
  }

  // exists, all or filter(...).size() over a relation: the rows of f joined
  // with their child rows, the predicate over the join, grouped back.
  Vec Comprehension(const PNode& n, Frame& f) {
    std::vector<uint8_t> known;
    std::vector<uint32_t> parent_of;
    Frame child = Join(n.kids[0], n.slot, f, &known, &parent_of);
    const Vec& pred = Eval(n.kids[1], child);
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
      if (known[i] == 0) continue;
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

  // [start, end]: a span where start is a date and end a date or null.
  static Vec SpanOf(const Vec& a, const Vec& b) {
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
  static void Append(const Vec& src, size_t from, Vec* dst) {
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

  static Vec NewList(K element, size_t n) {
    Vec out;
    Resize(&out, K::kList, n);
    out.elems = std::make_shared<Vec>();
    out.elems->kind = element;
    return out;
  }

  // [a, b, ...]: known where every element is.
  Vec ListOf(const PNode& n, Frame& f) {
    std::vector<const Vec*> kids;
    for (int k : n.kids) kids.push_back(&Eval(k, f));
    Vec out = NewList(static_cast<K>(n.table), f.n);
    for (size_t i = 0; i < f.n; ++i) {
      bool known = true;
      for (const Vec* k : kids) known = known && k->st[i] != kUnknownRow;
      out.lb.push_back(static_cast<uint32_t>(out.elems->st.size()));
      if (known) {
        out.st[i] = kValueRow;
        for (const Vec* k : kids) Append(*k, i, out.elems.get());
      }
      out.le.push_back(static_cast<uint32_t>(out.elems->st.size()));
    }
    return out;
  }

  // relation[.filter(x, P)].map(x, F): known where every P is a known bool
  // and every F of a row P keeps is known (a null is an element).
  Vec MapRelation(const PNode& n, Frame& f) {
    std::vector<uint8_t> owner;
    std::vector<uint32_t> parent_of;
    Frame child = Join(n.kids[0], n.slot, f, &owner, &parent_of);
    const bool filtered = n.kids.size() > 2;
    Vec keep;
    if (filtered) keep = Eval(n.kids[2], child);
    const Vec& element = Eval(n.kids[1], child);
    Vec out = NewList(static_cast<K>(n.table), f.n);
    std::vector<uint8_t> known(f.n, 1);
    for (size_t j = 0; j < child.n; ++j) {
      const uint32_t i = parent_of[j];
      f.steps[i] += child.steps[j] + 1;  // the filter's step and the map's
      if (filtered && (keep.kind != K::kBool || keep.st[j] != kValueRow)) {
        known[i] = 0;
      } else if ((!filtered || keep.i[j] != 0) && element.st[j] == kUnknownRow) {
        known[i] = 0;
      }
    }
    size_t j = 0;
    for (size_t i = 0; i < f.n; ++i) {
      const bool value = owner[i] != 0 && known[i] != 0;
      if (value) out.st[i] = kValueRow;
      out.lb.push_back(static_cast<uint32_t>(out.elems->st.size()));
      for (; j < child.n && parent_of[j] == i; ++j) {
        if (value && (!filtered || keep.i[j] != 0)) Append(element, j, out.elems.get());
      }
      out.le.push_back(static_cast<uint32_t>(out.elems->st.size()));
    }
    return out;
  }

  // list.filter(x, P): known where every P is a known bool.
  Vec FilterList(const PNode& n, Frame& f) {
    std::vector<uint8_t> owner;
    std::vector<uint32_t> parent_of;
    Frame child = Join(n.kids[0], n.slot, f, &owner, &parent_of);
    const Vec& keep = Eval(n.kids[1], child);
    const Vec& element = child.values[static_cast<size_t>(n.slot)];
    Vec out = NewList(static_cast<K>(n.table), f.n);
    std::vector<uint8_t> known(owner);
    for (size_t j = 0; j < child.n; ++j) {
      f.steps[parent_of[j]] += child.steps[j];
      if (keep.kind != K::kBool || keep.st[j] != kValueRow) known[parent_of[j]] = 0;
    }
    size_t j = 0;
    for (size_t i = 0; i < f.n; ++i) {
      if (known[i] != 0) out.st[i] = kValueRow;
      out.lb.push_back(static_cast<uint32_t>(out.elems->st.size()));
      for (; j < child.n && parent_of[j] == i; ++j) {
        if (known[i] != 0 && keep.i[j] != 0) Append(element, j, out.elems.get());
      }
      out.le.push_back(static_cast<uint32_t>(out.elems->st.size()));
    }
    return out;
  }

  // months(d1, d2): the months from d1's through d2's (none when d1 > d2).
  static Vec Months(const Vec& a, const Vec& b) {
    const size_t n = a.st.size();
    Vec out = NewList(K::kPeriod, n);
    for (size_t i = 0; i < n; ++i) {
      out.lb.push_back(static_cast<uint32_t>(out.elems->st.size()));
      // The last year's months are left to the row evaluator (the month
      // after December 9999 does not exist).
      if (a.st[i] == kValueRow && b.st[i] == kValueRow &&
          Date::FromDayNumber(static_cast<int32_t>(b.i[i])).year() < Date::kMaxYear) {
        out.st[i] = kValueRow;
        const Date first = Date::FromDayNumber(static_cast<int32_t>(a.i[i]));
        const Date last = Date::FromDayNumber(static_cast<int32_t>(b.i[i]));
        for (Period m = Period::Of(PeriodKind::kMonth, first); first <= last && m.start() <= last;
             m = m.Next()) {
          out.elems->st.push_back(kValueRow);
          out.elems->p.push_back(m);
        }
      }
      out.le.push_back(static_cast<uint32_t>(out.elems->st.size()));
    }
    return out;
  }

  // min(list), max(list): the first least (greatest) element, as the row
  // evaluator's; an empty list, or a null among several, is an error.
  static Vec MinMax(bool is_min, const Vec& list) {
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
  static Vec Sum(const PNode& n, const Vec& list) {
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
  static Vec InVec(const Vec& x, const Vec& list) {
    Vec out;
    const size_t n = x.st.size();
    Resize(&out, K::kBool, n);
    if (list.kind != K::kList || x.kind == K::kUnknown || x.kind == K::kRow ||
        x.kind == K::kRelation || x.kind == K::kList || x.kind == K::kSpan ||
        list.elems->kind == K::kSpan) {
      return out;
    }
    const Vec& e = *list.elems;
    for (size_t i = 0; i < n; ++i) {
      if (x.st[i] == kUnknownRow || list.st[i] != kValueRow) continue;
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

  // covered_days(p, spans, ...) as the row evaluator's: the days of p every
  // list of spans covers.
  Vec CoveredDays(const PNode& n, Frame& f) {
    const Vec& p = Eval(n.kids[0], f);
    std::vector<const Vec*> lists;
    for (size_t k = 1; k < n.kids.size(); ++k) lists.push_back(&Eval(n.kids[k], f));
    Vec out;
    Resize(&out, K::kInt, f.n);
    constexpr size_t kMaxDays = 366;
    for (size_t i = 0; i < f.n; ++i) {
      if (p.st[i] != kValueRow) continue;
      bool known = true;
      for (const Vec* lp : lists) {
        const Vec& l = *lp;
        known = known && l.kind == K::kList && l.st[i] == kValueRow;
        for (uint32_t k = known ? l.lb[i] : 0; known && k < l.le[i]; ++k) {
          known = l.elems->st[k] == kValueRow;
        }
      }
      if (!known) continue;
      const int64_t first = p.p[i].start().day_number();
      const int64_t last = p.p[i].end().day_number();
      std::bitset<kMaxDays> every;
      every.set();
      for (const Vec* lp : lists) {
        const Vec& l = *lp;
        std::bitset<kMaxDays> covered;
        for (uint32_t k = l.lb[i]; k < l.le[i]; ++k) {
          const int64_t a = std::max(l.elems->i[k], first);
          const int64_t b = std::min(l.elems->j[k], last);
          for (int64_t d = a; d <= b; ++d) covered.set(static_cast<size_t>(d - first));
        }
        every &= covered;
      }
      out.st[i] = kValueRow;
      out.i[i] = static_cast<int64_t>(every.count());
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
    const Vec& c = Eval(n.kids[0], f);
    Vec a = EvalFor(n.kids[1], f, Narrow(c, false, f));
    Vec b = EvalFor(n.kids[2], f, Narrow(c, true, f));
    if (n.kind == K::kList) return CondLists(n, c, a, b);
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

  // c ? a : b of lists (a constant branch is the empty list).
  static Vec CondLists(const PNode& n, const Vec& c, const Vec& a, const Vec& b) {
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
  static std::optional<bool> EqualsAt(const Vec& a, size_t i, const Vec& b, size_t k) {
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
      const std::optional<bool> r = EqualsAt(a, i, b, i);
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
  Frame* pairs_ = nullptr;
  Frame* subjects_ = nullptr;
  std::vector<uint32_t> subject_of_;
};

}  // namespace

void RulePlan::Values(const std::vector<uint32_t>& rows,
                      std::vector<std::optional<Value>>* out) const {
  Frame f;
  f.n = rows.size();
  f.vars.resize(1);
  f.vars[0].assign(rows.begin(), rows.end());
  f.steps.assign(f.n, 0);
  Runner runner(*impl_);
  runner.SetFrames(&f, nullptr, {});
  const Vec& v = runner.Eval(impl_->root, f);
  out->assign(f.n, std::nullopt);
  for (size_t i = 0; i < f.n; ++i) {
    if (v.st[i] == kUnknownRow || f.steps[i] >= impl_->max_steps) continue;
    if (v.st[i] == kNullRow || v.kind == K::kNull) {
      (*out)[i] = Value::Null();
      continue;
    }
    switch (v.kind) {
      case K::kBool: (*out)[i] = Value::Bool(v.i[i] != 0); break;
      case K::kInt: (*out)[i] = Value::Int(v.i[i]); break;
      case K::kDecimal: (*out)[i] = Value::FromDecimal(v.d[i]); break;
      case K::kDate:
        (*out)[i] = Value::FromDate(Date::FromDayNumber(static_cast<int32_t>(v.i[i])));
        break;
      case K::kString: (*out)[i] = Value::String(std::string(v.s[i])); break;
      case K::kPeriod: (*out)[i] = Value::FromPeriod(v.p[i]); break;
      default: break;
    }
  }
}

void RulePlan::Periods(const std::vector<uint32_t>& rows,
                       std::vector<std::optional<std::vector<Period>>>* out) const {
  Frame f;
  f.n = rows.size();
  f.vars.resize(1);
  f.vars[0].assign(rows.begin(), rows.end());
  f.steps.assign(f.n, 0);
  Runner runner(*impl_);
  runner.SetFrames(&f, nullptr, {});
  const Vec& list = runner.Eval(impl_->root, f);
  out->assign(f.n, std::nullopt);
  for (size_t i = 0; i < f.n; ++i) {
    if (list.kind != K::kList || list.st[i] == kUnknownRow || f.steps[i] >= impl_->max_steps) {
      continue;
    }
    std::vector<Period>& periods = (*out)[i].emplace();
    if (list.st[i] != kValueRow) continue;  // null: no periods
    for (uint32_t k = list.lb[i]; k < list.le[i]; ++k) {
      if (list.elems->kind == K::kPeriod && list.elems->st[k] == kValueRow) {
        periods.push_back(list.elems->p[k]);
      }
    }
    std::sort(periods.begin(), periods.end());
    periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
  }
}

void RulePlan::Filter(const std::vector<uint32_t>& rows, const std::vector<Period>& periods,
                      std::vector<uint8_t>* keep) const {
  Frame f;
  f.n = rows.size();
  f.vars.resize(1);
  f.vars[0].assign(rows.begin(), rows.end());
  f.periods = periods;
  f.steps.assign(f.n, 0);
  Runner runner(*impl_);
  // The distinct subjects of the pairs (a subject's pairs are consecutive).
  Frame subjects;
  std::vector<uint32_t> subject_of;
  const bool by_subject = !periods.empty();
  if (by_subject) {
    subjects.vars.resize(1);
    for (size_t i = 0; i < f.n; ++i) {
      if (i == 0 || rows[i] != rows[i - 1]) subjects.vars[0].push_back(static_cast<int32_t>(rows[i]));
      subject_of.push_back(static_cast<uint32_t>(subjects.vars[0].size() - 1));
    }
    subjects.n = subjects.vars[0].size();
    subjects.steps.assign(subjects.n, 0);
  }
  runner.SetFrames(&f, by_subject ? &subjects : nullptr, subject_of);
  const Vec& when = runner.Eval(impl_->root, f);
  keep->assign(f.n, 1);
  for (size_t i = 0; i < f.n; ++i) {
    const uint64_t steps = f.steps[i] + (by_subject ? subjects.steps[subject_of[i]] : 0);
    const bool known_false = when.kind == K::kBool && when.st[i] == kValueRow &&
                             when.i[i] == 0 && steps < impl_->max_steps;
    (*keep)[i] = known_false ? 0 : 1;
  }
}

}  // namespace zhucun::internal
