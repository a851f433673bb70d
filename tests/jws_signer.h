// Test helper: RSA keys, self-signed X.509 certificates and compact JWS signatures made with
// OpenSSL in the test itself (no key or certificate fixtures), for jws_test and
// attachments_test.
#pragma once

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/base64.h"

namespace scribe::testing_jws {

using PKeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

inline PKeyPtr rsa_key(unsigned bits = 2048) {
  PKeyPtr key(EVP_RSA_gen(bits), EVP_PKEY_free);
  if (!key) throw std::runtime_error("EVP_RSA_gen failed");
  return key;
}

inline PKeyPtr ec_key() {
  PKeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  if (!key) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

// A self-signed certificate for `key`, valid for a day.
inline X509Ptr self_signed_cert(EVP_PKEY* key, const char* common_name = "Scribe test signer") {
  X509Ptr cert(X509_new(), X509_free);
  if (!cert) throw std::runtime_error("X509_new failed");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) throw std::runtime_error("X509_sign failed");
  return cert;
}

// The certificate as standard base64 of its DER encoding, as x5c carries it.
inline std::string cert_base64(X509* cert) {
  unsigned char* der = nullptr;
  int n = i2d_X509(cert, &der);
  if (n <= 0) throw std::runtime_error("i2d_X509 failed");
  std::string out = base64_encode(std::string_view(reinterpret_cast<char*>(der), size_t(n)));
  OPENSSL_free(der);
  return out;
}

inline const EVP_MD* digest_for(std::string_view alg) {
  if (alg == "RS384") return EVP_sha384();
  if (alg == "RS512") return EVP_sha512();
  return EVP_sha256();
}

// RSASSA-PKCS1-v1_5 signature of `input` (what RS256/384/512 mean).
inline std::string rsa_sign(EVP_PKEY* key, std::string_view alg, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t n = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest_for(alg), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    throw std::runtime_error("EVP_DigestSign (size) failed");
  std::string sig(n, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &n,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("EVP_DigestSign failed");
  sig.resize(n);
  return sig;
}

// Compact JWS "<b64url header>.<b64url payload>.<b64url signature>" of `payload_json`, with a
// header {"alg":alg[,"x5c":[cert]]} (or `header_json` verbatim when given).
inline std::string sign_compact(EVP_PKEY* key, std::string_view alg, std::string_view payload_json,
                                X509* cert = nullptr, std::string header_json = "") {
  if (header_json.empty()) {
    header_json = "{\"alg\":\"" + std::string(alg) + "\"";
    if (cert) header_json += ",\"x5c\":[\"" + cert_base64(cert) + "\"]";
    header_json += "}";
  }
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  return input + "." + base64url_encode(rsa_sign(key, alg, input));
}

}  // namespace scribe::testing_jws
