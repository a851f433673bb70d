// Cross-origin resource sharing (server.cors_allowed_origins). With "*" (the default) every
// origin may read, as `Access-Control-Allow-Origin: *`, and credentials are never allowed: a
// browser then sends no stored credentials, so no web page can read the LRS as its user.
// With a list, only listed origins are echoed, with `Vary: Origin`, and only they get
// `Access-Control-Allow-Credentials: true`. Preflights allow only the requested headers that
// are on an allowlist.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xapi/http_message.h"

namespace scribe::xapi {

class CorsPolicy {
 public:
  // `allowed_origins`: "*" or a comma-separated list of origins ("https://a.example").
  explicit CorsPolicy(std::string_view allowed_origins);

  // Adds the headers every response carries for a request from `origin` (nullptr: none sent).
  void add_response_headers(HttpResponse& r, const std::string* origin) const;
  // Adds the preflight headers for the headers a browser asks to send
  // (Access-Control-Request-Headers, nullptr when absent).
  void add_preflight_headers(HttpResponse& r, const std::string* requested_headers) const;

  bool any_origin() const { return any_; }

 private:
  bool any_ = true;
  std::vector<std::string> origins_;
};

}  // namespace scribe::xapi
