// Statement requests with attachments (xAPI Data 2.4.11, Communication 1.5.2) and signed
// statements (Data 2.6): read_statement_body and reconcile_attachments on their own, then
// round trips through the Router (without sockets) storing and returning attachments.
#include "xapi/attachments.h"

#include "common/json_dom.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/base64.h"
#include "common/config.h"
#include "common/json.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "storage/statement_reader.h"
#include "tests/jws_signer.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/temp_dir.h"
#include "xapi/multipart.h"
#include "xapi/router.h"
#include "xapi/statement_prepare.h"
#include "xapi/statements_resource.h"

namespace scribe::xapi {
namespace {

using namespace scribe::testing_jws;

const char* kSignatureType = "http://adlnet.gov/expapi/attachments/signature";
const char* kTextType = "http://example.com/attachment-usage/text";

std::string id_n(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

// An attachment declaration; `file_url` empty for none.
std::string attachment(std::string_view sha2, std::string_view content_type = "text/plain",
                       size_t length = 0, std::string_view usage = kTextType,
                       std::string_view file_url = "") {
  std::string a = R"({"usageType":")" + std::string(usage) + R"(","display":{"en-US":"A file"},)";
  a += R"("contentType":")" + std::string(content_type) + R"(","length":)" + std::to_string(length);
  a += R"(,"sha2":")" + std::string(sha2) + "\"";
  if (!file_url.empty()) a += R"(,"fileUrl":")" + std::string(file_url) + "\"";
  return a + "}";
}

std::string statement(const std::string& id, const std::vector<std::string>& attachments = {},
                      const std::string& extra = "") {
  std::string s = "{";
  if (!id.empty()) s += R"("id":")" + id + R"(",)";
  s += R"("actor":{"objectType":"Agent","mbox":"mailto:learner@example.com","name":"Learner"},)";
  s += R"("verb":{"id":"http://adlnet.gov/expapi/verbs/attempted","display":{"en-US":"attempted"}},)";
  s += R"("object":{"objectType":"Activity","id":"http://example.com/activities/a"})";
  s += extra;
  if (!attachments.empty()) {
    s += R"(,"attachments":[)";
    for (size_t i = 0; i < attachments.size(); i++) s += (i ? "," : "") + attachments[i];
    s += "]";
  }
  return s + "}";
}

std::string sha256(std::string_view bytes) { return sha2_hex(bytes, 64); }

json::Value parsed(const std::string& text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : json::Value();
}

MultipartPart part(std::string_view bytes, std::string hash, std::string content_type = "text/plain") {
  MultipartPart p;
  p.headers.emplace_back("content-type", std::move(content_type));
  p.headers.emplace_back("content-transfer-encoding", "binary");
  if (!hash.empty()) p.headers.emplace_back("x-experience-api-hash", std::move(hash));
  p.body = bytes;
  return p;
}

// reconcile_attachments on statements built as json::Value trees, read back as Nodes.
Result<std::vector<AttachmentBytes>> reconcile_values(const std::vector<const json::Value*>& statements,
                                                      const std::vector<MultipartPart>& parts) {
  std::vector<json::Document> documents;
  std::vector<json::Node> nodes;
  for (const json::Value* v : statements) documents.push_back(std::move(*json::Document::parse(json::serialize(*v))));
  for (const auto& d : documents) nodes.push_back(d.root());
  return reconcile_attachments(nodes, parts);
}

Result<std::vector<AttachmentBytes>> reconcile(const json::Value& statement,
                                               const std::vector<MultipartPart>& parts) {
  auto document = json::Document::parse(json::serialize(statement));
  EXPECT_TRUE(document.ok());
  return reconcile_attachments({document->root()}, parts);
}

void expect_400(const Result<std::vector<AttachmentBytes>>& r, const std::string& path,
                const std::string& message_part = "") {
  ASSERT_FALSE(r.ok()) << "accepted " << r->size() << " attachments";
  EXPECT_EQ(r.error().status, 400) << r.error().describe();
  EXPECT_EQ(r.error().path, path) << r.error().describe();
  if (!message_part.empty()) {
    EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().describe();
  }
}

// One multipart body: the JSON part, then one part per (content type, bytes, extra headers).
struct OutPart {
  OutPart(std::string type, std::string b, std::string h = "")
      : content_type(std::move(type)), bytes(std::move(b)), hash(std::move(h)) {}
  std::string content_type;
  std::string bytes;
  std::string hash;  // X-Experience-API-Hash; empty: sha256 of bytes
  std::string extra_headers = "Content-Transfer-Encoding: binary\r\n";
};

std::string multipart_body(const std::string& boundary, const std::string& json,
                           const std::vector<OutPart>& parts) {
  std::string body = "--" + boundary + "\r\nContent-Type: application/json\r\n\r\n" + json;
  for (const auto& p : parts) {
    body += "\r\n--" + boundary + "\r\nContent-Type: " + p.content_type + "\r\n" + p.extra_headers;
    body += "X-Experience-API-Hash: " + (p.hash.empty() ? sha256(p.bytes) : p.hash) + "\r\n\r\n";
    body += p.bytes;
  }
  return body + "\r\n--" + boundary + "--\r\n";
}

// ---- sha2_hex ----------------------------------------------------------------------------

TEST(Attachments, Sha2HexPicksTheVariantFromTheHexLength) {
  EXPECT_EQ(sha2_hex("abc", 56), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_EQ(sha2_hex("abc", 64), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha2_hex("abc", 96),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(sha2_hex("abc", 128),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

// ---- read_statement_body -----------------------------------------------------------------

HttpRequest body_request(std::string content_type, std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/xapi/statements";
  if (!content_type.empty()) r.headers.emplace_back("content-type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

TEST(Attachments, ReadsApplicationJsonBodyWhole) {
  HttpRequest r = body_request("application/json; charset=utf-8", "{\"a\":1}");
  auto b = read_statement_body(r, {});
  ASSERT_TRUE(b.ok()) << b.error().describe();
  EXPECT_EQ(b->json, "{\"a\":1}");
  EXPECT_TRUE(b->attachments.empty());
}

TEST(Attachments, ReadsBodyWithoutContentTypeAsJson) {
  HttpRequest r = body_request("", "{\"a\":1}");
  auto b = read_statement_body(r, {});
  ASSERT_TRUE(b.ok()) << b.error().describe();
  EXPECT_EQ(b->json, "{\"a\":1}");
}

TEST(Attachments, RejectsOtherContentTypes) {
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x"}) {
    auto b = read_statement_body(body_request(type, "{}"), {});
    ASSERT_FALSE(b.ok()) << type;
    EXPECT_EQ(b.error().status, 400);
    EXPECT_EQ(b.error().path, "Content-Type");
  }
}

TEST(Attachments, SplitsMultipartIntoStatementsAndAttachmentParts) {
  std::string body = multipart_body("xyz", "[1]", {{"text/plain", "one"}, {"image/png", "two"}});
  HttpRequest r = body_request("multipart/mixed; boundary=xyz", body);
  auto b = read_statement_body(r, {});
  ASSERT_TRUE(b.ok()) << b.error().describe();
  EXPECT_EQ(b->json, "[1]");
  ASSERT_EQ(b->attachments.size(), 2u);
  EXPECT_EQ(b->attachments[0].body, "one");
  EXPECT_EQ(b->attachments[1].body, "two");
  EXPECT_EQ(*b->attachments[1].header("x-experience-api-hash"), sha256("two"));
}

TEST(Attachments, AcceptsJsonPartWithParameters) {
  std::string body = "--b\r\nContent-Type: Application/JSON; charset=UTF-8\r\n\r\n{}\r\n--b--";
  auto b = read_statement_body(body_request("multipart/mixed; boundary=b", body), {});
  ASSERT_TRUE(b.ok()) << b.error().describe();
  EXPECT_EQ(b->json, "{}");
}

TEST(Attachments, RejectsFirstPartThatIsNotApplicationJson) {
  for (const std::string& first : {std::string("Content-Type: text/plain\r\n"),
                                   std::string("Content-Type: application/octet-stream\r\n"),
                                   std::string("X-Experience-API-Hash: abc\r\n"), std::string("")}) {
    std::string body = "--b\r\n" + first + "\r\n{}\r\n--b--";
    auto b = read_statement_body(body_request("multipart/mixed; boundary=b", body), {});
    ASSERT_FALSE(b.ok()) << first;
    EXPECT_EQ(b.error().status, 400);
    EXPECT_NE(b.error().message.find("first multipart part"), std::string::npos) << b.error().describe();
  }
}

TEST(Attachments, RejectsMultipartWithoutParts) {
  auto b = read_statement_body(body_request("multipart/mixed; boundary=b", "--b--\r\n"), {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().status, 400);
}

TEST(Attachments, RejectsMultipartWithoutBoundaryParameter) {
  auto b = read_statement_body(body_request("multipart/mixed", multipart_body("b", "{}", {})), {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().status, 400);
  EXPECT_EQ(b.error().path, "Content-Type");
}

TEST(Attachments, RejectsMalformedMultipartBody) {
  auto b = read_statement_body(body_request("multipart/mixed; boundary=b", "{}"), {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().status, 400);
}

TEST(Attachments, AppliesPartLimitsToMultipartBody) {
  MultipartLimits limits;
  limits.part_bytes_max = 3;
  std::string body = multipart_body("b", "{}", {{"text/plain", "four"}});
  auto b = read_statement_body(body_request("multipart/mixed; boundary=b", body), limits);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().status, 413);
}

// ---- reconcile_attachments ---------------------------------------------------------------

TEST(Attachments, AcceptsAPartForEveryDeclaredAttachment) {
  std::string one = "first attachment";
  std::string two("second\r\nattachment\0with NUL", 27);
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one)), attachment(sha256(two), "application/x-thing")}));
  auto r = reconcile(s, {part(one, sha256(one)), part(two, sha256(two))});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 2u);
  std::map<std::string, std::string> got;
  for (const auto& a : *r) got[a.sha2] = std::string(a.bytes);
  EXPECT_EQ(got[sha256(one)], one);
  EXPECT_EQ(got[sha256(two)], two);
}

TEST(Attachments, AcceptsPartsInAnyOrder) {
  std::string one = "1", two = "2";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one)), attachment(sha256(two))}));
  auto r = reconcile(s, {part(two, sha256(two)), part(one, sha256(one))});
  EXPECT_TRUE(r.ok()) << r.error().describe();
}

