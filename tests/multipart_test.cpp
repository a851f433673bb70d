// The multipart/mixed reader: well-formed bodies split into parts with lower-case header names,
// every malformation rejected with 400 (413 for limits), and the Content-Type helpers.
#include "xapi/multipart.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace scribe::xapi {
namespace {

using namespace std::string_literals;

Result<std::vector<MultipartPart>> parse(std::string_view body, std::string_view boundary = "b",
                                         const MultipartLimits& limits = {}) {
  return parse_multipart(body, boundary, limits);
}

// One part with a Content-Type header and `content`, between `--b` delimiters.
std::string one_part(std::string_view content) {
  return "--b\r\nContent-Type: text/plain\r\n\r\n" + std::string(content) + "\r\n--b--\r\n";
}

void expect_error(const Result<std::vector<MultipartPart>>& r, int status,
                  std::string_view message_part = "") {
  ASSERT_FALSE(r.ok()) << "parsed into " << r->size() << " parts";
  EXPECT_EQ(r.error().status, status) << r.error().describe();
  if (!message_part.empty()) {
    EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().describe();
  }
}

// ---- well-formed bodies ------------------------------------------------------------------

TEST(Multipart, ParsesOnePartWithItsHeadersAndBody) {
  auto r = parse(one_part("hello"));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].body, "hello");
  ASSERT_EQ((*r)[0].headers.size(), 1u);
  EXPECT_EQ((*r)[0].headers[0].first, "content-type");
  EXPECT_EQ((*r)[0].headers[0].second, "text/plain");
  ASSERT_NE((*r)[0].header("content-type"), nullptr);
  EXPECT_EQ(*(*r)[0].header("content-type"), "text/plain");
  EXPECT_EQ((*r)[0].header("x-missing"), nullptr);
}

TEST(Multipart, ParsesSeveralPartsInOrder) {
  std::string body =
      "--frontier\r\n"
      "Content-Type: application/json\r\n\r\n"
      "{\"a\":1}\r\n"
      "--frontier\r\n"
      "Content-Type: text/plain\r\n"
      "X-Experience-API-Hash: abc\r\n"
      "Content-Transfer-Encoding: binary\r\n\r\n"
      "first attachment\r\n"
      "--frontier\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "second\r\nattachment\r\n"
      "--frontier--\r\n";
  auto r = parse(body, "frontier");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].body, "{\"a\":1}");
  EXPECT_EQ((*r)[1].body, "first attachment");
  EXPECT_EQ((*r)[2].body, "second\r\nattachment");
  ASSERT_EQ((*r)[1].headers.size(), 3u);
  ASSERT_NE((*r)[1].header("x-experience-api-hash"), nullptr);
  EXPECT_EQ(*(*r)[1].header("x-experience-api-hash"), "abc");
  EXPECT_EQ(*(*r)[1].header("content-transfer-encoding"), "binary");
}

TEST(Multipart, PartBodiesAreViewsIntoTheRequestBody) {
  std::string body = one_part("payload");
  auto r = parse(body);
  ASSERT_TRUE(r.ok());
  const char* begin = body.data();
  const char* end = body.data() + body.size();
  EXPECT_GE((*r)[0].body.data(), begin);
  EXPECT_LE((*r)[0].body.data() + (*r)[0].body.size(), end);
}

TEST(Multipart, ParsesBodyWithBoundaryFromQuotedContentType) {
  auto boundary = multipart_boundary("multipart/mixed; boundary=\"a b:c\"");
  ASSERT_TRUE(boundary.has_value());
  ASSERT_TRUE(boundary->ok()) << boundary->error().describe();
  EXPECT_EQ(**boundary, "a b:c");
  auto r = parse("--a b:c\r\nContent-Type: text/plain\r\n\r\nx\r\n--a b:c--", **boundary);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].body, "x");
}

TEST(Multipart, AcceptsLeadingBlankLinesBeforeTheFirstBoundary) {
  auto r = parse("\r\n\r\n" + one_part("x"));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].body, "x");
}

