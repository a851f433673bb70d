#include "evidence/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace scribe::evidence {

namespace {

// SHA-256 fetched from the provider once, as OpenSSL crypto(7) ("Performance") advises:
// EVP_sha256() makes every init fetch it again.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  if (!md) std::abort();  // only a broken OpenSSL lacks SHA-256: nothing can be hashed then
  return md;
}

void init_or_die(EVP_MD_CTX* ctx) {
  if (!ctx || EVP_DigestInit_ex(ctx, sha256_md(), nullptr) != 1) std::abort();
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { init_or_die(ctx_); }

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

Sha256& Sha256::update(const void* bytes, size_t size) {
  if (size && EVP_DigestUpdate(ctx_, bytes, size) != 1) std::abort();
  return *this;
}

Sha256& Sha256::update(std::string_view bytes) { return update(bytes.data(), bytes.size()); }

Hash Sha256::finish() {
  Hash h{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_, h.data(), &n) != 1 || n != h.size()) std::abort();
  init_or_die(ctx_);
  return h;
}

Hash sha256(std::string_view bytes) {
  Hash h{};
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), h.data(), &n, sha256_md(), nullptr) != 1) std::abort();
  return h;
}

}  // namespace scribe::evidence
