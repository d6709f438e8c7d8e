// A plan's operators on the rows of a frame (plan_runner.h): the memo of
// each operator's output per frame, the narrowing of `&&`, `||` and `?:`,
// and the operators that read columns, constants, lists and periods.

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/period_days.h"
#include "expr/stdlib.h"
#include "plan/plan_fused.h"
#include "plan/plan_ir.h"
#include "plan/plan_kernels.h"
#include "plan/plan_runner.h"

namespace zhucun::internal {

// The pairs' frame, and the frame of their distinct subjects with the
// subject of each pair: what does not read the period is computed once
// per subject and gathered to the pairs. Each operator is computed at
// most once per frame (a let read twice is computed once).
void Runner::SetFrames(Frame* pairs, Frame* subjects, std::vector<uint32_t> subject_of) {
  pairs_ = pairs;
  subjects_ = subjects;
  subject_of_ = std::move(subject_of);
}

// Operator `id` on frame f, computed once for the rows f needs.
const Vec& Runner::Eval(int id, Frame& f) {
  const auto index = static_cast<size_t>(id);
  if (f.memo.empty()) f.memo.resize(plan_.nodes.size());
  Frame::Memo& m = f.memo[index];
  const bool loops = plan_.nodes[index].loops;
  const bool per_subject = &f == pairs_ && subjects_ != nullptr && !plan_.nodes[index].period;
  if (m.value != nullptr && Covers(m, f.active)) {
    // Its steps are counted again: the row evaluator may compute it again
    // (not a let: computed once, see PNode::let_root).
    if (!plan_.nodes[index].let_root) {
      for (size_t i = 0; i < m.steps.size(); ++i) f.steps[i] += m.steps[i];
    }
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

// Adds to (*kept)[k] the rows of f for which no step up to k (the
// operators `steps`, bools; -1 keeps every row) is known false.
void Runner::CountSteps(const std::vector<int>& steps, Frame& f, std::vector<uint64_t>* kept) {
  kept->resize(steps.size());
  std::vector<uint8_t> active(f.n, 1);
  size_t count = f.n;
  for (size_t k = 0; k < steps.size(); ++k) {
    if (steps[k] >= 0) {
      const Vec& v = EvalFor(steps[k], f, active);
      if (v.kind == K::kBool) {  // (one pass, no branch a row)
        const uint8_t* st = v.st.data();
        const int64_t* x = v.i.data();
        uint8_t* a = active.data();
        count = 0;
        for (size_t i = 0; i < f.n; ++i) {
          a[i] &= static_cast<uint8_t>(st[i] != kValueRow || x[i] != 0);
          count += a[i];
        }
      }
    }
    (*kept)[k] += count;
  }
}

// Operator `id` on frame f where operator `guard` (a bool) is not known
// false (the other rows may be left unknown).
const Vec& Runner::EvalWhere(int id, Frame& f, int guard) {
  // The guard is a program of its own (a `when`), its steps counted there:
  // reading it here takes none of this one's.
  std::vector<uint64_t> steps = f.steps;
  std::vector<uint64_t> subject_steps;
  if (subjects_ != nullptr) subject_steps = subjects_->steps;
  const std::vector<uint8_t> active = Narrow(Eval(guard, f), false, f);
  f.steps = std::move(steps);
  if (subjects_ != nullptr) subjects_->steps = std::move(subject_steps);
  return EvalFor(id, f, active);
}

// Whether a memo computed every row `active` needs.
bool Runner::Covers(const Frame::Memo& m, const std::vector<uint8_t>* active) {
  if (m.all) return true;
  if (active == nullptr) return false;
  for (size_t i = 0; i < active->size(); ++i) {
    if ((*active)[i] != 0 && m.active[i] == 0) return false;
  }
  return true;
}

// Operator `id` on the subjects' frame, for the subjects of the pairs
// needed.
const Vec& Runner::EvalPerSubject(int id, const Frame& pairs) {
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
std::vector<uint8_t> Runner::Narrow(const Vec& a, bool decisive, const Frame& f) {
  std::vector<uint8_t> out(f.n, 1);
  if (f.active != nullptr) out = *f.active;
  if (a.kind != K::kBool) return out;
  // (Without branches: decided where a value equal to `decisive`.)
  const uint8_t* st = a.st.data();
  const int64_t* v = a.i.data();
  const int64_t want = decisive ? 1 : 0;
  for (size_t i = 0; i < f.n; ++i) {
    const uint8_t decided = static_cast<uint8_t>((st[i] == kValueRow) & ((v[i] != 0) == (want != 0)));
    out[i] = static_cast<uint8_t>((out[i] != 0) & (decided ^ 1));
  }
  return out;
}

// Evaluates `id` for the rows `active` (and perhaps others).
const Vec& Runner::EvalFor(int id, Frame& f, const std::vector<uint8_t>& active) {
  const std::vector<uint8_t>* saved = f.active;
  f.active = &active;
  const Vec& v = Eval(id, f);
  f.active = saved;
  return v;
}

Vec Runner::Compute(int id, Frame& f) {
  const PNode& n = plan_.nodes[static_cast<size_t>(id)];
  Vec out;
  if (const Fused* fused = plan_.fused.empty() ? nullptr : plan_.fused[static_cast<size_t>(id)].get();
      fused != nullptr) {
    for (const int input : fused->inputs()) Eval(input, f);
    if (fused->Run(f, &out)) return out;
  }
  switch (n.op) {
    case Op::kUnknown:
    case Op::kRelation:  // only read through its parent
    case Op::kRelFilter:
      Resize(&out, K::kUnknown, f.n);
      return out;
    case Op::kFacts:
      Resize(&out, K::kRow, f.n);
      out.table = n.table;
      std::fill(out.st.begin(), out.st.end(), kValueRow);  // (row 0 of each)
      return out;
    case Op::kAddYears: {  // as the row evaluator's; out of range: unknown
      const Vec& d = Eval(n.kids[0], f);
      const Vec& y = Eval(n.kids[1], f);
      Resize(&out, K::kDate, f.n);
      if (d.kind != K::kDate || y.kind != K::kInt) return out;
      for (size_t i = 0; i < f.n; ++i) {
        if (d.st[i] != kValueRow || y.st[i] != kValueRow) continue;
        if (y.i[i] < -10000 || y.i[i] > 10000) continue;
        const std::optional<Date> r = Date::FromDayNumber(static_cast<int32_t>(d.i[i]))
                                          .AddYears(static_cast<int>(y.i[i]));
        if (!r) continue;
        out.st[i] = kValueRow;
        out.i[i] = r->day_number();
      }
      return out;
    }
    case Op::kToDecimal: {
      const Vec& x = Eval(n.kids[0], f);
      Resize(&out, K::kDecimal, f.n);
      if (x.kind == K::kDecimal) return x;
      if (x.kind != K::kInt) return out;
      for (size_t i = 0; i < f.n; ++i) {
        if (x.st[i] != kValueRow) continue;  // (decimal(null) is an error)
        out.st[i] = kValueRow;
        out.d[i] = Decimal::FromInt(x.i[i]);
      }
      return out;
    }
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
    case Op::kColumn: return Column(n, Eval(n.kids[0], f), f.active);
    case Op::kForward: return Forward(n, Eval(n.kids[0], f));
    case Op::kRelSize: return RelSize(n, f);
    case Op::kListSize: {
      const Vec& l = Eval(n.kids[0], f);
      Resize(&out, K::kInt, f.n);
      for (size_t i = 0; i < f.n; ++i) {
        if (l.kind != K::kList || l.st[i] != kValueRow) continue;
        out.st[i] = kValueRow;
        out.i[i] = l.le[i] - l.lb[i];
      }
      return out;
    }
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
    case Op::kMapRel: return Collect(n, f, n.kids[1], n.kids.size() > 2 ? n.kids[2] : -1);
    case Op::kFilterList: return Collect(n, f, -1, n.kids[1]);
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
      MapLookup map(n.constant.map_value());
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
        // Four-digit years only: period() parses what string() wrote, and
        // Period::Parse reads four digits as FromIndex(kYear, year, 1).
        if (y.st[i] != kValueRow || y.i[i] < 1000 || y.i[i] > 9999) continue;
        out.st[i] = kValueRow;
        out.p[i] = *Period::FromIndex(PeriodKind::kYear, static_cast<int>(y.i[i]), 1);
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
        out.i[i] = LastDay(a.p[i]) - FirstDay(a.p[i]) + 1;
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
        out.i[i] = n.op == Op::kStart ? FirstDay(a.p[i]) : LastDay(a.p[i]);
      }
      return out;
    }
  }
  Resize(&out, K::kUnknown, f.n);
  return out;
}

Vec Runner::Const(const PNode& n, size_t size) {
  if (n.kind == K::kList && (n.constant.list_value().empty() ||
                             static_cast<K>(n.table) != K::kUnknown)) {
    // A constant list (the empty list, or a comprehension's range): every
    // row the same elements.
    const ValueList& list = n.constant.list_value();
    Vec element;
    element.kind = static_cast<K>(n.table);
    element.table = 0;
    PNode e;
    e.kind = element.kind;
    for (const Value& v : list) {
      e.constant = v;
      const Vec one = Const(e, 1);
      Append(one, 0, &element);
    }
    Vec out = NewList(element.kind, size);
    *out.elems = std::move(element);
    out.st.assign(size, kValueRow);
    out.lb.assign(size, 0);
    out.le.assign(size, static_cast<uint32_t>(list.size()));
    return out;
  }
  // (Filled directly, one value for every row.)
  Vec out;
  out.kind = n.kind;
  const Value& v = n.constant;
  uint8_t state = kValueRow;
  switch (n.kind) {
    case K::kBool: out.i.assign(size, v.bool_value()); break;
    case K::kInt: out.i.assign(size, v.int_value()); break;
    case K::kDate: out.i.assign(size, v.date_value().day_number()); break;
    case K::kDecimal: out.d.assign(size, v.decimal_value()); break;
    case K::kString: out.s.assign(size, v.string_value()); break;
    case K::kPeriod: out.p.assign(size, v.period_value()); break;
    case K::kNull: state = kNullRow; break;
    default: Resize(&out, n.kind, size); return out;  // unknown
  }
  out.st.assign(size, state);
  return out;
}

Vec Runner::Column(const PNode& n, const Vec& rows, const std::vector<uint8_t>* active) {
  Vec out;
  Resize(&out, n.kind, rows.st.size());
  const ::zhucun::Column& c = plan_.facts->tables()[n.table].column(n.column);
  const ColumnView view = c.view();
  if (!ColumnGives(view.type, n.kind)) return out;  // every row unknown
  // A loop per type (`set` writes row i's value of the column's row r).
  const auto fill = [&](auto set) {
    for (size_t i = 0; i < rows.st.size(); ++i) {
      if (rows.st[i] != kValueRow) continue;  // a field of null: an error
      if (active != nullptr && (*active)[i] == 0) continue;  // (not needed: left unknown)
      const auto r = static_cast<size_t>(rows.i[i]);
      if (!view.IsValid(r)) {
        out.st[i] = kNullRow;
        continue;
      }
      out.st[i] = kValueRow;
      set(i, r);
    }
  };
  switch (view.type) {
    case ColumnType::kBool: {
      const auto* d = static_cast<const uint8_t*>(view.data);
      fill([&](size_t i, size_t r) { out.i[i] = d[r] != 0; });
      break;
    }
    case ColumnType::kInt: {
      const auto* d = static_cast<const int64_t*>(view.data);
      fill([&](size_t i, size_t r) { out.i[i] = d[r]; });
      break;
    }
    case ColumnType::kDecimal: {
      const auto* d = static_cast<const int64_t*>(view.data);
      fill([&](size_t i, size_t r) { out.d[i] = Decimal::FromUnscaled(d[r], view.scale); });
      break;
    }
    case ColumnType::kDate: {
      const auto* d = static_cast<const int32_t*>(view.data);
      fill([&](size_t i, size_t r) { out.i[i] = d[r]; });
      break;
    }
    case ColumnType::kString: {
      const auto* d = static_cast<const int32_t*>(view.data);
      const std::vector<std::string>& dict = *view.dictionary;
      fill([&](size_t i, size_t r) { out.s[i] = dict[static_cast<size_t>(d[r])]; });
      break;
    }
    case ColumnType::kMonth: {
      const auto* d = static_cast<const int32_t*>(view.data);
      fill([&](size_t i, size_t r) {
        const int32_t m = d[r];
        auto p = Period::FromIndex(PeriodKind::kMonth, m / 12, m % 12 + 1);
        if (p) {
          out.p[i] = *p;
        } else {
          out.st[i] = kUnknownRow;  // "month out of range"
        }
      });
      break;
    }
    default: fill([&](size_t i, size_t) { out.st[i] = kUnknownRow; }); break;
  }
  return out;
}

Vec Runner::Forward(const PNode& n, const Vec& rows) {
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

// [a, b, ...]: known where every element is.
Vec Runner::ListOf(const PNode& n, Frame& f) {
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

// covered_days(p, spans, ...) as the row evaluator's: the days of p every
// list of spans covers.
//
// Rows next to each other often have the same lists (a subject's periods,
// with its lists computed once per subject and gathered): the days every
// list covers, whatever the period, are found once per such run of rows,
// as sorted disjoint intervals (each list's spans merged, the lists'
// intersected), and each row counts the days of its period in them.
// Known where every list and every span of it is; a span whose start is
// after its end covers nothing.
Vec Runner::CoveredDays(const PNode& n, Frame& f) {
  const Vec& p = Eval(n.kids[0], f);
  std::vector<const Vec*> lists;
  for (size_t k = 1; k < n.kids.size(); ++k) lists.push_back(&Eval(n.kids[k], f));
  Vec out;
  Resize(&out, K::kInt, f.n);
  for (const Vec* lp : lists) {
    if (lp->kind != K::kList) return out;  // (each a list)
  }
  using Days = std::pair<int64_t, int64_t>;  // [first, last]
  std::vector<Days> every, spans, both;  // (reused run to run)
  bool run_known = false;
  size_t run_from = SIZE_MAX;  // the run's first row (none yet)
  const Days* cursor = nullptr;  // (in `every`: where the row before began)
  int64_t cursor_first = INT64_MIN;
  const auto same_lists = [&](size_t i, size_t j) {
    for (const Vec* lp : lists) {
      if (lp->st[i] != lp->st[j] || lp->lb[i] != lp->lb[j] || lp->le[i] != lp->le[j]) return false;
    }
    return true;
  };
  // The run of rows with row i's lists: every day they all cover.
  const auto start_run = [&](size_t i) {
    run_from = i;
    run_known = true;
    cursor = nullptr;
    every.assign(1, Days{INT64_MIN, INT64_MAX});
    for (const Vec* lp : lists) {
      const Vec& l = *lp;
      if (l.st[i] != kValueRow) {
        run_known = false;
        return;
      }
      spans.clear();
      for (uint32_t e = l.lb[i]; e < l.le[i]; ++e) {
        if (l.elems->st[e] != kValueRow) {
          run_known = false;
          return;
        }
        if (l.elems->i[e] <= l.elems->j[e]) spans.emplace_back(l.elems->i[e], l.elems->j[e]);
      }
      std::sort(spans.begin(), spans.end());
      both.clear();
      size_t x = 0;
      for (size_t y = 0; y < spans.size() && x < every.size();) {
        // spans[y] merged with the spans after it that overlap it or
        // follow it without a gap (a start is a date: start - 1 does not
        // overflow; an end may be kNoEnd), then cut to each interval of
        // `every` it meets.
        int64_t a = spans[y].first, b = spans[y].second;
        for (++y; y < spans.size() && spans[y].first - 1 <= b; ++y) b = std::max(b, spans[y].second);
        for (; x < every.size() && every[x].second < a; ++x) {}
        for (size_t z = x; z < every.size() && every[z].first <= b; ++z) {
          both.emplace_back(std::max(a, every[z].first), std::min(b, every[z].second));
        }
      }
      every.swap(both);
    }
  };
  for (size_t i = 0; i < f.n; ++i) {
    if (p.st[i] != kValueRow) continue;
    if (run_from == SIZE_MAX || !same_lists(i, run_from)) start_run(i);
    if (!run_known) continue;
    const auto [first, last] = DaysOf(p.p[i]);
    // (The intervals' ends ascend: from the first that ends on or after
    // the period's first day, to the last that starts on or before its
    // last. A run's periods mostly ascend: that interval is looked for
    // from the one the row before began at.)
    const Days* const begin = every.data();
    const Days* const end = begin + every.size();
    if (cursor == nullptr || cursor > end || first < cursor_first) cursor = begin;
    cursor_first = first;
    while (cursor != end && cursor->second < first) ++cursor;
    int64_t days = 0;
    for (const Days* y = cursor; y != end && y->first <= last; ++y) {
      days += std::min(y->second, last) - std::max(y->first, first) + 1;
    }
    out.st[i] = kValueRow;
    out.i[i] = days;
  }
  return out;
}

Vec Runner::Cond(const PNode& n, Frame& f) {
  const Vec& c = Eval(n.kids[0], f);
  const Vec& a = EvalFor(n.kids[1], f, Narrow(c, false, f));
  const Vec& b = EvalFor(n.kids[2], f, Narrow(c, true, f));
  if (n.kind == K::kList) return CondLists(n, c, a, b);
  Vec out;
  Resize(&out, n.kind, f.n);
  out.table = n.table;
  if (c.kind != K::kBool || a.kind != n.kind || b.kind != n.kind) return out;
  // Row i of a where c is true, of b where false (a loop per kind).
  const auto select = [&](const auto& av, const auto& bv, auto& ov) {
    const uint8_t* cs = c.st.data();
    const int64_t* ci = c.i.data();
    for (size_t i = 0; i < f.n; ++i) {
      if (cs[i] != kValueRow) continue;
      const bool yes = ci[i] != 0;
      const uint8_t st = yes ? a.st[i] : b.st[i];
      out.st[i] = st;
      if (st == kValueRow) ov[i] = yes ? av[i] : bv[i];
    }
  };
  switch (n.kind) {
    case K::kBool: case K::kInt: case K::kDate: case K::kRow: select(a.i, b.i, out.i); break;
    case K::kDecimal: select(a.d, b.d, out.d); break;
    case K::kString: select(a.s, b.s, out.s); break;
    case K::kPeriod: select(a.p, b.p, out.p); break;
    default:
      for (size_t i = 0; i < f.n; ++i) {
        if (c.st[i] == kValueRow) CopyRow(c.i[i] != 0 ? a : b, i, &out, i);
      }
      break;
  }
  return out;
}

}  // namespace zhucun::internal
