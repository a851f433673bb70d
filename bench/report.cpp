#include "bench/report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "common/json.h"

namespace scribe::bench {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void LatencySamples::sort() {
  if (!sorted_) std::sort(samples_.begin(), samples_.end());
  sorted_ = true;
}

double LatencySamples::quantile_ms(double q) {
  if (samples_.empty()) return 0;
  sort();
  size_t rank = size_t(std::ceil(q * double(samples_.size())));
  rank = std::clamp<size_t>(rank, 1, samples_.size());
  return double(samples_[rank - 1]) / 1e6;
}

double LatencySamples::mean_ms() const {
  if (samples_.empty()) return 0;
  long double sum = 0;
  for (int64_t s : samples_) sum += s;
  return double(sum / samples_.size()) / 1e6;
}

double LatencySamples::max_ms() {
  if (samples_.empty()) return 0;
  sort();
  return double(samples_.back()) / 1e6;
}

void Row::set_latency(LatencySamples& samples) {
  has_latency = samples.count() > 0;
  p50_ms = samples.quantile_ms(0.50);
  p90_ms = samples.quantile_ms(0.90);
  p99_ms = samples.quantile_ms(0.99);
  p999_ms = samples.quantile_ms(0.999);
  max_ms = samples.max_ms();
  mean_ms = samples.mean_ms();
}

void Report::print_table() const {
  std::printf("\n== %s ==\n", title.c_str());
  for (const auto& [k, v] : parameters) std::printf("  %s: %s\n", k.c_str(), v.c_str());
  std::printf("%-34s %9s %11s %11s %7s %8s %8s %8s %8s %8s %6s\n", "scenario", "requests",
              "req/s", "stmt/s", "MB/s", "p50 ms", "p90 ms", "p99 ms", "p99.9", "max ms",
              "errors");
  for (const Row& r : rows) {
    if (r.has_latency) {
      std::printf("%-34s %9llu %11.1f %11.1f %7.1f %8.3f %8.3f %8.3f %8.3f %8.2f %6llu\n",
                  r.name.c_str(), (unsigned long long)r.requests, r.requests_per_s(),
                  r.statements_per_s(), r.mb_per_s(), r.p50_ms, r.p90_ms, r.p99_ms, r.p999_ms,
                  r.max_ms, (unsigned long long)r.errors);
    } else {
      std::printf("%-34s %9llu %11.1f %11.1f %7.1f %8s %8s %8s %8s %8s %6llu\n", r.name.c_str(),
                  (unsigned long long)r.requests, r.requests_per_s(), r.statements_per_s(),
                  r.mb_per_s(), "-", "-", "-", "-", "-", (unsigned long long)r.errors);
    }
    for (const auto& [k, v] : r.notes) std::printf("    %s: %s\n", k.c_str(), v.c_str());
  }
  std::fflush(stdout);
}

std::string Report::to_json() const {
  auto num = [](double v) {
    if (!std::isfinite(v)) v = 0;
    return std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 9e15 ? json::Value(int64_t(v))
                                                                    : json::Value(v);
  };
  json::Object root;
  root.append("title", title);
  json::Object params;
  for (const auto& [k, v] : parameters) params.append(k, v);
  root.append("parameters", json::Value(std::move(params)));
  json::Array list;
  for (const Row& r : rows) {
    json::Object o;
    o.append("name", r.name);
    o.append("requests", num(double(r.requests)));
    o.append("statements", num(double(r.statements)));
    o.append("errors", num(double(r.errors)));
    o.append("elapsed_s", num(r.elapsed_s));
    o.append("requests_per_s", num(r.requests_per_s()));
    o.append("statements_per_s", num(r.statements_per_s()));
    o.append("mb_per_s", num(r.mb_per_s()));
    if (r.has_latency) {
      json::Object l;
      l.append("p50", num(r.p50_ms));
      l.append("p90", num(r.p90_ms));
      l.append("p99", num(r.p99_ms));
      l.append("p99_9", num(r.p999_ms));
      l.append("max", num(r.max_ms));
      l.append("mean", num(r.mean_ms));
      o.append("latency_ms", json::Value(std::move(l)));
    }
    for (const auto& [k, v] : r.notes) o.append(k, v);
    list.push_back(json::Value(std::move(o)));
  }
  root.append("rows", json::Value(std::move(list)));
  return json::serialize(json::Value(std::move(root)));
}

bool Report::write_json(const std::string& path) const {
  std::ofstream out(path, std::ios::trunc);
  out << to_json() << "\n";
  out.close();
  if (!out) {
    std::cerr << "cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace scribe::bench
