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

namespace {

json::Object store_subject(const auth::StoreInfo& store) {
  json::Object o;
  o.append("name", store.name);
  o.append("id", int64_t(store.id));
  return o;
}

}  // namespace

auth::CredentialStore::Commit AdminService::audited(const char* action, const ActionContext& context,
                                                    json::Object extra) {
  return [this, action, &context, extra = std::move(extra)](rocksdb::WriteBatch& batch,
                                                            const auth::CredentialInfo& c) -> Status {
    AuditAction what{action, context.reason, {}, {}};
    what.subject.append("key", c.key);
    what.subject.append("label", c.label);
    json::Array scopes;
    for (const std::string& name : auth::scope_names(c.scopes)) scopes.push_back(name);
    what.subject.append("scopes", json::Value(std::move(scopes)));
    for (const auto& [k, v] : extra) what.subject.append(k, v);
    auto appended = audit_.append(c.store, context.by, what, std::move(batch));
    return appended ? Status::success() : Status(appended.error());
  };
}

Result<auth::StoreInfo> AdminService::create_store(const std::string& name, const ActionContext& context) {
  auto created = stores_.create(name);
  if (!created) return created.error();
  auto appended = audit_.append(created->id, context.by, AuditAction{"store.created", context.reason, store_subject(*created), {}});
  if (!appended) return appended.error();
  return created;
}

std::vector<auth::StoreInfo> AdminService::list_stores() const { return stores_.list(); }

Result<StoreDetails> AdminService::show_store(const std::string& name) const {
  auto store = store_named(name, "name");
  if (!store) return store.error();
  auto stats = storage::store_stats(engine_, store->id);
  if (!stats) return stats.error();
  return StoreDetails{std::move(*store), *stats};
}

Status AdminService::delete_store(const std::string& name, const std::string* confirm, const ActionContext& context) {
  auto store = store_named(name, "name");
  if (!store) return store.error();
  if (!confirm || *confirm != name)
    return bad_request("confirm", "deleting a store erases all its data: repeat its name as ?confirm=" + name);
  if (erasures_)
    if (Status s = erasures_->settle(); !s) return s;
  auto stats = storage::store_stats(engine_, store->id);
  if (!stats) return stats.error();
  AuditAction what{"store.deleted", context.reason, store_subject(*store), {}};
  what.counts.append("statements", int64_t(stats->statements));
  what.counts.append("documents", int64_t(stats->documents));
  what.counts.append("attachment_bytes", int64_t(stats->attachment_bytes));
  if (auto appended = audit_.append(store->id, context.by, what); !appended) return appended.error();
  rocksdb::WriteBatch batch;
  Status removed = credentials_.add_store_deletion(store->id, batch);
  if (removed) removed = stores_.remove(name, batch);
  if (!removed) {
    AuditAction failed{"store.deletion_failed", removed.error().message, store_subject(*store), {}};
    (void)audit_.append(store->id, context.by, failed);  // the first entry stands either way
  }
  return removed;
}

Result<auth::IssuedSecret> AdminService::create_credential(const CredentialRequest& request, const AuditActor& by) {
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
  const ActionContext context{by, request.reason};
  return credentials_.create(spec, audited("credential.created", context));
}

Result<std::vector<auth::CredentialInfo>> AdminService::list_credentials(const std::string* store) const {
  if (!store) return credentials_.list(std::nullopt);
  auto info = store_named(*store, "store");
  if (!info) return info.error();
  return credentials_.list(info->id);
}

Status AdminService::revoke_credential(const std::string& key, const ActionContext& context) {
  return credentials_.revoke(key, audited("credential.revoked", context));
}

Result<auth::IssuedSecret> AdminService::rotate_credential(const std::string& key, const std::string* valid_until,
                                                          const ActionContext& context) {
  std::optional<int64_t> until;
  if (valid_until) {
    auto micros = parse_timestamp(*valid_until, true);
    if (!micros) return bad_request("valid_until", "not an RFC 3339 timestamp: " + micros.error().message);
    until = *micros;
  }
  json::Object extra;
  if (until) extra.append("previous_valid_until", format_timestamp(*until));
  return credentials_.rotate(key, until, audited("credential.rotated", context, std::move(extra)));
}

Result<ErasureResult> AdminService::erase_agent(const std::string& store, const ErasureRequest& request,
                                               const AuditActor& by) {
  auto info = store_named(store, "name");
  if (!info) return info.error();
  if (!erasures_) return Error{503, "", "erasures are not available yet"};
  return erasures_->erase_agent(*info, request, by);
}

Result<ErasureResult> AdminService::purge(const std::string& store, const PurgeRequest& request, const AuditActor& by) {
  auto info = store_named(store, "name");
  if (!info) return info.error();
  if (!erasures_) return Error{503, "", "purges are not available yet"};
  return erasures_->purge(*info, request, by);
}

Status AdminService::set_retention(const std::string& store, std::optional<uint32_t> days,
                                   const ActionContext& context) {
  auto info = store_named(store, "name");
  if (!info) return info.error();
  if (!retention_) return Error{503, "", "retention is not available yet"};
  return retention_->set(*info, days, context.by, context.reason);
}

Result<RetentionState> AdminService::retention(const std::string& store) {
  auto info = store_named(store, "name");
  if (!info) return info.error();
  if (!retention_) return Error{503, "", "retention is not available yet"};
  return retention_->state(*info);
}

Result<AuditPage> AdminService::audit_trail(const std::string& store, uint64_t from, size_t limit) {
  if (auto deleted = stores_.find_deleted(store)) return audit_.list(deleted->id, from, limit);
  auto info = store_named(store, "name");
  if (!info) return info.error();
  return audit_.list(info->id, from, limit);
}

std::string AdminService::store_name(storage::StoreId id) const {
  auto store = stores_.find(id);
  return store ? store->name : "";
}

}  // namespace scribe::admin
