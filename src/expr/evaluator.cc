#include "expr/evaluator.h"

#include <re2/re2.h>

#include <string>
#include <utility>
#include <vector>

#include "expr/stdlib.h"

namespace zhucun::internal {
namespace {


class Evaluator {
 public:
  Evaluator(const ProgramImpl& p, const RowSource& row, std::vector<Decision>* decisions)
      : p_(p), row_(row), decisions_(decisions) {}

  Value Eval(ExprId id) {
    if (p_.is_literal[id]) return p_.literals[id];
    const Node& n = p_.ast.node(id);
    switch (n.kind) {
      case ExprKind::kConst: return ConstValue(n.constant);
      case ExprKind::kIdent: return EvalIdent(id, n);
      case ExprKind::kSelect: return EvalSelect(id, n);
      case ExprKind::kCall: return EvalCall(id, n);
      case ExprKind::kList: {
        ValueList items;
        items.reserve(n.args.size());
        for (ExprId a : n.args) {
          Value v = Eval(a);
          if (v.is_error()) return v;
          items.push_back(std::move(v));
        }
        return Value::List(std::move(items));
      }
      case ExprKind::kMap: {
        ValueMap map;
        for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
          Value k = Eval(n.args[i]);
          if (k.is_error()) return k;
          Value v = Eval(n.args[i + 1]);
          if (v.is_error()) return v;
          ValueKind kk = k.kind();
          if (kk != ValueKind::kBool && kk != ValueKind::kInt &&
              kk != ValueKind::kUint && kk != ValueKind::kString) {
            return Value::Error("unsupported map key type " + k.TypeName());
          }
          if (!map.Insert(k, std::move(v))) {
            return Value::Error("duplicate map key " + k.DebugString());
          }
        }
        return Value::Map(std::move(map));
      }
      case ExprKind::kComprehension: return EvalComprehension(id, n);
    }
    return Value::Error("internal: unknown node");
  }

  static Value ConstValue(const Constant& c) {
    switch (c.index()) {
      case 0: return Value::Null();
      case 1: return Value::Bool(std::get<bool>(c));
      case 2: return Value::Int(std::get<int64_t>(c));
      case 3: return Value::Uint(std::get<uint64_t>(c));
      case 4: return Value::Double(std::get<double>(c));
      case 5: return Value::String(std::get<std::string>(c));
      default: return Value::Bytes(std::get<BytesConst>(c).data);
    }
  }

 private:

  // Resolves a qualified chain: the longest bound name, then the remaining
  // field selections. Returns false if no prefix is bound.
  bool EvalQualified(ExprId id, Value* out) {
    const ProgramImpl::Qualified& q = p_.qualified[id];
    const auto select_rest = [&](size_t i, Value v) {
      for (size_t j = i + 1; j < q.chain.size() && !v.is_error(); ++j) {
        v = Select(q.chain[j], v, p_.ast.node(q.chain[j]).name, false);
      }
      *out = std::move(v);
    };
    Value v;
    // The checker already knows which prefix is the declared variable; where
    // the row source keeps it, where it is found is remembered for this
    // evaluation (a name in a loop is looked up once).
    if (q.declared >= 0) {
      const auto declared = static_cast<size_t>(q.declared);
      if (bindings_.empty()) bindings_.assign(p_.num_bindings, kNotLooked);
      const Value*& bound = bindings_[p_.binding_slots[id]];
      if (bound == kNotLooked) bound = row_.Find(q.names[declared]);
      if (bound != nullptr) {
        select_rest(declared, *bound);
        return true;
      }
      if (row_.Lookup(q.names[declared], &v)) {
        select_rest(declared, std::move(v));
        return true;
      }
    }
    for (size_t i = q.names.size(); i-- > 0;) {
      if (!row_.Lookup(q.names[i], &v) && !row_.LookupRecord(q.names[i], &v)) {
        continue;
      }
      select_rest(i, std::move(v));
      return true;
    }
    return false;
  }

