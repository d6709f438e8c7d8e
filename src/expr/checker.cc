#include "expr/checker.h"

#include <re2/re2.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace zhucun::internal {
namespace {


// ---------------------------------------------------------------------------
// Name resolution (shared by checked and unchecked programs).

class Resolver {
 public:
  explicit Resolver(ProgramImpl* p) : p_(p) {}

  void Run() {
    const size_t n = p_->ast.nodes.size();
    p_->fns.assign(n, Fn::kUnknown);
    p_->qualified.assign(n, {});
    p_->local_slots.assign(n, -1);
    if (p_->ast.root != kNoExpr) Visit(p_->ast.root);
  }

 private:
  // The innermost local named `name` (its slot), or -1. The evaluator
  // pushes and pops locals exactly as Visit does below.
  int32_t LocalSlot(std::string_view name) const {
    for (size_t i = locals_.size(); i-- > 0;) {
      if (locals_[i] == name) return static_cast<int32_t>(i);
    }
    return -1;
  }

  void Visit(ExprId id) {
    const Node& n = p_->ast.node(id);
    switch (n.kind) {
      case ExprKind::kConst:
        return;
      case ExprKind::kIdent:
        p_->local_slots[id] = LocalSlot(n.name);
        if (p_->local_slots[id] < 0) {
          std::string name = n.name;
          if (!name.empty() && name[0] == '.') name.erase(0, 1);
          p_->qualified[id] = {{id}, {name}};
        }
        return;
      case ExprKind::kSelect: {
        Visit(n.target);
        if (n.test_only) return;
        const ProgramImpl::Qualified& inner = p_->qualified[n.target];
        if (!inner.chain.empty()) {
          ProgramImpl::Qualified q = inner;
          q.chain.push_back(id);
          q.names.push_back(q.names.back() + "." + n.name);
          p_->qualified[id] = std::move(q);
        }
        return;
      }
      case ExprKind::kCall:
        p_->fns[id] = LookupFunction(n.name);
        if (n.target != kNoExpr) Visit(n.target);
        for (ExprId a : n.args) Visit(a);
        return;
      case ExprKind::kList:
      case ExprKind::kMap:
        for (ExprId a : n.args) Visit(a);
        return;
      case ExprKind::kComprehension:
        Visit(n.iter_range);
        Visit(n.accu_init);
        locals_.push_back(n.accu_var);
        locals_.push_back(n.iter_var);
        Visit(n.loop_condition);
        Visit(n.loop_step);
        locals_.pop_back();
        Visit(n.result);
        locals_.pop_back();
        return;
    }
  }

