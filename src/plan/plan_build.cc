// Building a rule's plan from its compiled `when` and lets (rule_plan.h).

#include <algorithm>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "expr/evaluator.h"
#include "expr/functions.h"
#include "expr/program.h"
#include "plan/plan_fused.h"
#include "plan/plan_ir.h"
#include "plan/rule_plan.h"

namespace zhucun::internal {

namespace {

// The base activation as a row source, for folding constants.
class BaseRow : public RowSource {
 public:
  explicit BaseRow(const Activation& act) : act_(act) {}
  bool Lookup(std::string_view name, Value* out) const override {
    const Value* v = act_.Find(name);
    if (v == nullptr) return false;
    *out = *v;
    return true;
  }
  bool LookupRecord(std::string_view name, Value* out) const override {
    return RecordFromBindings(act_.bindings(), name, [](const Value& v) { return v; }, out);
  }
  const Value* Find(std::string_view name) const override { return act_.Find(name); }

 private:
  const Activation& act_;
};

K KindOfCell(CellType type) {
  switch (type) {
    case CellType::kId:
    case CellType::kText:
    case CellType::kCode: return K::kString;
    case CellType::kDate: return K::kDate;
    case CellType::kMonth: return K::kPeriod;
    case CellType::kInt: return K::kInt;
    case CellType::kDecimal: return K::kDecimal;
    case CellType::kBool: return K::kBool;
  }
  return K::kUnknown;
}

K KindOfValue(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull: return K::kNull;
    case ValueKind::kBool: return K::kBool;
    case ValueKind::kInt: return K::kInt;
    case ValueKind::kDecimal: return K::kDecimal;
    case ValueKind::kDate: return K::kDate;
    case ValueKind::kString: return K::kString;
    case ValueKind::kPeriod: return K::kPeriod;
    case ValueKind::kList: return K::kList;
    case ValueKind::kMap: return K::kMap;
    default: return K::kUnknown;
  }
}

// A list's `table` when its elements are spans.
constexpr size_t kSpanElements = static_cast<size_t>(K::kSpan);

// The names the engine binds for every pair besides the lets.
constexpr std::string_view kBaseNames[] = {"as_of", "from", "params"};

class Builder {
 public:
  Builder(const RuleInput& rule, const FactSet& facts, const RecordTypes& types,
          const Activation& base, Relations* relations, RulePlan::Impl* plan)
      : rule_(rule), facts_(facts), types_(types), base_(base), relations_(relations),
        plan_(plan) {
    subject_table_ = facts.schema().TableIndex(rule.subject_table);
    prefecture_ = rule.subject_table.empty();
    plan->max_steps = rule.when != nullptr ? ImplOf(*rule.when).max_comprehension_steps
                                           : UINT64_MAX;
    for (const auto& [name, program] : rule.lets) {
      plan->max_steps = std::min(plan->max_steps, ImplOf(*program).max_comprehension_steps);
    }
  }

  // The plan of `when`, or -1 when the rule cannot be planned.
  int Build() { return BuildRoot(*rule_.when); }

  // The plans of the rule's steps (RuleInput::steps): bools, or -1.
  void BuildSteps() {
    for (const Program* step : rule_.steps) {
      int id = BuildRoot(*step);
      if (id >= 0 && At(id).kind != K::kBool) id = -1;
      plan_->steps.push_back(id);
    }
  }

  // The plan of `program` (the `when`, or one of several expressions planned
  // together), or -1.
  int BuildRoot(const Program& program) {
    if (subject_table_ < 0 && !prefecture_) return -1;
    std::set<std::string_view> reserved = {rule_.subject_var, "period", "facts"};
    reserved.insert(std::begin(kBaseNames), std::end(kBaseNames));
    for (const auto& let : rule_.lets) {
      if (reserved.count(let.first) != 0) return -1;  // a let hiding a variable
    }
    plan_->max_steps = std::min(plan_->max_steps, ImplOf(program).max_comprehension_steps);
    Scope scope;
    return Visit(ImplOf(program), ImplOf(program).ast.root, scope);
  }

 private:
  struct Local {
    std::string name;
    int slot;
    size_t table;     // a row's table
    K kind = K::kRow;  // a row, or an element of a list
  };
  using Scope = std::vector<Local>;

  // Adds an operator, or returns the one already made that computes the
  // same (the same subexpression twice, an inlined function called twice,
  // a let and the column that reads it): it is computed once per frame.
  int Add(PNode n) {
    n.period = n.op == Op::kPeriod;
    n.loops = n.op == Op::kExists || n.op == Op::kAll || n.op == Op::kFilterSize ||
              n.op == Op::kMapRel || n.op == Op::kFilterList || n.op == Op::kRelFilter;
    n.reads = n.op == Op::kSubject ? 1
              : n.op != Op::kLocal    ? 0
              : n.slot < 64           ? uint64_t{1} << n.slot
                                      : ~uint64_t{0};
    for (int k : n.kids) {
      n.period = n.period || At(k).period;
      n.loops = n.loops || At(k).loops;
      n.reads |= At(k).reads;
    }
    std::optional<std::string> key = Signature(n);
    if (key) {
      if (auto it = made_.find(*key); it != made_.end()) return it->second;
    }
    plan_->nodes.push_back(std::move(n));
    const int id = static_cast<int>(plan_->nodes.size() - 1);
    if (key) made_.emplace(std::move(*key), id);
    return id;
  }

