// What Scribe does when its disk fails or fills, through a fault-injecting FileSystem
// (tests/support/fault_injection_fs.h) under the whole Router stack: an EIO at each step of a
// commit (the reads that decide a batch, the WAL append, the WAL sync, the evidence nodes'
// append, a memtable flush), and a full disk. Each test ends with a simulated power loss
// (everything unsynced dropped) and a restart, and checks that every acknowledged statement is
// there and no refused one is.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "common/config.h"
#include "tests/support/fault_injection_fs.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/lrs_requests.h"
#include "tests/support/temp_dir.h"

namespace scribe {
namespace {

using namespace std::chrono_literals;
using test_support::FaultInjectionFs;
using Op = FaultInjectionFs::Op;

class DiskFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<FaultInjectionFs>();
    config_.storage.data_dir = dir_.path();
    config_.storage.sync_writes = true;  // a sync must reach the file system to fail there
    config_.storage.block_cache_bytes = 8 << 20;
    // Checkpoints are signed (and written) at start and stop only: the faults below hit the
    // commit, not a checkpoint write that happens to come first.
    config_.evidence.checkpoint_interval_ms = 3600000;
    open();
    auth_ = stack_.basic_auth();
  }
  void TearDown() override { stack_.reset(); }

  void open() {
    storage::EngineOptions options{dir_.path(), config_.storage.block_cache_bytes, true};
    options.env = test_support::env_over(fs_);
    auto engine = storage::Engine::open(options);
    ASSERT_TRUE(engine.ok()) << engine.error().describe();
    stack_.build(config_, std::move(*engine));
  }
  // A power loss: nothing written from now on is kept, the stack goes down, what was never
  // synced is dropped, and Scribe starts again on what is left.
  void power_loss_and_restart() {
    fs_->deactivate();
    stack_.reset();
    fs_->drop_unsynced();
    fs_->clear_faults();
    fs_->set_space(std::nullopt);
    fs_->activate();
    open();
  }

