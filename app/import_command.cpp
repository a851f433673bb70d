#include "app/import_command.h"

#include "app/command_line.h"

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "app/bootstrap.h"
#include "auth/credential_store.h"
#include "common/config.h"
#include "common/json.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "xapi/statement_prepare.h"
#include "xapi/statement_validator.h"
#include "xapi/version.h"

namespace scribe::app {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kBatchMax = 5000;
constexpr uint32_t kInflightMax = 64;
constexpr size_t kErrorsShownMax = 10;

struct ImportArgs {
  std::string config_file;
  std::vector<std::string> overrides;
  std::string version;  // empty: config.xapi.default_version
  uint32_t batch = 1000;
  uint32_t inflight = 4;
  std::string key, secret;
  std::string input;
};

int fail(const std::string& message) {
  std::cerr << "scribe import: " << message << "\n";
  return 1;
}

Result<ImportArgs> parse_args(int argc, char** argv) {
  ImportArgs args;
  app::ArgWalker walker(argc, argv);
  while (walker.next()) {
    const std::string& a = walker.current();
    auto value_of = [&walker](const std::string& flag) { return walker.value_of(flag); };
    auto number = [](const std::string& s) -> std::optional<uint32_t> {
      try {
        size_t used = 0;
        unsigned long v = std::stoul(s, &used);
        if (used != s.size()) return std::nullopt;
        return uint32_t(v);
      } catch (...) {
        return std::nullopt;
      }
    };
    if (auto v = value_of("--config")) args.config_file = *v;
    else if (auto v = value_of("--version")) args.version = *v;
    else if (auto v = value_of("--key")) args.key = *v;
    else if (auto v = value_of("--secret")) args.secret = *v;
    else if (auto v = value_of("--batch")) {
      auto n = number(*v);
      if (!n || *n == 0 || *n > kBatchMax)
        return Error{2, "", "--batch must be 1.." + std::to_string(kBatchMax)};
      args.batch = *n;
    } else if (auto v = value_of("--inflight")) {
      auto n = number(*v);
      if (!n || *n == 0 || *n > kInflightMax)
        return Error{2, "", "--inflight must be 1.." + std::to_string(kInflightMax)};
      args.inflight = *n;
    } else if (auto o = walker.config_override()) {
      args.overrides.push_back(*o);
    } else if ((a == "-" || !a.starts_with("-")) && args.input.empty()) {
      args.input = a;
    } else {
      return Error{2, "", "unknown argument " + a};
    }
  }
  if (args.input.empty()) return Error{2, "", "no input file (use - for standard input)"};
  return args;
}

// The batches handed to the committer and not yet answered, and what the answers said.
class Inflight {
 public:
  explicit Inflight(uint32_t max) : max_(max) {}

  void wait_for_room() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return count_ < max_ || failed_; });
    count_++;
  }
  void release_unsubmitted() {
    std::lock_guard lock(mutex_);
    count_--;
    changed_.notify_all();
  }
  void answered(const storage::WriteOutcome& outcome, size_t statements) {
    std::lock_guard lock(mutex_);
    count_--;
    if (!outcome.status) {
      if (!failed_) failure_ = outcome.status.error().describe();
      failed_ = true;
    } else {
      uint64_t already = 0;
      for (bool b : outcome.already_stored) already += b;
      already_stored_ += already;
      stored_ += statements - already;
    }
    changed_.notify_all();
  }
  void wait_all() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return count_ == 0; });
  }
  bool failed() {
    std::lock_guard lock(mutex_);
    return failed_;
  }
  std::string failure() {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  uint64_t stored() {
    std::lock_guard lock(mutex_);
    return stored_;
  }
  uint64_t already_stored() {
    std::lock_guard lock(mutex_);
    return already_stored_;
  }

 private:
  const uint32_t max_;
  std::mutex mutex_;
  std::condition_variable changed_;
  uint32_t count_ = 0;
  bool failed_ = false;
  std::string failure_;
  uint64_t stored_ = 0, already_stored_ = 0;
};

// Hands one batch to the committer once fewer than inflight_max batches are waiting.
bool submit(storage::CommitPipeline& pipeline, Inflight& inflight, storage::StoreId store,
            std::vector<storage::PreparedStatement> batch) {
  inflight.wait_for_room();
  if (inflight.failed()) {
    inflight.release_unsubmitted();
    return false;
  }
  size_t n = batch.size();
  storage::WriteRequest request;
  request.store = store;
  request.statements = std::move(batch);
  request.done = [&inflight, n](storage::WriteOutcome outcome) { inflight.answered(outcome, n); };
  // inflight_max * batch size never exceeds limits.commit_queue_max and nothing else submits
  // in this process, so a refusal means the pipeline is stopping.
  if (!pipeline.submit(std::move(request))) {
    inflight.release_unsubmitted();
    std::cerr << "scribe import: the commit pipeline refused a batch (stopping)\n";
    return false;
  }
  return true;
}

}  // namespace