TEST(Multipart, AcceptsHeadersWithoutSpaceAfterColonAndTrimsValues) {
  auto r = parse("--b\r\nContent-Type:text/plain\r\nX-Experience-API-Hash:\t abc \t\r\n\r\nx\r\n--b--");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(*(*r)[0].header("content-type"), "text/plain");
  EXPECT_EQ(*(*r)[0].header("x-experience-api-hash"), "abc");
}

TEST(Multipart, HeaderNamesAreLowerCased) {
  auto r = parse("--b\r\nCONTENT-TYPE: Text/Plain\r\n\r\nx\r\n--b--");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)[0].headers[0].first, "content-type");
  EXPECT_EQ((*r)[0].headers[0].second, "Text/Plain");  // values keep their case
}

TEST(Multipart, AcceptsNoTrailingLineBreakAfterClosingDelimiter) {
  auto r = parse("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].body, "x");
}

TEST(Multipart, IgnoresEpilogueAfterClosingDelimiter) {
  auto r = parse(one_part("x") + "this is an epilogue\r\n--b\r\nnot a part");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->size(), 1u);
}

TEST(Multipart, AcceptsTransportPaddingAfterBoundary) {
  auto r = parse("--b  \t\r\nContent-Type: text/plain\r\n\r\nx\r\n--b \r\n\r\ny\r\n--b--");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].body, "x");
  EXPECT_EQ((*r)[1].body, "y");
}

TEST(Multipart, AcceptsEmptyPartBody) {
  auto r = parse("--b\r\nContent-Type: text/plain\r\n\r\n\r\n--b--\r\n");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].body, "");
  EXPECT_EQ(*(*r)[0].header("content-type"), "text/plain");
}

TEST(Multipart, AcceptsPartWithoutHeaders) {
  auto r = parse("--b\r\n\r\nno headers\r\n--b--");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE((*r)[0].headers.empty());
  EXPECT_EQ((*r)[0].body, "no headers");
}

TEST(Multipart, AcceptsEmptyBodyOfAPartWithoutHeaders) {
  auto r = parse("--b\r\n\r\n\r\n--b--");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE((*r)[0].headers.empty());
  EXPECT_EQ((*r)[0].body, "");
}

TEST(Multipart, AcceptsBodyWithOnlyTheClosingDelimiter) {
  auto r = parse("--b--\r\n");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_TRUE(r->empty());
}

TEST(Multipart, KeepsBinaryBytesIncludingNulAndLineBreaks) {
  const std::string binary = "\x00\x01\r\n\xff\xfe\r\r\n\n--\x00--b\r\n-b\x7f"s;
  auto r = parse(one_part(binary));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(std::string((*r)[0].body), binary);
  EXPECT_EQ((*r)[0].body.size(), binary.size());
}

TEST(Multipart, BoundaryTextInsideAPartWithoutLeadingLineBreakIsContent) {
  // "--b" only delimits when it starts a line.
  auto r = parse(one_part("a--b--c"));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)[0].body, "a--b--c");
}

TEST(Multipart, AcceptsBodyAtTheLimits) {
  MultipartLimits limits;
  limits.parts_max = 2;
  limits.part_header_bytes_max = std::string("Content-Type: text/plain").size();
  limits.part_bytes_max = 5;
  auto r = parse(
      "--b\r\nContent-Type: text/plain\r\n\r\n12345\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
      "abcde\r\n--b--",
      "b", limits);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->size(), 2u);
}

// ---- malformed bodies --------------------------------------------------------------------

TEST(Multipart, RejectsEmptyBody) { expect_error(parse(""), 400, "does not start with the boundary"); }

TEST(Multipart, RejectsBodyWithoutLeadingBoundary) {
  expect_error(parse("preamble\r\n" + one_part("x")), 400, "does not start with the boundary");
  expect_error(parse("{\"a\":1}"), 400, "does not start with the boundary");
}

TEST(Multipart, RejectsBodyStartingWithAnotherBoundary) {
  expect_error(parse(one_part("x"), "other"), 400, "does not start with the boundary");
}

TEST(Multipart, RejectsBodyWithoutClosingDelimiter) {
  expect_error(parse("--b\r\nContent-Type: text/plain\r\n\r\nx"), 400, "truncated");
  expect_error(parse("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"), 400, "truncated");
}