  Value EvalIdent(ExprId id, const Node& n) {
    if (const int32_t slot = p_.local_slots[id];
        slot >= 0 && static_cast<size_t>(slot) < locals_.size()) {
      return locals_[static_cast<size_t>(slot)].second;
    }
    Value v;
    if (!p_.qualified[id].chain.empty() && EvalQualified(id, &v)) return v;
    if (IsTypeName(n.name)) return Value::Type(n.name);
    return Value::Error("no such attribute: " + n.name);
  }

  Value EvalSelect(ExprId id, const Node& n) {
    if (!n.test_only && !p_.qualified[id].chain.empty()) {
      Value v;
      if (EvalQualified(id, &v)) return v;
      const Node& root = p_.ast.node(p_.qualified[id].chain[0]);
      return Value::Error("no such attribute: " + root.name);
    }
    Value operand = Eval(n.target);
    if (operand.is_error()) return operand;
    return Select(id, operand, n.name, n.test_only);
  }

  // SelectField, remembering per node where a record source keeps the field
  // (a select in a loop meets the same source many times).
  Value Select(ExprId id, const Value& operand, const std::string& name,
               bool test_only) {
    if (test_only || operand.kind() != ValueKind::kRecord) {
      return SelectField(operand, name, test_only);
    }
    const RecordSource* source = &operand.record_source();
    if (field_cache_.empty()) field_cache_.resize(p_.num_selects);
    std::pair<const RecordSource*, int>& cached = field_cache_[p_.select_slots[id]];
    if (cached.first != source) cached = {source, source->FieldIndex(name)};
    if (cached.second < 0) return SelectField(operand, name, test_only);
    Value v;
    source->FieldAt(operand.record_row(), cached.second, &v);
    return v;
  }

  Value EvalCall(ExprId id, const Node& n) {
    const Fn fn = p_.fns[id];
    switch (fn) {
      case Fn::kAnd:
      case Fn::kOr:
        if (n.args.size() == 2) return EvalLogic(fn == Fn::kAnd, n);
        break;
      case Fn::kConditional: {
        if (n.args.size() != 3) break;
        Value c = Eval(n.args[0]);
        if (c.is_error()) return c;
        if (c.kind() != ValueKind::kBool) return ConditionError(c);
        return Eval(n.args[c.bool_value() ? 1 : 2]);
      }
      case Fn::kNotStrictlyFalse: {
        if (n.args.size() != 1) break;
        Value v = Eval(n.args[0]);
        if (v.kind() == ValueKind::kBool) return v;
        return Value::Bool(true);
      }
      default: break;
    }
    Value args[4];
    std::vector<Value> many;
    const size_t argc = n.args.size() + (n.target != kNoExpr ? 1 : 0);
    Value* slots = args;
    if (argc > 4) {
      many.resize(argc);
      slots = many.data();
    }
    size_t k = 0;
    if (n.target != kNoExpr) {
      slots[k] = Eval(n.target);
      if (slots[k].is_error()) return slots[k];
      ++k;
    }
    for (ExprId a : n.args) {
      slots[k] = Eval(a);
      if (slots[k].is_error()) return slots[k];
      ++k;
    }
    if (fn == Fn::kUnknown) {
      return Value::Error("no such function: " + n.name);
    }
    if (fn == Fn::kMatches && slots[0].kind() == ValueKind::kString) {
      auto re = p_.regexes.find(id);
      if (re != p_.regexes.end()) {
        return Value::Bool(RE2::PartialMatch(slots[0].string_value(), *re->second));
      }
    }
    return CallFunction(fn, slots, argc);
  }

  // CEL's commutative && and ||: a decisive operand (false for &&, true for
  // ||) wins over an error on the other side.
  Value EvalLogic(bool is_and, const Node& n) {
    Value left = Eval(n.args[0]);
    if (left.kind() == ValueKind::kBool && left.bool_value() != is_and) {
      return left;
    }
    Value right = Eval(n.args[1]);
    if (right.kind() == ValueKind::kBool && right.bool_value() != is_and) {
      return right;
    }
    if (left.kind() == ValueKind::kBool && right.kind() == ValueKind::kBool) {
      return left;  // both non-decisive
    }
    if (left.is_error()) return left;
    if (right.is_error()) return right;
    return Value::Error(std::string("no matching overload for `") +
                        (is_and ? "&&" : "||") + "` applied to (" +
                        left.TypeName() + ", " + right.TypeName() + ")");
  }

