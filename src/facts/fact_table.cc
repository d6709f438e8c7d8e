// FactTable and FactSet: the immutable columnar tables, their key index,
// references and group-by.

#include "zhucun/fact_table.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "facts/builder_impl.h"
#include "facts/huge_pages.h"

namespace zhucun {

const Column* FactTable::column(std::string_view name) const {
  const int i = schema_->ColumnIndex(name);
  return i < 0 ? nullptr : &columns_[static_cast<size_t>(i)];
}

uint32_t FactTable::line(size_t row) const {
  if (line_runs_.empty()) return lines_[row];
  // The last run that begins at or before the row.
  const auto after = std::upper_bound(
      line_runs_.begin(), line_runs_.end(), row,
      [](size_t r, const std::pair<uint32_t, uint32_t>& run) { return r < run.first; });
  const std::pair<uint32_t, uint32_t>& run = *(after - 1);
  return run.second + static_cast<uint32_t>(row - run.first);
}

std::optional<uint32_t> FactTable::FindKey(std::string_view key) const {
  if (!key_index_) return std::nullopt;
  KeyIndex& index = *key_index_;
  const Column& column = columns_[index.column];
  std::call_once(index.built, [&] {
    index.strings.Build(column.dictionary());
    const ColumnView v = column.view();
    index.rows = internal::FirstRowOfEachCode(static_cast<const int32_t*>(v.data), v.valid,
                                              num_rows_, column.dictionary().size());
  });
  const int32_t code = index.strings.Find(key, column.dictionary());
  if (code < 0) return std::nullopt;
  const int32_t row = index.rows[static_cast<size_t>(code)];
  if (row < 0) return std::nullopt;
  return static_cast<uint32_t>(row);
}

const std::vector<int32_t>* FactTable::references(std::string_view column) const {
  auto it = references_.find(column);
  return it == references_.end() ? nullptr : &it->second;
}

const GroupIndex& FactTable::Groups(std::string_view column) const {
  static const GroupIndex kNone;
  const int c = schema_ != nullptr ? schema_->ColumnIndex(column) : -1;
  if (c < 0 || group_cache_ == nullptr) return kNone;
  GroupCache::Entry& entry = group_cache_->entries[static_cast<size_t>(c)];
  std::call_once(entry.built, [&] { entry.groups = GroupBy(column); });
  return entry.groups;
}

GroupIndex FactTable::GroupBy(std::string_view column) const {
  GroupIndex g;
  // The group of each row (-1: none): a reference column's rows as they
  // are (no copy: 128 MB for `payments.member_id` at scale 150), else
  // numbered here.
  const int32_t* group_of = nullptr;
  std::vector<int32_t> numbered;
  size_t groups = 0;
  if (const std::vector<int32_t>* refs = references(column)) {
    // Group g is row g of the referenced table, rows or not.
    groups = reference_targets_.find(column)->second;
    group_of = refs->data();
  } else if (const Column* c = this->column(column)) {
    if (c->type() != ColumnType::kString) return g;
    const ColumnView v = c->view();
    // One group per value present, in dictionary order (a value seen only
    // in rows that were left out has no group).
    std::vector<int32_t> group_of_code(v.dictionary->size(), -1);
    const int32_t* codes = static_cast<const int32_t*>(v.data);
    for (size_t r = 0; r < num_rows_; ++r) {
      if (v.IsValid(r)) group_of_code[static_cast<size_t>(codes[r])] = 0;
    }
    for (int32_t& grp : group_of_code) {
      if (grp == 0) grp = static_cast<int32_t>(groups++);
    }
    internal::ReserveHuge(numbered, num_rows_);
    numbered.assign(num_rows_, -1);
    for (size_t r = 0; r < num_rows_; ++r) {
      if (v.IsValid(r)) numbered[r] = group_of_code[static_cast<size_t>(codes[r])];
    }
    group_of = numbered.data();
  } else {
    return g;
  }
  // Counting sort by group, keeping row order within a group; no list of
  // rows where every row has a group and they come in order of group
  // (GroupIndex::listed). (The index of a large table is written once, as
  // a load's columns are: huge pages spare most of its page faults.)
  internal::ReserveHuge(g.offsets, groups + 1);
  g.offsets.assign(groups + 1, 0);
  bool in_order = true;
  int32_t before = 0;
  for (size_t r = 0; r < num_rows_; ++r) {
    const int32_t group = group_of[r];
    in_order = in_order && group >= before;
    before = group;
    if (group >= 0) ++g.offsets[static_cast<size_t>(group) + 1];
  }
  for (size_t i = 1; i < g.offsets.size(); ++i) g.offsets[i] += g.offsets[i - 1];
  if (in_order) return g;
  internal::ReserveHuge(g.listed, g.offsets.back());
  g.listed.resize(g.offsets.back());
  std::vector<uint32_t> next;
  internal::ReserveHuge(next, groups);
  next.assign(g.offsets.begin(), g.offsets.end() - 1);
  for (size_t r = 0; r < num_rows_; ++r) {
    if (group_of[r] >= 0) {
      g.listed[next[static_cast<size_t>(group_of[r])]++] = static_cast<uint32_t>(r);
    }
  }
  return g;
}

const FactTable* FactSet::table(std::string_view name) const {
  const int i = schema_->TableIndex(name);
  return i < 0 ? nullptr : &tables_[static_cast<size_t>(i)];
}

}  // namespace zhucun
