#include "storage/recent_postings.h"

#include <cassert>
#include <cstring>

namespace scribe::storage {

namespace {

constexpr size_t kFirstChunkPostings = 8;
constexpr size_t kChunkPostingsMax = 4096;

}  // namespace

size_t RecentPostings::KeyHash::operator()(const Key& k) const {
  uint64_t h;
  std::memcpy(&h, k.hash.data(), sizeof h);
  return size_t(h ^ (uint64_t(k.store) << 8) ^ uint64_t(k.kind));
}

bool RecentPostings::key_less(const Key& a, const Key& b) {
  if (a.store != b.store) return a.store < b.store;
  if (a.kind != b.kind) return a.kind < b.kind;
  return a.hash < b.hash;
}

void RecentPostings::add_runs(const Generation& g, const Key& key, Snapshot& out) {
  auto it = g.terms.find(key);
  if (it == g.terms.end()) return;
  for (const auto& chunk : it->second.chunks)
    out.runs.push_back(Run{chunk, chunk->size.load(std::memory_order_acquire)});
}

RecentPostings::Snapshot RecentPostings::snapshot(StoreId store, const Term& term) const {
  Snapshot out;
  const Key key{store, term.kind, term.hash};
  std::shared_lock lock(mutex_);
  out.flushed = flushed_;
  if (has_sealed_.load(std::memory_order_relaxed)) add_runs(sealed_, key, out);  // older seqs first
  add_runs(active_, key, out);
  return out;
}

Seq RecentPostings::flushed() const {
  std::shared_lock lock(mutex_);
  return flushed_;
}

void RecentPostings::add(StoreId store, const Term& term, Seq seq) {
  const Key key{store, term.kind, term.hash};
  auto it = active_.terms.find(key);  // only this thread changes the map: no lock to read it
  if (it == active_.terms.end()) {
    std::unique_lock lock(mutex_);
    it = active_.terms.emplace(key, Entry{}).first;
  }
  Entry& entry = it->second;
  assert(seq > flushed_ && seq > entry.last && (!sealed() || seq > sealed_through_));
  if (entry.chunks.empty() || entry.chunks.back()->size.load() == entry.chunks.back()->capacity) {
    const size_t capacity = entry.chunks.empty() ? kFirstChunkPostings
                                                 : std::min(entry.chunks.back()->capacity * 4, kChunkPostingsMax);
    auto chunk = std::make_shared<Chunk>(capacity);
    std::unique_lock lock(mutex_);
    entry.chunks.push_back(std::move(chunk));
  }
  Chunk& chunk = *entry.chunks.back();
  const size_t at = chunk.size.load(std::memory_order_relaxed);
  chunk.postings[at] = Posting{seq, term.flags};
  chunk.size.store(at + 1, std::memory_order_release);
  entry.last = seq;
  active_.postings++;
}

void RecentPostings::seal(Seq through) {
  std::unique_lock lock(mutex_);
  assert(!sealed() && through >= flushed_);
  sealed_ = std::move(active_);
  active_ = Generation{};
  sealed_through_ = through;
  has_sealed_.store(true, std::memory_order_release);
}

void RecentPostings::drop_sealed() {
  std::unique_lock lock(mutex_);
  assert(sealed());
  flushed_ = sealed_through_;
  sealed_ = Generation{};  // snapshots keep the chunks they hold
  has_sealed_.store(false, std::memory_order_release);
}

void RecentPostings::flushed_through(Seq through) {
  std::unique_lock lock(mutex_);
  assert(!sealed() && through >= flushed_);
  flushed_ = through;
  active_ = Generation{};  // snapshots keep the chunks they hold
}

}  // namespace scribe::storage