  // Statement n stored, and the checkpoint the signer writes after the first commit written too,
  // so that the faults set next hit the commit under test, not that write.
  void put_first(int n) {
    ASSERT_EQ(put(n), 204);
    const storage::StoreId store = stack_.store("default").id;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto size = stack_.signer->durable_size(store);
      if (size.ok() && *size >= 1) {
        stack_.signer->stop();  // and nothing more is signed until the restart
        return;
      }
      std::this_thread::sleep_for(5ms);
    }
    ADD_FAILURE() << "no checkpoint was written";
  }
  xapi::HttpResponse send(xapi::HttpRequest r) { return test_support::send_and_wait(*stack_.router, std::move(r)); }
  std::future<xapi::HttpResponse> send_async(xapi::HttpRequest r) {
    auto promise = std::make_shared<std::promise<xapi::HttpResponse>>();
    auto future = promise->get_future();
    stack_.router->handle(std::move(r), [promise](xapi::HttpResponse response) { promise->set_value(std::move(response)); });
    return future;
  }
  xapi::HttpRequest put_request(int n) {
    return test_support::lrs_request(auth_, "PUT", "/statements", {{"statementId", test_support::uuid_n(n)}},
                                     test_support::test_statement(test_support::uuid_n(n), "mailto:learner@example.com",
                                                                  "http://example.com/course/" + std::to_string(n)));
  }
  int put(int n) { return send(put_request(n)).status; }
  int get(int n) {
    return send(test_support::lrs_request(auth_, "GET", "/statements", {{"statementId", test_support::uuid_n(n)}}))
        .status;
  }
  xapi::HttpResponse ready() {
    xapi::HttpRequest r;
    r.method = "GET";
    r.path = "/ready";
    return send(std::move(r));
  }
  void flush_memtables() {
    std::vector<rocksdb::ColumnFamilyHandle*> families;
    for (size_t f = 0; f < size_t(storage::Family::Count); f++) families.push_back(stack_.engine->family(storage::Family(f)));
    rocksdb::FlushOptions wait;
    ASSERT_TRUE(stack_.engine->db()->Flush(wait, families).ok());
  }
  // The body of an engine fault names no file of the data folder and quotes no RocksDB message.
  static void expect_no_internals(const xapi::HttpResponse& r) {
    EXPECT_EQ(r.body.find(".log"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(".sst"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("injected"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("IO error"), std::string::npos) << r.body;
  }

  test_support::TempDir dir_{"scribe-disk-fault"};
  Config config_;
  std::shared_ptr<FaultInjectionFs> fs_;
  test_support::StatementsStack stack_;
  std::string auth_;
};

TEST_F(DiskFaultTest, AFailedWalSyncRefusesWritesAndTheRefusedBatchNeverBecomesVisible) {
  put_first(1);
  fs_->fail(Op::sync, ".log");  // once: the next sync of the WAL fails, later ones would pass
  auto refused = send_async(put_request(2));
  // Its data reached RocksDB's memtables: it is answered only once that is undone (here, with
  // RocksDB unable to resume from a failed WAL sync, not before the restart).
  ASSERT_EQ(refused.wait_for(300ms), std::future_status::timeout) << refused.get().body;
  EXPECT_EQ(ready().status, 503);
  xapi::HttpResponse later = send(put_request(3));  // the sync would pass now: still refused
  EXPECT_EQ(later.status, 503);
  expect_no_internals(later);
  EXPECT_EQ(get(1), 200);
  EXPECT_EQ(get(2), 404);  // never visible, though it is in the memtable
  EXPECT_EQ(get(3), 404);

  power_loss_and_restart();
  ASSERT_EQ(refused.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(refused.get().status, 503);  // answered at stop: never a success
  EXPECT_EQ(get(1), 200);
  EXPECT_EQ(get(2), 404);
  EXPECT_EQ(get(3), 404);
  EXPECT_EQ(ready().status, 200);
  EXPECT_EQ(put(4), 204);
}

TEST_F(DiskFaultTest, AFailedWalAppendIsAnswered503AndRefusesLaterWritesUntilRestart) {
  put_first(1);
  fs_->fail(Op::write, ".log");
  xapi::HttpResponse failed = send(put_request(2));
  EXPECT_EQ(failed.status, 503);
  expect_no_internals(failed);
  EXPECT_TRUE(test_support::find_header(failed, "X-Request-Id"));
  EXPECT_EQ(put(3), 503);
  EXPECT_EQ(ready().status, 503);
  EXPECT_EQ(get(1), 200);  // reads go on
  EXPECT_EQ(get(2), 404);

  power_loss_and_restart();
  EXPECT_EQ(get(1), 200);
  EXPECT_EQ(get(2), 404);
  EXPECT_EQ(get(3), 404);
  EXPECT_EQ(put(2), 204);
}

TEST_F(DiskFaultTest, AFailedEvidenceNodeAppendAfterTheAnswerKeepsTheAnsweredStatement) {
  put_first(1);
  // The group's own append passes and is synced and answered; the append of its evidence tree
  // nodes, right after, fails.
  fs_->fail_after_sync(Op::write, ".log");
  EXPECT_EQ(put(2), 204);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (ready().status == 200 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(ready().status, 503);
  EXPECT_EQ(put(3), 503);

  power_loss_and_restart();
  EXPECT_EQ(get(1), 200);
  EXPECT_EQ(get(2), 200);  // acknowledged: durable
  EXPECT_EQ(get(3), 404);
  // The start hashed the leaves whose nodes were lost: statement 2 has an inclusion proof.
  auto proof = send(test_support::lrs_request(auth_, "GET", "/evidence/proof", {{"statementId", test_support::uuid_n(2)}}));
  EXPECT_EQ(proof.status, 200) << proof.body;
}

TEST_F(DiskFaultTest, AFailedMemtableFlushRefusesWritesAndKeepsWhatWasAnswered) {
  put_first(1);
  fs_->fail(Op::write, ".sst", 0, true);
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (size_t f = 0; f < size_t(storage::Family::Count); f++) families.push_back(stack_.engine->family(storage::Family(f)));
  EXPECT_FALSE(stack_.engine->db()->Flush(rocksdb::FlushOptions(), families).ok());
  EXPECT_EQ(put(2), 503);
  EXPECT_EQ(ready().status, 503);
  EXPECT_EQ(get(1), 200);

  power_loss_and_restart();
  EXPECT_EQ(get(1), 200);
  EXPECT_EQ(get(2), 404);
}

TEST_F(DiskFaultTest, AReadErrorIsAnswered503AndNeverTakenForAbsent) {
  put_first(1);
  flush_memtables();
  stack_.reset();  // a clean restart: an empty block cache, so reads reach the table files
  open();
  fs_->fail(Op::read, ".sst", 0, true);
  // A re-sent id is looked up to decide the batch: a failed read must not store it twice.
  xapi::HttpResponse resent = send(put_request(1));
  EXPECT_EQ(resent.status, 503);
  expect_no_internals(resent);
  xapi::HttpResponse read = send(test_support::lrs_request(auth_, "GET", "/statements",
                                                           {{"statementId", test_support::uuid_n(1)}}));
  EXPECT_EQ(read.status, 503);
  expect_no_internals(read);
  fs_->clear_faults();
  EXPECT_EQ(put(1), 204);  // the same statement: already stored, nothing written
  auto all = send(test_support::lrs_request(auth_, "GET", "/statements", {{"limit", "10"}}));
  ASSERT_EQ(all.status, 200);
  auto body = test_support::body_json(all);
  const json::Value* statements = body.get("statements");
  ASSERT_TRUE(statements);
  EXPECT_EQ(statements->as_array().size(), 1u) << all.body;
}

TEST_F(DiskFaultTest, AFullDiskAnswers507ServesReadsAndResumesWhenSpaceReturns) {
  put_first(1);
  fs_->set_space(0);
  xapi::HttpResponse full = send(put_request(2));
  EXPECT_EQ(full.status, 507);
  expect_no_internals(full);
  EXPECT_EQ(put(3), 507);
  xapi::HttpResponse probe = ready();
  EXPECT_EQ(probe.status, 503);
  EXPECT_NE(probe.body.find("full"), std::string::npos) << probe.body;
  EXPECT_EQ(get(1), 200);

  fs_->set_space(std::nullopt);
  // RocksDB resumes by itself once space returns (it polls), then the committer clears the fault.
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while ((status = put(3)) != 204 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(status, 204);
  EXPECT_EQ(ready().status, 200);
  EXPECT_EQ(get(2), 404);
  EXPECT_EQ(get(3), 200);

  power_loss_and_restart();
  EXPECT_EQ(get(1), 200);
  EXPECT_EQ(get(2), 404);
  EXPECT_EQ(get(3), 200);
}

}  // namespace
}  // namespace scribe
