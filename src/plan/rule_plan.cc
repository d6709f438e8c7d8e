// RulePlan's methods (rule_plan.h): the rows and pairs of a call cut into
// batches of kBatch, each a frame (with, for pairs, the frame of their
// subjects) run by a Runner (plan_runner.h).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "plan/plan_fused.h"
#include "plan/plan_ir.h"
#include "plan/plan_kernels.h"
#include "plan/plan_runner.h"
#include "plan/rule_plan.h"

namespace zhucun::internal {

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

// The periods (*v)[first..] sorted, each once. A long list of few
// periods (a year of each of millions of rows) is not sorted as it is:
// its distinct periods are found first, then sorted.
void SortUnique(std::vector<Period>* v, size_t first) {
  const auto b = v->begin() + static_cast<ptrdiff_t>(first);
  if (std::is_sorted(b, v->end())) {
    v->erase(std::unique(b, v->end()), v->end());
    return;
  }
  constexpr size_t kFew = 32;
  if (v->end() - b > 4 * static_cast<ptrdiff_t>(kFew)) {
    std::vector<Period> few;
    for (auto it = b; it != v->end() && few.size() <= kFew; ++it) {
      if ((!few.empty() && few.back() == *it) ||
          std::find(few.begin(), few.end(), *it) != few.end()) {
        continue;
      }
      few.push_back(*it);
    }
    if (few.size() <= kFew) {
      std::sort(few.begin(), few.end());
      v->erase(b, v->end());
      v->insert(v->end(), few.begin(), few.end());
      return;
    }
  }
  std::sort(b, v->end());
  v->erase(std::unique(b, v->end()), v->end());
}

// Calls fn(frames, runner, begin) for each batch of at most kBatch of the
// pairs (rows[i], periods[i]) — `periods` empty for a rule without
// periods — from `begin` on: the batch's frames, attached to a runner of
// `plan`.
template <typename Fn>
void ForBatches(const RulePlan::Impl& plan, const std::vector<uint32_t>& rows,
                const std::vector<Period>& periods, Fn fn) {
  for (size_t begin = 0; begin < rows.size(); begin += kBatch) {
    PairFrames frames(rows.data() + begin, periods.empty() ? nullptr : periods.data() + begin,
                      std::min(rows.size() - begin, kBatch));
    Runner runner(plan);
    frames.Attach(&runner);
    fn(frames, runner, begin);
  }
}

}  // namespace

Value PlannedColumn::Get(size_t i) const {
  if (state[i] != kValue) return Value::Null();
  switch (kind) {
    case ValueKind::kBool: return Value::Bool(ints[i] != 0);
    case ValueKind::kInt: return Value::Int(ints[i]);
    case ValueKind::kDate: return Value::FromDate(Date::FromDayNumber(static_cast<int32_t>(ints[i])));
    case ValueKind::kDecimal: return Value::FromDecimal(DecimalAt(i));
    case ValueKind::kString: return Value::String(std::string(Text(i)));
    case ValueKind::kPeriod: return Value::FromPeriod(periods[i]);
    default: return Value::Null();
  }
}

