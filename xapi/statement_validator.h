// Statement validation for xAPI 1.0.3 and 2.0 (IEEE 9274.1.1), Data part 2.2-2.4 and 4.
// Guarantees: a statement that passes has every property of the right type and format, no
// unknown properties (extension values aside), no nulls outside extensions, and obeys the
// cross-property rules (one IFI per Agent, Agents-only group members, interaction component
// lists matching the interactionType, score ranges, revision/platform only for Activities,
// voiding statements targeting a StatementRef, no nested SubStatements). Rules that differ
// between versions are looked up by `version`. Nothing is modified and nothing throws.
#pragma once

#include <string>

#include "common/json_dom.h"
#include "common/result.h"
#include "xapi/version.h"

namespace scribe::xapi {

// Validates one statement as received from a client (before the LRS adds stored/authority/etc).
// path_prefix is prepended to property paths in errors, e.g. "[3]" for the 4th statement of a batch,
// producing paths like "[3].context.contextActivities.parent[2].id".
// On failure returns an Error with status 400 and the precise property path + message.
Status validate_statement(const json::Node& statement, Version version, const std::string& path_prefix = "");
// Validates an Agent or identified Group given as a query parameter or document-API `agent` param
// (exactly one IFI required, objectType Agent or Group).
Status validate_agent_param(const json::Node& agent, Version version, const std::string& path);
// Validates an Agent/Group object anywhere a statement allows one (actor, authority, instructor...)
Status validate_actor(const json::Node& actor, Version version, const std::string& path);
// Validates an authority: an identified Agent, or an anonymous Group of exactly two Agents.
Status validate_authority(const json::Node& authority, const std::string& path);

}  // namespace scribe::xapi
