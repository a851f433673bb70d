// The terms a statement is indexed under: the terms it has (its own and the ones it inherits
// through StatementRefs, keys.h), and the pair terms derived from them. A pair term
// (IndexKind::AgentVerb) stands for "this agent as actor or object, with this verb". Agent and
// verb is the commonest combined filter (who did what), and the join of a sparse agent with a
// dense verb seeks one verb list per agent posting; the pair makes it one list walk.
// Guarantees: pairs are derived from a statement's term set alone, so the commit, a back-fill
// and a rebuild derive the same ones, and a statement has exactly the pairs that the join of
// its direct agent terms and its verb terms would match (inherited terms included, so the
// StatementRef rules stay as they are). Records never keep pair terms; pairs are not inherited
// (a referrer derives its own from the terms it inherits).
#pragma once

#include <vector>

#include "storage/keys.h"

namespace scribe::storage {

// The pair term of an agent (as actor or object) and a verb. Its hash is SipHash keyed by the
// agent's hash (itself a keyed hash nobody without the store's key can predict) over the
// verb's hash, so pairs collide no more than terms do.
Term agent_verb_term(const Term& agent, const Term& verb);

// Calls f(term) for every term of `terms`, then for every pair they imply.
template <typename F>
void for_each_index_term(const std::vector<Term>& terms, F&& f) {
  for (const Term& t : terms) f(t);
  for (const Term& agent : terms) {
    if (agent.kind != IndexKind::Agent || !(agent.flags & kTermDirect)) continue;
    for (const Term& verb : terms)
      if (verb.kind == IndexKind::Verb) f(agent_verb_term(agent, verb));
  }
}

// A query's required terms with a direct agent term and a verb term replaced by their pair
// (the same statements match: see above). Other terms are kept, in order.
std::vector<Term> with_pair_terms(std::vector<Term> required);

}  // namespace scribe::storage
