// A real full disk: the data folder on a small tmpfs (mounted by the test; skipped where mounting
// is not permitted, i.e. not as root). Documents are written until the disk is full: writes get
// 507 with nothing of the data folder in the body, reads are still served, GET /ready fails;
// then the tmpfs grows, RocksDB resumes by itself, and writes go on.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "common/config.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/lrs_requests.h"
#include "tests/support/temp_dir.h"

namespace scribe {
namespace {

using namespace std::chrono_literals;

class TmpfsMount {
 public:
  explicit TmpfsMount(const std::string& dir, const std::string& size) : dir_(dir) {
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool resize(const std::string& size) {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) == 0;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

TEST(TmpfsDiskFull, WritesGet507ReadsGoOnAndWritesResumeWhenTheDiskGrows) {
  test_support::TempDir dir("scribe-tmpfs");
  TmpfsMount tmpfs(dir.path(), "48m");
  if (!tmpfs.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root (CI runs as root)";
  {
    Config config;
    config.storage.data_dir = dir.path() + "/data";
    config.storage.sync_writes = true;
    config.storage.block_cache_bytes = 8 << 20;
    config.evidence.checkpoint_interval_ms = 3600000;
    auto engine = storage::Engine::open({config.storage.data_dir, config.storage.block_cache_bytes, true});
    ASSERT_TRUE(engine.ok()) << engine.error().describe();
    test_support::StatementsStack stack;
    stack.build(config, std::move(*engine));
    const std::string auth = stack.basic_auth();
    auto state = [&](int n, std::string body = "") {
      test_support::Query q{{"activityId", "http://example.com/a"},
                            {"agent", R"({"mbox":"mailto:learner@example.com"})"},
                            {"stateId", "s" + std::to_string(n)}};
      return test_support::send_and_wait(*stack.router, test_support::lrs_request(auth, body.empty() ? "GET" : "PUT",
                                                                                  "/activities/state", q, body,
                                                                                  "application/octet-stream"));
    };
    auto ready = [&] {
      xapi::HttpRequest r;
      r.method = "GET";
      r.path = "/ready";
      return test_support::send_and_wait(*stack.router, std::move(r)).status;
    };
    // 512 KiB of bytes that do not compress, per document.
    std::string bytes(512 << 10, '\0');
    uint64_t x = 88172645463325252ull;
    for (char& c : bytes) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      c = char(x);
    }
    int stored = 0;
    xapi::HttpResponse full;
    for (int n = 0; n < 400; n++) {  // 200 MiB: far past the 48 MiB disk
      bytes[0] = char(n);
      full = state(n, bytes);
      if (full.status != 204) break;
      stored++;
    }
    ASSERT_EQ(full.status, 507) << full.body;
    ASSERT_GT(stored, 0);
    EXPECT_EQ(full.body.find(dir.path()), std::string::npos) << full.body;
    EXPECT_EQ(full.body.find(".log"), std::string::npos) << full.body;
    EXPECT_EQ(state(0).status, 200);  // reads go on
    EXPECT_EQ(ready(), 503);

    ASSERT_TRUE(tmpfs.resize("512m"));
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while ((status = state(stored, bytes).status) != 204 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(200ms);
    EXPECT_EQ(status, 204);
    EXPECT_EQ(ready(), 200);
    EXPECT_EQ(state(stored).status, 200);
    std::cout << "tmpfs disk full: " << stored << " documents of 512 KiB stored before 507\n";
  }
}

}  // namespace
}  // namespace scribe
