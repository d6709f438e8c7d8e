#ifndef ZHUCUN_ENGINE_H_
#define ZHUCUN_ENGINE_H_

/// \file
/// A Policy is a compiled policy pack (docs/design/engine.md): its rules and
/// derived tables, type-checked against the pack's schema and parameters.
/// It is immutable and safe to share between threads; Check runs it over a
/// FactSet at an evaluation date and window.
///
///     zhucun::SourceManager sources;
///     auto policy = zhucun::Policy::Load("rules/qiannan", sources);
///     if (!policy.ok()) { std::cerr << policy.diagnostics().Render(sources); }
///     zhucun::CheckOptions options;
///     options.as_of = *zhucun::Date::Parse("2024-06-30");
///     auto report = policy.value().Check(facts, options);

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhucun/column.h"
#include "zhucun/date.h"
#include "zhucun/export.h"
#include "zhucun/expr.h"
#include "zhucun/fact_table.h"
#include "zhucun/records.h"
#include "zhucun/result.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"
#include "zhucun/thread_pool.h"
#include "zhucun/value.h"

namespace zhucun {

namespace internal {
struct PolicyImpl;
struct PolicyAccess;
}  // namespace internal

/// One finding: a rule that fired for a subject (and a period).
struct Finding {
  std::string rule;
  std::string subject;   ///< e.g. `members:M000001`, `persons:P000002`, `prefecture`
  std::string period;    ///< e.g. `2023-Q1`; empty for rules without periods
  std::string severity;  ///< `error` or `warning`
  std::string message;
};

/// A finding that an approved exception record exempts (the optional fact
/// table `exceptions`; docs/rules.md, "Exceptions"): not among
/// Report::findings, and not counted as an error.
struct Exemption {
  Finding finding;
  std::string exception;  ///< the `exception_id` of the record that exempts it
};

/// A table the pack derives from the facts (e.g. assessment grades).
struct DerivedTable {
  std::string name;
  std::vector<std::string> columns;
  /// Each column's type as CEL writes it (`string`, `int`, `decimal`,
  /// `date`, `bool`, ...; `dyn` when the pack's expression has no one type),
  /// parallel to `columns`.
  std::vector<std::string> types;
  /// The cells: one column per name of `columns`, its rows sorted as the
  /// pack says. A column's storage is typed (ColumnType: ints, decimals at
  /// the column's one scale, dates as day numbers, strings as dictionary
  /// codes, a validity mask for nulls) where all its cells that are not
  /// null have one kind (and decimals one scale); otherwise it holds Values.
  std::vector<Column> cells;
  /// The columns the rows are sorted by (the pack's `sort_by`): what names a
  /// row, e.g. for Diff; may be empty.
  std::vector<std::string> key;

