// Approved exceptions (exceptions.h; docs/rules.md, "Exceptions").

#include "engine/exceptions.h"

#include <string>
#include <utility>
#include <vector>

#include "engine/row_name.h"
#include "engine/subject_finder.h"
#include "source/quote.h"
#include "zhucun/fact_table.h"

namespace zhucun::internal {

namespace {

// The columns of the exceptions table: name, whether it may be null, the
// cell types it may have.
struct ExceptionColumn {
  const char* name;
  bool nullable;
  bool date;  // a date; else text (id, text or code)
};

constexpr ExceptionColumn kColumns[] = {
    {"exception_id", false, false}, {"rule", false, false},
    {"subject", false, false},      {"period", true, false},
    {"reason", false, false},       {"approved_by", true, false},
    {"approved_on", true, true},    {"valid_from", false, true},
    {"valid_until", true, true},
};

bool IsText(CellType t) {
  return t == CellType::kId || t == CellType::kText || t == CellType::kCode;
}

// The text of a cell, "" for null.
std::string CellText(const FactTable& t, const char* column, uint32_t row) {
  const Column* c = t.column(column);
  if (c == nullptr) return {};
  const Value v = c->Get(row);
  return v.kind() == ValueKind::kString ? v.string_value() : std::string();
}

std::optional<Date> CellDate(const FactTable& t, const char* column, uint32_t row) {
  const Column* c = t.column(column);
  if (c == nullptr) return std::nullopt;
  const Value v = c->Get(row);
  if (v.kind() != ValueKind::kDate) return std::nullopt;
  return v.date_value();
}

std::string Key(const std::string& rule, const std::string& subject) {
  return rule + '\x1f' + subject;
}

// The day a finding is judged on: its period's last day, or as_of.
Date FindingDay(const Finding& f, Date as_of) {
  if (f.period.empty()) return as_of;
  const std::optional<Period> p = Period::Parse(f.period);
  return p ? p->end() : as_of;
}

}  // namespace

bool IsExceptionRule(const PackSpec& pack, const std::string& rule) {
  const PackSpec::ExceptionFindingIds& ids = pack.exception_ids;
  return pack.schema.FindTable(kExceptionsTable) != nullptr &&
         (rule == ids.unknown_rule || rule == ids.unknown_subject ||
          rule == ids.unknown_period || rule == ids.not_in_force);
}

void CheckExceptions(const PackSpec& pack, Diagnostics* diags) {
  const TableSchema* t = pack.schema.FindTable(kExceptionsTable);
  if (t == nullptr) return;
  const PackSpec::ExceptionFindingIds& ids = pack.exception_ids;
  const std::string* own[] = {&ids.unknown_rule, &ids.unknown_subject, &ids.unknown_period,
                              &ids.not_in_force};
  for (const RuleSpec& rule : pack.rules) {
    if (IsExceptionRule(pack, rule.id)) {
      diags->Error("pack.bad_id",
                   "rule id " + Quote(rule.id) + " is taken by the exception records' findings",
                   rule.span,
                   "with an `exceptions` table, the records' own findings have the ids of "
                   "`exception_findings` in pack.yaml (docs/rules.md, \"Exceptions\"); choose "
                   "another");
    }
  }
  for (size_t a = 0; a < 4; ++a) {
    for (size_t b = a + 1; b < 4; ++b) {
      if (*own[a] == *own[b]) {
        diags->Error("pack.bad_id",
                     "the exception records' findings take the id " + Quote(*own[a]) + " twice",
                     ids.spans.empty() ? t->span : ids.spans.back(),
                     "give each of unknown_rule, unknown_subject, unknown_period and "
                     "not_in_force its own id");
        return;
      }
    }
  }
  if (t->key != "exception_id") {
    diags->Error("pack.bad_exceptions",
                 "the `exceptions` table must have the key `exception_id`", t->span,
                 "exception records are named by their id: `key: exception_id`");
  }
  for (const ExceptionColumn& want : kColumns) {
    const ColumnSchema* c = t->FindColumn(want.name);
    const std::string kind = want.date ? "a date" : "text (id, text or code)";
    if (c == nullptr) {
      diags->Error("pack.bad_exceptions",
                   "the `exceptions` table has no column " + Quote(want.name), t->span,
                   std::string("exceptions need the columns exception_id, rule, subject, ") +
                       "period, reason, approved_by, approved_on, valid_from, valid_until; " +
                       Quote(want.name) + " is " + kind +
                       (want.nullable ? " (nullable)" : ""));
      continue;
    }
    const bool fits = want.date ? c->type == CellType::kDate : IsText(c->type);
    if (!fits) {
      diags->Error("pack.bad_exceptions",
                   "column " + Quote(want.name) + " of `exceptions` must be " + kind +
                       ", not " + CellTypeName(c->type),
                   c->span);
    } else if (c->nullable && !want.nullable) {
      diags->Error("pack.bad_exceptions",
                   "column " + Quote(want.name) + " of `exceptions` cannot be nullable",
                   c->span, "an exception always names its " + std::string(want.name));
    }
  }
}

ExceptionRecords::ExceptionRecords(const PolicyImpl& p, const RecordSet& records, Date as_of)
    : as_of_(as_of), not_in_force_(p.pack.exception_ids.not_in_force) {
  const TableSchema* schema = p.pack.schema.FindTable(kExceptionsTable);
  const FactTable* t = records.facts().table(kExceptionsTable);
  if (schema == nullptr || t == nullptr || t->num_rows() == 0) return;
  const int key = schema->ColumnIndex(schema->key);
  const PackSpec::ExceptionFindingIds& ids = p.pack.exception_ids;
  SubjectFinder subjects(p, records);
  std::vector<std::string> rule_ids;
  for (const CompiledRule& r : p.rules) rule_ids.push_back(r.spec.id);
  for (uint32_t row = 0; row < t->num_rows(); ++row) {
    Record r;
    r.id = CellText(*t, "exception_id", row);
    r.name = RowName(*t, key, row);
    r.rule = CellText(*t, "rule", row);
    r.subject = CellText(*t, "subject", row);
    const std::string& rule_id = r.rule;
    const std::string& subject = r.subject;
    r.period = CellText(*t, "period", row);
    r.approved_by = CellText(*t, "approved_by", row);
    r.approved_on = CellDate(*t, "approved_on", row);
    r.valid_from = CellDate(*t, "valid_from", row).value_or(as_of);
    r.valid_until = CellDate(*t, "valid_until", row);
    const auto problem = [&](const std::string& rule, const std::string& message,
                             const std::string& help) {
      problems_.push_back({rule, r.name, "", "error",
                           message + (help.empty() ? "" : " (" + help + ")")});
      r.usable = false;
    };
    const CompiledRule* rule = nullptr;
    for (const CompiledRule& c : p.rules) {
      if (c.spec.id == rule_id) rule = &c;
    }
    if (rule == nullptr) {
      const std::string best = ClosestMatch(rule_id, rule_ids);
      problem(ids.unknown_rule, "the pack has no rule " + Quote(rule_id),
              best.empty() ? "" : "did you mean " + Quote(best) + "?");
    } else {
      Diagnostics why;
      if (!subjects.Find(*rule, subject, &why)) {
        if (why.empty()) {
          problem(ids.unknown_subject, "unknown subject " + Quote(subject), "");
        } else {
          problem(ids.unknown_subject, why.items().front().message,
                  why.items().front().help);
        }
      } else if (!r.period.empty()) {
        const std::optional<Period> period = Period::Parse(r.period);
        const bool has_periods = rule->spec.period || rule->periods;
        if (!period) {
          problem(ids.unknown_period, Quote(r.period) + " is not a period",
                  "write a year `2023`, a half `2023-H1`, a quarter `2023-Q3` or a month "
                  "`2023-07`, or leave it empty for every period");
        } else if (!has_periods) {
          problem(ids.unknown_period,
                  "rule " + Quote(rule_id) + " has no periods, but " + Quote(r.period) +
                      " was given",
                  "leave the period empty");
        } else if (rule->spec.period && period->kind() != *rule->spec.period) {
          problem(ids.unknown_period,
                  "rule " + Quote(rule_id) + " is judged per " +
                      PeriodKindName(*rule->spec.period) + ", but " + Quote(r.period) +
                      " is a " + PeriodKindName(period->kind()),
                  "");
        }
      }
    }
    if (r.usable) by_finding_[Key(rule_id, subject)].push_back(records_.size());
    records_.push_back(std::move(r));
  }
}

std::string ExceptionRecords::NotInForce(const Record& r, Date day) const {
  if (r.approved_by.empty() || !r.approved_on) {
    return "it is not approved (approved_by and approved_on must both be given)";
  }
  if (as_of_ < *r.approved_on) {
    return "it is approved on " + r.approved_on->ToString() + ", after the check's date " +
           as_of_.ToString();
  }
  if (r.valid_until && *r.valid_until < r.valid_from) {
    return "its valid_until " + r.valid_until->ToString() + " is before its valid_from " +
           r.valid_from.ToString();
  }
  if (day < r.valid_from) {
    return "it is valid from " + r.valid_from.ToString() + ", after the finding's date " +
           day.ToString();
  }
  if (r.valid_until && *r.valid_until < day) {
    return "it expired on " + r.valid_until->ToString() + ", before the finding's date " +
           day.ToString();
  }
  return {};
}

const ExceptionRecords::Record* ExceptionRecords::Match(const Finding& f,
                                                        std::vector<Finding>* notes) const {
  const auto it = by_finding_.find(Key(f.rule, f.subject));
  if (it == by_finding_.end()) return nullptr;
  const Date day = FindingDay(f, as_of_);
  std::vector<Finding> mine;
  for (size_t i : it->second) {
    const Record& r = records_[i];
    if (!r.period.empty() && r.period != f.period) continue;
    const std::string why = NotInForce(r, day);
    if (why.empty()) return &r;
    mine.push_back({not_in_force_, r.name, f.period, "warning",
                    "does not exempt " + Quote(f.rule) + " on " + Quote(f.subject) + ": " +
                        why});
  }
  if (notes != nullptr) {
    for (Finding& n : mine) notes->push_back(std::move(n));
  }
  return nullptr;
}

std::optional<std::string> ExceptionRecords::Exempting(const Finding& f) const {
  const Record* r = Match(f, nullptr);
  if (r == nullptr) return std::nullopt;
  return r->id;
}

std::vector<Finding> ExceptionRecords::NotesOn(const Finding& f) const {
  std::vector<Finding> notes;
  if (Match(f, &notes) != nullptr) notes.clear();
  return notes;
}

std::optional<std::pair<std::string, std::string>> ExceptionRecords::Names(
    const std::string& name) const {
  for (const Record& r : records_) {
    if (r.name == name && r.usable) return std::make_pair(r.rule, r.subject);
  }
  return std::nullopt;
}

void ExceptionRecords::Apply(std::vector<Finding>* findings,
                             std::vector<Exemption>* exempted) const {
  if (records_.empty()) return;
  std::vector<Finding> kept;
  std::vector<Finding> notes;
  kept.reserve(findings->size());
  for (Finding& f : *findings) {
    const Record* r = Match(f, &notes);
    if (r == nullptr) {
      kept.push_back(std::move(f));
    } else {
      exempted->push_back({std::move(f), r->id});
    }
  }
  for (const Finding& p : problems_) kept.push_back(p);
  for (Finding& n : notes) kept.push_back(std::move(n));
  *findings = std::move(kept);
}

}  // namespace zhucun::internal
