#ifndef ZHUCUN_SRC_ENGINE_EXCEPTIONS_H_
#define ZHUCUN_SRC_ENGINE_EXCEPTIONS_H_

// Approved exceptions (docs/rules.md, "Exceptions"): the records of the
// optional fact table `exceptions`, each naming a rule, a subject and
// perhaps a period. A finding an exception matches, that is approved and
// in force on the finding's date, is exempted: it leaves the findings for
// Report::exempted. An exception naming an unknown rule, subject or period
// exempts nothing and is a finding of its own; one that matches a finding
// but is not approved or not in force on its date is a warning beside it.
//
// Applied once, here, by Policy::Check, Policy::Explain and the pack tests.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <unordered_map>
#include <vector>

#include "engine/policy_impl.h"
#include "zhucun/date.h"
#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/records.h"
#include "zhucun/schema.h"

namespace zhucun::internal {

// The table of exception records, when a pack's schema declares it.
inline constexpr const char* kExceptionsTable = "exceptions";

// Whether `rule` is the rule of a finding exception records give of
// themselves (PackSpec::exception_ids: `exceptions.unknown_rule`,
// `.unknown_subject`, `.unknown_period`, `.not_in_force` unless the pack
// chooses other ids), in a pack that has exception records.
bool IsExceptionRule(const PackSpec& pack, const std::string& rule);

// At load: the `exceptions` table of a pack's schema, if it declares one,
// has the columns exceptions are read from, of fitting types
// (pack.bad_exceptions, at the table or the column), and no rule of the pack
// takes an id of the records' own findings, nor two of those one id
// (pack.bad_id).
void CheckExceptions(const PackSpec& pack, Diagnostics* diags);

class ExceptionRecords {
 public:
  // The exception records of `records`' facts (none when the schema or the
  // facts have no `exceptions` table), checked against the pack's rules and
  // subjects.
  ExceptionRecords(const PolicyImpl& p, const RecordSet& records, Date as_of);

  // Whether the facts hold an exception record.
  bool empty() const { return records_.empty(); }
  // The number of exception records.
  size_t size() const { return records_.size(); }

  // The id of the exception that exempts finding `f`, or nullopt.
  std::optional<std::string> Exempting(const Finding& f) const;

  // Moves the findings an exception exempts from *findings to *exempted
  // (in the order of *findings), and adds the exceptions' own findings to
  // *findings (unsorted).
  void Apply(std::vector<Finding>* findings, std::vector<Exemption>* exempted) const;

  // The warnings (exceptions.not_in_force) of the records that match
  // finding f but are not in force on its date, when none exempts it.
  std::vector<Finding> NotesOn(const Finding& f) const;

  // The rule and subject named by the record whose subject in findings is
  // `name` (`exceptions:<id>`), or nullopt (also for a record naming an
  // unknown rule, subject or period).
  std::optional<std::pair<std::string, std::string>> Names(const std::string& name) const;

  // The exceptions' own findings about unknown rules, subjects and periods.
  const std::vector<Finding>& problems() const { return problems_; }

 private:
  struct Record {
    std::string id;
    std::string name;  // `exceptions:<id>`, its subject in findings
    std::string rule;
    std::string subject;
    std::string period;  // empty: every period
    std::string approved_by;
    std::optional<Date> approved_on;
    Date valid_from;
    std::optional<Date> valid_until;
    bool usable = true;  // it names a rule, a subject and a period that exist
  };

  // Why record r does not exempt a finding dated `day` ("" when it does).
  std::string NotInForce(const Record& r, Date day) const;

  // The record exempting f, or null; the warnings of the matching records
  // not in force in *notes (if not null) when none does.
  const Record* Match(const Finding& f, std::vector<Finding>* notes) const;

  Date as_of_;
  std::string not_in_force_;  // its rule id
  std::vector<Record> records_;
  // (rule, subject) -> the records naming them, in table order.
  std::unordered_map<std::string, std::vector<size_t>> by_finding_;
  std::vector<Finding> problems_;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_ENGINE_EXCEPTIONS_H_
