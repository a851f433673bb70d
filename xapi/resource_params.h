// Query parameters shared by the document, Agents and Activities resources: the allowed set
// (an unknown or differently-cased name is a 400), the `agent` JSON parameter (an Agent or
// identified Group with exactly one identifier), `activityId` (an IRI), `registration` (a UUID)
// and `since` (a timestamp). Every error names the parameter.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/result.h"
#include "xapi/http_message.h"
#include "xapi/version.h"

namespace scribe::xapi {

// 400 for the first parameter not in `allowed`, or one given twice.
Status check_known_params(const HttpRequest& request, std::initializer_list<std::string_view> allowed);

// The required parameter `name`, or a 400 naming it.
Result<std::string> required_param(const HttpRequest& request, std::string_view name);

struct AgentParam {
  json::Value agent;
  std::string identity;  // xapi::agent_identity(agent)
};
Result<AgentParam> parse_agent_param(const std::string& text, Version version);

Status check_activity_id(const std::string& activity_id);
// Microseconds since the epoch.
Result<int64_t> parse_since(const std::string& text);

}  // namespace scribe::xapi
