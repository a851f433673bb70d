// Streamed response bodies (xapi/http_message.h BodyStream, xapi/streamed_body.h) through the
// real transport: chunked framing that decodes to exactly the produced bytes, HTTP/1.0 bodies
// delimited by the close, HEAD without a body, backpressure (a client that does not read
// stops the producer after a bounded amount), a producer failure that cuts the body without
// the last chunk, and keep-alive after a complete stream.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "common/work_pool.h"
#include "tests/socket_client.h"
#include "tests/support/test_server.h"
#include "xapi/streamed_body.h"

namespace scribe {
namespace {

using namespace std::chrono_literals;
using scribe::testing::Client;

// Produces `pieces` pieces of `piece_bytes` bytes ('a' + piece % 26), then ends; fails instead
// of producing piece `fail_at` when that is set.
class CountingProducer : public xapi::ChunkProducer {
 public:
  CountingProducer(int pieces, size_t piece_bytes, std::atomic<int>& produced, int fail_at = -1)
      : pieces_(pieces), piece_bytes_(piece_bytes), produced_(produced), fail_at_(fail_at) {}
  Result<bool> produce(std::string& out) override {
    const int i = next_;
    if (i == fail_at_) return Error{500, "", "the test's producer fails"};
    out.assign(piece_bytes_, char('a' + i % 26));
    next_++;
    produced_++;
    return i + 1 < pieces_;
  }

 private:
  const int pieces_;
  const size_t piece_bytes_;
  std::atomic<int>& produced_;
  const int fail_at_;
  int next_ = 0;
};

// The body of a chunked message (after the header), or nullopt when the framing is wrong or
// the last chunk is missing.
std::optional<std::string> dechunk(std::string_view wire) {
  std::string body;
  for (int guard = 0; guard < 1000000; guard++) {
    size_t eol = wire.find("\r\n");
    if (eol == std::string_view::npos) return std::nullopt;
    size_t size = std::stoul(std::string(wire.substr(0, eol)), nullptr, 16);
    wire.remove_prefix(eol + 2);
    if (size == 0) return wire == "\r\n" ? std::optional<std::string>(body) : std::nullopt;
    if (wire.size() < size + 2 || wire.substr(size, 2) != "\r\n") return std::nullopt;
    body.append(wire.substr(0, size));
    wire.remove_prefix(size + 2);
  }
  return std::nullopt;
}

std::string expected_body(int pieces, size_t piece_bytes) {
  std::string out;
  for (int i = 0; i < pieces; i++) out.append(piece_bytes, char('a' + i % 26));
  return out;
}

class StreamedBodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handler_.respond_ = [this](xapi::HttpRequest request, xapi::Reply reply) {
      xapi::HttpResponse r;
      r.set_header("Content-Type", "text/plain");
      r.head_only = request.method == "HEAD";
      const int fail_at = request.path == "/fail" ? 3 : -1;
      r.stream = xapi::pooled_stream(std::make_unique<CountingProducer>(pieces_, piece_bytes_, produced_, fail_at),
                                     &pool_, "GET " + request.path);
      reply(std::move(r));
    };
    Config config = test_support::local_server_config(2);
    config.limits.request_timeout_ms = request_timeout_ms_;
    server_.start(config);
  }
  std::string request(const std::string& path, const std::string& method = "GET", const std::string& version = "1.1") {
    return method + " " + path + " HTTP/" + version + "\r\nHost: 127.0.0.1\r\n\r\n";
  }

  uint32_t request_timeout_ms_ = 60000;
  int pieces_ = 40;
  size_t piece_bytes_ = 64 * 1024;
  std::atomic<int> produced_{0};
  WorkPool pool_{"test-stream", 1, 4};
  test_support::RecordingHandler handler_;
  test_support::TestServer server_{handler_};
};

