#include "storage/store_data.h"

#include <rocksdb/iterator.h>

#include <memory>

namespace scribe::storage {

namespace {

// The families whose keys start with the store id (all but meta).
constexpr Family kStoreFamilies[] = {Family::Statements, Family::StatementIds, Family::Index,
                                     Family::Voided,     Family::Refs,         Family::Documents,
                                     Family::Attachments, Family::Activities,  Family::Agents,
                                     Family::Evidence};

struct Range {
  std::string begin, end;
};

Range store_range(StoreId store) {
  return {store_prefix(store), store == UINT32_MAX ? std::string(5, '\xff') : store_prefix(store + 1)};
}

// Calls `each(key, value)` for every key of the store in `family`.
template <class Each>
Status scan(const Engine& engine, Family family, StoreId store, Each each) {
  const Range range = store_range(store);
  rocksdb::Slice upper(range.end);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper;
  options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(options, engine.family(family)));
  for (it->Seek(range.begin); it->Valid(); it->Next()) each(it->key(), it->value());
  if (!it->status().ok()) return storage_error(it->status(), "store scan failed");
  return Status::success();
}

}  // namespace

Result<StoreStats> store_stats(const Engine& engine, StoreId store) {
  StoreStats stats;
  auto count = [](uint64_t& n) { return [&n](const rocksdb::Slice&, const rocksdb::Slice&) { n++; }; };
  if (Status s = scan(engine, Family::StatementIds, store, count(stats.statements)); !s) return s.error();
  if (Status s = scan(engine, Family::Documents, store, count(stats.documents)); !s) return s.error();
  Status s = scan(engine, Family::Attachments, store,
                  [&](const rocksdb::Slice&, const rocksdb::Slice& v) { stats.attachment_bytes += v.size(); });
  if (!s) return s.error();
  const Range range = store_range(store);
  rocksdb::Range r(range.begin, range.end);
  rocksdb::SizeApproximationOptions options;
  options.include_memtables = true;
  options.include_files = true;
  for (Family f : kStoreFamilies) {
    uint64_t size = 0;
    rocksdb::Status rs = engine.db()->GetApproximateSizes(options, engine.family(f), &r, 1, &size);
    if (!rs.ok()) return storage_error(rs, "size approximation failed");
    stats.approximate_bytes_on_disk += size;
  }
  return stats;
}

void add_store_deletion(const Engine& engine, StoreId store, rocksdb::WriteBatch& batch) {
  const Range range = store_range(store);
  for (Family f : kStoreFamilies) {
    if (f != Family::Evidence) {
      batch.DeleteRange(engine.family(f), range.begin, range.end);
      continue;
    }
    // The statement log goes with the statements; the audit trail, which records the deletion,
    // stays (admin/audit_trail.h).
    for (char tag : {kLeafTag, kNodeTag, kCheckpointTag, kErasureTag, kErasedIdTag})
      batch.DeleteRange(engine.family(f), evidence_prefix(store, tag), evidence_prefix(store, char(tag + 1)));
  }
  // Its compression dictionaries and reindex markers, in the meta family.
  for (const std::string& prefix : {kDictionaryPrefix, kReindexMarkerPrefix})
    batch.DeleteRange(engine.family(Family::Meta), prefix + range.begin, prefix + range.end);
}

Status compact_store_ranges(const Engine& engine, StoreId store) {
  const Range range = store_range(store);
  rocksdb::Slice begin(range.begin), end(range.end);
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (Family f : kStoreFamilies) {
    rocksdb::Status s = engine.db()->CompactRange(options, engine.family(f), &begin, &end);
    if (!s.ok()) return storage_error(s, "compaction of a deleted store failed");
  }
  return Status::success();
}

}  // namespace scribe::storage
