#include "xapi/canonical_operands.h"

#include "xapi/statement_terms.h"

namespace scribe::xapi {

namespace {

class OperandCollector {
 public:
  explicit OperandCollector(const storage::TermKey& term_key) : term_key_(term_key) {}
  void agent(json::Node a) {
    if (!a || !a->is_object()) return;
    if (a->get_string("name").empty()) {
      // Nothing to add for this agent, but a group's members may have names.
    } else if (auto id = agent_identity(*a)) {
      out_.push_back({storage::Family::Agents, person_entry_key(term_key_, *id), person_json(*a, true)});
    }
    if (json::Node members = a->get("member"); members && members->is_array())
      for (json::Node m : members->as_array()) agent(m);
  }

  void activity(const json::Node& a) {
    json::Node definition = a.get("definition");
    std::string_view id = a.get_string("id");
    if (!definition || !definition->is_object() || id.empty()) return;
    // {"objectType":"Activity","id":…,"definition":…}, written directly (no temporary tree).
    std::string operand = "{\"objectType\":\"Activity\",\"id\":";
    operand.reserve(256);
    json::append_quoted(id, operand);
    operand += ",\"definition\":";
    json::serialize_to(*definition, operand);
    operand.push_back('}');
    out_.push_back({storage::Family::Activities, std::string(id), std::move(operand)});
  }

  void context(json::Node c) {
    if (!c || !c->is_object()) return;
    agent(c->get("instructor"));
    agent(c->get("team"));
    if (json::Node list = c->get("contextAgents"); list && list->is_array())
      for (const auto& ca : list->as_array()) agent(ca.get("agent"));
    if (json::Node list = c->get("contextGroups"); list && list->is_array())
      for (const auto& cg : list->as_array()) agent(cg.get("group"));
    json::Node ca = c->get("contextActivities");
    if (!ca || !ca->is_object()) return;
    for (const auto& [kind, list] : ca->as_object()) {
      if (list.is_array())
        for (const auto& a : list.as_array()) activity(a);
      else if (list.is_object())
        activity(list);
    }
  }

  void statement(const json::Node& s, bool top_level) {
    agent(s.get("actor"));
    context(s.get("context"));
    json::Node object = s.get("object");
    if (!object || !object->is_object()) return;
    std::string_view type = object->get_string("objectType");
    if (type.empty() || type == "Activity") activity(*object);
    else if (type == "Agent" || type == "Group") agent(*object);
    else if (type == "SubStatement" && top_level) statement(*object, false);
  }

  std::vector<storage::MergeOperand> take() { return std::move(out_); }

 private:
  const storage::TermKey& term_key_;
  std::vector<storage::MergeOperand> out_;
};

}  // namespace

std::vector<storage::MergeOperand> canonical_operands(const json::Node& statement, const storage::TermKey& term_key) {
  OperandCollector c(term_key);
  c.statement(statement, true);
  return c.take();
}

}  // namespace scribe::xapi
