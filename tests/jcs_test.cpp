// RFC 8785 canonical JSON (evidence/jcs.h), checked against the RFC's own examples: the
// number serialization table of Appendix B, the sorting example of §3.2.3 (UTF-16 order, so
// an emoji sorts before U+FB33) and the full example of §3.2.4.
#include "evidence/jcs.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>

namespace scribe::evidence {
namespace {

std::string es(uint64_t bits) {
  std::string out;
  append_es_number(std::bit_cast<double>(bits), out);
  return out;
}

TEST(JcsTest, NumbersAreWrittenAsEcmaScriptWritesThem) {
  EXPECT_EQ(es(0x0000000000000000), "0");
  EXPECT_EQ(es(0x8000000000000000), "0");
  EXPECT_EQ(es(0x0000000000000001), "5e-324");
  EXPECT_EQ(es(0x8000000000000001), "-5e-324");
  EXPECT_EQ(es(0x7fefffffffffffff), "1.7976931348623157e+308");
  EXPECT_EQ(es(0xffefffffffffffff), "-1.7976931348623157e+308");
  EXPECT_EQ(es(0x4340000000000000), "9007199254740992");
  EXPECT_EQ(es(0xc340000000000000), "-9007199254740992");
  EXPECT_EQ(es(0x4430000000000000), "295147905179352830000");
  EXPECT_EQ(es(0x44b52d02c7e14af5), "9.999999999999997e+22");
  EXPECT_EQ(es(0x44b52d02c7e14af6), "1e+23");
  EXPECT_EQ(es(0x44b52d02c7e14af7), "1.0000000000000001e+23");
  EXPECT_EQ(es(0x444b1ae4d6e2ef4e), "999999999999999700000");
  EXPECT_EQ(es(0x444b1ae4d6e2ef4f), "999999999999999900000");
  EXPECT_EQ(es(0x444b1ae4d6e2ef50), "1e+21");
  EXPECT_EQ(es(0x3eb0c6f7a0b5ed8c), "9.999999999999997e-7");
  EXPECT_EQ(es(0x3eb0c6f7a0b5ed8d), "0.000001");
  EXPECT_EQ(es(0x41b3de4355555553), "333333333.3333332");
  EXPECT_EQ(es(0x41b3de4355555554), "333333333.33333325");
  EXPECT_EQ(es(0x41b3de4355555555), "333333333.3333333");
  EXPECT_EQ(es(0x41b3de4355555556), "333333333.3333334");
  EXPECT_EQ(es(0x41b3de4355555557), "333333333.33333343");
  EXPECT_EQ(es(0xbecbf647612f3696), "-0.0000033333333333333333");
  EXPECT_EQ(es(0x43143ff3c1cb0959), "1424953923781206.2");
}

TEST(JcsTest, IntegersAreNumbersLikeAnyOther) {
  EXPECT_EQ(*canonicalize("[1, -0, 10.0, 1e2, 12345678901234567890, 0.5]"),
            "[1,0,10,100,12345678901234567000,0.5]");
}

TEST(JcsTest, MembersSortByUtf16CodeUnits) {
  const std::string input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  const std::string expected =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
      "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
      "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\",\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}";
  EXPECT_EQ(*canonicalize(input), expected);
}

TEST(JcsTest, TheRfcExampleCanonicalizes) {
  const std::string input =
      R"({"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],)"
      R"("string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]})";
  const std::string expected =
      "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
      "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
  EXPECT_EQ(*canonicalize(input), expected);
}

TEST(JcsTest, NestedValuesAndEscapesAreCanonical) {
  EXPECT_EQ(*canonicalize(R"( { "b" : [ {"z":1,"a":2} ], "a" : "\u0001\b\t\f\u007f\u2028" } )"),
            "{\"a\":\"\\u0001\\b\\t\\f\x7F\xE2\x80\xA8\",\"b\":[{\"a\":2,\"z\":1}]}");
  EXPECT_EQ(*canonicalize("{}"), "{}");
  EXPECT_EQ(*canonicalize("[]"), "[]");
  EXPECT_EQ(*canonicalize("\"x\""), "\"x\"");
}

TEST(JcsTest, NotJsonIsAnError) {
  auto r = canonicalize("{\"a\":");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
}

}  // namespace
}  // namespace scribe::evidence
