// The HTTP/1.1 load engine of scribe-bench: N keep-alive connections to a loopback server,
// driven closed-loop (each connection sends its next request when the last answer arrives)
// or open-loop at a fixed rate (request k is due at start + k / rate; its latency counts from
// when it was due, so a slow server cannot hide queueing: no coordinated omission).
// Every run is bounded by a request count and a duration. Non-loopback targets are refused.
// All Beast/Asio code of the benchmarks lives in http_load.cpp; nothing of it leaks from here.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"

namespace scribe::bench {

struct HttpTarget {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string authorization;  // full header value, e.g. "Basic ..."
  std::string version = "2.0.0";
};

struct LoadRequest {
  std::string method = "GET";
  std::string target;  // path and query
  std::string body;    // JSON; empty for GET
  uint32_t statements = 0;  // statements the request writes (for statements/s)
  int tag = 0;              // the workload's own label (e.g. which query kind, which page)
};

struct LoadOptions {
  int connections = 1;
  double rate_per_s = 0;       // 0: closed loop
  uint64_t requests_max = 0;   // 0: unbounded by count (duration still bounds)
  double duration_s = 10;      // 0: unbounded by time (requests_max must be set)
};

// A workload is called on the load engine's single thread only: no locking needed.
class Workload {
 public:
  virtual ~Workload() = default;
  // Fills the next request for `connection`; false when this connection has nothing more.
  virtual bool next(int connection, LoadRequest& request) = 0;
  // One answer (status 0: the connection failed), with its latency in nanoseconds.
  virtual void done(int connection, const LoadRequest& request, int status,
                    const std::string& body, int64_t latency_ns) = 0;
};

struct LoadResult {
  uint64_t requests = 0;  // answered, whatever the status
  uint64_t failures = 0;  // status 0 (transport) or not 2xx
  double elapsed_s = 0;
  uint64_t bytes_sent = 0;
  std::map<int, uint64_t> statuses;
  std::string first_failure;  // status and body of the first failure, for the report
};

// True for 127.0.0.0/8 and ::1 literals (no name resolution).
bool is_loopback_literal(const std::string& host);

// Runs the workload to completion (or its bounds). Errors only for setup faults
// (non-loopback host, no connection could be made at all).
Result<LoadResult> run_load(const HttpTarget& target, const LoadOptions& options,
                            Workload& workload);

// One blocking request on a fresh connection (setup and probes: store range, preload checks).
Result<std::pair<int, std::string>> http_once(const HttpTarget& target, const LoadRequest& request);

}  // namespace scribe::bench
