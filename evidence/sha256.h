// SHA-256 (FIPS 180-4) through OpenSSL: a streaming hasher that can be reused, and one-shot
// helpers. The evidence log hashes every leaf and node with it (RFC 9162 §2.1).
// Guarantees: finish() returns the digest of everything updated since the last reset/finish
// and leaves the hasher ready for the next message.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

struct evp_md_ctx_st;

namespace scribe::evidence {

using Hash = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&& o) noexcept : ctx_(o.ctx_) { o.ctx_ = nullptr; }
  Sha256& operator=(Sha256&& o) noexcept {
    std::swap(ctx_, o.ctx_);
    return *this;
  }

  Sha256& update(std::string_view bytes);
  Sha256& update(const void* bytes, size_t size);
  Sha256& update(uint8_t byte) { return update(&byte, 1); }
  Sha256& update(const Hash& h) { return update(h.data(), h.size()); }
  Hash finish();

 private:
  evp_md_ctx_st* ctx_;
};

Hash sha256(std::string_view bytes);

inline std::string_view as_bytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace scribe::evidence
