#include "auth/credential_store.h"

#include <rocksdb/iterator.h>

#include <algorithm>
#include <memory>

#include "auth/secret_hash.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace scribe::auth {

namespace {

const std::string kKeyPrefix = "credential/";

// An Agent with account {homePage, name: key}.
json::Value default_authority(const std::string& home_page, const std::string& key) {
  json::Object account;
  account.append("homePage", home_page);
  account.append("name", key);
  json::Object authority;
  authority.append("objectType", "Agent");
  authority.append("account", json::Value(std::move(account)));
  return json::Value(std::move(authority));
}

Error unauthorized() { return Error{401, "Authorization", "valid credentials required"}; }
Error not_found(const std::string& key) {
  return Error{404, "key", "no credential with key '" + key + "'"};
}


}  // namespace

std::string encode_credential(const CredentialInfo& info) {
  json::Object o;
  o.append("store", int64_t{info.store});
  o.append("label", info.label);
  json::Array scopes;
  for (auto& name : scope_names(info.scopes)) scopes.emplace_back(name);
  o.append("scopes", json::Value(std::move(scopes)));
  o.append("authority", info.authority);
  o.append("created_us", info.created_us);
  json::Array secrets;
  for (const auto& s : info.secrets) {
    json::Object e;
    e.append("hash", text::hex_encode(s.hash));
    e.append("created_us", s.created_us);
    if (s.valid_until_us) e.append("valid_until_us", *s.valid_until_us);
    secrets.emplace_back(std::move(e));
  }
  o.append("secrets", json::Value(std::move(secrets)));
  return json::serialize(json::Value(std::move(o)));
}

std::optional<CredentialInfo> decode_credential(std::string_view key, std::string_view bytes) {
  auto v = json::parse(bytes);
  if (!v || !v->is_object()) return std::nullopt;
  const json::Value* store = v->get("store");
  const json::Value* scopes = v->get("scopes");
  const json::Value* authority = v->get("authority");
  const json::Value* created = v->get("created_us");
  const json::Value* secrets = v->get("secrets");
  if (!store || !store->is_int() || !scopes || !scopes->is_array() || !authority ||
      !authority->is_object() || !created || !created->is_int() || !secrets || !secrets->is_array())
    return std::nullopt;
  CredentialInfo info;
  info.key = std::string(key);
  info.store = storage::StoreId(store->as_int());
  info.label = std::string(v->get_string("label"));
  for (const auto& s : scopes->as_array()) {
    auto scope = s.is_string() ? parse_scope(s.as_string()) : std::nullopt;
    if (!scope) return std::nullopt;
    info.scopes |= scope_bit(*scope);
  }
  info.authority = *authority;
  info.created_us = created->as_int();
  for (const auto& s : secrets->as_array()) {
    SecretInfo secret;
    auto hash = text::hex_decode(s.get_string("hash"));
    const json::Value* c = s.get("created_us");
    if (!hash || hash->size() != kSecretHashBytes || !c || !c->is_int()) return std::nullopt;
    secret.hash = std::move(*hash);
    secret.created_us = c->as_int();
    if (const json::Value* until = s.get("valid_until_us")) {
      if (!until->is_int()) return std::nullopt;
      secret.valid_until_us = until->as_int();
    }
    info.secrets.push_back(std::move(secret));
  }
  if (info.secrets.empty() || info.secrets.size() > kSecretsMax) return std::nullopt;
  return info;
}

CredentialStore::CredentialStore(storage::Engine& engine, std::string pepper,
                                 std::string authority_home_page)
    : engine_(engine), pepper_(std::move(pepper)), authority_home_page_(std::move(authority_home_page)) {}

IssuedSecret CredentialStore::issue(CredentialInfo info, int64_t now_us) const {
  IssuedSecret issued;
  issued.secret = random_credential_token(kSecretTokenBytes);
  info.secrets.insert(info.secrets.begin(), SecretInfo{secret_hash(pepper_, issued.secret), now_us, {}});
  if (info.secrets.size() > kSecretsMax) info.secrets.resize(kSecretsMax);  // oldest go first
  issued.credential = std::move(info);
  return issued;
}

Result<IssuedSecret> CredentialStore::create(const CredentialSpec& spec, const Commit& commit) {
  if (spec.label.size() > kLabelBytesMax)
    return bad_request("label", "longer than " + std::to_string(kLabelBytesMax) + " bytes");
  CredentialInfo info;
  info.key = random_credential_token(kKeyTokenBytes);
  info.store = spec.store;
  info.label = spec.label;
  info.scopes = spec.scopes;
  info.created_us = now_micros();
  info.authority = spec.authority;
  std::lock_guard lock(write_mutex_);
  if (info.authority.is_null()) info.authority = default_authority(authority_home_page_, info.key);
  IssuedSecret issued = issue(std::move(info), now_micros());
  if (Status s = write(issued.credential, commit); !s) return s.error();
  return issued;
}

