// The parameters of pack.yaml: their types and their defaults, converted to
// typed values (src/rules/pack_loader.h).

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
#include <vector>

#include "facts/yaml_tree.h"
#include "rules/pack.h"
#include "rules/pack_loader.h"
#include "zhucun/date.h"
#include "zhucun/decimal.h"

namespace zhucun::internal::pack_loader {

namespace {

const std::vector<std::string> kParamKeys = {"type", "default", "doc",
                                             "source"};
enum ParamKey { kParamType, kParamDefault, kParamDoc, kParamSource };

// The type names of parameters, for did-you-mean.
const std::vector<std::string> kTypeNames = {
    "int",  "uint", "double", "decimal", "string",
    "bool", "date", "period", "list",    "map"};
const char kTypesHelp[] =
    "the parameter types are `int`, `uint`, `double`, `decimal`, `string`, "
    "`bool`, `date`, `period`, `list(T)` and `map(K, V)` of those";

// Open parentheses minus closed ones.
int ParenDepth(std::string_view s) {
  int depth = 0;
  for (const char c : s) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
  return depth;
}

// In a flow map, YAML ends a plain scalar at a comma, so `{type: map(string,
// int)}` reads as `type: map(string` and a key `int)` without a value. The
// pieces are joined back into the type the clerk wrote.
YamlNode JoinSplitType(const YamlNode& map) {
  YamlNode out = map;
  out.items.clear();
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    out.items.push_back(map.items[i]);
    out.items.push_back(map.items[i + 1]);
    const YamlNode& key = map.items[i];
    YamlNode& type = out.items.back();
    if (key.kind != YamlNode::Kind::kScalar || key.value != "type" ||
        type.kind != YamlNode::Kind::kScalar || !type.plain) {
      continue;
    }
    while (ParenDepth(type.value) > 0 && i + 3 < map.items.size() &&
           map.items[i + 2].kind == YamlNode::Kind::kScalar &&
           map.items[i + 2].plain &&
           map.items[i + 3].kind == YamlNode::Kind::kNull &&
           ParenDepth(map.items[i + 2].value) < 0) {
      type.value += ", " + map.items[i + 2].value;
      type.end = map.items[i + 2].end;
      i += 2;
    }
  }
  return out;
}

// Whether a parameter may have this type.
bool SupportedType(const Type& t) {
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
      return SupportedType(t.elem());
    case TypeKind::kMap: {
      const TypeKind k = t.key().kind();
      return (k == TypeKind::kString || k == TypeKind::kInt ||
              k == TypeKind::kUint || k == TypeKind::kBool) &&
             SupportedType(t.value());
    }
    default:
      return false;
  }
}

