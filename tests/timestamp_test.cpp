#include "common/timestamp.h"

#include <gtest/gtest.h>

namespace scribe {
namespace {

constexpr int64_t kSecond = 1'000'000;

int64_t parse_ok(std::string_view s, bool require_zone = false) {
  auto r = parse_timestamp(s, require_zone);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : 0;
}

bool parses(std::string_view s, bool require_zone = false) {
  return parse_timestamp(s, require_zone).ok();
}

TEST(Timestamp_Parse, ReadsEpochInUtc) { EXPECT_EQ(parse_ok("1970-01-01T00:00:00Z"), 0); }

TEST(Timestamp_Parse, ReadsKnownInstant) {
  // 2023-05-04T17:00:00Z = 1683219600 s.
  EXPECT_EQ(parse_ok("2023-05-04T17:00:00.000Z"), 1683219600 * kSecond);
}

TEST(Timestamp_Parse, AppliesPositiveAndNegativeOffsets) {
  EXPECT_EQ(parse_ok("2023-05-04T12:00:00-05:00"), parse_ok("2023-05-04T17:00:00Z"));
  EXPECT_EQ(parse_ok("2023-05-04T19:30:00+02:30"), parse_ok("2023-05-04T17:00:00Z"));
}

TEST(Timestamp_Parse, AcceptsPositiveZeroOffset) {
  EXPECT_EQ(parse_ok("2008-09-15T15:53:00.601+00:00"), parse_ok("2008-09-15T15:53:00.601Z"));
}

TEST(Timestamp_Parse, RejectsNegativeZeroOffsetInEveryForm) {
  EXPECT_FALSE(parses("2008-09-15T15:53:00.601-00"));
  EXPECT_FALSE(parses("2008-09-15T15:53:00.601-0000"));
  EXPECT_FALSE(parses("2008-09-15T15:53:00.601-00:00"));
}

TEST(Timestamp_Parse, AcceptsHourOnlyAndBasicOffsets) {
  EXPECT_EQ(parse_ok("2023-05-04T18:00:00+01"), parse_ok("2023-05-04T17:00:00Z"));
  EXPECT_EQ(parse_ok("2023-05-04T18:00:00+0100"), parse_ok("2023-05-04T17:00:00Z"));
}

TEST(Timestamp_Parse, KeepsMicrosecondsAndTruncatesBeyond) {
  EXPECT_EQ(parse_ok("1970-01-01T00:00:00.123456789Z"), 123456);
  EXPECT_EQ(parse_ok("1970-01-01T00:00:00.5Z"), 500000);
  EXPECT_EQ(parse_ok("1970-01-01T00:00:00,25Z"), 250000);
}

TEST(Timestamp_Parse, AcceptsBasicFormat) {
  EXPECT_EQ(parse_ok("20230504T170000Z"), parse_ok("2023-05-04T17:00:00Z"));
}

TEST(Timestamp_Parse, AcceptsMissingSeconds) {
  EXPECT_EQ(parse_ok("2023-05-04T17:00Z"), parse_ok("2023-05-04T17:00:00Z"));
}

TEST(Timestamp_Parse, ReadsMissingZoneAsUtcUnlessRequired) {
  EXPECT_EQ(parse_ok("2023-05-04T17:00:00"), parse_ok("2023-05-04T17:00:00Z"));
  EXPECT_FALSE(parses("2023-05-04T17:00:00", true));
  EXPECT_TRUE(parses("2023-05-04T17:00:00Z", true));
}

TEST(Timestamp_Parse, AcceptsLowercaseSeparatorAndZulu) {
  EXPECT_EQ(parse_ok("2023-05-04t17:00:00z"), parse_ok("2023-05-04T17:00:00Z"));
}

TEST(Timestamp_Parse, HandlesDatesBeforeTheEpoch) {
  EXPECT_EQ(parse_ok("1969-12-31T23:59:59Z"), -kSecond);
  EXPECT_EQ(parse_ok("1776-07-04T16:00:45.123Z"), -6106003154877000);
}

TEST(Timestamp_Parse, AcceptsLeapDayOnlyInLeapYears) {
  EXPECT_TRUE(parses("2024-02-29T00:00:00Z"));
  EXPECT_TRUE(parses("2000-02-29T00:00:00Z"));
  EXPECT_FALSE(parses("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(parses("1900-02-29T00:00:00Z"));
}

TEST(Timestamp_Parse, RejectsOutOfRangeFields) {
  EXPECT_FALSE(parses("2023-13-01T00:00:00Z"));
  EXPECT_FALSE(parses("2023-00-01T00:00:00Z"));
  EXPECT_FALSE(parses("2023-04-31T00:00:00Z"));
  EXPECT_FALSE(parses("2023-04-01T24:00:00Z"));
  EXPECT_FALSE(parses("2023-04-01T23:60:00Z"));
  EXPECT_FALSE(parses("2023-04-01T23:00:61Z"));
  EXPECT_FALSE(parses("2023-04-01T23:00:00+24:00"));
}

TEST(Timestamp_Parse, RejectsMalformedText) {
  for (std::string_view s :
       {"", "should fail", "01/011/2015", "2023-05-04", "2023-05-04 17:00:00Z", "2023-5-4T17:00:00Z",
        "2023-05-04T17:00:00.Z", "2023-05-04T17:00:00ZZ", "2023-05-04T17:00:00+1", "2023-05-04T17",
        "2023-05-04T17:00:00+01:0", "20230504T17:00:00Z"})
    EXPECT_FALSE(parses(s)) << s;
}

TEST(Timestamp_Format, ProducesUtcWithSixFractionDigits) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(1683219600 * kSecond + 123456), "2023-05-04T17:00:00.123456Z");
}

TEST(Timestamp_Format, HandlesNegativeInstants) {
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(Timestamp_Format, WidensYearsBeyondFourDigits) {
  EXPECT_EQ(format_timestamp(253402300799999999), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp(253402300800000000), "10000-01-01T00:00:00.000000Z");
}

TEST(Timestamp_Format, RoundTripsThroughParse) {
  for (int64_t t : {int64_t{0}, int64_t{1}, int64_t{951782400000001}, int64_t{-6106003154877000},
                    int64_t{253402300799999999}}) {
    EXPECT_EQ(parse_ok(format_timestamp(t)), t) << t;
  }
}

TEST(Timestamp_Format, SortsLexicallyInTimeOrder) {
  EXPECT_LT(format_timestamp(999999), format_timestamp(1000000));
  EXPECT_LT(format_timestamp(parse_ok("2023-05-04T12:00:00-05:00")),
            format_timestamp(parse_ok("2023-05-04T17:00:00.000001Z")));
}

TEST(Timestamp_Now, IsAfter2020AndMonotonicEnough) {
  const int64_t a = now_micros();
  const int64_t b = now_micros();
  EXPECT_GT(a, parse_ok("2020-01-01T00:00:00Z"));
  EXPECT_LE(a, b);
}

}  // namespace
}  // namespace scribe