TEST(Attachments, AcceptsStatementWithoutAttachmentsAndNoParts) {
  json::Value s = parsed(statement(id_n(1)));
  auto r = reconcile(s, {});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_TRUE(r->empty());
}

TEST(Attachments, RejectsExtraPart) {
  std::string one = "one", extra = "extra";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one))}));
  expect_400(reconcile(s, {part(one, sha256(one)), part(extra, sha256(extra))}), "",
             "matches no attachment");
  // A part when nothing is declared at all.
  expect_400(reconcile(parsed(statement(id_n(1))), {part(extra, sha256(extra))}), "",
             "matches no attachment");
}

TEST(Attachments, SubStatementAttachmentsAreMatchedToParts) {
  std::string bytes = "inner";
  json::Value s = parsed(statement(id_n(1), {}));
  json::Object sub;
  sub.append("objectType", "SubStatement");
  sub.append("actor", *json::parse(R"({"mbox":"mailto:a@example.com"})"));
  sub.append("verb", *json::parse(R"({"id":"http://example.com/v"})"));
  sub.append("object", *json::parse(R"({"id":"http://example.com/o"})"));
  sub.append("attachments", json::Value(json::Array{parsed(attachment(sha256(bytes)))}));
  s.as_object().set("object", json::Value(std::move(sub)));
  EXPECT_TRUE(reconcile(s, {part(bytes, sha256(bytes))}).ok());
  expect_400(reconcile(s, {}), "object.attachments[0]", "no multipart part");
}

TEST(Attachments, RejectsMissingPart) {
  std::string one = "one", two = "two";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one)), attachment(sha256(two))}));
  expect_400(reconcile(s, {part(one, sha256(one))}), "attachments[1]", "no multipart part");
  // Both missing: either may be named.
  auto none = reconcile(s, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().status, 400);
  EXPECT_TRUE(none.error().path == "attachments[0]" || none.error().path == "attachments[1]")
      << none.error().describe();
}

