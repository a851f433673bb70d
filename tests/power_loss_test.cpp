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

TEST(PowerLoss, EveryAcknowledgedStatementSurvivesAndNoBatchIsStoredInPart) {
  test_support::TempDir dir("scribe-power-loss");
  auto fs = std::make_shared<test_support::FaultInjectionFs>();
  std::mt19937_64 random(20261205);
  std::vector<Batch> batches;  // of every round
  std::mutex batches_mutex;
  uint64_t next_id = 1;
  uint64_t acknowledged = 0;
  int rounds_with_losses = 0;  // rounds in which some submitted batch was not acknowledged

  for (int round = 0; round < kRounds; round++) {
    EngineOptions options{dir.path(), 4 << 20, true};
    options.env = test_support::env_over(fs);
    auto engine = Engine::open(options);
    ASSERT_TRUE(engine.ok()) << "round " << round << ": " << engine.error().describe();

    // What the previous rounds left: all of every acknowledged batch, all or none of the others.
    for (const Batch& b : batches) {
      size_t found = 0;
      for (uint64_t n : b.ids) {
        std::string value;
        auto got = (*engine)->get(Family::StatementIds, statement_id_key(kStore, *parse_uuid(id_of(n))), &value);
        ASSERT_TRUE(got.ok()) << got.error().describe();
        found += *got;
      }
      if (b.acknowledged) ASSERT_EQ(found, b.ids.size()) << "round " << round << ": an acknowledged batch lost statements";
      else ASSERT_TRUE(found == 0 || found == b.ids.size()) << "round " << round << ": a batch stored in part";
    }

    auto own_terms = [](StoreId, std::string_view json) { return xapi::stored_statement_terms(kTermKey, json); };
    auto pipeline = std::make_unique<CommitPipeline>(**engine, xapi::same_statement, 65536, nullptr, own_terms);
    const size_t round_start = batches.size();
    std::atomic<bool> cut{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; w++) {
      const uint64_t base = next_id + uint64_t(w) * 100000;
      const uint64_t seed = random();
      writers.emplace_back([&, base, seed] {
        std::mt19937_64 r(seed);
        uint64_t n = base;
        for (int k = 0; k < 1000 && !cut.load(); k++) {  // bounded: the cut comes much sooner
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
            std::lock_guard lock(batches_mutex);
            index = batches.size();
            batches.push_back(batch);
          }
          if (!pipeline->submit(std::move(request))) break;
          WriteOutcome o = outcome.get();
          // An answer after the cut is seen by nobody: the machine is off.
          const bool before_cut = !cut.load();
          std::lock_guard lock(batches_mutex);
          batches[index].acknowledged = o.status.ok() && before_cut;
          if (!o.status.ok()) break;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 20000));
    cut.store(true);   // first: an answer seen before this was synced while the power was on
    fs->deactivate();  // the power goes: nothing written from here on is kept
    pipeline->stop();  // answers what is left (never with a success: nothing syncs any more)
    for (auto& t : writers) t.join();
    pipeline.reset();
    engine->reset();
    fs->drop_unsynced();
    fs->activate();
    next_id += uint64_t(kWriters) * 100000;
    bool lost = false;
    for (size_t i = round_start; i < batches.size(); i++) {
      acknowledged += batches[i].acknowledged;
      lost |= !batches[i].acknowledged;
    }
    rounds_with_losses += lost;
  }
  // The crashes cut ingest in flight, not between batches only.
  EXPECT_GT(rounds_with_losses, kRounds / 2);
  EXPECT_GT(acknowledged, uint64_t(kRounds));
  std::cout << "power loss: " << kRounds << " rounds, " << batches.size() << " batches (" << acknowledged
            << " acknowledged), " << rounds_with_losses
            << " rounds cut a batch in flight\n";
}

}  // namespace
}  // namespace scribe::storage
