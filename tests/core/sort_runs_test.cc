// StableSortRuns and StableSortRunsInPlace (src/core/sort_runs.h) against
// std::stable_sort: sequences in a few runs (merged) and in many (sorted),
// with ties, whose order must stay that of the input.

#include "core/sort_runs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace zhucun::internal {
namespace {

// A key with ties (few values) and the element's place in the input; the
// elements are strings, so that moving one matters.
struct Item {
  int key = 0;
  std::string place;
};

bool ByKey(const Item& a, const Item& b) { return a.key < b.key; }

// `runs` runs in order of keys in [0, 50), each `length` long.
std::vector<Item> Runs(size_t runs, size_t length, std::mt19937* rng) {
  std::vector<Item> items;
  for (size_t r = 0; r < runs; ++r) {
    std::vector<int> keys(length);
    for (int& k : keys) k = static_cast<int>((*rng)() % 50);
    std::sort(keys.begin(), keys.end());
    for (const int k : keys) {
      items.push_back({k, "item " + std::to_string(items.size()) + " of a long enough text"});
    }
  }
  return items;
}

std::vector<std::pair<int, std::string>> Flat(const std::vector<Item>& items) {
  std::vector<std::pair<int, std::string>> out;
  for (const Item& i : items) out.emplace_back(i.key, i.place);
  return out;
}

TEST(SortRunsTest, BothSortStablyWhateverTheRuns) {
  std::mt19937 rng(20231);
  for (const size_t runs : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{32}, size_t{33},
                            size_t{200}}) {
    for (const size_t length : {size_t{0}, size_t{1}, size_t{7}, size_t{100}}) {
      const std::vector<Item> input = Runs(runs, length, &rng);
      std::vector<Item> expected = input;
      std::stable_sort(expected.begin(), expected.end(), ByKey);
      std::vector<Item> merged = input;
      StableSortRuns(merged.begin(), merged.end(), ByKey);
      EXPECT_EQ(Flat(merged), Flat(expected)) << runs << " runs of " << length;
      std::vector<Item> moved = input;
      StableSortRunsInPlace(moved.begin(), moved.end(), ByKey);
      EXPECT_EQ(Flat(moved), Flat(expected)) << runs << " runs of " << length << ", in place";
    }
  }
}

}  // namespace
}  // namespace zhucun::internal
