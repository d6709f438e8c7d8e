#ifndef ZHUCUN_SRC_PLAN_RULE_PLAN_H_
#define ZHUCUN_SRC_PLAN_RULE_PLAN_H_

// The planner: a rule's `when` as a set-at-a-time filter over the
// (subject row, period) pairs it judges.
//
// The plan is a tree of column operators over a batch of pairs. Reading the
// subject's columns and its parents' (through the reference columns'
// row-index arrays) are gathers; parameters, `as_of`, `from` and every
// subtree that reads nothing else are constants, computed once; `exists`
// and `all` over a reverse relation (`member.payments.exists(p, ...)`), and
// a reverse relation's `size()`, are decorrelated: the pairs are joined with
// the child rows through the relation's index spans (offsets + row ids, built
// once per check), the predicate runs column-at-a-time over the joined rows,
// and the results are grouped back by pair. A `let` the `when` reads is
// planned where it is read. `facts.<table>` (every row of the table, one
// group) is a relation too, so a rule on the prefecture — one subject, no
// row — is planned like one on a table; a relation's `filter(...)` read as
// a value (a let, a filter of a filter) is a relation whose rows are those
// its predicate finds true, joined once per batch however often it is read.
//
// Every value of the plan is three-valued: known (equal to what the row
// evaluator would compute), null, or unknown. Unknown is what the plan gives
// for whatever it does not express (a function it does not know, a list, a
// comprehension over anything but a relation) and for whatever would be an
// error (an overflow, a null operand of `<`, too many comprehension steps):
// it never has to reproduce an error, only to know where there may be one.
// CEL's `&&` is false when either side is false, whatever the other side is
// (even an error), so a pair for which the plan's `when` is known to be false
// is one the row evaluator would judge false, with no finding and no error:
// such pairs are dropped, and the row evaluator — the reference semantics —
// judges the others. The planner therefore never changes a finding, a
// message or an error; it only decides which pairs need not be evaluated.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhucun/date.h"
#include "zhucun/decimal.h"
#include "zhucun/expr.h"
#include "zhucun/fact_table.h"
#include "zhucun/records.h"

namespace zhucun::internal {

// Index spans of the relations the plans read: a reverse relation's are the
// facts' (FactTable::Groups: built once per fact set, and shared with the
// row evaluator and explain); `facts.<table>` as one group and relations of
// relations composed are built here, for one check. Read-only once the
// plans are built.
class Relations {
 public:
  // (Safe to call from several threads: the plans of a check are built in
  // parallel.)
  explicit Relations(const RecordSet& records) : records_(records) {}
  // The rows of `table` grouped by the row their column `column` refers to.
  const GroupIndex& Reverse(size_t table, size_t column);
  // Every row of `table` as one group (`facts.<table>`), in table order.
  const GroupIndex& All(size_t table);

  // `outer` composed with `inner` (a parent's rows in `outer`, and each
  // one's rows in `inner`, flattened in order: `a.map(b, b.r).flatten()`),
  // with, per parent, the map steps that list them: its `outer_steps` (or
  // none), one per outer row, and the `inner_steps` of each.
  struct Composed {
    const GroupIndex* groups;
    const std::vector<uint32_t>* steps;
  };
  Composed Compose(const GroupIndex& outer, const std::vector<uint32_t>* outer_steps,
                   const GroupIndex& inner, const std::vector<uint32_t>* inner_steps);

 private:
  struct Built {
    const GroupIndex* outer;
    const GroupIndex* inner;
    std::unique_ptr<GroupIndex> groups;
    std::vector<uint32_t> steps;
  };
  const RecordSet& records_;
  std::mutex mutex_;  // (guards built_ and composed_)
  std::vector<std::pair<std::pair<size_t, size_t>, std::unique_ptr<GroupIndex>>> built_;
  std::vector<std::unique_ptr<Built>> composed_;
};

// What the planner needs of a rule: its subject variable and table, its
// lets and its `when`.
struct RuleInput {
  std::string subject_var;
  std::string subject_table;
  // A rule on groups of rows (`subject: {table, group_by, as}`): its
  // subjects are these groups of `subject_table`'s rows, in order, and
  // `subject_var` is each one's rows (a relation: `postings.exists(...)`).
  // Null: a rule on the rows of `subject_table` (or on the prefecture).
  const GroupIndex* subject_groups = nullptr;
  std::vector<std::pair<std::string, const Program*>> lets;
  const Program* when = nullptr;
  // For the profile: the top-level `&&` operands of `when`, in order (the
  // plan counts the pairs each keeps, see `kept_after`).
  std::vector<const Program*> steps;
};

// One expression's values over rows, as the plan computed them: per row
// unknown (the row evaluator must compute it: where the plan cannot, or
// where it may be an error), null, or a value of `kind`, in the vector of
// that kind.
struct PlannedColumn {
  static constexpr uint8_t kUnknown = 0, kValue = 1, kNull = 2;
  ValueKind kind = ValueKind::kNull;
  std::vector<uint8_t> state;
  std::vector<int64_t> ints;                // kBool (0/1), kInt, kDate (day number)
  std::vector<Decimal> decimals;            // kDecimal (scale -1)
  // kDecimal, where every value has one scale (a fused program's: Columns):
  // that scale, each value row's coefficient in `ints` (`decimals` empty);
  // -1: the values are `decimals`.
  int scale = -1;
  std::vector<std::string_view> strings;    // kString: views of the facts' or the plan's text
  std::vector<Period> periods;              // kPeriod
  // kString read from a column of the facts (`row.name`): that column, and
  // each value row's code in its dictionary (`strings` is then empty).
  const Column* codes_of = nullptr;
  std::vector<int32_t> codes;
  // kString of few texts a program made (a grade: constants and `?:` of
  // them; Columns): each value row's text is texts[codes[row]] (`strings`
  // is then empty, codes_of null).
  bool coded = false;
  std::vector<std::string_view> texts;

