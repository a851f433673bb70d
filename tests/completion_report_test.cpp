// POST /reports/completion (xapi/completion_report.cpp): for each roster learner, done,
// attempted or not_started, with the first and latest qualifying statements; Group members
// count, voided statements never do, other activities never do, context activities only with
// related_activities; since/until bound the statements; rosters as JSON Agents or CSV (in the
// JSON body or as a text/csv body); JSON, CSV and NDJSON (which the offline verifier checks);
// a roster over limits.roster_agents_max gets 413, bad input 4xx naming the property.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "evidence/export_verifier.h"
#include "tests/support/lrs_test.h"

namespace scribe {
namespace {

using test_support::uuid_n;

constexpr const char* kCourse = "http://example.com/course/safety";
constexpr const char* kCompleted = "http://adlnet.gov/expapi/verbs/completed";
constexpr const char* kPassed = "http://adlnet.gov/expapi/verbs/passed";
constexpr const char* kExperienced = "http://adlnet.gov/expapi/verbs/experienced";

std::string statement(int n, const std::string& actor, const std::string& verb, const std::string& object,
                      const std::string& extra = "") {
  return R"({"id":")" + uuid_n(n) + R"(","actor":)" + actor + R"(,"verb":{"id":")" + verb + R"("},"object":{"id":")" +
         object + "\"}" + extra + "}";
}
std::string agent(const std::string& who) { return R"({"mbox":"mailto:)" + who + R"(@example.com"})"; }

class CompletionReportTest : public test_support::LrsTest {
 protected:
  CompletionReportTest() : LrsTest("/tmp/scribe-completion") {}
  void SetUp() override {
    LrsTest::SetUp();
    auth_ = stack_.basic_auth();
    post(statement(1, agent("ann"), kExperienced, kCourse));
    post(statement(2, agent("ann"), kCompleted, kCourse));
    post(statement(3, agent("ann"), kPassed, kCourse));
    post(statement(4, agent("bob"), kExperienced, kCourse));
    post(statement(5, agent("cat"), kPassed, kCourse));  // voided below: cat has nothing left
    post(R"({"id":")" + uuid_n(6) + R"(","actor":)" + agent("admin") +
         R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
         uuid_n(5) + "\"}}");
    post(statement(7, agent("dan"), kCompleted, "http://example.com/course/other"));
    post(statement(8, R"({"objectType":"Group","name":"team","member":[)" + agent("eve") + "]}", kCompleted, kCourse));
    post(statement(9, agent("fay"), kCompleted, "http://example.com/course/safety/module-1",
                   R"(,"context":{"contextActivities":{"parent":[{"id":")" + std::string(kCourse) + R"("}]}})"));
  }
  void post(const std::string& s) { ASSERT_EQ(as(auth_, "POST", "/statements", {}, s).status, 200) << s; }
  xapi::HttpResponse report(const std::string& body, test_support::Query q = {}, const std::string& type = "application/json") {
    return as(auth_, "POST", "/reports/completion", std::move(q), body, type);
  }
  std::string roster_json() {
    std::string r = "[";
    for (const char* who : {"ann", "bob", "cat", "dan", "eve", "fay"}) r += std::string(r.size() > 1 ? "," : "") + agent(who);
    return r + "]";
  }
  std::string auth_;
};

TEST_F(CompletionReportTest, EachLearnerIsDoneAttemptedOrNotStarted) {
  auto r = report(R"({"roster":)" + roster_json() + R"(,"activity":")" + kCourse + "\"}");
  ASSERT_EQ(r.status, 200) << r.body;
  auto rows = json::parse(r.body);
  ASSERT_TRUE(rows.ok() && rows->is_array()) << r.body;
  ASSERT_EQ(rows->as_array().size(), 6u);
  auto row = [&](size_t i) { return rows->as_array()[i]; };
  EXPECT_EQ(row(0).get_string("status"), "done");
  EXPECT_EQ(row(0).get("first")->get_string("id"), uuid_n(2));  // the done statements
  EXPECT_EQ(row(0).get("latest")->get_string("id"), uuid_n(3));
  EXPECT_EQ(row(0).get("count")->as_int(), 3);
  EXPECT_EQ(row(0).get("agent")->get_string("mbox"), "mailto:ann@example.com");
  EXPECT_EQ(row(1).get_string("status"), "attempted");
  EXPECT_EQ(row(1).get("first")->get_string("id"), uuid_n(4));
  EXPECT_EQ(row(2).get_string("status"), "not_started");  // voided never counts
  EXPECT_EQ(row(2).get("first"), nullptr);
  EXPECT_EQ(row(3).get_string("status"), "not_started");  // another course
  EXPECT_EQ(row(4).get_string("status"), "done");         // a Group's member
  EXPECT_EQ(row(5).get_string("status"), "not_started");  // only a context activity

