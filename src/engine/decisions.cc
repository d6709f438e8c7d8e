#include "engine/decisions.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "expr/program.h"
#include "zhucun/text.h"

namespace zhucun::internal {
namespace {

// Widest list text shown before a comprehension's macro; longer ones are cut.
constexpr size_t kMaxListWidth = 60;
// Deeper than this, a subexpression is shown as `…`.
constexpr int kMaxDepth = 8;

// The parser's names of the operators written between their operands.
std::string_view Infix(std::string_view fn) {
  static constexpr std::pair<std::string_view, std::string_view> kOps[] = {
      {"_+_", "+"},   {"_-_", "-"},   {"_*_", "*"},   {"_/_", "/"},   {"_%_", "%"},
      {"_==_", "=="}, {"_!=_", "!="}, {"_<_", "<"},   {"_<=_", "<="}, {"_>_", ">"},
      {"_>=_", ">="}, {"_&&_", "&&"}, {"_||_", "||"}, {"@in", "in"}};
  for (const auto& [name, op] : kOps) {
    if (name == fn) return op;
  }
  return {};
}

// A comprehension variable as written: an inlined function's own variables
// are renamed `t@function` (expr/inline.cc).
std::string_view VariableName(std::string_view name) {
  return name.substr(0, name.find('@'));
}

// The macro a comprehension was written with, from the shape the parser
// gives each (syntax/parser.cc, ReceiverCall).
std::string_view MacroName(const Ast& ast, const Node& c) {
  const Node& init = ast.node(c.accu_init);
  if (init.kind == ExprKind::kConst) {
    if (const bool* b = std::get_if<bool>(&init.constant)) return *b ? "all" : "exists";
    return "exists_one";
  }
  const Node& step = ast.node(c.loop_step);
  if (step.kind != ExprKind::kCall || step.name != "_?_:_" || step.args.size() != 3) {
    return "map";
  }
  // `keep ? accu + [x] : accu`: a filter appends its own variable.
  const Node& append = ast.node(step.args[1]);
  if (append.kind == ExprKind::kCall && append.args.size() == 2) {
    const Node& list = ast.node(append.args[1]);
    if (list.kind == ExprKind::kList && list.args.size() == 1) {
      const Node& x = ast.node(list.args[0]);
      if (x.kind == ExprKind::kIdent && x.name == c.iter_var) return "filter";
    }
  }
  return "map";
}

std::string ConstantText(const Node& n) {
  const Constant& c = n.constant;
  switch (c.index()) {
    case 0: return "null";
    case 1: return std::get<bool>(c) ? "true" : "false";
    case 2: return std::to_string(std::get<int64_t>(c));
    case 3: return std::to_string(std::get<uint64_t>(c)) + "u";
    case 4: return n.literal_text.empty() ? std::to_string(std::get<double>(c))
                                          : n.literal_text;
    case 5: {
      std::string out = "'";
      for (char ch : std::get<std::string>(c)) {
        if (ch == '\'' || ch == '\\') out += '\\';
        out += ch;
      }
      return out + "'";
    }
    default: return "b'…'";
  }
}

// `id` written out as CEL, short: comprehensions as `list.macro(x, …)`.
std::string Written(const Ast& ast, ExprId id, int depth) {
  if (id == kNoExpr) return "";
  if (depth > kMaxDepth) return "…";
  const Node& n = ast.node(id);
  const auto sub = [&](ExprId c) { return Written(ast, c, depth + 1); };
  // An operand that is itself an operation, in brackets.
  const auto operand = [&](ExprId c) {
    const Node& x = ast.node(c);
    const bool bare = x.kind != ExprKind::kCall || x.target != kNoExpr ||
                      (Infix(x.name).empty() && x.name != "_?_:_");
    return bare ? sub(c) : "(" + sub(c) + ")";
  };
  const auto joined = [&](const std::vector<ExprId>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", " : "") + sub(items[i]);
    return out;
  };
  switch (n.kind) {
    case ExprKind::kConst:
      return ConstantText(n);
    case ExprKind::kIdent:
      return std::string(VariableName(n.name));
    case ExprKind::kSelect:
      if (n.test_only) return "has(" + operand(n.target) + "." + n.name + ")";
      return operand(n.target) + "." + n.name;
    case ExprKind::kList:
      return "[" + joined(n.args) + "]";
    case ExprKind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
        out += (i > 0 ? ", " : "") + sub(n.args[i]) + ": " + sub(n.args[i + 1]);
      }
      return out + "}";
    }
    case ExprKind::kComprehension:
      return operand(n.iter_range) + "." + std::string(MacroName(ast, n)) + "(" +
             std::string(VariableName(n.iter_var)) + ", …)";
    case ExprKind::kCall:
      break;
  }
  if (n.target != kNoExpr) return operand(n.target) + "." + n.name + "(" + joined(n.args) + ")";
  if (const std::string_view op = Infix(n.name); !op.empty() && n.args.size() == 2) {
    return operand(n.args[0]) + " " + std::string(op) + " " + operand(n.args[1]);
  }
  if ((n.name == "!_" || n.name == "-_") && n.args.size() == 1) {
    return n.name.substr(0, 1) + operand(n.args[0]);
  }
  if (n.name == "_[_]" && n.args.size() == 2) {
    return operand(n.args[0]) + "[" + sub(n.args[1]) + "]";
  }
  if (n.name == "_?_:_" && n.args.size() == 3) {
    return operand(n.args[0]) + " ? " + operand(n.args[1]) + " : " + operand(n.args[2]);
  }
  return n.name + "(" + joined(n.args) + ")";
}

Explanation::Decision Shown(const Ast& ast, const Decision& d,
                            const std::function<std::string(const Value&)>& show) {
  Explanation::Decision out;
  out.expression = ComprehensionText(ast, d.node);
  switch (d.kind) {
    case Decision::Kind::kExists: out.kind = "exists"; break;
    case Decision::Kind::kAll: out.kind = "all"; break;
    case Decision::Kind::kFilter: out.kind = "filter"; break;
  }
  out.value = d.value;
  out.of = d.of;
  out.count = d.count;
  for (const Value& v : d.elements) out.elements.push_back(show(v));
  for (const Decision& i : d.inner) out.inner.push_back(Shown(ast, i, show));
  return out;
}

}  // namespace

std::string ComprehensionText(const Ast& ast, ExprId id) {
  const Node& n = ast.node(id);
  if (n.kind != ExprKind::kComprehension) return Written(ast, id, 0);
  std::string list = Written(ast, n.iter_range, 1);
  const Node& range = ast.node(n.iter_range);
  if (range.kind == ExprKind::kCall && range.target == kNoExpr &&
      (!Infix(range.name).empty() || range.name == "_?_:_")) {
    list = "(" + list + ")";
  }
  if (TextWidth(list) > kMaxListWidth) list = CutToWidth(list, kMaxListWidth);
  return list + "." + std::string(MacroName(ast, n)) + "(" +
         std::string(VariableName(n.iter_var)) + ", …)";
}

Value EvaluateExplained(const Program& program, const Activation& activation,
                        const std::function<std::string(const Value&)>& show,
                        std::vector<Explanation::Decision>* decisions) {
  std::vector<Decision> recorded;
  Value v = EvaluateRecordingDecisions(program, activation, &recorded);
  const Ast& ast = ImplOf(program).ast;
  for (const Decision& d : recorded) decisions->push_back(Shown(ast, d, show));
  return v;
}

}  // namespace zhucun::internal