  ProgramImpl* p_;
  std::vector<std::string> locals_;
};

// ---------------------------------------------------------------------------
// Type checking.

bool IsKind(const Type& t, TypeKind k) { return t.kind() == k || t.is_dyn(); }
bool IsExactly(const Type& t, TypeKind k) { return t.kind() == k; }
bool IsNumeric(TypeKind k) {
  return k == TypeKind::kInt || k == TypeKind::kUint || k == TypeKind::kDouble;
}

// The least common type of two types: equal types stay, anything else is dyn.
Type Join(const Type& a, const Type& b) {
  if (a == b) return a;
  if (a.kind() == TypeKind::kNull) return b;  // null joins with anything
  if (b.kind() == TypeKind::kNull) return a;
  if (a.kind() == TypeKind::kList && b.kind() == TypeKind::kList) {
    return Type::List(Join(a.elem(), b.elem()));
  }
  if (a.kind() == TypeKind::kMap && b.kind() == TypeKind::kMap) {
    return Type::Map(Join(a.key(), b.key()), Join(a.value(), b.value()));
  }
  return Type::Dyn();
}

// The exact decimal a number literal's text denotes: `0.2`, `-1.5`, `1e3`,
// `2.5e-1`; nullopt if it has no exact decimal within Decimal's range.
std::optional<Decimal> DecimalFromLiteral(std::string_view text) {
  std::string mantissa(text);
  int64_t exponent = 0;
  const size_t e = mantissa.find_first_of("eE");
  if (e != std::string::npos) {
    std::string_view exp = std::string_view(text).substr(e + 1);
    bool negative = !exp.empty() && exp[0] == '-';
    if (!exp.empty() && (exp[0] == '-' || exp[0] == '+')) exp.remove_prefix(1);
    if (exp.empty() || exp.size() > 4) return std::nullopt;
    for (char c : exp) {
      if (c < '0' || c > '9') return std::nullopt;
      exponent = exponent * 10 + (c - '0');
    }
    if (negative) exponent = -exponent;
    mantissa.resize(e);
  }
  // Move the decimal point by `exponent` places in the digit string.
  bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  size_t dot = mantissa.find('.');
  std::string digits = mantissa;
  int64_t frac = 0;
  if (dot != std::string::npos) {
    digits.erase(dot, 1);
    frac = static_cast<int64_t>(mantissa.size() - dot - 1);
  }
  int64_t scale = frac - exponent;
  if (scale < 0) {
    if (scale < -18) return std::nullopt;
    digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  if (scale > Decimal::kMaxScale) return std::nullopt;
  while (static_cast<int64_t>(digits.size()) <= scale) digits.insert(0, "0");
  if (scale > 0) digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  if (negative) digits.insert(0, "-");
  return Decimal::Parse(digits);
}

class Checker {
 public:
  Checker(const std::map<std::string, Type, std::less<>>& vars,
          ProgramImpl* p, Diagnostics* diags)
      : vars_(vars), p_(p), diags_(diags) {}

  bool Run() {
    p_->types.assign(p_->ast.nodes.size(), Type::Dyn());
    p_->result_type = Visit(p_->ast.root);
    return !failed_;
  }

 private:
  struct Local {
    std::string name;
    Type type;
  };

  void Error(ExprId id, std::string code, std::string message,
             std::string help = {}) {
    failed_ = true;
    // An inlined function may use an argument more than once: one mistake
    // in the argument is still one message.
    const SourceSpan span = p_->ast.span(id);
    for (const Diagnostic& d : diags_->items()) {
      if (d.code == code && d.message == message && d.span.file == span.file &&
          d.span.begin == span.begin && d.span.end == span.end) {
        return;
      }
    }
    diags_->Error(std::move(code), std::move(message), span, std::move(help));
  }

  const Local* FindLocal(std::string_view name) const {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->name == name) return &*it;
    }
    return nullptr;
  }

  Type Visit(ExprId id) {
    Type t = VisitNode(id);
    p_->types[id] = t;
    return t;
  }

