#include "app/export_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "app/admin_command.h"
#include "app/bootstrap.h"
#include "app/command_line.h"
#include "common/base64.h"
#include "common/config.h"
#include "common/text.h"
#include "evidence/export_format.h"
#include "evidence/note.h"
#include "evidence/checkpoint.h"
#include "server/http_client.h"

namespace scribe::app {

namespace {

using Clock = std::chrono::steady_clock;

std::string human_bytes(double b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    u++;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", b, units[u]);
  return buf;
}

// Writes the body to an fd as it arrives, counts lines, and draws the progress line.
class ExportSink {
 public:
  ExportSink(int fd, std::ostream& err, bool progress, bool unfiltered, bool csv)
      : fd_(fd), err_(err), progress_(progress), unfiltered_(unfiltered), csv_(csv), start_(Clock::now()) {}

  Status write(std::string_view piece) {
    for (size_t done = 0; done < piece.size();) {
      ssize_t n = ::write(fd_, piece.data() + done, piece.size() - done);
      if (n < 0) return Error{1, "", std::string("writing the export failed: ") + std::strerror(errno)};
      done += size_t(n);
    }
    bytes_ += piece.size();
    for (char c : piece) {
      if (c != '\n') {
        if (lines_ == 0 && first_line_.size() < (1u << 20)) first_line_ += c;
        if (line_start_.size() < kStatementLine.size()) line_start_ += c;
        continue;
      }
      if (lines_ == 0 && !csv_) read_header();
      lines_++;
      if (csv_ ? lines_ > 1 : line_start_ == kStatementLine) statements_++;
      line_start_.clear();
    }
    if (progress_ && Clock::now() - drawn_ > std::chrono::milliseconds(200)) draw(false);
    return Status::success();
  }

  void done() {
    if (progress_) draw(true);
  }
  // NDJSON: the statement lines (not the header, erased, audit or end lines); CSV: the rows.
  uint64_t statements() const { return statements_; }
  uint64_t bytes() const { return bytes_; }

 private:
  void read_header() {
    auto header = evidence::parse_export_line(first_line_);
    if (!header || header->type != evidence::ExportLine::Type::header) return;
    auto c = evidence::parse_checkpoint(evidence::note_text(header->checkpoint));
    if (c && unfiltered_) total_ = c->size;
  }

  void draw(bool last) {
    drawn_ = Clock::now();
    const double seconds = std::chrono::duration<double>(drawn_ - start_).count();
    const uint64_t n = statements_;
    const double rate = seconds > 0 ? double(n) / seconds : 0;
    char line[160];
    int len = std::snprintf(line, sizeof line, "\r%llu statements  %s  %.0f statements/s",
                            static_cast<unsigned long long>(n), human_bytes(double(bytes_)).c_str(), rate);
    std::string text(line, size_t(len));
    if (total_ && !last && rate > 0 && n <= *total_) {
      const uint64_t eta = uint64_t(double(*total_ - n) / rate);
      char e[64];
      std::snprintf(e, sizeof e, "  %.0f%%  ETA %llu:%02llu", 100.0 * double(n) / double(*total_),
                    static_cast<unsigned long long>(eta / 60), static_cast<unsigned long long>(eta % 60));
      text += e;
    }
    err_ << text << "   " << (last ? "\n" : "") << std::flush;
  }