  /// The number of rows.
  ZHUCUN_API size_t num_rows() const;
  /// The text of a cell, as `zhucun check --out` writes it: `12.50`,
  /// `2024-06-30`, `true`, a string as it is, empty for null.
  ZHUCUN_API std::string Text(size_t row, size_t column) const;
  /// Appends the text of a cell (as Text) to `out`, read from the typed
  /// storage without making a Value: for writing many cells.
  ZHUCUN_API void AppendText(size_t row, size_t column, std::string* out) const;
  /// The texts of a row's cells.
  ZHUCUN_API std::vector<std::string> Row(size_t row) const;
};

/// When to evaluate.
struct CheckOptions {
  /// The evaluation date.
  Date as_of;
  /// The start of the evaluation window; the pack's `window_start`
  /// parameter when not given.
  std::optional<Date> from;
  /// Threads that evaluate rules (0: one per hardware thread, or with a
  /// pool every thread of it besides the caller's). The report is the same
  /// for any number.
  unsigned threads = 0;
  /// Threads shared with other checks (thread_pool.h); null: the check
  /// starts its own and stops them when it is done.
  std::shared_ptr<ThreadPool> pool;
  /// The language of the findings' messages: a rule whose `message:` is a
  /// map of languages (`{zh: ..., en: ...}`) speaks this one when it has
  /// it, else the pack's default (its `en`, else the first written). Empty:
  /// the default. The pack's own domain kinds speak `en` and `zh`.
  std::string lang;
  /// Measure where the evaluation spends its time (Report::profile).
  bool profile = false;
  /// Plan each rule on the rows of a table or on the prefecture into column
  /// operators that drop the (subject, period) pairs whose `when` is false
  /// for certain, and write the findings whose `when` and message they
  /// know, before the row evaluator judges the rest. The findings, messages and errors
  /// are the same either way; false evaluates every pair with the row
  /// evaluator alone (the reference semantics, for differential tests).
  bool plan = true;
  /// The most comprehension steps (iterations of `all`, `exists`, `map`,
  /// `filter`, ...) the row evaluator may take for one rule in this check,
  /// over all its subjects and periods; 0: no limit. A rule that needs more
  /// is stopped: its findings and errors are replaced by one finding of
  /// severity `error` (empty subject and period) that says so, and the
  /// other rules are judged as usual. The same for any number of threads.
  /// The plan's column operators count no steps (their work is linear in
  /// the rows), so with `plan` a rule needs fewer than without.
  uint64_t max_rule_steps = 0;
  /// When set and true (set by another thread), the check stops at the next
  /// subject and fails with `engine.cancelled`.
  const std::atomic<bool>* cancel = nullptr;
  /// When set, the check stops at the first subject it reaches after this
  /// time and fails with `engine.deadline`.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

/// What one rule (or derived table) cost in a check.
struct RuleProfile {
  /// The rule's id, or `derived:<name>` for a derived table.
  std::string rule;
  /// CPU time spent evaluating it, summed over the threads that shared it.
  double milliseconds = 0;
  /// Subjects evaluated (rows of a derived table's table).
  uint64_t subjects = 0;
  /// (subject, period) pairs judged; for a rule without periods, the
  /// subjects.
  uint64_t judged = 0;
  /// Lets computed, of `lets_bound` (the rule's lets times `judged`): a let
  /// is computed only where `when` or the message needs it.
  uint64_t lets_computed = 0;
  uint64_t lets_bound = 0;
  /// Pairs the row evaluator judged: `judged`, less the pairs the plan
  /// dropped because `when` is false for them for certain, and the findings
  /// the plan wrote itself, knowing `when` true and every hole of the
  /// message.
  uint64_t evaluated = 0;
  /// Findings (rows, for a derived table).
  uint64_t findings = 0;
  /// One step of a rule's plan: a top-level `&&` operand of its `when`, as
  /// written (the whole `when` if it is not a conjunction), and the pairs
  /// for which neither it nor an operand before it is known false — the
  /// pairs the plan still kept after that step.
  struct Step {
    std::string condition;
    uint64_t kept = 0;
  };
  /// For a rule the plan ran, its steps in order (else empty).
  std::vector<Step> steps;
  /// How it was evaluated: "row evaluator" (each subject and period through
  /// the compiled expressions), or "plan, then row evaluator" (the rule's
  /// plan over all its pairs, then the row evaluator over the `evaluated`
  /// pairs the plan could not decide).
  std::string path;
};

/// Where a check spent its time: with CheckOptions::profile.
struct Profile {
  /// One entry per rule, then per derived table, in pack order.
  std::vector<RuleProfile> rules;
  /// Wall time of evaluating every rule and derived table (not reading the
  /// facts, not writing output).
  double evaluation_milliseconds = 0;
  /// Threads that shared the rules.
  unsigned threads = 0;
};

/// What a check found.
struct Report {
  /// Sorted by rule, subject, period (code-point order).
  std::vector<Finding> findings;
  /// The findings exception records exempt, sorted as `findings`.
  std::vector<Exemption> exempted;
  /// The number of exception records the facts hold (rows of the pack's
  /// `exceptions` table; 0 without one).
  size_t exceptions = 0;
  std::vector<DerivedTable> derived;
  /// Set when CheckOptions::profile asked for it.
  std::optional<Profile> profile;
  /// The facts as records, with the relations' indexes the check built:
  /// while a Report holds them, Policy::Explain and Policy::SummaryGroups
  /// (and another Check) on the same facts reuse them instead of building
  /// them again.
  std::shared_ptr<const RecordSet> records;
};

/// Why a rule fired, or did not, for one subject and period: what
/// Policy::Explain returns.
struct Explanation {
  /// A named value that took part in the decision.
  struct Item {
    /// A `let` name, a condition's source text, or a column name.
    std::string name;
    /// The value as text: `null`, `"text"` for strings, `[a, b]` for lists,
    /// `members:M1` for rows; `error: ...` if it failed to evaluate.
    std::string value;
  };
  /// What decided a value computed over a list: an `exists` (the element
  /// that made it true), an `all` (the element that made it false) or a
  /// `filter` (the elements it kept, such as the visits counted against a
  /// quota). A clerk asks "which cadre?", not "was it true?".
  struct Decision {
    /// The comprehension, short: `unit.members.exists(m, …)`.
    std::string expression;
    /// `exists`, `all` or `filter` (a `map` with a condition is a filter).
    std::string kind;
    /// exists, all: the result.
    bool value = false;
    /// The elements of the list it went through.
    size_t of = 0;
    /// exists, all: 1 if an element decided, else 0 (every element gave the
    /// same answer); filter: the elements kept.
    size_t count = 0;
    /// exists, all: the element that decided; filter: the first ones kept
    /// (at most 8). Shown as values are (`members:M000123` for a row).
    std::vector<std::string> elements;
    /// exists, all: what decided the lists in the condition of the element
    /// that decided (for `unit.members.exists(m, m.assessments.exists(..))`
    /// the assessment of that member).
    std::vector<Decision> inner;
  };
  /// One row of the subject, with its cells.
  struct Row {
    std::string name;  ///< e.g. `members:M000001`
    /// Column name and cell value as text (empty for null).
    std::vector<Item> cells;
  };

