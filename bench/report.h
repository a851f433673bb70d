// Latency samples and result rows shared by scribe-bench and scribe-baseline: percentiles from
// a sorted array of every sample (exact, no bucketing), printed as a table and written as JSON.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace scribe::bench {

class LatencySamples {
 public:
  void add(int64_t nanoseconds) {
    samples_.push_back(nanoseconds);
    sorted_ = false;
  }
  size_t count() const { return samples_.size(); }
  // The q-quantile (0 < q <= 1) by nearest rank, in milliseconds; 0 without samples.
  double quantile_ms(double q);
  double mean_ms() const;
  double max_ms();

 private:
  void sort();
  std::vector<int64_t> samples_;
  bool sorted_ = true;
};

struct Row {
  std::string name;
  uint64_t requests = 0;
  uint64_t statements = 0;
  uint64_t errors = 0;
  double elapsed_s = 0;
  double bytes = 0;  // request bytes sent (or parsed), for MB/s
  bool has_latency = false;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0, mean_ms = 0;
  std::map<std::string, std::string> notes;  // extra key/values for the JSON report

  double requests_per_s() const { return elapsed_s > 0 ? requests / elapsed_s : 0; }
  double statements_per_s() const { return elapsed_s > 0 ? statements / elapsed_s : 0; }
  double mb_per_s() const { return elapsed_s > 0 ? bytes / elapsed_s / 1e6 : 0; }
  void set_latency(LatencySamples& samples);
};

struct Report {
  std::string title;
  std::map<std::string, std::string> parameters;
  std::vector<Row> rows;

  void print_table() const;  // to stdout
  std::string to_json() const;
  // Writes the JSON; false (with a message on stderr) when the file cannot be written.
  bool write_json(const std::string& path) const;
};

// Monotonic clock in nanoseconds.
int64_t now_ns();

}  // namespace scribe::bench
