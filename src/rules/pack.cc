// Reading a policy pack folder (src/rules/pack.h, docs/design/engine.md).
//
// pack.yaml is read first; then every file it includes, in order (a glob's
// matches sorted by name): `schema.yaml`, or any file whose top level has
// `tables`, is the schema (read by ParseSchema); any other is a rule file
// (`rules:` and `derived:`). Paths are confined to the pack folder, also
// through symbolic links. The YAML goes through the machinery shared with
// the schema loader (facts/yaml_tree.h). Every problem is collected and
// positioned; the checks that need the schema (subject tables, group_by
// columns) run once every file is read; diagnostics are ordered by file and
// position at the end.

#include "rules/pack.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "facts/yaml_tree.h"
#include "rules/kinds.h"
#include "zhucun/decimal.h"

namespace zhucun::internal {

namespace {

namespace fs = std::filesystem;

// Files larger than this are rejected before parsing.
constexpr size_t kMaxFileBytes = size_t{1} << 20;  // 1 MiB
// Collections nested deeper than this are rejected while parsing.
constexpr size_t kMaxDepth = 64;
// The most files a pack may include (rule files and tests each).
constexpr size_t kMaxFiles = 1000;

const YamlFileKind kPackFile{"pack", "pack file", "the pack file",
                             kMaxFileBytes, kMaxDepth};

const std::vector<std::string> kManifestKeys = {
    "name",     "version", "title",  "parameters",
    "functions", "includes", "tests", "summary"};
enum ManifestKey {
  kName,
  kVersion,
  kTitle,
  kParameters,
  kFunctions,
  kIncludes,
  kTests,
  kSummary
};

const std::vector<std::string> kSummaryKeys = {"by", "key"};
enum SummaryKey { kSummaryBy, kSummaryKey };

const std::vector<std::string> kParamKeys = {"type", "default", "doc",
                                             "source"};
enum ParamKey { kParamType, kParamDefault, kParamDoc, kParamSource };

const std::vector<std::string> kRuleFileKeys = {"rules", "derived"};
enum RuleFileKey { kRules, kDerived };

const std::vector<std::string> kRuleKeys = {
    "id", "title",  "severity", "source", "kind", "subject",
    "as", "period", "periods",  "let",    "when", "message"};
enum RuleKey {
  kRuleId,
  kRuleTitle,
  kRuleSeverity,
  kRuleSource,
  kRuleKind,
  kRuleSubject,
  kRuleAs,
  kRulePeriod,
  kRulePeriods,
  kRuleLet,
  kRuleWhen,
  kRuleMessage
};

const std::vector<std::string> kSubjectKeys = {"table", "group_by", "label",
                                               "as"};
enum SubjectKey { kSubjectTable, kSubjectGroupBy, kSubjectLabel, kSubjectAs };

const std::vector<std::string> kDerivedKeys = {"name", "from",    "as",
                                               "let",  "columns", "sort_by"};
enum DerivedKey {
  kDerivedName,
  kDerivedFrom,
  kDerivedAs,
  kDerivedLet,
  kDerivedColumns,
  kDerivedSortBy
};

const std::vector<std::string> kSeverities = {"error", "warning"};
const std::vector<std::string> kPeriodKinds = {"year", "half", "quarter",
                                               "month"};
// Names bound in every expression, which a row or a `let` may not take.
const std::vector<std::string> kReservedNames = {"params", "period", "as_of",
                                                 "from", "facts"};
// The type names of parameters, for did-you-mean.
const std::vector<std::string> kTypeNames = {
    "int",  "uint", "double", "decimal", "string",
    "bool", "date", "period", "list",    "map"};
const char kTypesHelp[] =
    "the parameter types are `int`, `uint`, `double`, `decimal`, `string`, "
    "`bool`, `date`, `period`, `list(T)` and `map(K, V)` of those";

std::vector<std::string> RuleKindNames() {
  return std::vector<std::string>(std::begin(kRuleKinds), std::end(kRuleKinds));
}

// `members` -> `member`, `counties` -> `county`.
std::string Singular(const std::string& table) {
  if (table.size() > 3 && table.ends_with("ies")) {
    return table.substr(0, table.size() - 3) + "y";
  }
  if (table.size() > 1 && table.ends_with("s") && !table.ends_with("ss")) {
    return table.substr(0, table.size() - 1);
  }
  return table;
}

// `area.name`: lowercase identifiers joined by dots, at least two.
bool IsRuleId(std::string_view id) {
  size_t parts = 0;
  size_t i = 0;
  while (true) {
    if (i >= id.size() || !(id[i] >= 'a' && id[i] <= 'z')) return false;
    while (i < id.size() && ((id[i] >= 'a' && id[i] <= 'z') ||
                             (id[i] >= '0' && id[i] <= '9') || id[i] == '_')) {
      ++i;
    }
    ++parts;
    if (i == id.size()) return parts >= 2;
    if (id[i] != '.') return false;
    ++i;
  }
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

bool HasWildcard(std::string_view s) {
  return s.find_first_of("*?") != std::string_view::npos;
}

// Glob matching of one path component: `*` any run, `?` one byte.
bool GlobMatch(std::string_view pattern, std::string_view name) {
  size_t p = 0;
  size_t n = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

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

// A list or map argument of a domain kind as a CEL literal.
std::string CelLiteral(const YamlNode& n) {
  switch (n.kind) {
    case YamlNode::Kind::kScalar:
      return n.value;
    case YamlNode::Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i > 0) out += ", ";
        out += CelLiteral(n.items[i]);
      }
      return out + "]";
    }
    case YamlNode::Kind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
        if (i > 0) out += ", ";
        out += CelString(n.items[i].value) + ": " + CelLiteral(n.items[i + 1]);
      }
      return out + "}";
    }
    case YamlNode::Kind::kNull:
    case YamlNode::Kind::kAlias:
      break;
  }
  return "null";
}

// ---------------------------------------------------------------------------
// Parameter types and defaults.

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

// ---------------------------------------------------------------------------
// What is kept of a rule or derived table for the checks against the schema.

struct TableUse {
  std::string table;
  SourceSpan span;
  std::string group_by;  // "" if none
  SourceSpan group_by_span;
};

// One path of `includes` or `tests` resolved to a file of the pack.
struct PackFile {
  std::string rel;      // relative to the pack folder
  std::string display;  // the pack folder joined with rel
  fs::path canonical;
};

class Loader;

// Checks one file of the pack.
class FileChecker : public YamlChecker {
 public:
  FileChecker(Loader& loader, const SourceManager& sources, FileId file)
      : YamlChecker(sources, file, "pack"), loader_(loader) {}

