#include "xapi/agents_resource.h"

#include "common/json.h"
#include "storage/keys.h"
#include "xapi/canonical_operands.h"
#include "xapi/resource_params.h"
#include "xapi/responses.h"
#include "xapi/statement_terms.h"

namespace scribe::xapi {

HttpResponse AgentsResource::get(const RequestContext& ctx, const HttpRequest& request) {
  if (Status s = check_known_params(request, {"agent"}); !s) return error_response(s.error());
  auto text = required_param(request, "agent");
  if (!text) return error_response(text.error());
  auto agent = parse_agent_param(*text, ctx.version);
  if (!agent) return error_response(agent.error());

  std::string stored;
  auto found = engine_.get(storage::Family::Agents,
                           storage::agent_key(ctx.store(), person_entry_key(ctx.term_key(), agent->identity)), &stored);
  if (!found) return error_response(found.error());
  if (*found) {
    auto person = json::parse(stored);
    if (!person || !person->is_object())
      return error_response(Error{500, "", "corrupt Person record"});
    return json_response(200, std::move(stored));
  }
  return json_response(200, person_json(agent->agent, false));
}

}  // namespace scribe::xapi
