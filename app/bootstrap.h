// Start-up steps shared by the `scribe` subcommands that open the data directory (serve,
// import): the engine options a data directory needs, and the bootstrap credential.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/credential_store.h"
#include "auth/principal.h"
#include "auth/store_registry.h"
#include "common/config.h"
#include "common/result.h"
#include "storage/engine.h"
#include "evidence/log/checkpoint_signer.h"
#include "storage/commit_pipeline.h"
#include "storage/record_terms.h"
#include "storage/statement_codec.h"

namespace scribe::app {

// The configuration of a subcommand: defaults, then `config_file` when one is named, then the
// SCRIBE_* environment, then `overrides` ("section.key=value") in order.
Result<Config> load_config(const std::string& config_file, const std::vector<std::string>& overrides);

// The engine options for `config`'s data directory, merge operators included (every process
// that writes statements must open the engine with them).
storage::EngineOptions engine_options(const Config& config);
storage::CodecOptions codec_options(const Config& config);
// The rule that recomputes a stored statement's own index terms with its store's term key
// (records keep only inherited terms); a store that no longer exists has none.
storage::OwnTerms own_terms_rule(const auth::StoreRegistry& stores);

// The checkpoint signer of the data folder's evidence logs: its key loaded (made at first
// start), the origin from the configuration, store names from the registry. Not started.
Result<std::unique_ptr<evidence::CheckpointSigner>> open_checkpoint_signer(const Config& config,
                                                                          storage::Engine& engine,
                                                                          const auth::StoreRegistry& stores);
// The commit pipeline's evidence options: on or off as configured, synced heads to `signer`
// (none: they are signed when the server next asks).
storage::EvidenceOptions evidence_options(const Config& config, evidence::CheckpointSigner* signer);

// The stores and credentials of an opened data folder: its format checked (recorded when new,
// migrated from format 1: app/format_migration.h), the pepper loaded (or created), the
// `default` store ensured.
struct AccessControl {
  std::unique_ptr<auth::StoreRegistry> stores;
  std::unique_ptr<auth::CredentialStore> credentials;
};
Result<AccessControl> open_access_control(const Config& config, storage::Engine& engine);

// Creates the bootstrap credential (scopes `all` and `admin` on `default`) on first start and
// shows it; later starts show it again from the owner-only file written then, until an
// operator deletes that file.
Status bootstrap_credential(const Config& config, auth::CredentialStore& credentials);

// The principal of a key and secret, without the throttle (offline subcommands such as
// import); a 401 Error when they match no credential of an existing store.
Result<auth::Principal> principal_of(const AccessControl& access, const std::string& key,
                                     const std::string& secret);

// The key and secret kept in the bootstrap file; nullopt once an operator has deleted it.
std::optional<std::pair<std::string, std::string>> read_bootstrap_file(const Config& config);

}  // namespace scribe::app