  // An expression (or template) written in a scalar.
  ExprText Expr(const YamlNode& n) const {
    ExprText e;
    e.text = n.value;
    e.file = file_;
    e.span = Span(n);
    if (n.kind == YamlNode::Kind::kScalar) {
      const ScalarPlace place = PlaceScalar(text(), n.begin, n.value);
      e.offset = place.value_begin;
      e.exact = place.exact;
      if (!place.exact) e.raw_end = place.end;
    } else {
      e.offset = n.begin;
    }
    return e;
  }

  // An argument of a domain kind: its key's place and its items.
  KindArgSpec KindArg(const YamlNode& key, const YamlNode& value) const {
    KindArgSpec a;
    a.key = Span(key);
    const auto item = [&](std::string name, SourceSpan name_span,
                          const YamlNode& n) {
      ExprText e;
      if (n.kind == YamlNode::Kind::kScalar) {
        e = Expr(n);
      } else {
        e.text = n.kind == YamlNode::Kind::kNull ? "" : CelLiteral(n);
        e.file = file_;
        e.offset = n.begin;
        e.span = n.kind == YamlNode::Kind::kNull ? name_span : Span(n);
      }
      const KindArgSpec::Form form =
          n.kind == YamlNode::Kind::kScalar ? KindArgSpec::Form::kScalar
          : n.kind == YamlNode::Kind::kList ? KindArgSpec::Form::kList
          : n.kind == YamlNode::Kind::kMap  ? KindArgSpec::Form::kMap
                                            : KindArgSpec::Form::kNull;
      a.items.push_back({std::move(name), name_span, form, std::move(e)});
    };
    switch (value.kind) {
      case YamlNode::Kind::kScalar:
        a.form = KindArgSpec::Form::kScalar;
        break;
      case YamlNode::Kind::kList:
        a.form = KindArgSpec::Form::kList;
        for (const YamlNode& n : value.items) item("", Span(n), n);
        break;
      case YamlNode::Kind::kMap:
        a.form = KindArgSpec::Form::kMap;
        for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
          item(value.items[i].value, Span(value.items[i]), value.items[i + 1]);
        }
        break;
      case YamlNode::Kind::kNull:
      case YamlNode::Kind::kAlias:
        break;
    }
    return a;
  }

  // The position to report a missing key at: the id or name if there is
  // one, else the map.
  static const YamlNode& Anchor(const YamlNode* named, const YamlNode& map) {
    return named != nullptr && named->kind == YamlNode::Kind::kScalar ? *named
                                                                      : map;
  }

  // A scalar value read as text.
  bool Text(const YamlFields& f, size_t i, std::string* out) {
    if (!f.has(i)) return false;
    if (!Expect(*f.values[i], YamlNode::Kind::kScalar, f.keys[i], "")) {
      return false;
    }
    *out = f.values[i]->value;
    return true;
  }

  // A scalar that must be an identifier (a name used in expressions).
  bool Name(const YamlNode& value, const YamlNode* key, const char* what,
            std::string* out, bool reserved_check = false) {
    if (!Expect(value, YamlNode::Kind::kScalar, key, what)) return false;
    if (!IsIdentifier(value.value)) {
      Error("pack.bad_name",
            std::string(what) + " " + Shown(value) + " is not a name", value,
            "names are made of ASCII letters, digits and `_`, and do not "
            "start with a digit");
      return false;
    }
    if (reserved_check &&
        std::find(kReservedNames.begin(), kReservedNames.end(), value.value) !=
            kReservedNames.end()) {
      Error("pack.bad_name",
            std::string(what) + " " + Shown(value) +
                " is a name every expression already has",
            value, "the names " + QuoteList(kReservedNames) + " are taken");
      return false;
    }
    *out = value.value;
    return true;
  }

  // Reads pack.yaml but its `includes` and `tests`, whose nodes it returns
  // (nullptr if absent).
  YamlFields Manifest(const YamlTree& tree, PackSpec* spec);
  void RuleFile(const YamlTree& tree);

  // One error for the required keys of a map that are absent.
  void ReportMissing(
      const std::vector<std::pair<std::string, std::string>>& missing,
      const std::string& label, const YamlNode& at, const char* help) {
    if (missing.empty()) return;
    if (missing.size() == 1) {
      Error("pack.missing", label + " has no " + Quote(missing[0].first), at,
            missing[0].second);
      return;
    }
    std::vector<std::string> keys;
    for (const auto& [key, unused] : missing) keys.push_back(key);
    Error("pack.missing", label + " has no " + OrList(keys), at, help);
  }

  // `let:` of a rule or derived table.
  std::vector<LetSpec> Lets(const YamlNode& value, const YamlNode& key);

 private:
  void Parameter(const YamlNode& key, const YamlNode& value,
                 std::unordered_map<std::string, const YamlNode*>* seen,
                 PackSpec* spec);
  bool Default(const YamlNode& n, const Type& t, const std::string& param,
               const std::string& where, Value* out);
  void Function(const YamlNode& key, const YamlNode& value,
                std::unordered_map<std::string, const YamlNode*>* seen,
                PackSpec* spec);
  void Rule(const YamlNode& map);
  bool Subject(const YamlNode& value, const YamlNode& key, SubjectSpec* s,
               TableUse* use, const YamlNode** as_node);
  void Derived(const YamlNode& map);
  void Summary(const YamlNode& key, const YamlNode& value, PackSpec* spec);

  Loader& loader_;
};

// ---------------------------------------------------------------------------
// The loader.

class Loader {
 public:
  Loader(const std::string& dir, SourceManager& sources)
      : dir_(dir), sources_(sources) {}

  Result<PackSpec> Load();

  // Shared with the file checkers.
  PackSpec& spec() { return spec_; }
  Diagnostics& diags() { return diags_; }
  const SourceManager& sources() const { return sources_; }

  // A rule id seen; false (after an error) if it was seen before.
  bool AddRuleId(const std::string& id, SourceSpan span, FileChecker& c,
                 const YamlNode& at) {
    const auto [it, inserted] = rule_ids_.emplace(id, span);
    if (inserted) return true;
    c.Error("pack.duplicate_rule", "duplicate rule id " + Quote(id), at,
            "the id is first used " + Where(it->second, span.file));
    return false;
  }
  bool AddDerivedName(const std::string& name, SourceSpan span, FileChecker& c,
                      const YamlNode& at) {
    const auto [it, inserted] = derived_names_.emplace(name, span);
    if (inserted) return true;
    c.Error("pack.duplicate_table", "duplicate derived table " + Quote(name),
            at, "the table is first defined " + Where(it->second, span.file));
    return false;
  }
  void AddTableUse(TableUse use) { table_uses_.push_back(std::move(use)); }

