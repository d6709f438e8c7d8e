#ifndef ZHUCUN_SRC_EXPR_EVALUATOR_H_
#define ZHUCUN_SRC_EXPR_EVALUATOR_H_

// The row evaluator: walks a compiled program for one record. It is the
// reference semantics; the column-at-a-time plan must agree with it.

#include <cstdint>
#include <vector>

#include "expr/program.h"
#include "zhucun/expr.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// Variable lookup for one row: an Activation, or one row of a Batch.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // The value bound to `name`, or false if unbound.
  virtual bool Lookup(std::string_view name, Value* out) const = 0;
  // A record assembled from the fields bound one by one as "name.field"
  // (e.g. "member.role"), as a map from field to value; false if there are
  // none.
  virtual bool LookupRecord(std::string_view name, Value* out) const = 0;
  // The value bound to `name` where the source keeps one that outlives the
  // evaluation (an Activation does), else null: then use Lookup.
  virtual const Value* Find(std::string_view name) const {
    (void)name;
    return nullptr;
  }
};

// Builds the record `name` from an ordered map of bindings whose keys are
// "name.field"; `get` turns a mapped value into a Value.
template <class OrderedMap, class Get>
bool RecordFromBindings(const OrderedMap& bindings, std::string_view name,
                        Get get, Value* out) {
  std::string prefix(name);
  prefix += '.';
  ValueMap record;
  for (auto it = bindings.lower_bound(prefix);
       it != bindings.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    std::string_view field = std::string_view(it->first).substr(prefix.size());
    if (field.find('.') != std::string_view::npos) continue;
    record.Insert(Value::String(std::string(field)), get(it->second));
  }
  if (record.size() == 0) return false;
  *out = Value::Map(std::move(record));
  return true;
}

// Fills the program's literal table (ProgramImpl::literals); called once,
// after checking and before any evaluation.
void PrepareLiterals(ProgramImpl* program);

// What decided an `exists`, an `all` or a `filter` (also a `map` with a
// condition) that an evaluation went through: for Policy::Explain, which
// names the rows behind a value.
struct Decision {
  enum class Kind : uint8_t { kExists, kAll, kFilter };
  // Elements kept by a filter that a decision holds; it counts them all.
  static constexpr size_t kMaxElements = 8;

  ExprId node = kNoExpr;  // the comprehension
  Kind kind = Kind::kFilter;
  bool value = false;     // exists, all: the result
  size_t of = 0;          // the elements of the list it went through
  // exists, all: 1 if an element decided (made an exists true or an all
  // false), else 0; filter: the elements kept.
  size_t count = 0;
  // exists, all: the element that decided; filter: the first kept.
  std::vector<Value> elements;
  // exists, all: what decided the comprehensions in the condition of the
  // element that decided.
  std::vector<Decision> inner;
};

// Evaluates `program` with variables from `row`. Errors are returned as
// Values of kind kError. With `decisions`, what decided each comprehension
// evaluated once (not inside another's loop) is appended to it.
Value EvaluateRow(const ProgramImpl& program, const RowSource& row,
                  std::vector<Decision>* decisions = nullptr);
// Evaluates the subtree rooted at `id` (which must not be inside a
// comprehension, whose variables would be unbound).
Value EvaluateRowAt(const ProgramImpl& program, ExprId id,
                    const RowSource& row);

// The comprehension steps of all the row evaluations this thread has made
// (each adds its steps when it ends). Read as a difference: a check's step
// budget (CheckOptions::max_rule_steps) reads it around a rule's work.
uint64_t ThreadSteps();

// Program::Evaluate, recording decisions as EvaluateRow does.
Value EvaluateRecordingDecisions(const Program& program, const Activation& activation,
                                 std::vector<Decision>* decisions);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_EXPR_EVALUATOR_H_
