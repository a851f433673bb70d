// The Statements API end to end, without sockets: Router -> StatementsResource -> CommitPipeline
// -> RocksDB -> StatementReader, with a real credential checked by the CredentialStore.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <future>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "common/base64.h"
#include "auth/credential_store.h"
#include "common/config.h"
#include "common/json.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "storage/statement_reader.h"
#include "xapi/formats.h"
#include "xapi/router.h"
#include "xapi/statement_prepare.h"
#include "xapi/statements_resource.h"
#include "tests/support/json_expect.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/lrs_test.h"
#include "tests/support/temp_dir.h"

namespace scribe::xapi {
namespace {

using test_support::body_json;
using test_support::find_header;
using test_support::TempDir;
using text::percent_encode;

const char* kVoided = "http://adlnet.gov/expapi/verbs/voided";
const char* kHomePage = "http://lrs.example.com";

std::string id_n(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

std::string statement(const std::string& id, const std::string& verb, const std::string& object,
                      const std::string& extra = "") {
  std::string s = "{";
  if (!id.empty()) s += R"("id":")" + id + R"(",)";
  s += R"("actor":{"objectType":"Agent","mbox":"mailto:learner@example.com","name":"Learner"},)";
  s += R"("verb":{"id":")" + verb + R"(","display":{"en-US":"did"}},)";
  s += R"("object":)" + object;
  s += extra;
  s += "}";
  return s;
}

std::string activity(const std::string& iri) {
  return R"({"objectType":"Activity","id":")" + iri + R"("})";
}

std::string statement_ref(const std::string& id) {
  return R"({"objectType":"StatementRef","id":")" + id + R"("})";
}

std::vector<std::string> statement_ids(const json::Value& result) {
  std::vector<std::string> ids;
  const json::Value* list = result.get("statements");
  EXPECT_TRUE(list && list->is_array());
  if (list && list->is_array())
    for (const auto& s : list->as_array()) ids.emplace_back(s.get_string("id"));
  return ids;
}

// One engine, pipeline and router serve the whole suite (opening RocksDB is the slow part);
// each test gets a credential of its own store, so tests never see each other's statements.
class StatementsApiTest : public ::testing::Test {
 protected:
  struct Shared {
    TempDir dir{"/tmp/scribe-api"};
    Config config;
    test_support::StatementsStack stack;
    storage::StoreId next_store = 1;
  };
  static inline Shared* shared_ = nullptr;

  static void SetUpTestSuite() {
    shared_ = new Shared();
    shared_->config.server.public_url = kHomePage;
    auto e = test_support::open_test_engine(shared_->config, shared_->dir.path());
    ASSERT_TRUE(e.ok()) << e.error().describe();
    shared_->stack.build(shared_->config, std::move(*e));
  }

  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(shared_, nullptr);
    ASSERT_NE(shared_->stack.router, nullptr);
    credentials_ = shared_->stack.credentials.get();
    router_ = shared_->stack.router.get();
    store_ = shared_->next_store;
    shared_->next_store += 2;  // store_ + 1 is this test's "other" store
    auto created = shared_->stack.credential(store_name(store_), auth::scope_bit(auth::Scope::All));
    key_ = created.credential.key;
    auth_ = "Basic " + base64_encode(key_ + ":" + created.secret);
  }

  HttpRequest request(const std::string& method, const std::string& resource,
                      std::vector<std::pair<std::string, std::string>> query = {},
                      std::string body = "", const char* version = "2.0.0") {
    HttpRequest r;
    r.method = method;
    r.path = "/xapi" + resource;
    r.query = std::move(query);
    r.body = std::move(body);
    if (version) r.headers.emplace_back("x-experience-api-version", version);
    r.headers.emplace_back("authorization", auth_);
    if (!r.body.empty()) r.headers.emplace_back("content-type", "application/json");
    return r;
  }

  // A PUT of `content` as `id` in the alternate request syntax (a form-encoded POST).
  HttpRequest alternate_put(const std::string& id, const std::string& content, const std::string& version) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/xapi/statements";
    r.query = {{"method", "PUT"}};
    r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    r.body = "statementId=" + percent_encode(id) + "&content=" + percent_encode(content) +
             "&X-Experience-API-Version=" + version + "&Authorization=" + percent_encode(auth_) +
             "&Content-Type=" + percent_encode("application/json");
    return r;
  }

  HttpResponse send(HttpRequest r) { return test_support::send_and_wait(*router_, std::move(r)); }

  HttpResponse post(const std::string& body, const char* version = "2.0.0") {
    return send(request("POST", "/statements", {}, body, version));
  }
  HttpResponse put(const std::string& id, const std::string& body, const char* version = "2.0.0") {
    return send(request("PUT", "/statements", {{"statementId", id}}, body, version));
  }
  HttpResponse get(std::vector<std::pair<std::string, std::string>> query,
                   const char* version = "2.0.0") {
    return send(request("GET", "/statements", std::move(query), "", version));
  }

