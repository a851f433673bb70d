#include "storage/indexer.h"

#include <algorithm>
#include <cassert>
#include <iostream>
#include <memory>

#include "common/thread_name.h"
#include "storage/index_removal.h"
#include "storage/index_terms.h"
#include "storage/posting_list.h"

namespace scribe::storage {

namespace {

constexpr size_t kReplayStatementsMax = 20000;  // records read per rebuild write, per store
constexpr auto kRetryDelay = std::chrono::milliseconds(100);

bool entry_less(const IndexEntry& a, const IndexEntry& b) {
  if (a.store != b.store) return a.store < b.store;
  if (a.term.kind != b.term.kind) return a.term.kind < b.term.kind;
  if (a.term.hash != b.term.hash) return a.term.hash < b.term.hash;
  return a.seq < b.seq;
}

bool same_term(const IndexEntry& a, const IndexEntry& b) {
  return a.store == b.store && a.term.same_term(b.term);
}

std::string seq_bytes(Seq seq) {
  std::string s;
  put_u64(s, seq);
  return s;
}

Error corrupt_list() { return fault(Code::corruption, "corrupt posting list in the index"); }

}  // namespace

Status Indexer::add_record_terms(StoreId store, Seq seq, std::string_view record_bytes,
                                 std::vector<IndexEntry>& out) const {
  auto record = decode_record(record_bytes);
  if (!record) return fault(Code::corruption, "corrupt statement record while rebuilding the index");
  auto terms = record_terms(store, *record, codec_, own_terms_);
  if (!terms) return terms.error();
  for_each_index_term(*terms, [&](const Term& t) { out.push_back(IndexEntry{store, t, seq}); });
  return Status::success();
}

Indexer::Indexer(Engine& engine, Seq committed_through, const StatementCodec* codec, OwnTerms own_terms)
    : engine_(engine), codec_(codec), own_terms_(std::move(own_terms)) {
  flusher_ = std::thread([this] {
    name_this_thread("scribe-flush");
    run_flusher();
  });
  thread_ = std::thread([this, committed_through] {
    name_this_thread("scribe-index");
    for (;;) {
      Status rebuilt = rebuild(committed_through);
      if (rebuilt) break;
      set_failure(rebuilt.error());
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, kRetryDelay, [this] { return stopping_.load(); })) {
        lock.unlock();
        fail_waiting_changes();
        return;
      }
    }
    set_failure(std::nullopt);
    recent_.flushed_through(committed_through);
    publish(committed_through);
    run();
    fail_waiting_changes();
  });
}

Indexer::~Indexer() { stop(); }

void Indexer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  space_.notify_all();
  {
    std::lock_guard lock(flush_mutex_);  // a wait_flushed() sees stopping_
  }
  flushed_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(flush_mutex_);
    flusher_stopping_ = true;
  }
  flush_wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
}

void Indexer::run_flusher() {
  for (;;) {
    {
      std::unique_lock lock(flush_mutex_);
      flush_wake_.wait(lock, [this] { return flusher_stopping_ || recent_.sealed(); });
      if (!recent_.sealed()) return;  // stopping, nothing left to write
    }
    Status written = write_sealed();
    if (!written) {
      flush_failing_.store(true);
      set_failure(written.error());
      std::unique_lock lock(flush_mutex_);
      flushed_.notify_all();  // a stopping indexer gives up waiting
      if (flush_wake_.wait_for(lock, kRetryDelay, [this] { return flusher_stopping_; })) return;
      continue;
    }
    if (flush_failing_.exchange(false)) set_failure(std::nullopt);
    {
      std::lock_guard lock(flush_mutex_);
      recent_.drop_sealed();
    }
    flushed_.notify_all();
  }
}

bool Indexer::wait_flushed() {
  std::unique_lock lock(flush_mutex_);
  flushed_.wait(lock, [this] {
    return !recent_.sealed() || (stopping_.load() && flush_failing_.load());
  });
  return !recent_.sealed();
}

bool Indexer::seal_recent() {
  if (!wait_flushed()) return false;
  if (recent_.postings() == 0) return true;
  {
    std::lock_guard lock(flush_mutex_);
    recent_.seal(indexed_seq());
  }
  flush_wake_.notify_one();
  return true;
}

bool Indexer::flush_all() { return seal_recent() && wait_flushed(); }

