// Plain HTTP request and response values exchanged between the transport (server/) and the
// protocol (xapi/), and the streamed body a response may carry instead of a value. Nothing here
// knows Beast; header names are stored lower-case.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scribe::xapi {

struct HttpRequest {
  std::string method;  // upper-case: GET, PUT, POST, DELETE, HEAD, OPTIONS
  std::string path;    // decoded path without the query, e.g. "/xapi/statements"
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_address;  // the peer's IP address as text ("127.0.0.1"), set by the transport

  // First header with this (lower-case) name, or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& h : headers)
      if (h.first == name) return &h.second;
    return nullptr;
  }
  const std::string* param(std::string_view name) const {
    for (const auto& p : query)
      if (p.first == name) return &p.second;
    return nullptr;
  }
};

// A response body produced chunk by chunk (exports, attachments=true pages), so memory stays
// bounded whatever the size. The transport pulls: it asks for the first chunk once the header
// is written and for each further one only after the previous one is on the wire
// (backpressure), so a response holds at most one chunk. It sends the chunks with chunked
// transfer encoding (HTTP/1.0: close-delimited), each write under limits.request_timeout_ms.
// A stream that fails after the header ends the connection without the final chunk, so the
// client sees a truncated body, never a complete-looking one.
class BodyStream {
 public:
  enum class Step { more, last, failed };
  // `chunk` may be empty; after `last` or `failed` next() is not called again.
  using Deliver = std::function<void(std::string chunk, Step step)>;
  // May run before the end (the client went away): the stream then stops producing.
  virtual ~BodyStream() = default;
  // Produces the next chunk and calls `deliver` exactly once, from any thread.
  virtual void next(Deliver deliver) = 0;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // For HEAD: the length the GET body would have had; the transport sends no body.
  bool head_only = false;
  // When set, the body is this stream's chunks and `body` is ignored (HEAD: no body is sent).
  std::shared_ptr<BodyStream> stream;
  // What went wrong inside, for the log line the router writes with the request id; never sent.
  std::string log_detail;

  void set_header(std::string name, std::string value) {
    for (auto& h : headers) {
      if (h.first == name) {
        h.second = std::move(value);
        return;
      }
    }
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// Called exactly once per request, from any thread.
using Reply = std::function<void(HttpResponse)>;

// What the transport calls for every complete request.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual void handle(HttpRequest request, Reply reply) = 0;
};

}  // namespace scribe::xapi
