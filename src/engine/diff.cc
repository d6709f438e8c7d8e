// Diff (zhucun/diff.h): the findings and derived rows that differ between
// two checks.

#include "zhucun/diff.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace zhucun {

namespace {

using Kind = FindingChange::Kind;

// "column=value, column=value" of the columns `which` of row `row`.
std::string Cells(const DerivedTable& t, size_t row, const std::vector<size_t>& which) {
  std::string out;
  for (size_t c : which) {
    if (!out.empty()) out += ", ";
    out += t.columns[c] + "=" + t.Text(row, c);
  }
  return out;
}

// The rows of a derived table by key (every row's text by its key; rows
// whose key repeats are kept apart by their whole text).
std::map<std::string, std::string> RowsByKey(const DerivedTable& t,
                                             const std::vector<std::string>& key) {
  std::vector<size_t> all(t.columns.size());
  for (size_t c = 0; c < all.size(); ++c) all[c] = c;
  std::vector<size_t> key_columns;
  for (const std::string& k : key) {
    const auto it = std::find(t.columns.begin(), t.columns.end(), k);
    if (it == t.columns.end()) {  // not a column of this side: the whole row
      key_columns = all;
      break;
    }
    key_columns.push_back(static_cast<size_t>(it - t.columns.begin()));
  }
  if (key_columns.empty()) key_columns = all;
  std::map<std::string, std::string> rows;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    std::string text = Cells(t, r, all);
    std::string k = Cells(t, r, key_columns);
    if (rows.count(k) != 0) k = text;  // a repeated key: the row itself
    rows.emplace(std::move(k), std::move(text));
  }
  return rows;
}

}  // namespace

const char* ChangeName(FindingChange::Kind kind) {
  switch (kind) {
    case Kind::kAppeared: return "appears";
    case Kind::kVanished: return "vanishes";
    case Kind::kChanged: return "changes";
  }
  return "changes";
}

ReportDiff Diff(const Report& before, const Report& after) {
  ReportDiff diff;
  // Findings, by (rule, subject, period).
  using Id = std::tuple<std::string, std::string, std::string>;
  std::map<Id, const Finding*> old_findings, new_findings;
  for (const Finding& f : before.findings) old_findings[{f.rule, f.subject, f.period}] = &f;
  for (const Finding& f : after.findings) new_findings[{f.rule, f.subject, f.period}] = &f;
  auto o = old_findings.begin();
  auto n = new_findings.begin();
  while (o != old_findings.end() || n != new_findings.end()) {
    if (n == new_findings.end() || (o != old_findings.end() && o->first < n->first)) {
      diff.findings.push_back({Kind::kVanished, *o->second, {}});
      ++o;
    } else if (o == old_findings.end() || n->first < o->first) {
      diff.findings.push_back({Kind::kAppeared, {}, *n->second});
      ++n;
    } else {
      if (o->second->severity != n->second->severity ||
          o->second->message != n->second->message) {
        diff.findings.push_back({Kind::kChanged, *o->second, *n->second});
      }
      ++o;
      ++n;
    }
  }

  // Derived rows, by table and key.
  std::map<std::string, const DerivedTable*> old_tables, new_tables;
  for (const DerivedTable& t : before.derived) old_tables[t.name] = &t;
  for (const DerivedTable& t : after.derived) new_tables[t.name] = &t;
  std::map<std::string, std::pair<const DerivedTable*, const DerivedTable*>> tables;
  for (const auto& [name, t] : old_tables) tables[name].first = t;
  for (const auto& [name, t] : new_tables) tables[name].second = t;
  for (const auto& [name, sides] : tables) {
    const std::vector<std::string>& key =
        sides.second != nullptr ? sides.second->key : sides.first->key;
    const std::map<std::string, std::string> old_rows =
        sides.first != nullptr ? RowsByKey(*sides.first, key) : std::map<std::string, std::string>{};
    const std::map<std::string, std::string> new_rows =
        sides.second != nullptr ? RowsByKey(*sides.second, key) : std::map<std::string, std::string>{};
    auto a = old_rows.begin();
    auto b = new_rows.begin();
    while (a != old_rows.end() || b != new_rows.end()) {
      if (b == new_rows.end() || (a != old_rows.end() && a->first < b->first)) {
        diff.derived.push_back({Kind::kVanished, name, a->first, a->second, ""});
        ++a;
      } else if (a == old_rows.end() || b->first < a->first) {
        diff.derived.push_back({Kind::kAppeared, name, b->first, "", b->second});
        ++b;
      } else {
        if (a->second != b->second) {
          diff.derived.push_back({Kind::kChanged, name, a->first, a->second, b->second});
        }
        ++a;
        ++b;
      }
    }
  }
  return diff;
}

}  // namespace zhucun
