// server::http_request against an in-process HttpServer (plain and TLS) with a small recording
// RequestHandler, and against raw sockets that refuse or never answer. Everything talks to
// 127.0.0.1 only; every request has a timeout and every wait a bound.
#include "server/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "server/http_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

namespace scribe::server {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// 200 "ok".
xapi::HttpResponse ok(const xapi::HttpRequest&) {
  xapi::HttpResponse r;
  r.body = "ok";
  return r;
}

Config test_config() { return test_support::local_server_config(1); }

std::string header_of(const xapi::HttpRequest& r, std::string_view name) {
  const std::string* v = r.header(name);
  return v ? *v : "<absent>";
}

// A TCP socket bound to an ephemeral 127.0.0.1 port; listening (connects succeed and then
// nothing is ever read or answered) or not (connects are refused).
class RawSocket {
 public:
  explicit RawSocket(bool listening) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    socklen_t len = sizeof addr;
    ok_ = ok_ && ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    port_ = ntohs(addr.sin_port);
    if (listening) ok_ = ok_ && ::listen(fd_, 8) == 0;
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return ok_; }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  bool ok_ = false;
  uint16_t port_ = 0;
};

class HttpClientTest : public ::testing::Test {
 protected:
  void start(const Config& config = test_config()) { server_.start(config); }
  // http://127.0.0.1:<port><target>, or https://... on a TLS server.
  std::string url(const std::string& target) { return server_.url(target); }
  static HttpClientRequest request(std::string method, std::string url) {
    HttpClientRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.timeout_ms = 5000;
    return r;
  }

  test_support::RecordingHandler handler_{ok};
  test_support::TestServer server_{handler_};
};

TEST_F(HttpClientTest, HttpClient_GetSendsPathAndQuery) {
  start();
  auto res = http_request(request("GET", url("/things/a%20b?x=1&y=caf%C3%A9&z=%26")));
  ASSERT_TRUE(res) << res.error().describe();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok");

  auto reqs = handler_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].path, "/things/a b");
  ASSERT_EQ(reqs[0].query.size(), 3u);
  EXPECT_EQ(reqs[0].query[0], (std::pair<std::string, std::string>{"x", "1"}));
  EXPECT_EQ(reqs[0].query[1], (std::pair<std::string, std::string>{"y", "café"}));
  EXPECT_EQ(reqs[0].query[2], (std::pair<std::string, std::string>{"z", "&"}));
  EXPECT_EQ(header_of(reqs[0], "host"), "127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_EQ(header_of(reqs[0], "connection"), "close");
  EXPECT_TRUE(reqs[0].body.empty());
}

TEST_F(HttpClientTest, HttpClient_PostSendsJsonBody) {
  start();
  handler_.respond_ = [](xapi::HttpRequest req, xapi::Reply reply) {
    xapi::HttpResponse r;
    r.status = 201;
    r.set_header("Content-Type", "application/json");
    r.body = "{\"got\":" + req.body + "}";
    reply(std::move(r));
  };
  auto req = request("POST", url("/things"));
  req.headers = {{"Content-Type", "application/json"}};
  req.body = R"({"name":"x","n":[1,2,3]})";
  auto res = http_request(req);
  ASSERT_TRUE(res) << res.error().describe();
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, R"({"got":{"name":"x","n":[1,2,3]}})");
  ASSERT_NE(res->header("content-type"), nullptr);
  EXPECT_EQ(*res->header("content-type"), "application/json");

  auto reqs = handler_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].body, req.body);
  EXPECT_EQ(header_of(reqs[0], "content-type"), "application/json");
  EXPECT_EQ(header_of(reqs[0], "content-length"), std::to_string(req.body.size()));
}

TEST_F(HttpClientTest, HttpClient_HeadersRoundTripWithLowerCaseNames) {
  start();
  handler_.respond_ = [](xapi::HttpRequest req, xapi::Reply reply) {
    xapi::HttpResponse r;
    r.set_header("X-Echo", header_of(req, "x-custom"));
    r.set_header("X-Mixed-Case", "Value Kept");
    reply(std::move(r));
  };
  auto req = request("DELETE", url("/x"));
  req.headers = {{"X-Custom", "hello there"}, {"Authorization", "Basic YTpi"}};
  auto res = http_request(req);
  ASSERT_TRUE(res) << res.error().describe();
  ASSERT_NE(res->header("x-echo"), nullptr);
  EXPECT_EQ(*res->header("x-echo"), "hello there");
  ASSERT_NE(res->header("x-mixed-case"), nullptr);
  EXPECT_EQ(*res->header("x-mixed-case"), "Value Kept");
  for (const auto& h : res->headers)
    for (char c : h.first) EXPECT_FALSE(c >= 'A' && c <= 'Z') << h.first;

  auto reqs = handler_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "DELETE");
  EXPECT_EQ(header_of(reqs[0], "authorization"), "Basic YTpi");
  EXPECT_EQ(header_of(reqs[0], "user-agent"), "scribe");
}

