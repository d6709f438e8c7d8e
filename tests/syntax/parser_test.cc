#include "syntax/parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>

#include "syntax/ast_dump.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {
namespace {

struct ParseCase {
  const char* source;
  const char* dump;
};

// Parses `source` (as file "expr"), expecting success; returns the dump, or
// the rendered diagnostics prefixed with "ERROR: ".
std::string ParseAndDump(std::string_view source) {
  SourceManager sm;
  const FileId file = sm.Add("expr", std::string(source));
  Ast ast;
  Diagnostics diags;
  if (!Parse(source, file, 0, ParseOptions{}, &ast, &diags)) {
    return "ERROR: " + diags.Render(sm);
  }
  EXPECT_TRUE(diags.empty());
  return DumpAst(ast);
}

class ParserTableTest : public testing::TestWithParam<ParseCase> {};

TEST_P(ParserTableTest, Dumps) {
  EXPECT_EQ(ParseAndDump(GetParam().source), GetParam().dump)
      << "source: " << GetParam().source;
}

constexpr ParseCase kLiterals[] = {
    {"0", "0"},
    {"42", "42"},
    {"0x2A", "42"},
    {"0xff", "255"},
    {"42u", "42u"},
    {"42U", "42u"},
    {"0x2Au", "42u"},
    {"18446744073709551615u", "18446744073709551615u"},
    {"9223372036854775807", "9223372036854775807"},
    {"-9223372036854775808", "-9223372036854775808"},
    {"-0x8000000000000000", "-9223372036854775808"},
    {"-1", "-1"},
    {"- 1", "-1"},
    {"--1", "-_(-1)"},
    {"-1u", "-_(1u)"},
    {"-(1)", "-_(1)"},
    {"-1.5", "-1.5"},
    {"1.5", "1.5"},
    {"0.0", "0.0"},
    {"1e3", "1000.0"},
    {"1E3", "1000.0"},
    {"2.5e-3", "0.0025"},
    {"-2.3e+1", "-23.0"},
    {"0e+0", "0.0"},
    {".5", "0.5"},
    {"1e-400", "0.0"},
    {"true", "true"},
    {"false", "false"},
    {"null", "null"},
    {"'a'", "\"a\""},
    {"\"a\"", "\"a\""},
    {"''", "\"\""},
    {"'成员'", "\"成员\""},
    {"'''a'b\"c'''", "\"a'b\\\"c\""},
    {"\"\"\"x\ny\"\"\"", "\"x\\ny\""},
    {"r'\\n'", "\"\\\\n\""},
    {"R\"\\d+\"", "\"\\\\d+\""},
    {"r'''a\\'''", "\"a\\\\\""},
    {"'\\a\\b\\f\\n\\r\\t\\v\\\\\\'\\\"\\`\\?'",
     "\"\\x07\\x08\\x0c\\n\\r\\t\\x0b\\\\'\\\"`?\""},
    {"'\\x41\\X42\\101\\u0043\\U00000044'", "\"ABACD\""},
    {"'\\xff'", "\"ÿ\""},
    {"'\\377'", "\"ÿ\""},
    {"'\\u270c'", "\"✌\""},
    {"'\\U0001F431'", "\"🐱\""},
    {"b'abc'", "b\"abc\""},
    {"B'\\xff\\000'", "b\"\\xff\\x00\""},
    {"b'\\377'", "b\"\\xff\""},
    {"b'ÿ'", "b\"\\xc3\\xbf\""},
    {"rb'\\x'", "b\"\\\\x\""},
    {"bR'\\x'", "b\"\\\\x\""},
    {"Br'''a\nb'''", "b\"a\\nb\""},
};
INSTANTIATE_TEST_SUITE_P(Literals, ParserTableTest,
                         testing::ValuesIn(kLiterals));

constexpr ParseCase kOperators[] = {
    {"a + 1", "_+_(a, 1)"},
    {"a - b - c", "_-_(_-_(a, b), c)"},
    {"a + b * c", "_+_(a, _*_(b, c))"},
    {"(a + b) * c", "_*_(_+_(a, b), c)"},
    {"a / b % c", "_%_(_/_(a, b), c)"},
    {"a < b", "_<_(a, b)"},
    {"a <= b", "_<=_(a, b)"},
    {"a > b", "_>_(a, b)"},
    {"a >= b", "_>=_(a, b)"},
    {"a == b", "_==_(a, b)"},
    {"a != b", "_!=_(a, b)"},
    {"a < b == c", "_==_(_<_(a, b), c)"},
    {"x in [1, 2]", "@in(x, [1, 2])"},
    {"a + 1 in l", "@in(_+_(a, 1), l)"},
    {"a && b || c && d", "_||_(_&&_(a, b), _&&_(c, d))"},
    {"a || b || c", "_||_(_||_(a, b), c)"},
    {"a == 1 && b != 2", "_&&_(_==_(a, 1), _!=_(b, 2))"},
    {"!a", "!_(a)"},
    {"!!a", "!_(!_(a))"},
    {"-a", "-_(a)"},
    {"-a.b", "-_(a.b)"},
    {"!-a", "!_(-_(a))"},
    {"-a * b", "_*_(-_(a), b)"},
    {"!a && b", "_&&_(!_(a), b)"},
    {"a ? b : c", "_?_:_(a, b, c)"},
    {"a ? b : c ? d : e", "_?_:_(a, b, _?_:_(c, d, e))"},
    {"a || b ? c + 1 : d", "_?_:_(_||_(a, b), _+_(c, 1), d)"},
    {"a ? (b ? c : d) : e", "_?_:_(a, _?_:_(b, c, d), e)"},
    {"1 - -1", "_-_(1, -1)"},
    {"1-1", "_-_(1, 1)"},
    {"a // comment\n + b", "_+_(a, b)"},
};
INSTANTIATE_TEST_SUITE_P(Operators, ParserTableTest,
                         testing::ValuesIn(kOperators));

constexpr ParseCase kMembers[] = {
    {"a", "a"},
    {"_a1", "_a1"},
    {".a", ".a"},
    {".a.b", ".a.b"},
    {"a.b.c", "a.b.c"},
    {"a.`b-c`", "a.`b-c`"},
    {"a.`b.c/d e`", "a.`b.c/d e`"},
    {"a.`b`", "a.b"},
    {"a.if", "a.if"},
    {"{'as': 1}.as", "{\"as\": 1}.as"},
    {"a.while()", "a.while()"},
    {"a[0]", "_[_](a, 0)"},
    {"a[0][1]", "_[_](_[_](a, 0), 1)"},
    {"a.b[c].d", "_[_](a.b, c).d"},
    {"f()", "f()"},
    {"f(x)", "f(x)"},
    {"f(x, y + 1)", "f(x, _+_(y, 1))"},
    {".f(x)", ".f(x)"},
    {"x.f()", "x.f()"},
    {"x.f(y)", "x.f(y)"},
    {"x.y.f(1, 2).g()", "x.y.f(1, 2).g()"},
    {"'abc'.size()", "\"abc\".size()"},
    {"1.size()", "1.size()"},
    {"size(x) > 0", "_>_(size(x), 0)"},
    {"[]", "[]"},
    {"[1]", "[1]"},
    {"[1, 2,]", "[1, 2]"},
    {"[[1], []]", "[[1], []]"},
    {"{}", "{}"},
    {"{'k': 1}", "{\"k\": 1}"},
    {"{'k': 1, 2: [3],}", "{\"k\": 1, 2: [3]}"},
    {"{a: b}[a]", "_[_]({a: b}, a)"},
    {"(((a)))", "a"},
    {"int(uint(7))", "int(uint(7))"},
    {"dyn(x)", "dyn(x)"},
    {"type(x) == int", "_==_(type(x), int)"},
};
INSTANTIATE_TEST_SUITE_P(Members, ParserTableTest, testing::ValuesIn(kMembers));

constexpr ParseCase kMacros[] = {
    {"has(a.b)", "has(a.b)"},
    {"has(a.b.c)", "has(a.b.c)"},
    {"has({'a': 1}.a)", "has({\"a\": 1}.a)"},
    {"has(a.`b-c`)", "has(a.`b-c`)"},
    {"!has(a.b)", "!_(has(a.b))"},
    {"x.has(y)", "x.has(y)"},
    {"l.all(x, x > 0)",
     "__comprehension__(x, l, @result, true, @not_strictly_false(@result), "
     "_&&_(@result, _>_(x, 0)), @result)"},
    {"l.exists(x, x == 1)",
     "__comprehension__(x, l, @result, false, "
     "@not_strictly_false(!_(@result)), _||_(@result, _==_(x, 1)), @result)"},
    {"l.exists_one(x, x)",
     "__comprehension__(x, l, @result, 0, true, "
     "_?_:_(x, _+_(@result, 1), @result), _==_(@result, 1))"},
    {"l.map(x, x * 2)",
     "__comprehension__(x, l, @result, [], true, "
     "_+_(@result, [_*_(x, 2)]), @result)"},
    {"l.map(x, x > 0, x * 2)",
     "__comprehension__(x, l, @result, [], true, "
     "_?_:_(_>_(x, 0), _+_(@result, [_*_(x, 2)]), @result), @result)"},
    {"l.filter(x, x > 0)",
     "__comprehension__(x, l, @result, [], true, "
     "_?_:_(_>_(x, 0), _+_(@result, [x]), @result), @result)"},
    {"[1, 2].all(x, [3].exists(y, x < y))",
     "__comprehension__(x, [1, 2], @result, true, "
     "@not_strictly_false(@result), _&&_(@result, "
     "__comprehension__(y, [3], @result, false, "
     "@not_strictly_false(!_(@result)), _||_(@result, _<_(x, y)), "
     "@result)), @result)"},
    {"all(l, x)", "all(l, x)"},
    {"l.size().all(x, true)",
     "__comprehension__(x, l.size(), @result, true, "
     "@not_strictly_false(@result), _&&_(@result, true), @result)"},
};
INSTANTIATE_TEST_SUITE_P(Macros, ParserTableTest, testing::ValuesIn(kMacros));

// ---- values, spans and structure ----

struct Parsed {
  SourceManager sm;
  FileId file = 0;
  Ast ast;
  Diagnostics diags;
  bool ok = false;
};

std::unique_ptr<Parsed> ParseText(std::string_view text,
                                  const ParseOptions& options = {}) {
  auto p = std::make_unique<Parsed>();
  p->file = p->sm.Add("expr", std::string(text));
  p->ok = Parse(text, p->file, 0, options, &p->ast, &p->diags);
  return p;
}

std::string SpanText(const Parsed& p, ExprId id) {
  const SourceSpan s = p.ast.span(id);
  return std::string(p.sm.text(p.file).substr(s.begin, s.end - s.begin));
}

TEST(ParserTest, ConstantValuesAndTypes) {
  auto p =
      ParseText("[1, 1u, 1.0, 'a', b'a', true, null, -9223372036854775808]");
  ASSERT_TRUE(p->ok);
  const Node& list = p->ast.node(p->ast.root);
  ASSERT_EQ(list.args.size(), 8u);
  const auto& c = [&](size_t i) -> const Constant& {
    return p->ast.node(list.args[i]).constant;
  };
  EXPECT_EQ(std::get<int64_t>(c(0)), 1);
  EXPECT_EQ(std::get<uint64_t>(c(1)), 1u);
  EXPECT_EQ(std::get<double>(c(2)), 1.0);
  EXPECT_EQ(std::get<std::string>(c(3)), "a");
  EXPECT_EQ(std::get<BytesConst>(c(4)).data, "a");
  EXPECT_EQ(std::get<bool>(c(5)), true);
  EXPECT_TRUE(std::holds_alternative<NullConst>(c(6)));
  EXPECT_EQ(std::get<int64_t>(c(7)), std::numeric_limits<int64_t>::min());
}

TEST(ParserTest, DoubleLiteralsKeepTheirSourceText) {
  auto p = ParseText("[0.1, -2.50, 1e3, - 7.0]");
  ASSERT_TRUE(p->ok);
  const Node& list = p->ast.node(p->ast.root);
  EXPECT_EQ(p->ast.node(list.args[0]).literal_text, "0.1");
  EXPECT_EQ(p->ast.node(list.args[1]).literal_text, "-2.50");
  EXPECT_EQ(std::get<double>(p->ast.node(list.args[1]).constant), -2.5);
  EXPECT_EQ(p->ast.node(list.args[2]).literal_text, "1e3");
  EXPECT_EQ(p->ast.node(list.args[3]).literal_text, "-7.0");
  EXPECT_EQ(SpanText(*p, list.args[3]), "- 7.0");
}

TEST(ParserTest, NegativeZeroDouble) {
  auto p = ParseText("-0.0");
  ASSERT_TRUE(p->ok);
  const double d = std::get<double>(p->ast.node(p->ast.root).constant);
  EXPECT_EQ(d, 0.0);
  EXPECT_TRUE(std::signbit(d));
}

TEST(ParserTest, Spans) {
  auto p = ParseText("member.end_dat + f(x) * a[0] - l.all(v, v)");
  ASSERT_TRUE(p->ok);
  const Ast& ast = p->ast;
  const Node& minus = ast.node(ast.root);
  EXPECT_EQ(SpanText(*p, ast.root),
            "member.end_dat + f(x) * a[0] - l.all(v, v)");
  const Node& plus = ast.node(minus.args[0]);
  const ExprId select = plus.args[0];
  EXPECT_EQ(SpanText(*p, select), "end_dat");
  EXPECT_EQ(SpanText(*p, ast.node(select).target), "member");
  const Node& times = ast.node(plus.args[1]);
  EXPECT_EQ(SpanText(*p, plus.args[1]), "f(x) * a[0]");
  EXPECT_EQ(SpanText(*p, times.args[0]), "f(x)");
  EXPECT_EQ(SpanText(*p, times.args[1]), "[0]");
  const ExprId comp = minus.args[1];
  EXPECT_EQ(ast.node(comp).kind, ExprKind::kComprehension);
  EXPECT_EQ(SpanText(*p, comp), "all(v, v)");
  EXPECT_EQ(SpanText(*p, ast.node(comp).loop_step), "all(v, v)");
  EXPECT_EQ(SpanText(*p, ast.node(comp).iter_range), "l");
}

TEST(ParserTest, MoreSpans) {
  auto p = ParseText("(a + b) * -c == !has(m.f) ? [1] : {2: 3}");
  ASSERT_TRUE(p->ok);
  const Ast& ast = p->ast;
  const Node& cond = ast.node(ast.root);
  EXPECT_EQ(SpanText(*p, ast.root), "(a + b) * -c == !has(m.f) ? [1] : {2: 3}");
  const Node& eq = ast.node(cond.args[0]);
  EXPECT_EQ(SpanText(*p, cond.args[0]), "(a + b) * -c == !has(m.f)");
  EXPECT_EQ(SpanText(*p, eq.args[0]), "(a + b) * -c");
  EXPECT_EQ(SpanText(*p, ast.node(eq.args[0]).args[1]), "-c");
  EXPECT_EQ(SpanText(*p, eq.args[1]), "!has(m.f)");
  EXPECT_EQ(SpanText(*p, ast.node(eq.args[1]).args[0]), "has(m.f)");
  EXPECT_EQ(SpanText(*p, cond.args[1]), "[1]");
  EXPECT_EQ(SpanText(*p, cond.args[2]), "{2: 3}");
}

TEST(ParserTest, SpansAreFileRelative) {
  SourceManager sm;
  const std::string file_text = "rule:\n  when: a +\n    成员.x\n";
  const FileId file = sm.Add("rules.yaml", file_text);
  const uint32_t offset = 14;  // "a +\n    成员.x"
  const std::string_view expr =
      std::string_view(file_text).substr(offset, file_text.size() - offset - 1);
  Ast ast;
  Diagnostics diags;
  ASSERT_FALSE(Parse(expr, file, offset, {}, &ast, &diags));
  EXPECT_EQ(diags.Render(sm),
            "rules.yaml:3:5: error[expr.syntax]: unexpected characters "
            "`成员`\n"
            " |     成员.x\n"
            " |     ^~~~\n"
            " = help: identifiers may only contain ASCII letters, digits and "
            "`_`\n");
}

// Every node is reachable from the root exactly once.
void ExpectTree(const Ast& ast) {
  std::vector<int> seen(ast.nodes.size(), 0);
  std::vector<ExprId> stack = {ast.root};
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    ASSERT_LT(id, ast.nodes.size());
    ++seen[id];
    const Node& n = ast.node(id);
    for (ExprId c : {n.target, n.iter_range, n.accu_init, n.loop_condition,
                     n.loop_step, n.result}) {
      if (c != kNoExpr) stack.push_back(c);
    }
    for (ExprId c : n.args) stack.push_back(c);
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i], 1) << "node " << i;
  }
  EXPECT_EQ(ast.nodes.size(), ast.spans.size());
}

