// Keyed 128-bit hashes of index terms (an agent's identifier, a verb id, an activity id, a
// registration, an authority) and of document scopes. Every store has its own secret 128-bit
// key, so nobody who does not hold the key can craft two identifiers whose hashes collide:
// SipHash-2-4 is a PRF, unlike an unkeyed hash (MurmurHash3 has seed-independent multicollision
// attacks). A collision between honest terms is p ~ n^2 / 2^129: index hits are not re-checked.
// Document scopes are re-checked anyway (storage/document_store.h).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace scribe::storage {

using TermHash = std::array<uint8_t, 16>;
using TermKey = std::array<uint8_t, 16>;  // a store's secret term-hash key

// SipHash-2-4 with a 128-bit output (Aumasson & Bernstein; the `siphash` reference code's
// 128-bit mode), keyed by `key`. The 16 output bytes are the algorithm's own little-endian
// output, byte for byte as OpenSSL's EVP_MAC "SIPHASH" with size 16 produces them.
TermHash hash_term(const TermKey& key, std::string_view term);

}  // namespace scribe::storage
