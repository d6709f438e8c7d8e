#ifndef ZHUCUN_THREAD_POOL_H_
#define ZHUCUN_THREAD_POOL_H_

/// \file
/// A fixed set of threads that checks share. A service that runs several
/// checks at once gives them one pool (CheckOptions::pool), so that they
/// share its threads instead of each starting as many as there are cores:
///
///     auto pool = std::make_shared<zhucun::ThreadPool>(4);
///     zhucun::CheckOptions options;
///     options.pool = pool;  // every request's check
///
/// A check on a pool works on its calling thread too and asks the pool for
/// at most `CheckOptions::threads - 1` more (every thread of the pool when
/// 0); it never waits for a pool thread that another check keeps busy, so
/// checks on a busy pool still finish (on fewer threads). The report is the
/// same with or without a pool.

#include <cstddef>
#include <functional>
#include <memory>

#include "zhucun/export.h"

namespace zhucun {

class ZHUCUN_API ThreadPool {
 public:
  /// Starts `threads` threads (0: one per hardware thread).
  explicit ThreadPool(unsigned threads = 0);
  /// Waits for the tasks already running, drops the ones not started, and
  /// joins the threads. No check may still be using the pool.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// The number of threads.
  unsigned size() const;

  /// Runs `task` on a thread of the pool when one is free, in the order
  /// given. A task must not throw.
  void Post(std::function<void()> task);

  struct State;  // (thread_pool.cc)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace zhucun

#endif  // ZHUCUN_THREAD_POOL_H_
