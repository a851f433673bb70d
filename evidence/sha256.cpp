#include "evidence/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace scribe::evidence {

namespace {

void init_or_die(EVP_MD_CTX* ctx) {
  // Only a broken OpenSSL fails to start a SHA-256 digest: nothing can be hashed then.
  if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) std::abort();
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
  if (EVP_Digest(bytes.data(), bytes.size(), h.data(), &n, EVP_sha256(), nullptr) != 1) std::abort();
  return h;
}

}  // namespace scribe::evidence
