// scribe-baseline: what the hardware and libraries can do with the same statements, without
// Scribe, so that Scribe's figures can be read as a fraction of a ceiling measured in the same
// run on the same machine:
//  (a) RocksDB: WriteBatches with a synced WAL holding, per statement, exactly the keys and
//      bytes Scribe's committer writes (statement record, id → seq, one index entry per term,
//      the Activities/Agents merge operands, one last_seq per batch), one writer, no reads;
//  (b) simdjson DOM parse of the statements (statements/s and MB/s), and Scribe's own
//      json::parse (simdjson into a json::Value tree) beside it;
//  (c) Scribe's json::Document::parse (the write path's parse: simdjson's DOM plus the
//      duplicate-key and depth checks), validate_statement and prepare_statement in process
//      (no HTTP, no disk).
// Statements come from the benchmark generator; keys from storage/keys.h; terms, merge operands
// and record JSON from xapi::prepare_statement, so nothing here is an approximation of them.
#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/report.h"
#include "bench/statement_generator.h"
#include "common/json.h"
#include "common/json_dom.h"
#include "common/timestamp.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "xapi/statement_prepare.h"
#include "xapi/statement_validator.h"

namespace {

using namespace scribe;
using namespace scribe::bench;

constexpr const char* kUsage = R"(usage: scribe-baseline [options]
  --statements N      statements generated and written per measurement (100000)
  --batches LIST      RocksDB batch sizes (100; e.g. 1,10,100,1000)
  --batch1-max N      statements written at batch size 1 at most (5000: one fsync each)
  --dir DIR           scratch directory for RocksDB (a fresh subdirectory is made; removed after)
  --no-sync           also measure the unsynced WAL (page cache only)
  --version V         xAPI version for validate/prepare (2.0.0)
  --seed S            generator seed (42)
  --json FILE         write the report as JSON
)";

struct Args {
  uint64_t statements = 100000;
  std::vector<uint32_t> batches{100};
  uint64_t batch1_max = 5000;
  std::string dir = "/tmp";
  bool no_sync = false;
  std::string version = "2.0.0";
  uint64_t seed = 42;
  std::string json_file;
};

[[noreturn]] void die(const std::string& message) {
  std::cerr << "scribe-baseline: " << message << "\n";
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (arg == "--no-sync") {
      a.no_sync = true;
      continue;
    }
    std::string value;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      die("missing value for " + arg);
    }
    if (arg == "--statements") a.statements = std::stoull(value);
    else if (arg == "--batch1-max") a.batch1_max = std::stoull(value);
    else if (arg == "--dir") a.dir = value;
    else if (arg == "--version") a.version = value;
    else if (arg == "--seed") a.seed = std::stoull(value);
    else if (arg == "--json") a.json_file = value;
    else if (arg == "--batches") {
      a.batches.clear();
      std::stringstream in(value);
      for (std::string part; std::getline(in, part, ',');)
        if (!part.empty()) a.batches.push_back(uint32_t(std::stoul(part)));
    } else {
      die("unknown option " + arg + "\n" + kUsage);
    }
  }
  if (a.statements == 0) die("--statements must be positive");
  return a;
}

// The authority Scribe would add for the bootstrap credential (same shape and size).
json::Value bench_authority() {
  json::Object account;
  account.append("homePage", "http://127.0.0.1:8080");
  account.append("name", "bench-credential-key-0001");
  json::Object agent;
  agent.append("objectType", "Agent");
  agent.append("account", json::Value(std::move(account)));
  return json::Value(std::move(agent));
}

// Repeats `pass` (one pass over all statements) until at least `min_s` has gone by.
template <class Pass>
Row timed_passes(const std::string& name, uint64_t statements_per_pass, double bytes_per_pass,
                 double min_s, Pass pass) {
  Row row;
  row.name = name;
  int64_t t0 = now_ns();
  do {
    pass();
    row.statements += statements_per_pass;
    row.requests += statements_per_pass;
    row.bytes += bytes_per_pass;
    row.elapsed_s = double(now_ns() - t0) / 1e9;
  } while (row.elapsed_s < min_s);
  return row;
}