  // What an operator computes, as a key equal for two operators only if
  // they give the same on every frame; nullopt for one never shared (an
  // unknown, a constant other than a scalar).
  static std::optional<std::string> Signature(const PNode& n) {
    if (n.op == Op::kUnknown) return std::nullopt;
    std::string key;
    const auto put = [&key](const auto& x) {
      key.append(reinterpret_cast<const char*>(&x), sizeof x);
    };
    put(n.op);
    put(n.kind);
    put(n.slot);
    put(n.table);
    put(n.column);
    put(n.refs);
    put(n.groups);
    put(n.steps);
    put(n.flatten);
    put(n.let_root);
    put(n.kids.size());
    for (int k : n.kids) put(k);
    const Value& c = n.constant;
    put(c.kind());
    switch (c.kind()) {
      case ValueKind::kNull: break;
      case ValueKind::kBool: put(c.bool_value()); break;
      case ValueKind::kInt: put(c.int_value()); break;
      case ValueKind::kUint: put(c.uint_value()); break;
      case ValueKind::kDate: put(c.date_value().day_number()); break;
      case ValueKind::kDecimal:
        put(c.decimal_value().coefficient());
        put(c.decimal_value().scale());
        break;
      case ValueKind::kString:
        put(c.string_value().size());
        key += c.string_value();
        break;
      default: return std::nullopt;  // lists, maps, periods: not compared
    }
    return key;
  }

  int Unknown(std::string why) {
    PNode n;
    n.text = "unknown: " + std::move(why);
    return Add(std::move(n));
  }

  const PNode& At(int id) const { return plan_->nodes[static_cast<size_t>(id)]; }

  // True when the subtree reads nothing but as_of, from and params (and
  // constants): one value for every pair.
  bool Foldable(const ProgramImpl& p, ExprId id) const {
    const Node& n = p.ast.node(id);
    switch (n.kind) {
      case ExprKind::kConst: return true;
      case ExprKind::kIdent:
        if (p.local_slots[id] >= 0) return false;
        if (IsTypeName(n.name) && p.qualified[id].chain.empty()) return true;
        return std::find(std::begin(kBaseNames), std::end(kBaseNames), n.name) !=
               std::end(kBaseNames);
      case ExprKind::kSelect: return Foldable(p, n.target);
      case ExprKind::kComprehension: return false;
      case ExprKind::kCall:
        if (n.target != kNoExpr && !Foldable(p, n.target)) return false;
        [[fallthrough]];
      case ExprKind::kList:
      case ExprKind::kMap:
        for (ExprId a : n.args) {
          if (!Foldable(p, a)) return false;
        }
        return true;
    }
    return false;
  }

  int Constant(Value v, std::string text) {
    PNode n;
    n.kind = v.is_error() ? K::kUnknown : KindOfValue(v);
    n.op = n.kind == K::kUnknown ? Op::kUnknown : Op::kConst;
    n.text = (n.op == Op::kConst ? "const " : "unknown: ") + std::move(text);
    if (n.kind == K::kList) {
      // Its elements' kind, if they have one the plan's lists hold (a range
      // of comprehensions); kUnknown otherwise.
      std::optional<K> element;
      for (const Value& e : v.list_value()) {
        const K k = KindOfValue(e);
        element = (!element || *element == k) && ListElement(k) && k != K::kSpan ? k : K::kUnknown;
      }
      n.table = static_cast<size_t>(element.value_or(K::kUnknown));
    }
    n.constant = std::move(v);
    return Add(std::move(n));
  }

  int Visit(const ProgramImpl& p, ExprId id, Scope& scope) {
    const Node& n = p.ast.node(id);
    if (Foldable(p, id)) {
      Value v = EvaluateRowAt(p, id, BaseRow(base_));
      return Constant(v, v.DebugString());
    }
    switch (n.kind) {
      case ExprKind::kIdent: return Ident(p, id, n, scope);
      case ExprKind::kSelect: return Select(p, n, scope);
      case ExprKind::kCall: return Call(p, id, n, scope);
      case ExprKind::kComprehension: return Comprehension(p, n, scope, Op::kUnknown);
      case ExprKind::kList: return ListLiteral(p, n, scope);
      default: return Unknown("map");
    }
  }

