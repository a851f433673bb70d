// The benchmark HTTP client (Boost.Beast async, one io thread): see http_load.h.
// Shape: every connection is a small state machine: take the next request from the workload,
// wait until it is due (open loop), (re)connect if needed, write, read the whole response,
// report it, repeat. Connections are opened before the clock starts, so connection set-up is
// not in the first latencies; a connection the server closed is reopened on its next request.
#include "bench/http_load.h"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "bench/report.h"

namespace scribe::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::chrono::seconds kOperationTimeout{60};
constexpr uint64_t kResponseBytesMax = 512ull << 20;
// A connection that fails this many times in a row gives up (the server is gone).
constexpr int kConsecutiveFailuresMax = 5;

std::optional<asio::ip::address> loopback_address(const std::string& host) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  if (address.is_v4() && address.to_v4().to_bytes()[0] == 127) return address;
  if (address.is_v6() && address.to_v6().is_loopback()) return address;
  return std::nullopt;
}

http::request<http::string_body> build_request(const HttpTarget& target, const LoadRequest& r) {
  http::request<http::string_body> req;
  req.method(http::string_to_verb(r.method));
  req.target(r.target);
  req.version(11);
  req.set(http::field::host, target.host + ":" + std::to_string(target.port));
  if (!target.authorization.empty()) req.set(http::field::authorization, target.authorization);
  if (!target.version.empty()) req.set("X-Experience-API-Version", target.version);
  if (!r.body.empty()) req.set(http::field::content_type, "application/json");
  req.keep_alive(true);
  req.body() = r.body;
  req.prepare_payload();
  return req;
}

struct Run;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Run& run, int index);
  void connect_first(std::function<void()> then);
  void take_next();

 private:
  void send();
  void write();
  void on_read(beast::error_code ec);
  void fail(const std::string& what);
  void finish();

  Run& run_;
  int index_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer timer_;
  http::request<http::string_body> req_;
  std::optional<http::response_parser<http::string_body>> parser_;
  LoadRequest current_;
  int64_t due_ns_ = 0;
  bool connected_ = false;
  bool finished_ = false;
  int consecutive_failures_ = 0;
};

struct Run {
  asio::io_context ioc{1};
  tcp::endpoint endpoint;
  const HttpTarget& target;
  const LoadOptions& options;
  Workload& workload;
  LoadResult result;
  int64_t start_ns = 0;
  int64_t deadline_ns = 0;  // 0: none
  uint64_t issued = 0;
  int connected = 0;
  int64_t end_ns = 0;
  Run(const HttpTarget& t, const LoadOptions& o, Workload& w) : target(t), options(o), workload(w) {}
};

Connection::Connection(Run& run, int index)
    : run_(run), index_(index), stream_(run.ioc), timer_(run.ioc) {}

void Connection::connect_first(std::function<void()> then) {
  stream_.expires_after(kOperationTimeout);
  stream_.async_connect(run_.endpoint, [self = shared_from_this(), then](beast::error_code ec) {
    if (!ec) {
      self->connected_ = true;
      self->run_.connected++;
      self->stream_.socket().set_option(tcp::no_delay(true));
    }
    then();
  });
}

void Connection::take_next() {
  const Run& run = run_;
  int64_t now = now_ns();
  if ((run.deadline_ns && now >= run.deadline_ns) ||
      (run.options.requests_max && run.issued >= run.options.requests_max)) {
    return finish();
  }
  uint64_t k = run_.issued;
  current_ = LoadRequest{};
  if (!run_.workload.next(index_, current_)) return finish();
  run_.issued++;
  if (run.options.rate_per_s > 0) {
    due_ns_ = run.start_ns + int64_t(double(k) * 1e9 / run.options.rate_per_s);
    if (run.deadline_ns && due_ns_ >= run.deadline_ns) return finish();
    if (due_ns_ > now) {
      timer_.expires_at(asio::steady_timer::time_point(std::chrono::nanoseconds(due_ns_)));
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->send(); });
      return;
    }
  } else {
    due_ns_ = now;
  }
  send();
}

void Connection::send() {
  req_ = build_request(run_.target, current_);
  if (connected_) return write();
  stream_.expires_after(kOperationTimeout);
  stream_.async_connect(run_.endpoint, [self = shared_from_this()](beast::error_code ec) {
    if (ec) return self->fail("connect: " + ec.message());
    self->connected_ = true;
    self->stream_.socket().set_option(tcp::no_delay(true));
    self->write();
  });
}

