// The rules beneath the document and canonical resources, without the Router: the Document
// Merge, media-type detection, If-Match/If-None-Match evaluation, the document record format,
// and the Activity/Person merge folds (including their associativity, which RocksDB's partial
// merges rely on).
#include <gtest/gtest.h>

#include "common/json.h"
#include "storage/document_store.h"
#include "storage/json_merge_operators.h"
#include "xapi/document_merge.h"
#include "xapi/document_preconditions.h"

namespace scribe {
namespace {

json::Value J(const std::string& s) {
  auto v = json::parse(s);
  EXPECT_TRUE(v.ok()) << s;
  return v.ok() ? *v : json::Value();
}

TEST(DocumentMerge, PostedPropertiesReplaceWholeValuesAndOthersStay) {
  auto merged = xapi::merge_json_documents(R"({"a":{"x":1,"y":2},"b":1})", R"({"a":{"z":3},"c":[1]})");
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(J(*merged), J(R"({"a":{"z":3},"b":1,"c":[1]})"));
}

TEST(DocumentMerge, RefusesAnythingButTwoObjects) {
  EXPECT_EQ(xapi::merge_json_documents("[1]", "{}").error().status, 400);
  EXPECT_EQ(xapi::merge_json_documents("{}", "[1]").error().status, 400);
  EXPECT_EQ(xapi::merge_json_documents("{}", "{").error().status, 400);
  EXPECT_EQ(xapi::merge_json_documents("raw bytes", "{}").error().status, 400);
}

TEST(DocumentMerge, JsonMediaTypeIgnoresParametersAndCase) {
  EXPECT_TRUE(xapi::is_json_media_type("application/json"));
  EXPECT_TRUE(xapi::is_json_media_type("Application/JSON; charset=utf-8"));
  EXPECT_FALSE(xapi::is_json_media_type("application/jsonx"));
  EXPECT_FALSE(xapi::is_json_media_type("application/x-www-form-urlencoded"));
  EXPECT_FALSE(xapi::is_json_media_type(""));
}

TEST(DocumentPreconditions, IfMatchNeedsTheCurrentTagOrStarOnAnExistingDocument) {
  using xapi::Preconditions;
  std::optional<std::string> tag = "abc123";
  EXPECT_TRUE(xapi::check_preconditions(Preconditions{"\"abc123\"", {}}, tag).ok());
  EXPECT_TRUE(xapi::check_preconditions(Preconditions{"W/\"ABC123\"", {}}, tag).ok());
  EXPECT_TRUE(xapi::check_preconditions(Preconditions{"\"x\", \"abc123\"", {}}, tag).ok());
  EXPECT_TRUE(xapi::check_preconditions(Preconditions{"*", {}}, tag).ok());
  EXPECT_EQ(xapi::check_preconditions(Preconditions{"\"x\"", {}}, tag).error().status, 412);
  EXPECT_EQ(xapi::check_preconditions(Preconditions{"*", {}}, std::nullopt).error().status, 412);
  EXPECT_EQ(xapi::check_preconditions(Preconditions{"*", {}}, std::nullopt).error().path, "If-Match");
}

TEST(DocumentPreconditions, IfNoneMatchFailsWhenTheDocumentExistsAndIsListed) {
  using xapi::Preconditions;
  std::optional<std::string> tag = "abc123";
  EXPECT_EQ(xapi::check_preconditions(Preconditions{{}, "*"}, tag).error().status, 412);
  EXPECT_EQ(xapi::check_preconditions(Preconditions{{}, "\"abc123\""}, tag).error().path, "If-None-Match");
  EXPECT_TRUE(xapi::check_preconditions(Preconditions{{}, "\"other\""}, tag).ok());
  EXPECT_TRUE(xapi::check_preconditions(Preconditions{{}, "*"}, std::nullopt).ok());
  EXPECT_TRUE(xapi::check_preconditions(Preconditions{}, tag).ok());
}

TEST(DocumentRecord, RoundTripsEveryField) {
  storage::Document doc;
  doc.content_type = "text/plain; charset=ascii";
  doc.content = std::string("a\0b", 3);
  doc.updated_us = 1700000000123456;
  doc.sha1 = storage::DocumentStore::sha1(doc.content);
  std::string scope;
  auto back = storage::decode_document(storage::encode_document(doc, "scope\x1fme"), &scope);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->content_type, doc.content_type);
  EXPECT_EQ(back->content, doc.content);
  EXPECT_EQ(back->updated_us, doc.updated_us);
  EXPECT_EQ(back->sha1, doc.sha1);
  EXPECT_EQ(scope, "scope\x1fme");
  EXPECT_FALSE(storage::decode_document("short", nullptr).has_value());
}

TEST(DocumentRecord, EtagIsTheSha1HexOfTheContent) {
  storage::Document doc;
  doc.sha1 = storage::DocumentStore::sha1("abc");
  EXPECT_EQ(doc.etag_hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(ActivityMerge, NewerDefinitionWinsPerPropertyAndLanguageMapsMergePerLanguage) {
  std::string a = R"({"objectType":"Activity","id":"http://x","definition":{"type":"http://t/1",
      "name":{"en-US":"meeting","en-GB":"meeting"},"moreInfo":"http://m/1",
      "extensions":{"http://e/1":1}}})";
  std::string b = R"({"objectType":"Activity","id":"http://x","definition":{"type":"http://t/2",
      "name":{"fr-FR":"réunion","en-GB":"gathering"},"description":{"en-US":"d"},
      "extensions":{"http://e/2":2}}})";
  EXPECT_EQ(J(storage::merge_activity_json(a, b)),
            J(R"({"objectType":"Activity","id":"http://x","definition":{"type":"http://t/2",
      "name":{"en-US":"meeting","en-GB":"gathering","fr-FR":"réunion"},"moreInfo":"http://m/1",
      "extensions":{"http://e/1":1,"http://e/2":2},"description":{"en-US":"d"}}})"));
}