TEST_F(HttpClientTest, HttpClient_ErrorStatusIsAResponseNotAnError) {
  start();
  handler_.respond_ = [](xapi::HttpRequest, xapi::Reply reply) {
    xapi::HttpResponse r;
    r.status = 404;
    r.body = R"({"error":{"status":404,"path":"","message":"no such store"}})";
    reply(std::move(r));
  };
  auto res = http_request(request("GET", url("/admin/stores/none")));
  ASSERT_TRUE(res) << res.error().describe();
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, R"({"error":{"status":404,"path":"","message":"no such store"}})");
}

TEST_F(HttpClientTest, HttpClient_ResponseBodyOverTheLimitIsAnError) {
  start();
  handler_.respond_ = [](xapi::HttpRequest, xapi::Reply reply) {
    xapi::HttpResponse r;
    r.body = std::string(10000, 'x');
    reply(std::move(r));
  };
  auto req = request("GET", url("/big"));
  req.response_body_bytes_max = 1000;
  auto res = http_request(req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().status, 0);
  EXPECT_NE(res.error().message.find("exceeds 1000 bytes"), std::string::npos)
      << res.error().message;

  req.response_body_bytes_max = 10000;
  res = http_request(req);
  ASSERT_TRUE(res) << res.error().describe();
  EXPECT_EQ(res->body.size(), 10000u);
}

TEST_F(HttpClientTest, HttpClient_SlowHandlerTimesOut) {
  start();
  handler_.respond_ = [this](xapi::HttpRequest, xapi::Reply reply) {
    xapi::HttpResponse late;
    late.body = "late";
    handler_.reply_later(std::move(reply), std::move(late), 1500ms);
  };
  auto req = request("GET", url("/slow"));
  req.timeout_ms = 200;
  auto started = Clock::now();
  auto res = http_request(req);
  auto elapsed = Clock::now() - started;
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().status, 0);
  EXPECT_NE(res.error().message.find("timed out"), std::string::npos) << res.error().message;
  EXPECT_LT(elapsed, 1200ms);  // well before the reply
}

TEST(HttpClient, HttpClient_ConnectionRefusedIsAnError) {
  RawSocket closed(false);
  ASSERT_TRUE(closed.ok());
  HttpClientRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/";
  req.timeout_ms = 2000;
  auto res = http_request(req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().status, 0);
  EXPECT_EQ(res.error().path, req.url);
  EXPECT_NE(res.error().message.find("connecting to 127.0.0.1"), std::string::npos)
      << res.error().message;
  EXPECT_NE(res.error().message.find("refused"), std::string::npos) << res.error().message;
}

TEST(HttpClient, HttpClient_SilentServerTimesOut) {
  RawSocket silent(true);  // accepts into the backlog, never reads or answers
  ASSERT_TRUE(silent.ok());
  HttpClientRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(silent.port()) + "/";
  req.timeout_ms = 250;
  auto started = Clock::now();
  auto res = http_request(req);
  auto elapsed = Clock::now() - started;
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().status, 0);
  EXPECT_NE(res.error().message.find("timed out (timeout_ms 250)"), std::string::npos)
      << res.error().message;
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(elapsed, 2000ms);
}

TEST(HttpClient, HttpClient_ParsesUrls) {
  auto u = parse_http_url("http://127.0.0.1:8080/a/b?c=d#frag");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/a/b?c=d");

  u = parse_http_url("HTTPS://lrs.example.com");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "lrs.example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/");

  u = parse_http_url("http://[::1]:9000?x=1");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->target, "/?x=1");

  u = parse_http_url("http://localhost:/p");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->port, 80);

  for (const char* bad : {"", "127.0.0.1:80/", "ftp://h/", "http://", "http://:80/",
                          "http://user:pw@h/", "http://h:0/", "http://h:65536/", "http://h:8x/",
                          "http://h:123456/", "http://[::1/", "http://[zz]/", "http://h/a b",
                          "http://h/a\r\nX: y", "http://h h/"}) {
    auto r = parse_http_url(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().status, 0) << bad;
    }
  }
}

TEST(HttpClient, HttpClient_RefusesBadMethodsAndHeadersBeforeConnecting) {
  RawSocket closed(false);
  ASSERT_TRUE(closed.ok());
  HttpClientRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/";
  req.method = "GE T";
  auto res = http_request(req);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("invalid HTTP method"), std::string::npos);

  req.method = "GET";
  req.headers = {{"X-Injected", "a\r\nHost: evil"}};
  res = http_request(req);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("line break"), std::string::npos) << res.error().message;

  req.headers = {{"Bad Name", "v"}};
  res = http_request(req);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("invalid header name"), std::string::npos);
}

