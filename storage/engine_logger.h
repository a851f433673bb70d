// RocksDB's own log, to stderr (one "rocksdb: <level>: <message>" line each, warnings and
// errors only) instead of the LOG file in the data folder. A file there shares the data's disk:
// once that disk is full, RocksDB's file logger has a failed writer, and the next line it logs
// (the one reporting the full disk) aborts the process in Debian's build, which keeps RocksDB's
// assertions. A line on stderr never fails that way, and journald keeps it.
#pragma once

#include <rocksdb/env.h>

#include <memory>

namespace scribe::storage {

std::shared_ptr<rocksdb::Logger> make_stderr_logger();

}  // namespace scribe::storage
