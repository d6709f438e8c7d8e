#ifndef ZHUCUN_SRC_CORE_SORT_RUNS_H_
#define ZHUCUN_SRC_CORE_SORT_RUNS_H_

// A stable sort for sequences that are mostly in order already: the
// findings of a check (each rule's come subject by subject), the rows of a
// derived table read in the order of their facts, a dictionary of ids in
// the order the file gave them. Ids that outgrow their zero-padding
// (`M999999`, then `M1000000`) leave such a sequence in two runs in byte
// order, which a general sort would sort again at n log n comparisons.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

namespace zhucun::internal {

// Sorts [first, last) stably by `less`: where it is a few runs already in
// order, by merging them (linear for two), else by std::stable_sort. The
// order is the same either way: one stable order exists.
template <typename It, typename Less>
void StableSortRuns(It first, It last, Less less) {
  std::vector<It> runs{first};  // where each run in order begins
  for (It it = first; it != last && std::next(it) != last; ++it) {
    if (less(*std::next(it), *it)) runs.push_back(std::next(it));
    if (runs.size() > 32) {
      std::stable_sort(first, last, less);
      return;
    }
  }
  runs.push_back(last);
  // Merge neighbouring runs, the earlier first on ties, until one is left.
  while (runs.size() > 2) {
    std::vector<It> merged{first};
    for (size_t k = 0; k + 2 < runs.size(); k += 2) {
      std::inplace_merge(runs[k], runs[k + 1], runs[k + 2], less);
      merged.push_back(runs[k + 2]);
    }
    if (runs.size() % 2 == 0) merged.push_back(last);  // (an odd run left over)
    runs = std::move(merged);
  }
}

// The same, for elements that are costly to copy (a check's findings, 160
// bytes each): the order is found on their indexes (StableSortRuns merges
// 4-byte numbers, its buffer a few megabytes where the elements' would be
// tens), then the elements are moved into it, a cycle of the permutation
// at a time, without a second copy of them.
template <typename It, typename Less>
void StableSortRunsInPlace(It first, It last, Less less) {
  const auto n = static_cast<uint32_t>(last - first);
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i) order[i] = i;
  StableSortRuns(order.begin(), order.end(),
                 [&](uint32_t a, uint32_t b) { return less(first[a], first[b]); });
  // Position j takes the element at order[j]; a position done is marked
  // order[j] = j.
  for (uint32_t i = 0; i < n; ++i) {
    if (order[i] == i) continue;
    auto held = std::move(first[i]);
    uint32_t j = i;
    while (order[j] != i) {
      const uint32_t from = order[j];
      first[j] = std::move(first[from]);
      order[j] = j;
      j = from;
    }
    first[j] = std::move(held);
    order[j] = j;
  }
}

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_CORE_SORT_RUNS_H_
