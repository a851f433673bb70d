// The pair terms derived from a statement's terms (storage/index_terms.h): one per direct agent
// and verb, none for related agents, distinct per agent and per verb, and a query's direct
// agent and verb replaced by their pair while every other term stays.
#include "storage/index_terms.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "storage/term_hash.h"

namespace scribe::storage {
namespace {

const TermKey kKey{7};
Term term(IndexKind kind, std::string_view text, uint8_t flags = 0) {
  return Term{kind, hash_term(kKey, text), flags};
}

std::vector<Term> index_terms(const std::vector<Term>& terms) {
  std::vector<Term> out;
  for_each_index_term(terms, [&](const Term& t) { out.push_back(t); });
  return out;
}

TEST(IndexTermsTest, EachDirectAgentPairsWithEachVerb) {
  const Term a = term(IndexKind::Agent, "a", kTermDirect), b = term(IndexKind::Agent, "b", kTermDirect);
  const Term related = term(IndexKind::Agent, "c");
  const Term v = term(IndexKind::Verb, "v"), w = term(IndexKind::Verb, "w");
  const Term x = term(IndexKind::Activity, "x", kTermDirect);
  const std::vector<Term> terms{a, related, v, x, b, w};
  const std::vector<Term> expected{a, related, v, x, b, w, agent_verb_term(a, v), agent_verb_term(a, w),
                                   agent_verb_term(b, v), agent_verb_term(b, w)};
  EXPECT_EQ(index_terms(terms), expected);
  EXPECT_EQ(index_terms({a, x}), (std::vector<Term>{a, x}));  // no verb, no pair
  EXPECT_EQ(index_terms({related, v}), (std::vector<Term>{related, v}));
}

TEST(IndexTermsTest, PairsAreDistinctPerAgentAndVerbAndRecordTheDirectFlag) {
  const Term a = term(IndexKind::Agent, "a", kTermDirect), b = term(IndexKind::Agent, "b", kTermDirect);
  const Term v = term(IndexKind::Verb, "v"), w = term(IndexKind::Verb, "w");
  const Term av = agent_verb_term(a, v);
  EXPECT_EQ(av.kind, IndexKind::AgentVerb);
  EXPECT_EQ(av.flags, kTermDirect);
  EXPECT_EQ(av, agent_verb_term(a, v));
  EXPECT_NE(av.hash, agent_verb_term(a, w).hash);
  EXPECT_NE(av.hash, agent_verb_term(b, v).hash);
  // The same hashes the other way round (an agent hash used as a verb's) make another pair.
  const Term v_as_agent{IndexKind::Agent, v.hash, kTermDirect}, a_as_verb{IndexKind::Verb, a.hash, 0};
  EXPECT_NE(av.hash, agent_verb_term(v_as_agent, a_as_verb).hash);
  EXPECT_FALSE(inherited_by_referrers(IndexKind::AgentVerb));
}

TEST(IndexTermsTest, AQueryWalksADirectAgentAndAVerbAsTheirPair) {
  const Term a = term(IndexKind::Agent, "a", kTermDirect), related = term(IndexKind::Agent, "a");
  const Term v = term(IndexKind::Verb, "v"), r = term(IndexKind::Registration, "r");
  EXPECT_EQ(with_pair_terms({a, r, v}), (std::vector<Term>{agent_verb_term(a, v), r}));
  EXPECT_EQ(with_pair_terms({v, a}), (std::vector<Term>{agent_verb_term(a, v)}));
  EXPECT_EQ(with_pair_terms({related, v}), (std::vector<Term>{related, v}));  // related_agents
  EXPECT_EQ(with_pair_terms({a, r}), (std::vector<Term>{a, r}));
  EXPECT_EQ(with_pair_terms({}), std::vector<Term>{});
}

}  // namespace
}  // namespace scribe::storage
