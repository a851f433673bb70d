// A blocking HTTP/1.1 client for Scribe's own command-line tools (`scribe admin`): one request
// per call on a fresh connection (http:// or https://), the response returned as plain values.
//
// Guarantees:
// - Bounded: connecting, the TLS handshake, writing the request and reading the response all
//   share one deadline of `timeout_ms` from the call (host names are looked up by the system
//   resolver first, under its own timeouts; numeric addresses need no lookup). A response body
//   over `response_body_bytes_max` or a header block over 64 KiB is an error, not read on.
// - https:// always verifies the server: its certificate chain against `ca_file` when one is
//   given (and then only against it), else against the system trust store; and that the
//   certificate names the URL's host (DNS name, or IP address for a numeric host). SNI is sent
//   for DNS names. TLS 1.2 or later. There is no way to turn verification off.
// - Errors are values, no exception escapes. Any HTTP status the server answers with (4xx, 5xx
//   too) is a successful HttpClientResponse; an Error means no complete response was received
//   (bad URL, lookup, connect, TLS, timeout, malformed or oversized response). Transport errors
//   carry status 0 ("no HTTP status"), the URL as path and a message naming the failing step.
// - Redirects are not followed; "Connection: close" is sent; each call is independent, so calls
//   from several threads at once are safe. No Beast/Asio/OpenSSL type leaks from here.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace scribe::server {

struct HttpClientRequest {
  std::string method = "GET";  // an HTTP token, e.g. GET, POST, DELETE
  // "http://host[:port][/path][?query]" or "https://...". The path and query are sent as given
  // (the caller percent-encodes them); a #fragment is dropped. IPv6 hosts in brackets.
  std::string url;
  // Sent in order. Host and User-Agent are added unless present; "Connection: close" and the
  // Content-Length of `body` are always set (replacing any given here).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  uint32_t timeout_ms = 30000;                      // the whole exchange, see above
  uint64_t response_body_bytes_max = 64ull << 20;   // larger responses are an error
  std::string ca_file;  // https: PEM file of trusted certificates; empty: system trust store
  // When set, the response body is handed to this piece by piece as it arrives (and not kept
  // in the response); response_body_bytes_max does not apply, and timeout_ms bounds each read
  // of the body rather than the whole exchange, so a long stream (an export) is read in
  // constant memory. An Error from the sink ends the exchange with that Error.
  std::function<Status(std::string_view piece)> body_sink;
};

struct HttpClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, in order
  std::string body;

  // First header with this (lower-case) name, or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& h : headers)
      if (h.first == name) return &h.second;
    return nullptr;
  }
};

// The parts of an http(s) URL the client needs.
struct HttpUrl {
  bool tls = false;
  std::string host;  // without brackets for IPv6 ("::1")
  uint16_t port = 0;  // the explicit port, else 80 / 443
  std::string target;  // path and query, at least "/"
};

// Splits `url`; errors (status 0) for other schemes, user info, bad ports and for bytes that
// cannot appear in a request line (spaces, control characters).
Result<HttpUrl> parse_http_url(std::string_view url);

// Sends `request` and reads the response; see the guarantees above.
Result<HttpClientResponse> http_request(const HttpClientRequest& request);

}  // namespace scribe::server
