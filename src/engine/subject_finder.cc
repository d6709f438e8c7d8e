// SubjectFinder (subject_finder.h): a rule's subject found by its name.

#include "engine/subject_finder.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "source/quote.h"
#include "zhucun/fact_table.h"

namespace zhucun::internal {

std::string KeyName(const TableSchema& t) {
  return t.key.empty() ? "line" : t.key;
}

std::optional<FoundSubject> SubjectFinder::Find(const CompiledRule& rule,
                                                const std::string& name,
                                                Diagnostics* diags) {
  const SubjectSpec& s = rule.spec.subject;
  const std::string& id = rule.spec.id;
  if (s.kind == SubjectSpec::Kind::kPrefecture) {
    if (name == s.label) return FoundSubject{};
    diags->Error("engine.unknown_subject",
                 "rule " + Quote(id) + " has one subject, " + Quote(s.label) +
                     ", not " + Quote(name),
                 SourceSpan{});
    return std::nullopt;
  }
  const TableSchema* schema = p_.pack.schema.FindTable(s.table);
  const FactTable* table = records_.facts().table(s.table);
  if (schema == nullptr || table == nullptr) return std::nullopt;
  const std::string column =
      s.kind == SubjectSpec::Kind::kGroup ? s.group_by : KeyName(*schema);
  const std::string prefix = s.label + ":";
  if (!name.starts_with(prefix)) {
    diags->Error("engine.unknown_subject",
                 "rule " + Quote(id) + " is about " +
                     (s.kind == SubjectSpec::Kind::kGroup
                          ? "rows of " + Quote(s.table) + " grouped by " +
                                Quote(s.group_by)
                          : "rows of " + Quote(s.table)) +
                     ", not " + Quote(name),
                 SourceSpan{},
                 "write the subject as `" + prefix + "<" + column + ">`");
    return std::nullopt;
  }
  const std::string key = name.substr(prefix.size());
  FoundSubject found;
  found.table = s.table;
  if (s.kind == SubjectSpec::Kind::kGroup) {
    const auto& groups = Groups(s.table, s.group_by);
    auto it = groups.find(key);
    if (it != groups.end()) found.rows = it->second;
  } else if (!schema->key.empty()) {
    if (auto row = table->FindKey(key)) found.rows.push_back(*row);
  } else {
    for (uint32_t r = 0; r < table->num_rows(); ++r) {
      if (std::to_string(table->line(r)) == key) found.rows.push_back(r);
    }
  }
  if (found.rows.empty()) {
    std::vector<std::string> names;
    if (s.kind == SubjectSpec::Kind::kGroup) {
      for (const auto& [value, rows] : Groups(s.table, s.group_by)) {
        names.push_back(prefix + value);
      }
    } else if (!schema->key.empty()) {
      const Column* keys = table->column(schema->key);
      for (uint32_t r = 0; keys != nullptr && r < table->num_rows(); ++r) {
        names.push_back(prefix + Text(keys->Get(r)));
      }
    }
    const std::string best = ClosestMatch(name, names);
    diags->Error("engine.unknown_subject",
                 "unknown subject " + Quote(name) + ": no row of " +
                     Quote(s.table) + " has " + Quote(column) + " " +
                     Quote(key),
                 SourceSpan{},
                 best.empty() ? "" : "did you mean " + Quote(best) + "?");
    return std::nullopt;
  }
  if (s.kind == SubjectSpec::Kind::kGroup) {
    ValueList rows;
    for (uint32_t r : found.rows) rows.push_back(records_.Row(s.table, r));
    found.bound = Value::List(std::move(rows));
  } else {
    found.bound = records_.Row(s.table, found.rows.front());
  }
  return found;
}

const std::map<std::string, std::vector<uint32_t>>& SubjectFinder::Groups(
    const std::string& table, const std::string& column) {
  const std::string id = table + "." + column;
  auto it = groups_.find(id);
  if (it != groups_.end()) return it->second;
  std::map<std::string, std::vector<uint32_t>>& out = groups_[id];
  const FactTable* t = records_.facts().table(table);
  const Column* c = t == nullptr ? nullptr : t->column(column);
  for (uint32_t r = 0; c != nullptr && r < t->num_rows(); ++r) {
    out[Text(c->Get(r))].push_back(r);
  }
  return out;
}

}  // namespace zhucun::internal
