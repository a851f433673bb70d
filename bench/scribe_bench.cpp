// scribe-bench: drives a running Scribe over HTTP on loopback and reports throughput and
// latency percentiles (table on stdout, JSON with --json FILE).
//
// Scenarios:
//   ingest    POST batches of --batch statements (1: a lone statement object)
//   mixed     --read-percent reads (filtered GETs) and the rest writes
//   query     filtered GETs on a store preloaded with statements [0, --preloaded) of the same
//             generator (same --seed and population), one row per query kind; `paging` walks
//             `more` to the end and reports latency per page position
//   generate  writes statements [--start, --start + --count) as NDJSON for `scribe import`
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <memory>
#include <string>
#include <vector>

#include "common/base64.h"
#include "bench/http_load.h"
#include "bench/report.h"
#include "bench/statement_generator.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace {

using namespace scribe;
using namespace scribe::bench;

constexpr const char* kUsage = R"(usage: scribe-bench --scenario ingest|mixed|query|generate [options]
connection:  --host 127.0.0.1 --port N | --port-file FILE   --base-path /xapi
             --credential-file FILE (key=/secret= lines, as written by scribe serve)
             | --key K --secret S          --version 2.0.0
load:        --connections N (1)  --rate R (open loop, requests/s; default closed loop)
             --requests N  --duration SECONDS (10)   (every run is bounded by both)
ingest:      --batch 1|10|100|1000 (100)  --start I (first statement index, 0)
             --pregenerate-mb M (1024: bodies built before the clock starts, at most M MB)
mixed:       --read-percent P (80)  --batch N (1)  --start I  --preloaded N
query:       --preloaded N (statements [0,N) are stored)  --limit N (page size, 100)
             --queries agent,verb,activity,registration,related_agents,related_activities,
                       since_until,agent_verb,verb_registration,activity_since,paging,paging_all
generate:    --count N  --start I  --out FILE.ndjson | -
generator:   --seed S (42)  --learners N (10000)  --groups N (200)  --courses N (40)
             --registrations N (20000)
report:      --json FILE  --label TEXT (prefix for row names)
)";

const char* kAllQueries =
    "agent,verb,activity,registration,related_agents,related_activities,since_until,agent_verb,"
    "verb_registration,activity_since,paging";

struct Args {
  std::string scenario;
  HttpTarget target;
  std::string port_file, credential_file, key, secret, base_path = "/xapi";
  LoadOptions load;
  uint32_t batch = 0;  // 0: scenario default
  uint64_t start = 0, preloaded = 0, count = 0;
  uint32_t limit = 100;
  int read_percent = 80;
  uint64_t pregenerate_mb = 1024;  // ingest: request bodies built before the clock starts
  std::string queries = kAllQueries;
  std::string out, json_file, label;
  GeneratorOptions generator;
};

