#include "storage/commit_pipeline.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <iterator>
#include <map>
#include <iostream>
#include <set>

#include "common/thread_name.h"
#include "common/timestamp.h"
#include "storage/index_terms.h"
#include "storage/write_undo.h"

namespace scribe::storage {

namespace {

constexpr size_t kGroupStatementsMax = 20000;  // statements written by one group commit
const std::string kLastSeqKey = "last_seq";

int64_t wall_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string seq_bytes(Seq seq) {
  std::string s;
  put_u64(s, seq);
  return s;
}

// Staged puts, keyed by family then key; ordered so that refs can be prefix-scanned.
struct Overlay {
  std::map<std::string, std::string> puts[size_t(Family::Count)];
  std::vector<MergeOperand> merges;  // applied after the puts, in order

  const std::string* find(Family f, const std::string& key) const {
    auto& m = puts[size_t(f)];
    auto it = m.find(key);
    return it == m.end() ? nullptr : &it->second;
  }
  void put(Family f, std::string key, std::string value) {
    puts[size_t(f)][std::move(key)] = std::move(value);
  }
  void scan(Family f, const std::string& prefix, std::vector<std::string>& keys) const {
    auto& m = puts[size_t(f)];
    for (auto it = m.lower_bound(prefix); it != m.end() && it->first.starts_with(prefix); ++it)
      keys.push_back(it->first);
  }
  // Moves every staged write into `other` (later writes win); this overlay is left empty.
  void move_into(Overlay& other) {
    for (size_t f = 0; f < size_t(Family::Count); f++) {
      while (!puts[f].empty()) {
        auto placed = other.puts[f].insert(puts[f].extract(puts[f].begin()));
        if (!placed.inserted) placed.position->second = std::move(placed.node.mapped());
      }
    }
    std::move(merges.begin(), merges.end(), std::back_inserter(other.merges));
    merges.clear();
  }
};

}  // namespace

struct CommitPipeline::DrainState {
  Overlay drain;    // accepted requests of this group
  Overlay request;  // the request being decided; merged into drain on success
  // Index entries are never read back while staging, so they skip the overlays: a flat list
  // (a rejected request truncates its own tail), handed to the indexer once the group is synced.
  std::vector<IndexEntry> index_entries;
  // Evidence leaf counts: of the stores this group appended to (as of its accepted requests),
  // and of the request being decided (one store), which replaces the group's when accepted.
  std::unordered_map<StoreId, uint64_t> group_leaf_counts;
  std::optional<uint64_t> request_leaf_count;
  // Evidence leaf entries, and the hashes the syncer finishes, of the accepted requests and the
  // one being decided (a rejected request truncates its own tail).
  std::vector<LogEntry> evidence_entries;  // written as runs (storage/evidence_log.h)
  std::vector<LeafToHash> leaves;

  Result<std::optional<std::string>> lookup(Engine& engine, Family f, const std::string& key) {
    if (auto* v = request.find(f, key)) return std::optional<std::string>(*v);
    if (auto* v = drain.find(f, key)) return std::optional<std::string>(*v);
    std::string value;
    auto found = engine.get(f, key, &value);
    if (!found) return found.error();
    if (!*found) return std::optional<std::string>();
    return std::optional<std::string>(std::move(value));
  }

  Result<std::vector<std::string>> scan(Engine& engine, Family f, const std::string& prefix) {
    std::vector<std::string> keys;
    request.scan(f, prefix, keys);
    drain.scan(f, prefix, keys);
    std::unique_ptr<rocksdb::Iterator> it(
        engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(f)));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      keys.push_back(it->key().ToString());
    if (!it->status().ok()) return storage_error(it->status(), "referrer scan failed");  // never "no referrers"
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }
};