  int Ident(const ProgramImpl& p, ExprId id, const Node& n, const Scope& scope) {
    if (p.local_slots[id] >= 0) {
      for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
        if (it->name == n.name) {
          PNode v;
          v.op = Op::kLocal;
          v.kind = it->kind;
          v.slot = it->slot;
          v.table = it->table;
          v.text = n.name;
          return Add(std::move(v));
        }
      }
      return Unknown(n.name);
    }
    if (!prefecture_ && n.name == rule_.subject_var && rule_.subject_groups != nullptr) {
      // The rows of the subject group (the subject is a group, no row).
      return RelationOfNoRow(Op::kSubject, "(group)", static_cast<size_t>(subject_table_),
                             rule_.subject_groups, n.name);
    }
    if (!prefecture_ && n.name == rule_.subject_var) {
      PNode v;
      v.op = Op::kSubject;
      v.kind = K::kRow;
      v.table = static_cast<size_t>(subject_table_);
      v.text = n.name;
      return Add(std::move(v));
    }
    if (n.name == "period") {
      PNode v;
      v.op = Op::kPeriod;
      v.kind = K::kPeriod;
      v.text = "period";
      return Add(std::move(v));
    }
    for (size_t i = 0; i < rule_.lets.size(); ++i) {
      if (rule_.lets[i].first != n.name) continue;
      if (auto it = lets_.find(i); it != lets_.end()) return it->second;
      if (!planning_.insert(i).second) return Unknown(n.name);  // depends on itself
      Scope let_scope;
      const ProgramImpl& lp = ImplOf(*rule_.lets[i].second);
      int node = Visit(lp, lp.ast.root, let_scope);
      if (node >= 0 && At(node).loops) {  // (an operator of its own, see PNode::let_root)
        PNode root = At(node);
        root.let_root = true;
        node = Add(std::move(root));
      }
      planning_.erase(i);
      lets_.emplace(i, node);
      return node;
    }
    return Unknown(n.name);
  }

  // The relation `groups` (of rows of `table`) of what `op` gives, a
  // number that is no table's row (`facts`' one row, a group's index): only
  // the relation reads it.
  int RelationOfNoRow(Op op, std::string op_text, size_t table, const GroupIndex* groups,
                      std::string text) {
    PNode parent;
    parent.op = op;
    parent.kind = K::kRow;
    parent.table = SIZE_MAX;
    parent.text = std::move(op_text);
    PNode v;
    v.op = Op::kRelation;
    v.kind = K::kRelation;
    v.table = table;
    v.groups = groups;
    v.kids = {Add(std::move(parent))};
    v.text = std::move(text);
    return Add(std::move(v));
  }

  int Select(const ProgramImpl& p, const Node& n, Scope& scope) {
    if (n.test_only) return Unknown("has()");
    const Node& t = p.ast.node(n.target);
    if (t.kind == ExprKind::kIdent && t.name == "facts" && p.local_slots[n.target] < 0) {
      // facts.<table>: every row of the table, a relation of one group.
      const int table = facts_.schema().TableIndex(n.name);
      if (table < 0) return Unknown("facts." + n.name);
      return RelationOfNoRow(Op::kFacts, "facts", static_cast<size_t>(table),
                             &relations_->All(static_cast<size_t>(table)), "facts." + n.name);
    }
    const int target = Visit(p, n.target, scope);
    if (At(target).kind != K::kRow) return Unknown("." + n.name);
    const size_t table = At(target).table;
    for (const RecordField& f : types_.fields(table)) {
      if (f.name != n.name) continue;
      const FactTable& ft = facts_.tables()[table];
      PNode v;
      v.kids = {target};
      v.text = "." + n.name;
      switch (f.kind) {
        case RecordField::Kind::kColumn:
          v.op = Op::kColumn;
          v.kind = KindOfCell(ft.schema().columns[f.column].type);
          v.table = table;
          v.column = f.column;
          break;
        case RecordField::Kind::kForward: {
          const ColumnSchema& cs = ft.schema().columns[f.column];
          v.op = Op::kForward;
          v.kind = K::kRow;
          v.refs = ft.references(cs.name);
          const int target_table = facts_.schema().TableIndex(cs.references);
          if (v.refs == nullptr || target_table < 0) return Unknown("." + n.name);
          v.table = static_cast<size_t>(target_table);
          break;
        }
        case RecordField::Kind::kReverse:
          v.op = Op::kRelation;
          v.kind = K::kRelation;
          v.table = f.other_table;
          v.groups = &relations_->Reverse(f.other_table, f.other_column);
          break;
      }
      return Add(std::move(v));
    }
    return Unknown("." + n.name);
  }

