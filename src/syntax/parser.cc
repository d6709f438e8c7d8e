#include "syntax/parser.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "source/utf8.h"
#include "syntax/lexer.h"
#include "syntax/token.h"

namespace zhucun::internal {

namespace {

// Keeps cold code out of the frames of the recursive descent.
#define NOINLINE [[gnu::noinline]]

constexpr std::string_view kAccuVar = "@result";
constexpr std::string_view kErrorName = "<error>";
// After this many errors the parser gives up on the rest of the text.
constexpr size_t kMaxErrors = 100;
// Longest token text quoted in a message, in code points.
constexpr size_t kMaxQuoted = 24;

// `s` cut at its first line end and to `max` code points (with "..."), with
// bytes that are not UTF-8 replaced by U+FFFD, so it can go into a message.
std::string Excerpt(std::string_view s, size_t max) {
  std::string out;
  size_t count = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    if (s[pos] == '\n' || s[pos] == '\r') {
      out += "...";
      break;
    }
    if (count == max) {
      out += "...";
      break;
    }
    char32_t cp;
    const size_t len = DecodeUtf8(s, pos, &cp);
    if (len == 0) {
      AppendUtf8(kReplacementChar, &out);
      ++pos;
    } else {
      out.append(s.substr(pos, len));
      pos += len;
    }
    ++count;
  }
  return out;
}

// The ExprIds a node refers to.
template <typename F>
void ForEachChild(const Node& n, F&& f) {
  const ExprId single[] = {n.target,         n.iter_range, n.accu_init,
                           n.loop_condition, n.loop_step,  n.result};
  for (ExprId id : single) {
    if (id != kNoExpr) f(id);
  }
  for (ExprId id : n.args) f(id);
}

class Parser {
 public:
  Parser(std::string_view text, FileId file, uint32_t offset,
         const ParseOptions& options, Ast* ast)
      : text_(text),
        file_(file),
        offset_(offset),
        options_(options),
        ast_(ast) {}

  // Parses; diagnostics go to *diags in position order. Returns true if no
  // error was found.
  bool Run(Diagnostics* diags) {
    *ast_ = Ast{};
    if (text_.size() > options_.max_length) {
      const uint32_t end = offset_ + static_cast<uint32_t>(std::min<size_t>(
                                         text_.size(), UINT32_MAX - offset_));
      diags->Error("expr.too_long",
                   "expression is " + std::to_string(text_.size()) +
                       " bytes long, more than the limit of " +
                       std::to_string(options_.max_length),
                   Span(offset_ + options_.max_length, end));
      return false;
    }
    tokens_ = Lex(text_, file_, offset_, &lex_errors_);
    for (const Diagnostic& d : lex_errors_.items()) {
      lex_error_begins_.push_back(d.span.begin);
    }
    std::sort(lex_error_begins_.begin(), lex_error_begins_.end());
    if (tokens_.size() == 1) {
      Report("expr.syntax", "expression is empty", Span(offset_, offset_));
    } else {
      ast_->root = ParseExpr();
      while (!aborted_ && !At(TokenKind::kEnd)) {
        const bool closer = At(TokenKind::kRParen) ||
                            At(TokenKind::kRBracket) || At(TokenKind::kRBrace);
        if (closer) {
          ReportAt(Cur(), "unmatched " + Describe(Cur()));
        } else {
          ReportAt(Cur(),
                   "unexpected " + Describe(Cur()) + "; expected an operator");
        }
        const size_t before = pos_;
        ParseExpr();  // for the errors in the rest of the text
        if (pos_ == before) Advance();
      }
    }
    std::vector<Diagnostic> all = lex_errors_.items();
    all.insert(all.end(), std::make_move_iterator(errors_.begin()),
               std::make_move_iterator(errors_.end()));
    std::stable_sort(all.begin(), all.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return a.span.begin < b.span.begin;
                     });
    for (Diagnostic& d : all) diags->Add(std::move(d));
    return !has_errors_ && lex_errors_.empty();
  }

 private:
  // ---- tokens ----

  const Token& Cur() const { return tokens_[pos_]; }
  const Token& Ahead(size_t k) const {
    return tokens_[std::min(pos_ + k, tokens_.size() - 1)];
  }
  bool At(TokenKind kind) const { return Cur().kind == kind; }
  const Token& Advance() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool Accept(TokenKind kind) {
    if (!At(kind)) return false;
    Advance();
    return true;
  }
  std::string_view Text(const Token& t) const {
    return text_.substr(t.span.begin - offset_, t.span.end - t.span.begin);
  }
  std::string_view Text(uint32_t begin, uint32_t end) const {
    return text_.substr(begin - offset_, end - begin);
  }
  SourceSpan Span(uint32_t begin, uint32_t end) const {
    return SourceSpan{file_, begin, end};
  }
  // The end of the token before the current one (where "unexpected end"
  // errors point).
  uint32_t PrevEnd() const {
    return pos_ == 0 ? offset_ : tokens_[pos_ - 1].span.end;
  }

