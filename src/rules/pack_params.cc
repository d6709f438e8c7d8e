// The parameters of pack.yaml: their types and their defaults, converted to
// typed values by the converter of every parameter value
// (src/rules/param_convert.h; src/rules/pack_loader.h).

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "facts/format.h"
#include "facts/yaml_tree.h"
#include "rules/pack.h"
#include "rules/pack_loader.h"
#include "rules/param_convert.h"

namespace zhucun::internal::pack_loader {

namespace {

const std::vector<std::string>& kParamKeys = format::Names(format::kParameter);
enum ParamKey : size_t {
  kParamType = format::IndexOf(format::kParameter, "type"),
  kParamDefault = format::IndexOf(format::kParameter, "default"),
  kParamDoc = format::IndexOf(format::kParameter, "doc"),
  kParamSource = format::IndexOf(format::kParameter, "source"),
  kParamHistory = format::IndexOf(format::kParameter, "history"),
};
const std::vector<std::string>& kChangeKeys = format::Names(format::kChange);
enum ChangeKey : size_t {
  kChangeFrom = format::IndexOf(format::kChange, "from"),
  kChangeValue = format::IndexOf(format::kChange, "value"),
};

// The type names of parameters, for did-you-mean.
const std::vector<std::string> kTypeNames = format::Strings(format::kParamTypeNames);
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
    } else if (!SupportedParamType(*t)) {
      Error("pack.bad_type",
            "a parameter cannot have type " + Quote(t->ToString()), type,
            kTypesHelp);
    } else {
      p.type = *t;
      typed = true;
    }
  }

  if (f.has(kParamHistory)) {
    if (f.has(kParamDefault)) {
      Error("pack.bad_history",
            "parameter " + Quote(p.name) + " has both a `default` and a `history`",
            *f.keys[kParamHistory],
            "a parameter has one value (`default:`) or values by date (`history:`), not both");
      return;
    }
    if (typed && History(p, *f.keys[kParamHistory], *f.values[kParamHistory])) {
      spec->params.push_back(std::move(p));
    }
    return;
  }
  if (!f.has(kParamDefault)) {
    if (!f.suggested[kParamDefault] && !f.suggested[kParamHistory]) {
      Error("pack.missing", "parameter " + Quote(p.name) + " has no `default`",
            key,
            "add `default:` with the value the pack uses (or `history:`, its values by "
            "date)");
    }
    return;
  }
  const YamlNode& def = *f.values[kParamDefault];
  p.value_span =
      Span(def.kind == YamlNode::Kind::kNull ? *f.keys[kParamDefault] : def);
  if (!typed) return;
  if (def.kind == YamlNode::Kind::kNull) {
    Error("pack.bad_default",
          "expected " + ParamForm(p.type) + " for the default of " +
              Quote(p.name) + ", found nothing",
          *f.keys[kParamDefault]);
    return;
  }
  if (!ConvertParamValue(*this, "pack.bad_default", def, p.type,
                         "the default of " + Quote(p.name), &p.value)) {
    return;
  }
  spec->params.push_back(std::move(p));
}

// `history: [{from: 2021-06-01, value: 1100}, {from: 2024-01-01, value:
// 1300}]`: the values in order of `from`, each in force until the next.
bool FileChecker::History(ParamSpec& p, const YamlNode& key, const YamlNode& list) {
  if (!Expect(list, YamlNode::Kind::kList, &key, "")) return false;
  if (list.items.empty()) {
    Error("pack.bad_history", "the history of " + Quote(p.name) + " is empty", key,
          "list its values by date: `history: [{from: 2021-06-01, value: 1100}]`");
    return false;
  }
  bool good = true;
  std::vector<int> lines;
  for (const YamlNode& item : list.items) {
    if (!Expect(item, YamlNode::Kind::kMap, nullptr, "a value of the history")) {
      good = false;
      continue;
    }
    const YamlFields f = ReadFields(item, kChangeKeys, "a value of the history");
    std::vector<std::pair<std::string, std::string>> missing;
    if (!f.has(kChangeFrom) && !f.suggested[kChangeFrom]) {
      missing.emplace_back("from", "add `from:`, the first day the value is in force");
    }
    if (!f.has(kChangeValue) && !f.suggested[kChangeValue]) {
      missing.emplace_back("value", "add `value:`, the parameter's value from that day");
    }
    ReportMissing(missing, "the history entry", item,
                  "an entry is `{from: 2024-01-01, value: 1300}`");
    if (!f.has(kChangeFrom) || !f.has(kChangeValue)) {
      good = false;
      continue;
    }
    ParamChange change;
    change.span = Span(item);
    Value from;
    if (!ConvertParamValue(*this, "pack.bad_history", *f.values[kChangeFrom], Type::Date(),
                           "`from` in the history of " + Quote(p.name), &from) ||
        !ConvertParamValue(*this, "pack.bad_history", *f.values[kChangeValue], p.type,
                           "a value in the history of " + Quote(p.name), &change.value)) {
      good = false;
      continue;
    }
    change.from = from.date_value();
    if (!p.history.empty() && !(p.history.back().from < change.from)) {
      const ParamChange& before = p.history.back();
      Error("pack.bad_history",
            before.from == change.from
                ? "the history of " + Quote(p.name) + " has two values from " +
                      change.from.ToString()
                : "the history of " + Quote(p.name) + " is not in order: " +
                      change.from.ToString() + " comes after " + before.from.ToString(),
            *f.values[kChangeFrom],
            "list the values by their `from`, earliest first, one per date (the other is on "
            "line " + std::to_string(lines.back()) + ")");
      good = false;
      continue;
    }
    lines.push_back(Line(item));
    p.history.push_back(std::move(change));
  }
  if (!good) return false;
  p.value = p.history.back().value;
  p.value_span = p.history.back().span;
  return true;
}

}  // namespace zhucun::internal::pack_loader
