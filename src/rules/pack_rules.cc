// Rule files: rules (general and of the domain kinds), their subjects and
// lets, and derived tables (src/rules/pack_loader.h). The checks that need
// the schema run once every file is read (Loader::CheckTables, pack.cc).

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

namespace zhucun::internal::pack_loader {

namespace {

// The keys of each map (facts/format.h).
using format::IndexOf;

const std::vector<std::string>& kRuleFileKeys = format::Names(format::kRuleFile);
enum RuleFileKey : size_t {
  kRules = IndexOf(format::kRuleFile, "rules"),
  kDerived = IndexOf(format::kRuleFile, "derived"),
};

const std::vector<std::string>& kRuleKeys = format::Names(format::kRule);
enum RuleKey : size_t {
  kRuleId = IndexOf(format::kRule, "id"),
  kRuleTitle = IndexOf(format::kRule, "title"),
  kRuleSeverity = IndexOf(format::kRule, "severity"),
  kRuleSource = IndexOf(format::kRule, "source"),
  kRuleKind = IndexOf(format::kRule, "kind"),
  kRuleSubject = IndexOf(format::kRule, "subject"),
  kRuleAs = IndexOf(format::kRule, "as"),
  kRulePeriod = IndexOf(format::kRule, "period"),
  kRulePeriods = IndexOf(format::kRule, "periods"),
  kRuleLet = IndexOf(format::kRule, "let"),
  kRuleWhen = IndexOf(format::kRule, "when"),
  kRuleMessage = IndexOf(format::kRule, "message"),
  kRuleEffective = IndexOf(format::kRule, "effective"),
};
const std::vector<std::string>& kEffectiveKeys = format::Names(format::kEffective);
static_assert(IndexOf(format::kEffective, "from") == 0 &&
              IndexOf(format::kEffective, "until") == 1);

const std::vector<std::string>& kSubjectKeys = format::Names(format::kSubject);
enum SubjectKey : size_t {
  kSubjectTable = IndexOf(format::kSubject, "table"),
  kSubjectGroupBy = IndexOf(format::kSubject, "group_by"),
  kSubjectLabel = IndexOf(format::kSubject, "label"),
  kSubjectAs = IndexOf(format::kSubject, "as"),
};

const std::vector<std::string>& kDerivedKeys = format::Names(format::kDerived);
enum DerivedKey : size_t {
  kDerivedName = IndexOf(format::kDerived, "name"),
  kDerivedFrom = IndexOf(format::kDerived, "from"),
  kDerivedAs = IndexOf(format::kDerived, "as"),
  kDerivedLet = IndexOf(format::kDerived, "let"),
  kDerivedColumns = IndexOf(format::kDerived, "columns"),
  kDerivedSortBy = IndexOf(format::kDerived, "sort_by"),
};

const std::vector<std::string> kSeverities = format::Strings(format::kSeverityNames);
const std::vector<std::string> kPeriodKinds = format::Strings(format::kPeriodKindNames);

std::vector<std::string> RuleKindNames() { return format::Strings(format::kRuleKindNames); }

}  // namespace

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

bool FileChecker::KnownLanguage(const YamlNode& lang, const YamlNode& key) {
  if (lang.kind == YamlNode::Kind::kScalar &&
      std::find(kLanguages.begin(), kLanguages.end(), lang.value) != kLanguages.end()) {
    return true;
  }
  std::string help =
      lang.kind == YamlNode::Kind::kScalar ? DidYouMean(lang.value, kLanguages) : "";
  if (help.empty()) help = "the languages are " + QuoteList(kLanguages);
  Error("pack.bad_language",
        "unknown language " +
            (lang.kind == YamlNode::Kind::kScalar ? Shown(lang) : Describe(lang)) + " in " +
            Quote(key.value),
        lang, std::move(help));
  return false;
}

std::vector<std::pair<std::string, const YamlNode*>> FileChecker::ByLanguage(
    const YamlNode& value, const YamlNode& key) {
  std::vector<std::pair<std::string, const YamlNode*>> out;
  if (value.kind == YamlNode::Kind::kScalar) {
    out.emplace_back("", &value);
    return out;
  }
  const std::string example = "`" + key.value + ": {zh: \"...\", en: \"...\"}`";
  if (value.kind != YamlNode::Kind::kMap) {
    if (value.kind != YamlNode::Kind::kAlias) {
      Error("pack.expected_scalar",
            "expected a text or a map of languages for " + Quote(key.value) + ", found " +
                Describe(value),
            value.kind == YamlNode::Kind::kNull ? key : value,
            "write one text for every language, or one per language: " + example);
    }
    return out;
  }
  bool good = true;
  for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
    const YamlNode& lang = value.items[i];
    const YamlNode& text = value.items[i + 1];
    if (!KnownLanguage(lang, key)) {
      good = false;
      continue;
    }
    const auto repeated = std::find_if(out.begin(), out.end(),
                                       [&](const auto& e) { return e.first == lang.value; });
    if (repeated != out.end()) {
      Error("pack.duplicate_key", "language " + Quote(lang.value) + " is given twice", lang,
            "the first is on line " + std::to_string(Line(*repeated->second)));
      good = false;
      continue;
    }
    if (!Expect(text, YamlNode::Kind::kScalar, &lang, "")) {
      good = false;
      continue;
    }
    out.emplace_back(lang.value, &text);
  }
  if (!good) return {};
  if (out.empty()) {
    Error("pack.missing", Quote(key.value) + " names no language", value,
          "write one text for every language, or one per language: " + example);
    return out;
  }
  const auto en = std::find_if(out.begin(), out.end(),
                               [](const auto& e) { return e.first == "en"; });
  if (en != out.end()) std::rotate(out.begin(), en, en + 1);
  return out;
}