  int Call(const ProgramImpl& p, ExprId id, const Node& n, Scope& scope) {
    std::vector<ExprId> operands;
    if (n.target != kNoExpr) operands.push_back(n.target);
    operands.insert(operands.end(), n.args.begin(), n.args.end());
    const Fn fn = p.fns[id];
    const auto node = [&](Op op, K kind, std::vector<int> kids, std::string text) {
      PNode v;
      v.op = op;
      v.kind = kind;
      v.kids = std::move(kids);
      v.text = std::move(text);
      return Add(std::move(v));
    };
    const auto visit_all = [&] {
      std::vector<int> kids;
      for (ExprId o : operands) kids.push_back(Visit(p, o, scope));
      return kids;
    };
    switch (fn) {
      case Fn::kAnd:
      case Fn::kOr:
        if (operands.size() != 2) break;
        return node(fn == Fn::kAnd ? Op::kAnd : Op::kOr, K::kBool, visit_all(),
                    fn == Fn::kAnd ? "&&" : "||");
      case Fn::kNot:
        if (operands.size() != 1) break;
        return node(Op::kNot, K::kBool, visit_all(), "!");
      case Fn::kConditional: {
        if (operands.size() != 3) break;
        std::vector<int> kids = visit_all();
        const K a = At(kids[1]).kind, b = At(kids[2]).kind;
        if (a == K::kList && b == K::kList) {
          // Lists of one kind of element (an empty constant list fits any).
          const auto element = [&](int k) -> std::optional<K> {
            const PNode& l = At(k);
            if (l.op != Op::kConst) return static_cast<K>(l.table);
            if (l.constant.list_value().empty()) return std::nullopt;
            return K::kUnknown;  // a constant list with elements: not planned
          };
          const std::optional<K> ea = element(kids[1]), eb = element(kids[2]);
          if (ea == K::kUnknown || eb == K::kUnknown || (ea && eb && *ea != *eb) || (!ea && !eb)) {
            break;
          }
          PNode v;
          v.op = Op::kCond;
          v.kind = K::kList;
          v.table = static_cast<size_t>(ea ? *ea : *eb);
          v.kids = std::move(kids);
          v.text = "?: (lists)";
          return Add(std::move(v));
        }
        if (a != b || a == K::kUnknown || a == K::kList || a == K::kRelation || a == K::kSpan ||
            a == K::kMap) {
          break;
        }
        PNode v;
        v.op = Op::kCond;
        v.kind = a;
        v.table = At(kids[1]).table;
        if (a == K::kRow && At(kids[2]).table != v.table) break;
        v.kids = std::move(kids);
        v.text = "?:";
        return Add(std::move(v));
      }
      case Fn::kEq: case Fn::kNe: case Fn::kLt: case Fn::kLe: case Fn::kGt: case Fn::kGe: {
        if (operands.size() != 2) break;
        static const std::map<Fn, std::pair<Op, const char*>> ops = {
            {Fn::kEq, {Op::kEq, "=="}}, {Fn::kNe, {Op::kNe, "!="}},
            {Fn::kLt, {Op::kLt, "<"}},  {Fn::kLe, {Op::kLe, "<="}},
            {Fn::kGt, {Op::kGt, ">"}},  {Fn::kGe, {Op::kGe, ">="}}};
        const auto& [op, text] = ops.at(fn);
        return node(op, K::kBool, visit_all(), text);
      }
      case Fn::kAdd: case Fn::kSub: case Fn::kMul: {
        if (operands.size() != 2) break;
        std::vector<int> kids = visit_all();
        const K a = At(kids[0]).kind, b = At(kids[1]).kind;
        const bool number = (a == K::kInt || a == K::kDecimal) && (b == K::kInt || b == K::kDecimal);
        K kind = K::kUnknown;
        if (a == K::kInt && b == K::kInt) kind = K::kInt;
        else if (number) kind = K::kDecimal;
        else if (fn != Fn::kMul && a == K::kDate && b == K::kInt) kind = K::kDate;
        else if (fn == Fn::kSub && a == K::kDate && b == K::kDate) kind = K::kInt;
        if (kind == K::kUnknown) break;
        const Op op = fn == Fn::kAdd ? Op::kAdd : fn == Fn::kSub ? Op::kSub : Op::kMul;
        return node(op, kind, std::move(kids), fn == Fn::kAdd ? "+" : fn == Fn::kSub ? "-" : "*");
      }
      case Fn::kIn: {
        if (operands.size() != 2) break;
        const int x = Visit(p, operands[0], scope);
        const int c = Visit(p, operands[1], scope);
        if (At(c).kind == K::kList && At(c).op != Op::kConst) {
          return node(Op::kInVec, K::kBool, {x, c}, "in list");
        }
        const bool in_list = At(c).kind == K::kList;  // a constant here
        if (in_list ||
            (At(c).kind == K::kMap && At(c).op == Op::kConst && At(x).kind == K::kString)) {
          PNode v;
          v.op = in_list ? Op::kInList : Op::kInMap;
          v.kind = K::kBool;
          v.kids = {x};
          v.constant = At(c).constant;
          v.text = "in " + v.constant.DebugString();
          return Add(std::move(v));
        }
        if (At(c).kind == K::kPeriod && At(x).kind == K::kDate) {
          return node(Op::kInPeriod, K::kBool, {x, c}, "in period");
        }
        break;
      }
      case Fn::kStart:
      case Fn::kEnd: {
        if (operands.size() != 1) break;
        std::vector<int> kids = visit_all();
        if (At(kids[0]).kind != K::kPeriod) break;
        return node(fn == Fn::kStart ? Op::kStart : Op::kEnd, K::kDate, std::move(kids),
                    fn == Fn::kStart ? ".start()" : ".end()");
      }
      case Fn::kIndex: {
        // A constant map of one kind of scalar values, indexed by a string.
        if (operands.size() != 2) break;
        std::vector<int> kids = visit_all();
        const PNode& m = At(kids[0]);
        if (m.kind != K::kMap || m.op != Op::kConst || At(kids[1]).kind != K::kString) break;
        std::optional<K> kind;
        for (const auto& [key, value] : m.constant.map_value().entries()) {
          const K k = KindOfValue(value);
          if (kind && *kind != k) kind = K::kUnknown;
          if (!kind) kind = k;
        }
        if (!kind || *kind == K::kUnknown || *kind == K::kList || *kind == K::kMap ||
            *kind == K::kNull) {
          break;
        }
        PNode v;
        v.op = Op::kIndexMap;
        v.kind = *kind;
        v.kids = {kids[1]};
        v.constant = m.constant;
        v.text = "[] of " + v.constant.DebugString();
        return Add(std::move(v));
      }
      case Fn::kRound: {
        if (operands.size() != 2) break;
        std::vector<int> kids = visit_all();
        if (At(kids[0]).kind != K::kDecimal || At(kids[1]).kind != K::kInt) break;
        return node(Op::kRound, K::kDecimal, std::move(kids), "round()");
      }
      case Fn::kSum: {
        if (operands.size() != 1) break;
        std::vector<int> kids = visit_all();
        const PNode& l = At(kids[0]);
        if (l.kind != K::kList || l.op == Op::kConst) break;
        const K element = static_cast<K>(l.table);
        if (element != K::kInt && element != K::kDecimal) break;
        return node(Op::kSum, element, std::move(kids), "sum()");
      }
      case Fn::kToPeriod: {
        // period(string(y)) of an int y: the year y.
        if (operands.size() != 1) break;
        const Node& inner = p.ast.node(operands[0]);
        std::vector<ExprId> inner_operands;
        if (inner.target != kNoExpr) inner_operands.push_back(inner.target);
        inner_operands.insert(inner_operands.end(), inner.args.begin(), inner.args.end());
        if (inner.kind != ExprKind::kCall || p.fns[operands[0]] != Fn::kToString ||
            inner_operands.size() != 1) {
          break;
        }
        const int y = Visit(p, inner_operands[0], scope);
        if (At(y).kind != K::kInt) break;
        return node(Op::kYearOf, K::kPeriod, {y}, "period(string())");
      }
      case Fn::kMonths: {
        std::vector<int> kids = visit_all();
        if (kids.size() == 1 && At(kids[0]).kind == K::kPeriod) {
          // months(p): the months from p's first day through its last.
          kids = {node(Op::kStart, K::kDate, {kids[0]}, ".start()"),
                  node(Op::kEnd, K::kDate, {kids[0]}, ".end()")};
        }
        if (kids.size() != 2 || At(kids[0]).kind != K::kDate || At(kids[1]).kind != K::kDate) {
          break;
        }
        PNode v;
        v.op = Op::kMonths;
        v.kind = K::kList;
        v.table = static_cast<size_t>(K::kPeriod);
        v.kids = std::move(kids);
        v.text = "months()";
        return Add(std::move(v));
      }
      case Fn::kMin:
      case Fn::kMax: {
        if (operands.size() != 1) break;
        std::vector<int> kids = visit_all();
        const PNode& l = At(kids[0]);
        if (l.kind == K::kSpan) {  // [d1, d2] of dates: a list of two
          return node(fn == Fn::kMin ? Op::kMin : Op::kMax, K::kDate, std::move(kids),
                      fn == Fn::kMin ? "min()" : "max()");
        }
        if (l.kind != K::kList || l.op == Op::kConst) break;
        const K element = static_cast<K>(l.table);
        if (element != K::kInt && element != K::kDecimal && element != K::kDate &&
            element != K::kString && element != K::kBool) {
          break;
        }
        return node(fn == Fn::kMin ? Op::kMin : Op::kMax, element, std::move(kids),
                    fn == Fn::kMin ? "min()" : "max()");
      }
      case Fn::kDays: {
        if (operands.size() != 1) break;
        std::vector<int> kids = visit_all();
        if (At(kids[0]).kind != K::kPeriod) break;
        return node(Op::kDays, K::kInt, std::move(kids), "days()");
      }
      case Fn::kCeilDiv: {
        if (operands.size() != 2) break;
        std::vector<int> kids = visit_all();
        if (At(kids[0]).kind != K::kInt || At(kids[1]).kind != K::kInt) break;
        return node(Op::kCeilDiv, K::kInt, std::move(kids), "ceil_div()");
      }
      case Fn::kAddYears: {
        if (operands.size() != 2) break;
        std::vector<int> kids = visit_all();
        if (At(kids[0]).kind != K::kDate || At(kids[1]).kind != K::kInt) break;
        return node(Op::kAddYears, K::kDate, std::move(kids), "add_years()");
      }
      case Fn::kToDecimal: {
        if (operands.size() != 1) break;
        std::vector<int> kids = visit_all();
        if (At(kids[0]).kind != K::kInt && At(kids[0]).kind != K::kDecimal) break;
        return node(Op::kToDecimal, K::kDecimal, std::move(kids), "decimal()");
      }
      case Fn::kCoveredDays: {
        if (operands.size() < 2) break;
        std::vector<int> kids = visit_all();
        if (At(kids[0]).kind != K::kPeriod) break;
        bool spans = true;
        for (size_t k = 1; k < kids.size(); ++k) {
          const PNode& l = At(kids[k]);
          spans = spans && l.kind == K::kList && l.op != Op::kConst && l.table == kSpanElements;
        }
        if (!spans) break;
        return node(Op::kCoveredDays, K::kInt, std::move(kids), "covered_days()");
      }
      case Fn::kFlatten: {
        // relation[.filter(...)].map(x, list).flatten(): the lists' elements.
        if (operands.size() != 1) break;
        const Node& o = p.ast.node(operands[0]);
        if (o.kind != ExprKind::kComprehension) break;
        const ExprId mapped = MapExpression(p, o);
        if (mapped == kNoExpr) break;
        const int list = MapRelation(p, o, mapped, scope, /*flatten=*/true);
        if (!At(list).flatten && At(list).kind != K::kRelation) break;
        return list;
      }
      case Fn::kSize: {
        if (operands.size() != 1) break;
        const Node& o = p.ast.node(operands[0]);
        if (o.kind == ExprKind::kComprehension) {
          return Comprehension(p, o, scope, Op::kFilterSize);
        }
        const int r = Visit(p, operands[0], scope);
        if (At(r).kind == K::kList && At(r).op != Op::kConst) {
          return node(Op::kListSize, K::kInt, {r}, ".size()");
        }
        if (At(r).kind != K::kRelation) break;
        return node(Op::kRelSize, K::kInt, {r}, ".size()");
      }
      default: break;
    }
    return Unknown(std::string(p.ast.node(id).name));
  }

