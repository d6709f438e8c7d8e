// Duplicate keys and unique column sets, checked against a brute-force
// reference on many random tables: small value domains (so that values
// repeat), nulls, rows in random or sorted order, sets of one to five
// columns of every storage kind. Every later row of a group of equal values
// is a duplicate of the group's first row, reported once per set, in line
// order and, within a row, in set order (the key first).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "zhucun/diagnostic.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun {
namespace {

Schema TestSchema() {
  SourceManager sources;
  const FileId file = sources.Add("schema.yaml", R"(
tables:
  - name: t
    key: k
    unique: [[a], [b], [a, b], [b, c], [d, b], [a, b, c, d, e]]
    columns:
      - {name: k, type: id}
      - {name: a, type: id, nullable: true}
      - {name: b, type: int, nullable: true}
      - {name: c, type: code, codes: [x, y, z]}
      - {name: d, type: date, nullable: true}
      - {name: e, type: decimal, scale: 2, nullable: true}
)");
  Result<Schema> r = ParseSchema(file, sources);
  if (!r.ok()) {
    ADD_FAILURE() << r.diagnostics().Render(sources);
    return Schema();
  }
  return std::move(r).value();
}

using Row = std::vector<std::optional<std::string>>;  // k, a, b, c, d, e

std::string Quote(const std::string& s) { return "`" + s + "`"; }

TEST(UniqueTest, MatchesBruteForce) {
  const Schema schema = TestSchema();
  const std::vector<std::string> names = {"k", "a", "b", "c", "d", "e"};
  const std::vector<std::vector<size_t>> sets = {
      {0}, {1}, {2}, {1, 2}, {2, 3}, {4, 2}, {1, 2, 3, 4, 5}};
  std::mt19937 random(20231);
  for (int trial = 0; trial < 300; ++trial) {
    const int rows = 1 + static_cast<int>(random() % 60);
    const int domain = 1 + static_cast<int>(random() % 6);
    const int null_percent = static_cast<int>(random() % 3) * 20;
    auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    auto maybe = [&](std::string v) -> std::optional<std::string> {
      if (pick(100) < null_percent) return std::nullopt;
      return v;
    };
    std::vector<Row> table;
    for (int r = 0; r < rows; ++r) {
      Row row(6);
      row[0] = "k" + std::to_string(pick(domain * 8));
      row[1] = maybe("a" + std::to_string(pick(domain)));
      row[2] = maybe(std::to_string(pick(domain) - 1));
      row[3] = std::string(1, "xyz"[pick(3)]);
      row[4] = maybe("2023-0" + std::to_string(1 + pick(domain % 9 + 1)) + "-1" +
                     std::to_string(pick(2)));
      row[5] = maybe(std::to_string(pick(domain)) + ".5" + std::to_string(pick(2)));
      table.push_back(row);
    }
    if (trial % 3 == 0) std::sort(table.begin(), table.end());

    FactSetBuilder builder(schema);
    for (const Row& row : table) {
      std::vector<NamedCell> cells;
      for (size_t c = 0; c < names.size(); ++c) cells.emplace_back(names[c], row[c]);
      builder.AddRow("t", cells);
    }
    Result<FactSet> result = builder.Finish(Strictness::kLenient, 1000000);

    // The expected duplicates: by row, then by set.
    std::vector<std::string> expected;
    for (size_t r = 0; r < table.size(); ++r) {
      for (size_t s = 0; s < sets.size(); ++s) {
        const std::vector<size_t>& set = sets[s];
        auto complete = [&](size_t i) {
          for (size_t c : set) {
            if (!table[i][c]) return false;
          }
          return true;
        };
        if (!complete(r)) continue;
        size_t first = r;
        for (size_t i = 0; i < r; ++i) {
          if (!complete(i)) continue;
          bool same = true;
          for (size_t c : set) same = same && *table[i][c] == *table[r][c];
          if (same) {
            first = i;
            break;
          }
        }
        if (first == r) continue;
        std::string what;
        if (set.size() == 1) {
          what = Quote(names[set[0]]) + " " + Quote(*table[r][set[0]]);
        } else {
          std::string n, v;
          for (size_t i = 0; i < set.size(); ++i) {
            if (i > 0) {
              n += ", ";
              v += ", ";
            }
            n += Quote(names[set[i]]);
            // Decimals read back at the column's scale.
            std::string value = *table[r][set[i]];
            v += Quote(value);
          }
          what = "(" + n + ") = (" + v + ")";
        }
        expected.push_back(std::string(s == 0 ? "csv.duplicate_key" : "csv.duplicate_unique") +
                           " `t` row " + std::to_string(r + 1) + ": duplicate " + what +
                           " (first on line " + std::to_string(first + 1) + ")");
      }
    }
    std::vector<std::string> got;
    for (const Diagnostic& d : result.diagnostics().items()) {
      if (d.code.rfind("csv.duplicate", 0) == 0) got.push_back(d.code + " " + d.message);
    }
    ASSERT_EQ(got, expected) << "trial " << trial;
  }
}

}  // namespace
}  // namespace zhucun
