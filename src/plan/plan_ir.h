#ifndef ZHUCUN_SRC_PLAN_PLAN_IR_H_
#define ZHUCUN_SRC_PLAN_PLAN_IR_H_

// The planner's operators and the column batches they run over
// (rule_plan.h explains the plan; plan_build.cc makes it from a rule's
// compiled expressions, plan_runner.h runs it).

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plan/rule_plan.h"
#include "zhucun/date.h"
#include "zhucun/decimal.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// The kind of value an operator gives (every row of its output has it, or
// is null, or unknown).
enum class K : uint8_t {
  kUnknown,  // nothing known (an operator the plan does not express)
  kNull,     // the constant null
  kBool, kInt, kDecimal, kDate, kString, kPeriod,
  kRow,       // a row of `table` (a record); null where a reference is null
  kRelation,  // a reverse relation, or `facts.<table>`, perhaps filtered (only as
              // the range of a comprehension or size())
  kList,      // a list: a constant (kConst), or per row a run of `elems`
  kMap,       // a constant map (only as the right operand of `in`, or indexed)
  kSpan,      // a span [start, end] for covered_days: start a date, end a date or null
};

enum class Op : uint8_t {
  kUnknown,
  kConst,      // `constant`
  kSubject,    // the subject row (variable slot 0)
  kLocal,      // a comprehension variable's row (`slot`)
  kPeriod,     // the pair's period
  kColumn,     // kids[0] (a row).column
  kForward,    // kids[0] (a row).reference: the referenced row
  kRelation,   // kids[0] (a row).reverse relation
  kRelSize,    // kids[0] (a relation).size()
  kExists,     // kids[0] (a relation).exists(slot, kids[1])
  kAll,        // kids[0] (a relation).all(slot, kids[1])
  kFilterSize, // kids[0] (a relation).filter(slot, kids[1]).size()
  kAnd, kOr, kNot, kCond,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAdd, kSub, kMul,
  kInList,     // kids[0] in constant (a list)
  kInPeriod,   // kids[0] (a date) in kids[1] (a period)
  kStart, kEnd,
  kSpan,       // [kids[0], kids[1]]: a span
  kListOf,     // [kids...]: a list of one kind of element
  kMapRel,     // kids[0] (a relation)[.filter(slot, kids[2])].map(slot, kids[1])
  kInVec,      // kids[0] in kids[1] (a list per row)
  kCoveredDays,  // covered_days(kids[0] (a period), kids[1..] (lists of spans))
  kDays,       // days(kids[0])
  kCeilDiv,    // ceil_div(kids[0], kids[1]) of ints
  kFilterList, // kids[0] (a list).filter(slot, kids[1])
  kMonths,     // months(kids[0], kids[1]) of dates
  kMin, kMax,  // min(kids[0]), max(kids[0]) of a list
  kYearOf,     // period(string(kids[0])) of an int: a year
  kRound,      // round(kids[0] (a decimal), kids[1] (an int))
  kSum,        // sum(kids[0]) of a list of ints or decimals
  kInMap,      // kids[0] (a string) in constant (a map)
  kIndexMap,   // constant (a map)[kids[0] (a string)]
  kListSize,   // kids[0] (a list).size()
  kFacts,      // `facts`: a row (0) whose reverse relations are whole tables
  kRelFilter,  // kids[0] (a relation).filter(slot, kids[1]): a relation
  kToDecimal,  // decimal(kids[0]) of an int or a decimal
  kAddYears,   // add_years(kids[0] (a date), kids[1] (an int))
};

struct PNode {
  Op op = Op::kUnknown;
  K kind = K::kUnknown;
  std::vector<int> kids;
  int slot = 0;                        // kLocal; comprehensions: the variable's
  size_t table = 0;                    // kRow, kRelation: the rows' table
  size_t column = 0;                   // kColumn, kForward: the column
  const std::vector<int32_t>* refs = nullptr;  // kForward
  const GroupIndex* groups = nullptr;  // kRelation
  // kRelation composed of relations (Relations::Compose): per parent row,
  // the map steps the row evaluator takes to list its rows; else null.
  const std::vector<uint32_t>* steps = nullptr;
  Value constant;                      // kConst, kInList
  std::string text;                    // for Dump
  bool period = false;  // reads the period (itself or through a child)
  bool loops = false;   // iterates over a relation (itself or a child)
  bool flatten = false; // kMapRel: `.flatten()` of a map to lists
  // The root of a let that iterates: the row evaluator computes a let once
  // per activation, in a program of its own, so its steps are counted
  // once per frame however many operators read it (an expression written
  // twice is computed twice, and counted twice).
  bool let_root = false;
  // The variable slots it reads (itself or through a child): bit 0 the
  // subject, bit s a comprehension's variable in slot s.
  uint64_t reads = 0;
};

