#include "auth/credential_store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "common/text.h"

namespace scribe::auth {

namespace {

constexpr int kPbkdf2Iterations = 100000;
const std::string kKeyPrefix = "credential/";

std::string pbkdf2(const std::string& secret, const std::string& salt, int iterations) {
  unsigned char out[32];
  PKCS5_PBKDF2_HMAC(secret.data(), int(secret.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()), int(salt.size()),
                    iterations, EVP_sha256(), sizeof out, out);
  return text::hex_encode(std::string_view(reinterpret_cast<char*>(out), sizeof out));
}

std::string sha256(const std::string& s) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string random_credential_token(size_t bytes) {
  std::string raw(bytes, '\0');
  for (;;) {  // one draw in 64 starts with '-': draw again
    RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), int(bytes));
    std::string token = base64url_encode(raw);
    if (!token.starts_with('-')) return token;
  }
}

Result<NewCredential> CredentialStore::create(storage::StoreId store,
                                              const std::string& authority_home_page) {
  NewCredential created{random_credential_token(15), random_credential_token(30)};
  std::string salt = random_credential_token(16);
  json::Object account;
  account.append("homePage", authority_home_page);
  account.append("name", created.key);
  json::Object authority;
  authority.append("objectType", "Agent");
  authority.append("account", json::Value(std::move(account)));
  json::Object record;
  record.append("salt", salt);
  record.append("iterations", int64_t{kPbkdf2Iterations});
  record.append("hash", pbkdf2(created.secret, salt, kPbkdf2Iterations));
  record.append("store", int64_t{store});
  record.append("authority", json::Value(std::move(authority)));
  rocksdb::WriteBatch batch;
  batch.Put(engine_.family(storage::Family::Meta), kKeyPrefix + created.key,
            json::serialize(json::Value(std::move(record))));
  Status s = engine_.write_durable(batch);
  if (!s) return s.error();
  return created;
}

Result<bool> CredentialStore::any() const {
  std::unique_ptr<rocksdb::Iterator> it(engine_.db()->NewIterator(
      rocksdb::ReadOptions(), engine_.family(storage::Family::Meta)));
  it->Seek(kKeyPrefix);
  bool found = it->Valid() && it->key().starts_with(kKeyPrefix);
  if (!it->status().ok()) return storage::storage_error(it->status(), "credential scan failed");
  return found;
}

std::optional<Credential> CredentialStore::authenticate(std::string_view authorization) const {
  constexpr std::string_view kBasic = "Basic ";
  if (authorization.size() <= kBasic.size()) return std::nullopt;
  for (size_t i = 0; i < kBasic.size(); i++)
    if (std::tolower(authorization[i]) != std::tolower(kBasic[i])) return std::nullopt;
  auto decoded = base64_decode(authorization.substr(kBasic.size()));
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return verify(decoded->substr(0, colon), decoded->substr(colon + 1));
}

std::optional<Credential> CredentialStore::verify(const std::string& key,
                                                  const std::string& secret) const {
  const std::string digest = sha256(secret);
  {
    std::shared_lock lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end())
      return constant_time_equal(it->second.first, digest) ? std::optional(it->second.second)
                                                           : std::nullopt;
  }
  std::string bytes;
  auto found = engine_.get(storage::Family::Meta, kKeyPrefix + key, &bytes);
  if (!found.ok() || !*found) return std::nullopt;
  auto record = json::parse(bytes);
  if (!record) return std::nullopt;
  const json::Value* iterations = record->get("iterations");
  const json::Value* store = record->get("store");
  const json::Value* authority = record->get("authority");
  if (!iterations || !iterations->is_int() || !store || !store->is_int() || !authority)
    return std::nullopt;
  std::string expected(record->get_string("hash"));
  std::string actual =
      pbkdf2(secret, std::string(record->get_string("salt")), int(iterations->as_int()));
  if (!constant_time_equal(expected, actual)) return std::nullopt;
  Credential c{key, storage::StoreId(store->as_int()), *authority};
  std::unique_lock lock(cache_mutex_);
  cache_[key] = {digest, c};
  return c;
}

}  // namespace scribe::auth