// How a value of the type is written, for messages.
std::string Form(const Type& t) {
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
std::optional<Value> ScalarValue(const YamlNode& n, const Type& t) {
  const std::string& s = n.value;
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

}  // namespace

void FileChecker::Parameter(
    const YamlNode& key, const YamlNode& value,
    std::unordered_map<std::string, const YamlNode*>* seen, PackSpec* spec) {
  ParamSpec p;
  if (!Name(key, nullptr, "parameter", &p.name)) return;
  p.span = Span(key);
  const auto [it, inserted] = seen->emplace(p.name, &key);
  if (!inserted) {
    Error("pack.duplicate_param", "duplicate parameter " + Quote(p.name), key,
          "the parameter is first declared on line " +
              std::to_string(Line(*it->second)));
    return;
  }
  if (value.kind == YamlNode::Kind::kNull) {
    Error("pack.missing", "parameter " + Quote(p.name) + " has no `type`", key,
          "declare it as `" + p.name + ": {type: int, default: 1}`");
    return;
  }
  if (!Expect(value, YamlNode::Kind::kMap, &key, "")) return;
  const YamlNode joined = JoinSplitType(value);
  const YamlFields f = ReadFields(joined, kParamKeys, "a parameter");
  Text(f, kParamDoc, &p.doc);
  Text(f, kParamSource, &p.source);

  bool typed = false;
  if (!f.has(kParamType)) {
    if (!f.suggested[kParamType]) {
      Error("pack.missing", "parameter " + Quote(p.name) + " has no `type`",
            key, "add `type:`, e.g. `type: int` or `type: list(string)`");
    }
  } else if (Expect(*f.values[kParamType], YamlNode::Kind::kScalar,
                    f.keys[kParamType], "")) {
    const YamlNode& type = *f.values[kParamType];
    const std::optional<Type> t = Type::Parse(type.value);
    if (!t) {
      std::string help = DidYouMean(type.value, kTypeNames);
      if (help.empty()) {
        // The first word that is no type name.
        const std::string& s = type.value;
        for (size_t i = 0; i < s.size();) {
          if (!IsNameChar(s[i])) {
            ++i;
            continue;
          }
          size_t j = i;
          while (j < s.size() && IsNameChar(s[j])) ++j;
          const std::string word = s.substr(i, j - i);
          if (std::find(kTypeNames.begin(), kTypeNames.end(), word) ==
              kTypeNames.end()) {
            const std::string match = ClosestMatch(word, kTypeNames);
            if (!match.empty()) {
              help = Quote(word) + " is no type: did you mean " + Quote(match) +
                     "?";
            }
            break;
          }
          i = j;
        }
      }
      if (help.empty()) help = kTypesHelp;
      Error("pack.bad_type", "unknown type " + Shown(type), type,
            std::move(help));
    } else if (!SupportedType(*t)) {
      Error("pack.bad_type",
            "a parameter cannot have type " + Quote(t->ToString()), type,
            kTypesHelp);
    } else {
      p.type = *t;
      typed = true;
    }
  }

  if (!f.has(kParamDefault)) {
    if (!f.suggested[kParamDefault]) {
      Error("pack.missing", "parameter " + Quote(p.name) + " has no `default`",
            key, "add `default:` with the value the pack uses");
    }
    return;
  }
  const YamlNode& def = *f.values[kParamDefault];
  p.value_span =
      Span(def.kind == YamlNode::Kind::kNull ? *f.keys[kParamDefault] : def);
  if (!typed) return;
  if (def.kind == YamlNode::Kind::kNull) {
    Error("pack.bad_default",
          "expected " + Form(p.type) + " for the default of " + Quote(p.name) +
              ", found nothing",
          *f.keys[kParamDefault]);
    return;
  }
  if (!Default(def, p.type, p.name, "the default of " + Quote(p.name),
               &p.value)) {
    return;
  }
  spec->params.push_back(std::move(p));
}

// Converts a default (or a part of it, described by `where`) to type `t`.
bool FileChecker::Default(const YamlNode& n, const Type& t,
                          const std::string& param, const std::string& where,
                          Value* out) {
  if (n.kind == YamlNode::Kind::kAlias) return false;
  const auto bad = [&](std::string help = {}) {
    Error("pack.bad_default",
          "expected " + Form(t) + " for " + where + ", found " + Describe(n), n,
          std::move(help));
    return false;
  };
  if (t.kind() == TypeKind::kList) {
    if (n.kind != YamlNode::Kind::kList) return bad();
    ValueList items;
    bool good = true;
    for (const YamlNode& item : n.items) {
      Value v;
      if (Default(item, t.elem(), param,
                  "an item of the default of " + Quote(param), &v)) {
        items.push_back(std::move(v));
      } else {
        good = false;
      }
    }
    if (good) *out = Value::List(std::move(items));
    return good;
  }
  if (t.kind() == TypeKind::kMap) {
    if (n.kind != YamlNode::Kind::kMap) return bad();
    ValueMap map;
    bool good = true;
    std::unordered_map<std::string, const YamlNode*> seen;
    for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
      const YamlNode& k = n.items[i];
      const YamlNode& v = n.items[i + 1];
      Value key;
      Value value;
      if (!Default(k, t.key(), param, "a key of the default of " + Quote(param),
                   &key)) {
        good = false;
        continue;
      }
      const auto [it, inserted] = seen.emplace(k.value, &k);
      if (!inserted) {
        Error(
            "pack.bad_default",
            "duplicate key " + Shown(k) + " in the default of " + Quote(param),
            k,
            "the key is first given on line " +
                std::to_string(Line(*it->second)));
        good = false;
        continue;
      }
      if (v.kind == YamlNode::Kind::kNull) {
        Error("pack.bad_default",
              "expected " + Form(t.value()) + " for the value of " + Shown(k) +
                  " in the default of " + Quote(param) + ", found nothing",
              k);
        good = false;
        continue;
      }
      if (!Default(
              v, t.value(), param,
              "the value of " + Shown(k) + " in the default of " + Quote(param),
              &value)) {
        good = false;
        continue;
      }
      if (!map.Insert(std::move(key), std::move(value))) {
        Error(
            "pack.bad_default",
            "duplicate key " + Shown(k) + " in the default of " + Quote(param),
            k);
        good = false;
      }
    }
    if (good) *out = Value::Map(std::move(map));
    return good;
  }
  if (n.kind != YamlNode::Kind::kScalar) return bad();
  std::optional<Value> v = ScalarValue(n, t);
  if (!v) {
    std::string help;
    const std::string_view s = n.value;
    const std::string_view digits = s.starts_with('-') ? s.substr(1) : s;
    if ((t.kind() == TypeKind::kInt || t.kind() == TypeKind::kUint ||
         t.kind() == TypeKind::kDecimal) &&
        AllDigits(digits)) {
      help = "the number is too large";
    } else if (const size_t point = digits.find('.');
               t.kind() == TypeKind::kDecimal &&
               point != std::string_view::npos &&
               AllDigits(digits.substr(0, point)) &&
               AllDigits(digits.substr(point + 1))) {
      help = digits.size() - point - 1 > 18
                 ? "a decimal has at most 18 digits after the point"
                 : "the number is too large";
    } else if (t.kind() == TypeKind::kBool) {
      help = DidYouMean(s, {"true", "false"});
    }
    return bad(std::move(help));
  }
  *out = std::move(*v);
  return true;
}

}  // namespace zhucun::internal::pack_loader
