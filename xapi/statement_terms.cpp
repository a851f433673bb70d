#include "xapi/statement_terms.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "common/text.h"

namespace scribe::xapi {

using storage::IndexKind;
using storage::Term;

namespace {

TermText make_term(IndexKind kind, std::string text, uint8_t flags = 0) {
  return TermText{kind, std::move(text), flags};
}

bool is_activity(const json::Node& object) {
  auto type = object.get_string("objectType");
  return type.empty() || type == "Activity";
}

bool is_agent_or_group(const json::Node& object) {
  auto type = object.get_string("objectType");
  return type == "Agent" || type == "Group";
}

class TermCollector {
 public:
  explicit TermCollector(const storage::TermKey& key) : key_(key) {}

  void add(const TermText& text) { add(hash_term(key_, text)); }
  // One term per (kind, hash), flags OR-ed: found through `index_` in constant time, so a
  // statement with thousands of activities costs linear time.
  void add(Term t) {
    std::string key(1, char(t.kind));
    key.append(reinterpret_cast<const char*>(t.hash.data()), t.hash.size());
    auto [it, inserted] = index_.try_emplace(std::move(key), terms_.size());
    if (!inserted) {
      terms_[it->second].flags |= t.flags;
      return;
    }
    terms_.push_back(t);
  }

  // An agent or group anywhere: related terms for it and, for a group, its members.
  void related_agent(json::Node agent) {
    if (!agent || !agent->is_object()) return;
    if (auto id = agent_identity(*agent)) add(agent_term(*id, true));
    if (json::Node members = agent->get("member"); members && members->is_array())
      for (const auto& m : members->as_array())
        if (auto id = agent_identity(m)) add(agent_term(*id, true));
  }

  void context_activities(json::Node context) {
    json::Node ca = context ? context->get("contextActivities") : json::Node();
    if (!ca || !ca->is_object()) return;
    for (const auto& [kind, list] : ca->as_object()) {
      auto one = [&](const json::Node& a) {
        if (auto id = a.get_string("id"); !id.empty())
          add(activity_term(std::string(id), true));
      };
      if (list.is_array())
        for (const auto& a : list.as_array()) one(a);
      else if (list.is_object())
        one(list);
    }
  }

  void context_agents(json::Node context) {
    if (!context) return;
    related_agent(context->get("instructor"));
    related_agent(context->get("team"));
    if (json::Node list = context->get("contextAgents"); list && list->is_array())
      for (const auto& ca : list->as_array()) related_agent(ca.get("agent"));
    if (json::Node list = context->get("contextGroups"); list && list->is_array())
      for (const auto& cg : list->as_array()) related_agent(cg.get("group"));
  }

  // The parts a statement and a sub-statement share.
  void body(const json::Node& s, bool top_level) {
    json::Node actor = s.get("actor");
    json::Node object = s.get("object");
    json::Node context = s.get("context");
    if (top_level) {
      if (actor)
        if (auto id = agent_identity(*actor)) add(agent_term(*id, false));
      if (json::Node verb = s.get("verb"))
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
  const storage::TermKey& key_;
  std::vector<Term> terms_;
  std::unordered_map<std::string, size_t> index_;  // kind · hash → its place in terms_
};

}  // namespace

TermText agent_term(const std::string& identity, bool related) {
  return make_term(IndexKind::Agent, identity, related ? 0 : storage::kTermDirect);
}

TermText verb_term(const std::string& verb_id) { return make_term(IndexKind::Verb, verb_id); }

TermText activity_term(const std::string& activity_id, bool related) {
  return make_term(IndexKind::Activity, activity_id, related ? 0 : storage::kTermDirect);
}

TermText registration_term(const std::string& registration) {
  return make_term(IndexKind::Registration, text::ascii_lower(registration));
}

TermText authority_term(const std::string& identity) {
  return make_term(IndexKind::Authority, identity);
}

std::string person_entry_key(const storage::TermKey& key, std::string_view identity) {
  std::string text = "person";
  text.push_back('\x1f');
  text.append(identity);
  const storage::TermHash h = storage::hash_term(key, text);
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

Term hash_term(const storage::TermKey& key, const TermText& term) {
  return Term{term.kind, storage::hash_term(key, term.text), term.flags};
}

std::vector<Term> statement_terms(const storage::TermKey& key, const json::Node& statement,
                                  const json::Node& writer_authority) {
  TermCollector c(key);
  c.body(statement, true);
  json::Node authority = writer_authority ? writer_authority : statement.get("authority");
  c.related_agent(authority);
  if (authority)
    if (auto id = authority_identity(*authority)) c.add(authority_term(*id));
  return c.take();
}

std::optional<std::vector<storage::Term>> stored_statement_terms(const storage::TermKey& key,
                                                                 std::string_view stored_json) {
  auto statement = json::Document::parse(stored_json);
  if (!statement || !statement->root().is_object()) return std::nullopt;
  return statement_terms(key, statement->root());
}

}  // namespace scribe::xapi