namespace {

// The state of v's row j (of frame g, whose steps are steps(j)) as
// PlannedColumn gives it for an expression of kind `kind`: unknown where v
// is of another kind, the row is unknown, or its comprehensions may take
// `max_steps` or more.
template <typename StepsFn>
uint8_t StateOf(const Vec& v, K kind, size_t j, StepsFn steps, uint64_t max_steps) {
  if (v.kind != kind && v.kind != K::kNull) return PlannedColumn::kUnknown;
  if (v.st[j] == kUnknownRow || steps(j) >= max_steps) return PlannedColumn::kUnknown;
  if (v.st[j] == kNullRow || v.kind == K::kNull) return PlannedColumn::kNull;
  switch (v.kind) {
    case K::kBool: case K::kInt: case K::kDate: case K::kDecimal: case K::kString:
    case K::kPeriod:
      return PlannedColumn::kValue;
    default:
      return PlannedColumn::kUnknown;
  }
}

// Sets c's kind for an expression of kind `kind` (null for another).
void SetKind(PlannedColumn& c, K kind) {
  switch (kind) {
    case K::kBool: c.kind = ValueKind::kBool; break;
    case K::kInt: c.kind = ValueKind::kInt; break;
    case K::kDate: c.kind = ValueKind::kDate; break;
    case K::kDecimal: c.kind = ValueKind::kDecimal; break;
    case K::kString: c.kind = ValueKind::kString; break;
    case K::kPeriod: c.kind = ValueKind::kPeriod; break;
    default: c.kind = ValueKind::kNull; break;
  }
}

// Appends v's row j (in state `state`) to c.
void Push(PlannedColumn& c, const Vec& v, size_t j, uint8_t state) {
  c.state.push_back(state);
  const bool value = state == PlannedColumn::kValue;
  switch (c.kind) {
    case ValueKind::kBool: case ValueKind::kInt: case ValueKind::kDate:
      c.ints.push_back(value ? v.i[j] : 0);
      break;
    case ValueKind::kDecimal: c.decimals.push_back(value ? v.d[j] : Decimal()); break;
    case ValueKind::kString: c.strings.push_back(value ? v.s[j] : std::string_view()); break;
    case ValueKind::kPeriod: c.periods.push_back(value ? v.p[j] : Period()); break;
    default: break;
  }
}

}  // namespace