[[noreturn]] void die(const std::string& message) {
  std::cerr << "scribe-bench: " << message << "\n";
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  a.load.duration_s = 10;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    std::string value;
    size_t eq = arg.find('=');
    if (arg.starts_with("--") && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      die("missing value for " + arg + "\n" + kUsage);
    }
    auto u64 = [&] {
      try {
        return std::stoull(value);
      } catch (...) {
        die("not a number for " + arg + ": " + value);
      }
    };
    if (arg == "--scenario") a.scenario = value;
    else if (arg == "--host") a.target.host = value;
    else if (arg == "--port") a.target.port = uint16_t(u64());
    else if (arg == "--port-file") a.port_file = value;
    else if (arg == "--base-path") a.base_path = value;
    else if (arg == "--credential-file") a.credential_file = value;
    else if (arg == "--key") a.key = value;
    else if (arg == "--secret") a.secret = value;
    else if (arg == "--version") a.target.version = value;
    else if (arg == "--connections") a.load.connections = int(u64());
    else if (arg == "--rate") a.load.rate_per_s = std::stod(value);
    else if (arg == "--requests") a.load.requests_max = u64();
    else if (arg == "--duration") a.load.duration_s = std::stod(value);
    else if (arg == "--batch") a.batch = uint32_t(u64());
    else if (arg == "--start") a.start = u64();
    else if (arg == "--preloaded") a.preloaded = u64();
    else if (arg == "--count") a.count = u64();
    else if (arg == "--limit") a.limit = uint32_t(u64());
    else if (arg == "--read-percent") a.read_percent = int(u64());
    else if (arg == "--pregenerate-mb") a.pregenerate_mb = u64();
    else if (arg == "--queries") a.queries = value;
    else if (arg == "--out") a.out = value;
    else if (arg == "--json") a.json_file = value;
    else if (arg == "--label") a.label = value;
    else if (arg == "--seed") a.generator.seed = u64();
    else if (arg == "--learners") a.generator.learners = uint32_t(u64());
    else if (arg == "--groups") a.generator.groups = uint32_t(u64());
    else if (arg == "--courses") a.generator.courses = uint32_t(u64());
    else if (arg == "--registrations") a.generator.registrations = uint32_t(u64());
    else die("unknown option " + arg + "\n" + kUsage);
  }
  if (a.scenario.empty()) die(std::string("--scenario is required\n") + kUsage);
  if (a.load.requests_max == 0 && a.load.duration_s <= 0)
    die("every run needs a bound: --requests or --duration");
  return a;
}

void resolve_connection(Args& a) {
  if (!is_loopback_literal(a.target.host))
    die("refusing non-loopback host " + a.target.host + " (127.0.0.0/8 or ::1 only)");
  if (!a.port_file.empty()) {
    std::ifstream in(a.port_file);
    int port = 0;
    if (!(in >> port) || port <= 0 || port > 65535) die("no port in " + a.port_file);
    a.target.port = uint16_t(port);
  }
  if (!a.credential_file.empty()) {
    std::ifstream in(a.credential_file);
    if (!in) die("cannot read " + a.credential_file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with("key=")) a.key = line.substr(4);
      if (line.starts_with("secret=")) a.secret = line.substr(7);
    }
  }
  if (!a.key.empty()) a.target.authorization = "Basic " + base64_encode(a.key + ":" + a.secret);
}

// The string value of the first `"name":"..."` in a JSON text (no escapes expected).
std::string find_string_member(const std::string& body, std::string_view name) {
  std::string needle = "\"" + std::string(name) + "\":\"";
  size_t at = body.find(needle);
  if (at == std::string::npos) return {};
  at += needle.size();
  size_t end = body.find('"', at);
  return end == std::string::npos ? std::string() : body.substr(at, end - at);
}

std::string row_name(const Args& a, const std::string& name) {
  return a.label.empty() ? name : a.label + " " + name;
}

Row to_row(const std::string& name, const LoadResult& r, LatencySamples& samples,
           uint64_t statements) {
  Row row;
  row.name = name;
  row.requests = r.requests;
  row.errors = r.failures;
  row.elapsed_s = r.elapsed_s;
  row.statements = statements;
  row.bytes = double(r.bytes_sent);
  row.set_latency(samples);
  if (!r.first_failure.empty()) row.notes["first_failure"] = r.first_failure;
  std::string statuses;
  for (const auto& [status, n] : r.statuses) {
    if (!statuses.empty()) statuses += ' ';
    statuses += std::to_string(status);
    statuses += 'x';
    statuses += std::to_string(n);
  }
  row.notes["statuses"] = statuses;
  return row;
}

void add_load_parameters(const Args& a, Report& report) {
  report.parameters["target"] = a.target.host + ":" + std::to_string(a.target.port);
  report.parameters["connections"] = std::to_string(a.load.connections);
  report.parameters["mode"] = a.load.rate_per_s > 0
                                  ? "open loop at " + std::to_string(a.load.rate_per_s) + " req/s"
                                  : "closed loop";
  report.parameters["bounds"] = "requests " + std::to_string(a.load.requests_max) + ", duration " +
                                std::to_string(a.load.duration_s) + " s";
  report.parameters["version"] = a.target.version;
  report.parameters["seed"] = std::to_string(a.generator.seed);
}

