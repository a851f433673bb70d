// Undoing writes that were applied to RocksDB but never made durable (a failed WAL sync): the
// batch that puts back, for every key the given batches wrote (puts, merges, deletes, in any
// family), its value as of `before`, a snapshot taken before the first of them; or deletes it
// when it had none. Written synced, it leaves the store as if the batches never ran, so a
// request that was refused never becomes visible later (a Resume() would flush it otherwise).
// Guarantees: reads at `before` only; a failed read fails the whole undo (never "absent").
#pragma once

#include <rocksdb/snapshot.h>
#include <rocksdb/write_batch.h>

#include <vector>

#include "common/result.h"
#include "storage/engine.h"

namespace scribe::storage {

Result<rocksdb::WriteBatch> undo_batch(const Engine& engine, const rocksdb::Snapshot* before,
                                       const std::vector<const rocksdb::WriteBatch*>& batches);

}  // namespace scribe::storage
