// Internal to statement validation: the checks for each part of a Statement, one file per part
// (validate_actor.cpp, validate_object.cpp, validate_context.cpp, validate_result.cpp,
// statement_validator.cpp). Every check rejects unknown properties and reports the first fault
// with its full property path.
#pragma once

#include <string>

#include "common/json_dom.h"
#include "common/result.h"
#include "xapi/validate_common.h"

namespace scribe::xapi::detail {

// Actors (validate_actor.cpp).
Status check_actor(const json::Node& v, const Path& path);  // Agent or Group
Status check_agent(const json::Node& v, const Path& path);  // objectType absent/"Agent"
Status check_group(const json::Node& v, const Path& path);  // objectType "Group"
Status check_authority(const json::Node& v, const Path& path);
// The number of inverse functional identifiers (mbox, mbox_sha1sum, openid, account) present.
int count_ifis(const json::Node& actor);

// Objects (validate_object.cpp).
Status check_object(const json::Node& v, const Scope& scope, const Path& path);
Status check_activity(const json::Node& v, const Path& path);
Status check_statement_ref(const json::Node& v, const Path& path);

// Context (validate_context.cpp); `object` is the statement's object, for the revision/platform rule.
Status check_context(const json::Node& v, json::Node object, const Scope& scope,
                     const Path& path);

// Result (validate_result.cpp).
Status check_result(const json::Node& v, const Path& path);

// Statement bodies (statement_validator.cpp).
Status check_substatement(const json::Node& v, const Scope& scope, const Path& path);

}  // namespace scribe::xapi::detail