// ---- HTTPS ----------------------------------------------------------------------------------

bool openssl_cli_available() { return std::system("openssl version > /dev/null 2>&1") == 0; }

// A self-signed P-256 certificate (valid for a day) naming `subject_alt_name`, e.g.
// "IP:127.0.0.1", written as cert.pem / key.pem under `dir` with `stem` as prefix.
bool make_self_signed(const std::filesystem::path& dir, const std::string& stem,
                      const std::string& subject_alt_name) {
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
                    " -subj /CN=scribe-test -addext subjectAltName=" + subject_alt_name +
                    " -keyout " + (dir / (stem + "-key.pem")).string() +
                    " -out " + (dir / (stem + "-cert.pem")).string() + " > /dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

class HttpClientTlsTest : public HttpClientTest {
 protected:
  void SetUp() override {
    if (!openssl_cli_available()) GTEST_SKIP() << "the openssl command is not installed";
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_TRUE(make_self_signed(dir_.path(), "good", "IP:127.0.0.1"));
    ASSERT_TRUE(make_self_signed(dir_.path(), "other", "IP:127.0.0.2"));
  }
  std::string file(const std::string& name) const { return dir_.path() + "/" + name; }

  void start_tls(const std::string& stem) {
    Config config = test_config();
    config.server.tls_cert_file = file(stem + "-cert.pem");
    config.server.tls_key_file = file(stem + "-key.pem");
    Status st = server_.try_start(config);
    if (!st && st.error().message.find("not supported") != std::string::npos)
      GTEST_SKIP() << "HttpServer has no TLS yet: " << st.error().message;
    ASSERT_TRUE(st.ok()) << st.error().message;
  }

  test_support::TempDir dir_{"/tmp/scribe-http-client"};
};

TEST_F(HttpClientTlsTest, HttpClient_HttpsGetVerifiedAgainstCaFile) {
  start_tls("good");
  auto req = request("GET", url("/secure?q=1"));
  req.ca_file = file("good-cert.pem");
  auto res = http_request(req);
  ASSERT_TRUE(res) << res.error().describe();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok");
  auto reqs = handler_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/secure");
  ASSERT_EQ(reqs[0].query.size(), 1u);

  req.method = "POST";
  req.body = R"({"a":1})";
  res = http_request(req);
  ASSERT_TRUE(res) << res.error().describe();
  EXPECT_EQ(handler_.requests().at(1).body, R"({"a":1})");
}

TEST_F(HttpClientTlsTest, HttpClient_HttpsWithoutCaFileRejectsSelfSigned) {
  start_tls("good");
  auto res = http_request(request("GET", url("/")));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().status, 0);
  const std::string& m = res.error().message;
  EXPECT_NE(m.find("TLS certificate verification failed"), std::string::npos) << m;
  EXPECT_NE(m.find("self-signed"), std::string::npos) << m;
  EXPECT_NE(m.find("system trust store"), std::string::npos) << m;
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(HttpClientTlsTest, HttpClient_HttpsRejectsCertificateForAnotherAddress) {
  start_tls("other");  // trusted (we pass its file) but names 127.0.0.2
  auto req = request("GET", url("/"));
  req.ca_file = file("other-cert.pem");
  auto res = http_request(req);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("IP address mismatch"), std::string::npos)
      << res.error().message;
  EXPECT_TRUE(handler_.requests().empty());
}

TEST_F(HttpClientTlsTest, HttpClient_HttpsRejectsCertificateOfAnotherCa) {
  start_tls("good");
  auto req = request("GET", url("/"));
  req.ca_file = file("other-cert.pem");  // a trust anchor that did not issue the server's
  auto res = http_request(req);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("TLS certificate verification failed"), std::string::npos)
      << res.error().message;
  EXPECT_NE(res.error().message.find("CA file " + file("other-cert.pem")), std::string::npos);
}

TEST_F(HttpClientTlsTest, HttpClient_MissingCaFileIsAnError) {
  start_tls("good");
  auto req = request("GET", url("/"));
  req.ca_file = file("no-such-ca.pem");
  auto res = http_request(req);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("cannot load CA file " + req.ca_file), std::string::npos)
      << res.error().message;
}

TEST_F(HttpClientTlsTest, HttpClient_HttpsToPlainServerIsAnError) {
  start();  // plain HTTP
  auto req = request("GET", "https://127.0.0.1:" + std::to_string(server_->port()) + "/");
  req.timeout_ms = 2000;
  auto res = http_request(req);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("TLS handshake"), std::string::npos) << res.error().message;
}

}  // namespace
}  // namespace scribe::server
