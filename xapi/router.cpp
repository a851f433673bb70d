#include "xapi/router.h"

#include "common/timestamp.h"
#include "xapi/alternate_syntax.h"
#include "xapi/responses.h"

namespace scribe::xapi {

namespace {

constexpr const char* kAllowHeaders =
    "Content-Type, Content-Length, Authorization, X-Experience-API-Version, If-Match, "
    "If-None-Match, Accept-Language";
constexpr const char* kExposeHeaders =
    "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, WWW-Authenticate, "
    "X-Experience-API-Version, X-Experience-API-Consistent-Through";

void add_common_headers(HttpResponse& r, const std::optional<std::string>& origin,
                        Version version) {
  r.set_header("Access-Control-Allow-Origin", origin ? *origin : "*");
  if (origin) r.set_header("Access-Control-Allow-Credentials", "true");
  r.set_header("Access-Control-Expose-Headers", kExposeHeaders);
  r.set_header("X-Experience-API-Version", std::string(version_string(version)));
  r.set_header("Date", http_date(now_micros()));
}

HttpResponse about() {
  return json_response(200, R"({"version":["1.0.3","2.0.0"],"extensions":{}})");
}

HttpResponse method_not_allowed(const char* allow) {
  HttpResponse r = error_response(Error{405, "", "method not allowed"});
  r.set_header("Allow", allow);
  return r;
}

}  // namespace

Router::Router(const Config& config, auth::CredentialStore& credentials,
               StatementsResource& statements, OtherResources others)
    : config_(config),
      credentials_(credentials),
      statements_(statements),
      others_(others),
      default_version_(parse_version_header(config.xapi.default_version)
                           .value_or(Version::V2_0_0)) {}

void Router::handle(HttpRequest request, Reply reply) {
  std::optional<std::string> origin;
  if (const std::string* o = request.header("origin")) origin = *o;
  Version version = default_version_;
  if (const std::string* h = request.header("x-experience-api-version"))
    version = parse_version_header(*h).value_or(default_version_);
  auto answer = [&origin, &version, &reply](HttpResponse r) {
    add_common_headers(r, origin, version);
    reply(std::move(r));
  };

  if (request.method == "OPTIONS") {
    HttpResponse r;
    r.status = 200;
    r.set_header("Access-Control-Allow-Methods", "HEAD, GET, POST, PUT, DELETE, OPTIONS");
    r.set_header("Access-Control-Allow-Headers", kAllowHeaders);
    r.set_header("Access-Control-Max-Age", "86400");
    return answer(std::move(r));
  }

  const std::string& base = config_.server.base_path;
  if (!request.path.starts_with(base))
    return answer(error_response(Error{404, "", "no resource at " + request.path}));
  std::string resource = request.path.substr(base.size());
  while (resource.size() > 1 && resource.back() == '/') resource.pop_back();

  if (is_alternate_syntax(request)) {
    if (Status s = rewrite_alternate_syntax(request); !s) return answer(error_response(s.error()));
    const std::string* h = request.header("x-experience-api-version");
    auto v = h ? parse_version_header(*h) : std::nullopt;
    if (v) version = *v;
    if (version == Version::V2_0_0)
      return answer(error_response(
          bad_request("method", "the alternate request syntax is not part of xAPI 2.0")));
  }

  if (resource == "/about") {
    if (request.method != "GET" && request.method != "HEAD")
      return answer(method_not_allowed("GET, HEAD"));
    HttpResponse r = about();
    r.head_only = request.method == "HEAD";
    return answer(std::move(r));
  }

  const std::string* version_header = request.header("x-experience-api-version");
  if (!version_header)
    return answer(error_response(
        bad_request("X-Experience-API-Version", "header required (1.0.3 or 2.0.0)")));
  auto requested = parse_version_header(*version_header);
  if (!requested)
    return answer(error_response(bad_request(
        "X-Experience-API-Version", "unsupported version " + *version_header +
                                        " (this LRS speaks 1.0.3 and 2.0.0)")));
  version = *requested;
  dispatch(request, resource, version,
           [origin, version, reply](HttpResponse r) {
             add_common_headers(r, origin, version);
             reply(std::move(r));
           });
}

void Router::dispatch(HttpRequest& request, const std::string& resource, Version version,
                      const Reply& reply) {
  const std::string* authorization = request.header("authorization");
  auto credential = authorization ? credentials_.authenticate(*authorization) : std::nullopt;
  if (!credential) {
    HttpResponse r = error_response(Error{401, "Authorization", "valid credentials required"});
    r.set_header("WWW-Authenticate", "Basic realm=\"xAPI\"");
    return reply(std::move(r));
  }
  RequestContext ctx{version, *credential};

  if (resource == "/statements") {
    if (request.method == "GET" || request.method == "HEAD") {
      HttpResponse r = statements_.get(ctx, request);
      r.head_only = request.method == "HEAD";
      return reply(std::move(r));
    }
    if (request.method == "PUT") return statements_.put(ctx, request, reply);
    if (request.method == "POST") return statements_.post(ctx, request, reply);
    return reply(method_not_allowed("HEAD, GET, PUT, POST"));
  }
  const bool is_read = request.method == "GET" || request.method == "HEAD";
  auto read_only = [&](auto* target) {
    if (!target) return reply(error_response(Error{501, "", resource + " is not enabled"}));
    if (!is_read) return reply(method_not_allowed("HEAD, GET"));
    HttpResponse r = target->get(ctx, request);
    r.head_only = request.method == "HEAD";
    reply(std::move(r));
  };
  if (resource == "/agents") return read_only(others_.agents);
  if (resource == "/activities") return read_only(others_.activities);
  std::optional<storage::DocumentKind> kind;
  if (resource == "/activities/state") kind = storage::DocumentKind::State;
  if (resource == "/activities/profile") kind = storage::DocumentKind::ActivityProfile;
  if (resource == "/agents/profile") kind = storage::DocumentKind::AgentProfile;
  if (kind) {
    if (!others_.documents)
      return reply(error_response(Error{501, "", resource + " is not enabled"}));
    HttpResponse r = others_.documents->handle(*kind, ctx, request);
    r.head_only = request.method == "HEAD";
    return reply(std::move(r));
  }
  reply(error_response(Error{404, "", "no resource at " + request.path}));
}

}  // namespace scribe::xapi
