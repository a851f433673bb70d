// Turns a validated statement into the form the committer stores: the LRS-owned properties set
// (id when absent, authority from the credential, version, timestamp normalised to UTC, client
// `stored` dropped: it is derived from seq), its index terms, and its StatementRef target.
// Also decides when a re-sent statement equals the stored one (a no-op rather than a 409).
#pragma once

#include <string>
#include <string_view>

#include "common/json.h"
#include "common/result.h"
#include "storage/commit_pipeline.h"
#include "xapi/version.h"

namespace scribe::xapi {

inline constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";

// A random (version 4) UUID, lower-case.
std::string random_uuid();

// Who writes statements: the authority the LRS puts on them, the store's term-hash key, and
// whether the credential may (re)define Activities and Agents (the `define` scope). Without
// it statements are stored but add nothing to the Activities and Agents resources.
struct StatementWriter {
  json::Value authority;
  storage::TermKey term_key{};
  bool may_define = true;
};

// `statement` must already be valid for `version`. `path` prefixes errors.
Result<storage::PreparedStatement> prepare_statement(json::Value statement, Version version,
                                                     const StatementWriter& writer,
                                                     const std::string& path);

// The committer's notion of "the same statement": equal once the properties the LRS owns
// (authority, version, stored) are set aside.
bool same_statement(std::string_view stored_json, const storage::PreparedStatement& incoming);

}  // namespace scribe::xapi
