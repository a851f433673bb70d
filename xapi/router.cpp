#include "xapi/router.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>

#include "common/text.h"
#include "common/timestamp.h"
#include "xapi/alternate_syntax.h"
#include "xapi/responses.h"

namespace scribe::xapi {

using auth::Access;

enum class Target {
  Statements, State, ActivityProfile, AgentProfile, Agents, Activities,
  EvidenceKey, EvidenceCheckpoint, EvidenceProof, EvidenceConsistency, EvidenceExport, CompletionReport,
};

// The route table: every xAPI resource, the methods it answers and the access each needs
// (reads: GET and HEAD; writes: the others).
struct Route {
  std::string_view path;  // below server.base_path
  Target target;
  std::string_view allow;  // the Allow header of a 405
  Access read;
  Access write;
};

namespace {

constexpr std::array<Route, 12> kRoutes{{
    {"/statements", Target::Statements, "HEAD, GET, PUT, POST", Access::StatementsRead,
     Access::StatementsWrite},
    {"/activities/state", Target::State, "HEAD, GET, PUT, POST, DELETE", Access::StateRead,
     Access::StateWrite},
    {"/activities/profile", Target::ActivityProfile, "HEAD, GET, PUT, POST, DELETE",
     Access::ProfileRead, Access::ProfileWrite},
    {"/agents/profile", Target::AgentProfile, "HEAD, GET, PUT, POST, DELETE", Access::ProfileRead,
     Access::ProfileWrite},
    {"/agents", Target::Agents, "HEAD, GET", Access::ProfileRead, Access::ProfileRead},
    {"/activities", Target::Activities, "HEAD, GET", Access::ProfileRead, Access::ProfileRead},
    {"/evidence/key", Target::EvidenceKey, "HEAD, GET", Access::EvidenceRead, Access::EvidenceRead},
    {"/evidence/checkpoint", Target::EvidenceCheckpoint, "HEAD, GET", Access::EvidenceRead, Access::EvidenceRead},
    {"/evidence/proof", Target::EvidenceProof, "HEAD, GET", Access::EvidenceRead, Access::EvidenceRead},
    {"/evidence/consistency", Target::EvidenceConsistency, "HEAD, GET", Access::EvidenceRead,
     Access::EvidenceRead},
    {"/evidence/export", Target::EvidenceExport, "HEAD, GET", Access::EvidenceRead, Access::EvidenceRead},
    {"/reports/completion", Target::CompletionReport, "POST", Access::EvidenceRead, Access::EvidenceRead},
}};

// The evidence routes are not xAPI resources: an auditor's tools call them without a version.
bool needs_xapi_version(std::string_view resource) {
  return !resource.starts_with("/evidence/") && !resource.starts_with("/reports/");
}

const Route* find_route(std::string_view resource) {
  for (const Route& r : kRoutes)
    if (r.path == resource) return &r;
  return nullptr;
}

bool method_allowed(const Route& route, std::string_view method) {
  std::string_view allow = route.allow;
  while (!allow.empty()) {
    size_t comma = allow.find(',');
    if (allow.substr(0, comma) == method) return true;
    if (comma == std::string_view::npos) break;
    allow.remove_prefix(comma + 2);
  }
  return false;
}

HttpResponse about() {
  return json_response(200, R"({"version":["1.0.3","2.0.0"],"extensions":{}})");
}

HttpResponse method_not_allowed(std::string_view allow) {
  HttpResponse r = error_response(Error{405, "", "method not allowed"});
  r.set_header("Allow", std::string(allow));
  return r;
}

HttpResponse forbidden(Access access) {
  return error_response(Error{403, "", "this credential lacks the scope this request needs: " +
                                           auth::scopes_granting(access)});
}

bool is_read(const HttpRequest& request) {
  return request.method == "GET" || request.method == "HEAD";
}

}  // namespace

Router::Router(const Config& config, const auth::Authenticator& authenticator,
               StatementsResource& statements, OtherResources others, AdminHandler* admin,
               WorkPool* blocking)
    : config_(config),
      authenticator_(authenticator),
      statements_(statements),
      others_(others),
      admin_(admin),
      blocking_(blocking),
      cors_(config.server.cors_allowed_origins),
      default_version_(parse_version_header(config.xapi.default_version)
                           .value_or(Version::V2_0_0)) {}

namespace {

// The process is up and answering.
HttpResponse health() { return json_response(200, R"({"status":"alive"})"); }

// Whether Scribe takes writes: not while the store's write fault is latched.
HttpResponse readiness(const std::optional<Error>& write_fault) {
  json::Object body;
  body.append("ready", json::Value(!write_fault));
  if (write_fault) {
    body.append("reason", json::Value(std::string(write_fault->code == Code::no_space
                                                      ? "writes are refused: the store's disk is full"
                                                      : "writes are refused: the store's disk failed")));
  }
  HttpResponse r = json_response(write_fault ? 503 : 200, json::serialize(json::Value(std::move(body))));
  return r;  // the fault itself was logged once, when it latched
}

// A process-unique request id: a random start, so ids of different runs differ, counted up.
std::string next_request_id() {
  static std::atomic<uint64_t> next{std::random_device{}() | (uint64_t(std::random_device{}()) << 32)};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(next.fetch_add(1)));
  return buf;
}

// The first query parameter, or header Scribe stores or echoes, that is not valid UTF-8.
std::optional<Error> invalid_utf8(const HttpRequest& request) {
  for (const auto& [name, value] : request.query) {
    if (!text::is_valid_utf8(name)) return bad_request("query", "a parameter name is not valid UTF-8");
    if (!text::is_valid_utf8(value)) return bad_request(name, "is not valid UTF-8");
  }
  for (const char* h : {"content-type", "x-experience-api-version", "if-match", "if-none-match", "origin"})
    if (const std::string* v = request.header(h); v && !text::is_valid_utf8(*v))
      return bad_request(h, "is not valid UTF-8");
  return std::nullopt;
}

}  // namespace

