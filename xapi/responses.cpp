#include "xapi/responses.h"

#include <ctime>

#include "common/json.h"

namespace scribe::xapi {

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

HttpResponse error_response(const Error& error) {
  json::Object detail;
  detail.append("status", int64_t{error.status});
  if (!error.path.empty()) detail.append("path", error.path);
  detail.append("message", error.describe());
  json::Object body;
  body.append("error", json::Value(std::move(detail)));
  HttpResponse r = json_response(error.status, json::serialize(json::Value(std::move(body))));
  if (error.status == 503) r.set_header("Retry-After", "1");  // unavailable for now: try again soon
  return r;
}

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  return r;
}

std::string http_date(int64_t micros) {
  std::time_t seconds = std::time_t(micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace scribe::xapi