  Type VisitNode(ExprId id) {
    const Node& n = p_->ast.node(id);
    switch (n.kind) {
      case ExprKind::kConst: return ConstType(n.constant);
      case ExprKind::kIdent: return VisitIdent(id, n);
      case ExprKind::kSelect: return VisitSelect(id, n);
      case ExprKind::kCall: return VisitCall(id, n);
      case ExprKind::kList: {
        std::optional<Type> elem;
        for (ExprId a : n.args) {
          Type t = Visit(a);
          elem = elem ? Join(*elem, t) : t;
        }
        return Type::List(elem.value_or(Type::Dyn()));
      }
      case ExprKind::kMap: {
        std::optional<Type> key, value;
        for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
          Type k = Visit(n.args[i]);
          Type v = Visit(n.args[i + 1]);
          if (!IsKind(k, TypeKind::kString) && !IsKind(k, TypeKind::kInt) &&
              !IsKind(k, TypeKind::kUint) && !IsKind(k, TypeKind::kBool)) {
            Error(n.args[i], "expr.bad_map_key",
                  "a map key must be a bool, int, uint or string, not `" +
                      k.ToString() + "`");
          }
          key = key ? Join(*key, k) : k;
          value = value ? Join(*value, v) : v;
        }
        return Type::Map(key.value_or(Type::Dyn()), value.value_or(Type::Dyn()));
      }
      case ExprKind::kComprehension: return VisitComprehension(n);
    }
    return Type::Dyn();
  }

  static Type ConstType(const Constant& c) {
    switch (c.index()) {
      case 0: return Type::Null();
      case 1: return Type::Bool();
      case 2: return Type::Int();
      case 3: return Type::Uint();
      case 4: return Type::Double();
      case 5: return Type::String();
      default: return Type::Bytes();
    }
  }

  // Resolves a qualified chain ending at `id`; returns the type if resolved.
  // `resolved_any` tells whether some prefix named a declared variable.
  std::optional<Type> ResolveQualified(ExprId id, bool* resolved_any) {
    ProgramImpl::Qualified& q = p_->qualified[id];
    *resolved_any = false;
    for (size_t i = q.names.size(); i-- > 0;) {
      auto it = vars_.find(q.names[i]);
      if (it == vars_.end()) continue;
      *resolved_any = true;
      q.declared = static_cast<int32_t>(i);
      Type t = it->second;
      p_->types[q.chain[i]] = t;
      for (size_t j = i + 1; j < q.chain.size(); ++j) {
        const Node& sel = p_->ast.node(q.chain[j]);
        t = SelectField(q.chain[j], q.chain[j - 1], t, sel.name);
        p_->types[q.chain[j]] = t;
      }
      return t;
    }
    return std::nullopt;
  }

  Type VisitIdent(ExprId id, const Node& n) {
    if (const Local* local = FindLocal(n.name)) return local->type;
    bool resolved = false;
    if (auto t = ResolveQualified(id, &resolved)) return *t;
    if (IsTypeName(n.name)) return Type::TypeType();
    UndeclaredError(id, n.name);
    return Type::Dyn();
  }

  void UndeclaredError(ExprId id, const std::string& name) {
    std::vector<std::string> candidates;
    for (const auto& [var, type] : vars_) candidates.push_back(var);
    for (const Local& l : locals_) {
      if (!l.name.empty() && l.name[0] != '@') candidates.push_back(l.name);
    }
    std::string best = ClosestMatch(name, candidates);
    Error(id, "expr.undeclared", "undeclared reference to `" + name + "`",
          best.empty() ? "" : "did you mean `" + best + "`?");
  }

  Type SelectField(ExprId id, ExprId operand, const Type& t,
                   const std::string& field) {
    switch (t.kind()) {
      case TypeKind::kDyn: return Type::Dyn();
      case TypeKind::kMap:
        if (!IsKind(t.key(), TypeKind::kString)) {
          Error(id, "expr.no_field",
                "field selection needs string keys, but the map has `" +
                    t.key().ToString() + "` keys");
        }
        return t.value();
      case TypeKind::kObject: {
        const Type* ft = t.object().FindField(field);
        if (ft != nullptr) return *ft;
        std::vector<std::string> names;
        for (const auto& f : t.object().fields()) names.push_back(f.first);
        std::string best = ClosestMatch(field, names);
        Error(id, "expr.unknown_field",
              std::string("`") + Describe(operand) + "` has no field `" +
                  field + "`",
              best.empty() ? "" : "did you mean `" + best + "`?");
        return Type::Dyn();
      }
      default:
        Error(id, "expr.no_field",
              "type `" + t.ToString() + "` has no fields (selecting `" +
                  field + "`)");
        return Type::Dyn();
    }
  }

  // A short description of an operand for messages: its name if it is one.
  std::string Describe(ExprId id) const {
    const Node& n = p_->ast.node(id);
    if (n.kind == ExprKind::kIdent) return n.name;
    if (n.kind == ExprKind::kSelect && !n.test_only) {
      return Describe(n.target) + "." + n.name;
    }
    return p_->types[id].ToString();
  }

  Type VisitSelect(ExprId id, const Node& n) {
    if (!n.test_only && !p_->qualified[id].chain.empty()) {
      // Root is not a local: try qualified names (a.b.c bound as one name).
      bool resolved = false;
      if (auto t = ResolveQualified(id, &resolved)) return *t;
      const ProgramImpl::Qualified& q = p_->qualified[id];
      const Node& root = p_->ast.node(q.chain[0]);
      if (IsTypeName(root.name)) {
        Error(id, "expr.no_field", "type `type` has no fields (selecting `" +
                                       n.name + "`)");
      } else {
        UndeclaredError(q.chain[0], root.name);
      }
      return Type::Dyn();
    }
    Type operand = Visit(n.target);
    Type t = SelectField(id, n.target, operand, n.name);
    return n.test_only ? Type::Bool() : t;
  }

  Type VisitComprehension(const Node& n) {
    Type range = Visit(n.iter_range);
    Type iter;
    switch (range.kind()) {
      case TypeKind::kList: iter = range.elem(); break;
      case TypeKind::kMap: iter = range.key(); break;
      case TypeKind::kDyn: iter = Type::Dyn(); break;
      default:
        Error(n.iter_range, "expr.not_iterable",
              "expected a list or map to iterate over, got `" +
                  range.ToString() + "`");
        iter = Type::Dyn();
    }
    Type accu = Visit(n.accu_init);
    // An accumulator that starts as an empty list takes its element type
    // from the step (`[1, 2].map(x, x * 2)` is a list(int)): it starts as a
    // list(null_type), which joins with any list.
    const Node& init = p_->ast.node(n.accu_init);
    const bool empty_list = init.kind == ExprKind::kList && init.args.empty();
    locals_.push_back({n.accu_var, empty_list ? Type::List(Type::Null()) : accu});
    locals_.push_back({n.iter_var, iter});
    Visit(n.loop_condition);
    Type step = Visit(n.loop_step);
    locals_.pop_back();
    if (empty_list) {
      locals_.back().type =
          step.kind() == TypeKind::kList && step.elem().kind() != TypeKind::kNull
              ? step
              : accu;
    }
    Type result = Visit(n.result);
    locals_.pop_back();
    return result;
  }

  // True if node `id` is a number literal (possibly negated) that can become
  // an exact decimal; records the decimal.
  bool PromoteToDecimal(ExprId id) {
    const Node& n = p_->ast.node(id);
    bool negate = false;
    const Node* lit = &n;
    if (n.kind == ExprKind::kCall && p_->fns[id] == Fn::kNeg &&
        n.args.size() == 1) {
      lit = &p_->ast.node(n.args[0]);
      negate = true;
    }
    if (lit->kind != ExprKind::kConst) return false;
    std::optional<Decimal> d;
    if (const int64_t* i = std::get_if<int64_t>(&lit->constant)) {
      d = Decimal::FromInt(*i);
    } else if (std::get_if<double>(&lit->constant) != nullptr) {
      d = DecimalFromLiteral(lit->literal_text);
    } else {
      return false;
    }
    if (!d) return false;
    if (negate) {
      Decimal neg;
      if (!Decimal::Neg(*d, &neg)) return false;
      d = neg;
    }
    p_->decimal_literals[id] = *d;
    p_->types[id] = Type::Decimal();
    return true;
  }

  // A type in a clerk's words: "text (string)", "a whole number (int)".
  static std::string Plain(const Type& t) {
    const std::string name = t.ToString();
    switch (t.kind()) {
      case TypeKind::kString: return "text (" + name + ")";
      case TypeKind::kInt: case TypeKind::kUint: return "a whole number (" + name + ")";
      case TypeKind::kDecimal: return "a decimal number (" + name + ")";
      case TypeKind::kDouble: return "a floating-point number (" + name + ")";
      case TypeKind::kDate: return "a date (" + name + ")";
      case TypeKind::kBool: return "true or false (" + name + ")";
      case TypeKind::kNull: return "null";
      default: return "a " + name;
    }
  }

  void NoOverload(ExprId id, const Node& n, const std::vector<Type>& args) {
    std::string list;
    for (size_t i = 0; i < args.size(); ++i) {
      if (i > 0) list += ", ";
      list += args[i].ToString();
    }
    std::string_view fname = FunctionDisplayName(n.name);
    // Two operands of different kinds: say so in plain words.
    std::string help;
    static const std::vector<std::string_view> kOperators = {"<", "<=", ">", ">=", "==", "!=",
                                                             "+", "-", "*", "/", "%"};
    if (args.size() == 2 && args[0].kind() != args[1].kind() &&
        std::find(kOperators.begin(), kOperators.end(), fname) != kOperators.end()) {
      const auto number = [](const Type& t) {
        return t.kind() == TypeKind::kInt || t.kind() == TypeKind::kUint ||
               t.kind() == TypeKind::kDecimal || t.kind() == TypeKind::kDouble;
      };
      const auto is = [&](TypeKind k) {
        return args[0].kind() == k || args[1].kind() == k;
      };
      help = "the left side is " + Plain(args[0]) + " and the right side " + Plain(args[1]) +
             "; `" + std::string(fname) + "` takes two of one kind";
      if (number(args[0]) && number(args[1])) {
        help += ": convert one, e.g. with `decimal(x)` or `int(x)`";
      } else if (is(TypeKind::kString) && (number(args[0]) || number(args[1]))) {
        help += " (a number in quotes is text: write `3`, not `'3'`)";
      } else if (is(TypeKind::kString) && is(TypeKind::kDate)) {
        help += " (a date is written `date('2024-01-01')`)";
      }
    }
    Error(id, "expr.no_overload",
          "no matching overload for `" + std::string(fname) + "` applied to `(" +
              list + ")`",
          std::move(help));
  }

  Type VisitCall(ExprId id, const Node& n) {
    std::vector<ExprId> arg_ids;
    if (n.target != kNoExpr) arg_ids.push_back(n.target);
    for (ExprId a : n.args) arg_ids.push_back(a);
    std::vector<Type> args;
    args.reserve(arg_ids.size());
    for (ExprId a : arg_ids) args.push_back(Visit(a));
    Fn fn = p_->fns[id];
    if (fn == Fn::kUnknown) {
      std::vector<std::string> known = {
          "size", "contains", "startsWith", "endsWith", "matches", "int",
          "uint", "double", "string", "bytes", "bool", "dyn", "type", "date",
          "decimal", "period", "year", "half", "quarter", "month", "start",
          "end", "add_years", "round", "sum", "min", "max", "months", "flatten"};
      std::string best = ClosestMatch(n.name, known);
      Error(id, "expr.undeclared_function",
            "undeclared function `" + n.name + "`",
            best.empty() ? "" : "did you mean `" + best + "`?");
      return Type::Dyn();
    }
    // Decimal promotion of number literals meeting a decimal operand.
    if (args.size() == 2 && IsDecimalOperator(fn)) {
      for (int side = 0; side < 2; ++side) {
        if (IsExactly(args[side], TypeKind::kDecimal) &&
            (IsExactly(args[1 - side], TypeKind::kDouble) ||
             IsExactly(args[1 - side], TypeKind::kInt)) &&
            PromoteToDecimal(arg_ids[1 - side])) {
          args[1 - side] = Type::Decimal();
        }
      }
    }
    std::optional<Type> result = CallType(fn, n.target != kNoExpr, args);
    if (!result) {
      NoOverload(id, n, args);
      return Type::Dyn();
    }
    return *result;
  }

  static bool IsDecimalOperator(Fn fn) {
    switch (fn) {
      case Fn::kAdd: case Fn::kSub: case Fn::kMul: case Fn::kEq:
      case Fn::kNe: case Fn::kLt: case Fn::kLe: case Fn::kGt: case Fn::kGe:
        return true;
      default:
        return false;
    }
  }

  // The result type of a call, or nullopt when no overload matches.
  static std::optional<Type> CallType(Fn fn, bool receiver,
                                      const std::vector<Type>& a) {
    const size_t argc = a.size();
    auto any_dyn = [&] {
      for (const Type& t : a) {
        if (t.is_dyn()) return true;
      }
      return false;
    };
    auto k = [&](size_t i) { return a[i].kind(); };
    switch (fn) {
      case Fn::kAdd:
      case Fn::kSub:
      case Fn::kMul: {
        if (argc != 2) return std::nullopt;
        if (any_dyn()) return Type::Dyn();
        if (k(0) == k(1) &&
            (IsNumeric(k(0)) || k(0) == TypeKind::kDecimal)) {
          return a[0];
        }
        if ((k(0) == TypeKind::kDecimal && k(1) == TypeKind::kInt) ||
            (k(0) == TypeKind::kInt && k(1) == TypeKind::kDecimal)) {
          return Type::Decimal();
        }
        if (fn == Fn::kAdd) {
          if (k(0) == k(1) &&
              (k(0) == TypeKind::kString || k(0) == TypeKind::kBytes)) {
            return a[0];
          }
          if (k(0) == TypeKind::kList && k(1) == TypeKind::kList) {
            return Join(a[0], a[1]);
          }
        }
        if (fn != Fn::kMul && k(0) == TypeKind::kDate && k(1) == TypeKind::kInt) {
          return Type::Date();
        }
        if (fn == Fn::kSub && k(0) == TypeKind::kDate &&
            k(1) == TypeKind::kDate) {
          return Type::Int();
        }
        return std::nullopt;
      }
      case Fn::kDiv:
      case Fn::kMod:
        if (argc != 2) return std::nullopt;
        if (any_dyn()) return Type::Dyn();
        if (k(0) == k(1) &&
            (k(0) == TypeKind::kInt || k(0) == TypeKind::kUint ||
             (fn == Fn::kDiv && k(0) == TypeKind::kDouble))) {
          return a[0];
        }
        return std::nullopt;
      case Fn::kNeg:
        if (argc != 1) return std::nullopt;
        if (any_dyn()) return Type::Dyn();
        if (k(0) == TypeKind::kInt || k(0) == TypeKind::kDouble ||
            k(0) == TypeKind::kDecimal) {
          return a[0];
        }
        return std::nullopt;
      case Fn::kNot:
        if (argc == 1 && IsKind(a[0], TypeKind::kBool)) return Type::Bool();
        return std::nullopt;
      case Fn::kAnd:
      case Fn::kOr:
        if (argc == 2 && IsKind(a[0], TypeKind::kBool) &&
            IsKind(a[1], TypeKind::kBool)) {
          return Type::Bool();
        }
        return std::nullopt;
      case Fn::kNotStrictlyFalse:
        return argc == 1 ? std::optional<Type>(Type::Bool()) : std::nullopt;
      case Fn::kEq:
      case Fn::kNe: {
        // Values of different types are never equal, so comparing them is
        // almost surely a mistake: allowed only with dyn, null, numbers
        // (int, uint and double compare by value), decimals with ints, and
        // lists or maps (whose elements are compared at run time).
        if (argc != 2) return std::nullopt;
        const TypeKind x = k(0), y = k(1);
        auto loose = [](TypeKind t) {
          return t == TypeKind::kDyn || t == TypeKind::kNull;
        };
        auto decimal_int = [](TypeKind p, TypeKind q) {
          return p == TypeKind::kDecimal && q == TypeKind::kInt;
        };
        if (x == y || loose(x) || loose(y) || (IsNumeric(x) && IsNumeric(y)) ||
            decimal_int(x, y) || decimal_int(y, x)) {
          return Type::Bool();
        }
        return std::nullopt;
      }
      case Fn::kLt:
      case Fn::kLe:
      case Fn::kGt:
      case Fn::kGe: {
        if (argc != 2) return std::nullopt;
        if (any_dyn()) return Type::Bool();
        if (IsNumeric(k(0)) && IsNumeric(k(1))) return Type::Bool();
        if (k(0) == k(1) &&
            (k(0) == TypeKind::kBool || k(0) == TypeKind::kString ||
             k(0) == TypeKind::kBytes || k(0) == TypeKind::kDate ||
             k(0) == TypeKind::kDecimal)) {
          return Type::Bool();
        }
        if ((k(0) == TypeKind::kDecimal && k(1) == TypeKind::kInt) ||
            (k(0) == TypeKind::kInt && k(1) == TypeKind::kDecimal)) {
          return Type::Bool();
        }
        return std::nullopt;
      }
      case Fn::kConditional:
        if (argc != 3 || !IsKind(a[0], TypeKind::kBool)) return std::nullopt;
        return Join(a[1], a[2]);
      case Fn::kIndex:
        if (argc != 2) return std::nullopt;
        if (k(0) == TypeKind::kList) {
          if (IsKind(a[1], TypeKind::kInt) || IsExactly(a[1], TypeKind::kUint) ||
              IsExactly(a[1], TypeKind::kDouble)) {
            return a[0].elem();
          }
          return std::nullopt;
        }
        if (k(0) == TypeKind::kMap) return a[0].value();
        if (k(0) == TypeKind::kDyn) return Type::Dyn();
        return std::nullopt;
      case Fn::kIn:
        if (argc != 2) return std::nullopt;
        if (k(1) == TypeKind::kList || k(1) == TypeKind::kMap ||
            k(1) == TypeKind::kDyn) {
          return Type::Bool();
        }
        if (k(1) == TypeKind::kPeriod && IsKind(a[0], TypeKind::kDate)) {
          return Type::Bool();
        }
        return std::nullopt;
      case Fn::kSize:
        if (argc != 1) return std::nullopt;
        if (k(0) == TypeKind::kString || k(0) == TypeKind::kBytes ||
            k(0) == TypeKind::kList || k(0) == TypeKind::kMap ||
            k(0) == TypeKind::kDyn) {
          return Type::Int();
        }
        return std::nullopt;
      case Fn::kContains:
      case Fn::kStartsWith:
      case Fn::kEndsWith:
        if (argc == 2 && receiver && IsKind(a[0], TypeKind::kString) &&
            IsKind(a[1], TypeKind::kString)) {
          return Type::Bool();
        }
        return std::nullopt;
      case Fn::kMatches:
        if (argc == 2 && IsKind(a[0], TypeKind::kString) &&
            IsKind(a[1], TypeKind::kString)) {
          return Type::Bool();
        }
        return std::nullopt;
      case Fn::kToInt:
      case Fn::kToUint:
      case Fn::kToDouble:
        if (argc != 1 || receiver) return std::nullopt;
        if (IsNumeric(k(0)) || k(0) == TypeKind::kString ||
            k(0) == TypeKind::kDyn ||
            (fn == Fn::kToDouble && k(0) == TypeKind::kDecimal)) {
          return fn == Fn::kToInt    ? Type::Int()
                 : fn == Fn::kToUint ? Type::Uint()
                                     : Type::Double();
        }
        return std::nullopt;
      case Fn::kToString:
        if (argc != 1 || receiver) return std::nullopt;
        if (k(0) == TypeKind::kList || k(0) == TypeKind::kMap ||
            k(0) == TypeKind::kNull || k(0) == TypeKind::kType ||
            k(0) == TypeKind::kObject) {
          return std::nullopt;
        }
        return Type::String();
      case Fn::kToBytes:
        if (argc == 1 && !receiver &&
            (IsKind(a[0], TypeKind::kString) || k(0) == TypeKind::kBytes)) {
          return Type::Bytes();
        }
        return std::nullopt;
      case Fn::kToBool:
        if (argc == 1 && !receiver &&
            (IsKind(a[0], TypeKind::kString) || k(0) == TypeKind::kBool)) {
          return Type::Bool();
        }
        return std::nullopt;
      case Fn::kDyn:
        return argc == 1 && !receiver ? std::optional<Type>(Type::Dyn())
                                      : std::nullopt;
      case Fn::kTypeOf:
        return argc == 1 && !receiver ? std::optional<Type>(Type::TypeType())
                                      : std::nullopt;
      case Fn::kToDate:
        if (argc == 1 && !receiver &&
            (IsKind(a[0], TypeKind::kString) || k(0) == TypeKind::kDate)) {
          return Type::Date();
        }
        return std::nullopt;
      case Fn::kToDecimal:
        if (argc == 1 && !receiver &&
            (IsKind(a[0], TypeKind::kString) || k(0) == TypeKind::kInt ||
             k(0) == TypeKind::kDecimal)) {
          return Type::Decimal();
        }
        return std::nullopt;
      case Fn::kToPeriod:
        if (argc == 1 && !receiver &&
            (IsKind(a[0], TypeKind::kString) || k(0) == TypeKind::kPeriod)) {
          return Type::Period();
        }
        return std::nullopt;
      case Fn::kYear:
      case Fn::kHalf:
      case Fn::kQuarter:
      case Fn::kMonth:
        if (argc == 1 && IsKind(a[0], TypeKind::kDate)) return Type::Period();
        return std::nullopt;
      case Fn::kStart:
      case Fn::kEnd:
        if (argc == 1 && IsKind(a[0], TypeKind::kPeriod)) return Type::Date();
        return std::nullopt;
      case Fn::kAddYears:
        if (argc == 2 && IsKind(a[0], TypeKind::kDate) &&
            IsKind(a[1], TypeKind::kInt)) {
          return Type::Date();
        }
        return std::nullopt;
      case Fn::kRound:
        if (argc == 2 && IsKind(a[0], TypeKind::kDecimal) &&
            IsKind(a[1], TypeKind::kInt)) {
          return Type::Decimal();
        }
        return std::nullopt;
      case Fn::kMonths:
        if (argc == 1 && IsKind(a[0], TypeKind::kPeriod)) {
          return Type::List(Type::Period());
        }
        if (argc == 2 && IsKind(a[0], TypeKind::kDate) && IsKind(a[1], TypeKind::kDate)) {
          return Type::List(Type::Period());
        }
        return std::nullopt;
      case Fn::kDays:
        if (argc == 1 && IsKind(a[0], TypeKind::kPeriod)) return Type::Int();
        return std::nullopt;
      case Fn::kCoveredDays: {
        // covered_days(p, spans, ...): each spans a list of [start, end].
        if (argc < 2 || receiver || !IsKind(a[0], TypeKind::kPeriod)) {
          return std::nullopt;
        }
        for (size_t i = 1; i < argc; ++i) {
          if (k(i) == TypeKind::kDyn) continue;
          if (k(i) != TypeKind::kList) return std::nullopt;
          const Type& span = a[i].elem();
          if (span.is_dyn()) continue;
          if (span.kind() != TypeKind::kList) return std::nullopt;
          const TypeKind e = span.elem().kind();
          if (e != TypeKind::kDate && e != TypeKind::kDyn && e != TypeKind::kNull) {
            return std::nullopt;
          }
        }
        return Type::Int();
      }
      case Fn::kCeilDiv:
        if (argc != 2 || receiver) return std::nullopt;
        if (any_dyn()) return Type::Dyn();
        if (k(0) == TypeKind::kInt && k(1) == TypeKind::kInt) return Type::Int();
        if (k(0) == TypeKind::kUint && k(1) == TypeKind::kUint) return Type::Uint();
        return std::nullopt;
      case Fn::kFlatten:
        if (argc != 1 || !receiver) return std::nullopt;
        if (k(0) == TypeKind::kDyn) return Type::Dyn();
        if (k(0) != TypeKind::kList) return std::nullopt;
        if (a[0].elem().kind() == TypeKind::kList) return a[0].elem();
        return Type::List(Type::Dyn());
      case Fn::kSum:
      case Fn::kMin:
      case Fn::kMax: {
        if (argc != 1) return std::nullopt;
        if (k(0) == TypeKind::kDyn) return Type::Dyn();
        if (k(0) != TypeKind::kList) return std::nullopt;
        const TypeKind e = a[0].elem().kind();
        if (e == TypeKind::kInt || e == TypeKind::kUint ||
            e == TypeKind::kDouble || e == TypeKind::kDecimal ||
            e == TypeKind::kDyn) {
          return a[0].elem();
        }
        if ((fn == Fn::kMin || fn == Fn::kMax) &&
            (e == TypeKind::kDate || e == TypeKind::kString)) {
          return a[0].elem();
        }
        return std::nullopt;
      }
      case Fn::kUnknown:
        return std::nullopt;
    }
    return std::nullopt;
  }

  const std::map<std::string, Type, std::less<>>& vars_;
  ProgramImpl* p_;
  Diagnostics* diags_;
  std::vector<Local> locals_;
  bool failed_ = false;
};

}  // namespace