void Router::handle(HttpRequest request, Reply reply) {
  std::optional<std::string> origin;
  if (const std::string* o = request.header("origin")) origin = *o;
  const bool is_admin = request.path == kAdminPath || request.path.starts_with(std::string(kAdminPath) + "/");
  Version version = default_version_;
  if (const std::string* h = request.header("x-experience-api-version"))
    version = parse_version_header(*h).value_or(default_version_);
  const std::string request_id = next_request_id();
  auto stamp = [this, origin, is_admin, request_id, method = request.method, path = request.path](HttpResponse& r,
                                                                                                   Version v) {
    cors_.add_response_headers(r, origin ? &*origin : nullptr);
    if (!is_admin) r.set_header("X-Experience-API-Version", std::string(version_string(v)));
    r.set_header("Date", http_date(now_micros()));
    r.set_header("X-Request-Id", request_id);
    if (!r.log_detail.empty())  // an engine fault: the client got only its kind
      std::cerr << "scribe: request " << request_id << " " << method << " " << path << " answered " << r.status
                << ": " << r.log_detail << "\n" << std::flush;
  };
  auto answer = [&stamp, &version, &reply](HttpResponse r) {
    stamp(r, version);
    reply(std::move(r));
  };
  // Before anything echoes or stores one (stamp echoes only configured origins).
  if (auto bad = invalid_utf8(request)) return answer(error_response(*bad));

  if (request.method == "OPTIONS") {
    HttpResponse r;
    r.status = 200;
    cors_.add_preflight_headers(r, request.header("access-control-request-headers"));
    return answer(std::move(r));
  }
  if (is_admin) {
    return admin(request, [stamp, reply](HttpResponse r) {
      stamp(r, Version::V2_0_0);
      reply(std::move(r));
    });
  }

  // Probes for a supervisor or load balancer: no credential, no version header.
  if (request.path == "/health" || request.path == "/ready") {
    if (!is_read(request)) return answer(method_not_allowed("GET, HEAD"));
    HttpResponse r = request.path == "/health" ? health() : readiness(statements_.write_fault());
    r.head_only = request.method == "HEAD";
    return answer(std::move(r));
  }
  const std::string& base = config_.server.base_path;
  if (!request.path.starts_with(base))
    return answer(error_response(Error{404, "", "no resource at " + request.path}));
  std::string resource = request.path.substr(base.size());
  while (resource.size() > 1 && resource.back() == '/') resource.pop_back();

  if (is_alternate_syntax(request)) {
    if (Status s = rewrite_alternate_syntax(request); !s) return answer(error_response(s.error()));
    if (auto bad = invalid_utf8(request)) return answer(error_response(*bad));  // the form's fields
    const std::string* h = request.header("x-experience-api-version");
    auto v = h ? parse_version_header(*h) : std::nullopt;
    if (v) version = *v;
    if (version == Version::V2_0_0)
      return answer(error_response(
          bad_request("method", "the alternate request syntax is not part of xAPI 2.0")));
  }

  if (resource == "/about") {
    if (!is_read(request)) return answer(method_not_allowed("GET, HEAD"));
    HttpResponse r = about();
    r.head_only = request.method == "HEAD";
    return answer(std::move(r));
  }

  const std::string* version_header = request.header("x-experience-api-version");
  if (!version_header && !needs_xapi_version(resource))
    return dispatch(request, resource, version, [stamp, version, reply](HttpResponse r) {
      stamp(r, version);
      reply(std::move(r));
    });
  if (!version_header)
    return answer(error_response(
        bad_request("X-Experience-API-Version", "header required (1.0.3 or 2.0.0)")));
  auto requested = parse_version_header(*version_header);
  if (!requested)
    return answer(error_response(bad_request(
        "X-Experience-API-Version", "unsupported version " + *version_header +
                                        " (this LRS speaks 1.0.3 and 2.0.0)")));
  version = *requested;
  dispatch(request, resource, version, [stamp, version, reply](HttpResponse r) {
    stamp(r, version);
    reply(std::move(r));
  });
}