void CredentialStore::set_authority_home_page(std::string home_page) {
  std::lock_guard lock(write_mutex_);
  authority_home_page_ = std::move(home_page);
}

Status CredentialStore::write(const CredentialInfo& info, const Commit& commit) {
  rocksdb::WriteBatch batch;
  batch.Put(engine_.family(storage::Family::Meta), kKeyPrefix + info.key, encode_credential(info));
  return commit ? commit(batch, info) : engine_.write_durable(batch);
}

Result<std::optional<CredentialInfo>> CredentialStore::read(std::string_view key) const {
  std::string bytes;
  auto found = engine_.get(storage::Family::Meta, kKeyPrefix + std::string(key), &bytes);
  if (!found) return found.error();
  if (!*found) return std::optional<CredentialInfo>();
  auto info = decode_credential(key, bytes);
  if (!info) return Error{500, "", "corrupt credential record"};
  return std::optional<CredentialInfo>(std::move(*info));
}

Result<std::vector<CredentialInfo>> CredentialStore::list(std::optional<storage::StoreId> store) const {
  std::vector<CredentialInfo> out;
  std::unique_ptr<rocksdb::Iterator> it(engine_.db()->NewIterator(
      rocksdb::ReadOptions(), engine_.family(storage::Family::Meta)));
  for (it->Seek(kKeyPrefix); it->Valid() && it->key().starts_with(kKeyPrefix); it->Next()) {
    auto info = decode_credential(it->key().ToStringView().substr(kKeyPrefix.size()),
                                  it->value().ToStringView());
    if (!info) return Error{500, "", "corrupt credential record"};
    if (!store || info->store == *store) out.push_back(std::move(*info));
  }
  if (!it->status().ok()) return storage::storage_error(it->status(), "credential scan failed");
  return out;
}

Result<CredentialInfo> CredentialStore::find(const std::string& key) const {
  auto info = read(key);
  if (!info) return info.error();
  if (!*info) return not_found(key);
  return std::move(**info);
}

Status CredentialStore::revoke(const std::string& key, const Commit& commit) {
  std::lock_guard lock(write_mutex_);
  auto info = read(key);
  if (!info) return info.error();
  if (!*info) return not_found(key);
  rocksdb::WriteBatch batch;
  batch.Delete(engine_.family(storage::Family::Meta), kKeyPrefix + key);
  return commit ? commit(batch, **info) : engine_.write_durable(batch);
}

Result<IssuedSecret> CredentialStore::rotate(const std::string& key, std::optional<int64_t> previous_valid_until_us,
                                            const Commit& commit) {
  const int64_t now = now_micros();
  if (previous_valid_until_us && *previous_valid_until_us <= now)
    return bad_request("valid_until", "must be in the future");
  std::lock_guard lock(write_mutex_);
  auto info = read(key);
  if (!info) return info.error();
  if (!*info) return not_found(key);
  CredentialInfo current = std::move(**info);
  std::vector<SecretInfo> kept;
  if (previous_valid_until_us) {
    for (auto& s : current.secrets) {
      if (s.valid_until_us && *s.valid_until_us <= now) continue;  // already dead
      s.valid_until_us = std::min(s.valid_until_us.value_or(INT64_MAX), *previous_valid_until_us);
      kept.push_back(std::move(s));
    }
  }
  current.secrets = std::move(kept);
  IssuedSecret issued = issue(std::move(current), now);
  issued.previous_valid_until_us = previous_valid_until_us;
  if (Status s = write(issued.credential, commit); !s) return s.error();
  return issued;
}

Status CredentialStore::add_store_deletion(storage::StoreId store, rocksdb::WriteBatch& batch) const {
  auto all = list(store);
  if (!all) return all.error();
  for (const auto& c : *all) batch.Delete(engine_.family(storage::Family::Meta), kKeyPrefix + c.key);
  return Status::success();
}

Result<bool> CredentialStore::any() const {
  std::unique_ptr<rocksdb::Iterator> it(engine_.db()->NewIterator(
      rocksdb::ReadOptions(), engine_.family(storage::Family::Meta)));
  it->Seek(kKeyPrefix);
  bool found = it->Valid() && it->key().starts_with(kKeyPrefix);
  if (!it->status().ok()) return storage::storage_error(it->status(), "credential scan failed");
  return found;
}

Result<CredentialInfo> CredentialStore::verify(std::string_view key, std::string_view secret,
                                               int64_t now_us) const {
  // Hash first: the work before the comparison does not depend on whether the guess is right.
  const std::string presented = secret_hash(pepper_, secret);
  auto info = read(key);
  if (!info) return info.error();
  if (!*info) return unauthorized();
  bool match = false;
  for (const auto& s : (*info)->secrets) {  // every hash is compared; no early exit
    bool valid = !s.valid_until_us || *s.valid_until_us > now_us;
    match |= constant_time_equal(s.hash, presented) & valid;
  }
  if (!match) return unauthorized();
  return std::move(**info);
}

}  // namespace scribe::auth