  // "on line 3" in the same file, else "at <file>:3:9".
  std::string Where(SourceSpan first, FileId here) const {
    const LineColumn lc = sources_.Locate(first.file, first.begin);
    if (first.file == here) return "on line " + std::to_string(lc.line);
    return "at " + sources_.name(first.file) + ":" + std::to_string(lc.line) +
           ":" + std::to_string(lc.column);
  }

  // Resolves an entry of `includes` or `tests` to files of the pack.
  std::vector<PackFile> Resolve(const YamlNode& entry, const char* noun,
                                FileChecker& c);

 private:
  bool ReadPackFile(const std::string& path, const std::string& display,
                    const YamlNode* entry, FileChecker* c, FileId* file);
  void Include(const PackFile& f, const YamlNode& entry, FileChecker& c);
  void CheckTables();
  bool Within(const fs::path& canonical) const;
  std::string Display(const std::string& rel) const {
    return (fs::path(dir_) / rel).lexically_normal().string();
  }

  std::string dir_;
  SourceManager& sources_;
  fs::path root_;  // the pack folder, canonical
  PackSpec spec_;
  Diagnostics diags_;
  bool have_schema_ = false;
  bool trouble_ = false;  // an include failed or did not parse
  bool schema_ok_ = false;
  const YamlNode* schema_entry_ = nullptr;
  FileId schema_file_ = kNoFile;
  std::set<fs::path> seen_;  // canonical paths of the files read
  size_t included_ = 0;
  std::unordered_map<std::string, SourceSpan> rule_ids_;
  std::unordered_map<std::string, SourceSpan> derived_names_;
  std::vector<TableUse> table_uses_;  // of rules and derived tables
};

// ---------------------------------------------------------------------------
// pack.yaml

YamlFields FileChecker::Manifest(const YamlTree& tree, PackSpec* spec) {
  YamlFields none;
  none.keys.assign(kManifestKeys.size(), nullptr);
  none.values.assign(kManifestKeys.size(), nullptr);
  none.suggested.assign(kManifestKeys.size(), false);
  const YamlNode* root = tree.has_root ? &tree.root : nullptr;
  if (root == nullptr || root->kind == YamlNode::Kind::kNull) {
    YamlNode start;
    start.begin = start.end = root != nullptr ? root->begin : 0;
    Error("pack.missing", "the pack has no `name`", start,
          "`pack.yaml` starts with the pack's `name:`, e.g. `name: qiannan`");
    return none;
  }
  if (!Expect(*root, YamlNode::Kind::kMap, nullptr, "`pack.yaml`")) return none;
  const YamlFields f = ReadFields(*root, kManifestKeys, "`pack.yaml`");

  if (!f.has(kName)) {
    if (!f.suggested[kName]) {
      Error("pack.missing", "the pack has no `name`", *root,
            "add the pack's `name:`, e.g. `name: qiannan`");
    }
  } else {
    Text(f, kName, &spec->name);
  }
  Text(f, kVersion, &spec->version);
  Text(f, kTitle, &spec->title);

  if (f.has(kParameters) && Expect(*f.values[kParameters], YamlNode::Kind::kMap,
                                   f.keys[kParameters], "")) {
    std::unordered_map<std::string, const YamlNode*> seen;
    const YamlNode& params = *f.values[kParameters];
    for (size_t i = 0; i + 1 < params.items.size(); i += 2) {
      Parameter(params.items[i], params.items[i + 1], &seen, spec);
    }
  }
  if (f.has(kFunctions) && Expect(*f.values[kFunctions], YamlNode::Kind::kMap,
                                  f.keys[kFunctions], "")) {
    std::unordered_map<std::string, const YamlNode*> seen;
    const YamlNode& functions = *f.values[kFunctions];
    for (size_t i = 0; i + 1 < functions.items.size(); i += 2) {
      Function(functions.items[i], functions.items[i + 1], &seen, spec);
    }
  }
  if (f.has(kSummary)) Summary(*f.keys[kSummary], *f.values[kSummary], spec);
  return f;
}

// `summary: {by: county, key: {villages: village.county_id, ...}}`.
void FileChecker::Summary(const YamlNode& key, const YamlNode& value,
                          PackSpec* spec) {
  if (!Expect(value, YamlNode::Kind::kMap, &key, "")) return;
  const YamlFields f = ReadFields(value, kSummaryKeys, "`summary`");
  SummarySpec summary;
  summary.span = Span(key);
  std::vector<std::pair<std::string, std::string>> missing;
  if (f.has(kSummaryBy)) {
    if (!Text(f, kSummaryBy, &summary.by)) return;
  } else if (!f.suggested[kSummaryBy]) {
    missing.emplace_back("by", "add `by:`, what a group is called, e.g. "
                               "`by: county`");
  }
  if (f.has(kSummaryKey)) {
    const YamlNode& keys = *f.values[kSummaryKey];
    if (!Expect(keys, YamlNode::Kind::kMap, f.keys[kSummaryKey], "")) return;
    std::unordered_map<std::string, const YamlNode*> seen;
    for (size_t i = 0; i + 1 < keys.items.size(); i += 2) {
      const YamlNode& table = keys.items[i];
      const YamlNode& expr = keys.items[i + 1];
      SummaryKeySpec k;
      if (!Name(table, nullptr, "table", &k.table)) continue;
      const auto [it, inserted] = seen.emplace(k.table, &table);
      if (!inserted) {
        Error("pack.duplicate_key", "duplicate table " + Quote(k.table), table,
              "the table is first given on line " +
                  std::to_string(Line(*it->second)));
        continue;
      }
      if (!Expect(expr, YamlNode::Kind::kScalar, &table, "")) continue;
      k.as = Singular(k.table);
      k.expr = Expr(expr);
      k.table_span = Span(table);
      TableUse use;
      use.table = k.table;
      use.span = k.table_span;
      loader_.AddTableUse(std::move(use));
      summary.keys.push_back(std::move(k));
    }
  } else if (!f.suggested[kSummaryKey]) {
    missing.emplace_back("key", "add `key:`, a map from subject tables to the "
                                "expression that gives a row's group");
  }
  ReportMissing(missing, "`summary`", key,
                "`summary` has `by` and `key`, e.g. `summary: {by: county, "
                "key: {villages: village.county_id}}`");
  if (!missing.empty()) return;
  spec->summary = std::move(summary);
}

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