  std::string rule;
  std::string title;
  std::string severity;  ///< `error` or `warning`
  std::string source;    ///< the policy clause (`source:` of the rule)
  std::string subject;
  std::string period;  ///< empty for rules without periods
  bool fired = false;
  /// The finding's message; empty when the rule did not fire.
  std::string message;
  /// When the rule fired and an exception record exempts the finding: the
  /// record's `exception_id` (the finding is in Report::exempted, not in
  /// Report::findings); else empty.
  std::string exempted_by;
  /// The subject's row (one for a table subject, every row of the group for
  /// a grouped subject, none for the prefecture).
  std::vector<Row> rows;
  /// For a rule whose periods are given by a `periods:` expression: that
  /// expression and the periods it gave for the subject.
  std::optional<Item> periods;
  /// Each `let` of the rule, in order, with its value.
  std::vector<Item> lets;
  /// Each top-level `&&` operand of the rule's `when`, as written, with its
  /// value (the whole `when` if it is not a conjunction).
  std::vector<Item> conditions;
  /// When the rule did not fire: the index in `conditions` of the first one
  /// that is false.
  std::optional<size_t> first_false;
  /// What decided each of `lets` and of `conditions` (same index), for those
  /// that went through a list; empty for the others.
  std::vector<std::vector<Decision>> let_decisions;
  std::vector<std::vector<Decision>> condition_decisions;
};

/// What a pack holds, for listings such as `zhucun validate`.
struct PackInfo {
  /// One rule.
  struct Rule {
    std::string id;
    std::string title;
    std::string kind;      ///< `check`, `visit_quota`, ...
    std::string severity;  ///< `error` or `warning`
    std::string source;    ///< the policy clause
    /// `title:` given per language (`{zh: ..., en: ...}`): language and
    /// title, as written; empty when one title serves every language.
    std::vector<std::pair<std::string, std::string>> titles;
    /// The parameters the rule reads (`params.<name>`), in pack order.
    std::vector<std::string> params;
  };
  std::string name;
  std::string version;
  std::string title;
  std::vector<Rule> rules;              ///< in pack order
  /// One parameter.
  struct Parameter {
    std::string name;
    std::string type;    ///< as CEL writes it: `decimal`, `list(string)`, ...
    std::string value;   ///< the value in effect (the default or the override), as text;
                         ///< with a history, `1100 from 2021-06-01, 1300 from 2024-01-01`
    std::string doc;     ///< what it means (`doc:` in pack.yaml)
    std::string source;  ///< the policy clause it comes from
  };
  std::vector<Parameter> parameters;  ///< in pack order
  std::vector<std::string> derived;     ///< derived table names
  std::vector<std::string> test_files;  ///< as in test_files()
  std::string summary_by;               ///< as in summary_by()
};

/// A parameter value given by a caller, shaped as its YAML form: a scalar's
/// text, a list or a map (e.g. a Python str, list or dict). Policy::Load
/// converts it to the parameter's type exactly as it converts the same value
/// written in YAML: `Scalar("0.25")` for a decimal (exact, never through a
/// double), `List({Scalar("job_transfer"), Scalar("health")})` for a
/// `list(string)`, `Map({{Scalar("weak"), Scalar("party_mass")}})` for a
/// `map(string, string)`.
struct ParamValue {
  enum class Kind : uint8_t { kNull, kScalar, kList, kMap };
  Kind kind = Kind::kNull;
  /// kScalar: the text, as YAML would hold it (no quotes).
  std::string text;
  /// kList: the items; kMap: key, value, key, value, ...
  std::vector<ParamValue> items;