void RulePlan::Columns(const std::vector<uint32_t>& rows, const std::vector<Period>& periods,
                       std::vector<PlannedColumn>* out,
                       std::vector<uint64_t>* kept_after) const {
  // (The columns of an earlier call keep their buffers: a caller planning
  // its rows block by block fills the same memory each time.)
  out->resize(impl_->roots.size());
  // Per root, the facts' column of strings it reads as it is (`row.name`),
  // or null: such a column is given as its codes alone (no text looked up).
  std::vector<const ::zhucun::Column*> coded(impl_->roots.size(), nullptr);
  // Per root, its fused program where its lanes are taken as they are
  // (Fused::RunView) — a value of one lane type, computed once (no other
  // program reads it, no other root is it) — or null. (A decimal's only
  // where the rows are one batch: its column is then the program's
  // coefficients, or the general operators' decimals, not some of each.)
  std::vector<const Fused*> direct(impl_->roots.size(), nullptr);
  if (!impl_->fused.empty()) {
    std::vector<uint8_t> read(impl_->nodes.size(), 0);
    for (const auto& program : impl_->fused) {
      for (const int input : program ? program->inputs() : std::vector<int>{}) {
        read[static_cast<size_t>(input)] = 1;
      }
    }
    for (size_t k = 0; k < impl_->roots.size(); ++k) {
      const int root = impl_->roots[k];
      if (root < 0 || read[static_cast<size_t>(root)] != 0 ||
          std::count(impl_->roots.begin(), impl_->roots.end(), root) > 1) {
        continue;
      }
      const Fused* program = impl_->fused[static_cast<size_t>(root)].get();
      const K kind = impl_->nodes[static_cast<size_t>(root)].kind;
      if (program != nullptr && (kind == K::kBool || kind == K::kInt || kind == K::kDate ||
                                 (kind == K::kDecimal && rows.size() <= kBatch) ||
                                 kind == K::kString)) {
        direct[k] = program;
      }
    }
  }
  for (size_t k = 0; k < impl_->roots.size(); ++k) {
    PlannedColumn& c = (*out)[k];
    c.kind = ValueKind::kNull;
    c.codes_of = nullptr;
    c.codes.clear();
    c.coded = false;
    c.texts.clear();
    c.strings.clear();
    c.scale = -1;
    c.state.assign(rows.size(), PlannedColumn::kUnknown);
    if (impl_->roots[k] < 0) continue;
    const PNode& node = impl_->nodes[static_cast<size_t>(impl_->roots[k])];
    SetKind(c, node.kind);
    if (node.op == Op::kColumn && node.kind == K::kString) {
      const ::zhucun::Column& column = impl_->facts->tables()[node.table].column(node.column);
      if (column.type() == ColumnType::kString) {
        coded[k] = &column;
        c.codes_of = &column;
        c.codes.resize(rows.size());
        continue;
      }
    }
    switch (c.kind) {
      case ValueKind::kBool: case ValueKind::kInt: case ValueKind::kDate:
        c.ints.resize(rows.size());
        break;
      case ValueKind::kDecimal:
        if (direct[k] != nullptr) {  // (the program's scale: coefficients)
          c.scale = direct[k]->scale();
          c.ints.resize(rows.size());
          c.decimals.clear();
        } else {
          c.decimals.resize(rows.size());
        }
        break;
      case ValueKind::kString:
        // (The program's codes where it gives them; as a decimal's
        // coefficients, only where the rows are one batch.)
        if (direct[k] != nullptr && direct[k]->result().codable && rows.size() <= kBatch) {
          c.coded = true;
          c.codes.resize(rows.size());
        } else {
          c.strings.resize(rows.size());
        }
        break;
      case ValueKind::kPeriod: c.periods.resize(rows.size()); break;
      default: break;  // null
    }
  }
  ForBatches(*impl_, rows, periods, [&](PairFrames& frames, Runner& runner, size_t begin) {
    Frame& f = frames.pairs;
    // Per row j of the batch, into `state`: unknown where `unknown(j)` or
    // its comprehensions may take the steps' limit (left so), null where
    // `null(j)`, else a value, which `put(r, j)` writes at the column's row r.
    const auto fill = [&](uint8_t* state, auto unknown, auto null, auto put) {
      for (size_t j = 0; j < f.n; ++j) {
        if (unknown(j) || frames.Steps(j) >= impl_->max_steps) continue;
        if (null(j)) {
          state[j] = PlannedColumn::kNull;
          continue;
        }
        state[j] = PlannedColumn::kValue;
        put(begin + j, j);
      }
    };
    // Where no row can take a comprehension step (the plan iterates over
    // nothing), a program's lanes give the states alone: unknown where
    // `bad`, else null where `nul`, else a value — without a branch per
    // row, a loop for each mask there is. (Its values are then copied for
    // every row: a reader reads a value row's alone.)
    const bool stepless = !impl_->loops && impl_->max_steps > 0;
    const auto states = [&](uint8_t* state, const uint8_t* bad, const uint8_t* nul) {
      WithMasks(bad, nul, [&](auto bad_at, auto nul_at) {
        for (size_t j = 0; j < f.n; ++j) {
          // (1 or 2, and-ed with 0 where unknown.)
          state[j] = static_cast<uint8_t>((PlannedColumn::kValue + nul_at(j)) &
                                          static_cast<uint8_t>(bad_at(j) - 1));
        }
      });
    };
    static_assert(PlannedColumn::kUnknown == 0 && PlannedColumn::kValue == 1 &&
                  PlannedColumn::kNull == 2);
    for (size_t k = 0; k < impl_->roots.size(); ++k) {
      if (impl_->roots[k] < 0) continue;
      // The steps of the expressions before are not this one's.
      frames.ResetSteps();
      PlannedColumn& c = (*out)[k];
      const PNode& node = impl_->nodes[static_cast<size_t>(impl_->roots[k])];
      uint8_t* state = c.state.data() + begin;
      if (coded[k] != nullptr) {
        // The column's code at each row read (as Runner::Column: unknown
        // where the row is not a value — a field of null is an error —
        // null where the cell is).
        const Vec& read = runner.Eval(node.kids[0], f);
        const ColumnView view = coded[k]->view();
        const int32_t* codes = coded[k]->int32s().data();
        for (size_t j = 0; j < f.n; ++j) {
          if (read.st[j] != kValueRow) continue;
          if (!stepless && frames.Steps(j) >= impl_->max_steps) continue;
          const auto r = static_cast<size_t>(read.i[j]);
          if (!view.IsValid(r)) {
            state[j] = PlannedColumn::kNull;
            continue;
          }
          state[j] = PlannedColumn::kValue;
          c.codes[begin + j] = codes[r];
        }
        continue;
      }
      if (direct[k] != nullptr) {
        for (const int input : direct[k]->inputs()) runner.Eval(input, f);
        Fused::View lanes;
        if (direct[k]->RunView(f, &lanes)) {
          const auto unknown = [&](size_t j) { return lanes.bad != nullptr && lanes.bad[j] != 0; };
          const auto null = [&](size_t j) { return lanes.nul != nullptr && lanes.nul[j] != 0; };
          const bool as_ints = c.kind == ValueKind::kBool || c.kind == ValueKind::kInt ||
                               c.kind == ValueKind::kDate ||
                               (c.kind == ValueKind::kDecimal && c.scale >= 0);
          if (stepless && (c.coded || as_ints)) {
            states(state, lanes.bad, lanes.nul);
            if (c.coded) {
              c.texts.assign(lanes.texts, lanes.texts + lanes.text_count);
              std::copy(lanes.codes, lanes.codes + f.n, c.codes.data() + begin);
            } else {  // (ints, or a decimal's coefficients at c.scale, the program's)
              std::copy(lanes.data, lanes.data + f.n, c.ints.data() + begin);
            }
          } else if (c.kind == ValueKind::kString && c.coded) {
            c.texts.assign(lanes.texts, lanes.texts + lanes.text_count);
            fill(state, unknown, null, [&](size_t r, size_t j) { c.codes[r] = lanes.codes[j]; });
          } else if (c.kind == ValueKind::kString) {
            fill(state, unknown, null, [&](size_t r, size_t j) {
              c.strings[r] = lanes.s != nullptr ? lanes.s[j]
                                                : lanes.texts[static_cast<size_t>(lanes.codes[j])];
            });
          } else {  // (ints, or a decimal's coefficient at c.scale, the program's)
            fill(state, unknown, null, [&](size_t r, size_t j) { c.ints[r] = lanes.data[j]; });
          }
          continue;
        }
      }
      if (c.coded) {  // (the program did not run on the one batch: texts)
        c.coded = false;
        c.codes.clear();
        c.strings.resize(rows.size());
      }
      const Vec& v = runner.Eval(impl_->roots[k], f);
      if (v.kind != node.kind && v.kind != K::kNull) continue;  // (unknown)
      // The program did not compute this (the only) batch: its column is
      // the general operators' decimals where one has another scale (an
      // overflow the decimal arithmetic saved by dropping a trailing zero).
      if (c.scale >= 0 && v.kind == K::kDecimal) {
        for (size_t j = 0; j < f.n; ++j) {
          if (v.st[j] == kValueRow && v.d[j].scale() != c.scale) {
            c.decimals.assign(rows.size(), Decimal());
            c.scale = -1;
            break;
          }
        }
      }
      // Per row: its state, and its value where it has one (`put`), with
      // the kind decided once for the batch.
      const auto each = [&](auto put) {
        fill(
            state, [&](size_t j) { return v.st[j] == kUnknownRow; },
            [&](size_t j) { return v.st[j] == kNullRow || v.kind == K::kNull; }, put);
      };
      switch (v.kind) {
        case K::kBool: case K::kInt: case K::kDate:
          each([&](size_t r, size_t j) { c.ints[r] = v.i[j]; });
          break;
        case K::kDecimal:
          if (c.scale >= 0) {
            each([&](size_t r, size_t j) { c.ints[r] = v.d[j].coefficient(); });
          } else {
            each([&](size_t r, size_t j) { c.decimals[r] = v.d[j]; });
          }
          break;
        case K::kString: each([&](size_t r, size_t j) { c.strings[r] = v.s[j]; }); break;
        case K::kPeriod: each([&](size_t r, size_t j) { c.periods[r] = v.p[j]; }); break;
        case K::kNull: each([](size_t, size_t) {}); break;
        default: break;  // (unknown)
      }
    }
    // (After the roots: the steps read what they computed.)
    if (kept_after != nullptr) runner.CountSteps(impl_->steps, f, kept_after);
  });
}