  json::Value authority() const {
    return *json::parse(R"({"objectType":"Agent","account":{"homePage":")" + std::string(kHomePage) +
                        R"(","name":")" + key_ + R"("}})");
  }

  static std::string store_name(storage::StoreId n) { return "api-" + std::to_string(n); }

  auth::CredentialStore* credentials_ = nullptr;
  Router* router_ = nullptr;
  storage::StoreId store_ = 0;
  std::string key_;
  std::string auth_;
};

TEST_F(StatementsApiTest, MissingVersionHeaderIsRejected) {
  HttpResponse r = send(request("GET", "/statements", {}, "", nullptr));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_json(r).get("error")->get_string("path"), "X-Experience-API-Version");
  HttpResponse p = send(request("POST", "/statements", {}, statement("", "http://v", activity("http://a")), nullptr));
  EXPECT_EQ(p.status, 400);
}

TEST_F(StatementsApiTest, PagesNeverExceedQueryLimitMax) {
  for (int i = 0; i < 5; i++)
    ASSERT_EQ(post(statement("", "http://v/limit", activity("http://a/limit"))).status, 200);
  auto& limits = shared_->config.limits;
  const auto saved = limits;
  limits.query_limit_max = 3;
  for (const char* asked : {"0", "10", ""}) {
    std::vector<std::pair<std::string, std::string>> query{{"verb", "http://v/limit"}};
    if (*asked) query.emplace_back("limit", asked);
    HttpResponse r = get(query);
    EXPECT_EQ(r.status, 200);
    json::Value page = body_json(r);
    EXPECT_EQ(statement_ids(page).size(), 3u) << "limit=" << asked;
    EXPECT_NE(page.get_string("more"), "") << "limit=" << asked;
  }
  limits = saved;
}

TEST_F(StatementsApiTest, UnsupportedVersionHeaderIsRejected) {
  EXPECT_EQ(get({}, "3.0.0").status, 400);
  EXPECT_EQ(get({}, "0.95").status, 400);
  EXPECT_EQ(get({}, "1.0.3").status, 200);
  EXPECT_EQ(get({}, "1.0").status, 200);
  EXPECT_EQ(get({}, "2.0").status, 200);
}

TEST_F(StatementsApiTest, BadCredentialsAre401WithAChallenge) {
  HttpRequest wrong = request("GET", "/statements");
  for (auto& h : wrong.headers)
    if (h.first == "authorization") h.second = "Basic " + base64_encode(key_ + ":wrong-secret");
  HttpResponse r = send(std::move(wrong));
  EXPECT_EQ(r.status, 401);
  ASSERT_NE(find_header(r, "WWW-Authenticate"), nullptr);
  EXPECT_TRUE(find_header(r, "WWW-Authenticate")->starts_with("Basic"));

  HttpRequest missing = request("GET", "/statements");
  std::erase_if(missing.headers, [](const auto& h) { return h.first == "authorization"; });
  HttpResponse m = send(std::move(missing));
  EXPECT_EQ(m.status, 401);
  EXPECT_NE(find_header(m, "WWW-Authenticate"), nullptr);

  HttpRequest garbage = request("POST", "/statements", {}, statement("", "http://v", activity("http://a")));
  for (auto& h : garbage.headers)
    if (h.first == "authorization") h.second = "Basic !!!not-base64";
  EXPECT_EQ(send(std::move(garbage)).status, 401);
}

TEST_F(StatementsApiTest, AboutNeedsNoAuthAndListsBothVersions) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/xapi/about";
  HttpResponse about = send(std::move(r));
  ASSERT_EQ(about.status, 200);
  json::Value v = body_json(about);
  const json::Value* versions = v.get("version");
  ASSERT_TRUE(versions && versions->is_array());
  std::vector<std::string> listed;
  for (const auto& e : versions->as_array()) listed.push_back(e.as_string());
  EXPECT_NE(std::find(listed.begin(), listed.end(), "1.0.3"), listed.end());
  EXPECT_NE(std::find(listed.begin(), listed.end(), "2.0.0"), listed.end());
  EXPECT_NE(find_header(about, "X-Experience-API-Version"), nullptr);
}

TEST_F(StatementsApiTest, PostSingleStatementReturnsArrayOfItsId) {
  HttpResponse r = post(statement(id_n(1), "http://v", activity("http://a")));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_JSON_EQ(body_json(r), *json::parse("[\"" + id_n(1) + "\"]"));

  // Without an id, the LRS assigns one.
  HttpResponse assigned = post(statement("", "http://v", activity("http://a")));
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  json::Value ids = body_json(assigned);
  ASSERT_TRUE(ids.is_array());
  ASSERT_EQ(ids.as_array().size(), 1u);
  std::string id = ids.as_array()[0].as_string();
  EXPECT_TRUE(is_uuid(id)) << id;
  EXPECT_EQ(get({{"statementId", id}}).status, 200);
}