  // `c ? a : b` with a condition that is not a bool (nor an error).
  static Value ConditionError(const Value& c) {
    return Value::Error("no matching overload for `?:` condition of type " +
                        c.TypeName());
  }

  // What EvalLogic gives for a non-decisive bool and `right`, which is not
  // a bool: an all's or exists' accumulator meeting such an element.
  static Value LogicError(bool is_and, const Value& right) {
    if (right.is_error()) return right;
    return Value::Error(std::string("no matching overload for `") +
                        (is_and ? "&&" : "||") + "` applied to (bool, " +
                        right.TypeName() + ")");
  }

  // Restores the list that decisions go to when a comprehension ends.
  class DecisionScope {
   public:
    DecisionScope(Evaluator* e, std::vector<Decision>* inside)
        : e_(e), outside_(e->decisions_) {
      e_->decisions_ = inside;
    }
    ~DecisionScope() { e_->decisions_ = outside_; }
    DecisionScope(const DecisionScope&) = delete;
    DecisionScope& operator=(const DecisionScope&) = delete;
    std::vector<Decision>* outside() const { return outside_; }

   private:
    Evaluator* e_;
    std::vector<Decision>* outside_;
  };

  Value EvalComprehension(ExprId id, const Node& n) {
    Value range = Eval(n.iter_range);
    if (range.is_error()) return range;
    // Decisions are recorded (when asked) for the comprehensions evaluated
    // once, not inside another's loop, and within the element that decided
    // an `exists` or an `all`; nothing else records inside this loop.
    DecisionScope scope(this, nullptr);
    std::vector<Decision>* const record = scope.outside();
    std::vector<Value> keys;
    const ValueList* items = nullptr;
    if (range.kind() == ValueKind::kList) {
      items = &range.list_value();
    } else if (range.kind() == ValueKind::kMap) {
      for (const auto& [k, v] : range.map_value().entries()) keys.push_back(k);
      items = &keys;
    } else {
      return Value::Error("cannot iterate over " + range.TypeName());
    }
    Value accu = Eval(n.accu_init);
    if (accu.is_error()) return accu;
    locals_.emplace_back(&n.accu_var, std::move(accu));
    const size_t accu_slot = locals_.size() - 1;
    locals_.emplace_back(&n.iter_var, Value());
    const size_t iter_slot = locals_.size() - 1;
    // The fast loops below do what the generic steps do, in the same order
    // (a step is counted before its element is evaluated, no element is
    // evaluated twice), with the accumulator kept out of the evaluation:
    // map and filter append to a list in place (the generic step copies the
    // list for every element), all and exists stop at the first decisive
    // element. At an element the generic step would turn into an error they
    // store what it would store and hand the rest of the items to it.
    const auto too_many_steps = [&] {
      locals_.resize(accu_slot);
      return Value::Error("evaluation exceeds " +
                          std::to_string(p_.max_comprehension_steps) +
                          " comprehension steps");
    };
    ExprId keep = kNoExpr;
    ExprId element = kNoExpr;
    bool is_all = false;
    ExprId predicate = kNoExpr;
    size_t next_item = 0;
    if (IsAppendLoop(n, &keep, &element)) {
      ValueList built;
      bool failed = false;
      Decision kept;  // a filter's, when recorded
      while (next_item < items->size() && !failed) {
        if (++steps_ > p_.max_comprehension_steps) return too_many_steps();
        locals_[iter_slot].second = (*items)[next_item++];
        if (keep != kNoExpr) {
          Value k = Eval(keep);
          if (k.kind() != ValueKind::kBool) {
            locals_[accu_slot].second = k.is_error() ? std::move(k) : ConditionError(k);
            failed = true;
            continue;
          }
          if (!k.bool_value()) continue;
          if (record != nullptr && ++kept.count <= Decision::kMaxElements) {
            kept.elements.push_back(locals_[iter_slot].second);
          }
        }
        Value e = Eval(element);
        if (e.is_error()) {
          locals_[accu_slot].second = std::move(e);
          failed = true;
          continue;
        }
        built.push_back(std::move(e));
      }
      if (!failed) {
        locals_[accu_slot].second = Value::List(std::move(built));
        if (record != nullptr && keep != kNoExpr) {
          kept.node = id;
          kept.kind = Decision::Kind::kFilter;
          kept.of = items->size();
          record->push_back(std::move(kept));
        }
      }
    } else if (IsQuantifierLoop(n, &is_all, &predicate)) {
      std::vector<Decision> inner;  // within the element, when recorded
      const auto decided = [&](bool value) {
        Decision d;
        d.node = id;
        d.kind = is_all ? Decision::Kind::kAll : Decision::Kind::kExists;
        d.value = value;
        d.of = items->size();
        if (value != is_all) {
          d.count = 1;
          d.elements.push_back(locals_[iter_slot].second);
          d.inner = std::move(inner);
        }
        record->push_back(std::move(d));
      };
      bool failed = false;
      while (next_item < items->size()) {
        if (++steps_ > p_.max_comprehension_steps) return too_many_steps();
        locals_[iter_slot].second = (*items)[next_item++];
        if (record != nullptr) {
          inner.clear();
          decisions_ = &inner;
        }
        Value v = Eval(predicate);
        decisions_ = nullptr;
        if (v.kind() != ValueKind::kBool) {
          locals_[accu_slot].second = LogicError(is_all, v);
          failed = true;
          break;
        }
        if (v.bool_value() != is_all) {
          // The generic loop takes one more step to see that it is done.
          if (next_item < items->size() && ++steps_ > p_.max_comprehension_steps) {
            return too_many_steps();
          }
          if (record != nullptr) decided(v.bool_value());
          locals_.resize(accu_slot);
          return v;
        }
      }
      if (record != nullptr && !failed) decided(is_all);
    }
    for (size_t i = next_item; i < items->size(); ++i) {
      const Value& item = (*items)[i];
      if (++steps_ > p_.max_comprehension_steps) return too_many_steps();
      locals_[iter_slot].second = item;
      Value cond = Eval(n.loop_condition);
      if (cond.kind() == ValueKind::kBool && !cond.bool_value()) break;
      Value next = Eval(n.loop_step);
      locals_[accu_slot].second = std::move(next);
    }
    locals_.pop_back();
    Value result = Eval(n.result);
    locals_.pop_back();
    return result;
  }

