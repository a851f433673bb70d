// The Agents resource (GET/HEAD /agents?agent=): the Person object for an agent, combining the
// names (and identifier) seen in stored statements. It is read from Family::Agents, which the
// statements build at write time (storage/json_merge_operators.h, xapi/canonical_operands.h);
// an agent no statement has named yields a Person with just its identifier.
#pragma once

#include "storage/engine.h"
#include "xapi/http_message.h"
#include "xapi/request_context.h"

namespace scribe::xapi {

class AgentsResource {
 public:
  explicit AgentsResource(const storage::Engine& engine) : engine_(engine) {}
  HttpResponse get(const RequestContext& ctx, const HttpRequest& request);

 private:
  const storage::Engine& engine_;
};

}  // namespace scribe::xapi
