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

// With related=false the term is direct (actor/object): as a filter it needs kTermDirect.
storage::Term agent_term(const std::string& identity, bool related);
storage::Term verb_term(const std::string& verb_id);
storage::Term activity_term(const std::string& activity_id, bool related);
storage::Term registration_term(const std::string& registration);

// The statement's own terms (not those inherited through a StatementRef), without duplicates.
std::vector<storage::Term> statement_terms(const json::Value& statement);

}  // namespace scribe::xapi
