#include "storage/engine.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <filesystem>

#include "storage/engine_logger.h"
#include "storage/json_merge_operators.h"

namespace scribe::storage {

namespace {

// The first `prefix_bytes` of keys at least `min_key_bytes` long (see the insert hints below).
class HintPrefix : public rocksdb::SliceTransform {
 public:
  HintPrefix(size_t prefix_bytes, size_t min_key_bytes)
      : prefix_bytes_(prefix_bytes), min_key_bytes_(min_key_bytes),
        name_("scribe.HintPrefix." + std::to_string(prefix_bytes)) {}
  const char* Name() const override { return name_.c_str(); }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), prefix_bytes_);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() >= min_key_bytes_; }

 private:
  const size_t prefix_bytes_, min_key_bytes_;
  const std::string name_;
};

const char* family_name(Family f) {
  switch (f) {
    case Family::Statements: return "statements";
    case Family::StatementIds: return "statement_ids";
    case Family::Index: return "index";
    case Family::Voided: return "voided";
    case Family::Refs: return "refs";
    case Family::Documents: return "documents";
    case Family::Attachments: return "attachments";
    case Family::Meta: return "meta";
    case Family::Activities: return "activities";
    case Family::Agents: return "agents";
    case Family::Evidence: return "evidence";
    default: return "?";
  }
}

rocksdb::ColumnFamilyOptions family_options(Family f, const std::shared_ptr<rocksdb::Cache>& cache,
                                            const EngineOptions& options) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  // Bloom filters only where point reads miss: statement ids (the duplicate check on every
  // write), voided, refs (waiting markers), documents, activities and agents. Statements are
  // read by seqs that exist and the index only through iterators, so filters there cost
  // memory and cache (10 bits per key: ~105 MB for the index of 10M statements) and save
  // no read.
  const bool point_reads_miss = f != Family::Statements && f != Family::Index;
  if (point_reads_miss) t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Partitioned index and filters: a point read or seek on a large store loads one small
  // partition into the block cache, not a whole file's index or filter; the top levels stay
  // pinned. Keeps reads fast and memory bounded at 10M+ statements.
  t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  t.partition_filters = point_reads_miss;
  t.metadata_block_size = 4096;
  t.cache_index_and_filter_blocks = true;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_top_level_index_and_filter = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // Flushes write L0 uncompressed: they run while statements arrive, on the same cores, and L0
  // is rewritten by the next compaction anyway. Lower levels use LZ4, the last one ZSTD.
  o.compression = rocksdb::kLZ4Compression;
  o.compression_per_level = {rocksdb::kNoCompression, rocksdb::kLZ4Compression,
                             rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                             rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                             rocksdb::kLZ4Compression};
  o.bottommost_compression = rocksdb::kZSTD;
  if (f == Family::Statements && options.statements_precompressed) {
    o.compression = rocksdb::kNoCompression;
    o.compression_per_level.clear();
    o.bottommost_compression = rocksdb::kNoCompression;
  }
  o.write_buffer_size = f == Family::Statements ? (64u << 20) : (32u << 20);
  o.level_compaction_dynamic_level_bytes = true;
  // The index takes ~8 random-keyed entries per statement, and leveled compaction rewrote each
  // one ~7.5 times (474 s of CPU for a 10M import that took 906 s): universal compaction
  // rewrites them far less, for a few more sorted runs per index seek.
  if (f == Family::Index) {
    o.compaction_style = rocksdb::kCompactionStyleUniversal;
    o.level_compaction_dynamic_level_bytes = false;  // a leveled-compaction option
  }
  // Statement keys grow within a store and index keys grow within a term: an insert hint per
  // prefix lets the memtable append near the previous insert instead of searching the skiplist.
  // Only whole keys are in the hint domain: RocksDB 7.8 keeps one hint map for a family's point
  // and range-tombstone memtables alike, so a range delete whose begin key (a bare store
  // prefix) took a hint would corrupt the point memtable's skiplist.
  if (f == Family::Statements)
    o.memtable_insert_with_hint_prefix_extractor = std::make_shared<HintPrefix>(4, 12);
  if (f == Family::Index)
    o.memtable_insert_with_hint_prefix_extractor = std::make_shared<HintPrefix>(21, 29);
  // The committer probes these for keys that are usually absent (is this id new? is anyone
  // waiting for this statement? was it voided?): a memtable bloom filter answers most probes
  // without walking the memtable's skiplist.
  if (f == Family::StatementIds || f == Family::Refs || f == Family::Voided) {
    o.memtable_whole_key_filtering = true;
    o.memtable_prefix_bloom_size_ratio = 0.05;
  }
  // Hashes and salts are random bytes: compressing them costs CPU and saves nothing. Leaf and
  // node keys grow within a store (and level): appended next to the previous insert.
  if (f == Family::Evidence) {
    o.compression = rocksdb::kNoCompression;
    o.compression_per_level.clear();
    o.bottommost_compression = rocksdb::kNoCompression;
    o.memtable_insert_with_hint_prefix_extractor = std::make_shared<HintPrefix>(6, 13);
  }
  if (f == Family::Attachments) {
    o.enable_blob_files = true;  // large attachment values live in blob files
    o.min_blob_size = kAttachmentBlobBytesMin;
  }
  return o;
}

