#include "tests/support/fault_injection_fs.h"

#include <filesystem>
#include <utility>

namespace scribe::test_support {

namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

std::string parent_of(const std::string& name) {
  auto slash = name.find_last_of('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

std::string without_trailing_slash(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

class TrackedWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedWritableFile(std::unique_ptr<rocksdb::FSWritableFile> target, FaultInjectionFs& fs, std::string name)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs), name_(std::move(name)) {}
  void set_size(uint64_t size) { size_ = size; }

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    return appending(data.size(), [&] { return FSWritableFileOwnerWrapper::Append(data, options, dbg); });
  }
  IOStatus Append(const Slice& data, const IOOptions& options, const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    return appending(data.size(), [&] { return FSWritableFileOwnerWrapper::Append(data, options, info, dbg); });
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::write, name_, data.size()); !s.ok()) return s;
    IOStatus s = FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
    if (s.ok()) fs_.appended(name_, offset + data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::write, name_, data.size()); !s.ok()) return s;
    IOStatus s = FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg);
    if (s.ok()) fs_.appended(name_, offset + data.size());
    return s;
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::write, name_); !s.ok()) return s;
    IOStatus s = FSWritableFileOwnerWrapper::Truncate(size, options, dbg);
    if (s.ok()) {
      size_ = size;
      fs_.appended(name_, size_);
    }
    return s;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return syncing([&] { return FSWritableFileOwnerWrapper::Sync(options, dbg); });
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return syncing([&] { return FSWritableFileOwnerWrapper::Fsync(options, dbg); });
  }
  IOStatus RangeSync(uint64_t offset, uint64_t bytes, const IOOptions& options, IODebugContext* dbg) override {
    // sync_file_range starts write-back and promises nothing: it makes nothing durable here.
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::write, name_); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::RangeSync(offset, bytes, options, dbg);
  }

 private:
  template <class F>
  IOStatus appending(size_t bytes, F&& append) {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::write, name_, bytes); !s.ok()) return s;
    IOStatus s = append();
    if (s.ok()) {
      size_ += bytes;
      fs_.appended(name_, size_);
    }
    return s;
  }
  template <class F>
  IOStatus syncing(F&& sync) {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::sync, name_); !s.ok()) return s;
    IOStatus s = sync();
    if (!s.ok()) return s;
    return fs_.synced(name_);
  }

  FaultInjectionFs& fs_;
  const std::string name_;
  uint64_t size_ = 0;
};

class CheckedRandomAccessFile : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  CheckedRandomAccessFile(std::unique_ptr<rocksdb::FSRandomAccessFile> target, FaultInjectionFs& fs, std::string name)
      : FSRandomAccessFileOwnerWrapper(std::move(target)), fs_(fs), name_(std::move(name)) {}
  IOStatus Read(uint64_t offset, size_t n, const IOOptions& options, Slice* result, char* scratch,
                IODebugContext* dbg) const override {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::read, name_); !s.ok()) return s;
    return FSRandomAccessFileOwnerWrapper::Read(offset, n, options, result, scratch, dbg);
  }
  IOStatus MultiRead(rocksdb::FSReadRequest* reqs, size_t count, const IOOptions& options,
                     IODebugContext* dbg) override {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::read, name_); !s.ok()) {
      for (size_t i = 0; i < count; i++) reqs[i].status = s;
      return s;
    }
    return FSRandomAccessFileOwnerWrapper::MultiRead(reqs, count, options, dbg);
  }

 private:
  FaultInjectionFs& fs_;
  const std::string name_;
};

class CheckedSequentialFile : public rocksdb::FSSequentialFileOwnerWrapper {
 public:
  CheckedSequentialFile(std::unique_ptr<rocksdb::FSSequentialFile> target, FaultInjectionFs& fs, std::string name)
      : FSSequentialFileOwnerWrapper(std::move(target)), fs_(fs), name_(std::move(name)) {}
  IOStatus Read(size_t n, const IOOptions& options, Slice* result, char* scratch, IODebugContext* dbg) override {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::read, name_); !s.ok()) return s;
    return FSSequentialFileOwnerWrapper::Read(n, options, result, scratch, dbg);
  }
  IOStatus PositionedRead(uint64_t offset, size_t n, const IOOptions& options, Slice* result, char* scratch,
                          IODebugContext* dbg) override {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::read, name_); !s.ok()) return s;
    return FSSequentialFileOwnerWrapper::PositionedRead(offset, n, options, result, scratch, dbg);
  }

 private:
  FaultInjectionFs& fs_;
  const std::string name_;
};

