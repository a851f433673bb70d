#include "xapi/activities_resource.h"

#include "common/json.h"
#include "storage/keys.h"
#include "xapi/resource_params.h"
#include "xapi/responses.h"

namespace scribe::xapi {

HttpResponse ActivitiesResource::get(const RequestContext& ctx, const HttpRequest& request) {
  if (Status s = check_known_params(request, {"activityId"}); !s) return error_response(s.error());
  auto id = required_param(request, "activityId");
  if (!id) return error_response(id.error());
  if (Status s = check_activity_id(*id); !s) return error_response(s.error());

  std::string stored;
  auto found = engine_.get(storage::Family::Activities,
                           storage::activity_key(ctx.store(), *id), &stored);
  if (!found) return error_response(found.error());
  if (*found) {
    auto activity = json::parse(stored);
    if (!activity || !activity->is_object())
      return error_response(Error{500, "", "corrupt Activity record"});
    return json_response(200, std::move(stored));
  }
  json::Object o;
  o.append("objectType", "Activity");
  o.append("id", *id);
  return json_response(200, json::serialize(json::Value(std::move(o))));
}

}  // namespace scribe::xapi