// `effective: {from: 2024-01-01, until: 2025-12-31}` (either may be left
// out): the dates of a rule's periods' first days, or of an as_of, for
// which it is judged.
bool FileChecker::Effective(const YamlNode& key, const YamlNode& value, RuleSpec* rule) {
  if (!Expect(value, YamlNode::Kind::kMap, &key, "")) return false;
  const YamlFields f = ReadFields(value, kEffectiveKeys, "`effective`");
  if (!f.has(0) && !f.has(1)) {
    if (!f.suggested[0] && !f.suggested[1]) {
      Error("pack.missing", "`effective` has neither `from` nor `until`", key,
            "give the first day the rule is in force, the last, or both: "
            "`effective: {from: 2024-01-01}`");
    }
    return false;
  }
  std::optional<Date>* out[] = {&rule->effective_from, &rule->effective_until};
  for (size_t k = 0; k < 2; ++k) {
    if (!f.has(k)) continue;
    const YamlNode& n = *f.values[k];
    std::optional<Date> d;
    if (n.kind == YamlNode::Kind::kScalar) d = Date::Parse(n.value);
    if (!d) {
      Error("pack.bad_effective",
            "`" + kEffectiveKeys[k] + "` of `effective` must be a date, not " + Shown(n), n,
            "write a date as `2024-01-01` (a real calendar date)");
      return false;
    }
    *out[k] = d;
  }
  if (rule->effective_from && rule->effective_until &&
      *rule->effective_until < *rule->effective_from) {
    Error("pack.bad_effective",
          "the rule is effective until " + rule->effective_until->ToString() +
              ", before it is effective from " + rule->effective_from->ToString(),
          *f.values[1], "`until` is the last day the rule is in force, on or after `from`");
    return false;
  }
  return true;
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

  if (f.has(kRuleTitle)) {
    const auto titles = ByLanguage(*f.values[kRuleTitle], *f.keys[kRuleTitle]);
    if (!titles.empty()) rule.title = titles.front().second->value;
    if (!titles.empty() && !titles.front().first.empty()) {
      for (const auto& [lang, node] : titles) rule.titles.emplace_back(lang, node->value);
    }
  }
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

  // `effective: {from: D, until: D}`.
  if (f.has(kRuleEffective)) good = Effective(*f.keys[kRuleEffective],
                                              *f.values[kRuleEffective], &rule) && good;

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
  if (f.has(kRuleMessage)) {
    const auto messages = ByLanguage(*f.values[kRuleMessage], *f.keys[kRuleMessage]);
    if (!messages.empty()) rule.message = Expr(*messages.front().second);
    if (!messages.empty() && !messages.front().first.empty()) {
      for (const auto& [lang, node] : messages) rule.messages.emplace_back(lang, Expr(*node));
    }
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
  bool first_over = false;
  if (!loader_.RuleFits(&first_over)) {
    if (first_over) {
      Error("pack.too_large",
            "the pack has more than " + std::to_string(kMaxRules) + " rules",
            Anchor(id, map), "split it into packs that are loaded one at a time");
    }
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

}  // namespace zhucun::internal::pack_loader
