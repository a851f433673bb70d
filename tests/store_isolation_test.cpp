// Two stores (tenants) on one server share nothing: statements (voided ones included),
// attachments, State, Activity Profile and Agent Profile documents, Agents and Activities. Each
// resource is written in store A and looked for from store B with a credential that may read
// everything there; then B writes the same ids and A still sees its own.
#include <gtest/gtest.h>

#include <openssl/sha.h>

#include <string>

#include "auth/scopes.h"
#include "common/json.h"
#include "common/text.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/lrs_requests.h"
#include "tests/support/lrs_test.h"

namespace scribe {
namespace {

using test_support::body_json;
using test_support::Query;
using test_support::test_statement;
using test_support::uuid_n;
using xapi::HttpResponse;

const char* kAgent = R"({"objectType":"Agent","mbox":"mailto:shared@example.com"})";
const char* kActivity = "http://example.com/activities/shared";

std::string sha256_hex(const std::string& s) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), out);
  return text::hex_encode(std::string_view(reinterpret_cast<char*>(out), sizeof out));
}

class StoreIsolationTest : public test_support::LrsTest {
 protected:
  StoreIsolationTest() : LrsTest("/tmp/scribe-iso") {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(LrsTest::SetUp());
    a_ = stack_.basic_auth("acme", auth::scope_bit(auth::Scope::All));
    b_ = stack_.basic_auth("globex", auth::scope_bit(auth::Scope::All));
  }

  size_t count(const std::string& auth, Query query = {}) {
    json::Value v = body_json(as(auth, "GET", "/statements", std::move(query)));
    const json::Value* list = v.get("statements");
    return list ? list->as_array().size() : 0;
  }

  std::string a_, b_;
};

TEST_F(StoreIsolationTest, StatementsAndTheirFiltersStayInTheirStore) {
  ASSERT_EQ(as(a_, "PUT", "/statements", {{"statementId", uuid_n(1)}},
               test_statement("", "mailto:shared@example.com", kActivity)).status, 204);
  EXPECT_EQ(count(a_), 1u);
  EXPECT_EQ(count(b_), 0u);
  EXPECT_EQ(count(b_, {{"agent", kAgent}}), 0u);
  EXPECT_EQ(count(b_, {{"activity", kActivity}}), 0u);
  EXPECT_EQ(as(b_, "GET", "/statements", {{"statementId", uuid_n(1)}}).status, 404);
  // The same id in the other store is a different statement, not a conflict.
  ASSERT_EQ(as(b_, "PUT", "/statements", {{"statementId", uuid_n(1)}},
               test_statement("", "mailto:other@example.com", "http://example.com/b")).status, 204);
  EXPECT_EQ(body_json(as(a_, "GET", "/statements", {{"statementId", uuid_n(1)}})).get("object")->get_string("id"),
            kActivity);
  EXPECT_EQ(body_json(as(b_, "GET", "/statements", {{"statementId", uuid_n(1)}})).get("object")->get_string("id"),
            "http://example.com/b");
}

TEST_F(StoreIsolationTest, VoidingInOneStoreNeverVoidsInAnother) {
  for (const std::string* auth : {&a_, &b_})
    ASSERT_EQ(as(*auth, "PUT", "/statements", {{"statementId", uuid_n(2)}},
                 test_statement("", "mailto:v@example.com", kActivity)).status, 204);
  ASSERT_EQ(as(a_, "POST", "/statements", {},
               R"({"actor":{"mbox":"mailto:v@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},)"
               R"("object":{"objectType":"StatementRef","id":")" + uuid_n(2) + R"("}})").status, 200);
  EXPECT_EQ(as(a_, "GET", "/statements", {{"voidedStatementId", uuid_n(2)}}).status, 200);
  EXPECT_EQ(as(a_, "GET", "/statements", {{"statementId", uuid_n(2)}}).status, 404);
  EXPECT_EQ(as(b_, "GET", "/statements", {{"statementId", uuid_n(2)}}).status, 200);
  EXPECT_EQ(as(b_, "GET", "/statements", {{"voidedStatementId", uuid_n(2)}}).status, 404);
}

