// http_request(): Beast's async operations driven to completion on a private io_context in the
// calling thread, so that beast::tcp_stream's expiry bounds every step (Beast's synchronous
// calls ignore it). See http_client.h for what it guarantees.
#include "server/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "common/text.h"

namespace scribe::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kHeaderBytesMax = 64u << 10;
constexpr size_t kPortDigitsMax = 5;

// Transport errors carry status 0: no HTTP status was received. (A 502 could be mistaken for
// one the server really sent, which http_request() returns as a response.)
Error transport_error(std::string_view url, std::string message) {
  return Error{0, std::string(url), std::move(message)};
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

// A header value may not end the line early or carry NUL.
bool is_field_value(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

// Visible ASCII only: a request target must not contain spaces or control characters.
bool is_target(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  return true;
}

bool is_reg_name(std::string_view s) {
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_')
      return false;
  return true;
}

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

Result<uint16_t> parse_port(std::string_view url, std::string_view text, bool tls) {
  if (text.empty()) return uint16_t(tls ? 443 : 80);
  if (text.size() > kPortDigitsMax) return transport_error(url, "port out of range");
  unsigned value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return transport_error(url, "the port is not a number");
    value = value * 10 + unsigned(c - '0');
  }
  if (value == 0 || value > 65535) return transport_error(url, "port out of range");
  return uint16_t(value);
}

// "host", "host:port", "[v6]" or "[v6]:port" into `out`.
Status parse_authority(std::string_view url, std::string_view authority, HttpUrl& out) {
  if (authority.find('@') != std::string_view::npos)
    return transport_error(url, "user info in the URL is not supported (credentials go in headers)");
  std::string_view host = authority, port_text;
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return transport_error(url, "unclosed '[' in the host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return transport_error(url, "junk after the IPv6 host");
    if (!after.empty()) port_text = after.substr(1);
    beast::error_code ec;
    asio::ip::make_address_v6(std::string(host), ec);
    if (ec) return transport_error(url, "not an IPv6 address in brackets");
  } else {
    size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
    }
    if (!is_reg_name(host)) return transport_error(url, "invalid characters in the host");
  }
  if (host.empty()) return transport_error(url, "the URL has no host");
  auto port = parse_port(url, port_text, out.tls);
  if (!port) return port.error();
  out.host = std::string(host);
  out.port = *port;
  return Status::success();
}

// "Host" header value: brackets for IPv6, the port unless it is the scheme's default.
std::string host_header(const HttpUrl& u) {
  std::string h = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  if (u.port != (u.tls ? 443 : 80)) h += ":" + std::to_string(u.port);
  return h;
}

Result<http::request<http::string_body>> build_request(const HttpClientRequest& r, const HttpUrl& u) {
  if (!is_token(r.method)) return transport_error(r.url, "invalid HTTP method '" + r.method + "'");
  http::request<http::string_body> req;
  http::verb verb = http::string_to_verb(r.method);
  if (verb == http::verb::unknown) req.method_string(r.method);
  else req.method(verb);
  req.target(u.target);
  req.version(11);
  for (const auto& [name, value] : r.headers) {
    if (!is_token(name)) return transport_error(r.url, "invalid header name '" + name + "'");
    if (!is_field_value(value))
      return transport_error(r.url, "header " + name + " has a line break or NUL in its value");
    req.insert(name, value);
  }
  if (req.find(http::field::host) == req.end()) req.set(http::field::host, host_header(u));
  if (req.find(http::field::user_agent) == req.end()) req.set(http::field::user_agent, "scribe");
  req.keep_alive(false);
  req.body() = r.body;
  req.prepare_payload();
  return req;
}

