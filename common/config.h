// Scribe's configuration: every limit and setting in one struct, with the defaults that serve a
// single machine. Loaded from a TOML file, then environment variables (SCRIBE_<SECTION>_<KEY>),
// then command-line flags (--section.key=value), later sources overriding earlier ones.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace scribe {

struct Config {
  struct Server {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;
    std::string base_path = "/xapi";  // every resource lives below this prefix
    int io_threads = 0;               // 0: one per core
    // Threads that run queries and document reads and writes, off the IO threads.
    uint32_t query_threads = 4;
    std::string tls_cert_file;        // both set: serve HTTPS
    std::string tls_key_file;
    // The URL clients reach this server at ("https://lrs.example.com"); empty: derived from
    // host, port and whether TLS is on. Default credential authorities name it as homePage.
    std::string public_url;
    // "*" (any origin, never with credentials) or a comma-separated list of origins that are
    // echoed back with Allow-Credentials.
    std::string cors_allowed_origins = "*";
  } server;

  struct Limits {
    uint64_t body_bytes_max = 16ull << 20;        // request body (413 past it)
    uint32_t header_bytes_max = 16u << 10;        // request line + headers (431 past it)
    uint32_t statements_per_batch_max = 5000;     // statements in one POST (413 past it)
    uint64_t attachment_bytes_max = 64ull << 20;  // one attachment part
    uint64_t document_bytes_max = 1ull << 20;     // one State/Profile document
    uint32_t connections_max = 1024;              // open connections; more are closed at accept
    uint32_t connections_per_address_max = 256;   // open connections from one client address
    uint32_t idle_timeout_ms = 30000;             // a connection idle this long is closed
    uint32_t header_timeout_ms = 10000;           // a request's line and headers arrive within this
    uint32_t request_timeout_ms = 60000;          // reading one request's body may take this long
    uint32_t query_limit_default = 100;           // statements per page when limit=0 or absent
    uint32_t query_limit_max = 1000;              // statements per page at most
    uint32_t commit_queue_max = 65536;            // statements waiting for the committer (503)
    uint32_t query_queue_max = 1024;              // requests waiting for a query thread (503)
    uint32_t query_index_wait_ms = 5000;          // a filtered query waits this long for the index (503)
    uint32_t roster_agents_max = 100000;          // learners in one completion report's roster (413)
    uint32_t json_depth_max = 128;                // how deep a JSON body or parameter may nest (400)
    uint32_t backfill_referrers_max = 10000;      // statements a late target gives its terms to (413)
    uint32_t statement_terms_max = 8192;          // agents, verbs, activities... one statement is indexed by (413)
    uint32_t reason_bytes_max = 2048;             // an admin change's reason (400 past it)
    uint32_t audit_page_max = 1000;               // audit entries listed per page at most
    uint64_t erasure_statements_max = 1000000;    // statements one erasure (413) or purge erases at most
    uint32_t erasure_referrers_max = 100000;      // statements referring to erased ones rewritten (413)
    uint32_t retention_days_max = 365000;         // a store's retention_days at most
  } limits;

  struct Storage {
    std::string data_dir = "./var";
    uint64_t block_cache_bytes = 256ull << 20;
    bool sync_writes = true;  // false only for benchmarks that measure the unsynced ceiling
    // Statements compress with a zstd dictionary trained per store on its first statements.
    uint32_t compression_dictionary_bytes = 64u << 10;  // 0: statements are not compressed
    uint32_t compression_train_bytes = 4u << 20;        // sampled before a store's training
    int compression_level = 1;  // 3: ~10% smaller statements, ~12% less ingest (bench/RESULTS.md)
  } storage;

  struct Xapi {
    std::string default_version = "2.0.0";  // used for replies to requests without a version
  } xapi;

  struct Auth {
    // Where the bootstrap credential is written on first start (relative to data_dir).
    std::string bootstrap_file = "bootstrap-credential.txt";
    uint32_t failures_max = 20;            // failed logins per (address, key) in the window
    uint32_t failure_window_ms = 60000;    // ... before that pair gets 429
    uint32_t throttle_entries_max = 100000;  // (address, key) pairs tracked at most
  } auth;

  struct Evidence {
    // Keep each store's tamper-evident statement log and sign its checkpoints. false only to
    // measure what the log costs: statements stored meanwhile get their leaves at the next
    // start with it on.
    bool enabled = true;
    // Checkpoints (signed tree heads) are signed after commits, at most this often per store.
    uint32_t checkpoint_interval_ms = 1000;
    // The log's name, before "/<store>"; empty: server.public_url without its scheme.
    std::string origin;
    // The Ed25519 signing key, PKCS#8 PEM, relative to storage.data_dir; made at first start.
    std::string key_file = "evidence-key.pem";
  } evidence;

  struct Retention {
    // How often stores with a retention_days setting are purged of older statements.
    uint32_t interval_ms = 3600000;
    // Statements one scheduled run erases per store at most; the rest go in the next runs.
    uint32_t statements_per_run = 100000;
  } retention;
};

// Reads `path` (TOML); a missing file is an error only when `required`.
Result<Config> load_config_file(const std::string& path, bool required);
// Applies SCRIBE_SECTION_KEY environment variables.
Status apply_environment(Config& config);
// Applies one "--section.key=value" override.
Status apply_override(Config& config, const std::string& assignment);
// server.public_url, or the URL derived from host, port and TLS when it is empty.
std::string public_url(const Config& config);
// The effective configuration as TOML, printed at start-up.
std::string describe(const Config& config);

}  // namespace scribe