// Families written with Merge() always get their operator, whoever opens the engine.
std::shared_ptr<rocksdb::MergeOperator> merge_operator_for(Family f) {
  if (f == Family::Activities) return make_activity_merge_operator();
  if (f == Family::Agents) return make_person_merge_operator();
  return nullptr;
}

}  // namespace

Code storage_code(const rocksdb::Status& s) {
  if (s.IsNotFound()) return Code::not_found;
  if (s.IsCorruption()) return Code::corruption;
  if (s.IsNoSpace()) return Code::no_space;  // an IOError with the no-space subcode: test it first
  if (s.IsIOError()) return Code::io_error;
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsIncomplete()) return Code::busy;
  return Code::internal;
}

Error storage_error(const rocksdb::Status& s, const char* what) {
  return fault(storage_code(s), std::string(what) + ": " + s.ToString());
}

Result<std::unique_ptr<Engine>> Engine::open(const EngineOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) return fault(Code::io_error, "cannot create data directory " + options.path + ": " + ec.message());

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  db_options.max_total_wal_size = 256u << 20;
  if (options.env) db_options.env = options.env.get();
  db_options.info_log = make_stderr_logger();  // never a LOG file on the data's disk (see there)
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (size_t i = 0; i < size_t(Family::Count); i++) {
    descriptors.emplace_back(family_name(Family(i)), family_options(Family(i), cache, options));
    descriptors.back().options.merge_operator = merge_operator_for(Family(i));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  if (!s.ok()) return storage_error(s, "cannot open RocksDB");

  std::unique_ptr<Engine> engine(new Engine());
  engine->env_ = options.env;
  engine->db_.reset(raw);
  engine->sync_writes_ = options.sync_writes;
  // handles[0] is the default family, which Scribe does not use.
  raw->DestroyColumnFamilyHandle(handles[0]);
  engine->families_.assign(handles.begin() + 1, handles.end());
  return engine;
}

