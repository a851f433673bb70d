// Credentials for HTTP Basic auth: a key, a secret stored only as a salted PBKDF2-SHA256 hash,
// the store (tenant) the credential writes to and reads from, and the authority the LRS puts
// on statements sent with it. Verified secrets are cached as a SHA-256 so a request costs one
// hash, not a PBKDF2 run. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/json.h"
#include "common/result.h"
#include "storage/engine.h"
#include "storage/keys.h"

namespace scribe::auth {

struct Credential {
  std::string key;
  storage::StoreId store = 1;
  json::Value authority;  // an Agent with an account naming this credential
};

// `bytes` random bytes as base64url text that never starts with '-', so that a key or secret
// can follow an option such as `-u` on any command line without being read as an option.
std::string random_credential_token(size_t bytes);

struct NewCredential {
  std::string key;
  std::string secret;  // shown once; only its hash is kept
};

class CredentialStore {
 public:
  explicit CredentialStore(storage::Engine& engine) : engine_(engine) {}

  // Creates a credential for `store` with a random key and secret.
  Result<NewCredential> create(storage::StoreId store, const std::string& authority_home_page);
  // True when at least one credential exists.
  Result<bool> any() const;
  // Verifies an Authorization header value ("Basic base64(key:secret)").
  std::optional<Credential> authenticate(std::string_view authorization) const;

 private:
  std::optional<Credential> verify(const std::string& key, const std::string& secret) const;
  storage::Engine& engine_;
  mutable std::shared_mutex cache_mutex_;
  // key -> (sha256 of the verified secret, credential)
  mutable std::unordered_map<std::string, std::pair<std::string, Credential>> cache_;
};

// Standard base64 (RFC 4648 §4) decoding; nullopt on malformed input.
std::optional<std::string> base64_decode(std::string_view in);
std::string base64_encode(std::string_view in);
// base64url without padding (RFC 4648 §5), for opaque tokens in URLs.
std::string base64url_encode(std::string_view in);
std::optional<std::string> base64url_decode(std::string_view in);

}  // namespace scribe::auth
