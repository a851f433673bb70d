// Signed statements (xAPI Data 2.6): parse_jws, verify_jws_signature and
// signature_matches_statement against JWS made here with OpenSSL-generated RSA keys and
// self-signed certificates.
#include "xapi/jws.h"

#include <gtest/gtest.h>

#include <string>

#include "common/base64.h"
#include "common/json.h"
#include "tests/jws_signer.h"

namespace scribe::xapi {
namespace {

using namespace scribe::testing_jws;

const char* kPath = "attachments[1]";

std::string statement_json(const std::string& extra = "") {
  return R"({"id":"7ccd3322-e1a5-411a-a67d-6a735c76f119",)"
         R"("actor":{"objectType":"Agent","mbox":"mailto:signer@example.com","name":"Signer"},)"
         R"("verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed"}},)"
         R"("object":{"objectType":"Activity","id":"http://example.com/activities/signed"})" +
         extra + "}";
}

json::Value parsed(const std::string& text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : json::Value();
}

class JwsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_ = new PKeyPtr(rsa_key());
    cert_ = new X509Ptr(self_signed_cert(key_->get()));
    other_key_ = new PKeyPtr(rsa_key());
    other_cert_ = new X509Ptr(self_signed_cert(other_key_->get(), "Someone else"));
  }
  static void TearDownTestSuite() {
    delete cert_;
    delete key_;
    delete other_cert_;
    delete other_key_;
  }

  static std::string sign(const std::string& payload, std::string_view alg = "RS256") {
    return sign_compact(key_->get(), alg, payload, cert_->get());
  }

  // Parse + verify + compare, the whole check an LRS does, returning the first failure.
  static Status check(const std::string& compact, const std::string& statement) {
    auto jws = parse_jws(compact, kPath);
    if (!jws) return jws.error();
    if (Status s = verify_jws_signature(*jws, kPath); !s) return s;
    return signature_matches_statement(*jws, parsed(statement), kPath);
  }

  static void expect_400(const Status& s, const std::string& message_part = "") {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().status, 400) << s.error().describe();
    EXPECT_EQ(s.error().path, kPath) << s.error().describe();
    if (!message_part.empty()) {
      EXPECT_NE(s.error().message.find(message_part), std::string::npos) << s.error().describe();
    }
  }

  static PKeyPtr* key_;
  static X509Ptr* cert_;
  static PKeyPtr* other_key_;
  static X509Ptr* other_cert_;
};

PKeyPtr* JwsTest::key_ = nullptr;
X509Ptr* JwsTest::cert_ = nullptr;
PKeyPtr* JwsTest::other_key_ = nullptr;
X509Ptr* JwsTest::other_cert_ = nullptr;

// ---- valid signatures --------------------------------------------------------------------

TEST_F(JwsTest, Rs256WithX5cVerifiesAndMatches) {
  std::string compact = sign(statement_json(), "RS256");
  auto jws = parse_jws(compact, kPath);
  ASSERT_TRUE(jws.ok()) << jws.error().describe();
  EXPECT_EQ(jws->alg, "RS256");
  EXPECT_EQ(jws->signing_input, compact.substr(0, compact.rfind('.')));
  EXPECT_EQ(jws->signature.size(), 256u);  // 2048-bit key
  EXPECT_TRUE(jws->payload.is_object());
  EXPECT_TRUE(jws->header.get("x5c") != nullptr);
  Status s = check(compact, statement_json());
  EXPECT_TRUE(s.ok()) << s.error().describe();
}

TEST_F(JwsTest, Rs384WithX5cVerifiesAndMatches) {
  Status s = check(sign(statement_json(), "RS384"), statement_json());
  EXPECT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(parse_jws(sign(statement_json(), "RS384"), kPath)->alg, "RS384");
}

TEST_F(JwsTest, Rs512WithX5cVerifiesAndMatches) {
  Status s = check(sign(statement_json(), "RS512"), statement_json());
  EXPECT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(parse_jws(sign(statement_json(), "RS512"), kPath)->alg, "RS512");
}

TEST_F(JwsTest, SignatureWithoutX5cHasNothingToVerifyAgainstAndPasses) {
  std::string compact = sign_compact(key_->get(), "RS256", statement_json());
  Status s = check(compact, statement_json());
  EXPECT_TRUE(s.ok()) << s.error().describe();
}

