// Throttling of failed authentication per (client address, credential key). After
// `failures_max` failures within `window_ms` of the first one, that pair is refused (429) until
// the window has passed; other keys from the address and the key from other addresses are
// unaffected. Memory is bounded: at most `entries_max` pairs are tracked, the least recently
// failed dropped first. The map is hashed with a random SipHash key, so a client choosing keys
// cannot flood one bucket. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/term_hash.h"

namespace scribe::auth {

class Throttle {
 public:
  Throttle(uint32_t failures_max, uint32_t window_ms, uint32_t entries_max);

  // 0 when the pair may try; else the seconds (≥ 1) until it may try again.
  uint32_t retry_after_s(std::string_view address, std::string_view key, int64_t now_ms);
  void record_failure(std::string_view address, std::string_view key, int64_t now_ms);
  // A successful authentication forgets the pair's failures.
  void record_success(std::string_view address, std::string_view key);
  size_t tracked() const;

 private:
  struct KeyedHash {
    storage::TermKey key;
    size_t operator()(const std::string& s) const;
  };
  struct Entry {
    uint32_t failures = 0;
    int64_t window_start_ms = 0;
    std::list<std::string>::iterator lru;
  };
  static std::string pair_key(std::string_view address, std::string_view key);

  const uint32_t failures_max_;
  const uint32_t window_ms_;
  const uint32_t entries_max_;
  mutable std::mutex mutex_;
  std::atomic<size_t> tracked_{0};  // entries_.size(), read without the lock on success
  std::list<std::string> lru_;  // front: most recent failure
  std::unordered_map<std::string, Entry, KeyedHash> entries_;
};

}  // namespace scribe::auth
