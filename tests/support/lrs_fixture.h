// A Router-level Scribe without sockets for tests: engine opening, the statements stack, and reply helpers.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include "auth/credential_store.h"
#include "common/config.h"
#include "common/json.h"
#include "common/result.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "storage/statement_reader.h"
#include "xapi/router.h"
#include "xapi/statement_prepare.h"
#include "xapi/statements_resource.h"

namespace scribe::test_support {

// Points `config` at `dir` for a test (no fsync, 8 MiB block cache) and opens the engine.
inline Result<std::unique_ptr<storage::Engine>> open_test_engine(Config& config, const std::string& dir) {
  config.storage.data_dir = dir;
  config.storage.sync_writes = false;
  config.storage.block_cache_bytes = 8 << 20;
  return storage::Engine::open(
      {config.storage.data_dir, config.storage.block_cache_bytes, config.storage.sync_writes});
}

// Engine -> CommitPipeline / StatementReader -> StatementsResource, CredentialStore -> Router.
struct StatementsStack {
  std::unique_ptr<storage::Engine> engine;
  std::unique_ptr<storage::CommitPipeline> pipeline;
  std::unique_ptr<storage::StatementReader> reader;
  std::unique_ptr<xapi::StatementsResource> statements;
  std::unique_ptr<auth::CredentialStore> credentials;
  std::unique_ptr<xapi::Router> router;

  // Builds the stack over an opened `engine_` for `config` (which must outlive the stack).
  void build(const Config& config, std::unique_ptr<storage::Engine> engine_) {
    engine = std::move(engine_);
    pipeline = std::make_unique<storage::CommitPipeline>(*engine, xapi::same_statement,
                                                         config.limits.commit_queue_max);
    reader = std::make_unique<storage::StatementReader>(*engine);
    statements = std::make_unique<xapi::StatementsResource>(config, *pipeline, *reader);
    credentials = std::make_unique<auth::CredentialStore>(*engine);
    router = std::make_unique<xapi::Router>(config, *credentials, *statements);
  }
  void reset() {
    router.reset();
    statements.reset();
    pipeline.reset();
    reader.reset();
    credentials.reset();
    engine.reset();
  }
  ~StatementsStack() { reset(); }
};

// Hands `r` to `router` and waits for the reply; fails the test if the reply comes twice.
inline xapi::HttpResponse send_and_wait(xapi::Router& router, xapi::HttpRequest r) {
  auto promise = std::make_shared<std::promise<xapi::HttpResponse>>();
  auto future = promise->get_future();
  auto calls = std::make_shared<int>(0);
  router.handle(std::move(r), [promise, calls](xapi::HttpResponse response) {
    if (++*calls == 1) promise->set_value(std::move(response));
    else ADD_FAILURE() << "reply called more than once";
  });
  return future.get();
}

// The value of header `name` (any case) in `r`, or nullptr.
inline const std::string* find_header(const xapi::HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < k.size(); i++)
      if (std::tolower(static_cast<unsigned char>(k[i])) != std::tolower(static_cast<unsigned char>(name[i])))
        same = false;
    if (same) return &v;
  }
  return nullptr;
}

// The reply body as JSON; fails the test (and gives null) when it is not JSON.
inline json::Value body_json(const xapi::HttpResponse& r) {
  auto v = json::parse(r.body);
  EXPECT_TRUE(v.ok()) << r.body;
  return v.ok() ? *v : json::Value();
}

}  // namespace scribe::test_support
