#include "xapi/statement_format.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/timestamp.h"
#include "tests/support/json_expect.h"

namespace scribe::xapi {
namespace {

using Langs = std::vector<std::string>;

const storage::Seq kSeq = 1706700000123456ull;  // 2024-01-31T11:20:00.123456Z

storage::StoredStatement stored(const std::string& json, uint8_t flags = 0) {
  storage::StoredStatement s;
  s.seq = kSeq;
  s.flags = flags;
  s.json = json;
  return s;
}

std::string render(const std::string& json, StatementFormat format, const Langs& langs = {},
                   uint8_t flags = 0) {
  std::string out;
  render_statement(stored(json, flags), format, langs, out);
  return out;
}

json::Value render_value(const std::string& json, StatementFormat format, const Langs& langs = {}) {
  std::string text = render(json, format, langs);
  auto v = json::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : json::Value();
}

json::Value parse(std::string_view text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : json::Value();
}

const std::string kStored = format_timestamp(int64_t(kSeq));

TEST(StatementFormat, ExactSplicesStoredAfterTheOpeningBrace) {
  const std::string json = R"({"id":"x","verb":{"id":"http://v","display":{"en":"v","fr":"w"}}})";
  std::string out = render(json, StatementFormat::Exact, {"fr"});
  EXPECT_EQ(out, "{\"stored\":\"" + kStored + "\"," + json.substr(1));
  EXPECT_EQ(kStored, "2024-01-31T11:20:00.123456Z");
}

TEST(StatementFormat, ExactAddsTimestampEqualToStoredWhenFlagged) {
  const std::string json = R"({"id":"x"})";
  std::string out = render(json, StatementFormat::Exact, {}, storage::StatementRecord::kTimestampFromStored);
  EXPECT_EQ(out, "{\"stored\":\"" + kStored + "\",\"timestamp\":\"" + kStored + "\",\"id\":\"x\"}");
}

TEST(StatementFormat, ExactAppendsToExistingOutput) {
  std::string out = "[";
  render_statement(stored(R"({"id":"x"})"), StatementFormat::Exact, {}, out);
  EXPECT_EQ(out, "[{\"stored\":\"" + kStored + "\",\"id\":\"x\"}");
}

TEST(StatementFormat, CompleteStatementParsesTheSplicedForm) {
  json::Value v = complete_statement(stored(R"({"id":"x","timestamp":"2020-01-01T00:00:00.000000Z"})"));
  EXPECT_EQ(v.get_string("stored"), kStored);
  EXPECT_EQ(v.get_string("timestamp"), "2020-01-01T00:00:00.000000Z");
  json::Value w = complete_statement(stored(R"({"id":"x"})", storage::StatementRecord::kTimestampFromStored));
  EXPECT_EQ(w.get_string("timestamp"), kStored);
}

TEST(StatementFormat, IdsReducesAgentsToTheirIdentifierKeepingObjectType) {
  json::Value v = render_value(
      R"({"id":"x",
          "actor":{"objectType":"Agent","name":"Learner","mbox":"mailto:l@example.com"},
          "verb":{"id":"http://v","display":{"en-US":"did"}},
          "object":{"objectType":"Activity","id":"http://a","definition":{"type":"http://t"}},
          "authority":{"objectType":"Agent","name":"LRS","openid":"http://id.example.com/lrs"}})",
      StatementFormat::Ids);
  EXPECT_JSON_EQ(*v.get("actor"), parse(R"({"objectType":"Agent","mbox":"mailto:l@example.com"})"));
  EXPECT_JSON_EQ(*v.get("verb"), parse(R"({"id":"http://v"})"));
  EXPECT_JSON_EQ(*v.get("object"), parse(R"({"id":"http://a"})"));
  EXPECT_JSON_EQ(*v.get("authority"), parse(R"({"objectType":"Agent","openid":"http://id.example.com/lrs"})"));
  EXPECT_EQ(v.get_string("stored"), kStored);
  EXPECT_EQ(v.get_string("id"), "x");
}

TEST(StatementFormat, IdsReducesAgentObjectsAndIdentifiedGroups) {
  json::Value v = render_value(
      R"({"id":"x",
          "actor":{"objectType":"Group","name":"Team","mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
                   "member":[{"name":"A","mbox":"mailto:a@example.com"}]},
          "verb":{"id":"http://v"},
          "object":{"objectType":"Agent","name":"B","account":{"homePage":"http://h","name":"b"}}})",
      StatementFormat::Ids);
  EXPECT_JSON_EQ(*v.get("actor"),
            parse(R"({"objectType":"Group","mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee9"})"));
  EXPECT_JSON_EQ(*v.get("object"),
            parse(R"({"objectType":"Agent","account":{"homePage":"http://h","name":"b"}})"));
}

TEST(StatementFormat, IdsReducesAnonymousGroupsToTheirMembers) {
  json::Value v = render_value(
      R"({"id":"x",
          "actor":{"objectType":"Group","name":"Anon",
                   "member":[{"name":"A","mbox":"mailto:a@example.com"},
                             {"objectType":"Agent","name":"B","account":{"homePage":"http://h","name":"b"}}]},
          "verb":{"id":"http://v"},
          "object":{"id":"http://a"}})",
      StatementFormat::Ids);
  EXPECT_JSON_EQ(*v.get("actor"),
            parse(R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"},
                      {"objectType":"Agent","account":{"homePage":"http://h","name":"b"}}]})"));
}

TEST(StatementFormat, IdsReducesActivitiesAndVerbsToTheirIds) {
  json::Value v = render_value(
      R"({"id":"x",
          "actor":{"mbox":"mailto:a@example.com"},
          "verb":{"id":"http://v","display":{"en-US":"did","fr":"fit"}},
          "object":{"objectType":"Activity","id":"http://a",
                    "definition":{"name":{"en":"A"},"type":"http://t"}},
          "context":{"instructor":{"name":"I","mbox":"mailto:i@example.com"},
                     "contextActivities":{"parent":[{"id":"http://p","definition":{"name":{"en":"P"}}}],
                                          "grouping":[{"objectType":"Activity","id":"http://g"}]},
                     "platform":"test"}})",
      StatementFormat::Ids);
  EXPECT_JSON_EQ(*v.get("verb"), parse(R"({"id":"http://v"})"));
  EXPECT_JSON_EQ(*v.get("object"), parse(R"({"id":"http://a"})"));
  const json::Value* context = v.get("context");
  ASSERT_NE(context, nullptr);
  EXPECT_JSON_EQ(*context->get("instructor"), parse(R"({"mbox":"mailto:i@example.com"})"));
  EXPECT_JSON_EQ(*context->get("contextActivities"),
            parse(R"({"parent":[{"id":"http://p"}],"grouping":[{"id":"http://g"}]})"));
  EXPECT_EQ(context->get_string("platform"), "test");
}

TEST(StatementFormat, IdsReducesInsideSubStatementsAndLeavesStatementRefs) {
  json::Value v = render_value(
      R"({"id":"x","actor":{"mbox":"mailto:a@example.com","name":"A"},"verb":{"id":"http://v"},
          "object":{"objectType":"SubStatement",
                    "actor":{"name":"S","mbox":"mailto:s@example.com"},
                    "verb":{"id":"http://sv","display":{"en":"x"}},
                    "object":{"id":"http://sa","definition":{"name":{"en":"x"}}}}})",
      StatementFormat::Ids);
  EXPECT_JSON_EQ(*v.get("object"),
            parse(R"({"objectType":"SubStatement","actor":{"mbox":"mailto:s@example.com"},
                      "verb":{"id":"http://sv"},"object":{"id":"http://sa"}})"));
  json::Value r = render_value(
      R"({"id":"x","actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://v"},
          "object":{"objectType":"StatementRef","id":"ec531277-b57b-4c15-8d91-d292c5b2b8f7"}})",
      StatementFormat::Ids);
  EXPECT_JSON_EQ(*r.get("object"),
            parse(R"({"objectType":"StatementRef","id":"ec531277-b57b-4c15-8d91-d292c5b2b8f7"})"));
}

TEST(StatementFormat, IdsReducesContextAgentsAndGroups) {
  json::Value v = render_value(
      R"({"id":"x","actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://v"},"object":{"id":"http://a"},
          "context":{"team":{"objectType":"Group","name":"T","mbox":"mailto:t@example.com"},
                     "contextAgents":[{"objectType":"contextAgent","agent":{"name":"C","mbox":"mailto:c@example.com"},
                                       "relevantTypes":["http://r"]}],
                     "contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","name":"G",
                                       "mbox":"mailto:g@example.com"}}]}})",
      StatementFormat::Ids);
  const json::Value* c = v.get("context");
  ASSERT_NE(c, nullptr);
  EXPECT_JSON_EQ(*c->get("team"), parse(R"({"objectType":"Group","mbox":"mailto:t@example.com"})"));
  EXPECT_JSON_EQ(*c->get("contextAgents"),
            parse(R"([{"objectType":"contextAgent","agent":{"mbox":"mailto:c@example.com"},"relevantTypes":["http://r"]}])"));
  EXPECT_JSON_EQ(*c->get("contextGroups"),
            parse(R"([{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:g@example.com"}}])"));
}

