#include "storage/index_terms.h"

#include <algorithm>
#include <string_view>

#include "storage/term_hash.h"

namespace scribe::storage {

Term agent_verb_term(const Term& agent, const Term& verb) {
  const std::string_view verb_bytes(reinterpret_cast<const char*>(verb.hash.data()), verb.hash.size());
  return Term{IndexKind::AgentVerb, hash_term(agent.hash, verb_bytes), kTermDirect};
}

std::vector<Term> with_pair_terms(std::vector<Term> required) {
  auto agent = std::find_if(required.begin(), required.end(), [](const Term& t) {
    return t.kind == IndexKind::Agent && (t.flags & kTermDirect);
  });
  auto verb = std::find_if(required.begin(), required.end(),
                           [](const Term& t) { return t.kind == IndexKind::Verb; });
  if (agent == required.end() || verb == required.end()) return required;
  *agent = agent_verb_term(*agent, *verb);
  required.erase(verb);
  return required;
}

}  // namespace scribe::storage
