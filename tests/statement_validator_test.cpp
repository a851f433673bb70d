#include "xapi/statement_validator.h"

#include <gtest/gtest.h>

#include <string>

#include "common/json.h"

namespace scribe::xapi {
namespace {

constexpr Version V1 = Version::V1_0_3;
constexpr Version V2 = Version::V2_0_0;

const std::string kActor = R"({"objectType":"Agent","name":"xAPI","mbox":"mailto:xapi@adlnet.gov"})";
const std::string kVerb =
    R"({"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-US":"attended"}})";
const std::string kActivity = R"({"objectType":"Activity","id":"http://www.example.com/meetings/34534"})";
const std::string kStatementRef =
    R"({"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"})";

// A statement with the given members (JSON text without braces) after actor/verb/object.
std::string statement(const std::string& actor, const std::string& verb, const std::string& object,
                      const std::string& extra = "") {
  std::string s = R"({"actor":)" + actor + R"(,"verb":)" + verb + R"(,"object":)" + object;
  if (!extra.empty()) s += "," + extra;
  return s + "}";
}
std::string with(const std::string& extra) { return statement(kActor, kVerb, kActivity, extra); }
std::string with_actor(const std::string& a) { return statement(a, kVerb, kActivity); }
std::string with_verb(const std::string& v) { return statement(kActor, v, kActivity); }
std::string with_object(const std::string& o, const std::string& extra = "") {
  return statement(kActor, kVerb, o, extra);
}
std::string with_definition(const std::string& def) {
  return with_object(R"({"id":"http://example.com/q1","definition":)" + def + "}");
}
std::string with_context(const std::string& ctx) { return with(R"("context":)" + ctx); }
std::string with_result(const std::string& res) { return with(R"("result":)" + res); }
std::string substatement(const std::string& extra = "", const std::string& object = kActivity) {
  std::string s = R"({"objectType":"SubStatement","actor":)" + kActor + R"(,"verb":)" + kVerb +
                  R"(,"object":)" + object;
  if (!extra.empty()) s += "," + extra;
  return s + "}";
}
std::string attachment(const std::string& replace_key = "", const std::string& value = "") {
  std::string usage = R"("http://adlnet.gov/expapi/attachments/signature")";
  std::string display = R"({"en-US":"A test attachment"})";
  std::string content_type = R"("text/plain; charset=ascii")";
  std::string length = "27";
  std::string sha2 = R"("495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a")";
  if (replace_key == "usageType") usage = value;
  if (replace_key == "display") display = value;
  if (replace_key == "contentType") content_type = value;
  if (replace_key == "length") length = value;
  if (replace_key == "sha2") sha2 = value;
  return R"({"usageType":)" + usage + R"(,"display":)" + display + R"(,"contentType":)" +
         content_type + R"(,"length":)" + length + R"(,"sha2":)" + sha2 + "}";
}

// A parsed text that reads as its root Node (it lives to the end of the full expression).
struct Parsed {
  Result<json::Document> document;
  operator json::Node() const { return document->root(); }
};

Parsed parse(const std::string& text) {
  Parsed p{json::Document::parse(text)};
  EXPECT_TRUE(p.document.ok()) << text;
  if (!p.document.ok()) p.document = json::Document::parse("null");
  return p;
}

Status validate(const std::string& text, Version v = V1, const std::string& prefix = "") {
  return validate_statement(parse(text), v, prefix);
}

::testing::AssertionResult Accepted(const std::string& text, Version v = V1) {
  Status s = validate(text, v);
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "rejected: " << s.error().describe() << "\n" << text;
}

// Rejected with status 400 at exactly `path`.
::testing::AssertionResult RejectedAt(const std::string& text, const std::string& path,
                                      Version v = V1) {
  Status s = validate(text, v);
  if (s.ok()) return ::testing::AssertionFailure() << "accepted: " << text;
  if (s.error().status != 400) return ::testing::AssertionFailure() << "status " << s.error().status;
  if (s.error().path != path)
    return ::testing::AssertionFailure() << "path '" << s.error().path << "' (" << s.error().message
                                         << "), wanted '" << path << "'";
  return ::testing::AssertionSuccess();
}

void ExpectBothVersions(const std::string& text, const std::string& path) {
  EXPECT_TRUE(RejectedAt(text, path, V1));
  EXPECT_TRUE(RejectedAt(text, path, V2));
}

// ---- whole statement ----

TEST(Validator_Statement, AcceptsMinimalStatementInBothVersions) {
  EXPECT_TRUE(Accepted(with(""), V1));
  EXPECT_TRUE(Accepted(with(""), V2));
}

TEST(Validator_Statement, AcceptsFullStatement) {
  const std::string s = with(
      R"("id":"12345678-1234-5678-1234-567812345678","result":{"score":{"scaled":0.5,"raw":5,"min":0,"max":10},"success":true,"completion":false,"response":"x","duration":"PT1H","extensions":{"http://ex.com/e":1}},)"
      R"("context":{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","revision":"r1","platform":"p","language":"en-US","statement":)" +
      kStatementRef +
      R"(,"extensions":{"http://ex.com/c":null}},"timestamp":"2013-05-18T05:32:34.804Z","stored":"2013-05-18T05:32:34.804Z","authority":)" +
      kActor + R"(,"version":"1.0.3","attachments":[)" + attachment() + "]");
  EXPECT_TRUE(Accepted(s, V1));
  EXPECT_TRUE(Accepted(s, V2));
}

TEST(Validator_Statement, RejectsNonObjectStatement) {
  EXPECT_TRUE(RejectedAt("[]", ""));
  EXPECT_TRUE(RejectedAt("\"x\"", ""));
}

TEST(Validator_Statement, RejectsMissingActorVerbOrObject) {
  ExpectBothVersions(R"({"verb":)" + kVerb + R"(,"object":)" + kActivity + "}", "actor");
  ExpectBothVersions(R"({"actor":)" + kActor + R"(,"object":)" + kActivity + "}", "verb");
  ExpectBothVersions(R"({"actor":)" + kActor + R"(,"verb":)" + kVerb + "}", "object");
}

TEST(Validator_Statement, RejectsUnknownTopLevelProperty) {
  ExpectBothVersions(with(R"("dummy":"dummy")"), "dummy");
}

TEST(Validator_Statement, RejectsWrongCaseOfKnownKeys) {
  ExpectBothVersions(with(R"("Version":"1.0.0")"), "Version");
  ExpectBothVersions(with(R"("timeStamp":"2013-05-18T05:32:34.804Z")"), "timeStamp");
  ExpectBothVersions(statement(kActor, kVerb, kActivity, "").replace(2, 5, "Actor"), "Actor");
}

TEST(Validator_Statement, RejectsNullValueOutsideExtensions) {
  ExpectBothVersions(with(R"("timestamp":null)"), "timestamp");
  ExpectBothVersions(with(R"("result":null)"), "result");
  ExpectBothVersions(with_actor(R"({"mbox":"mailto:a@b.c","name":null})"), "actor.name");
}

TEST(Validator_Statement, PrependsPathPrefixForBatches) {
  Status s = validate(with(R"("id":"nope")"), V1, "[3]");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().path, "[3].id");
  EXPECT_EQ(s.error().status, 400);
}

TEST(Validator_Statement, ReportsDeepPathsWithIndexes) {
  Status s = validate(with_context(R"({"contextActivities":{"parent":[)" + kActivity + "," +
                                   kActivity + R"(,{"id":"not an iri"}]}})"),
                      V1, "[0]");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().path, "[0].context.contextActivities.parent[2].id");
  EXPECT_EQ(s.error().message, "not a valid IRI");
}