  // The variable of a comprehension over `range` (a relation, or a list of
  // values the plan computes), in the next slot; nullopt for other ranges.
  std::optional<Local> LocalOf(int range, const std::string& name, const Scope& scope) const {
    const PNode& r = At(range);
    const int slot = static_cast<int>(scope.size()) + 1;
    if (r.kind == K::kRelation) {
      // A filtered relation's rows are bound where its predicate bound them.
      if (r.op == Op::kRelFilter && r.slot != slot) return std::nullopt;
      return Local{name, slot, r.table, K::kRow};
    }
    const K element = static_cast<K>(r.table);
    if (r.kind == K::kList && element != K::kSpan && (r.op != Op::kConst || element != K::kUnknown)) {
      return Local{name, slot, 0, element};
    }
    return std::nullopt;
  }

  // [a, b] of dates is a span (for covered_days); [e, ...] of one kind of
  // element a list. A list's `table` is the kind of its elements.
  int ListLiteral(const ProgramImpl& p, const Node& n, Scope& scope) {
    std::vector<int> kids;
    for (ExprId e : n.args) kids.push_back(Visit(p, e, scope));
    if (kids.size() == 2 && At(kids[0]).kind == K::kDate &&
        (At(kids[1]).kind == K::kDate || At(kids[1]).kind == K::kNull)) {
      PNode v;
      v.op = Op::kSpan;
      v.kind = K::kSpan;
      v.kids = std::move(kids);
      v.text = "[start, end]";
      return Add(std::move(v));
    }
    if (kids.empty()) return Unknown("[]");
    const K element = At(kids[0]).kind;
    for (int k : kids) {
      if (At(k).kind != element) return Unknown("list of mixed kinds");
    }
    if (!ListElement(element)) return Unknown("list");
    PNode v;
    v.op = Op::kListOf;
    v.kind = K::kList;
    v.table = static_cast<size_t>(element);
    v.kids = std::move(kids);
    v.text = "[...]";
    return Add(std::move(v));
  }