TEST_F(JwsTest, ExtraHeaderMembersAreAllowed) {
  std::string header = R"({"typ":"JWT","alg":"RS256","kid":"k1","x5c":[")" + cert_base64(cert_->get()) + R"("]})";
  Status s = check(sign_compact(key_->get(), "RS256", statement_json(), nullptr, header), statement_json());
  EXPECT_TRUE(s.ok()) << s.error().describe();
}

// ---- signatures that do not verify -------------------------------------------------------

TEST_F(JwsTest, RejectsSignatureMadeWithAnotherKeyThanTheX5cCertificate) {
  // Signed with our key, but x5c carries the certificate of a different key.
  std::string compact = sign_compact(key_->get(), "RS256", statement_json(), other_cert_->get());
  auto jws = parse_jws(compact, kPath);
  ASSERT_TRUE(jws.ok());
  expect_400(verify_jws_signature(*jws, kPath), "does not verify");
}

TEST_F(JwsTest, RejectsSignatureOverADifferentPayload) {
  // Swap in another payload while keeping the original header and signature.
  std::string compact = sign(statement_json());
  size_t a = compact.find('.'), b = compact.rfind('.');
  std::string tampered = compact.substr(0, a + 1) +
                         base64url_encode(statement_json(R"(,"result":{"success":true})")) +
                         compact.substr(b);
  expect_400(check(tampered, statement_json(R"(,"result":{"success":true})")), "does not verify");
}

TEST_F(JwsTest, RejectsFlippedSignatureByte) {
  std::string compact = sign(statement_json());
  auto jws = parse_jws(compact, kPath);
  ASSERT_TRUE(jws.ok());
  jws->signature[10] ^= 0x01;
  expect_400(verify_jws_signature(*jws, kPath), "does not verify");
}

TEST_F(JwsTest, RejectsAlgDifferentFromTheOneUsedToSign) {
  // Signed with SHA-256 but the header claims RS512.
  std::string header = R"({"alg":"RS512","x5c":[")" + cert_base64(cert_->get()) + R"("]})";
  std::string input = base64url_encode(header) + "." + base64url_encode(statement_json());
  std::string compact = input + "." + base64url_encode(rsa_sign(key_->get(), "RS256", input));
  expect_400(check(compact, statement_json()), "does not verify");
}