// ---- ingest and mixed --------------------------------------------------------------------

// Writes consecutive statements of the generator; reads (mixed only) pick filters that exist.
class WriteReadWorkload : public Workload {
 public:
  WriteReadWorkload(const Args& a, const StatementGenerator& g, int read_percent,
                    std::function<std::string(Rng&)> read_target)
      : a_(a), g_(g), read_percent_(read_percent), read_target_(std::move(read_target)),
        next_index_(a.start), rng_(a.generator.seed * 31 + 7) {
    // Writes only: build the first request bodies now, before the clock starts, so that the
    // generator (on the same cores as the server) does not compete with the server during
    // the measured run. Bodies past the cap are generated on the fly.
    if (read_percent_ > 0) return;
    const uint64_t cap = a.pregenerate_mb << 20;
    const uint64_t requests_cap = a.load.requests_max ? a.load.requests_max : ~uint64_t(0);
    uint64_t bytes = 0, index = next_index_;
    while (bytes < cap && pregenerated_.size() < requests_cap) {
      pregenerated_.push_back(body(index));
      bytes += pregenerated_.back().size();
      index += a_.batch;
    }
  }

  bool next(int, LoadRequest& r) override {
    if (read_percent_ > 0 && int(rng_.below(100)) < read_percent_) {
      r.method = "GET";
      r.target = read_target_(rng_);
      r.tag = 1;
      return true;
    }
    uint32_t batch = a_.batch;
    r.method = "POST";
    r.target = a_.base_path + "/statements";
    if (!pregenerated_.empty()) {
      r.body = std::move(pregenerated_.front());
      pregenerated_.pop_front();
    } else {
      r.body = body(next_index_);
    }
    r.statements = batch;
    r.tag = 0;
    next_index_ += batch;
    return true;
  }

  void done(int, const LoadRequest& r, int status, const std::string&, int64_t ns) override {
    all.add(ns);
    (r.tag ? reads : writes).add(ns);
    if (r.tag == 0 && status == 200) statements_written += r.statements;
    if (r.tag == 0) write_requests++;
    else read_requests++;
  }

  LatencySamples all, reads, writes;
  uint64_t statements_written = 0, write_requests = 0, read_requests = 0;

 private:
  std::string body(uint64_t first) const {
    return a_.batch == 1 ? g_.statement(first) : g_.batch(first, a_.batch);
  }

  const Args& a_;
  const StatementGenerator& g_;
  std::deque<std::string> pregenerated_;  // bodies for next_index_, next_index_ + batch, ...
  int read_percent_;
  std::function<std::string(Rng&)> read_target_;
  uint64_t next_index_;
  Rng rng_;
};

// ---- query -------------------------------------------------------------------------------

struct StoreRange {
  int64_t oldest_micros = 0, newest_micros = 0;
};

StoreRange probe_store_range(const Args& a) {
  StoreRange range;
  for (bool ascending : {true, false}) {
    LoadRequest r;
    r.target = a.base_path + "/statements?limit=1" + (ascending ? "&ascending=true" : "");
    auto reply = http_once(a.target, r);
    if (!reply) die("probe failed: " + reply.error().message);
    if (reply->first != 200) die("probe failed: " + std::to_string(reply->first) + " " + reply->second);
    std::string stored = find_string_member(reply->second, "stored");
    if (stored.empty()) die("the store is empty: preload it first (scribe import)");
    auto micros = parse_timestamp(stored);
    if (!micros) die("unreadable stored timestamp " + stored);
    (ascending ? range.oldest_micros : range.newest_micros) = *micros;
  }
  return range;
}