TEST(Multipart, RejectsBodyTruncatedAfterABoundary) {
  expect_error(parse("--b"), 400, "line break");
  expect_error(parse("--b\r\n"), 400);
  expect_error(parse("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b"), 400, "line break");
  expect_error(parse("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\n"), 400);
  expect_error(parse("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b-"), 400);
}

TEST(Multipart, RejectsMissingBoundaryBetweenParts) {
  // The second part's headers follow the first part's body with no delimiter: everything up to
  // the end is one part, which is then never closed.
  expect_error(parse("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
                     "Content-Type: text/plain\r\n\r\ny\r\n"),
               400, "truncated");
  // A delimiter not at the start of a line is content, so the body is truncated.
  expect_error(parse("--b\r\nContent-Type: text/plain\r\n\r\nx--b\r\n"
                     "Content-Type: text/plain\r\n\r\ny--b--"),
               400, "truncated");
}

TEST(Multipart, RejectsBoundaryNotFollowedByLineBreak) {
  expect_error(parse("--bContent-Type: text/plain\r\n\r\nx\r\n--b--"), 400, "line break");
  expect_error(parse("--b\nContent-Type: text/plain\r\n\r\nx\r\n--b--"), 400, "line break");
  // A longer boundary that merely starts with ours.
  expect_error(parse("--bb\r\nContent-Type: text/plain\r\n\r\nx\r\n--bb--"), 400, "line break");
  // Between parts.
  expect_error(parse("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--bX\r\n\r\ny\r\n--b--"), 400,
               "line break");
}

TEST(Multipart, RejectsHeaderLineWithoutColon) {
  expect_error(parse("--b\r\nContent-Type text/plain\r\n\r\nx\r\n--b--"), 400, "colon");
  expect_error(parse("--b\r\nContent-Type: text/plain\r\nno colon here\r\n\r\nx\r\n--b--"), 400,
               "colon");
}

TEST(Multipart, RejectsHeaderLineWithEmptyName) {
  expect_error(parse("--b\r\n: value\r\n\r\nx\r\n--b--"), 400, "colon");
}

// " : value" once gave a header named "" (found by fuzz/multipart_fuzzer).
TEST(Multipart, RejectsHeaderLineWithBlankName) {
  expect_error(parse("--b\r\n : value\r\n\r\nx\r\n--b--"), 400, "colon");
  expect_error(parse("--b\r\n\t:value\r\n\r\nx\r\n--b--"), 400, "colon");
}

TEST(Multipart, RejectsUnterminatedHeaders) {
  expect_error(parse("--b\r\nContent-Type: text/plain\r\n"), 400, "not terminated");
  expect_error(parse("--b\r\nContent-Type: text/plain\r\nX: y"), 400, "not terminated");
  expect_error(parse("--b\r\nContent-Type: text/plain\r\nx\r\n--b--"), 400, "not terminated");
}

TEST(Multipart, RejectsMoreThanTheMaximumNumberOfPartsWith413) {
  MultipartLimits limits;
  limits.parts_max = 2;
  std::string body;
  for (int i = 0; i < 3; i++) body += "--b\r\nContent-Type: text/plain\r\n\r\npart\r\n";
  body += "--b--";
  expect_error(parse(body, "b", limits), 413, "parts");
}

TEST(Multipart, RejectsTooManyPartsWithDefaultLimit) {
  std::string body;
  for (int i = 0; i < 1001; i++) body += "--b\r\n\r\n\r\n";
  body += "--b--";
  expect_error(parse(body), 413, "1000");
}

TEST(Multipart, RejectsPartHeadersOverTheLimitWith413) {
  MultipartLimits limits;
  limits.part_header_bytes_max = 64;
  std::string body = "--b\r\nContent-Type: text/plain\r\nX-Long: " + std::string(100, 'a') +
                     "\r\n\r\nx\r\n--b--";
  expect_error(parse(body, "b", limits), 413, "headers");
  // One byte over, on the second part.
  limits.part_header_bytes_max = 10;
  expect_error(parse("--b\r\nA: 123456\r\n\r\nx\r\n--b\r\nA: 12345678\r\n\r\ny\r\n--b--", "b", limits),
               413, "headers");
  EXPECT_TRUE(parse("--b\r\nA: 1234567\r\n\r\nx\r\n--b--", "b", limits).ok());
}

