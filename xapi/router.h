// The xAPI front door: implements RequestHandler for the transport. For every request it
// answers CORS preflights, rewrites the alternate request syntax (1.0.3 only), negotiates the
// xAPI version (400 without a supported X-Experience-API-Version, except /about),
// authenticates (401), dispatches to the resource, and stamps every response with the version
// and CORS headers.
#pragma once

#include <memory>

#include "auth/credential_store.h"
#include "common/config.h"
#include "xapi/activities_resource.h"
#include "xapi/agents_resource.h"
#include "xapi/documents_resource.h"
#include "xapi/http_message.h"
#include "xapi/statements_resource.h"

namespace scribe::xapi {

// The resources besides Statements; one left null answers 501.
struct OtherResources {
  DocumentsResource* documents = nullptr;  // State, Activity Profile, Agent Profile
  AgentsResource* agents = nullptr;
  ActivitiesResource* activities = nullptr;
};

class Router : public RequestHandler {
 public:
  Router(const Config& config, auth::CredentialStore& credentials,
         StatementsResource& statements, OtherResources others = {});
  void handle(HttpRequest request, Reply reply) override;

 private:
  void dispatch(HttpRequest& request, const std::string& resource, Version version,
                const Reply& reply);
  const Config& config_;
  auth::CredentialStore& credentials_;
  StatementsResource& statements_;
  OtherResources others_;
  Version default_version_;
};

}  // namespace scribe::xapi
