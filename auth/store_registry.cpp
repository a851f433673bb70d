#include "auth/store_registry.h"

#include <rocksdb/iterator.h>

#include <cstring>
#include <mutex>

#include "auth/secret_hash.h"
#include "common/json.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "storage/store_data.h"

namespace scribe::auth {

namespace {

const std::string kRecordPrefix = "store/";
const std::string kNextIdKey = "store_next_id";
const std::string kDeletedPrefix = "deleted_store/";

// A record's "id": a store id (1 to 2^32 - 1).
std::optional<storage::StoreId> store_id_of(const json::Value& record) {
  const json::Value* id = record.get("id");
  if (!id || !id->is_int() || id->as_int() <= 0 || id->as_int() > INT64_C(0xffffffff)) return std::nullopt;
  return storage::StoreId(id->as_int());
}

std::string encode_deleted(const DeletedStore& d) {
  json::Object o;
  o.append("id", int64_t{d.id});
  o.append("deleted_us", d.deleted_us);
  return json::serialize(json::Value(std::move(o)));
}

std::optional<DeletedStore> decode_deleted(std::string_view name, std::string_view bytes) {
  auto v = json::parse(bytes);
  if (!v) return std::nullopt;
  const auto id = store_id_of(*v);
  const json::Value* deleted = v->get("deleted_us");
  if (!id || !deleted || !deleted->is_int()) return std::nullopt;
  return DeletedStore{std::string(name), *id, deleted->as_int()};
}

std::string encode_store(const StoreInfo& s) {
  json::Object o;
  o.append("id", int64_t{s.id});
  o.append("created_us", s.created_us);
  o.append("term_key", text::hex_encode(std::string_view(
                           reinterpret_cast<const char*>(s.term_key.data()), s.term_key.size())));
  return json::serialize(json::Value(std::move(o)));
}

std::optional<StoreInfo> decode_store(std::string_view name, std::string_view bytes) {
  auto v = json::parse(bytes);
  if (!v) return std::nullopt;
  const auto id = store_id_of(*v);
  const json::Value* created = v->get("created_us");
  std::string_view key_hex = v->get_string("term_key");
  if (!id || !created || !created->is_int() || key_hex.size() != 32) return std::nullopt;
  auto key = text::hex_decode(key_hex);
  if (!key) return std::nullopt;
  StoreInfo s{std::string(name), *id, {}, created->as_int()};
  std::memcpy(s.term_key.data(), key->data(), s.term_key.size());
  return s;
}

Error corrupt(std::string_view name) {
  return Error{500, "", "corrupt store record for '" + std::string(name) + "'"};
}

}  // namespace

Status validate_store_name(std::string_view name) {
  if (name.empty() || name.size() > kStoreNameBytesMax)
    return bad_request("name", "must be 1 to " + std::to_string(kStoreNameBytesMax) + " bytes");
  for (size_t i = 0; i < name.size(); i++) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_')))
      return bad_request("name",
                         "may hold only a-z, 0-9, '-' and '_', and must start with a letter or digit");
  }
  return Status::success();
}

Result<std::unique_ptr<StoreRegistry>> StoreRegistry::open(storage::Engine& engine) {
  std::unique_ptr<StoreRegistry> r(new StoreRegistry(engine));
  if (Status s = r->load(); !s) return s.error();
  if (!r->find(kDefaultStoreName)) {
    std::unique_lock lock(r->mutex_);
    auto created = r->create_locked(std::string(kDefaultStoreName), kDefaultStoreId);
    if (!created) return created.error();
  }
  return r;
}

Status StoreRegistry::load() {
  std::string next;
  auto found = engine_.get(storage::Family::Meta, kNextIdKey, &next);
  if (!found) return found.error();
  if (*found) {
    if (next.size() != 4) return corrupt(kNextIdKey);
    next_id_ = storage::get_u32(next);
  }
  std::unique_ptr<rocksdb::Iterator> it(engine_.db()->NewIterator(
      rocksdb::ReadOptions(), engine_.family(storage::Family::Meta)));
  for (it->Seek(kRecordPrefix); it->Valid() && it->key().starts_with(kRecordPrefix); it->Next()) {
    std::string_view name = it->key().ToStringView().substr(kRecordPrefix.size());
    auto store = decode_store(name, it->value().ToStringView());
    if (!store || store->id >= next_id_) return corrupt(name);
    name_of_[store->id] = store->name;
    by_name_.emplace(store->name, std::move(*store));
  }
  if (!it->status().ok()) return storage::storage_error(it->status(), "store scan failed");
  for (it->Seek(kDeletedPrefix); it->Valid() && it->key().starts_with(kDeletedPrefix); it->Next()) {
    std::string_view name = it->key().ToStringView().substr(kDeletedPrefix.size());
    auto deleted = decode_deleted(name, it->value().ToStringView());
    if (!deleted || deleted->id >= next_id_) return corrupt(name);
    deleted_name_of_[deleted->id] = deleted->name;
    deleted_.emplace(deleted->name, std::move(*deleted));
  }
  if (!it->status().ok()) return storage::storage_error(it->status(), "deleted store scan failed");
  return Status::success();
}

