#ifndef ZHUCUN_SRC_ENGINE_SUBJECT_FINDER_H_
#define ZHUCUN_SRC_ENGINE_SUBJECT_FINDER_H_

// Finding a rule's subject by its name (`members:M000001`, `counties:C01`,
// `prefecture`), as findings name them: for Policy::Explain, the summary
// groups and the exception records (exceptions.cc).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/policy_impl.h"
#include "zhucun/diagnostic.h"
#include "zhucun/records.h"
#include "zhucun/schema.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// The key column of a table, or "line" for a table without one.
std::string KeyName(const TableSchema& t);

// A subject of a rule, found by name.
struct FoundSubject {
  Value bound;        // the row, the list of rows, or null
  std::string table;  // "" for the prefecture
  std::vector<uint32_t> rows;
};

// Finds the subjects of rules and their groups.
class SubjectFinder {
 public:
  SubjectFinder(const PolicyImpl& p, const RecordSet& records)
      : p_(p), records_(records) {}

  // The subject `name` of `rule`; nullopt after an error (engine.unknown_subject,
  // with a did-you-mean) in `diags`.
  std::optional<FoundSubject> Find(const CompiledRule& rule, const std::string& name,
                                   Diagnostics* diags);

  // The rows of `table` by the text of their `column`, in row order.
  const std::map<std::string, std::vector<uint32_t>>& Groups(const std::string& table,
                                                             const std::string& column);

 private:
  const PolicyImpl& p_;
  const RecordSet& records_;
  std::unordered_map<std::string, std::map<std::string, std::vector<uint32_t>>> groups_;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_ENGINE_SUBJECT_FINDER_H_
