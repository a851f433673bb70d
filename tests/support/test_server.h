// An in-process HttpServer for the socket-level tests: a Config that binds 127.0.0.1 on a free
// port (server.port 0) with short timeouts, a GET request, a handler that records every request
// and answers it (by default, or per test), and TestServer, which starts a server over a
// handler and stops it when it goes away.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "server/http_server.h"
#include "xapi/http_message.h"

namespace scribe::test_support {

// server.host 127.0.0.1, server.port 0 (the kernel picks), `io_threads` I/O threads, and 5 s idle
// and request timeouts.
inline Config local_server_config(int io_threads = 2) {
  Config c;
  c.server.host = "127.0.0.1";
  c.server.port = 0;
  c.server.io_threads = io_threads;
  c.limits.idle_timeout_ms = 5000;
  c.limits.request_timeout_ms = 5000;
  return c;
}

// "GET <path>" over HTTP/1.1 to Host 127.0.0.1; `extra_headers` are whole lines ending in CRLF.
inline std::string get_request(const std::string& path, const std::string& extra_headers = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

// 200 text/plain "<METHOD> <path> from <remote_address>" (for HEAD, its length and no body).
inline xapi::HttpResponse echo_response(const xapi::HttpRequest& request) {
  xapi::HttpResponse r;
  r.set_header("Content-Type", "text/plain");
  r.body = request.method + " " + request.path + " from " + request.remote_address;
  r.head_only = request.method == "HEAD";
  return r;
}

// Records every request; answers through `respond_` when a test sets it, else with `answer`.
// Replies given with reply_later() come from threads of its own, joined by join() and on
// destruction (so it must outlive the server, as HttpServer requires).
class RecordingHandler : public xapi::RequestHandler {
 public:
  using Answer = std::function<xapi::HttpResponse(const xapi::HttpRequest&)>;
  using Responder = std::function<void(xapi::HttpRequest, xapi::Reply)>;

  explicit RecordingHandler(Answer answer = echo_response) : answer_(std::move(answer)) {}
  ~RecordingHandler() override { join(); }

  void handle(xapi::HttpRequest request, xapi::Reply reply) override {
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    if (respond_) return respond_(std::move(request), std::move(reply));
    reply(answer_(request));
  }

  // Replies `r` from a thread of this handler's own after `delay` (the server can still stop).
  void reply_later(xapi::Reply reply, xapi::HttpResponse r, std::chrono::milliseconds delay) {
    std::lock_guard lock(mu_);
    threads_.emplace_back([reply = std::move(reply), r = std::move(r), delay]() mutable {
      std::this_thread::sleep_for(delay);
      reply(std::move(r));
    });
  }

  // Waits for the replies given with reply_later().
  void join() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  std::vector<xapi::HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

  Responder respond_;

 private:
  Answer answer_;
  std::mutex mu_;
  std::vector<xapi::HttpRequest> requests_;
  std::vector<std::thread> threads_;
};

// One HttpServer over `handler` (which must outlive this), started per test and stopped when
// this goes away or the next one starts. `server->` reaches the HttpServer itself.
class TestServer {
 public:
  explicit TestServer(xapi::RequestHandler& handler) : handler_(handler) {}
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // The Status of start() for `config`; the server is kept either way (port() is 0 on failure).
  Status try_start(const Config& config) {
    server_ = std::make_unique<server::HttpServer>(config, handler_);
    return server_->start();
  }
  // Starts it, failing the test unless it listens on a port.
  void start(const Config& config) {
    Status st = try_start(config);
    ASSERT_TRUE(st.ok()) << st.error().message;
    ASSERT_NE(server_->port(), 0);
  }

  uint16_t port() const { return server_->port(); }
  // "http://127.0.0.1:<port><target>", "https://..." when it serves TLS.
  std::string url(const std::string& target = "") const {
    return std::string(server_->tls() ? "https" : "http") + "://127.0.0.1:" +
           std::to_string(port()) + target;
  }
  server::HttpServer* operator->() const { return server_.get(); }
  explicit operator bool() const { return server_ != nullptr; }

 private:
  xapi::RequestHandler& handler_;
  std::unique_ptr<server::HttpServer> server_;
};

}  // namespace scribe::test_support