  // The kinds a list of the plan may hold.
  static bool ListElement(K k) {
    switch (k) {
      case K::kBool: case K::kInt: case K::kDecimal: case K::kDate: case K::kString:
      case K::kPeriod: case K::kSpan:
        return true;
      default:
        return false;
    }
  }

  // Whether `n` is a filter macro's loop: returns its predicate.
  static ExprId FilterPredicate(const ProgramImpl& p, const Node& n) {
    if (n.kind != ExprKind::kComprehension) return kNoExpr;
    const Node& init = p.ast.node(n.accu_init);
    const Node& step = p.ast.node(n.loop_step);
    const auto is_accu = [&](ExprId e) {
      const Node& a = p.ast.node(e);
      return a.kind == ExprKind::kIdent && a.name == n.accu_var;
    };
    if (init.kind != ExprKind::kList || !init.args.empty() || !is_accu(n.result) ||
        step.kind != ExprKind::kCall || LookupFunction(step.name) != Fn::kConditional ||
        step.args.size() != 3 || !is_accu(step.args[2])) {
      return kNoExpr;
    }
    const Node& add = p.ast.node(step.args[1]);
    if (add.kind != ExprKind::kCall || LookupFunction(add.name) != Fn::kAdd ||
        add.args.size() != 2 || !is_accu(add.args[0])) {
      return kNoExpr;
    }
    const Node& list = p.ast.node(add.args[1]);
    if (list.kind != ExprKind::kList || list.args.size() != 1 ||
        p.ast.node(list.args[0]).kind != ExprKind::kIdent ||
        p.ast.node(list.args[0]).name != n.iter_var) {
      return kNoExpr;
    }
    return step.args[0];
  }

  // Whether `n` is a (two-argument) map macro's loop: returns the mapped
  // expression.
  static ExprId MapExpression(const ProgramImpl& p, const Node& n) {
    const Node& init = p.ast.node(n.accu_init);
    const Node& step = p.ast.node(n.loop_step);
    const Node& result = p.ast.node(n.result);
    if (init.kind != ExprKind::kList || !init.args.empty() ||
        result.kind != ExprKind::kIdent || result.name != n.accu_var ||
        step.kind != ExprKind::kCall || LookupFunction(step.name) != Fn::kAdd ||
        step.args.size() != 2) {
      return kNoExpr;
    }
    const Node& accu = p.ast.node(step.args[0]);
    const Node& list = p.ast.node(step.args[1]);
    if (accu.kind != ExprKind::kIdent || accu.name != n.accu_var ||
        list.kind != ExprKind::kList || list.args.size() != 1) {
      return kNoExpr;
    }
    return list.args[0];
  }

