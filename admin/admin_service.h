// What the admin API does, without HTTP: stores (tenants) created, listed, shown with stats and
// deleted, and credentials created, listed, revoked and rotated. Inputs are checked here, with
// the property path of the offending value in each error (`scopes[1]: unknown scope "x"`).
// Deleting a store removes its credentials and all of its data in one durable batch, then
// compacts the deleted ranges.
// Every change is recorded in the store's audit trail (admin/audit_trail.h): a credential's
// entry in the same durable batch as the change; a store's creation right after it (the registry
// must know the store to sign its trail); a deletion before it (the trail outlives the store's
// name), and a second entry when the deletion then fails.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "admin/audit_trail.h"
#include "admin/erasure_service.h"
#include "admin/retention.h"
#include "auth/credential_store.h"
#include "auth/store_registry.h"
#include "common/config.h"
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
  std::string reason;     // for the audit trail
};

// Who asks for a change, and why: what the audit trail records.
struct ActionContext {
  AuditActor by;
  std::string reason;
};

class AdminService {
 public:
  AdminService(storage::Engine& engine, auth::StoreRegistry& stores, auth::CredentialStore& credentials,
               AuditTrail& audit, const Config::Limits& limits)
      : engine_(engine), stores_(stores), credentials_(credentials), audit_(audit), limits_(limits) {}
  // The configured limits: what the routes bound.
  const Config::Limits& limits() const { return limits_; }

  Result<auth::StoreInfo> create_store(const std::string& name, const ActionContext& context);
  std::vector<auth::StoreInfo> list_stores() const;
  Result<StoreDetails> show_store(const std::string& name) const;
  // `confirm` must repeat the name (400 otherwise).
  Status delete_store(const std::string& name, const std::string* confirm, const ActionContext& context);

  Result<auth::IssuedSecret> create_credential(const CredentialRequest& request, const AuditActor& by);
  // Every credential, or those of the named store (404 when there is no such store).
  Result<std::vector<auth::CredentialInfo>> list_credentials(const std::string* store) const;
  Status revoke_credential(const std::string& key, const ActionContext& context);
  // `valid_until`: an RFC 3339 time until which the previous secret stays valid.
  Result<auth::IssuedSecret> rotate_credential(const std::string& key, const std::string* valid_until,
                                               const ActionContext& context);

  // Erases a learner from the named store (admin/erasure_service.h); 503 until
  // set_erasures() was called (the service needs the commit pipeline).
  Result<ErasureResult> erase_agent(const std::string& store, const ErasureRequest& request, const AuditActor& by);
  // Erases every statement of the named store stored before a time (a purge by age).
  Result<ErasureResult> purge(const std::string& store, const PurgeRequest& request, const AuditActor& by);
  void set_erasures(ErasureService* erasures) { erasures_ = erasures; }

  // The named store's retention by age (admin/retention.h): set or cleared (nullopt), and shown.
  Status set_retention(const std::string& store, std::optional<uint32_t> days, const ActionContext& context);
  Result<RetentionState> retention(const std::string& store);
  void set_retention_service(Retention* retention) { retention_ = retention; }

  // The named store's (or deleted store's) audit trail from entry `from`, at most `limit`
  // entries, with proofs.
  Result<AuditPage> audit_trail(const std::string& store, uint64_t from, size_t limit);

  // The store name of a store id ("" when it no longer exists).
  std::string store_name(storage::StoreId id) const;

 private:
  Result<auth::StoreInfo> store_named(const std::string& name, const char* path) const;
  // A credential change's commit: its batch written with the audit entry `action` in it.
  auth::CredentialStore::Commit audited(const char* action, const ActionContext& context, json::Object extra = {});

  storage::Engine& engine_;
  auth::StoreRegistry& stores_;
  auth::CredentialStore& credentials_;
  AuditTrail& audit_;
  const Config::Limits limits_;
  ErasureService* erasures_ = nullptr;
  Retention* retention_ = nullptr;
};

}  // namespace scribe::admin
