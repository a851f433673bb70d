#include "admin/admin_routes.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <string_view>
#include <vector>

#include "common/base64.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "evidence/checkpoint.h"
#include "xapi/responses.h"

namespace scribe::admin {

namespace {

using xapi::HttpRequest;
using xapi::HttpResponse;
using xapi::error_response;
using xapi::json_response;

// "/admin/a/b" → {"a", "b"}; nullopt when a segment is empty.
std::optional<std::vector<std::string>> segments(const std::string& path) {
  std::string_view rest = std::string_view(path).substr(xapi::kAdminPath.size());
  std::vector<std::string> out;
  while (!rest.empty()) {
    if (rest[0] != '/') return std::nullopt;
    rest.remove_prefix(1);
    if (rest.empty()) break;  // a trailing slash
    size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment.empty()) return std::nullopt;
    out.emplace_back(segment);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  return out;
}

json::Value store_json(const auth::StoreInfo& s) {
  json::Object o;
  o.append("name", s.name);
  o.append("id", int64_t{s.id});
  o.append("created", format_timestamp(s.created_us));
  return json::Value(std::move(o));
}

json::Value strings(const std::vector<std::string>& list) {
  json::Array a;
  for (const auto& s : list) a.emplace_back(s);
  return json::Value(std::move(a));
}

json::Object credential_object(const auth::CredentialInfo& c, const AdminService& service) {
  json::Object o;
  o.append("key", c.key);
  o.append("store", service.store_name(c.store));
  o.append("label", c.label);
  o.append("scopes", strings(auth::scope_names(c.scopes)));
  o.append("authority", c.authority);
  o.append("created", format_timestamp(c.created_us));
  return o;
}

json::Value credential_listing(const auth::CredentialInfo& c, const AdminService& service) {
  json::Object o = credential_object(c, service);
  json::Array secrets;
  for (const auto& s : c.secrets) {
    json::Object e;
    e.append("created", format_timestamp(s.created_us));
    if (s.valid_until_us) e.append("valid_until", format_timestamp(*s.valid_until_us));
    secrets.emplace_back(std::move(e));
  }
  o.append("secrets", json::Value(std::move(secrets)));
  return json::Value(std::move(o));
}

HttpResponse issued_json(int status, const auth::IssuedSecret& issued, const AdminService& service,
                         bool rotation) {
  json::Object o = credential_object(issued.credential, service);
  o.append("secret", issued.secret);
  if (rotation)
    o.append("previous_secret_valid_until", issued.previous_valid_until_us
                                                ? json::Value(format_timestamp(*issued.previous_valid_until_us))
                                                : json::Value(nullptr));
  HttpResponse r = json_response(status, json::serialize(json::Value(std::move(o))));
  r.set_header("Cache-Control", "no-store");  // it holds a secret
  return r;
}

HttpResponse json_ok(json::Object o, int status = 200) {
  return json_response(status, json::serialize(json::Value(std::move(o))));
}

// The request body as a JSON object with only `allowed` keys; an absent body is {} when
// `optional`.
Result<json::Value> body_object(const HttpRequest& request, std::initializer_list<std::string_view> allowed,
                                bool optional = false) {
  if (request.body.empty() && optional) return json::Value(json::Object{});
  auto v = json::parse(request.body);
  if (!v) return bad_request("", "the body is not JSON: " + v.error().message);
  if (!v->is_object()) return bad_request("", "the body must be a JSON object");
  for (const auto& [key, value] : v->as_object()) {
    bool known = false;
    for (auto a : allowed) known |= key == a;
    if (!known) return bad_request(key, "unknown property");
  }
  return v;
}

Result<std::string> string_member(const json::Value& body, const char* key, bool required) {
  const json::Value* v = body.get(key);
  if (!v) {
    if (required) return bad_request(key, "required");
    return std::string();
  }
  if (!v->is_string()) return bad_request(key, "must be a string");
  return v->as_string();
}

// A change's reason, from the body's "reason" or the ?reason= parameter.
Result<std::string> reason_of(const AdminService& service, const HttpRequest& request, const json::Value* body) {
  std::string reason;
  if (body && body->get("reason")) {
    if (!body->get("reason")->is_string()) return bad_request("reason", "must be a string");
    reason = body->get("reason")->as_string();
  } else if (const std::string* param = request.param("reason")) {
    reason = *param;
  }
  const size_t max = service.limits().reason_bytes_max;
  if (reason.size() > max) return bad_request("reason", "longer than " + std::to_string(max) + " bytes");
  return reason;
}

Result<uint64_t> count_param(const HttpRequest& request, const char* name, uint64_t otherwise) {
  const std::string* text = request.param(name);
  if (!text) return otherwise;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || text->empty())
    return bad_request(name, "must be a non-negative integer");
  return v;
}

json::Value audit_page_json(const AuditPage& page) {
  json::Object o;
  o.append("origin", page.origin);
  o.append("key", page.vkey);
  o.append("checkpoint", page.checkpoint);
  o.append("size", int64_t(page.size));
  json::Array entries;
  for (const ProvenAuditEntry& e : page.entries) {
    json::Object entry;
    entry.append("index", int64_t(e.index));
    entry.append("salt", base64_encode(e.salt));
    json::Array proof;
    for (const evidence::Hash& h : e.proof) proof.emplace_back(evidence::hash_base64(h));
    entry.append("proof", json::Value(std::move(proof)));
    auto parsed = json::parse(e.entry_json);
    entry.append("entry", parsed ? std::move(*parsed) : json::Value(e.entry_json));
    entries.emplace_back(std::move(entry));
  }
  o.append("entries", json::Value(std::move(entries)));
  o.append("more", page.more);
  return json::Value(std::move(o));
}

// What an erasure or purge did (or, for a dry run, would do).
HttpResponse erasure_json(const ErasureResult& done, bool dry_run, bool agent_data) {
  json::Object o;
  o.append("dry_run", dry_run);
  if (done.audit_index) o.append("audit_index", int64_t(*done.audit_index));
  o.append("statements", int64_t(done.counts.statements));
  o.append("attachments", int64_t(done.counts.attachments));
  if (agent_data) {
    o.append("state_documents", int64_t(done.counts.state_documents));
    o.append("agent_profiles", int64_t(done.counts.agent_profiles));
    o.append("agent_entries", int64_t(done.counts.agent_entries));
  }
  return json_response(200, json::serialize(json::Value(std::move(o))));
}

HttpResponse not_found(const HttpRequest& request) {
  return error_response(Error{404, "", "no admin resource at " + request.method + " " + request.path});
}

HttpResponse only_params(const HttpRequest& request, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : request.query) {
    bool known = false;
    for (auto a : allowed) known |= name == a;
    if (!known) return error_response(bad_request(name, "unknown parameter"));
  }
  HttpResponse none;
  none.status = 0;
  return none;
}