Result<StoreInfo> StoreRegistry::create_locked(const std::string& name, storage::StoreId id) {
  if (by_name_.size() >= kStoresMax)
    return Error{409, "name", "the server holds " + std::to_string(kStoresMax) + " stores at most"};
  if (id == 0) return Error{500, "", "store ids are exhausted"};
  StoreInfo info{name, id, {}, now_micros()};
  std::string key = random_bytes(info.term_key.size());
  std::memcpy(info.term_key.data(), key.data(), info.term_key.size());
  storage::StoreId next = std::max(next_id_, id + 1);
  std::string next_bytes;
  storage::put_u32(next_bytes, next);
  rocksdb::WriteBatch batch;
  batch.Put(engine_.family(storage::Family::Meta), kRecordPrefix + name, encode_store(info));
  batch.Put(engine_.family(storage::Family::Meta), kNextIdKey, next_bytes);
  if (Status s = engine_.write_durable(batch); !s) return s.error();
  next_id_ = next;
  name_of_[id] = name;
  by_name_.emplace(name, info);
  return info;
}

Result<StoreInfo> StoreRegistry::create(const std::string& name) {
  if (Status s = validate_store_name(name); !s) return s.error();
  std::unique_lock lock(mutex_);
  if (by_name_.contains(name)) return Error{409, "name", "a store named '" + name + "' exists"};
  if (deleted_.contains(name))
    return Error{409, "name", "a deleted store was named '" + name +
                                  "': names are not reused, so its audit trail and logs stay its own"};
  return create_locked(name, next_id_);
}

std::optional<StoreInfo> StoreRegistry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<StoreInfo> StoreRegistry::find(storage::StoreId id) const {
  std::shared_lock lock(mutex_);
  auto it = name_of_.find(id);
  if (it == name_of_.end()) return std::nullopt;
  return by_name_.find(it->second)->second;
}

std::optional<DeletedStore> StoreRegistry::find_deleted(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = deleted_.find(name);
  if (it == deleted_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> StoreRegistry::name_of(storage::StoreId id) const {
  std::shared_lock lock(mutex_);
  if (auto it = name_of_.find(id); it != name_of_.end()) return it->second;
  if (auto it = deleted_name_of_.find(id); it != deleted_name_of_.end()) return it->second;
  return std::nullopt;
}

std::vector<StoreInfo> StoreRegistry::list() const {
  std::shared_lock lock(mutex_);
  std::vector<StoreInfo> out;
  out.reserve(by_name_.size());
  for (const auto& [name, info] : by_name_) out.push_back(info);
  return out;
}

Status StoreRegistry::remove(const std::string& name, rocksdb::WriteBatch& extra) {
  if (name == kDefaultStoreName) return bad_request("name", "the default store cannot be deleted");
  storage::StoreId id = 0;
  {
    std::unique_lock lock(mutex_);
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return Error{404, "name", "no store named '" + name + "'"};
    id = it->second.id;
    const DeletedStore deleted{name, id, now_micros()};
    extra.Delete(engine_.family(storage::Family::Meta), kRecordPrefix + name);
    extra.Put(engine_.family(storage::Family::Meta), kDeletedPrefix + name, encode_deleted(deleted));
    storage::add_store_deletion(engine_, id, extra);
    if (Status s = engine_.write_durable(extra); !s) return s;
    name_of_.erase(id);
    by_name_.erase(it);
    deleted_name_of_[id] = name;
    deleted_.emplace(name, deleted);
  }
  // Outside the lock: compaction takes long and the store is already unreachable.
  return storage::compact_store_ranges(engine_, id);
}

}  // namespace scribe::auth