// ---- id ----

TEST(Validator_Id, AcceptsUppercaseUuid) {
  EXPECT_TRUE(Accepted(with(R"("id":"EC531277-B57B-4C15-8D91-D292C5B2B8F7")")));
}

TEST(Validator_Id, RejectsMalformedUuid) {
  ExpectBothVersions(with(R"("id":"AA97B177-9383-4934-8543-0F91A7A028368")"), "id");
  ExpectBothVersions(with(R"("id":"MA97B177-9383-4934-8543-0F91A7A02836")"), "id");
  ExpectBothVersions(with(R"("id":12345)"), "id");
  ExpectBothVersions(with(R"("id":"")"), "id");
}

// ---- actor ----

TEST(Validator_Actor, AcceptsEachInverseFunctionalIdentifier) {
  EXPECT_TRUE(Accepted(with_actor(R"({"mbox":"mailto:a@example.com"})")));
  EXPECT_TRUE(Accepted(with_actor(R"({"mbox_sha1sum":"cd9b00a5611f94eaa7b1661edab976068e364975"})")));
  EXPECT_TRUE(Accepted(with_actor(R"({"openid":"http://openid.example.org/12345"})")));
  EXPECT_TRUE(Accepted(
      with_actor(R"({"account":{"homePage":"http://www.example.com","name":"xAPI account name"}})")));
}

TEST(Validator_Actor, RejectsAgentWithoutIdentifier) {
  ExpectBothVersions(with_actor(R"({"objectType":"Agent","name":"x"})"), "actor");
}

TEST(Validator_Actor, RejectsAgentWithTwoIdentifiers) {
  ExpectBothVersions(
      with_actor(R"({"mbox":"mailto:a@example.com","openid":"http://openid.example.org/1"})"),
      "actor");
}

TEST(Validator_Actor, RejectsMboxThatIsNotMailto) {
  ExpectBothVersions(with_actor(R"({"mbox":"http://should.fail.com"})"), "actor.mbox");
  ExpectBothVersions(with_actor(R"({"mbox":"mailto:should.fail.com"})"), "actor.mbox");
  ExpectBothVersions(with_actor(R"({"mbox":"xapi@adlnet.gov"})"), "actor.mbox");
}

TEST(Validator_Actor, RejectsMalformedMboxSha1sum) {
  ExpectBothVersions(with_actor(R"({"mbox_sha1sum":"abc"})"), "actor.mbox_sha1sum");
  ExpectBothVersions(with_actor(R"({"mbox_sha1sum":{"key":"value"}})"), "actor.mbox_sha1sum");
}

TEST(Validator_Actor, RejectsOpenidWithoutScheme) {
  ExpectBothVersions(with_actor(R"({"openid":"ab=c://should.fail.com"})"), "actor.openid");
}

TEST(Validator_Actor, RejectsAccountMissingHomePageOrName) {
  ExpectBothVersions(with_actor(R"({"account":{"name":"n"}})"), "actor.account.homePage");
  ExpectBothVersions(with_actor(R"({"account":{"homePage":"http://www.example.com"}})"),
                     "actor.account.name");
}

TEST(Validator_Actor, RejectsAccountWithBadHomePageOrUnknownKey) {
  ExpectBothVersions(with_actor(R"({"account":{"homePage":"ab=c://should.fail.com","name":"n"}})"),
                     "actor.account.homePage");
  ExpectBothVersions(
      with_actor(R"({"account":{"homePage":"http://www.example.com","name":"n","id":"x"}})"),
      "actor.account.id");
}

TEST(Validator_Actor, RejectsNonStringName) {
  ExpectBothVersions(with_actor(R"({"mbox":"mailto:a@example.com","name":123})"), "actor.name");
}

TEST(Validator_Actor, RejectsBadObjectType) {
  ExpectBothVersions(with_actor(R"({"objectType":123,"mbox":"mailto:a@example.com"})"),
                     "actor.objectType");
  ExpectBothVersions(with_actor(R"({"objectType":"agent","mbox":"mailto:a@example.com"})"),
                     "actor.objectType");
  ExpectBothVersions(with_actor(R"({"objectType":"Activity","mbox":"mailto:a@example.com"})"),
                     "actor.objectType");
}

TEST(Validator_Actor, RejectsUnknownAgentProperty) {
  ExpectBothVersions(with_actor(R"({"mbox":"mailto:a@example.com","member":[]})"), "actor.member");
}

TEST(Validator_Group, AcceptsAnonymousGroupWithMembers) {
  EXPECT_TRUE(Accepted(with_actor(
      R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"},{"objectType":"Agent","openid":"http://o.example.org/1"}]})")));
}

TEST(Validator_Group, AcceptsIdentifiedGroupWithAndWithoutMembers) {
  EXPECT_TRUE(Accepted(with_actor(R"({"objectType":"Group","mbox":"mailto:g@example.com"})")));
  EXPECT_TRUE(Accepted(with_actor(
      R"({"objectType":"Group","name":"g","account":{"homePage":"http://www.example.com","name":"g"},"member":[{"mbox":"mailto:a@example.com"}]})")));
}

TEST(Validator_Group, RejectsAnonymousGroupWithoutMembers) {
  ExpectBothVersions(with_actor(R"({"objectType":"Group","name":"g"})"), "actor.member");
  ExpectBothVersions(with_actor(R"({"objectType":"Group","member":[]})"), "actor.member");
}

TEST(Validator_Group, RejectsGroupMemberThatIsAGroup) {
  ExpectBothVersions(
      with_actor(
          R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"},{"objectType":"Group","mbox":"mailto:g@example.com"}]})"),
      "actor.member[1].objectType");
}

TEST(Validator_Group, RejectsMemberWithoutIdentifier) {
  ExpectBothVersions(with_actor(R"({"objectType":"Group","member":[{"name":"nobody"}]})"),
                     "actor.member[0]");
}

TEST(Validator_Group, RejectsMemberThatIsNotAnArray) {
  ExpectBothVersions(
      with_actor(R"({"objectType":"Group","member":{"mbox":"mailto:a@example.com"}})"),
      "actor.member");
}

TEST(Validator_Group, RejectsGroupWithTwoIdentifiers) {
  ExpectBothVersions(
      with_actor(
          R"({"objectType":"Group","mbox":"mailto:g@example.com","openid":"http://o.example.org/1","member":[{"mbox":"mailto:a@example.com"}]})"),
      "actor");
}

// ---- verb ----

TEST(Validator_Verb, AcceptsVerbWithoutDisplay) {
  EXPECT_TRUE(Accepted(with_verb(R"({"id":"http://adlnet.gov/expapi/verbs/attended"})")));
}

TEST(Validator_Verb, RejectsMissingOrNonIriId) {
  ExpectBothVersions(with_verb(R"({"display":{"en-US":"x"}})"), "verb.id");
  ExpectBothVersions(with_verb(R"({"id":"attended"})"), "verb.id");
  ExpectBothVersions(with_verb(R"({"id":"ab=c://should.fail.com"})"), "verb.id");
}

TEST(Validator_Verb, RejectsInvalidDisplayLanguageMap) {
  ExpectBothVersions(with_verb(R"({"id":"http://ex.com/v","display":{"a12345":"x"}})"),
                     "verb.display.a12345");
  ExpectBothVersions(with_verb(R"({"id":"http://ex.com/v","display":{"en-US":1}})"),
                     "verb.display.en-US");
  ExpectBothVersions(with_verb(R"({"id":"http://ex.com/v","display":"attended"})"), "verb.display");
}

TEST(Validator_Verb, RejectsUnknownVerbProperty) {
  ExpectBothVersions(with_verb(R"({"id":"http://ex.com/v","objectType":"Verb"})"), "verb.objectType");
}

TEST(Validator_Voiding, AcceptsVoidingStatementTargetingStatementRef) {
  EXPECT_TRUE(Accepted(
      statement(kActor, R"({"id":"http://adlnet.gov/expapi/verbs/voided"})", kStatementRef)));
}

TEST(Validator_Voiding, RejectsVoidingStatementWithActivityObject) {
  ExpectBothVersions(
      statement(kActor, R"({"id":"http://adlnet.gov/expapi/verbs/voided"})", kActivity),
      "object.objectType");
}

// ---- object ----

TEST(Validator_Object, AcceptsActivityWithoutObjectType) {
  EXPECT_TRUE(Accepted(with_object(R"({"id":"http://example.com/a"})")));
}

TEST(Validator_Object, RejectsActivityWithoutOrWithBadId) {
  ExpectBothVersions(with_object(R"({"objectType":"Activity"})"), "object.id");
  ExpectBothVersions(with_object(R"({"id":"not an iri"})"), "object.id");
}

TEST(Validator_Object, RejectsUnknownObjectType) {
  ExpectBothVersions(with_object(R"({"objectType":"activity","id":"http://example.com/a"})"),
                     "object.objectType");
  ExpectBothVersions(with_object(R"({"objectType":"Statement","id":"http://example.com/a"})"),
                     "object.objectType");
}

TEST(Validator_Object, AcceptsAgentAndGroupObjectsWithObjectType) {
  EXPECT_TRUE(Accepted(with_object(R"({"objectType":"Agent","mbox":"mailto:a@example.com"})")));
  EXPECT_TRUE(Accepted(
      with_object(R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"}]})")));
}

TEST(Validator_Object, RejectsAgentObjectWithoutObjectType) {
  ExpectBothVersions(with_object(R"({"mbox":"mailto:a@example.com"})"), "object.mbox");
}

TEST(Validator_Object, AcceptsStatementRef) { EXPECT_TRUE(Accepted(with_object(kStatementRef))); }

TEST(Validator_Object, RejectsStatementRefWithBadOrMissingId) {
  ExpectBothVersions(with_object(R"({"objectType":"StatementRef"})"), "object.id");
  ExpectBothVersions(with_object(R"({"objectType":"StatementRef","id":"http://example.com"})"),
                     "object.id");
  ExpectBothVersions(with_object(
                         R"({"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee","definition":{}})"),
                     "object.definition");
}

TEST(Validator_Definition, AcceptsNameDescriptionTypeMoreInfoExtensions) {
  EXPECT_TRUE(Accepted(with_definition(
      R"({"name":{"en-GB":"n","en-US":"n"},"description":{"en-US":"d"},"type":"http://adlnet.gov/expapi/activities/meeting","moreInfo":"http://virtualmeeting.example.com/345256","extensions":{"http://ex.com/e":{"a":null}}})")));
}

TEST(Validator_Definition, AcceptsEmptyDefinition) { EXPECT_TRUE(Accepted(with_definition("{}"))); }

TEST(Validator_Definition, RejectsBadLanguageMaps) {
  ExpectBothVersions(with_definition(R"({"name":"x"})"), "object.definition.name");
  ExpectBothVersions(with_definition(R"({"description":{"a12345678":"x"}})"),
                     "object.definition.description.a12345678");
}

TEST(Validator_Definition, RejectsNonIriTypeAndMoreInfo) {
  ExpectBothVersions(with_definition(R"({"type":"meeting"})"), "object.definition.type");
  ExpectBothVersions(with_definition(R"({"moreInfo":"ab=c://x"})"), "object.definition.moreInfo");
}

TEST(Validator_Definition, RejectsUnknownDefinitionProperty) {
  ExpectBothVersions(with_definition(R"({"title":{"en":"x"}})"), "object.definition.title");
}

TEST(Validator_Interaction, AcceptsEveryInteractionType) {
  for (const char* t : {"true-false", "choice", "fill-in", "long-fill-in", "matching",
                        "performance", "sequencing", "likert", "numeric", "other"}) {
    EXPECT_TRUE(Accepted(with_definition(std::string(R"({"interactionType":")") + t +
                                         R"(","correctResponsesPattern":["a"]})")))
        << t;
  }
}

TEST(Validator_Interaction, RejectsWrongCaseInteractionType) {
  ExpectBothVersions(with_definition(R"({"interactionType":"true-faLse"})"),
                     "object.definition.interactionType");
  ExpectBothVersions(with_definition(R"({"interactionType":"choiCe"})"),
                     "object.definition.interactionType");
  ExpectBothVersions(with_definition(R"({"interactionType":"http://adlnet.gov/choice"})"),
                     "object.definition.interactionType");
}

TEST(Validator_Interaction, AcceptsComponentListsMatchingTheType) {
  const std::string c = R"([{"id":"a","description":{"en-US":"A"}},{"id":"b"}])";
  EXPECT_TRUE(Accepted(with_definition(R"({"interactionType":"choice","choices":)" + c + "}")));
  EXPECT_TRUE(Accepted(with_definition(R"({"interactionType":"sequencing","choices":)" + c + "}")));
  EXPECT_TRUE(Accepted(with_definition(R"({"interactionType":"likert","scale":)" + c + "}")));
  EXPECT_TRUE(Accepted(
      with_definition(R"({"interactionType":"matching","source":)" + c + R"(,"target":)" + c + "}")));
  EXPECT_TRUE(Accepted(with_definition(R"({"interactionType":"performance","steps":)" + c + "}")));
}

TEST(Validator_Interaction, RejectsComponentListNotAllowedForType) {
  const std::string c = R"([{"id":"a"}])";
  ExpectBothVersions(with_definition(R"({"interactionType":"likert","choices":)" + c + "}"),
                     "object.definition.choices");
  ExpectBothVersions(with_definition(R"({"interactionType":"true-false","steps":)" + c + "}"),
                     "object.definition.steps");
  ExpectBothVersions(with_definition(R"({"interactionType":"choice","source":)" + c + "}"),
                     "object.definition.source");
  ExpectBothVersions(with_definition(R"({"scale":)" + c + "}"), "object.definition.scale");
}

TEST(Validator_Interaction, RejectsDuplicateComponentIds) {
  ExpectBothVersions(
      with_definition(R"({"interactionType":"choice","choices":[{"id":"a"},{"id":"b"},{"id":"a"}]})"),
      "object.definition.choices[2].id");
}

TEST(Validator_Interaction, RejectsMalformedComponents) {
  ExpectBothVersions(with_definition(R"({"interactionType":"choice","choices":[{"description":{"en":"x"}}]})"),
                     "object.definition.choices[0].id");
  ExpectBothVersions(with_definition(R"({"interactionType":"choice","choices":[{"id":1}]})"),
                     "object.definition.choices[0].id");
  ExpectBothVersions(
      with_definition(R"({"interactionType":"choice","choices":[{"id":"a","description":{"a12345":"x"}}]})"),
      "object.definition.choices[0].description.a12345");
  ExpectBothVersions(with_definition(R"({"interactionType":"choice","choices":[{"id":"a","x":1}]})"),
                     "object.definition.choices[0].x");
  ExpectBothVersions(with_definition(R"({"interactionType":"choice","choices":{"id":"a"}})"),
                     "object.definition.choices");
}

TEST(Validator_Interaction, RejectsCorrectResponsesPatternThatIsNotStrings) {
  ExpectBothVersions(with_definition(R"({"interactionType":"choice","correctResponsesPattern":"a"})"),
                     "object.definition.correctResponsesPattern");
  ExpectBothVersions(
      with_definition(R"({"interactionType":"choice","correctResponsesPattern":["a",null]})"),
      "object.definition.correctResponsesPattern[1]");
}

TEST(Validator_Interaction, RejectsCorrectResponsesPatternWithoutInteractionType) {
  ExpectBothVersions(with_definition(R"({"correctResponsesPattern":["a"]})"),
                     "object.definition.correctResponsesPattern");
}

// ---- substatement ----

TEST(Validator_SubStatement, AcceptsSubStatementWithResultContextTimestamp) {
  EXPECT_TRUE(Accepted(with_object(substatement(
      R"("result":{"success":true},"context":{"platform":"p"},"timestamp":"2031-01-01T00:00:00Z")"))));
}

TEST(Validator_SubStatement, RejectsForbiddenProperties) {
  ExpectBothVersions(with_object(substatement(R"("id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee")")),
                     "object.id");
  ExpectBothVersions(with_object(substatement(R"("stored":"2013-05-18T05:32:34.804Z")")),
                     "object.stored");
  ExpectBothVersions(with_object(substatement(R"("version":"1.0.0")")), "object.version");
  ExpectBothVersions(with_object(substatement(R"("authority":)" + kActor)), "object.authority");
}

TEST(Validator_SubStatement, RejectsNestedSubStatement) {
  ExpectBothVersions(with_object(substatement("", substatement())), "object.object.objectType");
}

TEST(Validator_SubStatement, RejectsMissingParts) {
  ExpectBothVersions(with_object(R"({"objectType":"SubStatement","verb":)" + kVerb + R"(,"object":)" +
                                 kActivity + "}"),
                     "object.actor");
}

TEST(Validator_SubStatement, ValidatesInnerObject) {
  ExpectBothVersions(with_object(substatement("", R"({"objectType":"Agent"})")), "object.object");
  ExpectBothVersions(with_object(substatement("", R"({"mbox":"mailto:a@example.com"})")),
                     "object.object.mbox");
}

// ---- result ----

TEST(Validator_Result, AcceptsScoreBoundaries) {
  EXPECT_TRUE(Accepted(with_result(R"({"score":{"scaled":1.0}})")));
  EXPECT_TRUE(Accepted(with_result(R"({"score":{"scaled":-1}})")));
  EXPECT_TRUE(Accepted(with_result(R"({"score":{"raw":5,"min":5,"max":5}})")));
  EXPECT_TRUE(Accepted(with_result(R"({"score":{"raw":-100.5}})")));
}

TEST(Validator_Result, RejectsScaledOutsideMinusOneToOne) {
  ExpectBothVersions(with_result(R"({"score":{"scaled":1.01}})"), "result.score.scaled");
  ExpectBothVersions(with_result(R"({"score":{"scaled":-1.00001}})"), "result.score.scaled");
}

TEST(Validator_Result, RejectsRawOutsideMinMax) {
  ExpectBothVersions(with_result(R"({"score":{"raw":11,"max":10}})"), "result.score.raw");
  ExpectBothVersions(with_result(R"({"score":{"raw":1,"min":2}})"), "result.score.raw");
}

TEST(Validator_Result, RejectsMinGreaterThanMax) {
  ExpectBothVersions(with_result(R"({"score":{"min":3,"max":2}})"), "result.score.min");
}

TEST(Validator_Result, RejectsNonNumericScoresAndNonObjectScore) {
  ExpectBothVersions(with_result(R"({"score":{"max":"10"}})"), "result.score.max");
  ExpectBothVersions(with_result(R"({"score":12345})"), "result.score");
  ExpectBothVersions(with_result(R"({"score":{"percent":5}})"), "result.score.percent");
}

TEST(Validator_Result, RejectsNonBooleanSuccessAndCompletion) {
  ExpectBothVersions(with_result(R"({"success":"true"})"), "result.success");
  ExpectBothVersions(with_result(R"({"completion":1})"), "result.completion");
}

TEST(Validator_Result, RejectsNonStringResponse) {
  ExpectBothVersions(with_result(R"({"response":42})"), "result.response");
}

TEST(Validator_Result, ValidatesDuration) {
  EXPECT_TRUE(Accepted(with_result(R"({"duration":"P3Y1M29DT4H35M59.14S"})")));
  EXPECT_TRUE(Accepted(with_result(R"({"duration":"P1DT12H36M0.12567S"})"), V2));
  ExpectBothVersions(with_result(R"({"duration":"PA1H0M0S"})"), "result.duration");
  ExpectBothVersions(with_result(R"({"duration":"P4W1D"})"), "result.duration");
  ExpectBothVersions(with_result(R"({"duration":12345})"), "result.duration");
}

TEST(Validator_Result, RejectsUnknownResultProperty) {
  ExpectBothVersions(with_result(R"({"grade":"A"})"), "result.grade");
}

// ---- extensions ----

TEST(Validator_Extensions, AcceptsAnyValuesIncludingNullAndEmpty) {
  for (const char* v : {"null", "\"\"", "{}", "true", "12345", "{\"key\":\"valid\"}", "[1,null]"}) {
    EXPECT_TRUE(Accepted(with_result(std::string(R"({"extensions":{"http://example.com/ex":)") + v + "}}")))
        << v;
  }
  EXPECT_TRUE(Accepted(with_context(R"({"extensions":{}})")));
}

TEST(Validator_Extensions, RejectsNonIriKeys) {
  ExpectBothVersions(with_result(R"({"extensions":{"should fail":true}})"),
                     "result.extensions.should fail");
  ExpectBothVersions(with_context(R"({"extensions":{"id":true}})"), "context.extensions.id");
  ExpectBothVersions(with_definition(R"({"extensions":{"key":1}})"),
                     "object.definition.extensions.key");
}

TEST(Validator_Extensions, RejectsNonObjectExtensions) {
  ExpectBothVersions(with_context(R"({"extensions":"x"})"), "context.extensions");
  ExpectBothVersions(with_context(R"({"extensions":null})"), "context.extensions");
}

// ---- context ----

TEST(Validator_Context, AcceptsInstructorAgentOrGroupAndTeamGroup) {
  EXPECT_TRUE(Accepted(with_context(R"({"instructor":)" + kActor + R"(,"team":{"objectType":"Group","member":[)" +
                                    kActor + "]}}")));
  EXPECT_TRUE(Accepted(with_context(R"({"instructor":{"objectType":"Group","mbox":"mailto:g@example.com"}})")));
}

TEST(Validator_Context, RejectsTeamThatIsAnAgent) {
  ExpectBothVersions(with_context(R"({"team":)" + kActor + "}"), "context.team.objectType");
}

TEST(Validator_Context, RejectsBadRegistration) {
  ExpectBothVersions(with_context(R"({"registration":"should fail"})"), "context.registration");
  ExpectBothVersions(with_context(R"({"registration":12345})"), "context.registration");
}

TEST(Validator_Context, AcceptsSingleContextActivityObjectAndArrays) {
  EXPECT_TRUE(Accepted(with_context(R"({"contextActivities":{"parent":)" + kActivity + "}}")));
  EXPECT_TRUE(Accepted(with_context(R"({"contextActivities":{"parent":[)" + kActivity +
                                    R"(],"grouping":[],"category":)" + kActivity +
                                    R"(,"other":[)" + kActivity + "]}}")));
}

TEST(Validator_Context, RejectsUnknownContextActivitiesKey) {
  ExpectBothVersions(with_context(R"({"contextActivities":{"consequences":)" + kActivity + "}}"),
                     "context.contextActivities.consequences");
}

TEST(Validator_Context, RejectsNonActivityInContextActivities) {
  ExpectBothVersions(with_context(R"({"contextActivities":{"other":"should fail"}})"),
                     "context.contextActivities.other");
  ExpectBothVersions(with_context(R"({"contextActivities":{"other":[12345]}})"),
                     "context.contextActivities.other[0]");
  ExpectBothVersions(with_context(R"({"contextActivities":{"category":[)" + kStatementRef + "]}}"),
                     "context.contextActivities.category[0].objectType");
}

TEST(Validator_Context, RejectsRevisionAndPlatformWhenObjectIsNotAnActivity) {
  const std::string agent = R"({"objectType":"Agent","mbox":"mailto:a@example.com"})";
  ExpectBothVersions(with_object(agent, R"("context":{"revision":"r"})"), "context.revision");
  ExpectBothVersions(with_object(kStatementRef, R"("context":{"platform":"p"})"), "context.platform");
  ExpectBothVersions(with_object(substatement(), R"("context":{"platform":"p"})"), "context.platform");
}

TEST(Validator_Context, RejectsNonStringRevisionAndPlatform) {
  ExpectBothVersions(with_context(R"({"revision":1})"), "context.revision");
  ExpectBothVersions(with_context(R"({"platform":{}})"), "context.platform");
}

TEST(Validator_Context, ValidatesLanguageTag) {
  EXPECT_TRUE(Accepted(with_context(R"({"language":"zh-Hant-TW"})")));
  ExpectBothVersions(with_context(R"({"language":"something"})"), "context.language");
  ExpectBothVersions(with_context(R"({"language":12345})"), "context.language");
}

TEST(Validator_Context, RequiresFullStatementRefForStatement) {
  ExpectBothVersions(with_context(R"({"statement":{"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}})"),
                     "context.statement.objectType");
  ExpectBothVersions(with_context(R"({"statement":{"objectType":"StatementRef","id":"x"}})"),
                     "context.statement.id");
}

TEST(Validator_Context, RejectsUnknownContextProperty) {
  ExpectBothVersions(with_context(R"({"location":"here"})"), "context.location");
}

// ---- 2.0 contextAgents / contextGroups ----

const std::string kContextAgents =
    R"({"contextAgents":[{"objectType":"contextAgent","agent":{"objectType":"Agent","mbox":"mailto:p1@example.com"},"relevantTypes":["https://example.com/types/player"]}]})";
const std::string kContextGroups =
    R"({"contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:t1@example.com","member":[{"mbox":"mailto:p1@example.com"}]},"relevantTypes":["https://example.com/types/team"]}]})";

TEST(Validator_ContextAgents, AcceptedIn20) {
  EXPECT_TRUE(Accepted(with_context(kContextAgents), V2));
  EXPECT_TRUE(Accepted(with_context(kContextGroups), V2));
  EXPECT_TRUE(Accepted(with_object(substatement(R"("context":)" + kContextAgents)), V2));
}

TEST(Validator_ContextAgents, AcceptsMissingRelevantTypes) {
  EXPECT_TRUE(Accepted(
      with_context(R"({"contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"mailto:a@example.com"}}]})"),
      V2));
}

TEST(Validator_ContextAgents, RejectedIn103AsUnknownProperties) {
  EXPECT_TRUE(RejectedAt(with_context(kContextAgents), "context.contextAgents", V1));
  EXPECT_TRUE(RejectedAt(with_context(kContextGroups), "context.contextGroups", V1));
}

TEST(Validator_ContextAgents, RejectsWrongObjectType) {
  EXPECT_TRUE(RejectedAt(
      with_context(R"({"contextAgents":[{"objectType":"Should fail","agent":{"mbox":"mailto:a@example.com"}}]})"),
      "context.contextAgents[0].objectType", V2));
  EXPECT_TRUE(RejectedAt(
      with_context(R"({"contextAgents":[{"agent":{"mbox":"mailto:a@example.com"}}]})"),
      "context.contextAgents[0].objectType", V2));
}

TEST(Validator_ContextAgents, RejectsInvalidAgent) {
  EXPECT_TRUE(RejectedAt(
      with_context(R"({"contextAgents":[{"objectType":"contextAgent","agent":{"key":"Should fail"}}]})"),
      "context.contextAgents[0].agent.key", V2));
  EXPECT_TRUE(RejectedAt(
      with_context(R"({"contextAgents":[{"objectType":"contextAgent","agent":{"objectType":"Group","mbox":"mailto:g@example.com"}}]})"),
      "context.contextAgents[0].agent.objectType", V2));
  EXPECT_TRUE(RejectedAt(with_context(R"({"contextAgents":[{"objectType":"contextAgent"}]})"),
                         "context.contextAgents[0].agent", V2));
}

TEST(Validator_ContextAgents, RejectsEmptyOrNonIriRelevantTypes) {
  EXPECT_TRUE(RejectedAt(
      with_context(R"({"contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"mailto:a@example.com"},"relevantTypes":[]}]})"),
      "context.contextAgents[0].relevantTypes", V2));
  EXPECT_TRUE(RejectedAt(
      with_context(R"({"contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"mailto:a@example.com"},"relevantTypes":["abc"]}]})"),
      "context.contextAgents[0].relevantTypes[0]", V2));
}

TEST(Validator_ContextGroups, RejectsAgentAsGroupAndWrongObjectType) {
  EXPECT_TRUE(RejectedAt(
      with_context(R"({"contextGroups":[{"objectType":"contextGroup","group":{"mbox":"mailto:a@example.com"}}]})"),
      "context.contextGroups[0].group.objectType", V2));
  EXPECT_TRUE(RejectedAt(
      with_context(R"({"contextGroups":[{"objectType":"contextAgent","group":{"objectType":"Group","mbox":"mailto:g@example.com"}}]})"),
      "context.contextGroups[0].objectType", V2));
  EXPECT_TRUE(RejectedAt(with_context(R"({"contextGroups":{"objectType":"contextGroup"}})"),
                         "context.contextGroups", V2));
}

// ---- timestamp / stored ----

TEST(Validator_Timestamp, AcceptsFutureAndOffsetTimestamps) {
  EXPECT_TRUE(Accepted(with(R"("timestamp":"2031-11-23T11:09:38.878Z")")));
  EXPECT_TRUE(Accepted(with(R"("timestamp":"2008-09-15T15:53:00.601+00:00")"), V2));
  EXPECT_TRUE(Accepted(with(R"("timestamp":"2023-05-04T12:00:00-05:00")"), V2));
}

TEST(Validator_Timestamp, RejectsInvalidTimestamps) {
  for (const char* t : {"\"should fail\"", "\"01/011/2015\"", "\"2008-09-15T15:53:00.601-00\"",
                        "\"2008-09-15T15:53:00.601-0000\"", "\"2008-09-15T15:53:00.601-00:00\"",
                        "12345"}) {
    ExpectBothVersions(with(std::string(R"("timestamp":)") + t), "timestamp");
  }
}

TEST(Validator_Timestamp, RejectsInvalidSubStatementTimestamp) {
  ExpectBothVersions(with_object(substatement(R"("timestamp":"2008-09-15T15:53:00.601-00:00")")),
                     "object.timestamp");
}

TEST(Validator_Stored, AcceptsValidAndRejectsInvalidStored) {
  EXPECT_TRUE(Accepted(with(R"("stored":"2013-05-18T05:32:34.804Z")")));
  ExpectBothVersions(with(R"("stored":"yesterday")"), "stored");
}

// ---- authority ----

TEST(Validator_Authority, AcceptsAgentAndTwoMemberAnonymousGroup) {
  EXPECT_TRUE(Accepted(with(R"("authority":)" + kActor)));
  EXPECT_TRUE(Accepted(with(
      R"("authority":{"objectType":"Group","member":[{"account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"oauth_consumer_x75db"}},{"mbox":"mailto:bob@example.com"}]})")));
}

TEST(Validator_Authority, RejectsGroupWithOneOrThreeMembers) {
  ExpectBothVersions(with(R"("authority":{"objectType":"Group","member":[{"mbox":"mailto:a@example.com"}]})"),
                     "authority.member");
  ExpectBothVersions(
      with(R"("authority":{"objectType":"Group","member":[{"mbox":"mailto:a@example.com"},{"mbox":"mailto:b@example.com"},{"mbox":"mailto:c@example.com"}]})"),
      "authority.member");
}

TEST(Validator_Authority, RejectsIdentifiedGroup) {
  ExpectBothVersions(
      with(R"("authority":{"objectType":"Group","mbox":"mailto:g@example.com","member":[{"mbox":"mailto:a@example.com"},{"mbox":"mailto:b@example.com"}]})"),
      "authority");
}

TEST(Validator_Authority, RejectsInvalidAgent) {
  ExpectBothVersions(with(R"("authority":{"objectType":"Agent"})"), "authority");
}

// ---- version ----

TEST(Validator_Version, Accepts10xInBothVersions) {
  for (const char* v : {"1.0", "1.0.0", "1.0.3", "1.0.9", "1.0.10"}) {
    EXPECT_TRUE(Accepted(with(std::string(R"("version":")") + v + "\""), V1)) << v;
    EXPECT_TRUE(Accepted(with(std::string(R"("version":")") + v + "\""), V2)) << v;
  }
}

TEST(Validator_Version, Accepts20xOnlyIn20) {
  EXPECT_TRUE(Accepted(with(R"("version":"2.0.0")"), V2));
  EXPECT_TRUE(Accepted(with(R"("version":"2.0")"), V2));
  EXPECT_TRUE(RejectedAt(with(R"("version":"2.0.0")"), "version", V1));
}

TEST(Validator_Version, RejectsOtherVersions) {
  for (const char* v : {"\"should fail\"", "\"0.9.9\"", "\"1.1.0\"", "\"1.0.\"", "\"1.0.x\"", "\"3.0.0\"",
                        "1.0"}) {
    ExpectBothVersions(with(std::string(R"("version":)") + v), "version");
  }
}

// ---- attachments ----

TEST(Validator_Attachments, AcceptsValidAttachmentWithOptionalFields) {
  std::string a = attachment();
  a.insert(a.size() - 1,
           R"(,"description":{"en-US":"d"},"fileUrl":"http://example.com/files/1.txt")");
  EXPECT_TRUE(Accepted(with(R"("attachments":[)" + a + "]")));
  EXPECT_TRUE(Accepted(with(R"("attachments":[])")));
}

TEST(Validator_Attachments, RejectsMissingRequiredFields) {
  for (const char* key : {"usageType", "display", "contentType", "length", "sha2"}) {
    std::string a = attachment();
    const std::string needle = std::string("\"") + key + "\":";
    const size_t start = a.find(needle);
    size_t end = a.find(",\"", start + 1);
    if (end == std::string::npos) end = a.size() - 1;
    a.erase(start, end - start + (a[end] == ',' ? 1 : 0));
    if (a[a.size() - 2] == ',') a.erase(a.size() - 2, 1);
    ExpectBothVersions(with(R"("attachments":[)" + a + "]"), std::string("attachments[0].") + key);
  }
}

TEST(Validator_Attachments, RejectsInvalidFieldValues) {
  auto at = [](const char* key, const char* value) {
    return with(std::string(R"("attachments":[)") + attachment(key, value) + "]");
  };
  ExpectBothVersions(at("usageType", "\"should fail\""), "attachments[0].usageType");
  ExpectBothVersions(at("display", "{\"a12345\":\"x\"}"), "attachments[0].display.a12345");
  ExpectBothVersions(at("contentType", "12345"), "attachments[0].contentType");
  ExpectBothVersions(at("contentType", "\"not a mime\""), "attachments[0].contentType");
  ExpectBothVersions(at("length", "\"should fail\""), "attachments[0].length");
  ExpectBothVersions(at("length", "-1"), "attachments[0].length");
  ExpectBothVersions(at("length", "2.5"), "attachments[0].length");
  ExpectBothVersions(at("sha2", "12345"), "attachments[0].sha2");
  ExpectBothVersions(at("sha2", "\"abc\""), "attachments[0].sha2");
}

TEST(Validator_Attachments, RejectsBadFileUrlAndUnknownProperty) {
  std::string a = attachment();
  a.insert(a.size() - 1, R"(,"fileUrl":"ab=c://should.fail.com")");
  ExpectBothVersions(with(R"("attachments":[)" + a + "]"), "attachments[0].fileUrl");
  std::string b = attachment();
  b.insert(b.size() - 1, R"(,"name":"x")");
  ExpectBothVersions(with(R"("attachments":[)" + b + "]"), "attachments[0].name");
}

TEST(Validator_Attachments, RejectsNonArrayAttachments) {
  ExpectBothVersions(with(R"("attachments":)" + attachment()), "attachments");
}

// ---- language maps ----

TEST(Validator_LanguageMap, AcceptsVariousTagsAndEmptyStrings) {
  EXPECT_TRUE(Accepted(with_verb(
      R"({"id":"http://ex.com/v","display":{"en-US":"","zh-Hant-TW":"x","x-klingon":"y","und":"z"}})")));
}

TEST(Validator_LanguageMap, RejectsNullValue) {
  ExpectBothVersions(with_verb(R"({"id":"http://ex.com/v","display":{"en-US":null}})"),
                     "verb.display.en-US");
}

// ---- public actor/agent helpers ----

TEST(Validator_AgentParam, AcceptsAgentAndIdentifiedGroup) {
  EXPECT_TRUE(validate_agent_param(parse(R"({"mbox":"mailto:a@example.com"})"), V1, "agent").ok());
  EXPECT_TRUE(validate_agent_param(parse(R"({"objectType":"Group","openid":"http://o.example.org/1"})"),
                                   V2, "agent")
                  .ok());
}

TEST(Validator_AgentParam, RejectsAnonymousGroupAndMissingIdentifier) {
  Status s = validate_agent_param(
      parse(R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"}]})"), V1, "agent");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().path, "agent");
  Status t = validate_agent_param(parse(R"({"name":"x"})"), V1, "agent");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().status, 400);
}

TEST(Validator_AgentParam, RejectsNonObjectsAndUnknownProperties) {
  EXPECT_FALSE(validate_agent_param(parse(R"("mailto:a@example.com")"), V1, "agent").ok());
  Status s = validate_agent_param(parse(R"({"mbox":"mailto:a@example.com","x":1})"), V1, "agent");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().path, "agent.x");
}

TEST(Validator_ActorApi, ValidatesWithGivenPath) {
  EXPECT_TRUE(validate_actor(parse(kActor), V1, "instructor").ok());
  Status s = validate_actor(parse(R"({"objectType":"Group"})"), V2, "team");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().path, "team.member");
}

}  // namespace
}  // namespace scribe::xapi
