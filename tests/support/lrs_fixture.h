// A Router-level Scribe without sockets for tests: engine opening, the statements stack, and reply helpers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include "admin/admin_routes.h"
#include "app/bootstrap.h"
#include "admin/admin_service.h"
#include "auth/authenticator.h"
#include "common/base64.h"
#include "auth/credential_store.h"
#include "auth/store_registry.h"
#include "auth/throttle.h"
#include "storage/document_store.h"
#include "common/config.h"
#include "common/json.h"
#include "common/result.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "storage/statement_reader.h"
#include "xapi/router.h"
#include "xapi/statement_prepare.h"
#include "xapi/statements_resource.h"
#include "xapi/streamed_body.h"

namespace scribe::test_support {

// Points `config` at `dir` for a test (no fsync, 8 MiB block cache) and opens the engine.
inline Result<std::unique_ptr<storage::Engine>> open_test_engine(Config& config, const std::string& dir) {
  config.storage.data_dir = dir;
  config.storage.sync_writes = false;
  config.storage.block_cache_bytes = 8 << 20;
  return storage::Engine::open(
      {config.storage.data_dir, config.storage.block_cache_bytes, config.storage.sync_writes});
}

// Engine -> CommitPipeline / StatementReader -> StatementsResource, DocumentStore ->
// DocumentsResource, Agents, Activities and the evidence log, stores and credentials ->
// Authenticator, the admin API -> Router: the server's object graph without sockets.
struct StatementsStack {
  std::unique_ptr<storage::Engine> engine;
  std::unique_ptr<storage::StatementCodec> codec;
  std::unique_ptr<evidence::CheckpointSigner> signer;
  std::unique_ptr<storage::CommitPipeline> pipeline;
  std::unique_ptr<storage::StatementReader> reader;
  std::unique_ptr<xapi::StatementsResource> statements;
  std::unique_ptr<storage::DocumentStore> document_store;
  std::unique_ptr<xapi::DocumentsResource> documents;
  std::unique_ptr<xapi::AgentsResource> agents;
  std::unique_ptr<xapi::ActivitiesResource> activities;
  std::unique_ptr<xapi::EvidenceResource> evidence;
  std::unique_ptr<auth::StoreRegistry> stores;
  std::unique_ptr<auth::CredentialStore> credentials;
  std::unique_ptr<auth::Throttle> throttle;
  std::unique_ptr<auth::Authenticator> authenticator;
  std::unique_ptr<admin::AuditTrail> audit_trail;
  std::unique_ptr<admin::AdminService> admin_service;
  std::unique_ptr<admin::ErasureService> erasures;
  std::unique_ptr<admin::Retention> retention;  // not started: tests call run_once()
  std::unique_ptr<admin::AdminRoutes> admin_routes;
  std::unique_ptr<WorkPool> query_pool;  // as in the server: reads run off the caller's thread
  std::unique_ptr<xapi::Router> router;