class Fused;

struct RulePlan::Impl {
  std::vector<PNode> nodes;  // children before parents
  // Per operator, its fused loops (plan_fused.h), or null: what the
  // general operators compute where its subtree reads no null.
  std::vector<std::unique_ptr<Fused>> fused;
  int root = -1;
  std::vector<int> roots;  // BuildValues: per expression, its operator or -1
  // Per RuleInput::steps, its operator or -1 (unknown: it keeps every pair).
  std::vector<int> steps;
  const FactSet* facts = nullptr;
  // The fewest comprehension steps any program of the rule may take: a pair
  // whose comprehensions may take as many is unknown.
  uint64_t max_steps = 0;
  // Whether an operator iterates (PNode::loops): else no pair takes a
  // comprehension step.
  bool loops = false;
  // BuildPeriods, when the periods are `[cond ?] months(from, to)
  // .filter(x, P1).filter(y, P2)... [: []]` with predicates that iterate
  // over nothing: the months are listed per subject and each predicate
  // runs over (subject, month) pairs, without the lists' general
  // operators (RulePlan::Periods).
  struct MonthRange {
    int cond = -1;  // or -1: every subject
    int from = -1, to = -1;
    std::vector<std::pair<int, int>> filters;  // (variable slot, predicate), in order
  };
  std::optional<MonthRange> month_range;
};

// The month range of a periods expression `root` (RulePlan::Impl::MonthRange),
// or nullopt when it has another shape (rule_plan.cc).
std::optional<RulePlan::Impl::MonthRange> MonthRangeOf(const RulePlan::Impl& plan, int root);

// Output states of a row.
inline constexpr uint8_t kUnknownRow = 0;
inline constexpr uint8_t kValueRow = 1;
inline constexpr uint8_t kNullRow = 2;

// One operator's output over a batch: a state per row, and the values in the
// vector of its kind.
struct Vec {
  K kind = K::kUnknown;
  std::vector<uint8_t> st;
  std::vector<int64_t> i;            // kBool (0/1), kInt, kDate (day number), kRow
  std::vector<Decimal> d;            // kDecimal
  std::vector<std::string_view> s;   // kString (views of dictionaries or constants)
  std::vector<Period> p;             // kPeriod
  std::vector<int64_t> j;            // kSpan: the end's day number, or kNoEnd
  size_t table = 0;                  // kRow, kRelation
  // kList: row r's elements are elems[lb[r] .. le[r]) (empty where the row
  // is not a value); rows may share elements (a gather copies lb and le).
  std::vector<uint32_t> lb, le;
  std::shared_ptr<Vec> elems;
};

// A span's end when it has none (a null end).
inline constexpr int64_t kNoEnd = INT64_MAX;

// The batch: per row, the rows bound to the variables (slot 0 the subject,
// then each enclosing comprehension's; `values` for a comprehension over a
// list of values), the period, and the comprehension steps taken so far.
struct Frame {
  size_t n = 0;
  std::vector<std::vector<int32_t>> vars;
  std::vector<Vec> values;
  std::vector<Period> periods;  // empty when the rule has none
  std::vector<uint64_t> steps;
  // The rows whose value is needed (null: all). An operator may leave the
  // others unknown: the right operand of `&&` is needed only where the left
  // one is not false (and the joins are made only for the rows needed).
  const std::vector<uint8_t>* active = nullptr;
  // Per operator, its output on this frame (plan_eval.cc), kept in `store`
  // (which never moves what it holds).
  struct Memo {
    const Vec* value = nullptr;
    bool all = false;                // computed for every row
    std::vector<uint8_t> active;     // else for these
    std::vector<uint64_t> steps;     // the comprehension steps it took
  };
  std::vector<Memo> memo;
  std::deque<Vec> store;
  // The joins of this frame with a filtered relation (plan_join.cc), made
  // once however many comprehensions read it.
  struct JoinMemo {
    int range = -1;
    Memo rows;  // (its `value` unused)
    std::shared_ptr<struct Joined> joined;
  };
  std::vector<JoinMemo> joins;
};

// The rows of a frame joined with the elements of a range: the joined
// frame, per row of the frame whether its range is known, and per joined
// row its row of the frame.
struct Joined {
  Frame child;
  std::vector<uint8_t> known;
  std::vector<uint32_t> parent_of;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_PLAN_PLAN_IR_H_