class TrackedDirectory : public rocksdb::FSDirectoryWrapper {
 public:
  TrackedDirectory(std::unique_ptr<rocksdb::FSDirectory> target, FaultInjectionFs& fs, std::string name)
      : FSDirectoryWrapper(std::move(target)), fs_(fs), name_(std::move(name)) {}
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return syncing([&] { return FSDirectoryWrapper::Fsync(options, dbg); });
  }
  IOStatus FsyncWithDirOptions(const IOOptions& options, IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& dir_options) override {
    return syncing([&] { return FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options); });
  }

 private:
  template <class F>
  IOStatus syncing(F&& sync) {
    if (IOStatus s = fs_.before(FaultInjectionFs::Op::sync, name_); !s.ok()) return s;
    IOStatus s = sync();
    if (s.ok()) fs_.directory_synced(name_);
    return s;
  }
  FaultInjectionFs& fs_;
  const std::string name_;
};

}  // namespace

FaultInjectionFs::FaultInjectionFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

std::shared_ptr<rocksdb::Env> env_over(const std::shared_ptr<FaultInjectionFs>& fs) {
  return std::shared_ptr<rocksdb::Env>(rocksdb::NewCompositeEnv(fs).release());
}

void FaultInjectionFs::deactivate() {
  std::lock_guard lock(mutex_);
  active_ = false;
}

void FaultInjectionFs::activate() {
  std::lock_guard lock(mutex_);
  active_ = true;
}

bool FaultInjectionFs::active() const {
  std::lock_guard lock(mutex_);
  return active_;
}

void FaultInjectionFs::drop_unsynced() {
  std::lock_guard lock(mutex_);
  std::error_code ec;  // a file already gone is what a drop wants
  for (const auto& [name, state] : files_) {
    if (!state.entry_synced) {
      std::filesystem::remove(name, ec);
      continue;
    }
    // (RocksDB 7.8's POSIX FileSystem does not implement Truncate.)
    const auto size = std::filesystem::file_size(name, ec);
    if (!ec && size > state.synced_size) std::filesystem::resize_file(name, state.synced_size, ec);
  }
  files_.clear();
}

void FaultInjectionFs::fail(Op op, std::string suffix, uint64_t skip, bool sticky) {
  std::lock_guard lock(mutex_);
  fault_ = Fault{op, std::move(suffix), skip, sticky};
}

void FaultInjectionFs::fail_after_sync(Op op, std::string suffix) {
  std::lock_guard lock(mutex_);
  fault_ = Fault{op, std::move(suffix), 0, false};
  fault_->armed = false;
}

void FaultInjectionFs::clear_faults() {
  std::lock_guard lock(mutex_);
  fault_.reset();
}

uint64_t FaultInjectionFs::injected() const {
  std::lock_guard lock(mutex_);
  return injected_;
}

void FaultInjectionFs::set_space(std::optional<uint64_t> bytes) {
  std::lock_guard lock(mutex_);
  space_ = bytes;
}

IOStatus FaultInjectionFs::before(Op op, const std::string& name, uint64_t bytes) {
  std::lock_guard lock(mutex_);
  if (!active_) return IOStatus::OK();  // the power is off: nothing written is kept (see synced)
  if (fault_ && fault_->armed && fault_->op == op && name.ends_with(fault_->suffix) &&
      (!fault_->fired || fault_->sticky)) {
    if (fault_->skip > 0) {
      fault_->skip--;
    } else {
      fault_->fired = true;
      injected_++;
      return IOStatus::IOError("injected EIO: " + name);
    }
  }
  if (op == Op::write && space_) {
    if (bytes > *space_) {
      injected_++;
      return IOStatus::NoSpace("injected ENOSPC: " + name);
    }
    *space_ -= bytes;
  }
  return IOStatus::OK();
}

void FaultInjectionFs::appended(const std::string& name, uint64_t end) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(name);
  if (it != files_.end()) it->second.size = end;
}

IOStatus FaultInjectionFs::synced(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (!active_) return IOStatus::OK();  // "passes" unrecorded: nobody sees what happens after the cut
  auto it = files_.find(name);
  if (it != files_.end()) it->second.synced_size = it->second.size;
  if (fault_ && !fault_->armed && name.ends_with(fault_->suffix)) fault_->armed = true;
  return IOStatus::OK();
}

void FaultInjectionFs::directory_synced(const std::string& dir) {
  std::lock_guard lock(mutex_);
  if (!active_) return;
  const std::string d = without_trailing_slash(dir);
  for (auto& [name, state] : files_)
    if (parent_of(name) == d) state.entry_synced = true;
}

