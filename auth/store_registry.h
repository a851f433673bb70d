// The stores (tenants) of this server: a name, a numeric id (the key prefix of all its data,
// storage/keys.h), its own secret term-hash key and its creation time. The `default` store
// (id 1) exists from the first start. Ids are never reused, so data left by a deleted store
// can never surface in a new one, and names are never reused either: a deleted store keeps a
// record ("deleted_store/<name>") and its audit trail and evidence logs, whose signed origins
// name it, so a later store of that name cannot look like a fork of them. Records live in the
// meta family under "store/<name>"; the registry keeps them in memory as well (they change only
// through this class). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/write_batch.h>

#include "common/result.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/term_hash.h"

namespace scribe::auth {

struct StoreInfo {
  std::string name;
  storage::StoreId id = 0;
  storage::TermKey term_key{};
  int64_t created_us = 0;
};

struct DeletedStore {
  std::string name;
  storage::StoreId id = 0;
  int64_t deleted_us = 0;
};

inline constexpr std::string_view kDefaultStoreName = "default";
inline constexpr storage::StoreId kDefaultStoreId = 1;
inline constexpr size_t kStoreNameBytesMax = 64;
inline constexpr size_t kStoresMax = 100000;

// Names are 1-64 bytes of lower-case letters, digits, '-' and '_', starting with a letter or
// digit; an error names the property `name`.
Status validate_store_name(std::string_view name);

class StoreRegistry {
 public:
  // Loads every store, creating `default` when absent.
  static Result<std::unique_ptr<StoreRegistry>> open(storage::Engine& engine);

  // 409 when the name is taken (by a store, or a deleted one), 400 when it is not a valid name.
  Result<StoreInfo> create(const std::string& name);
  std::optional<StoreInfo> find(std::string_view name) const;
  std::optional<StoreInfo> find(storage::StoreId id) const;
  std::vector<StoreInfo> list() const;  // by name
  std::optional<DeletedStore> find_deleted(std::string_view name) const;
  // The name of a store or deleted store (what its logs' origins name).
  std::optional<std::string> name_of(storage::StoreId id) const;
  // Deletes the store's record and all its data in one durable batch with `extra` (the
  // caller's deletions, e.g. the store's credentials), then compacts the deleted ranges.
  // `default` cannot be deleted (400). 404 when there is no such store.
  Status remove(const std::string& name, rocksdb::WriteBatch& extra);

 private:
  explicit StoreRegistry(storage::Engine& engine) : engine_(engine) {}
  Status load();
  Result<StoreInfo> create_locked(const std::string& name, storage::StoreId id);

  storage::Engine& engine_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, StoreInfo, std::less<>> by_name_;
  std::map<storage::StoreId, std::string> name_of_;
  std::map<std::string, DeletedStore, std::less<>> deleted_;
  std::map<storage::StoreId, std::string> deleted_name_of_;
  storage::StoreId next_id_ = kDefaultStoreId + 1;
};

}  // namespace scribe::auth