class QueryBuilder {
 public:
  QueryBuilder(const Args& a, const StatementGenerator& g, StoreRange range)
      : a_(a), g_(g), range_(range) {}

  // A GET target of `kind` whose filter values come from a stored statement; "" if unknown.
  std::string target(const std::string& kind, Rng& rng) const {
    uint64_t stored = std::max<uint64_t>(a_.preloaded, 1);
    StatementFacts f = g_.facts(rng.next() % stored);
    // `agent` without related_agents matches the actor itself, not a group actor's members.
    for (int tries = 0; f.group_actor && tries < 16 && kind.starts_with("agent"); tries++)
      f = g_.facts(rng.next() % stored);
    std::string q;
    auto add = [&](const std::string& name, const std::string& value) {
      q += (q.empty() ? "" : "&") + name + "=" + text::percent_encode(value);
    };
    uint32_t course = f.activity / g_.options().activities_per_course;
    if (kind == "agent") add("agent", g_.learner_agent_json(f.learner));
    else if (kind == "verb") add("verb", g_.verb_id(f.verb));
    else if (kind == "activity") add("activity", g_.activity_id(f.activity));
    else if (kind == "registration") add("registration", g_.registration(f.registration));
    else if (kind == "related_agents") {
      add("agent", g_.learner_agent_json(f.learner));
      add("related_agents", "true");
    } else if (kind == "related_activities") {
      add("activity", g_.course_id(course));
      add("related_activities", "true");
    } else if (kind == "since_until") {
      auto [since, until] = window(rng, 20);
      add("since", format_timestamp(since));
      add("until", format_timestamp(until));
    } else if (kind == "agent_verb") {
      add("agent", g_.learner_agent_json(f.learner));
      add("verb", g_.verb_id(f.verb));
    } else if (kind == "verb_registration") {
      add("verb", g_.verb_id(f.verb));
      add("registration", g_.registration(f.registration));
    } else if (kind == "activity_since") {
      auto [since, until] = window(rng, 2);
      add("activity", g_.activity_id(f.activity));
      add("since", format_timestamp(since));
    } else {
      return {};
    }
    add("limit", std::to_string(a_.limit));
    return a_.base_path + "/statements?" + q;
  }

 private:
  // A random window of 1/parts of the stored time range.
  std::pair<int64_t, int64_t> window(Rng& rng, int parts) const {
    int64_t span = std::max<int64_t>(range_.newest_micros - range_.oldest_micros, parts);
    int64_t width = span / parts;
    int64_t since = range_.oldest_micros + int64_t(rng.next() % uint64_t(span - width + 1)) - 1;
    return {since, since + width};
  }
  const Args& a_;
  const StatementGenerator& g_;
  StoreRange range_;
};

class QueryWorkload : public Workload {
 public:
  QueryWorkload(const QueryBuilder& q, std::string kind, uint64_t seed)
      : q_(q), kind_(std::move(kind)), rng_(seed) {}
  bool next(int, LoadRequest& r) override {
    r.target = q_.target(kind_, rng_);
    return !r.target.empty();
  }
  void done(int, const LoadRequest&, int status, const std::string& body, int64_t ns) override {
    samples.add(ns);
    if (status == 200) {
      if (body.find("\"statements\":[]") != std::string::npos) empty_replies++;
      returned += count_statements(body);
    }
  }
  static uint64_t count_statements(const std::string& body) {
    // Every returned statement has exactly one top-level "stored" member.
    uint64_t n = 0;
    for (size_t at = body.find("\"stored\":"); at != std::string::npos;
         at = body.find("\"stored\":", at + 1))
      n++;
    return n;
  }
  LatencySamples samples;
  uint64_t empty_replies = 0, returned = 0;

 private:
  const QueryBuilder& q_;
  std::string kind_;
  Rng rng_;
};