  // relation.map(x, F) or relation.filter(y, P).map(x, F): both variables
  // are the relation's row.
  int MapRelation(const ProgramImpl& p, const Node& n, ExprId mapped, Scope& scope,
                  bool flatten = false) {
    const Node& range = p.ast.node(n.iter_range);
    const ExprId predicate = FilterPredicate(p, range);
    const int rel = Visit(p, predicate == kNoExpr ? n.iter_range : range.iter_range, scope);
    std::optional<Local> local = LocalOf(rel, n.iter_var, scope);
    if (!local) return Unknown("map over " + At(rel).text);
    int pred = -1;
    if (predicate != kNoExpr) {
      Local filter_var = *local;
      filter_var.name = range.iter_var;
      scope.push_back(filter_var);
      pred = Visit(p, predicate, scope);
      scope.pop_back();
    }
    const int slot = local->slot;
    scope.push_back(*local);
    const int element = Visit(p, mapped, scope);
    scope.pop_back();
    if (flatten && pred < 0) {
      // relation.map(x, x.other).flatten(): the rows of a relation of each
      // row of a relation, a relation composed of the two.
      const PNode& outer = At(rel);
      const PNode& inner = At(element);
      if (outer.op == Op::kRelation && inner.op == Op::kRelation &&
          At(inner.kids[0]).op == Op::kLocal && At(inner.kids[0]).slot == slot &&
          At(inner.kids[0]).kind == K::kRow) {
        const Relations::Composed c =
            relations_->Compose(*outer.groups, outer.steps, *inner.groups, inner.steps);
        PNode v;
        v.op = Op::kRelation;
        v.kind = K::kRelation;
        v.table = inner.table;
        v.groups = c.groups;
        v.steps = c.steps;
        v.kids = outer.kids;
        v.text = outer.text + ".map(" + n.iter_var + ", " + inner.text + ").flatten()";
        return Add(std::move(v));
      }
    }
    // With flatten, the mapped lists' elements (a list the plan computes).
    const PNode& e = At(element);
    const bool lists = flatten && e.kind == K::kList && e.op != Op::kConst;
    if (!(lists ? ListElement(static_cast<K>(e.table)) : ListElement(e.kind))) {
      return Unknown("map to " + e.text);
    }
    PNode v;
    v.op = Op::kMapRel;
    v.kind = K::kList;
    v.flatten = lists;
    v.table = lists ? e.table : static_cast<size_t>(e.kind);
    v.kids = {rel, element};
    if (pred >= 0) v.kids.push_back(pred);
    v.slot = slot;
    v.text = std::string(predicate != kNoExpr ? ".filter(" + range.iter_var + ")" : "") + ".map(" +
             n.iter_var + ")" + (lists ? ".flatten()" : "");
    return Add(std::move(v));
  }

  // exists and all (`want` kUnknown: whichever the macro is), or the size of
  // a filter (`want` kFilterSize), over a reverse relation.
  int Comprehension(const ProgramImpl& p, const Node& n, Scope& scope, Op want) {
    const Node& init = p.ast.node(n.accu_init);
    const Node& step = p.ast.node(n.loop_step);
    const Node& result = p.ast.node(n.result);
    const auto is_accu = [&](ExprId e) {
      const Node& a = p.ast.node(e);
      return a.kind == ExprKind::kIdent && a.name == n.accu_var;
    };
    if (step.kind != ExprKind::kCall || !is_accu(n.result) || result.kind != ExprKind::kIdent) {
      return Unknown("comprehension");
    }
    if (want == Op::kUnknown) {
      if (const ExprId mapped = MapExpression(p, n); mapped != kNoExpr) {
        return MapRelation(p, n, mapped, scope);
      }
    }
    Op op = Op::kUnknown;
    ExprId predicate = kNoExpr;
    if (want == Op::kUnknown && init.kind == ExprKind::kConst &&
        std::holds_alternative<bool>(init.constant) && step.args.size() == 2 &&
        is_accu(step.args[0])) {
      const bool all = std::get<bool>(init.constant);
      const Fn fn = LookupFunction(step.name);
      if (all && fn == Fn::kAnd) op = Op::kAll;
      if (!all && fn == Fn::kOr) op = Op::kExists;
      predicate = step.args[1];
    } else if (want == Op::kFilterSize) {
      predicate = FilterPredicate(p, n);
      if (predicate != kNoExpr) op = Op::kFilterSize;
    }
    if (op == Op::kUnknown) {
      predicate = FilterPredicate(p, n);
      if (predicate == kNoExpr || want != Op::kUnknown) return Unknown("comprehension");
      op = Op::kFilterList;
    }
    const int range = Visit(p, n.iter_range, scope);
    std::optional<Local> local = LocalOf(range, n.iter_var, scope);
    if (!local) return Unknown("comprehension over " + At(range).text);
    scope.push_back(*local);
    const int pred = Visit(p, predicate, scope);
    scope.pop_back();
    if (op == Op::kFilterList && local->kind == K::kRow) {
      // A relation's rows for which the predicate holds: a relation again
      // (its rows bound in the same slot wherever it is read).
      PNode v;
      v.op = Op::kRelFilter;
      v.kind = K::kRelation;
      v.table = local->table;
      v.kids = {range, pred};
      v.slot = local->slot;
      v.text = ".filter(" + n.iter_var + ")";
      return Add(std::move(v));
    }
    if (op == Op::kFilterList) {
      PNode v;
      v.op = op;
      v.kind = K::kList;
      v.table = static_cast<size_t>(local->kind);
      v.kids = {range, pred};
      v.slot = local->slot;
      v.text = ".filter(" + n.iter_var + ")";
      return Add(std::move(v));
    }
    PNode v;
    v.op = op;
    v.kind = op == Op::kFilterSize ? K::kInt : K::kBool;
    v.kids = {range, pred};
    v.slot = local->slot;
    v.table = local->table;
    v.text = (op == Op::kExists ? ".exists(" : op == Op::kAll ? ".all(" : ".filter(") +
             n.iter_var + ")" + (op == Op::kFilterSize ? ".size()" : "");
    return Add(std::move(v));
  }

