// HttpServer: Boost.Beast async HTTP/1.1 server. All Beast/Asio code of Scribe lives in this one
// translation unit (compile time); see http_server.h for what it guarantees.
//
// Shape (after the Beast async server example): one acceptor on its own strand, one Session per
// connection on its own strand. A session waits for the first bytes of a request under the idle
// timeout, reads the header then the body under the request timeout, hands the request to the
// handler and does nothing until the handler's reply has been posted back to its strand and
// written. Errors that end a connection are answered with a JSON body, then the send side is shut
// down and the socket briefly drained so the client reads the answer instead of a reset.
#include "server/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
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

class Session;

// What the server and its sessions share. Sessions hold it, so it outlives a server whose
// handler still holds a reply.
struct Shared {
  Shared(const Config& c, xapi::RequestHandler& h, int threads)
      : config(c), handler(h), ioc(threads) {}

  const Config config;
  xapi::RequestHandler& handler;
  asio::io_context ioc;
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable cv;                                  // signalled when open drops
  uint32_t open = 0;                                           // counted connections
  uint32_t rejecting = 0;                                      // connections answering 503
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;  // for stop()
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Shared> shared, tcp::socket&& socket, uint64_t id, bool counted)
      : sh_(std::move(shared)), stream_(std::move(socket)), id_(id), counted_(counted) {}

  ~Session() { finish(); }

  // Serves requests until the connection ends.
  void run() {
    asio::dispatch(stream_.get_executor(),
                   [self = shared_from_this()] { self->wait_for_request(); });
  }

  // Answers 503 and closes (connection over the limit).
  void reject() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->keep_alive_ = false;
      self->write_response(error_response(
          503, "too many connections (limits.connections_max = " +
                   std::to_string(self->sh_->config.limits.connections_max) + ")"));
    });
  }

  // Closes the connection from any thread (server stop).
  void close_async() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
  }

  // Called by the reply: hops onto the strand and writes there.
  void post_response(xapi::HttpResponse response) {
    if (sh_->stopping.load()) return;  // the connection is being closed anyway
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), r = std::move(response)]() mutable {
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

  const Config::Limits& limits() const { return sh_->config.limits; }

  void wait_for_request() {
    if (closed_) return;
    if (buffer_.size() > 0) return read_header();  // bytes of the next request already here
    stream_.expires_after(std::chrono::milliseconds(limits().idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
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
    stream_.expires_after(std::chrono::milliseconds(limits().request_timeout_ms));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (closed_) return;
    if (ec) return on_read_error(ec);
    if (parser_->is_done()) return on_request();
    // The parser already refused a Content-Length over body_limit; a client that waits for
    // "100 Continue" before sending the body gets it now.
    const auto& req = parser_->get();
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && iequals(expect->value(), "100-continue") &&
        req.version() >= 11) {
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue, sizeof(kContinue) - 1),
                        [self = shared_from_this()](beast::error_code ec2, size_t) {
                          if (self->closed_) return;
                          if (ec2) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
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
    parser_.reset();

    auto once = std::make_shared<ReplyOnce>(shared_from_this());
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
    if (!no_body) res_.content_length(r.body.size());
    if (!no_body && !head_ && !r.head_only) res_.body() = std::move(r.body);
    res_.keep_alive(keep_alive_);
    stream_.expires_after(std::chrono::milliseconds(limits().request_timeout_ms));
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (self->closed_) return;
      if (ec) return self->close();
      self->res_ = {};
      if (!self->keep_alive_) return self->graceful_close();
      self->head_ = false;
      self->wait_for_request();
    });
  }

  // Shuts down our side, then reads (and discards) briefly until the peer closes.
  void graceful_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(kDrainTime);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(drain_buf_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (self->closed_) return;
                              self->drained_ += n;
                              if (ec || self->drained_ > kDrainBytesMax) return self->close();
                              self->drain();
                            });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
    finish();
  }

  // Gives the connection's slot back (once).
  void finish() {
    if (finished_) return;
    finished_ = true;
    std::lock_guard lock(sh_->mu);
    if (counted_) --sh_->open;
    else --sh_->rejecting;
    sh_->sessions.erase(id_);
    sh_->cv.notify_all();
  }

  std::shared_ptr<Shared> sh_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
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
    bool counted = false;
    std::shared_ptr<Session> session;
    {
      std::lock_guard lock(sh->mu);
      if (sh->open < sh->config.limits.connections_max) {
        counted = true;
        ++sh->open;
      } else if (sh->rejecting < kRejectingMax) {
        ++sh->rejecting;
      } else {
        beast::error_code ignored;
        socket.close(ignored);
        do_accept();
        return;
      }
      uint64_t id = sh->next_id++;
      session = std::make_shared<Session>(sh, std::move(socket), id, counted);
      sh->sessions.emplace(id, session);
    }
    if (counted) session->run();
    else session->reject();
    do_accept();
  }
};

HttpServer::HttpServer(const Config& config, xapi::RequestHandler& handler)
    : impl_(std::make_unique<Impl>(config, handler)) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  Impl& m = *impl_;
  if (m.started) return Error{500, "", "the HTTP server was already started"};
  const auto& s = m.sh->config.server;
  if (!s.tls_cert_file.empty() || !s.tls_key_file.empty())
    return Error{500, "", "TLS not supported yet (server.tls_cert_file / server.tls_key_file)"};

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
  std::vector<std::shared_ptr<Session>> sessions;
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

void HttpServer::wait() {
  Impl& m = *impl_;
  std::unique_lock lock(m.mu);
  m.cv.wait(lock, [&] { return m.stopped; });
}

}  // namespace scribe::server