// Follows `more` to the end, chain after chain; latency kept per page position.
class PagingWorkload : public Workload {
 public:
  static constexpr int kBuckets = 6;
  static constexpr const char* kBucketNames[kBuckets] = {
      "page 1", "page 2", "pages 3-10", "pages 11-100", "pages 101-1000", "pages >1000"};

  PagingWorkload(const Args& a, const StatementGenerator& g, bool filtered, int connections)
      : a_(a), g_(g), filtered_(filtered), state_(size_t(connections)) {}

  bool next(int connection, LoadRequest& r) override {
    State& s = state_[size_t(connection)];
    if (s.more.empty()) {
      s.page = 1;
      std::string q = a_.base_path + "/statements?limit=" + std::to_string(a_.limit);
      if (filtered_) q += "&verb=" + text::percent_encode(g_.verb_id(uint32_t(chains_started_ % 6)));
      chains_started_++;
      r.target = q;
    } else {
      s.page++;
      r.target = s.more;
    }
    r.tag = s.page;
    return true;
  }

  void done(int connection, const LoadRequest& r, int status, const std::string& body,
            int64_t ns) override {
    State& s = state_[size_t(connection)];
    buckets[bucket(r.tag)].add(ns);
    all.add(ns);
    counts[bucket(r.tag)]++;
    s.more.clear();
    if (status != 200) return;
    returned += QueryWorkload::count_statements(body);
    s.more = find_string_member(body, "more");
    if (s.more.empty()) {
      chains_completed++;
      longest_chain = std::max<uint64_t>(longest_chain, uint64_t(r.tag));
    }
  }

  static int bucket(int page) {
    if (page <= 1) return 0;
    if (page == 2) return 1;
    if (page <= 10) return 2;
    if (page <= 100) return 3;
    if (page <= 1000) return 4;
    return 5;
  }

  LatencySamples buckets[kBuckets];
  LatencySamples all;
  uint64_t counts[kBuckets] = {};
  uint64_t chains_started_ = 0, chains_completed = 0, longest_chain = 0, returned = 0;

 private:
  struct State {
    std::string more;
    int page = 0;
  };
  const Args& a_;
  const StatementGenerator& g_;
  bool filtered_;
  std::vector<State> state_;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);)
    if (!part.empty()) out.push_back(part);
  return out;
}

int run_query(const Args& a, const StatementGenerator& g, Report& report) {
  if (a.preloaded == 0) die("--preloaded N is required for the query scenario");
  StoreRange range = probe_store_range(a);
  QueryBuilder builder(a, g, range);
  report.parameters["preloaded"] = std::to_string(a.preloaded);
  report.parameters["limit"] = std::to_string(a.limit);
  report.parameters["stored range"] =
      format_timestamp(range.oldest_micros) + " .. " + format_timestamp(range.newest_micros);
  uint64_t seed = a.generator.seed * 1000003;
  for (const std::string& kind : split(a.queries, ',')) {
    if (kind == "paging" || kind == "paging_all") {
      PagingWorkload w(a, g, kind == "paging", a.load.connections);
      auto result = run_load(a.target, a.load, w);
      if (!result) die(result.error().message);
      for (int b = 0; b < PagingWorkload::kBuckets; b++) {
        if (w.counts[b] == 0) continue;
        LoadResult part = *result;
        part.requests = w.counts[b];
        part.failures = 0;
        Row row = to_row(row_name(a, kind + " " + PagingWorkload::kBucketNames[b]), part,
                         w.buckets[b], 0);
        row.notes.clear();
        report.rows.push_back(row);
      }
      Row summary = to_row(row_name(a, kind + " (all pages)"), *result, w.all, 0);
      summary.notes["chains completed"] = std::to_string(w.chains_completed);
      summary.notes["longest chain (pages)"] = std::to_string(w.longest_chain);
      summary.notes["statements returned"] = std::to_string(w.returned);
      summary.notes["filter"] = kind == "paging" ? "verb (6 most common verbs)" : "none";
      report.rows.push_back(summary);
      continue;
    }
    Rng probe(1);
    if (builder.target(kind, probe).empty()) die("unknown query kind " + kind);
    QueryWorkload w(builder, kind, seed++);
    auto result = run_load(a.target, a.load, w);
    if (!result) die(result.error().message);
    Row row = to_row(row_name(a, "query " + kind), *result, w.samples, 0);
    row.notes["empty replies"] = std::to_string(w.empty_replies);
    row.notes["statements returned"] = std::to_string(w.returned);
    report.rows.push_back(row);
  }
  return 0;
}