  // Whether `n` is a map or filter loop: an empty list accumulator, no
  // early exit, the result is the accumulator, and the step is
  // `accu + [element]`, or `keep ? accu + [element] : accu`.
  bool IsAppendLoop(const Node& n, ExprId* keep, ExprId* element) const {
    const auto is_accu = [&](ExprId id) {
      const Node& x = p_.ast.node(id);
      return x.kind == ExprKind::kIdent && x.name == n.accu_var;
    };
    const auto is_append = [&](ExprId id) {
      const Node& x = p_.ast.node(id);
      if (x.kind != ExprKind::kCall || p_.fns[id] != Fn::kAdd || x.args.size() != 2 ||
          x.target != kNoExpr || !is_accu(x.args[0])) {
        return false;
      }
      const Node& list = p_.ast.node(x.args[1]);
      if (list.kind != ExprKind::kList || list.args.size() != 1) return false;
      *element = list.args[0];
      return true;
    };
    const Node& init = p_.ast.node(n.accu_init);
    const Node& cond = p_.ast.node(n.loop_condition);
    if (init.kind != ExprKind::kList || !init.args.empty() || !is_accu(n.result) ||
        cond.kind != ExprKind::kConst || cond.constant != Constant(true)) {
      return false;
    }
    if (is_append(n.loop_step)) {
      *keep = kNoExpr;
      return true;
    }
    const Node& step = p_.ast.node(n.loop_step);
    if (step.kind != ExprKind::kCall || p_.fns[n.loop_step] != Fn::kConditional ||
        step.args.size() != 3 || !is_accu(step.args[2]) || !is_append(step.args[1])) {
      return false;
    }
    *keep = step.args[0];
    return true;
  }