void FileChecker::Function(
    const YamlNode& key, const YamlNode& value,
    std::unordered_map<std::string, const YamlNode*>* seen, PackSpec* spec) {
  if (!Expect(key, YamlNode::Kind::kScalar, nullptr, "a function signature")) {
    return;
  }
  // name(a, b)
  FunctionSpec fn;
  fn.span = Span(key);
  const std::string& s = key.value;
  size_t i = 0;
  const auto skip = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  const auto ident = [&](std::string* out) {
    const size_t from = i;
    while (i < s.size() && IsNameChar(s[i])) ++i;
    *out = s.substr(from, i - from);
    return IsIdentifier(*out);
  };
  const auto bad = [&] {
    Error("pack.bad_function", "bad function signature " + Shown(key), key,
          "write the function's name and its parameters, such as `core(m)` "
          "or `between(d, a, b)`");
  };
  skip();
  if (!ident(&fn.name)) return bad();
  skip();
  if (i >= s.size() || s[i] != '(') return bad();
  ++i;
  skip();
  if (i < s.size() && s[i] == ')') {
    ++i;
  } else {
    while (true) {
      skip();
      std::string param;
      if (!ident(&param)) return bad();
      if (std::find(fn.params.begin(), fn.params.end(), param) !=
          fn.params.end()) {
        Error("pack.bad_function",
              "parameter " + Quote(param) + " is listed twice in " + Shown(key),
              key);
        return;
      }
      fn.params.push_back(std::move(param));
      skip();
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      if (i < s.size() && s[i] == ')') {
        ++i;
        break;
      }
      return bad();
    }
  }
  skip();
  if (i != s.size()) return bad();

  const auto [it, inserted] = seen->emplace(fn.name, &key);
  if (!inserted) {
    Error("pack.bad_function",
          "function " + Quote(fn.name) + " is defined twice", key,
          "the function is first defined on line " +
              std::to_string(Line(*it->second)));
    return;
  }
  if (!Expect(value, YamlNode::Kind::kScalar, &key, "")) return;
  fn.body = Expr(value);
  spec->functions.push_back(std::move(fn));
}

// ---------------------------------------------------------------------------
// Rule files.

void FileChecker::RuleFile(const YamlTree& tree) {
  if (!tree.has_root || tree.root.kind == YamlNode::Kind::kNull) return;
  const YamlNode& root = tree.root;
  if (!Expect(root, YamlNode::Kind::kMap, nullptr, "a rule file")) return;
  const YamlFields f = ReadFields(root, kRuleFileKeys, "a rule file");
  if (f.has(kRules) &&
      Expect(*f.values[kRules], YamlNode::Kind::kList, f.keys[kRules], "")) {
    for (const YamlNode& item : f.values[kRules]->items) {
      if (Expect(item, YamlNode::Kind::kMap, nullptr, "a rule")) Rule(item);
    }
  }
  if (f.has(kDerived) && Expect(*f.values[kDerived], YamlNode::Kind::kList,
                                f.keys[kDerived], "")) {
    for (const YamlNode& item : f.values[kDerived]->items) {
      if (Expect(item, YamlNode::Kind::kMap, nullptr, "a derived table")) {
        Derived(item);
      }
    }
  }
}

std::vector<LetSpec> FileChecker::Lets(const YamlNode& value,
                                       const YamlNode& key) {
  std::vector<LetSpec> lets;
  if (!Expect(value, YamlNode::Kind::kMap, &key, "")) return lets;
  std::unordered_map<std::string, const YamlNode*> seen;
  for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
    const YamlNode& name = value.items[i];
    const YamlNode& expr = value.items[i + 1];
    LetSpec let;
    if (!Name(name, nullptr, "let", &let.name, true)) continue;
    const auto [it, inserted] = seen.emplace(let.name, &name);
    if (!inserted) {
      Error("pack.duplicate_key", "duplicate let " + Quote(let.name), name,
            "the name is first given on line " +
                std::to_string(Line(*it->second)));
      continue;
    }
    if (!Expect(expr, YamlNode::Kind::kScalar, &name, "")) continue;
    let.expr = Expr(expr);
    let.span = Span(name);
    lets.push_back(std::move(let));
  }
  return lets;
}

