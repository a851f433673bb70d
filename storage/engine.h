// The RocksDB instance and its column families (see storage/keys.h for what each holds).
// Opening creates missing families; every write through write_durable() is one atomic
// WriteBatch on a synced WAL, so once it returns OK the batch survives a crash or kill -9.
// The write fault: the first write or WAL sync that fails with an engine fault (an I/O error,
// no space, corruption) latches it. From then on every write and sync returns it without
// reaching RocksDB (whose WAL writer, once failed, aborts the process in a later sync: Debian
// builds RocksDB with assertions on) until resume() clears it. Reads go on. A WAL append and a
// WAL sync never overlap (wal_mutex_): a sync that started while an append failed would reach
// that failed writer before the fault is latched.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace scribe::storage {

enum class Family {
  Statements = 0,
  StatementIds,
  Index,
  Voided,
  Refs,
  Documents,
  Attachments,
  Meta,
  Activities,  // activity id → canonical definition, built by merge operands
  Agents,      // agent identity → what is known of that agent, built by merge operands
  Evidence,    // the stores' evidence logs: leaves, tree nodes, checkpoints
  Count
};

// Attachment values from this size on live in blob files (out of the compactions' rewrites).
inline constexpr uint64_t kAttachmentBlobBytesMin = 4096;

struct EngineOptions {
  std::string path;
  uint64_t block_cache_bytes = 256ull << 20;
  bool sync_writes = true;
  // Statement values come compressed (storage/statement_codec.h): RocksDB does not compress the
  // statements family again.
  bool statements_precompressed = false;
  // Where RocksDB does its file I/O; null: the default POSIX Env. Tests pass one over a
  // fault-injecting FileSystem (tests/support/fault_injection_fs.h). The engine keeps it alive.
  std::shared_ptr<rocksdb::Env> env;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> open(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* family(Family f) const { return families_[size_t(f)]; }

  // Applies the batch atomically; with sync_writes the WAL is fsynced before returning.
  Status write_durable(rocksdb::WriteBatch& batch);
  // Applies the batch atomically without syncing; durable only after a later sync_wal().
  Status write_unsynced(rocksdb::WriteBatch& batch);
  // Applies the batch atomically with the WAL off: it survives a crash only once its memtable
  // is flushed, and a family's flushed state is always a prefix of its writes. For derived data
  // that can be rebuilt (the index).
  Status write_unlogged(rocksdb::WriteBatch& batch);
  // Fsyncs the WAL: every write that returned before this call is then durable.
  // A no-op when sync_writes is off.
  Status sync_wal();
  // The latched write fault, if any. A full disk's is retried here (RocksDB's Resume, which
  // passes once RocksDB has recovered by itself after space returned; at most every
  // kResumeRetry) and cleared when it passes.
  std::optional<Error> write_fault();
  // Tries to clear the write fault through RocksDB's Resume(): it recovers once space returns
  // (RocksDB also retries that by itself); a failed WAL append or sync is fatal to RocksDB 7.8
  // (Resume returns the error) and only a restart clears it. OK when no fault is left.
  Status resume();
  // Point read; NotFound is reported as found=false, other failures as an Error.
  Result<bool> get(Family f, const std::string& key, std::string* value) const;
  // Batched point reads (one pass over the files for all keys): values[i] is nullopt when
  // keys[i] is absent. Any other failure fails the whole call.
  Status multi_get(Family f, const std::vector<std::string>& keys,
                   std::vector<std::optional<std::string>>& values) const;

 private:
  Engine() = default;
  std::shared_ptr<rocksdb::Env> env_;  // outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
  bool sync_writes_ = true;
  // The latched write fault (see above): `faulted_` is the fast check, `write_fault_` the error.
  Status checked(const rocksdb::Status& s, const char* what);
  // The fault after a retry of a full disk's; wal_mutex_ held.
  std::optional<Error> fault_after_retry();
  std::atomic<bool> faulted_{false};
  std::mutex wal_mutex_;  // WAL appends and syncs, with the fault check and latch; before fault_mutex_
  std::mutex fault_mutex_;
  std::optional<Error> write_fault_;
  std::chrono::steady_clock::time_point last_resume_{};
  static constexpr auto kResumeRetry = std::chrono::milliseconds(200);
};

// The code of an engine status (LevelDB's kinds), and an error of that code whose message, for
// the log only, says `what` failed and how.
Code storage_code(const rocksdb::Status& s);
Error storage_error(const rocksdb::Status& s, const char* what);

// The bounds of an iterator over the keys `prefix` · seq(8) of a family; they must outlive it
// (RocksDB keeps pointers to them).
struct SeqKeyBounds {
  std::string lower, upper;
  rocksdb::Slice lower_slice, upper_slice;
};
std::unique_ptr<rocksdb::Iterator> seq_key_iterator(const Engine& engine, Family family, const std::string& prefix,
                                                    SeqKeyBounds& bounds);

}  // namespace scribe::storage
