// The newest part of the index, in memory: postings the indexer (storage/indexer.h) has
// published but not yet written to RocksDB. Writing them a second or so later, a term's
// postings of that whole span become one list instead of one key per commit group, so the index
// family takes a few keys per second per term instead of one per (term, group).
// Two generations, so that writing never stops appending: the indexer thread appends to the
// active one, in seq order per term; to write, it seals the active generation (everything up
// to a seq) and starts a new one, and a flusher writes the sealed one and then drops it.
// Readers take a snapshot of one term, the sealed generation's postings then the active's,
// which stays valid while appends, seals and flushes go on (chunks never move or shrink, and
// dropping a generation drops its map, not the chunks a snapshot holds).
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
  size_t postings() const { return active_.postings; }  // the active generation's; indexer thread

  // Indexer thread. Each seq must be past every seq added before for the term (so a term comes
  // once per statement, its flags merged beforehand).
  void add(StoreId store, const Term& term, Seq seq);
  // Indexer thread, when nothing is sealed: the active generation (every posting up to
  // `through`) becomes the sealed one, and appends go to a new, empty one.
  void seal(Seq through);
  bool sealed() const { return has_sealed_.load(std::memory_order_acquire); }
  Seq sealed_through() const { return sealed_through_; }  // while sealed()
  // The flusher, while sealed(): the sealed terms' postings, sorted by index key, for writing.
  template <class Each>  // each(store, term, const std::vector<Posting>&)
  void for_each_sealed(Each each) const;
  // The flusher, once RocksDB holds the sealed generation: it is dropped; flushed() reaches
  // sealed_through().
  void drop_sealed();
  // Once RocksDB holds everything added (nothing is sealed), up to seq `through`: at start.
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
  struct Generation {
    std::unordered_map<Key, Entry, KeyHash> terms;
    size_t postings = 0;
  };
  static bool key_less(const Key& a, const Key& b);
  static void add_runs(const Generation& g, const Key& key, Snapshot& out);

  mutable std::shared_mutex mutex_;  // the maps and chunk lists; chunk contents are atomic
  Generation active_;                // changed by the indexer thread only
  Generation sealed_;                // unchanged from seal() to drop_sealed()
  std::atomic<bool> has_sealed_{false};
  Seq sealed_through_ = 0;
  Seq flushed_ = 0;
};

template <class Each>
void RecentPostings::for_each_sealed(Each each) const {
  std::vector<const std::pair<const Key, Entry>*> sorted;
  sorted.reserve(sealed_.terms.size());
  for (const auto& entry : sealed_.terms) sorted.push_back(&entry);
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