Engine::~Engine() {
  if (!db_) return;
  for (auto* h : families_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
}

Status Engine::checked(const rocksdb::Status& s, const char* what) {
  if (s.ok()) return Status::success();
  Error error = storage_error(s, what);
  // Busy and the like refuse one write and leave the WAL as it was: not a fault of the store.
  if (error.code != Code::busy) {
    std::lock_guard lock(fault_mutex_);
    if (!write_fault_) write_fault_ = error;
    faulted_.store(true, std::memory_order_release);
  }
  return error;
}

std::optional<Error> Engine::write_fault() {
  if (!faulted_.load(std::memory_order_acquire)) return std::nullopt;
  std::lock_guard wal(wal_mutex_);
  return fault_after_retry();
}

std::optional<Error> Engine::fault_after_retry() {
  std::lock_guard lock(fault_mutex_);
  if (!write_fault_) return std::nullopt;
  const auto now = std::chrono::steady_clock::now();
  if (write_fault_->code == Code::no_space && now - last_resume_ >= kResumeRetry) {
    last_resume_ = now;
    if (db_->Resume().ok()) {
      write_fault_.reset();
      faulted_.store(false, std::memory_order_release);
      return std::nullopt;
    }
  }
  return write_fault_;
}

Status Engine::resume() {
  std::lock_guard wal(wal_mutex_);  // (always before fault_mutex_)
  std::lock_guard lock(fault_mutex_);
  if (!write_fault_) return Status::success();
  auto s = db_->Resume();
  if (!s.ok()) return storage_error(s, "the store cannot resume writing");
  write_fault_.reset();
  faulted_.store(false, std::memory_order_release);
  return Status::success();
}

Status Engine::write_durable(rocksdb::WriteBatch& batch) {
  std::lock_guard wal(wal_mutex_);
  if (faulted_.load(std::memory_order_acquire))
    if (auto latched = fault_after_retry()) return std::move(*latched);
  rocksdb::WriteOptions o;
  o.sync = sync_writes_;
  return checked(db_->Write(o, &batch), "write failed");
}

Status Engine::write_unsynced(rocksdb::WriteBatch& batch) {
  std::lock_guard wal(wal_mutex_);
  if (faulted_.load(std::memory_order_acquire))
    if (auto latched = fault_after_retry()) return std::move(*latched);
  return checked(db_->Write(rocksdb::WriteOptions(), &batch), "write failed");
}

Status Engine::write_unlogged(rocksdb::WriteBatch& batch) {
  if (faulted_.load(std::memory_order_acquire)) {
    std::lock_guard wal(wal_mutex_);
    if (auto latched = fault_after_retry()) return std::move(*latched);
  }
  rocksdb::WriteOptions o;
  o.disableWAL = true;
  return checked(db_->Write(o, &batch), "index write failed");
}

Status Engine::sync_wal() {
  if (!sync_writes_) return Status::success();
  std::lock_guard wal(wal_mutex_);
  if (faulted_.load(std::memory_order_acquire))
    if (auto latched = fault_after_retry()) return std::move(*latched);
  return checked(db_->SyncWAL(), "WAL sync failed");
}

Status Engine::multi_get(Family f, const std::vector<std::string>& keys,
                         std::vector<std::optional<std::string>>& values) const {
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> found(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), family(f), keys.size(), slices.data(), found.data(),
                statuses.data());
  values.assign(keys.size(), std::nullopt);
  for (size_t i = 0; i < keys.size(); i++) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return storage_error(statuses[i], "read failed");
    values[i].emplace(found[i].data(), found[i].size());
  }
  return Status::success();
}

Result<bool> Engine::get(Family f, const std::string& key, std::string* value) const {
  auto s = db_->Get(rocksdb::ReadOptions(), family(f), key, value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return storage_error(s, "read failed");
  return true;
}

std::unique_ptr<rocksdb::Iterator> seq_key_iterator(const Engine& engine, Family family, const std::string& prefix,
                                                    SeqKeyBounds& bounds) {
  bounds.lower = prefix;
  bounds.upper = prefix;
  bounds.upper.append(9, '\xff');  // past every prefix · seq(8) key
  bounds.lower_slice = rocksdb::Slice(bounds.lower);
  bounds.upper_slice = rocksdb::Slice(bounds.upper);
  rocksdb::ReadOptions o;
  o.iterate_lower_bound = &bounds.lower_slice;
  o.iterate_upper_bound = &bounds.upper_slice;
  return std::unique_ptr<rocksdb::Iterator>(engine.db()->NewIterator(o, engine.family(family)));
}

}  // namespace scribe::storage
