// Retention by age: a store's `retention_days` (PUT /admin/stores/{name}/retention), and a thread
// that every `retention.interval_ms` purges each such store of the statements stored more than
// that many days ago, with the erasure's mechanics (admin/erasure_service.h: leaf hashes stay,
// bytes go, an audit entry per purge), at most `retention.statements_per_run` per store and run
// so a run never holds the committer long; the rest go in the next runs, one after another while
// there is more. Setting or clearing it is an audit entry too ("retention.changed").
// The setting lives in the meta family (retention/<store id> -> days); the progress of the last
// run per store is kept in memory and shown by GET /admin/stores/{name}/retention.
// Guarantees: a store without the setting is never purged; a run purges only statements stored
// before now - days (as the run began); thread-safe; stop() waits for a run in progress.
#pragma once

#include <chrono>
#include <condition_variable>
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "admin/audit_trail.h"
#include "admin/erasure_service.h"
#include "auth/store_registry.h"
#include "common/result.h"
#include "common/timestamp.h"
#include "storage/engine.h"

namespace scribe::admin {

struct RetentionState {
  std::optional<uint32_t> days;       // none: statements are kept forever
  std::optional<int64_t> last_run_us;  // when the last run for this store ended
  uint64_t last_erased = 0;           // statements that run erased
  uint64_t erased_total = 0;          // since the server started
  bool more = false;                  // the last run stopped at statements_per_run
  std::string last_error;             // the last run's failure, if any
};

class Retention {
 public:
  // `now` gives the time runs measure ages from (microseconds; tests move it).
  using Clock = std::function<int64_t()>;
  Retention(storage::Engine& engine, auth::StoreRegistry& stores, ErasureService& erasures, AuditTrail& audit,
            std::chrono::milliseconds interval, uint32_t statements_per_run, uint32_t days_max,
            Clock now = now_micros)
      : engine_(engine), stores_(stores), erasures_(erasures), audit_(audit), interval_(interval),
        per_run_(std::max<uint32_t>(statements_per_run, 1)), days_max_(days_max), now_(std::move(now)) {}
  ~Retention() { stop(); }

  // Sets (or, with nullopt, clears) the store's retention; recorded in its audit trail by `by`.
  Status set(const auth::StoreInfo& store, std::optional<uint32_t> days, const AuditActor& by, const std::string& reason);
  Result<RetentionState> state(const auth::StoreInfo& store);

  // One run over every store with a setting (the thread's work; tests call it directly).
  void run_once();
  void start();
  void stop();

 private:
  Result<std::optional<uint32_t>> read_days(storage::StoreId store) const;
  void run();

  storage::Engine& engine_;
  auth::StoreRegistry& stores_;
  ErasureService& erasures_;
  AuditTrail& audit_;
  const std::chrono::milliseconds interval_;
  const uint32_t per_run_;
  const uint32_t days_max_;  // limits.retention_days_max
  const Clock now_;
  std::mutex mutex_;  // progress_, stopping_
  std::map<storage::StoreId, RetentionState> progress_;
  std::mutex run_mutex_;  // one run at a time
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace scribe::admin
