// The merge operands a statement contributes to the Activities and Agents families (see
// storage/json_merge_operators.h): one Activity operand per activity that carries a definition
// (object, context activities, and the same inside a SubStatement) and one Person operand per
// identified agent or group that carries a name (actor, object, group members, instructor,
// team, contextAgents, contextGroups, and the same inside a SubStatement). Operands that would
// add nothing (no definition, no name) are not written: an unknown activity or agent is
// answered from its identifier alone. The authority is left out: it describes the credential.
// Keys are relative to the store: the committer prefixes the store id (storage/keys.h).
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/json_dom.h"
#include "storage/commit_pipeline.h"

namespace scribe::xapi {

// `statement` is validated (contextActivities may be single objects or arrays).
// Agents keys are person_entry_key()s with the store's `term_key`.
std::vector<storage::MergeOperand> canonical_operands(const json::Node& statement, const storage::TermKey& term_key);

// The Person object that describes one agent, as JSON text:
// {"objectType":"Person","name":[..],<ifi>:[value]}. Without `with_name` the name is left out
// (used for an agent nothing is known about). `V` is json::Value or json::Node.
template <class V>
std::string person_json(const V& agent, bool with_name) {
  std::string out = "{\"objectType\":\"Person\"";
  auto member = [&](std::string_view key, const auto& value) {
    out.append(",\"").append(key).append("\":[");
    json::serialize_to(value, out);
    out.push_back(']');
  };
  if (with_name)
    if (const auto name = agent.get("name"); name && name->is_string()) member("name", *name);
  for (const char* ifi : {"mbox", "mbox_sha1sum", "openid", "account"})
    if (const auto v = agent.get(ifi)) member(ifi, *v);
  out.push_back('}');
  return out;
}

}  // namespace scribe::xapi
