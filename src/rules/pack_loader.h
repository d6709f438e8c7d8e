#ifndef ZHUCUN_SRC_RULES_PACK_LOADER_H_
#define ZHUCUN_SRC_RULES_PACK_LOADER_H_

// The inside of LoadPack (src/rules/pack.h), shared by its files:
//   pack.cc           the loader: pack.yaml, then the includes, then the
//                     checks against the schema and the expansion of kinds
//   pack_includes.cc  resolving `includes` and `tests` to files of the pack
//   pack_manifest.cc  pack.yaml: the manifest, functions and `summary`
//   pack_params.cc    parameters: their types and defaults
//   pack_rules.cc     rule files: rules, subjects, lets and derived tables

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "facts/format.h"
#include "facts/yaml_tree.h"
#include "rules/pack.h"

namespace zhucun::internal::pack_loader {

namespace fs = std::filesystem;

// Files larger than this are rejected before parsing.
inline constexpr size_t kMaxFileBytes = size_t{1} << 20;  // 1 MiB
// Collections nested deeper than this are rejected while parsing.
inline constexpr size_t kMaxDepth = 64;
// The most files a pack may include (rule files and tests each).
inline constexpr size_t kMaxFiles = 1000;
// The most rules a pack may have (as written, before kinds are expanded).
inline constexpr size_t kMaxRules = 10000;

inline const YamlFileKind kPackFile{"pack", "pack file", "the pack file",
                                    kMaxFileBytes, kMaxDepth};

// The keys of pack.yaml (facts/format.h).
inline const std::vector<std::string>& kManifestKeys = format::Names(format::kManifest);
enum ManifestKey : size_t {
  kName = format::IndexOf(format::kManifest, "name"),
  kVersion = format::IndexOf(format::kManifest, "version"),
  kTitle = format::IndexOf(format::kManifest, "title"),
  kLabels = format::IndexOf(format::kManifest, "labels"),
  kParameters = format::IndexOf(format::kManifest, "parameters"),
  kFunctions = format::IndexOf(format::kManifest, "functions"),
  kIncludes = format::IndexOf(format::kManifest, "includes"),
  kTests = format::IndexOf(format::kManifest, "tests"),
  kSummary = format::IndexOf(format::kManifest, "summary"),
  kExceptionFindings = format::IndexOf(format::kManifest, "exception_findings"),
};

// Names bound in every expression, which a row or a `let` may not take.
inline const std::vector<std::string> kReservedNames = {
    "params", "period", "as_of", "from", "facts"};

// `area.name`: lowercase identifiers joined by dots, at least two.
bool IsRuleId(std::string_view id);

// `members` -> `member`, `counties` -> `county`.
std::string Singular(const std::string& table);
// [A-Za-z0-9_]
bool IsNameChar(char c);
// A list or map argument of a domain kind as a CEL literal.
std::string CelLiteral(const YamlNode& n);

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
  // `title:` or `message:`: one scalar for every language, or a map of
  // language (kLanguages) -> scalar. The scalars by language ("" for the
  // plain form), the default first (`en`, else the first written); empty
  // after an error.
  std::vector<std::pair<std::string, const YamlNode*>> ByLanguage(
      const YamlNode& value, const YamlNode& key);
  // Whether `lang`, a key of the map of languages under `key`, is one of
  // kLanguages; else false after an error.
  bool KnownLanguage(const YamlNode& lang, const YamlNode& key);

 private:
  void Parameter(const YamlNode& key, const YamlNode& value,
                 std::unordered_map<std::string, const YamlNode*>* seen,
                 PackSpec* spec);
  // pack.yaml's `exception_findings:`.
  void ExceptionFindings(const YamlNode& key, const YamlNode& value, PackSpec* spec);
  // A rule's `effective:` (false after an error).
  bool Effective(const YamlNode& key, const YamlNode& value, RuleSpec* rule);
  // A parameter's `history:` into p.history (false after an error).
  bool History(ParamSpec& p, const YamlNode& key, const YamlNode& list);
  void Function(const YamlNode& key, const YamlNode& value,
                std::unordered_map<std::string, const YamlNode*>* seen,
                PackSpec* spec);
  void Rule(const YamlNode& map);
  bool Subject(const YamlNode& value, const YamlNode& key, SubjectSpec* s,
               TableUse* use, const YamlNode** as_node);
  void Derived(const YamlNode& map);
  void Summary(const YamlNode& key, const YamlNode& value, PackSpec* spec);
  void Labels(const YamlNode& key, const YamlNode& value, PackSpec* spec);

  Loader& loader_;
};

// ---------------------------------------------------------------------------
// The loader.

class Loader {
 public:
  Loader(const std::string& dir, SourceManager& sources)
      : dir_(dir), sources_(sources) {}

  // See LoadPack (pack.h) for `partial`.
  Result<PackSpec> Load(std::optional<PackSpec>* partial);

  // Shared with the file checkers.
  PackSpec& spec() { return spec_; }
  Diagnostics& diags() { return diags_; }
  const SourceManager& sources() const { return sources_; }

  // Whether one more rule fits (kMaxRules); the first that does not is
  // reported by the caller, and true is returned only once for it in
  // *first_over.
  bool RuleFits(bool* first_over) {
    *first_over = !rules_over_limit_ && spec_.rules.size() >= kMaxRules;
    if (*first_over) rules_over_limit_ = true;
    return spec_.rules.size() < kMaxRules;
  }

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
  bool rules_over_limit_ = false;
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

}  // namespace zhucun::internal::pack_loader

#endif  // ZHUCUN_SRC_RULES_PACK_LOADER_H_
