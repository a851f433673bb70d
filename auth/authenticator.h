// Turns an Authorization header into a Principal. HTTP Basic with a credential's key and
// secret; failures are throttled per (client address, key) (auth/throttle.h): a throttled
// pair is refused with 429 before its secret is even checked. The credential's store must
// still exist. Thread-safe; every call reads the credential afresh (no cache).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "auth/credential_store.h"
#include "auth/principal.h"
#include "auth/store_registry.h"
#include "auth/throttle.h"
#include "common/result.h"

namespace scribe::auth {

struct AuthOutcome {
  std::optional<Principal> principal;
  Error error;                 // when no principal: 401, 429 or a storage failure (500)
  uint32_t retry_after_s = 0;  // for 429
};

class Authenticator {
 public:
  Authenticator(const CredentialStore& credentials, const StoreRegistry& stores, Throttle& throttle)
      : credentials_(credentials), stores_(stores), throttle_(throttle) {}

  // `authorization`: the header value or nullptr; `address`: the client's IP address.
  AuthOutcome authenticate(const std::string* authorization, std::string_view address) const;

 private:
  const CredentialStore& credentials_;
  const StoreRegistry& stores_;
  Throttle& throttle_;
};

// The principal of a verified credential; nullopt when its store no longer exists.
std::optional<Principal> principal_of(CredentialInfo credential, const StoreRegistry& stores);

// Splits "Basic base64(key:secret)" (scheme case-insensitive); nullopt when malformed.
struct BasicCredentials {
  std::string key;
  std::string secret;
};
std::optional<BasicCredentials> parse_basic(std::string_view authorization);

}  // namespace scribe::auth