  static ParamValue Scalar(std::string text) {
    ParamValue v;
    v.kind = Kind::kScalar;
    v.text = std::move(text);
    return v;
  }
  static ParamValue List(std::vector<ParamValue> items) {
    ParamValue v;
    v.kind = Kind::kList;
    v.items = std::move(items);
    return v;
  }
  static ParamValue Map(std::vector<std::pair<ParamValue, ParamValue>> entries) {
    ParamValue v;
    v.kind = Kind::kMap;
    v.items.reserve(entries.size() * 2);
    for (auto& [key, value] : entries) {
      v.items.push_back(std::move(key));
      v.items.push_back(std::move(value));
    }
    return v;
  }
};

/// `v` written as one line of flow-style YAML, the text `--param NAME=VALUE`
/// and PackTestOptions::params take (`[a, b]`, `{weak: party_mass}`, `0.25`,
/// a scalar double-quoted when YAML would read it otherwise); "" if `v` is
/// nested more than 64 levels deep.
ZHUCUN_API std::string ParamValueYaml(const ParamValue& v);

/// A compiled policy pack.
class ZHUCUN_API Policy {
 public:
  /// Loads and compiles the pack in folder `dir`; `params` overrides
  /// parameter defaults by name. A value is written as in YAML, as with
  /// `zhucun check --param NAME=VALUE`: `0.25`, `2021-06-01`, a list or map
  /// in flow style (`[job_transfer, health]`, `{weak: party_mass}`); it is
  /// added to `sources` as a file named `--param NAME`, so that a mistake is
  /// shown with a caret into the value. Every problem is reported: a bad
  /// value (`engine.bad_param`, e.g. "expected a decimal number such as
  /// `0.25` for parameter `max_excellent_share`, found `abc`") and an
  /// unknown name (`engine.unknown_param`, with a did-you-mean).
  static Result<Policy> Load(const std::string& dir, SourceManager& sources,
                             const std::map<std::string, std::string>& params = {});
  /// The same, with values given as ParamValue (a scalar's text, a list, a
  /// map) rather than as YAML text; each is converted exactly as the same
  /// value written in YAML, with the same messages (its file in `sources`
  /// is named `param NAME` and holds the value written out in flow style).
  static Result<Policy> Load(const std::string& dir, SourceManager& sources,
                             const std::map<std::string, ParamValue>& params);
  /// The same, with `limits` on every expression of the pack (nesting,
  /// length, and the comprehension steps one evaluation may take, beyond
  /// which it is an error) instead of CompileOptions' defaults: for a
  /// service that takes packs it does not trust, or a test of the limits.
  static Result<Policy> Load(const std::string& dir, SourceManager& sources,
                             const std::map<std::string, std::string>& params,
                             const CompileOptions& limits);

