// The HTTP/1.1 transport: accepts connections, reads requests within the configured limits and
// timeouts, hands each complete request to an xapi::RequestHandler as a plain HttpRequest, and
// writes the HttpResponse the handler replies with (from any thread) back on the connection.
//
// Guarantees: at most one request per connection is in the handler at a time (no pipelining);
// oversized headers get 431, oversized bodies 413 (refused from Content-Length before the body is
// read), malformed requests 400, all with a JSON error body, and the connection is then closed;
// connections over limits.connections_max get 503 and are closed; idle and slow connections are
// closed after limits.idle_timeout_ms / request_timeout_ms. No Beast/Asio type leaks from here.
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scribe::server
