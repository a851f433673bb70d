// A whole Scribe without sockets for the document, Agents and Activities tests: Router ->
// resources -> DocumentStore / CommitPipeline -> RocksDB (with the JSON merge operators), and a
// real credential. Requests are plain HttpRequest values.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/credential_store.h"
#include "common/config.h"
#include "common/json.h"
#include "storage/commit_pipeline.h"
#include "storage/document_store.h"
#include "storage/engine.h"
#include "storage/statement_reader.h"
#include "xapi/router.h"
#include "xapi/statement_prepare.h"
#include "xapi/statements_resource.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/temp_dir.h"

namespace scribe::xapi::testing {

using Query = std::vector<std::pair<std::string, std::string>>;
using Headers = std::vector<std::pair<std::string, std::string>>;

inline const char* kV1 = "1.0.3";
inline const char* kV2 = "2.0.0";
inline const char* kActivity = "http://www.example.com/activityId/hashset";
inline const char* kAgent = R"({"objectType":"Agent","account":{"homePage":"http://www.example.com/agentId/1","name":"Rick James"}})";

class DocumentsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    config_.limits.document_bytes_max = 4096;
    auto e = test_support::open_test_engine(config_, dir_.path());
    ASSERT_TRUE(e.ok()) << e.error().describe();
    stack_.build(config_, std::move(*e));
    engine_ = stack_.engine.get();
    router_ = stack_.router.get();
    auth_ = stack_.basic_auth();
  }

  void TearDown() override { stack_.reset(); }

  HttpResponse send(const std::string& method, const std::string& resource, Query query,
                    std::string body = "", Headers headers = {}, const char* version = kV2) {
    HttpRequest r;
    r.method = method;
    r.path = "/xapi" + resource;
    r.query = std::move(query);
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.headers.emplace_back("x-experience-api-version", version);
    r.headers.emplace_back("authorization", auth_);
    bool typed = false;
    for (const auto& h : r.headers) typed = typed || h.first == "content-type";
    if (!r.body.empty() && !typed) r.headers.emplace_back("content-type", "application/json");
    return test_support::send_and_wait(*router_, std::move(r));
  }

  // State parameters for `state_id` (and a registration when given).
  static Query state(const std::string& state_id, const std::string& registration = "") {
    Query q{{"activityId", kActivity}, {"agent", kAgent}};
    if (!state_id.empty()) q.emplace_back("stateId", state_id);
    if (!registration.empty()) q.emplace_back("registration", registration);
    return q;
  }
  static Query activity_profile(const std::string& profile_id) {
    Query q{{"activityId", kActivity}};
    if (!profile_id.empty()) q.emplace_back("profileId", profile_id);
    return q;
  }
  static Query agent_profile(const std::string& profile_id) {
    Query q{{"agent", kAgent}};
    if (!profile_id.empty()) q.emplace_back("profileId", profile_id);
    return q;
  }

  static const std::string* header(const HttpResponse& r, std::string_view name) {
    return test_support::find_header(r, name);
  }
  static json::Value body_json(const HttpResponse& r) { return test_support::body_json(r); }
  static json::Value parse(const std::string& text) { return *json::parse(text); }

  std::string etag_of(const std::string& resource, const Query& q, const char* version = kV2) {
    HttpResponse r = send("GET", resource, q, "", {}, version);
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string* e = header(r, "ETag");
    return e ? *e : "";
  }

  HttpResponse post_statement(const std::string& body) {
    return send("POST", "/statements", {}, body);
  }

  test_support::TempDir dir_{"/tmp/scribe-docs"};
  Config config_;
  test_support::StatementsStack stack_;
  storage::Engine* engine_ = nullptr;
  Router* router_ = nullptr;
  std::string auth_;
};

}  // namespace scribe::xapi::testing
