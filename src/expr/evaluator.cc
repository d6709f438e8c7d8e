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
  Evaluator(const ProgramImpl& p, const RowSource& row) : p_(p), row_(row) {}

  Value Eval(ExprId id) {
    auto lit = p_.decimal_literals.find(id);
    if (lit != p_.decimal_literals.end()) return Value::FromDecimal(lit->second);
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
      case ExprKind::kComprehension: return EvalComprehension(n);
    }
    return Value::Error("internal: unknown node");
  }

 private:
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

  const Value* FindLocal(std::string_view name) const {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (*it->first == name) return &it->second;
    }
    return nullptr;
  }

  // Resolves a qualified chain: the longest bound name, then the remaining
  // field selections. Returns false if no prefix is bound.
  bool EvalQualified(ExprId id, Value* out) {
    const ProgramImpl::Qualified& q = p_.qualified[id];
    for (size_t i = q.names.size(); i-- > 0;) {
      Value v;
      if (!row_.Lookup(q.names[i], &v) && !row_.LookupRecord(q.names[i], &v)) {
        continue;
      }
      for (size_t j = i + 1; j < q.chain.size() && !v.is_error(); ++j) {
        v = SelectField(v, p_.ast.node(q.chain[j]).name, false);
      }
      *out = std::move(v);
      return true;
    }
    return false;
  }

  Value EvalIdent(ExprId id, const Node& n) {
    if (const Value* local = FindLocal(n.name)) return *local;
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
    return SelectField(operand, n.name, n.test_only);
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
        if (c.kind() != ValueKind::kBool) {
          return Value::Error("no matching overload for `?:` condition of type " +
                              c.TypeName());
        }
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

  Value EvalComprehension(const Node& n) {
    Value range = Eval(n.iter_range);
    if (range.is_error()) return range;
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
    for (const Value& item : *items) {
      if (++steps_ > p_.max_comprehension_steps) {
        locals_.resize(accu_slot);
        return Value::Error("evaluation exceeds " +
                            std::to_string(p_.max_comprehension_steps) +
                            " comprehension steps");
      }
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

  const ProgramImpl& p_;
  const RowSource& row_;
  std::vector<std::pair<const std::string*, Value>> locals_;
  uint64_t steps_ = 0;
};

}  // namespace

Value EvaluateRow(const ProgramImpl& program, const RowSource& row) {
  if (program.ast.root == kNoExpr) return Value::Error("empty program");
  return Evaluator(program, row).Eval(program.ast.root);
}

Value EvaluateRowAt(const ProgramImpl& program, ExprId id,
                    const RowSource& row) {
  return Evaluator(program, row).Eval(id);
}

}  // namespace zhucun::internal