void RulePlan::Findings(const std::vector<uint32_t>& rows, const std::vector<Period>& periods,
                        PlannedFindings* out, std::vector<uint64_t>* kept_after) const {
  const size_t holes = impl_->roots.size() - 1;
  out->verdict.assign(rows.size(), PlannedFindings::kJudge);
  out->found.clear();
  out->holes.resize(holes);
  // Whether a pair can be found here: `when` is a bool, every hole planned.
  bool can_find = impl_->roots[0] >= 0;
  for (size_t h = 0; h < holes; ++h) {
    PlannedColumn& c = out->holes[h];
    c = PlannedColumn();
    const int root = impl_->roots[h + 1];
    if (root < 0) {
      can_find = false;
      continue;
    }
    SetKind(c, impl_->nodes[static_cast<size_t>(root)].kind);
  }
  if (impl_->roots[0] < 0) return;  // (every pair judged)
  const K when_kind = impl_->nodes[static_cast<size_t>(impl_->roots[0])].kind;
  std::vector<uint32_t> kept;        // the batch's pairs `when` does not drop
  std::vector<uint8_t> known_true;   // per pair of `kept`: `when` known true
  std::vector<uint8_t> hole_state;   // per hole, per pair of `kept`
  std::vector<const Vec*> hole_vec;  // per hole, its values (indexed as `kept` when few)
  ForBatches(*impl_, rows, periods, [&](PairFrames& frames, Runner& runner, size_t begin) {
    Frame& f = frames.pairs;
    const Vec& when = runner.Eval(impl_->roots[0], f);
    const auto pair_steps = [&](size_t j) { return frames.Steps(j); };
    // `when`'s verdict per pair: drop where it is known false (as the row
    // evaluator would judge it: no finding, no error); the others are kept,
    // and found where it is known true (and the holes below are known).
    uint8_t* verdict = out->verdict.data() + begin;
    kept.clear();
    known_true.clear();
    const auto decide = [&](auto steps) {
      for (size_t j = 0; j < f.n; ++j) {
        const uint8_t state = when_kind == K::kBool
                                  ? StateOf(when, when_kind, j, steps, impl_->max_steps)
                                  : PlannedColumn::kUnknown;
        const bool value = state == PlannedColumn::kValue && when.kind == K::kBool;
        if (value && when.i[j] == 0) {
          verdict[j] = PlannedFindings::kDrop;
          continue;
        }
        kept.push_back(static_cast<uint32_t>(j));
        known_true.push_back(value);
      }
    };
    if (impl_->loops) {
      decide(pair_steps);
    } else {  // (no pair takes a step)
      decide([](size_t) { return uint64_t{0}; });
    }
    // The holes, where few pairs are kept, on a frame of those pairs alone
    // (`few`), else over the batch where `when` is not known false.
    std::optional<Frame> few;
    if (can_find && !kept.empty() && kept.size() * 4 <= f.n) few.emplace(Rows(f, kept));
    hole_state.assign(can_find ? holes * kept.size() : 0, PlannedColumn::kUnknown);
    hole_vec.assign(holes, nullptr);
    // (No pair kept: no hole computed.)
    for (size_t h = 0; can_find && !kept.empty() && h < holes; ++h) {
      const int root = impl_->roots[h + 1];
      const K kind = impl_->nodes[static_cast<size_t>(root)].kind;
      uint8_t* state = hole_state.data() + h * kept.size();
      // The steps of the expressions before (and of `when`) are not this one's.
      frames.ResetSteps();
      if (few) {
        std::fill(few->steps.begin(), few->steps.end(), 0);
        const Vec& v = runner.Eval(root, *few);
        hole_vec[h] = &v;
        const auto steps = [&](size_t q) { return few->steps[q]; };
        for (size_t q = 0; q < kept.size(); ++q) {
          state[q] = StateOf(v, kind, q, steps, impl_->max_steps);
        }
      } else {
        const Vec& v = runner.EvalWhere(root, f, impl_->roots[0]);
        hole_vec[h] = &v;
        for (size_t q = 0; q < kept.size(); ++q) {
          state[q] = StateOf(v, kind, kept[q], pair_steps, impl_->max_steps);
        }
      }
    }
    for (size_t q = 0; q < kept.size(); ++q) {
      bool found = can_find && known_true[q];
      for (size_t h = 0; found && h < holes; ++h) {
        found = hole_state[h * kept.size() + q] != PlannedColumn::kUnknown;
      }
      if (!found) continue;
      verdict[kept[q]] = PlannedFindings::kFound;
      out->found.push_back(static_cast<uint32_t>(begin + kept[q]));
      for (size_t h = 0; h < holes; ++h) {
        Push(out->holes[h], *hole_vec[h], few ? q : kept[q], hole_state[h * kept.size() + q]);
      }
    }
    // (After the roots: the steps read what they computed.)
    if (kept_after != nullptr) runner.CountSteps(impl_->steps, f, kept_after);
  });
}

