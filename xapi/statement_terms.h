// What a statement is found by: its index terms (storage/keys.h IndexKind) computed from a
// validated statement, and the same terms computed from query parameters, so that a filter and
// the statements it should match always agree on the term text.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/json_dom.h"
#include "common/text.h"
#include "storage/keys.h"

namespace scribe::xapi {

// The inverse functional identifier of an Agent or identified Group as a canonical string
// (e.g. "mbox\x1fmailto:a@b.c"); nullopt for an anonymous Group or a non-agent. `V` is
// json::Value or json::Node: statements are read as Nodes, credentials and records as Values.
template <class V>
std::optional<std::string> agent_identity(const V& agent) {
  constexpr char kSep = '\x1f';
  if (!agent.is_object()) return std::nullopt;
  if (auto v = agent.get_string("mbox"); !v.empty())
    return "mbox" + std::string(1, kSep) + text::ascii_lower(v);
  if (auto v = agent.get_string("mbox_sha1sum"); !v.empty())
    return "mbox_sha1sum" + std::string(1, kSep) + text::ascii_lower(v);
  if (auto v = agent.get_string("openid"); !v.empty())
    return "openid" + std::string(1, kSep) + std::string(v);
  if (const auto account = agent.get("account"); account && account->is_object()) {
    return "account" + std::string(1, kSep) + std::string(account->get_string("homePage")) +
           kSep + std::string(account->get_string("name"));
  }
  return std::nullopt;
}

// The identity of an authority: agent_identity() for an Agent, and for a Group of two Agents
// (the OAuth 3-legged form) its members' identities, sorted; nullopt when it has none.
template <class V>
std::optional<std::string> authority_identity(const V& authority) {
  if (auto id = agent_identity(authority)) return id;
  const auto members = authority.get("member");
  if (!members || !members->is_array() || members->as_array().empty()) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& m : members->as_array()) {
    auto id = agent_identity(m);
    if (!id) return std::nullopt;
    ids.push_back(std::move(*id));
  }
  std::sort(ids.begin(), ids.end());
  std::string out = "group";
  for (const auto& id : ids) out.append(1, '\x1e').append(id);
  return out;
}

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

// The key of an agent's Agents-resource entry within its store (storage/keys.h): its identity
// hashed with the store's key, so that no identifier is ever a RocksDB key (the key ranges of a
// data folder's files, kept in its MANIFEST, would still name it after an erasure).
std::string person_entry_key(const storage::TermKey& key, std::string_view identity);

// The statement's own terms (not those inherited through a StatementRef), without duplicates,
// hashed with the store's `key`; the authority's term included. `authority` is the
// statement's own when absent (a stored statement carries it; an incoming one gets the
// writer's).
std::vector<storage::Term> statement_terms(const storage::TermKey& key, const json::Node& statement,
                                           const json::Node& authority = json::Node());
// The same, from a stored statement's JSON (storage::OwnTerms); nullopt when it is not JSON.
std::optional<std::vector<storage::Term>> stored_statement_terms(const storage::TermKey& key,
                                                                 std::string_view stored_json);

}  // namespace scribe::xapi