TEST_F(StreamedBodyTest, ChunkedBodyIsExactlyWhatWasProducedAndTheConnectionStaysOpen) {
  Client c(server_.port());
  ASSERT_TRUE(c.connected());
  c.set_timeout(5s);
  ASSERT_TRUE(c.send(request("/a") + "GET /b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  const std::string wire = c.read_until_close(size_t(16) << 20);
  // Two responses on one connection, each complete.
  size_t first_end = wire.find("\r\n0\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos);
  const std::string first = wire.substr(0, first_end + 7), second = wire.substr(first_end + 7);
  for (const std::string& response : {first, second}) {
    size_t header_end = response.find("\r\n\r\n");
    ASSERT_NE(header_end, std::string::npos);
    const std::string header = response.substr(0, header_end);
    EXPECT_NE(header.find("Transfer-Encoding: chunked"), std::string::npos) << header;
    EXPECT_EQ(header.find("Content-Length"), std::string::npos) << header;
    auto body = dechunk(std::string_view(response).substr(header_end + 4));
    ASSERT_TRUE(body.has_value());
    EXPECT_EQ(*body, expected_body(pieces_, piece_bytes_));
  }
}

TEST_F(StreamedBodyTest, AClientThatDoesNotReadStopsTheProducer) {
  pieces_ = 2000;  // 125 MiB if it were all produced
  Client c(server_.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(request("/big")));
  std::this_thread::sleep_for(500ms);
  const int stalled = produced_.load();
  std::this_thread::sleep_for(300ms);
  // Socket buffers hold a few MiB; the producer waits for them to drain, one piece at a time.
  EXPECT_EQ(produced_.load(), stalled);
  EXPECT_LT(stalled, 200) << "the producer ran ahead of the client";
  EXPECT_GT(stalled, 0);
  c.close();
}

// The write timeout applies to each chunk: a client that stops reading is cut off once one
// write has waited limits.request_timeout_ms, and the producer is not asked for more.
class StreamedBodyTimeoutTest : public StreamedBodyTest {
 protected:
  void SetUp() override {
    request_timeout_ms_ = 300;
    pieces_ = 2000;  // 125 MiB if it were all sent
    StreamedBodyTest::SetUp();
  }
};

TEST_F(StreamedBodyTimeoutTest, AClientThatStopsReadingIsCutAtTheWriteTimeout) {
  Client c(server_.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(request("/stalled")));
  std::this_thread::sleep_for(1500ms);  // several write timeouts long
  const int produced = produced_.load();
  c.set_timeout(5s);
  const std::string wire = c.read_until_close(size_t(200) << 20);
  EXPECT_LT(wire.size(), size_t(pieces_) * piece_bytes_) << "the whole body arrived";
  EXPECT_EQ(wire.find("\r\n0\r\n\r\n"), std::string::npos);
  EXPECT_EQ(produced_.load(), produced) << "the producer kept going after the cut";
}

TEST_F(StreamedBodyTest, AFailingProducerCutsTheBodyWithoutTheLastChunk) {
  Client c(server_.port());
  ASSERT_TRUE(c.connected());
  c.set_timeout(5s);
  ASSERT_TRUE(c.send(request("/fail")));
  const std::string wire = c.read_until_close(size_t(16) << 20);
  size_t header_end = wire.find("\r\n\r\n");
  ASSERT_NE(header_end, std::string::npos);
  EXPECT_EQ(wire.rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_FALSE(dechunk(std::string_view(wire).substr(header_end + 4)).has_value());
  EXPECT_EQ(wire.find("\r\n0\r\n\r\n"), std::string::npos);
  EXPECT_EQ(produced_.load(), 3);
}

TEST_F(StreamedBodyTest, Http10GetsACloseDelimitedBodyAndHeadNoBody) {
  {
    Client c(server_.port());
    c.set_timeout(5s);
    ASSERT_TRUE(c.send(request("/old", "GET", "1.0")));
    const std::string wire = c.read_until_close(size_t(16) << 20);
    size_t header_end = wire.find("\r\n\r\n");
    ASSERT_NE(header_end, std::string::npos);
    EXPECT_EQ(wire.substr(0, header_end).find("chunked"), std::string::npos);
    EXPECT_EQ(wire.substr(header_end + 4), expected_body(pieces_, piece_bytes_));
  }
  {
    Client c(server_.port());
    c.set_timeout(5s);
    ASSERT_TRUE(c.send(request("/head", "HEAD") + request("/again")));
    auto head = c.read_response(true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_TRUE(head->body.empty());
    // The connection serves the next request at once: no body was left to skip.
    const std::string rest = c.read_until_close(size_t(1) << 16);
    EXPECT_EQ(rest.rfind("HTTP/1.1 200", 0), 0u) << rest.substr(0, 200);
  }
}

}  // namespace
}  // namespace scribe