// Starts one async operation with a handler that records its error, and runs the io_context
// until it (and the stream's expiry timer) are done.
template <class Start>
beast::error_code run_to_completion(asio::io_context& ioc, Start&& start) {
  beast::error_code result = asio::error::operation_aborted;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

// Everything one call needs to describe where it failed.
struct Exchange {
  Exchange(const HttpClientRequest& r, const HttpUrl& u)
      : request(r), url(u), deadline(Clock::now() + std::chrono::milliseconds(r.timeout_ms)) {}

  const HttpClientRequest& request;
  const HttpUrl& url;
  const Clock::time_point deadline;
  asio::io_context ioc{1};

  std::string where() const { return url.host + ":" + std::to_string(url.port); }

  Error step_failed(const std::string& step, beast::error_code ec) const {
    if (ec == beast::error::timeout)
      return transport_error(request.url, step + ": timed out (timeout_ms " +
                                              std::to_string(request.timeout_ms) + ")");
    return transport_error(request.url, step + ": " + ec.message());
  }
};

Result<tcp::resolver::results_type> resolve(Exchange& x) {
  tcp::resolver resolver(x.ioc);
  auto flags = tcp::resolver::numeric_service;
  if (is_ip_address(x.url.host)) flags |= tcp::resolver::numeric_host;
  beast::error_code ec;
  auto results = resolver.resolve(x.url.host, std::to_string(x.url.port), flags, ec);
  if (ec) return x.step_failed("looking up " + x.url.host, ec);
  if (results.empty()) return transport_error(x.request.url, "no address for " + x.url.host);
  return results;
}

Status connect(Exchange& x, beast::tcp_stream& stream) {
  auto endpoints = resolve(x);
  if (!endpoints) return endpoints.error();
  stream.expires_at(x.deadline);
  auto ec = run_to_completion(x.ioc, [&](auto handler) { stream.async_connect(*endpoints, handler); });
  if (ec) return x.step_failed("connecting to " + x.where(), ec);
  return Status::success();
}

Error read_failed(const Exchange& x, beast::error_code ec) {
  if (ec == http::error::body_limit)
    return transport_error(x.request.url, "the response body exceeds " +
                                              std::to_string(x.request.response_body_bytes_max) +
                                              " bytes");
  if (ec == http::error::header_limit)
    return transport_error(x.request.url, "the response header exceeds " +
                                              std::to_string(kHeaderBytesMax) + " bytes");
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::ssl::error::stream_truncated)
    return transport_error(x.request.url, "reading the response from " + x.where() +
                                              ": the server closed the connection without a "
                                              "complete response");
  return x.step_failed("reading the response from " + x.where(), ec);
}

HttpClientResponse to_response(http::response<http::string_body>&& res) {
  HttpClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res)
    out.headers.emplace_back(text::ascii_lower(field.name_string()), std::string(field.value()));
  out.body = std::move(res.body());
  return out;
}

// Reads a response whose body goes to request.body_sink: the header under the deadline, then
// the body a buffer at a time, each read under its own timeout_ms.
template <class Stream>
Result<HttpClientResponse> read_streamed(Exchange& x, Stream& stream, beast::flat_buffer& buffer) {
  http::response_parser<http::buffer_body> parser;
  parser.header_limit(kHeaderBytesMax);
  parser.body_limit(boost::none);
  auto ec = run_to_completion(x.ioc, [&](auto handler) { http::async_read_header(stream, buffer, parser, handler); });
  if (ec) return read_failed(x, ec);
  std::vector<char> piece(64 * 1024);
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(x.request.timeout_ms));
    ec = run_to_completion(x.ioc, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return read_failed(x, ec);
    const size_t got = piece.size() - parser.get().body().size;
    if (got == 0) continue;
    if (Status s = x.request.body_sink(std::string_view(piece.data(), got)); !s) return s.error();
  }
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(stream).close();
  HttpClientResponse out;
  out.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get())
    out.headers.emplace_back(text::ascii_lower(field.name_string()), std::string(field.value()));
  return out;
}

