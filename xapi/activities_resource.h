// The Activities resource (GET/HEAD /activities?activityId=): the Activity object with its
// canonical definition, read from Family::Activities, which the statements build at write
// time (storage/json_merge_operators.h, xapi/canonical_operands.h). An activity no statement
// has defined yields {"objectType":"Activity","id":...} with 200 (2.0 requires it; 1.0.3 allows it).
#pragma once

#include "storage/engine.h"
#include "xapi/http_message.h"
#include "xapi/request_context.h"

namespace scribe::xapi {

class ActivitiesResource {
 public:
  explicit ActivitiesResource(const storage::Engine& engine) : engine_(engine) {}
  HttpResponse get(const RequestContext& ctx, const HttpRequest& request);

 private:
  const storage::Engine& engine_;
};

}  // namespace scribe::xapi