int run_generate(const Args& a, const StatementGenerator& g) {
  if (a.count == 0) die("--count N is required for generate");
  if (a.out.empty()) die("--out FILE (or -) is required for generate");
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (a.out != "-") {
    file.open(a.out, std::ios::trunc | std::ios::binary);
    if (!file) die("cannot write " + a.out);
    out = &file;
  }
  int64_t t0 = now_ns();
  uint64_t bytes = 0;
  std::string buffer;
  for (uint64_t i = 0; i < a.count; i++) {
    g.append_statement(a.start + i, buffer);
    buffer.push_back('\n');
    if (buffer.size() > (1u << 20) || i + 1 == a.count) {
      out->write(buffer.data(), std::streamsize(buffer.size()));
      bytes += buffer.size();
      buffer.clear();
    }
  }
  out->flush();
  if (!*out) die("write failed: " + a.out);
  double s = double(now_ns() - t0) / 1e9;
  std::cerr << "generated " << a.count << " statements (" << bytes / a.count
            << " bytes on average) in " << s << " s\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse_args(argc, argv);
  StatementGenerator generator(a.generator);
  if (a.scenario == "generate") return run_generate(a, generator);
  resolve_connection(a);

  Report report;
  report.title = "scribe-bench " + a.scenario;
  add_load_parameters(a, report);
  if (a.scenario == "ingest" || a.scenario == "mixed") {
    bool mixed = a.scenario == "mixed";
    if (a.batch == 0) a.batch = mixed ? 1 : 100;
    if (mixed && a.preloaded == 0) die("--preloaded N is required for mixed (reads need data)");
    report.parameters["batch"] = std::to_string(a.batch);
    report.parameters["first statement index"] = std::to_string(a.start);
    std::unique_ptr<QueryBuilder> builder;
    if (mixed) builder = std::make_unique<QueryBuilder>(a, generator, probe_store_range(a));
    static const char* kReadKinds[] = {"agent", "verb", "activity", "registration"};
    WriteReadWorkload w(a, generator, mixed ? a.read_percent : 0, [&](Rng& rng) {
      return builder->target(kReadKinds[rng.below(4)], rng);
    });
    auto result = run_load(a.target, a.load, w);
    if (!result) die(result.error().message);
    std::string name = mixed ? "mixed " + std::to_string(a.read_percent) + "/" +
                                   std::to_string(100 - a.read_percent)
                             : "ingest batch " + std::to_string(a.batch);
    report.rows.push_back(to_row(row_name(a, name), *result, w.all, w.statements_written));
    if (mixed) {
      LoadResult reads = *result, writes = *result;
      reads.requests = w.read_requests;
      writes.requests = w.write_requests;
      Row r = to_row(row_name(a, name + " reads"), reads, w.reads, 0);
      Row wr = to_row(row_name(a, name + " writes"), writes, w.writes, w.statements_written);
      r.notes.clear();
      wr.notes.clear();
      report.rows.push_back(r);
      report.rows.push_back(wr);
    }
  } else if (a.scenario == "query") {
    run_query(a, generator, report);
  } else {
    die("unknown scenario " + a.scenario + "\n" + kUsage);
  }
  report.print_table();
  if (!a.json_file.empty() && !report.write_json(a.json_file)) return 1;
  uint64_t failures = 0;
  for (const Row& r : report.rows) failures += r.errors;
  return failures ? 3 : 0;
}