Row rocksdb_run(const Args& a, const std::vector<storage::PreparedStatement>& prepared,
                uint32_t batch_size, bool sync) {
  std::filesystem::path dir = std::filesystem::path(a.dir) /
                              ("scribe-baseline-" + std::to_string(getpid()) + "-" +
                               std::to_string(batch_size) + (sync ? "-sync" : "-nosync"));
  std::filesystem::remove_all(dir);
  storage::EngineOptions options;
  options.path = dir.string();
  options.sync_writes = sync;
  auto engine = storage::Engine::open(options);
  if (!engine) die(engine.error().describe());
  storage::Engine& e = **engine;

  const storage::StoreId store = 1;
  uint64_t total = prepared.size();
  if (batch_size == 1) total = std::min<uint64_t>(total, a.batch1_max);
  storage::Seq seq = uint64_t(now_micros());
  LatencySamples commit_latency;
  uint64_t bytes = 0, index_entries = 0, batches = 0;
  int64_t t0 = now_ns();
  for (uint64_t first = 0; first < total; first += batch_size) {
    rocksdb::WriteBatch batch;
    uint64_t end = std::min<uint64_t>(total, first + batch_size);
    for (uint64_t i = first; i < end; i++) {
      const storage::PreparedStatement& p = prepared[i];
      ++seq;
      std::string seq_bytes;
      storage::put_u64(seq_bytes, seq);
      for (const storage::Term& t : p.terms)
        batch.Put(e.family(storage::Family::Index), storage::index_key(store, t, seq), "");
      index_entries += p.terms.size();
      batch.Put(e.family(storage::Family::StatementIds), storage::statement_id_key(store, p.id),
                seq_bytes);
      storage::StatementRecord record{p.id, p.flags, p.terms, p.json};
      batch.Put(e.family(storage::Family::Statements), storage::statement_key(store, seq),
                storage::encode_record(record));
      for (const storage::MergeOperand& m : p.merges)
        batch.Merge(e.family(m.family), storage::store_prefix(store) + m.key, m.operand);
    }
    std::string last;
    storage::put_u64(last, seq);
    batch.Put(e.family(storage::Family::Meta), "last_seq", last);
    bytes += batch.GetDataSize();
    int64_t c0 = now_ns();
    if (Status s = e.write_durable(batch); !s) die(s.error().describe());
    commit_latency.add(now_ns() - c0);
    batches++;
  }
  Row row;
  row.elapsed_s = double(now_ns() - t0) / 1e9;
  row.name = "rocksdb batch " + std::to_string(batch_size) + (sync ? " synced" : " unsynced");
  row.statements = total;
  row.requests = batches;
  row.bytes = double(bytes);
  row.set_latency(commit_latency);
  row.notes["index entries per statement"] =
      std::to_string(double(index_entries) / double(std::max<uint64_t>(total, 1)));
  row.notes["WriteBatch bytes per statement"] =
      std::to_string(bytes / std::max<uint64_t>(total, 1));
  engine->reset();
  std::filesystem::remove_all(dir);
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse_args(argc, argv);
  auto version = xapi::parse_version_header(a.version);
  if (!version) die("unknown --version " + a.version);

  GeneratorOptions g_options;
  g_options.seed = a.seed;
  StatementGenerator generator(g_options);
  std::vector<std::string> statements;
  statements.reserve(a.statements);
  double total_bytes = 0;
  for (uint64_t i = 0; i < a.statements; i++) {
    statements.push_back(generator.statement(i));
    total_bytes += double(statements.back().size());
  }

  Report report;
  report.title = "scribe-baseline";
  report.parameters["statements"] = std::to_string(a.statements);
  report.parameters["average statement bytes"] = std::to_string(uint64_t(total_bytes / a.statements));
  report.parameters["version"] = a.version;
  report.parameters["scratch dir"] = a.dir;
  report.parameters["simdjson implementation"] =
      std::string(simdjson::get_active_implementation()->name());

  // (b) simdjson DOM parse of the very same bytes.
  std::vector<simdjson::padded_string> padded;
  padded.reserve(statements.size());
  for (const auto& s : statements) padded.emplace_back(s);
  simdjson::dom::parser parser;
  report.rows.push_back(timed_passes("simdjson dom parse", statements.size(), total_bytes, 1.0, [&] {
    for (const auto& p : padded) {
      auto doc = parser.parse(p);
      if (doc.error()) die("simdjson rejected a generated statement");
    }
  }));
  report.rows.push_back(timed_passes("scribe json::parse", statements.size(), total_bytes, 1.0, [&] {
    for (const auto& s : statements)
      if (!json::parse(s)) die("json::parse rejected a generated statement");
  }));

  // (c) Scribe's own CPU work per statement before the committer: parse, validate, prepare.
  // The bootstrap credential's authority, and a fixed term key (keyed hashing costs the same).
  const xapi::StatementWriter writer{bench_authority(), storage::TermKey{7, 7, 7}, true};
  std::vector<storage::PreparedStatement> prepared;
  prepared.reserve(statements.size());
  report.rows.push_back(timed_passes("scribe Document::parse", statements.size(), total_bytes, 1.0, [&] {
    for (const auto& s : statements)
      if (!json::Document::parse(s)) die("Document::parse rejected a generated statement");
  }));
  report.rows.push_back(timed_passes("scribe parse+validate", statements.size(), total_bytes, 1.0, [&] {
    for (const auto& s : statements) {
      auto document = json::Document::parse(s);
      if (!document || !xapi::validate_statement(document->root(), *version)) die("invalid");
    }
  }));
  {
    Row row = timed_passes("scribe parse+validate+prepare", statements.size(), total_bytes, 0, [&] {
      for (const auto& s : statements) {
        auto document = json::Document::parse(s);
        if (!document) die("parse: " + document.error().describe());
        if (Status st = xapi::validate_statement(document->root(), *version); !st)
          die("generated statement is invalid: " + st.error().describe() + "\n" + s);
        auto p = xapi::prepare_statement(document->root(), *version, writer, "");
        if (!p) die("prepare: " + p.error().describe());
        prepared.push_back(std::move(*p));
      }
    });
    report.rows.push_back(row);
  }

  // (a) RocksDB with the prepared statements' keys and bytes.
  for (uint32_t batch : a.batches) {
    if (batch == 0) continue;
    report.rows.push_back(rocksdb_run(a, prepared, batch, true));
    if (a.no_sync) report.rows.push_back(rocksdb_run(a, prepared, batch, false));
  }

  report.print_table();
  if (!a.json_file.empty() && !report.write_json(a.json_file)) return 1;
  return 0;
}