CommitPipeline::CommitPipeline(Engine& engine, SameStatement same, uint32_t queue_statements_max,
                               StatementCodec* codec, OwnTerms own_terms, EvidenceOptions evidence,
                               uint32_t backfill_referrers_max)
    : engine_(engine), codec_(codec), own_terms_(std::move(own_terms)), evidence_(std::move(evidence)),
      backfill_referrers_max_(backfill_referrers_max),
      same_(std::move(same)), queue_statements_max_(queue_statements_max) {
  std::string value;
  auto found = engine_.get(Family::Meta, kLastSeqKey, &value);
  if (found.ok() && *found && value.size() == 8) last_seq_ = get_u64(value);
  committed_seq_.store(last_seq_);
  assigned_seq_.store(last_seq_);
  if (evidence_.enabled) {
    if (Status caught_up = catch_up_evidence(); !caught_up)
      std::cerr << "scribe: the evidence log could not be brought up to date: "
                << caught_up.error().describe() << "\n" << std::flush;
    logged_seq_.store(last_seq_);
    // What RocksDB holds at start is durable: the signer starts from these heads.
    std::vector<TreeHead> heads;
    for (const auto& [store, frontier] : frontiers_) heads.push_back(TreeHead{store, frontier.size(), frontier.root()});
    if (evidence_.synced_heads && !heads.empty()) evidence_.synced_heads(heads);
  }
  indexer_ = std::make_unique<Indexer>(engine_, last_seq_, codec_, own_terms_);
  syncer_ = std::thread([this] {
    name_this_thread("scribe-sync");
    run_syncer();
  });
  thread_ = std::thread([this] {
    name_this_thread("scribe-commit");
    run();
  });
}

CommitPipeline::~CommitPipeline() { stop(); }

void CommitPipeline::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();  // the committer drains the queue first
  {
    std::lock_guard lock(sync_mutex_);
    sync_stopping_ = true;
  }
  sync_wake_.notify_all();
  if (syncer_.joinable()) syncer_.join();  // then every written group is synced and answered
  // Failed groups whose undo never became durable: their data may come back with the WAL at
  // the next start, so they are told the outcome is unknown (never a success).
  for (WrittenGroup& g : held_) {
    release_snapshot(g);
    for (size_t i = 0; i < g.requests.size(); i++) {
      if (g.accepted[i])
        g.outcomes[i] = WriteOutcome{fault(Code::io_error, "stopped before the failed write was undone: "
                                                           "its statements may or may not be stored"), 0, {}};
      g.requests[i].done(std::move(g.outcomes[i]));
    }
  }
  held_.clear();
  indexer_->stop();                          // and indexed
  logged_wake_.notify_all();
}

std::optional<Error> CommitPipeline::write_fault() const {
  if (failed_.load(std::memory_order_acquire)) {
    std::lock_guard lock(sync_mutex_);
    if (fault_) return fault_;
  }
  return engine_.write_fault();
}

void CommitPipeline::release_snapshot(WrittenGroup& group) {
  if (group.before) engine_.db()->ReleaseSnapshot(group.before);
  group.before = nullptr;
}

bool CommitPipeline::wait_logged(Seq seq, std::chrono::milliseconds timeout) const {
  if (!evidence_.enabled || logged_seq_.load(std::memory_order_acquire) >= seq) return true;
  std::unique_lock lock(logged_mutex_);
  return logged_wake_.wait_for(lock, timeout, [&] { return logged_seq_.load(std::memory_order_acquire) >= seq; });
}

bool CommitPipeline::submit(WriteRequest request) {
  for (PreparedStatement& p : request.statements) {
    if (evidence_.enabled) {
      p.salt = evidence::random_salt();
      const bool from_stored = p.flags & StatementRecord::kTimestampFromStored;
      auto leaf = p.stored_insert_at ? evidence::LeafTemplate::of_canonical(p.json, p.stored_insert_at, from_stored)
                                     : evidence::LeafTemplate::of(p.json, from_stored);
      if (leaf) p.leaf = leaf->begin(p.salt);  // else stage_request refuses the statement
    }
    if (codec_) p.payload = codec_->encode(request.store, p.json, p.flags);
  }
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    if (queued_statements_ + request.statements.size() > queue_statements_max_ &&
        !queue_.empty())
      return false;
    queued_statements_ += request.statements.size();
    queue_.push_back(std::move(request));
  }
  wake_.notify_one();
  return true;
}

struct CommitPipeline::ExclusiveJob {
  const std::function<Status()>& job;
  std::promise<Status> done;
};

Status CommitPipeline::run_exclusive(const std::function<Status()>& job) {
  ExclusiveJob entry{job, {}};
  auto done = entry.done.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return fault(Code::unavailable, "the server is stopping");
    if (auto latched = write_fault()) return std::move(*latched);
    exclusive_.push_back(&entry);
  }
  wake_.notify_one();
  return done.get();
}

Seq CommitPipeline::next_seq() {
  Seq now = Seq(std::max<int64_t>(wall_micros(), 0));
  last_seq_ = std::max(now, last_seq_ + 1);
  return last_seq_;
}

