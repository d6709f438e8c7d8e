// The JSON Schemas of the pack files and the key reference of docs/rules.md
// (include/zhucun/pack_format.h), written from the pack format's tables
// (facts/format.h) and the domain kinds' argument tables (rules/kinds.cc).
//
// The schemas are Draft 7, which the YAML language server supports fully:
// one file per kind of pack file, each with its maps in `definitions`. A
// map is closed (`additionalProperties: false`), so a misspelled key is
// marked. A rule's keys depend on its kind: the rule's schema lists the
// general keys, and one `if`/`then` per kind closes the map over the
// general keys that kind takes and its own arguments, with its required
// ones. Scalars the loader reads as text (a title, an expression) may be
// any YAML scalar, as `version: 1` or `when: true` are.

#include <cstddef>
#include <string>
#include <span>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "facts/format.h"
#include "rules/kinds_expander.h"
#include "zhucun/pack_format.h"

namespace zhucun {

namespace {

namespace format = internal::format;
using format::Key;
using format::Need;
using format::Shape;
using format::Table;
using internal::kinds::ArgDef;
using internal::kinds::ArgForm;
using internal::kinds::KindDef;

// ---------------------------------------------------------------------------
// A JSON value, with its object keys in the order given.

struct Json {
  using Object = std::vector<std::pair<std::string, Json>>;
  using Array = std::vector<Json>;
  std::variant<std::nullptr_t, bool, long long, std::string, Array, Object> v;

  Json() : v(Object{}) {}
  Json(bool b) : v(b) {}                      // NOLINT: implicit by design
  Json(int i) : v(static_cast<long long>(i)) {}  // NOLINT
  Json(const char* s) : v(std::string(s)) {}  // NOLINT
  Json(std::string s) : v(std::move(s)) {}    // NOLINT
  Json(std::string_view s) : v(std::string(s)) {}  // NOLINT
  Json(Array a) : v(std::move(a)) {}          // NOLINT

  // Sets a key of an object (appended).
  Json& Set(std::string key, Json value) {
    std::get<Object>(v).emplace_back(std::move(key), std::move(value));
    return *this;
  }
  bool empty_object() const {
    const Object* o = std::get_if<Object>(&v);
    return o != nullptr && o->empty();
  }
};

void Escape(std::string_view s, std::string* out) {
  *out += '"';
  for (const char c : s) {
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
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          *out += "\\u00";
          *out += kHex[(c >> 4) & 0xf];
          *out += kHex[c & 0xf];
        } else {
          *out += c;  // UTF-8 as it is
        }
    }
  }
  *out += '"';
}

// Two spaces an indent; an array of scalars on one line.
void Dump(const Json& j, int indent, std::string* out) {
  const std::string pad(static_cast<size_t>(indent) * 2, ' ');
  const std::string inner(static_cast<size_t>(indent + 1) * 2, ' ');
  if (std::holds_alternative<std::nullptr_t>(j.v)) {
    *out += "null";
  } else if (const bool* b = std::get_if<bool>(&j.v)) {
    *out += *b ? "true" : "false";
  } else if (const long long* i = std::get_if<long long>(&j.v)) {
    *out += std::to_string(*i);
  } else if (const std::string* s = std::get_if<std::string>(&j.v)) {
    Escape(*s, out);
  } else if (const Json::Array* a = std::get_if<Json::Array>(&j.v)) {
    bool flat = true;
    for (const Json& x : *a) {
      flat = flat && !std::holds_alternative<Json::Array>(x.v) &&
             !std::holds_alternative<Json::Object>(x.v);
    }
    if (a->empty()) {
      *out += "[]";
    } else if (flat) {
      *out += '[';
      for (size_t k = 0; k < a->size(); ++k) {
        if (k > 0) *out += ", ";
        Dump((*a)[k], 0, out);
      }
      *out += ']';
    } else {
      *out += "[\n";
      for (size_t k = 0; k < a->size(); ++k) {
        *out += inner;
        Dump((*a)[k], indent + 1, out);
        *out += k + 1 < a->size() ? ",\n" : "\n";
      }
      *out += pad + "]";
    }
  } else {
    const Json::Object& o = std::get<Json::Object>(j.v);
    if (o.empty()) {
      *out += "{}";
      return;
    }
    *out += "{\n";
    for (size_t k = 0; k < o.size(); ++k) {
      *out += inner;
      Escape(o[k].first, out);
      *out += ": ";
      Dump(o[k].second, indent + 1, out);
      *out += k + 1 < o.size() ? ",\n" : "\n";
    }
    *out += pad + "}";
  }
}