HttpResponse stores_route(AdminService& service, const HttpRequest& request,
                          const std::vector<std::string>& path, const AuditActor& by) {
  const std::string& m = request.method;
  if (path.size() == 1 && m == "POST") {
    auto body = body_object(request, {"name", "reason"});
    if (!body) return error_response(body.error());
    auto name = string_member(*body, "name", true);
    if (!name) return error_response(name.error());
    auto reason = reason_of(service, request, &*body);
    if (!reason) return error_response(reason.error());
    auto created = service.create_store(*name, ActionContext{by, *reason});
    if (!created) return error_response(created.error());
    return json_response(201, json::serialize(store_json(*created)));
  }
  if (path.size() == 1 && m == "GET") {
    json::Array list;
    for (const auto& s : service.list_stores()) list.push_back(store_json(s));
    json::Object o;
    o.append("stores", json::Value(std::move(list)));
    return json_ok(std::move(o));
  }
  if (path.size() == 2 && m == "GET") {
    auto details = service.show_store(path[1]);
    if (!details) return error_response(details.error());
    json::Value v = store_json(details->store);
    json::Object stats;
    stats.append("statements", int64_t(details->stats.statements));
    stats.append("documents", int64_t(details->stats.documents));
    stats.append("attachment_bytes", int64_t(details->stats.attachment_bytes));
    stats.append("approximate_bytes_on_disk", int64_t(details->stats.approximate_bytes_on_disk));
    v.as_object().append("stats", json::Value(std::move(stats)));
    return json_response(200, json::serialize(v));
  }
  if (path.size() == 2 && m == "DELETE") {
    if (auto bad = only_params(request, {"confirm", "reason"}); bad.status) return bad;
    auto reason = reason_of(service, request, nullptr);
    if (!reason) return error_response(reason.error());
    if (Status s = service.delete_store(path[1], request.param("confirm"), ActionContext{by, *reason}); !s)
      return error_response(s.error());
    json::Object o;
    o.append("name", path[1]);
    o.append("deleted", true);
    return json_ok(std::move(o));
  }
  if (path.size() == 3 && path[2] == "erasures" && m == "POST") {
    if (auto bad = only_params(request, {"dry_run"}); bad.status) return bad;
    const std::string* dry = request.param("dry_run");
    if (dry && *dry != "true" && *dry != "false") return error_response(bad_request("dry_run", "must be true or false"));
    auto body = body_object(request, {"agent", "reason", "record_agent"});
    if (!body) return error_response(body.error());
    ErasureRequest er;
    if (const json::Value* agent = body->get("agent")) er.agent = *agent;
    auto reason = reason_of(service, request, &*body);
    if (!reason) return error_response(reason.error());
    er.reason = std::move(*reason);
    if (const json::Value* record = body->get("record_agent")) {
      if (!record->is_bool()) return error_response(bad_request("record_agent", "must be true or false"));
      er.record_agent = record->as_bool();
    }
    er.dry_run = dry && *dry == "true";
    auto done = service.erase_agent(path[1], er, by);
    if (!done) return error_response(done.error());
    return erasure_json(*done, er.dry_run, true);
  }
  if (path.size() == 3 && path[2] == "purges" && m == "POST") {
    if (auto bad = only_params(request, {"dry_run"}); bad.status) return bad;
    const std::string* dry = request.param("dry_run");
    if (dry && *dry != "true" && *dry != "false") return error_response(bad_request("dry_run", "must be true or false"));
    auto body = body_object(request, {"stored_before", "reason"});
    if (!body) return error_response(body.error());
    auto before = string_member(*body, "stored_before", true);
    if (!before) return error_response(before.error());
    auto micros = parse_timestamp(*before, true);
    if (!micros) return error_response(bad_request("stored_before", "not an RFC 3339 timestamp: " + micros.error().message));
    PurgeRequest pr;
    pr.stored_before_us = *micros;
    auto reason = reason_of(service, request, &*body);
    if (!reason) return error_response(reason.error());
    pr.reason = std::move(*reason);
    pr.dry_run = dry && *dry == "true";
    auto done = service.purge(path[1], pr, by);
    if (!done) return error_response(done.error());
    return erasure_json(*done, pr.dry_run, false);
  }
  if (path.size() == 3 && path[2] == "retention" && (m == "PUT" || m == "GET")) {
    if (m == "PUT") {
      if (auto bad = only_params(request, {}); bad.status) return bad;
      auto body = body_object(request, {"retention_days", "reason"});
      if (!body) return error_response(body.error());
      const json::Value* days = body->get("retention_days");
      if (!days) return error_response(bad_request("retention_days", "required: a number of days, or null"));
      std::optional<uint32_t> value;
      if (!days->is_null()) {
        if (!days->is_int()) return error_response(bad_request("retention_days", "must be a number of days, or null"));
        value = uint32_t(std::clamp<int64_t>(days->as_int(), 0, UINT32_MAX));  // the range is the service's
      }
      auto reason = reason_of(service, request, &*body);
      if (!reason) return error_response(reason.error());
      if (Status s = service.set_retention(path[1], value, ActionContext{by, *reason}); !s)
        return error_response(s.error());
    } else if (auto bad = only_params(request, {}); bad.status) {
      return bad;
    }
    auto state = service.retention(path[1]);
    if (!state) return error_response(state.error());
    json::Object o;
    o.append("retention_days", state->days ? json::Value(int64_t(*state->days)) : json::Value(nullptr));
    o.append("last_run", state->last_run_us ? json::Value(format_timestamp(*state->last_run_us)) : json::Value(nullptr));
    o.append("last_erased", int64_t(state->last_erased));
    o.append("erased_total", int64_t(state->erased_total));
    o.append("more", state->more);
    if (!state->last_error.empty()) o.append("last_error", state->last_error);
    return json_ok(std::move(o));
  }
  if (path.size() == 3 && path[2] == "audit" && m == "GET") {
    if (auto bad = only_params(request, {"from", "limit"}); bad.status) return bad;
    auto from = count_param(request, "from", 0);
    if (!from) return error_response(from.error());
    const uint64_t page_max = service.limits().audit_page_max;
    auto limit = count_param(request, "limit", page_max);
    if (!limit) return error_response(limit.error());
    if (*limit == 0 || *limit > page_max)
      return error_response(bad_request("limit", "must be 1 to " + std::to_string(page_max)));
    auto page = service.audit_trail(path[1], *from, size_t(*limit));
    if (!page) return error_response(page.error());
    return json_response(200, json::serialize(audit_page_json(*page)));
  }
  return not_found(request);
}

