// ThreadPool (include/zhucun/thread_pool.h): threads that take posted
// tasks from one queue, in order.

#include "zhucun/thread_pool.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace zhucun {

struct ThreadPool::State {
  std::mutex mutex;
  std::condition_variable ready;  // a task was posted, or the pool stops
  std::deque<std::function<void()>> tasks;
  bool stopping = false;
  std::vector<std::thread> threads;

  void Work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex);
        ready.wait(lock, [this] { return stopping || !tasks.empty(); });
        if (stopping) return;
        task = std::move(tasks.front());
        tasks.pop_front();
      }
      task();
    }
  }
};

namespace {

void Stop(const std::shared_ptr<ThreadPool::State>& state);

}  // namespace

ThreadPool::ThreadPool(unsigned threads) : state_(std::make_shared<State>()) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  state_->threads.reserve(threads);
  try {
    for (unsigned t = 0; t < threads; ++t) {
      state_->threads.emplace_back([state = state_.get()] { state->Work(); });
    }
  } catch (...) {  // (no more threads to be had: the ones started stop)
    Stop(state_);
    throw;
  }
}

ThreadPool::~ThreadPool() { Stop(state_); }

namespace {

void Stop(const std::shared_ptr<ThreadPool::State>& state) {
  {
    const std::lock_guard<std::mutex> lock(state->mutex);
    state->stopping = true;
    state->tasks.clear();
  }
  state->ready.notify_all();
  for (std::thread& t : state->threads) t.join();
}

}  // namespace

unsigned ThreadPool::size() const { return static_cast<unsigned>(state_->threads.size()); }

void ThreadPool::Post(std::function<void()> task) {
  {
    const std::lock_guard<std::mutex> lock(state_->mutex);
    state_->tasks.push_back(std::move(task));
  }
  state_->ready.notify_one();
}

}  // namespace zhucun
