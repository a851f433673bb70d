// Access control through the Router, without sockets: which scopes allow which requests (the
// whole matrix), statements/read/mine, define, revocation, rotation, expiry and throttling.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/base64.h"
#include "auth/scopes.h"
#include "common/json.h"
#include "common/timestamp.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/lrs_requests.h"
#include "tests/support/lrs_test.h"

namespace scribe {
namespace {

using auth::Scope;
using auth::scope_bit;
using test_support::body_json;
using test_support::find_header;
using test_support::lrs_request;
using test_support::Query;
using test_support::test_statement;
using test_support::uuid_n;
using xapi::HttpResponse;

const char* kAgent = R"({"objectType":"Agent","mbox":"mailto:doc@example.com"})";
const char* kActivity = "http://example.com/activities/course";

class AccessControlTest : public test_support::LrsTest {
 protected:
  AccessControlTest() : LrsTest("/tmp/scribe-access") {}
  void SetUp() override {
    config_.server.public_url = "https://lrs.example.com";
    config_.auth.failures_max = 3;
    config_.auth.failure_window_ms = 60000;
    LrsTest::SetUp();
  }

  std::vector<std::string> ids_of(const HttpResponse& r) {
    std::vector<std::string> ids;
    json::Value v = body_json(r);
    if (const json::Value* list = v.get("statements"))
      for (const auto& s : list->as_array()) ids.emplace_back(s.get_string("id"));
    return ids;
  }
  static std::string basic(const auth::IssuedSecret& issued, const std::string& secret) {
    return "Basic " + base64_encode(issued.credential.key + ":" + secret);
  }
};

// One request of each kind the xAPI and admin APIs serve, and the scopes that allow it.
struct MatrixRow {
  const char* name;
  const char* method;
  const char* path;
  Query query;
  std::string body;
  std::set<Scope> allowed;
};

std::vector<MatrixRow> matrix() {
  const std::set<Scope> statements_read{Scope::StatementsRead, Scope::StatementsReadMine,
                                        Scope::AllRead, Scope::All};
  const std::set<Scope> statements_write{Scope::StatementsWrite, Scope::All};
  const std::set<Scope> state_read{Scope::State, Scope::StateRead, Scope::AllRead, Scope::All};
  const std::set<Scope> state_write{Scope::State, Scope::All};
  const std::set<Scope> profile_read{Scope::Profile, Scope::ProfileRead, Scope::AllRead, Scope::All};
  const std::set<Scope> profile_write{Scope::Profile, Scope::All};
  const Query state{{"activityId", kActivity}, {"agent", kAgent}, {"stateId", "s"}};
  const Query activity_profile{{"activityId", kActivity}, {"profileId", "p"}};
  const Query agent_profile{{"agent", kAgent}, {"profileId", "p"}};
  std::vector<MatrixRow> rows = {
      {"GET statements", "GET", "/statements", {}, "", statements_read},
      {"HEAD statements", "HEAD", "/statements", {}, "", statements_read},
      {"POST statements", "POST", "/statements", {}, test_statement("", "mailto:m@example.com", kActivity),
       statements_write},
      {"PUT statements", "PUT", "/statements", {{"statementId", uuid_n(900)}},
       test_statement("", "mailto:m@example.com", kActivity), statements_write},
      {"GET agents", "GET", "/agents", {{"agent", kAgent}}, "", profile_read},
      {"GET activities", "GET", "/activities", {{"activityId", kActivity}}, "", profile_read},
      {"GET admin stores", "GET", "/admin/stores", {}, "", {Scope::Admin}},
  };
  struct Doc {
    const char* name;
    const char* path;
    Query query;
    std::set<Scope> read, write;
  };
  for (const Doc& d : {Doc{"state", "/activities/state", state, state_read, state_write},
                       Doc{"activity profile", "/activities/profile", activity_profile, profile_read, profile_write},
                       Doc{"agent profile", "/agents/profile", agent_profile, profile_read, profile_write}}) {
    rows.push_back({d.name, "GET", d.path, d.query, "", d.read});
    rows.push_back({d.name, "PUT", d.path, d.query, R"({"a":1})", d.write});
    rows.push_back({d.name, "POST", d.path, d.query, R"({"b":2})", d.write});
    rows.push_back({d.name, "DELETE", d.path, d.query, "", d.write});
  }
  return rows;
}

constexpr Scope kAllScopes[] = {Scope::StatementsWrite, Scope::StatementsRead, Scope::StatementsReadMine,
                                Scope::AllRead,         Scope::All,            Scope::State,
                                Scope::StateRead,       Scope::Define,         Scope::Profile,
                                Scope::ProfileRead,     Scope::Admin};

TEST_F(AccessControlTest, ScopeMatrix_EveryResourceMethodAndScope) {
  int checked = 0;
  for (Scope scope : kAllScopes) {
    const std::string auth = stack_.basic_auth("default", scope_bit(scope));
    for (const MatrixRow& row : matrix()) {
      HttpResponse r = as(auth, row.method, row.path, row.query, row.body);
      const bool allowed = row.allowed.count(scope) > 0;
      SCOPED_TRACE(std::string(row.name) + " " + row.method + " with " +
                   std::string(auth::scope_name(scope)));
      if (allowed) {  // served: 2xx, or 404 for a document deleted by an earlier row
        EXPECT_TRUE((r.status >= 200 && r.status < 300) || r.status == 404) << r.status << r.body;
      } else {
        EXPECT_EQ(r.status, 403) << r.body;
        if (row.method != std::string("HEAD")) {
          std::string message(body_json(r).get("error")->get_string("message"));
          // The 403 names a scope that would have done.
          bool names_one = false;
          for (Scope s : row.allowed) names_one |= message.find(auth::scope_name(s)) != std::string::npos;
          EXPECT_TRUE(names_one) << message;
        }
      }
      checked++;
    }
  }
  EXPECT_EQ(checked, int(std::size(kAllScopes) * matrix().size()));
}

TEST_F(AccessControlTest, WriteOnlyCredentialCannotReadWhatItWrote) {
  const std::string writer = stack_.basic_auth("default", scope_bit(Scope::StatementsWrite));
  ASSERT_EQ(as(writer, "PUT", "/statements", {{"statementId", uuid_n(1)}},
               test_statement("", "mailto:w@example.com", kActivity)).status, 204);
  EXPECT_EQ(as(writer, "GET", "/statements", {{"statementId", uuid_n(1)}}).status, 403);
  EXPECT_EQ(as(writer, "GET", "/statements").status, 403);
}

TEST_F(AccessControlTest, ReadMineSeesOnlyItsOwnAuthoritysStatements) {
  const auto mine = stack_.credential("default", scope_bit(Scope::StatementsWrite) | scope_bit(Scope::StatementsReadMine));
  const auto other = stack_.credential("default", scope_bit(Scope::StatementsWrite));
  const std::string me = basic(mine, mine.secret), them = basic(other, other.secret);
  const std::string reader = stack_.basic_auth("default", scope_bit(Scope::StatementsRead));
  ASSERT_EQ(as(me, "PUT", "/statements", {{"statementId", uuid_n(1)}}, test_statement("", "mailto:a@example.com", kActivity)).status, 204);
  ASSERT_EQ(as(them, "PUT", "/statements", {{"statementId", uuid_n(2)}}, test_statement("", "mailto:a@example.com", kActivity)).status, 204);
  // A statement of theirs referring to mine does not become mine.
  ASSERT_EQ(as(them, "PUT", "/statements", {{"statementId", uuid_n(3)}},
               R"({"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},)"
               R"("object":{"objectType":"StatementRef","id":")" + uuid_n(1) + R"("}})").status, 204);
  // Voided statements follow the same rule.
  ASSERT_EQ(as(me, "POST", "/statements", {}, R"({"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},)"
               R"("object":{"objectType":"StatementRef","id":")" + uuid_n(1) + R"("}})").status, 200);

  EXPECT_EQ(ids_of(as(reader, "GET", "/statements", {{"ascending", "true"}})).size(), 3u);  // 2, 3 and the voiding one
  std::vector<std::string> seen = ids_of(as(me, "GET", "/statements", {{"ascending", "true"}}));
  ASSERT_EQ(seen.size(), 1u);  // only the voiding statement: 1 is voided
  EXPECT_NE(seen[0], uuid_n(2));
  EXPECT_NE(seen[0], uuid_n(3));
  // Filters combine with the restriction; referrers match their target's activity (Data 2.4.4)
  // but keep their own authority.
  EXPECT_EQ(ids_of(as(me, "GET", "/statements", {{"activity", kActivity}})), seen);
  EXPECT_EQ(ids_of(as(reader, "GET", "/statements", {{"activity", kActivity}})).size(), 3u);
  EXPECT_TRUE(ids_of(as(me, "GET", "/statements", {{"verb", "http://example.com/v"}})).empty());
  // GET by id: another authority's statement does not exist for read/mine, voided included.
  EXPECT_EQ(as(me, "GET", "/statements", {{"statementId", uuid_n(2)}}).status, 404);
  EXPECT_EQ(as(me, "GET", "/statements", {{"statementId", uuid_n(3)}}).status, 404);
  EXPECT_EQ(as(me, "GET", "/statements", {{"voidedStatementId", uuid_n(1)}}).status, 200);
  EXPECT_EQ(as(reader, "GET", "/statements", {{"statementId", uuid_n(2)}}).status, 200);
}

