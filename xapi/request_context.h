// What the router has established about a request before a resource sees it: the xAPI version
// it speaks and the principal it acts as (store, scopes, authority). Scopes were checked by the
// router against the route's declared access; resources only narrow what a principal with
// statements/read/mine sees.
#pragma once

#include "auth/principal.h"
#include "xapi/version.h"

namespace scribe::xapi {

struct RequestContext {
  Version version = Version::V2_0_0;
  auth::Principal principal;

  storage::StoreId store() const { return principal.store.id; }
  const storage::TermKey& term_key() const { return principal.store.term_key; }
};

}  // namespace scribe::xapi
