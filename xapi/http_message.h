// Plain HTTP request and response values exchanged between the transport (server/) and the
// protocol (xapi/). Nothing here knows Beast; header names are stored lower-case.
#pragma once

#include <functional>
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

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // For HEAD: the length the GET body would have had; the transport sends no body.
  bool head_only = false;

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
