#include "xapi/formats.h"

#include <gtest/gtest.h>

namespace scribe::xapi {
namespace {

TEST(Formats_Uuid, AcceptsRfc4122StringFormInEitherCase) {
  EXPECT_TRUE(is_uuid("ec531277-b57b-4c15-8d91-d292c5b2b8f7"));
  EXPECT_TRUE(is_uuid("EC531277-B57B-4C15-8D91-D292C5B2B8F7"));
  EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
}

TEST(Formats_Uuid, RejectsWrongLengthLettersAndLayout) {
  EXPECT_FALSE(is_uuid("AA97B177-9383-4934-8543-0F91A7A028368"));
  EXPECT_FALSE(is_uuid("MA97B177-9383-4934-8543-0F91A7A02836"));
  EXPECT_FALSE(is_uuid("ec531277b57b4c158d91d292c5b2b8f7"));
  EXPECT_FALSE(is_uuid("{ec531277-b57b-4c15-8d91-d292c5b2b8f7}"));
  EXPECT_FALSE(is_uuid("ec531277-b57b-4c15-8d91-d292c5b2b8f"));
  EXPECT_FALSE(is_uuid("ec53127-7b57b-4c15-8d91-d292c5b2b8f7"));
  EXPECT_FALSE(is_uuid(""));
}

TEST(Formats_Iri, AcceptsAbsoluteIrisOfManySchemes) {
  for (std::string_view s :
       {"http://adlnet.gov/expapi/verbs/attended", "https://example.com/a?b=c#d", "urn:uuid:1234",
        "tag:example.com,2024:x", "mailto:bob@example.com", "http://example.com/path/../x",
        "http://例え.jp/パス", "http://example.com/%20space", "ftp://user@host:21/file",
        "file:///etc/hosts", "http://localhost:8080"})
    EXPECT_TRUE(is_iri(s)) << s;
}

TEST(Formats_Iri, RejectsValuesWithoutAValidScheme) {
  for (std::string_view s : {"", "abc", "should fail", "ab=c://should.fail.com", "://x", "1http://x",
                             "/relative/path", "example.com/x", "http:"})
    EXPECT_FALSE(is_iri(s)) << s;
}

TEST(Formats_Iri, RejectsSpacesControlsAndForbiddenCharacters) {
  for (std::string_view s : {"http://example.com/a b", "http://example.com/<x>", "http://ex.com/\"",
                             "http://example.com/\t", "http://example.com/%zz", "http://ex.com/%2",
                             "http://ex.com/{x}", "http://ex.com/a|b"})
    EXPECT_FALSE(is_iri(s)) << s;
}

TEST(Formats_Iri, RequiresAHostForHttp) {
  EXPECT_FALSE(is_iri("http://"));
  EXPECT_FALSE(is_iri("http:/example.com"));
  EXPECT_FALSE(is_iri("https:///path"));
  EXPECT_TRUE(is_irl("http://www.example.com"));
}

TEST(Formats_Mailto, AcceptsMailtoAddresses) {
  EXPECT_TRUE(is_mailto_iri("mailto:xapi@adlnet.gov"));
  EXPECT_TRUE(is_mailto_iri("mailto:first.last+tag@sub.example.com"));
}

TEST(Formats_Mailto, RejectsOtherSchemesAndNonAddresses) {
  EXPECT_FALSE(is_mailto_iri("http://should.fail.com"));
  EXPECT_FALSE(is_mailto_iri("mailto:should.fail.com"));
  EXPECT_FALSE(is_mailto_iri("xapi@adlnet.gov"));
  EXPECT_FALSE(is_mailto_iri("mailto:@adlnet.gov"));
  EXPECT_FALSE(is_mailto_iri("mailto:bob@"));
  EXPECT_FALSE(is_mailto_iri("mailto:bob smith@example.com"));
  EXPECT_FALSE(is_mailto_iri("mailto:"));
  EXPECT_FALSE(is_mailto_iri("mailto:a@@example.com"));  // exactly one '@'
  EXPECT_FALSE(is_mailto_iri("mailto:a@b@example.com"));
}

TEST(Formats_LanguageTag, AcceptsWellFormedTags) {
  for (std::string_view s :
       {"en", "en-US", "en-GB", "tlh", "cmn", "fr-CA", "zh-Hant-TW", "sr-Latn-RS", "es-419",
        "de-CH-1901", "sl-rozaj-biske", "en-a-bbb-x-a-ccc", "x-whatever", "zh-yue-HK", "und",
        "i-klingon", "en-GB-oed", "EN-us", "hy-Latn-IT-arevela"})
    EXPECT_TRUE(is_language_tag(s)) << s;
}

TEST(Formats_LanguageTag, RejectsMalformedTags) {
  for (std::string_view s : {"", "a12345", "a12345678", "something", "e", "en-", "-en", "en--US",
                             "en_US", "en-US-", "1en", "en-a", "en-x", "en-toolongsubtag",
                             "en US"})
    EXPECT_FALSE(is_language_tag(s)) << s;
}

TEST(Formats_Duration, AcceptsIso8601Durations) {
  for (std::string_view s : {"P3Y", "P3Y1M29DT4H35M59.14S", "P4W", "PT16559.14S", "PT1H0M0.1S",
                             "PT1H0M0S", "PT4H35M59.14S", "P1DT12H36M0.12567S", "PT0S", "P1M",
                             "PT1M", "P0.5Y", "PT1,5S", "P1Y2D"})
    EXPECT_TRUE(is_iso8601_duration(s)) << s;
}

TEST(Formats_Duration, RejectsMalformedAndAlternativeFormats) {
  for (std::string_view s : {"", "P", "PT", "P4W1D", "PA1H0M0S", "should fail", "T1H", "P1H",
                             "PT1D", "P1S", "P1.5Y2M", "PT1.5H2M", "P0003-01-29T04:35:59",
                             "P1YT", "P1M1Y", "PT1S1M", "-P1D", "P1.S", "p1d"})
    EXPECT_FALSE(is_iso8601_duration(s)) << s;
}

TEST(Formats_Sha1, AcceptsFortyHexDigits) {
  EXPECT_TRUE(is_sha1_hex("cd9b00a5611f94eaa7b1661edab976068e364975"));
  EXPECT_TRUE(is_sha1_hex("CD9B00A5611F94EAA7B1661EDAB976068E364975"));
  EXPECT_FALSE(is_sha1_hex("cd9b00a5611f94eaa7b1661edab976068e36497"));
  EXPECT_FALSE(is_sha1_hex("zd9b00a5611f94eaa7b1661edab976068e364975"));
}

TEST(Formats_Sha2, AcceptsSha2DigestLengths) {
  EXPECT_TRUE(is_sha2_hex("495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"));
  EXPECT_TRUE(is_sha2_hex(std::string(56, 'a')));
  EXPECT_TRUE(is_sha2_hex(std::string(96, 'B')));
  EXPECT_TRUE(is_sha2_hex(std::string(128, '0')));
  EXPECT_FALSE(is_sha2_hex(std::string(40, 'a')));
  EXPECT_FALSE(is_sha2_hex(std::string(63, 'a')));
  EXPECT_FALSE(is_sha2_hex(std::string(63, 'a') + "g"));
  EXPECT_FALSE(is_sha2_hex("should fail"));
}

TEST(Formats_MimeType, AcceptsTypesWithParameters) {
  for (std::string_view s : {"text/plain", "text/plain; charset=ascii", "application/octet-stream",
                             "image/jpeg", "application/vnd.api+json", "multipart/mixed; boundary=\"a b\"",
                             "text/plain;charset=utf-8;format=flowed"})
    EXPECT_TRUE(is_mime_type(s)) << s;
}

TEST(Formats_MimeType, RejectsMalformedTypes) {
  for (std::string_view s : {"", "text", "text/", "/plain", "text/plain;", "text/plain; charset",
                             "text/plain; charset=", "text /plain", "text/plain; a=\"unterminated"})
    EXPECT_FALSE(is_mime_type(s)) << s;
}

}  // namespace
}  // namespace scribe::xapi
