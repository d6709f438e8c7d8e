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

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zhucun/date.h"
#include "zhucun/export.h"
#include "zhucun/fact_table.h"
#include "zhucun/result.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"
#include "zhucun/value.h"

namespace zhucun {

namespace internal {
struct PolicyImpl;
}  // namespace internal

/// One finding: a rule that fired for a subject (and a period).
struct Finding {
  std::string rule;
  std::string subject;   ///< e.g. `members:M000001`, `persons:P000002`, `prefecture`
  std::string period;    ///< e.g. `2023-Q1`; empty for rules without periods
  std::string severity;  ///< `error` or `warning`
  std::string message;
};

/// A table the pack derives from the facts (e.g. assessment grades).
struct DerivedTable {
  std::string name;
  std::vector<std::string> columns;
  /// Rows of cell texts, sorted as the pack says.
  std::vector<std::vector<std::string>> rows;
};

/// When to evaluate.
struct CheckOptions {
  /// The evaluation date.
  Date as_of;
  /// The start of the evaluation window; the pack's `window_start`
  /// parameter when not given.
  std::optional<Date> from;
};

/// What a check found.
struct Report {
  /// Sorted by rule, subject, period (code-point order).
  std::vector<Finding> findings;
  std::vector<DerivedTable> derived;
};

/// A compiled policy pack.
class ZHUCUN_API Policy {
 public:
  /// Loads and compiles the pack in folder `dir`; `params` overrides
  /// parameter defaults by name (values in the parameter's YAML form, e.g.
  /// "0.25"), type-checked. Every problem is reported.
  static Result<Policy> Load(const std::string& dir, SourceManager& sources,
                             const std::map<std::string, std::string>& params = {});

  /// The schema of the pack's fact tables.
  const Schema& schema() const;
  /// The ids of the pack's rules, in pack order.
  std::vector<std::string> rule_ids() const;

  /// Evaluates every rule and derived table. An expression that fails on a
  /// row (e.g. a null where a value is needed) is an error diagnostic naming
  /// the rule, subject and period, never a silently missing finding.
  Result<Report> Check(const std::shared_ptr<const FactSet>& facts,
                       const CheckOptions& options) const;

 private:
  explicit Policy(std::shared_ptr<const internal::PolicyImpl> impl)
      : impl_(std::move(impl)) {}
  std::shared_ptr<const internal::PolicyImpl> impl_;
};

}  // namespace zhucun

#endif  // ZHUCUN_ENGINE_H_
