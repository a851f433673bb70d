// What a statement is found by: its index terms (storage/keys.h IndexKind) computed from a
// validated statement, and the same terms computed from query parameters, so that a filter and
// the statements it should match always agree on the term text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "storage/keys.h"

namespace scribe::xapi {

// The inverse functional identifier of an Agent or identified Group as a canonical string
// (e.g. "mbox\x1fmailto:a@b.c"); nullopt for an anonymous Group or a non-agent.
std::optional<std::string> agent_identity(const json::Value& agent);

// The identity of an authority: agent_identity() for an Agent, and for a Group of two Agents
// (the OAuth 3-legged form) its members' identities, sorted; nullopt when it has none.
std::optional<std::string> authority_identity(const json::Value& authority);

// A term before hashing: its kind, canonical text and flags. Hashing needs the store's key
// (storage/term_hash.h), so a term names the same text in every store but never the same key.
struct TermText {
  storage::IndexKind kind;
  std::string text;
  uint8_t flags = 0;
  friend bool operator==(const TermText&, const TermText&) = default;
};

// With related=false the term is direct (actor/object): as a filter it needs kTermDirect.
TermText agent_term(const std::string& identity, bool related);
TermText verb_term(const std::string& verb_id);
TermText activity_term(const std::string& activity_id, bool related);
TermText registration_term(const std::string& registration);
TermText authority_term(const std::string& authority_identity);

storage::Term hash_term(const storage::TermKey& key, const TermText& term);

// The statement's own terms (not those inherited through a StatementRef), without duplicates,
// hashed with the store's `key`; the authority's term included.
std::vector<storage::Term> statement_terms(const storage::TermKey& key, const json::Value& statement);
// The same, from a stored statement's JSON (storage::OwnTerms); nullopt when it is not JSON.
std::optional<std::vector<storage::Term>> stored_statement_terms(const storage::TermKey& key,
                                                                 std::string_view stored_json);

}  // namespace scribe::xapi
