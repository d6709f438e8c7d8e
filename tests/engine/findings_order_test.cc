// The order of Report::findings (POLICY.md, "Output": by rule id, then
// subject, then period) whatever the order of the rules in the pack and of
// the rows in the files: RunRules sorts each chunk of a rule's subjects on
// its thread and gathers the chunks rule by rule in order of id, sorting a
// rule's findings again only where one chunk's come before the last's.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;
using testing::WriteSmallPack;

// Rules written out of order of id; `b.*` with periods.
const char kRules[] =
    "rules:\n"
    "  - id: village.z_weak\n"
    "    title: 测试\n"
    "    severity: warning\n"
    "    subject: villages\n"
    "    when: village.category == 'weak'\n"
    "    message: weak\n"
    "  - id: team.b_month\n"
    "    title: 测试\n"
    "    severity: warning\n"
    "    subject: teams\n"
    "    period: quarter\n"
    "    when: true\n"
    "    message: \"{team.team_id}\"\n"
    "  - id: team.a_all\n"
    "    title: 测试\n"
    "    severity: error\n"
    "    subject: teams\n"
    "    when: true\n"
    "    message: all\n";

struct Key {
  std::string rule, subject, period;
  bool operator==(const Key&) const = default;
};

std::vector<Key> Check(const std::string& villages, const std::string& teams, bool plan,
                       size_t threads) {
  TempDir pack;
  WriteSmallPack(pack, "order", "rules.yaml", kRules);
  TempDir data;
  data.Write("counties.csv", "county_id,name\nC1,都匀市\n");
  data.Write("villages.csv", villages);
  data.Write("teams.csv", teams);
  CheckOptions options;
  options.plan = plan;
  options.threads = static_cast<unsigned>(threads);
  std::vector<Key> keys;
  for (const Finding& f : testing::CheckFolders(pack, data, options).findings) {
    keys.push_back({f.rule, f.subject, f.period});
  }
  return keys;
}

TEST(FindingsOrderTest, ByRuleIdThenSubjectThenPeriodWhateverTheFileOrder) {
  const std::string villages =
      "village_id,county_id,name,category\n"
      "V2,C1,良亩村,weak\nV10,C1,新场村,weak\nV1,C1,甲村,poor\nV3,C1,乙村,weak\n";
  const std::string teams =
      "team_id,village_id,start_date,end_date\n"
      "T3,V1,2024-01-01,\nT1,V2,2024-01-01,\nT2,V3,2024-04-01,\n";
  const std::vector<Key> expected = {
      {"team.a_all", "teams:T1", ""},
      {"team.a_all", "teams:T2", ""},
      {"team.a_all", "teams:T3", ""},
      {"team.b_month", "teams:T1", "2024-Q1"},
      {"team.b_month", "teams:T1", "2024-Q2"},
      {"team.b_month", "teams:T2", "2024-Q1"},  // (every quarter of the window)
      {"team.b_month", "teams:T2", "2024-Q2"},
      {"team.b_month", "teams:T3", "2024-Q1"},
      {"team.b_month", "teams:T3", "2024-Q2"},
      // Text order of the keys: V10 before V2.
      {"village.z_weak", "villages:V10", ""},
      {"village.z_weak", "villages:V2", ""},
      {"village.z_weak", "villages:V3", ""},
  };
  for (const bool plan : {true, false}) {
    for (const size_t threads : {size_t{1}, size_t{2}}) {
      EXPECT_EQ(Check(villages, teams, plan, threads), expected)
          << "plan " << plan << ", threads " << threads;
    }
  }
}

// A rule's findings in a few runs, each in order (ids that outgrow their
// zero-padding, M999999 then M1000000, give two), are merged; in many runs
// they are sorted.
TEST(FindingsOrderTest, RunsInOrderAreMergedAndManyRunsSorted) {
  const std::string teams = "team_id,village_id,start_date,end_date\n";
  const auto villages = [](const std::vector<int>& numbers) {
    std::string csv = "village_id,county_id,name,category\n";
    for (const int n : numbers) csv += "V" + std::to_string(n) + ",C1,村,weak\n";
    return csv;
  };
  const auto expected = [](std::vector<int> numbers) {
    std::vector<std::string> ids;
    for (const int n : numbers) ids.push_back("villages:V" + std::to_string(n));
    std::sort(ids.begin(), ids.end());
    std::vector<Key> keys;
    for (const std::string& id : ids) keys.push_back({"village.z_weak", id, ""});
    return keys;
  };
  // Two runs: V1..V9 then V10..V19 (text order puts V1x after V1).
  std::vector<int> two;
  for (int n = 1; n < 20; ++n) two.push_back(n);
  // Five runs: [V7] [V1 V2 V3 V9] [V4 V6 V8] [V5] [V10 V11 V12].
  const std::vector<int> five = {7, 1, 2, 3, 9, 4, 6, 8, 5, 10, 11, 12};
  // Sixty runs (descending): sorted whole.
  std::vector<int> sixty;
  for (int n = 60; n >= 1; --n) sixty.push_back(n);
  for (const auto& numbers : {two, five, sixty}) {
    for (const size_t threads : {size_t{1}, size_t{2}}) {
      EXPECT_EQ(Check(villages(numbers), teams, true, threads), expected(numbers))
          << numbers.size() << " villages, threads " << threads;
    }
  }
}

// A rule of many subjects is judged in chunks (256 subjects at least),
// each sorted on its own thread: 600 villages in order (padded ids) need
// no more, in the reverse order or in two runs (V1..V9, V10..) they are
// sorted across the chunks too.
TEST(FindingsOrderTest, ChunksOfARuleAreSortedAcrossTheirBoundaries) {
  const std::string teams = "team_id,village_id,start_date,end_date\n";
  const auto id = [](int n, bool padded) {
    std::string digits = std::to_string(n);
    if (padded) digits.insert(0, 4 - digits.size(), '0');
    return "V" + digits;
  };
  const auto villages = [&](const std::vector<int>& numbers, bool padded) {
    std::string csv = "village_id,county_id,name,category\n";
    for (const int n : numbers) csv += id(n, padded) + ",C1,村,weak\n";
    return csv;
  };
  const auto expected = [&](const std::vector<int>& numbers, bool padded) {
    std::vector<std::string> ids;
    for (const int n : numbers) ids.push_back("villages:" + id(n, padded));
    std::sort(ids.begin(), ids.end());
    std::vector<Key> keys;
    for (const std::string& s : ids) keys.push_back({"village.z_weak", s, ""});
    return keys;
  };
  std::vector<int> ascending, descending;
  for (int n = 1; n <= 600; ++n) ascending.push_back(n);
  for (int n = 600; n >= 1; --n) descending.push_back(n);
  for (const bool padded : {true, false}) {
    for (const auto& numbers : {ascending, descending}) {
      for (const size_t threads : {size_t{1}, size_t{2}}) {
        for (const bool plan : {true, false}) {
          EXPECT_EQ(Check(villages(numbers, padded), teams, plan, threads),
                    expected(numbers, padded))
              << (padded ? "padded" : "unpadded") << ", first " << numbers[0] << ", threads "
              << threads << (plan ? ", plan" : "");
        }
      }
    }
  }
}

}  // namespace
}  // namespace zhucun