  // Builds the stack over an opened `engine_` for `config` (which must outlive the stack).
  void build(const Config& config, std::unique_ptr<storage::Engine> engine_) {
    json::set_depth_max(int(config.limits.json_depth_max));  // as serve does
    engine = std::move(engine_);
    auto registry = auth::StoreRegistry::open(*engine);
    ASSERT_TRUE(registry.ok()) << registry.error().describe();
    stores = std::move(*registry);
    auto opened = storage::StatementCodec::open(*engine, storage::CodecOptions{
        config.storage.compression_dictionary_bytes, config.storage.compression_train_bytes,
        config.storage.compression_level});
    ASSERT_TRUE(opened.ok()) << opened.error().describe();
    codec = std::move(*opened);
    auto opened_signer = app::open_checkpoint_signer(config, *engine, *stores);
    ASSERT_TRUE(opened_signer.ok()) << opened_signer.error().describe();
    signer = std::move(*opened_signer);
    signer->start();
    pipeline = std::make_unique<storage::CommitPipeline>(*engine, xapi::same_statement,
                                                         config.limits.commit_queue_max, codec.get(),
                                                         app::own_terms_rule(*stores),
                                                         app::evidence_options(config, signer.get()),
                                                         config.limits.backfill_referrers_max);
    reader = std::make_unique<storage::StatementReader>(*engine, &pipeline->recent_postings(), codec.get());
    statements = std::make_unique<xapi::StatementsResource>(config, *pipeline, *reader);
    document_store = std::make_unique<storage::DocumentStore>(*engine);
    documents = std::make_unique<xapi::DocumentsResource>(config, *document_store);
    agents = std::make_unique<xapi::AgentsResource>(*engine);
    activities = std::make_unique<xapi::ActivitiesResource>(*engine);
    evidence = std::make_unique<xapi::EvidenceResource>(
        *engine, *signer, xapi::ExportSources{reader.get(), pipeline.get(), nullptr, config.limits.query_index_wait_ms,
                                                   config.limits.roster_agents_max, config.evidence.enabled});
    credentials = std::make_unique<auth::CredentialStore>(*engine, std::string(32, 'p'),
                                                          public_url(config));
    throttle = std::make_unique<auth::Throttle>(config.auth.failures_max,
                                                config.auth.failure_window_ms,
                                                config.auth.throttle_entries_max);
    authenticator = std::make_unique<auth::Authenticator>(*credentials, *stores, *throttle);
    audit_trail = std::make_unique<admin::AuditTrail>(*engine, *signer);
    admin_service = std::make_unique<admin::AdminService>(*engine, *stores, *credentials, *audit_trail, config.limits);
    erasures = std::make_unique<admin::ErasureService>(*engine, *pipeline, *reader, *audit_trail,
                                                       config.limits.query_index_wait_ms, config.limits);
    admin_service->set_erasures(erasures.get());
    retention = std::make_unique<admin::Retention>(*engine, *stores, *erasures, *audit_trail,
                                                   std::chrono::milliseconds(config.retention.interval_ms),
                                                   config.retention.statements_per_run,
                                                   config.limits.retention_days_max);
    admin_service->set_retention_service(retention.get());
    admin_routes = std::make_unique<admin::AdminRoutes>(*admin_service);
    query_pool = std::make_unique<WorkPool>("scribe-query", std::max<uint32_t>(config.server.query_threads, 1),
                                            config.limits.query_queue_max);
    router = std::make_unique<xapi::Router>(
        config, *authenticator, *statements,
        xapi::OtherResources{documents.get(), agents.get(), activities.get(), evidence.get()}, admin_routes.get(),
        query_pool.get());
  }

  // The store named `name`, created when missing.
  auth::StoreInfo store(const std::string& name) {
    if (auto found = stores->find(name)) return *found;
    auto created = stores->create(name);
    EXPECT_TRUE(created.ok()) << created.error().describe();
    return created.ok() ? *created : auth::StoreInfo{};
  }

  // A new credential on store `store_name` (created when missing) with `scopes`.
  auth::IssuedSecret credential(const std::string& store_name, auth::ScopeSet scopes,
                                json::Value authority = nullptr) {
    auth::CredentialSpec spec{store(store_name).id, "test", scopes, std::move(authority)};
    auto created = credentials->create(spec);
    EXPECT_TRUE(created.ok()) << created.error().describe();
    return created.ok() ? *created : auth::IssuedSecret{};
  }

  // The Authorization header of a new credential (see credential()).
  std::string basic_auth(const std::string& store_name = "default",
                         auth::ScopeSet scopes = auth::scope_bit(auth::Scope::All),
                         json::Value authority = nullptr) {
    auto issued = credential(store_name, scopes, std::move(authority));
    return "Basic " + base64_encode(issued.credential.key + ":" + issued.secret);
  }

  void reset() {
    if (query_pool) query_pool->stop();  // its queued jobs use the router
    router.reset();
    query_pool.reset();
    admin_routes.reset();
    retention.reset();
    erasures.reset();
    admin_service.reset();
    audit_trail.reset();
    authenticator.reset();
    throttle.reset();
    credentials.reset();
    evidence.reset();
    activities.reset();
    agents.reset();
    documents.reset();
    document_store.reset();
    statements.reset();
    pipeline.reset();
    signer.reset();  // after the pipeline, which hands it tree heads
    reader.reset();
    codec.reset();
    stores.reset();  // after the pipeline, whose terms rule reads it, and the signer
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
  xapi::HttpResponse response = future.get();
  if (response.stream) {  // a streamed body: read it to its end, as the transport would
    auto body = xapi::drain_stream(*response.stream, size_t(1) << 30);
    if (!body) ADD_FAILURE() << "streamed body failed: " << body.error().message;
    response.body = body ? std::move(*body) : std::string();
    response.stream.reset();
  }
  return response;
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