TEST_F(StatementsApiTest, PostBatchReturnsIdsInOrder) {
  std::string batch = "[" + statement(id_n(3), "http://v", activity("http://a")) + "," +
                      statement(id_n(1), "http://v", activity("http://a")) + "," +
                      statement(id_n(2), "http://v", activity("http://a")) + "]";
  HttpResponse r = post(batch);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_JSON_EQ(body_json(r), *json::parse("[\"" + id_n(3) + "\",\"" + id_n(1) + "\",\"" + id_n(2) + "\"]"));
}

TEST_F(StatementsApiTest, PostBatchWithDuplicateIdsStoresNothing) {
  std::string batch = "[" + statement(id_n(1), "http://v", activity("http://a")) + "," +
                      statement(id_n(2), "http://v", activity("http://a")) + "," +
                      statement(id_n(1), "http://v", activity("http://a")) + "]";
  HttpResponse r = post(batch);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(get({{"statementId", id_n(1)}}).status, 404);
  EXPECT_EQ(get({{"statementId", id_n(2)}}).status, 404);
  HttpResponse all = get({});
  ASSERT_EQ(all.status, 200);
  EXPECT_TRUE(statement_ids(body_json(all)).empty());
}

TEST_F(StatementsApiTest, PostBatchWithOneInvalidStatementStoresNothing) {
  std::string batch = "[" + statement(id_n(1), "http://v", activity("http://a")) + "," +
                      statement(id_n(2), "not an iri", activity("http://a")) + "]";
  HttpResponse r = post(batch);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(body_json(r).get("error")->get_string("path").starts_with("[1]")) << r.body;
  EXPECT_EQ(get({{"statementId", id_n(1)}}).status, 404);
}

TEST_F(StatementsApiTest, PutThenGetReturnsTheStatementWithLrsProperties) {
  const std::string sent = statement(id_n(1), "http://v", activity("http://a"));
  HttpResponse r = put(id_n(1), sent);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());

  HttpResponse g = get({{"statementId", id_n(1)}});
  ASSERT_EQ(g.status, 200) << g.body;
  json::Value got = body_json(g);
  json::Value original = *json::parse(sent);
  for (const char* key : {"id", "actor", "verb", "object"})
    EXPECT_JSON_EQ(*got.get(key), *original.get(key)) << key;
  auto stored = parse_timestamp(got.get_string("stored"));
  ASSERT_TRUE(stored.ok()) << g.body;
  EXPECT_JSON_EQ(*got.get("authority"), authority());
  EXPECT_EQ(got.get_string("version"), "2.0.0");
  // No timestamp was sent: it is the stored time.
  EXPECT_EQ(got.get_string("timestamp"), got.get_string("stored"));
  EXPECT_EQ(got.get_string("stored"), format_timestamp(*stored));
}

TEST_F(StatementsApiTest, StatementStoredThroughVersion103GetsVersion100) {
  ASSERT_EQ(put(id_n(1), statement(id_n(1), "http://v", activity("http://a")), "1.0.3").status, 204);
  HttpResponse g = get({{"statementId", id_n(1)}}, "1.0.3");
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(body_json(g).get_string("version"), "1.0.0");
}

TEST_F(StatementsApiTest, PutOfTheSameStatementAgainIs204) {
  const std::string sent = statement(id_n(1), "http://v", activity("http://a"));
  ASSERT_EQ(put(id_n(1), sent).status, 204);
  HttpResponse again = put(id_n(1), sent);
  EXPECT_EQ(again.status, 204) << again.body;
  // POSTing it again is fine too.
  HttpResponse posted = post(sent);
  EXPECT_EQ(posted.status, 200) << posted.body;
}

TEST_F(StatementsApiTest, PutOfDifferentContentUnderAStoredIdIs409) {
  ASSERT_EQ(put(id_n(1), statement(id_n(1), "http://v", activity("http://a"))).status, 204);
  HttpResponse r = put(id_n(1), statement(id_n(1), "http://v", activity("http://other")));
  EXPECT_EQ(r.status, 409) << r.body;
  json::Value got = body_json(get({{"statementId", id_n(1)}}));
  EXPECT_EQ(got.get("object")->get_string("id"), "http://a");
}

TEST_F(StatementsApiTest, PutWithMismatchedIdsOrWithoutStatementIdIs400) {
  EXPECT_EQ(put(id_n(1), statement(id_n(2), "http://v", activity("http://a"))).status, 400);
  EXPECT_EQ(send(request("PUT", "/statements", {}, statement(id_n(1), "http://v", activity("http://a")))).status,
            400);
  EXPECT_EQ(get({{"statementId", id_n(1)}}).status, 404);
  EXPECT_EQ(get({{"statementId", id_n(2)}}).status, 404);
}

