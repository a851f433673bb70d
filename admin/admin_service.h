// What the admin API does, without HTTP: stores (tenants) created, listed, shown with stats and
// deleted, and credentials created, listed, revoked and rotated. Inputs are checked here, with
// the property path of the offending value in each error (`scopes[1]: unknown scope "x"`).
// Deleting a store removes its credentials and all of its data in one durable batch, then
// compacts the deleted ranges.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/credential_store.h"
#include "auth/store_registry.h"
#include "common/json.h"
#include "common/result.h"
#include "storage/engine.h"
#include "storage/store_data.h"

namespace scribe::admin {

struct StoreDetails {
  auth::StoreInfo store;
  storage::StoreStats stats;
};

// A credential request as the API receives it (names, not ids).
struct CredentialRequest {
  std::string store;
  std::string label;
  std::vector<std::string> scopes;
  json::Value authority;  // null: the default authority
};

class AdminService {
 public:
  AdminService(storage::Engine& engine, auth::StoreRegistry& stores, auth::CredentialStore& credentials)
      : engine_(engine), stores_(stores), credentials_(credentials) {}

  Result<auth::StoreInfo> create_store(const std::string& name);
  std::vector<auth::StoreInfo> list_stores() const;
  Result<StoreDetails> show_store(const std::string& name) const;
  // `confirm` must repeat the name (400 otherwise).
  Status delete_store(const std::string& name, const std::string* confirm);

  Result<auth::IssuedSecret> create_credential(const CredentialRequest& request);
  // Every credential, or those of the named store (404 when there is no such store).
  Result<std::vector<auth::CredentialInfo>> list_credentials(const std::string* store) const;
  Status revoke_credential(const std::string& key);
  // `valid_until`: an RFC 3339 time until which the previous secret stays valid.
  Result<auth::IssuedSecret> rotate_credential(const std::string& key, const std::string* valid_until);

  // The store name of a store id ("" when it no longer exists).
  std::string store_name(storage::StoreId id) const;

 private:
  Result<auth::StoreInfo> store_named(const std::string& name, const char* path) const;

  storage::Engine& engine_;
  auth::StoreRegistry& stores_;
  auth::CredentialStore& credentials_;
};

}  // namespace scribe::admin
