// The single committer behind every statement write (group commit, pipelined).
// IO threads submit validated, fully-prepared batches and never touch the disk. The committer
// thread drains whatever is queued, decides each batch (id conflicts, voiding rules), assigns
// seqs and applies all accepted batches as one WriteBatch; the syncer thread then fsyncs the
// WAL once for every group written meanwhile and only then answers their requests. So one
// fsync serves many requests, and the next group is staged while the previous one syncs.
// The index is not part of the synced batch: the syncer hands each synced group's index entries
// to the indexer (storage/indexer.h), which writes them right behind; queries wait for it.
// The evidence log: each new statement's leaf entry (storage/evidence_log.h: its index and salt)
// is appended, in commit order, in the statement's own batch. Its hash and the tree nodes it
// completes are off the acknowledgement's path: the syncer finishes the hashes after it has
// answered a synced group, writes the nodes (durable with the next sync; derived data, which a
// start recomputes from the leaves when a crash lost them), then hands the stores' new tree
// heads to whoever signs checkpoints and advances logged_seq(). At start, leaves without nodes
// are hashed first, then statements stored without a leaf (by a version without the log, or
// with it off) are appended, in seq order.
// A failed write or WAL sync latches the write fault (write_fault()): the groups not yet synced
// fail, committed_seq() stops (nothing of theirs is ever visible), and every request after them
// is refused with the fault, until the committer has undone the failed groups' writes
// (storage/write_undo.h) once the engine resumes (Engine::resume: after space returns; a failed
// WAL I/O needs a restart). A group whose data reached RocksDB's memtables is answered only once
// its undo is durable (or at stop, when the outcome is unknown), so a refused request's data is
// never made durable by a later sync or flush.
// Guarantees: a batch is stored whole or not at all; `done` runs exactly once, after the data
// is durable (or with the error that kept it out); seqs strictly increase across restarts;
// logged_seq() <= committed_seq(), and every statement at or before logged_seq() is in its
// store's tree head as the signer knows it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "evidence/leaf.h"
#include "evidence/merkle.h"
#include "storage/engine.h"
#include "storage/evidence_log.h"
#include "storage/indexer.h"
#include "storage/keys.h"
#include "storage/record_terms.h"
#include "storage/statement_codec.h"

namespace scribe::storage {

// A RocksDB merge operand written with a statement (e.g. to an activity's definition).
struct MergeOperand {
  MergeOperand(Family f, std::string k, std::string op)
      : family(f), key(std::move(k)), operand(std::move(op)),
        operand_hash(std::hash<std::string_view>()(operand)) {}
  Family family;
  std::string key;  // relative to the store: the committer prefixes the store id
  std::string operand;
  size_t operand_hash;  // computed where the operand is built (an IO thread), not by the committer
};

struct PreparedStatement {
  static constexpr uint8_t kIsVoiding = 2;  // record flag: this statement voids its target
  Uuid id{};
  uint8_t flags = 0;  // StatementRecord flags (kTimestampFromStored, kIsVoiding)
  std::string json;   // as returned, minus `stored` (see keys.h)
  // Nonzero when `json` is already in JCS form (xapi's prepare writes it so): the offset where
  // `stored` sorts in (evidence::LeafTemplate::of_canonical); 0: the leaf re-parses `json`.
  uint32_t stored_insert_at = 0;
  std::optional<std::string> payload;  // `json` compressed, when submit() compressed it
  std::vector<Term> terms;          // the statement's own index terms
  std::optional<Uuid> ref_target;   // object is a StatementRef to this id
  std::vector<std::string> attachment_sha2s;  // the attachments it declares (keys.h), each once
  std::vector<MergeOperand> merges;  // written in the same batch when the statement is new
  // Its evidence leaf, prepared by submit() (on the caller's thread) when the log is on.
  std::string salt;
  std::optional<evidence::PendingLeaf> leaf;  // hashed up to `stored`
};

struct EvidenceOptions {
  bool enabled = true;  // keep each store's evidence log
  // Called at start with every store's tree head, then by the syncer after each sync with the
  // new tree head of every store it wrote to (its leaves durable; see above for its nodes).
  std::function<void(const std::vector<TreeHead>&)> synced_heads;
};

struct WriteOutcome {
  Status status;
  Seq last_seq = 0;  // the newest seq this batch wrote (0 when it wrote nothing)
  // For each statement of the batch: true when an identical statement was already stored
  // (so nothing was written for it).
  std::vector<bool> already_stored;
};

// Decides whether a stored statement's JSON and a newly prepared statement are the same
// statement (so a re-send is a no-op, not a conflict). Supplied by the protocol layer.
using SameStatement = std::function<bool(std::string_view stored_json, const PreparedStatement&)>;

struct WriteRequest {
  StoreId store = 0;
  std::vector<PreparedStatement> statements;
  // Attachment contents (lower-case sha2 hex → bytes), stored once per store and sha2.
  std::vector<std::pair<std::string, std::string>> attachments;
  std::function<void(WriteOutcome)> done;
};

class CommitPipeline {
 public:
  // `codec` (may be null: nothing is compressed) compresses statements in submit(), on the
  // caller's thread, and decodes stored ones. With `own_terms`, records keep only the terms they
  // inherit (storage/record_terms.h); without it, all of them.
  // `backfill_referrers_max`: statements a target arriving after them may update (transitively);
  // a target with more is refused (413), never half back-filled.
  CommitPipeline(Engine& engine, SameStatement same, uint32_t queue_statements_max,
                 StatementCodec* codec = nullptr, OwnTerms own_terms = nullptr,
                 EvidenceOptions evidence = {}, uint32_t backfill_referrers_max = 10000);
  ~CommitPipeline();  // stops after committing what is queued