  // Row i as a Value (where it is known: a value or null).
  Value Get(size_t i) const;
  // The decimal of value row i of a kDecimal column.
  Decimal DecimalAt(size_t i) const {
    return scale >= 0 ? Decimal::FromUnscaled(ints[i], scale) : decimals[i];
  }
  // The text of row i of a kString column (a value).
  std::string_view Text(size_t i) const {
    if (codes_of != nullptr) return codes_of->dictionary()[static_cast<size_t>(codes[i])];
    return coded ? texts[static_cast<size_t>(codes[i])] : strings[i];
  }
};

// What a findings plan (RulePlan::BuildFindings) knows of a rule's pairs:
// per pair a verdict — dropped (`when` is false for certain: the row
// evaluator would judge it false, with no error), found (`when` is true and
// every hole of the message is known: the finding is made from the holes'
// values), or judged by the row evaluator — and the holes' values of the
// found pairs alone.
struct PlannedFindings {
  static constexpr uint8_t kDrop = 0, kJudge = 1, kFound = 2;
  std::vector<uint8_t> verdict;  // per pair
  std::vector<uint32_t> found;   // the found pairs, ascending
  // Per hole (the message's, in order), its value at each found pair, in
  // the order of `found`: holes[h].Get(n) is hole h of pair found[n].
  std::vector<PlannedColumn> holes;
};

// The periods of subjects, as a periods plan (RulePlan::BuildPeriods)
// knows them: subject i's are periods[offsets[i] .. offsets[i + 1]) where
// known[i] (none where it is not: the row evaluator lists them).
struct PlannedPeriods {
  std::vector<uint8_t> known;
  std::vector<uint32_t> offsets;
  std::vector<Period> periods;
};

class RulePlan {
 public:
  ~RulePlan();
  RulePlan(const RulePlan&) = delete;
  RulePlan& operator=(const RulePlan&) = delete;

  // Plans a rule's `periods:` expression (given as `rule.when`): the list of
  // periods of each subject; null when the plan cannot compute it.
  static std::unique_ptr<RulePlan> BuildPeriods(const RuleInput& rule, const FactSet& facts,
                                                const RecordTypes& types,
                                                const Activation& base, Relations* relations);

  // For a plan made by BuildPeriods: each subject's periods as the engine
  // takes them from the expression's value (its periods, sorted, without
  // repeats), where the plan knows them (else the row evaluator computes
  // them).
  void Periods(const std::vector<uint32_t>& rows, PlannedPeriods* out) const;

  // Plans several expressions over the subject rows together (a derived
  // table's lets and columns; `rule.when` is not read): an operator they
  // share — a let and the column that reads it, an inlined function called
  // twice — is computed once per row. Null when none can be computed.
  static std::unique_ptr<RulePlan> BuildValues(const RuleInput& rule,
                                               const std::vector<const Program*>& roots,
                                               const FactSet& facts, const RecordTypes& types,
                                               const Activation& base, Relations* relations);

  // BuildValues of a rule's `when` and its message's holes, over `facts`
  // with the constants of `base` (parameters, as_of, from): the holes are
  // computed only where `when` is not known false (elsewhere unknown).
  static std::unique_ptr<RulePlan> BuildFindings(const RuleInput& rule,
                                                 const std::vector<const Program*>& holes,
                                                 const FactSet& facts, const RecordTypes& types,
                                                 const Activation& base, Relations* relations);

  // For a plan made by BuildValues: each expression's values over the pairs
  // (rows[i], periods[i]) — `periods` empty for expressions without a
  // period — (*out)[k] for roots[k], exactly the row evaluator's where
  // known. A subject's pairs are consecutive.
  // With `kept_after`, adds to (*kept_after)[k] the pairs for which no
  // operand of RuleInput::steps up to k is known false (what the plan kept
  // after that step).
  void Columns(const std::vector<uint32_t>& rows, const std::vector<Period>& periods,
               std::vector<PlannedColumn>* out,
               std::vector<uint64_t>* kept_after = nullptr) const;

  // For a plan made by BuildFindings: the verdicts of the pairs (rows[i],
  // periods[i]) and the holes of those found; `kept_after` as for Columns.
  // The holes are computed only for the pairs `when` does not drop.
  void Findings(const std::vector<uint32_t>& rows, const std::vector<Period>& periods,
                PlannedFindings* out, std::vector<uint64_t>* kept_after = nullptr) const;

  // For a plan made by BuildFindings: whether it plans `when` as a bool
  // (else it could drop no pair: `when` would be unknown everywhere).
  bool DecidesWhen() const;

  // The plan, one operator per line, children before parents (tests, docs).
  std::string Dump() const;

  struct Impl;

 private:
  explicit RulePlan(std::unique_ptr<Impl> impl);
  // Periods for a plan whose periods are a month range (Impl::MonthRange).
  void MonthRangePeriods(const std::vector<uint32_t>& rows, PlannedPeriods* out) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_PLAN_RULE_PLAN_H_
