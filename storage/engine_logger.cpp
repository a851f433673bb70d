#include "storage/engine_logger.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <mutex>

namespace scribe::storage {

namespace {

const char* level_name(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::DEBUG_LEVEL: return "debug";
    case rocksdb::InfoLogLevel::INFO_LEVEL: return "info";
    case rocksdb::InfoLogLevel::WARN_LEVEL: return "warning";
    case rocksdb::InfoLogLevel::ERROR_LEVEL: return "error";
    case rocksdb::InfoLogLevel::FATAL_LEVEL: return "fatal";
    default: return "note";
  }
}

class StderrLogger : public rocksdb::Logger {
 public:
  StderrLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char line[1024];
    va_list copy;
    va_copy(copy, ap);
    const int written = std::vsnprintf(line, sizeof line, format, copy);  // a longer one is cut
    va_end(copy);
    size_t length = written < 0 ? 0 : std::min(size_t(written), sizeof line - 1);
    while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) line[--length] = '\0';
    std::lock_guard lock(mutex_);
    std::fprintf(stderr, "rocksdb: %s: %s\n", level_name(level), line);
  }
  void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }

 private:
  std::mutex mutex_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> make_stderr_logger() { return std::make_shared<StderrLogger>(); }

}  // namespace scribe::storage
