// A store's evidence log in RocksDB (keys.h, family `evidence`): each statement's leaf (its
// index and salt, found by seq), the hashes of the log's complete perfect subtrees, and the
// signed checkpoints. The committer appends each leaf (index, seq, salt) in the same atomic
// batch as its statement; the leaf's hash and the nodes it completes are written right behind,
// once the batch is synced (storage/commit_pipeline.h). They are derived data: the leaves and
// the statements determine them, so nodes lost in a crash are recomputed at the next start.
// This file reads the log back and lays the entries out.
// Layout: a commit's new leaves and nodes are written as runs, one key per (kind, level) and at
// most kRunMax entries, not one key per leaf or node (a key per entry tripled the commit's
// memtable inserts):
//   store·'l'·first seq -> first index(8) ‖ salt(16) ‖ { seq(8) ‖ salt(16) }…  (consecutive
//                          indices; seqs ascending)
//   store·'n'·level·first index -> hash(32)…  (consecutive nodes of that level)
// A run of one entry is exactly the one-key-per-entry layout of earlier builds, which therefore
// reads as it is.
// Guarantees: the hashed size is one past the last level-0 node, and the leaves run at most
// past it by what was committed but not hashed yet; runs are written in index
// order with nothing past the last; a Frontier loaded from here roots the same tree that was
// written; reads fail (never answer "absent") when RocksDB does or a run is malformed.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <vector>

#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "evidence/merkle.h"
#include "storage/engine.h"
#include "storage/keys.h"

namespace scribe::storage {

// A store's tree head after a synced commit: what the checkpoint signer signs.
struct TreeHead {
  StoreId store = 0;
  uint64_t size = 0;
  evidence::Hash root{};
  LogKind kind = LogKind::Statements;
};

struct LeafEntry {
  uint64_t index = 0;
  std::string salt;  // evidence::kSaltBytes; all zeros once erased (evidence::is_erased_salt)
};

// Entries per run at most: a run is read whole for one leaf or node.
inline constexpr size_t kRunMax = 256;

// What one commit adds to the logs, in append order: leaves (level kLeafLevel: seq and salt)
// and completed nodes (level, index, hash). write_log_runs() turns them into runs.
inline constexpr uint8_t kLeafLevel = 0xff;
struct LogEntry {
  StoreId store = 0;
  uint8_t level = 0;
  uint64_t index = 0;
  Seq seq = 0;                        // leaves
  std::array<uint8_t, 32> bytes{};    // a node's hash, or a leaf's salt (first 16 bytes)
};

// Hands write(key, value) the runs of `entries` (any mix of stores; each store's leaves and
// each level's nodes consecutive, as appends make them).
// Nodes go to the `kind` log's keys (leaves are the statement log's).
void write_log_runs(const std::vector<LogEntry>& entries, const std::function<void(std::string, std::string)>& write,
                    LogKind kind = LogKind::Statements);

// The last key under `prefix` in the evidence family and its value (nullopt: none).
Result<std::optional<std::pair<std::string, std::string>>> last_evidence_entry(const Engine& engine,
                                                                               const std::string& prefix);

// The number of leaves whose hashes are in the store's tree (its level-0 nodes).
Result<uint64_t> log_size(const Engine& engine, StoreId store, LogKind kind = LogKind::Statements);
// The store's newest leaf: how many leaves it has, and the newest seq that has one (0: none).
struct LastLeaf {
  uint64_t count = 0;
  Seq seq = 0;
};
Result<LastLeaf> last_leaf(const Engine& engine, StoreId store);
// Visits the store's leaves of indices [first, end), in index order.
Status for_each_leaf(const Engine& engine, StoreId store, uint64_t first, uint64_t end,
                          const std::function<Status(uint64_t index, Seq seq, std::string_view salt)>& visit);
// The store's stored perfect subtrees, for proofs and for loading a frontier. A missing node is
// an error (the log is damaged), never an empty hash.
evidence::NodeReader node_reader(const Engine& engine, StoreId store, LogKind kind = LogKind::Statements);
Result<evidence::Frontier> load_frontier(const Engine& engine, StoreId store, LogKind kind = LogKind::Statements);
// Leaves by seq for a walk in seq order (exports): the run last read answers the next reads.
class LeafReader {
 public:
  LeafReader(const Engine& engine, StoreId store);
  // The leaf of the statement stored at `seq`; nullopt when it has none.
  Result<std::optional<LeafEntry>> get(Seq seq);

 private:
  const Engine& engine_;
  const StoreId store_;
  const std::string prefix_;
  std::string key_, value_;  // the cached run
  size_t count_ = 0;         // its entries (0: none cached)
};

// The leaf of the statement stored at `seq`; nullopt when it has none.
Result<std::optional<LeafEntry>> read_leaf(const Engine& engine, StoreId store, Seq seq);

// Erasure (issue 13, DESIGN "Evidence log"): an erased statement's leaf keeps its index, its seq
// and its hash (the level-0 node), so every checkpoint and every other proof stays valid; its
// salt is zeroed in its run, and an erasure record takes its place:
//   store·'e'·index -> seq(8) ‖ erasure JSON   store·'x'·statement id -> index(8)
struct ErasedLeaf {
  Seq seq = 0;
  Uuid id{};
};
struct Erasure {
  uint64_t index = 0;
  Seq seq = 0;
  std::string record_json;
};
// Adds to `batch` the erasure of each leaf (which must exist and not be erased yet) with
// `record_json`. The caller serialises it with appends and other erasures (the committer).
Status add_leaf_erasures(const Engine& engine, StoreId store, const std::vector<ErasedLeaf>& leaves,
                         std::string_view record_json, rocksdb::WriteBatch& batch);
Result<std::optional<Erasure>> read_erasure(const Engine& engine, StoreId store, uint64_t index);
// The leaf index of an erased statement; nullopt when no statement with that id was erased.
Result<std::optional<uint64_t>> erased_leaf_index(const Engine& engine, StoreId store, const Uuid& id);
// The store's erasures in index order, from a given index (exports interleave them).
class ErasureWalker {
 public:
  ErasureWalker(const Engine& engine, StoreId store, uint64_t first_index);
  // The next erasure, or nullopt after the last.
  Result<std::optional<Erasure>> next();

 private:
  std::string prefix_;
  std::unique_ptr<rocksdb::Iterator> it_;
  bool started_ = false;
  std::string first_key_;
};

// The store's audit-trail entries (admin/audit_trail.h: store·'a'·index -> salt ‖ JCS(entry))
// of indices [first, end), in order.
Status for_each_audit_entry(const Engine& engine, StoreId store, uint64_t first, uint64_t end,
                            const std::function<Status(uint64_t index, std::string_view salt, std::string_view entry)>& visit);

// A leaf's entry (its index, seq and salt), without its hash.
LogEntry leaf_entry(StoreId store, uint64_t index, Seq seq, std::string_view salt);
// Adds a leaf's hash to `frontier` and the nodes it completes to `entries`.
void append_leaf_hash(StoreId store, const evidence::Hash& leaf, evidence::Frontier& frontier,
                      std::vector<LogEntry>& entries);
// Both: the leaf's entry, then the nodes it completes.
void append_leaf(StoreId store, Seq seq, std::string_view salt, const evidence::Hash& leaf,
                 evidence::Frontier& frontier, std::vector<LogEntry>& entries);

}  // namespace scribe::storage
