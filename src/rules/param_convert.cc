// Parameter values written as YAML, converted to typed values
// (src/rules/param_convert.h).

#include "rules/param_convert.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "source/quote.h"
#include "source/utf8.h"
#include "zhucun/date.h"
#include "zhucun/decimal.h"

namespace zhucun::internal {

namespace {

// A parameter's text is small; a caller's nesting is bounded as a file's.
const YamlFileKind kParamText{"param", "parameter value", "the parameter value",
                              size_t{1} << 20, 64};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int64_t> ParseInt(std::string_view s) {
  const std::string_view digits = s.starts_with('-') ? s.substr(1) : s;
  if (!AllDigits(digits)) return std::nullopt;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<uint64_t> ParseUint(std::string_view s) {
  if (s.ends_with('u') || s.ends_with('U')) s.remove_suffix(1);
  if (!AllDigits(s)) return std::nullopt;
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`, finite.
std::optional<double> ParseDouble(std::string_view s) {
  size_t i = s.starts_with('-') ? 1 : 0;
  const auto digits = [&] {
    const size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (!digits()) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// A scalar's text as a value of a scalar type.
std::optional<Value> ScalarValue(const std::string& s, const Type& t) {
  switch (t.kind()) {
    case TypeKind::kInt:
      if (auto v = ParseInt(s)) return Value::Int(*v);
      break;
    case TypeKind::kUint:
      if (auto v = ParseUint(s)) return Value::Uint(*v);
      break;
    case TypeKind::kDouble:
      if (auto v = ParseDouble(s)) return Value::Double(*v);
      break;
    case TypeKind::kDecimal:
      // Exact: from the text as written, never through a double.
      if (auto v = Decimal::Parse(s)) return Value::FromDecimal(*v);
      break;
    case TypeKind::kString:
      return Value::String(s);
    case TypeKind::kBool:
      if (s == "true") return Value::Bool(true);
      if (s == "false") return Value::Bool(false);
      break;
    case TypeKind::kDate:
      if (auto v = Date::Parse(s)) return Value::FromDate(*v);
      break;
    case TypeKind::kPeriod:
      if (auto v = Period::Parse(s)) return Value::FromPeriod(*v);
      break;
    default:
      break;
  }
  return std::nullopt;
}

// Why a scalar is not a value of the type, when more can be said than its
// form: "the number is too large", a did-you-mean for a bool.
std::string ScalarHelp(std::string_view s, const Type& t) {
  const bool negative = s.starts_with('-');
  const std::string_view digits = negative ? s.substr(1) : s;
  if ((t.kind() == TypeKind::kInt || t.kind() == TypeKind::kDecimal ||
       (t.kind() == TypeKind::kUint && !negative)) &&
      AllDigits(digits)) {
    return "the number is too large";
  }
  if (const size_t point = digits.find('.');
      t.kind() == TypeKind::kDecimal && point != std::string_view::npos &&
      AllDigits(digits.substr(0, point)) &&
      AllDigits(digits.substr(point + 1))) {
    return digits.size() - point - 1 > 18
               ? "a decimal has at most 18 digits after the point"
               : "the number is too large";
  }
  if (t.kind() == TypeKind::kBool) return DidYouMean(s, {"true", "false"});
  return {};
}

class Converter {
 public:
  Converter(YamlChecker& c, const std::string& code, const std::string& whole)
      : c_(c), code_(code), whole_(whole) {}

  // `n` (described by `where`) as a value of type `t`.
  bool Convert(const YamlNode& n, const Type& t, const std::string& where,
               Value* out) {
    if (n.kind == YamlNode::Kind::kAlias) return false;  // already reported
    const auto bad = [&](std::string help = {}) {
      c_.Error(code_,
               "expected " + ParamForm(t) + " for " + where + ", found " +
                   Describe(n),
               n, std::move(help));
      return false;
    };
    if (t.kind() == TypeKind::kList) {
      if (n.kind != YamlNode::Kind::kList) return bad();
      return List(n, t, out);
    }
    if (t.kind() == TypeKind::kMap) {
      if (n.kind != YamlNode::Kind::kMap) return bad();
      return Map(n, t, out);
    }
    if (n.kind != YamlNode::Kind::kScalar) return bad();
    std::optional<Value> v = ScalarValue(n.value, t);
    if (!v) return bad(ScalarHelp(n.value, t));
    *out = std::move(*v);
    return true;
  }

 private:
  bool List(const YamlNode& n, const Type& t, Value* out) {
    ValueList items;
    bool good = true;
    for (const YamlNode& item : n.items) {
      Value v;
      if (Convert(item, t.elem(), "an item of " + whole_, &v)) {
        items.push_back(std::move(v));
      } else {
        good = false;
      }
    }
    if (good) *out = Value::List(std::move(items));
    return good;
  }

  bool Map(const YamlNode& n, const Type& t, Value* out) {
    ValueMap map;
    bool good = true;
    std::unordered_map<std::string, const YamlNode*> seen;
    for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
      const YamlNode& k = n.items[i];
      const YamlNode& v = n.items[i + 1];
      Value key;
      Value value;
      if (!Convert(k, t.key(), "a key of " + whole_, &key)) {
        good = false;
        continue;
      }
      const std::string duplicate = "duplicate key " + Shown(k) + " in " + whole_;
      const auto [it, inserted] = seen.emplace(k.value, &k);
      if (!inserted) {
        c_.Error(code_, duplicate, k, "the key is first given " + Where(*it->second, k));
        good = false;
        continue;
      }
      if (v.kind == YamlNode::Kind::kNull) {
        c_.Error(code_,
                 "expected " + ParamForm(t.value()) + " for the value of " +
                     Shown(k) + " in " + whole_ + ", found nothing",
                 k);
        good = false;
        continue;
      }
      if (!Convert(v, t.value(), "the value of " + Shown(k) + " in " + whole_,
                   &value)) {
        good = false;
        continue;
      }
      // Keys written differently may be the same value (`1` and `01`).
      if (!map.Insert(std::move(key), std::move(value))) {
        c_.Error(code_, duplicate, k);
        good = false;
      }
    }
    if (good) *out = Value::Map(std::move(map));
    return good;
  }

  // "on line 4"; "at column 9" when `first` is on the line of `at` (a
  // value given on one line, as `--param` values are).
  std::string Where(const YamlNode& first, const YamlNode& at) const {
    const uint32_t line = c_.Line(first);
    if (line != c_.Line(at)) return "on line " + std::to_string(line);
    const std::string_view text = c_.text();
    size_t pos = std::min<size_t>(first.begin, text.size());
    while (pos > 0 && text[pos - 1] != '\n' && text[pos - 1] != '\r') --pos;
    uint32_t column = 1;
    while (pos < first.begin) {
      char32_t cp;
      const size_t len = DecodeUtf8(text, pos, &cp);
      pos += len == 0 ? 1 : len;
      ++column;
    }
    return "at column " + std::to_string(column);
  }

  YamlChecker& c_;
  const std::string& code_;
  const std::string& whole_;
};

// Whether a scalar written as it is (plain) reads back as the same text in
// flow YAML: words, numbers, dates, periods and texts of them with single
// spaces, in any script; no indicator, quote, `:` or `#`, no null.
bool PlainSafe(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return false;
  }
  if (s.starts_with("---") || s.starts_with("...")) return false;
  if (s.front() == ' ' || s.back() == ' ') return false;
  // Line and paragraph separators, NEL and the byte-order mark.
  for (const std::string_view special :
       {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xEF\xBB\xBF"}) {
    if (s.find(special) != std::string_view::npos) return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                      c == '/' || c >= 0x80;
    if (word) continue;
    if (c == '-' || c == '+') {
      // `- x` and a lone `-` are not scalars.
      if (i == 0 && (s.size() == 1 || s[1] == ' ')) return false;
      continue;
    }
    if (c == ' ' && i > 0 && s[i - 1] != ' ') continue;
    return false;
  }
  return true;
}

void AppendQuoted(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  *out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::string_view rest = s.substr(i);
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += static_cast<char>(c);
    } else if (c == '\n') {
      *out += "\\n";
    } else if (c == '\t') {
      *out += "\\t";
    } else if (c == '\r') {
      *out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      *out += "\\x";
      *out += kHex[c >> 4];
      *out += kHex[c & 0xF];
    } else if (rest.starts_with("\xC2\x85")) {
      *out += "\\u0085";
      i += 1;
    } else if (rest.starts_with("\xE2\x80\xA8")) {
      *out += "\\u2028";
      i += 2;
    } else if (rest.starts_with("\xE2\x80\xA9")) {
      *out += "\\u2029";
      i += 2;
    } else if (rest.starts_with("\xEF\xBB\xBF")) {
      *out += "\\uFEFF";
      i += 2;
    } else {
      *out += static_cast<char>(c);
    }
  }
  *out += '"';
}

void AppendFlow(const YamlNode& n, std::string* out) {
  switch (n.kind) {
    case YamlNode::Kind::kScalar:
      if (PlainSafe(n.value)) {
        *out += n.value;
      } else {
        AppendQuoted(n.value, out);
      }
      return;
    case YamlNode::Kind::kList:
      *out += '[';
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i > 0) *out += ", ";
        AppendFlow(n.items[i], out);
      }
      *out += ']';
      return;
    case YamlNode::Kind::kMap:
      *out += '{';
      for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
        if (i > 0) *out += ", ";
        AppendFlow(n.items[i], out);
        *out += ": ";
        AppendFlow(n.items[i + 1], out);
      }
      *out += '}';
      return;
    case YamlNode::Kind::kNull:
    case YamlNode::Kind::kAlias:
      *out += "null";
      return;
  }
}

}  // namespace

