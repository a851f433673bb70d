// Statement context (Data 2.4.6): registration, instructor, team, contextActivities, revision,
// platform, language, statement, extensions, and in 2.0 contextAgents and contextGroups.
#include "xapi/validate_parts.h"

namespace scribe::xapi::detail {

namespace {

// One Activity, or an array of them (a single object is accepted and stored as an array).
Status check_context_activity_list(const json::Node& v, const Path& path) {
  if (v.is_object()) return check_activity(v, path);
  SCRIBE_CHECK(expect_array(v, path));
  const std::vector<json::Node> items = elements(v);
  for (size_t i = 0; i < items.size(); ++i) SCRIBE_CHECK(check_activity(items[i], index(path, i)));
  return Status::success();
}

Status check_context_activities(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path, {"parent", "grouping", "category", "other"}));
  for (std::string_view key : {"parent", "grouping", "category", "other"})
    SCRIBE_CHECK(optional_member(v, path, key, check_context_activity_list));
  return Status::success();
}

Status check_relevant_types(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_array(v, path));
  const std::vector<json::Node> items = elements(v);
  if (items.empty()) return invalid(path, "must not be empty");
  for (size_t i = 0; i < items.size(); ++i) SCRIBE_CHECK(expect_iri(items[i], index(path, i)));
  return Status::success();
}

// contextAgents / contextGroups: arrays of {objectType, <member>, relevantTypes}.
Status check_context_parties(const json::Node& v, const Path& path,
                             std::string_view object_type, std::string_view member,
                             Status (*check_member)(const json::Node&, const Path&)) {
  SCRIBE_CHECK(expect_array(v, path));
  const std::vector<json::Node> items = elements(v);
  for (size_t i = 0; i < items.size(); ++i) {
    const Path at = index(path, i);
    SCRIBE_CHECK(only_keys(items[i], at, {"objectType", member, "relevantTypes"}));
    SCRIBE_CHECK(expect_object_type(items[i], at, object_type, true));
    SCRIBE_CHECK(require_key(items[i], at, member));
    SCRIBE_CHECK(check_member(*items[i].get(member), child(at, member)));
    SCRIBE_CHECK(optional_member(items[i], at, "relevantTypes", check_relevant_types));
  }
  return Status::success();
}

Status check_context_agents(const json::Node& v, const Path& path) {
  return check_context_parties(v, path, "contextAgent", "agent", check_agent);
}

Status check_context_groups(const json::Node& v, const Path& path) {
  return check_context_parties(v, path, "contextGroup", "group", check_group);
}

bool is_activity(json::Node object) {
  if (!object || !object->is_object()) return false;
  json::Node t = object->get("objectType");
  return !t || (t->is_string() && t->as_string() == "Activity");
}

Status check_keys(const json::Node& v, const Scope& scope, const Path& path) {
  if (scope.rules.context_agents_and_groups)
    return only_keys(v, path,
                     {"registration", "instructor", "team", "contextActivities", "revision",
                      "platform", "language", "statement", "extensions", "contextAgents",
                      "contextGroups"});
  return only_keys(v, path,
                   {"registration", "instructor", "team", "contextActivities", "revision",
                    "platform", "language", "statement", "extensions"});
}

}  // namespace

Status check_context(const json::Node& v, json::Node object, const Scope& scope,
                     const Path& path) {
  SCRIBE_CHECK(check_keys(v, scope, path));
  SCRIBE_CHECK(optional_member(v, path, "registration", expect_uuid));
  SCRIBE_CHECK(optional_member(v, path, "instructor", check_actor));
  SCRIBE_CHECK(optional_member(v, path, "team", check_group));
  SCRIBE_CHECK(optional_member(v, path, "contextActivities", check_context_activities));
  SCRIBE_CHECK(optional_member(v, path, "revision", expect_string));
  SCRIBE_CHECK(optional_member(v, path, "platform", expect_string));
  SCRIBE_CHECK(optional_member(v, path, "language", expect_language_tag));
  SCRIBE_CHECK(optional_member(v, path, "statement", check_statement_ref));
  SCRIBE_CHECK(optional_member(v, path, "extensions", expect_extensions));
  SCRIBE_CHECK(optional_member(v, path, "contextAgents", check_context_agents));
  SCRIBE_CHECK(optional_member(v, path, "contextGroups", check_context_groups));
  if (!is_activity(object)) {
    for (std::string_view key : {"revision", "platform"})
      if (v.get(key))
        return invalid(child(path, key), "is only allowed when the object is an Activity");
  }
  return Status::success();
}

}  // namespace scribe::xapi::detail