TEST_F(StoreIsolationTest, AttachmentsAreStoredAndServedPerStore) {
  const std::string bytes = "attachment of store A";
  const std::string sha2 = sha256_hex(bytes);
  auto statement = [&](int n) {
    return R"({"id":")" + uuid_n(n) + R"(","actor":{"mbox":"mailto:att@example.com"},"verb":{"id":"http://example.com/v"},)"
           R"("object":{"id":"http://example.com/a"},"attachments":[{"usageType":"http://example.com/u",)"
           R"("display":{"en-US":"a"},"contentType":"text/plain","length":)" + std::to_string(bytes.size()) +
           R"(,"sha2":")" + sha2 + R"(","fileUrl":"http://example.com/file"}]})";
  };
  std::string body = "--b\r\nContent-Type: application/json\r\n\r\n" + statement(3) +
                     "\r\n--b\r\nContent-Type: text/plain\r\nX-Experience-API-Hash: " + sha2 + "\r\n\r\n" + bytes +
                     "\r\n--b--\r\n";
  ASSERT_EQ(as(a_, "POST", "/statements", {}, body, "multipart/mixed; boundary=b").status, 200);
  // B declares the same attachment with a fileUrl only: it has no bytes for it, and A's are
  // never served to it.
  ASSERT_EQ(as(b_, "POST", "/statements", {}, statement(4)).status, 200);
  auto a_id = stack_.stores->find("acme")->id, b_id = stack_.stores->find("globex")->id;
  auto in_a = stack_.reader->attachment(a_id, sha2);
  auto in_b = stack_.reader->attachment(b_id, sha2);
  ASSERT_TRUE(in_a.ok() && in_b.ok());
  EXPECT_EQ(in_a->value_or(""), bytes);
  EXPECT_FALSE(in_b->has_value());
  HttpResponse got = as(b_, "GET", "/statements", {{"statementId", uuid_n(4)}, {"attachments", "true"}});
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body.find(bytes), std::string::npos);
  HttpResponse mine = as(a_, "GET", "/statements", {{"statementId", uuid_n(3)}, {"attachments", "true"}});
  EXPECT_NE(mine.body.find(bytes), std::string::npos);
}

TEST_F(StoreIsolationTest, DocumentsOfEveryKindStayInTheirStore) {
  const Query state{{"activityId", kActivity}, {"agent", kAgent}, {"stateId", "s"}};
  const Query activity_profile{{"activityId", kActivity}, {"profileId", "p"}};
  const Query agent_profile{{"agent", kAgent}, {"profileId", "p"}};
  struct Kind {
    const char* path;
    Query query;
  };
  for (const Kind& k : {Kind{"/activities/state", state}, Kind{"/activities/profile", activity_profile},
                        Kind{"/agents/profile", agent_profile}}) {
    SCOPED_TRACE(k.path);
    ASSERT_EQ(as(a_, "PUT", k.path, k.query, R"({"owner":"a"})").status, 204);
    EXPECT_EQ(as(b_, "GET", k.path, k.query).status, 404);
    Query list = k.query;
    list.pop_back();  // without the id: the list of ids
    EXPECT_EQ(as(b_, "GET", k.path, list).body, "[]");
    // B's write under the same ids neither sees nor replaces A's document.
    ASSERT_EQ(as(b_, "POST", k.path, k.query, R"({"owner":"b"})").status, 204);
    EXPECT_EQ(as(a_, "GET", k.path, k.query).body, R"({"owner":"a"})");
    EXPECT_EQ(as(b_, "GET", k.path, k.query).body, R"({"owner":"b"})");
    ASSERT_EQ(as(b_, "DELETE", k.path, k.query).status, 204);
    EXPECT_EQ(as(a_, "GET", k.path, k.query).status, 200);
  }
}

TEST_F(StoreIsolationTest, AgentsAndActivitiesAreDefinedPerStore) {
  ASSERT_EQ(as(a_, "POST", "/statements", {}, test_statement("", "mailto:shared@example.com", kActivity)).status, 200);
  json::Value in_a = body_json(as(a_, "GET", "/activities", {{"activityId", kActivity}}));
  json::Value in_b = body_json(as(b_, "GET", "/activities", {{"activityId", kActivity}}));
  EXPECT_NE(in_a.get("definition"), nullptr);
  EXPECT_EQ(in_b.get("definition"), nullptr);
  json::Value person_a = body_json(as(a_, "GET", "/agents", {{"agent", kAgent}}));
  json::Value person_b = body_json(as(b_, "GET", "/agents", {{"agent", kAgent}}));
  EXPECT_NE(person_a.get("name"), nullptr);
  EXPECT_EQ(person_b.get("name"), nullptr);
}

}  // namespace
}  // namespace scribe