TEST(Attachments, RejectsPartWhoseBytesDoNotMatchTheDeclaredHash) {
  std::string one = "one", two = "two";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one)), attachment(sha256(two))}));
  // The part claims the second declared hash but carries other bytes.
  expect_400(reconcile(s, {part(one, sha256(one)), part("tampered", sha256(two))}),
             "attachments[1].sha2", "does not match");
}

TEST(Attachments, WrongHashPathNamesTheStatementInABatch) {
  std::string one = "one", two = "two";
  auto a = json::Document::parse(statement(id_n(1), {attachment(sha256(one))}));
  auto b = json::Document::parse(statement(id_n(2), {attachment(sha256(two))}));
  ASSERT_TRUE(a.ok() && b.ok());
  auto r = reconcile_attachments({a->root(), b->root()}, {part(one, sha256(one)), part("nope", sha256(two))});
  expect_400(r, "[1].attachments[0].sha2");
  auto missing = reconcile_attachments({a->root(), b->root()}, {part(one, sha256(one))});
  expect_400(missing, "[1].attachments[0]");
}

TEST(Attachments, RejectsPartWithoutHashHeader) {
  std::string one = "one";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one))}));
  expect_400(reconcile(s, {part(one, "")}), "", "X-Experience-API-Hash");
}

TEST(Attachments, RejectsTheSamePartTwice) {
  std::string one = "one";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one))}));
  expect_400(reconcile(s, {part(one, sha256(one)), part(one, sha256(one))}), "", "repeats");
}

