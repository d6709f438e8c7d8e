#ifndef ZHUCUN_SRC_ENGINE_POLICY_IMPL_H_
#define ZHUCUN_SRC_ENGINE_POLICY_IMPL_H_

// The inside of a compiled Policy, shared by the engine's files (engine.cc
// compiles and checks, explain.cc explains one finding).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rules/pack.h"
#include "zhucun/date.h"
#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/expr.h"
#include "zhucun/records.h"
#include "zhucun/value.h"

namespace zhucun::internal {

struct PlannedColumn;  // (plan/rule_plan.h)

// A message template: literal text and holes.
struct MessagePart {
  std::string text;                // literal, when !program
  std::optional<Program> program;  // a hole
};

struct CompiledRule {
  RuleSpec spec;
  std::optional<Program> periods;
  std::vector<std::pair<std::string, Program>> lets;
  // Per let: whether its value depends on the period (it reads `period` or
  // a let that does); the others are computed at most once per subject.
  std::vector<bool> let_per_period;
  std::optional<Program> when;
  std::vector<MessagePart> message;  // in the pack's default language
  // The message in the other languages it is written in (`message: {zh:
  // ..., en: ...}`), by language.
  std::vector<std::pair<std::string, std::vector<MessagePart>>> other_messages;
  // The tables its expressions read as `facts.<table>` (engine.cc,
  // FactsRead); nullopt when one reads `facts` otherwise.
  std::optional<std::set<std::string>> facts_read;
  // For explanations (explain.cc): each top-level `&&` operand of `when`,
  // with its source text; empty when `when` is not a conjunction.
  std::vector<std::pair<std::string, Program>> conditions;
};

// The message of `rule` in `lang` (CheckOptions::lang), else its default.
inline const std::vector<MessagePart>& MessageIn(const CompiledRule& rule,
                                                 std::string_view lang) {
  for (const auto& [l, parts] : rule.other_messages) {
    if (l == lang) return parts;
  }
  return rule.message;
}

// Calls `f` with the program of every hole of every language's message.
template <typename F>
void ForEachMessageHole(const CompiledRule& rule, F&& f) {
  for (const MessagePart& part : rule.message) {
    if (part.program) f(*part.program);
  }
  for (const auto& [lang, parts] : rule.other_messages) {
    for (const MessagePart& part : parts) {
      if (part.program) f(*part.program);
    }
  }
}

// Whether any expression of the rule (its messages too) reads
// `params.<name>` (effective.cc).
bool ReadsParam(const CompiledRule& rule, const std::string& name);

struct CompiledDerived {
  DerivedSpec spec;
  std::vector<std::pair<std::string, Program>> lets;
  std::vector<std::pair<std::string, Program>> columns;
};

// A `summary: key:` expression of pack.yaml, for the rows of `table`.
struct CompiledSummaryKey {
  std::string table;
  Program program;
};

struct PolicyImpl {
  PackSpec pack;
  // The limits every expression of the pack is compiled with.
  CompileOptions limits;
  // The tables some expression reads as `facts.<table>`: the only ones the
  // `facts` variable holds (listing every row of a table costs); nullopt
  // when an expression reads `facts` otherwise (then every table).
  std::optional<std::set<std::string>> facts_read;
  std::unique_ptr<RecordTypes> types;
  ValueMap params;
  // The parameters given by a history (pack.yaml `history:`, not overridden
  // by the caller): their values by date; `params` holds the last value.
  std::map<std::string, std::vector<ParamChange>> history;
  std::vector<CompiledRule> rules;
  std::vector<CompiledDerived> derived;
  std::vector<CompiledSummaryKey> summary_keys;
  // The record set (rows and relation indexes) a check last built, while a
  // Report holds it: Check, Explain and SummaryGroups on the same facts
  // reuse it instead of building it again (RecordsFor).
  mutable std::mutex records_mutex;
  mutable std::weak_ptr<const RecordSet> last_records;
};

// The inside of a Policy, for the engine's files that need it (a friend of
// Policy): the test runner (pack_tests.cc), ReadsOf and Restrict (reads.cc).
struct PolicyAccess {
  static const PolicyImpl& Impl(const Policy& p) { return *p.impl_; }
  static const std::shared_ptr<const PolicyImpl>& Shared(const Policy& p) { return p.impl_; }
  static Policy Make(std::shared_ptr<const PolicyImpl> impl) { return Policy(std::move(impl)); }
};

// The record set of `facts` for `p`: the one the last check built if it is
// still held (by a Report) and of the same facts, else a new one.
std::shared_ptr<const RecordSet> RecordsFor(const PolicyImpl& p,
                                            const std::shared_ptr<const FactSet>& facts);

// Compiles an expression written in the pack, with diagnostics pointing
// into the pack's file where its text can be found there; `what` names the
// expression otherwise.
Result<Program> CompileText(const Env& env, const ExprText& e, SourceManager& sources,
                            const std::string& what, const CompileOptions& limits);

// `s` with every run of whitespace made one space, none at either end:
// `a  b\n   c` -> `a b c`.
std::string CollapseSpace(std::string_view s);

// Text of a value in messages and derived tables.
std::string Text(const Value& v);
// Appends Text(c.Get(i)) to *out (without making the value).
void AppendText(const PlannedColumn& c, size_t i, std::string* out);

// Derived table `d` over `facts` (derived.cc): its rows through the plan
// where it can (with `plan`) and the row evaluator elsewhere, in parts of
// its rows that the check's threads evaluate at once (one part for one
// thread), then put together and sorted. The table, the errors of its rows
// and its profile entry (with `profile`) are the same however many parts.
class DerivedTask {
 public:
  DerivedTask(const PolicyImpl& p, const CompiledDerived& d, const FactSet& facts,
              const RecordSet& records, const Activation& base, bool plan, size_t threads,
              bool profile);
  ~DerivedTask();
  DerivedTask(const DerivedTask&) = delete;
  DerivedTask& operator=(const DerivedTask&) = delete;

