#include "common/json.h"

#include <gtest/gtest.h>

#include <limits>
#include <ostream>
#include <string>

#include "common/json_dom.h"
#include "tests/support/json_expect.h"

namespace scribe::json {
namespace {

Value parse_ok(std::string_view text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().describe());
  return r.ok() ? *r : Value();
}

std::string nested_arrays(int depth) {
  return std::string(size_t(depth), '[') + std::string(size_t(depth), ']');
}

TEST(Json, RoundTripsCompactTextKeepingMemberOrder) {
  const std::string text =
      R"({"z":1,"a":[true,false,null,"x",-7,2.5],"m":{"b":{},"a":[]},"s":"caf\u00e9"})";
  Value v = parse_ok(text);
  // The escaped é comes back as raw UTF-8, everything else byte for byte.
  EXPECT_EQ(serialize(v),
            "{\"z\":1,\"a\":[true,false,null,\"x\",-7,2.5],\"m\":{\"b\":{},\"a\":[]},\"s\":\"caf\xc3\xa9\"}");
  // And the serialization parses back to an equal value.
  EXPECT_JSON_EQ(parse_ok(serialize(v)), v);
}

TEST(Json, RoundTripDropsInsignificantWhitespace) {
  Value v = parse_ok(" { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } } ");
  EXPECT_EQ(serialize(v), R"({"a":[1,2],"b":{}})");
}

TEST(Json, KeepsIntegerAndFloatKinds) {
  Value v = parse_ok(R"([1, 1.0, -0, 1e2, 9223372036854775807])");
  const Array& a = v.as_array();
  EXPECT_TRUE(a[0].is_int());
  EXPECT_EQ(a[0].as_int(), 1);
  EXPECT_FALSE(a[1].is_int());
  EXPECT_TRUE(a[1].is_number());
  EXPECT_TRUE(a[3].is_number());
  EXPECT_DOUBLE_EQ(a[3].as_double(), 100.0);
  EXPECT_TRUE(a[4].is_int());
  EXPECT_EQ(a[4].as_int(), INT64_MAX);
}

TEST(Json, NumbersBeyondInt64BecomeDoubles) {
  Value v = parse_ok("18446744073709551615");
  EXPECT_TRUE(v.is_number());
  EXPECT_FALSE(v.is_int());
  EXPECT_DOUBLE_EQ(v.as_double(), 18446744073709551615.0);
}

TEST(Json, DoublesSerializeToShortestRoundTrippingForm) {
  Value v = parse_ok("[0.1,2.5,-3.75,1e-7]");
  Value back = parse_ok(serialize(v));
  EXPECT_EQ(back, v);
  EXPECT_EQ(serialize(Value(0.1)), "0.1");
}

TEST(Json, NonFiniteDoublesSerializeAsNull) {
  EXPECT_EQ(serialize(Value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(serialize(Value(std::numeric_limits<double>::quiet_NaN())), "null");
}

TEST(Json, RejectsDuplicateKeysNamingTheKey) {
  auto r = parse(R"({"a":1,"b":2,"a":3})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().path, "a");
}

TEST(Json, RejectsDuplicateKeysInNestedObjects) {
  auto r = parse(R"({"outer":[{"x":{"k":1,"k":1}}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().path, "k");
}

TEST(Json, RejectsDuplicateKeysSpelledWithEscapes) {
  auto r = parse(R"({"a":1,"\u0061":2})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().path, "a");
}

TEST(Json, SameKeyInSiblingObjectsIsNotADuplicate) {
  Value v = parse_ok(R"({"a":{"k":1},"b":{"k":2}})");
  EXPECT_EQ(v.get("a")->get("k")->as_int(), 1);
  EXPECT_EQ(v.get("b")->get("k")->as_int(), 2);
}

TEST(Json, NumericEqualityIgnoresIntegerOrFloatForm) {
  EXPECT_JSON_EQ(parse_ok("1"), parse_ok("1.0"));
  EXPECT_JSON_EQ(parse_ok("100"), parse_ok("1e2"));
  EXPECT_JSON_EQ(parse_ok(R"({"score":{"raw":1}})"), parse_ok(R"({"score":{"raw":1.0}})"));
  EXPECT_NE(parse_ok("1"), parse_ok("1.5"));
  EXPECT_JSON_EQ(Value(1), Value(1.0));
  EXPECT_NE(Value(1), Value("1"));
  EXPECT_NE(Value(true), Value(1));
}

TEST(Json, ObjectEqualityIgnoresMemberOrderButArraysDoNot) {
  EXPECT_JSON_EQ(parse_ok(R"({"a":1,"b":[1,2]})"), parse_ok(R"({"b":[1,2],"a":1})"));
  EXPECT_NE(parse_ok(R"({"a":1,"b":[1,2]})"), parse_ok(R"({"a":1,"b":[2,1]})"));
  EXPECT_NE(parse_ok(R"({"a":1})"), parse_ok(R"({"a":1,"b":null})"));
  EXPECT_NE(parse_ok(R"({"a":1})"), parse_ok(R"({"b":1})"));
  EXPECT_JSON_EQ(parse_ok("null"), Value());
}

TEST(Json, DecodesUnicodeEscapesIncludingSurrogatePairs) {
  Value v = parse_ok(R"(["\u00e9","\u20ac","\ud83d\ude00","\u0041","\/"])");
  const Array& a = v.as_array();
  EXPECT_EQ(a[0].as_string(), "\xc3\xa9");
  EXPECT_EQ(a[1].as_string(), "\xe2\x82\xac");
  EXPECT_EQ(a[2].as_string(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(a[3].as_string(), "A");
  EXPECT_EQ(a[4].as_string(), "/");
}

TEST(Json, SerializerEscapesQuotesBackslashesAndControlCharacters) {
  std::string s = "q\"b\\n\nt\tr\rb\bf\f\x01\x1f";
  std::string out = serialize(Value(s));
  EXPECT_EQ(out, R"("q\"b\\n\nt\tr\rb\bf\f\u0001\u001f")");
  EXPECT_EQ(parse_ok(out).as_string(), s);
}

TEST(Json, SerializerPassesNonAsciiUtf8Through) {
  EXPECT_EQ(serialize(Value("\xe2\x82\xac")), "\"\xe2\x82\xac\"");
}

TEST(Json, RejectsInvalidUtf8) {
  auto r = parse("\"\xff\xfe\"");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
}

TEST(Json, RejectsMalformedText) {
  for (std::string_view bad : {"", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "tru", "01", "'x'",
                               "{\"a\":1} x", "NaN", "[1 2]", "\"unterminated"}) {
    auto r = parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().status, 400) << bad;
    }
  }
}

TEST(Json, AcceptsModerateNesting) {
  ASSERT_EQ(depth_max(), kDepthMaxDefault);
  EXPECT_TRUE(parse(nested_arrays(kDepthMaxDefault + 1)).ok());  // the innermost at depth 128
  std::string objects;
  for (int i = 0; i < 40; i++) objects += "{\"a\":";
  objects += "1";
  objects += std::string(40, '}');
  EXPECT_TRUE(parse(objects).ok());
}

TEST(Json, RejectsNestingBeyondTheDepthLimit) {
  auto r = parse(nested_arrays(kDepthMaxDefault + 2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_NE(r.error().message.find("limits.json_depth_max"), std::string::npos) << r.error().message;
  set_depth_max(10);  // as limits.json_depth_max = 10 sets it
  EXPECT_TRUE(parse(nested_arrays(11)).ok());
  EXPECT_FALSE(parse(nested_arrays(12)).ok());
  EXPECT_FALSE(Document::parse(nested_arrays(12)).ok());
  set_depth_max(kDepthMaxDefault);
  // Far past any limit (the parser must not recurse without bound either).
  EXPECT_FALSE(parse(nested_arrays(5000)).ok());
}

TEST(Json, ARepeatedKeyOfALargeObjectIsFoundToo) {
  // Past kDirectKeysMax keys the check is a hash set: the same answers, in linear time.
  std::string object = "{";
  for (size_t i = 0; i < 4 * kDirectKeysMax; i++) object += "\"k" + std::to_string(i) + "\":1,";
  EXPECT_TRUE(parse(object + "\"last\":1}").ok());
  EXPECT_TRUE(Document::parse(object + "\"last\":1}").ok());
  auto repeated = parse(object + "\"k7\":2}");
  ASSERT_FALSE(repeated.ok());
  EXPECT_EQ(repeated.error().path, "k7");
  auto dom = Document::parse(object + "\"k7\":2}");
  ASSERT_FALSE(dom.ok());
  EXPECT_EQ(dom.error().path, "k7");
}

TEST(Json, ObjectSetReplacesInPlaceAndAppendsNewKeysAtTheEnd) {
  Object o;
  o.set("a", 1);
  o.set("b", 2);
  o.set("a", 3);
  EXPECT_EQ(o.size(), 2u);
  EXPECT_EQ(serialize(Value(o)), R"({"a":3,"b":2})");
  EXPECT_TRUE(o.erase("a"));
  EXPECT_FALSE(o.erase("a"));
  EXPECT_EQ(serialize(Value(o)), R"({"b":2})");
  EXPECT_EQ(o.find("a"), nullptr);
}

TEST(Json, CopiesAreIndependentAfterMutation) {
  Value original = parse_ok(R"({"list":[1,2],"obj":{"k":"v"}})");
  Value copy = original;
  copy.as_object().find("list")->as_array().push_back(Value(3));
  copy.as_object().find("obj")->as_object().set("k", "changed");
  EXPECT_EQ(serialize(original), R"({"list":[1,2],"obj":{"k":"v"}})");
  EXPECT_EQ(serialize(copy), R"({"list":[1,2,3],"obj":{"k":"changed"}})");
}

TEST(Json, GetAndGetStringHandleAbsentAndWrongKinds) {
  Value v = parse_ok(R"({"s":"text","n":5})");
  EXPECT_EQ(v.get_string("s"), "text");
  EXPECT_EQ(v.get_string("n"), "");
  EXPECT_EQ(v.get_string("missing"), "");
  EXPECT_EQ(v.get("missing"), nullptr);
  EXPECT_EQ(Value(5).get("s"), nullptr);
  EXPECT_EQ(Value(5).get_string("s"), "");
}

TEST(Json, AppendQuotedProducesAJsonStringLiteral) {
  std::string out = "x=";
  append_quoted("a\"b", out);
  EXPECT_EQ(out, R"(x="a\"b")");
}

TEST(Json, AppendQuotedKeepsLongEscapedStringsWhole) {
  // Escapes at every offset of an 8-byte word, in a string appended to a large output.
  std::string s;
  for (int i = 0; i < 5000; i++) s += "line " + std::to_string(i) + "\n\"q\"\t\x01";
  const std::string prefix(100000, 'x');
  std::string out = prefix;
  append_quoted(s, out);
  EXPECT_EQ(out.compare(0, prefix.size(), prefix), 0);
  EXPECT_EQ(parse_ok(out.substr(prefix.size())).as_string(), s);
}

TEST(Json, LargeDoublesSerializeToTextThatParsesBack) {
  for (const char* text : {R"({"a":[1.2345678901234567e20]})", "18446744073709551615",
                           "1553255922690453255922.9044838048380"}) {
    auto v = parse(text);
    ASSERT_TRUE(v.ok()) << text;
    auto again = parse(serialize(*v));
    ASSERT_TRUE(again.ok()) << serialize(*v);
    EXPECT_EQ(*again, *v) << serialize(*v);
  }
}

}  // namespace
}  // namespace scribe::json