TEST_F(AccessControlTest, ReadMineMatchesAGroupAuthorityWhateverTheMemberOrder) {
  json::Value group = *json::parse(R"({"objectType":"Group","member":[)"
                                   R"({"objectType":"Agent","account":{"homePage":"https://app.example.com","name":"app"}},)"
                                   R"({"objectType":"Agent","mbox":"mailto:user@example.com"}]})");
  const auto c = stack_.credential("default", scope_bit(Scope::StatementsWrite) | scope_bit(Scope::StatementsReadMine), group);
  const std::string auth = basic(c, c.secret);
  ASSERT_EQ(as(auth, "PUT", "/statements", {{"statementId", uuid_n(7)}}, test_statement("", "mailto:g@example.com", kActivity)).status, 204);
  HttpResponse got = as(auth, "GET", "/statements", {{"statementId", uuid_n(7)}});
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(*body_json(got).get("authority"), group);
  EXPECT_EQ(ids_of(as(auth, "GET", "/statements")).size(), 1u);
}

TEST_F(AccessControlTest, DefaultAuthorityIsAnAccountOnThePublicUrlNamedByTheKey) {
  const auto c = stack_.credential("default", scope_bit(Scope::All));
  const std::string auth = basic(c, c.secret);
  ASSERT_EQ(as(auth, "PUT", "/statements", {{"statementId", uuid_n(5)}}, test_statement("", "mailto:d@example.com", kActivity)).status, 204);
  json::Value s = body_json(as(auth, "GET", "/statements", {{"statementId", uuid_n(5)}}));
  EXPECT_EQ(s.get("authority")->get("account")->get_string("homePage"), "https://lrs.example.com");
  EXPECT_EQ(s.get("authority")->get("account")->get_string("name"), c.credential.key);
}

