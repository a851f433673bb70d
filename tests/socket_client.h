// A blocking HTTP/1.1 client for tests: one connection to 127.0.0.1 with send/receive
// timeouts, so no test can hang on a silent server. Reads responses with Content-Length bodies.
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tests/support/http_wire.h"

namespace scribe::testing {

using namespace std::chrono_literals;

// A blocking client connection to 127.0.0.1 with receive/send timeouts.
class Client {
 public:
  // `source`: the local address to connect from (127.0.0.1 when null).
  explicit Client(uint16_t port, std::chrono::milliseconds timeout = 5000ms, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    set_timeout(timeout);
    connected_ = connect_loopback(fd_, port, source);
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return connected_; }

  void set_timeout(std::chrono::milliseconds t) { set_socket_timeouts(fd_, t); }

  bool send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads one response; with `head`, reads no body whatever Content-Length says.
  std::optional<Response> read_response(bool head = false) {
    return read_http_response(buf_, [this] { return fill(); }, head);
  }

  // Everything the server sends until it closes the connection (at most `max_bytes`, each read
  // under the socket timeout); what was read so far when a read fails or times out.
  std::string read_until_close(size_t max_bytes) {
    std::string out = std::move(buf_);
    buf_.clear();
    while (out.size() < max_bytes) {
      char chunk[65536];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      out.append(chunk, static_cast<size_t>(n));
    }
    return out;
  }

  // True when the server closes the connection (EOF or reset) before `within` elapses.
  bool closed_by_server(std::chrono::milliseconds within) {
    set_timeout(within);
    char c[256];
    for (int i = 0; i < 1000; ++i) {  // bounded: stray bytes are skipped
      ssize_t n = ::recv(fd_, c, sizeof c, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
    return false;
  }

 private:
  bool fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

}  // namespace scribe::testing