TEST(Attachments, RejectsBase64ContentTransferEncoding) {
  std::string one = "one";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one))}));
  MultipartPart p = part(one, sha256(one));
  p.headers[1].second = "base64";
  expect_400(reconcile(s, {p}), "", "Content-Transfer-Encoding");
  // Even when the base64 text is what was hashed.
  std::string encoded = base64_encode(one);
  json::Value t = parsed(statement(id_n(1), {attachment(sha256(encoded))}));
  MultipartPart q = part(encoded, sha256(encoded));
  q.headers[1].second = "BASE64";
  expect_400(reconcile(t, {q}), "", "Content-Transfer-Encoding");
}

TEST(Attachments, AcceptsBinaryContentTransferEncodingInAnyCaseOrNone) {
  std::string one = "one";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one))}));
  MultipartPart p = part(one, sha256(one));
  p.headers[1].second = "Binary";
  EXPECT_TRUE(reconcile(s, {p}).ok());
  p.headers.erase(p.headers.begin() + 1);
  EXPECT_TRUE(reconcile(s, {p}).ok());
}

TEST(Attachments, MatchesHashHeaderCaseInsensitively) {
  std::string one = "one";
  std::string upper = sha256(one);
  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  json::Value s = parsed(statement(id_n(1), {attachment(upper)}));
  auto r = reconcile(s, {part(one, sha256(one))});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)[0].sha2, sha256(one));  // stored lower-case
  EXPECT_TRUE(reconcile(parsed(statement(id_n(1), {attachment(sha256(one))})), {part(one, upper)}).ok());
}

TEST(Attachments, AcceptsOtherSha2Variants) {
  std::string one = "one";
  for (size_t hex : {56u, 96u, 128u}) {
    json::Value s = parsed(statement(id_n(1), {attachment(sha2_hex(one, hex))}));
    auto r = reconcile(s, {part(one, sha2_hex(one, hex))});
    EXPECT_TRUE(r.ok()) << hex << ": " << r.error().describe();
  }
}

TEST(Attachments, AcceptsFileUrlOnlyAttachmentsWithoutParts) {
  json::Value s = parsed(statement(
      id_n(1), {attachment(sha256("elsewhere"), "text/plain", 9, kTextType, "http://example.com/file.txt"),
                attachment(sha256("also elsewhere"), "text/plain", 14, kTextType, "http://example.com/2")}));
  auto r = reconcile(s, {});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_TRUE(r->empty());
}

TEST(Attachments, AcceptsAPartForAFileUrlAttachment) {
  std::string one = "one";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one), "text/plain", 3, kTextType, "http://example.com/f")}));
  auto r = reconcile(s, {part(one, sha256(one))});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->size(), 1u);
}

TEST(Attachments, AcceptsOnePartForTheSameSha2DeclaredTwice) {
  std::string one = "shared bytes";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one)), attachment(sha256(one), "text/x-other")}));
  auto r = reconcile(s, {part(one, sha256(one))});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->size(), 1u);
  // Across the statements of a batch too.
  json::Value a = parsed(statement(id_n(1), {attachment(sha256(one))}));
  json::Value b = parsed(statement(id_n(2), {attachment(sha256(one))}));
  auto batch = reconcile_values({&a, &b}, {part(one, sha256(one))});
  ASSERT_TRUE(batch.ok()) << batch.error().describe();
  EXPECT_EQ(batch->size(), 1u);
}

TEST(Attachments, SameSha2DeclaredWithAndWithoutFileUrlNeedsItsPart) {
  std::string one = "shared";
  json::Value s = parsed(statement(id_n(1), {attachment(sha256(one), "text/plain", 6, kTextType, "http://example.com/f"),
                                             attachment(sha256(one))}));
  expect_400(reconcile(s, {}), "attachments[1]");
  EXPECT_TRUE(reconcile(s, {part(one, sha256(one))}).ok());
}

// ---- signatures --------------------------------------------------------------------------

class SignedAttachmentsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_ = new PKeyPtr(rsa_key());
    cert_ = new X509Ptr(self_signed_cert(key_->get()));
  }
  static void TearDownTestSuite() {
    delete cert_;
    delete key_;
  }
  static std::string sign(const std::string& payload, std::string_view alg = "RS256") {
    return sign_compact(key_->get(), alg, payload, cert_->get());
  }
  static PKeyPtr* key_;
  static X509Ptr* cert_;
};

PKeyPtr* SignedAttachmentsTest::key_ = nullptr;
X509Ptr* SignedAttachmentsTest::cert_ = nullptr;

TEST_F(SignedAttachmentsTest, AcceptsValidSignatureAttachment) {
  std::string jws = sign(statement(id_n(1)));
  json::Value s = parsed(statement(
      id_n(1), {attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType)}));
  auto r = reconcile(s, {part(jws, sha256(jws), "application/octet-stream")});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->size(), 1u);
}