TEST_F(AccessControlTest, WithoutDefineStatementsAreStoredButDefineNothing) {
  const std::string plain = stack_.basic_auth("default", scope_bit(Scope::StatementsWrite));
  const std::string definer = stack_.basic_auth("default", scope_bit(Scope::StatementsWrite) | scope_bit(Scope::Define));
  const std::string reader = stack_.basic_auth("default", scope_bit(Scope::AllRead));
  ASSERT_EQ(as(plain, "POST", "/statements", {}, test_statement("", "mailto:nodefine@example.com", "http://example.com/a1")).status, 200);
  EXPECT_EQ(ids_of(as(reader, "GET", "/statements", {{"activity", "http://example.com/a1"}})).size(), 1u);
  HttpResponse activity = as(reader, "GET", "/activities", {{"activityId", "http://example.com/a1"}});
  ASSERT_EQ(activity.status, 200);
  EXPECT_EQ(body_json(activity).get("definition"), nullptr) << activity.body;
  HttpResponse person = as(reader, "GET", "/agents", {{"agent", R"({"mbox":"mailto:nodefine@example.com"})"}});
  ASSERT_EQ(person.status, 200);
  EXPECT_EQ(body_json(person).get("name"), nullptr) << person.body;

  ASSERT_EQ(as(definer, "POST", "/statements", {}, test_statement("", "mailto:define@example.com", "http://example.com/a2")).status, 200);
  activity = as(reader, "GET", "/activities", {{"activityId", "http://example.com/a2"}});
  ASSERT_NE(body_json(activity).get("definition"), nullptr) << activity.body;
  person = as(reader, "GET", "/agents", {{"agent", R"({"mbox":"mailto:define@example.com"})"}});
  EXPECT_NE(body_json(person).get("name"), nullptr) << person.body;
}

