#ifndef ZHUCUN_READS_H_
#define ZHUCUN_READS_H_

/// \file
/// What each rule, derived table and summary key of a compiled Policy reads:
/// its subject, the tables it lists as `facts.<table>`, and every relation
/// it follows from a record (a reference column to the row it points to, or
/// a reverse relation to the rows that point here). A distributed check
/// (`zhucun.dask`, docs/dask.md) decides from this which rules may run
/// inside one partition of the data and which need rows gathered from all
/// of them; Restrict then makes the policy of only those rules.
///
///     for (const zhucun::ExpressionReads& r : zhucun::ReadsOf(policy)) {
///       // r.name, r.table, r.facts, r.relations ...
///     }
///     zhucun::Policy some = zhucun::Restrict(policy, {"member.overlap"}, {});

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "zhucun/engine.h"
#include "zhucun/export.h"

namespace zhucun {

/// A relation an expression follows from a record of `table`.
struct RelationRead {
  /// The table of the record the field is selected from.
  std::string table;
  /// The field, as the expression writes it: `team`, `members`.
  std::string field;
  /// false: the row of `other` that reference column `column` of `table`
  /// points to (`member.team`); true: the rows of `other` whose reference
  /// column `column` points to the record (`team.members`).
  bool reverse = false;
  std::string column;
  std::string other;

  friend bool operator<(const RelationRead& a, const RelationRead& b) {
    return std::tie(a.table, a.field) < std::tie(b.table, b.field);
  }
  friend bool operator==(const RelationRead& a, const RelationRead& b) {
    return a.table == b.table && a.field == b.field;
  }
};

/// What one rule, derived table or summary key reads (its expressions,
/// with the pack's functions inlined, and every language of its message).
struct ExpressionReads {
  /// What the entry is about.
  enum class Kind : uint8_t {
    kRule,        ///< a rule; `name` is its id
    kDerived,     ///< a derived table; `name` is its name
    kSummaryKey,  ///< the pack's summary key of the rows of `table`
  };
  /// The subject of a rule (a derived table's and a summary key's rows are
  /// those of `table`).
  enum class Subject : uint8_t {
    kTable,       ///< one subject per row of `table`
    kGroup,       ///< one per distinct value of `group_by` of `table`'s rows
    kPrefecture,  ///< a single subject; `table` is empty
  };
  Kind kind = Kind::kRule;
  std::string name;
  Subject subject = Subject::kTable;
  std::string table;
  std::string group_by;
  /// The tables read as `facts.<table>` (every row of them), sorted.
  std::vector<std::string> facts;
  /// Whether an expression reads `facts` other than as `facts.<table>`
  /// (then it may read every table).
  bool facts_any = false;
  /// Whether an expression selects a field of a value whose type the
  /// checker does not know (`dyn`): then the relations listed may not be
  /// all it follows.
  bool unknown = false;
  /// The relations followed, sorted by table and field, each once.
  std::vector<RelationRead> relations;
};

/// The reads of every rule (pack order), then every derived table, then
/// every summary key of `policy`.
ZHUCUN_API std::vector<ExpressionReads> ReadsOf(const Policy& policy);

/// A policy with only the rules `rules` and the derived tables `derived` of
/// `policy` (ids and names it does not have are ignored), sharing the
/// compiled expressions: its Check gives exactly the findings of those
/// rules and those derived tables that `policy`'s Check gives, and the
/// input findings of the facts. Exception records are matched against the
/// rules kept (one naming another rule is a finding of its own), so a
/// caller that needs exceptions applied checks with the whole policy.
ZHUCUN_API Policy Restrict(const Policy& policy, const std::vector<std::string>& rules,
                           const std::vector<std::string>& derived);

}  // namespace zhucun

#endif  // ZHUCUN_READS_H_
