// Taking postings out of the index (issue 13: an erased statement's entries, and the terms its
// referrers inherited from it). A change either removes a (term, seq) posting or sets its flags
// (a referrer that keeps a term, now only without the flag it inherited).
// The changes of an erasure are written with its batch, in its marker (storage/statement_erasure.h),
// and applied to RocksDB's lists by the indexer once it holds every posting (storage/indexer.h),
// or at the next start before the indexer runs; the marker goes only after the index family is
// flushed, so a crash in between applies them again (applying twice changes nothing).
// Guarantees: a term's lists stay disjoint and in seq order; an emptied list's key is deleted;
// a list whose first posting goes moves to its new first seq.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/engine.h"
#include "storage/indexer.h"

namespace scribe::storage {

// kind(1) · term(16) · seq(8) · op(1) per change; op 0xff removes, else it is the new flags.
void append_posting_changes(std::string& out, const std::vector<PostingChange>& changes);
// nullopt when `bytes` are not such a sequence.
std::optional<std::vector<PostingChange>> decode_posting_changes(StoreId store, std::string_view bytes);

// Applies the changes to RocksDB's lists (WAL off, as every index write), in batches. The caller
// owns the index meanwhile: no recent posting of these terms waits to be written.
Status apply_posting_changes(Engine& engine, std::vector<PostingChange> changes);

}  // namespace scribe::storage
