// What the router has established about a request before a resource sees it: the xAPI version
// it speaks, the credential it was sent with, and the limits that apply.
#pragma once

#include <string>

#include "auth/credential_store.h"
#include "common/config.h"
#include "xapi/version.h"

namespace scribe::xapi {

struct RequestContext {
  Version version = Version::V2_0_0;
  auth::Credential credential;
};

}  // namespace scribe::xapi
