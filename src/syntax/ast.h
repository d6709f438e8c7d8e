#ifndef ZHUCUN_SRC_SYNTAX_AST_H_
#define ZHUCUN_SRC_SYNTAX_AST_H_

// The CEL abstract syntax tree. Nodes live in one arena (Ast::nodes) and refer
// to each other by ExprId (the index into the arena), so a deep tree is freed
// without recursion and every node has a source span in a side table.
//
// Operators are calls with CEL's internal function names:
//   _+_ _-_ _*_ _/_ _%_ -_ !_ _==_ _!=_ _<_ _<=_ _>_ _>=_ _&&_ _||_
//   _?_:_ _[_] @in
// Macros are expanded by the parser exactly as CEL specifies:
//   has(a.f)          -> Select{operand=a, field=f, test_only=true}
//   r.all(x, p)       -> Comprehension (accu true,  step @result && p)
//   r.exists(x, p)    -> Comprehension (accu false, step @result || p)
//   r.exists_one(x,p) -> Comprehension (accu 0, step p ? @result + 1 : @result,
//                                       result @result == 1)
//   r.map(x, f)       -> Comprehension (accu [], step @result + [f])
//   r.map(x, p, f)    -> Comprehension (accu [], step p ? @result + [f] : @result)
//   r.filter(x, p)    -> Comprehension (accu [], step p ? @result + [x] : @result)
// with accu_var "@result"; loop_condition is @not_strictly_false(@result) for
// all, @not_strictly_false(!@result) for exists, and `true` otherwise.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "zhucun/source.h"

namespace zhucun::internal {

using ExprId = uint32_t;
inline constexpr ExprId kNoExpr = 0xFFFFFFFFu;

enum class ExprKind : uint8_t {
  kConst,          // a literal
  kIdent,          // a name; `.x` (root-scoped) keeps its leading dot
  kSelect,         // operand.field, or has(operand.field) when test_only
  kCall,           // function(args) or target.function(args)
  kList,           // [args...]
  kMap,            // {args[0]: args[1], args[2]: args[3], ...}
  kComprehension,  // a macro expansion
};

struct NullConst {
  friend bool operator==(NullConst, NullConst) { return true; }
};
// Bytes are kept apart from strings so that b"x" and "x" differ.
struct BytesConst {
  std::string data;
  friend bool operator==(const BytesConst&, const BytesConst&) = default;
};

// A literal. Strings hold valid UTF-8; bytes hold arbitrary octets.
using Constant = std::variant<NullConst, bool, int64_t, uint64_t, double,
                              std::string, BytesConst>;

struct Node {
  ExprKind kind = ExprKind::kConst;
  Constant constant;             // kConst
  // kConst of type double: the literal's source text (e.g. "0.2"), so that a
  // double literal meeting a decimal can be converted exactly.
  std::string literal_text;
  std::string name;              // kIdent: name; kSelect: field; kCall: function
  ExprId target = kNoExpr;       // kSelect: operand; kCall: receiver or kNoExpr
  bool test_only = false;        // kSelect inside has()
  std::vector<ExprId> args;      // kCall args; kList elements; kMap k0,v0,k1,v1...
  // kComprehension
  std::string iter_var;
  std::string accu_var;
  ExprId iter_range = kNoExpr;
  ExprId accu_init = kNoExpr;
  ExprId loop_condition = kNoExpr;
  ExprId loop_step = kNoExpr;
  ExprId result = kNoExpr;
};

// A parsed expression. Spans are indexed by ExprId; a macro expansion's
// synthetic nodes carry the span of the macro call.
struct Ast {
  std::vector<Node> nodes;
  std::vector<SourceSpan> spans;
  ExprId root = kNoExpr;

  const Node& node(ExprId id) const { return nodes[id]; }
  SourceSpan span(ExprId id) const { return spans[id]; }
  // Appends a node and its span; returns its id.
  ExprId Add(Node n, SourceSpan span) {
    nodes.push_back(std::move(n));
    spans.push_back(span);
    return static_cast<ExprId>(nodes.size() - 1);
  }
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_SYNTAX_AST_H_