TEST_F(AccessControlTest, UnknownWrongRevokedAndMalformedCredentialsGet401) {
  const auto c = stack_.credential("default", scope_bit(Scope::All));
  const std::string good = basic(c, c.secret);
  EXPECT_EQ(as(good, "GET", "/statements").status, 200);
  EXPECT_EQ(as(basic(c, c.secret + "x"), "GET", "/statements").status, 401);
  EXPECT_EQ(as("Basic " + base64_encode("nobody:nothing"), "GET", "/statements").status, 401);
  EXPECT_EQ(as("Basic !!!", "GET", "/statements").status, 401);
  EXPECT_EQ(as("Bearer abc", "GET", "/statements").status, 401);
  HttpResponse none = as("", "GET", "/statements");
  EXPECT_EQ(none.status, 401);
  ASSERT_NE(find_header(none, "WWW-Authenticate"), nullptr);
  // A wrong guess after a right one is still wrong (no cache of the right one).
  EXPECT_EQ(as(good, "GET", "/statements").status, 200);
  std::string near_miss = c.secret;
  near_miss.back() = near_miss.back() == 'A' ? 'B' : 'A';  // one character off
  EXPECT_EQ(as(basic(c, near_miss), "GET", "/statements").status, 401);
  ASSERT_TRUE(stack_.credentials->revoke(c.credential.key).ok());
  EXPECT_EQ(as(good, "GET", "/statements").status, 401);
}

TEST_F(AccessControlTest, RevokeTakesEffectOnTheNextRequestOnEveryThread) {
  const auto c = stack_.credential("default", scope_bit(Scope::All));
  const std::string good = basic(c, c.secret);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; t++)
    threads.emplace_back([&] { ok += as(good, "GET", "/statements").status == 200; });
  for (auto& t : threads) t.join();
  ASSERT_EQ(ok.load(), 4);
  ASSERT_TRUE(stack_.credentials->revoke(c.credential.key).ok());
  threads.clear();
  std::atomic<int> refused{0};
  for (uint32_t t = 0; t < config_.auth.failures_max; t++)  // more would be throttled (429)
    threads.emplace_back([&] { refused += as(good, "GET", "/statements").status == 401; });
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused.load(), int(config_.auth.failures_max));
}

