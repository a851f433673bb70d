// A blocking OpenSSL TLS client for tests: one TCP connection to 127.0.0.1 with send/receive
// timeouts (so no test can hang on a silent server), a handshake that verifies the server's
// certificate against a given CA file and host (IP or DNS name), then raw HTTP/1.1 over it.
// Reads responses with Content-Length bodies (tests/support/http_wire.h, as tests/socket_client.h
// does). Also reads certificate fingerprints from PEM files, to tell which one a server uses.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "tests/support/http_wire.h"

namespace scribe::testing {

struct TlsClientOptions {
  std::string ca_file;             // trust anchor (the test's self-signed certificate); "": none
  std::string host = "127.0.0.1";  // checked against the certificate: an IP or a DNS name
  bool verify = true;              // false: accept any certificate (for handshake-only tests)
  int min_version = 0;             // TLS1_VERSION ... TLS1_3_VERSION; 0: library default
  int max_version = 0;
  int security_level = -1;         // -1: library default; 0 allows TLS 1.0/1.1 and weak suites
  std::string tls12_ciphers;       // OpenSSL cipher list for TLS <= 1.2; "": default
  std::string alpn;                // wire-format protocol list, e.g. "\x08http/1.1"; "": none
  std::chrono::milliseconds timeout{5000};
};

// Lower-case hex SHA-256 of a DER certificate ("" on failure).
inline std::string sha256_fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (cert == nullptr || X509_digest(cert, EVP_sha256(), md, &n) != 1) return "";
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// The SHA-256 fingerprint of the first certificate in a PEM file ("" when there is none).
inline std::string pem_file_fingerprint(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  std::string fp = sha256_fingerprint(cert);
  X509_free(cert);
  ERR_clear_error();
  return fp;
}

class TlsClient {
 public:
  explicit TlsClient(uint16_t port, TlsClientOptions options = {}) : options_(std::move(options)) {
    // OpenSSL writes with write(2): a server that already closed must not kill the test binary.
    ::signal(SIGPIPE, SIG_IGN);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) {
      error_ = "socket() failed";
      return;
    }
    set_timeout(options_.timeout);
    if (!connect_loopback(fd_, port)) {
      error_ = "connect() failed";
      return;
    }
    tcp_connected_ = true;
    handshake();
  }
  ~TlsClient() { close(); }
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Drops the connection without close_notify (like a client that just goes away).
  void close() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    ssl_ = nullptr;
    ctx_ = nullptr;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool tcp_connected() const { return tcp_connected_; }
  // The TLS handshake succeeded (and, with verify, the certificate was trusted for the host).
  bool connected() const { return handshake_done_; }
  // Why the handshake or the last I/O failed (OpenSSL's reasons).
  const std::string& error() const { return error_; }

  int version() const { return ssl_ ? SSL_version(ssl_) : 0; }  // TLS1_3_VERSION, ...
  std::string cipher() const {
    const char* name = ssl_ ? SSL_get_cipher_name(ssl_) : nullptr;
    return name ? name : "";
  }
  std::string alpn_selected() const {
    const unsigned char* p = nullptr;
    unsigned int n = 0;
    if (ssl_) SSL_get0_alpn_selected(ssl_, &p, &n);
    return p ? std::string(reinterpret_cast<const char*>(p), n) : "";
  }
  std::string peer_fingerprint() const {
    if (!ssl_) return "";
    X509* cert = SSL_get1_peer_certificate(ssl_);
    std::string fp = sha256_fingerprint(cert);
    X509_free(cert);
    return fp;
  }

  void set_timeout(std::chrono::milliseconds t) { set_socket_timeouts(fd_, t); }

  bool send(const std::string& data) {
    if (!handshake_done_) return false;
    size_t sent = 0;
    while (sent < data.size()) {
      size_t written = 0;
      if (SSL_write_ex(ssl_, data.data() + sent, data.size() - sent, &written) != 1) {
        error_ = "SSL_write failed: " + errors();
        return false;
      }
      sent += written;
    }
    return true;
  }

