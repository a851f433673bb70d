// Signs each store's evidence-log tree head as a C2SP checkpoint (evidence/checkpoint.h) with
// the server's Ed25519 key, and keeps every checkpoint it signs (storage/keys.h, `evidence`
// family) so a proof can be asked for against any of them. A thread signs what the commit
// pipeline reports as synced, at most once per `interval` per store; latest(fresh=true) signs
// at once when the newest durable head is not signed yet.
// Origin (and key name) of a store's log: `origin_base` + "/" + the store's name, and + "/audit"
// for its audit trail (storage::LogKind: each kind of log has its own tree and checkpoints).
// Guarantees: only durable tree heads are signed. Before signing size n it checks the newest
// checkpoint it signed (size m): m == n needs the same root, m < n needs the RFC 9162
// consistency proof from m to n to verify, m > n is refused; so it never signs two roots for one
// size nor a tree that does not extend what it signed. A refusal is kept and reported: the log
// is then damaged (a truncated or altered data folder) and no checkpoint is signed for the store.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "evidence/note.h"
#include "storage/engine.h"
#include "storage/evidence_log.h"

namespace scribe::evidence {

class CheckpointSigner {
 public:
  // The store's name, or nullopt when there is no such store.
  using StoreName = std::function<std::optional<std::string>(storage::StoreId)>;

  CheckpointSigner(storage::Engine& engine, Ed25519Key key, std::string origin_base, StoreName store_name,
                   std::chrono::milliseconds interval);
  ~CheckpointSigner();  // stops the thread
  // The origin may change until start() (a server on port 0 knows its URL once it listens).
  void set_origin_base(std::string origin_base);
  // Starts the thread that signs synced heads; until then checkpoints are signed on demand only.
  void start();
  void stop();

  // The commit pipeline's hook, called after each WAL sync (cheap: wakes the thread).
  void synced(const std::vector<storage::TreeHead>& heads);

  using Kind = storage::LogKind;
  Result<std::string> origin(storage::StoreId store, Kind kind = Kind::Statements) const;
  Result<std::string> vkey(storage::StoreId store, Kind kind = Kind::Statements) const;
  // The newest checkpoint of the store's log; with `fresh`, one that covers every leaf durable now.
  Result<std::string> latest(storage::StoreId store, bool fresh, Kind kind = Kind::Statements);
  // The checkpoint of exactly `size` leaves, when one was signed.
  Result<std::optional<std::string>> at_size(storage::StoreId store, uint64_t size, Kind kind = Kind::Statements) const;
  // The newest durable tree size of the store's log (what a proof may reach).
  Result<uint64_t> durable_size(storage::StoreId store, Kind kind = Kind::Statements);

 private:
  struct StoreLog {
    bool loaded = false;
    storage::TreeHead durable;  // the newest synced head
    uint64_t signed_size = 0;
    bool has_signed = false;
    std::string signed_note;
    std::chrono::steady_clock::time_point signed_at{};
    bool reported = false;  // the pipeline has told its durable head
    std::optional<Error> refused;  // the log does not extend what was signed
  };
  using LogId = std::pair<storage::StoreId, Kind>;
  // Under mutex_: the log's state, loaded from RocksDB the first time.
  Result<StoreLog*> state(LogId id);
  // Under mutex_: whether the log's durable head extends its newest checkpoint (see above);
  // a failure is kept as the log's refusal.
  Status check_extends_signed(LogId id, StoreLog& log);
  // Under mutex_: signs the log's durable head (checks first; see above).
  Status sign(LogId id, StoreLog& log);
  void run();

  storage::Engine& engine_;
  const Ed25519Key key_;
  std::string origin_base_;  // set before start()
  const StoreName store_name_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  // When the sleeping thread wakes by itself (min while it runs); under mutex_.
  std::chrono::steady_clock::time_point planned_wake_ = std::chrono::steady_clock::time_point::max();
  std::map<LogId, StoreLog> stores_;
  bool stopping_ = false;
  std::thread thread_;
};

// The log name before "/<store>": `configured`, else `public_url` without its scheme and
// trailing slashes.
std::string origin_base(const std::string& configured, const std::string& public_url);

}  // namespace scribe::evidence