  auto related = json::parse(report(R"({"roster":)" + roster_json() + R"(,"activity":")" + kCourse +
                                    R"(","related_activities":true,"verbs":[")" + kPassed + "\"]}")
                                 .body);
  ASSERT_TRUE(related.ok());
  EXPECT_EQ(related->as_array()[0].get_string("status"), "done");
  EXPECT_EQ(related->as_array()[0].get("first")->get_string("id"), uuid_n(3));  // only passed counts
  EXPECT_EQ(related->as_array()[5].get_string("status"), "attempted");  // fay completed, not passed
}

TEST_F(CompletionReportTest, SinceAndUntilBoundTheStatements) {
  auto all = json::parse(as(auth_, "GET", "/statements", {{"statementId", uuid_n(3)}}).body);
  const std::string third_stored(all->get_string("stored"));
  auto r = report(R"({"roster":[)" + agent("ann") + R"(],"activity":")" + kCourse + R"(","until":")" +
                  std::string(json::parse(as(auth_, "GET", "/statements", {{"statementId", uuid_n(1)}}).body)->get_string("stored")) +
                  "\"}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)->as_array()[0].get_string("status"), "attempted");
  auto later = report(R"({"roster":[)" + agent("ann") + R"(],"activity":")" + kCourse + R"(","since":")" + third_stored + "\"}");
  EXPECT_EQ(json::parse(later.body)->as_array()[0].get_string("status"), "not_started");
}

TEST_F(CompletionReportTest, CsvRostersAndCsvAndNdjsonAnswers) {
  const std::string csv = "name,mbox\r\n\"Ann, A.\",mailto:ann@example.com\r\nBob,mailto:bob@example.com\r\nDan,mailto:dan@example.com\r\n";
  auto r = report(csv, {{"activity", kCourse}, {"format", "csv"}}, "text/csv");
  ASSERT_EQ(r.status, 200) << r.body;
  std::istringstream lines(r.body);
  std::vector<std::string> rows;
  for (std::string l; std::getline(lines, l);) rows.push_back(l);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], "agent,name,status,count,first_id,first_stored,latest_id,latest_stored\r");
  EXPECT_EQ(rows[1].rfind("mailto:ann@example.com,\"Ann, A.\",done,3," + uuid_n(2) + ",", 0), 0u) << rows[1];
  EXPECT_EQ(rows[3], "mailto:dan@example.com,Dan,not_started,0,,,,\r");

  // The CSV roster inside a JSON body, answered as NDJSON with proofs, which verify offline.
  json::Object body;
  body.append("roster", json::Value(csv));
  body.append("activity", json::Value(kCourse));
  auto nd = report(json::serialize(json::Value(std::move(body))), {{"format", "ndjson"}});
  ASSERT_EQ(nd.status, 200) << nd.body;
  evidence::VerifyOptions options;
  options.vkey = as(auth_, "GET", "/evidence/key").body;
  options.vkey->pop_back();
  evidence::ExportVerifier verifier(options);
  std::istringstream in(nd.body);
  for (std::string l; std::getline(in, l);) verifier.line(l);
  auto report_check = verifier.finish();
  EXPECT_TRUE(report_check.ok()) << *report_check.failure;
  EXPECT_EQ(report_check.rows, 3u);
  EXPECT_EQ(report_check.proofs, 4u);  // ann's first and latest, bob's first and latest
  // A changed statement inside a row fails it.
  std::string tampered = nd.body;
  const size_t at = tampered.find(R"("actor":{"mbox":"mailto:ann)");
  ASSERT_NE(at, std::string::npos);
  tampered.replace(at + std::string(R"("actor":{"mbox":"mailto:)").size(), 3, "ANN");
  evidence::ExportVerifier again(options);
  std::istringstream in2(tampered);
  for (std::string l; std::getline(in2, l);) again.line(l);
  EXPECT_FALSE(again.finish().ok());
}