void FileChecker::Rule(const YamlNode& map) {
  YamlFields f = ReadFields(map, kRuleKeys, "a rule", /*keep_unknown=*/true);
  RuleSpec rule;
  rule.span = Span(map);
  const YamlNode* id = f.values[kRuleId];
  bool good = true;
  // Required keys that are absent (and not misspelled): key and help.
  std::vector<std::pair<std::string, std::string>> missing;

  // The id.
  if (id == nullptr) {
    if (!f.suggested[kRuleId]) {
      missing.emplace_back("id", "add `id:`, such as `id: handover.period`");
    }
    good = false;
  } else if (Expect(*id, YamlNode::Kind::kScalar, f.keys[kRuleId], "")) {
    rule.id = id->value;
    rule.span = Span(*id);
    if (!IsRuleId(id->value)) {
      Error("pack.bad_id", "bad rule id " + Shown(*id), *id,
            "an id is lowercase words of letters, digits and `_` joined by "
            "dots, such as `handover.period`");
      good = false;
    } else if (!loader_.AddRuleId(rule.id, rule.span, *this, *id)) {
      good = false;
    }
  } else {
    good = false;
  }
  const std::string label =
      rule.id.empty() ? std::string("the rule") : "rule " + Quote(rule.id);

  // The kind. With a bad kind, the other keys are not checked further.
  bool kind_ok = !f.has(kRuleKind);
  if (f.has(kRuleKind) && Expect(*f.values[kRuleKind], YamlNode::Kind::kScalar,
                                 f.keys[kRuleKind], "")) {
    const YamlNode& kind = *f.values[kRuleKind];
    rule.kind_span = Span(kind);
    const std::vector<std::string> kinds = RuleKindNames();
    if (std::find(kinds.begin(), kinds.end(), kind.value) == kinds.end()) {
      std::string help = DidYouMean(kind.value, kinds);
      if (help.empty()) help = "the rule kinds are " + QuoteList(kinds);
      Error("pack.unknown_kind", "unknown rule kind " + Shown(kind), kind,
            std::move(help));
      good = false;
    } else {
      rule.kind = kind.value;
      kind_ok = true;
    }
  } else if (f.has(kRuleKind)) {
    good = false;
  }
  // A general rule, whose keys are all known.
  const bool general = kind_ok && rule.kind == "check";

  // Keys that are not keys of a general rule: arguments of a domain kind.
  for (size_t i = 0; i < f.unknown_keys.size(); ++i) {
    const YamlNode& key = *f.unknown_keys[i];
    const YamlNode& value = *f.unknown_values[i];
    if (!kind_ok || rule.kind == "check") {
      if (general) {
        Error("pack.unknown_key", "unknown key " + Shown(key) + " in a rule",
              key, "a rule has the keys " + QuoteList(kRuleKeys));
      }
      continue;
    }
    ExprText arg;
    if (value.kind == YamlNode::Kind::kScalar) {
      arg = Expr(value);
    } else {
      arg.text = value.kind == YamlNode::Kind::kNull ? "" : CelLiteral(value);
      arg.file = file_;
      arg.offset = value.begin;
      arg.span = Span(value.kind == YamlNode::Kind::kNull ? key : value);
    }
    rule.args.emplace_back(key.value, std::move(arg));
    rule.arg_details.push_back(KindArg(key, value));
  }

  Text(f, kRuleTitle, &rule.title);
  Text(f, kRuleSource, &rule.source);

  // Severity.
  if (f.has(kRuleSeverity)) {
    if (Expect(*f.values[kRuleSeverity], YamlNode::Kind::kScalar,
               f.keys[kRuleSeverity], "")) {
      const YamlNode& s = *f.values[kRuleSeverity];
      if (std::find(kSeverities.begin(), kSeverities.end(), s.value) ==
          kSeverities.end()) {
        std::string help = DidYouMean(s.value, kSeverities);
        if (help.empty()) help = "a severity is `error` or `warning`";
        Error("pack.bad_severity", "unknown severity " + Shown(s), s,
              std::move(help));
        good = false;
      } else {
        rule.severity = s.value;
      }
    }
  } else if (general && !f.suggested[kRuleSeverity]) {
    missing.emplace_back("severity",
                         "add `severity: error` or `severity: warning`");
  }

  // Subject and row name.
  const YamlNode* subject_as = nullptr;
  TableUse use;
  bool has_subject = false;
  if (f.has(kRuleSubject)) {
    has_subject = Subject(*f.values[kRuleSubject], *f.keys[kRuleSubject],
                          &rule.subject, &use, &subject_as);
  } else if (general && !f.suggested[kRuleSubject]) {
    missing.emplace_back(
        "subject",
        "add `subject:` with the table the rule is about, or `prefecture`");
  }
  const YamlNode* as = f.values[kRuleAs];
  if (as != nullptr && subject_as != nullptr) {
    Error("pack.duplicate_key",
          "`as` is given both in the rule and in its "
          "subject",
          *f.keys[kRuleAs],
          "the subject's `as` is on line " + std::to_string(Line(*subject_as)));
    as = nullptr;
  }
  if (as == nullptr) as = subject_as;
  if (has_subject) {
    SubjectSpec& s = rule.subject;
    if (as != nullptr && s.kind == SubjectSpec::Kind::kPrefecture) {
      Error("pack.bad_subject",
            "a `prefecture` rule has no row to name with `as`", *as,
            "remove `as:`; the rule sees all rows through `facts.<table>`");
    } else if (as != nullptr) {
      Name(*as, as == subject_as ? nullptr : f.keys[kRuleAs], "row name", &s.as,
           true);
    } else if (s.kind == SubjectSpec::Kind::kTable) {
      s.as = Singular(s.table);
    } else if (s.kind == SubjectSpec::Kind::kGroup) {
      s.as = s.table;
    }
  } else if (as != nullptr && as != subject_as) {
    std::string ignored;
    Name(*as, f.keys[kRuleAs], "row name", &ignored, true);
  }

  // Periods.
  if (f.has(kRulePeriod) &&
      Expect(*f.values[kRulePeriod], YamlNode::Kind::kScalar,
             f.keys[kRulePeriod], "")) {
    const YamlNode& p = *f.values[kRulePeriod];
    if (const std::optional<PeriodKind> kind = ParsePeriodKind(p.value);
        kind && std::find(kPeriodKinds.begin(), kPeriodKinds.end(), p.value) !=
                    kPeriodKinds.end()) {
      rule.period = *kind;
    } else {
      std::string help = DidYouMean(p.value, kPeriodKinds);
      if (help.empty()) {
        help = "a period is `year`, `half`, `quarter` or `month`";
      }
      Error("pack.bad_period", "unknown period " + Shown(p), p,
            std::move(help));
      good = false;
    }
  }
  if (f.has(kRulePeriods) &&
      Expect(*f.values[kRulePeriods], YamlNode::Kind::kScalar,
             f.keys[kRulePeriods], "")) {
    rule.periods = Expr(*f.values[kRulePeriods]);
  }

  if (f.has(kRuleLet)) rule.lets = Lets(*f.values[kRuleLet], *f.keys[kRuleLet]);

  if (f.has(kRuleWhen)) {
    if (Expect(*f.values[kRuleWhen], YamlNode::Kind::kScalar, f.keys[kRuleWhen],
               "")) {
      rule.when = Expr(*f.values[kRuleWhen]);
    }
  } else if (general && !f.suggested[kRuleWhen]) {
    missing.emplace_back("when",
                         "add `when:` with the condition under which the rule "
                         "reports a finding");
  }
  if (f.has(kRuleMessage) &&
      Expect(*f.values[kRuleMessage], YamlNode::Kind::kScalar,
             f.keys[kRuleMessage], "")) {
    rule.message = Expr(*f.values[kRuleMessage]);
  }

  ReportMissing(missing, label, Anchor(id, map),
                "a rule has `id`, `severity`, `subject` and `when`");
  // The tables are checked also for a rule with other errors.
  if (!use.table.empty()) loader_.AddTableUse(std::move(use));
  if (!good || !missing.empty()) return;
  // A domain kind checks its keys when it is expanded; after a misspelled
  // key, it would report the key as missing too.
  if (!general && std::find(f.suggested.begin(), f.suggested.end(), true) !=
                      f.suggested.end()) {
    return;
  }
  loader_.spec().rules.push_back(std::move(rule));
}

