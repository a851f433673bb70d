// Request builders for tests that drive the Router as different credentials: a request to the
// xAPI (or admin) API sent with a given Authorization header, and small statement builders.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "xapi/http_message.h"
#include "tests/support/lrs_fixture.h"

namespace scribe::test_support {

using Query = std::vector<std::pair<std::string, std::string>>;

// `path` is relative to /xapi unless it starts with /admin.
inline xapi::HttpRequest lrs_request(const std::string& authorization, const std::string& method,
                                     const std::string& path, Query query = {}, std::string body = "",
                                     const std::string& content_type = "application/json") {
  xapi::HttpRequest r;
  r.method = method;
  r.path = path.starts_with("/admin") ? path : "/xapi" + path;
  r.query = std::move(query);
  r.body = std::move(body);
  r.remote_address = "127.0.0.1";
  r.headers.emplace_back("x-experience-api-version", "2.0.0");
  if (!authorization.empty()) r.headers.emplace_back("authorization", authorization);
  if (!r.body.empty()) r.headers.emplace_back("content-type", content_type);
  return r;
}

inline std::string test_statement(const std::string& id, const std::string& actor_mbox,
                                  const std::string& activity_id,
                                  const std::string& verb = "http://adlnet.gov/expapi/verbs/attempted") {
  std::string s = "{";
  if (!id.empty()) s += R"("id":")" + id + R"(",)";
  s += R"("actor":{"objectType":"Agent","mbox":")" + actor_mbox + R"(","name":"Learner"},)";
  s += R"("verb":{"id":")" + verb + R"("},)";
  s += R"("object":{"objectType":"Activity","id":")" + activity_id +
       R"(","definition":{"name":{"en-US":"Course"}}}})";
  return s;
}

inline std::string uuid_n(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

}  // namespace scribe::test_support