TEST_F(CompletionReportTest, LimitsAndBadInput) {
  config_.limits.roster_agents_max = 2;
  stack_.reset();
  auto e = test_support::open_test_engine(config_, dir_.path());
  ASSERT_TRUE(e.ok());
  stack_.build(config_, std::move(*e));
  auth_ = stack_.basic_auth();
  auto over = report(R"({"roster":)" + roster_json() + R"(,"activity":")" + kCourse + "\"}");
  EXPECT_EQ(over.status, 413) << over.body;
  EXPECT_NE(over.body.find("roster_agents_max"), std::string::npos);
  EXPECT_EQ(report("mbox\nmailto:a@x.com\nmailto:b@x.com\nmailto:c@x.com\n", {{"activity", kCourse}}, "text/csv").status, 413);

  auto path_of = [&](const std::string& body, test_support::Query q = {}, const std::string& type = "application/json") {
    auto r = report(body, std::move(q), type);
    EXPECT_GE(r.status, 400) << r.body;
    auto j = json::parse(r.body);
    return j ? std::string(j->get("error")->get_string("path")) : std::string();
  };
  EXPECT_EQ(path_of(R"({"activity":"http://a"})"), "roster");
  EXPECT_EQ(path_of(R"({"roster":[],"activity":"not an iri"})"), "activity");
  EXPECT_EQ(path_of(R"({"roster":[{"name":"x"}],"activity":"http://a"})"), "roster[0]");
  EXPECT_EQ(path_of(R"({"roster":[)" + agent("a") + "," + agent("a") + R"(],"activity":"http://a"})"), "roster[1]");
  EXPECT_EQ(path_of(R"({"roster":[],"activity":"http://a","verbs":["x y"]})"), "verbs");
  EXPECT_EQ(path_of(R"({"roster":[],"activity":"http://a","since":"yesterday"})"), "since");
  EXPECT_EQ(path_of(R"({"roster":[],"activity":"http://a","colour":"red"})"), "colour");
  EXPECT_EQ(path_of(R"({"roster":[],"activity":"http://a"})", {{"format", "xml"}}), "format");
  EXPECT_EQ(path_of("name\nann\n", {{"activity", "http://a"}}, "text/csv"), "roster");
  EXPECT_EQ(path_of("x", {}, "text/plain"), "Content-Type");
  EXPECT_EQ(as(auth_, "GET", "/reports/completion").status, 405);
}

}  // namespace
}  // namespace scribe

namespace scribe {
namespace {

// A report reads every learner's statements: statements/read or all/read, never
// statements/read/mine (or a write-only scope); no xAPI version header needed.
TEST_F(CompletionReportTest, NeedsAReadScopeOverEveryStatement) {
  const std::string body = R"({"roster":[)" + agent("ann") + R"(],"activity":")" + kCourse + "\"}";
  auto with = [&](auth::Scope scope) {
    return as(stack_.basic_auth("default", auth::scope_bit(scope)), "POST", "/reports/completion", {}, body,
              "application/json").status;
  };
  EXPECT_EQ(with(auth::Scope::StatementsRead), 200);
  EXPECT_EQ(with(auth::Scope::AllRead), 200);
  EXPECT_EQ(with(auth::Scope::StatementsReadMine), 403);
  EXPECT_EQ(with(auth::Scope::StatementsWrite), 403);
  EXPECT_EQ(as("", "POST", "/reports/completion", {}, body, "application/json").status, 401);
  auto r = test_support::lrs_request(auth_, "POST", "/reports/completion", {}, body, "application/json");
  std::erase_if(r.headers, [](const auto& h) { return h.first == "x-experience-api-version"; });
  EXPECT_EQ(send(std::move(r)).status, 200);
}

}  // namespace
}  // namespace scribe
