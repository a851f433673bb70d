// A rocksdb::FileSystem for tests that fails the way disks fail (the approach of LevelDB's
// fault_injection_test and RocksDB's FaultInjectionTestFS, on the public FileSystemWrapper).
// It keeps, per file written through it, how many bytes were appended and how many were synced,
// and whether its directory entry was synced. It can:
//  1. simulate a power loss: after deactivate() nothing is kept (writes and syncs pass, as no
//     one sees what happens after the cut, but nothing counts as synced; deletes and renames do
//     not happen), then drop_unsynced() truncates every file to its synced size and deletes
//     files whose directory entry was never synced. A test must count as acknowledged only
//     what was answered before it cut the power;
//  2. fail chosen operations with EIO: the next matching write (Append), sync, or read, by file
//     name suffix (".log" is the WAL, ".sst" a table), once or until clear_faults();
//  3. run out of space: with a byte budget, an Append past it fails with NoSpace.
// Guarantees: a sync that returned while active was recorded (checked and recorded under one
// lock), so drop_unsynced() keeps every byte a caller was told before the cut is durable.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace scribe::test_support {

class FaultInjectionFs : public rocksdb::FileSystemWrapper {
 public:
  enum class Op { write, sync, read };

  FaultInjectionFs();  // over the default (POSIX) file system
  static const char* kClassName() { return "ScribeFaultInjectionFs"; }
  const char* Name() const override { return kClassName(); }

  // Power loss.
  void deactivate();
  void activate();
  bool active() const;
  // Truncates every tracked file to its synced size and deletes those never synced into their
  // directory; then forgets them (what is left is on "disk"). Call with the engine closed.
  void drop_unsynced();

  // EIO. The `skip`+1-th operation of that kind on a file whose name ends with `suffix` fails,
  // and with `sticky` every one after it too, until clear_faults().
  void fail(Op op, std::string suffix, uint64_t skip = 0, bool sticky = false);
  // As fail(), once a sync of such a file has passed (e.g. the write right after a commit's sync).
  void fail_after_sync(Op op, std::string suffix);
  void clear_faults();
  // Operations failed so far.
  uint64_t injected() const;

  // Space: Appends may add at most `bytes` more (nullopt: unlimited).
  void set_space(std::optional<uint64_t> bytes);

  // For the wrappers below.
  rocksdb::IOStatus before(Op op, const std::string& name, uint64_t bytes = 0);
  void appended(const std::string& name, uint64_t end);
  rocksdb::IOStatus synced(const std::string& name);
  void directory_synced(const std::string& dir);

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomAccessFile(const std::string& name, const rocksdb::FileOptions& options,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                                        rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewSequentialFile(const std::string& name, const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free, rocksdb::IODebugContext* dbg) override;

 private:
  struct FileState {
    uint64_t size = 0;         // bytes appended
    uint64_t synced_size = 0;  // bytes synced
    bool entry_synced = false; // its directory was synced since it was created
  };
  struct Fault {
    Op op;
    std::string suffix;
    uint64_t skip;
    bool sticky;
    bool fired = false;
    bool armed = true;  // false: waits for a passing sync of a matching file
  };
  void track_new(const std::string& name, uint64_t existing_size);

  mutable std::mutex mutex_;
  bool active_ = true;
  std::map<std::string, FileState> files_;
  std::optional<Fault> fault_;
  uint64_t injected_ = 0;
  std::optional<uint64_t> space_;
};

// An Env that sends every file operation to `fs` (for EngineOptions::env); it keeps `fs` alive.
std::shared_ptr<rocksdb::Env> env_over(const std::shared_ptr<FaultInjectionFs>& fs);

}  // namespace scribe::test_support
