// The merge operands a statement contributes to the Activities and Agents families (see
// storage/json_merge_operators.h): one Activity operand per activity that carries a definition
// (object, context activities, and the same inside a SubStatement) and one Person operand per
// identified agent or group that carries a name (actor, object, group members, instructor,
// team, contextAgents, contextGroups, and the same inside a SubStatement). Operands that would
// add nothing (no definition, no name) are not written: an unknown activity or agent is
// answered from its identifier alone. The authority is left out: it describes the credential.
// Keys are relative to the store: the committer prefixes the store id (storage/keys.h).
#pragma once

#include <vector>

#include "common/json.h"
#include "storage/commit_pipeline.h"

namespace scribe::xapi {

// `statement` is validated and in stored form (contextActivities normalised to arrays).
std::vector<storage::MergeOperand> canonical_operands(const json::Value& statement);

// The Person object that describes one agent: {"objectType":"Person", <ifi>:[value], name:[..]}.
// Without `with_name` the name is left out (used for an agent nothing is known about).
json::Value person_of(const json::Value& agent, bool with_name);

}  // namespace scribe::xapi