void Indexer::submit(std::vector<IndexEntry> entries, Seq through) {
  std::unique_lock lock(mutex_);
  space_.wait(lock, [&] {
    return stopping_.load() || queue_.empty() || queued_entries_ + entries.size() <= kQueueEntriesMax;
  });
  queued_entries_ += entries.size();
  queue_.push_back(Submission{std::move(entries), through, {}, nullptr});
  wake_.notify_one();
}

bool Indexer::wait_for(Seq seq, std::chrono::milliseconds timeout) const {
  if (indexed_seq() >= seq) return true;
  std::unique_lock lock(progress_mutex_);
  return progress_.wait_for(lock, timeout, [&] { return indexed_seq() >= seq; });
}

std::optional<Error> Indexer::failure() const {
  std::lock_guard lock(progress_mutex_);
  return failure_;
}

void Indexer::set_failure(std::optional<Error> failure) {
  std::lock_guard lock(progress_mutex_);
  failure_ = std::move(failure);
}

void Indexer::publish(Seq through) {
  {
    std::lock_guard lock(progress_mutex_);
    if (through > indexed_seq()) indexed_.store(through, std::memory_order_release);
  }
  progress_.notify_all();
}

void Indexer::run() {
  for (;;) {
    std::vector<IndexEntry> entries;
    Seq through = 0;
    bool stopping = false;
    std::vector<PostingChange> changes;
    std::promise<Status>* applied = nullptr;
    {
      std::unique_lock lock(mutex_);
      const bool have_recent = recent_.postings() > 0;
      auto ready = [this] { return stopping_.load() || !queue_.empty(); };
      if (have_recent) wake_.wait_until(lock, recent_since_ + kRecentAgeMax, ready);
      else wake_.wait(lock, ready);
      stopping = stopping_;
      bool gathered = false;
      while (!queue_.empty() &&
             (entries.empty() || entries.size() + queue_.front().entries.size() <= kPassEntriesMax)) {
        Submission& s = queue_.front();
        if (s.applied) {  // changes: alone, after what came before them is indexed
          if (!gathered) {
            changes = std::move(s.changes);
            applied = s.applied;
            queue_.pop_front();
          }
          break;
        }
        gathered = true;
        queued_entries_ -= s.entries.size();
        if (entries.empty()) entries = std::move(s.entries);
        else entries.insert(entries.end(), s.entries.begin(), s.entries.end());
        through = std::max(through, s.through);
        queue_.pop_front();
      }
    }
    space_.notify_all();
    if (applied) {
      applied->set_value(apply_changes(changes));
      continue;
    }
    const bool idle = through == 0;
    auto retrying = [this](const Status& s) {
      if (s) return false;
      set_failure(s.error());
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kRetryDelay, [this] { return stopping_.load(); });
      return true;
    };
    if (!idle) {
      while (retrying(index_pass(entries, through))) {
        if (stopping_now()) return;
      }
      set_failure(std::nullopt);
      publish(through);
    }
    if (idle && stopping) {  // everything queued is indexed: write it (given up if failing)
      flush_all();
      return;
    }
    const bool old = recent_.postings() > 0 &&
                     std::chrono::steady_clock::now() - recent_since_ >= kRecentAgeMax;
    // Sealing waits only when the flusher still writes the previous generation.
    if (recent_.postings() >= kRecentPostingsMax || old) seal_recent();
  }
}

bool Indexer::stopping_now() { return stopping_.load(); }

Status Indexer::apply(std::vector<PostingChange> changes) {
  std::promise<Status> applied;
  auto done = applied.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return fault(Code::unavailable, "the index is stopping");
    queue_.push_back(Submission{{}, 0, std::move(changes), &applied});
  }
  wake_.notify_one();
  return done.get();
}

Status Indexer::apply_changes(std::vector<PostingChange>& changes) {
  if (!flush_all()) return fault(Code::unavailable, "the index is stopping before its recent postings are written");
  return apply_posting_changes(engine_, std::move(changes));
}

void Indexer::fail_waiting_changes() {
  std::lock_guard lock(mutex_);
  for (Submission& s : queue_)
    if (s.applied) s.applied->set_value(fault(Code::unavailable, "the index stopped"));
  std::erase_if(queue_, [](const Submission& s) { return s.applied != nullptr; });
}

