// 128-bit hashes of index terms (an agent's identifier, a verb id, an activity id, a
// registration). At 128 bits a collision between two distinct terms is not a practical concern
// (p ~ n^2 / 2^129), so index hits need no re-check against the statement.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace scribe::storage {

using TermHash = std::array<uint8_t, 16>;

// MurmurHash3 x64/128 (a public-domain algorithm), fixed seed; output big-endian bytes.
TermHash hash_term(std::string_view term);

}  // namespace scribe::storage