TEST_F(SignedAttachmentsTest, AcceptsSignatureAlongsideOtherAttachments) {
  std::string text = "some text";
  // The signed payload need not list the attachments.
  std::string jws = sign(statement(id_n(1)));
  json::Value s = parsed(statement(
      id_n(1), {attachment(sha256(text)),
                attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType)}));
  auto r = reconcile(s, {part(text, sha256(text)), part(jws, sha256(jws), "application/octet-stream")});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->size(), 2u);
}

TEST_F(SignedAttachmentsTest, RejectsSignatureAttachmentWithWrongContentType) {
  std::string jws = sign(statement(id_n(1)));
  json::Value s = parsed(statement(
      id_n(1), {attachment(sha256(jws), "application/jose", jws.size(), kSignatureType)}));
  expect_400(reconcile(s, {part(jws, sha256(jws), "application/jose")}), "attachments[0].contentType",
             "application/octet-stream");
}

TEST_F(SignedAttachmentsTest, RejectsSignatureAttachmentGivenOnlyByFileUrl) {
  std::string jws = sign(statement(id_n(1)));
  json::Value s = parsed(statement(
      id_n(1), {attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType,
                           "http://example.com/sig")}));
  // Both missing: either may be named.
  auto none = reconcile(s, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().status, 400);
  EXPECT_TRUE(none.error().path == "attachments[0]" || none.error().path == "attachments[1]")
      << none.error().describe();
}

TEST_F(SignedAttachmentsTest, RejectsSignatureOfADifferentStatement) {
  std::string jws = sign(statement(id_n(1), {}, R"(,"result":{"success":true})"));
  json::Value s = parsed(statement(
      id_n(1), {attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType)}));
  expect_400(reconcile(s, {part(jws, sha256(jws), "application/octet-stream")}), "attachments[0]",
             "does not match");
}

TEST_F(SignedAttachmentsTest, RejectsSignaturePartThatIsNotAJws) {
  std::string junk = "this is not a JWS";
  json::Value s = parsed(statement(
      id_n(1), {attachment(sha256(junk), "application/octet-stream", junk.size(), kSignatureType)}));
  expect_400(reconcile(s, {part(junk, sha256(junk), "application/octet-stream")}), "attachments[0]",
             "JWS");
}

TEST_F(SignedAttachmentsTest, RejectsSignatureThatDoesNotVerify) {
  PKeyPtr other = rsa_key();
  std::string jws = sign_compact(other.get(), "RS256", statement(id_n(1)), cert_->get());
  json::Value s = parsed(statement(
      id_n(1), {attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType)}));
  expect_400(reconcile(s, {part(jws, sha256(jws), "application/octet-stream")}), "attachments[0]",
             "does not verify");
}

TEST_F(SignedAttachmentsTest, EachSignatureIsCheckedAgainstItsOwnStatementInABatch) {
  std::string jws1 = sign(statement(id_n(1)));
  std::string jws2 = sign(statement(id_n(2)));
  json::Value a = parsed(statement(
      id_n(1), {attachment(sha256(jws1), "application/octet-stream", jws1.size(), kSignatureType)}));
  json::Value b = parsed(statement(
      id_n(2), {attachment(sha256(jws2), "application/octet-stream", jws2.size(), kSignatureType)}));
  std::vector<MultipartPart> parts{part(jws1, sha256(jws1), "application/octet-stream"),
                                   part(jws2, sha256(jws2), "application/octet-stream")};
  auto ok = reconcile_values({&a, &b}, parts);
  EXPECT_TRUE(ok.ok()) << ok.error().describe();
  // Statement 2 carrying statement 1's signature.
  json::Value c = parsed(statement(
      id_n(2), {attachment(sha256(jws1), "application/octet-stream", jws1.size(), kSignatureType)}));
  expect_400(reconcile_values({&a, &c}, {parts[0]}), "[1].attachments[0]", "does not match");
}

// ---- round trips through the Router ------------------------------------------------------

using test_support::find_header;
using test_support::TempDir;

class AttachmentsApiTest : public SignedAttachmentsTest {
 protected:
  void SetUp() override {
    auto e = test_support::open_test_engine(config_, dir_.path());
    ASSERT_TRUE(e.ok()) << e.error().describe();
    stack_.build(config_, std::move(*e));
    auth_ = stack_.basic_auth();
  }

  void TearDown() override { stack_.reset(); }

  HttpRequest request(const std::string& method,
                      std::vector<std::pair<std::string, std::string>> query = {},
                      std::string body = "", std::string content_type = "") {
    HttpRequest r;
    r.method = method;
    r.path = "/xapi/statements";
    r.query = std::move(query);
    r.body = std::move(body);
    r.headers.emplace_back("x-experience-api-version", "2.0.0");
    r.headers.emplace_back("authorization", auth_);
    if (!content_type.empty()) r.headers.emplace_back("content-type", std::move(content_type));
    return r;
  }

