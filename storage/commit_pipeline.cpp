#include "storage/commit_pipeline.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <iostream>
#include <set>

#include "common/thread_name.h"
#include "common/timestamp.h"
#include "storage/index_terms.h"

namespace scribe::storage {

namespace {

constexpr size_t kBackfillNodesMax = 10000;  // referrers updated when one target arrives
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
  // Evidence frontiers: of the stores this group appended to (as of its accepted requests), and
  // of the request being decided (one store), which replaces the group's when it is accepted.
  std::unordered_map<StoreId, evidence::Frontier> group_frontiers;
  std::optional<evidence::Frontier> request_frontier;
  // Evidence log writes (leaf entries, nodes) of the accepted requests and the one being
  // decided (a rejected request truncates its own tail).
  std::vector<LogEntry> evidence_entries;  // written as runs (storage/evidence_log.h)

  Result<std::optional<std::string>> lookup(Engine& engine, Family f, const std::string& key) {
    if (auto* v = request.find(f, key)) return std::optional<std::string>(*v);
    if (auto* v = drain.find(f, key)) return std::optional<std::string>(*v);
    std::string value;
    auto found = engine.get(f, key, &value);
    if (!found) return found.error();
    if (!*found) return std::optional<std::string>();
    return std::optional<std::string>(std::move(value));
  }

  std::vector<std::string> scan(Engine& engine, Family f, const std::string& prefix) {
    std::vector<std::string> keys;
    request.scan(f, prefix, keys);
    drain.scan(f, prefix, keys);
    std::unique_ptr<rocksdb::Iterator> it(
        engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(f)));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      keys.push_back(it->key().ToString());
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }
};

CommitPipeline::CommitPipeline(Engine& engine, SameStatement same, uint32_t queue_statements_max,
                               StatementCodec* codec, OwnTerms own_terms, EvidenceOptions evidence)
    : engine_(engine), codec_(codec), own_terms_(std::move(own_terms)), evidence_(std::move(evidence)),
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
  indexer_->stop();                          // and indexed
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
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
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
      sync_wake_.wait(lock, [this] { return sync_stopping_ || !written_.empty(); });
      if (written_.empty() && sync_stopping_) return;
      groups.swap(written_);
    }
    sync_space_.notify_all();
    bool wrote = false;
    Seq newest = 0;
    for (const auto& g : groups) {
      if (g.written.ok() && g.wrote) wrote = true;
      newest = std::max(newest, g.last_seq);
    }
    Status synced = wrote ? engine_.sync_wal() : Status::success();
    for (const auto& g : groups)
      if (!g.written.ok() || !synced.ok()) operand_cache_invalid_.store(true);
    if (synced.ok()) {
      std::vector<IndexEntry> entries;
      for (auto& g : groups) {
        if (!g.written.ok()) continue;
        if (entries.empty()) entries = std::move(g.index_entries);
        else entries.insert(entries.end(), g.index_entries.begin(), g.index_entries.end());
      }
      // The signer learns the new tree heads before readers learn the new seq, so an export or
      // proof that starts from committed_seq() always finds a durable head covering it.
      if (evidence_.synced_heads) {
        std::vector<TreeHead> heads;  // the newest of each store
        for (auto it = groups.rbegin(); it != groups.rend(); ++it) {
          if (!it->written.ok()) continue;
          for (const TreeHead& h : it->heads)
            if (std::none_of(heads.begin(), heads.end(), [&](const TreeHead& o) { return o.store == h.store; }))
              heads.push_back(h);
        }
        if (!heads.empty()) evidence_.synced_heads(heads);
      }
      if (newest > committed_seq()) committed_seq_.store(newest, std::memory_order_release);
      indexer_->submit(std::move(entries), newest);
    }
    for (auto& g : groups) {
      for (size_t i = 0; i < g.requests.size(); i++) {
        if (g.accepted[i] && !g.written.ok()) g.outcomes[i] = WriteOutcome{g.written, 0, {}};
        else if (g.accepted[i] && !synced.ok()) g.outcomes[i] = WriteOutcome{synced, 0, {}};
        g.requests[i].done(std::move(g.outcomes[i]));
      }
    }
  }
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
  staging_.store(true, std::memory_order_seq_cst);
  if (operand_cache_invalid_.exchange(false)) last_operand_.clear();
  DrainState drain;
  WrittenGroup out;
  out.outcomes.resize(group.size());
  out.accepted.assign(group.size(), false);
  for (size_t i = 0; i < group.size(); i++) {
    drain.request = Overlay();
    drain.request_frontier.reset();
    const size_t index_mark = drain.index_entries.size();
    const size_t evidence_mark = drain.evidence_entries.size();
    out.outcomes[i].already_stored.assign(group[i].statements.size(), false);
    Status s = stage_request(group[i], drain, out.outcomes[i]);
    if (!s.ok()) {
      drain.index_entries.resize(index_mark);
      drain.evidence_entries.resize(evidence_mark);
      out.outcomes[i] = WriteOutcome{s, 0, {}};
      continue;
    }
    drop_repeated_operands(drain.request.merges);
    drain.request.move_into(drain.drain);
    if (drain.request_frontier) drain.group_frontiers[group[i].store] = std::move(*drain.request_frontier);
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
    out.written = engine_.write_unsynced(batch);
    out.wrote = true;
  }
  for (auto& [store, frontier] : drain.group_frontiers) {
    if (out.written.ok()) {
      out.heads.push_back(TreeHead{store, frontier.size(), frontier.root()});
      frontiers_[store] = std::move(frontier);
    } else {
      frontiers_.erase(store);  // RocksDB holds the tree as it was: reload it next time
    }
  }
  out.index_entries = std::move(drain.index_entries);
  out.last_seq = last_seq_;  // seqs of rejected requests are skipped, never reused
  assigned_seq_.store(last_seq_, std::memory_order_seq_cst);
  staging_.store(false, std::memory_order_seq_cst);
  out.requests = std::move(group);
  return out;
}