void ResolveNames(ProgramImpl* program) { Resolver(program).Run(); }

bool CompileRegexes(ProgramImpl* program, bool report, Diagnostics* diags) {
  bool ok = true;
  const Ast& ast = program->ast;
  for (ExprId id = 0; id < ast.nodes.size(); ++id) {
    if (program->fns[id] != Fn::kMatches) continue;
    const Node& n = ast.node(id);
    const size_t argc = n.args.size() + (n.target != kNoExpr ? 1 : 0);
    if (argc != 2) continue;
    const ExprId pattern_id = n.args.back();
    const Node& pattern = ast.node(pattern_id);
    const std::string* text = std::get_if<std::string>(&pattern.constant);
    if (pattern.kind != ExprKind::kConst || text == nullptr) continue;
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_shared<const RE2>(*text, options);
    if (re->ok()) {
      program->regexes.emplace(id, std::move(re));
    } else if (report) {
      diags->Error("expr.bad_regex",
                   "invalid regular expression `" + *text + "`: " + re->error(),
                   ast.span(pattern_id), "patterns use RE2 syntax");
      ok = false;
    }
  }
  return ok;
}

bool Check(const std::map<std::string, Type, std::less<>>& variables,
           ProgramImpl* program, Diagnostics* diags) {
  return Checker(variables, program, diags).Run();
}

}  // namespace zhucun::internal
