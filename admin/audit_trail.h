// A store's audit trail: every admin action on the store (store created or deleted, credential
// created, revoked or rotated, erasure, purge, retention changed, backup), each an entry that
// says who (the admin credential's key and label), what, when, why and the counts affected.
// The trail is tamper-evident like the statement log: its entries are the leaves of a Merkle tree
// of their own (storage::LogKind::Audit; leaf data = salt(16) ‖ JCS(entry)), whose heads the
// checkpoint signer signs under the origin "<store origin>/audit". So a recorded erasure can be
// proven, and cannot be dropped later without breaking a checkpoint an auditor kept.
// Entries never hold erased data: callers name an erased agent only by a salted hash.
// Layout (`evidence` family): store·'a'·index -> salt ‖ JCS(entry); nodes and checkpoints under
// the audit tags of storage/keys.h. A deleted store's trail is kept.
// Guarantees: append() writes the entry and its nodes in the same durable batch as the action's
// own writes (or not at all), then signs a checkpoint covering it; entries are numbered from 0
// without gaps; thread-safe (one mutex: admin actions are rare).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <rocksdb/write_batch.h>

#include "common/json.h"
#include "common/result.h"
#include "evidence/log/checkpoint_signer.h"
#include "evidence/merkle.h"
#include "storage/engine.h"

namespace scribe::admin {

// Who acted: an admin credential ("" key for the server itself, e.g. at its first start).
struct AuditActor {
  std::string key;
  std::string label;
};

struct AuditAction {
  std::string action;    // "store.created", "credential.revoked", "erasure", …
  std::string reason;    // why, as the operator gave it ("" when none)
  json::Object subject;  // what it acted on (never erased data)
  json::Object counts;   // how much it affected
};

// An entry as stored, with its proof against a checkpoint.
struct ProvenAuditEntry {
  uint64_t index = 0;
  std::string salt;
  std::vector<evidence::Hash> proof;
  std::string entry_json;  // JCS
};

struct AuditPage {
  std::string origin, vkey, checkpoint;  // the checkpoint every proof verifies against
  uint64_t size = 0;
  std::vector<ProvenAuditEntry> entries;
  bool more = false;
};

class AuditTrail {
 public:
  AuditTrail(storage::Engine& engine, evidence::CheckpointSigner& signer) : engine_(engine), signer_(signer) {}

  // Appends `what` by `by` to the store's trail: the entry and its nodes go into `batch`, which
  // `write` then writes durably with the action's own changes (default: the engine, synced).
  // The entry's index, or the error of building or writing the batch (then nothing is kept).
  // `write` is given the entry's index too (an erasure's records name it).
  using BatchWriter = std::function<Status(rocksdb::WriteBatch&, uint64_t index)>;
  Result<uint64_t> append(storage::StoreId store, const AuditActor& by, const AuditAction& what,
                          rocksdb::WriteBatch batch = rocksdb::WriteBatch(), const BatchWriter& write = {});

  // Entries from index `from`, at most `limit` (the caller bounds it: admin.audit_page_max), each with its inclusion proof in
  // the newest checkpoint (signed now when older than the trail).
  Result<AuditPage> list(storage::StoreId store, uint64_t from, size_t limit);

 private:
  // Under mutex_: the store's trail, loaded from RocksDB the first time.
  Result<evidence::Frontier*> frontier(storage::StoreId store);

  storage::Engine& engine_;
  evidence::CheckpointSigner& signer_;
  std::mutex mutex_;
  std::map<storage::StoreId, evidence::Frontier> frontiers_;  // under mutex_
};

}  // namespace scribe::admin