bool SupportedParamType(const Type& t) {
  switch (t.kind()) {
    case TypeKind::kInt:
    case TypeKind::kUint:
    case TypeKind::kDouble:
    case TypeKind::kDecimal:
    case TypeKind::kString:
    case TypeKind::kBool:
    case TypeKind::kDate:
    case TypeKind::kPeriod:
      return true;
    case TypeKind::kList:
      return SupportedParamType(t.elem());
    case TypeKind::kMap: {
      const TypeKind k = t.key().kind();
      return (k == TypeKind::kString || k == TypeKind::kInt ||
              k == TypeKind::kUint || k == TypeKind::kBool) &&
             SupportedParamType(t.value());
    }
    default:
      return false;
  }
}

std::string ParamForm(const Type& t) {
  switch (t.kind()) {
    case TypeKind::kInt:
      return "an integer such as `15`";
    case TypeKind::kUint:
      return "an unsigned integer such as `15`";
    case TypeKind::kDouble:
      return "a number such as `0.5`";
    case TypeKind::kDecimal:
      return "a decimal number such as `0.25`";
    case TypeKind::kString:
      return "a text";
    case TypeKind::kBool:
      return "`true` or `false`";
    case TypeKind::kDate:
      return "a date such as `2021-06-01`";
    case TypeKind::kPeriod:
      return "a period such as `2023`, `2023-H1`, `2023-Q3` or `2023-07`";
    case TypeKind::kList:
      return "a list such as `[a, b]`";
    case TypeKind::kMap:
      return "a map such as `{a: b}`";
    default:
      return "a value";
  }
}

bool ConvertParamValue(YamlChecker& c, const std::string& code,
                       const YamlNode& n, const Type& t,
                       const std::string& whole, Value* out) {
  Converter converter(c, code, whole);
  return converter.Convert(n, t, whole, out);
}

bool ReadParamText(std::string_view text, const std::string& file_name,
                   SourceManager& sources, const std::string& code,
                   FileId* file, YamlNode* value, Diagnostics* diags) {
  *file = sources.Add(file_name, std::string(text));
  Diagnostics yaml;
  YamlTree tree = ParseYamlTree(*file, sources, kParamText, &yaml);
  for (Diagnostic d : yaml.items()) {
    d.code = code;
    diags->Add(std::move(d));
  }
  if (!tree.parsed || yaml.has_errors()) return false;
  if (tree.has_root) {
    *value = std::move(tree.root);
  } else {
    *value = YamlNode();  // an empty document: nothing
  }
  return true;
}

std::string FlowYaml(const YamlNode& n) {
  std::string out;
  AppendFlow(n, &out);
  return out;
}

}  // namespace zhucun::internal
