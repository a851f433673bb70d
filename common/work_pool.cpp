#include "common/work_pool.h"

#include <algorithm>

#include "common/thread_name.h"

namespace scribe {

WorkPool::WorkPool(const std::string& name, size_t threads, size_t queue_max)
    : queue_max_(queue_max) {
  threads = std::max<size_t>(threads, 1);
  for (size_t i = 0; i < threads; i++) {
    std::string thread_name = threads == 1 ? name : name + "-" + std::to_string(i);
    workers_.emplace_back([this, thread_name] {
      name_this_thread(thread_name);
      run();
    });
  }
}

WorkPool::~WorkPool() { stop(); }

void WorkPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
}

bool WorkPool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= queue_max_) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

bool WorkPool::submit_continuation(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

size_t WorkPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkPool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

}  // namespace scribe
