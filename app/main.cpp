// The `scribe` command: `scribe serve` runs the LRS; `scribe help` lists the subcommands.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "app/admin_command.h"
#include "admin/admin_routes.h"
#include "admin/admin_service.h"
#include "app/bootstrap.h"
#include "app/export_command.h"
#include "app/import_command.h"
#include "app/command_line.h"
#include "app/verify_command.h"
#include "auth/authenticator.h"
#include "auth/throttle.h"
#include "common/config.h"
#include "server/http_server.h"
#include "storage/commit_pipeline.h"
#include "storage/statement_erasure.h"
#include "storage/document_store.h"
#include "storage/engine.h"
#include "storage/statement_reader.h"
#include "xapi/router.h"
#include "xapi/statement_prepare.h"
#include "xapi/statements_resource.h"

namespace {

using namespace scribe;

constexpr const char* kUsage =
    "usage: scribe serve [--config FILE] [--port-file FILE] [--section.key=value ...]\n"
    "       scribe import --storage.data_dir=DIR [--version 2.0.0] FILE.ndjson|-\n"
    "       scribe admin store create|list|show|delete ... [--url URL] [--json]\n"
    "       scribe admin credential create|list|revoke|rotate ... (see scribe admin help)\n"
    "       scribe export --out FILE [filters] (see scribe export help)\n"
    "       scribe verify FILE [--key VKEY] [--previous CHECKPOINT] [--consistency FILE | --url URL]\n"
    "       scribe help\n"
    "Settings come from FILE (TOML), then SCRIBE_SECTION_KEY environment variables, then\n"
    "--section.key=value flags; see deploy/scribe.toml for every key.\n";

int fail(const std::string& message) {
  std::cerr << "scribe: " << message << "\n";
  return 1;
}

struct ServeArgs {
  std::string config_file;
  std::string port_file;
  std::vector<std::string> overrides;
};

Result<ServeArgs> parse_serve_args(int argc, char** argv) {
  ServeArgs args;
  app::ArgWalker walker(argc, argv);
  while (walker.next()) {
    if (auto v = walker.value_of("--config")) args.config_file = *v;
    else if (auto v = walker.value_of("--port-file")) args.port_file = *v;
    else if (auto o = walker.config_override()) args.overrides.push_back(*o);
    else return Error{2, "", "unknown argument " + walker.current()};
  }
  return args;
}

int serve(int argc, char** argv) {
  auto args = parse_serve_args(argc, argv);
  if (!args) return fail(args.error().message + "\n" + kUsage);
  auto config = app::load_config(args->config_file, args->overrides);
  if (!config) return fail(config.error().describe());
  std::cout << "# effective configuration\n" << describe(*config) << std::flush;

  // Block termination signals (and SIGHUP) in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  json::set_depth_max(int(config->limits.json_depth_max));
  auto engine = storage::Engine::open(app::engine_options(*config));
  if (!engine) return fail(engine.error().describe());
  // Erasures a crash interrupted after their batch: their bytes leave the disk now.
  if (auto resumed = storage::resume_erasures(**engine); !resumed) return fail(resumed.error().describe());
  else if (*resumed) std::cout << "scribe: finished " << *resumed << " interrupted erasure(s)\n" << std::flush;
  auto access = app::open_access_control(*config, **engine);
  if (!access) return fail(access.error().describe());
  if (Status s = app::bootstrap_credential(*config, *access->credentials); !s)
    return fail(s.error().describe());
  auth::Throttle throttle(config->auth.failures_max, config->auth.failure_window_ms,
                          config->auth.throttle_entries_max);
  auth::Authenticator authenticator(*access->credentials, *access->stores, throttle);
  auto signer = app::open_checkpoint_signer(*config, **engine, *access->stores);
  if (!signer) return fail(signer.error().describe());
  admin::AuditTrail audit_trail(**engine, **signer);
  admin::AdminService admin_service(**engine, *access->stores, *access->credentials, audit_trail, config->limits);

  auto codec = storage::StatementCodec::open(**engine, app::codec_options(*config));
  if (!codec) return fail(codec.error().describe());
  storage::CommitPipeline pipeline(**engine, xapi::same_statement,
                                   config->limits.commit_queue_max, codec->get(),
                                   app::own_terms_rule(*access->stores),
                                   app::evidence_options(*config, signer->get()),
                                   config->limits.backfill_referrers_max);
  storage::StatementReader reader(**engine, &pipeline.recent_postings(), codec->get());
  admin::ErasureService erasures(**engine, pipeline, reader, audit_trail, config->limits.query_index_wait_ms,
                                 config->limits);
  admin_service.set_erasures(&erasures);
  admin::Retention retention(**engine, *access->stores, erasures, audit_trail,
                             std::chrono::milliseconds(config->retention.interval_ms),
                             config->retention.statements_per_run, config->limits.retention_days_max);
  admin_service.set_retention_service(&retention);
  admin::AdminRoutes admin_routes(admin_service);  // after what its queued operations use
  WorkPool query_pool("scribe-query", std::max<uint32_t>(config->server.query_threads, 1),
                      config->limits.query_queue_max);
  xapi::StatementsResource statements(*config, pipeline, reader, &query_pool);
  storage::DocumentStore document_store(**engine);
  xapi::DocumentsResource documents(*config, document_store);
  xapi::AgentsResource agents(**engine);
  xapi::ActivitiesResource activities(**engine);
  xapi::EvidenceResource evidence(**engine, **signer,
                                  {&reader, &pipeline, &query_pool, config->limits.query_index_wait_ms,
                                   config->limits.roster_agents_max, config->evidence.enabled});
  xapi::Router router(*config, authenticator, statements, {&documents, &agents, &activities, &evidence},
                      &admin_routes, &query_pool);
  server::HttpServer http(*config, router);
  if (Status s = http.start(); !s) return fail(s.error().describe());
  if (config->server.port == 0 && config->server.public_url.empty()) {  // now the port is known
    Config bound = *config;
    bound.server.port = http.port();
    access->credentials->set_authority_home_page(public_url(bound));
    (*signer)->set_origin_base(evidence::origin_base(config->evidence.origin, public_url(bound)));
  }
  (*signer)->start();
  retention.start();

  std::cout << "Scribe listening on " << (http.tls() ? "https://" : "http://") << config->server.host
            << ":" << http.port()
            << config->server.base_path << "\n"
            << std::flush;
  if (!args->port_file.empty()) {
    std::string tmp = args->port_file + ".tmp";
    std::ofstream(tmp) << http.port() << "\n";
    std::filesystem::rename(tmp, args->port_file);
  }

  int received = 0;
  // SIGHUP reloads the TLS certificate and key (open connections keep theirs); a bad pair is
  // reported and the old one stays in use.
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    Status reloaded = http.reload_tls();
    if (reloaded) std::cout << "scribe: TLS certificate reloaded\n" << std::flush;
    else std::cerr << "scribe: TLS reload failed, keeping the old certificate: "
                   << reloaded.error().describe() << "\n" << std::flush;
  }
  std::cout << "scribe: stopping (" << strsignal(received) << ")\n" << std::flush;
  http.stop();
  query_pool.stop();  // its queued jobs use the router and resources, which outlive it
  retention.stop();   // a run in progress erases through the pipeline
  pipeline.stop();
  (*signer)->stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "help";
  if (command == "serve") return serve(argc, argv);
  if (command == "import") return app::import_command(argc, argv);
  if (command == "admin") return app::admin_command(argc, argv);
  if (command == "export") return app::export_command(argc, argv);
  if (command == "verify") return app::verify_command(argc, argv);
  std::cout << kUsage;
  return command == "help" || command == "--help" ? 0 : 2;
}