HttpResponse credentials_route(AdminService& service, const HttpRequest& request,
                               const std::vector<std::string>& path, const AuditActor& by) {
  const std::string& m = request.method;
  if (path.size() == 1 && m == "POST") {
    auto body = body_object(request, {"store", "label", "scopes", "authority", "reason"});
    if (!body) return error_response(body.error());
    CredentialRequest cr;
    auto store = string_member(*body, "store", true);
    if (!store) return error_response(store.error());
    auto label = string_member(*body, "label", false);
    if (!label) return error_response(label.error());
    cr.store = std::move(*store);
    cr.label = std::move(*label);
    const json::Value* scopes = body->get("scopes");
    if (!scopes) return error_response(bad_request("scopes", "required"));
    if (!scopes->is_array()) return error_response(bad_request("scopes", "must be an array of strings"));
    for (size_t i = 0; i < scopes->as_array().size(); i++) {
      const json::Value& s = scopes->as_array()[i];
      if (!s.is_string())
        return error_response(bad_request("scopes[" + std::to_string(i) + "]", "must be a string"));
      cr.scopes.push_back(s.as_string());
    }
    if (const json::Value* authority = body->get("authority")) cr.authority = *authority;
    auto reason = reason_of(service, request, &*body);
    if (!reason) return error_response(reason.error());
    cr.reason = std::move(*reason);
    auto issued = service.create_credential(cr, by);
    if (!issued) return error_response(issued.error());
    return issued_json(201, *issued, service, false);
  }
  if (path.size() == 1 && m == "GET") {
    if (auto bad = only_params(request, {"store"}); bad.status) return bad;
    auto list = service.list_credentials(request.param("store"));
    if (!list) return error_response(list.error());
    json::Array a;
    for (const auto& c : *list) a.push_back(credential_listing(c, service));
    json::Object o;
    o.append("credentials", json::Value(std::move(a)));
    return json_ok(std::move(o));
  }
  if (path.size() == 2 && m == "DELETE") {
    if (auto bad = only_params(request, {"reason"}); bad.status) return bad;
    auto reason = reason_of(service, request, nullptr);
    if (!reason) return error_response(reason.error());
    if (Status s = service.revoke_credential(path[1], ActionContext{by, *reason}); !s)
      return error_response(s.error());
    json::Object o;
    o.append("key", path[1]);
    o.append("revoked", true);
    return json_ok(std::move(o));
  }
  if (path.size() == 3 && path[2] == "rotate" && m == "POST") {
    auto body = body_object(request, {"valid_until", "reason"}, true);
    if (!body) return error_response(body.error());
    const json::Value* until = body->get("valid_until");
    if (until && !until->is_string() && !until->is_null())
      return error_response(bad_request("valid_until", "must be an RFC 3339 timestamp"));
    std::optional<std::string> until_text;
    if (until && until->is_string()) until_text = until->as_string();
    auto reason = reason_of(service, request, &*body);
    if (!reason) return error_response(reason.error());
    auto issued = service.rotate_credential(path[1], until_text ? &*until_text : nullptr, ActionContext{by, *reason});
    if (!issued) return error_response(issued.error());
    return issued_json(200, *issued, service, true);
  }
  return not_found(request);
}

}  // namespace

AdminRoutes::AdminRoutes(AdminService& service)
    : service_(service), worker_("scribe-admin", 1, kQueueMax) {}

void AdminRoutes::handle(const auth::Principal& principal, const HttpRequest& request, xapi::Reply reply) {
  auto shared_reply = std::make_shared<xapi::Reply>(std::move(reply));
  const AuditActor by{principal.key, principal.label};
  if (!worker_.submit([this, request, by, shared_reply] { (*shared_reply)(respond(request, by)); }))
    (*shared_reply)(error_response(Error{503, "", "the admin queue is full; retry shortly"}));
}

HttpResponse AdminRoutes::respond(const HttpRequest& request, const AuditActor& by) {
  auto path = segments(request.path);
  if (!path || path->empty()) return not_found(request);
  if ((*path)[0] == "stores") return stores_route(service_, request, *path, by);
  if ((*path)[0] == "credentials") return credentials_route(service_, request, *path, by);
  return not_found(request);
}

}  // namespace scribe::admin
