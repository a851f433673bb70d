#include "app/bootstrap.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "common/config.h"

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
                                config.storage.sync_writes};
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

Status bootstrap_credential(const Config& config, auth::CredentialStore& credentials) {
  auto path = std::filesystem::path(config.storage.data_dir) / config.auth.bootstrap_file;
  auto any = credentials.any();
  if (!any) return any.error();
  if (!*any) {
    std::string home = "http://" + config.server.host + ":" + std::to_string(config.server.port);
    auto created = credentials.create(1, home);
    if (!created) return created.error();
    std::ofstream out(path, std::ios::trunc);
    out << "key=" << created->key << "\nsecret=" << created->secret << "\n";
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
