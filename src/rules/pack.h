#ifndef ZHUCUN_SRC_RULES_PACK_H_
#define ZHUCUN_SRC_RULES_PACK_H_

// A policy pack as written: the manifest, parameters, functions, rules and
// derived tables, with the position of every part, before any expression is
// compiled. LoadPack reads the YAML files of a pack folder into a PackSpec
// and reports every problem it finds (see docs/design/engine.md).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "facts/format.h"
#include "zhucun/date.h"
#include "zhucun/diagnostic.h"
#include "zhucun/result.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"
#include "zhucun/type.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// An expression written in a YAML scalar. `offset` is where the value's text
// starts in the file (after an opening quote; at the first content character
// of a block scalar). When `exact` is set, `text` is byte for byte the
// file's text at [offset, offset + text.size()) (a single-line plain scalar,
// a single-quoted one without `''`, a double-quoted one without escapes), so
// diagnostics point into the file; otherwise (block scalars `|` and `>`,
// multi-line plain or quoted scalars, escapes) they point at `span`, which
// covers the whole scalar.
struct ExprText {
  std::string text;
  FileId file = kNoFile;
  uint32_t offset = 0;
  bool exact = false;
  SourceSpan span;
  // When not `exact`: where the scalar's text ends in the file (from
  // `offset`), for a block or multi-line scalar; the engine compiles that
  // text instead when it reads the same as `text` (engine.cc, CompileText).
  uint32_t raw_end = 0;

  bool present() const { return span.file != kNoFile || !text.empty(); }
};

// A parameter: `name: {type: decimal, default: 0.10, doc: ..., source: ...}`.
// One value of a parameter's history: in force from `from` until the next
// one's `from`.
struct ParamChange {
  Date from;
  Value value;       // converted to the parameter's type
  SourceSpan span;   // of the entry
};

struct ParamSpec {
  std::string name;
  Type type;
  Value value;        // the default, converted to `type` (with a history: its last value)
  // `history:` instead of `default:`, in order of `from` (empty without).
  std::vector<ParamChange> history;
  std::string doc;
  std::string source;
  SourceSpan span;    // of the name
  SourceSpan value_span;
};

// A function defined in the pack: `name(a, b): <CEL>`; calls are inlined.
struct FunctionSpec {
  std::string name;
  std::vector<std::string> params;
  ExprText body;
  SourceSpan span;
};

// A named sub-expression of a rule or derived table: `let: {name: <CEL>}`,
// evaluated in order, each seeing the ones before it.
struct LetSpec {
  std::string name;
  ExprText expr;
  SourceSpan span;
};

// Who a rule is about.
struct SubjectSpec {
  enum class Kind : uint8_t {
    kTable,       // one subject per row: `<table>:<key>`
    kGroup,       // one per distinct value of group_by: `<label>:<value>`
    kPrefecture,  // a single subject named `label` (default "prefecture")
  };
  Kind kind = Kind::kTable;
  std::string table;
  std::string group_by;
  std::string label;  // kTable: the table; kGroup: e.g. "persons"
  std::string as;     // the variable: the row, or the list of rows (kGroup)
  SourceSpan span;
};

// The rule kinds (`kind:`) are format::kRuleKindNames (facts/format.h);
// anything else is rejected with a did-you-mean.

// Where an argument of a domain kind was written, and the items of a list
// or map argument one by one, for the kinds that read them separately
// (src/rules/kinds.h).
struct KindArgSpec {
  enum class Form : uint8_t { kNull, kScalar, kList, kMap };
  // One item: a list item (name "") or a map entry. A nested list or map is
  // its CEL literal, as in RuleSpec::args.
  struct Item {
    std::string name;
    SourceSpan name_span;
    Form form = Form::kNull;  // of the value
    ExprText value;
  };
  Form form = Form::kNull;
  SourceSpan key;  // of the argument's name
  std::vector<Item> items;
};

// One rule. Domain kinds (`kind:` other than `check`) keep their own
// arguments in `args` (and `arg_details`, parallel to it): every key that is
// not a key of a general rule, in file order. A scalar argument is its text;
// a list or map argument is turned into a CEL list or map literal of the
// texts of its items (`[a, b]`, `{'key': value}`, map keys quoted), not
// `exact`. LoadPack expands them into the general keys (ExpandKinds) and
// keeps `kind` and the arguments for explanations.
// The languages a rule's `title` and `message` may be written in, as a map
// `{zh: ..., en: ...}` (the CLI's `--lang`).
inline const std::vector<std::string> kLanguages = format::Strings(format::kLanguageNames);