  const int fd_;
  std::ostream& err_;
  const bool progress_, unfiltered_, csv_;
  const Clock::time_point start_;
  Clock::time_point drawn_{};
  static constexpr std::string_view kStatementLine = R"({"type":"statement")";
  uint64_t bytes_ = 0, lines_ = 0, statements_ = 0;
  std::string line_start_;  // the current line's first bytes
  std::string first_line_;
  std::optional<uint64_t> total_;
};

const std::vector<std::pair<std::string, std::string>>& value_filters() {
  static const std::vector<std::pair<std::string, std::string>> kFilters = {
      {"--agent", "agent"},     {"--verb", "verb"},   {"--activity", "activity"}, {"--registration", "registration"},
      {"--since", "since"},     {"--until", "until"}, {"--format", "format"},     {"--columns", "columns"}};
  return kFilters;
}

}  // namespace

int export_main(int argc, char** argv, std::ostream& out, std::ostream& err, bool progress) {
  std::string file, url, ca_file, config_file;
  std::vector<std::string> overrides;
  std::vector<std::pair<std::string, std::string>> query;
  bool filtered = false;
  ArgWalker args(argc, argv);
  while (args.next()) {
    bool taken = false;
    for (const auto& [flag, name] : value_filters()) {
      if (auto v = args.value_of(flag)) {
        query.emplace_back(name, *v);
        filtered |= name != "format" && name != "columns";
        taken = true;
        break;
      }
    }
    if (taken) continue;
    if (auto v = args.value_of("--out")) file = *v;
    else if (auto v = args.value_of("--url")) url = *v;
    else if (auto v = args.value_of("--ca-file")) ca_file = *v;
    else if (auto v = args.value_of("--config")) config_file = *v;
    else if (args.current() == "--related-activities" || args.current() == "--related-agents") {
      query.emplace_back(args.current() == "--related-activities" ? "related_activities" : "related_agents", "true");
    } else if (args.current() == "--help" || args.current() == "help") {
      out << kExportUsage;
      return 0;
    } else if (auto o = args.config_override()) {
      overrides.push_back(*o);
    } else {
      err << "scribe export: unexpected argument " << args.current() << "\n" << kExportUsage;
      return 2;
    }
  }
  if (file.empty()) {
    err << "scribe export: --out FILE is required\n" << kExportUsage;
    return 2;
  }
  auto config = load_config(config_file, overrides);
  if (!config) {
    err << "scribe export: " << config.error().describe() << "\n";
    return 1;
  }
  auto credential = client_credential(*config, "SCRIBE");
  if (!credential) {
    err << "scribe export: " << credential.error().message << "\n";
    return 1;
  }
  std::string base = url.empty() ? public_url(*config) + config->server.base_path : url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string target = base + "/evidence/export";
  for (size_t i = 0; i < query.size(); i++)
    target += (i ? "&" : "?") + text::percent_encode(query[i].first) + "=" + text::percent_encode(query[i].second);

  const std::string partial = file + ".partial";
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    err << "scribe export: cannot create " << partial << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  bool csv = false;
  for (const auto& [name, value] : query) csv |= name == "format" && value == "csv";
  ExportSink sink(fd, err, progress, !filtered, csv);
  server::HttpClientRequest req;
  req.url = target;
  req.ca_file = ca_file;
  req.timeout_ms = 60000;
  req.headers.emplace_back("Authorization", "Basic " + base64_encode(credential->key + ":" + credential->secret));
  // A non-200 answer's body (an error message) lands in the partial file too, read back below.
  req.body_sink = [&](std::string_view piece) { return sink.write(piece); };
  auto r = server::http_request(req);
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!r) {
    std::filesystem::remove(partial);
    err << "\nscribe export: " << r.error().message << "\n";
    return 1;
  }
  if (r->status != 200) {
    std::string message;
    std::ifstream body(partial);
    std::getline(body, message, '\0');
    std::filesystem::remove(partial);
    err << "scribe export: " << admin_error_message(r->status, message) << "\n";
    return 1;
  }
  if (!synced) {
    std::filesystem::remove(partial);
    err << "scribe export: syncing " << partial << " failed\n";
    return 1;
  }
  sink.done();
  std::error_code ec;
  std::filesystem::rename(partial, file, ec);
  if (ec) {
    err << "scribe export: renaming " << partial << " to " << file << ": " << ec.message() << "\n";
    return 1;
  }
  out << "wrote " << file << ": " << sink.statements() << " statements, " << human_bytes(double(sink.bytes())) << "\n";
  return 0;
}

int export_command(int argc, char** argv) {
  return export_main(argc, argv, std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1);
}

}  // namespace scribe::app
