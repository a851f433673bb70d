// The whole stack on an ephemeral loopback port: HttpServer → Router → StatementsResource →
// CommitPipeline → RocksDB, driven over real sockets. Checks what only shows end to end:
// limits answered by the transport, headers stamped by the router, concurrent writers all
// acknowledged and all readable afterwards.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "auth/credential_store.h"
#include "server/http_server.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "storage/statement_reader.h"
#include "tests/socket_client.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/temp_dir.h"
#include "xapi/router.h"
#include "xapi/statement_prepare.h"
#include "xapi/statements_resource.h"

namespace scribe {
namespace {

using testing::Client;

class ServerEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.server.port = 0;
    config_.server.io_threads = 2;
    config_.storage.data_dir = dir_.path();
    config_.limits.statements_per_batch_max = 10;
    // Synced writes, as in production: this test covers the durable path end to end.
    auto engine = storage::Engine::open({dir_.path(), 8 << 20, true});
    ASSERT_TRUE(engine.ok()) << engine.error().describe();
    stack_.build(config_, std::move(*engine));
    authorization_ = stack_.basic_auth();
    server_ = std::make_unique<server::HttpServer>(config_, *stack_.router);
    ASSERT_TRUE(server_->start().ok());
  }
  void TearDown() override {
    server_->stop();
    server_.reset();
    stack_.reset();
  }

  std::string request(const std::string& method, const std::string& target,
                      const std::string& body = "") {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " +
           authorization_ + "\r\nX-Experience-API-Version: 2.0.0\r\n" +
           "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }

  static std::string statement(const std::string& id) {
    return R"({"id":")" + id +
           R"(","actor":{"mbox":"mailto:e2e@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},"object":{"id":"http://example.com/e2e"}})";
  }

  test_support::TempDir dir_{"/tmp/scribe-e2e"};
  Config config_;
  std::string authorization_;
  test_support::StatementsStack stack_;
  std::unique_ptr<server::HttpServer> server_;
};

TEST_F(ServerEndToEnd, ServerEndToEnd_PostThenGetOverSockets) {
  Client c(server_->port());
  ASSERT_TRUE(c.connected());
  const std::string id = "3f1d2c9a-7b7e-4a57-9a0e-0c5b6f7d8e91";
  ASSERT_TRUE(c.send(request("POST", "/xapi/statements", statement(id))));
  auto posted = c.read_response();
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 200);
  EXPECT_EQ(posted->body, "[\"" + id + "\"]");
  ASSERT_TRUE(c.send(request("GET", "/xapi/statements?statementId=" + id)));
  auto got = c.read_response();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_NE(got->body.find("\"stored\":"), std::string::npos);
  ASSERT_NE(got->header("x-experience-api-version"), nullptr);
  EXPECT_EQ(*got->header("x-experience-api-version"), "2.0.0");
  EXPECT_NE(got->header("x-experience-api-consistent-through"), nullptr);
}

TEST_F(ServerEndToEnd, ServerEndToEnd_BatchOverLimitIs413AndStoresNothing) {
  std::string batch = "[";
  for (int i = 0; i < 11; i++) {
    char id[37];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    batch += (i ? "," : "") + statement(id);
  }
  batch += "]";
  Client c(server_->port());
  ASSERT_TRUE(c.send(request("POST", "/xapi/statements", batch)));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("statements_per_batch_max"), std::string::npos);
  ASSERT_TRUE(c.send(request("GET", "/xapi/statements?statementId=00000000-0000-4000-8000-000000000000")));
  auto got = c.read_response();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 404);
}

TEST_F(ServerEndToEnd, ServerEndToEnd_ConcurrentWritersAreAllAcknowledgedAndReadable) {
  constexpr int kWriters = 4, kPerWriter = 25;
  std::vector<std::thread> writers;
  std::atomic<int> acknowledged{0};
  for (int w = 0; w < kWriters; w++) {
    writers.emplace_back([&, w] {
      Client c(server_->port());
      for (int i = 0; i < kPerWriter; i++) {
        char id[37];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%06d%06d", w, i);
        if (!c.send(request("POST", "/xapi/statements", statement(id)))) return;
        auto r = c.read_response();
        if (r && r->status == 200) acknowledged++;
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(acknowledged.load(), kWriters * kPerWriter);
  Client c(server_->port());
  ASSERT_TRUE(c.send(request("GET", "/xapi/statements?limit=0")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  size_t count = 0;
  for (size_t pos = 0; (pos = r->body.find("\"stored\":", pos)) != std::string::npos; pos++) count++;
  EXPECT_EQ(count, size_t(kWriters * kPerWriter));
}

}  // namespace
}  // namespace scribe
