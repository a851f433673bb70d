#include "evidence/log/checkpoint_signer.h"

#include <iostream>
#include <memory>

#include "common/thread_name.h"
#include "evidence/checkpoint.h"
#include "evidence/merkle.h"

namespace scribe::evidence {

namespace {

// The newest stored checkpoint of a store: (size, note), or nullopt.
Result<std::optional<std::pair<uint64_t, std::string>>> newest_checkpoint(const storage::Engine& engine,
                                                                        storage::StoreId store, storage::LogKind kind) {
  using Found = std::optional<std::pair<uint64_t, std::string>>;
  const std::string prefix = storage::evidence_prefix(store, storage::checkpoint_tag(kind));
  auto last = storage::last_evidence_entry(engine, prefix);
  if (!last) return last.error();
  if (!*last || (*last)->first.size() != prefix.size() + 8) return Found();
  return Found(std::pair{storage::get_u64(std::string_view((*last)->first).substr(prefix.size())),
                         std::move((*last)->second)});
}

}  // namespace

std::string origin_base(const std::string& configured, const std::string& public_url) {
  if (!configured.empty()) return configured;
  std::string_view url = public_url;
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

CheckpointSigner::CheckpointSigner(storage::Engine& engine, Ed25519Key key, std::string origin_base,
                                   StoreName store_name, std::chrono::milliseconds interval)
    : engine_(engine), key_(std::move(key)), origin_base_(std::move(origin_base)),
      store_name_(std::move(store_name)), interval_(interval) {}

void CheckpointSigner::set_origin_base(std::string origin_base) { origin_base_ = std::move(origin_base); }

void CheckpointSigner::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    name_this_thread("scribe-sign");
    run();
  });
}

CheckpointSigner::~CheckpointSigner() { stop(); }

void CheckpointSigner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<std::string> CheckpointSigner::origin(storage::StoreId store, Kind kind) const {
  auto name = store_name_(store);
  if (!name) return Error{404, "", "no such store"};
  std::string origin = origin_base_ + "/" + *name + (kind == Kind::Audit ? "/audit" : "");
  if (!valid_key_name(origin))
    return Error{500, "", "the evidence origin \"" + origin + "\" is not a valid key name (evidence.origin)"};
  return origin;
}

Result<std::string> CheckpointSigner::vkey(storage::StoreId store, Kind kind) const {
  auto name = origin(store, kind);
  if (!name) return name.error();
  return format_vkey(*name, key_.public_key());
}

void CheckpointSigner::synced(const std::vector<storage::TreeHead>& heads) {
  bool due = false;
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (const storage::TreeHead& h : heads) {
      StoreLog& log = stores_[LogId{h.store, h.kind}];
      if (h.size >= log.durable.size) log.durable = h;
      log.reported = true;
      // Wake the thread only when this store is due before the thread means to wake anyway
      // (syncs come a thousand times a second, signatures once an interval).
      due |= !log.loaded || std::max(log.signed_at + interval_, now) < planned_wake_;
    }
  }
  if (due) wake_.notify_one();
}

Result<CheckpointSigner::StoreLog*> CheckpointSigner::state(LogId id) {
  StoreLog& log = stores_[id];
  if (log.loaded) return &log;
  if (log.durable.size == 0) log.durable = storage::TreeHead{id.first, 0, empty_tree_hash(), id.second};
  auto newest = newest_checkpoint(engine_, id.first, id.second);
  if (!newest) return newest.error();
  if (*newest) {
    log.has_signed = true;
    log.signed_size = (*newest)->first;
    log.signed_note = std::move((*newest)->second);
  }
  log.loaded = true;
  // An audit trail is written durably with its nodes (admin/audit_trail.h): what RocksDB holds
  // is its durable head, until its writer reports a newer one.
  if (id.second == Kind::Audit && !log.reported) {
    auto frontier = storage::load_frontier(engine_, id.first, Kind::Audit);
    if (!frontier) return frontier.error();
    log.durable = storage::TreeHead{id.first, frontier->size(), frontier->root(), Kind::Audit};
    log.reported = true;
  }
  // The log as the pipeline found it at start must extend what was signed before: a data
  // folder whose log was cut or altered is refused now, not only at the next new statement.
  if (log.reported) (void)check_extends_signed(id, log);
  return &log;
}

