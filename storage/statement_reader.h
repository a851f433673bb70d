// Reads statements: by id, and by query (index intersection in seq order).
// A query walks the index entries of every required term together (a leapfrog join on seq; a
// direct agent and a verb are walked as their pair term, storage/index_terms.h),
// skips voided statements, and stops after `limit` results, so its cost is proportional to the
// page it returns and the skips, never to the size of the store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/recent_postings.h"
#include "storage/statement_codec.h"

namespace scribe::storage {

struct StoredStatement {
  Seq seq = 0;
  Uuid id{};
  uint8_t flags = 0;
  std::string json;  // record JSON (see keys.h), decompressed: no `stored`, maybe no `timestamp`
};

struct StatementQuery {
  StoreId store = 0;
  std::vector<Term> required;  // every term must match
  Seq seq_min = 0;             // inclusive
  Seq seq_max = ~Seq(0);       // inclusive
  bool ascending = false;
  bool include_voided = false;  // exports: the log holds voided statements too
  uint32_t limit = 100;
};

struct StatementPage {
  std::vector<StoredStatement> statements;
  bool more = false;  // another matching statement exists past the last one returned
};

class StatementReader {
 public:
  // `recent`: the indexer's postings not yet in RocksDB (CommitPipeline::recent_postings());
  // without it, queries see only RocksDB's lists.
  // `codec`: the dictionaries of compressed statements (null: none are).
  explicit StatementReader(const Engine& engine, const RecentPostings* recent = nullptr,
                           const StatementCodec* codec = nullptr)
      : engine_(engine), recent_(recent), codec_(codec) {}

  // nullopt when no statement has this id.
  Result<std::optional<StoredStatement>> get(StoreId store, const Uuid& id) const;
  Result<bool> is_voided(StoreId store, const Uuid& id) const;
  Result<StatementPage> query(const StatementQuery& query) const;
  // The bytes of an attachment (sha2: lower-case hex); nullopt when not stored.
  Result<std::optional<std::string>> attachment(StoreId store, std::string_view sha2) const;

 private:
  const Engine& engine_;
  const RecentPostings* recent_;
  const StatementCodec* codec_;
};

}  // namespace scribe::storage
