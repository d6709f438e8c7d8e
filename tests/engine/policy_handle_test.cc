// PolicyHandle (issue 11, "Hot reload"): a reload that loads replaces the
// current version at once; one that fails keeps it and gives the load's
// diagnostics; checks hold the version they started with. The stress test
// runs under ThreadSanitizer in the test command (the tsan preset): four
// threads check while the pack is reloaded 1,000 times, every tenth
// version broken.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/policy_handle.h"

namespace zhucun {
namespace {

using testing::TempDir;
using testing::WriteSmallPack;

// Version A: one rule (T2 started after mid-2022); B: A and a rule on
// villages (V1 is weak). Broken: a `when` that does not parse.
const char kRuleA[] =
    "  - id: team.late\n"
    "    title: 测试\n"
    "    severity: warning\n"
    "    subject: teams\n"
    "    when: team.start_date > date('2022-06-01')\n"
    "    message: \"started {team.start_date}\"\n";
const char kRuleB[] =
    "  - id: village.weak\n"
    "    title: 测试\n"
    "    severity: error\n"
    "    subject: villages\n"
    "    when: village.category == 'weak'\n"
    "    message: weak\n";
const std::string kA = std::string("rules:\n") + kRuleA;
const std::string kB = std::string("rules:\n") + kRuleA + kRuleB;
const std::string kBroken = std::string("rules:\n") + kRuleA +
                            "  - id: village.broken\n"
                            "    title: 测试\n"
                            "    severity: error\n"
                            "    subject: villages\n"
                            "    when: village.category == \n"
                            "    message: broken\n";

class PolicyHandleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteSmallPack(pack_, "handle", "rules.yaml", kA);
    data_.Write("counties.csv", "county_id,name\nC1,都匀市\n");
    data_.Write("villages.csv",
                "village_id,county_id,name,category\nV1,C1,新场村,weak\nV2,C1,良亩村,poor\n");
    data_.Write("teams.csv",
                "team_id,village_id,start_date,end_date\n"
                "T1,V1,2022-01-01,\nT2,V2,2024-03-10,\n");
  }

  // The findings of a check of the data with `version`, as lines. The
  // data is read once (every version has the same schema).
  std::vector<std::string> Check(const PolicyHandle::Version& version) {
    if (facts_ == nullptr) {
      SourceManager sources;
      auto facts = ReadCsvFolder(version.policy.schema(), data_.path(), CsvOptions{}, sources);
      EXPECT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
      facts_ = std::make_shared<const FactSet>(std::move(facts).value());
    }
    CheckOptions options;
    options.as_of = *Date::Parse("2024-06-30");
    options.threads = 1;
    Result<Report> report = version.policy.Check(facts_, options);
    std::vector<std::string> lines;
    if (!report.ok()) {
      lines.push_back("failed: " + report.diagnostics().Render(*version.sources));
      return lines;
    }
    for (const Finding& f : report.value().findings) {
      lines.push_back(f.rule + "|" + f.subject + "|" + f.message);
    }
    return lines;
  }

  TempDir pack_;
  TempDir data_;
  std::shared_ptr<const FactSet> facts_;  // (read before the threads start)
};

TEST_F(PolicyHandleTest, NothingIsCurrentUntilALoadSucceeds) {
  pack_.Write("rules.yaml", kBroken);
  PolicyHandle handle(pack_.path());
  EXPECT_EQ(handle.Current(), nullptr);
  PolicyHandle::Reloaded r = handle.Reload();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.number, 0u);
  EXPECT_TRUE(r.diagnostics.has_errors());
  EXPECT_NE(r.diagnostics.Render(*r.sources).find("rules.yaml:12:"), std::string::npos)
      << r.diagnostics.Render(*r.sources);
  EXPECT_EQ(handle.Current(), nullptr);
  pack_.Write("rules.yaml", kA);
  r = handle.Reload();
  EXPECT_TRUE(r.ok) << r.diagnostics.Render(*r.sources);
  EXPECT_EQ(r.number, 1u);
  ASSERT_NE(handle.Current(), nullptr);
  EXPECT_EQ(handle.Current()->number, 1u);
  EXPECT_EQ(Check(*handle.Current()),
            (std::vector<std::string>{"team.late|teams:T2|started 2024-03-10"}));
}

TEST_F(PolicyHandleTest, ABrokenReloadKeepsTheVersionThatServes) {
  PolicyHandle handle(pack_.path());
  ASSERT_TRUE(handle.Reload().ok);
  const std::shared_ptr<const PolicyHandle::Version> first = handle.Current();
  pack_.Write("rules.yaml", kBroken);
  const PolicyHandle::Reloaded r = handle.Reload();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.number, 1u);
  EXPECT_EQ(handle.Current(), first);
  pack_.Write("rules.yaml", kB);
  EXPECT_TRUE(handle.Reload().ok);
  EXPECT_EQ(handle.Current()->number, 2u);
  // The first version, still held, is what it was.
  EXPECT_EQ(Check(*first), (std::vector<std::string>{"team.late|teams:T2|started 2024-03-10"}));
  EXPECT_EQ(Check(*handle.Current()),
            (std::vector<std::string>{"team.late|teams:T2|started 2024-03-10",
                                      "village.weak|villages:V1|weak"}));
  // Copies share the versions.
  const PolicyHandle copy = handle;
  EXPECT_EQ(copy.Current(), handle.Current());
}

TEST_F(PolicyHandleTest, ChecksWhileThePackIsReloadedAThousandTimes) {
  PolicyHandle handle(pack_.path());
  ASSERT_TRUE(handle.Reload().ok);
  const std::vector<std::string> a = Check(*handle.Current());
  pack_.Write("rules.yaml", kB);
  ASSERT_TRUE(handle.Reload().ok);
  const std::vector<std::string> b = Check(*handle.Current());
  ASSERT_NE(a, b);
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::vector<int> checks(4, 0);
  std::vector<std::thread> checkers;
  for (size_t t = 0; t < 4; ++t) {
    checkers.emplace_back([&, t] {
      while (!stop) {
        const std::shared_ptr<const PolicyHandle::Version> v = handle.Current();
        const bool is_b = v->policy.rule_ids().size() == 2;
        if (Check(*v) != (is_b ? b : a)) ++wrong;
        ++checks[t];
        std::this_thread::yield();  // (the reloads get their share of the cores)
      }
    });
  }
  uint64_t number = handle.Current()->number;
  int rejected = 0;
  for (int i = 1; i <= 1000; ++i) {
    const bool broken = i % 10 == 0;
    pack_.Write("rules.yaml", broken ? kBroken : i % 2 == 0 ? kB : kA);
    const PolicyHandle::Reloaded r = handle.Reload();
    EXPECT_EQ(r.ok, !broken) << i;
    if (r.ok) ++number;
    rejected += r.ok ? 0 : 1;
    EXPECT_EQ(r.number, number) << i;
  }
  stop = true;
  for (std::thread& t : checkers) t.join();
  EXPECT_EQ(rejected, 100);
  EXPECT_EQ(handle.Current()->number, number);
  EXPECT_EQ(wrong.load(), 0);
  for (int c : checks) EXPECT_GT(c, 0);
}

}  // namespace
}  // namespace zhucun
