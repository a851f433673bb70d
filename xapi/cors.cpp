#include "xapi/cors.h"

#include <algorithm>

#include "common/text.h"

namespace scribe::xapi {

namespace {

// Request headers a preflight may allow (lower-case).
constexpr std::string_view kAllowedRequestHeaders[] = {
    "accept",          "accept-language", "authorization", "cache-control", "content-length",
    "content-type",    "if-match",        "if-none-match", "pragma",        "x-experience-api-version",
    "x-requested-with",
};

constexpr const char* kExposeHeaders =
    "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, WWW-Authenticate, "
    "X-Experience-API-Version, X-Experience-API-Consistent-Through, Retry-After";

std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = text::trim_ows(list.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

CorsPolicy::CorsPolicy(std::string_view allowed_origins) {
  std::string_view trimmed = text::trim_ows(allowed_origins);
  any_ = trimmed == "*" || trimmed.empty();
  if (!any_) origins_ = split_list(trimmed);
}

void CorsPolicy::add_response_headers(HttpResponse& r, const std::string* origin) const {
  r.set_header("Access-Control-Expose-Headers", kExposeHeaders);
  if (any_) {
    r.set_header("Access-Control-Allow-Origin", "*");
    return;
  }
  r.set_header("Vary", "Origin");
  if (!origin) return;
  if (std::find(origins_.begin(), origins_.end(), *origin) == origins_.end()) return;
  r.set_header("Access-Control-Allow-Origin", *origin);
  r.set_header("Access-Control-Allow-Credentials", "true");
}

void CorsPolicy::add_preflight_headers(HttpResponse& r, const std::string* requested) const {
  r.set_header("Access-Control-Allow-Methods", "HEAD, GET, POST, PUT, DELETE, OPTIONS");
  r.set_header("Access-Control-Max-Age", "86400");
  std::string allowed;
  for (const std::string& name : split_list(requested ? *requested : "")) {
    std::string lower = text::ascii_lower(name);
    if (std::find(std::begin(kAllowedRequestHeaders), std::end(kAllowedRequestHeaders), lower) ==
        std::end(kAllowedRequestHeaders))
      continue;
    if (!allowed.empty()) allowed += ", ";
    allowed += name;
  }
  if (!requested) {  // not a real preflight: name the allowlist
    for (std::string_view name : kAllowedRequestHeaders) {
      if (!allowed.empty()) allowed += ", ";
      allowed += name;
    }
  }
  if (!allowed.empty()) r.set_header("Access-Control-Allow-Headers", allowed);
}

}  // namespace scribe::xapi
