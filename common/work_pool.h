// A bounded pool of named worker threads for blocking work kept off the IO threads: queries,
// document reads and writes, admin operations. submit() never blocks: with `queue_max` jobs
// already waiting it refuses, and the caller answers 503. Jobs run in submission order per
// worker; stop() (and the destructor) runs every job already queued, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace scribe {

class WorkPool {
 public:
  // `threads` ≥ 1 workers named "<name>-<i>" (or "<name>" when there is one).
  WorkPool(const std::string& name, size_t threads, size_t queue_max);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // False, and `job` dropped unrun, when the queue is full or the pool is stopping.
  bool submit(std::function<void()> job);
  // For the next step of work already admitted (a streamed body's next chunk): queued even
  // when the queue is full, so an admitted response is never cut for load. False only when
  // the pool is stopping.
  bool submit_continuation(std::function<void()> job);
  size_t queued() const;
  void stop();

 private:
  void run();
  const size_t queue_max_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace scribe