int import_command(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  if (!args) return fail(args.error().message + "\nusage:\n" + kImportUsage);
  auto config = load_config(args->config_file, args->overrides);
  if (!config) return fail(config.error().describe());
  auto version = xapi::parse_version_header(args->version.empty() ? config->xapi.default_version
                                                                  : args->version);
  if (!version) return fail("unknown xAPI version " + args->version);

  std::ifstream file;
  std::istream* in = &std::cin;
  if (args->input != "-") {
    file.open(args->input, std::ios::binary);
    if (!file) return fail("cannot read " + args->input);
    in = &file;
  }

  json::set_depth_max(int(config->limits.json_depth_max));
  auto engine = storage::Engine::open(engine_options(*config));
  if (!engine) return fail(engine.error().describe());
  auto access = open_access_control(*config, **engine);
  if (!access) return fail(access.error().describe());
  if (Status s = bootstrap_credential(*config, *access->credentials); !s) return fail(s.error().describe());
  if (args->key.empty()) {
    auto kept = read_bootstrap_file(*config);
    if (!kept) return fail("the bootstrap credential file is gone: pass --key and --secret");
    args->key = kept->first;
    args->secret = kept->second;
  }
  auto principal = principal_of(*access, args->key, args->secret);
  if (!principal) return fail("the key and secret do not match a credential of this data folder");
  if (!principal->may(auth::Access::StatementsWrite))
    return fail("the credential lacks the scope to write statements (" +
                auth::scopes_granting(auth::Access::StatementsWrite) + ")");
  const xapi::StatementWriter writer{
      principal->authority, principal->store.term_key, principal->may_define()};

  const uint32_t batch_size =
      std::min<uint32_t>(args->batch, config->limits.statements_per_batch_max);
  const uint32_t inflight_max = std::max<uint32_t>(
      1, std::min<uint32_t>(args->inflight, config->limits.commit_queue_max / batch_size));
  auto codec = storage::StatementCodec::open(**engine, codec_options(*config));
  if (!codec) return fail(codec.error().describe());
  // Leaves are appended with the statements; the server signs checkpoints when it next starts.
  storage::CommitPipeline pipeline(**engine, xapi::same_statement,
                                   config->limits.commit_queue_max, codec->get(),
                                   own_terms_rule(*access->stores), evidence_options(*config, nullptr),
                                   config->limits.backfill_referrers_max);
  Inflight inflight(inflight_max);

  const auto t0 = Clock::now();
  auto last_progress = t0;
  uint64_t lines = 0, rejected = 0, submitted = 0;
  std::vector<storage::PreparedStatement> batch;
  std::unordered_set<std::string> batch_ids;
  auto flush = [&] {
    if (batch.empty()) return true;
    submitted += batch.size();
    batch_ids.clear();
    return submit(pipeline, inflight, principal->store.id, std::exchange(batch, {}));
  };
  bool stopped = false;
  std::string line;
  while (!stopped && std::getline(*in, line)) {
    lines++;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = "line " + std::to_string(lines);
    auto document = json::Document::parse(line);
    Status valid = document ? xapi::validate_statement(document->root(), *version, where)
                            : Status(document.error());
    Result<storage::PreparedStatement> prepared =
        valid ? xapi::prepare_statement(document->root(), *version, writer, where + ".")
              : Result<storage::PreparedStatement>(valid.error());
    if (!prepared) {
      if (rejected++ < kErrorsShownMax) {
        std::string d = prepared.error().describe();
        std::cerr << (d.starts_with("line") ? d : where + ": " + d) << "\n";
      }
      continue;
    }
    // A repeated id within one batch is an error over HTTP; here it is the next batch's.
    std::string id(reinterpret_cast<const char*>(prepared->id.data()), prepared->id.size());
    if (!batch_ids.insert(id).second) {
      if (!flush()) stopped = true;
      batch_ids.insert(id);
    }
    batch.push_back(std::move(*prepared));
    if (batch.size() >= batch_size && !flush()) stopped = true;

    auto now = Clock::now();
    if (now - last_progress >= std::chrono::seconds(2)) {
      last_progress = now;
      double s = std::chrono::duration<double>(now - t0).count();
      std::cerr << "imported " << inflight.stored() << " statements (" << lines << " lines read, "
                << uint64_t(double(inflight.stored()) / s) << " statements/s)\n";
    }
  }
  if (!stopped) flush();
  inflight.wait_all();
  pipeline.stop();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  if (in->bad()) return fail("reading " + args->input + " failed");
  std::cout << "imported " << inflight.stored() << " statements in " << seconds << " s ("
            << uint64_t(double(inflight.stored()) / std::max(seconds, 1e-9))
            << " statements/s); " << inflight.already_stored() << " already stored, "
            << rejected << " lines rejected, " << lines << " lines read\n";
  if (inflight.failed()) return fail("a batch was refused: " + inflight.failure());
  if (stopped) return fail("stopped after " + std::to_string(submitted) + " statements submitted");
  return rejected ? 1 : 0;
}

}  // namespace scribe::app