Status Indexer::index_pass(std::vector<IndexEntry>& entries, [[maybe_unused]] Seq through) {
  const Seq indexed = indexed_seq();
  // Back-filled referrers are older than everything this pass adds: they go into RocksDB's
  // lists, once RocksDB holds every posting up to `indexed`.
  auto older = std::partition(entries.begin(), entries.end(),
                              [indexed](const IndexEntry& e) { return e.seq > indexed; });
  if (older != entries.end()) {
    if (recent_.flushed() < indexed && !flush_all())
      return fault(Code::unavailable, "the index is stopping before its recent postings are written");
    for (auto it = older; it != entries.end(); ++it)
      if (Status s = merge_into_lists(*it); !s) return s;
    entries.erase(older, entries.end());  // done: a retry of this pass must not redo them
  }
  std::sort(entries.begin(), entries.end(), entry_less);
  if (recent_.postings() == 0 && !entries.empty()) recent_since_ = std::chrono::steady_clock::now();
  for (size_t i = 0; i < entries.size(); i++) {
    IndexEntry& e = entries[i];
    assert(e.seq > indexed && e.seq <= through);
    // The same term twice for one seq (a back-fill within this pass): one posting, both flags.
    if (i + 1 < entries.size() && same_term(e, entries[i + 1]) && entries[i + 1].seq == e.seq) {
      entries[i + 1].term.flags |= e.term.flags;
      continue;
    }
    recent_.add(e.store, e.term, e.seq);
  }
  return Status::success();
}

void Indexer::put_lists(rocksdb::WriteBatch& batch, StoreId store, const Term& term,
                        const std::vector<Posting>& postings) {
  for (size_t i = 0; i < postings.size(); i += kPostingEntriesMax) {
    std::vector<Posting> list(postings.begin() + i,
                              postings.begin() + std::min(postings.size(), i + kPostingEntriesMax));
    batch.Put(engine_.family(Family::Index), index_key(store, term, list[0].seq), encode_postings(list));
  }
}

Status Indexer::write_sealed() {
  rocksdb::WriteBatch batch;
  recent_.for_each_sealed([&](StoreId store, const Term& term, const std::vector<Posting>& postings) {
    put_lists(batch, store, term, postings);
  });
  batch.Put(engine_.family(Family::Index), kIndexProgressKey, seq_bytes(recent_.sealed_through()));
  return engine_.write_unlogged(batch);
}

Status Indexer::append_lists(std::vector<IndexEntry>& entries, [[maybe_unused]] Seq after, Seq through) {
  std::sort(entries.begin(), entries.end(), entry_less);
  rocksdb::WriteBatch batch;
  std::vector<Posting> list;
  for (size_t i = 0; i < entries.size(); i++) {
    const IndexEntry& e = entries[i];
    assert(e.seq > after && e.seq <= through);
    if (!list.empty() && list.back().seq == e.seq) list.back().flags |= e.term.flags;
    else list.push_back(Posting{e.seq, e.term.flags});
    if (i + 1 == entries.size() || !same_term(e, entries[i + 1])) {
      put_lists(batch, e.store, e.term, list);
      list.clear();
    }
  }
  batch.Put(engine_.family(Family::Index), kIndexProgressKey, seq_bytes(through));
  return engine_.write_unlogged(batch);
}

Status Indexer::merge_into_lists(const IndexEntry& e) {
  SeqKeyBounds bounds;
  auto it = seq_key_iterator(engine_, Family::Index, index_prefix(e.store, e.term), bounds);
  it->SeekForPrev(index_key(e.store, e.term, e.seq));
  if (!it->status().ok()) return storage_error(it->status(), "index read failed");
  std::vector<Posting> list{Posting{e.seq, e.term.flags}};
  if (it->Valid()) {
    const Seq first = seq_suffix(it->key().ToStringView());
    auto covering = decode_postings(first, it->value().ToStringView());
    if (!covering) return corrupt_list();
    if (covering->back().seq >= e.seq) {
      // The list that spans e.seq takes it, so the term's lists stay disjoint.
      auto at = std::lower_bound(covering->begin(), covering->end(), e.seq,
                                 [](const Posting& p, Seq s) { return p.seq < s; });
      if (at != covering->end() && at->seq == e.seq && (at->flags | e.term.flags) == at->flags)
        return Status::success();  // already there (a rebuild redoing a merge)
      insert_posting(*covering, Posting{e.seq, e.term.flags});
      list = std::move(*covering);
    }
  }
  rocksdb::WriteBatch batch;
  auto family = engine_.family(Family::Index);
  if (list.size() > kPostingRewriteEntriesMax) {
    const size_t half = list.size() / 2;
    std::vector<Posting> tail(list.begin() + half, list.end());
    list.resize(half);
    batch.Put(family, index_key(e.store, e.term, tail[0].seq), encode_postings(tail));
  }
  batch.Put(family, index_key(e.store, e.term, list[0].seq), encode_postings(list));
  return engine_.write_unlogged(batch);
}