struct RuleSpec {
  std::string id;
  std::string title;  // in the default language (below)
  // `title:` written as a map of language -> text, in the order written;
  // empty for a plain `title:`. `title` holds its `en` entry, else its first.
  std::vector<std::pair<std::string, std::string>> titles;
  std::string severity;  // "error" or "warning"
  std::string source;    // the policy clause
  std::string kind = "check";
  SubjectSpec subject;
  std::optional<PeriodKind> period;
  ExprText periods;  // optional: CEL list of periods per subject
  std::vector<LetSpec> lets;
  ExprText when;
  ExprText message;  // template: text with {expr} holes
  // `message:` written as a map of language -> template (as `titles`);
  // `message` is the default among them. A domain kind's own message comes
  // in every language of kLanguages.
  std::vector<std::pair<std::string, ExprText>> messages;
  std::vector<std::pair<std::string, ExprText>> args;  // domain kinds
  std::vector<KindArgSpec> arg_details;                 // parallel to args
  SourceSpan span;       // of the id
  SourceSpan kind_span;  // of the `kind:` value, if given
  // `effective: {from: D, until: D}`: the rule is judged only for periods
  // whose first day (or, without periods, an as_of) is in [from, until].
  std::optional<Date> effective_from;
  std::optional<Date> effective_until;
};

// The title of `rule` in `lang`, else its default.
inline const std::string& TitleIn(const RuleSpec& rule, std::string_view lang) {
  for (const auto& [l, title] : rule.titles) {
    if (l == lang) return title;
  }
  return rule.title;
}

// A derived table: one row per row of `from`, columns computed by CEL.
struct DerivedSpec {
  std::string name;   // also the output file <name>.csv
  std::string from;   // source table
  std::string as;     // the row variable
  std::vector<LetSpec> lets;
  std::vector<std::pair<std::string, ExprText>> columns;  // in output order
  std::vector<std::string> sort_by;                        // column names
  SourceSpan span;
};

// `summary:` in pack.yaml: how a check's findings are counted by group
// (e.g. by county). A finding whose subject is a row of `table` belongs to
// the group `expr` gives for that row, the row named `as` (the table's
// singular: `members` -> `member`).
struct SummaryKeySpec {
  std::string table;
  std::string as;
  ExprText expr;
  SourceSpan table_span;
};

struct SummarySpec {
  std::string by;  // what a group is called, e.g. "county" (the first written)
  // `by: {en: county, zh: 县}`: language and name, as written; empty when
  // one name serves every language.
  std::vector<std::pair<std::string, std::string>> bys;
  std::vector<SummaryKeySpec> keys;
  SourceSpan span;  // of the `summary` key
};

// An argument's text that the expansion of a domain kind pasted into its
// generated source: a diagnostic wholly inside `in_expansion` is reported at
// the argument itself, `offset` onwards in `file`.
struct PastedText {
  SourceSpan in_expansion;
  FileId file = kNoFile;
  uint32_t offset = 0;
  // For a text folded from several lines of the file: the file position of
  // each of its bytes (else empty: the text is the file's from `offset`).
  std::vector<uint32_t> positions;
};

struct PackSpec {
  std::string dir;
  FileId file = kNoFile;  // pack.yaml
  std::string name;
  std::string version;
  std::string title;
  // `labels:`: per language, how a page shows the data's codes.
  std::map<std::string, std::map<std::string, std::string>> labels;
  Schema schema;
  std::vector<ParamSpec> params;
  std::vector<FunctionSpec> functions;
  std::vector<RuleSpec> rules;
  std::vector<DerivedSpec> derived;
  std::vector<std::string> test_files;  // paths, resolved inside the pack
  std::optional<SummarySpec> summary;
  // The rule ids of the findings exception records give of themselves
  // (engine/exceptions.h), by default `exceptions.*`; pack.yaml's
  // `exception_findings:` chooses others.
  struct ExceptionFindingIds {
    std::string unknown_rule = "exceptions.unknown_rule";
    std::string unknown_subject = "exceptions.unknown_subject";
    std::string unknown_period = "exceptions.unknown_period";
    std::string not_in_force = "exceptions.not_in_force";
    std::vector<SourceSpan> spans;  // of the ids given (in that order), for messages
  } exception_ids;
  std::vector<PastedText> pasted;  // by the expansion of domain kinds
};

// `s` as a CEL string literal (single quotes, `\\`, `\'` and `\n` escaped).
std::string CelString(std::string_view s);

// Reads `<dir>/pack.yaml` and everything it includes (confined to `dir`).
// Every problem is reported (codes `pack.*`, and `schema.*` from the schema
// file), ordered by file and position; never throws.
// When the pack has errors, `partial` is not null, and pack.yaml and the
// schema could be read, *partial is set to what was read: every rule,
// parameter, function and derived table without a mistake of its own. The
// engine compiles its expressions too, so that one run reports every
// mistake (engine.cc, LoadImpl).
Result<PackSpec> LoadPack(const std::string& dir, SourceManager& sources,
                          std::optional<PackSpec>* partial = nullptr);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_RULES_PACK_H_