TEST_F(StatementsApiTest, VoidedStatementIsFoundOnlyByVoidedStatementId) {
  ASSERT_EQ(put(id_n(1), statement(id_n(1), "http://v", activity("http://a"))).status, 204);
  ASSERT_EQ(post(statement(id_n(2), kVoided, statement_ref(id_n(1)))).status, 200);

  HttpResponse by_id = get({{"statementId", id_n(1)}});
  EXPECT_EQ(by_id.status, 404) << by_id.body;
  HttpResponse by_voided = get({{"voidedStatementId", id_n(1)}});
  ASSERT_EQ(by_voided.status, 200) << by_voided.body;
  EXPECT_EQ(body_json(by_voided).get_string("id"), id_n(1));
  // The voiding statement itself is an ordinary statement.
  EXPECT_EQ(get({{"statementId", id_n(2)}}).status, 200);
  EXPECT_EQ(get({{"voidedStatementId", id_n(2)}}).status, 404);
  // And the voided one is left out of query results.
  EXPECT_EQ(statement_ids(body_json(get({}))), std::vector<std::string>{id_n(2)});
}

TEST_F(StatementsApiTest, VoidingAVoidingStatementIsRejected) {
  ASSERT_EQ(post(statement(id_n(1), "http://v", activity("http://a"))).status, 200);
  ASSERT_EQ(post(statement(id_n(2), kVoided, statement_ref(id_n(1)))).status, 200);
  HttpResponse r = post(statement(id_n(3), kVoided, statement_ref(id_n(2))));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(get({{"statementId", id_n(3)}}).status, 404);
}

TEST_F(StatementsApiTest, FiltersMatchStatementsTargetingMatchingStatements) {
  const std::string verb = "http://example.com/verbs/attempted";
  ASSERT_EQ(post(statement(id_n(1), verb, activity("http://a"))).status, 200);
  ASSERT_EQ(post(statement(id_n(2), kVoided, statement_ref(id_n(1)))).status, 200);
  ASSERT_EQ(post(statement(id_n(3), "http://example.com/verbs/commented", statement_ref(id_n(1)))).status, 200);
  HttpResponse r = get({{"verb", verb}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(statement_ids(body_json(r)), (std::vector<std::string>{id_n(3), id_n(2)}));
  // The activity filter follows the reference as well.
  HttpResponse a = get({{"activity", "http://a"}});
  EXPECT_EQ(statement_ids(body_json(a)), (std::vector<std::string>{id_n(3), id_n(2)}));
}

TEST_F(StatementsApiTest, FiltersMatchReferrersStoredBeforeTheirTarget) {
  const std::string verb = "http://example.com/verbs/attempted";
  ASSERT_EQ(post(statement(id_n(3), "http://example.com/verbs/commented", statement_ref(id_n(1)))).status, 200);
  EXPECT_TRUE(statement_ids(body_json(get({{"verb", verb}}))).empty());
  ASSERT_EQ(post(statement(id_n(1), verb, activity("http://a"))).status, 200);
  EXPECT_EQ(statement_ids(body_json(get({{"verb", verb}}))), (std::vector<std::string>{id_n(1), id_n(3)}));
}

TEST_F(StatementsApiTest, VoidingBeforeTheTargetArrivesStillVoidsIt) {
  const std::string verb = "http://example.com/verbs/attempted";
  ASSERT_EQ(post(statement(id_n(2), kVoided, statement_ref(id_n(1)))).status, 200);
  ASSERT_EQ(post(statement(id_n(1), verb, activity("http://a"))).status, 200);
  EXPECT_EQ(get({{"statementId", id_n(1)}}).status, 404);
  EXPECT_EQ(get({{"voidedStatementId", id_n(1)}}).status, 200);
  EXPECT_EQ(statement_ids(body_json(get({{"verb", verb}}))), std::vector<std::string>{id_n(2)});
}

TEST_F(StatementsApiTest, RelatedFiltersReachContextAndSubStatements) {
  const std::string s1 = R"({"id":")" + id_n(1) + R"(","actor":{"mbox":"mailto:a@example.com"},
      "verb":{"id":"http://v"},"object":{"id":"http://object"},
      "context":{"instructor":{"mbox":"mailto:teacher@example.com"},
                 "contextActivities":{"parent":[{"id":"http://parent"}]}}})";
  const std::string s2 = R"({"id":")" + id_n(2) + R"(","actor":{"mbox":"mailto:a@example.com"},
      "verb":{"id":"http://v"},"object":{"objectType":"SubStatement",
        "actor":{"mbox":"mailto:teacher@example.com"},"verb":{"id":"http://sv"},
        "object":{"id":"http://parent"}}})";
  ASSERT_EQ(post(s1).status, 200);
  ASSERT_EQ(post(s2).status, 200) << post(s2).body;
  const std::string teacher = R"({"mbox":"mailto:teacher@example.com"})";
  EXPECT_TRUE(statement_ids(body_json(get({{"agent", teacher}}))).empty());
  EXPECT_EQ(statement_ids(body_json(get({{"agent", teacher}, {"related_agents", "true"}}))),
            (std::vector<std::string>{id_n(2), id_n(1)}));
  EXPECT_TRUE(statement_ids(body_json(get({{"activity", "http://parent"}}))).empty());
  EXPECT_EQ(statement_ids(body_json(get({{"activity", "http://parent"}, {"related_activities", "true"}}))),
            (std::vector<std::string>{id_n(2), id_n(1)}));
  EXPECT_EQ(statement_ids(body_json(get({{"activity", "http://object"}}))), std::vector<std::string>{id_n(1)});
}