TEST_F(JwsTest, RejectsX5cThatIsNotAnArrayOfBase64Certificates) {
  for (const std::string& x5c : {std::string(R"("MIIB")"), std::string("[]"), std::string("[1]"),
                                 std::string(R"(["***not base64***"])"),
                                 std::string(R"([")") + base64_encode("not a certificate") + R"("])"}) {
    std::string header = R"({"alg":"RS256","x5c":)" + x5c + "}";
    auto jws = parse_jws(sign_compact(key_->get(), "RS256", statement_json(), nullptr, header), kPath);
    ASSERT_TRUE(jws.ok()) << x5c;
    SCOPED_TRACE(x5c);
    expect_400(verify_jws_signature(*jws, kPath), "x5c");
  }
}

TEST_F(JwsTest, RejectsCertificateWithANonRsaKey) {
  PKeyPtr ec = ec_key();
  X509Ptr ec_cert = self_signed_cert(ec.get(), "EC signer");
  std::string compact = sign_compact(key_->get(), "RS256", statement_json(), ec_cert.get());
  auto jws = parse_jws(compact, kPath);
  ASSERT_TRUE(jws.ok());
  expect_400(verify_jws_signature(*jws, kPath), "RSA");
}

// ---- disallowed algorithms and malformed JWS ---------------------------------------------

TEST_F(JwsTest, RejectsAlgNone) {
  std::string compact = base64url_encode(R"({"alg":"none"})") + "." +
                        base64url_encode(statement_json()) + ".";
  expect_400(parse_jws(compact, kPath).error(), "alg");
  // Even with a signature segment present.
  compact += "c2ln";
  expect_400(parse_jws(compact, kPath).error(), "alg");
}

TEST_F(JwsTest, RejectsHs256) {
  // An HMAC "signature" (keyed with the certificate, the classic algorithm-confusion attack).
  std::string header = R"({"alg":"HS256","x5c":[")" + cert_base64(cert_->get()) + R"("]})";
  std::string input = base64url_encode(header) + "." + base64url_encode(statement_json());
  std::string compact = input + "." + base64url_encode(std::string(32, 'x'));
  auto r = parse_jws(compact, kPath);
  ASSERT_FALSE(r.ok());
  expect_400(r.error(), "alg");
}

TEST_F(JwsTest, RejectsOtherAndMissingAlgs) {
  for (const char* header : {R"({"alg":"ES256"})", R"({"alg":"PS256"})", R"({"alg":"rs256"})",
                             R"({"alg":""})", R"({"alg":256})", R"({})", R"({"typ":"JWT"})"}) {
    std::string compact = base64url_encode(header) + "." +
                          base64url_encode(statement_json()) + "." + base64url_encode("sig");
    auto r = parse_jws(compact, kPath);
    ASSERT_FALSE(r.ok()) << header;
    SCOPED_TRACE(header);
    expect_400(r.error(), "alg");
  }
}

TEST_F(JwsTest, RejectsWrongNumberOfSegments) {
  std::string compact = sign(statement_json());
  size_t b = compact.rfind('.');
  for (const std::string& bad :
       {std::string(""), std::string("."), std::string("abc"), compact.substr(0, b),
        compact + ".extra", compact + ".", "." + compact}) {
    auto r = parse_jws(bad, kPath);
    ASSERT_FALSE(r.ok()) << bad;
    SCOPED_TRACE(bad);
    expect_400(r.error());
  }
  expect_400(parse_jws("a.b", kPath).error(), "three");
  expect_400(parse_jws("a.b.c.d", kPath).error(), "three");
}

TEST_F(JwsTest, RejectsSegmentsThatAreNotBase64url) {
  std::string compact = sign(statement_json());
  size_t a = compact.find('.'), b = compact.rfind('.');
  std::string header = compact.substr(0, a), payload = compact.substr(a + 1, b - a - 1),
              signature = compact.substr(b + 1);
  for (const std::string& bad :
       {"+" + header + "." + payload + "." + signature,          // standard-alphabet character
        header + "." + payload + "/." + signature,               // ditto, in the payload
        header + "." + payload + "." + signature + "=",          // padding
        header + "." + payload + "." + signature.substr(1),      // wrong length (4n+1)
        header + " ." + payload + "." + signature,               // space
        header + "." + payload + "." + signature + "\n"}) {      // trailing newline
    auto r = parse_jws(bad, kPath);
    ASSERT_FALSE(r.ok()) << bad;
    SCOPED_TRACE(bad);
    expect_400(r.error());
  }
}

TEST_F(JwsTest, RejectsHeaderOrPayloadThatIsNotAJsonObject) {
  std::string sig = "." + base64url_encode("sig");
  std::string good_header = base64url_encode(R"({"alg":"RS256"})");
  std::string good_payload = base64url_encode(statement_json());
  for (const std::string& header : {std::string("not json"), std::string(R"(["RS256"])"),
                                    std::string(R"("RS256")"), std::string(""),
                                    std::string(R"({"alg":"RS256")")}) {
    auto r = parse_jws(base64url_encode(header) + "." + good_payload + sig, kPath);
    ASSERT_FALSE(r.ok()) << header;
    SCOPED_TRACE(header);
    expect_400(r.error(), "header");
  }
  for (const std::string& payload : {std::string("not json"), std::string("[1,2]"),
                                     std::string("42"), std::string(""), std::string("{\"a\":")}) {
    auto r = parse_jws(good_header + "." + base64url_encode(payload) + sig, kPath);
    ASSERT_FALSE(r.ok()) << payload;
    SCOPED_TRACE(payload);
    expect_400(r.error(), "payload");
  }
}

TEST_F(JwsTest, RejectsEmptySignatureSegmentWithX5c) {
  std::string compact = sign(statement_json());
  compact.resize(compact.rfind('.') + 1);
  auto jws = parse_jws(compact, kPath);
  ASSERT_TRUE(jws.ok());
  expect_400(verify_jws_signature(*jws, kPath), "does not verify");
}

// ---- comparing the payload with the statement --------------------------------------------

TEST_F(JwsTest, RejectsPayloadThatDiffersFromTheStatement) {
  std::string compact = sign(statement_json());
  // Signed and verified, but the statement sent is not what was signed.
  expect_400(check(compact, statement_json(R"(,"result":{"success":true})")), "does not match");
  std::string other_verb = statement_json();
  other_verb.replace(other_verb.find("completed"), 9, "attempted");
  expect_400(check(compact, other_verb), "does not match");
}

TEST_F(JwsTest, PayloadWithoutIdDoesNotMatchStatementWithId) {
  std::string no_id = statement_json();
  no_id.erase(no_id.find(R"("id":"7ccd)"), std::string(R"("id":"7ccd3322-e1a5-411a-a67d-6a735c76f119",)").size());
  expect_400(check(sign(no_id), statement_json()), "does not match");
}

TEST_F(JwsTest, MemberOrderAndNumberFormDoNotMatter) {
  std::string payload =
      R"({"object":{"id":"http://example.com/activities/signed","objectType":"Activity"},)"
      R"("verb":{"display":{"en-US":"completed"},"id":"http://adlnet.gov/expapi/verbs/completed"},)"
      R"("actor":{"name":"Signer","mbox":"mailto:signer@example.com","objectType":"Agent"},)"
      R"("id":"7ccd3322-e1a5-411a-a67d-6a735c76f119","result":{"score":{"raw":1.0}}})";
  Status s = check(sign(payload), statement_json(R"(,"result":{"score":{"raw":1}})"));
  EXPECT_TRUE(s.ok()) << s.error().describe();
}

TEST_F(JwsTest, DurationsMatchToAHundredthOfASecond) {
  Status s = check(sign(statement_json(R"(,"result":{"duration":"PT1.12S"})")),
                   statement_json(R"(,"result":{"duration":"PT1.1237S"})"));
  EXPECT_TRUE(s.ok()) << s.error().describe();
  // And the other way round.
  s = check(sign(statement_json(R"(,"result":{"duration":"PT1.1237S"})")),
            statement_json(R"(,"result":{"duration":"PT1.12S"})"));
  EXPECT_TRUE(s.ok()) << s.error().describe();
  // Trailing zeros and a missing fraction are the same duration.
  s = check(sign(statement_json(R"(,"result":{"duration":"PT1.10S"})")),
            statement_json(R"(,"result":{"duration":"PT1.1S"})"));
  EXPECT_TRUE(s.ok()) << s.error().describe();
  s = check(sign(statement_json(R"(,"result":{"duration":"PT2S"})")),
            statement_json(R"(,"result":{"duration":"PT2.004S"})"));
  EXPECT_TRUE(s.ok()) << s.error().describe();
  s = check(sign(statement_json(R"(,"result":{"duration":"P1DT2H3M4.567S"})")),
            statement_json(R"(,"result":{"duration":"P1DT2H3M4.56S"})"));
  EXPECT_TRUE(s.ok()) << s.error().describe();
}

TEST_F(JwsTest, RejectsDurationsThatDifferByAHundredthOrMore) {
  expect_400(check(sign(statement_json(R"(,"result":{"duration":"PT1.13S"})")),
                   statement_json(R"(,"result":{"duration":"PT1.1237S"})")),
             "does not match");
  expect_400(check(sign(statement_json(R"(,"result":{"duration":"PT1S"})")),
                   statement_json(R"(,"result":{"duration":"PT1.01S"})")),
             "does not match");
  expect_400(check(sign(statement_json(R"(,"result":{"duration":"PT2M1.12S"})")),
                   statement_json(R"(,"result":{"duration":"PT3M1.12S"})")),
             "does not match");
}

TEST_F(JwsTest, IgnoresAttachmentsAuthorityStoredAndVersionInTheComparison) {
  const std::string lrs_added =
      R"(,"attachments":[{"usageType":"http://adlnet.gov/expapi/attachments/signature",)"
      R"("display":{"en-US":"Signature"},"contentType":"application/octet-stream","length":100,)"
      R"("sha2":"0000000000000000000000000000000000000000000000000000000000000000"}],)"
      R"("authority":{"objectType":"Agent","account":{"homePage":"http://lrs.example.com","name":"k"}},)"
      R"("stored":"2024-01-02T03:04:05.678Z","version":"2.0.0")";
  // Statement has them, payload does not.
  Status s = check(sign(statement_json()), statement_json(lrs_added));
  EXPECT_TRUE(s.ok()) << s.error().describe();
  // Payload has different ones.
  s = check(sign(statement_json(R"(,"version":"1.0.0","stored":"2020-01-01T00:00:00Z","attachments":[])")),
            statement_json(lrs_added));
  EXPECT_TRUE(s.ok()) << s.error().describe();
  // But a difference elsewhere still counts.
  expect_400(check(sign(statement_json(R"(,"timestamp":"2020-01-01T00:00:00Z")")),
                   statement_json(lrs_added)),
             "does not match");
}

}  // namespace
}  // namespace scribe::xapi
