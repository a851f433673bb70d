// The admin API through the Router: stores created, listed, shown with stats and deleted
// (with ?confirm, taking their data and credentials along), credentials created (each
// validation error naming its property), listed without secrets, revoked and rotated; and
// only the `admin` scope reaches it.
#include <gtest/gtest.h>

#include <string>

#include "common/base64.h"
#include "auth/scopes.h"
#include "common/json.h"
#include "storage/store_data.h"
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

class AdminApiTest : public test_support::LrsTest {
 protected:
  AdminApiTest() : LrsTest("/tmp/scribe-admin") {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(LrsTest::SetUp());
    admin_ = stack_.basic_auth("default", auth::scope_bit(auth::Scope::Admin));
  }

  HttpResponse call(const std::string& method, const std::string& path, std::string body = "",
                    Query query = {}, const std::string* auth = nullptr) {
    return as(auth ? *auth : admin_, method, path, std::move(query), std::move(body));
  }
  std::string error_path(const HttpResponse& r) {
    const json::Value body = body_json(r);
    const json::Value* e = body.get("error");
    return e ? std::string(e->get_string("path")) : "";
  }
  // A credential made through the API; returns its Authorization header.
  std::string api_credential(const std::string& store, const std::string& scopes_json) {
    HttpResponse r = call("POST", "/admin/credentials",
                          R"({"store":")" + store + R"(","label":"t","scopes":)" + scopes_json + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    json::Value v = body_json(r);
    return "Basic " + base64_encode(std::string(v.get_string("key")) + ":" + std::string(v.get_string("secret")));
  }

  std::string admin_;
};

TEST_F(AdminApiTest, DefaultStoreExistsFromTheFirstStart) {
  HttpResponse r = call("GET", "/admin/stores");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::Value listing = body_json(r);
  const auto& stores = listing.get("stores")->as_array();
  ASSERT_EQ(stores.size(), 1u);
  EXPECT_EQ(stores[0].get_string("name"), "default");
  EXPECT_EQ(stores[0].get("id")->as_int(), 1);
}

TEST_F(AdminApiTest, CreatesListsAndShowsStores) {
  HttpResponse created = call("POST", "/admin/stores", R"({"name":"acme"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(body_json(created).get_string("name"), "acme");
  EXPECT_GT(body_json(created).get("id")->as_int(), 1);
  EXPECT_EQ(call("POST", "/admin/stores", R"({"name":"acme"})").status, 409);
  EXPECT_EQ(body_json(call("GET", "/admin/stores")).get("stores")->as_array().size(), 2u);

  const std::string writer = api_credential("acme", R"(["all"])");
  ASSERT_EQ(as(writer, "POST", "/statements", {},
               test_statement("", "mailto:s@example.com", "http://example.com/a")).status, 200);
  ASSERT_EQ(as(writer, "PUT", "/activities/profile",
               {{"activityId", "http://example.com/a"}, {"profileId", "p"}}, "{}").status, 204);
  HttpResponse shown = call("GET", "/admin/stores/acme");
  ASSERT_EQ(shown.status, 200) << shown.body;
  const json::Value details = body_json(shown);
  const json::Value* stats = details.get("stats");
  ASSERT_NE(stats, nullptr);
  EXPECT_EQ(stats->get("statements")->as_int(), 1);
  EXPECT_EQ(stats->get("documents")->as_int(), 1);
  EXPECT_EQ(stats->get("attachment_bytes")->as_int(), 0);
  EXPECT_GT(stats->get("approximate_bytes_on_disk")->as_int(), 0);
  EXPECT_EQ(call("GET", "/admin/stores/nope").status, 404);
}

TEST_F(AdminApiTest, StoreBodiesAreValidatedWithPropertyPaths) {
  EXPECT_EQ(error_path(call("POST", "/admin/stores", R"({"name":"Bad Name"})")), "name");
  EXPECT_EQ(error_path(call("POST", "/admin/stores", R"({"name":""})")), "name");
  EXPECT_EQ(error_path(call("POST", "/admin/stores", R"({"name":7})")), "name");
  EXPECT_EQ(error_path(call("POST", "/admin/stores", R"({})")), "name");
  EXPECT_EQ(error_path(call("POST", "/admin/stores", R"({"name":"ok","extra":1})")), "extra");
  EXPECT_EQ(call("POST", "/admin/stores", "not json").status, 400);
  EXPECT_EQ(call("POST", "/admin/stores", std::string(R"({"name":")") + std::string(65, 'a') + "\"}").status, 400);
}

TEST_F(AdminApiTest, DeletingAStoreNeedsConfirmationAndRemovesItsDataAndCredentials) {
  ASSERT_EQ(call("POST", "/admin/stores", R"({"name":"doomed"})").status, 201);
  const std::string writer = api_credential("doomed", R"(["all"])");
  for (int i = 1; i <= 20; i++)
    ASSERT_EQ(as(writer, "PUT", "/statements", {{"statementId", uuid_n(i)}},
                 test_statement("", "mailto:d@example.com", "http://example.com/a")).status, 204);
  const auto id = stack_.stores->find("doomed")->id;
  ASSERT_EQ(storage::store_stats(*stack_.engine, id)->statements, 20u);

  EXPECT_EQ(error_path(call("DELETE", "/admin/stores/doomed")), "confirm");
  EXPECT_EQ(error_path(call("DELETE", "/admin/stores/doomed", "", {{"confirm", "other"}})), "confirm");
  EXPECT_EQ(call("DELETE", "/admin/stores/default", "", {{"confirm", "default"}}).status, 400);
  HttpResponse deleted = call("DELETE", "/admin/stores/doomed", "", {{"confirm", "doomed"}});
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_TRUE(body_json(deleted).get("deleted")->as_bool());

  EXPECT_EQ(call("GET", "/admin/stores/doomed").status, 404);
  EXPECT_EQ(as(writer, "GET", "/statements").status, 401);
  auto stats = storage::store_stats(*stack_.engine, id);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->statements, 0u);
  EXPECT_EQ(stats->documents, 0u);
  // A new store never gets the deleted one's id, nor its name (its audit trail keeps it).
  EXPECT_EQ(call("POST", "/admin/stores", R"({"name":"doomed"})").status, 409);
  HttpResponse again = call("POST", "/admin/stores", R"({"name":"doomed-2"})");
  ASSERT_EQ(again.status, 201);
  EXPECT_GT(body_json(again).get("id")->as_int(), int64_t(id));
}

TEST_F(AdminApiTest, CreatesCredentialsAndNamesTheOffendingProperty) {
  HttpResponse r = call("POST", "/admin/credentials",
                        R"({"store":"default","label":"moodle-prod","scopes":["statements/write","define"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  json::Value v = body_json(r);
  EXPECT_EQ(v.get_string("store"), "default");
  EXPECT_EQ(v.get_string("label"), "moodle-prod");
  EXPECT_EQ(v.get("scopes")->as_array().size(), 2u);
  EXPECT_GE(v.get_string("secret").size(), 43u);  // 256 bits in base64url
  EXPECT_EQ(v.get("authority")->get("account")->get_string("name"), v.get_string("key"));

  EXPECT_EQ(error_path(call("POST", "/admin/credentials", R"({"store":"default","scopes":["statements/write","bogus"]})")),
            "scopes[1]");
  EXPECT_NE(call("POST", "/admin/credentials", R"({"store":"default","scopes":["bogus"]})").body.find("bogus"),
            std::string::npos);
  EXPECT_EQ(error_path(call("POST", "/admin/credentials", R"({"store":"default","scopes":[]})")), "scopes");
  EXPECT_EQ(error_path(call("POST", "/admin/credentials", R"({"store":"default","scopes":"all"})")), "scopes");
  EXPECT_EQ(error_path(call("POST", "/admin/credentials", R"({"store":"nope","scopes":["all"]})")), "store");
  EXPECT_EQ(call("POST", "/admin/credentials", R"({"store":"nope","scopes":["all"]})").status, 404);
  EXPECT_EQ(error_path(call("POST", "/admin/credentials", R"({"scopes":["all"]})")), "store");
  EXPECT_EQ(error_path(call("POST", "/admin/credentials", R"({"store":"default","scopes":["all"],"x":1})")), "x");
  EXPECT_EQ(error_path(call("POST", "/admin/credentials",
                            R"({"store":"default","scopes":["all"],"authority":{"objectType":"Agent"}})")),
            "authority");
  EXPECT_EQ(error_path(call("POST", "/admin/credentials",
                            R"({"store":"default","scopes":["all"],"authority":{"objectType":"Group","member":[{"mbox":"mailto:a@example.com"}]}})")),
            "authority.member");
  HttpResponse agent = call("POST", "/admin/credentials",
                            R"({"store":"default","scopes":["all"],"authority":{"objectType":"Agent","mbox":"mailto:lms@example.com"}})");
  ASSERT_EQ(agent.status, 201) << agent.body;
  EXPECT_EQ(body_json(agent).get("authority")->get_string("mbox"), "mailto:lms@example.com");
}

TEST_F(AdminApiTest, ListsCredentialsWithoutSecretsAndRevokesAndRotates) {
  ASSERT_EQ(call("POST", "/admin/stores", R"({"name":"acme"})").status, 201);
  HttpResponse made = call("POST", "/admin/credentials", R"({"store":"acme","label":"bi","scopes":["all/read"]})");
  json::Value m = body_json(made);
  const std::string key(m.get_string("key")), secret(m.get_string("secret"));
  HttpResponse all = call("GET", "/admin/credentials");
  HttpResponse acme = call("GET", "/admin/credentials", "", {{"store", "acme"}});
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(body_json(all).get("credentials")->as_array().size(), 2u);  // the admin's and this one
  ASSERT_EQ(body_json(acme).get("credentials")->as_array().size(), 1u);
  EXPECT_EQ(all.body.find(secret), std::string::npos);
  EXPECT_EQ(all.body.find("hash"), std::string::npos);
  EXPECT_EQ(call("GET", "/admin/credentials", "", {{"store", "nope"}}).status, 404);

  HttpResponse rotated = call("POST", "/admin/credentials/" + key + "/rotate", R"({"valid_until":"2999-01-01T00:00:00Z"})");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string fresh(body_json(rotated).get_string("secret"));
  EXPECT_NE(fresh, secret);
  EXPECT_EQ(body_json(rotated).get_string("previous_secret_valid_until"), "2999-01-01T00:00:00.000000Z");
  auto basic = [&](const std::string& s) { return "Basic " + base64_encode(key + ":" + s); };
  auto reads = [&](const std::string& s) {
    return as(basic(s), "GET", "/statements").status;
  };
  EXPECT_EQ(reads(secret), 200);
  EXPECT_EQ(reads(fresh), 200);
  EXPECT_EQ(error_path(call("POST", "/admin/credentials/" + key + "/rotate", R"({"valid_until":"yesterday"})")),
            "valid_until");
  HttpResponse again = call("POST", "/admin/credentials/" + key + "/rotate");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(body_json(again).get("previous_secret_valid_until")->is_null());
  EXPECT_EQ(reads(fresh), 401);
  EXPECT_EQ(reads(secret), 401);
  EXPECT_EQ(reads(std::string(body_json(again).get_string("secret"))), 200);

  EXPECT_EQ(call("DELETE", "/admin/credentials/" + key).status, 200);
  EXPECT_EQ(call("DELETE", "/admin/credentials/" + key).status, 404);
  EXPECT_EQ(reads(std::string(body_json(again).get_string("secret"))), 401);
}

TEST_F(AdminApiTest, OnlyTheAdminScopeReachesTheAdminApi) {
  const std::string all = stack_.basic_auth("default", auth::scope_bit(auth::Scope::All));
  HttpResponse r = call("GET", "/admin/stores", "", {}, &all);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("admin"), std::string::npos);
  const std::string none;
  EXPECT_EQ(call("GET", "/admin/stores", "", {}, &none).status, 401);
  EXPECT_EQ(call("GET", "/admin/nothing").status, 404);
  EXPECT_EQ(call("PUT", "/admin/stores").status, 404);
}

}  // namespace
}  // namespace scribe
