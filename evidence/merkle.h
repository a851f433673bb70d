// RFC 9162 §2.1 Merkle trees: leaf and node hashes, the compact frontier a log appends to in
// O(log n), inclusion and consistency proofs built from stored perfect-subtree hashes, and the
// verification algorithms of §2.1.3.2 and §2.1.4.2.
// A perfect subtree is addressed by NodeId{level, index}: the 2^level leaves starting at
// index·2^level. The log stores each one once it is complete and never changes it, so a proof
// for any size up to the tree's is built from stored hashes plus O(log n) combinations.
// Guarantees: root() is MTH(D[0:size]); a proof built here verifies with the functions below
// (and with any RFC 9162 / RFC 6962 implementation) against the root of the same size.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "evidence/sha256.h"

namespace scribe::evidence {

Hash leaf_hash(std::string_view leaf_data);          // SHA-256(0x00 ‖ data)
Hash node_hash(const Hash& left, const Hash& right);  // SHA-256(0x01 ‖ left ‖ right)
Hash empty_tree_hash();                               // SHA-256 of nothing: MTH({})

struct NodeId {
  uint8_t level = 0;
  uint64_t index = 0;
  friend bool operator==(const NodeId&, const NodeId&) = default;
};

// Reads the hash of a complete perfect subtree of the log.
using NodeReader = std::function<Result<Hash>(NodeId)>;

// The largest power of two strictly below n (n >= 2): where RFC 9162 splits D[n].
uint64_t split_point(uint64_t n);

// The roots of the perfect subtrees that make up a tree of size() leaves, one per set bit.
class Frontier {
 public:
  uint64_t size() const { return size_; }
  Hash root() const;

  // Appends a leaf. Calls completed(NodeId, const Hash&) for the leaf itself and then for each
  // node the leaf completes, bottom up: exactly the hashes the log must store.
  template <class F>
  void append(const Hash& leaf, F&& completed) {
    Hash h = leaf;
    NodeId id{0, size_};
    completed(id, h);
    while (id.index & 1) {
      h = node_hash(roots_.back(), h);
      roots_.pop_back();
      id = NodeId{uint8_t(id.level + 1), id.index >> 1};
      completed(id, h);
    }
    roots_.push_back(h);
    size_++;
  }

  // The frontier of a tree of `size` leaves, read from its stored perfect subtrees.
  static Result<Frontier> load(uint64_t size, const NodeReader& read);

 private:
  uint64_t size_ = 0;
  std::vector<Hash> roots_;  // largest (leftmost) first
};

// Builds proofs from stored hashes. The hashes of the incomplete subtrees on a tree's right
// edge are the same for every proof against that size, so they are kept (bounded) between calls.
class Prover {
 public:
  explicit Prover(NodeReader read) : read_(std::move(read)) {}

  // MTH(D[begin:end]) for 0 <= begin < end <= the log's size.
  Result<Hash> subtree(uint64_t begin, uint64_t end);
  // PATH(index, D[0:size]) (§2.1.3.1), from the leaf's sibling up. index < size.
  Result<std::vector<Hash>> inclusion(uint64_t index, uint64_t size);
  // PROOF(old_size, D[0:new_size]) (§2.1.4.1). 0 < old_size <= new_size; empty when equal.
  Result<std::vector<Hash>> consistency(uint64_t old_size, uint64_t new_size);

 private:
  static constexpr size_t kCacheMax = 4096;
  NodeReader read_;
  std::map<std::pair<uint64_t, uint64_t>, Hash> edge_cache_;
};

// §2.1.3.2: whether `proof` proves that `leaf` is at `index` in the tree of `size` with `root`.
bool verify_inclusion(uint64_t index, uint64_t size, const Hash& leaf, const std::vector<Hash>& proof,
                      const Hash& root);
// §2.1.4.2: whether `proof` proves that the tree of old_size with old_root is a prefix of the
// tree of new_size with new_root.
bool verify_consistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                        const std::vector<Hash>& proof);

}  // namespace scribe::evidence