void FaultInjectionFs::track_new(const std::string& name, uint64_t existing_size) {
  std::lock_guard lock(mutex_);
  FileState& state = files_[name];
  state = FileState{existing_size, existing_size, existing_size > 0};
}

IOStatus FaultInjectionFs::NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                           std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = before(Op::write, name); !s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->NewWritableFile(name, options, &file, dbg);
  if (!s.ok()) return s;
  track_new(name, 0);
  *result = std::make_unique<TrackedWritableFile>(std::move(file), *this, name);
  return s;
}

IOStatus FaultInjectionFs::ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = before(Op::write, name); !s.ok()) return s;
  uint64_t size = 0;
  (void)target()->GetFileSize(name, IOOptions(), &size, dbg);
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReopenWritableFile(name, options, &file, dbg);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mutex_);
    if (!files_.count(name)) files_[name] = FileState{size, size, true};
  }
  auto tracked = std::make_unique<TrackedWritableFile>(std::move(file), *this, name);
  tracked->set_size(size);
  *result = std::move(tracked);
  return s;
}

IOStatus FaultInjectionFs::ReuseWritableFile(const std::string& name, const std::string& old_name,
                                             const rocksdb::FileOptions& options,
                                             std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = before(Op::write, name); !s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReuseWritableFile(name, old_name, options, &file, dbg);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mutex_);
    files_.erase(old_name);
  }
  track_new(name, 0);
  *result = std::make_unique<TrackedWritableFile>(std::move(file), *this, name);
  return s;
}

IOStatus FaultInjectionFs::NewRandomAccessFile(const std::string& name, const rocksdb::FileOptions& options,
                                               std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                                               IODebugContext* dbg) {
  if (IOStatus s = before(Op::read, name); !s.ok()) return s;
  std::unique_ptr<rocksdb::FSRandomAccessFile> file;
  IOStatus s = target()->NewRandomAccessFile(name, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<CheckedRandomAccessFile>(std::move(file), *this, name);
  return s;
}

IOStatus FaultInjectionFs::NewSequentialFile(const std::string& name, const rocksdb::FileOptions& options,
                                             std::unique_ptr<rocksdb::FSSequentialFile>* result, IODebugContext* dbg) {
  if (IOStatus s = before(Op::read, name); !s.ok()) return s;
  std::unique_ptr<rocksdb::FSSequentialFile> file;
  IOStatus s = target()->NewSequentialFile(name, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<CheckedSequentialFile>(std::move(file), *this, name);
  return s;
}

IOStatus FaultInjectionFs::NewDirectory(const std::string& name, const IOOptions& options,
                                        std::unique_ptr<rocksdb::FSDirectory>* result, IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> dir;
  IOStatus s = target()->NewDirectory(name, options, &dir, dbg);
  if (s.ok()) *result = std::make_unique<TrackedDirectory>(std::move(dir), *this, name);
  return s;
}

IOStatus FaultInjectionFs::DeleteFile(const std::string& name, const IOOptions& options, IODebugContext* dbg) {
  if (!active()) return IOStatus::OK();  // after the cut: never happens
  if (IOStatus s = before(Op::write, name); !s.ok()) return s;
  IOStatus s = target()->DeleteFile(name, options, dbg);
  if (s.ok()) {
    std::lock_guard lock(mutex_);
    files_.erase(name);
  }
  return s;
}

// A rename takes effect at once (an approximation: on a real file system it is durable only
// once the directory is synced, which RocksDB does right after its renames).
IOStatus FaultInjectionFs::RenameFile(const std::string& from, const std::string& to, const IOOptions& options,
                                      IODebugContext* dbg) {
  if (!active()) return IOStatus::OK();  // after the cut: never happens
  if (IOStatus s = before(Op::write, to); !s.ok()) return s;
  IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (s.ok()) {
    std::lock_guard lock(mutex_);
    auto it = files_.find(from);
    files_.erase(to);
    if (it != files_.end()) {
      files_[to] = it->second;
      files_.erase(it);
    }
  }
  return s;
}

IOStatus FaultInjectionFs::GetFreeSpace(const std::string& path, const IOOptions& options, uint64_t* free,
                                        IODebugContext* dbg) {
  {
    std::lock_guard lock(mutex_);
    if (space_) {
      *free = *space_;
      return IOStatus::OK();
    }
  }
  return target()->GetFreeSpace(path, options, free, dbg);
}

}  // namespace scribe::test_support
