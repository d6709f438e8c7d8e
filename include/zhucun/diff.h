#ifndef ZHUCUN_DIFF_H_
#define ZHUCUN_DIFF_H_

/// @file
/// What a change of policy does: the findings and derived rows that differ
/// between two checks of the same facts (`zhucun diff OLD_PACK NEW_PACK`),
/// e.g. before and after a clerk raises the living allowance.

#include <cstdint>
#include <string>
#include <vector>

#include "zhucun/engine.h"
#include "zhucun/export.h"

namespace zhucun {

/// A finding that appears, vanishes or changes between two checks. Findings
/// are the same finding when their rule, subject and period are equal; it
/// changes when its severity or message does.
struct FindingChange {
  enum class Kind : uint8_t { kAppeared, kVanished, kChanged };
  Kind kind = Kind::kChanged;
  Finding before;  ///< empty for kAppeared
  Finding after;   ///< empty for kVanished
  /// The finding as it is (`after`, or `before` when it vanished).
  const Finding& finding() const { return kind == Kind::kVanished ? before : after; }
};

/// A row of a derived table that appears, vanishes or changes. Rows are the
/// same row when their key (DerivedTable::key: the cells of the table's
/// sort columns, in the newer check's table) is equal; without a key a row
/// is named by all its cells, so it can only appear or vanish.
struct DerivedRowChange {
  FindingChange::Kind kind = FindingChange::Kind::kChanged;
  std::string table;
  /// The row's key as `column=value, ...` (the whole row without a key).
  std::string key;
  /// The row as `column=value, ...`; empty where there is none.
  std::string before;
  std::string after;
};

/// The differences between two reports.
struct ReportDiff {
  /// Sorted by rule, subject and period (code-point order).
  std::vector<FindingChange> findings;
  /// Sorted by table, then key.
  std::vector<DerivedRowChange> derived;
  bool empty() const { return findings.empty() && derived.empty(); }
};

/// The findings and derived rows of `after` that are not those of `before`.
ZHUCUN_API ReportDiff Diff(const Report& before, const Report& after);

/// A word for a kind of change: `appears`, `vanishes`, `changes`.
ZHUCUN_API const char* ChangeName(FindingChange::Kind kind);

}  // namespace zhucun

#endif  // ZHUCUN_DIFF_H_