bool FileChecker::Subject(const YamlNode& value, const YamlNode& key,
                          SubjectSpec* s, TableUse* use,
                          const YamlNode** as_node) {
  s->span = Span(value);
  if (value.kind == YamlNode::Kind::kScalar) {
    if (value.value == "prefecture") {
      s->kind = SubjectSpec::Kind::kPrefecture;
      s->label = "prefecture";
      return true;
    }
    if (!Name(value, &key, "table", &s->table)) return false;
    s->kind = SubjectSpec::Kind::kTable;
    s->label = s->table;
    use->table = s->table;
    use->span = Span(value);
    return true;
  }
  if (value.kind != YamlNode::Kind::kMap) {
    const YamlNode& at = value.kind == YamlNode::Kind::kNull ? key : value;
    if (value.kind != YamlNode::Kind::kAlias) {
      Error("pack.expected_scalar",
            "expected a table name or a map for `subject`, found " +
                Describe(value),
            at,
            "write `subject: members`, or `subject: {table: members, "
            "group_by: person_id}`");
    }
    return false;
  }
  const YamlFields f = ReadFields(value, kSubjectKeys, "a subject");
  if (f.has(kSubjectAs)) *as_node = f.values[kSubjectAs];
  if (!f.has(kSubjectTable)) {
    if (!f.suggested[kSubjectTable]) {
      Error("pack.missing", "the subject has no `table`", value,
            "add `table:` with the table the rule is about");
    }
    return false;
  }
  const YamlNode& table = *f.values[kSubjectTable];
  if (!Expect(table, YamlNode::Kind::kScalar, f.keys[kSubjectTable], "")) {
    return false;
  }
  std::string label;
  if (f.has(kSubjectLabel) && !Text(f, kSubjectLabel, &label)) return false;
  if (table.value == "prefecture") {
    if (f.has(kSubjectGroupBy)) {
      Error("pack.bad_subject", "a `prefecture` subject has no `group_by`",
            *f.keys[kSubjectGroupBy],
            "group the rows of a table: `{table: members, group_by: "
            "person_id}`");
      return false;
    }
    s->kind = SubjectSpec::Kind::kPrefecture;
    s->label = label.empty() ? "prefecture" : label;
    return true;
  }
  if (!Name(table, f.keys[kSubjectTable], "table", &s->table)) return false;
  use->table = s->table;
  use->span = Span(table);
  s->kind = SubjectSpec::Kind::kTable;
  s->label = label.empty() ? s->table : label;
  if (f.has(kSubjectGroupBy)) {
    const YamlNode& group_by = *f.values[kSubjectGroupBy];
    if (!Expect(group_by, YamlNode::Kind::kScalar, f.keys[kSubjectGroupBy],
                "")) {
      return false;
    }
    s->kind = SubjectSpec::Kind::kGroup;
    s->group_by = group_by.value;
    s->label = label.empty() ? s->group_by : label;
    use->group_by = s->group_by;
    use->group_by_span = Span(group_by);
  }
  return true;
}

void FileChecker::Derived(const YamlNode& map) {
  const YamlFields f = ReadFields(map, kDerivedKeys, "a derived table");
  DerivedSpec d;
  d.span = Span(map);
  bool good = true;
  std::vector<std::pair<std::string, std::string>> missing;
  const YamlNode* name = f.values[kDerivedName];
  if (name == nullptr) {
    if (!f.suggested[kDerivedName]) {
      missing.emplace_back(
          "name", "add `name:`, the name of the table and of its output file");
    }
    good = false;
  } else if (Name(*name, f.keys[kDerivedName], "derived table", &d.name)) {
    d.span = Span(*name);
    if (!loader_.AddDerivedName(d.name, d.span, *this, *name)) good = false;
  } else {
    good = false;
  }
  const std::string label = d.name.empty() ? std::string("the derived table")
                                           : "derived table " + Quote(d.name);

  TableUse use;
  if (f.has(kDerivedFrom)) {
    if (Name(*f.values[kDerivedFrom], f.keys[kDerivedFrom], "table", &d.from)) {
      use.table = d.from;
      use.span = Span(*f.values[kDerivedFrom]);
    } else {
      good = false;
    }
  } else {
    if (!f.suggested[kDerivedFrom]) {
      missing.emplace_back(
          "from", "add `from:` with the table whose rows it is computed from");
    }
    good = false;
  }
  if (f.has(kDerivedAs)) {
    Name(*f.values[kDerivedAs], f.keys[kDerivedAs], "row name", &d.as, true);
  } else {
    d.as = Singular(d.from);
  }
  if (f.has(kDerivedLet)) {
    d.lets = Lets(*f.values[kDerivedLet], *f.keys[kDerivedLet]);
  }

  std::vector<std::string> column_names;
  if (f.has(kDerivedColumns)) {
    const YamlNode& columns = *f.values[kDerivedColumns];
    if (Expect(columns, YamlNode::Kind::kMap, f.keys[kDerivedColumns], "")) {
      std::unordered_map<std::string, const YamlNode*> seen;
      for (size_t i = 0; i + 1 < columns.items.size(); i += 2) {
        const YamlNode& key = columns.items[i];
        const YamlNode& expr = columns.items[i + 1];
        std::string column;
        if (!Name(key, nullptr, "column", &column)) continue;
        const auto [it, inserted] = seen.emplace(column, &key);
        if (!inserted) {
          Error("pack.duplicate_key", "duplicate column " + Quote(column), key,
                "the column is first given on line " +
                    std::to_string(Line(*it->second)));
          continue;
        }
        column_names.push_back(column);
        if (!Expect(expr, YamlNode::Kind::kScalar, &key, "")) continue;
        d.columns.emplace_back(column, Expr(expr));
      }
      if (columns.items.empty()) {
        Error("pack.missing", label + " has no columns",
              *f.keys[kDerivedColumns]);
      }
    }
  } else if (!f.suggested[kDerivedColumns]) {
    missing.emplace_back(
        "columns", "add `columns:`, a map from column names to expressions");
  }

  if (f.has(kDerivedSortBy)) {
    const YamlNode& sort_by = *f.values[kDerivedSortBy];
    std::vector<const YamlNode*> names;
    if (sort_by.kind == YamlNode::Kind::kScalar) {
      names.push_back(&sort_by);
    } else if (Expect(sort_by, YamlNode::Kind::kList, f.keys[kDerivedSortBy],
                      "")) {
      for (const YamlNode& item : sort_by.items) {
        if (Expect(item, YamlNode::Kind::kScalar, nullptr, "a sort column")) {
          names.push_back(&item);
        }
      }
    }
    for (const YamlNode* n : names) {
      if (f.has(kDerivedColumns) &&
          std::find(column_names.begin(), column_names.end(), n->value) ==
              column_names.end()) {
        std::string help = DidYouMean(n->value, column_names);
        if (help.empty() && !column_names.empty()) {
          help = "the columns are " + QuoteList(column_names);
        }
        Error("pack.unknown_column",
              "sort column " + Shown(*n) + " is not a column of " + label, *n,
              std::move(help));
        continue;
      }
      d.sort_by.push_back(n->value);
    }
  }

  ReportMissing(missing, label, Anchor(name, map),
                "a derived table has `name`, `from` and `columns`");
  if (!use.table.empty()) loader_.AddTableUse(std::move(use));
  if (!good || !missing.empty()) return;
  loader_.spec().derived.push_back(std::move(d));
}

// ---------------------------------------------------------------------------
// Files of the pack.

bool Loader::Within(const fs::path& canonical) const {
  auto r = root_.begin();
  auto c = canonical.begin();
  for (; r != root_.end(); ++r, ++c) {
    if (c == canonical.end() || *r != *c) return false;
  }
  return c != canonical.end();
}