Status Indexer::rebuild(Seq committed_through) {
  std::string progress;
  auto found = engine_.get(Family::Index, kIndexProgressKey, &progress);
  if (!found) return found.error();
  if (*found && progress.size() != 8) return fault(Code::corruption, "corrupt index progress");
  const Seq persisted = *found ? get_u64(progress) : 0;
  // Nothing is published until the rebuild is whole: a query waits for all of it (bounded).

  // Markers at or below the persisted progress are covered by lists already on disk.
  std::vector<std::pair<StoreId, std::vector<Seq>>> markers;
  rocksdb::WriteBatch covered;
  std::unique_ptr<rocksdb::Iterator> it(
      engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.family(Family::Meta)));
  for (it->Seek(kReindexMarkerPrefix); it->Valid() && it->key().starts_with(kReindexMarkerPrefix); it->Next()) {
    std::string_view key = it->key().ToStringView(), value = it->value().ToStringView();
    if (key.size() != kReindexMarkerPrefix.size() + 12 || value.size() % 8 != 0)
      return fault(Code::corruption, "corrupt reindex marker");
    const Seq seq = get_u64(key.substr(kReindexMarkerPrefix.size() + 4));
    if (seq <= persisted) {
      covered.Delete(engine_.family(Family::Meta), it->key());
      continue;
    }
    std::vector<Seq> referrers;
    for (size_t i = 0; i < value.size(); i += 8) referrers.push_back(get_u64(value.substr(i)));
    markers.emplace_back(get_u32(key.substr(kReindexMarkerPrefix.size())), std::move(referrers));
  }
  if (!it->status().ok()) return storage_error(it->status(), "reindex marker scan failed");
  it.reset();
  if (covered.Count() > 0)
    if (Status s = engine_.write_durable(covered); !s) return s;
  if (persisted >= committed_through) return Status::success();
  const auto started = std::chrono::steady_clock::now();
  if (Status s = replay_records(persisted, committed_through); !s) return s;
  if (Status s = replay_markers(markers); !s) return s;
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::cerr << "scribe: index rebuilt from " << replayed_ << " statement records past seq " << persisted
            << " (and " << markers.size() << " back-fill markers) in " << took.count() << " ms\n";
  return Status::success();
}

Status Indexer::replay_records(Seq after, Seq through) {
  rocksdb::ReadOptions options;
  options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      engine_.db()->NewIterator(options, engine_.family(Family::Statements)));
  Seq low = after;
  while (low < through) {
    // One round reads up to kReplayStatementsMax records of each store past `low`; the round
    // covers seqs up to the lowest point where a store was cut off, so its progress is exact.
    std::vector<IndexEntry> entries;
    Seq high = through;
    Status status;
    for (it->Seek(store_prefix(0)); it->Valid() && status;) {
      const StoreId store = get_u32(it->key().ToStringView());
      it->Seek(statement_key(store, low + 1));
      size_t read = 0;
      for (; it->Valid() && status && get_u32(it->key().ToStringView()) == store; it->Next()) {
        const Seq seq = seq_suffix(it->key().ToStringView());
        if (seq > high) break;
        status = add_record_terms(store, seq, it->value().ToStringView(), entries);
        replayed_++;
        if (++read == kReplayStatementsMax) {
          high = seq;
          break;
        }
      }
      if (store == UINT32_MAX) break;
      it->Seek(store_prefix(store + 1));
    }
    if (!status) return status;
    if (!it->status().ok()) return storage_error(it->status(), "index rebuild scan failed");
    std::erase_if(entries, [high](const IndexEntry& e) { return e.seq > high; });
    if (Status s = append_lists(entries, low, high); !s) return s;
    low = high;
  }
  return Status::success();
}

Status Indexer::replay_markers(const std::vector<std::pair<StoreId, std::vector<Seq>>>& markers) {
  for (const auto& [store, referrers] : markers) {
    for (Seq referrer : referrers) {
      std::string bytes;
      auto found = engine_.get(Family::Statements, statement_key(store, referrer), &bytes);
      if (!found) return found.error();
      if (!*found) continue;  // its store was deleted since
      std::vector<IndexEntry> entries;
      if (Status s = add_record_terms(store, referrer, bytes, entries); !s) return s;
      for (const IndexEntry& e : entries)
        if (Status s = merge_into_lists(e); !s) return s;
    }
  }
  return Status::success();
}

}  // namespace scribe::storage