void CommitPipeline::run() {
  for (;;) {
    std::vector<WriteRequest> group;
    {
      std::unique_lock lock(mutex_);
      auto ready = [this] { return stopping_ || !queue_.empty() || !exclusive_.empty(); };
      if (failed_.load(std::memory_order_acquire)) {
        wake_.wait_for(lock, kRecoveryRetry, ready);
        lock.unlock();
        try_recover();
        lock.lock();
      } else {
        wake_.wait(lock, ready);
      }
      if (!exclusive_.empty()) {
        ExclusiveJob* job = exclusive_.front();
        exclusive_.pop_front();
        lock.unlock();
        auto latched = write_fault();
        Status s = latched ? Status(std::move(*latched)) : job->job();
        last_operand_.clear();  // the job may have removed what a cached operand describes
        job->done.set_value(std::move(s));
        continue;
      }
      if (queue_.empty() && stopping_) return;
      if (queue_.empty()) continue;  // woken to retry a recovery
      size_t statements = 0;
      while (!queue_.empty() && (group.empty() || statements < kGroupStatementsMax)) {
        statements += queue_.front().statements.size();
        queued_statements_ -= queue_.front().statements.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    WrittenGroup written = commit_group(group);
    std::unique_lock lock(sync_mutex_);
    sync_space_.wait(lock, [this] { return written_.size() < kWrittenGroupsMax; });
    written_.push_back(std::move(written));
    sync_wake_.notify_one();
  }
}

void CommitPipeline::run_syncer() {
  for (;;) {
    std::deque<WrittenGroup> groups;
    {
      std::unique_lock lock(sync_mutex_);
      syncer_busy_ = false;
      sync_wake_.wait(lock, [this] { return sync_stopping_ || !written_.empty(); });
      if (written_.empty() && sync_stopping_) return;
      groups.swap(written_);
      syncer_busy_ = true;
    }
    sync_space_.notify_all();
    if (frontiers_stale_.exchange(false)) frontiers_.clear();
    bool wrote = false;
    Seq newest = 0;
    for (const auto& g : groups) {
      if (g.written.ok() && g.wrote) wrote = true;
      newest = std::max(newest, g.last_seq);
    }
    // Never a sync after a fault: it could make a failed group durable (and RocksDB's failed WAL
    // writer aborts the process in a sync).
    std::optional<Error> latched = write_fault();
    Status synced = latched ? Status(*latched) : wrote ? engine_.sync_wal() : Status::success();
    for (const auto& g : groups)
      if (!g.written.ok() || !synced.ok()) operand_cache_invalid_.store(true);
    if (!synced.ok()) {
      fail_groups(groups, synced.error());
      continue;
    }
    std::vector<IndexEntry> entries;
    for (auto& g : groups) {
      release_snapshot(g);
      if (!g.written.ok()) continue;
      if (entries.empty()) entries = std::move(g.index_entries);
      else entries.insert(entries.end(), g.index_entries.begin(), g.index_entries.end());
    }
    if (newest > committed_seq()) committed_seq_.store(newest, std::memory_order_release);
    indexer_->submit(std::move(entries), newest);
    for (auto& g : groups) {
      for (size_t i = 0; i < g.requests.size(); i++) {
        if (g.accepted[i] && !g.written.ok()) g.outcomes[i] = WriteOutcome{g.written, 0, {}};
        g.requests[i].done(std::move(g.outcomes[i]));
      }
    }
    // Answered: now the leaves' hashes and nodes.
    if (!evidence_.enabled) continue;
    std::vector<TreeHead> heads = hash_leaves(groups);
    if (evidence_.synced_heads && !heads.empty()) evidence_.synced_heads(heads);
    if (newest > logged_seq_.load(std::memory_order_relaxed)) {
      {
        std::lock_guard lock(logged_mutex_);
        logged_seq_.store(newest, std::memory_order_release);
      }
      logged_wake_.notify_all();
    }
  }
}

void CommitPipeline::fail_groups(std::deque<WrittenGroup>& groups, const Error& failure) {
  {
    std::lock_guard lock(sync_mutex_);
    if (!fault_) {
      fault_ = failure;
      std::cerr << "scribe: writes refused until the store recovers: " << failure.describe() << "\n" << std::flush;
    }
    failed_.store(true, std::memory_order_release);
  }
  wake_.notify_all();  // the committer refuses what is queued and tries to recover
  for (auto& g : groups) {
    if (g.wrote && g.written.ok()) {  // in RocksDB's memtables: answered once undone
      std::lock_guard lock(sync_mutex_);
      held_.push_back(std::move(g));
      continue;
    }
    release_snapshot(g);
    for (size_t i = 0; i < g.requests.size(); i++) {
      if (g.accepted[i]) g.outcomes[i] = WriteOutcome{g.written.ok() ? Status(failure) : g.written, 0, {}};
      g.requests[i].done(std::move(g.outcomes[i]));
    }
  }
}

bool CommitPipeline::try_recover() {
  std::unique_lock lock(sync_mutex_);
  if (!failed_.load()) return true;
  if (syncer_busy_ || !written_.empty()) return false;  // every failed group must be known
  if (Status resumed = engine_.resume(); !resumed) return false;
  if (!held_.empty()) {
    std::vector<const rocksdb::WriteBatch*> batches;
    for (const WrittenGroup& g : held_) batches.push_back(&g.batch);
    auto undo = undo_batch(engine_, held_.front().before, batches);
    if (!undo) {
      std::cerr << "scribe: the failed writes cannot be undone: " << undo.error().describe() << "\n" << std::flush;
      return false;
    }
    if (undo->Count() > 0) {
      undo->Put(engine_.family(Family::Meta), kLastSeqKey, seq_bytes(last_seq_));  // seqs only grow
      if (Status s = engine_.write_durable(*undo); !s) return false;  // latched again: retried
    }
  }
  std::deque<WrittenGroup> undone;
  undone.swap(held_);
  const Error failure = *fault_;
  fault_.reset();
  // What the committer and syncer remember of the undone groups' writes.
  leaf_counts_.clear();
  last_operand_.clear();
  frontiers_stale_.store(true);
  failed_.store(false, std::memory_order_release);
  lock.unlock();
  std::cerr << "scribe: the store recovered; " << undone.size() << " failed group(s) undone\n" << std::flush;
  for (WrittenGroup& g : undone) {
    release_snapshot(g);
    for (size_t i = 0; i < g.requests.size(); i++) {
      if (g.accepted[i]) g.outcomes[i] = WriteOutcome{failure, 0, {}};
      g.requests[i].done(std::move(g.outcomes[i]));
    }
  }
  return true;
}

std::vector<TreeHead> CommitPipeline::hash_leaves(std::deque<WrittenGroup>& groups) {
  std::vector<LogEntry> nodes;
  std::vector<StoreId> stores;  // in first-touched order
  for (auto& g : groups) {
    if (!g.written.ok()) continue;
    for (LeafToHash& l : g.leaves) {
      if (std::find(stores.begin(), stores.end(), l.store) == stores.end()) stores.push_back(l.store);
      auto frontier = frontier_before(l.store, l.index, nodes);
      if (!frontier) {
        std::cerr << "scribe: the evidence tree of store " << l.store << " could not be extended to leaf "
                  << l.index << ": " << frontier.error().describe() << "\n" << std::flush;
        frontiers_.erase(l.store);  // reloaded, and the leaves past it hashed, next time
        continue;
      }
      append_leaf_hash(l.store, l.leaf.finish(format_timestamp(int64_t(l.seq))), **frontier, nodes);
    }
  }
  std::vector<TreeHead> heads;
  if (nodes.empty()) return heads;
  rocksdb::WriteBatch batch;
  write_log_runs(nodes, [&](std::string key, std::string value) {
    batch.Put(engine_.family(Family::Evidence), key, value);
  });
  // Durable with the next sync (or the next checkpoint's write); a crash before that loses
  // nothing the leaves and statements cannot give back at the next start.
  if (Status s = engine_.write_unsynced(batch); !s) {
    std::cerr << "scribe: writing evidence tree nodes failed: " << s.error().describe() << "\n" << std::flush;
    for (StoreId store : stores) frontiers_.erase(store);
    return heads;
  }
  for (StoreId store : stores)
    if (auto it = frontiers_.find(store); it != frontiers_.end())
      heads.push_back(TreeHead{store, it->second.size(), it->second.root()});
  return heads;
}

Result<evidence::Frontier*> CommitPipeline::frontier_before(StoreId store, uint64_t index, std::vector<LogEntry>& nodes) {
  auto it = frontiers_.find(store);
  if (it == frontiers_.end()) {
    auto loaded = load_frontier(engine_, store);
    if (!loaded) return loaded.error();
    it = frontiers_.emplace(store, std::move(*loaded)).first;
  }
  evidence::Frontier& frontier = it->second;
  if (frontier.size() > index)
    return fault(Code::corruption, "leaf " + std::to_string(index) + " is already in a tree of " + std::to_string(frontier.size()));
  if (frontier.size() == index) return &frontier;
  // Leaves whose nodes are missing (a failed node write; at start, a crash): from the store.
  Status s = for_each_leaf(engine_, store, frontier.size(), index, [&](uint64_t at, Seq seq, std::string_view salt) -> Status {
    if (at != frontier.size()) return fault(Code::corruption, "the evidence log skips leaf " + std::to_string(frontier.size()));
    std::string record;
    auto found = engine_.get(Family::Statements, statement_key(store, seq), &record);
    if (!found) return found.error();
    if (!*found) return fault(Code::corruption, "leaf " + std::to_string(at) + " has no statement at seq " + std::to_string(seq));
    auto leaf = stored_leaf_hash(store, seq, record, salt);
    if (!leaf) return leaf.error();
    append_leaf_hash(store, *leaf, frontier, nodes);
    return Status::success();
  });
  if (!s) {
    frontiers_.erase(store);
    return s.error();
  }
  if (frontier.size() != index) {
    frontiers_.erase(store);
    return fault(Code::corruption, "the evidence log has no leaf " + std::to_string(index - 1));
  }
  return &frontier;
}

Result<evidence::Hash> CommitPipeline::stored_leaf_hash(StoreId store, Seq seq, std::string_view record,
                                                        std::string_view salt) {
  uint8_t flags = 0;
  auto payload = record_json(record, &flags, nullptr);
  if (!payload) return fault(Code::corruption, "corrupt statement record at seq " + std::to_string(seq));
  std::string scratch;
  auto json = decode_payload(codec_, store, *payload, flags, scratch);
  if (!json) return json.error();
  auto leaf = evidence::LeafTemplate::of(*json, flags & StatementRecord::kTimestampFromStored);
  if (!leaf) return leaf.error();
  return leaf->hash(salt, format_timestamp(int64_t(seq)));
}

Seq CommitPipeline::consistent_through() const {
  // Read the clock before the state: a seq assigned after this check is >= now.
  const Seq now = Seq(std::max<int64_t>(wall_micros(), 1));
  const Seq committed = committed_seq();
  if (!staging_.load(std::memory_order_seq_cst) &&
      assigned_seq_.load(std::memory_order_seq_cst) == committed)
    return std::max(now - 1, committed);
  return committed;
}

CommitPipeline::WrittenGroup CommitPipeline::commit_group(std::vector<WriteRequest>& group) {
  if (auto latched = write_fault()) {  // nothing staged: the syncer answers them with the fault
    WrittenGroup refused;
    refused.outcomes.resize(group.size());
    refused.accepted.assign(group.size(), true);
    refused.written = std::move(*latched);
    refused.last_seq = last_seq_;
    refused.requests = std::move(group);
    return refused;
  }
  staging_.store(true, std::memory_order_seq_cst);
  if (operand_cache_invalid_.exchange(false)) last_operand_.clear();
  DrainState drain;
  WrittenGroup out;
  out.outcomes.resize(group.size());
  out.accepted.assign(group.size(), false);
  for (size_t i = 0; i < group.size(); i++) {
    drain.request = Overlay();
    drain.request_leaf_count.reset();
    const size_t index_mark = drain.index_entries.size();
    const size_t evidence_mark = drain.evidence_entries.size();
    const size_t leaves_mark = drain.leaves.size();
    out.outcomes[i].already_stored.assign(group[i].statements.size(), false);
    Status s = stage_request(group[i], drain, out.outcomes[i]);
    if (!s.ok()) {
      drain.index_entries.resize(index_mark);
      drain.evidence_entries.resize(evidence_mark);
      drain.leaves.resize(leaves_mark);
      out.outcomes[i] = WriteOutcome{s, 0, {}};
      continue;
    }
    drop_repeated_operands(drain.request.merges);
    drain.request.move_into(drain.drain);
    if (drain.request_leaf_count) drain.group_leaf_counts[group[i].store] = *drain.request_leaf_count;
    out.accepted[i] = true;
  }

  rocksdb::WriteBatch batch;
  for (size_t f = 0; f < size_t(Family::Count); f++)
    for (auto& [k, v] : drain.drain.puts[f]) batch.Put(engine_.family(Family(f)), k, v);
  for (auto& m : drain.drain.merges) batch.Merge(engine_.family(m.family), m.key, m.operand);
  write_log_runs(drain.evidence_entries, [&](std::string key, std::string value) {
    batch.Put(engine_.family(Family::Evidence), key, value);
  });
  out.written = Status::success();
  if (batch.Count() > 0) {
    batch.Put(engine_.family(Family::Meta), kLastSeqKey, seq_bytes(last_seq_));
    out.before = engine_.db()->GetSnapshot();  // for an undo, should the sync fail
    out.written = engine_.write_unsynced(batch);
    out.wrote = true;
    out.batch = std::move(batch);
  }
  for (const auto& [store, count] : drain.group_leaf_counts) {
    if (out.written.ok()) leaf_counts_[store] = count;
    else leaf_counts_.erase(store);  // RocksDB holds the log as it was: read it again next time
  }
  if (out.written.ok()) out.leaves = std::move(drain.leaves);
  out.index_entries = std::move(drain.index_entries);
  out.last_seq = last_seq_;  // seqs of rejected requests are skipped, never reused
  assigned_seq_.store(last_seq_, std::memory_order_seq_cst);
  staging_.store(false, std::memory_order_seq_cst);
  out.requests = std::move(group);
  return out;
}

Result<std::optional<CommitPipeline::Located>> CommitPipeline::locate(StoreId store, const Uuid& id,
                                                                     DrainState& drain) {
  auto seq = drain.lookup(engine_, Family::StatementIds, statement_id_key(store, id));
  if (!seq) return seq.error();  // a failed read is never "not stored": that would store it twice
  if (!*seq) return std::optional<Located>();
  if ((*seq)->size() != 8) return fault(Code::corruption, "corrupt statement id entry " + format_uuid(id));
  Seq s = get_u64(**seq);
  auto record = drain.lookup(engine_, Family::Statements, statement_key(store, s));
  if (!record) return record.error();
  if (!*record) return fault(Code::corruption, "statement id " + format_uuid(id) + " points at a missing record");
  return std::optional<Located>(Located{s, std::move(**record)});
}

Status CommitPipeline::stage_request(WriteRequest& request, DrainState& drain,
                                     WriteOutcome& outcome) {
  const StoreId store = request.store;
  Overlay& out = drain.request;

  std::set<Uuid> ids;
  for (size_t i = 0; i < request.statements.size(); i++) {
    const PreparedStatement& p = request.statements[i];
    if (!ids.insert(p.id).second)
      return fault(Code::invalid, "statement " + format_uuid(p.id) + " appears twice in the batch",
                   "[" + std::to_string(i) + "].id");
    auto existing = locate(store, p.id, drain);
    if (!existing) return existing.error();
    if (!*existing) continue;
    uint8_t flags = 0;
    auto payload = record_json((*existing)->record, &flags, nullptr);
    if (!payload) return fault(Code::corruption, "corrupt statement record " + format_uuid(p.id));
    std::string scratch;
    auto json = decode_payload(codec_, store, *payload, flags, scratch);
    if (!json) return json.error();
    if (!same_(*json, p))
      return fault(Code::conflict, "statement " + format_uuid(p.id) +
                                  " is already stored with different content", "id");
    outcome.already_stored[i] = true;
  }

  for (size_t i = 0; i < request.statements.size(); i++) {
    if (outcome.already_stored[i]) continue;
    PreparedStatement& p = request.statements[i];
    const Seq seq = next_seq();
    StatementRecord record{p.id, p.flags, {}, p.payload ? std::move(*p.payload) : std::move(p.json)};
    std::vector<Term> terms = std::move(p.terms);  // its own, and below those it inherits

    if (p.flags & PreparedStatement::kIsVoiding) {
      // A statement that voided this one before it arrived voided a voiding statement, which
      // has no effect: reject it when it is in this same batch, else neutralise its marker.
      const std::string key = voided_key(store, p.id);
      if (const std::string* v = drain.request.find(Family::Voided, key); v && voided_value_voids(*v))
        return fault(Code::invalid,
                     "a voiding statement cannot be voided (" + format_uuid(p.id) + " is voided in this batch)",
                     "object.id");
      auto earlier = drain.lookup(engine_, Family::Voided, key);
      if (!earlier) return earlier.error();
      if (*earlier && voided_value_voids(**earlier)) out.put(Family::Voided, key, "");
    }
    if (p.ref_target) {
      auto located = locate(store, *p.ref_target, drain);
      if (!located) return located.error();
      if (const auto& target = *located) {
        auto target_record = decode_record(target->record);
        if (!target_record) return fault(Code::corruption, "corrupt statement record");
        if ((p.flags & PreparedStatement::kIsVoiding) &&
            (target_record->flags & PreparedStatement::kIsVoiding))
          return fault(Code::invalid, "a voiding statement cannot be voided", "object.id");
        auto target_terms = record_terms(store, *target_record, codec_, own_terms_);
        if (!target_terms) return target_terms.error();
        record.terms = inherit_terms(terms, *target_terms);  // a record keeps what it inherits
        if (record.terms.size() > kRecordTermsMax)
          return fault(Code::too_large,
                       "the statement would inherit more than " + std::to_string(kRecordTermsMax) +
                           " index terms through its StatementRef",
                       "[" + std::to_string(i) + "].object");
      }
      else
        out.put(Family::Refs, refs_prefix(store, *p.ref_target), "");  // waiting marker
      out.put(Family::Refs, refs_key(store, *p.ref_target, seq), "");
      if (p.flags & PreparedStatement::kIsVoiding)
        out.put(Family::Voided, voided_key(store, *p.ref_target), seq_bytes(seq));
    }

    if (!own_terms_) record.terms = terms;  // no rule to recompute them: it keeps them all
    for_each_index_term(terms, [&](const Term& t) { drain.index_entries.push_back(IndexEntry{store, t, seq}); });
    out.put(Family::StatementIds, statement_id_key(store, p.id), seq_bytes(seq));

    // Statements that arrived earlier and target this one now inherit its terms, and so do
    // the statements that target them, transitively. A waiting marker (refs key without a
    // seq) says whether any exist, so the common case costs one bloom-filtered point read.
    auto waiting = drain.lookup(engine_, Family::Refs, refs_prefix(store, p.id));
    if (!waiting) return waiting.error();
    if (*waiting) {
      if (Status s = backfill(store, p.id, seq, terms, drain); !s) return s;
    }
    if (evidence_.enabled)
      if (Status s = append_evidence(store, seq, p, drain); !s) return s;
    out.put(Family::Statements, statement_key(store, seq), encode_record(record));
    for (const std::string& sha2 : p.attachment_sha2s)
      out.put(Family::Attachments, attachment_user_key(store, sha2, seq), "");
    for (auto& m : p.merges) {
      m.key.insert(0, store_prefix(store));  // operands are built without knowing the store
      out.merges.push_back(std::move(m));
    }
    outcome.last_seq = seq;
  }
  for (auto& [sha2, bytes] : request.attachments)
    out.put(Family::Attachments, attachment_key(store, sha2), std::move(bytes));
  return Status::success();
}

Result<uint64_t> CommitPipeline::committed_leaf_count(StoreId store) {
  if (auto it = leaf_counts_.find(store); it != leaf_counts_.end()) return it->second;
  auto last = last_leaf(engine_, store);
  if (!last) return last.error();
  leaf_counts_.emplace(store, last->count);
  return last->count;
}

Status CommitPipeline::append_evidence(StoreId store, Seq seq, PreparedStatement& p, DrainState& drain) {
  if (!p.leaf || p.salt.size() != evidence::kSaltBytes)
    return fault(Code::corruption, "statement " + format_uuid(p.id) + " has no evidence leaf");
  if (!drain.request_leaf_count) {
    if (auto it = drain.group_leaf_counts.find(store); it != drain.group_leaf_counts.end()) {
      drain.request_leaf_count = it->second;
    } else {
      auto count = committed_leaf_count(store);
      if (!count) return count.error();
      drain.request_leaf_count = *count;
    }
  }
  const uint64_t index = (*drain.request_leaf_count)++;
  // Never read back while staging: straight to the batch, like index entries.
  drain.evidence_entries.push_back(leaf_entry(store, index, seq, p.salt));
  drain.leaves.push_back(LeafToHash{store, index, seq, std::move(*p.leaf)});
  p.leaf.reset();
  return Status::success();
}

Status CommitPipeline::catch_up_evidence() {
  std::unique_ptr<rocksdb::Iterator> stores(
      engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.family(Family::Statements)));
  for (stores->Seek(store_prefix(1)); stores->Valid();) {
    const StoreId store = get_u32(stores->key().ToStringView());
    auto last = last_leaf(engine_, store);
    if (!last) return last.error();
    const auto t0 = std::chrono::steady_clock::now();
    auto report = [&](uint64_t count, const char* what) {
      if (count == 0) return;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
      std::cout << "scribe: evidence log of store " << store << ": " << count << " " << what << " in "
                << ms.count() << " ms\n" << std::flush;
    };
    std::vector<LogEntry> entries;
    auto write_entries = [&]() -> Status {
      if (entries.empty()) return Status::success();
      rocksdb::WriteBatch batch;
      write_log_runs(entries, [&](std::string key, std::string value) {
        batch.Put(engine_.family(Family::Evidence), key, value);
      });
      entries.clear();
      return engine_.write_durable(batch);
    };
    // Leaves committed before a crash whose nodes were not yet durable: hashed again.
    auto hashed = log_size(engine_, store);
    if (!hashed) return hashed.error();
    auto frontier = frontier_before(store, last->count, entries);
    if (!frontier) return frontier.error();
    if (Status s = write_entries(); !s) return s;
    report(last->count - *hashed, "committed leaves without their nodes hashed");
    // Statements stored without a leaf: appended, in seq order.
    const std::string prefix = store_prefix(store);
    uint64_t appended = 0;
    std::unique_ptr<rocksdb::Iterator> it(
        engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.family(Family::Statements)));
    for (it->Seek(statement_key(store, last->seq + 1)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const Seq seq = seq_suffix(it->key().ToStringView());
      const std::string salt = evidence::random_salt();
      auto leaf = stored_leaf_hash(store, seq, it->value().ToStringView(), salt);
      if (!leaf) return leaf.error();
      append_leaf(store, seq, salt, *leaf, **frontier, entries);
      if (++appended % 10000 == 0)
        if (Status s = write_entries(); !s) return s;
    }
    if (!it->status().ok()) return storage_error(it->status(), "statement scan failed");
    if (Status s = write_entries(); !s) return s;
    report(appended, "statements stored without a leaf appended");
    leaf_counts_[store] = (*frontier)->size();
    if (store == UINT32_MAX) break;
    stores->Seek(store_prefix(store + 1));
  }
  if (!stores->status().ok()) return storage_error(stores->status(), "statement scan failed");
  return Status::success();
}

void CommitPipeline::drop_repeated_operands(std::vector<MergeOperand>& merges) {
  if (last_operand_.size() > kOperandCacheMax) last_operand_.clear();
  std::erase_if(merges, [this](const MergeOperand& m) {
    const size_t h = m.operand_hash;
    auto [it, inserted] = last_operand_.try_emplace(m.key, h);
    if (inserted) return false;
    if (it->second == h) return true;  // folding the same operand again changes nothing
    it->second = h;
    return false;
  });
}

Status CommitPipeline::backfill(StoreId store, const Uuid& target_id, Seq target_seq,
                                const std::vector<Term>& terms, DrainState& drain) {
  Overlay& out = drain.request;
  std::vector<Uuid> frontier{target_id};
  size_t visited = 0;
  std::string grown;  // the referrer seqs whose terms grew: the reindex marker (keys.h)
  while (!frontier.empty()) {
    Uuid target = frontier.back();
    frontier.pop_back();
    auto referrer_keys = drain.scan(engine_, Family::Refs, refs_prefix(store, target));
    if (!referrer_keys) return referrer_keys.error();
    for (const std::string& key : *referrer_keys) {
      if (key.size() != refs_prefix(store, target).size() + 8) continue;  // the marker itself
      if (++visited > backfill_referrers_max_)
        return fault(Code::too_large, "more than " + std::to_string(backfill_referrers_max_) +
                                    " statements refer to this one (transitively) and would take its terms "
                                    "(limits.backfill_referrers_max)", "id");
      Seq referrer_seq = seq_suffix(key);
      if (referrer_seq == target_seq) continue;
      auto bytes = drain.lookup(engine_, Family::Statements, statement_key(store, referrer_seq));
      if (!bytes) return bytes.error();
      if (!*bytes) continue;
      auto referrer = decode_record(**bytes);
      if (!referrer) return fault(Code::corruption, "corrupt statement record");
      auto all = record_terms(store, *referrer, codec_, own_terms_);
      if (!all) return all.error();
      auto added = inherit_terms(*all, terms);
      if (added.empty()) continue;
      inherit_terms(referrer->terms, added);  // it keeps what it inherits
      if (referrer->terms.size() > kRecordTermsMax)
        return fault(Code::too_large, "statements that refer to this one would inherit more than " +
                                    std::to_string(kRecordTermsMax) + " index terms through their StatementRefs", "id");
      // The added terms, and the pairs of all it now has (those it had already are idempotent).
      for (const Term& t : added) drain.index_entries.push_back(IndexEntry{store, t, referrer_seq});
      for_each_index_term(*all, [&](const Term& t) {
        if (t.kind == IndexKind::AgentVerb) drain.index_entries.push_back(IndexEntry{store, t, referrer_seq});
      });
      out.put(Family::Statements, statement_key(store, referrer_seq), encode_record(*referrer));
      put_u64(grown, referrer_seq);
      frontier.push_back(referrer->id);
    }
  }
  if (!grown.empty()) out.put(Family::Meta, reindex_marker_key(store, target_seq), std::move(grown));
  return Status::success();
}

}  // namespace scribe::storage