std::vector<PackFile> Loader::Resolve(const YamlNode& entry, const char* noun,
                                      FileChecker& c) {
  std::vector<PackFile> out;
  const std::string& value = entry.value;
  const std::string what = std::string(noun) + " " + Shown(entry);
  if (value.empty()) {
    c.Error("pack.bad_include", std::string("empty ") + noun + " path", entry);
    return out;
  }
  const fs::path p(value);
  const fs::path normal = p.lexically_normal();
  if (p.has_root_path() || normal.empty() || *normal.begin() == "..") {
    c.Error("pack.include_outside", what + " is outside the pack folder", entry,
            "a pack reads only files inside its folder, named relative to it");
    return out;
  }
  if (normal == "." || normal.filename().empty()) {
    c.Error("pack.bad_include", what + " names a folder, not a file", entry,
            "to name every YAML file in a folder, write `folder/*.yaml`");
    return out;
  }

  // Each match: confined, a file, not pack.yaml itself.
  const auto accept = [&](const fs::path& rel, bool from_glob) {
    std::error_code ec;
    const fs::path full = root_ / rel;
    const fs::path canonical = fs::weakly_canonical(full, ec);
    if (ec || !Within(canonical)) {
      if (from_glob) {
        c.Error("pack.include_outside",
                Quote(rel.generic_string()) + ", matched by " + Shown(entry) +
                    ", leads outside the pack folder",
                entry,
                "it is a symbolic link to a file outside the pack; a pack "
                "reads only files inside its folder");
      } else {
        c.Error("pack.include_outside", what + " leads outside the pack folder",
                entry,
                "it is a symbolic link to a file outside the pack; a pack "
                "reads only files inside its folder");
      }
      return;
    }
    if (canonical == root_ / "pack.yaml") {
      if (!from_glob) {
        c.Error("pack.bad_include", what + " is the pack manifest itself",
                entry);
      }
      return;
    }
    const fs::file_status st = fs::status(canonical, ec);
    if (ec || !fs::exists(st)) {
      // Did-you-mean over the files of the same folder.
      std::vector<std::string> names;
      const fs::path parent = rel.parent_path();
      for (fs::directory_iterator it(root_ / parent, ec), end;
           !ec && it != end && names.size() < kMaxFiles; it.increment(ec)) {
        std::error_code ec2;
        if (it->is_regular_file(ec2)) {
          names.push_back((parent / it->path().filename()).generic_string());
        }
      }
      std::sort(names.begin(), names.end());
      c.Error("pack.missing_include", what + " does not exist", entry,
              DidYouMean(rel.generic_string(), names));
      return;
    }
    if (fs::is_directory(st)) {
      c.Error("pack.bad_include", what + " names a folder, not a file", entry,
              "to name every YAML file in a folder, write `" +
                  rel.generic_string() + "/*.yaml`");
      return;
    }
    if (!fs::is_regular_file(st)) {
      c.Error("pack.bad_include", what + " is not a regular file", entry);
      return;
    }
    PackFile f;
    f.rel = rel.generic_string();
    f.display = Display(f.rel);
    f.canonical = canonical;
    out.push_back(std::move(f));
  };

  if (!HasWildcard(value)) {
    accept(normal, false);
    return out;
  }

  // A glob: expand component by component, in name order.
  std::vector<fs::path> current = {fs::path()};
  std::vector<fs::path> parts(normal.begin(), normal.end());
  for (size_t i = 0; i < parts.size() && !current.empty(); ++i) {
    const std::string part = parts[i].string();
    const bool last = i + 1 == parts.size();
    std::vector<fs::path> next;
    for (const fs::path& dir : current) {
      if (!HasWildcard(part)) {
        next.push_back(dir / part);
        continue;
      }
      std::vector<std::string> names;
      std::error_code ec;
      for (fs::directory_iterator it(root_ / dir, ec), end;
           !ec && it != end && names.size() < kMaxFiles; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.starts_with('.') && !part.starts_with('.')) continue;
        if (!GlobMatch(part, name)) continue;
        std::error_code ec2;
        if (last ? !it->is_directory(ec2) : it->is_directory(ec2)) {
          names.push_back(name);
        }
      }
      std::sort(names.begin(), names.end());
      for (const std::string& name : names) next.push_back(dir / name);
    }
    current = std::move(next);
  }
  const size_t before = out.size();
  std::vector<fs::path> matches;
  for (const fs::path& rel : current) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(root_ / rel, ec))) matches.push_back(rel);
  }
  for (const fs::path& rel : matches) accept(rel, true);
  if (matches.empty() && out.size() == before) {
    c.Error("pack.missing_include", "no file matches " + Shown(entry), entry);
  }
  return out;
}

bool Loader::ReadPackFile(const std::string& path, const std::string& display,
                          const YamlNode* entry, FileChecker* c, FileId* file) {
  std::string text;
  std::string why;
  bool too_large = false;
  uint64_t size = 0;
  if (!ReadFileLimited(path, kMaxFileBytes, &text, &why, &too_large, &size)) {
    const std::string message = "cannot read " + Quote(display) + ": " + why;
    if (entry != nullptr) {
      c->Error("pack.unreadable", message, *entry);
    } else {
      diags_.Error("pack.unreadable", message, SourceSpan{});
    }
    return false;
  }
  if (too_large) {
    const std::string message =
        Quote(display) + " has " + std::to_string(size) +
        " bytes, more than the limit of " + std::to_string(kMaxFileBytes);
    if (entry != nullptr) {
      c->Error("pack.too_large", message, *entry);
    } else {
      diags_.Error("pack.too_large", message, SourceSpan{});
    }
    return false;
  }
  *file = sources_.Add(display, std::move(text));
  return true;
}

void Loader::Include(const PackFile& f, const YamlNode& entry, FileChecker& c) {
  if (!seen_.insert(f.canonical).second) return;  // already read
  if (++included_ > kMaxFiles) {
    if (included_ == kMaxFiles + 1) {
      c.Error(
          "pack.too_large",
          "the pack includes more than " + std::to_string(kMaxFiles) + " files",
          entry);
    }
    return;
  }
  FileId file = kNoFile;
  if (!ReadPackFile(f.canonical.string(), f.display, &entry, &c, &file)) {
    trouble_ = true;
    return;
  }

  // The schema: schema.yaml, or a file whose top level has `tables`.
  bool schema = fs::path(f.rel).filename() == "schema.yaml";
  Diagnostics yaml;
  YamlTree tree;
  if (!schema) {
    tree = ParseYamlTree(file, sources_, kPackFile, &yaml);
    if (tree.parsed && tree.has_root &&
        tree.root.kind == YamlNode::Kind::kMap) {
      for (size_t i = 0; i < tree.root.items.size(); i += 2) {
        if (tree.root.items[i].kind == YamlNode::Kind::kScalar &&
            tree.root.items[i].value == "tables") {
          schema = true;
        }
      }
    }
  }
  if (schema) {
    if (have_schema_) {
      c.Error("pack.duplicate_schema",
              "the pack includes a second schema " + Quote(f.rel), entry,
              "the schema is " + Quote(sources_.name(schema_file_)) +
                  ", included " + Where(c.Span(*schema_entry_), c.file()));
      return;
    }
    have_schema_ = true;
    schema_entry_ = &entry;
    schema_file_ = file;
    Result<Schema> result = ParseSchema(file, sources_);
    diags_.Append(result.diagnostics());
    if (result.ok()) {
      spec_.schema = std::move(result).value();
      schema_ok_ = true;
    }
    return;
  }
  diags_.Append(yaml);
  if (!tree.parsed) {
    trouble_ = true;
    return;
  }
  FileChecker rules(*this, sources_, file);
  rules.RuleFile(tree);
  diags_.Append(rules.diagnostics());
}

