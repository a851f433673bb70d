// RFC 9162 Merkle trees (evidence/merkle.h): roots against the RFC 6962 reference vectors,
// and for every size up to 70 the frontier's root, every inclusion proof and every
// consistency proof against a direct transcription of the RFC's recursive definitions;
// altered proofs fail.
#include "evidence/merkle.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace scribe::evidence {
namespace {

std::string hex(const Hash& h) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : h) s += {kHex[b >> 4], kHex[b & 15]};
  return s;
}

// MTH, PATH and PROOF exactly as RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 write them.
Hash mth(const std::vector<Hash>& leaves, size_t begin, size_t end) {
  if (end - begin == 1) return leaves[begin];
  const size_t k = split_point(end - begin);
  return node_hash(mth(leaves, begin, begin + k), mth(leaves, begin + k, end));
}
std::vector<Hash> path(const std::vector<Hash>& leaves, size_t m, size_t begin, size_t end) {
  if (end - begin == 1) return {};
  const size_t k = split_point(end - begin);
  std::vector<Hash> out;
  if (m < k) {
    out = path(leaves, m, begin, begin + k);
    out.push_back(mth(leaves, begin + k, end));
  } else {
    out = path(leaves, m - k, begin + k, end);
    out.push_back(mth(leaves, begin, begin + k));
  }
  return out;
}
std::vector<Hash> subproof(const std::vector<Hash>& leaves, size_t m, size_t begin, size_t end, bool b) {
  const size_t n = end - begin;
  if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{mth(leaves, begin, end)};
  const size_t k = split_point(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = subproof(leaves, m, begin, begin + k, b);
    out.push_back(mth(leaves, begin + k, end));
  } else {
    out = subproof(leaves, m - k, begin + k, end, false);
    out.push_back(mth(leaves, begin, begin + k));
  }
  return out;
}

// A log in memory: the frontier's completed nodes, as the store keeps them.
struct MemoryLog {
  Frontier frontier;
  std::map<std::pair<uint8_t, uint64_t>, Hash> nodes;
  std::vector<Hash> leaves;
  void append(const Hash& leaf) {
    leaves.push_back(leaf);
    frontier.append(leaf, [&](NodeId id, const Hash& h) { nodes[{id.level, id.index}] = h; });
  }
  NodeReader reader() const {
    return [this](NodeId id) -> Result<Hash> {
      auto it = nodes.find({id.level, id.index});
      if (it == nodes.end()) return Error{500, "", "no such node"};
      return it->second;
    };
  }
};

TEST(MerkleTest, RootsMatchTheRfc6962ReferenceVectors) {
  const std::vector<std::string> data = {"", std::string(1, '\0'), "\x10", "\x20\x21", "\x30\x31",
                                         "\x40\x41\x42\x43", "\x50\x51\x52\x53\x54\x55\x56\x57",
                                         "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  EXPECT_EQ(hex(empty_tree_hash()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Frontier f;
  for (size_t i = 0; i < data.size(); i++) {
    f.append(leaf_hash(data[i]), [](NodeId, const Hash&) {});
    EXPECT_EQ(hex(f.root()), roots[i]) << "size " << i + 1;
  }
}

TEST(MerkleTest, FrontierRootsProofsAndConsistencyMatchTheRfcDefinitions) {
  MemoryLog log;
  for (uint64_t n = 1; n <= 70; n++) {
    log.append(leaf_hash("leaf " + std::to_string(n - 1)));
    const Hash root = log.frontier.root();
    ASSERT_EQ(root, mth(log.leaves, 0, n)) << n;
    auto loaded = Frontier::load(n, log.reader());
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->root(), root);
    Prover prover(log.reader());
    for (uint64_t m = 0; m < n; m++) {
      auto proof = prover.inclusion(m, n);
      ASSERT_TRUE(proof.ok());
      ASSERT_EQ(*proof, path(log.leaves, m, 0, n)) << m << " in " << n;
      EXPECT_TRUE(verify_inclusion(m, n, log.leaves[m], *proof, root));
      EXPECT_FALSE(verify_inclusion(m, n, leaf_hash("other"), *proof, root));
      if (n > 1) EXPECT_FALSE(verify_inclusion((m + 1) % n, n, log.leaves[m], *proof, root));
    }
    for (uint64_t m = 1; m <= n; m++) {
      auto proof = prover.consistency(m, n);
      ASSERT_TRUE(proof.ok());
      if (m < n) ASSERT_EQ(*proof, subproof(log.leaves, m, 0, n, true)) << m << " to " << n;
      const Hash old_root = mth(log.leaves, 0, m);
      EXPECT_TRUE(verify_consistency(m, n, old_root, root, *proof)) << m << " to " << n;
      EXPECT_FALSE(verify_consistency(m, n, leaf_hash("forged"), root, *proof)) << m << " to " << n;
      if (!proof->empty()) {
        auto altered = *proof;
        altered.back()[0] ^= 1;
        EXPECT_FALSE(verify_consistency(m, n, old_root, root, altered)) << m << " to " << n;
      }
    }
  }
}

TEST(MerkleTest, TheFrontierReportsEachCompletedNodeOnce) {
  Frontier f;
  std::vector<NodeId> completed;
  for (int i = 0; i < 4; i++) f.append(leaf_hash(std::to_string(i)), [&](NodeId id, const Hash&) { completed.push_back(id); });
  const std::vector<NodeId> expected = {{0, 0}, {0, 1}, {1, 0}, {0, 2}, {0, 3}, {1, 1}, {2, 0}};
  EXPECT_EQ(completed, expected);
}

TEST(MerkleTest, ProofsOutsideTheTreeAreRefused) {
  MemoryLog log;
  for (int i = 0; i < 5; i++) log.append(leaf_hash(std::to_string(i)));
  Prover prover(log.reader());
  EXPECT_FALSE(prover.inclusion(5, 5).ok());
  EXPECT_FALSE(prover.consistency(0, 5).ok());
  EXPECT_FALSE(prover.consistency(6, 5).ok());
  EXPECT_FALSE(verify_inclusion(5, 5, log.leaves[0], {}, log.frontier.root()));
}

}  // namespace
}  // namespace scribe::evidence
