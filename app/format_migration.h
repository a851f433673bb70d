// Moves an older data folder (storage/data_format.h) to the current format in place, at start.
// Format 1 to 2:
// - the `default` store (id 1, the only store format 1 had) gets its record and a new random
//   term key, written before anything else, so a rerun uses the same key;
// - every statement's index terms are recomputed from its JSON with that key, the terms it
//   inherits through StatementRefs included (transitively);
// - every document moves to the key its scope hashes to now;
// - credentials are dropped: their PBKDF2 hashes cannot become HMAC-peppered ones. A new
//   bootstrap credential is then created and shown, as at a first start.
// Each step is idempotent and the format is recorded only at the end, so a crash mid-way
// leaves format 1, and the next start migrates again from the top. Statements, their ids and
// `stored` times, voiding, attachments, Agents and Activities are kept as they are.
// Formats 2 and 3 to 4: the index is dropped (format 2's one key per (term, statement), or
// format 3's posting lists without agent·verb pairs), its progress key with it, so the indexer
// (storage/indexer.h) rebuilds posting lists from the statement records, which carry their
// terms. Queries wait for that rebuild (bounded), nothing else does.
// Format 4 to 5 (and the others on their way): every statement's uses of attachments are
// recorded (storage/keys.h), so that an erasure deletes an attachment with its last use, and
// every Agents entry moves from its identity to its person entry key (a keyed hash), so that no
// identifier is a RocksDB key. Both steps are idempotent.
#pragma once

#include <cstdint>
#include <ostream>

#include "common/result.h"
#include "storage/engine.h"

namespace scribe::app {

struct MigrationCounts {
  uint64_t statements = 0;
  uint64_t index_entries = 0;
  uint64_t documents = 0;
  uint64_t credentials_dropped = 0;
};

// Migrates, reporting progress on `log`. Refuses a folder with data outside store 1.
Result<MigrationCounts> migrate_format_1(storage::Engine& engine, std::ostream& log);
// Formats 2 and 3: drops the index so that it is rebuilt, lists the attachments' uses, and
// records the current format.
Status rebuild_index(storage::Engine& engine, uint32_t from_format, std::ostream& log);
// Format 4: lists the attachments' uses, rekeys the Agents entries, records the current format.
Status migrate_format_4(storage::Engine& engine, std::ostream& log);
// Records which statement declares which attachment, for every statement (idempotent); how many
// uses.
Result<uint64_t> list_attachment_uses(storage::Engine& engine, std::ostream& log);

}  // namespace scribe::app
