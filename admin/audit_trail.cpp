#include "admin/audit_trail.h"

#include <rocksdb/iterator.h>

#include <memory>

#include "common/timestamp.h"
#include "evidence/checkpoint.h"
#include "evidence/jcs.h"
#include "evidence/note.h"
#include "evidence/leaf.h"
#include "storage/evidence_log.h"
#include "storage/keys.h"

namespace scribe::admin {

namespace {

constexpr storage::LogKind kAudit = storage::LogKind::Audit;

// The entry as JSON, members in a fixed order (JCS sorts them anyway).
std::string entry_json(uint64_t index, const AuditActor& by, const AuditAction& what) {
  json::Object o;
  o.append("index", int64_t(index));
  o.append("time", format_timestamp(now_micros()));
  json::Object actor;
  actor.append("key", by.key);
  actor.append("label", by.label);
  o.append("by", json::Value(std::move(actor)));
  o.append("action", what.action);
  if (!what.reason.empty()) o.append("reason", what.reason);
  if (!what.subject.empty()) o.append("subject", json::Value(what.subject));
  if (!what.counts.empty()) o.append("counts", json::Value(what.counts));
  return json::serialize(json::Value(std::move(o)));
}

}  // namespace

Result<evidence::Frontier*> AuditTrail::frontier(storage::StoreId store) {
  auto it = frontiers_.find(store);
  if (it == frontiers_.end()) {
    auto loaded = storage::load_frontier(engine_, store, kAudit);
    if (!loaded) return loaded.error();
    it = frontiers_.emplace(store, std::move(*loaded)).first;  // the signer reads the same head itself
  }
  return &it->second;
}

Result<uint64_t> AuditTrail::append(storage::StoreId store, const AuditActor& by, const AuditAction& what,
                                    rocksdb::WriteBatch batch, const BatchWriter& write) {
  std::lock_guard lock(mutex_);
  auto current = frontier(store);
  if (!current) return current.error();
  evidence::Frontier frontier = **current;  // committed back only once the batch is written
  const uint64_t index = frontier.size();
  auto canonical = evidence::canonicalize(entry_json(index, by, what));
  if (!canonical) return canonical.error();
  const std::string salt = evidence::random_salt();
  batch.Put(engine_.family(storage::Family::Evidence), storage::audit_entry_key(store, index), salt + *canonical);
  std::vector<storage::LogEntry> nodes;
  storage::append_leaf_hash(store, evidence::leaf_hash(salt + *canonical), frontier, nodes);
  storage::write_log_runs(
      nodes, [&](std::string key, std::string value) { batch.Put(engine_.family(storage::Family::Evidence), key, value); },
      kAudit);
  Status written = write ? write(batch, index) : engine_.write_durable(batch);
  if (!written) return written.error();
  **current = frontier;
  signer_.synced({storage::TreeHead{store, frontier.size(), frontier.root(), kAudit}});
  // Signed at once: an action is covered by a checkpoint as soon as it is done. A failure to
  // sign leaves the entry recorded; the signer retries on its own.
  (void)signer_.latest(store, true, kAudit);
  return index;
}

Result<AuditPage> AuditTrail::list(storage::StoreId store, uint64_t from, size_t limit) {
  AuditPage page;
  auto note = signer_.latest(store, true, kAudit);
  if (!note) return note.error();
  auto checkpoint = evidence::parse_checkpoint(evidence::note_text(*note));
  if (!checkpoint) return Error{500, "", "a stored checkpoint does not parse"};
  page.checkpoint = std::move(*note);
  page.size = checkpoint->size;  // every proof is against this checkpoint
  auto origin = signer_.origin(store, kAudit);
  if (!origin) return origin.error();
  page.origin = std::move(*origin);
  auto vkey = signer_.vkey(store, kAudit);
  if (!vkey) return vkey.error();
  page.vkey = std::move(*vkey);

  // Entries are numbered without gaps: the page is [from, from + limit) of the checkpoint's tree.
  const uint64_t end = from < page.size && limit < page.size - from ? from + limit : page.size;
  page.more = end < page.size;
  evidence::Prover prover(storage::node_reader(engine_, store, kAudit));
  Status read = storage::for_each_audit_entry(
      engine_, store, from, end, [&](uint64_t index, std::string_view salt, std::string_view entry) -> Status {
        auto proof = prover.inclusion(index, page.size);
        if (!proof) return proof.error();
        page.entries.push_back(ProvenAuditEntry{index, std::string(salt), std::move(*proof), std::string(entry)});
        return Status::success();
      });
  if (!read) return read.error();
  return page;
}

}  // namespace scribe::admin
