// The on-disk format version of a data folder, kept in the meta family ("format_version",
// u32). Format 5 records which statement declares which attachment (storage/keys.h); format 4,
// the same without, indexes with posting lists written by the indexer (one value per term and
// range, storage/posting_list.h), agent·verb pair lists included (storage/index_terms.h).
// Format 3 was the same without pair lists. Format 2 had one index key per (term, statement); it keys
// term and document-scope hashes per store (SipHash-2-4) and keeps secrets as HMAC-SHA256 with
// a pepper, as 3 does. Format 1 (recorded nowhere) used one unkeyed MurmurHash3 for every store
// and PBKDF2 secrets. app/format_migration.h moves 1, 2, 3 and 4 to 5.
#pragma once

#include <string_view>

#include <cstdint>

#include "common/result.h"
#include "storage/engine.h"

namespace scribe::storage {

inline constexpr uint32_t kDataFormatVersion = 5;
inline constexpr std::string_view kDataFormatKey = "format_version";  // in the meta family
inline constexpr uint32_t kNewDataFolder = 0;  // read_data_format: nothing stored yet

// The recorded format; 1 for a folder that holds data but no record; kNewDataFolder for an
// empty one.
Result<uint32_t> read_data_format(Engine& engine);
// Records kDataFormatVersion (durably).
Status record_data_format(Engine& engine);
// The error for a format this version neither reads nor migrates.
Error unsupported_data_format(uint32_t version);

}  // namespace scribe::storage
