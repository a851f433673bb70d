// The HTTP/1.1 transport: accepts connections, reads requests within the configured limits and
// timeouts, hands each complete request to an xapi::RequestHandler as a plain HttpRequest, and
// writes the HttpResponse the handler replies with (from any thread) back on the connection.
//
// Guarantees: at most one request per connection is in the handler at a time (no pipelining);
// oversized headers get 431, oversized bodies 413 (refused from Content-Length before the body is
// read), malformed requests 400, all with a JSON error body, and the connection is then closed;
// connections over limits.connections_max get 503 and are closed; idle and slow connections are
// closed after limits.idle_timeout_ms / request_timeout_ms. Every request carries the peer's IP
// address (remote_address; an IPv4-mapped IPv6 peer is given as plain IPv4). A response with a
// BodyStream (xapi/http_message.h) is sent chunked (HTTP/1.0: delimited by the close), pulling
// the next chunk only once the previous one is written, each write under
// limits.request_timeout_ms; a stream that fails closes the connection without the last chunk.
// No Beast/Asio type leaks from here.
//
// TLS: with both server.tls_cert_file and server.tls_key_file set the listener speaks only HTTPS
// (a plaintext request on it is never served): TLS 1.2 or 1.3 (1.3 preferred), TLS 1.2 limited
// to forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305, server's order), no
// renegotiation, no compression. Before anything is bound, start() refuses (with an Error naming
// the config key and the file) a lone cert or key, an unreadable or non-PEM file, a certificate
// outside its validity period and a key that does not match it; reload_tls() applies the same
// checks. The handshake runs under limits.request_timeout_ms and a failed one just closes; every
// other behaviour above (limits, 503 after the handshake, keep-alive, HEAD, 100-continue) is the
// same as over plain TCP; after a reply that ends the connection (Connection: close, an error
// reply, 503) the server sends close_notify before closing (timeouts and stop() just close).
// Client certificates are not requested.
#pragma once

#include <cstdint>
#include <memory>

#include "common/config.h"
#include "common/result.h"
#include "xapi/http_message.h"

namespace scribe::server {

class HttpServer {
 public:
  // `handler` must outlive the server (and any reply still pending when it stops).
  HttpServer(const Config& config, xapi::RequestHandler& handler);
  ~HttpServer();  // stops the server if running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds config.server.host:port (port 0 = ephemeral) and starts the io threads.
  Status start();
  // The bound port (0 before a successful start()).
  uint16_t port() const;
  // Closes the listener and all connections and joins the io threads. Idempotent; call it from
  // any thread but an io thread (not from inside RequestHandler::handle). Replies arriving
  // after stop() are dropped.
  void stop();
  // Blocks until stop() has been called (returns at once if it already was).
  void wait();

  // True when the server speaks HTTPS: both server.tls_cert_file and server.tls_key_file are set.
  bool tls() const;
  // Re-reads and re-checks server.tls_cert_file and server.tls_key_file (the checks start()
  // makes). On success connections accepted from now on use the new certificate and key, while
  // open connections keep theirs and are not interrupted; on failure returns the Error and the
  // certificate in use stays. Success and no effect when TLS is off. Safe from any thread (not
  // async-signal-safe: call it from a thread that handles the signal, not a signal handler).
  Status reload_tls();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scribe::server
