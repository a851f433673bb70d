// Who a request acts as, once authenticated: the credential, the store it belongs to (with that
// store's term-hash key), its scopes and its authority. Nothing is read or written without one.
#pragma once

#include <string>

#include "auth/scopes.h"
#include "auth/store_registry.h"
#include "common/json.h"

namespace scribe::auth {

struct Principal {
  std::string key;    // the credential key
  std::string label;  // the credential label
  StoreInfo store;
  ScopeSet scopes = 0;
  json::Value authority;  // put on every statement written with this credential

  bool has(Scope s) const { return has_scope(scopes, s); }
  bool may(Access access) const { return grants(scopes, access); }
  // Whether statements written as this principal may (re)define Activities and Agents.
  bool may_define() const { return has(Scope::Define) || has(Scope::All); }
};

}  // namespace scribe::auth
