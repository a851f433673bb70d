// The State, Activity Profile and Agent Profile resources through the Router: storing and
// returning documents byte-exact, the POST merge, multiple-document GET with `since`, multiple
// DELETE, parameter errors, limits and the response headers.
#include <thread>

#include "common/timestamp.h"
#include "tests/documents_fixture.h"
#include "xapi/responses.h"

namespace scribe::xapi::testing {
namespace {

using DocumentsResourceTest = DocumentsApiTest;

const std::string kState = "/activities/state";
const std::string kActivityProfile = "/activities/profile";
const std::string kAgentProfile = "/agents/profile";
const Headers kNew = {{"if-none-match", "*"}};

TEST_F(DocumentsResourceTest, State_PutThenGetReturnsTheDocumentWithEtagAndLastModified) {
  ASSERT_EQ(send("PUT", kState, state("s1"), R"({"a":1})").status, 204);
  HttpResponse r = send("GET", kState, state("s1"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"a":1})");
  ASSERT_NE(header(r, "Content-Type"), nullptr);
  EXPECT_EQ(*header(r, "Content-Type"), "application/json");
  ASSERT_NE(header(r, "ETag"), nullptr);
  storage::Document expected;
  expected.sha1 = storage::DocumentStore::sha1(R"({"a":1})");
  EXPECT_EQ(*header(r, "ETag"), "\"" + expected.etag_hex() + "\"");
  EXPECT_EQ(header(r, "ETag")->size(), 42u);
  ASSERT_NE(header(r, "Last-Modified"), nullptr);
}

TEST_F(DocumentsResourceTest, AnyContentTypeIsStoredByteExact) {
  std::string bytes("/ asdf \x01\x02 undefined", 20);
  ASSERT_EQ(send("PUT", kActivityProfile, activity_profile("p"), bytes,
                 {{"content-type", "application/octet-stream"}, {"if-none-match", "*"}})
                .status,
            204);
  HttpResponse r = send("GET", kActivityProfile, activity_profile("p"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, bytes);
  EXPECT_EQ(*header(r, "Content-Type"), "application/octet-stream");
}

TEST_F(DocumentsResourceTest, InvalidUtf8InAParameterOrAStoredHeaderIs400NamingItAndStoresNothing) {
  auto path_of = [](const HttpResponse& r) {
    EXPECT_EQ(r.status, 400) << r.body;
    auto v = json::parse(r.body);
    return v && v->get("error") ? std::string(v->get("error")->get_string("path")) : std::string();
  };
  EXPECT_EQ(path_of(send("PUT", kState, state("bad\xff"), R"({"a":1})")), "stateId");
  EXPECT_EQ(path_of(send("PUT", kState, state("overlong\xc0\xaf"), R"({"a":1})")), "stateId");
  EXPECT_EQ(path_of(send("PUT", kState, state("s"), "x", {{"content-type", "text/\xfe"}})), "content-type");
  EXPECT_EQ(path_of(send("GET", "/statements", {{"verb", "http://example.com/\xed\xa0\x80"}})), "verb");  // a surrogate
  EXPECT_EQ(path_of(send("GET", kState, {{"activityId", kActivity}, {"agent", kAgent}, {"x\xff", "1"}})), "query");
  HttpResponse list = send("GET", kState, state(""));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body, "[]");  // nothing was stored
  EXPECT_EQ(send("PUT", kState, state("caf\xc3\xa9 \xf0\x9f\x98\x80"), R"({"a":1})").status, 204);  // UTF-8 is fine
}

TEST_F(DocumentsResourceTest, GetOfMissingDocumentIs404NamingTheId) {
  HttpResponse r = send("GET", kAgentProfile, agent_profile("nope"));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("profileId"), std::string::npos);
}

TEST_F(DocumentsResourceTest, PostToNewDocumentStoresIt) {
  ASSERT_EQ(send("POST", kState, state("s"), R"({"x":[1,2]})").status, 204);
  EXPECT_EQ(send("GET", kState, state("s")).body, R"({"x":[1,2]})");
}

TEST_F(DocumentsResourceTest, PostMergesTopLevelPropertiesReplacingWholeValues) {
  ASSERT_EQ(send("POST", kState, state("s"), R"({"car":{"make":"Ford","model":"Escape"},"driver":"Dale"})").status, 204);
  ASSERT_EQ(send("POST", kState, state("s"), R"({"car":{"make":"Dodge"},"series":1})").status, 204);
  EXPECT_EQ(body_json(send("GET", kState, state("s"))),
            parse(R"({"car":{"make":"Dodge"},"driver":"Dale","series":1})"));
}

TEST_F(DocumentsResourceTest, PostOfNonJsonOntoJsonIs400AndLeavesTheDocument) {
  ASSERT_EQ(send("POST", kAgentProfile, agent_profile("p"), R"({"a":1})").status, 204);
  HttpResponse r = send("POST", kAgentProfile, agent_profile("p"), "abcdefg", {{"content-type", "not/json"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("Content-Type"), std::string::npos);
  EXPECT_EQ(send("GET", kAgentProfile, agent_profile("p")).body, R"({"a":1})");
}

TEST_F(DocumentsResourceTest, PostOfJsonOntoNonJsonIs400AndLeavesTheDocument) {
  ASSERT_EQ(send("PUT", kState, state("s"), "raw", {{"content-type", "text/plain"}}).status, 204);
  EXPECT_EQ(send("POST", kState, state("s"), R"({"a":1})").status, 400);
  HttpResponse r = send("GET", kState, state("s"));
  EXPECT_EQ(r.body, "raw");
  EXPECT_EQ(*header(r, "Content-Type"), "text/plain");
}

TEST_F(DocumentsResourceTest, PostOfInvalidJsonIs400AndLeavesTheDocument) {
  ASSERT_EQ(send("POST", kState, state("s"), R"({"a":1})").status, 204);
  EXPECT_EQ(send("POST", kState, state("s"), R"({"b":2}{)").status, 400);
  EXPECT_EQ(send("GET", kState, state("s")).body, R"({"a":1})");
}

TEST_F(DocumentsResourceTest, PostOfJsonArrayOntoObjectIs400) {
  ASSERT_EQ(send("POST", kState, state("s"), R"({"a":1})").status, 204);
  EXPECT_EQ(send("POST", kState, state("s"), R"([1])").status, 400);
  EXPECT_EQ(send("GET", kState, state("s")).body, R"({"a":1})");
}

TEST_F(DocumentsResourceTest, PutOfInvalidJsonIs400) {
  EXPECT_EQ(send("PUT", kState, state("s"), R"({"a":)").status, 400);
  EXPECT_EQ(send("GET", kState, state("s")).status, 404);
}

TEST_F(DocumentsResourceTest, DocumentsLargerThanTheLimitAre413) {
  std::string big = "\"" + std::string(config_.limits.document_bytes_max, 'x') + "\"";
  EXPECT_EQ(send("PUT", kState, state("s"), big).status, 413);
  std::string half = std::string(config_.limits.document_bytes_max / 2 + 10, 'y');
  ASSERT_EQ(send("POST", kState, state("m"), R"({"a":")" + half + R"("})").status, 204);
  EXPECT_EQ(send("POST", kState, state("m"), R"({"b":")" + half + R"("})").status, 413);
}

TEST_F(DocumentsResourceTest, StateRegistrationSeparatesDocuments) {
  const std::string reg = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
  ASSERT_EQ(send("PUT", kState, state("s", reg), R"({"r":1})").status, 204);
  EXPECT_EQ(send("GET", kState, state("s")).status, 404);
  EXPECT_EQ(send("GET", kState, state("s", reg)).body, R"({"r":1})");
}

TEST_F(DocumentsResourceTest, MultipleGetListsIdsAndHonoursSince) {
  ASSERT_EQ(send("PUT", kState, state("old"), "{}").status, 204);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  int64_t between = now_micros();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(send("PUT", kState, state("new"), "{}").status, 204);

  HttpResponse all = send("GET", kState, state(""));
  ASSERT_EQ(all.status, 200) << all.body;
  json::Value ids = body_json(all);
  ASSERT_TRUE(ids.is_array());
  EXPECT_EQ(ids.as_array().size(), 2u);
  EXPECT_NE(header(all, "Last-Modified"), nullptr);

  Query q = state("");
  q.emplace_back("since", format_timestamp(between));
  EXPECT_EQ(body_json(send("GET", kState, q)), parse(R"(["new"])"));
}

TEST_F(DocumentsResourceTest, MultipleGetOfProfilesListsIds) {
  ASSERT_EQ(send("PUT", kActivityProfile, activity_profile("a"), "{}", kNew).status, 204);
  ASSERT_EQ(send("PUT", kAgentProfile, agent_profile("b"), "{}", kNew).status, 204);
  EXPECT_EQ(body_json(send("GET", kActivityProfile, activity_profile(""))), parse(R"(["a"])"));
  EXPECT_EQ(body_json(send("GET", kAgentProfile, agent_profile(""))), parse(R"(["b"])"));
}

TEST_F(DocumentsResourceTest, BadSinceIs400) {
  Query q = state("");
  q.emplace_back("since", "not a timestamp");
  HttpResponse r = send("GET", kState, q);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("since"), std::string::npos);
}

TEST_F(DocumentsResourceTest, MultipleDeleteRemovesEveryStateOfTheScope) {
  const std::string reg = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
  ASSERT_EQ(send("PUT", kState, state("a"), "{}").status, 204);
  ASSERT_EQ(send("PUT", kState, state("b", reg), "{}").status, 204);
  Query other{{"activityId", "http://example.com/other"}, {"agent", kAgent}, {"stateId", "c"}};
  ASSERT_EQ(send("PUT", kState, other, "{}").status, 204);
  EXPECT_EQ(send("DELETE", kState, state("")).status, 204);
  EXPECT_EQ(body_json(send("GET", kState, state(""))), parse("[]"));
  EXPECT_EQ(send("GET", kState, other).status, 200);
}

TEST_F(DocumentsResourceTest, MultipleDeleteWithRegistrationKeepsOtherRegistrations) {
  const std::string reg = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
  ASSERT_EQ(send("PUT", kState, state("a"), "{}").status, 204);
  ASSERT_EQ(send("PUT", kState, state("b", reg), "{}").status, 204);
  EXPECT_EQ(send("DELETE", kState, state("", reg)).status, 204);
  EXPECT_EQ(body_json(send("GET", kState, state(""))), parse(R"(["a"])"));
}

TEST_F(DocumentsResourceTest, SingleDeleteRemovesTheDocument) {
  ASSERT_EQ(send("PUT", kState, state("a"), "{}").status, 204);
  EXPECT_EQ(send("DELETE", kState, state("a")).status, 204);
  EXPECT_EQ(send("GET", kState, state("a")).status, 404);
}

TEST_F(DocumentsResourceTest, ProfileDeleteWithoutProfileIdIs400) {
  HttpResponse r = send("DELETE", kActivityProfile, activity_profile(""));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("profileId"), std::string::npos);
}

TEST_F(DocumentsResourceTest, MissingOrInvalidParametersAre400NamingThem) {
  struct Case {
    std::string method, resource;
    Query query;
    std::string named;
  } cases[] = {
      {"PUT", kState, {{"agent", kAgent}, {"stateId", "s"}}, "activityId"},
      {"GET", kState, {{"activityId", kActivity}, {"stateId", "s"}}, "agent"},
      {"GET", kState, {{"activityId", kActivity}, {"agent", "true"}, {"stateId", "s"}}, "agent"},
      {"GET", kState, {{"activityId", kActivity}, {"agent", "{\"objectType\":"}}, "agent"},
      {"GET", kState, {{"activityId", kActivity}, {"agent", R"({"name":"x"})"}}, "agent"},
      {"PUT", kState, {{"activityId", kActivity}, {"agent", kAgent}}, "stateId"},
      {"POST", kState, {{"activityId", kActivity}, {"agent", kAgent}}, "stateId"},
      {"GET", kState, {{"activityId", kActivity}, {"agent", kAgent}, {"registration", "x"}}, "registration"},
      {"GET", kState, {{"activityId", "not an iri"}, {"agent", kAgent}}, "activityId"},
      {"GET", kState, {{"activityId", kActivity}, {"agent", kAgent}, {"StateId", "s"}}, "StateId"},
      {"PUT", kActivityProfile, {{"profileId", "p"}}, "activityId"},
      {"POST", kActivityProfile, {{"activityId", kActivity}}, "profileId"},
      {"GET", kAgentProfile, {{"profileId", "p"}}, "agent"},
      {"PUT", kAgentProfile, {{"agent", kAgent}, {"profileId", "p"}, {"since", "2020-01-01T00:00:00Z"}}, "since"},
  };
  for (const auto& c : cases) {
    HttpResponse r = send(c.method, c.resource, c.query, c.method == "PUT" || c.method == "POST" ? "{}" : "", kNew);
    EXPECT_EQ(r.status, 400) << c.method << " " << c.resource << " " << c.named << ": " << r.body;
    EXPECT_NE(r.body.find("\"" + c.named), std::string::npos) << r.body;
  }
}

TEST_F(DocumentsResourceTest, HeadAnswersLikeGetWithoutBody) {
  ASSERT_EQ(send("PUT", kAgentProfile, agent_profile("p"), R"({"a":1})", kNew).status, 204);
  HttpResponse r = send("HEAD", kAgentProfile, agent_profile("p"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.head_only);
  EXPECT_NE(header(r, "ETag"), nullptr);
  EXPECT_FALSE(send("GET", kAgentProfile, agent_profile("p")).head_only);
}

TEST_F(DocumentsResourceTest, LastModifiedAdvancesOnUpdate) {
  ASSERT_EQ(send("PUT", kState, state("s"), R"({"a":1})").status, 204);
  HttpResponse before = send("GET", kState, state("s"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(send("POST", kState, state("s"), R"({"a":1})").status, 204);
  HttpResponse after = send("GET", kState, state("s"));
  EXPECT_NE(*header(before, "Last-Modified"), *header(after, "Last-Modified"));
}

TEST_F(DocumentsResourceTest, DocumentsOfDifferentAgentsAreSeparate) {
  ASSERT_EQ(send("PUT", kAgentProfile, agent_profile("p"), R"({"a":1})", kNew).status, 204);
  Query other{{"agent", R"({"mbox":"mailto:someone@example.com"})"}, {"profileId", "p"}};
  EXPECT_EQ(send("GET", kAgentProfile, other).status, 404);
}

TEST_F(DocumentsResourceTest, UnsupportedMethodIs405) {
  EXPECT_EQ(send("PATCH", kState, state("s")).status, 405);
  EXPECT_EQ(send("PUT", "/agents", {{"agent", kAgent}}, "{}").status, 405);
}

}  // namespace
}  // namespace scribe::xapi::testing
