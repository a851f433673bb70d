#include "auth/throttle.h"

#include <cassert>
#include <cstring>

#include "auth/secret_hash.h"

namespace scribe::auth {

namespace {

storage::TermKey random_key() {
  storage::TermKey key;
  std::string raw = random_bytes(key.size());
  std::memcpy(key.data(), raw.data(), key.size());
  return key;
}

}  // namespace

size_t Throttle::KeyedHash::operator()(const std::string& s) const {
  storage::TermHash h = storage::hash_term(key, s);
  size_t v;
  std::memcpy(&v, h.data(), sizeof v);
  return v;
}

Throttle::Throttle(uint32_t failures_max, uint32_t window_ms, uint32_t entries_max)
    : failures_max_(failures_max),
      window_ms_(window_ms),
      entries_max_(entries_max > 0 ? entries_max : 1),
      entries_(16, KeyedHash{random_key()}) {}

std::string Throttle::pair_key(std::string_view address, std::string_view key) {
  std::string k(address);
  k.push_back('\0');
  k.append(key);
  return k;
}

uint32_t Throttle::retry_after_s(std::string_view address, std::string_view key, int64_t now_ms) {
  if (tracked_.load(std::memory_order_relaxed) == 0) return 0;  // no failures: no lock
  std::lock_guard lock(mutex_);
  auto it = entries_.find(pair_key(address, key));
  if (it == entries_.end()) return 0;
  const Entry& e = it->second;
  const int64_t ends_ms = e.window_start_ms + int64_t(window_ms_);
  if (now_ms >= ends_ms || e.failures < failures_max_) return 0;
  return uint32_t((ends_ms - now_ms + 999) / 1000);
}

void Throttle::record_failure(std::string_view address, std::string_view key, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  std::string k = pair_key(address, key);
  auto it = entries_.find(k);
  if (it == entries_.end()) {
    while (entries_.size() >= entries_max_) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(k);
    it = entries_.emplace(std::move(k), Entry{0, now_ms, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  Entry& e = it->second;
  if (now_ms >= e.window_start_ms + int64_t(window_ms_)) {
    e.failures = 0;
    e.window_start_ms = now_ms;
  }
  if (e.failures < UINT32_MAX) e.failures++;
  tracked_.store(entries_.size(), std::memory_order_relaxed);
  assert(entries_.size() == lru_.size() && entries_.size() <= entries_max_);
}

void Throttle::record_success(std::string_view address, std::string_view key) {
  // Nearly every request succeeds while nothing failed: skip the lock then. A failure recorded
  // concurrently may be missed here, which only leaves it counted until its window ends.
  if (tracked_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lock(mutex_);
  auto it = entries_.find(pair_key(address, key));
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
  tracked_.store(entries_.size(), std::memory_order_relaxed);
}

size_t Throttle::tracked() const { return tracked_.load(std::memory_order_relaxed); }

}  // namespace scribe::auth
