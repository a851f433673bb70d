// The front door: implements RequestHandler for the transport. For every request it answers
// CORS preflights, rewrites the alternate request syntax (1.0.3 only), negotiates the xAPI
// version (400 without a supported X-Experience-API-Version, except for /about and the
// evidence routes), authenticates
// into a Principal (401; 429 for a throttled address and key), checks the scope the route
// declares in the route table (403 naming the scopes that would do), and dispatches. Requests
// under /admin go, once authenticated with the `admin` scope, to the AdminHandler.
// Every response is stamped with CORS headers (xapi/cors.h), and xAPI ones with the version.
// With a blocking pool, every route but statement PUT/POST (which only parse and queue for the
// committer) runs on the pool, not on the IO thread; a full pool queue answers 503.
#pragma once

#include <memory>

#include "auth/authenticator.h"
#include "common/config.h"
#include "common/work_pool.h"
#include "xapi/activities_resource.h"
#include "xapi/agents_resource.h"
#include "xapi/cors.h"
#include "xapi/documents_resource.h"
#include "xapi/evidence_resource.h"
#include "xapi/http_message.h"
#include "xapi/statements_resource.h"

namespace scribe::xapi {

// The resources besides Statements; one left null answers 501.
struct OtherResources {
  DocumentsResource* documents = nullptr;  // State, Activity Profile, Agent Profile
  AgentsResource* agents = nullptr;
  ActivitiesResource* activities = nullptr;
  EvidenceResource* evidence = nullptr;
};

// Serves /admin for a principal that holds the `admin` scope (admin/admin_routes.h).
class AdminHandler {
 public:
  virtual ~AdminHandler() = default;
  virtual void handle(const auth::Principal& principal, const HttpRequest& request, Reply reply) = 0;
};

inline constexpr std::string_view kAdminPath = "/admin";

struct Route;  // an entry of the route table (router.cpp)

class Router : public RequestHandler {
 public:
  Router(const Config& config, const auth::Authenticator& authenticator,
         StatementsResource& statements, OtherResources others = {},
         AdminHandler* admin = nullptr, WorkPool* blocking = nullptr);
  void handle(HttpRequest request, Reply reply) override;

 private:
  void dispatch(HttpRequest& request, const std::string& resource, Version version,
                const Reply& reply);
  void serve(const Route& route, const RequestContext& ctx, const HttpRequest& request,
             const Reply& reply);
  void admin(HttpRequest& request, const Reply& reply);
  // The principal, or the 401/429 reply already sent.
  std::optional<auth::Principal> authenticate(const HttpRequest& request, const Reply& reply,
                                              const char* realm);

  const Config& config_;
  const auth::Authenticator& authenticator_;
  StatementsResource& statements_;
  OtherResources others_;
  AdminHandler* admin_;
  WorkPool* blocking_;
  CorsPolicy cors_;
  Version default_version_;
};

}  // namespace scribe::xapi
