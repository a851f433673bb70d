// Whole-store operations on the data of one store (tenant): its size and contents counted, and
// all of it deleted. A store's data is one contiguous key range, store·* to (store+1)·*, in
// every family but `meta` (storage/keys.h), so deletion is one range delete per family in one
// atomic batch, followed by a compaction of those ranges so the bytes leave the disk.
#pragma once

#include <cstdint>

#include <rocksdb/write_batch.h>

#include "common/result.h"
#include "storage/engine.h"
#include "storage/keys.h"

namespace scribe::storage {

struct StoreStats {
  uint64_t statements = 0;   // voided ones included
  uint64_t documents = 0;    // State, Activity Profile and Agent Profile documents
  uint64_t attachment_bytes = 0;
  uint64_t approximate_bytes_on_disk = 0;  // SST files and memtables, all families
};

// Counts by scanning the store's key ranges (keys only, except attachment sizes).
Result<StoreStats> store_stats(const Engine& engine, StoreId store);

// Adds to `batch` the deletion of every key of `store` in every store-prefixed family, but for
// its audit trail (kept as the record of the deletion).
void add_store_deletion(const Engine& engine, StoreId store, rocksdb::WriteBatch& batch);

// Compacts the store's (now deleted) key ranges in every family, so the deleted bytes are
// dropped from the SST files rather than shadowed by tombstones.
Status compact_store_ranges(const Engine& engine, StoreId store);

}  // namespace scribe::storage
