// HttpServer against a fake RequestHandler, driven by a small blocking POSIX-socket client that
// talks only to 127.0.0.1. Every read has a timeout and every loop a bound.
#include "server/http_server.h"
#include "tests/socket_client.h"
#include "tests/support/test_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <memory>
#include <thread>
#include <vector>

namespace scribe::server {
namespace {

using Clock = std::chrono::steady_clock;
using scribe::testing::Client;
using scribe::testing::Response;
using namespace std::chrono_literals;

// 200 text/plain "you asked for <path>" (for HEAD, its length and no body).
xapi::HttpResponse you_asked_for(const xapi::HttpRequest& request) {
  xapi::HttpResponse r;
  r.set_header("Content-Type", "text/plain");
  r.body = "you asked for " + request.path;
  r.head_only = request.method == "HEAD";
  return r;
}

Config test_config() { return test_support::local_server_config(2); }

std::string get(const std::string& path, const std::string& extra_headers = "") {
  return test_support::get_request(path, extra_headers);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void start(const Config& config) { server_.start(config); }
  // Starts with these limits.header_timeout_ms and limits.request_timeout_ms.
  void start_with_timeouts(uint32_t header_ms, uint32_t request_ms) {
    Config config = test_config();
    config.limits.header_timeout_ms = header_ms;
    config.limits.request_timeout_ms = request_ms;
    start(config);
  }
  uint16_t port() const { return server_.port(); }

  test_support::RecordingHandler handler_{you_asked_for};
  test_support::TestServer server_{handler_};
};

TEST_F(HttpServerTest, HttpServer_PassesDecodedPathQueryHeadersAndBodyToHandler) {
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(
      "post /xapi/a%20b/caf%C3%A9?x=1+2&y=%C3%A9%26z&flag&&empty= HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nX-Experience-API-Version: 2.0.0\r\nContent-Length: 11\r\n\r\n"
      "hello world"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "you asked for /xapi/a b/café");
  ASSERT_NE(r->header("content-type"), nullptr);
  EXPECT_EQ(*r->header("content-type"), "text/plain");

  auto reqs = handler_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const auto& req = reqs[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path, "/xapi/a b/café");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(req.query, (Pairs{{"x", "1 2"}, {"y", "é&z"}, {"flag", ""}, {"empty", ""}}));
  ASSERT_NE(req.header("x-experience-api-version"), nullptr);
  EXPECT_EQ(*req.header("x-experience-api-version"), "2.0.0");
  ASSERT_NE(req.header("host"), nullptr);
  EXPECT_EQ(req.body, "hello world");
}

TEST_F(HttpServerTest, HttpServer_WritesReplyGivenFromAnotherThread) {
  handler_.respond_ = [this](xapi::HttpRequest, xapi::Reply reply) {
    xapi::HttpResponse r;
    r.status = 204;
    r.set_header("X-Experience-API-Version", "2.0.0");
    handler_.reply_later(std::move(reply), std::move(r), 50ms);
  };
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.send(get("/later")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  ASSERT_NE(r->header("x-experience-api-version"), nullptr);
  EXPECT_EQ(*r->header("x-experience-api-version"), "2.0.0");
  // The connection stays usable after a delayed reply.
  ASSERT_TRUE(c.send(get("/again")));
  auto r2 = c.read_response();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 204);
}

TEST_F(HttpServerTest, HttpServer_RejectsBodyOverLimitWith413) {
  Config config = test_config();
  config.limits.body_bytes_max = 1024;
  start(config);
  Client c(port());
  ASSERT_TRUE(c.send("PUT /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" +
                     std::string(4096, 'a')));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  ASSERT_NE(r->header("content-type"), nullptr);
  EXPECT_EQ(*r->header("content-type"), "application/json");
  EXPECT_EQ(r->body,
            "{\"error\":{\"status\":413,\"message\":\"request body exceeds "
            "limits.body_bytes_max (1024 bytes)\"}}");
  EXPECT_TRUE(handler_.requests().empty());
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

TEST_F(HttpServerTest, HttpServer_RejectsChunkedBodyOverLimitWith413) {
  Config config = test_config();
  config.limits.body_bytes_max = 1024;
  start(config);
  Client c(port());
  ASSERT_TRUE(c.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "800\r\n" + std::string(2048, 'a') + "\r\n0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(HttpServerTest, HttpServer_AcceptsBodyAtTheLimit) {
  Config config = test_config();
  config.limits.body_bytes_max = 1024;
  start(config);
  Client c(port());
  ASSERT_TRUE(c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" +
                     std::string(1024, 'b')));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(handler_.requests().size(), 1u);
  EXPECT_EQ(handler_.requests()[0].body.size(), 1024u);
}

TEST_F(HttpServerTest, HttpServer_RejectsHeadersOverLimitWith431) {
  Config config = test_config();
  config.limits.header_bytes_max = 1024;
  start(config);
  Client c(port());
  ASSERT_TRUE(c.send(get("/x", "X-Big: " + std::string(4000, 'h') + "\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  ASSERT_NE(r->header("content-type"), nullptr);
  EXPECT_EQ(*r->header("content-type"), "application/json");
  EXPECT_NE(r->body.find("\"status\":431"), std::string::npos);
  EXPECT_NE(r->body.find("limits.header_bytes_max"), std::string::npos);
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(HttpServerTest, HttpServer_AnswersMalformedRequestWith400AndCloses) {
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.send("this is not http at all\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"status\":400"), std::string::npos);
  EXPECT_TRUE(c.closed_by_server(3000ms));
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(HttpServerTest, HttpServer_AnswersAnExpectationOtherThan100ContinueWith417AndCloses) {
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.send("POST /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: something-else\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 417);
  EXPECT_TRUE(c.closed_by_server(3000ms));
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(HttpServerTest, HttpServer_AnswersBadPercentEncodingWith400) {
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.send(get("/xapi/%zz")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(HttpServerTest, HttpServer_HeadSendsContentLengthButNoBody) {
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.send("HEAD /abc HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.read_response(/*head=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_NE(r->header("content-length"), nullptr);
  EXPECT_EQ(*r->header("content-length"), std::to_string(std::string("you asked for /abc").size()));
  // Had a body been sent, it would now be read as the next response's status line.
  ASSERT_TRUE(c.send(get("/next")));
  auto r2 = c.read_response();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(r2->body, "you asked for /next");
}

TEST_F(HttpServerTest, HttpServer_KeepAliveServesTwoRequestsOnOneConnection) {
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.send(get("/one")));
  auto r1 = c.read_response();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->body, "you asked for /one");
  ASSERT_TRUE(c.send(get("/two")));
  auto r2 = c.read_response();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body, "you asked for /two");
  EXPECT_EQ(handler_.requests().size(), 2u);
}

TEST_F(HttpServerTest, HttpServer_ConnectionCloseRequestClosesAfterReply) {
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.send(get("/bye", "Connection: close\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

TEST_F(HttpServerTest, HttpServer_IdleTimeoutClosesConnection) {
  Config config = test_config();
  config.limits.idle_timeout_ms = 200;
  start(config);
  Client c(port());
  ASSERT_TRUE(c.send(get("/x")));
  ASSERT_TRUE(c.read_response());
  auto begin = Clock::now();
  EXPECT_TRUE(c.closed_by_server(3000ms));
  EXPECT_GE(Clock::now() - begin, 150ms);
}

TEST_F(HttpServerTest, HttpServer_TimeoutsCloseAStalledHeaderAndAStalledBody) {
  start_with_timeouts(200, 200);
  Client c(port());
  ASSERT_TRUE(c.send("GET /x HTTP/1.1\r\nHost: x\r\n"));  // header never finished
  EXPECT_TRUE(c.closed_by_server(3000ms));
  Client b(port());
  ASSERT_TRUE(b.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhe"));  // body never finished
  EXPECT_TRUE(b.closed_by_server(3000ms));
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(HttpServerTest, HttpServer_EnforcesConnectionsMax) {
  Config config = test_config();
  config.limits.connections_max = 2;
  start(config);
  Client a(port()), b(port());
  // Served requests prove both connections were accepted and counted.
  ASSERT_TRUE(a.send(get("/a")));
  ASSERT_TRUE(a.read_response());
  ASSERT_TRUE(b.send(get("/b")));
  ASSERT_TRUE(b.read_response());

  Client over(port());
  over.send(get("/over"));
  auto r = over.read_response();
  if (r) {
    EXPECT_EQ(r->status, 503);  // either answered 503 or simply closed
  }
  EXPECT_TRUE(over.closed_by_server(3000ms));
  EXPECT_EQ(handler_.requests().size(), 2u);

  // Once a connection goes away its slot is free again (bounded wait for the close to land).
  a.close();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    Client again(port());
    again.send(get("/again"));
    auto r2 = again.read_response();
    served = r2 && r2->status == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST_F(HttpServerTest, HttpServer_OneAddressCannotTakeEveryConnection) {
  // 1,100 idle connections from 127.0.0.2, more than limits.connections_max (1,024): past
  // limits.connections_per_address_max (256) they are refused, and 127.0.0.1 is still served.
  const Config config = test_config();
  ASSERT_EQ(config.limits.connections_max, 1024u);
  ASSERT_EQ(config.limits.connections_per_address_max, 256u);
  start(config);
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 1100; i++) {
    idle.push_back(std::make_unique<Client>(port(), 5000ms, "127.0.0.2"));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  // The 256 first are held open: one of them is served.
  ASSERT_TRUE(idle.front()->send(get("/first")));
  auto first = idle.front()->read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  for (int i = 0; i < 3; i++) {
    Client other(port());
    ASSERT_TRUE(other.send(get("/other")));
    auto r = other.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
  }
  // Another from 127.0.0.2 is refused (503, or closed when many are being refused at once).
  Client over(port(), 5000ms, "127.0.0.2");
  over.send(get("/over"));
  if (auto r = over.read_response()) EXPECT_EQ(r->status, 503);
  EXPECT_TRUE(over.closed_by_server(3000ms));
}

TEST_F(HttpServerTest, HttpServer_ASlowlorisIsCutAtTheHeaderTimeoutWhileASlowBodyIsNot) {
  start_with_timeouts(400, 60000);
  // Headers at one byte per 100 ms: closed after about 400 ms, long before they would end.
  Client slow(port());
  ASSERT_TRUE(slow.send("GET /slow HTTP/1.1\r\n"));
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; i++) {
    std::this_thread::sleep_for(100ms);
    if (!slow.send("X")) break;
  }
  EXPECT_TRUE(slow.closed_by_server(3000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);  // not the request timeout
  EXPECT_TRUE(handler_.requests().empty());
  // Headers at once, then the body after longer than the header timeout: served.
  Client body(port());
  ASSERT_TRUE(body.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"));
  std::this_thread::sleep_for(700ms);
  ASSERT_TRUE(body.send("hello"));
  auto r = body.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, HttpServer_DroppedReplyAnswers500) {
  handler_.respond_ = [](xapi::HttpRequest, xapi::Reply) {};  // never replies
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.send(get("/x")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST_F(HttpServerTest, HttpServer_StopEndsWaitAndClosesConnections) {
  start(test_config());
  Client c(port());
  ASSERT_TRUE(c.send(get("/x")));
  ASSERT_TRUE(c.read_response());
  std::thread waiter([this] { server_->wait(); });
  server_->stop();
  waiter.join();
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

TEST(HttpServer, HttpServer_StartFailsWhenPortIsTaken) {
  test_support::RecordingHandler handler(you_asked_for);
  Config config = test_config();
  HttpServer first(config, handler);
  ASSERT_TRUE(first.start().ok());
  config.server.port = first.port();
  HttpServer second(config, handler);
  Status st = second.start();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find(std::to_string(first.port())), std::string::npos);
}

}  // namespace
}  // namespace scribe::server