TEST(ParserTest, NodesFormATree) {
  for (const char* src :
       {"a + b * c", "has(a.b) && x.f(1)", "l.all(x, x > 0)",
        "l.exists(x, x > 0)", "l.exists_one(x, x > 0)", "l.map(x, x * 2)",
        "l.map(x, x > 0, x * 2)", "l.filter(x, x > 0)",
        "{1: [2, 3]}.all(k, k in [1].filter(y, y == k))", "-1 + -x"}) {
    auto p = ParseText(src);
    ASSERT_TRUE(p->ok) << src;
    ExpectTree(p->ast);
  }
}

TEST(ParserTest, MacroNodesCarryTheMacroSpan) {
  auto p = ParseText("l.map(x, x * 2)");
  ASSERT_TRUE(p->ok);
  const Node& c = p->ast.node(p->ast.root);
  EXPECT_EQ(c.iter_var, "x");
  EXPECT_EQ(c.accu_var, "@result");
  EXPECT_EQ(SpanText(*p, c.accu_init), "map(x, x * 2)");
  EXPECT_EQ(SpanText(*p, c.result), "map(x, x * 2)");
  EXPECT_EQ(SpanText(*p, c.loop_condition), "map(x, x * 2)");
}

TEST(ParserTest, OffsetPastLengthLimitIsAnError) {
  ParseOptions options;
  options.max_length = 10;
  auto ok = ParseText("1234567890", options);
  EXPECT_TRUE(ok->ok);
  auto bad = ParseText("12345678901", options);
  EXPECT_FALSE(bad->ok);
}

TEST(ParserTest, DepthLimitIsConfigurable) {
  ParseOptions options;
  options.max_depth = 5;
  EXPECT_TRUE(ParseText("((((1))))", options)->ok);
  EXPECT_FALSE(ParseText("(((((1)))))", options)->ok);
  EXPECT_TRUE(ParseText("1 + 2 + 3 + 4 + 5", options)->ok);
  EXPECT_FALSE(ParseText("1 + 2 + 3 + 4 + 5 + 6", options)->ok);
}

TEST(ParserTest, DefaultLimitsAllowConformanceSizedExpressions) {
  std::string parens = std::string(32, '(') + "7" + std::string(32, ')');
  EXPECT_TRUE(ParseText(parens)->ok);
  std::string sum = "1";
  for (int i = 0; i < 200; ++i) sum += " + 1";
  EXPECT_TRUE(ParseText(sum)->ok);
  std::string list = "[";
  for (int i = 0; i < 10000; ++i) list += "1, ";
  list += "1]";
  EXPECT_TRUE(ParseText(list)->ok);
}

}  // namespace
}  // namespace zhucun::internal
