#include "storage/term_hash.h"

#include <cstring>

namespace scribe::storage {

namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "term hashes assume little-endian");

inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

inline uint64_t load_le64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline void store_le64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

struct SipState {
  uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  }
  void compress(uint64_t m) {  // c = 2 rounds per message word
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  uint64_t finalize_word(uint8_t marker) {  // d = 4 rounds
    v2 ^= marker;
    for (int i = 0; i < 4; i++) round();
    return v0 ^ v1 ^ v2 ^ v3;
  }
};

}  // namespace

TermHash hash_term(const TermKey& key, std::string_view term) {
  const uint64_t k0 = load_le64(key.data()), k1 = load_le64(key.data() + 8);
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
             k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
  s.v1 ^= 0xee;  // 128-bit output mode

  const auto* in = reinterpret_cast<const uint8_t*>(term.data());
  const size_t len = term.size();
  const size_t whole = len & ~size_t(7);
  for (size_t i = 0; i < whole; i += 8) s.compress(load_le64(in + i));
  uint64_t last = uint64_t(len & 0xff) << 56;
  for (size_t i = 0; i < (len & 7); i++) last |= uint64_t(in[whole + i]) << (8 * i);
  s.compress(last);

  TermHash out;
  store_le64(out.data(), s.finalize_word(0xee));
  s.v1 ^= 0xdd;
  for (int i = 0; i < 4; i++) s.round();
  store_le64(out.data() + 8, s.v0 ^ s.v1 ^ s.v2 ^ s.v3);
  return out;
}

}  // namespace scribe::storage