  // Returns false (and does not call done) when the queue is full: answer 503.
  bool submit(WriteRequest request);
  // Runs `job` on the committer thread between two groups and returns its status: it sees every
  // write committed before it, and no statement is staged meanwhile (an erasure rewrites records
  // and leaf runs the committer owns). Blocks the caller; 503 once the pipeline is stopping.
  Status run_exclusive(const std::function<Status()>& job);
  // The newest seq that is durable. Statements with a higher seq may already be in RocksDB
  // but are not yet acknowledged: readers must not return them.
  Seq committed_seq() const { return committed_seq_.load(std::memory_order_acquire); }
  // Every statement stored at or before this seq is readable now. While nothing is being
  // committed that is the present moment: anything submitted later gets a later seq.
  Seq consistent_through() const;
  // Whether the index reaches `seq` (every committed statement up to it is found by queries),
  // waiting at most `timeout`. A query waits for the committed_seq() it saw at its start.
  bool wait_indexed(Seq seq, std::chrono::milliseconds timeout) const {
    return indexer_->wait_for(seq, timeout);
  }
  Seq indexed_seq() const { return indexer_->indexed_seq(); }
  // An erasure's index changes (storage/index_removal.h), applied after everything queued for
  // the index before them. Blocks until they are in RocksDB's memtables (WAL off).
  Status apply_index_changes(std::vector<PostingChange> changes) { return indexer_->apply(std::move(changes)); }
  // How records' terms are read (storage/record_terms.h).
  const StatementCodec* codec() const { return codec_; }
  const OwnTerms& own_terms() const { return own_terms_; }
  // Whether every statement up to `seq` is in its store's tree head as reported to the signer
  // (always, with the log off), waiting at most `timeout`: proofs and exports wait for it.
  bool wait_logged(Seq seq, std::chrono::milliseconds timeout) const;
  // The index's newest postings, not yet in RocksDB: readers need them (StatementReader).
  const RecentPostings& recent_postings() const { return indexer_->recent(); }
  // The latched write fault (see above), if any: writes are refused and /ready fails.
  std::optional<Error> write_fault() const;
  void stop();

