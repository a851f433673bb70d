// Erasing data from a store (issue 13: a learner's erasure, retention by age). This file builds
// the deletions; the caller (admin/erasure_service.h) decides what goes, serialises the batch
// with the committer and records it in the audit trail. The evidence log keeps each erased
// statement's leaf hash (storage/evidence_log.h, add_leaf_erasures).
// Afterwards the bytes must also leave the disk: finish_erasure() flushes the memtables, so the
// WAL files that held them are dropped, and compacts what held them, so no SST keeps them.
// A marker (meta family) is written with the erasure's batch and removed once that is done, so a
// crash in between is completed at the next start (resume_erasures).
// Guarantees: the add_* functions only add to the batch (nothing is written until the caller
// writes it, atomically); finish_erasure() is idempotent.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/write_batch.h>

#include "common/result.h"
#include "storage/engine.h"
#include "storage/indexer.h"
#include "storage/keys.h"
#include "storage/record_terms.h"

namespace scribe::storage {

struct StatementToErase {
  Seq seq = 0;
  Uuid id{};
  std::optional<Uuid> ref_target;  // its object is a StatementRef to this statement
  std::vector<std::string> attachment_sha2s;  // the attachments it declares (keys.h)
};

struct StatementErasures {
  std::vector<PostingChange> index_changes;
  uint64_t attachments = 0;  // attachments no statement declares any more: their bytes go
};

// The statements' records, id entries, referrer entries (of their targets) and voided markers.
// Statements that refer to an erased one are kept: their target no longer resolves, so they
// lose the terms they inherited from it (their records are rewritten here, and so are those of
// the statements referring to them, transitively, at most `referrers_max`, else 413). Returns the index
// changes that follow: every posting of an erased statement, and the referrers' lost terms.
// Without an `own_terms` rule (records keeping all their terms) referrers are left as they are.
// Their uses of attachments go too, and an attachment's bytes with its last use.
Result<StatementErasures> add_statement_erasures(const Engine& engine, StoreId store,
                                                 const std::vector<StatementToErase>& statements,
                                                 const StatementCodec* codec, const OwnTerms& own_terms,
                                                 size_t referrers_max, rocksdb::WriteBatch& batch);

// The documents of `kind` whose scope text `matches`; how many.
Result<uint64_t> add_document_erasures(const Engine& engine, StoreId store, DocumentKind kind,
                                       const std::function<bool(std::string_view scope_text)>& matches,
                                       rocksdb::WriteBatch& batch);

// The marker of an erasure whose bytes may still be on disk, named by its audit entry, with the
// index changes still to apply (storage/index_removal.h).
void add_erasure_marker(const Engine& engine, StoreId store, uint64_t audit_index,
                        const std::vector<PostingChange>& index_changes, rocksdb::WriteBatch& batch);
// Once the index changes are applied: flushes every family (the WAL files holding the erased
// bytes become obsolete and are deleted; the index's changes become durable), compacts the families holding erased content (statements, documents, Agents
// entries, leaf salts, and attachments when some were erased) down to the last level
// (statements over `statements` only, the whole store range when it is empty: first > last),
// rewriting the attachments' blob files, and removes the marker.
struct ErasedSeqs {
  Seq first = 1, last = 0;  // inclusive; empty by default
};
Status finish_erasure(Engine& engine, StoreId store, uint64_t audit_index, ErasedSeqs statements,
                      bool attachments_erased);
// At start, before the indexer runs: finishes every erasure a crash interrupted (its index
// changes, then finish_erasure); how many.
Result<size_t> resume_erasures(Engine& engine);

}  // namespace scribe::storage
