// WorkPool: bounded, never blocks the submitter, runs what it accepted (also when stopping), and
// the router runs queries on it while statement writes stay on the caller's thread.
#include "common/work_pool.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "tests/support/lrs_test.h"

namespace scribe {
namespace {

using namespace std::chrono_literals;

TEST(WorkPoolTest, RefusesPastItsQueueWithoutBlocking) {
  WorkPool pool("test-pool", 1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.submit([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the worker is busy; the queue is empty
  EXPECT_TRUE(pool.submit([] {}));
  EXPECT_TRUE(pool.submit([] {}));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_FALSE(pool.submit([] {})) << "a third waiting job is refused";
  release.set_value();
}

TEST(WorkPoolTest, StopRunsEveryAcceptedJobThenRefuses) {
  std::atomic<int> ran{0};
  WorkPool pool("test-pool", 2, 100);
  for (int i = 0; i < 50; i++) ASSERT_TRUE(pool.submit([&] { ran++; }));
  pool.stop();
  EXPECT_EQ(ran.load(), 50);
  EXPECT_FALSE(pool.submit([&] { ran++; }));
}

TEST(WorkPoolTest, WorkersCarryThePoolName) {
  WorkPool pool("scribe-q", 2, 4);
  std::promise<std::string> name;
  ASSERT_TRUE(pool.submit([&] {
    char buffer[32] = {};
    pthread_getname_np(pthread_self(), buffer, sizeof buffer);
    name.set_value(buffer);
  }));
  EXPECT_TRUE(name.get_future().get().starts_with("scribe-q-"));
}

class RouterPoolTest : public test_support::LrsTest {
 protected:
  RouterPoolTest() : LrsTest("/tmp/scribe-router-pool") {
    config_.server.query_threads = 1;
    config_.limits.query_queue_max = 1;
  }
};

TEST_F(RouterPoolTest, AFullQueryQueueAnswers503WithRetryAfter) {
  const std::string auth = stack_.basic_auth();
  // Hold the only query thread, then fill its queue.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(stack_.query_pool->submit([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  ASSERT_TRUE(stack_.query_pool->submit([] {}));
  auto busy = as(auth, "GET", "/statements");
  EXPECT_EQ(busy.status, 503);
  EXPECT_NE(test_support::find_header(busy, "Retry-After"), nullptr);
  EXPECT_EQ(as(auth, "GET", "/activities/state", {{"activityId", "http://a"}}).status, 503);
  // A statement write only parses on the caller's thread and queues for the committer.
  auto posted = as(auth, "POST", "/statements", {},
                   test_support::test_statement("", "mailto:a@example.com", "http://example.com/a"));
  EXPECT_EQ(posted.status, 200) << posted.body;
  release.set_value();
  for (int i = 0; i < 200 && stack_.query_pool->queued() > 0; i++) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(as(auth, "GET", "/statements").status, 200);
}

TEST_F(RouterPoolTest, AQueryWaitsForAQueryThreadNotTheCallersThread) {
  const std::string auth = stack_.basic_auth();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(stack_.query_pool->submit([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  auto reply = std::make_shared<std::promise<xapi::HttpResponse>>();
  auto answered = reply->get_future();
  stack_.router->handle(test_support::lrs_request(auth, "GET", "/statements"),
                        [reply](xapi::HttpResponse r) { reply->set_value(std::move(r)); });
  // handle() returned at once, and the answer waits for the (held) query thread.
  EXPECT_EQ(answered.wait_for(100ms), std::future_status::timeout);
  release.set_value();
  EXPECT_EQ(answered.get().status, 200);
}

}  // namespace
}  // namespace scribe
