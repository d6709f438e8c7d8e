#ifndef ZHUCUN_SRC_CORE_SORT_RUNS_H_
#define ZHUCUN_SRC_CORE_SORT_RUNS_H_

// A stable sort for sequences that are mostly in order already: the
// findings of a check (each rule's come subject by subject), the rows of a
// derived table read in the order of their facts, a dictionary of ids in
// the order the file gave them. Ids that outgrow their zero-padding
// (`M999999`, then `M1000000`) leave such a sequence in two runs in byte
// order, which a general sort would sort again at n log n comparisons.

#include <algorithm>
#include <iterator>
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

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_CORE_SORT_RUNS_H_
