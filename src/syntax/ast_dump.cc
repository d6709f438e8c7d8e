#include "syntax/ast_dump.h"

#include <charconv>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <variant>

namespace zhucun::internal {

namespace {

constexpr int kMaxDumpDepth = 1000;

void AppendHexByte(unsigned char c, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  *out += "\\x";
  *out += kDigits[c >> 4];
  *out += kDigits[c & 0xF];
}

void AppendQuoted(std::string_view s, bool bytes, std::string* out) {
  if (bytes) *out += 'b';
  *out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80)) {
          AppendHexByte(c, out);
        } else {
          *out += ch;
        }
    }
  }
  *out += '"';
}

void AppendDouble(double d, std::string* out) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof(buf), d);
  const std::string_view s(buf, static_cast<size_t>(result.ptr - buf));
  *out += s;
  if (s.find_first_of(".eni") == std::string_view::npos) *out += ".0";
}

bool IsPlainIdent(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(letter || (digit && i > 0))) return false;
  }
  return true;
}

class Dumper {
 public:
  explicit Dumper(const Ast& ast) : ast_(ast) {}

  void Dump(ExprId id, int depth, std::string* out) {
    if (id == kNoExpr || id >= ast_.nodes.size()) {
      *out += "<none>";
      return;
    }
    if (depth > kMaxDumpDepth) {
      *out += "...";
      return;
    }
    const Node& n = ast_.node(id);
    switch (n.kind) {
      case ExprKind::kConst:
        DumpConst(n.constant, out);
        return;
      case ExprKind::kIdent:
        *out += n.name;
        return;
      case ExprKind::kSelect:
        if (n.test_only) *out += "has(";
        Dump(n.target, depth + 1, out);
        *out += '.';
        if (IsPlainIdent(n.name)) {
          *out += n.name;
        } else {
          *out += '`' + n.name + '`';
        }
        if (n.test_only) *out += ')';
        return;
      case ExprKind::kCall:
        if (n.target != kNoExpr) {
          Dump(n.target, depth + 1, out);
          *out += '.';
        }
        *out += n.name;
        *out += '(';
        List(n.args, depth, out);
        *out += ')';
        return;
      case ExprKind::kList:
        *out += '[';
        List(n.args, depth, out);
        *out += ']';
        return;
      case ExprKind::kMap:
        *out += '{';
        for (size_t i = 0; i < n.args.size(); ++i) {
          if (i > 0) *out += i % 2 == 0 ? ", " : ": ";
          Dump(n.args[i], depth + 1, out);
        }
        *out += '}';
        return;
      case ExprKind::kComprehension:
        *out += "__comprehension__(";
        *out += n.iter_var;
        *out += ", ";
        Dump(n.iter_range, depth + 1, out);
        *out += ", ";
        *out += n.accu_var;
        for (ExprId part :
             {n.accu_init, n.loop_condition, n.loop_step, n.result}) {
          *out += ", ";
          Dump(part, depth + 1, out);
        }
        *out += ')';
        return;
    }
  }

 private:
  void List(const std::vector<ExprId>& ids, int depth, std::string* out) {
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) *out += ", ";
      Dump(ids[i], depth + 1, out);
    }
  }

  static void DumpConst(const Constant& c, std::string* out) {
    std::visit(
        [out](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, NullConst>) {
            *out += "null";
          } else if constexpr (std::is_same_v<T, bool>) {
            *out += v ? "true" : "false";
          } else if constexpr (std::is_same_v<T, int64_t>) {
            *out += std::to_string(v);
          } else if constexpr (std::is_same_v<T, uint64_t>) {
            *out += std::to_string(v);
            *out += 'u';
          } else if constexpr (std::is_same_v<T, double>) {
            AppendDouble(v, out);
          } else if constexpr (std::is_same_v<T, std::string>) {
            AppendQuoted(v, false, out);
          } else {
            AppendQuoted(v.data, true, out);
          }
        },
        c);
  }

  const Ast& ast_;
};

}  // namespace

std::string DumpExpr(const Ast& ast, ExprId id) {
  std::string out;
  Dumper(ast).Dump(id, 0, &out);
  return out;
}

}  // namespace zhucun::internal
