// The on-disk format version of a data folder, kept in the meta family ("format_version",
// u32). Format 2 keys term and document-scope hashes per store (SipHash-2-4) and keeps
// secrets as HMAC-SHA256 with a pepper; format 1 (before it) used one unkeyed MurmurHash3 for
// every store and PBKDF2 secrets, so its index and credentials cannot be read by this version.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "storage/engine.h"

namespace scribe::storage {

inline constexpr uint32_t kDataFormatVersion = 2;

// Records the current format in a new (empty) data folder. An older or newer format is an
// error whose message says how to move the data.
Status check_data_format(Engine& engine);

}  // namespace scribe::storage
