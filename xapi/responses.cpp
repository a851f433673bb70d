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

int http_status(const Error& error) {
  switch (error.code) {
    case Code::protocol: return error.status;
    case Code::invalid: return 400;
    case Code::conflict: return 409;
    case Code::too_large: return 413;
    case Code::not_found: return 404;
    case Code::unavailable:
    case Code::io_error:
    case Code::busy: return 503;  // may pass: the client tries again
    case Code::no_space: return 507;
    case Code::corruption:
    case Code::internal: return 500;
  }
  return 500;
}

namespace {

// What a client is told of an engine fault.
const char* engine_fault_message(Code code) {
  switch (code) {
    case Code::corruption: return "stored data is damaged; the operator has the details in the log";
    case Code::io_error: return "the store's disk failed; try again later";
    case Code::busy: return "the store is busy; try again shortly";
    case Code::no_space: return "the store's disk is full";
    default: return "the store failed; the operator has the details in the log";
  }
}

}  // namespace

HttpResponse error_response(const Error& error) {
  const int status = http_status(error);
  const bool hidden = is_engine_fault(error.code);
  json::Object detail;
  detail.append("status", int64_t{status});
  if (!error.path.empty() && !hidden) detail.append("path", error.path);
  detail.append("message", hidden ? std::string(engine_fault_message(error.code)) : error.describe());
  json::Object body;
  body.append("error", json::Value(std::move(detail)));
  HttpResponse r = json_response(status, json::serialize(json::Value(std::move(body))));
  if (hidden) r.log_detail = error.describe();
  if (status == 503) r.set_header("Retry-After", "1");  // unavailable for now: try again soon
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