 private:
  struct Located {
    Seq seq;
    std::string record;  // encoded StatementRecord
  };
  struct DrainState;
  // A committed leaf whose hash the syncer finishes.
  struct LeafToHash {
    StoreId store = 0;
    uint64_t index = 0;
    Seq seq = 0;
    evidence::PendingLeaf leaf;
  };
  // A group applied to RocksDB, waiting for the WAL sync before its requests are answered.
  struct WrittenGroup {
    std::vector<WriteRequest> requests;
    std::vector<WriteOutcome> outcomes;
    std::vector<bool> accepted;
    std::vector<IndexEntry> index_entries;  // of the accepted requests
    std::vector<LeafToHash> leaves;         // of the accepted requests, in index order
    Status written;
    bool wrote = false;  // the group applied a batch to RocksDB
    Seq last_seq = 0;    // the newest seq assigned so far (covers this group)
    // While unsynced: what the group wrote, and a snapshot from just before (for an undo).
    rocksdb::WriteBatch batch;
    const rocksdb::Snapshot* before = nullptr;
  };
  void run();
  void run_syncer();
  // Syncer: latches the write fault and fails `groups`; those whose data reached RocksDB wait in
  // held_ for their undo, the others are answered now.
  void fail_groups(std::deque<WrittenGroup>& groups, const Error& fault);
  // Committer: once the syncer is idle and the engine resumes, undoes the held groups, answers
  // them and clears the fault. Returns whether the fault is cleared.
  bool try_recover();
  void release_snapshot(WrittenGroup& group);
  WrittenGroup commit_group(std::vector<WriteRequest>& group);
  Status stage_request(WriteRequest& request, DrainState& drain, WriteOutcome& outcome);
  // The stored statement with this id, nullopt when none is; a failed read is an error.
  Result<std::optional<Located>> locate(StoreId store, const Uuid& id, DrainState& drain);
  // Gives `terms` to every statement that (transitively) targets `target_id`.
  Status backfill(StoreId store, const Uuid& target_id, Seq target_seq,
                  const std::vector<Term>& terms, DrainState& drain);
  Seq next_seq();
  // Appends a new statement's leaf to its store's log: its entry goes to drain.evidence_entries
  // and its hash to drain.leaves, which a rejected request truncates back.
  Status append_evidence(StoreId store, Seq seq, PreparedStatement& p, DrainState& drain);
  // The store's committed leaf count (read from RocksDB the first time). Committer thread.
  Result<uint64_t> committed_leaf_count(StoreId store);
  // Syncer: finishes the hashes of the written groups' leaves, writes the nodes they complete,
  // and returns the new heads of the stores whose nodes were written.
  std::vector<TreeHead> hash_leaves(std::deque<WrittenGroup>& groups);
  // The store's tree with every leaf before `index` hashed: loaded from its nodes, then the
  // leaves past them hashed from their stored statements (their nodes go to `nodes`).
  Result<evidence::Frontier*> frontier_before(StoreId store, uint64_t index, std::vector<LogEntry>& nodes);
  // The hash of the leaf of the statement stored at `seq` (record as stored) with `salt`.
  Result<evidence::Hash> stored_leaf_hash(StoreId store, Seq seq, std::string_view record, std::string_view salt);
  // At start: nodes for leaves without them, then leaves for every statement stored past its
  // store's last leaf.
  Status catch_up_evidence();
  // Drops merge operands identical to the last one written for their key: the folds are
  // idempotent for a repeated operand, and most statements repeat their activities' and
  // agents' descriptions. Committer thread only.
  void drop_repeated_operands(std::vector<MergeOperand>& merges);

  Engine& engine_;
  StatementCodec* const codec_;
  const OwnTerms own_terms_;
  const EvidenceOptions evidence_;
  const uint32_t backfill_referrers_max_;
  std::unordered_map<StoreId, uint64_t> leaf_counts_;          // committed; committer thread only
  std::unordered_map<StoreId, evidence::Frontier> frontiers_;  // hashed; syncer thread only
  std::atomic<Seq> logged_seq_{0};
  mutable std::mutex logged_mutex_;
  mutable std::condition_variable logged_wake_;
  SameStatement same_;
  const uint32_t queue_statements_max_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<WriteRequest> queue_;
  struct ExclusiveJob;
  std::deque<ExclusiveJob*> exclusive_;  // under mutex_; run before the next group
  uint64_t queued_statements_ = 0;
  bool stopping_ = false;
  Seq last_seq_ = 0;  // committer thread only
  std::atomic<Seq> committed_seq_{0};  // durable and acknowledged
  std::atomic<Seq> assigned_seq_{0};   // the newest seq handed out (maybe not yet durable)
  std::atomic<bool> staging_{false};   // the committer is assigning seqs right now
  std::thread thread_;
  std::unique_ptr<Indexer> indexer_;

  static constexpr size_t kOperandCacheMax = 1 << 18;
  std::unordered_map<std::string, size_t> last_operand_;  // key → hash of its last operand
  std::atomic<bool> operand_cache_invalid_{false};        // a write or sync failed

  static constexpr size_t kWrittenGroupsMax = 64;  // backpressure on the committer
  mutable std::mutex sync_mutex_;
  std::condition_variable sync_wake_;   // syncer: groups to sync, or stop
  std::condition_variable sync_space_;  // committer: room in written_
  std::deque<WrittenGroup> written_;
  bool sync_stopping_ = false;
  bool syncer_busy_ = false;             // the syncer holds groups it took from written_
  std::atomic<bool> failed_{false};      // the write fault is latched (write_fault())
  std::optional<Error> fault_;           // under sync_mutex_: the first failure
  std::deque<WrittenGroup> held_;        // under sync_mutex_: failed groups waiting for their undo
  std::atomic<bool> frontiers_stale_{false};  // an undo removed leaves: the syncer reloads trees
  static constexpr auto kRecoveryRetry = std::chrono::milliseconds(200);
  std::thread syncer_;
};

}  // namespace scribe::storage
