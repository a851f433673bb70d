// Simulated power loss, in process, at random points of a multi-writer ingest: 200 rounds, each
// cutting the power (tests/support/fault_injection_fs.h drops every byte and directory entry
// not synced), stopping the commit pipeline, and reopening the store. Unlike kill -9, which
// leaves the page cache to the kernel, this loses what a missing fsync would lose. After each
// reopen: every acknowledged statement is found, and no batch is stored in part.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/json.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "tests/support/fault_injection_fs.h"
#include "tests/support/temp_dir.h"
#include "xapi/statement_prepare.h"
#include "xapi/statement_terms.h"

namespace scribe::storage {
namespace {

using namespace std::chrono_literals;

constexpr int kRounds = 200;
constexpr int kWriters = 4;
constexpr int kBatchMax = 8;
constexpr StoreId kStore = 1;
constexpr TermKey kTermKey{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

std::string id_of(uint64_t n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012llu", static_cast<unsigned long long>(n));
  return buf;
}

PreparedStatement prepared(uint64_t n) {
  const std::string text = R"({"id":")" + id_of(n) +
                           R"(","actor":{"mbox":"mailto:learner@example.com"},"verb":{"id":"http://example.com/v"},)"
                           R"("object":{"id":"http://example.com/a/)" + std::to_string(n % 50) + R"("}})";
  auto doc = json::Document::parse(text);
  auto authority = json::parse(R"({"objectType":"Agent","account":{"homePage":"http://lrs.example.com","name":"t"}})");
  auto p = xapi::prepare_statement(doc->root(), xapi::Version::V2_0_0, xapi::StatementWriter{*authority, kTermKey, true}, "");
  EXPECT_TRUE(p.ok());
  return std::move(*p);
}

struct Batch {
  std::vector<uint64_t> ids;
  bool acknowledged = false;
};

// Rounds of a 4-writer ingest into one store, each ended by an event, then a power loss and a
// reopen that checks what every round before left.
class IngestRounds {
 public:
  enum class Event {
    power_cut,   // the power goes at a random point: answers after it are seen by nobody
    append_eio,  // a WAL append fails at a random point; then the pipeline stops and the power goes
  };

  explicit IngestRounds(uint64_t seed) : random_(seed) {}

  // Opens the store, checks it, ingests until `event`, and cuts the power. False on a failed check.
  void round(Event event) {
    EngineOptions options{dir_.path(), 4 << 20, true};
    options.env = test_support::env_over(fs_);
    auto engine = Engine::open(options);
    ASSERT_TRUE(engine.ok()) << "round " << rounds_ << ": " << engine.error().describe();
    check(**engine);
    auto own_terms = [](StoreId, std::string_view json) { return xapi::stored_statement_terms(kTermKey, json); };
    auto pipeline = std::make_unique<CommitPipeline>(**engine, xapi::same_statement, 65536, nullptr, own_terms);
    const size_t round_start = batches_.size();
    std::atomic<bool> cut{false};
    const bool late_answers_count = event != Event::power_cut;
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; w++) {
      const uint64_t base = next_id_ + uint64_t(w) * 100000;
      const uint64_t seed = random_();
      writers.emplace_back([&, base, seed] { write(*pipeline, base, seed, cut, late_answers_count); });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(random_() % 20000));
    if (event == Event::append_eio) {
      fs_->fail(test_support::FaultInjectionFs::Op::write, ".log");
      const auto deadline = std::chrono::steady_clock::now() + 5s;  // the writers stop on it
      while (!pipeline->write_fault() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
      EXPECT_TRUE(pipeline->write_fault()) << "round " << rounds_;
    }
    cut.store(true);    // first: an answer seen before this was synced while the power was on
    if (event == Event::power_cut) fs_->deactivate();  // nothing written from here on is kept
    pipeline->stop();   // answers what is left (never with a success: nothing syncs any more)
    for (auto& t : writers) t.join();
    pipeline.reset();
    fs_->deactivate();
    engine->reset();
    fs_->drop_unsynced();
    fs_->clear_faults();
    fs_->activate();
    next_id_ += uint64_t(kWriters) * 100000;
    bool lost = false;
    for (size_t i = round_start; i < batches_.size(); i++) {
      acknowledged_ += batches_[i].acknowledged;
      lost |= !batches_[i].acknowledged;
    }
    rounds_with_losses_ += lost;
    rounds_++;
  }

