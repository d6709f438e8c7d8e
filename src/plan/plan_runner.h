#ifndef ZHUCUN_SRC_PLAN_PLAN_RUNNER_H_
#define ZHUCUN_SRC_PLAN_PLAN_RUNNER_H_

// The runner of a plan's operators over frames (plan_ir.h): plan_eval.cc
// has the operators on a frame's rows, plan_join.cc the joins of a frame
// with the rows of a relation or the elements of a list, rule_plan.cc the
// batches of RulePlan's methods. Each operator runs over the whole frame;
// an unknown row stays unknown up to the first operator whose result does
// not depend on it (`false && x`, `true || x`).

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "plan/plan_ir.h"
#include "plan/rule_plan.h"

namespace zhucun::internal {

// Operators run over batches of at most this many rows (or pairs), small
// enough for their outputs, and the joins they make, to stay in cache; a
// join with more rows is evaluated a slice of this many at a time.
inline constexpr size_t kBatch = 4096;

// The rows `rows` of f (its variables, values and periods), in a frame of
// their own (without memos).
Frame Rows(const Frame& f, const std::vector<uint32_t>& rows);
// Rows [begin, end) of f.
Frame Slice(const Frame& f, size_t begin, size_t end);

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
  void SetFrames(Frame* pairs, Frame* subjects, std::vector<uint32_t> subject_of);

  // Operator `id` on frame f, computed once for the rows f needs.
  const Vec& Eval(int id, Frame& f);

  // Adds to (*kept)[k] the rows of f for which no step up to k (the
  // operators `steps`, bools; -1 keeps every row) is known false.
  void CountSteps(const std::vector<int>& steps, Frame& f, std::vector<uint64_t>* kept);

  // Operator `id` on frame f where operator `guard` (a bool) is not known
  // false (the other rows may be left unknown).
  const Vec& EvalWhere(int id, Frame& f, int guard);

  // Says that of the list operator `id` (a list of periods) only which
  // periods each row's list holds matters, not their order nor how many
  // times each is there (RulePlan::Periods sorts them and drops the
  // repeats): a relation's rows mapped to periods then keep few repeats
  // (at scale 150, the years of 2.7 million assessments are three).
  void SetDistinctPeriods(int id) { distinct_periods_ = id; }

 private:
  // Whether a memo computed every row `active` needs.
  static bool Covers(const Frame::Memo& m, const std::vector<uint8_t>* active);

  // Operator `id` on the subjects' frame, for the subjects of the pairs
  // needed.
  const Vec& EvalPerSubject(int id, const Frame& pairs);

  // `active` narrowed to the rows where `a` is not `decisive` (the rows
  // whose `&&` (decisive false) or `||` (true) still needs its other side).
  static std::vector<uint8_t> Narrow(const Vec& a, bool decisive, const Frame& f);

  // Evaluates `id` for the rows `active` (and perhaps others).
  const Vec& EvalFor(int id, Frame& f, const std::vector<uint8_t>& active);

  Vec Compute(int id, Frame& f);

  Vec Const(const PNode& n, size_t size);

  // The column of `rows`, for the rows `active` needs (null: all).
  Vec Column(const PNode& n, const Vec& rows, const std::vector<uint8_t>* active);

  Vec Forward(const PNode& n, const Vec& rows);

  // The map steps of listing a composed relation's rows of `row` (none for
  // a relation read as it is).
  static uint64_t ListingSteps(const PNode& rel, int64_t row);

  static std::pair<uint32_t, uint32_t> Span(const GroupIndex& g, int64_t row);

  Vec RelSize(const PNode& n, Frame& f);

  // The rows of f joined with the elements of the range `range_id` (bound to
  // variable `slot`): a relation's child rows, or a list's elements.
  // `known[i]` says whether row i's range is known, `parent_of` gives the
  // row of f of each joined row. Counts the iterations.
  Frame Join(int range_id, int slot_in, Frame& f, std::vector<uint8_t>* known,
             std::vector<uint32_t>* parent_of);

  // A filtered relation whose first conjunct is `x == y` — x reading the
  // relation's row (in `slot`) and nothing of the frame nor the period, y
  // not reading that row — joined by hashing: x is computed once per row
  // of each group, and each row of f is joined only with the rows whose x
  // equals its y, instead of with all of them (the row evaluator's steps
  // over all are still counted). Only where every x and y needed is a
  // value of one kind and the join would repeat the groups' rows; false
  // (and nothing changed) otherwise.
  bool EquiJoin(const PNode& range, int conjunct, size_t slot, Frame& f,
                std::vector<uint8_t>* known, std::vector<uint32_t>* parent_of, Frame* out);

  // The rows `in` of *f (and of the vectors along), in a new frame.
  static void Keep(const std::vector<uint32_t>& in, Frame* f, std::vector<uint32_t>* parent_of,
                   std::vector<uint8_t>* unsure);

  // The operands of `id`'s `&&`s, left to right.
  void Conjuncts(int id, std::vector<int>* out) const;

  // Join, made once per frame for a filtered relation (its predicate is
  // computed once however many comprehensions read it; its steps are
  // counted for each, as the row evaluator may take them again).
  std::shared_ptr<Joined> JoinOnce(int range_id, int slot, Frame& f);

  // The joined frame `child` (its variable `slot` bound) gets the variables
  // of the slots before, the values and the period of each row's parent
  // in f.
  static void Bind(const Frame& f, size_t slot, const std::vector<uint32_t>& parent_of,
                   Frame* child);

  // exists, all or filter(...).size() over a relation: the rows of f joined
  // with their child rows, the predicate over the join, grouped back.
  Vec Comprehension(const PNode& n, Frame& f);

  // [a, b, ...]: known where every element is.
  Vec ListOf(const PNode& n, Frame& f);

  // relation[.filter(x, P)].map(x, F) and list.filter(x, P): the list of F
  // (`element`; -1: x itself) of the range's elements for which P
  // (`predicate`; -1: none) holds. Known where every P is a known bool and
  // every F of an element P keeps is known (a null is an element).
  Vec Collect(const PNode& n, Frame& f, int element_id, int predicate_id);

  // list.filter(x, P), P reading x alone: P once per element (Collect).
  Vec FilterElements(const PNode& n, Frame& f, int predicate_id);

  // covered_days(p, spans, ...) as the row evaluator's: the days of p every
  // list of spans covers.
  Vec CoveredDays(const PNode& n, Frame& f);

  Vec Cond(const PNode& n, Frame& f);

  const RulePlan::Impl& plan_;

  Frame* pairs_ = nullptr;

  Frame* subjects_ = nullptr;

  std::vector<uint32_t> subject_of_;

  int distinct_periods_ = -1;  // SetDistinctPeriods

};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_PLAN_PLAN_RUNNER_H_
