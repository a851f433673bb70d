#include "storage/write_undo.h"

#include <set>
#include <string>
#include <utility>

namespace scribe::storage {

namespace {

// Every (family id, key) a batch touches.
class TouchedKeys : public rocksdb::WriteBatch::Handler {
 public:
  std::set<std::pair<uint32_t, std::string>> keys;

  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key, const rocksdb::Slice&) override {
    return touched(family, key);
  }
  rocksdb::Status MergeCF(uint32_t family, const rocksdb::Slice& key, const rocksdb::Slice&) override {
    return touched(family, key);
  }
  rocksdb::Status DeleteCF(uint32_t family, const rocksdb::Slice& key) override { return touched(family, key); }
  rocksdb::Status SingleDeleteCF(uint32_t family, const rocksdb::Slice& key) override {
    return touched(family, key);
  }
  // A range deletion cannot be undone key by key: the committer never writes one.
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("a range deletion cannot be undone");
  }
  rocksdb::Status PutBlobIndexCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("a blob index cannot be undone");
  }

 private:
  rocksdb::Status touched(uint32_t family, const rocksdb::Slice& key) {
    keys.emplace(family, key.ToString());
    return rocksdb::Status::OK();
  }
};

}  // namespace

Result<rocksdb::WriteBatch> undo_batch(const Engine& engine, const rocksdb::Snapshot* before,
                                       const std::vector<const rocksdb::WriteBatch*>& batches) {
  if (before == nullptr) return fault(Code::internal, "an undo needs the snapshot taken before the writes");
  TouchedKeys touched;
  for (const rocksdb::WriteBatch* batch : batches) {
    rocksdb::Status s = batch->Iterate(&touched);
    if (!s.ok()) return fault(Code::internal, "cannot undo a batch: " + s.ToString());
  }
  rocksdb::ColumnFamilyHandle* by_id[size_t(Family::Count)] = {};
  for (size_t f = 0; f < size_t(Family::Count); f++) by_id[f] = engine.family(Family(f));
  auto handle = [&](uint32_t id) -> rocksdb::ColumnFamilyHandle* {
    for (auto* h : by_id)
      if (h->GetID() == id) return h;
    return nullptr;
  };
  rocksdb::ReadOptions at_before;
  at_before.snapshot = before;
  rocksdb::WriteBatch undo;
  for (const auto& [id, key] : touched.keys) {
    rocksdb::ColumnFamilyHandle* family = handle(id);
    if (family == nullptr) return fault(Code::internal, "cannot undo a write to family " + std::to_string(id));
    std::string value;
    rocksdb::Status s = engine.db()->Get(at_before, family, key, &value);
    if (s.IsNotFound()) undo.Delete(family, key);
    else if (s.ok()) undo.Put(family, key, value);
    else return storage_error(s, "cannot read what an undo restores");
  }
  return undo;
}

}  // namespace scribe::storage