  // The last check, of what the last round left.
  void check_last() {
    EngineOptions options{dir_.path(), 4 << 20, true};
    auto engine = Engine::open(options);
    ASSERT_TRUE(engine.ok()) << engine.error().describe();
    check(**engine);
  }

  int rounds_with_losses() const { return rounds_with_losses_; }
  uint64_t acknowledged() const { return acknowledged_; }
  size_t batches() const { return batches_.size(); }

 private:
  // All of every acknowledged batch, all or none of the others.
  void check(const Engine& engine) {
    for (const Batch& b : batches_) {
      size_t found = 0;
      for (uint64_t n : b.ids) {
        std::string value;
        auto got = engine.get(Family::StatementIds, statement_id_key(kStore, *parse_uuid(id_of(n))), &value);
        ASSERT_TRUE(got.ok()) << got.error().describe();
        found += *got;
      }
      if (b.acknowledged) ASSERT_EQ(found, b.ids.size()) << "round " << rounds_ << ": an acknowledged batch lost statements";
      else ASSERT_TRUE(found == 0 || found == b.ids.size()) << "round " << rounds_ << ": a batch stored in part";
    }
  }

  void write(CommitPipeline& pipeline, uint64_t n, uint64_t seed, const std::atomic<bool>& cut, bool late_answers_count) {
    std::mt19937_64 r(seed);
    for (int k = 0; k < 1000 && !cut.load(); k++) {  // bounded: the event comes much sooner
      const size_t size = 1 + r() % kBatchMax;
      WriteRequest request;
      request.store = kStore;
      Batch batch;
      for (size_t i = 0; i < size; i++) {
        batch.ids.push_back(n);
        request.statements.push_back(prepared(n++));
      }
      auto done = std::make_shared<std::promise<WriteOutcome>>();
      auto outcome = done->get_future();
      request.done = [done](WriteOutcome o) { done->set_value(std::move(o)); };
      size_t index;
      {
        std::lock_guard lock(mutex_);
        index = batches_.size();
        batches_.push_back(batch);
      }
      if (!pipeline.submit(std::move(request))) break;
      WriteOutcome o = outcome.get();
      const bool seen = late_answers_count || !cut.load();  // after a power cut: by nobody
      std::lock_guard lock(mutex_);
      batches_[index].acknowledged = o.status.ok() && seen;
      if (!o.status.ok()) break;
    }
  }

  test_support::TempDir dir_{"scribe-power-loss"};
  std::shared_ptr<test_support::FaultInjectionFs> fs_ = std::make_shared<test_support::FaultInjectionFs>();
  std::mt19937_64 random_;
  std::mutex mutex_;
  std::vector<Batch> batches_;  // of every round
  uint64_t next_id_ = 1;
  uint64_t acknowledged_ = 0;
  int rounds_ = 0;
  int rounds_with_losses_ = 0;  // rounds in which some submitted batch was not acknowledged
};

TEST(PowerLoss, EveryAcknowledgedStatementSurvivesAndNoBatchIsStoredInPart) {
  IngestRounds rounds(20261205);
  for (int i = 0; i < kRounds && !::testing::Test::HasFatalFailure(); i++) rounds.round(IngestRounds::Event::power_cut);
  rounds.check_last();
  // The cuts come in flight, not between batches only.
  EXPECT_GT(rounds.rounds_with_losses(), kRounds / 2);
  EXPECT_GT(rounds.acknowledged(), uint64_t(kRounds));
  std::cout << "power loss: " << kRounds << " rounds, " << rounds.batches() << " batches (" << rounds.acknowledged()
            << " acknowledged), " << rounds.rounds_with_losses() << " rounds cut a batch in flight\n";
}

// A WAL append that fails while other writers' groups are being synced: the fault latches
// (no sync reaches RocksDB's failed WAL writer, which would abort the process), every writer
// gets an error, and after a power loss every acknowledged batch is whole.
TEST(PowerLoss, AWalAppendFailingDuringConcurrentSyncsLatchesAndLosesNothingAcknowledged) {
  IngestRounds rounds(20261206);
  constexpr int kEioRounds = 40;
  for (int i = 0; i < kEioRounds && !::testing::Test::HasFatalFailure(); i++) rounds.round(IngestRounds::Event::append_eio);
  rounds.check_last();
  EXPECT_GT(rounds.acknowledged(), uint64_t(kEioRounds));
  std::cout << "append EIO: " << kEioRounds << " rounds, " << rounds.batches() << " batches (" << rounds.acknowledged()
            << " acknowledged)\n";
}

}  // namespace
}  // namespace scribe::storage
