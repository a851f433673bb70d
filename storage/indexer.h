// The indexer: keeps the index (storage/posting_list.h) just behind the synced commit.
// The committer hands it the index entries of every synced group. It adds whatever is queued to
// the recent postings in memory (storage/recent_postings.h) and publishes how far the index
// reaches; queries read RocksDB's lists and the recent postings together. About once a second
// (or sooner, past kRecentPostingsMax) it seals the recent postings, and a flusher thread writes
// them as one list per term, past the term's older lists, with the WAL off and its progress in
// the same batch, while the indexer goes on publishing (a query never waits for that write,
// unless the previous one is still running a whole kRecentAgeMax later). Entries for older
// seqs (a back-fill: a target arrived after its referrers) are merged, after a write of the
// recent postings, into the RocksDB list that covers them. At start it first rebuilds what a
// crash lost: the lists of every statement record past the persisted progress, and those of the
// reindex markers past it (see keys.h).
// Guarantees: indexed_seq() only grows; when it is s, every statement committed with a seq up to
// s is found through the index, so a query that waits for the committed seq it saw at its start
// misses no acknowledged write. A term's lists stay disjoint and in seq order. Memory is bounded:
// submit() blocks while kQueueEntriesMax entries wait.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/result.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/recent_postings.h"
#include "storage/record_terms.h"

namespace scribe::storage {

struct IndexEntry {
  StoreId store = 0;
  Term term;  // flags: what the entry records (kTermDirect)
  Seq seq = 0;
};

// A posting taken out of the index, or given fewer flags (storage/index_removal.h).
struct PostingChange {
  IndexEntry entry;  // entry.term.flags: the posting's flags afterwards (when kept)
  bool remove = true;
};

class Indexer {
 public:
  static constexpr size_t kQueueEntriesMax = 1 << 21;  // ~64 MB of waiting entries
  static constexpr size_t kPassEntriesMax = 1 << 19;   // entries taken from the queue at once
  static constexpr size_t kRecentPostingsMax = 1 << 21;  // then they are written to RocksDB
  static constexpr std::chrono::milliseconds kRecentAgeMax{1000};  // or once they are this old

  // `committed_through`: the newest committed seq when the engine was opened. The rebuild runs
  // on the indexer's thread up to it; submissions continue past it.
  // `codec` and `own_terms` read the records' terms for the rebuild (storage/record_terms.h).
  Indexer(Engine& engine, Seq committed_through, const StatementCodec* codec = nullptr,
          OwnTerms own_terms = nullptr);
  ~Indexer();  // indexes what is queued, then stops
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Every statement committed with a seq up to `through` has its entries in this or an earlier
  // submission. Blocks while the queue is full (backpressure on the committer).
  void submit(std::vector<IndexEntry> entries, Seq through);
  Seq indexed_seq() const { return indexed_.load(std::memory_order_acquire); }
  // Waits until indexed_seq() reaches `seq`; false when `timeout` passes first.
  bool wait_for(Seq seq, std::chrono::milliseconds timeout) const;
  // Applies `changes` (an erasure's, storage/index_removal.h) once everything submitted before
  // is indexed and written to RocksDB; their postings must not be in a later submission.
  // Blocks until done; the changes are in RocksDB's memtables then (WAL off).
  Status apply(std::vector<PostingChange> changes);
  // What queries read besides RocksDB's lists.
  const RecentPostings& recent() const { return recent_; }
  // The failure that keeps the index from advancing right now (it retries), if any.
  std::optional<Error> failure() const;
  void stop();

 private:
  struct Submission {
    std::vector<IndexEntry> entries;
    Seq through;
    // Instead of entries: changes to apply, and who waits for that.
    std::vector<PostingChange> changes;
    std::promise<Status>* applied = nullptr;
  };
  // Indexer thread: the changes, after every recent posting is written.
  Status apply_changes(std::vector<PostingChange>& changes);
  // When the thread ends: every apply() still queued fails.
  void fail_waiting_changes();
  void run();
  Status rebuild(Seq committed_through);
  Status replay_records(Seq after, Seq through);
  // The entries of one stored record (all its terms).
  Status add_record_terms(StoreId store, Seq seq, std::string_view record_bytes,
                          std::vector<IndexEntry>& out) const;
  Status replay_markers(const std::vector<std::pair<StoreId, std::vector<Seq>>>& markers);
  // Lists for entries in (after, through], past every existing list, plus the progress
  // `through`, in one write (the rebuild).
  Status append_lists(std::vector<IndexEntry>& entries, Seq after, Seq through);
  // The flusher thread: writes each sealed generation of recent postings as lists, with the
  // progress it covers, then drops it.
  void run_flusher();
  Status write_sealed();
  // Indexer thread: hands the recent postings to the flusher (after the one it is writing).
  // False when stopping first.
  bool seal_recent();
  // Indexer thread: until the flusher has written what is sealed; false when stopping first and
  // the write is failing.
  bool wait_flushed();
  // Indexer thread: until RocksDB holds every recent posting.
  bool flush_all();
  void put_lists(rocksdb::WriteBatch& batch, StoreId store, const Term& term,
                 const std::vector<Posting>& postings);
  // Merges one entry at or below the progress into the list that covers its seq.
  Status merge_into_lists(const IndexEntry& entry);
  Status index_pass(std::vector<IndexEntry>& entries, Seq through);
  void publish(Seq through);
  bool stopping_now();
  void set_failure(std::optional<Error> failure);

  Engine& engine_;
  const StatementCodec* const codec_;
  const OwnTerms own_terms_;
  RecentPostings recent_;
  std::chrono::steady_clock::time_point recent_since_;  // when the oldest recent posting came
  std::atomic<Seq> indexed_{0};
  uint64_t replayed_ = 0;  // statement records read by the rebuild (indexer thread)

  std::mutex mutex_;
  std::condition_variable wake_;   // the indexer: work or stop
  std::condition_variable space_;  // submitters: room in the queue
  std::deque<Submission> queue_;
  size_t queued_entries_ = 0;
  std::atomic<bool> stopping_{false};  // set under mutex_ (for the waits), read anywhere

  std::mutex flush_mutex_;
  std::condition_variable flush_wake_;  // the flusher: something sealed, or stop
  std::condition_variable flushed_;     // the indexer: the sealed generation is written
  std::atomic<bool> flush_failing_{false};
  bool flusher_stopping_ = false;  // under flush_mutex_; set once the indexer thread is done
  std::thread flusher_;

  mutable std::mutex progress_mutex_;
  mutable std::condition_variable progress_;
  std::optional<Error> failure_;  // under progress_mutex_

  std::thread thread_;
};

}  // namespace scribe::storage
