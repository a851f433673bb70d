#include "xapi/resource_params.h"

#include <vector>

#include "common/timestamp.h"
#include "xapi/formats.h"
#include "xapi/statement_terms.h"
#include "xapi/statement_validator.h"

namespace scribe::xapi {

Status check_known_params(const HttpRequest& request,
                          std::initializer_list<std::string_view> allowed) {
  std::vector<std::string_view> seen;
  for (const auto& [name, value] : request.query) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) return bad_request(name, "unknown parameter");
    for (std::string_view s : seen)
      if (s == name) return bad_request(name, "given more than once");
    seen.push_back(name);
  }
  return Status::success();
}

Result<std::string> required_param(const HttpRequest& request, std::string_view name) {
  const std::string* v = request.param(name);
  if (!v) return bad_request(std::string(name), "required");
  return *v;
}

Result<AgentParam> parse_agent_param(const std::string& text, Version version) {
  auto doc = json::Document::parse(text);
  if (!doc) return bad_request("agent", "not valid JSON: " + doc.error().message);
  const json::Node& agent = doc->root();
  if (!agent.is_object()) return bad_request("agent", "must be an Agent or Group object");
  if (Status s = validate_agent_param(agent, version, "agent"); !s) return s.error();
  auto identity = agent_identity(agent);
  if (!identity) return bad_request("agent", "has no inverse functional identifier");
  return AgentParam{agent.to_value(), std::move(*identity)};
}

Status check_activity_id(const std::string& activity_id) {
  if (!is_iri(activity_id)) return bad_request("activityId", "not an IRI");
  return Status::success();
}

Result<int64_t> parse_since(const std::string& text) {
  auto micros = parse_timestamp(text);
  if (!micros) return bad_request("since", "not a timestamp: " + micros.error().message);
  return *micros;
}

}  // namespace scribe::xapi
