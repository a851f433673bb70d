#include "xapi/jws.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cmath>
#include <memory>

#include "common/base64.h"

namespace scribe::xapi {

namespace {

const EVP_MD* digest_for(std::string_view alg) {
  if (alg == "RS256") return EVP_sha256();
  if (alg == "RS384") return EVP_sha384();
  if (alg == "RS512") return EVP_sha512();
  return nullptr;
}

// "1.2345S" → "1.23S": the spec compares durations to hundredths of a second.
std::string truncate_duration(const std::string& d) {
  size_t dot = d.find('.');
  if (dot == std::string::npos || d.empty() || d.back() != 'S') return d;
  size_t digits_end = d.size() - 1;
  size_t keep = std::min(digits_end, dot + 3);
  std::string out = d.substr(0, keep);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out + "S";
}

json::Value comparable(json::Value statement) {
  if (!statement.is_object()) return statement;
  auto& o = statement.as_object();
  for (const char* lrs_owned : {"attachments", "authority", "stored", "version"}) o.erase(lrs_owned);
  if (json::Value* result = o.find("result"); result && result->is_object())
    if (json::Value* d = result->as_object().find("duration"); d && d->is_string())
      *d = truncate_duration(d->as_string());
  return statement;
}

}  // namespace

Result<Jws> parse_jws(std::string_view compact, const std::string& path) {
  auto bad = [&](const std::string& why) { return bad_request(path, "invalid JWS signature: " + why); };
  size_t a = compact.find('.');
  size_t b = a == std::string_view::npos ? a : compact.find('.', a + 1);
  if (b == std::string_view::npos || compact.find('.', b + 1) != std::string_view::npos)
    return bad("not three dot-separated segments");
  auto header_text = base64url_decode(compact.substr(0, a));
  auto payload_text = base64url_decode(compact.substr(a + 1, b - a - 1));
  auto signature = base64url_decode(compact.substr(b + 1));
  if (!header_text || !payload_text || !signature) return bad("a segment is not base64url");
  auto header = json::parse(*header_text);
  if (!header || !header->is_object()) return bad("header is not a JSON object");
  auto payload = json::parse(*payload_text);
  if (!payload || !payload->is_object()) return bad("payload is not a JSON object");
  std::string alg(header->get_string("alg"));
  if (!digest_for(alg)) return bad("alg must be RS256, RS384 or RS512");
  return Jws{alg, std::move(*header), std::move(*payload),
             std::string(compact.substr(0, b)), std::move(*signature)};
}

Status verify_jws_signature(const Jws& jws, const std::string& path) {
  const json::Value* x5c = jws.header.get("x5c");
  if (!x5c) return Status::success();
  if (!x5c->is_array() || x5c->as_array().empty() || !x5c->as_array()[0].is_string())
    return bad_request(path, "JWS x5c must be an array of base64 certificates");
  auto der = base64_decode(x5c->as_array()[0].as_string());
  if (!der) return bad_request(path, "JWS x5c[0] is not base64");
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  std::unique_ptr<X509, decltype(&X509_free)> cert(d2i_X509(nullptr, &p, long(der->size())),
                                                   X509_free);
  if (!cert) return bad_request(path, "JWS x5c[0] is not an X.509 certificate");
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(X509_get_pubkey(cert.get()),
                                                          EVP_PKEY_free);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA)
    return bad_request(path, "JWS certificate does not hold an RSA key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  bool ok = ctx &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(jws.alg), nullptr, key.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(jws.signature.data()),
                             jws.signature.size(),
                             reinterpret_cast<const unsigned char*>(jws.signing_input.data()),
                             jws.signing_input.size()) == 1;
  if (!ok) return bad_request(path, "JWS signature does not verify with the x5c certificate");
  return Status::success();
}

Status signature_matches_statement(const Jws& jws, const json::Value& statement,
                                   const std::string& path) {
  if (comparable(jws.payload) != comparable(statement))
    return bad_request(path, "the JWS payload does not match the statement");
  return Status::success();
}

}  // namespace scribe::xapi
