// Erasing a learner from a store (GDPR Art. 17): POST /admin/stores/{name}/erasures.
// It removes every statement in which the agent appears anywhere (actor or object, a member of
// a Group, context instructor, team, contextAgents or contextGroups, inside a SubStatement, the
// authority; by its IFI, and for an mbox also by its mbox_sha1sum), their index entries' targets
// (a posting without its record is skipped by readers), the agent's State and Agent Profile
// documents and its Agents-resource entry. Statements that refer to an erased one by
// StatementRef are kept: their target no longer resolves.
// The evidence log keeps each erased statement's leaf hash, so every checkpoint and every other
// proof stays valid; the proof route and exports show the erased leaves (storage/evidence_log.h).
// The erasure is one atomic durable batch, run on the committer between two commit groups (so
// ingest goes on around it), together with its audit-trail entry, which names the agent only by
// a salted hash unless the operator asks for the IFI. Then every family is flushed and the store
// compacted, so the bytes leave the disk; a crash before that is completed at the next start.
// Guarantees: a dry run changes nothing; an erasure erases all it reported or nothing (plus what
// matched meanwhile: it re-reads under the committer); errors name the property.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "admin/audit_trail.h"
#include "auth/store_registry.h"
#include "common/config.h"
#include "common/json.h"
#include "common/result.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "storage/statement_erasure.h"
#include "storage/evidence_log.h"
#include "storage/statement_reader.h"

namespace scribe::admin {

struct ErasureRequest {
  json::Value agent;       // an Agent (or identified Group) with an inverse functional identifier
  std::string reason;      // recorded in the audit trail
  bool record_agent = false;  // name the agent's IFI in the audit trail, not only a salted hash
  bool dry_run = false;
};

// A one-off purge by age (POST /admin/stores/{name}/purges): every statement stored before the
// time, erased with the same mechanics (leaf hashes stay, bytes go).
struct PurgeRequest {
  int64_t stored_before_us = 0;
  std::string reason;
  bool dry_run = false;
  uint64_t statements_max = UINT64_MAX;  // and at most limits.erasure_statements_max
  bool record_if_none = true;  // false (scheduled retention): nothing to erase, nothing recorded
};

struct ErasureCounts {
  uint64_t statements = 0;
  uint64_t attachments = 0;  // bytes no remaining statement declares
  uint64_t state_documents = 0;
  uint64_t agent_profiles = 0;
  uint64_t agent_entries = 0;  // 0 or 1: the Agents resource's combined Person
};

struct ErasureResult {
  ErasureCounts counts;
  std::optional<uint64_t> audit_index;  // the audit entry recording it (none for a dry run)
};

class ErasureService {
 public:
  // `limits`: statements erased by one request at most (more needs several requests, each one
  // atomic), and referrers rewritten.
  ErasureService(storage::Engine& engine, storage::CommitPipeline& pipeline, const storage::StatementReader& reader,
                 AuditTrail& audit, uint32_t index_wait_ms, const Config::Limits& limits)
      : engine_(engine), pipeline_(pipeline), reader_(reader), audit_(audit), index_wait_ms_(index_wait_ms),
        statements_max_(limits.erasure_statements_max), referrers_max_(limits.erasure_referrers_max) {}

  Result<ErasureResult> erase_agent(const auth::StoreInfo& store, const ErasureRequest& request, const AuditActor& by);
  // At most limits.erasure_statements_max per request: the counts say how many went, a next request takes more.
  Result<ErasureResult> purge(const auth::StoreInfo& store, const PurgeRequest& request, const AuditActor& by);

  // Until every statement acknowledged now is indexed and hashed into its store's tree (bounded):
  // a store's deletion waits for it, so no node is written for a store after it is gone.
  Status settle() const { return wait_caught_up(pipeline_.committed_seq()); }

  struct Found {
    std::vector<storage::StatementToErase> statements;
    std::vector<storage::ErasedLeaf> leaves;
  };

 private:
  // Until everything acknowledged by `through` is indexed and in the log's tree (bounded).
  Status wait_caught_up(storage::Seq through) const;
  // Erases `found`, with `extra`'s deletions, in one batch on the committer with the audit entry
  // `what` (counts added), then takes the bytes off the disk. The audit entry's index.
  using ExtraDeletions = std::function<Status(rocksdb::WriteBatch&)>;
  // A dry run's count of the attachments whose bytes would go.
  Status count_attachments(const auth::StoreInfo& store, const Found& found, ErasureCounts& counts) const;
  Result<uint64_t> erase_found(const auth::StoreInfo& store, const Found& found, AuditAction what,
                               const AuditActor& by, const ExtraDeletions& extra, ErasureCounts& counts);

  storage::Engine& engine_;
  storage::CommitPipeline& pipeline_;
  const storage::StatementReader& reader_;
  AuditTrail& audit_;
  const uint32_t index_wait_ms_;
  const uint64_t statements_max_;
  const size_t referrers_max_;
};

}  // namespace scribe::admin
