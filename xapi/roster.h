// The learners a completion report is about (POST /reports/completion): a JSON array of Agents,
// or CSV with a header row naming an identifier column (mbox, mbox_sha1sum, openid, or
// account_homepage with account_name) and optionally `name`.
// Guarantees: every entry is a valid Agent with an inverse functional identifier (its identity
// as statement terms compute it); more than `max_agents` entries is a 413, a repeated learner
// or a malformed entry a 400 naming it ("roster[3].mbox", "roster line 4"); CSV follows
// RFC 4180 (quoted fields, doubled quotes, CRLF or LF line ends).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/json_dom.h"
#include "common/result.h"
#include "xapi/version.h"

namespace scribe::xapi {

struct RosterEntry {
  json::Value agent;     // as the roster gave it
  std::string identity;  // agent_identity(agent)
};

Result<std::vector<RosterEntry>> roster_from_json(const json::Node& array, Version version, size_t max_agents);
Result<std::vector<RosterEntry>> roster_from_csv(std::string_view csv, Version version, size_t max_agents);

}  // namespace scribe::xapi
