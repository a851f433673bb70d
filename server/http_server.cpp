// HttpServer: Boost.Beast async HTTP/1.1 server, over plain TCP or TLS (OpenSSL). All Beast/Asio
// code of Scribe lives in this one translation unit (compile time); see http_server.h for what it
// guarantees.
//
// Shape (after the Beast async server example): one acceptor on its own strand, one Session per
// connection on its own strand; Session is a template on its stream (beast::tcp_stream or
// beast::ssl_stream over it), so both transports share every line of the HTTP handling. A TLS
// session first runs the server handshake under the request timeout. A session waits for the
// first bytes of a request under the idle timeout, reads the header then the body under the
// request timeout, hands the request to the handler and does nothing until the handler's reply
// has been posted back to its strand and written. Errors that end a connection are answered with
// a JSON body, then (after a TLS close_notify) the send side is shut down and the socket briefly
// drained so the client reads the answer instead of a reset.
//
// TLS contexts: make_tls_context() reads both files into memory once, checks them (PEM, validity
// period of the leaf, key matches) and builds an ssl::context from those bytes, so what was
// checked is what is served. The current context sits behind a mutex in Shared; each TLS session
// holds a shared_ptr to the one it was accepted with, so reload_tls() swaps the pointer without
// touching open connections, and an old context is freed with its last connection.
#include "server/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/json.h"
#include "common/thread_name.h"

namespace scribe::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// After an error reply we read and discard what the client still sends for at most this long
// (and this many bytes), so that closing does not turn into a reset that eats the reply.
constexpr std::chrono::milliseconds kDrainTime{1000};
constexpr size_t kDrainBytesMax = 4u << 20;
// Connections refused over connections_max that may be answering 503 at the same time; past
// this they are closed without an answer.
constexpr uint32_t kRejectingMax = 64;

