// A GoogleTest fixture base for tests that drive the whole Router without sockets as different
// credentials: a fresh data directory, the engine opened on it, the statements stack built over
// it (tests/support/lrs_fixture.h), and send/as to hand it requests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "common/config.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/lrs_requests.h"
#include "tests/support/temp_dir.h"
#include "xapi/http_message.h"

namespace scribe::test_support {

class LrsTest : public ::testing::Test {
 protected:
  // The data directory is "<dir_prefix>-XXXXXX".
  explicit LrsTest(const std::string& dir_prefix) : dir_(dir_prefix) {}

  // Opens the engine in the data directory with config_ (set it first) and builds stack_.
  void SetUp() override {
    auto e = open_test_engine(config_, dir_.path());
    ASSERT_TRUE(e.ok()) << e.error().describe();
    stack_.build(config_, std::move(*e));
  }
  void TearDown() override { stack_.reset(); }

  // `r` through the Router, waiting for its reply.
  xapi::HttpResponse send(xapi::HttpRequest r) {
    return send_and_wait(*stack_.router, std::move(r));
  }
  // A request sent with Authorization `auth` (see lrs_request()).
  xapi::HttpResponse as(const std::string& auth, const std::string& method, const std::string& path,
                        Query query = {}, std::string body = "",
                        const std::string& content_type = "application/json") {
    return send(lrs_request(auth, method, path, std::move(query), std::move(body), content_type));
  }

  TempDir dir_;
  Config config_;
  StatementsStack stack_;
};

}  // namespace scribe::test_support
