#include "admin/admin_service.h"

#include "common/json_dom.h"
#include "common/timestamp.h"
#include "xapi/statement_validator.h"

namespace scribe::admin {

Result<auth::StoreInfo> AdminService::store_named(const std::string& name, const char* path) const {
  auto store = stores_.find(name);
  if (!store) return Error{404, path, "no store named '" + name + "'"};
  return *store;
}

Result<auth::StoreInfo> AdminService::create_store(const std::string& name) {
  return stores_.create(name);
}

std::vector<auth::StoreInfo> AdminService::list_stores() const { return stores_.list(); }

Result<StoreDetails> AdminService::show_store(const std::string& name) const {
  auto store = store_named(name, "name");
  if (!store) return store.error();
  auto stats = storage::store_stats(engine_, store->id);
  if (!stats) return stats.error();
  return StoreDetails{std::move(*store), *stats};
}

Status AdminService::delete_store(const std::string& name, const std::string* confirm) {
  auto store = store_named(name, "name");
  if (!store) return store.error();
  if (!confirm || *confirm != name)
    return bad_request("confirm", "deleting a store erases all its data: repeat its name as ?confirm=" + name);
  rocksdb::WriteBatch batch;
  if (Status s = credentials_.add_store_deletion(store->id, batch); !s) return s;
  return stores_.remove(name, batch);
}

Result<auth::IssuedSecret> AdminService::create_credential(const CredentialRequest& request) {
  auto store = store_named(request.store, "store");
  if (!store) return store.error();
  auth::CredentialSpec spec;
  spec.store = store->id;
  spec.label = request.label;
  if (request.scopes.empty()) return bad_request("scopes", "name at least one scope");
  for (size_t i = 0; i < request.scopes.size(); i++) {
    auto scope = auth::parse_scope(request.scopes[i]);
    if (!scope)
      return bad_request("scopes[" + std::to_string(i) + "]", "unknown scope \"" + request.scopes[i] + "\"");
    spec.scopes |= auth::scope_bit(*scope);
  }
  if (!request.authority.is_null()) {
    auto authority = json::Document::parse(json::serialize(request.authority));
    if (!authority) return authority.error();
    if (Status s = xapi::validate_authority(authority->root(), "authority"); !s) return s.error();
    spec.authority = request.authority;
  }
  return credentials_.create(spec);
}

Result<std::vector<auth::CredentialInfo>> AdminService::list_credentials(const std::string* store) const {
  if (!store) return credentials_.list(std::nullopt);
  auto info = store_named(*store, "store");
  if (!info) return info.error();
  return credentials_.list(info->id);
}

Status AdminService::revoke_credential(const std::string& key) { return credentials_.revoke(key); }

Result<auth::IssuedSecret> AdminService::rotate_credential(const std::string& key,
                                                          const std::string* valid_until) {
  std::optional<int64_t> until;
  if (valid_until) {
    auto micros = parse_timestamp(*valid_until, true);
    if (!micros) return bad_request("valid_until", "not an RFC 3339 timestamp: " + micros.error().message);
    until = *micros;
  }
  return credentials_.rotate(key, until);
}

std::string AdminService::store_name(storage::StoreId id) const {
  auto store = stores_.find(id);
  return store ? store->name : "";
}

}  // namespace scribe::admin
