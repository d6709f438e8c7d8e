// Running a rule's plan over a batch of (subject row, period) pairs
// (rule_plan.h). Each operator runs over the whole batch; an unknown row
// stays unknown up to the first operator whose result does not depend on it
// (`false && x`, `true || x`).

#include <algorithm>
#include <memory>
#include <optional>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "expr/stdlib.h"
#include "plan/plan_ir.h"
#include "plan/plan_kernels.h"
#include "plan/rule_plan.h"

namespace zhucun::internal {

namespace {

// Operators run over batches of at most this many rows (or pairs), small
// enough for their outputs, and the joins they make, to stay in cache; a
// join with more rows is evaluated a slice of this many at a time.
constexpr size_t kBatch = 4096;

// Rows [begin, end) of f, in a frame of their own (without memos).
Frame Slice(const Frame& f, size_t begin, size_t end) {
  Frame out;
  out.n = end - begin;
  out.vars.resize(f.vars.size());
  for (size_t s = 0; s < f.vars.size(); ++s) {
    if (!f.vars[s].empty()) out.vars[s].assign(f.vars[s].begin() + begin, f.vars[s].begin() + end);
  }
  out.values.resize(f.values.size());
  std::vector<uint32_t> rows(out.n);
  for (size_t j = 0; j < out.n; ++j) rows[j] = static_cast<uint32_t>(begin + j);
  for (size_t s = 0; s < f.values.size(); ++s) {
    if (!f.values[s].st.empty()) out.values[s] = Gather(f.values[s], rows);
  }
  if (!f.periods.empty()) out.periods.assign(f.periods.begin() + begin, f.periods.begin() + end);
  out.steps.assign(out.n, 0);
  return out;
}

// Calls fn(slice, begin) for f (whole, with its memos, when it is small)
// or for each slice of kBatch rows of it, in order.
template <typename Fn>
void ForSlices(Frame& f, Fn fn) {
  if (f.n <= kBatch) {
    fn(f, size_t{0});
    return;
  }
  for (size_t begin = 0; begin < f.n; begin += kBatch) {
    Frame slice = Slice(f, begin, std::min(f.n, begin + kBatch));
    fn(slice, begin);
  }
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

  // Adds to (*kept)[k] the rows of f for which no step up to k (the
  // operators `steps`, bools; -1 keeps every row) is known false.
  void CountSteps(const std::vector<int>& steps, Frame& f, std::vector<uint64_t>* kept) {
    kept->resize(steps.size());
    std::vector<uint8_t> active(f.n, 1);
    for (size_t k = 0; k < steps.size(); ++k) {
      if (steps[k] >= 0) {
        const Vec& v = EvalFor(steps[k], f, active);
        for (size_t i = 0; i < f.n; ++i) {
          if (v.kind == K::kBool && v.st[i] == kValueRow && v.i[i] == 0) active[i] = 0;
        }
      }
      (*kept)[k] += static_cast<uint64_t>(std::count(active.begin(), active.end(), 1));
    }
  }

  // Operator `id` on frame f where operator `guard` (a bool) is not known
  // false (the other rows may be left unknown).
  const Vec& EvalWhere(int id, Frame& f, int guard) {
    return EvalFor(id, f, Narrow(Eval(guard, f), false, f));
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
      case Op::kColumn: return Column(n, Eval(n.kids[0], f));
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
        const ValueMap& map = n.constant.map_value();
        // The last keys looked up, by where their text is: a key read from
        // the facts is a view of its column's dictionary, so equal keys
        // are mostly one text (a different text is looked up anew).
        constexpr size_t kSeen = 8;
        std::string_view seen[kSeen];
        const Value* found[kSeen] = {};
        size_t next_seen = 0;
        for (size_t i = 0; i < f.n; ++i) {
          if (x.st[i] != kValueRow) continue;  // a null key: left to the row evaluator
          const std::string_view key = x.s[i];
          const Value* v = nullptr;
          size_t k = 0;
          while (k < kSeen && !(seen[k].data() == key.data() && seen[k].size() == key.size() &&
                                key.data() != nullptr)) {
            ++k;
          }
          if (k < kSeen) {
            v = found[k];
          } else {
            v = map.Find(key);
            seen[next_seen] = key;
            found[next_seen] = v;
            next_seen = (next_seen + 1) % kSeen;
          }
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

  Vec Column(const PNode& n, const Vec& rows) {
    Vec out;
    Resize(&out, n.kind, rows.st.size());
    const ::zhucun::Column& c = plan_.facts->tables()[n.table].column(n.column);
    const ColumnView view = c.view();
    // The kind the plan was built for must be the column's.
    const bool matches =
        (n.kind == K::kBool && view.type == ColumnType::kBool) ||
        (n.kind == K::kInt && view.type == ColumnType::kInt) ||
        (n.kind == K::kDecimal && view.type == ColumnType::kDecimal) ||
        (n.kind == K::kDate && view.type == ColumnType::kDate) ||
        (n.kind == K::kString && view.type == ColumnType::kString) ||
        (n.kind == K::kPeriod && view.type == ColumnType::kMonth);
    if (!matches) return out;  // every row unknown
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

  // The map steps of listing a composed relation's rows of `row` (none for
  // a relation read as it is).
  static uint64_t ListingSteps(const PNode& rel, int64_t row) {
    if (rel.steps == nullptr || static_cast<size_t>(row) >= rel.steps->size()) return 0;
    return (*rel.steps)[static_cast<size_t>(row)];
  }

  static std::pair<uint32_t, uint32_t> Span(const GroupIndex& g, int64_t row) {
    const auto r = static_cast<size_t>(row);
    if (r + 1 >= g.offsets.size()) return {0, 0};
    return {g.offsets[r], g.offsets[r + 1]};
  }

  Vec RelSize(const PNode& n, Frame& f) {
    const PNode& rel = plan_.nodes[static_cast<size_t>(n.kids[0])];
    Vec out;
    Resize(&out, K::kInt, f.n);
    if (rel.op == Op::kRelFilter) {  // the rows its predicate keeps
      const std::shared_ptr<Joined> j = JoinOnce(n.kids[0], rel.slot, f);
      for (size_t i = 0; i < f.n; ++i) {
        if (j->known[i] == 0) continue;
        out.st[i] = kValueRow;
        out.i[i] = 0;
      }
      for (uint32_t i : j->parent_of) ++out.i[i];
      return out;
    }
    const Vec& parents = Eval(rel.kids[0], f);
    for (size_t i = 0; i < f.n; ++i) {
      if (parents.st[i] != kValueRow) continue;
      const auto [b, e] = Span(*rel.groups, parents.i[i]);
      out.st[i] = kValueRow;
      out.i[i] = e - b;
      f.steps[i] += ListingSteps(rel, parents.i[i]);
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
    if (range.op == Op::kRelFilter) {
      // The relation's rows for which the predicate is true, its conjuncts
      // one after the other, each over the rows the ones before did not
      // find false; a row of f with a row for which the predicate is not a
      // known bool is unknown.
      std::vector<int> conjuncts;
      Conjuncts(range.kids[1], &conjuncts);
      Frame cur;
      size_t first = 0;  // the first conjunct not applied yet
      if (EquiJoin(range, conjuncts[0], slot, f, known, parent_of, &cur)) {
        first = 1;
      } else {
        cur = Join(range.kids[0], slot_in, f, known, parent_of);
      }
      std::vector<uint8_t> unsure(cur.n, 0);  // a conjunct was unknown
      // The conjuncts over the rows of `rows` (their rows of f `parents`),
      // keeping those no conjunct finds false.
      const auto apply = [&](Frame& rows, std::vector<uint32_t>* parents,
                             std::vector<uint8_t>* unknown) {
        for (size_t ci = first; ci < conjuncts.size(); ++ci) {
          const Vec& v = Eval(conjuncts[ci], rows);
          std::vector<uint32_t> in;
          for (size_t k = 0; k < rows.n; ++k) {
            f.steps[(*parents)[k]] += rows.steps[k];
            rows.steps[k] = 0;
            if (v.kind != K::kBool || v.st[k] != kValueRow) {
              (*unknown)[k] = 1;
              in.push_back(static_cast<uint32_t>(k));
            } else if (v.i[k] != 0) {
              in.push_back(static_cast<uint32_t>(k));
            }
          }
          if (in.size() < rows.n) Keep(in, &rows, parents, unknown);
        }
      };
      bool values = false;  // (a frame with values is not sliced)
      for (const Vec& v : cur.values) values = values || !v.st.empty();
      if (cur.n <= kBatch || values) {
        apply(cur, parent_of, &unsure);
      } else {
        // A slice at a time, the rows kept appended in order.
        Frame all = std::move(cur);
        const std::vector<uint32_t> all_parents = std::move(*parent_of);
        cur = Frame();
        cur.vars.resize(all.vars.size());
        cur.values.resize(all.values.size());
        parent_of->clear();
        unsure.clear();
        for (size_t begin = 0; begin < all.n; begin += kBatch) {
          const size_t end = std::min(all.n, begin + kBatch);
          Frame rows = Slice(all, begin, end);
          std::vector<uint32_t> parents(all_parents.begin() + begin, all_parents.begin() + end);
          std::vector<uint8_t> unknown(rows.n, 0);
          apply(rows, &parents, &unknown);
          for (size_t s = 0; s < rows.vars.size(); ++s) {
            cur.vars[s].insert(cur.vars[s].end(), rows.vars[s].begin(), rows.vars[s].end());
          }
          cur.periods.insert(cur.periods.end(), rows.periods.begin(), rows.periods.end());
          parent_of->insert(parent_of->end(), parents.begin(), parents.end());
          unsure.insert(unsure.end(), unknown.begin(), unknown.end());
        }
        cur.n = parent_of->size();
        cur.steps.assign(cur.n, 0);
      }
      std::vector<uint32_t> in;
      for (size_t k = 0; k < cur.n; ++k) {
        if (unsure[k] != 0) (*known)[(*parent_of)[k]] = 0;
      }
      for (size_t k = 0; k < cur.n; ++k) {
        if ((*known)[(*parent_of)[k]] != 0) in.push_back(static_cast<uint32_t>(k));
      }
      if (in.size() < cur.n) Keep(in, &cur, parent_of, &unsure);
      for (uint32_t i : *parent_of) ++f.steps[i];  // (the comprehension over them)
      return cur;
    }
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
        f.steps[i] += e - b + ListingSteps(range, parents.i[i]);
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
    Bind(f, slot, *parent_of, &child);
    return child;
  }

  // A filtered relation whose first conjunct is `x == y` — x reading the
  // relation's row (in `slot`) and nothing of the frame nor the period, y
  // not reading that row — joined by hashing: x is computed once per row
  // of each group, and each row of f is joined only with the rows whose x
  // equals its y, instead of with all of them (the row evaluator's steps
  // over all are still counted). Only where every x and y needed is a
  // value of one kind and the join would repeat the groups' rows; false
  // (and nothing changed) otherwise.
  bool EquiJoin(const PNode& range, int conjunct, size_t slot, Frame& f,
                std::vector<uint8_t>* known, std::vector<uint32_t>* parent_of, Frame* out) {
    const PNode& eq = plan_.nodes[static_cast<size_t>(conjunct)];
    const PNode& rel = plan_.nodes[static_cast<size_t>(range.kids[0])];
    if (eq.op != Op::kEq || rel.op != Op::kRelation || slot >= 64) return false;
    const uint64_t row_bit = uint64_t{1} << slot;
    int x = -1, y = -1;
    for (int side = 0; side < 2 && x < 0; ++side) {
      const PNode& a = plan_.nodes[static_cast<size_t>(eq.kids[side])];
      const PNode& b = plan_.nodes[static_cast<size_t>(eq.kids[1 - side])];
      if (!a.period && (a.reads & (row_bit - 1)) == 0 && (a.reads & row_bit) != 0 &&
          (b.reads & row_bit) == 0) {
        x = eq.kids[side];
        y = eq.kids[1 - side];
      }
    }
    if (x < 0) return false;
    const K kind = plan_.nodes[static_cast<size_t>(x)].kind;
    if (kind != plan_.nodes[static_cast<size_t>(y)].kind ||
        (kind != K::kInt && kind != K::kDate && kind != K::kPeriod && kind != K::kString)) {
      return false;
    }
    // The rows of f needed, and their groups (each once).
    const Vec& parents = Eval(rel.kids[0], f);
    std::vector<int64_t> groups;
    std::unordered_map<int64_t, size_t> group_of;
    uint64_t joined = 0, distinct = 0;
    for (size_t i = 0; i < f.n; ++i) {
      if (parents.st[i] != kValueRow || (f.active != nullptr && (*f.active)[i] == 0)) continue;
      const auto [b, e] = Span(*rel.groups, parents.i[i]);
      joined += e - b;
      if (group_of.emplace(parents.i[i], groups.size()).second) {
        groups.push_back(parents.i[i]);
        distinct += e - b;
      }
    }
    if (joined < 1024 || joined < 2 * distinct) return false;  // (would not pay)
    const Vec& yv = Eval(y, f);
    for (size_t i = 0; i < f.n; ++i) {
      if (parents.st[i] != kValueRow || (f.active != nullptr && (*f.active)[i] == 0)) continue;
      if (yv.kind != kind || yv.st[i] != kValueRow) return false;
    }
    // x over the groups' rows, once.
    Frame rows;
    rows.vars.resize(slot + 1);
    rows.values.resize(slot + 1);
    std::vector<size_t> begin_of;  // per group, its first row in `rows`
    for (int64_t g : groups) {
      begin_of.push_back(rows.vars[slot].size());
      const auto [b, e] = Span(*rel.groups, g);
      for (uint32_t k = b; k < e; ++k) rows.vars[slot].push_back(static_cast<int32_t>(rel.groups->rows[k]));
    }
    begin_of.push_back(rows.vars[slot].size());
    rows.n = rows.vars[slot].size();
    rows.steps.assign(rows.n, 0);
    // Per group: each x's rows, in order, and the steps x took (x a slice
    // of rows at a time).
    const auto key = [kind](const Vec& v, size_t i) -> int64_t {
      if (kind != K::kPeriod) return v.i[i];
      const Period& p = v.p[i];
      return (static_cast<int64_t>(p.kind()) << 48) | (static_cast<int64_t>(p.year()) << 8) | p.index();
    };
    std::vector<std::unordered_map<int64_t, std::vector<uint32_t>>> by_number(groups.size());
    std::vector<std::unordered_map<std::string_view, std::vector<uint32_t>>> by_text(groups.size());
    std::vector<uint64_t> x_steps(groups.size(), 0);
    bool all_known = true;
    size_t gi = 0;  // the group of the row at hand
    ForSlices(rows, [&](Frame& part, size_t begin) {
      const Vec& xv = Eval(x, part);
      for (size_t k = 0; k < part.n && all_known; ++k) {
        if (xv.kind != kind || xv.st[k] != kValueRow) {
          all_known = false;
          break;
        }
        const size_t j = begin + k;
        while (j >= begin_of[gi + 1]) ++gi;
        if (kind == K::kString) {
          by_text[gi][xv.s[k]].push_back(static_cast<uint32_t>(j));
        } else {
          by_number[gi][key(xv, k)].push_back(static_cast<uint32_t>(j));
        }
        x_steps[gi] += part.steps[k];
      }
    });
    if (!all_known) return false;
    out->vars.resize(slot + 1);
    out->values.resize(slot + 1);
    for (size_t i = 0; i < f.n; ++i) {
      if (parents.st[i] != kValueRow || (f.active != nullptr && (*f.active)[i] == 0)) continue;
      const size_t gi = group_of.at(parents.i[i]);
      (*known)[i] = 1;
      f.steps[i] += (begin_of[gi + 1] - begin_of[gi]) + x_steps[gi];
      const std::vector<uint32_t>* match = nullptr;
      if (kind == K::kString) {
        auto it = by_text[gi].find(yv.s[i]);
        if (it != by_text[gi].end()) match = &it->second;
      } else {
        auto it = by_number[gi].find(key(yv, i));
        if (it != by_number[gi].end()) match = &it->second;
      }
      if (match == nullptr) continue;
      for (uint32_t j : *match) {
        parent_of->push_back(static_cast<uint32_t>(i));
        out->vars[slot].push_back(rows.vars[slot][j]);
      }
    }
    Bind(f, slot, *parent_of, out);
    return true;
  }

  // The rows `in` of *f (and of the vectors along), in a new frame.
  static void Keep(const std::vector<uint32_t>& in, Frame* f, std::vector<uint32_t>* parent_of,
                   std::vector<uint8_t>* unsure) {
    Frame out;
    out.n = in.size();
    out.vars.resize(f->vars.size());
    for (size_t s = 0; s < f->vars.size(); ++s) {
      if (f->vars[s].empty()) continue;
      out.vars[s].reserve(in.size());
      for (uint32_t k : in) out.vars[s].push_back(f->vars[s][k]);
    }
    out.values.resize(f->values.size());
    for (size_t s = 0; s < f->values.size(); ++s) {
      if (!f->values[s].st.empty()) out.values[s] = Gather(f->values[s], in);
    }
    for (size_t x = 0; x < in.size(); ++x) {
      const uint32_t k = in[x];
      if (!f->periods.empty()) out.periods.push_back(f->periods[k]);
      (*parent_of)[x] = (*parent_of)[k];
      (*unsure)[x] = (*unsure)[k];
    }
    parent_of->resize(in.size());
    unsure->resize(in.size());
    out.steps.assign(out.n, 0);
    *f = std::move(out);
  }

  // The operands of `id`'s `&&`s, left to right.
  void Conjuncts(int id, std::vector<int>* out) const {
    const PNode& n = plan_.nodes[static_cast<size_t>(id)];
    if (n.op != Op::kAnd) {
      out->push_back(id);
      return;
    }
    Conjuncts(n.kids[0], out);
    Conjuncts(n.kids[1], out);
  }

  // Join, made once per frame for a filtered relation (its predicate is
  // computed once however many comprehensions read it; its steps are
  // counted for each, as the row evaluator may take them again).
  std::shared_ptr<Joined> JoinOnce(int range_id, int slot, Frame& f) {
    const bool once = plan_.nodes[static_cast<size_t>(range_id)].op == Op::kRelFilter;
    if (once) {
      for (const Frame::JoinMemo& m : f.joins) {
        if (m.range != range_id || !Covers(m.rows, f.active)) continue;
        for (size_t i = 0; i < f.n; ++i) f.steps[i] += m.rows.steps[i];
        return m.joined;
      }
    }
    auto j = std::make_shared<Joined>();
    std::vector<uint64_t> before;
    if (once) before = f.steps;
    j->child = Join(range_id, slot, f, &j->known, &j->parent_of);
    if (once) {
      Frame::JoinMemo& m = f.joins.emplace_back();
      m.range = range_id;
      m.joined = j;
      m.rows.all = f.active == nullptr;
      if (!m.rows.all) m.rows.active = *f.active;
      m.rows.steps.resize(f.n);
      for (size_t i = 0; i < f.n; ++i) m.rows.steps[i] = f.steps[i] - before[i];
    }
    return j;
  }

  // The joined frame `child` (its variable `slot` bound) gets the variables
  // of the slots before, the values and the period of each row's parent
  // in f.
  static void Bind(const Frame& f, size_t slot, const std::vector<uint32_t>& parent_of,
                   Frame* child) {
    child->n = parent_of.size();
    for (size_t s = 0; s < slot; ++s) {
      if (s < f.vars.size() && !f.vars[s].empty()) {
        child->vars[s].resize(child->n);
        for (size_t j = 0; j < child->n; ++j) child->vars[s][j] = f.vars[s][parent_of[j]];
      }
      if (s < f.values.size() && !f.values[s].st.empty()) {
        child->values[s] = Gather(f.values[s], parent_of);
      }
    }
    if (!f.periods.empty()) {
      child->periods.resize(child->n);
      for (size_t j = 0; j < child->n; ++j) child->periods[j] = f.periods[parent_of[j]];
    }
    child->steps.assign(child->n, 0);
  }

  // exists, all or filter(...).size() over a relation: the rows of f joined
  // with their child rows, the predicate over the join, grouped back.
  Vec Comprehension(const PNode& n, Frame& f) {
    const std::shared_ptr<Joined> joined = JoinOnce(n.kids[0], n.slot, f);
    Frame& child = joined->child;
    const std::vector<uint8_t>& known = joined->known;
    const std::vector<uint32_t>& parent_of = joined->parent_of;
    Vec out;
    Resize(&out, n.op == Op::kFilterSize ? K::kInt : K::kBool, f.n);
    // Per parent: how many children were true, false and neither.
    std::vector<uint32_t> yes(f.n, 0), no(f.n, 0), other(f.n, 0);
    ForSlices(child, [&](Frame& rows, size_t begin) {
      const Vec& pred = Eval(n.kids[1], rows);
      const bool is_bool = pred.kind == K::kBool;
      for (size_t j = 0; j < rows.n; ++j) {
        const uint32_t i = parent_of[begin + j];
        f.steps[i] += rows.steps[j];
        if (!is_bool || pred.st[j] != kValueRow) {
          ++other[i];
        } else if (pred.i[j] != 0) {
          ++yes[i];
        } else {
          ++no[i];
        }
      }
    });
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

  // relation[.filter(x, P)].map(x, F) and list.filter(x, P): the list of F
  // (`element`; -1: x itself) of the range's elements for which P
  // (`predicate`; -1: none) holds. Known where every P is a known bool and
  // every F of an element P keeps is known (a null is an element).
  Vec Collect(const PNode& n, Frame& f, int element_id, int predicate_id) {
    const std::shared_ptr<Joined> joined = JoinOnce(n.kids[0], n.slot, f);
    Frame& child = joined->child;
    const std::vector<uint8_t>& owner = joined->known;
    const std::vector<uint32_t>& parent_of = joined->parent_of;
    Vec out = NewList(static_cast<K>(n.table), f.n);
    std::vector<uint8_t> known(f.n, 1);
    // Per row of f, its elements in out.elems (the joined rows of a row of
    // f are consecutive, so are its elements): [first, last).
    std::vector<uint32_t> first(f.n, UINT32_MAX), last(f.n, 0);
    ForSlices(child, [&](Frame& rows, size_t begin) {
      const Vec* keep = predicate_id >= 0 ? &Eval(predicate_id, rows) : nullptr;
      const Vec& element =
          element_id >= 0 ? Eval(element_id, rows) : rows.values[static_cast<size_t>(n.slot)];
      for (size_t k = 0; k < rows.n; ++k) {
        const uint32_t i = parent_of[begin + k];
        f.steps[i] += rows.steps[k] + (element_id >= 0 ? 1 : 0);  // and the map's step
        if (keep != nullptr && (keep->kind != K::kBool || keep->st[k] != kValueRow)) {
          known[i] = 0;
          continue;
        }
        if (keep != nullptr && keep->i[k] == 0) continue;  // filtered out
        if (n.flatten ? element.st[k] != kValueRow : element.st[k] == kUnknownRow) {
          known[i] = 0;  // (flatten keeps a null element; the plan does not)
          continue;
        }
        if (known[i] == 0) continue;
        if (first[i] == UINT32_MAX) first[i] = static_cast<uint32_t>(out.elems->st.size());
        if (!n.flatten) {
          Append(element, k, out.elems.get());
        } else {
          for (uint32_t e = element.lb[k]; e < element.le[k]; ++e) {
            Append(*element.elems, e, out.elems.get());
          }
        }
        last[i] = static_cast<uint32_t>(out.elems->st.size());
      }
    });
    for (size_t i = 0; i < f.n; ++i) {
      const bool value = owner[i] != 0 && known[i] != 0;
      if (value) out.st[i] = kValueRow;
      const bool any = value && first[i] != UINT32_MAX;
      out.lb.push_back(any ? first[i] : 0);
      out.le.push_back(any ? last[i] : 0);
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
    std::vector<std::pair<int64_t, int64_t>> every, spans, both;  // (reused row to row)
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
      // The days every list covers, as sorted disjoint intervals: each
      // list's spans cut to the period and merged, intersected in turn.
      every.assign(1, {first, last});
      for (const Vec* lp : lists) {
        const Vec& l = *lp;
        spans.clear();
        for (uint32_t k = l.lb[i]; k < l.le[i]; ++k) {
          const int64_t a = std::max(l.elems->i[k], first);
          const int64_t b = std::min(l.elems->j[k], last);
          if (a <= b) spans.emplace_back(a, b);
        }
        std::sort(spans.begin(), spans.end());
        both.clear();
        size_t x = 0;
        for (size_t y = 0; y < spans.size() && x < every.size();) {
          // spans[y] merged with the spans after it that overlap it.
          int64_t a = spans[y].first, b = spans[y].second;
          for (++y; y < spans.size() && spans[y].first <= b + 1; ++y) b = std::max(b, spans[y].second);
          for (; x < every.size() && every[x].second < a; ++x) {}
          for (size_t z = x; z < every.size() && every[z].first <= b; ++z) {
            both.emplace_back(std::max(a, every[z].first), std::min(b, every[z].second));
          }
        }
        every.swap(both);
      }
      int64_t days = 0;
      for (const auto& [a, b] : every) days += b - a + 1;      out.st[i] = kValueRow;
      out.i[i] = days;
    }
    return out;
  }

  Vec Cond(const PNode& n, Frame& f) {
    const Vec& c = Eval(n.kids[0], f);
    const Vec& a = EvalFor(n.kids[1], f, Narrow(c, false, f));
    const Vec& b = EvalFor(n.kids[2], f, Narrow(c, true, f));
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

  const RulePlan::Impl& plan_;
  Frame* pairs_ = nullptr;
  Frame* subjects_ = nullptr;
  std::vector<uint32_t> subject_of_;
};

}  // namespace

namespace {


// The frame of the subject rows rows[0, n).
Frame RowsFrame(const uint32_t* rows, size_t n) {
  Frame f;
  f.n = n;
  f.vars.resize(1);
  f.vars[0].assign(rows, rows + n);
  f.steps.assign(n, 0);
  return f;
}

// A batch of pairs (rows[i], periods[i]) — `periods` null for a rule
// without periods — and, with periods, the frame of their distinct
// subjects (a subject's pairs are consecutive): what does not read the
// period is computed once per subject.
struct PairFrames {
  PairFrames(const uint32_t* rows, const Period* periods, size_t n)
      : pairs(RowsFrame(rows, n)), by_subject(periods != nullptr) {
    if (!by_subject) return;
    pairs.periods.assign(periods, periods + n);
    subjects.vars.resize(1);
    for (size_t i = 0; i < n; ++i) {
      if (i == 0 || rows[i] != rows[i - 1]) subjects.vars[0].push_back(static_cast<int32_t>(rows[i]));
      subject_of.push_back(static_cast<uint32_t>(subjects.vars[0].size() - 1));
    }
    subjects.n = subjects.vars[0].size();
    subjects.steps.assign(subjects.n, 0);
  }

  void Attach(Runner* runner) { runner->SetFrames(&pairs, by_subject ? &subjects : nullptr, subject_of); }

  // The comprehension steps taken for pair i.
  uint64_t Steps(size_t i) const {
    return pairs.steps[i] + (by_subject ? subjects.steps[subject_of[i]] : 0);
  }

  void ResetSteps() {
    std::fill(pairs.steps.begin(), pairs.steps.end(), 0);
    std::fill(subjects.steps.begin(), subjects.steps.end(), 0);
  }

  Frame pairs;
  Frame subjects;
  std::vector<uint32_t> subject_of;
  bool by_subject;
};

}  // namespace

Value PlannedColumn::Get(size_t i) const {
  if (state[i] != kValue) return Value::Null();
  switch (kind) {
    case ValueKind::kBool: return Value::Bool(ints[i] != 0);
    case ValueKind::kInt: return Value::Int(ints[i]);
    case ValueKind::kDate: return Value::FromDate(Date::FromDayNumber(static_cast<int32_t>(ints[i])));
    case ValueKind::kDecimal: return Value::FromDecimal(decimals[i]);
    case ValueKind::kString: return Value::String(std::string(strings[i]));
    case ValueKind::kPeriod: return Value::FromPeriod(periods[i]);
    default: return Value::Null();
  }
}

void RulePlan::Columns(const std::vector<uint32_t>& rows, const std::vector<Period>& periods,
                       std::vector<PlannedColumn>* out,
                       std::vector<uint64_t>* kept_after) const {
  // (The columns of an earlier call keep their buffers: a caller planning
  // its rows block by block fills the same memory each time.)
  out->resize(impl_->roots.size());
  for (size_t k = 0; k < impl_->roots.size(); ++k) {
    PlannedColumn& c = (*out)[k];
    c.kind = ValueKind::kNull;
    c.codes_of = nullptr;
    c.codes.clear();
    c.state.assign(rows.size(), PlannedColumn::kUnknown);
    if (impl_->roots[k] < 0) continue;
    switch (impl_->nodes[static_cast<size_t>(impl_->roots[k])].kind) {
      case K::kBool: c.kind = ValueKind::kBool; c.ints.resize(rows.size()); break;
      case K::kInt: c.kind = ValueKind::kInt; c.ints.resize(rows.size()); break;
      case K::kDate: c.kind = ValueKind::kDate; c.ints.resize(rows.size()); break;
      case K::kDecimal: c.kind = ValueKind::kDecimal; c.decimals.resize(rows.size()); break;
      case K::kString: c.kind = ValueKind::kString; c.strings.resize(rows.size()); break;
      case K::kPeriod: c.kind = ValueKind::kPeriod; c.periods.resize(rows.size()); break;
      default: break;  // null
    }
  }
  for (size_t begin = 0; begin < rows.size(); begin += kBatch) {
    PairFrames frames(rows.data() + begin, periods.empty() ? nullptr : periods.data() + begin,
                      std::min(rows.size() - begin, kBatch));
    Frame& f = frames.pairs;
    Runner runner(*impl_);
    frames.Attach(&runner);
    for (size_t k = 0; k < impl_->roots.size(); ++k) {
      if (impl_->roots[k] < 0) continue;
      // The steps of the expressions before are not this one's.
      frames.ResetSteps();
      const Vec& v = impl_->guarded && k > 0 && impl_->roots[0] >= 0
                         ? runner.EvalWhere(impl_->roots[k], f, impl_->roots[0])
                         : runner.Eval(impl_->roots[k], f);
      PlannedColumn& c = (*out)[k];
      const PNode& node = impl_->nodes[static_cast<size_t>(impl_->roots[k])];
      if (v.kind != node.kind && v.kind != K::kNull) continue;  // (unknown)
      // A string column read as it is: the codes of its dictionary too.
      const Vec* rows_read = nullptr;
      if (node.op == Op::kColumn && v.kind == K::kString) {
        const ::zhucun::Column& column = impl_->facts->tables()[node.table].column(node.column);
        const PlannedColumn& c = (*out)[k];
        if (column.type() == ColumnType::kString && (c.codes_of == nullptr || c.codes_of == &column)) {
          (*out)[k].codes_of = &column;
          (*out)[k].codes.resize(rows.size());
          rows_read = &runner.Eval(node.kids[0], f);
        }
      }
      for (size_t i = 0; i < f.n; ++i) {
        if (v.st[i] == kUnknownRow || frames.Steps(i) >= impl_->max_steps) continue;
        const size_t r = begin + i;
        if (v.st[i] == kNullRow || v.kind == K::kNull) {
          c.state[r] = PlannedColumn::kNull;
          continue;
        }
        c.state[r] = PlannedColumn::kValue;
        switch (v.kind) {
          case K::kBool: case K::kInt: case K::kDate: c.ints[r] = v.i[i]; break;
          case K::kDecimal: c.decimals[r] = v.d[i]; break;
          case K::kString:
            c.strings[r] = v.s[i];
            if (rows_read != nullptr) {
              c.codes[r] = c.codes_of->int32s()[static_cast<size_t>(rows_read->i[i])];
            }
            break;
          case K::kPeriod: c.periods[r] = v.p[i]; break;
          default: c.state[r] = PlannedColumn::kUnknown; break;
        }
      }
    }
    // (After the roots: the steps read what `when` computed.)
    if (kept_after != nullptr) runner.CountSteps(impl_->steps, f, kept_after);
  }
}

void RulePlan::Periods(const std::vector<uint32_t>& rows,
                       std::vector<std::optional<std::vector<Period>>>* out) const {
  Frame f = RowsFrame(rows.data(), rows.size());
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
                      std::vector<uint8_t>* keep, std::vector<uint64_t>* kept_after) const {
  keep->assign(rows.size(), 1);
  for (size_t begin = 0; begin < rows.size(); begin += kBatch) {
    FilterBatch(rows.data() + begin, periods.empty() ? nullptr : periods.data() + begin,
                std::min(rows.size() - begin, kBatch), keep->data() + begin, kept_after);
  }
}

void RulePlan::FilterBatch(const uint32_t* rows, const Period* periods, size_t n,
                           uint8_t* keep, std::vector<uint64_t>* kept_after) const {
  PairFrames frames(rows, periods, n);
  Runner runner(*impl_);
  frames.Attach(&runner);
  const Vec& when = runner.Eval(impl_->root, frames.pairs);
  for (size_t i = 0; i < n; ++i) {
    const bool known_false = when.kind == K::kBool && when.st[i] == kValueRow &&
                             when.i[i] == 0 && frames.Steps(i) < impl_->max_steps;
    keep[i] = known_false ? 0 : 1;
  }
  // (After `when`: the steps read what it computed.)
  if (kept_after != nullptr) runner.CountSteps(impl_->steps, frames.pairs, kept_after);
}

}  // namespace zhucun::internal
