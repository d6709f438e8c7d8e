// The index spans of relations the plans read (rule_plan.h, Relations):
// the record set's reverse relations, `facts.<table>` as one group, and
// relations of relations composed.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "plan/rule_plan.h"

namespace zhucun::internal {

const GroupIndex& Relations::Reverse(size_t table, size_t column) {
  // (The facts', built once by whichever thread asks first.)
  if (const GroupIndex* g = records_.ReverseIndex(table, column)) return *g;
  const FactTable& t = records_.facts().tables()[table];
  return t.Groups(t.schema().columns[column].name);
}

const GroupIndex& Relations::All(size_t table) {
  constexpr size_t kAll = SIZE_MAX;  // (no column has this index)
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, index] : built_) {
    if (key == std::make_pair(table, kAll)) return *index;
  }
  auto index = std::make_unique<GroupIndex>();
  const size_t n = records_.facts().tables()[table].num_rows();
  index->offsets = {0, static_cast<uint32_t>(n)};  // (its rows in order: none listed)
  built_.emplace_back(std::make_pair(table, kAll), std::move(index));
  return *built_.back().second;
}

Relations::Composed Relations::Compose(const GroupIndex& outer,
                                       const std::vector<uint32_t>* outer_steps,
                                       const GroupIndex& inner,
                                       const std::vector<uint32_t>* inner_steps) {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& b : composed_) {
    if (b->outer == &outer && b->inner == &inner) return {b->groups.get(), &b->steps};
  }
  auto b = std::make_unique<Built>();
  b->outer = &outer;
  b->inner = &inner;
  b->groups = std::make_unique<GroupIndex>();
  GroupIndex& g = *b->groups;
  const auto span = [](const GroupIndex& x, size_t row) -> std::pair<uint32_t, uint32_t> {
    if (row + 1 >= x.offsets.size()) return {0, 0};
    return {x.offsets[row], x.offsets[row + 1]};
  };
  g.offsets.push_back(0);
  for (size_t p = 0; p + 1 < outer.offsets.size(); ++p) {
    const auto [ob, oe] = span(outer, p);
    uint64_t steps = (outer_steps != nullptr ? (*outer_steps)[p] : 0) + (oe - ob);
    for (uint32_t k = ob; k < oe; ++k) {
      const uint32_t c = outer.row(k);
      const auto [ib, ie] = span(inner, c);
      for (uint32_t j = ib; j < ie; ++j) g.listed.push_back(inner.row(j));
      if (inner_steps != nullptr && c < inner_steps->size()) steps += (*inner_steps)[c];
    }
    g.offsets.push_back(static_cast<uint32_t>(g.listed.size()));
    b->steps.push_back(static_cast<uint32_t>(std::min<uint64_t>(steps, UINT32_MAX)));
  }
  // (Rows that come in order are not listed: GroupIndex::listed.)
  bool in_order = true;
  for (size_t k = 0; k < g.listed.size() && in_order; ++k) in_order = g.listed[k] == k;
  if (in_order) std::vector<uint32_t>().swap(g.listed);
  composed_.push_back(std::move(b));
  return {composed_.back()->groups.get(), &composed_.back()->steps};
}

}  // namespace zhucun::internal