Status CheckpointSigner::check_extends_signed(LogId id, StoreLog& log) {
  const storage::StoreId store = id.first;
  if (log.refused) return *log.refused;
  const storage::TreeHead head = log.durable;
  auto refuse = [&](const std::string& why) -> Status {
    log.refused = Error{500, "", std::string(id.second == Kind::Audit ? "the audit trail" : "the evidence log") +
                                     " of store " + std::to_string(store) +
                                     " is damaged, no checkpoint is signed: " + why};
    std::cerr << "scribe: " << log.refused->message << "\n" << std::flush;
    return *log.refused;
  };
  if (log.has_signed) {
    auto signed_checkpoint = parse_checkpoint(note_text(log.signed_note));
    if (!signed_checkpoint) return refuse("its newest checkpoint does not parse");
    const uint64_t m = signed_checkpoint->size;
    if (m > head.size)
      return refuse("it holds " + std::to_string(head.size) + " leaves but a checkpoint of " +
                    std::to_string(m) + " was signed");
    if (m == head.size) {
      if (signed_checkpoint->root != head.root)
        return refuse("its root at size " + std::to_string(m) + " differs from the signed one");
      return Status::success();
    }
    if (m > 0) {
      Prover prover(storage::node_reader(engine_, store, id.second));
      auto proof = prover.consistency(m, head.size);
      if (!proof) return refuse(proof.error().message);
      if (!verify_consistency(m, head.size, signed_checkpoint->root, head.root, *proof))
        return refuse("it is not consistent with its checkpoint of size " + std::to_string(m));
    }
  }
  return Status::success();
}

Status CheckpointSigner::sign(LogId id, StoreLog& log) {
  if (Status s = check_extends_signed(id, log); !s) return s;
  const storage::TreeHead head = log.durable;
  if (log.has_signed && log.signed_size == head.size) return Status::success();  // already signed
  auto name = origin(id.first, id.second);
  if (!name) return name.error();
  const std::string note = sign_note(key_, *name, format_checkpoint(Checkpoint{*name, head.size, head.root, {}}));
  rocksdb::WriteBatch batch;
  batch.Put(engine_.family(storage::Family::Evidence), storage::checkpoint_key(id.first, head.size, id.second), note);
  if (Status s = engine_.write_durable(batch); !s) return s;
  log.has_signed = true;
  log.signed_size = head.size;
  log.signed_note = note;
  log.signed_at = std::chrono::steady_clock::now();
  return Status::success();
}

Result<std::string> CheckpointSigner::latest(storage::StoreId store, bool fresh, Kind kind) {
  std::lock_guard lock(mutex_);
  auto log = state(LogId{store, kind});
  if (!log) return log.error();
  StoreLog& l = **log;
  if (l.refused) return *l.refused;
  if (!l.has_signed || (fresh && l.durable.size > l.signed_size))
    if (Status s = sign(LogId{store, kind}, l); !s) return s.error();
  return l.signed_note;
}

Result<std::optional<std::string>> CheckpointSigner::at_size(storage::StoreId store, uint64_t size, Kind kind) const {
  std::string note;
  auto found = engine_.get(storage::Family::Evidence, storage::checkpoint_key(store, size, kind), &note);
  if (!found) return found.error();
  if (!*found) return std::optional<std::string>();
  return std::optional<std::string>(std::move(note));
}

Result<uint64_t> CheckpointSigner::durable_size(storage::StoreId store, Kind kind) {
  std::lock_guard lock(mutex_);
  auto log = state(LogId{store, kind});
  if (!log) return log.error();
  return (*log)->durable.size;
}

void CheckpointSigner::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    auto next = now + std::chrono::hours(1);
    for (auto& [id, log] : stores_) {
      if (log.refused || (log.loaded && log.has_signed && log.durable.size <= log.signed_size)) continue;
      if (!log.loaded) {
        if (!state(id)) continue;
        if (log.has_signed && log.durable.size <= log.signed_size) continue;
      }
      const auto due = log.signed_at + interval_;
      if (due <= now) {
        if (Status s = sign(id, log); !s && !log.refused)
          std::cerr << "scribe: signing a checkpoint of store " << id.first << " failed: "
                    << s.error().describe() << "\n" << std::flush;
        if (!log.refused) next = std::min(next, now + interval_);  // retry a failed write later
      } else {
        next = std::min(next, due);
      }
    }
    planned_wake_ = next;
    wake_.wait_until(lock, next);
    planned_wake_ = std::chrono::steady_clock::time_point::min();  // awake: synced() need not wake it
  }
}

}  // namespace scribe::evidence