TEST_F(AccessControlTest, RotateWithoutGraceKillsTheOldSecretAtOnce) {
  const auto c = stack_.credential("default", scope_bit(Scope::All));
  auto rotated = stack_.credentials->rotate(c.credential.key, std::nullopt);
  ASSERT_TRUE(rotated.ok()) << rotated.error().describe();
  EXPECT_NE(rotated->secret, c.secret);
  EXPECT_EQ(as(basic(c, c.secret), "GET", "/statements").status, 401);
  EXPECT_EQ(as(basic(c, rotated->secret), "GET", "/statements").status, 200);
}

TEST_F(AccessControlTest, RotateWithValidUntilKeepsTheOldSecretUntilThen) {
  const auto c = stack_.credential("default", scope_bit(Scope::All));
  const int64_t until = now_micros() + 400000;  // 0.4 s
  auto rotated = stack_.credentials->rotate(c.credential.key, until);
  ASSERT_TRUE(rotated.ok()) << rotated.error().describe();
  EXPECT_EQ(as(basic(c, c.secret), "GET", "/statements").status, 200);
  EXPECT_EQ(as(basic(c, rotated->secret), "GET", "/statements").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(450));
  EXPECT_EQ(as(basic(c, c.secret), "GET", "/statements").status, 401);  // expired
  EXPECT_EQ(as(basic(c, rotated->secret), "GET", "/statements").status, 200);
  EXPECT_FALSE(stack_.credentials->rotate(c.credential.key, now_micros() - 1).ok());
}

TEST_F(AccessControlTest, FailuresAreThrottledPerAddressAndKey) {
  const auto c = stack_.credential("default", scope_bit(Scope::All));
  const auto other = stack_.credential("default", scope_bit(Scope::All));
  auto from = [&](const std::string& auth, const std::string& address) {
    xapi::HttpRequest r = lrs_request(auth, "GET", "/statements");
    r.remote_address = address;
    return send(std::move(r));
  };
  const std::string wrong = basic(c, "wrong");
  for (uint32_t i = 0; i < config_.auth.failures_max; i++) EXPECT_EQ(from(wrong, "10.0.0.1").status, 401);
  HttpResponse throttled = from(wrong, "10.0.0.1");
  EXPECT_EQ(throttled.status, 429);
  const std::string* retry = find_header(throttled, "Retry-After");
  ASSERT_NE(retry, nullptr);
  EXPECT_GE(std::stoi(*retry), 1);
  EXPECT_LE(std::stoi(*retry), 60);
  // The right secret is refused as well from that address, for that key...
  EXPECT_EQ(from(basic(c, c.secret), "10.0.0.1").status, 429);
  // ...but not for another key from the same address, nor for this key from another address.
  EXPECT_EQ(from(basic(other, other.secret), "10.0.0.1").status, 200);
  EXPECT_EQ(from(basic(c, c.secret), "10.0.0.2").status, 200);
}

TEST(Throttle, ForgetsAfterTheWindowAndStaysBounded) {
  auth::Throttle t(2, 1000, 3);
  t.record_failure("a", "k", 0);
  EXPECT_EQ(t.retry_after_s("a", "k", 10), 0u);
  t.record_failure("a", "k", 10);
  EXPECT_EQ(t.retry_after_s("a", "k", 20), 1u);
  EXPECT_EQ(t.retry_after_s("a", "k", 1000), 0u);  // the window has passed
  t.record_failure("a", "k", 1000);                 // a new window starts
  EXPECT_EQ(t.retry_after_s("a", "k", 1001), 0u);
  for (int i = 0; i < 10; i++) t.record_failure("b", std::to_string(i), 5);
  EXPECT_LE(t.tracked(), 3u);
  t.record_success("b", "9");
  EXPECT_LE(t.tracked(), 2u);
}

TEST(Scopes, NamesRoundTripAndUnknownOnesAreRefused) {
  for (Scope s : kAllScopes) EXPECT_EQ(auth::parse_scope(auth::scope_name(s)), s);
  EXPECT_FALSE(auth::parse_scope("statements"));
  EXPECT_FALSE(auth::parse_scope("ALL"));
}

}  // namespace
}  // namespace scribe