TEST_F(StatementsApiTest, PagesWithLimitAndMoreToTheEnd) {
  std::string batch = "[";
  for (int i = 1; i <= 5; i++) {
    if (i > 1) batch += ",";
    batch += statement(id_n(i), "http://v", activity("http://a"));
  }
  batch += "]";
  ASSERT_EQ(post(batch).status, 200);
  ASSERT_EQ(post(statement(id_n(9), "http://other", activity("http://a"))).status, 200);

  std::vector<std::string> seen;
  HttpResponse r = get({{"verb", "http://v"}, {"limit", "2"}});
  int pages = 0;
  for (;;) {
    ASSERT_EQ(r.status, 200) << r.body;
    json::Value page = body_json(r);
    auto ids = statement_ids(page);
    EXPECT_LE(ids.size(), 2u);
    seen.insert(seen.end(), ids.begin(), ids.end());
    pages++;
    std::string more(page.get_string("more"));
    if (more.empty()) break;
    ASSERT_LT(pages, 10) << "more never ends";
    ASSERT_TRUE(more.starts_with("/xapi/statements?more=")) << more;
    r = get({{"more", more.substr(more.find("=") + 1)}});
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{id_n(5), id_n(4), id_n(3), id_n(2), id_n(1)}));
}

TEST_F(StatementsApiTest, PagesAscending) {
  for (int i = 1; i <= 3; i++) ASSERT_EQ(post(statement(id_n(i), "http://v", activity("http://a"))).status, 200);
  std::vector<std::string> seen;
  HttpResponse r = get({{"ascending", "true"}, {"limit", "1"}});
  for (int pages = 0; pages < 10; pages++) {
    ASSERT_EQ(r.status, 200) << r.body;
    json::Value page = body_json(r);
    auto ids = statement_ids(page);
    seen.insert(seen.end(), ids.begin(), ids.end());
    std::string more(page.get_string("more"));
    if (more.empty()) break;
    r = get({{"more", more.substr(more.find("=") + 1)}});
  }
  EXPECT_EQ(seen, (std::vector<std::string>{id_n(1), id_n(2), id_n(3)}));
}

TEST_F(StatementsApiTest, MoreCombinedWithOtherParametersOrTamperedIs400) {
  ASSERT_EQ(post(statement(id_n(1), "http://v", activity("http://a"))).status, 200);
  ASSERT_EQ(post(statement(id_n(2), "http://v", activity("http://a"))).status, 200);
  json::Value page = body_json(get({{"limit", "1"}}));
  std::string more(page.get_string("more"));
  ASSERT_FALSE(more.empty());
  std::string token = more.substr(more.find("=") + 1);
  EXPECT_EQ(get({{"more", token}, {"limit", "5"}}).status, 400);
  EXPECT_EQ(get({{"more", "garbage"}}).status, 400);
  EXPECT_EQ(get({{"more", token}}).status, 200);
}

TEST_F(StatementsApiTest, AlternateSyntaxPutWorksFor103) {
  HttpResponse response = send(alternate_put(id_n(1), statement(id_n(1), "http://v", activity("http://a")),
                                              "1.0.3"));
  EXPECT_EQ(response.status, 204) << response.body;
  HttpResponse g = get({{"statementId", id_n(1)}}, "1.0.3");
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_JSON_EQ(*body_json(g).get("object"), *json::parse(activity("http://a")));
}

TEST_F(StatementsApiTest, AlternateSyntaxIsRejectedFor200) {
  HttpResponse response = send(alternate_put(id_n(1), statement(id_n(1), "http://v", activity("http://a")),
                                              "2.0.0"));
  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_EQ(get({{"statementId", id_n(1)}}).status, 404);
}