void RulePlan::Periods(const std::vector<uint32_t>& rows, PlannedPeriods* out) const {
  if (impl_->month_range) return MonthRangePeriods(rows, out);
  Frame f = RowsFrame(rows.data(), rows.size());
  Runner runner(*impl_);
  runner.SetFrames(&f, nullptr, {});
  runner.SetDistinctPeriods(impl_->root);  // (sorted and made unique below)
  const Vec& list = runner.Eval(impl_->root, f);
  out->known.assign(f.n, 0);
  out->offsets.assign(1, 0);
  out->periods.clear();
  for (size_t i = 0; i < f.n; ++i) {
    const auto first = static_cast<ptrdiff_t>(out->periods.size());
    if (list.kind == K::kList && list.st[i] != kUnknownRow && f.steps[i] < impl_->max_steps) {
      out->known[i] = 1;
      for (uint32_t k = list.lb[i]; list.st[i] == kValueRow && k < list.le[i]; ++k) {  // (null: none)
        if (list.elems->kind == K::kPeriod && list.elems->st[k] == kValueRow) {
          out->periods.push_back(list.elems->p[k]);
        }
      }
      SortUnique(&out->periods, static_cast<size_t>(first));
    }
    out->offsets.push_back(static_cast<uint32_t>(out->periods.size()));
  }
}

