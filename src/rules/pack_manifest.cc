// pack.yaml: the manifest, its functions and `summary`
// (src/rules/pack_loader.h). Parameters are read in pack_params.cc; the
// paths of `includes` and `tests` by the loader (pack.cc).

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "facts/format.h"
#include "facts/yaml_tree.h"
#include "rules/pack.h"
#include "rules/pack_loader.h"

namespace zhucun::internal::pack_loader {

namespace {

const std::vector<std::string>& kSummaryKeys = format::Names(format::kSummary);
enum SummaryKey : size_t {
  kSummaryBy = format::IndexOf(format::kSummary, "by"),
  kSummaryKey = format::IndexOf(format::kSummary, "key"),
};

}  // namespace

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
  if (f.has(kLabels)) Labels(*f.keys[kLabels], *f.values[kLabels], spec);
  if (f.has(kExceptionFindings)) {
    ExceptionFindings(*f.keys[kExceptionFindings], *f.values[kExceptionFindings], spec);
  }
  return f;
}

// `exception_findings: {unknown_rule: ..., unknown_subject: ...,
// unknown_period: ..., not_in_force: ...}`: the rule ids the exception
// records' own findings take (docs/rules.md, "Exceptions").
void FileChecker::ExceptionFindings(const YamlNode& key, const YamlNode& value,
                                    PackSpec* spec) {
  const std::vector<std::string>& kKeys = format::Names(format::kExceptionFindings);
  static_assert(format::IndexOf(format::kExceptionFindings, "unknown_rule") == 0 &&
                format::IndexOf(format::kExceptionFindings, "unknown_subject") == 1 &&
                format::IndexOf(format::kExceptionFindings, "unknown_period") == 2 &&
                format::IndexOf(format::kExceptionFindings, "not_in_force") == 3);
  if (!Expect(value, YamlNode::Kind::kMap, &key, "")) return;
  const YamlFields f = ReadFields(value, kKeys, "`exception_findings`");
  std::string* ids[] = {&spec->exception_ids.unknown_rule, &spec->exception_ids.unknown_subject,
                        &spec->exception_ids.unknown_period,
                        &spec->exception_ids.not_in_force};
  for (size_t k = 0; k < kKeys.size(); ++k) {
    if (!f.has(k)) continue;
    if (!Expect(*f.values[k], YamlNode::Kind::kScalar, f.keys[k], "")) continue;
    const YamlNode& id = *f.values[k];
    if (!IsRuleId(id.value)) {
      Error("pack.bad_id", "bad rule id " + Shown(id), id,
            "an id is lowercase words of letters, digits and `_` joined by dots, such as "
            "`exception.expired`");
      continue;
    }
    *ids[k] = id.value;
    spec->exception_ids.spans.push_back(Span(id));
  }
}

// `labels: {zh: {excellent: 优秀, competent: 称职}}`.
void FileChecker::Labels(const YamlNode& key, const YamlNode& value, PackSpec* spec) {
  if (!Expect(value, YamlNode::Kind::kMap, &key, "")) return;
  for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
    const YamlNode& lang = value.items[i];
    const YamlNode& codes = value.items[i + 1];
    if (!KnownLanguage(lang, key) || !Expect(codes, YamlNode::Kind::kMap, &lang, "")) continue;
    auto& labels = spec->labels[lang.value];
    std::unordered_map<std::string, const YamlNode*> seen;
    for (size_t j = 0; j + 1 < codes.items.size(); j += 2) {
      const YamlNode& code = codes.items[j];
      const YamlNode& label = codes.items[j + 1];
      if (!Expect(code, YamlNode::Kind::kScalar, nullptr, "a code") ||
          !Expect(label, YamlNode::Kind::kScalar, &code, "")) {
        continue;
      }
      const auto [it, inserted] = seen.emplace(code.value, &code);
      if (!inserted) {
        Error("pack.duplicate_key", "code " + Shown(code) + " is given twice", code,
              "the first is on line " + std::to_string(Line(*it->second)));
        continue;
      }
      labels[code.value] = label.value;
    }
  }
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
    const auto bys = ByLanguage(*f.values[kSummaryBy], *f.keys[kSummaryBy]);
    if (bys.empty()) return;
    summary.by = bys.front().second->value;
    if (!bys.front().first.empty()) {
      for (const auto& [lang, node] : bys) summary.bys.emplace_back(lang, node->value);
    }
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

}  // namespace zhucun::internal::pack_loader
