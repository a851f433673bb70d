// The Agents and Activities resources through the Router, fed by statements POSTed through the
// commit pipeline: a Person combines the names every statement gave an agent, wherever the
// agent appeared; an Activity's definition merges across statements (newest wins per property,
// language maps per language); unknown agents and activities still answer 200.
#include "tests/documents_fixture.h"
#include "xapi/statement_terms.h"

namespace scribe::xapi::testing {
namespace {

using AgentsActivitiesTest = DocumentsApiTest;

const char* kVerb = R"("verb":{"id":"http://adlnet.gov/expapi/verbs/attended"})";

std::string statement(const std::string& actor, const std::string& object,
                      const std::string& extra = "") {
  return R"({"actor":)" + actor + "," + kVerb + R"(,"object":)" + object + extra + "}";
}

std::string agent(const std::string& name, const std::string& mbox) {
  return R"({"objectType":"Agent","name":")" + name + R"(","mbox":")" + mbox + R"("})";
}

const std::string kPlainActivity = R"({"objectType":"Activity","id":"http://example.com/a"})";

TEST_F(AgentsActivitiesTest, PersonCombinesNamesFromEveryStatement) {
  ASSERT_EQ(post_statement(statement(agent("Ann", "mailto:ann@example.com"), kPlainActivity)).status, 200);
  ASSERT_EQ(post_statement(statement(agent("Annie", "mailto:ann@example.com"), kPlainActivity)).status, 200);
  HttpResponse r = send("GET", "/agents", {{"agent", R"({"mbox":"mailto:ann@example.com"})"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r), parse(R"({"objectType":"Person","name":["Ann","Annie"],
                                    "mbox":["mailto:ann@example.com"]})"));
}

TEST_F(AgentsActivitiesTest, PersonKnowsAgentsFromObjectGroupMembersAndContext) {
  std::string group = R"({"objectType":"Group","name":"Team","mbox":"mailto:team@example.com",
      "member":[)" + agent("Member", "mailto:member@example.com") + "]}";
  std::string context = R"(,"context":{"instructor":)" + agent("Teacher", "mailto:t@example.com") +
                        R"(,"team":{"objectType":"Group","member":[)" +
                        agent("Mate", "mailto:mate@example.com") + "]}}";
  ASSERT_EQ(post_statement(statement(agent("Ann", "mailto:ann@example.com"),
                                     agent("Bob", "mailto:bob@example.com"), context))
                .status,
            200);
  ASSERT_EQ(post_statement(statement(group, kPlainActivity)).status, 200);
  for (auto [mbox, name] : {std::pair{"mailto:bob@example.com", "Bob"},
                            {"mailto:t@example.com", "Teacher"},
                            {"mailto:mate@example.com", "Mate"},
                            {"mailto:member@example.com", "Member"},
                            {"mailto:team@example.com", "Team"}}) {
    HttpResponse r = send("GET", "/agents", {{"agent", std::string(R"({"mbox":")") + mbox + "\"}"}});
    ASSERT_EQ(r.status, 200) << r.body;
    json::Value person = body_json(r);
    ASSERT_NE(person.get("name"), nullptr) << mbox << ": " << r.body;
    EXPECT_EQ(*person.get("name"), json::Value(json::Array{name}));
  }
}

TEST_F(AgentsActivitiesTest, PersonFromSubStatementAgents) {
  std::string sub = R"({"objectType":"SubStatement","actor":)" + agent("Sub", "mailto:sub@example.com") +
                    "," + kVerb + R"(,"object":)" + kPlainActivity + "}";
  ASSERT_EQ(post_statement(statement(agent("Ann", "mailto:ann@example.com"), sub)).status, 200);
  HttpResponse r = send("GET", "/agents", {{"agent", R"({"mbox":"mailto:sub@example.com"})"}});
  EXPECT_EQ(body_json(r), parse(R"({"objectType":"Person","name":["Sub"],"mbox":["mailto:sub@example.com"]})"));
}

TEST_F(AgentsActivitiesTest, UnknownAgentIsAPersonWithJustItsIdentifier) {
  HttpResponse r = send("GET", "/agents", {{"agent", kAgent}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_json(r), parse(R"({"objectType":"Person","account":[{"homePage":"http://www.example.com/agentId/1","name":"Rick James"}]})"));
}

TEST_F(AgentsActivitiesTest, AgentsRejectsMissingOrUnidentifiedAgent) {
  EXPECT_EQ(send("GET", "/agents", {}).status, 400);
  HttpResponse r = send("GET", "/agents", {{"agent", R"({"objectType":"Agent","name":"x"})"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("agent"), std::string::npos);
  EXPECT_EQ(send("GET", "/agents", {{"agent", kAgent}, {"extra", "1"}}).status, 400);
}

TEST_F(AgentsActivitiesTest, AgentsAreSeparatedByStore) {
  ASSERT_EQ(post_statement(statement(agent("Ann", "mailto:ann@example.com"), kPlainActivity)).status, 200);
  // Keyed by the identity hashed with the store's key: never by the identity itself.
  const std::string identity = "mbox\x1fmailto:ann@example.com";
  const auto term_key = stack_.stores->find(auth::kDefaultStoreName)->term_key;
  std::string stored;
  auto found = engine_->get(storage::Family::Agents, storage::agent_key(1, person_entry_key(term_key, identity)), &stored);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(*found);
  EXPECT_FALSE(*engine_->get(storage::Family::Agents, storage::agent_key(1, identity), &stored));
  found = engine_->get(storage::Family::Agents, storage::agent_key(2, person_entry_key(term_key, identity)), &stored);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
}

TEST_F(AgentsActivitiesTest, ActivityIsReturnedAsStoredWithObjectType) {
  std::string object = R"({"objectType":"Activity","id":"http://example.com/complete",
      "definition":{"type":"http://adlnet.gov/expapi/activities/meeting",
      "name":{"en-GB":"example meeting","en-US":"example meeting"},
      "moreInfo":"http://virtualmeeting.example.com/345256",
      "extensions":{"http://example.com/ext":{"name":"Thomas"}}}})";
  ASSERT_EQ(post_statement(statement(agent("Ann", "mailto:ann@example.com"), object)).status, 200);
  HttpResponse r = send("GET", "/activities", {{"activityId", "http://example.com/complete"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r), parse(object));
}

TEST_F(AgentsActivitiesTest, ActivityDefinitionsMergeAcrossStatements) {
  std::string one = R"({"id":"http://example.com/m","definition":{"name":{"en-US":"meeting"},"type":"http://t/1"}})";
  std::string two = R"({"id":"http://example.com/m","definition":{"name":{"fr-FR":"réunion"},"description":{"en-US":"d"}}})";
  std::string three = R"({"id":"http://example.com/m","definition":{"type":"http://t/3"}})";
  ASSERT_EQ(post_statement("[" + statement(agent("A", "mailto:a@example.com"), one) + "," +
                           statement(agent("A", "mailto:a@example.com"), two) + "]")
                .status,
            200);
  ASSERT_EQ(post_statement(statement(agent("A", "mailto:a@example.com"), three)).status, 200);
  HttpResponse r = send("GET", "/activities", {{"activityId", "http://example.com/m"}});
  EXPECT_EQ(body_json(r), parse(R"({"objectType":"Activity","id":"http://example.com/m",
      "definition":{"name":{"en-US":"meeting","fr-FR":"réunion"},"type":"http://t/3",
      "description":{"en-US":"d"}}})"));
}

TEST_F(AgentsActivitiesTest, ContextAndSubStatementActivitiesAreKnown) {
  std::string context = R"(,"context":{"contextActivities":{"parent":{"id":"http://example.com/parent",
      "definition":{"name":{"en-US":"Parent"}}}}})";
  std::string sub = R"({"objectType":"SubStatement","actor":)" + agent("S", "mailto:s@example.com") +
                    "," + kVerb +
                    R"(,"object":{"id":"http://example.com/inner","definition":{"name":{"en-US":"Inner"}}}})";
  ASSERT_EQ(post_statement(statement(agent("A", "mailto:a@example.com"), sub, context)).status, 200);
  for (auto [id, name] : {std::pair{"http://example.com/parent", "Parent"}, {"http://example.com/inner", "Inner"}}) {
    HttpResponse r = send("GET", "/activities", {{"activityId", id}});
    json::Value a = body_json(r);
    ASSERT_NE(a.get("definition"), nullptr) << r.body;
    EXPECT_EQ(a.get("definition")->get("name")->get_string("en-US"), name);
    EXPECT_EQ(a.get_string("objectType"), "Activity");
  }
}

TEST_F(AgentsActivitiesTest, UnknownActivityIsJustItsIdInBothVersions) {
  for (const char* version : {kV1, kV2}) {
    HttpResponse r = send("GET", "/activities", {{"activityId", "http://example.com/never"}}, "", {}, version);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(body_json(r), parse(R"({"objectType":"Activity","id":"http://example.com/never"})"));
  }
}

TEST_F(AgentsActivitiesTest, ActivitiesRejectsMissingOrInvalidId) {
  HttpResponse r = send("GET", "/activities", {});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("activityId"), std::string::npos);
  EXPECT_EQ(send("GET", "/activities", {{"activityId", "true"}}).status, 400);
}

TEST_F(AgentsActivitiesTest, HeadWorksOnAgentsAndActivities) {
  HttpResponse a = send("HEAD", "/agents", {{"agent", kAgent}});
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(a.head_only);
  HttpResponse b = send("HEAD", "/activities", {{"activityId", "http://example.com/x"}});
  EXPECT_EQ(b.status, 200);
  EXPECT_TRUE(b.head_only);
}

TEST_F(AgentsActivitiesTest, ARejectedStatementContributesNothing) {
  std::string bad = statement(agent("Ghost", "mailto:ghost@example.com"),
                              R"({"id":"http://example.com/ghost","definition":{"name":{"en-US":"G"}}})",
                              R"(,"unknownProperty":1)");
  ASSERT_EQ(post_statement(bad).status, 400);
  EXPECT_EQ(body_json(send("GET", "/agents", {{"agent", R"({"mbox":"mailto:ghost@example.com"})"}})),
            parse(R"({"objectType":"Person","mbox":["mailto:ghost@example.com"]})"));
  EXPECT_EQ(body_json(send("GET", "/activities", {{"activityId", "http://example.com/ghost"}})),
            parse(R"({"objectType":"Activity","id":"http://example.com/ghost"})"));
}

}  // namespace
}  // namespace scribe::xapi::testing