TEST(ActivityMerge, IsAssociative) {
  std::string a = R"({"objectType":"Activity","id":"i","definition":{"name":{"a":"1"},"type":"t1"}})";
  std::string b = R"({"objectType":"Activity","id":"i","definition":{"name":{"b":"2"},"choices":[{"id":"x"}]}})";
  std::string c = R"({"objectType":"Activity","id":"i","definition":{"name":{"a":"3"},"type":"t3"}})";
  EXPECT_EQ(J(storage::merge_activity_json(storage::merge_activity_json(a, b), c)),
            J(storage::merge_activity_json(a, storage::merge_activity_json(b, c))));
}

TEST(ActivityMerge, SkipsOperandsThatAreNotJsonObjects) {
  std::string a = R"({"objectType":"Activity","id":"i"})";
  EXPECT_EQ(storage::merge_activity_json(a, "garbage"), a);
  EXPECT_EQ(storage::merge_activity_json("garbage", a), a);
}

TEST(PersonMerge, UnitesArraysKeepingFirstAppearance) {
  std::string a = R"({"objectType":"Person","name":["Ann"],"mbox":["mailto:a@x.org"]})";
  std::string b = R"({"objectType":"Person","name":["Annie","Ann"],"mbox":["mailto:a@x.org"]})";
  EXPECT_EQ(J(storage::merge_person_json(a, b)),
            J(R"({"objectType":"Person","name":["Ann","Annie"],"mbox":["mailto:a@x.org"]})"));
}

TEST(PersonMerge, IsAssociativeAndBounded) {
  std::string a = R"({"objectType":"Person","name":["A"]})";
  std::string b = R"({"objectType":"Person","name":["B"],"openid":["http://o"]})";
  std::string c = R"({"objectType":"Person","name":["C","A"]})";
  EXPECT_EQ(J(storage::merge_person_json(storage::merge_person_json(a, b), c)),
            J(storage::merge_person_json(a, storage::merge_person_json(b, c))));
  std::string acc = R"({"objectType":"Person","name":[]})";
  for (size_t i = 0; i < storage::kPersonValuesMax + 10; i++)
    acc = storage::merge_person_json(acc, R"({"objectType":"Person","name":["n)" + std::to_string(i) + R"("]})");
  EXPECT_EQ(J(acc).get("name")->as_array().size(), storage::kPersonValuesMax);
}

}  // namespace
}  // namespace scribe
