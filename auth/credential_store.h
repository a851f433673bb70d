// Credentials for HTTP Basic auth. A credential belongs to one store and has a label, a set of
// scopes and an authority (the Agent or Group the LRS puts on statements sent with it). Its
// key and secret are random (the secret 256 bits); the secret is shown once and kept only as
// HMAC-SHA256(pepper, secret) (auth/secret_hash.h).
// Guarantees:
// - Every verification reads the credential's record from the database: no cache, so a revoke
//   or rotation takes effect on the very next request on every thread.
// - Verification costs the same work for a wrong secret as for a right one: the secret is
//   hashed first, then compared in constant time against every kept hash.
// - A rotation adds a new secret; the previous ones stay valid until the given time, or die
//   at once. A credential keeps at most kSecretsMax secrets.
// Records live in the meta family under "credential/<key>" (JSON). Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/write_batch.h>

#include "auth/scopes.h"
#include "common/json.h"
#include "common/result.h"
#include "storage/engine.h"
#include "storage/keys.h"

namespace scribe::auth {

inline constexpr size_t kSecretsMax = 4;
inline constexpr size_t kLabelBytesMax = 200;
inline constexpr size_t kKeyTokenBytes = 15;     // 20 base64url characters
inline constexpr size_t kSecretTokenBytes = 32;  // 256 bits, 43 characters

struct SecretInfo {
  std::string hash;  // HMAC-SHA256(pepper, secret), raw
  int64_t created_us = 0;
  std::optional<int64_t> valid_until_us;
};

struct CredentialInfo {
  std::string key;
  storage::StoreId store = 0;
  std::string label;
  ScopeSet scopes = 0;
  json::Value authority;
  int64_t created_us = 0;
  std::vector<SecretInfo> secrets;
};

struct CredentialSpec {
  storage::StoreId store = 0;
  std::string label;
  ScopeSet scopes = 0;
  // Null: the default, an Agent with account {homePage: authority_home_page, name: key}.
  json::Value authority;
};

// A credential together with a secret issued for it (shown to the caller once).
struct IssuedSecret {
  CredentialInfo credential;
  std::string secret;
  // On rotation: until when the previous secret stays valid (nullopt: it died at once).
  std::optional<int64_t> previous_valid_until_us;
};

class CredentialStore {
 public:
  CredentialStore(storage::Engine& engine, std::string pepper, std::string authority_home_page);

  // Writes a change's batch durably; a caller's own (e.g. one that adds an audit entry to the
  // same batch, admin/audit_trail.h) replaces the default write.
  using Commit = std::function<Status(rocksdb::WriteBatch&, const CredentialInfo&)>;

  Result<IssuedSecret> create(const CredentialSpec& spec, const Commit& commit = {});
  // Every credential, or those of one store, by key.
  Result<std::vector<CredentialInfo>> list(std::optional<storage::StoreId> store) const;
  // 404 when there is no such credential.
  Result<CredentialInfo> find(const std::string& key) const;
  // Deletes the credential durably (404 when there is none).
  Status revoke(const std::string& key, const Commit& commit = {});
  // Issues a new secret. Previous secrets stay valid until `previous_valid_until_us` (which
  // must be in the future), or die at once without it.
  Result<IssuedSecret> rotate(const std::string& key, std::optional<int64_t> previous_valid_until_us,
                              const Commit& commit = {});
  // Adds the deletion of every credential of `store` to `batch`.
  Status add_store_deletion(storage::StoreId store, rocksdb::WriteBatch& batch) const;
  // True when at least one credential exists.
  Result<bool> any() const;
  // The homePage of default authorities from now on (once the server knows its bound port).
  void set_authority_home_page(std::string home_page);

  // The credential when `secret` is one of its valid secrets at `now_us`; a 401 Error when the
  // key is unknown (or revoked), the secret wrong, or the secret expired.
  Result<CredentialInfo> verify(std::string_view key, std::string_view secret, int64_t now_us) const;

 private:
  Result<std::optional<CredentialInfo>> read(std::string_view key) const;
  Status write(const CredentialInfo& info, const Commit& commit);
  IssuedSecret issue(CredentialInfo info, int64_t now_us) const;

  storage::Engine& engine_;
  const std::string pepper_;
  std::mutex write_mutex_;  // also guards authority_home_page_
  std::string authority_home_page_;  // serialises read-modify-writes (rotate) against each other
};

// Record encoding, exposed for tests.
std::string encode_credential(const CredentialInfo& info);
std::optional<CredentialInfo> decode_credential(std::string_view key, std::string_view bytes);

}  // namespace scribe::auth
