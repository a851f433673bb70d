// The newest part of the index, in memory: postings the indexer (storage/indexer.h) has
// published but not yet written to RocksDB. Writing them a second or so later, a term's
// postings of that whole span become one list instead of one key per commit group, so the index
// family takes a few keys per second per term instead of one per (term, group).
// Only the indexer thread appends, in seq order per term, and flushes. Readers take a snapshot
// of one term, which stays valid while appends and flushes go on (chunks never move or shrink,
// and a flush drops the map, not the chunks a snapshot holds).
// Guarantees: a snapshot of term t taken when the index reaches seq i holds exactly t's
// postings with seqs in (flushed, i], in seq order, and `flushed` is how far RocksDB holds them.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "storage/keys.h"
#include "storage/posting_list.h"

namespace scribe::storage {

class RecentPostings {
 public:
  // A run of postings of one term; only ever appended to (by the indexer), up to capacity.
  struct Chunk {
    explicit Chunk(size_t capacity) : capacity(capacity), postings(new Posting[capacity]) {}
    const size_t capacity;
    std::unique_ptr<Posting[]> postings;
    std::atomic<size_t> size{0};
  };
  struct Run {
    std::shared_ptr<const Chunk> chunk;
    size_t size;  // postings of the chunk that belong to the snapshot
  };
  struct Snapshot {
    Seq flushed = 0;        // RocksDB holds the term's postings up to this seq
    std::vector<Run> runs;  // then these, in seq order, all past `flushed`
  };

  Snapshot snapshot(StoreId store, const Term& term) const;
  Seq flushed() const;
  size_t postings() const { return postings_; }  // indexer thread

  // Indexer thread. Each seq must be past every seq added before for the term (so a term comes
  // once per statement, its flags merged beforehand).
  void add(StoreId store, const Term& term, Seq seq);
  // Indexer thread: the terms' postings, sorted by index key, for writing as lists.
  template <class Each>  // each(store, term, const std::vector<Posting>&)
  void for_each_sorted(Each each) const;
  // Indexer thread, once RocksDB holds everything added, up to seq `through`.
  void flushed_through(Seq through);

 private:
  struct Key {
    StoreId store;
    IndexKind kind;
    TermHash hash;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    // The term hash is a keyed SipHash (term_hash.h): no one can aim inputs at one bucket.
    size_t operator()(const Key& k) const;
  };
  struct Entry {
    std::vector<std::shared_ptr<Chunk>> chunks;
    Seq last = 0;
  };
  static bool key_less(const Key& a, const Key& b);

  mutable std::shared_mutex mutex_;  // the map and chunk lists; chunk contents are atomic
  std::unordered_map<Key, Entry, KeyHash> terms_;
  Seq flushed_ = 0;
  size_t postings_ = 0;
};

template <class Each>
void RecentPostings::for_each_sorted(Each each) const {
  std::vector<const std::pair<const Key, Entry>*> sorted;
  sorted.reserve(terms_.size());
  for (const auto& entry : terms_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return key_less(a->first, b->first); });
  std::vector<Posting> postings;
  for (const auto* entry : sorted) {
    postings.clear();
    for (const auto& chunk : entry->second.chunks)
      postings.insert(postings.end(), chunk->postings.get(), chunk->postings.get() + chunk->size.load());
    each(entry->first.store, Term{entry->first.kind, entry->first.hash, 0}, postings);
  }
}

}  // namespace scribe::storage