std::optional<CommitPipeline::Located> CommitPipeline::locate(StoreId store, const Uuid& id,
                                                             DrainState& drain) {
  auto seq = drain.lookup(engine_, Family::StatementIds, statement_id_key(store, id));
  if (!seq.ok() || !*seq) return std::nullopt;
  Seq s = get_u64(**seq);
  auto record = drain.lookup(engine_, Family::Statements, statement_key(store, s));
  if (!record.ok() || !*record) return std::nullopt;
  return Located{s, std::move(**record)};
}

Status CommitPipeline::stage_request(WriteRequest& request, DrainState& drain,
                                     WriteOutcome& outcome) {
  const StoreId store = request.store;
  Overlay& out = drain.request;

  std::set<Uuid> ids;
  for (size_t i = 0; i < request.statements.size(); i++) {
    const PreparedStatement& p = request.statements[i];
    if (!ids.insert(p.id).second)
      return bad_request("[" + std::to_string(i) + "].id",
                         "statement " + format_uuid(p.id) + " appears twice in the batch");
    auto existing = locate(store, p.id, drain);
    if (!existing) continue;
    uint8_t flags = 0;
    auto payload = record_json(existing->record, &flags, nullptr);
    if (!payload) return Error{500, "", "corrupt statement record " + format_uuid(p.id)};
    std::string scratch;
    auto json = decode_payload(codec_, store, *payload, flags, scratch);
    if (!json) return json.error();
    if (!same_(*json, p))
      return Error{409, "id", "statement " + format_uuid(p.id) +
                                  " is already stored with different content"};
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
        return bad_request("object.id", "a voiding statement cannot be voided (" +
                                            format_uuid(p.id) + " is voided in this batch)");
      auto earlier = drain.lookup(engine_, Family::Voided, key);
      if (!earlier) return earlier.error();
      if (*earlier && voided_value_voids(**earlier)) out.put(Family::Voided, key, "");
    }
    if (p.ref_target) {
      if (auto target = locate(store, *p.ref_target, drain)) {
        auto target_record = decode_record(target->record);
        if (!target_record) return Error{500, "", "corrupt statement record"};
        if ((p.flags & PreparedStatement::kIsVoiding) &&
            (target_record->flags & PreparedStatement::kIsVoiding))
          return bad_request("object.id", "a voiding statement cannot be voided");
        auto target_terms = record_terms(store, *target_record, codec_, own_terms_);
        if (!target_terms) return target_terms.error();
        record.terms = inherit_terms(terms, *target_terms);  // a record keeps what it inherits
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

Result<evidence::Frontier> CommitPipeline::committed_frontier(StoreId store) {
  if (auto it = frontiers_.find(store); it != frontiers_.end()) return it->second;
  auto loaded = load_frontier(engine_, store);
  if (!loaded) return loaded.error();
  frontiers_.emplace(store, *loaded);
  return loaded;
}

Status CommitPipeline::append_evidence(StoreId store, Seq seq, PreparedStatement& p, DrainState& drain) {
  if (!p.leaf || p.salt.size() != evidence::kSaltBytes)
    return Error{500, "", "statement " + format_uuid(p.id) + " has no evidence leaf"};
  if (!drain.request_frontier) {
    if (auto it = drain.group_frontiers.find(store); it != drain.group_frontiers.end()) {
      drain.request_frontier = it->second;
    } else {
      auto frontier = committed_frontier(store);
      if (!frontier) return frontier.error();
      drain.request_frontier = std::move(*frontier);
    }
  }
  const evidence::Hash leaf = p.leaf->finish(format_timestamp(int64_t(seq)));
  p.leaf.reset();
  // Never read back while staging: straight to the batch, like index entries.
  append_leaf(store, seq, p.salt, leaf, *drain.request_frontier, drain.evidence_entries);
  return Status::success();
}

Status CommitPipeline::catch_up_evidence() {
  std::unique_ptr<rocksdb::Iterator> stores(
      engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.family(Family::Statements)));
  for (stores->Seek(store_prefix(1)); stores->Valid();) {
    const StoreId store = get_u32(stores->key().ToStringView());
    auto last = last_logged_seq(engine_, store);
    if (!last) return last.error();
    auto frontier = load_frontier(engine_, store);
    if (!frontier) return frontier.error();
    const auto t0 = std::chrono::steady_clock::now();
    const std::string prefix = store_prefix(store);
    uint64_t appended = 0;
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
    std::unique_ptr<rocksdb::Iterator> it(
        engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.family(Family::Statements)));
    for (it->Seek(statement_key(store, *last + 1)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const Seq seq = seq_suffix(it->key().ToStringView());
      uint8_t flags = 0;
      auto payload = record_json(it->value().ToStringView(), &flags, nullptr);
      if (!payload) return Error{500, "", "corrupt statement record at seq " + std::to_string(seq)};
      std::string scratch;
      auto json = decode_payload(codec_, store, *payload, flags, scratch);
      if (!json) return json.error();
      auto leaf = evidence::LeafTemplate::of(*json, flags & StatementRecord::kTimestampFromStored);
      if (!leaf) return leaf.error();
      const std::string salt = evidence::random_salt();
      append_leaf(store, seq, salt, leaf->hash(salt, format_timestamp(int64_t(seq))), *frontier, entries);
      if (++appended % 10000 == 0)
        if (Status s = write_entries(); !s) return s;
    }
    if (!it->status().ok()) return storage_error(it->status(), "statement scan failed");
    if (Status s = write_entries(); !s) return s;
    if (appended > 0) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
      std::cout << "scribe: evidence log of store " << store << ": " << appended
                << " statements stored without a leaf appended in " << ms.count() << " ms\n" << std::flush;
    }
    frontiers_[store] = std::move(*frontier);
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
  while (!frontier.empty() && visited < kBackfillNodesMax) {
    Uuid target = frontier.back();
    frontier.pop_back();
    for (const std::string& key : drain.scan(engine_, Family::Refs, refs_prefix(store, target))) {
      if (key.size() != refs_prefix(store, target).size() + 8) continue;  // the marker itself
      if (++visited > kBackfillNodesMax) break;
      Seq referrer_seq = seq_suffix(key);
      if (referrer_seq == target_seq) continue;
      auto bytes = drain.lookup(engine_, Family::Statements, statement_key(store, referrer_seq));
      if (!bytes) return bytes.error();
      if (!*bytes) continue;
      auto referrer = decode_record(**bytes);
      if (!referrer) return Error{500, "", "corrupt statement record"};
      auto all = record_terms(store, *referrer, codec_, own_terms_);
      if (!all) return all.error();
      auto added = inherit_terms(*all, terms);
      if (added.empty()) continue;
      inherit_terms(referrer->terms, added);  // it keeps what it inherits
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