  std::string Describe(const Token& t) const {
    if (t.kind == TokenKind::kEnd) return "end of expression";
    return "`" + Excerpt(Text(t), kMaxQuoted) + "`";
  }

  // ---- errors ----

  void Report(const char* code, std::string message, SourceSpan span,
              std::string help = {}) {
    if (aborted_) return;
    // Say nothing more where an error was already reported: at the same
    // place as the parser's previous error, or where the lexer complained.
    if (has_errors_ && span.begin == last_error_begin_) return;
    if (std::binary_search(lex_error_begins_.begin(), lex_error_begins_.end(),
                           span.begin)) {
      has_errors_ = true;
      return;
    }
    has_errors_ = true;
    last_error_begin_ = span.begin;
    Diagnostic d;
    d.code = code;
    d.message = std::move(message);
    d.span = span;
    d.help = std::move(help);
    errors_.push_back(std::move(d));
    if (++error_count_ >= kMaxErrors) aborted_ = true;
  }

  // A syntax error at token `t`; kError tokens were reported by the lexer.
  void ReportAt(const Token& t, std::string message) {
    if (t.kind == TokenKind::kError) {
      has_errors_ = true;
      return;
    }
    SourceSpan span = t.span;
    if (t.kind == TokenKind::kEnd) span = Span(PrevEnd(), PrevEnd());
    Report("expr.syntax", std::move(message), span);
  }

  NOINLINE void Unexpected(std::string_view expected) {
    ReportAt(Cur(), "unexpected " + Describe(Cur()) + "; expected " +
                        std::string(expected));
  }

  NOINLINE void TooDeep(SourceSpan span) {
    Report("expr.too_deep",
           "expression nests deeper than " +
               std::to_string(options_.max_depth) + " levels",
           span);
    aborted_ = true;
  }

  // ---- nodes ----

  ExprId AddNode(Node n, SourceSpan span, uint32_t ext_begin,
                 uint32_t ext_end) {
    uint32_t height = 1;
    ForEachChild(n, [&](ExprId c) {
      height = std::max(height, heights_[c] + 1);
      ext_begin = std::min(ext_begin, extents_[c].first);
      ext_end = std::max(ext_end, extents_[c].second);
    });
    const ExprId id = ast_->Add(std::move(n), span);
    heights_.push_back(height);
    extents_.emplace_back(ext_begin, ext_end);
    // Point at the token just read, not at the start of a long chain.
    if (height > options_.max_depth) {
      TooDeep(pos_ > 0 ? tokens_[pos_ - 1].span : span);
    }
    return id;
  }
  ExprId AddNode(Node n, SourceSpan span) {
    return AddNode(std::move(n), span, span.begin, span.end);
  }

  NOINLINE ExprId ErrorNode(SourceSpan span) {
    Node n;
    n.kind = ExprKind::kIdent;
    n.name = kErrorName;
    has_errors_ = true;
    return AddNode(std::move(n), span);
  }
  NOINLINE ExprId ErrorNodeHere() {
    const Token& t = Cur();
    return ErrorNode(t.kind == TokenKind::kEnd ? Span(PrevEnd(), PrevEnd())
                                               : t.span);
  }

  ExprId Const(Constant c, SourceSpan span) {
    Node n;
    n.kind = ExprKind::kConst;
    n.constant = std::move(c);
    return AddNode(std::move(n), span);
  }
  ExprId Ident(std::string name, SourceSpan span) {
    Node n;
    n.kind = ExprKind::kIdent;
    n.name = std::move(name);
    return AddNode(std::move(n), span);
  }
  ExprId Call(std::string function, ExprId target, std::vector<ExprId> args,
              SourceSpan span) {
    Node n;
    n.kind = ExprKind::kCall;
    n.name = std::move(function);
    n.target = target;
    n.args = std::move(args);
    return AddNode(std::move(n), span);
  }
  ExprId List(std::vector<ExprId> elements, SourceSpan span) {
    Node n;
    n.kind = ExprKind::kList;
    n.args = std::move(elements);
    return AddNode(std::move(n), span);
  }
  // A binary or ternary operator spanning its operands.
  ExprId Operator(std::string function, std::vector<ExprId> args) {
    const uint32_t begin = extents_[args.front()].first;
    const uint32_t end = extents_[args.back()].second;
    return Call(std::move(function), kNoExpr, std::move(args),
                Span(begin, end));
  }
  // Replaces node `id` (an argument the macro consumed) by `n`, so that no
  // node is left unreachable.
  void Reuse(ExprId id, Node n, SourceSpan span) {
    ast_->nodes[id] = std::move(n);
    ast_->spans[id] = span;
    heights_[id] = 1;
    extents_[id] = {span.begin, span.end};
  }