void Connection::write() {
  stream_.expires_after(kOperationTimeout);
  http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, size_t n) {
    if (ec) return self->fail("write: " + ec.message());
    self->run_.result.bytes_sent += n;
    self->parser_.emplace();
    self->parser_->body_limit(kResponseBytesMax);
    self->stream_.expires_after(kOperationTimeout);
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self](beast::error_code ec2, size_t) { self->on_read(ec2); });
  });
}

void Connection::on_read(beast::error_code ec) {
  if (ec) return fail("read: " + ec.message());
  int64_t latency = now_ns() - due_ns_;
  auto& res = parser_->get();
  int status = res.result_int();
  LoadResult& result = run_.result;
  result.requests++;
  result.statuses[status]++;
  if (status < 200 || status > 299) {
    result.failures++;
    if (result.first_failure.empty())
      result.first_failure = std::to_string(status) + " " + current_.method + " " +
                             current_.target.substr(0, 200) + ": " + res.body().substr(0, 500);
  }
  consecutive_failures_ = 0;
  bool keep = res.keep_alive();
  run_.workload.done(index_, current_, status, res.body(), latency);
  if (!keep) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    connected_ = false;
  }
  take_next();
}

void Connection::fail(const std::string& what) {
  LoadResult& result = run_.result;
  result.requests++;
  result.failures++;
  result.statuses[0]++;
  if (result.first_failure.empty()) result.first_failure = "transport " + what;
  run_.workload.done(index_, current_, 0, std::string(), now_ns() - due_ns_);
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  buffer_.clear();
  connected_ = false;
  if (++consecutive_failures_ >= kConsecutiveFailuresMax) return finish();
  take_next();
}

void Connection::finish() {
  if (finished_) return;
  finished_ = true;
  run_.end_ns = std::max(run_.end_ns, now_ns());
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace

bool is_loopback_literal(const std::string& host) { return loopback_address(host).has_value(); }

Result<LoadResult> run_load(const HttpTarget& target, const LoadOptions& options,
                            Workload& workload) {
  auto address = loopback_address(target.host);
  if (!address) return Error{2, "", "refusing non-loopback target " + target.host +
                                        " (only 127.0.0.0/8 and ::1 literals)"};
  if (options.connections < 1) return Error{2, "", "--connections must be at least 1"};
  if (options.requests_max == 0 && options.duration_s <= 0)
    return Error{2, "", "a run needs a request count or a duration bound"};
  Run run(target, options, workload);
  run.endpoint = tcp::endpoint(*address, target.port);

  std::vector<std::shared_ptr<Connection>> connections;
  for (int i = 0; i < options.connections; i++)
    connections.push_back(std::make_shared<Connection>(run, i));
  int pending = options.connections;
  auto start_all = [&] {
    if (--pending > 0) return;
    run.start_ns = now_ns();
    run.deadline_ns = options.duration_s > 0 ? run.start_ns + int64_t(options.duration_s * 1e9) : 0;
    if (run.connected == 0) return;  // nothing to drive
    for (auto& c : connections) c->take_next();
  };
  for (auto& c : connections) c->connect_first(start_all);
  run.ioc.run();
  if (run.connected == 0)
    return Error{2, "", "cannot connect to " + target.host + ":" + std::to_string(target.port)};
  run.result.elapsed_s = double(std::max(run.end_ns, run.start_ns) - run.start_ns) / 1e9;
  return run.result;
}

Result<std::pair<int, std::string>> http_once(const HttpTarget& target,
                                              const LoadRequest& request) {
  auto address = loopback_address(target.host);
  if (!address) return Error{2, "", "refusing non-loopback target " + target.host};
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(kOperationTimeout);
  stream.connect(tcp::endpoint(*address, target.port), ec);
  if (ec) return Error{2, "", "connect: " + ec.message()};
  auto req = build_request(target, request);
  http::write(stream, req, ec);
  if (ec) return Error{2, "", "write: " + ec.message()};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kResponseBytesMax);
  http::read(stream, buffer, parser, ec);
  if (ec) return Error{2, "", "read: " + ec.message()};
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return std::pair<int, std::string>(parser.get().result_int(), parser.get().body());
}

}  // namespace scribe::bench
