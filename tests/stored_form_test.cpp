// The stored statement record (xapi/statement_prepare.h) is its own RFC 8785 (JCS) form, and
// stored_insert_at is where `stored` sorts in, so that the evidence leaf made without parsing
// (evidence::LeafTemplate::of_canonical) is the one made by parsing (LeafTemplate::of):
// for statements with and without timestamps, with single-object contextActivities, with
// SubStatements, numbers in every form, and names whose UTF-16 order differs from UTF-8's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/json.h"
#include "common/json_dom.h"
#include "evidence/jcs.h"
#include "evidence/leaf.h"
#include "xapi/statement_prepare.h"

namespace scribe {
namespace {

const std::vector<std::string> kStatements = {
    // the smallest, no timestamp
    R"({"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"http://example.com/a"}})",
    // a timestamp, a result with numbers in odd forms, extensions with tricky names
    R"({"timestamp":"2026-01-02T03:04:05.5+01:00","verb":{"id":"http://v/x","display":{"fr-FR":"fait","en-US":"done"}},)"
    R"("actor":{"name":"Zoë","account":{"name":"7","homePage":"http://lms"}},"object":{"objectType":"Activity","id":"http://o"},)"
    R"("result":{"score":{"scaled":5E-1,"raw":1.50,"min":-0,"max":1e2},"extensions":{"http://e/\ud83d\ude00":1,"http://e/\ufb33":2,"http://e/a":[1e21,1e-7,123456789012345678]}}})",
    // contextActivities sent as single objects, context first
    R"({"context":{"registration":"6fbd6000-5c5c-4f1c-8d1e-3c1a6e9a0c10","contextActivities":{"parent":{"id":"http://p"},"grouping":[{"id":"http://g"}]},)"
    R"("extensions":{"http://c":{"b":2,"a":1}}},"actor":{"mbox":"mailto:b@example.com"},"verb":{"id":"http://v"},"object":{"id":"http://o2"}})",
    // a SubStatement with its own context
    R"({"actor":{"objectType":"Group","member":[{"mbox":"mailto:m@example.com"}]},"verb":{"id":"http://v"},)"
    R"("object":{"objectType":"SubStatement","actor":{"mbox":"mailto:s@example.com"},"verb":{"id":"http://sv"},)"
    R"("object":{"id":"http://so"},"context":{"contextActivities":{"other":{"id":"http://x"}}}},"version":"1.0.3"})",
    // members that sort after stored only (timestamp, verb, version) and before it
    R"({"verb":{"id":"http://v"},"timestamp":"2026-01-01T00:00:00Z","object":{"id":"http://o"},"actor":{"mbox":"mailto:c@example.com"},"attachments":[{"usageType":"http://u","display":{"en-US":"d"},"contentType":"text/plain","length":1,"sha2":"ab"}]})",
};

TEST(StoredFormTest, TheRecordIsItsOwnJcsFormAndItsLeafNeedsNoParse) {
  json::Value authority = *json::parse(R"({"objectType":"Agent","name":"LRS","account":{"name":"k","homePage":"https://lrs"}})");
  xapi::StatementWriter writer(authority, storage::TermKey{}, true);
  for (const std::string& text : kStatements) {
    auto doc = json::Document::parse(text);
    ASSERT_TRUE(doc.ok()) << text;
    auto p = xapi::prepare_statement(doc->root(), xapi::Version::V2_0_0, writer, "");
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(*evidence::canonicalize(p->json), p->json);
    ASSERT_NE(p->stored_insert_at, 0u) << p->json;
    const bool from_stored = p->flags & storage::StatementRecord::kTimestampFromStored;
    auto parsed = evidence::LeafTemplate::of(p->json, from_stored);
    auto spliced = evidence::LeafTemplate::of_canonical(p->json, p->stored_insert_at, from_stored);
    ASSERT_TRUE(parsed.ok() && spliced.ok()) << p->json;
    const std::string stored = "2026-12-03T08:00:00.123456Z";
    EXPECT_EQ(spliced->canonical(stored), parsed->canonical(stored)) << p->json;
    const std::string salt(16, 's');
    EXPECT_EQ(spliced->hash(salt, stored), parsed->hash(salt, stored));
  }
}

TEST(StoredFormTest, ASplicePlaceThatIsNotBetweenMembersIsRefused) {
  EXPECT_FALSE(evidence::LeafTemplate::of_canonical(R"({"a":1,"z":2})", 3, false).ok());   // inside a name
  EXPECT_FALSE(evidence::LeafTemplate::of_canonical(R"({"a":1,"z":2})", 0, false).ok());
  EXPECT_FALSE(evidence::LeafTemplate::of_canonical(R"({"a":1,"z":2})", 14, false).ok());  // past the end
  EXPECT_FALSE(evidence::LeafTemplate::of_canonical("[1]", 1, false).ok());
  auto end = evidence::LeafTemplate::of_canonical(R"({"a":1})", 6, true);
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->canonical("T"), R"({"a":1,"stored":"T","timestamp":"T"})");
  auto empty = evidence::LeafTemplate::of_canonical("{}", 1, false);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->canonical("T"), R"({"stored":"T"})");
  auto middle = evidence::LeafTemplate::of_canonical(R"({"a":1,"z":2})", 7, false);
  ASSERT_TRUE(middle.ok());
  EXPECT_EQ(middle->canonical("T"), R"({"a":1,"stored":"T","z":2})");
}

}  // namespace
}  // namespace scribe