  HttpResponse send(HttpRequest r) { return test_support::send_and_wait(*stack_.router, std::move(r)); }

  HttpResponse post_multipart(const std::string& json, const std::vector<OutPart>& parts,
                              const std::string& boundary = "abc123boundary") {
    return send(request("POST", {}, multipart_body(boundary, json, parts),
                        "multipart/mixed; boundary=" + boundary));
  }

  HttpResponse get(std::vector<std::pair<std::string, std::string>> query) {
    return send(request("GET", std::move(query)));
  }

  // Splits a multipart/mixed reply; fails the test when it is not one.
  std::vector<MultipartPart> reply_parts(const HttpResponse& r) {
    const std::string* type = find_header(r, "Content-Type");
    EXPECT_NE(type, nullptr);
    if (!type) return {};
    EXPECT_TRUE(type->starts_with("multipart/mixed; boundary=")) << *type;
    auto boundary = multipart_boundary(*type);
    EXPECT_TRUE(boundary.has_value() && boundary->ok()) << *type;
    if (!boundary || !*boundary) return {};
    auto parts = parse_multipart(r.body, **boundary, {});
    EXPECT_TRUE(parts.ok()) << (parts.ok() ? "" : parts.error().describe()) << "\n" << r.body;
    return parts.ok() ? *parts : std::vector<MultipartPart>{};
  }

  TempDir dir_{"/tmp/scribe-att"};
  Config config_;
  test_support::StatementsStack stack_;
  std::string auth_;
};

TEST_F(AttachmentsApiTest, PostedAttachmentsComeBackOnceEachWithTheStatement) {
  const std::string one = "The first attachment.\r\n--not a boundary\r\n";
  const std::string two = std::string("binary\0\x01\xff bytes", 15);
  const std::string id = id_n(10);
  std::string json = statement(id, {attachment(sha256(one), "text/plain", one.size()),
                                    attachment(sha256(two), "application/octet-stream", two.size())});
  HttpResponse posted = post_multipart(json, {{"text/plain", one}, {"application/octet-stream", two}});
  ASSERT_EQ(posted.status, 200) << posted.body;

  HttpResponse got = get({{"statementId", id}, {"attachments", "true"}});
  ASSERT_EQ(got.status, 200) << got.body;
  std::vector<MultipartPart> parts = reply_parts(got);
  ASSERT_EQ(parts.size(), 3u) << got.body;
  ASSERT_NE(parts[0].header("content-type"), nullptr);
  EXPECT_EQ(media_type(*parts[0].header("content-type")), "application/json");
  auto returned = json::parse(parts[0].body);
  ASSERT_TRUE(returned.ok()) << parts[0].body;
  EXPECT_EQ(returned->get_string("id"), id);
  ASSERT_TRUE(returned->get("attachments") && returned->get("attachments")->is_array());
  EXPECT_EQ(returned->get("attachments")->as_array().size(), 2u);

  std::map<std::string, std::string> by_hash;
  for (size_t i = 1; i < parts.size(); i++) {
    const std::string* hash = parts[i].header("x-experience-api-hash");
    ASSERT_NE(hash, nullptr);
    EXPECT_EQ(by_hash.count(*hash), 0u) << "attachment sent twice: " << *hash;
    by_hash[*hash] = std::string(parts[i].body);
    ASSERT_NE(parts[i].header("content-transfer-encoding"), nullptr);
    EXPECT_EQ(*parts[i].header("content-transfer-encoding"), "binary");
  }
  EXPECT_EQ(by_hash[sha256(one)], one);
  EXPECT_EQ(by_hash[sha256(two)], two);
  EXPECT_TRUE(*parts[1].header("content-type") == "text/plain" ||
              *parts[2].header("content-type") == "text/plain");
}

TEST_F(AttachmentsApiTest, WithoutTheAttachmentsParameterTheReplyIsJson) {
  const std::string one = "hello";
  const std::string id = id_n(11);
  ASSERT_EQ(post_multipart(statement(id, {attachment(sha256(one), "text/plain", 5)}), {{"text/plain", one}}).status,
            200);
  for (auto query : {std::vector<std::pair<std::string, std::string>>{{"statementId", id}},
                     std::vector<std::pair<std::string, std::string>>{{"statementId", id}, {"attachments", "false"}}}) {
    HttpResponse got = get(query);
    ASSERT_EQ(got.status, 200);
    ASSERT_NE(find_header(got, "Content-Type"), nullptr);
    EXPECT_EQ(media_type(*find_header(got, "Content-Type")), "application/json");
    auto v = json::parse(got.body);
    ASSERT_TRUE(v.ok()) << got.body;
    EXPECT_EQ(v->get_string("id"), id);
  }
}