const std::string kMultilingual = R"({"id":"x","actor":{"mbox":"mailto:a@example.com","name":"Ann"},
  "verb":{"id":"http://v","display":{"en-US":"attended","en-GB":"attended [GB]","fr":"a assisté"}},
  "object":{"id":"http://a","definition":{
      "name":{"en-US":"Course","en-GB":"Course [GB]","fr":"Cours"},
      "description":{"fr":"Un cours","en-US":"A course"},
      "extensions":{"http://ext":{"name":{"en-US":"kept","fr":"gardé"}}},
      "choices":[{"id":"c1","description":{"en-US":"one","en-GB":"one [GB]"}}]}}})";

TEST(StatementFormat, CanonicalKeepsTheBestAcceptLanguageMatch) {
  json::Value v = render_value(kMultilingual, StatementFormat::Canonical, parse_accept_language("en-GB"));
  EXPECT_JSON_EQ(*v.get("verb")->get("display"), parse(R"({"en-GB":"attended [GB]"})"));
  const json::Value* def = v.get("object")->get("definition");
  EXPECT_JSON_EQ(*def->get("name"), parse(R"({"en-GB":"Course [GB]"})"));
  // No en-GB description: the first entry stands in.
  EXPECT_JSON_EQ(*def->get("description"), parse(R"({"fr":"Un cours"})"));
  // Language maps nested in interaction components are reduced too.
  EXPECT_JSON_EQ(*def->get("choices"), parse(R"([{"id":"c1","description":{"en-GB":"one [GB]"}}])"));
  // Extensions are opaque: never reduced.
  EXPECT_JSON_EQ(*def->get("extensions"), parse(R"({"http://ext":{"name":{"en-US":"kept","fr":"gardé"}}})"));
  // A plain string `name` (an agent's) is untouched.
  EXPECT_EQ(v.get("actor")->get_string("name"), "Ann");
}

TEST(StatementFormat, CanonicalPrefersEnGbOverEnUsWhenAsked) {
  json::Value v = render_value(kMultilingual, StatementFormat::Canonical,
                               parse_accept_language("en-GB, en-US;q=0.8"));
  EXPECT_JSON_EQ(*v.get("verb")->get("display"), parse(R"({"en-GB":"attended [GB]"})"));
  json::Value us = render_value(kMultilingual, StatementFormat::Canonical,
                                parse_accept_language("en-GB;q=0.5, en-US"));
  EXPECT_JSON_EQ(*us.get("verb")->get("display"), parse(R"({"en-US":"attended"})"));
}

TEST(StatementFormat, CanonicalHonoursQValues) {
  json::Value v = render_value(kMultilingual, StatementFormat::Canonical,
                               parse_accept_language("de, en-US;q=0.3, fr;q=0.7"));
  EXPECT_JSON_EQ(*v.get("verb")->get("display"), parse(R"({"fr":"a assisté"})"));
  EXPECT_JSON_EQ(*v.get("object")->get("definition")->get("name"), parse(R"({"fr":"Cours"})"));
  // q=0 means "not acceptable".
  json::Value w = render_value(kMultilingual, StatementFormat::Canonical,
                               parse_accept_language("fr;q=0, en-US"));
  EXPECT_JSON_EQ(*w.get("verb")->get("display"), parse(R"({"en-US":"attended"})"));
}

TEST(StatementFormat, CanonicalMatchesALanguagePrefixCaseInsensitively) {
  json::Value v = render_value(kMultilingual, StatementFormat::Canonical, parse_accept_language("EN"));
  EXPECT_JSON_EQ(*v.get("verb")->get("display"), parse(R"({"en-US":"attended"})"));
  json::Value f = render_value(kMultilingual, StatementFormat::Canonical, parse_accept_language("FR-fr, fr"));
  EXPECT_JSON_EQ(*f.get("verb")->get("display"), parse(R"({"fr":"a assisté"})"));
}

TEST(StatementFormat, CanonicalPrefersAnExactTagOverAPrefixMatch) {
  // "en" is asked for and the map has "en" itself: "en-US" (listed first) is a worse match.
  json::Value v = render_value(
      R"({"id":"x","verb":{"id":"http://v","display":{"en-US":"us","en":"plain"}}})",
      StatementFormat::Canonical, parse_accept_language("en"));
  EXPECT_JSON_EQ(*v.get("verb")->get("display"), parse(R"({"en":"plain"})"));
}

TEST(StatementFormat, CanonicalFallsBackFromARegionalTagToItsLanguage) {
  // RFC 4647 lookup: en-GB is not there, so "en" is the best match, not the first entry "fr".
  json::Value v = render_value(
      R"({"id":"x","verb":{"id":"http://v","display":{"fr":"fait","en":"did"}}})",
      StatementFormat::Canonical, parse_accept_language("en-GB"));
  EXPECT_JSON_EQ(*v.get("verb")->get("display"), parse(R"({"en":"did"})"));
}

TEST(StatementFormat, CanonicalFallsBackToTheFirstEntry) {
  json::Value v = render_value(kMultilingual, StatementFormat::Canonical, parse_accept_language("de, ja"));
  EXPECT_JSON_EQ(*v.get("verb")->get("display"), parse(R"({"en-US":"attended"})"));
  EXPECT_JSON_EQ(*v.get("object")->get("definition")->get("description"), parse(R"({"fr":"Un cours"})"));
  json::Value none = render_value(kMultilingual, StatementFormat::Canonical, {});
  EXPECT_JSON_EQ(*none.get("verb")->get("display"), parse(R"({"en-US":"attended"})"));
}

TEST(StatementFormat, CanonicalKeepsEverythingThatIsNotALanguageMap) {
  json::Value v = render_value(kMultilingual, StatementFormat::Canonical, parse_accept_language("fr"));
  EXPECT_EQ(v.get_string("id"), "x");
  EXPECT_EQ(v.get_string("stored"), kStored);
  EXPECT_EQ(v.get("object")->get_string("id"), "http://a");
  EXPECT_JSON_EQ(*v.get("actor"), parse(R"({"mbox":"mailto:a@example.com","name":"Ann"})"));
}

TEST(StatementFormat, ParsesAcceptLanguageInPreferenceOrder) {
  EXPECT_EQ(parse_accept_language("fr;q=0.5, en-GB, de;q=0"), (Langs{"en-gb", "fr"}));
  EXPECT_EQ(parse_accept_language(""), Langs{});
  EXPECT_EQ(parse_accept_language("en-US"), Langs{"en-us"});
  // Equal weights keep their order.
  EXPECT_EQ(parse_accept_language("da, en-GB;q=0.8, en;q=0.8, *;q=0.1"),
            (Langs{"da", "en-gb", "en", "*"}));
  EXPECT_EQ(parse_accept_language(" a ;q=0.2 ,b;q=0.9,, c "), (Langs{"c", "b", "a"}));
}

TEST(StatementFormat, WildcardMatchesTheFirstEntry) {
  json::Value v = render_value(kMultilingual, StatementFormat::Canonical, parse_accept_language("ja, *;q=0.1"));
  EXPECT_JSON_EQ(*v.get("verb")->get("display"), parse(R"({"en-US":"attended"})"));
}

}  // namespace
}  // namespace scribe::xapi