// ---------------------------------------------------------------------------
// Schemas of values.

const char kNamePattern[] = "^[A-Za-z_][A-Za-z0-9_]*$";

Json Strings(std::span<const std::string_view> values) {
  Json::Array a;
  for (std::string_view s : values) a.emplace_back(s);
  return a;
}

// Any YAML scalar: the loader reads it as text.
Json Scalar() {
  return Json().Set("type", Json::Array{"string", "number", "boolean"});
}
Json Name() { return Json().Set("type", "string").Set("pattern", kNamePattern); }
Json AnyOf(Json::Array options) { return Json().Set("anyOf", std::move(options)); }
Json ListOf(Json item) { return Json().Set("type", "array").Set("items", std::move(item)); }
Json Ref(std::string_view id) { return Json().Set("$ref", "#/definitions/" + std::string(id)); }

Json Value(const Key& key) {
  switch (key.shape) {
    case Shape::kText:
    case Shape::kExpr:
    case Shape::kTemplate:
      return Scalar();
    case Shape::kName:
      return Name();
    case Shape::kRuleId:
      return Json().Set("type", "string").Set("pattern", "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$");
    case Shape::kDate:
      return Json().Set("type", "string").Set("pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
    case Shape::kBool:
      return Json().Set("type", "boolean");
    case Shape::kScale:
      return Json().Set("type", "integer").Set("minimum", 0).Set("maximum", 18);
    case Shape::kPeriodLabel:
      return Json()
          .Set("type", Json::Array{"string", "integer"})
          .Set("pattern", "^[0-9]{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?$");
    case Shape::kEnum:
      return Json().Set("enum", Strings(key.values));
    case Shape::kTypeName: {
      std::string scalars;
      for (std::string_view t : format::kParamTypeNames) {
        if (t == "list" || t == "map") continue;
        scalars += (scalars.empty() ? "" : "|") + std::string(t);
      }
      return Json().Set("type", "string").Set(
          "pattern", "^\\s*(" + scalars + "|list\\s*\\(.+\\)|map\\s*\\(.+)\\s*$");
    }
    case Shape::kAny:
      return Json().Set("type", Json::Array{"string", "number", "boolean", "array", "object"});
    case Shape::kLanguages: {
      Json langs = Json().Set("type", "object");
      Json props;
      for (std::string_view lang : format::kLanguageNames) props.Set(std::string(lang), Scalar());
      langs.Set("properties", std::move(props))
          .Set("additionalProperties", false)
          .Set("minProperties", 1);
      return AnyOf({Scalar(), std::move(langs)});
    }
    case Shape::kPaths:
      return AnyOf({Scalar(), ListOf(Scalar())});
    case Shape::kTexts:
      return ListOf(Scalar()).Set("minItems", 1);
    case Shape::kNames:
      return AnyOf({Name(), ListOf(Name())});
    case Shape::kNameSets:
      return ListOf(ListOf(Scalar()).Set("minItems", 1));
    case Shape::kObject:
      return Json().Set("allOf", Json::Array{Ref(key.table->id)});
    case Shape::kObjects:
      return ListOf(Ref(key.table->id));
    case Shape::kNamedObjects:
      return Json()
          .Set("type", "object")
          .Set("propertyNames", Json().Set("pattern", kNamePattern))
          .Set("additionalProperties", Ref(key.table->id));
    case Shape::kSubject:
      return AnyOf({Name(), Ref(key.table->id)});
    case Shape::kExprMap:
      return Json()
          .Set("type", "object")
          .Set("propertyNames", Json().Set("pattern", kNamePattern))
          .Set("additionalProperties", Scalar());
    case Shape::kFunctions:
      return Json()
          .Set("type", "object")
          .Set("propertyNames",
               Json().Set("pattern",
                          "^\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\(\\s*([A-Za-z_][A-Za-z0-9_]*\\s*"
                          "(,\\s*[A-Za-z_][A-Za-z0-9_]*\\s*)*)?\\)\\s*$"))
          .Set("additionalProperties", Scalar());
    case Shape::kValueMap:
      return Json().Set("type", "object").Set("additionalProperties", Value(Key{"", Shape::kAny, Need::kOptional, "", ""}));
    case Shape::kCsvMap:
      return Json()
          .Set("type", "object")
          .Set("propertyNames", Json().Set("pattern", kNamePattern))
          .Set("additionalProperties", Json().Set("type", "string"));
    case Shape::kLabels: {
      Json props;
      for (std::string_view lang : format::kLanguageNames) {
        props.Set(std::string(lang),
                  Json().Set("type", "object").Set("additionalProperties", Scalar()));
      }
      return Json()
          .Set("type", "object")
          .Set("properties", std::move(props))
          .Set("additionalProperties", false);
    }
  }
  return Json();
}

Json ArgValue(ArgForm form) {
  switch (form) {
    case ArgForm::kExpr:
    case ArgForm::kWord:
      return Scalar();
    case ArgForm::kName:
      return Name();
    case ArgForm::kList:
      return AnyOf({Scalar(), ListOf(Scalar())});
    case ArgForm::kMap:
      return AnyOf({Scalar(), Json().Set("type", "object").Set("additionalProperties", Scalar())});
    case ArgForm::kNames:
      return AnyOf({Name(), ListOf(Name())});
    case ArgForm::kExprMap:
      return Json()
          .Set("type", "object")
          .Set("minProperties", 1)
          .Set("propertyNames", Json().Set("pattern", kNamePattern))
          .Set("additionalProperties", Scalar());
  }
  return Json();
}

// A value's schema with its documentation.
Json Documented(Json value, std::string_view doc, std::string_view doc_zh) {
  Json out = Json().Set("description", doc);
  out.Set("markdownDescription", std::string(doc) + "\n\n" + std::string(doc_zh));
  for (auto& [k, v] : std::get<Json::Object>(value.v)) out.Set(k, std::move(v));
  return out;
}

Json RequiredOneOf(std::span<const std::string_view> keys) {
  Json::Array options;
  for (std::string_view k : keys) options.push_back(Json().Set("required", Json::Array{k}));
  return options;
}

// The rule's general keys a kind takes, and whether each is required there.
bool TakesKey(const Key& key, bool findings) {
  return findings || (key.need != Need::kRequiredForFindings && key.need != Need::kOnlyForFindings);
}
bool RequiredIn(const Key& key, bool check, bool findings) {
  return key.need == Need::kRequired || (key.need == Need::kRequiredInCheck && check) ||
         (key.need == Need::kRequiredForFindings && findings);
}

// One `if`/`then` of the rule: the kind `name` (nullptr: `check` or no
// kind) closes the map over its keys.
Json KindBranch(const KindDef* kind) {
  const bool findings = kind == nullptr || kind->findings;
  Json props;
  Json::Array required;
  for (const Key& key : format::kRule.keys) {
    if (!TakesKey(key, findings)) continue;
    props.Set(std::string(key.name), true);
    if (RequiredIn(key, kind == nullptr, findings)) required.emplace_back(key.name);
  }
  Json then;
  if (kind != nullptr) {
    for (const ArgDef& a : kind->args) {
      props.Set(a.name, Documented(ArgValue(a.form), a.doc, a.doc_zh));
      if (a.required != nullptr) required.emplace_back(a.name);
    }
  }
  then.Set("properties", std::move(props));
  then.Set("required", std::move(required));
  then.Set("additionalProperties", false);
  Json::Array any_of;
  if (kind != nullptr && kind->period != nullptr) {
    any_of.push_back(Json().Set("required", Json::Array{"period"}));
    any_of.push_back(Json().Set("required", Json::Array{"periods"}));
    then.Set("anyOf", std::move(any_of));
  } else if (kind != nullptr && !kind->at_least_one.empty()) {
    for (const std::string& a : kind->at_least_one) {
      any_of.push_back(Json().Set("required", Json::Array{a}));
    }
    then.Set("anyOf", std::move(any_of));
  }
  Json cond = Json().Set(
      "properties",
      Json().Set("kind", Json().Set("const", kind == nullptr ? "check" : kind->name)));
  if (kind != nullptr) cond.Set("required", Json::Array{"kind"});
  return Json().Set("if", std::move(cond)).Set("then", std::move(then));
}

Json TableSchema(const Table& table) {
  const bool rule = &table == &format::kRule;
  Json t = Json().Set("type", "object").Set("description", table.doc);
  Json props;
  Json::Array required;
  for (const Key& key : table.keys) {
    props.Set(std::string(key.name), Documented(Value(key), key.doc, key.doc_zh));
    if (key.need == Need::kRequired) required.emplace_back(key.name);
  }
  t.Set("properties", std::move(props));
  // In a flow map, YAML ends a plain scalar at a comma: `{type: map(string,
  // int)}` is `type: map(string` and a key `int)` without a value, which the
  // loader joins back (pack_params.cc).
  for (const Key& key : table.keys) {
    if (key.shape != Shape::kTypeName) continue;
    t.Set("patternProperties",
          Json().Set("^[^()]*\\)\\s*$",
                     Json()
                         .Set("description", "the rest of a `map(K, V)` type that YAML cut at "
                                             "the comma of a flow map; the loader joins it back")
                         .Set("type", "null")));
  }
  if (!required.empty()) t.Set("required", std::move(required));
  if (rule) {
    // Closed by the kind's branch (an unknown kind is marked at `kind`).
    Json::Array branches;
    branches.push_back(KindBranch(nullptr));
    for (const KindDef& k : internal::kinds::Kinds()) branches.push_back(KindBranch(&k));
    t.Set("allOf", std::move(branches));
  } else {
    t.Set("additionalProperties", false);
  }
  if (!table.at_least_one.empty()) {
    t.Set(table.exactly_one ? "oneOf" : "anyOf", RequiredOneOf(table.at_least_one));
  }
  return t;
}

// The tables reachable from `root` (but root), depth first, once each.
void Reachable(const Table& table, std::vector<const Table*>* out) {
  for (const Key& key : table.keys) {
    if (key.table == nullptr) continue;
    bool seen = false;
    for (const Table* t : *out) seen = seen || t == key.table;
    if (seen) continue;
    out->push_back(key.table);
    Reachable(*key.table, out);
  }
}

std::string FileSchema(const format::FileKind& kind) {
  Json root = Json()
                  .Set("$schema", "http://json-schema.org/draft-07/schema#")
                  .Set("$comment",
                       "Generated by `zhucun schema` from src/facts/format.h and src/rules/kinds.cc; "
                       "do not edit.")
                  .Set("title", "zhucun: " + std::string(kind.title));
  Json body = TableSchema(*kind.root);
  for (auto& [k, v] : std::get<Json::Object>(body.v)) root.Set(k, std::move(v));
  std::vector<const Table*> tables;
  Reachable(*kind.root, &tables);
  if (!tables.empty()) {
    Json defs;
    for (const Table* t : tables) defs.Set(std::string(t->id), TableSchema(*t));
    root.Set("definitions", std::move(defs));
  }
  std::string out;
  Dump(root, 0, &out);
  return out + "\n";
}

// ---------------------------------------------------------------------------
// The key reference (Markdown).

const char* ShapeText(Shape s) {
  switch (s) {
    case Shape::kText:
      return "text";
    case Shape::kName:
      return "name";
    case Shape::kRuleId:
      return "rule id";
    case Shape::kExpr:
      return "expression";
    case Shape::kTemplate:
      return "message";
    case Shape::kDate:
      return "date";
    case Shape::kBool:
      return "`true` or `false`";
    case Shape::kScale:
      return "0 to 18";
    case Shape::kPeriodLabel:
      return "period";
    case Shape::kEnum:
      return "one of";
    case Shape::kTypeName:
      return "type";
    case Shape::kAny:
      return "value";
    case Shape::kLanguages:
      return "text, or map of language to text";
    case Shape::kLabels:
      return "map of language to a map of codes to labels";
    case Shape::kPaths:
      return "path or list of paths";
    case Shape::kTexts:
      return "list of texts";
    case Shape::kNames:
      return "name or list of names";
    case Shape::kNameSets:
      return "list of lists of names";
    case Shape::kObject:
      return "map";
    case Shape::kObjects:
      return "list of maps";
    case Shape::kNamedObjects:
      return "map of names to maps";
    case Shape::kSubject:
      return "table name, or map";
    case Shape::kExprMap:
      return "map of names to expressions";
    case Shape::kFunctions:
      return "map of `name(a, b)` to expressions";
    case Shape::kValueMap:
      return "map of names to values";
    case Shape::kCsvMap:
      return "map of tables to CSV text";
  }
  return "";
}

const char* ArgFormText(ArgForm f) {
  switch (f) {
    case ArgForm::kExpr:
      return "expression";
    case ArgForm::kList:
      return "list or expression";
    case ArgForm::kMap:
      return "map or expression";
    case ArgForm::kWord:
      return "word";
    case ArgForm::kName:
      return "name";
    case ArgForm::kNames:
      return "name or list of names";
    case ArgForm::kExprMap:
      return "map of names to expressions";
  }
  return "";
}

std::string Cell(std::string_view s) {
  std::string out;
  for (const char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string ValueText(const Key& key) {
  std::string v = ShapeText(key.shape);
  if (key.shape == Shape::kEnum) {
    v = "";
    for (std::string_view x : key.values) v += (v.empty() ? "`" : ", `") + std::string(x) + "`";
  }
  if (key.table != nullptr) v += " (" + std::string(key.table->what) + ")";
  return v;
}

const char* NeedText(Need n) {
  switch (n) {
    case Need::kOptional:
      return "";
    case Need::kRequired:
      return "yes";
    case Need::kRequiredInCheck:
      return "in `check`";
    case Need::kRequiredForFindings:
      return "yes, but not in `weighted_score`";
    case Need::kOnlyForFindings:
      return "not in `weighted_score`";
  }
  return "";
}

void KeyTable(const Table& table, std::string* out) {
  *out += "| key | value | required | meaning |\n|---|---|---|---|\n";
  for (const Key& key : table.keys) {
    *out += "| `" + std::string(key.name) + "` | " + Cell(ValueText(key)) + " | " +
            NeedText(key.need) + " | " + Cell(key.doc) + " |\n";
  }
  if (!table.at_least_one.empty()) {
    std::string keys;
    for (size_t i = 0; i < table.at_least_one.size(); ++i) {
      keys += std::string(i == 0 ? "" : i + 1 == table.at_least_one.size() ? " or " : ", ") +
              "`" + std::string(table.at_least_one[i]) + "`";
    }
    *out += "\n" + std::string(table.exactly_one ? "Exactly one of " : "At least one of ") + keys +
            ".\n";
  }
}

}  // namespace

std::vector<PackSchemaFile> PackSchemas() {
  std::vector<PackSchemaFile> files;
  for (const format::FileKind& kind : format::kFileKinds) {
    files.push_back({std::string(kind.id) + ".schema.json", std::string(kind.title),
                     FileSchema(kind)});
  }
  return files;
}

std::string PackKeyReference() {
  std::string out =
      "<!-- Generated by `zhucun schema --docs docs/rules.md` from src/facts/format.h and\n"
      "     src/rules/kinds.cc; edit those, not this. -->\n";
  for (const format::FileKind& kind : format::kFileKinds) {
    std::vector<const Table*> tables = {kind.root};
    Reachable(*kind.root, &tables);
    out += "\n### " + std::string(kind.title) + " (`schemas/" + std::string(kind.id) +
           ".schema.json`)\n";
    for (const Table* t : tables) {
      out += "\n**" + std::string(t->what) + "**: " + std::string(t->doc) + ".\n\n";
      KeyTable(*t, &out);
    }
  }
  out += "\n### The arguments of the domain kinds\n";
  for (const KindDef& k : internal::kinds::Kinds()) {
    out += "\n**`" + std::string(k.name) + "`**: " + k.doc + ".";
    if (k.period != nullptr) out += " Needs `period` or `periods`.";
    if (!k.findings) {
      out += " Gives no findings: no `severity`, `period`, `periods`, `let`, `when` or `message`.";
    }
    out += "\n\n| argument | value | required | meaning |\n|---|---|---|---|\n";
    for (const ArgDef& a : k.args) {
      out += "| `" + std::string(a.name) + "` | " + ArgFormText(a.form) + " | " +
             (a.required != nullptr ? "yes" : "") + " | " + Cell(a.doc) + " |\n";
    }
    if (!k.at_least_one.empty()) {
      std::string keys;
      for (size_t i = 0; i < k.at_least_one.size(); ++i) {
        keys += std::string(i == 0 ? "" : i + 1 == k.at_least_one.size() ? " or " : ", ") + "`" +
                k.at_least_one[i] + "`";
      }
      out += "\nAt least one of " + keys + ".\n";
    }
  }
  return out;
}

}  // namespace zhucun