std::optional<auth::Principal> Router::authenticate(const HttpRequest& request, const Reply& reply,
                                                    const char* realm) {
  auth::AuthOutcome outcome =
      authenticator_.authenticate(request.header("authorization"), request.remote_address);
  if (outcome.principal) return std::move(outcome.principal);
  HttpResponse r = error_response(outcome.error);
  if (outcome.error.status == 401)
    r.set_header("WWW-Authenticate", std::string("Basic realm=\"") + realm + "\"");
  if (outcome.retry_after_s) r.set_header("Retry-After", std::to_string(outcome.retry_after_s));
  reply(std::move(r));
  return std::nullopt;
}

void Router::admin(HttpRequest& request, const Reply& reply) {
  auto principal = authenticate(request, reply, "Scribe admin");
  if (!principal) return;
  if (!principal->may(Access::Admin)) return reply(forbidden(Access::Admin));
  if (!admin_) return reply(error_response(Error{501, "", "the admin API is not enabled"}));
  admin_->handle(*principal, request, reply);
}

void Router::dispatch(HttpRequest& request, const std::string& resource, Version version,
                      const Reply& reply) {
  auto principal = authenticate(request, reply, "xAPI");
  if (!principal) return;
  const Route* route = find_route(resource);
  if (!route) return reply(error_response(Error{404, "", "no resource at " + request.path}));
  if (!method_allowed(*route, request.method)) return reply(method_not_allowed(route->allow));
  const Access access = is_read(request) ? route->read : route->write;
  if (!principal->may(access)) return reply(forbidden(access));
  RequestContext ctx{version, std::move(*principal)};
  // Statement writes only parse here and queue for the committer; everything else reads (or
  // durably writes) RocksDB, so it runs on the blocking pool, never on an IO thread.
  const bool statement_write =
      route->target == Target::Statements && (request.method == "PUT" || request.method == "POST");
  if (statement_write || !blocking_) return serve(*route, ctx, request, reply);
  auto shared_reply = std::make_shared<Reply>(reply);
  auto job = [this, route, ctx = std::move(ctx), request = std::move(request), shared_reply] {
    serve(*route, ctx, request, *shared_reply);
  };
  if (!blocking_->submit(std::move(job))) {
    HttpResponse busy = error_response(Error{503, "", "too many queries are waiting; retry shortly"});
    busy.set_header("Retry-After", "1");
    (*shared_reply)(std::move(busy));
  }
}

void Router::serve(const Route& route, const RequestContext& ctx, const HttpRequest& request,
                   const Reply& reply) {
  auto respond = [&](HttpResponse r) {
    r.head_only = request.method == "HEAD";
    reply(std::move(r));
  };
  const std::string resource(route.path);
  auto missing = [&] { reply(error_response(Error{501, "", resource + " is not enabled"})); };
  switch (route.target) {
    case Target::Statements:
      if (request.method == "PUT") return statements_.put(ctx, request, reply);
      if (request.method == "POST") return statements_.post(ctx, request, reply);
      return respond(statements_.get(ctx, request));
    case Target::Agents:
      if (!others_.agents) return missing();
      return respond(others_.agents->get(ctx, request));
    case Target::Activities:
      if (!others_.activities) return missing();
      return respond(others_.activities->get(ctx, request));
    case Target::EvidenceKey:
    case Target::EvidenceCheckpoint:
    case Target::EvidenceProof:
    case Target::EvidenceConsistency:
    case Target::EvidenceExport:
    case Target::CompletionReport: {
      EvidenceResource* e = others_.evidence;
      if (!e) return missing();
      if (route.target == Target::EvidenceKey) return respond(e->key(ctx, request));
      if (route.target == Target::EvidenceCheckpoint) return respond(e->checkpoint(ctx, request));
      if (route.target == Target::EvidenceProof) return respond(e->proof(ctx, request));
      if (route.target == Target::EvidenceExport) return respond(e->export_statements(ctx, request));
      if (route.target == Target::CompletionReport) return reply(e->completion_report(ctx, request));
      return respond(e->consistency(ctx, request));
    }
    case Target::State:
    case Target::ActivityProfile:
    case Target::AgentProfile: {
      if (!others_.documents) return missing();
      auto kind = route.target == Target::State             ? storage::DocumentKind::State
                  : route.target == Target::ActivityProfile ? storage::DocumentKind::ActivityProfile
                                                            : storage::DocumentKind::AgentProfile;
      return respond(others_.documents->handle(kind, ctx, request));
    }
  }
}

}  // namespace scribe::xapi