TEST_F(AttachmentsApiTest, ListWithAttachmentsSendsEachAttachmentOnce) {
  const std::string shared = "shared by both statements", own = "only the second one";
  std::string batch = "[" + statement(id_n(20), {attachment(sha256(shared), "text/plain", shared.size())}) + "," +
                      statement(id_n(21), {attachment(sha256(shared), "text/plain", shared.size()),
                                           attachment(sha256(own), "text/plain", own.size())}) +
                      "," +
                      statement(id_n(22), {attachment(sha256("remote"), "text/plain", 6, kTextType,
                                                      "http://example.com/remote")}) +
                      "]";
  HttpResponse posted = post_multipart(batch, {{"text/plain", shared}, {"text/plain", own}});
  ASSERT_EQ(posted.status, 200) << posted.body;

  HttpResponse got = get({{"attachments", "true"}});
  ASSERT_EQ(got.status, 200) << got.body;
  std::vector<MultipartPart> parts = reply_parts(got);
  ASSERT_EQ(parts.size(), 3u) << got.body;  // the fileUrl-only attachment has no part
  EXPECT_EQ(media_type(*parts[0].header("content-type")), "application/json");
  auto result = json::parse(parts[0].body);
  ASSERT_TRUE(result.ok()) << parts[0].body;
  ASSERT_TRUE(result->get("statements") && result->get("statements")->is_array());
  EXPECT_EQ(result->get("statements")->as_array().size(), 3u);
  std::map<std::string, int> seen;
  for (size_t i = 1; i < parts.size(); i++) seen[*parts[i].header("x-experience-api-hash")]++;
  EXPECT_EQ(seen[sha256(shared)], 1);
  EXPECT_EQ(seen[sha256(own)], 1);
  EXPECT_EQ(seen.size(), 2u);
}

TEST_F(AttachmentsApiTest, PutWithAttachmentStoresIt) {
  const std::string one = "put attachment";
  const std::string id = id_n(30);
  std::string body = multipart_body("put-boundary", statement("", {attachment(sha256(one), "text/plain", one.size())}),
                                    {{"text/plain", one}});
  HttpResponse put = send(request("PUT", {{"statementId", id}}, body, "multipart/mixed; boundary=put-boundary"));
  ASSERT_EQ(put.status, 204) << put.body;
  std::vector<MultipartPart> parts = reply_parts(get({{"statementId", id}, {"attachments", "true"}}));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].body, one);
}

TEST_F(AttachmentsApiTest, MultipartWithAMissingPartStoresNothing) {
  const std::string one = "one", two = "two";
  const std::string id = id_n(40);
  HttpResponse posted = post_multipart(
      statement(id, {attachment(sha256(one), "text/plain", 3), attachment(sha256(two), "text/plain", 3)}),
      {{"text/plain", one}});
  EXPECT_EQ(posted.status, 400) << posted.body;
  EXPECT_EQ(get({{"statementId", id}}).status, 404);
}

TEST_F(AttachmentsApiTest, MultipartWithAWrongHashStoresNothing) {
  const std::string one = "one";
  const std::string id = id_n(41);
  HttpResponse posted = post_multipart(statement(id, {attachment(sha256(one), "text/plain", 3)}),
                                       {{"text/plain", "not one", sha256(one)}});
  EXPECT_EQ(posted.status, 400) << posted.body;
  EXPECT_NE(posted.body.find("attachments[0].sha2"), std::string::npos) << posted.body;
  EXPECT_EQ(get({{"statementId", id}}).status, 404);
}

TEST_F(AttachmentsApiTest, MalformedMultipartIs400) {
  HttpResponse posted = send(request("POST", {}, "--b\r\nContent-Type: application/json\r\n\r\n{}",
                                     "multipart/mixed; boundary=b"));
  EXPECT_EQ(posted.status, 400) << posted.body;
  HttpResponse no_boundary = send(request("POST", {}, statement(id_n(42)), "multipart/mixed"));
  EXPECT_EQ(no_boundary.status, 400) << no_boundary.body;
  EXPECT_EQ(get({{"statementId", id_n(42)}}).status, 404);
}

TEST_F(AttachmentsApiTest, SignedStatementRoundTrip) {
  const std::string id = id_n(50);
  std::string unsigned_statement = statement(id, {}, R"(,"result":{"duration":"PT1.1237S"})");
  std::string jws = sign(statement(id, {}, R"(,"result":{"duration":"PT1.12S"})"));
  std::string json = statement(id, {attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType)},
                               R"(,"result":{"duration":"PT1.1237S"})");
  HttpResponse posted = post_multipart(json, {{"application/octet-stream", jws}});
  ASSERT_EQ(posted.status, 200) << posted.body;

  std::vector<MultipartPart> parts = reply_parts(get({{"statementId", id}, {"attachments", "true"}}));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].body, jws);
  EXPECT_EQ(*parts[1].header("x-experience-api-hash"), sha256(jws));
  EXPECT_EQ(media_type(*parts[1].header("content-type")), "application/octet-stream");
}