  // Reads one response; with `head`, reads no body whatever Content-Length says.
  std::optional<Response> read_response(bool head = false) {
    return read_http_response(buf_, [this] { return fill(); }, head);
  }

  // True when the server ends the connection (close_notify, EOF or reset) before `within`.
  // `clean` (if given) says whether it sent close_notify first.
  bool closed_by_server(std::chrono::milliseconds within, bool* clean = nullptr) {
    if (clean) *clean = false;
    if (!handshake_done_) return true;
    set_timeout(within);
    char c[256];
    for (int i = 0; i < 1000; ++i) {  // bounded: stray bytes are skipped
      size_t n = 0;
      if (SSL_read_ex(ssl_, c, sizeof c, &n) == 1) continue;
      int err = SSL_get_error(ssl_, 0);
      ERR_clear_error();
      if (err == SSL_ERROR_ZERO_RETURN) {
        if (clean) *clean = true;
        return true;
      }
      if (err == SSL_ERROR_SSL) return true;  // EOF without close_notify (OpenSSL 3)
      if (err == SSL_ERROR_SYSCALL) return errno == 0 || errno == ECONNRESET || errno == EPIPE;
      return false;  // SSL_ERROR_WANT_READ: the receive timeout elapsed
    }
    return false;
  }

 private:
  static std::string errors() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
      char text[256];
      ERR_error_string_n(e, text, sizeof text);
      if (!out.empty()) out += "; ";
      out += text;
    }
    return out;
  }

  void handshake() {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr) {
      error_ = "SSL_CTX_new: " + errors();
      return;
    }
    if (options_.security_level >= 0) SSL_CTX_set_security_level(ctx_, options_.security_level);
    if (options_.min_version) SSL_CTX_set_min_proto_version(ctx_, options_.min_version);
    if (options_.max_version) SSL_CTX_set_max_proto_version(ctx_, options_.max_version);
    if (!options_.tls12_ciphers.empty() &&
        SSL_CTX_set_cipher_list(ctx_, options_.tls12_ciphers.c_str()) != 1) {
      error_ = "cipher list: " + errors();
      return;
    }
    if (!options_.alpn.empty())
      SSL_CTX_set_alpn_protos(ctx_, reinterpret_cast<const unsigned char*>(options_.alpn.data()),
                              static_cast<unsigned int>(options_.alpn.size()));
    if (options_.verify) {
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
      if (SSL_CTX_load_verify_locations(ctx_, options_.ca_file.c_str(), nullptr) != 1) {
        error_ = "cannot load CA file " + options_.ca_file + ": " + errors();
        return;
      }
    }
    ssl_ = SSL_new(ctx_);
    if (ssl_ == nullptr) {
      error_ = "SSL_new: " + errors();
      return;
    }
    in_addr ip{};
    bool host_is_ip = ::inet_pton(AF_INET, options_.host.c_str(), &ip) == 1;
    if (options_.verify) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
      if (host_is_ip) X509_VERIFY_PARAM_set1_ip_asc(param, options_.host.c_str());
      else SSL_set1_host(ssl_, options_.host.c_str());
    }
    if (!host_is_ip) SSL_set_tlsext_host_name(ssl_, options_.host.c_str());
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) {
      long verify = SSL_get_verify_result(ssl_);
      error_ = "handshake failed: " + errors();
      if (verify != X509_V_OK)
        error_ += std::string(" (certificate: ") + X509_verify_cert_error_string(verify) + ")";
      return;
    }
    handshake_done_ = true;
  }

  bool fill() {
    char chunk[4096];
    size_t n = 0;
    if (SSL_read_ex(ssl_, chunk, sizeof chunk, &n) != 1) {
      error_ = "SSL_read failed: " + errors();
      return false;
    }
    buf_.append(chunk, n);
    return true;
  }

  TlsClientOptions options_;
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool tcp_connected_ = false;
  bool handshake_done_ = false;
  std::string error_;
  std::string buf_;
};

}  // namespace scribe::testing