  size_t parts() const;
  // Evaluates part k (each part once, on any thread). The part that
  // finishes last also puts the table together: true for it.
  bool Run(size_t k);
  // After every part has run: the table, the errors of its rows (in row
  // order), and its profile entry but for the time.
  DerivedTable& table();
  Diagnostics& diags();
  RuleProfile& profile();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The rows of a part of a derived table (DerivedTask); 0: four parts per
// thread, in whole blocks of 4,096 rows, four blocks at least. Tests set it.
extern size_t derived_part_rows;

// The window start: `options.from`, else the pack's `window_start`
// parameter; nullopt (with an error in `diags`) if neither is there.
std::optional<Date> WindowStart(const PolicyImpl& p, const CheckOptions& options,
                                Diagnostics* diags);

// What every expression of the pack sees: as_of, from, params (their values
// on `day`, as_of when not given: see ParamsOn), facts: the tables
// `tables_read` names (nullopt: all), PolicyImpl::facts_read when null.
// Listing a table's records costs, so that Explain lists only its rule's.
Activation BaseActivation(const PolicyImpl& p, const RecordSet& records,
                          Date from, Date as_of, std::optional<Date> day = std::nullopt,
                          const std::optional<std::set<std::string>>* tables_read = nullptr);

// Effective dating (effective.cc; docs/rules.md, "Policy over time").
//
// The parameters on `day`: a parameter with a history has the value whose
// `from` is the last on or before `day`, and none before its first `from`.
ValueMap ParamsOn(const PolicyImpl& p, Date day);

// A part of a check in which a rule sees one set of parameter values: the
// periods whose first day is in [first, last] (unbounded where nullopt), each
// judged with the parameters of `day`.
struct RuleSegment {
  std::optional<Date> first;
  std::optional<Date> last;
  Date day;
  bool Contains(Date d) const { return (!first || !(d < *first)) && (!last || !(*last < d)); }
};

// The segments of `rule` in a check as of `as_of`: for a rule with periods,
// one per stretch of days in which the rule is effective and the parameters
// it reads have a value that does not change (a period is judged by the
// values on its first day), none where it is not effective or a parameter
// it reads has no value yet; for a rule without periods, the one for as_of,
// or none. A rule that reads no parameter with a history and has no
// `effective` has one segment: every period, the values on as_of.
std::vector<RuleSegment> RuleSegments(const PolicyImpl& p, const CompiledRule& rule, Date as_of);

// Where a rule is not judged on `day` (its first period day, or as_of): why
// (not effective, or a parameter it reads has no value yet); else "".
std::string NotJudgedOn(const PolicyImpl& p, const CompiledRule& rule, Date day);

// The periods `rule` judges for the subject bound in `act`: the judged
// periods of its `period` kind in [from, as_of], or its `periods` list
// (sorted, without repeats); none for a rule without periods; nullopt with
// the message in `error` when `periods` fails to evaluate. The check and
// explain both use it.
std::optional<std::vector<Period>> PeriodsOf(const CompiledRule& rule,
                                             const Activation& act, Date from,
                                             Date as_of, std::string* error);

// Splits the rule's `when` into its top-level `&&` operands and compiles
// each in `env` (the rule's, with its lets) into rule->conditions
// (explain.cc). Leaves them empty if `when` is not a conjunction.
void CompileConditions(const Env& env, const ExprText& when, const CompileOptions& limits,
                       CompiledRule* rule);

// Type-checks the pack's `summary: key:` expressions (explain.cc) in `base`
// with the table's row declared, into p->summary_keys.
void CompileSummary(const Env& base, PolicyImpl* p, SourceManager& sources,
                    Diagnostics* diags);

// Policy::Check gives back the pages of its chunks' findings as it merges
// them when they take at least this many bytes (64 MiB; tests lower it).
extern size_t findings_give_back_bytes;

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_ENGINE_POLICY_IMPL_H_