TEST_F(AttachmentsApiTest, TamperedSignedStatementIsRejectedAndNothingStored) {
  const std::string id = id_n(51);
  std::string jws = sign(statement(id, {}, R"(,"result":{"success":false})"));
  // The statement sent says success: true.
  std::string json = statement(id, {attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType)},
                               R"(,"result":{"success":true})");
  HttpResponse posted = post_multipart(json, {{"application/octet-stream", jws}});
  EXPECT_EQ(posted.status, 400) << posted.body;
  EXPECT_NE(posted.body.find("attachments[0]"), std::string::npos) << posted.body;
  EXPECT_EQ(get({{"statementId", id}}).status, 404);
  HttpResponse list = get({});
  ASSERT_EQ(list.status, 200);
  auto v = json::parse(list.body);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->get("statements")->as_array().empty());
}

TEST_F(AttachmentsApiTest, SignatureWithTamperedSignatureBytesIsRejected) {
  const std::string id = id_n(52);
  std::string jws = sign(statement(id));
  // Flip one base64url character of the signature segment.
  char& c = jws[jws.size() - 5];
  c = c == 'A' ? 'B' : 'A';
  std::string json = statement(id, {attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType)});
  HttpResponse posted = post_multipart(json, {{"application/octet-stream", jws}});
  EXPECT_EQ(posted.status, 400) << posted.body;
  EXPECT_EQ(get({{"statementId", id}}).status, 404);
}

TEST_F(AttachmentsApiTest, SignedBatchWithOneBadSignatureStoresNothing) {
  std::string good = sign(statement(id_n(60)));
  std::string bad = sign(statement(id_n(99)));  // signs another statement
  std::string batch = "[" +
                      statement(id_n(60), {attachment(sha256(good), "application/octet-stream", good.size(), kSignatureType)}) +
                      "," +
                      statement(id_n(61), {attachment(sha256(bad), "application/octet-stream", bad.size(), kSignatureType)}) +
                      "]";
  HttpResponse posted = post_multipart(batch, {{"application/octet-stream", good}, {"application/octet-stream", bad}});
  EXPECT_EQ(posted.status, 400) << posted.body;
  EXPECT_NE(posted.body.find("[1].attachments[0]"), std::string::npos) << posted.body;
  EXPECT_EQ(get({{"statementId", id_n(60)}}).status, 404);
  EXPECT_EQ(get({{"statementId", id_n(61)}}).status, 404);
}

// The JWS payload is the statement as the client sent it: a PUT body without "id" (the id is
// the statementId parameter) is signed without one.
TEST_F(AttachmentsApiTest, PutOfSignedStatementWithIdOnlyInTheQueryIsAccepted) {
  const std::string id = id_n(70);
  std::string jws = sign(statement(""));
  std::string json = statement("", {attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType)});
  std::string body = multipart_body("pb", json, {{"application/octet-stream", jws}});
  HttpResponse put = send(request("PUT", {{"statementId", id}}, body, "multipart/mixed; boundary=pb"));
  EXPECT_EQ(put.status, 204) << put.body;
}

TEST_F(AttachmentsApiTest, PostOfSignedStatementWithoutIdIsAccepted) {
  std::string jws = sign(statement(""));
  std::string json = statement("", {attachment(sha256(jws), "application/octet-stream", jws.size(), kSignatureType)});
  HttpResponse posted = post_multipart(json, {{"application/octet-stream", jws}});
  EXPECT_EQ(posted.status, 200) << posted.body;
}

TEST_F(SignedAttachmentsTest, SignatureErrorNamesTheStatementThatDeclaresIt) {
  // Statement 0's signature signs another statement; statement 1 declares the same bytes as a
  // plain attachment. The error is about statement 0.
  std::string bad = sign(statement(id_n(99)));
  json::Value a = parsed(statement(id_n(1), {attachment(sha256(bad), "application/octet-stream", bad.size(), kSignatureType)}));
  json::Value b = parsed(statement(id_n(2), {attachment(sha256("x"), "text/plain", 1),
                                             attachment(sha256(bad), "application/octet-stream", bad.size())}));
  auto r = reconcile_values({&a, &b}, {part(bad, sha256(bad), "application/octet-stream"), part("x", sha256("x"))});
  expect_400(r, "[0].attachments[0]", "does not match");
}

}  // namespace
}  // namespace scribe::xapi