  const RuleInput& rule_;
  const FactSet& facts_;
  const RecordTypes& types_;
  const Activation& base_;
  Relations* relations_;
  RulePlan::Impl* plan_;
  int subject_table_ = -1;
  bool prefecture_ = false;  // a rule on the prefecture: no subject row
  std::map<size_t, int> lets_;  // let index -> its plan
  std::set<size_t> planning_;
  std::map<std::string, int> made_;  // Signature -> operator
};

}  // namespace

RulePlan::RulePlan(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  // Each operator's fused loops, where its subtree has them.
  for (const PNode& n : impl_->nodes) impl_->loops = impl_->loops || n.loops;
  impl_->fused.resize(impl_->nodes.size());
  for (size_t id = 0; id < impl_->nodes.size(); ++id) {
    impl_->fused[id] = Fused::Compile(*impl_, static_cast<int>(id));
  }
}
RulePlan::~RulePlan() = default;

std::unique_ptr<RulePlan> RulePlan::BuildPeriods(const RuleInput& rule, const FactSet& facts,
                                                 const RecordTypes& types,
                                                 const Activation& base, Relations* relations) {
  if (rule.when == nullptr) return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->facts = &facts;
  const int root = Builder(rule, facts, types, base, relations, impl.get()).Build();
  if (root < 0) return nullptr;
  const PNode& r = impl->nodes[static_cast<size_t>(root)];
  if (r.kind != K::kList || r.op == Op::kConst || static_cast<K>(r.table) != K::kPeriod) {
    return nullptr;
  }
  impl->root = root;
  impl->month_range = MonthRangeOf(*impl, root);
  return std::unique_ptr<RulePlan>(new RulePlan(std::move(impl)));
}

std::unique_ptr<RulePlan> RulePlan::BuildValues(const RuleInput& rule,
                                                const std::vector<const Program*>& roots,
                                                const FactSet& facts, const RecordTypes& types,
                                                const Activation& base, Relations* relations) {
  auto impl = std::make_unique<Impl>();
  impl->facts = &facts;
  Builder builder(rule, facts, types, base, relations, impl.get());
  bool any = false;
  for (const Program* program : roots) {
    int root = builder.BuildRoot(*program);
    if (root >= 0) {
      switch (impl->nodes[static_cast<size_t>(root)].kind) {
        case K::kNull: case K::kBool: case K::kInt: case K::kDecimal: case K::kDate:
        case K::kString: case K::kPeriod:
          any = any || impl->nodes[static_cast<size_t>(root)].op != Op::kUnknown;
          break;
        default:
          root = -1;
      }
    }
    impl->roots.push_back(root);
  }
  if (!any) return nullptr;
  builder.BuildSteps();
  return std::unique_ptr<RulePlan>(new RulePlan(std::move(impl)));
}

std::unique_ptr<RulePlan> RulePlan::BuildFindings(const RuleInput& rule,
                                                  const std::vector<const Program*>& holes,
                                                  const FactSet& facts, const RecordTypes& types,
                                                  const Activation& base, Relations* relations) {
  if (rule.when == nullptr) return nullptr;
  std::vector<const Program*> roots = {rule.when};
  roots.insert(roots.end(), holes.begin(), holes.end());
  return BuildValues(rule, roots, facts, types, base, relations);
}

std::string RulePlan::Dump() const {
  std::string out;
  for (size_t i = 0; i < impl_->nodes.size(); ++i) {
    const PNode& n = impl_->nodes[i];
    out += "#" + std::to_string(i) + " " + n.text;
    for (size_t k = 0; k < n.kids.size(); ++k) {
      out += (k == 0 ? " (#" : ", #") + std::to_string(n.kids[k]);
    }
    if (!n.kids.empty()) out += ")";
    if (!impl_->fused.empty() && impl_->fused[i] != nullptr) out += " [fused]";
    out += "\n";
  }
  return out;
}

}  // namespace zhucun::internal