  /// The schema of the pack's fact tables.
  const Schema& schema() const;
  /// The ids of the pack's rules, in pack order.
  std::vector<std::string> rule_ids() const;
  /// The pack's test files (`tests:` in pack.yaml, see docs/pack-tests.md),
  /// as paths inside the pack folder, in the order listed.
  std::vector<std::string> test_files() const;

  /// Evaluates every rule and derived table. An expression that fails on a
  /// row (e.g. a null where a value is needed) is an error diagnostic naming
  /// the rule, subject and period, never a silently missing finding.
  Result<Report> Check(const std::shared_ptr<const FactSet>& facts,
                       const CheckOptions& options) const;

  /// Explains the decision of `rule` on `subject` (a finding's subject, e.g.
  /// `members:M000001`) in `period` (a label such as `2023-Q1`; empty for a
  /// rule without periods), as Check makes it. Also `input.invalid` on
  /// `<table>:<line>` for a row left out in lenient mode. An unknown rule,
  /// subject or period, or an evaluation error, is an error diagnostic.
  Result<Explanation> Explain(const std::shared_ptr<const FactSet>& facts,
                              const CheckOptions& options,
                              const std::string& rule,
                              const std::string& subject,
                              const std::string& period) const;

  /// The pack's name, version, rules, parameters and tables.
  PackInfo info() const;

  /// What the pack's summary groups are called (`summary: by:` in
  /// pack.yaml, e.g. `county`; the first written when it is given per
  /// language); empty when the pack has no summary.
  const std::string& summary_by() const;
  /// The same in `lang` (`by: {en: county, zh: 县}`), else summary_by().
  const std::string& summary_by(std::string_view lang) const;
  /// How a page in `lang` shows the data's `code` (`labels: {zh: {excellent:
  /// 优秀}}` in pack.yaml), else the code itself.
  const std::string& Label(const std::string& code, std::string_view lang) const;
  /// The summary group of each finding (parallel to `findings`): the value
  /// of the pack's `summary: key:` expression for the subject's row as text;
  /// for a grouped subject, the group its rows agree on. Empty when the
  /// subject has none (the prefecture, a table without a key expression,
  /// rows in different groups, or no summary section).
  Result<std::vector<std::string>> SummaryGroups(
      const std::shared_ptr<const FactSet>& facts, const CheckOptions& options,
      const std::vector<Finding>& findings) const;

 private:
  friend struct internal::PolicyAccess;  // src/engine/pack_tests.cc
  explicit Policy(std::shared_ptr<const internal::PolicyImpl> impl)
      : impl_(std::move(impl)) {}
  std::shared_ptr<const internal::PolicyImpl> impl_;
};

/// An explanation as text, as `zhucun explain` prints it: the rule, clause,
/// severity, subject, period and result; each row of the subject with its
/// cells; the periods, the values of the `let`s and the conditions of
/// `when` with their values, the first false one marked, each followed by
/// what decided it (FormatDecision, the inner decisions indented). Columns are
/// aligned for a terminal (text.h); every line ends with `\n`.
ZHUCUN_API std::string FormatExplanation(const Explanation& e);
/// The same in `lang` (`en` or `zh`; anything else is `en`): the headings
/// and labels, and the severity; the rule's title and message are the
/// explanation's own (CheckOptions::lang).
ZHUCUN_API std::string FormatExplanation(const Explanation& e, std::string_view lang);

/// One decision as a line in `lang` (`en` or `zh`), without its inner ones:
/// `unit.members.exists(m, …): true for members:M000123 (of 14)`,
/// `leader.visits.filter(v, …): kept 2 of 5: visits:V1, visits:V4`.
ZHUCUN_API std::string FormatDecision(const Explanation::Decision& d, std::string_view lang);

/// A check's profile as text, slowest rule first, ending with the line
/// `evaluation: <milliseconds> ms`: what `zhucun check --profile` prints.
ZHUCUN_API std::string FormatProfile(const Profile& profile);

}  // namespace zhucun

#endif  // ZHUCUN_ENGINE_H_