TEST_F(StatementsApiTest, ResponsesCarryVersionAndConsistencyHeaders) {
  HttpResponse posted = post(statement(id_n(1), "http://v", activity("http://a")));
  ASSERT_EQ(posted.status, 200);
  ASSERT_NE(find_header(posted, "X-Experience-API-Version"), nullptr);
  EXPECT_EQ(*find_header(posted, "X-Experience-API-Version"), "2.0.0");

  HttpResponse one = get({{"statementId", id_n(1)}});
  ASSERT_EQ(one.status, 200);
  auto stored = parse_timestamp(body_json(one).get_string("stored"));
  ASSERT_TRUE(stored.ok());
  for (const HttpResponse* r : {&one}) {
    const std::string* through = find_header(*r, "X-Experience-API-Consistent-Through");
    ASSERT_NE(through, nullptr);
    auto t = parse_timestamp(*through);
    ASSERT_TRUE(t.ok()) << *through;
    EXPECT_GE(*t, *stored);
  }
  HttpResponse list = get({}, "1.0.3");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(*find_header(list, "X-Experience-API-Version"), "1.0.3");
  const std::string* through = find_header(list, "X-Experience-API-Consistent-Through");
  ASSERT_NE(through, nullptr);
  ASSERT_TRUE(parse_timestamp(*through).ok()) << *through;
  EXPECT_GE(*parse_timestamp(*through), *stored);

  // Errors on GET carry them too.
  HttpResponse missing = get({{"statementId", id_n(7)}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(find_header(missing, "X-Experience-API-Consistent-Through"), nullptr);
  EXPECT_NE(find_header(missing, "X-Experience-API-Version"), nullptr);
}

TEST_F(StatementsApiTest, SingleContextActivityComesBackAsAnArray) {
  const std::string extra =
      R"(,"context":{"contextActivities":{"parent":{"id":"http://parent"},"grouping":[{"id":"http://g"}]}})";
  ASSERT_EQ(post(statement(id_n(1), "http://v", activity("http://a"), extra)).status, 200);
  json::Value got = body_json(get({{"statementId", id_n(1)}}));
  const json::Value* ca = got.get("context") ? got.get("context")->get("contextActivities") : nullptr;
  ASSERT_NE(ca, nullptr) << json::serialize(got);
  EXPECT_JSON_EQ(*ca->get("parent"), *json::parse(R"([{"id":"http://parent"}])"));
  EXPECT_JSON_EQ(*ca->get("grouping"), *json::parse(R"([{"id":"http://g"}])"));
  // Sending the array form again is the same statement.
  const std::string as_array =
      R"(,"context":{"contextActivities":{"parent":[{"id":"http://parent"}],"grouping":[{"id":"http://g"}]}})";
  EXPECT_EQ(put(id_n(1), statement(id_n(1), "http://v", activity("http://a"), as_array)).status, 204);
}

TEST_F(StatementsApiTest, TimestampWithOffsetIsNormalisedToUtc) {
  ASSERT_EQ(post(statement(id_n(1), "http://v", activity("http://a"),
                           R"(,"timestamp":"2024-01-31T10:20:30.5+01:00")"))
                .status,
            200);
  json::Value got = body_json(get({{"statementId", id_n(1)}}));
  EXPECT_EQ(got.get_string("timestamp"), "2024-01-31T09:20:30.500000Z");
  EXPECT_NE(got.get_string("stored"), got.get_string("timestamp"));
}

TEST_F(StatementsApiTest, FormatIdsAndCanonicalApplyToQueries) {
  std::string s = R"({"id":")" + id_n(1) +
                  R"(","actor":{"mbox":"mailto:a@example.com","name":"A"},"verb":{"id":"http://v","display":{"en-US":"did","en-GB":"did [GB]"}},"object":{"id":"http://a","definition":{"name":{"en-US":"A","en-GB":"A [GB]"}}}})";
  ASSERT_EQ(post(s).status, 200);
  json::Value ids = body_json(get({{"format", "ids"}}));
  const json::Value& first = ids.get("statements")->as_array().at(0);
  EXPECT_JSON_EQ(*first.get("actor"), *json::parse(R"({"mbox":"mailto:a@example.com"})"));
  EXPECT_JSON_EQ(*first.get("verb"), *json::parse(R"({"id":"http://v"})"));

  HttpRequest canonical = request("GET", "/statements", {{"statementId", id_n(1)}, {"format", "canonical"}});
  canonical.headers.emplace_back("accept-language", "en-GB");
  json::Value c = body_json(send(std::move(canonical)));
  EXPECT_JSON_EQ(*c.get("verb")->get("display"), *json::parse(R"({"en-GB":"did [GB]"})"));
  EXPECT_JSON_EQ(*c.get("object")->get("definition")->get("name"), *json::parse(R"({"en-GB":"A [GB]"})"));
}

TEST_F(StatementsApiTest, WrongSecretIsRejectedAfterTheRightOneWasCached) {
  ASSERT_EQ(get({}).status, 200);
  HttpRequest wrong = request("GET", "/statements");
  for (auto& h : wrong.headers)
    if (h.first == "authorization") h.second = "Basic " + base64_encode(key_ + ":nope");
  EXPECT_EQ(send(std::move(wrong)).status, 401);
  EXPECT_EQ(get({}).status, 200);
}

TEST_F(StatementsApiTest, StoresOfDifferentCredentialsNeverMix) {
  std::string other_auth = shared_->stack.basic_auth(store_name(store_ + 1));
  auto as_other = [&](HttpRequest r) {
    for (auto& h : r.headers)
      if (h.first == "authorization") h.second = other_auth;
    return send(std::move(r));
  };
  ASSERT_EQ(put(id_n(1), statement(id_n(1), "http://v", activity("http://a"))).status, 204);
  // The same id with other content is no conflict in another store.
  HttpResponse r = as_other(request("PUT", "/statements", {{"statementId", id_n(1)}},
                                    statement(id_n(1), "http://v", activity("http://b"))));
  EXPECT_EQ(r.status, 204) << r.body;
  json::Value mine = body_json(get({{"statementId", id_n(1)}}));
  json::Value theirs = body_json(as_other(request("GET", "/statements", {{"statementId", id_n(1)}})));
  EXPECT_EQ(mine.get("object")->get_string("id"), "http://a");
  EXPECT_EQ(theirs.get("object")->get_string("id"), "http://b");
  ASSERT_EQ(post(statement(id_n(2), "http://v", activity("http://a"))).status, 200);
  EXPECT_EQ(as_other(request("GET", "/statements", {{"statementId", id_n(2)}})).status, 404);
  EXPECT_EQ(statement_ids(body_json(as_other(request("GET", "/statements")))),
            std::vector<std::string>{id_n(1)});
  EXPECT_EQ(statement_ids(body_json(get({}))), (std::vector<std::string>{id_n(2), id_n(1)}));
}

TEST_F(StatementsApiTest, SinceIsExclusiveAndUntilInclusiveOnStored) {
  for (int i = 1; i <= 3; i++) ASSERT_EQ(post(statement(id_n(i), "http://v", activity("http://a"))).status, 200);
  std::string stored1(body_json(get({{"statementId", id_n(1)}})).get_string("stored"));
  std::string stored2(body_json(get({{"statementId", id_n(2)}})).get_string("stored"));
  EXPECT_EQ(statement_ids(body_json(get({{"since", stored1}}))), (std::vector<std::string>{id_n(3), id_n(2)}));
  EXPECT_EQ(statement_ids(body_json(get({{"until", stored2}}))), (std::vector<std::string>{id_n(2), id_n(1)}));
  EXPECT_EQ(statement_ids(body_json(get({{"since", stored1}, {"until", stored2}}))),
            std::vector<std::string>{id_n(2)});
}

TEST_F(StatementsApiTest, AgentAndVerbFiltersIntersect) {
  auto with_actor = [](const std::string& id, const std::string& mbox, const std::string& verb) {
    return R"({"id":")" + id + R"(","actor":{"mbox":")" + mbox + R"("},"verb":{"id":")" + verb +
           R"("},"object":{"id":"http://a"}})";
  };
  ASSERT_EQ(post(with_actor(id_n(1), "mailto:x@example.com", "http://v1")).status, 200);
  ASSERT_EQ(post(with_actor(id_n(2), "mailto:y@example.com", "http://v1")).status, 200);
  ASSERT_EQ(post(with_actor(id_n(3), "mailto:x@example.com", "http://v2")).status, 200);
  ASSERT_EQ(post(with_actor(id_n(4), "mailto:x@example.com", "http://v1")).status, 200);
  HttpResponse r = get({{"agent", R"({"mbox":"mailto:x@example.com"})"}, {"verb", "http://v1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(statement_ids(body_json(r)), (std::vector<std::string>{id_n(4), id_n(1)}));
  HttpResponse bad = get({{"agent", "{not json"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(body_json(bad).get("error")->get_string("path"), "agent");
}

TEST_F(StatementsApiTest, AgentAndVerbFiltersFollowStatementRefsAndAgentObjects) {
  auto by = [](const std::string& id, const std::string& actor, const std::string& verb, const std::string& object) {
    return R"({"id":")" + id + R"(","actor":{"mbox":"mailto:)" + actor + R"(@example.com"},"verb":{"id":")" +
           verb + R"("},"object":)" + object + "}";
  };
  auto agent = [](const std::string& name) { return R"({"mbox":"mailto:)" + name + R"(@example.com"})"; };
  // 2 targets 3 before 3 arrives (a back-fill), 4 targets 2 (a chain), 5 has x as its object.
  ASSERT_EQ(post(by(id_n(2), "c", "http://v2", statement_ref(id_n(3)))).status, 200);
  ASSERT_EQ(post(by(id_n(3), "b", "http://v3", activity("http://a"))).status, 200);
  ASSERT_EQ(post(by(id_n(4), "c", "http://v4", statement_ref(id_n(2)))).status, 200);
  ASSERT_EQ(post(by(id_n(5), "d", "http://v3", R"({"objectType":"Agent","mbox":"mailto:x@example.com"})")).status, 200);
  auto ids = [&](const std::string& who, const std::string& verb) {
    HttpResponse r = get({{"agent", agent(who)}, {"verb", verb}});
    EXPECT_EQ(r.status, 200) << r.body;
    return statement_ids(body_json(r));
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids("c", "http://v3"), (Ids{id_n(4), id_n(2)}));  // c's own statements, 3's verb
  EXPECT_EQ(ids("b", "http://v2"), (Ids{id_n(4), id_n(2)}));  // 3's actor, 2's own verb
  EXPECT_EQ(ids("b", "http://v3"), (Ids{id_n(4), id_n(3), id_n(2)}));
  EXPECT_EQ(ids("c", "http://v4"), (Ids{id_n(4)}));
  EXPECT_EQ(ids("c", "http://v5"), Ids{});
  EXPECT_EQ(ids("x", "http://v3"), (Ids{id_n(5)}));
  EXPECT_EQ(ids("d", "http://v2"), Ids{});
}

TEST_F(StatementsApiTest, ResendWithAnEquivalentTimestampIsTheSameStatement) {
  ASSERT_EQ(post(statement(id_n(1), "http://v", activity("http://a"),
                           R"(,"timestamp":"2024-01-31T10:20:30.5+01:00")")).status, 200);
  HttpResponse again = put(id_n(1), statement(id_n(1), "http://v", activity("http://a"),
                                              R"(,"timestamp":"2024-01-31T09:20:30.500Z")"));
  EXPECT_EQ(again.status, 204) << again.body;
}

TEST_F(StatementsApiTest, UnknownQueryParameterIs400) {
  HttpResponse r = get({{"Verb", "http://v"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_json(r).get("error")->get_string("path"), "Verb");
}

// limits.statement_terms_max: a statement indexed by more terms is refused, and nothing stored.
class StatementTermsLimitTest : public test_support::LrsTest {
 protected:
  StatementTermsLimitTest() : LrsTest("/tmp/scribe-terms-limit") { config_.limits.statement_terms_max = 20; }
  static std::string with_categories(int n, int categories) {
    std::string list;
    for (int c = 0; c < categories; c++) list += (c ? "," : "") + std::string(R"({"id":"http://example.com/c/)") + std::to_string(c) + "\"}";
    return R"({"id":")" + test_support::uuid_n(n) +
           R"(","actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},)"
           R"("object":{"id":"http://example.com/a"},"context":{"contextActivities":{"category":[)" + list + "]}}}";
  }
};

TEST_F(StatementTermsLimitTest, AStatementIndexedByMoreTermsIs413AndNothingIsStored) {
  const std::string auth = stack_.basic_auth();
  // An actor, a verb, an object and an authority, and the categories.
  EXPECT_EQ(as(auth, "POST", "/statements", {}, with_categories(1, 10)).status, 200);
  HttpResponse over = as(auth, "POST", "/statements", {}, "[" + with_categories(2, 1) + "," + with_categories(3, 20) + "]");
  ASSERT_EQ(over.status, 413) << over.body;
  EXPECT_EQ(body_json(over).get("error")->get_string("path"), "[1]");
  EXPECT_EQ(as(auth, "GET", "/statements", {{"statementId", test_support::uuid_n(2)}}).status, 404);
  EXPECT_EQ(as(auth, "GET", "/statements", {{"statementId", test_support::uuid_n(3)}}).status, 404);
}

// limits.json_depth_max: a statement nested deeper is 400, through the whole stack.
class JsonDepthLimitTest : public test_support::LrsTest {
 protected:
  JsonDepthLimitTest() : LrsTest("/tmp/scribe-json-depth") { config_.limits.json_depth_max = 8; }
  void TearDown() override {
    LrsTest::TearDown();
    json::set_depth_max(json::kDepthMaxDefault);
  }
  // A statement whose result extension nests `levels` arrays (the statement itself is depth 0,
  // result 1, extensions 2, the extension's value 3).
  static std::string nested(int n, int levels) {
    return R"({"id":")" + test_support::uuid_n(n) +
           R"(","actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},)"
           R"("object":{"id":"http://example.com/a"},"result":{"extensions":{"http://example.com/e":)" +
           std::string(size_t(levels), '[') + std::string(size_t(levels), ']') + "}}}";
  }
};

TEST_F(JsonDepthLimitTest, AStatementNestedDeeperThanTheLimitIs400AndNothingIsStored) {
  const std::string auth = stack_.basic_auth();
  EXPECT_EQ(as(auth, "POST", "/statements", {}, nested(1, 6)).status, 200);  // its innermost at depth 8
  HttpResponse deep = as(auth, "POST", "/statements", {}, nested(2, 7));
  ASSERT_EQ(deep.status, 400) << deep.body;
  EXPECT_NE(deep.body.find("limits.json_depth_max"), std::string::npos) << deep.body;
  EXPECT_EQ(as(auth, "GET", "/statements", {{"statementId", test_support::uuid_n(2)}}).status, 404);
}

}  // namespace
}  // namespace scribe::xapi