// Writes the request and reads the response on a connected (and, for TLS, handshaken) stream.
template <class Stream>
Result<HttpClientResponse> write_and_read(Exchange& x, Stream& stream,
                                          http::request<http::string_body>& req) {
  beast::get_lowest_layer(stream).expires_at(x.deadline);
  auto ec = run_to_completion(x.ioc, [&](auto handler) { http::async_write(stream, req, handler); });
  if (ec) return x.step_failed("sending the request to " + x.where(), ec);

  beast::flat_buffer buffer;
  if (x.request.body_sink && req.method() != http::verb::head) return read_streamed(x, stream, buffer);
  http::response_parser<http::string_body> parser;
  parser.header_limit(kHeaderBytesMax);
  parser.body_limit(x.request.response_body_bytes_max);
  if (req.method() == http::verb::head) parser.skip(true);
  beast::get_lowest_layer(stream).expires_at(x.deadline);
  ec = run_to_completion(x.ioc, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (ec) return read_failed(x, ec);

  // The message is complete (framed by Content-Length, chunking or the close); no TLS
  // close_notify exchange is needed to trust it, so the connection is simply closed.
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(stream).close();
  return to_response(parser.release());
}

Result<HttpClientResponse> plain_exchange(Exchange& x, http::request<http::string_body>& req) {
  beast::tcp_stream stream(x.ioc);
  if (Status s = connect(x, stream); !s) return s.error();
  return write_and_read(x, stream, req);
}

// A client context that verifies the peer against `ca_file` or the system trust store.
Result<std::unique_ptr<asio::ssl::context>> tls_context(const Exchange& x) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(asio::ssl::verify_peer);
  beast::error_code ec;
  if (!x.request.ca_file.empty()) {
    ctx->load_verify_file(x.request.ca_file, ec);
    if (ec)
      return transport_error(x.request.url,
                             "cannot load CA file " + x.request.ca_file + ": " + ec.message());
  } else {
    ctx->set_default_verify_paths(ec);
    if (ec) return transport_error(x.request.url, "cannot load the system trust store: " + ec.message());
  }
  return ctx;
}

// Names the host the certificate must be for, and sends SNI for DNS names.
Status expect_host(const Exchange& x, SSL* ssl) {
  const std::string& host = x.url.host;
  bool ok;
  if (is_ip_address(host)) {
    ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  } else {
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
  }
  if (!ok) return transport_error(x.request.url, "cannot set up TLS host verification for " + host);
  return Status::success();
}

Error handshake_failed(const Exchange& x, SSL* ssl, beast::error_code ec) {
  long verify = SSL_get_verify_result(ssl);
  if (verify == X509_V_OK || ec == beast::error::timeout)
    return x.step_failed("TLS handshake with " + x.where(), ec);
  std::string against = x.request.ca_file.empty()
                            ? "the system trust store; for a private CA pass its certificate "
                              "as the CA file"
                            : "CA file " + x.request.ca_file;
  return transport_error(x.request.url, "TLS certificate verification failed for " + x.where() +
                                            ": " + X509_verify_cert_error_string(verify) +
                                            " (checked against " + against + ")");
}

Result<HttpClientResponse> tls_exchange(Exchange& x, http::request<http::string_body>& req) {
  auto ctx = tls_context(x);
  if (!ctx) return ctx.error();
  beast::ssl_stream<beast::tcp_stream> stream(x.ioc, **ctx);
  SSL* ssl = stream.native_handle();
  if (Status s = expect_host(x, ssl); !s) return s.error();
  if (Status s = connect(x, beast::get_lowest_layer(stream)); !s) return s.error();
  beast::get_lowest_layer(stream).expires_at(x.deadline);
  auto ec = run_to_completion(x.ioc, [&](auto handler) {
    stream.async_handshake(asio::ssl::stream_base::client, handler);
  });
  if (ec) return handshake_failed(x, ssl, ec);
  return write_and_read(x, stream, req);
}

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view url) {
  HttpUrl out;
  size_t scheme_end = url.find("://");
  std::string scheme = text::ascii_lower(url.substr(0, scheme_end));
  if (scheme_end == std::string_view::npos || (scheme != "http" && scheme != "https"))
    return transport_error(url, "not an http:// or https:// URL");
  out.tls = scheme == "https";
  std::string_view rest = url.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  tail = tail.substr(0, tail.find('#'));
  if (Status s = parse_authority(url, authority, out); !s) return s.error();
  out.target = tail.empty() || tail[0] == '?' ? "/" + std::string(tail) : std::string(tail);
  if (!is_target(out.target))
    return transport_error(url, "the URL has spaces or control characters (percent-encode them)");
  return out;
}

Result<HttpClientResponse> http_request(const HttpClientRequest& request) {
  try {
    auto url = parse_http_url(request.url);
    if (!url) return url.error();
    auto req = build_request(request, *url);
    if (!req) return req.error();
    Exchange x(request, *url);
    return url->tls ? tls_exchange(x, *req) : plain_exchange(x, *req);
  } catch (const std::exception& e) {
    return transport_error(request.url, std::string("HTTP client failure: ") + e.what());
  }
}

}  // namespace scribe::server
