#include "xapi/statement_terms.h"

#include "common/text.h"

#include <algorithm>
#include <cctype>

namespace scribe::xapi {

using storage::IndexKind;
using storage::Term;

namespace {

constexpr char kSep = '\x1f';

Term make_term(IndexKind kind, std::string_view text, uint8_t flags = 0) {
  return Term{kind, storage::hash_term(text), flags};
}

bool is_activity(const json::Value& object) {
  auto type = object.get_string("objectType");
  return type.empty() || type == "Activity";
}

bool is_agent_or_group(const json::Value& object) {
  auto type = object.get_string("objectType");
  return type == "Agent" || type == "Group";
}

class TermCollector {
 public:
  void add(Term t) {
    for (Term& have : terms_)
      if (have.same_term(t)) {
        have.flags |= t.flags;
        return;
      }
    terms_.push_back(t);
  }

  // An agent or group anywhere: related terms for it and, for a group, its members.
  void related_agent(const json::Value* agent) {
    if (!agent || !agent->is_object()) return;
    if (auto id = agent_identity(*agent)) add(agent_term(*id, true));
    if (const json::Value* members = agent->get("member"); members && members->is_array())
      for (const auto& m : members->as_array())
        if (auto id = agent_identity(m)) add(agent_term(*id, true));
  }

  void context_activities(const json::Value* context) {
    const json::Value* ca = context ? context->get("contextActivities") : nullptr;
    if (!ca || !ca->is_object()) return;
    for (const auto& [kind, list] : ca->as_object()) {
      auto one = [&](const json::Value& a) {
        if (auto id = a.get_string("id"); !id.empty())
          add(activity_term(std::string(id), true));
      };
      if (list.is_array())
        for (const auto& a : list.as_array()) one(a);
      else if (list.is_object())
        one(list);
    }
  }

  void context_agents(const json::Value* context) {
    if (!context) return;
    related_agent(context->get("instructor"));
    related_agent(context->get("team"));
    if (const json::Value* list = context->get("contextAgents"); list && list->is_array())
      for (const auto& ca : list->as_array()) related_agent(ca.get("agent"));
    if (const json::Value* list = context->get("contextGroups"); list && list->is_array())
      for (const auto& cg : list->as_array()) related_agent(cg.get("group"));
  }

  // The parts a statement and a sub-statement share.
  void body(const json::Value& s, bool top_level) {
    const json::Value* actor = s.get("actor");
    const json::Value* object = s.get("object");
    const json::Value* context = s.get("context");
    if (top_level) {
      if (actor)
        if (auto id = agent_identity(*actor)) add(agent_term(*id, false));
      if (const json::Value* verb = s.get("verb"))
        if (auto id = verb->get_string("id"); !id.empty()) add(verb_term(std::string(id)));
      if (context)
        if (auto r = context->get_string("registration"); !r.empty())
          add(registration_term(std::string(r)));
    }
    related_agent(actor);
    context_agents(context);
    context_activities(context);
    if (!object) return;
    if (is_activity(*object)) {
      if (auto id = object->get_string("id"); !id.empty()) {
        if (top_level) add(activity_term(std::string(id), false));
        add(activity_term(std::string(id), true));
      }
    } else if (is_agent_or_group(*object)) {
      if (top_level)
        if (auto id = agent_identity(*object)) add(agent_term(*id, false));
      related_agent(object);
    } else if (top_level && object->get_string("objectType") == "SubStatement") {
      body(*object, false);
    }
  }

  std::vector<Term> take() { return std::move(terms_); }

 private:
  std::vector<Term> terms_;
};

}  // namespace

std::optional<std::string> agent_identity(const json::Value& agent) {
  if (!agent.is_object()) return std::nullopt;
  if (auto v = agent.get_string("mbox"); !v.empty())
    return "mbox" + std::string(1, kSep) + text::ascii_lower(v);
  if (auto v = agent.get_string("mbox_sha1sum"); !v.empty())
    return "mbox_sha1sum" + std::string(1, kSep) + text::ascii_lower(v);
  if (auto v = agent.get_string("openid"); !v.empty())
    return "openid" + std::string(1, kSep) + std::string(v);
  if (const json::Value* account = agent.get("account"); account && account->is_object()) {
    return "account" + std::string(1, kSep) + std::string(account->get_string("homePage")) +
           kSep + std::string(account->get_string("name"));
  }
  return std::nullopt;
}

Term agent_term(const std::string& identity, bool related) {
  return make_term(IndexKind::Agent, identity, related ? 0 : storage::kTermDirect);
}

Term verb_term(const std::string& verb_id) { return make_term(IndexKind::Verb, verb_id); }

Term activity_term(const std::string& activity_id, bool related) {
  return make_term(IndexKind::Activity, activity_id, related ? 0 : storage::kTermDirect);
}

Term registration_term(const std::string& registration) {
  return make_term(IndexKind::Registration, text::ascii_lower(registration));
}

std::vector<Term> statement_terms(const json::Value& statement) {
  TermCollector c;
  c.body(statement, true);
  c.related_agent(statement.get("authority"));
  return c.take();
}

}  // namespace scribe::xapi