  // Whether `n` is an all or exists loop: a bool accumulator `init`, the
  // loop condition `@not_strictly_false(accu)` (all) or
  // `@not_strictly_false(!accu)` (exists), the step `accu && predicate` or
  // `accu || predicate`, and the result the accumulator.
  bool IsQuantifierLoop(const Node& n, bool* is_all, ExprId* predicate) const {
    const auto is_accu = [&](ExprId id) {
      const Node& x = p_.ast.node(id);
      return x.kind == ExprKind::kIdent && x.name == n.accu_var;
    };
    const Node& init = p_.ast.node(n.accu_init);
    if (init.kind != ExprKind::kConst || !is_accu(n.result)) return false;
    const bool* b = std::get_if<bool>(&init.constant);
    if (b == nullptr) return false;
    const Node& cond = p_.ast.node(n.loop_condition);
    if (cond.kind != ExprKind::kCall || p_.fns[n.loop_condition] != Fn::kNotStrictlyFalse ||
        cond.args.size() != 1) {
      return false;
    }
    const ExprId running = cond.args[0];
    if (*b) {  // all
      if (!is_accu(running)) return false;
    } else {  // exists
      const Node& neg = p_.ast.node(running);
      if (neg.kind != ExprKind::kCall || p_.fns[running] != Fn::kNot ||
          neg.args.size() != 1 || !is_accu(neg.args[0])) {
        return false;
      }
    }
    const Node& step = p_.ast.node(n.loop_step);
    if (step.kind != ExprKind::kCall || step.args.size() != 2 ||
        p_.fns[n.loop_step] != (*b ? Fn::kAnd : Fn::kOr) || !is_accu(step.args[0])) {
      return false;
    }
    *is_all = *b;
    *predicate = step.args[1];
    return true;
  }

  const ProgramImpl& p_;
  const RowSource& row_;
  std::vector<std::pair<const std::string*, Value>> locals_;
  std::vector<std::pair<const RecordSource*, int>> field_cache_;
  // Per qualified node with a declared prefix: the bound value, null if the
  // source keeps none, kNotLooked before the first lookup.
  inline static const Value kNotLookedValue;
  static constexpr const Value* kNotLooked = &kNotLookedValue;
  std::vector<const Value*> bindings_;
  uint64_t steps_ = 0;
  // Where the decisions of the comprehensions being evaluated go; null when
  // they are not recorded.
  std::vector<Decision>* decisions_ = nullptr;

 public:
  uint64_t steps() const { return steps_; }
};

thread_local uint64_t thread_steps = 0;

}  // namespace

void PrepareLiterals(ProgramImpl* program) {
  const size_t n = program->ast.nodes.size();
  program->is_literal.assign(n, 0);
  program->literals.assign(n, Value());
  program->select_slots.assign(n, 0);
  program->num_selects = 0;
  program->binding_slots.assign(n, 0);
  program->num_bindings = 0;
  for (size_t id = 0; id < n; ++id) {
    if (program->qualified[id].declared >= 0) {
      program->binding_slots[id] = program->num_bindings++;
    }
  }
  for (size_t id = 0; id < n; ++id) {
    if (program->ast.nodes[id].kind == ExprKind::kSelect) {
      program->select_slots[id] = program->num_selects++;
    }
  }
  for (size_t id = 0; id < n; ++id) {
    const Node& node = program->ast.nodes[id];
    auto d = program->decimal_literals.find(static_cast<ExprId>(id));
    if (d != program->decimal_literals.end()) {
      program->literals[id] = Value::FromDecimal(d->second);
    } else if (node.kind == ExprKind::kConst) {
      program->literals[id] = Evaluator::ConstValue(node.constant);
    } else {
      continue;
    }
    program->is_literal[id] = 1;
  }
}

Value EvaluateRow(const ProgramImpl& program, const RowSource& row,
                  std::vector<Decision>* decisions) {
  if (program.ast.root == kNoExpr) return Value::Error("empty program");
  Evaluator evaluator(program, row, decisions);
  Value v = evaluator.Eval(program.ast.root);
  thread_steps += evaluator.steps();
  return v;
}

Value EvaluateRowAt(const ProgramImpl& program, ExprId id,
                    const RowSource& row) {
  Evaluator evaluator(program, row, nullptr);
  Value v = evaluator.Eval(id);
  thread_steps += evaluator.steps();
  return v;
}

uint64_t ThreadSteps() { return thread_steps; }

}  // namespace zhucun::internal
