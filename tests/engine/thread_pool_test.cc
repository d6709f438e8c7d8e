// ThreadPool and CheckOptions::pool (issue 11, "One thread pool"): checks
// from several threads share one pool's threads and give the report a
// check on its own threads gives; a check on a pool whose threads are all
// busy still finishes (on its calling thread). Run under ThreadSanitizer
// by the test command (the tsan preset).

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/thread_pool.h"

namespace zhucun {
namespace {

const std::string kRoot = ZHUCUN_SOURCE_DIR;
const std::string kExample = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";

TEST(ThreadPoolTest, RunsEveryPostedTask) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3u);
  std::atomic<int> ran{0};
  std::promise<void> all;
  for (int i = 0; i < 100; ++i) {
    pool.Post([&] {
      if (++ran == 100) all.set_value();
    });
  }
  all.get_future().wait();
  EXPECT_EQ(ran.load(), 100);
  EXPECT_GE(ThreadPool(0).size(), 1u);  // one per hardware thread
}

// The Qiannan pack on the worked example, loaded once.
class PoolCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto policy = Policy::Load(kRoot + "/rules/qiannan", sources_);
    ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources_);
    policy_.emplace(std::move(policy).value());
    auto facts = ReadCsvFolder(policy_->schema(), kExample, CsvOptions{}, sources_);
    ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources_);
    facts_ = std::make_shared<const FactSet>(std::move(facts).value());
  }

  // The findings and grades of a check, as lines.
  std::vector<std::string> Check(const std::shared_ptr<ThreadPool>& pool, unsigned threads) {
    CheckOptions options;
    options.as_of = *Date::Parse("2024-06-30");
    options.pool = pool;
    options.threads = threads;
    Result<Report> report = policy_->Check(facts_, options);
    std::vector<std::string> lines;
    if (!report.ok()) {
      lines.push_back(report.diagnostics().Render(sources_));
      return lines;
    }
    for (const Finding& f : report.value().findings) {
      lines.push_back(f.rule + "|" + f.subject + "|" + f.period + "|" + f.message);
    }
    for (const DerivedTable& d : report.value().derived) {
      for (size_t r = 0; r < d.num_rows(); ++r) {
        std::string line = d.name;
        for (const std::string& cell : d.Row(r)) line += "|" + cell;
        lines.push_back(line);
      }
    }
    return lines;
  }

  SourceManager sources_;
  std::optional<Policy> policy_;
  std::shared_ptr<const FactSet> facts_;
};

TEST_F(PoolCheckTest, ChecksFromSeveralThreadsShareOnePool) {
  const std::vector<std::string> reference = Check(nullptr, 1);
  ASSERT_GT(reference.size(), 10u);
  auto pool = std::make_shared<ThreadPool>(2);
  std::vector<std::thread> callers;
  std::vector<std::vector<std::string>> got(4 * 3);
  for (size_t c = 0; c < 4; ++c) {
    callers.emplace_back([&, c] {
      for (size_t k = 0; k < 3; ++k) {
        got[c * 3 + k] = Check(pool, static_cast<unsigned>(k));  // 0, 1 and 2 threads
      }
    });
  }
  for (std::thread& t : callers) t.join();
  for (const std::vector<std::string>& lines : got) EXPECT_EQ(lines, reference);
}

// Every thread of the pool is kept busy by another task: the check runs
// on its own thread alone and does not wait for the pool.
TEST_F(PoolCheckTest, ABusyPoolDoesNotHoldTheCheckUp) {
  const std::vector<std::string> reference = Check(nullptr, 1);
  std::mutex mutex;
  std::condition_variable changed;
  bool busy = false, release = false;
  // (After them: the pool, joined first, outlives none of what its task reads.)
  auto pool = std::make_shared<ThreadPool>(1);
  pool->Post([&] {
    std::unique_lock<std::mutex> lock(mutex);
    busy = true;
    changed.notify_all();
    changed.wait(lock, [&] { return release; });
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return busy; });
  }
  EXPECT_EQ(Check(pool, 0), reference);
  EXPECT_EQ(Check(pool, 4), reference);
  {
    const std::lock_guard<std::mutex> lock(mutex);
    release = true;
  }
  changed.notify_all();
}

}  // namespace
}  // namespace zhucun
