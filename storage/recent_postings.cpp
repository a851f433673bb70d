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

RecentPostings::Snapshot RecentPostings::snapshot(StoreId store, const Term& term) const {
  Snapshot out;
  std::shared_lock lock(mutex_);
  out.flushed = flushed_;
  auto it = terms_.find(Key{store, term.kind, term.hash});
  if (it == terms_.end()) return out;
  out.runs.reserve(it->second.chunks.size());
  for (const auto& chunk : it->second.chunks)
    out.runs.push_back(Run{chunk, chunk->size.load(std::memory_order_acquire)});
  return out;
}

Seq RecentPostings::flushed() const {
  std::shared_lock lock(mutex_);
  return flushed_;
}

void RecentPostings::add(StoreId store, const Term& term, Seq seq) {
  const Key key{store, term.kind, term.hash};
  auto it = terms_.find(key);  // only this thread changes the map: no lock to read it
  if (it == terms_.end()) {
    std::unique_lock lock(mutex_);
    it = terms_.emplace(key, Entry{}).first;
  }
  Entry& entry = it->second;
  assert(seq > flushed_ && seq > entry.last);
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
  postings_++;
}

void RecentPostings::flushed_through(Seq through) {
  std::unique_lock lock(mutex_);
  assert(through >= flushed_);
  flushed_ = through;
  terms_.clear();  // snapshots keep the chunks they hold
  postings_ = 0;
}

}  // namespace scribe::storage