// The month range of a periods expression `root` (RulePlan::Impl::MonthRange),
// or nullopt when it has another shape.
std::optional<RulePlan::Impl::MonthRange> MonthRangeOf(const RulePlan::Impl& plan, int root) {
  const auto node = [&](int id) -> const PNode& { return plan.nodes[static_cast<size_t>(id)]; };
  RulePlan::Impl::MonthRange range;
  int at = root;
  if (node(at).op == Op::kCond) {  // cond ? list : []
    const PNode& otherwise = node(node(at).kids[2]);
    if (otherwise.op != Op::kConst || otherwise.constant.kind() != ValueKind::kList ||
        !otherwise.constant.list_value().empty() || node(node(at).kids[0]).kind != K::kBool) {
      return std::nullopt;
    }
    range.cond = node(at).kids[0];
    at = node(at).kids[1];
  }
  while (node(at).op == Op::kFilterList) {
    const PNode& filter = node(at);
    const PNode& predicate = node(filter.kids[1]);
    // (It reads the subject and its variable, nothing else.)
    const uint64_t may_read = 1 | (filter.slot < 64 ? uint64_t{1} << filter.slot : 0);
    if (predicate.kind != K::kBool || predicate.loops || (predicate.reads & ~may_read) != 0) {
      return std::nullopt;
    }
    range.filters.insert(range.filters.begin(), {filter.slot, filter.kids[1]});
    at = filter.kids[0];
  }
  if (node(at).op != Op::kMonths) return std::nullopt;
  range.from = node(at).kids[0];
  range.to = node(at).kids[1];
  return range;
}

