#include "evidence/merkle.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace scribe::evidence {

Hash leaf_hash(std::string_view leaf_data) {
  thread_local Sha256 h;
  return h.update(uint8_t{0x00}).update(leaf_data).finish();
}

Hash node_hash(const Hash& left, const Hash& right) {
  thread_local Sha256 h;
  return h.update(uint8_t{0x01}).update(left).update(right).finish();
}

Hash empty_tree_hash() { return sha256(""); }

uint64_t split_point(uint64_t n) {
  assert(n >= 2);
  return uint64_t{1} << (63 - std::countl_zero(n - 1));
}

Hash Frontier::root() const {
  if (roots_.empty()) return empty_tree_hash();
  Hash h = roots_.back();
  for (size_t i = roots_.size() - 1; i-- > 0;) h = node_hash(roots_[i], h);
  return h;
}

Result<Frontier> Frontier::load(uint64_t size, const NodeReader& read) {
  Frontier f;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; level--) {
    if (!(size >> level & 1)) continue;
    auto h = read(NodeId{uint8_t(level), begin >> level});
    if (!h) return h.error();
    f.roots_.push_back(*h);
    begin += uint64_t{1} << level;
  }
  f.size_ = size;
  return f;
}

Result<Hash> Prover::subtree(uint64_t begin, uint64_t end) {
  assert(begin < end);
  const uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0)
    return read_(NodeId{uint8_t(std::countr_zero(n)), begin / n});
  if (auto hit = edge_cache_.find({begin, end}); hit != edge_cache_.end()) return hit->second;
  const uint64_t k = split_point(n);
  auto left = subtree(begin, begin + k);
  if (!left) return left;
  auto right = subtree(begin + k, end);
  if (!right) return right;
  const Hash h = node_hash(*left, *right);
  if (edge_cache_.size() >= kCacheMax) edge_cache_.clear();
  edge_cache_.emplace(std::pair{begin, end}, h);
  return h;
}

Result<std::vector<Hash>> Prover::inclusion(uint64_t index, uint64_t size) {
  if (index >= size) return Error{400, "index", "leaf index past the tree size"};
  std::vector<Hash> path;  // top down, reversed at the end
  uint64_t begin = 0, end = size;
  while (end - begin > 1) {
    const uint64_t k = split_point(end - begin);
    Result<Hash> sibling = index < begin + k ? subtree(begin + k, end) : subtree(begin, begin + k);
    if (!sibling) return sibling.error();
    path.push_back(*sibling);
    if (index < begin + k) end = begin + k;
    else begin += k;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

Result<std::vector<Hash>> Prover::consistency(uint64_t old_size, uint64_t new_size) {
  if (old_size == 0 || old_size > new_size)
    return Error{400, "from", "a consistency proof needs 0 < from <= to"};
  std::vector<Hash> proof;  // top down, reversed at the end
  uint64_t begin = 0, end = new_size, m = old_size;
  bool whole = true;  // the old tree is D[begin:begin+m] and was a whole tree head
  for (;;) {
    const uint64_t n = end - begin;
    if (m == n) {
      if (!whole) {
        auto h = subtree(begin, end);
        if (!h) return h.error();
        proof.push_back(*h);
      }
      break;
    }
    const uint64_t k = split_point(n);
    if (m <= k) {
      auto h = subtree(begin + k, end);
      if (!h) return h.error();
      proof.push_back(*h);
      end = begin + k;
    } else {
      auto h = subtree(begin, begin + k);
      if (!h) return h.error();
      proof.push_back(*h);
      begin += k;
      m -= k;
      whole = false;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

bool verify_inclusion(uint64_t index, uint64_t size, const Hash& leaf, const std::vector<Hash>& proof,
                      const Hash& root) {
  if (index >= size) return false;
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      if (!(fn & 1))
        while (!(fn & 1) && fn != 0) fn >>= 1, sn >>= 1;
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                        const std::vector<Hash>& proof) {
  if (old_size == 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;
  std::vector<Hash> path = proof;
  if (std::has_single_bit(old_size)) path.insert(path.begin(), old_root);
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) fn >>= 1, sn >>= 1;
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); i++) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if (!(fn & 1))
        while (!(fn & 1) && fn != 0) fn >>= 1, sn >>= 1;
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

}  // namespace scribe::evidence
