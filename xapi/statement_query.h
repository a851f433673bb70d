// The GET /statements parameters: parsed and checked (each error names the parameter), turned
// into a storage query, and carried across pages by the `more` cursor. The cursor is
// stateless and opaque: the original parameters plus the last seq returned, base64url-encoded,
// so it stays valid across restarts and costs the server nothing to keep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "storage/statement_reader.h"
#include "xapi/statement_format.h"
#include "xapi/statement_terms.h"
#include "xapi/version.h"

namespace scribe::xapi {

using Params = std::vector<std::pair<std::string, std::string>>;

struct StatementQueryParams {
  std::optional<std::string> statement_id;         // lower-case UUID
  std::optional<std::string> voided_statement_id;  // lower-case UUID
  std::vector<TermText> terms;                     // agent/verb/activity/registration filters
  std::optional<int64_t> since_micros;             // exclusive
  std::optional<int64_t> until_micros;             // inclusive
  std::optional<uint32_t> limit;                   // absent: default; 0: the maximum
  StatementFormat format = StatementFormat::Exact;
  bool attachments = false;
  bool ascending = false;
  std::optional<storage::Seq> after_seq;  // from a `more` cursor
  Params original;                        // the parameters as sent, for the next cursor
};

struct QueryLimits {
  uint32_t limit_default;
  uint32_t limit_max;
};

Result<StatementQueryParams> parse_statement_query(const Params& params, Version version);

// The storage query for a multi-statement GET in `store`, its terms hashed with `term_key`.
storage::StatementQuery to_storage_query(const StatementQueryParams& p, storage::StoreId store,
                                         const storage::TermKey& term_key, const QueryLimits& limits);

// The `more` IRL continuing after `last_seq`, relative to the server root.
std::string more_url(const std::string& statements_path, const StatementQueryParams& p,
                     storage::Seq last_seq);
// Decodes a cursor back into parameters (errors: 400 on `more`).
Result<StatementQueryParams> parse_more(const std::string& cursor, Version version);

}  // namespace scribe::xapi