// As the general operators compute `[cond ?] months(from, to).filter(x,
// P1)... [: []]` (CondLists, Months, Collect): unknown where `cond` is not
// a known bool, [] where it is false; else unknown where `from` or `to` is
// not a known date (or `to` is in the calendar's last year), where a
// predicate is not a known bool for a month it is asked of, or where the
// steps reach the limit; each filter takes a step per month it is asked of.
namespace {

// Calls fn(i, begin, end) for each run [begin, end) of equal entries i of
// `owner` (ascending): once per run, rather than an increment per entry
// that waits for the one before.
template <typename Fn>
void ForRuns(const std::vector<uint32_t>& owner, Fn fn) {
  for (size_t j = 0; j < owner.size();) {
    size_t k = j + 1;
    while (k < owner.size() && owner[k] == owner[j]) ++k;
    fn(owner[j], j, k);
    j = k;
  }
}

}  // namespace

void RulePlan::MonthRangePeriods(const std::vector<uint32_t>& rows, PlannedPeriods* out) const {
  const Impl::MonthRange& range = *impl_->month_range;
  Frame f = RowsFrame(rows.data(), rows.size());
  Runner runner(*impl_);
  runner.SetFrames(&f, nullptr, {});
  // Per subject: 0 unknown, 1 its months listed, 2 none (`cond` false).
  std::vector<uint8_t> listed(f.n, 1);
  if (range.cond >= 0) {
    const Vec& c = runner.Eval(range.cond, f);
    for (size_t i = 0; i < f.n; ++i) {
      const bool known = c.kind == K::kBool && c.st[i] == kValueRow;
      listed[i] = !known ? 0 : c.i[i] != 0 ? 1 : 2;
    }
  }
  std::vector<uint8_t> active(f.n);
  for (size_t i = 0; i < f.n; ++i) active[i] = listed[i] != 2;  // (as `?:` asks)
  f.active = &active;
  const Vec& from = runner.Eval(range.from, f);
  const Vec& to = runner.Eval(range.to, f);
  const Vec months = Months(from, to);
  f.active = nullptr;
  // The (subject, month) pairs still in the lists.
  std::vector<uint32_t> owner;
  std::vector<Period> month;
  owner.reserve(months.elems->p.size());  // (at most every month listed)
  month.reserve(months.elems->p.size());
  for (size_t i = 0; i < f.n; ++i) {
    if (listed[i] != 1) continue;
    if (months.st[i] != kValueRow) {
      listed[i] = 0;
      continue;
    }
    for (uint32_t k = months.lb[i]; k < months.le[i]; ++k) {
      owner.push_back(static_cast<uint32_t>(i));
      month.push_back(months.elems->p[k]);
    }
  }
  // The predicate over (subject row, month) pairs `count` at rows[j],
  // months[j]: calls at(j, v, k) with its value v at row k of each batch.
  const auto evaluate = [&](int predicate, size_t slot, size_t count, auto row_of,
                            const Period* months, auto at) {
    for (size_t begin = 0; begin < count; begin += kBatch) {
      const size_t end = std::min(count, begin + kBatch);
      Frame pairs;
      pairs.n = end - begin;
      pairs.vars.resize(slot + 1);
      pairs.values.resize(slot + 1);
      pairs.vars[0].resize(pairs.n);
      for (size_t j = 0; j < pairs.n; ++j) pairs.vars[0][j] = row_of(begin + j);
      Vec& x = pairs.values[slot];
      x.kind = K::kPeriod;
      x.st.assign(pairs.n, kValueRow);
      x.p.assign(months + begin, months + end);
      pairs.steps.assign(pairs.n, 0);
      const Vec& v = runner.Eval(predicate, pairs);
      for (size_t j = 0; j < pairs.n; ++j) at(begin + j, v, j);
    }
  };
  std::vector<Period> distinct;
  std::vector<uint8_t> value;  // per distinct month: 0 unknown, 1 false, 2 true
  for (const auto& [slot_in, predicate] : range.filters) {
    const auto slot = static_cast<size_t>(slot_in);
    // (A step per month asked.)
    ForRuns(owner, [&](uint32_t i, size_t begin, size_t end) { f.steps[i] += end - begin; });
    std::vector<uint8_t> keep(owner.size(), 0);
    const auto keep_at = [&](size_t j, uint8_t state) {
      if (state == 0) {
        listed[owner[j]] = 0;
      } else {
        keep[j] = state == 2;
      }
    };
    const auto state_of = [](const Vec& v, size_t k) -> uint8_t {
      return v.kind != K::kBool || v.st[k] != kValueRow ? 0 : v.i[k] != 0 ? 2 : 1;
    };
    // A month's place in a table of the months from `low` on.
    const auto index_of = [](const Period& p) { return int64_t{p.year()} * 12 + p.index(); };
    int64_t low = INT64_MAX, high = INT64_MIN;
    std::optional<Period> first;  // (the month `low`, where the span is looked at)
    const bool month_alone = (impl_->nodes[static_cast<size_t>(predicate)].reads & 1) == 0;
    if (month_alone && !owner.empty()) {
      // The span of the pairs' months: of the subjects' ranges they are in
      // (Months()'s, ascending).
      ForRuns(owner, [&](uint32_t i, size_t, size_t) {
        low = std::min(low, index_of(months.elems->p[months.lb[i]]));
        high = std::max(high, index_of(months.elems->p[months.le[i] - 1]));
      });
      first = Period::FromIndex(PeriodKind::kMonth, static_cast<int>((low - 1) / 12),
                                static_cast<int>((low - 1) % 12 + 1));
    }
    if (first && high - low < int64_t{kBatch}) {
      // It reads the month alone (`judged(p)`): computed once per month of
      // the span the pairs' months take.
      distinct.clear();
      Period m = *first;
      for (int64_t k = low; k <= high; ++k, m = m.Next()) distinct.push_back(m);
      value.assign(distinct.size(), 0);
      const int32_t any_row = f.vars[0][owner[0]];  // (not read)
      evaluate(predicate, slot, distinct.size(), [&](size_t) { return any_row; },
               distinct.data(), [&](size_t d, const Vec& v, size_t k) { value[d] = state_of(v, k); });
      for (size_t j = 0; j < owner.size(); ++j) {
        keep_at(j, value[static_cast<size_t>(index_of(month[j]) - low)]);
      }
    } else {
      evaluate(predicate, slot, owner.size(), [&](size_t j) { return f.vars[0][owner[j]]; },
               month.data(), [&](size_t j, const Vec& v, size_t k) { keep_at(j, state_of(v, k)); });
    }
    size_t kept = 0;
    for (size_t j = 0; j < owner.size(); ++j) {
      if (keep[j] == 0 || listed[owner[j]] == 0) continue;
      owner[kept] = owner[j];
      month[kept++] = month[j];
    }
    owner.resize(kept);
    month.resize(kept);
  }
  // (Each subject's months are in order, once each, as the engine takes
  // them; `owner` is ascending.)
  out->known.resize(f.n);
  for (size_t i = 0; i < f.n; ++i) {
    out->known[i] = listed[i] != 0 && f.steps[i] < impl_->max_steps;
  }
  out->offsets.assign(f.n + 1, 0);
  out->periods.clear();
  out->periods.reserve(owner.size());
  ForRuns(owner, [&](uint32_t i, size_t begin, size_t end) {
    if (out->known[i] == 0) return;
    out->offsets[i + 1] = static_cast<uint32_t>(end - begin);
    out->periods.insert(out->periods.end(), month.begin() + static_cast<ptrdiff_t>(begin),
                        month.begin() + static_cast<ptrdiff_t>(end));
  });
  for (size_t i = 0; i < f.n; ++i) out->offsets[i + 1] += out->offsets[i];
}

bool RulePlan::DecidesWhen() const {
  if (impl_->roots.empty() || impl_->roots[0] < 0) return false;
  return impl_->nodes[static_cast<size_t>(impl_->roots[0])].kind == K::kBool;
}

}  // namespace zhucun::internal