TEST(Multipart, RejectsPartBodyOverTheLimitWith413) {
  MultipartLimits limits;
  limits.part_bytes_max = 4;
  expect_error(parse(one_part("12345"), "b", limits), 413, "exceeds");
  EXPECT_TRUE(parse(one_part("1234"), "b", limits).ok());
}

TEST(Multipart, ErrorsCarryNoPropertyPath) {
  auto r = parse("garbage");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().path, "");
  EXPECT_NE(r.error().message.find("multipart"), std::string::npos);
}

// ---- Content-Type helpers ----------------------------------------------------------------

TEST(Multipart, BoundaryIsReadFromContentType) {
  auto b = multipart_boundary("multipart/mixed; boundary=abc123");
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(b->ok());
  EXPECT_EQ(**b, "abc123");
}

TEST(Multipart, BoundaryParameterIsFoundAmongOthersCaseInsensitively) {
  auto b = multipart_boundary("Multipart/Mixed ; charset=utf-8;  BOUNDARY = xyz ; foo=bar");
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(b->ok()) << b->error().describe();
  EXPECT_EQ(**b, "xyz");
}

TEST(Multipart, BoundaryOfSeventyCharactersIsAccepted) {
  auto b = multipart_boundary("multipart/mixed; boundary=" + std::string(70, 'x'));
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(b->ok());
  EXPECT_EQ((*b)->size(), 70u);
}

TEST(Multipart, RejectsOverLongBoundary) {
  auto b = multipart_boundary("multipart/mixed; boundary=" + std::string(71, 'x'));
  ASSERT_TRUE(b.has_value());
  ASSERT_FALSE(b->ok());
  EXPECT_EQ(b->error().status, 400);
  EXPECT_EQ(b->error().path, "Content-Type");
  auto quoted = multipart_boundary("multipart/mixed; boundary=\"" + std::string(71, 'x') + "\"");
  ASSERT_TRUE(quoted.has_value());
  EXPECT_FALSE(quoted->ok());
}

TEST(Multipart, RejectsEmptyBoundary) {
  for (const char* type : {"multipart/mixed; boundary=", "multipart/mixed; boundary=\"\"",
                           "multipart/mixed; boundary=  "}) {
    auto b = multipart_boundary(type);
    ASSERT_TRUE(b.has_value()) << type;
    ASSERT_FALSE(b->ok()) << type;
    EXPECT_EQ(b->error().status, 400) << type;
  }
}

TEST(Multipart, RejectsMultipartMixedWithoutBoundary) {
  for (const char* type : {"multipart/mixed", "multipart/mixed;", "multipart/mixed; charset=utf-8",
                           "multipart/mixed; boundary"}) {
    auto b = multipart_boundary(type);
    ASSERT_TRUE(b.has_value()) << type;
    ASSERT_FALSE(b->ok()) << type;
    EXPECT_EQ(b->error().status, 400) << type;
    EXPECT_EQ(b->error().path, "Content-Type") << type;
  }
}

TEST(Multipart, NonMultipartMixedTypeHasNoBoundary) {
  for (const char* type : {"application/json", "application/json; charset=utf-8", "",
                           "multipart/form-data; boundary=x", "multipart/alternative; boundary=x",
                           "text/plain; boundary=x", "multipart/mixedx; boundary=x"})
    EXPECT_FALSE(multipart_boundary(type).has_value()) << type;
}

TEST(Multipart, MediaTypeIsLowerCasedWithoutParameters) {
  EXPECT_EQ(media_type("Application/JSON; charset=x"), "application/json");
  EXPECT_EQ(media_type("  text/plain  "), "text/plain");
  EXPECT_EQ(media_type("\tMultipart/Mixed ;boundary=Q"), "multipart/mixed");
  EXPECT_EQ(media_type("application/octet-stream"), "application/octet-stream");
  EXPECT_EQ(media_type(""), "");
  EXPECT_EQ(media_type(";boundary=x"), "");
}

}  // namespace
}  // namespace scribe::xapi
