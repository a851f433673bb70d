// A store's evidence log in RocksDB (keys.h, family `evidence`): each statement's leaf (its
// index and salt, keyed by seq), the hashes of the log's complete perfect subtrees, and the
// signed checkpoints. The committer appends leaves in the same atomic batch as their
// statements (storage/commit_pipeline.h); this file reads the log back and writes the leaves.
// Guarantees: the log's size is the number of level-0 nodes, which are written in index order
// with nothing past the last; a Frontier loaded from here roots the same tree that was written;
// reads fail (never answer "absent") when RocksDB does.
#pragma once

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
};

struct LeafEntry {
  uint64_t index = 0;
  std::string salt;  // evidence::kSaltBytes
};

std::string encode_leaf_entry(uint64_t index, std::string_view salt);
std::optional<LeafEntry> decode_leaf_entry(std::string_view value);

// The last key under `prefix` in the evidence family and its value (nullopt: none).
Result<std::optional<std::pair<std::string, std::string>>> last_evidence_entry(const Engine& engine,
                                                                               const std::string& prefix);

// The number of leaves in the store's log.
Result<uint64_t> log_size(const Engine& engine, StoreId store);
// The newest seq that has a leaf (0: none).
Result<Seq> last_logged_seq(const Engine& engine, StoreId store);
// The store's stored perfect subtrees, for proofs and for loading a frontier. A missing node is
// an error (the log is damaged), never an empty hash.
evidence::NodeReader node_reader(const Engine& engine, StoreId store);
Result<evidence::Frontier> load_frontier(const Engine& engine, StoreId store);
// The leaf of the statement stored at `seq`; nullopt when it has none.
Result<std::optional<LeafEntry>> read_leaf(const Engine& engine, StoreId store, Seq seq);

// Adds a statement's leaf to `frontier` and hands each key and value to write(key, value): the
// leaf entry, then the nodes it completes.
template <class Write>
void append_leaf(StoreId store, Seq seq, std::string_view salt, const evidence::Hash& leaf,
                 evidence::Frontier& frontier, Write&& write) {
  write(leaf_key(store, seq), encode_leaf_entry(frontier.size(), salt));
  frontier.append(leaf, [&](evidence::NodeId id, const evidence::Hash& h) {
    write(node_key(store, id.level, id.index), std::string(evidence::as_bytes(h)));
  });
}

}  // namespace scribe::storage
