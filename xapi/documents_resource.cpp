#include "xapi/documents_resource.h"

#include <algorithm>

#include "common/json.h"
#include "xapi/document_merge.h"
#include "xapi/document_preconditions.h"
#include "xapi/formats.h"
#include "xapi/resource_params.h"
#include "xapi/responses.h"

namespace scribe::xapi {

using storage::DocumentKind;

struct DocumentsResource::Target {
  DocumentKind kind;
  const char* id_name;  // "stateId" or "profileId"
  storage::DocumentScope scope;
  std::optional<std::string> id;
  int64_t since_us = 0;
  bool has_since = false;
};

namespace {

constexpr char kSep = '\x1f';
constexpr const char* kDefaultContentType = "application/octet-stream";

bool is_read(const HttpRequest& r) { return r.method == "GET" || r.method == "HEAD"; }

Status check_params(DocumentKind kind, const HttpRequest& r) {
  bool read = is_read(r);
  switch (kind) {
    case DocumentKind::State:
      return read ? check_known_params(r, {"activityId", "agent", "registration", "stateId", "since"})
                  : check_known_params(r, {"activityId", "agent", "registration", "stateId"});
    case DocumentKind::ActivityProfile:
      return read ? check_known_params(r, {"activityId", "profileId", "since"})
                  : check_known_params(r, {"activityId", "profileId"});
    case DocumentKind::AgentProfile:
      return read ? check_known_params(r, {"agent", "profileId", "since"})
                  : check_known_params(r, {"agent", "profileId"});
  }
  return Status::success();
}

Preconditions preconditions_of(const HttpRequest& r) {
  Preconditions p;
  if (const std::string* h = r.header("if-match")) p.if_match = *h;
  if (const std::string* h = r.header("if-none-match")) p.if_none_match = *h;
  return p;
}

std::optional<std::string> etag_of(const std::optional<storage::Document>& doc) {
  if (!doc) return std::nullopt;
  return doc->etag_hex();
}

HttpResponse status_response(const Status& s) {
  return s ? no_content() : error_response(s.error());
}

}  // namespace

HttpResponse DocumentsResource::handle(DocumentKind kind, const RequestContext& ctx,
                                       const HttpRequest& request) {
  const std::string& m = request.method;
  if (!is_read(request) && m != "PUT" && m != "POST" && m != "DELETE") {
    HttpResponse r = error_response(Error{405, "", "method not allowed"});
    r.set_header("Allow", "HEAD, GET, PUT, POST, DELETE");
    return r;
  }
  if (Status s = check_params(kind, request); !s) return error_response(s.error());

  Target t{kind, kind == DocumentKind::State ? "stateId" : "profileId", {}, {}, 0, false};
  t.scope.kind = kind;
  std::string activity_id, identity;
  if (kind != DocumentKind::AgentProfile) {
    auto id = required_param(request, "activityId");
    if (!id) return error_response(id.error());
    if (Status s = check_activity_id(*id); !s) return error_response(s.error());
    activity_id = std::move(*id);
  }
  if (kind != DocumentKind::ActivityProfile) {
    auto text = required_param(request, "agent");
    if (!text) return error_response(text.error());
    auto agent = parse_agent_param(*text, ctx.version);
    if (!agent) return error_response(agent.error());
    identity = std::move(agent->identity);
  }
  switch (kind) {
    case DocumentKind::State: t.scope.text = activity_id + kSep + identity; break;
    case DocumentKind::ActivityProfile: t.scope.text = activity_id; break;
    case DocumentKind::AgentProfile: t.scope.text = identity; break;
  }
  t.scope.hash = storage::hash_term(ctx.term_key(), t.scope.text);
  if (const std::string* reg = request.param("registration")) {
    auto uuid = is_uuid(*reg) ? storage::parse_uuid(*reg) : std::nullopt;
    if (!uuid) return error_response(bad_request("registration", "not a UUID"));
    t.scope.registration = *uuid;
  }
  if (const std::string* id = request.param(t.id_name)) {
    if (id->empty()) return error_response(bad_request(t.id_name, "must not be empty"));
    t.id = *id;
  }
  if (const std::string* since = request.param("since")) {
    auto micros = parse_since(*since);
    if (!micros) return error_response(micros.error());
    t.since_us = *micros;
    t.has_since = true;
  }

  if (is_read(request)) return get(ctx, t);
  if (m == "DELETE") return remove(ctx, t, request);
  if (!t.id) return error_response(bad_request(t.id_name, "required"));
  if (request.body.size() > config_.limits.document_bytes_max)
    return error_response(Error{413, "", "the document exceeds limits.document_bytes_max (" +
                                             std::to_string(config_.limits.document_bytes_max) +
                                             " bytes)"});
  return m == "PUT" ? put(ctx, t, request) : post(ctx, t, request);
}

HttpResponse DocumentsResource::get(const RequestContext& ctx, const Target& t) {
  const storage::StoreId store = ctx.store();
  if (t.id) {
    auto doc = store_.get(store, t.scope, *t.id);
    if (!doc) return error_response(doc.error());
    if (!*doc) return error_response(Error{404, t.id_name, "no such document"});
    HttpResponse r;
    r.status = 200;
    r.set_header("Content-Type", (*doc)->content_type);
    r.set_header("ETag", quoted_etag((*doc)->etag_hex()));
    r.set_header("Last-Modified", http_date((*doc)->updated_us));
    r.body = std::move((*doc)->content);
    return r;
  }
  auto list = store_.list(store, t.scope, t.has_since ? t.since_us : INT64_MIN);
  if (!list) return error_response(list.error());
  std::string body = "[";
  int64_t newest = 0;
  for (size_t i = 0; i < list->size(); i++) {
    if (i) body += ',';
    json::append_quoted((*list)[i].id, body);
    newest = std::max(newest, (*list)[i].updated_us);
  }
  body += ']';
  HttpResponse r = json_response(200, std::move(body));
  if (newest) r.set_header("Last-Modified", http_date(newest));
  return r;
}

HttpResponse DocumentsResource::put(const RequestContext& ctx, const Target& t,
                                    const HttpRequest& request) {
  const std::string* type = request.header("content-type");
  std::string content_type = type ? *type : kDefaultContentType;
  if (is_json_media_type(content_type))
    if (auto parsed = json::parse(request.body); !parsed)
      return error_response(bad_request("", "the document is not valid JSON: " + parsed.error().message));
  const Preconditions pre = preconditions_of(request);
  // 1.0.3 asks for concurrency headers on the profiles only; 2.0 on State as well.
  const bool header_required = ctx.version == Version::V2_0_0 || t.kind != DocumentKind::State;
  const bool v1 = ctx.version == Version::V1_0_3;
  auto decide = [&](const std::optional<storage::Document>& current)
      -> Result<storage::DocumentChange> {
    if (Status s = check_preconditions(pre, etag_of(current)); !s) return s.error();
    if (!pre.any() && header_required) {
      if (current)
        return Error{409, "If-Match",
                     "the document already exists: GET it to check its current state, then PUT "
                     "again with If-Match set to its ETag"};
      if (v1)
        return Error{400, "If-None-Match",
                     "a PUT to this resource must carry If-Match or If-None-Match "
                     "(If-None-Match: * for a new document)"};
    }
    return storage::DocumentChange{storage::DocumentChange::Action::Put, content_type,
                                   request.body};
  };
  return status_response(store_.update(ctx.store(), t.scope, *t.id, decide));
}

HttpResponse DocumentsResource::post(const RequestContext& ctx, const Target& t,
                                     const HttpRequest& request) {
  const std::string* type = request.header("content-type");
  std::string content_type = type ? *type : kDefaultContentType;
  const bool posted_json = is_json_media_type(content_type);
  if (posted_json)
    if (auto parsed = json::parse(request.body); !parsed)
      return error_response(bad_request("", "the document is not valid JSON: " + parsed.error().message));
  const Preconditions pre = preconditions_of(request);
  const uint64_t bytes_max = config_.limits.document_bytes_max;
  auto decide = [&](const std::optional<storage::Document>& current)
      -> Result<storage::DocumentChange> {
    if (Status s = check_preconditions(pre, etag_of(current)); !s) return s.error();
    using Action = storage::DocumentChange::Action;
    if (!current) return storage::DocumentChange{Action::Put, content_type, request.body};
    if (!posted_json)
      return bad_request("Content-Type", "only an application/json document can be merged "
                                         "into an existing document");
    if (!is_json_media_type(current->content_type))
      return bad_request("", "the stored document is not application/json, so it cannot be merged");
    auto merged = merge_json_documents(current->content, request.body);
    if (!merged) return merged.error();
    if (merged->size() > bytes_max)
      return Error{413, "", "the merged document would exceed limits.document_bytes_max"};
    return storage::DocumentChange{Action::Put, current->content_type, std::move(*merged)};
  };
  return status_response(store_.update(ctx.store(), t.scope, *t.id, decide));
}

HttpResponse DocumentsResource::remove(const RequestContext& ctx, const Target& t,
                                       const HttpRequest& request) {
  if (!t.id) {
    if (t.kind != DocumentKind::State) return error_response(bad_request(t.id_name, "required"));
    return status_response(store_.remove_all(ctx.store(), t.scope));
  }
  const Preconditions pre = preconditions_of(request);
  auto decide = [&](const std::optional<storage::Document>& current)
      -> Result<storage::DocumentChange> {
    if (Status s = check_preconditions(pre, etag_of(current)); !s) return s.error();
    return storage::DocumentChange{storage::DocumentChange::Action::Remove, {}, {}};
  };
  return status_response(store_.update(ctx.store(), t.scope, *t.id, decide));
}

}  // namespace scribe::xapi