  // ---- grammar ----

  // Counts one level of nesting for the current scope.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser* p) : p_(p) {
      ++p_->depth_;
      if (p_->depth_ > p_->options_.max_depth) {
        const Token& t = p_->Cur();
        p_->TooDeep(t.kind == TokenKind::kEnd
                        ? p_->Span(p_->PrevEnd(), p_->PrevEnd())
                        : t.span);
      }
    }
    ~DepthGuard() { --p_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser* p_;
  };

  // The functions on the recursive path (ParseExpr down to ParsePrimary,
  // ParseSequence and ParseMap) keep only a few integers in their frames and
  // leave building nodes and messages to NOINLINE helpers, so that a level
  // of nesting costs little stack even in unoptimized builds.

  ExprId ParseExpr() {
    DepthGuard guard(this);
    if (aborted_) return ErrorNodeHere();
    return ParseConditional(ParseOr());
  }

  // `cond ? then : otherwise`, with `cond` parsed.
  ExprId ParseConditional(ExprId cond) {
    if (aborted_ || !At(TokenKind::kQuestion)) return cond;
    Advance();
    ExprId then = ParseOr();
    if (!aborted_ && At(TokenKind::kQuestion)) {
      // `a ? b ? c : d : e`: the grammar wants the middle in parentheses.
      // Report that, then parse it as if it had them.
      ReportNestedConditional();
      DepthGuard guard(this);
      then = ParseConditional(then);
    }
    ExprId otherwise;
    if (Accept(TokenKind::kColon)) {
      otherwise = ParseExpr();
    } else {
      otherwise = ExpectedHere("`:`");
    }
    return Ternary(cond, then, otherwise);
  }

  ExprId ParseOr() {
    ExprId lhs = ParseAnd();
    while (!aborted_ && At(TokenKind::kOr)) {
      Advance();
      const ExprId rhs = ParseAnd();
      lhs = Binary("_||_", lhs, rhs);
    }
    return lhs;
  }

  ExprId ParseAnd() {
    ExprId lhs = ParseRelation();
    while (!aborted_ && At(TokenKind::kAnd)) {
      Advance();
      const ExprId rhs = ParseRelation();
      lhs = Binary("_&&_", lhs, rhs);
    }
    return lhs;
  }

  static const char* RelationName(TokenKind kind) {
    switch (kind) {
      case TokenKind::kLt:
        return "_<_";
      case TokenKind::kLe:
        return "_<=_";
      case TokenKind::kGt:
        return "_>_";
      case TokenKind::kGe:
        return "_>=_";
      case TokenKind::kEq:
        return "_==_";
      case TokenKind::kNe:
        return "_!=_";
      case TokenKind::kIn:
        return "@in";
      default:
        return nullptr;
    }
  }

  ExprId ParseRelation() {
    ExprId lhs = ParseAddition();
    while (!aborted_) {
      const char* name = RelationName(Cur().kind);
      if (name == nullptr) break;
      Advance();
      const ExprId rhs = ParseAddition();
      lhs = Binary(name, lhs, rhs);
    }
    return lhs;
  }

  ExprId ParseAddition() {
    ExprId lhs = ParseMultiplication();
    while (!aborted_ && (At(TokenKind::kPlus) || At(TokenKind::kMinus))) {
      const char* name = At(TokenKind::kPlus) ? "_+_" : "_-_";
      Advance();
      const ExprId rhs = ParseMultiplication();
      lhs = Binary(name, lhs, rhs);
    }
    return lhs;
  }

  ExprId ParseMultiplication() {
    ExprId lhs = ParseUnary();
    while (!aborted_) {
      const char* name = nullptr;
      if (At(TokenKind::kStar)) {
        name = "_*_";
      } else if (At(TokenKind::kSlash)) {
        name = "_/_";
      } else if (At(TokenKind::kPercent)) {
        name = "_%_";
      } else if (At(TokenKind::kError)) {
        // Characters the lexer rejected (and reported) after an operand, as
        // in `a # b`: treat them as an unknown operator if an operand
        // follows, else skip them.
        Advance();
        has_errors_ = true;
        if (!StartsOperand(Cur().kind)) continue;
        name = "<error>";
        const ExprId rhs = ParseUnary();
        lhs = Binary(name, lhs, rhs);
        continue;
      } else {
        break;
      }
      Advance();
      const ExprId rhs = ParseUnary();
      lhs = Binary(name, lhs, rhs);
    }
    return lhs;
  }

  ExprId ParseUnary() {
    // The prefix operators: token indexes from pos_ to first_operand.
    const size_t first_op = pos_;
    while (At(TokenKind::kMinus) || At(TokenKind::kBang)) {
      if (depth_ + (pos_ - first_op) + 1 > options_.max_depth) {
        TooDeep(Cur().span);
        return ErrorNodeHere();
      }
      Advance();
    }
    size_t ops_end = pos_;  // one past the innermost operator
    ExprId operand;
    if (ops_end > first_op && tokens_[ops_end - 1].kind == TokenKind::kMinus &&
        FoldsIntoLiteral()) {
      --ops_end;
      operand = ParseNumber(&tokens_[ops_end]);
    } else {
      operand = ParseMember();
    }
    for (size_t i = ops_end; i > first_op; --i) {
      operand = Prefix(i - 1, operand);
    }
    return operand;
  }

  // True at an int or double literal without a member suffix, which a `-`
  // before it negates as part of the literal.
  bool FoldsIntoLiteral() const {
    if (!At(TokenKind::kInt) && !At(TokenKind::kDouble)) return false;
    const TokenKind after = Ahead(1).kind;
    return after != TokenKind::kDot && after != TokenKind::kLBracket &&
           after != TokenKind::kLParen && after != TokenKind::kLBrace;
  }

  static bool StartsOperand(TokenKind kind) {
    switch (kind) {
      case TokenKind::kIdent:
      case TokenKind::kQuotedIdent:
      case TokenKind::kInt:
      case TokenKind::kUint:
      case TokenKind::kDouble:
      case TokenKind::kString:
      case TokenKind::kBytes:
      case TokenKind::kTrue:
      case TokenKind::kFalse:
      case TokenKind::kNull:
      case TokenKind::kLParen:
      case TokenKind::kLBracket:
      case TokenKind::kLBrace:
      case TokenKind::kDot:
      case TokenKind::kMinus:
      case TokenKind::kBang:
      case TokenKind::kError:
        return true;
      default:
        return false;
    }
  }

  static bool IsQualifiedName(const Ast& ast, ExprId id) {
    while (ast.node(id).kind == ExprKind::kSelect) id = ast.node(id).target;
    return ast.node(id).kind == ExprKind::kIdent;
  }

  ExprId ParseMember() {
    ExprId expr = ParsePrimary();
    while (!aborted_) {
      if (At(TokenKind::kDot)) {
        Advance();
        if (At(TokenKind::kError)) {  // e.g. a bad quoted identifier
          expr = ErrorNode(Advance().span);
          continue;
        }
        if (!At(TokenKind::kIdent) && !At(TokenKind::kQuotedIdent)) {
          return ExpectedHere("a field or method name");
        }
        const size_t name_index = pos_;
        Advance();
        if (At(TokenKind::kLParen)) {
          Advance();
          std::vector<ExprId> args;
          const uint32_t end = ParseSequence(TokenKind::kRParen, false, &args);
          expr = FinishReceiverCall(expr, name_index, end, &args);
        } else {
          expr = MakeSelect(expr, name_index);
        }
      } else if (At(TokenKind::kLBracket)) {
        const uint32_t begin = Advance().span.begin;
        const ExprId index = ParseExpr();
        const uint32_t end = Close(TokenKind::kRBracket, "`]`");
        expr = MakeIndex(expr, index, begin, end);
      } else if (At(TokenKind::kLBrace) && IsQualifiedName(*ast_, expr)) {
        expr = SkipMessageConstruction(expr);
      } else {
        break;
      }
    }
    return expr;
  }

  ExprId ParsePrimary() {
    switch (Cur().kind) {
      case TokenKind::kInt:
      case TokenKind::kDouble:
      case TokenKind::kUint:
        return ParseNumber(nullptr);
      case TokenKind::kString:
      case TokenKind::kBytes:
      case TokenKind::kTrue:
      case TokenKind::kFalse:
      case TokenKind::kNull:
        return ParseLiteral();
      case TokenKind::kDot: {
        const uint32_t begin = Advance().span.begin;
        if (!At(TokenKind::kIdent)) {
          return ExpectedHere("an identifier after the leading `.`");
        }
        return IdentOrCall(begin, true);
      }
      case TokenKind::kIdent:
        return IdentOrCall(Cur().span.begin, false);
      case TokenKind::kQuotedIdent:
        return MisplacedQuotedIdent();
      case TokenKind::kLParen: {
        const uint32_t begin = Advance().span.begin;
        const ExprId inner = ParseExpr();
        const uint32_t end = Close(TokenKind::kRParen, "`)`");
        extents_[inner].first = std::min(extents_[inner].first, begin);
        extents_[inner].second = std::max(extents_[inner].second, end);
        return inner;
      }
      case TokenKind::kLBracket: {
        const uint32_t begin = Advance().span.begin;
        std::vector<ExprId> elements;
        const uint32_t end =
            ParseSequence(TokenKind::kRBracket, true, &elements);
        return MakeList(&elements, begin, end);
      }
      case TokenKind::kLBrace:
        return ParseMap();
      case TokenKind::kError:
        return ErrorNode(Advance().span);
      default:
        return ExpectedHere("an expression");
    }
  }

  // At an identifier (after a leading dot at `begin` if `dot`).
  ExprId IdentOrCall(uint32_t begin, bool dot) {
    const size_t name_index = pos_;
    Advance();
    CheckReserved(name_index);
    if (!At(TokenKind::kLParen)) return MakeIdent(name_index, begin, dot);
    Advance();
    std::vector<ExprId> args;
    const uint32_t end = ParseSequence(TokenKind::kRParen, false, &args);
    return FinishGlobalCall(name_index, begin, dot, end, &args);
  }

  ExprId ParseMap() {
    const uint32_t begin = Advance().span.begin;
    std::vector<ExprId> entries;
    uint32_t end;
    if (At(TokenKind::kRBrace)) {
      end = Advance().span.end;
    } else {
      while (true) {
        const ExprId key = ParseExpr();
        ExprId value;
        if (!aborted_ && Accept(TokenKind::kColon)) {
          value = ParseExpr();
        } else {
          value = ExpectedHere("`:`");
        }
        entries.push_back(key);
        entries.push_back(value);
        if (aborted_) break;
        if (Accept(TokenKind::kComma)) {
          if (At(TokenKind::kRBrace)) break;
          continue;
        }
        break;
      }
      end = Close(TokenKind::kRBrace, "`,` or `}`");
    }
    return MakeMap(&entries, begin, end);
  }

  // Parses `expr, expr, ...` up to and including the closing token (the
  // opening one has been consumed). Returns the end of the closing token.
  uint32_t ParseSequence(TokenKind close, bool trailing_comma,
                         std::vector<ExprId>* out) {
    if (At(close)) return Advance().span.end;
    while (true) {
      out->push_back(ParseExpr());
      if (aborted_) break;
      if (Accept(TokenKind::kComma)) {
        if (trailing_comma && At(close)) break;
        continue;
      }
      break;
    }
    return Close(close,
                 close == TokenKind::kRParen ? "`,` or `)`" : "`,` or `]`");
  }

  // ---- helpers off the recursive path ----

  NOINLINE ExprId ExpectedHere(const char* expected) {
    Unexpected(expected);
    return ErrorNodeHere();
  }

  NOINLINE void ReportNestedConditional() {
    Report("expr.syntax",
           "a conditional in the middle of `?:` must be in parentheses",
           Cur().span);
  }

  NOINLINE ExprId Ternary(ExprId cond, ExprId then, ExprId otherwise) {
    return Operator("_?_:_", {cond, then, otherwise});
  }

  NOINLINE ExprId Binary(const char* name, ExprId lhs, ExprId rhs) {
    return Operator(name, {lhs, rhs});
  }

  // Applies the prefix operator at token `index` to `operand`.
  NOINLINE ExprId Prefix(size_t index, ExprId operand) {
    const Token& op = tokens_[index];
    return Call(op.kind == TokenKind::kMinus ? "-_" : "!_", kNoExpr, {operand},
                Span(op.span.begin, extents_[operand].second));
  }

  NOINLINE ExprId MakeSelect(ExprId target, size_t name_index) {
    const Token& t = tokens_[name_index];
    Node n;
    n.kind = ExprKind::kSelect;
    n.name = t.kind == TokenKind::kQuotedIdent ? t.value : std::string(Text(t));
    n.target = target;
    return AddNode(std::move(n), t.span);
  }

  NOINLINE ExprId MakeIndex(ExprId target, ExprId index, uint32_t begin,
                            uint32_t end) {
    return Call("_[_]", kNoExpr, {target, index}, Span(begin, end));
  }

  NOINLINE ExprId MakeList(std::vector<ExprId>* elements, uint32_t begin,
                           uint32_t end) {
    return List(std::move(*elements), Span(begin, end));
  }

  NOINLINE ExprId MakeMap(std::vector<ExprId>* entries, uint32_t begin,
                          uint32_t end) {
    Node n;
    n.kind = ExprKind::kMap;
    n.args = std::move(*entries);
    return AddNode(std::move(n), Span(begin, end));
  }

  NOINLINE ExprId MakeIdent(size_t name_index, uint32_t begin, bool dot) {
    const Token& t = tokens_[name_index];
    return Ident((dot ? "." : "") + std::string(Text(t)),
                 Span(begin, t.span.end));
  }

  NOINLINE void CheckReserved(size_t name_index) {
    const Token& t = tokens_[name_index];
    const std::string_view word = Text(t);
    if (IsReservedWord(word)) {
      Report("expr.reserved",
             "reserved word `" + std::string(word) +
                 "` cannot be used as an identifier",
             t.span);
    }
  }

  NOINLINE ExprId FinishGlobalCall(size_t name_index, uint32_t begin, bool dot,
                                   uint32_t end, std::vector<ExprId>* args) {
    std::string name =
        (dot ? "." : "") + std::string(Text(tokens_[name_index]));
    const SourceSpan span = Span(begin, end);
    if (name == "has") return ExpandHas(std::move(*args), span);
    return Call(std::move(name), kNoExpr, std::move(*args), span);
  }

  NOINLINE ExprId FinishReceiverCall(ExprId target, size_t name_index,
                                     uint32_t end, std::vector<ExprId>* args) {
    const Token& t = tokens_[name_index];
    if (t.kind == TokenKind::kQuotedIdent) {
      Report("expr.syntax",
             "a quoted identifier cannot name a method; `" + t.value +
                 "` is called here",
             t.span);
      return ReceiverCall(target, t.value, t.span.begin, end, std::move(*args));
    }
    return ReceiverCall(target, std::string(Text(t)), t.span.begin, end,
                        std::move(*args));
  }

  NOINLINE ExprId SkipMessageConstruction(ExprId type_name) {
    const uint32_t begin = extents_[type_name].first;
    Advance();
    const uint32_t end = SkipTo(TokenKind::kRBrace);
    Report("expr.syntax",
           "message construction `" +
               Excerpt(Text(begin, extents_[type_name].second), kMaxQuoted) +
               "{...}` is not supported",
           Span(begin, end), "use a map literal `{\"key\": value}`");
    return ErrorNode(Span(begin, end));
  }

  NOINLINE ExprId MisplacedQuotedIdent() {
    const Token& t = Advance();
    Report("expr.syntax",
           "quoted identifier `" + t.value +
               "` can only be used as a field name after `.`",
           t.span);
    return ErrorNode(t.span);
  }

  // A string, bytes, bool or null literal.
  NOINLINE ExprId ParseLiteral() {
    const Token& t = Advance();
    switch (t.kind) {
      case TokenKind::kString:
        return Const(t.value, t.span);
      case TokenKind::kBytes:
        return Const(BytesConst{t.value}, t.span);
      case TokenKind::kTrue:
        return Const(true, t.span);
      case TokenKind::kFalse:
        return Const(false, t.span);
      default:
        return Const(NullConst{}, t.span);
    }
  }

  // Consumes the closing token `close`; on anything else reports an error and
  // skips to it. Returns the end offset of what was consumed.
  NOINLINE uint32_t Close(TokenKind close, const char* expected) {
    if (At(close)) return Advance().span.end;
    if (aborted_) return PrevEnd();
    Unexpected(expected);
    return SkipTo(close);
  }

  // Skips tokens, keeping track of nested brackets, up to and including
  // `close` at this level. Stops (without consuming) at the end or at a
  // closing bracket of another kind that belongs to an outer level. Returns
  // the end offset of the last consumed token.
  uint32_t SkipTo(TokenKind close) {
    std::vector<TokenKind> stack;
    while (!At(TokenKind::kEnd)) {
      const TokenKind k = Cur().kind;
      if (k == TokenKind::kLParen) {
        stack.push_back(TokenKind::kRParen);
      } else if (k == TokenKind::kLBracket) {
        stack.push_back(TokenKind::kRBracket);
      } else if (k == TokenKind::kLBrace) {
        stack.push_back(TokenKind::kRBrace);
      } else if (k == TokenKind::kRParen || k == TokenKind::kRBracket ||
                 k == TokenKind::kRBrace) {
        if (stack.empty()) {
          if (k == close) return Advance().span.end;
          return PrevEnd();
        }
        if (stack.back() == k) stack.pop_back();
      }
      Advance();
    }
    return PrevEnd();
  }

  // ---- literals ----

  // Parses digits (decimal, or hex after "0x") into *value; false on
  // overflow of uint64.
  static bool ParseMagnitude(std::string_view digits, uint64_t* value) {
    unsigned base = 10;
    if (digits.size() > 2 && digits[0] == '0' && digits[1] == 'x') {
      base = 16;
      digits.remove_prefix(2);
    }
    const auto result =
        std::from_chars(digits.data(), digits.data() + digits.size(), *value,
                        static_cast<int>(base));
    return result.ec == std::errc() &&
           result.ptr == digits.data() + digits.size();
  }

  // The int, uint or double literal at the current token (consumed),
  // negated when `minus` is given.
  NOINLINE ExprId ParseNumber(const Token* minus) {
    const Token& t = Advance();
    std::string_view text = Text(t);
    const SourceSpan span =
        Span(minus != nullptr ? minus->span.begin : t.span.begin, t.span.end);
    const std::string shown = (minus != nullptr ? "-" : "") + std::string(text);
    if (t.kind == TokenKind::kUint) {
      uint64_t value = 0;
      if (!ParseMagnitude(text.substr(0, text.size() - 1), &value)) {
        Report(
            "expr.invalid_literal",
            "unsigned integer literal `" + shown + "` does not fit in uint64",
            span);
        return ErrorNode(span);
      }
      return Const(value, span);
    }
    if (t.kind == TokenKind::kInt) {
      uint64_t magnitude = 0;
      constexpr uint64_t kMax =
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
      const bool ok = ParseMagnitude(text, &magnitude) &&
                      magnitude <= kMax + (minus != nullptr ? 1 : 0);
      if (!ok) {
        Report("expr.invalid_literal",
               "integer literal `" + shown + "` does not fit in int64", span);
        return ErrorNode(span);
      }
      int64_t value;
      if (minus == nullptr) {
        value = static_cast<int64_t>(magnitude);
      } else if (magnitude == kMax + 1) {
        value = std::numeric_limits<int64_t>::min();
      } else {
        value = -static_cast<int64_t>(magnitude);
      }
      return Const(value, span);
    }
    // Double.
    double value = 0;
    const auto result =
        std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec == std::errc::result_out_of_range) {
      // Underflow rounds to zero; overflow is an error.
      const size_t e = text.find_first_of("eE");
      const bool underflow = e != std::string_view::npos &&
                             e + 1 < text.size() && text[e + 1] == '-';
      if (!underflow) {
        Report("expr.invalid_literal",
               "double literal `" + shown + "` is out of range", span);
        return ErrorNode(span);
      }
      value = 0;
    } else if (result.ec != std::errc() ||
               result.ptr != text.data() + text.size()) {
      Report("expr.invalid_literal", "invalid double literal `" + shown + "`",
             span);
      return ErrorNode(span);
    }
    Node n;
    n.kind = ExprKind::kConst;
    n.constant = minus != nullptr ? -value : value;
    n.literal_text = shown;
    return AddNode(std::move(n), span);
  }

  // ---- macros ----

  ExprId ExpandHas(std::vector<ExprId> args, SourceSpan span) {
    if (args.size() != 1) {
      Report(
          "expr.macro",
          "macro `has` expects 1 argument, got " + std::to_string(args.size()),
          span);
      return ErrorNode(span);
    }
    const ExprId arg = args[0];
    Node& n = ast_->nodes[arg];
    if (n.kind != ExprKind::kSelect || n.test_only) {
      Report("expr.macro",
             "the argument of `has` must be a field selection such as "
             "`has(m.f)`",
             Span(extents_[arg].first, extents_[arg].second));
      return ErrorNode(span);
    }
    n.test_only = true;
    ast_->spans[arg] = span;
    extents_[arg].first = std::min(extents_[arg].first, span.begin);
    extents_[arg].second = std::max(extents_[arg].second, span.end);
    return arg;
  }

  ExprId ReceiverCall(ExprId target, std::string name, uint32_t begin,
                      uint32_t end, std::vector<ExprId> args) {
    const SourceSpan span = Span(begin, end);
    const bool macro = name == "all" || name == "exists" ||
                       name == "exists_one" || name == "map" ||
                       name == "filter";
    if (!macro) return Call(std::move(name), target, std::move(args), span);
    const bool arity_ok =
        args.size() == 2 || (name == "map" && args.size() == 3);
    if (!arity_ok) {
      Report("expr.macro",
             "macro `" + name + "` expects " +
                 (name == "map" ? "2 or 3 arguments" : "2 arguments") +
                 ", got " + std::to_string(args.size()),
             span);
      return ErrorNode(span);
    }
    const ExprId var = args[0];
    const Node& var_node = ast_->node(var);
    if (var_node.kind != ExprKind::kIdent || var_node.name.empty() ||
        var_node.name[0] == '.' || var_node.name == kErrorName) {
      if (var_node.name != kErrorName) {
        Report("expr.macro",
               "the first argument of `" + name +
                   "` must be a simple identifier (the iteration variable)",
               Span(extents_[var].first, extents_[var].second));
      }
      return ErrorNode(span);
    }
    std::string iter_var = var_node.name;
    const auto accu = [&] { return Ident(std::string(kAccuVar), span); };
    const auto add = [&](ExprId a, ExprId b) {
      return Call("_+_", kNoExpr, {a, b}, span);
    };
    const auto cond = [&](ExprId c, ExprId a, ExprId b) {
      return Call("_?_:_", kNoExpr, {c, a, b}, span);
    };
    const auto node_of = [](Constant c) {
      Node n;
      n.kind = ExprKind::kConst;
      n.constant = std::move(c);
      return n;
    };

    Node c;
    c.kind = ExprKind::kComprehension;
    c.iter_var = iter_var;
    c.accu_var = std::string(kAccuVar);
    c.iter_range = target;
    c.accu_init = var;  // the iteration variable's node is reused below
    if (name == "all" || name == "exists") {
      const bool all = name == "all";
      Reuse(var, node_of(all), span);
      const ExprId running = all ? accu() : Call("!_", kNoExpr, {accu()}, span);
      c.loop_condition = Call("@not_strictly_false", kNoExpr, {running}, span);
      c.loop_step =
          Call(all ? "_&&_" : "_||_", kNoExpr, {accu(), args[1]}, span);
      c.result = accu();
    } else if (name == "exists_one") {
      Reuse(var, node_of(int64_t{0}), span);
      c.loop_condition = Const(true, span);
      c.loop_step = cond(args[1], add(accu(), Const(int64_t{1}, span)), accu());
      c.result = Call("_==_", kNoExpr, {accu(), Const(int64_t{1}, span)}, span);
    } else if (name == "map") {
      Node empty;
      empty.kind = ExprKind::kList;
      Reuse(var, std::move(empty), span);
      c.loop_condition = Const(true, span);
      const ExprId mapped = args.size() == 3 ? args[2] : args[1];
      const ExprId appended = add(accu(), List({mapped}, span));
      c.loop_step =
          args.size() == 3 ? cond(args[1], appended, accu()) : appended;
      c.result = accu();
    } else {  // filter
      Node element;
      element.kind = ExprKind::kIdent;
      element.name = iter_var;
      Reuse(var, std::move(element), span);
      c.accu_init = List({}, span);
      c.loop_condition = Const(true, span);
      c.loop_step = cond(args[1], add(accu(), List({var}, span)), accu());
      c.result = accu();
    }
    return AddNode(std::move(c), span, extents_[target].first, end);
  }

  std::string_view text_;
  FileId file_;
  uint32_t offset_;
  const ParseOptions& options_;
  Ast* ast_;

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  // Per node: height of its subtree, and the byte range of its source text.
  std::vector<uint32_t> heights_;
  std::vector<std::pair<uint32_t, uint32_t>> extents_;

  uint32_t depth_ = 0;
  bool aborted_ = false;     // too deep or too many errors: stop
  bool has_errors_ = false;  // the parser found an error
  uint32_t last_error_begin_ = 0;
  size_t error_count_ = 0;
  Diagnostics lex_errors_;
  std::vector<uint32_t> lex_error_begins_;  // sorted
  std::vector<Diagnostic> errors_;          // the parser's own
};

#undef NOINLINE

}  // namespace

bool Parse(std::string_view text, FileId file, uint32_t offset,
           const ParseOptions& options, Ast* ast, Diagnostics* diags) {
  Parser parser(text, file, offset, options, ast);
  return parser.Run(diags);
}

}  // namespace zhucun::internal
