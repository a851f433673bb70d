#include "app/bootstrap.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/format_migration.h"
#include "auth/authenticator.h"
#include "auth/secret_hash.h"
#include "common/config.h"
#include "common/timestamp.h"
#include "evidence/signing_key.h"
#include "storage/data_format.h"
#include "xapi/statement_terms.h"

namespace scribe::app {

Result<Config> load_config(const std::string& config_file, const std::vector<std::string>& overrides) {
  Config config;
  if (!config_file.empty()) {
    auto loaded = load_config_file(config_file, true);
    if (!loaded) return loaded.error();
    config = *loaded;
  }
  if (Status s = apply_environment(config); !s) return s.error();
  for (const auto& o : overrides)
    if (Status s = apply_override(config, o); !s) return s.error();
  return config;
}

storage::EngineOptions engine_options(const Config& config) {
  return storage::EngineOptions{config.storage.data_dir, config.storage.block_cache_bytes,
                                config.storage.sync_writes, config.storage.compression_dictionary_bytes > 0};
}

storage::CodecOptions codec_options(const Config& config) {
  return storage::CodecOptions{config.storage.compression_dictionary_bytes,
                               config.storage.compression_train_bytes, config.storage.compression_level};
}

storage::OwnTerms own_terms_rule(const auth::StoreRegistry& stores) {
  return [&stores](storage::StoreId store, std::string_view json) -> std::optional<std::vector<storage::Term>> {
    auto info = stores.find(store);
    if (!info) return std::vector<storage::Term>{};  // deleted: nothing of it is indexed
    return xapi::stored_statement_terms(info->term_key, json);
  };
}

Result<std::unique_ptr<evidence::CheckpointSigner>> open_checkpoint_signer(const Config& config,
                                                                          storage::Engine& engine,
                                                                          const auth::StoreRegistry& stores) {
  auto key = evidence::load_or_create_signing_key(
      (std::filesystem::path(config.storage.data_dir) / config.evidence.key_file).string());
  if (!key) return key.error();
  // A deleted store's too: its audit trail stays, signed under its name.
  auto store_name = [&stores](storage::StoreId id) { return stores.name_of(id); };
  return std::make_unique<evidence::CheckpointSigner>(
      engine, std::move(*key), evidence::origin_base(config.evidence.origin, public_url(config)),
      store_name, std::chrono::milliseconds(config.evidence.checkpoint_interval_ms));
}

storage::EvidenceOptions evidence_options(const Config& config, evidence::CheckpointSigner* signer) {
  storage::EvidenceOptions o;
  o.enabled = config.evidence.enabled;
  if (signer) o.synced_heads = [signer](const std::vector<storage::TreeHead>& heads) { signer->synced(heads); };
  return o;
}

std::optional<std::pair<std::string, std::string>> read_bootstrap_file(const Config& config) {
  auto path = std::filesystem::path(config.storage.data_dir) / config.auth.bootstrap_file;
  std::ifstream in(path);
  std::string key, secret, line;
  while (std::getline(in, line)) {
    if (line.starts_with("key=")) key = line.substr(4);
    if (line.starts_with("secret=")) secret = line.substr(7);
  }
  if (key.empty()) return std::nullopt;
  return std::pair{key, secret};
}

Result<AccessControl> open_access_control(const Config& config, storage::Engine& engine) {
  auto format = storage::read_data_format(engine);
  if (!format) return format.error();
  if (*format == 1) {
    auto migrated = migrate_format_1(engine, std::cout);
    if (!migrated) return migrated.error();
  } else if (*format == 2 || *format == 3) {
    if (Status s = rebuild_index(engine, *format, std::cout); !s) return s.error();
  } else if (*format == 4) {
    if (Status s = migrate_format_4(engine, std::cout); !s) return s.error();
  } else if (*format == storage::kNewDataFolder) {
    if (Status s = storage::record_data_format(engine); !s) return s.error();
  } else if (*format != storage::kDataFormatVersion) {
    return storage::unsupported_data_format(*format);
  }
  auto pepper = auth::load_or_create_pepper(config.storage.data_dir);
  if (!pepper) return pepper.error();
  auto stores = auth::StoreRegistry::open(engine);
  if (!stores) return stores.error();
  AccessControl access;
  access.stores = std::move(*stores);
  access.credentials =
      std::make_unique<auth::CredentialStore>(engine, std::move(*pepper), public_url(config));
  return access;
}

Result<auth::Principal> principal_of(const AccessControl& access, const std::string& key,
                                     const std::string& secret) {
  auto credential = access.credentials->verify(key, secret, now_micros());
  if (!credential) return credential.error();
  auto principal = auth::principal_of(std::move(*credential), *access.stores);
  if (!principal) return Error{401, "", "the credential's store no longer exists"};
  return std::move(*principal);
}

Status bootstrap_credential(const Config& config, auth::CredentialStore& credentials) {
  auto path = std::filesystem::path(config.storage.data_dir) / config.auth.bootstrap_file;
  auto any = credentials.any();
  if (!any) return any.error();
  if (!*any) {
    auth::CredentialSpec spec;
    spec.store = auth::kDefaultStoreId;
    spec.label = "bootstrap";
    spec.scopes = auth::scope_bit(auth::Scope::All) | auth::scope_bit(auth::Scope::Admin);
    auto created = credentials.create(spec);
    if (!created) return created.error();
    std::ofstream out(path, std::ios::trunc);
    out << "key=" << created->credential.key << "\nsecret=" << created->secret << "\n";
    out.close();
    chmod(path.c_str(), S_IRUSR | S_IWUSR);
  }
  auto kept = read_bootstrap_file(config);
  if (!kept) {
    std::cout << "bootstrap credential: shown at first start (" << path.string()
              << " has been removed)\n";
  } else {
    std::cout << "bootstrap credential (HTTP Basic auth):\n  key:    " << kept->first
              << "\n  secret: " << kept->second << "\n  (kept in " << path.string()
              << "; delete it once saved elsewhere)\n";
  }
  return Status::success();
}

}  // namespace scribe::app
