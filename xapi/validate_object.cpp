// Statement objects (Data 2.4.4): Activities with their definitions and interaction components,
// Agents/Groups, StatementRefs and SubStatements (dispatched to statement_validator.cpp).
#include <set>

#include "xapi/validate_parts.h"

namespace scribe::xapi::detail {

namespace {

struct InteractionType {
  std::string_view name;
  std::string_view component_lists[2];  // unused slots are empty
};

const InteractionType kInteractionTypes[] = {
    {"true-false", {}},          {"choice", {"choices"}},  {"fill-in", {}},
    {"long-fill-in", {}},        {"matching", {"source", "target"}},
    {"performance", {"steps"}},  {"sequencing", {"choices"}}, {"likert", {"scale"}},
    {"numeric", {}},             {"other", {}},
};

constexpr std::string_view kComponentLists[] = {"choices", "scale", "source", "target", "steps"};

const InteractionType* find_interaction_type(std::string_view name) {
  for (const auto& t : kInteractionTypes)
    if (t.name == name) return &t;
  return nullptr;
}

bool supports(const InteractionType* type, std::string_view list) {
  if (!type) return false;
  for (std::string_view l : type->component_lists)
    if (!l.empty() && l == list) return true;
  return false;
}

// An interaction component list: [{id, description}] with distinct ids.
Status check_components(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_array(v, path));
  std::set<std::string_view> ids;
  const std::vector<json::Node> items = elements(v);
  for (size_t i = 0; i < items.size(); ++i) {
    const Path at = index(path, i);
    SCRIBE_CHECK(only_keys(items[i], at, {"id", "description"}));
    SCRIBE_CHECK(require_key(items[i], at, "id"));
    SCRIBE_CHECK(expect_string(*items[i].get("id"), child(at, "id")));
    SCRIBE_CHECK(optional_member(items[i], at, "description", expect_language_map));
    if (!ids.insert(items[i].get("id")->as_string()).second)
      return invalid(child(at, "id"), "duplicates another interaction component id in the list");
  }
  return Status::success();
}

Status check_string_array(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_array(v, path));
  const std::vector<json::Node> items = elements(v);
  for (size_t i = 0; i < items.size(); ++i) SCRIBE_CHECK(expect_string(items[i], index(path, i)));
  return Status::success();
}

// interactionType, correctResponsesPattern and the component lists the type allows.
Status check_interaction(const json::Node& def, const Path& path) {
  const InteractionType* type = nullptr;
  if (json::Node t = def.get("interactionType")) {
    const Path at = child(path, "interactionType");
    SCRIBE_CHECK(expect_string(*t, at));
    type = find_interaction_type(t->as_string());
    if (!type) return invalid(at, "is not a defined interactionType");
  }
  if (def.get("correctResponsesPattern") && !type)
    return invalid(child(path, "correctResponsesPattern"), "requires an interactionType");
  SCRIBE_CHECK(optional_member(def, path, "correctResponsesPattern", check_string_array));
  for (std::string_view list : kComponentLists) {
    if (!def.get(list)) continue;
    if (!supports(type, list))
      return invalid(child(path, list), "is not allowed for this interactionType");
    SCRIBE_CHECK(check_components(*def.get(list), child(path, list)));
  }
  return Status::success();
}

Status check_definition(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path,
                         {"name", "description", "type", "moreInfo", "extensions",
                          "interactionType", "correctResponsesPattern", "choices", "scale",
                          "source", "target", "steps"}));
  SCRIBE_CHECK(optional_member(v, path, "name", expect_language_map));
  SCRIBE_CHECK(optional_member(v, path, "description", expect_language_map));
  SCRIBE_CHECK(optional_member(v, path, "type", expect_iri));
  SCRIBE_CHECK(optional_member(v, path, "moreInfo", expect_irl));
  SCRIBE_CHECK(optional_member(v, path, "extensions", expect_extensions));
  return check_interaction(v, path);
}

}  // namespace

Status check_activity(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path, {"objectType", "id", "definition"}));
  SCRIBE_CHECK(expect_object_type(v, path, "Activity", false));
  SCRIBE_CHECK(require_key(v, path, "id"));
  SCRIBE_CHECK(expect_iri(*v.get("id"), child(path, "id")));
  return optional_member(v, path, "definition", check_definition);
}

Status check_statement_ref(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path, {"objectType", "id"}));
  SCRIBE_CHECK(expect_object_type(v, path, "StatementRef", true));
  SCRIBE_CHECK(require_key(v, path, "id"));
  return expect_uuid(*v.get("id"), child(path, "id"));
}

Status check_object(const json::Node& v, const Scope& scope, const Path& path) {
  SCRIBE_CHECK(expect_object(v, path));
  json::Node type = v.get("objectType");
  if (!type) return check_activity(v, path);
  const Path at = child(path, "objectType");
  SCRIBE_CHECK(expect_string(*type, at));
  std::string_view t = type->as_string();
  if (t == "Activity") return check_activity(v, path);
  if (t == "Agent") return check_agent(v, path);
  if (t == "Group") return check_group(v, path);
  if (t == "StatementRef") return check_statement_ref(v, path);
  if (t == "SubStatement") {
    if (scope.in_substatement) return invalid(at, "a SubStatement cannot contain a SubStatement");
    return check_substatement(v, scope, path);
  }
  return invalid(at, "must be Activity, Agent, Group, StatementRef or SubStatement");
}

}  // namespace scribe::xapi::detail
