// Turns a validated statement into the form the committer stores: the LRS-owned properties set
// (id when absent, authority from the credential, version, timestamp normalised to UTC, client
// `stored` dropped: it is derived from seq), its index terms, and its StatementRef target.
// Also decides when a re-sent statement equals the stored one (a no-op rather than a 409).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/config.h"
#include "common/json.h"
#include "common/json_dom.h"
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
// The authority is kept as the JSON text every statement copies and as a Node its index terms
// are read from, both made once per writer (per request), not per statement.
class StatementWriter {
 public:
  // `terms_max`: index terms one statement may have (limits.statement_terms_max; a record holds
  // at most 65535).
  StatementWriter(json::Value authority, storage::TermKey term_key, bool may_define = true,
                  uint32_t terms_max = Config::Limits{}.statement_terms_max);

  const std::string& authority_json() const { return authority_json_; }
  json::Node authority() const { return authority_doc_->root(); }
  const storage::TermKey& term_key() const { return term_key_; }
  bool may_define() const { return may_define_; }
  uint32_t terms_max() const { return terms_max_; }

 private:
  std::string authority_json_;
  std::shared_ptr<const json::Document> authority_doc_;
  storage::TermKey term_key_;
  bool may_define_;
  uint32_t terms_max_;
};

// `statement` must already be valid for `version`; `id` is used when it has none (a PUT's
// statementId; a random UUID when empty too). `path` prefixes errors. The stored form is
// written straight from the parsed document: no tree is built.
Result<storage::PreparedStatement> prepare_statement(const json::Node& statement, Version version,
                                                     const StatementWriter& writer,
                                                     const std::string& path,
                                                     std::string_view id = {});

// The committer's notion of "the same statement": equal once the properties the LRS owns
// (authority, version, stored) are set aside.
bool same_statement(std::string_view stored_json, const storage::PreparedStatement& incoming);

}  // namespace scribe::xapi
