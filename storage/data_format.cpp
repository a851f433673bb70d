#include "storage/data_format.h"

#include <rocksdb/iterator.h>

#include <memory>

#include "storage/keys.h"

namespace scribe::storage {

namespace {

const std::string kFormatKey(kDataFormatKey);

// Whether the folder holds anything a format-1 server wrote (statements or meta records).
Result<bool> holds_data(Engine& engine) {
  for (Family f : {Family::Statements, Family::Documents, Family::Meta}) {
    std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(f)));
    it->SeekToFirst();
    if (!it->status().ok()) return storage_error(it->status(), "data folder scan failed");
    if (it->Valid()) return true;
  }
  return false;
}

}  // namespace

Result<uint32_t> read_data_format(Engine& engine) {
  std::string value;
  auto found = engine.get(Family::Meta, kFormatKey, &value);
  if (!found) return found.error();
  if (*found) {
    if (value.size() != 4) return fault(Code::corruption, "corrupt format_version record");
    return get_u32(value);
  }
  auto has = holds_data(engine);
  if (!has) return has.error();
  return *has ? uint32_t{1} : kNewDataFolder;
}

Status record_data_format(Engine& engine) {
  std::string bytes;
  put_u32(bytes, kDataFormatVersion);
  rocksdb::WriteBatch batch;
  batch.Put(engine.family(Family::Meta), kFormatKey, bytes);
  return engine.write_durable(batch);
}

Error unsupported_data_format(uint32_t version) {
  return fault(Code::internal, "this data folder has format " + std::to_string(version) + "; this Scribe reads format " +
                            std::to_string(kDataFormatVersion) + " (and migrates formats 1 and 2). Run the Scribe "
                            "version that wrote it, or restore a backup made by this one");
}

}  // namespace scribe::storage