xapi::HttpResponse error_response(int status, std::string_view message) {
  xapi::HttpResponse r;
  r.status = status;
  r.set_header("Content-Type", "application/json");
  r.body = "{\"error\":{\"status\":" + std::to_string(status) + ",\"message\":";
  json::append_quoted(message, r.body);
  r.body += "}}";
  return r;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in`; in a query `+` means a space. False on a malformed escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

// Splits a request target into a decoded path and decoded query pairs. Accepts origin-form
// ("/a/b?x=1"), absolute-form ("http://host/a?x=1") and "*". Returns an error message or "".
std::string parse_target(std::string_view target, xapi::HttpRequest& req) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && iequals(target.substr(0, scheme.size()), scheme)) {
      target.remove_prefix(scheme.size());
      size_t slash = target.find_first_of("/?");
      // "http://host?x=1" has an empty path, made "/" below.
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  if (path.empty()) path = "/";
  if (path != "*" && path[0] != '/') return "request target must start with '/'";
  if (!percent_decode(path, req.path, false)) return "malformed percent-encoding in path";
  if (req.path.find('\0') != std::string::npos) return "NUL in path";
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string name, value;
    if (!percent_decode(piece.substr(0, eq), name, true) ||
        (eq != std::string_view::npos && !percent_decode(piece.substr(eq + 1), value, true)))
      return "malformed percent-encoding in query";
    req.query.emplace_back(std::move(name), std::move(value));
  }
  return "";
}

// ---- TLS configuration ------------------------------------------------------------------------

using SslContextPtr = std::shared_ptr<asio::ssl::context>;
using SslStream = beast::ssl_stream<beast::tcp_stream>;

// Certificate and key files larger than this are refused unread (a PEM chain is a few KB).
constexpr size_t kTlsFileBytesMax = 1u << 20;
// A closing TLS connection spends at most this long sending its close_notify (then drains as a
// plain one does).
constexpr std::chrono::milliseconds kTlsShutdownTime{1000};
// TLS 1.2: Mozilla "intermediate" without DHE: forward-secret ECDHE key exchange, AEAD only.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kTlsGroups = "X25519:P-256:P-384";

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Drains OpenSSL's error queue of this thread into "reason; reason" ("" when it is empty).
std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out;
}

// Never asks for a passphrase (OpenSSL's default would prompt on the terminal).
int no_passphrase(char*, int, int, void*) { return -1; }

// "2020-01-02T00:00:00Z", or "an unreadable date".
std::string iso8601(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "an unreadable date";
  char text[80];  // ints of any size fit
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return text;
}

// One of the two configured files: the key that names it and its path, for messages.
struct TlsFile {
  const char* key;
  const std::string& path;
  Error error(const std::string& what) const {
    return Error{500, "", std::string(key) + " " + path + ": " + what};
  }
};

Result<std::string> read_tls_file(const TlsFile& f) {
  std::FILE* file = std::fopen(f.path.c_str(), "rb");
  if (file == nullptr) return f.error(std::string("cannot open: ") + std::strerror(errno));
  std::string data;
  char chunk[16384];
  for (;;) {
    size_t n = std::fread(chunk, 1, sizeof chunk, file);
    data.append(chunk, n);
    if (data.size() > kTlsFileBytesMax) {
      std::fclose(file);
      return f.error("larger than " + std::to_string(kTlsFileBytesMax) +
                     " bytes, not a PEM file");
    }
    if (n < sizeof chunk) break;
  }
  int read_errno = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (read_errno != 0) return f.error(std::string("cannot read: ") + std::strerror(read_errno));
  return data;
}

BioPtr memory_bio(const std::string& data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// True when the last PEM read failed only because no further PEM block of the kind was found.
bool pem_ran_out() {
  unsigned long e = ERR_peek_last_error();
  return ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

// Reads and checks both files and builds the server context: exactly one of them set, a file
// that cannot be read or holds no PEM certificate / private key, a leaf certificate outside its
// validity period or a key that is not the certificate's are Errors naming key and path.
Result<SslContextPtr> make_tls_context(const Config& config) {
  const TlsFile cert{"server.tls_cert_file", config.server.tls_cert_file};
  const TlsFile key{"server.tls_key_file", config.server.tls_key_file};
  if (cert.path.empty() != key.path.empty()) {
    const TlsFile& set = cert.path.empty() ? key : cert;
    const TlsFile& unset = cert.path.empty() ? cert : key;
    return Error{500, "", std::string(set.key) + " is set (" + set.path + ") but " + unset.key +
                              " is not: set both to serve HTTPS, or neither for plain HTTP"};
  }
  ERR_clear_error();

  Result<std::string> cert_pem = read_tls_file(cert);
  if (!cert_pem) return cert_pem.error();
  Result<std::string> key_pem = read_tls_file(key);
  if (!key_pem) return key_pem.error();

  // The leaf (first certificate), then any intermediates after it.
  BioPtr cert_bio = memory_bio(*cert_pem);
  if (!cert_bio) return cert.error("out of memory: " + openssl_errors());
  X509Ptr leaf(PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr));
  if (!leaf) {
    if (pem_ran_out()) {
      ERR_clear_error();
      return cert.error("not a PEM certificate (no \"-----BEGIN CERTIFICATE-----\" block)");
    }
    return cert.error("malformed PEM certificate: " + openssl_errors());
  }
  std::vector<X509Ptr> chain;
  for (size_t i = 0; i < 64; ++i) {  // bounded; real chains have one to three intermediates
    X509Ptr next(PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr));
    if (!next) {
      if (!pem_ran_out())
        return cert.error("malformed certificate #" + std::to_string(i + 2) + " in the chain: " +
                          openssl_errors());
      ERR_clear_error();
      break;
    }
    chain.push_back(std::move(next));
  }

  const ASN1_TIME* not_before = X509_get0_notBefore(leaf.get());
  const ASN1_TIME* not_after = X509_get0_notAfter(leaf.get());
  int before_cmp = X509_cmp_current_time(not_before);
  int after_cmp = X509_cmp_current_time(not_after);
  if (before_cmp == 0 || after_cmp == 0)
    return cert.error("certificate has an unreadable validity period");
  if (after_cmp < 0) return cert.error("certificate expired on " + iso8601(not_after));
  if (before_cmp > 0) return cert.error("certificate is not valid before " + iso8601(not_before));

  BioPtr key_bio = memory_bio(*key_pem);
  if (!key_bio) return key.error("out of memory: " + openssl_errors());
  PkeyPtr pkey(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr));
  if (!pkey) {
    std::string why = openssl_errors();
    if (key_pem->find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos ||
        key_pem->find("Proc-Type: 4,ENCRYPTED") != std::string::npos)
      return key.error("the private key is encrypted (passphrases are not supported)");
    if (key_pem->find("PRIVATE KEY-----") == std::string::npos)
      return key.error("not a PEM private key (no \"-----BEGIN ... PRIVATE KEY-----\" block)");
    return key.error("no readable PEM private key: " + why);
  }

  SslContextPtr ctx;
  try {
    ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Error{500, "", std::string("cannot create a TLS context: ") + e.what()};
  }
  SSL_CTX* c = ctx->native_handle();
  auto setup_failed = [](const char* what) {
    return Error{500, "", std::string("cannot set up TLS (") + what + "): " + openssl_errors()};
  };
  if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1) return setup_failed("TLS 1.2 minimum");
  if (SSL_CTX_set_max_proto_version(c, 0) != 1) return setup_failed("highest version maximum");
  SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                             SSL_OP_PRIORITIZE_CHACHA | SSL_OP_NO_COMPRESSION);
  if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1) return setup_failed("TLS 1.2 ciphers");
  if (SSL_CTX_set_ciphersuites(c, kTls13Suites) != 1) return setup_failed("TLS 1.3 suites");
  if (SSL_CTX_set1_groups_list(c, kTlsGroups) != 1) return setup_failed("key exchange groups");
  // ALPN: name http/1.1 when the client offers it; a client offering only other protocols (h2)
  // gets no ALPN answer rather than a failed handshake.
  SSL_CTX_set_alpn_select_cb(
      c,
      [](SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
         unsigned int in_len, void*) -> int {
        static const unsigned char kHttp11[] = "\x08http/1.1";
        unsigned char* selected = nullptr;
        if (SSL_select_next_proto(&selected, out_len, kHttp11, sizeof kHttp11 - 1, in, in_len) !=
            OPENSSL_NPN_NEGOTIATED)
          return SSL_TLSEXT_ERR_NOACK;
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
      },
      nullptr);

  if (SSL_CTX_use_certificate(c, leaf.get()) != 1)
    return cert.error("cannot use the certificate: " + openssl_errors());
  for (const auto& x : chain)
    if (SSL_CTX_add1_chain_cert(c, x.get()) != 1)
      return cert.error("cannot use a chain certificate: " + openssl_errors());
  const std::string mismatch =
      "private key does not match the certificate in " + std::string(cert.key) + " " + cert.path;
  if (SSL_CTX_use_PrivateKey(c, pkey.get()) != 1) {
    std::string why = openssl_errors();
    if (X509_check_private_key(leaf.get(), pkey.get()) != 1) {
      ERR_clear_error();
      return key.error(mismatch);
    }
    return key.error("cannot use the private key: " + why);
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    ERR_clear_error();
    return key.error(mismatch);
  }
  return ctx;
}

// ---- Connections ------------------------------------------------------------------------------

// What stop() needs of a session whatever its stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection from any thread (server stop).
  virtual void close_async() = 0;
};

// What the server and its sessions share. Sessions hold it, so it outlives a server whose
// handler still holds a reply.
struct Shared {
  Shared(const Config& c, xapi::RequestHandler& h, int threads)
      : config(c),
        handler(h),
        tls(!c.server.tls_cert_file.empty() && !c.server.tls_key_file.empty()),
        ioc(threads) {}

  const Config config;
  xapi::RequestHandler& handler;
  const bool tls;  // both files set: every connection is a TLS one
  asio::io_context ioc;
  std::atomic<bool> stopping{false};

  std::mutex tls_mu;           // guards tls_context
  SslContextPtr tls_context;   // for new connections; each session holds the one it started with

  std::mutex mu;
  std::condition_variable cv;                                  // signalled when open drops
  uint32_t open = 0;                                           // counted connections
  std::unordered_map<std::string, uint32_t> open_by_address;   // counted connections per peer
  uint32_t rejecting = 0;                                      // connections answering 503
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions;  // for stop()

  SslContextPtr current_tls_context() {
    std::lock_guard lock(tls_mu);
    return tls_context;
  }
  // Under mu: a counted connection from `address` ended.
  void release_slot(const std::string& address) {
    --open;
    auto it = open_by_address.find(address);
    if (it != open_by_address.end() && --it->second == 0) open_by_address.erase(it);
  }
};

// The peer's address as text; an IPv4-mapped IPv6 address as plain IPv4. "" if the socket has
// no peer any more (reset before we looked).
std::string peer_address(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "";
  asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  return address.to_string(ec);
}

// One connection over Stream: beast::tcp_stream (plain HTTP) or SslStream (HTTPS).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, SslStream>;

 public:
  // `tls_context` is the context of a TLS session (null for plain ones); the session keeps it.
  Session(std::shared_ptr<Shared> shared, tcp::socket&& socket, SslContextPtr tls_context,
          uint64_t id, bool counted)
      : sh_(std::move(shared)),
        tls_context_(std::move(tls_context)),
        remote_address_(peer_address(socket)),
        stream_(make_stream(std::move(socket), tls_context_.get())),
        id_(id),
        counted_(counted) {}

  ~Session() override { finish(); }

  // Serves requests until the connection ends.
  void run() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) self->handshake(&Session::wait_for_request);
      else self->wait_for_request();
    });
  }

  // Answers 503 and closes (connection over the limit); over TLS after the handshake.
  void reject() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) self->handshake(&Session::write_rejection);
      else self->write_rejection();
    });
  }

  void close_async() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

  // Called by the reply: hops onto the strand and writes there.
  void post_response(xapi::HttpResponse response) {
    if (sh_->stopping.load()) return;  // the connection is being closed anyway
    asio::post(stream_.get_executor(),
               [self = this->shared_from_this(), r = std::move(response)]() mutable {
                 self->write_response(std::move(r));
               });
  }

 private:
  // Guarantees that the handler's reply is used exactly once, and that a reply dropped without
  // being called still answers (500) rather than leaving the connection hanging.
  struct ReplyOnce {
    explicit ReplyOnce(std::shared_ptr<Session> s) : session(std::move(s)) {}
    ~ReplyOnce() {
      if (!done.exchange(true))
        session->post_response(error_response(500, "the request handler dropped its reply"));
    }
    void fire(xapi::HttpResponse r) {
      if (!done.exchange(true)) session->post_response(std::move(r));
    }
    std::shared_ptr<Session> session;
    std::atomic<bool> done{false};
  };

  static Stream make_stream(tcp::socket&& socket, asio::ssl::context* tls_context) {
    if constexpr (kTls) return Stream(std::move(socket), *tls_context);
    else return Stream(std::move(socket));
  }

  const Config::Limits& limits() const { return sh_->config.limits; }
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  // TLS only: the server handshake under the request timeout, then `next`; a failed or slow
  // handshake (plaintext client, no common version or cipher) just closes.
  void handshake(void (Session::*next)()) {
    tcp().expires_after(std::chrono::milliseconds(limits().request_timeout_ms));
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = this->shared_from_this(), next](beast::error_code ec) {
                              if (self->closed_) return;
                              if (ec) return self->close();
                              ((*self).*next)();
                            });
  }

  void write_rejection() {
    keep_alive_ = false;
    write_response(error_response(503, "too many connections (limits.connections_max = " +
                                           std::to_string(limits().connections_max) +
                                           ", limits.connections_per_address_max = " +
                                           std::to_string(limits().connections_per_address_max) + ")"));
  }

  void wait_for_request() {
    if (closed_) return;
    if (buffer_.size() > 0) return read_header();  // bytes of the next request already here
    tcp().expires_after(std::chrono::milliseconds(limits().idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (self->closed_) return;
                              if (ec) return self->close();  // timeout, EOF, reset
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(limits().header_bytes_max);
    parser_->body_limit(limits().body_bytes_max);
    // The request line and headers within header_timeout_ms (a slowloris is cut then); the body
    // gets request_timeout_ms of its own (read_body).
    tcp().expires_after(std::chrono::milliseconds(limits().header_timeout_ms));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (closed_) return;
    if (ec) return on_read_error(ec);
    const auto& req = parser_->get();
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && !iequals(expect->value(), "100-continue")) {
      // RFC 9110 10.1.1: an expectation this server cannot meet; the body (if any) is not read.
      keep_alive_ = false;
      version_ = req.version();
      return write_response(error_response(417, "the only expectation this server meets is Expect: 100-continue"));
    }
    if (parser_->is_done()) return on_request();
    // The parser already refused a Content-Length over body_limit; a client that waits for
    // "100 Continue" before sending the body gets it now.
    if (expect != req.end() && iequals(expect->value(), "100-continue") &&
        req.version() >= 11) {
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue, sizeof(kContinue) - 1),
                        [self = this->shared_from_this()](beast::error_code ec2, size_t) {
                          if (self->closed_) return;
                          if (ec2) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    tcp().expires_after(std::chrono::milliseconds(limits().request_timeout_ms));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (self->closed_) return;
                       if (ec) return self->on_read_error(ec);
                       self->on_request();
                     });
  }

  void on_read_error(beast::error_code ec) {
    keep_alive_ = false;
    if (ec == http::error::header_limit) {
      return write_response(error_response(
          431, "request headers exceed limits.header_bytes_max (" +
                   std::to_string(limits().header_bytes_max) + " bytes)"));
    }
    if (ec == http::error::body_limit) {
      return write_response(error_response(
          413, "request body exceeds limits.body_bytes_max (" +
                   std::to_string(limits().body_bytes_max) + " bytes)"));
    }
    // Anything outside the HTTP parser's category (TLS, socket) ends the connection unanswered.
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == beast::error::timeout || ec.category() != http::make_error_code(http::error::bad_target).category())
      return close();  // the peer went away, stalled, or the socket failed
    write_response(error_response(400, "malformed HTTP request: " + ec.message()));
  }

  void on_request() {
    auto& req = parser_->get();
    xapi::HttpRequest r;
    r.method.reserve(req.method_string().size());
    for (char c : req.method_string()) r.method += upper(c);
    std::string bad = parse_target(req.target(), r);
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    head_ = r.method == "HEAD";
    if (!bad.empty()) {
      keep_alive_ = false;
      parser_.reset();
      return write_response(error_response(400, "bad request target: " + bad));
    }
    r.headers.reserve(std::distance(req.begin(), req.end()));
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (char& c : name) c = lower(c);
      r.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    r.body = std::move(req.body());
    r.remote_address = remote_address_;
    parser_.reset();

    auto once = std::make_shared<ReplyOnce>(this->shared_from_this());
    try {
      sh_->handler.handle(std::move(r),
                          [once](xapi::HttpResponse res) { once->fire(std::move(res)); });
    } catch (const std::exception& e) {
      once->fire(error_response(500, std::string("internal error: ") + e.what()));
    } catch (...) {
      once->fire(error_response(500, "internal error"));
    }
  }

  void write_response(xapi::HttpResponse r) {
    if (closed_) return;
    res_ = {};
    res_.version(version_);
    unsigned status = r.status >= 100 && r.status <= 999 ? static_cast<unsigned>(r.status) : 500u;
    res_.result(status);
    try {
      for (auto& [name, value] : r.headers) {
        if (iequals(name, "content-length") || iequals(name, "transfer-encoding")) continue;
        if (iequals(name, "connection")) {
          if (value.find("close") != std::string::npos) keep_alive_ = false;
          continue;
        }
        res_.insert(name, value);
      }
    } catch (const std::exception&) {
      // A header Beast refuses (invalid characters): answer 500 rather than send it.
      res_ = {};
      res_.version(version_);
      res_.result(500u);
      r = error_response(500, "the response had an invalid header");
      res_.set(http::field::content_type, "application/json");
      status = 500;
    }
    bool no_body = status < 200 || status == 204;
    if (r.stream && !no_body) return write_stream(std::move(r.stream), head_ || r.head_only);
    if (!no_body) res_.content_length(r.body.size());
    if (!no_body && !head_ && !r.head_only) res_.body() = std::move(r.body);
    res_.keep_alive(keep_alive_);
    tcp().expires_after(std::chrono::milliseconds(limits().request_timeout_ms));
    http::async_write(stream_, res_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (self->closed_) return;
                        if (ec) return self->close();
                        self->response_done();
                      });
  }

  // After a response is on the wire: the next request, or the end of the connection.
  void response_done() {
    header_serializer_.reset();
    res_ = {};
    if (!keep_alive_) return graceful_close();
    head_ = false;
    wait_for_request();
  }

  // A streamed body (xapi::BodyStream): the header (chunked; HTTP/1.0: close-delimited), then
  // one chunk at a time, the next pulled only once the previous one is written.
  void write_stream(std::shared_ptr<xapi::BodyStream> body, bool header_only) {
    body_stream_ = std::move(body);
    chunked_ = version_ >= 11;
    if (chunked_) res_.chunked(true);
    else if (!header_only) keep_alive_ = false;
    res_.keep_alive(keep_alive_);
    header_serializer_.emplace(res_);
    tcp().expires_after(std::chrono::milliseconds(limits().request_timeout_ms));
    http::async_write_header(stream_, *header_serializer_,
                             [self = this->shared_from_this(), header_only](beast::error_code ec, size_t) {
                               if (self->closed_) return;
                               if (ec) return self->close();
                               if (!header_only) return self->pull_chunk();
                               self->body_stream_.reset();
                               self->response_done();
                             });
  }

  void pull_chunk() {
    body_stream_->next([self = this->shared_from_this()](std::string chunk, xapi::BodyStream::Step step) {
      if (self->sh_->stopping.load()) return;
      asio::post(self->stream_.get_executor(), [self, chunk = std::move(chunk), step]() mutable {
        self->write_chunk(std::move(chunk), step);
      });
    });
  }

  void write_chunk(std::string chunk, xapi::BodyStream::Step step) {
    using Step = xapi::BodyStream::Step;
    if (closed_) return;
    // A failed stream ends the connection without the last chunk: the body reads as truncated.
    if (step == Step::failed) return close();
    const bool last = step == Step::last;
    if (chunk.empty() && !last) return pull_chunk();  // an empty chunk would end the body
    chunk_ = std::move(chunk);
    chunk_head_.clear();
    chunk_tail_.clear();
    if (chunked_ && !chunk_.empty()) {
      char hex[20];
      int n = std::snprintf(hex, sizeof hex, "%zx\r\n", chunk_.size());
      chunk_head_.assign(hex, size_t(n));
      chunk_tail_ = "\r\n";
    }
    if (chunked_ && last) chunk_tail_ += "0\r\n\r\n";
    std::array<asio::const_buffer, 3> buffers{asio::buffer(chunk_head_), asio::buffer(chunk_),
                                              asio::buffer(chunk_tail_)};
    tcp().expires_after(std::chrono::milliseconds(limits().request_timeout_ms));
    asio::async_write(stream_, buffers,
                      [self = this->shared_from_this(), last](beast::error_code ec, size_t) {
                        if (self->closed_) return;
                        if (ec) return self->close();
                        if (!last) return self->pull_chunk();
                        self->body_stream_.reset();
                        self->chunk_ = {};
                        self->response_done();
                      });
  }

  // Shuts down our side, then reads (and discards) briefly until the peer closes. TLS sends
  // close_notify first, one way: OpenSSL's two-way shutdown fails on application data the peer
  // is still sending (a refused body), so the drain below discards those bytes instead.
  void graceful_close() {
    if constexpr (kTls) {
      // Marks the peer's close_notify as received so SSL_shutdown only sends ours.
      SSL_set_shutdown(stream_.native_handle(), SSL_RECEIVED_SHUTDOWN);
      tcp().expires_after(kTlsShutdownTime);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code ec) {
        if (self->closed_) return;
        if (ec) return self->close();
        self->shutdown_and_drain();
      });
    } else {
      shutdown_and_drain();
    }
  }

  void shutdown_and_drain() {
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    tcp().expires_after(kDrainTime);
    drain();
  }

  // Below TLS: raw bytes (records, the peer's close_notify) are discarded unread.
  void drain() {
    tcp().async_read_some(asio::buffer(drain_buf_),
                          [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                            if (self->closed_) return;
                            self->drained_ += n;
                            if (ec || self->drained_ > kDrainBytesMax) return self->close();
                            self->drain();
                          });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    body_stream_.reset();  // a producer still running delivers into a closed session
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp().socket().close(ec);
    finish();
  }

  // Gives the connection's slot back (once).
  void finish() {
    if (finished_) return;
    finished_ = true;
    std::lock_guard lock(sh_->mu);
    if (counted_) sh_->release_slot(remote_address_);
    else --sh_->rejecting;
    sh_->sessions.erase(id_);
    sh_->cv.notify_all();
  }

  std::shared_ptr<Shared> sh_;
  const SslContextPtr tls_context_;  // declared before stream_: outlives the TLS stream
  const std::string remote_address_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  // A streamed response: its header's serializer (refers to res_), its body, the chunk on the
  // wire with its framing.
  std::optional<http::response_serializer<http::string_body>> header_serializer_;
  std::shared_ptr<xapi::BodyStream> body_stream_;
  std::string chunk_, chunk_head_, chunk_tail_;
  bool chunked_ = true;
  std::array<char, 4096> drain_buf_{};
  size_t drained_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;
  bool closed_ = false;
  bool finished_ = false;
  const uint64_t id_;
  const bool counted_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(const Config& config, xapi::RequestHandler& handler)
      : threads_wanted(config.server.io_threads > 0
                           ? config.server.io_threads
                           : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))),
        sh(std::make_shared<Shared>(config, handler, threads_wanted)),
        acceptor(asio::make_strand(sh->ioc)),
        retry_timer(acceptor.get_executor()) {}

  const int threads_wanted;
  std::shared_ptr<Shared> sh;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;  // after accept errors such as EMFILE
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::atomic<uint16_t> port{0};
  bool started = false;

  std::mutex mu;  // guards stopped, running_threads
  std::condition_variable cv;
  bool stopped = false;
  int running_threads = 0;

  void do_accept() {
    acceptor.async_accept(asio::make_strand(sh->ioc),
                          [this](beast::error_code ec, tcp::socket socket) {
                            on_accept(ec, std::move(socket));
                          });
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (sh->stopping.load() || !acceptor.is_open()) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      retry_timer.expires_after(std::chrono::milliseconds(20));
      retry_timer.async_wait([this](beast::error_code wec) {
        if (!wec && !sh->stopping.load()) do_accept();
      });
      return;
    }
    // (tls_mu and mu are never held together.)
    SslContextPtr tls_context = sh->tls ? sh->current_tls_context() : nullptr;
    bool counted = false;
    uint64_t id = 0;
    const std::string address = peer_address(socket);
    {
      std::lock_guard lock(sh->mu);
      auto from_address = sh->open_by_address.try_emplace(address, 0).first;
      if (sh->open < sh->config.limits.connections_max &&
          from_address->second < sh->config.limits.connections_per_address_max) {
        counted = true;
        ++sh->open;
        ++from_address->second;
      } else if (from_address->second == 0) {
        sh->open_by_address.erase(from_address);
      }
      if (!counted && sh->rejecting < kRejectingMax) {
        ++sh->rejecting;
      } else if (!counted) {
        beast::error_code ignored;
        socket.close(ignored);
        do_accept();
        return;
      }
      id = sh->next_id++;
    }
    if (sh->tls)
      start_session<Session<SslStream>>(std::move(socket), std::move(tls_context), id, counted, address);
    else
      start_session<Session<beast::tcp_stream>>(std::move(socket), nullptr, id, counted, address);
    do_accept();
  }

  // Makes, registers and starts the session that owns the slot counted in on_accept.
  template <class S>
  void start_session(tcp::socket socket, SslContextPtr tls_context, uint64_t id, bool counted,
                     const std::string& address) {
    std::shared_ptr<S> session;
    try {
      session = std::make_shared<S>(sh, std::move(socket), std::move(tls_context), id, counted);
    } catch (const std::exception&) {
      // Out of memory, or OpenSSL could not make the connection's SSL object. No session was
      // made to give the slot back, so it is given back here; the socket closes with `socket`.
      std::lock_guard lock(sh->mu);
      if (counted) sh->release_slot(address);
      else --sh->rejecting;
      sh->cv.notify_all();
      return;
    }
    try {
      {
        std::lock_guard lock(sh->mu);
        sh->sessions.emplace(id, session);
      }
      if (counted) session->run();
      else session->reject();
    } catch (const std::exception&) {
      // Out of memory: dropping the session closes it and gives the slot back.
    }
  }
};

HttpServer::HttpServer(const Config& config, xapi::RequestHandler& handler)
    : impl_(std::make_unique<Impl>(config, handler)) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  Impl& m = *impl_;
  if (m.started) return Error{500, "", "the HTTP server was already started"};
  const auto& s = m.sh->config.server;
  if (!s.tls_cert_file.empty() || !s.tls_key_file.empty()) {
    // Checked before binding: a bad certificate never leaves a listener up.
    Result<SslContextPtr> tls_context = make_tls_context(m.sh->config);
    if (!tls_context) return tls_context.error();
    std::lock_guard lock(m.sh->tls_mu);
    m.sh->tls_context = std::move(*tls_context);
  }

  const std::string where = s.host + ":" + std::to_string(s.port);
  beast::error_code ec;
  tcp::endpoint endpoint;
  auto address = asio::ip::make_address(s.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, s.port);
  } else {
    tcp::resolver resolver(m.sh->ioc);
    auto results = resolver.resolve(s.host, std::to_string(s.port), ec);
    if (ec || results.empty())
      return Error{500, "", "cannot resolve server.host '" + s.host + "': " + ec.message()};
    endpoint = results.begin()->endpoint();
  }
  auto fail = [&](const char* what) {
    beast::error_code ignored;
    m.acceptor.close(ignored);
    return Status(Error{500, "", std::string("cannot ") + what + " " + where + ": " + ec.message()});
  };
  m.acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open a socket for");
  m.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("set SO_REUSEADDR for");
  m.acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  m.port = m.acceptor.local_endpoint(ec).port();
  if (ec) return fail("read the bound port of");

  m.started = true;
  m.work.emplace(m.sh->ioc.get_executor());
  m.do_accept();
  {
    std::lock_guard lock(m.mu);
    m.running_threads = m.threads_wanted;
  }
  for (int i = 0; i < m.threads_wanted; ++i) {
    m.threads.emplace_back([&m, i] {
      name_this_thread("scribe-io-" + std::to_string(i));
      for (;;) {
        try {
          m.sh->ioc.run();
          break;
        } catch (...) {
          // A handler threw (should not happen): keep the thread serving.
        }
      }
      std::lock_guard lock(m.mu);
      --m.running_threads;
      m.cv.notify_all();
    });
  }
  return Status::success();
}

uint16_t HttpServer::port() const { return impl_->port.load(); }

void HttpServer::stop() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    if (m.stopped) return;
    m.stopped = true;
    m.cv.notify_all();
  }
  if (!m.started) return;
  m.sh->stopping = true;

  asio::post(m.acceptor.get_executor(), [&m] {
    beast::error_code ignored;
    m.acceptor.close(ignored);
    m.retry_timer.cancel();
  });
  std::vector<std::shared_ptr<SessionBase>> sessions;
  {
    std::lock_guard lock(m.sh->mu);
    for (auto& [id, weak] : m.sh->sessions)
      if (auto s = weak.lock()) sessions.push_back(std::move(s));
  }
  for (auto& s : sessions) s->close_async();
  sessions.clear();
  {
    std::unique_lock lock(m.sh->mu);
    m.sh->cv.wait_for(lock, std::chrono::seconds(2), [&] { return m.sh->open == 0; });
  }
  // With the listener and connections closed the io_context runs out of work; force it if a
  // straggler keeps it busy.
  m.work.reset();
  {
    std::unique_lock lock(m.mu);
    if (!m.cv.wait_for(lock, std::chrono::seconds(2), [&] { return m.running_threads == 0; }))
      m.sh->ioc.stop();
  }
  for (auto& t : m.threads)
    if (t.joinable()) t.join();
  m.threads.clear();
}

bool HttpServer::tls() const { return impl_->sh->tls; }

Status HttpServer::reload_tls() {
  Shared& sh = *impl_->sh;
  if (!sh.tls) return Status::success();
  Result<SslContextPtr> tls_context = make_tls_context(sh.config);
  if (!tls_context) return tls_context.error();
  SslContextPtr old;
  {
    std::lock_guard lock(sh.tls_mu);
    old = std::exchange(sh.tls_context, std::move(*tls_context));
  }
  // `old` (when no connection holds it any more) is freed here, outside the lock.
  return Status::success();
}

void HttpServer::wait() {
  Impl& m = *impl_;
  std::unique_lock lock(m.mu);
  m.cv.wait(lock, [&] { return m.stopped; });
}

}  // namespace scribe::server
