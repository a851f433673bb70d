// What the blocking test clients (tests/socket_client.h over TCP, tests/support/tls_client.h over
// OpenSSL) share: a TCP connection to 127.0.0.1 with send/receive timeouts, and reading one
// HTTP/1.1 response (status line, headers, Content-Length body) off a buffer that the client's
// transport tops up.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scribe::testing {

struct Response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  const std::string* header(const std::string& name) const {
    for (const auto& h : headers)
      if (h.first == name) return &h.second;
    return nullptr;
  }
};

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Sets the receive and send timeouts of socket `fd`.
inline void set_socket_timeouts(int fd, std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Connects socket `fd` to 127.0.0.1:`port`; true on success.
// From `source` (another 127.x address, so that a test can be a second client machine) when
// given.
inline bool connect_loopback(int fd, uint16_t port, const char* source = nullptr) {
  if (source) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source, &from.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
      return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

// Reads one response from the front of `buf`, calling `fill()` (which appends received bytes to
// `buf`, or returns false on EOF, error or timeout) until it is complete; what follows the
// response stays in `buf`. With `head`, reads no body whatever Content-Length says. nullopt: the
// connection ended first, the head passed 1 MiB, or it is not an HTTP response.
template <class Fill>
std::optional<Response> read_http_response(std::string& buf, Fill&& fill, bool head) {
  size_t end;
  while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (buf.size() > (1u << 20) || !fill()) return std::nullopt;
  }
  std::string head_text = buf.substr(0, end);
  buf.erase(0, end + 4);
  Response r;
  size_t line_end = head_text.find("\r\n");
  std::string status_line = head_text.substr(0, line_end);
  if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) return std::nullopt;
  r.status = std::stoi(status_line.substr(9, 3));
  size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
  while (pos < head_text.size()) {
    size_t e = head_text.find("\r\n", pos);
    if (e == std::string::npos) e = head_text.size();
    std::string line = head_text.substr(pos, e - pos);
    pos = e + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers.emplace_back(lower(line.substr(0, colon)), value);
  }
  if (head) return r;
  size_t length = 0;
  if (const auto* cl = r.header("content-length")) length = std::stoul(*cl);
  while (buf.size() < length)
    if (!fill()) return std::nullopt;
  r.body = buf.substr(0, length);
  buf.erase(0, length);
  return r;
}

}  // namespace scribe::testing