void Loader::CheckTables() {
  std::vector<std::string> tables;
  for (const TableSchema& t : spec_.schema.tables) tables.push_back(t.name);
  const auto check = [&](const TableUse& use) {
    const TableSchema* table = spec_.schema.FindTable(use.table);
    if (table == nullptr) {
      std::string help = DidYouMean(use.table, tables);
      if (help.empty()) help = "the tables are " + QuoteList(tables);
      diags_.Error("pack.unknown_table", "unknown table " + Quote(use.table),
                   use.span, std::move(help));
      return false;
    }
    if (!use.group_by.empty() && table->FindColumn(use.group_by) == nullptr) {
      std::vector<std::string> columns;
      for (const ColumnSchema& col : table->columns)
        columns.push_back(col.name);
      std::string help = DidYouMean(use.group_by, columns);
      if (help.empty()) help = "the columns are " + QuoteList(columns);
      diags_.Error("pack.unknown_column",
                   "table " + Quote(table->name) + " has no column " +
                       Quote(use.group_by),
                   use.group_by_span, std::move(help));
      return false;
    }
    return true;
  };
  for (const TableUse& use : table_uses_) check(use);
}

Result<PackSpec> Loader::Load() {
  spec_.dir = dir_;
  std::error_code ec;
  const fs::path dir(dir_);
  if (!fs::is_directory(dir, ec)) {
    diags_.Error(
        "pack.unreadable",
        "cannot read pack folder " + Quote(dir_) + ": " +
            (fs::exists(dir, ec) ? "it is not a folder" : "no such folder"),
        SourceSpan{});
    return Result<PackSpec>(std::move(diags_));
  }
  root_ = fs::canonical(dir, ec);
  if (ec) {
    diags_.Error(
        "pack.unreadable",
        "cannot read pack folder " + Quote(dir_) + ": " + ErrnoText(ec.value()),
        SourceSpan{});
    return Result<PackSpec>(std::move(diags_));
  }

  // The manifest.
  FileId file = kNoFile;
  if (!ReadPackFile(Display("pack.yaml"), Display("pack.yaml"), nullptr,
                    nullptr, &file)) {
    return Result<PackSpec>(std::move(diags_));
  }
  spec_.file = file;
  seen_.insert(fs::weakly_canonical(root_ / "pack.yaml", ec));
  YamlTree tree = ParseYamlTree(file, sources_, kPackFile, &diags_);
  FileChecker manifest(*this, sources_, file);
  if (tree.parsed) {
    const YamlFields f = manifest.Manifest(tree, &spec_);
    // Lists of paths; a single path is accepted too.
    const auto entries = [&](size_t i) {
      std::vector<const YamlNode*> out;
      if (!f.has(i)) return out;
      const YamlNode& value = *f.values[i];
      if (value.kind == YamlNode::Kind::kScalar) {
        out.push_back(&value);
      } else if (manifest.Expect(value, YamlNode::Kind::kList, f.keys[i], "")) {
        for (const YamlNode& item : value.items) {
          if (manifest.Expect(item, YamlNode::Kind::kScalar, nullptr,
                              "a path")) {
            out.push_back(&item);
          }
        }
      } else {
        trouble_ = true;
      }
      return out;
    };
    for (const YamlNode* entry : entries(kIncludes)) {
      const size_t errors = manifest.diagnostics().size();
      for (const PackFile& pf : Resolve(*entry, "include", manifest)) {
        Include(pf, *entry, manifest);
      }
      if (manifest.diagnostics().size() != errors) trouble_ = true;
    }
    std::set<fs::path> tests;
    for (const YamlNode* entry : entries(kTests)) {
      for (const PackFile& pf : Resolve(*entry, "test file", manifest)) {
        if (tests.size() >= kMaxFiles) break;
        if (tests.insert(pf.canonical).second) {
          spec_.test_files.push_back(pf.display);
        }
      }
    }
    // Not when an include went wrong: the schema may be the one missing.
    if (!have_schema_ && !trouble_ && !f.suggested[kIncludes] &&
        tree.has_root && tree.root.kind == YamlNode::Kind::kMap) {
      YamlNode at;
      if (f.keys[kIncludes] != nullptr) {
        at = *f.keys[kIncludes];
      } else if (tree.has_root) {
        at.begin = tree.root.begin;
        at.end = tree.root.end;
      }
      std::string help =
          "add the schema file to `includes`, e.g. "
          "`includes: [schema.yaml, rules.yaml]`";
      if (fs::exists(root_ / "schema.yaml", ec)) {
        help = "add `schema.yaml` to `includes`";
      }
      manifest.Error("pack.no_schema", "the pack includes no schema", at,
                     std::move(help));
    }
  }
  diags_.Append(manifest.diagnostics());
  if (schema_ok_) {
    CheckTables();
    // The domain kinds become general rules (and functions and tables).
    ExpandKinds(spec_, sources_, &diags_);
  }

  Diagnostics sorted = SortedByPosition(diags_);
  if (sorted.has_errors()) return Result<PackSpec>(std::move(sorted));
  return Result<PackSpec>(std::move(spec_), std::move(sorted));
}

Diagnostics Internal(const char* what) {
  Diagnostics diags;
  diags.Error("pack.internal",
              std::string("internal error while reading the pack: ") + what,
              SourceSpan{});
  return diags;
}

}  // namespace

std::string CelString(std::string_view s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "'";
}

Result<PackSpec> LoadPack(const std::string& dir, SourceManager& sources) {
  try {
    Loader loader(dir, sources);
    return loader.Load();
  } catch (const std::exception& e) {
    return Result<PackSpec>(Internal(e.what()));
  } catch (...) {
    return Result<PackSpec>(Internal("unknown exception"));
  }
}

}  // namespace zhucun::internal
