// The evidence log's leaf for a statement (DESIGN "Evidence log"): leaf data = salt(16) ‖
// JCS(statement exactly as `GET ?statementId=…&format=exact` returns it), leaf hash =
// SHA-256(0x00 ‖ leaf data). The salt keeps an erased statement's content from being
// confirmed by guessing it and hashing.
// `stored` is only known when the committer assigns the seq, so a statement's canonical form is
// prepared first (on an IO thread) with an empty `stored` (and, when the statement had no
// timestamp, an empty `timestamp`, which equals stored), and the committer splices the time in
// while hashing. Both are RFC 3339 texts that JCS writes as they are. The IO thread also hashes
// every byte before `stored` (most of the statement: actor … result sort before it), so the
// committer only hashes the time and the few members after it (PendingLeaf).
// Guarantees: canonical(stored) == evidence::canonicalize(the statement with that stored), and
// begin(salt).finish(stored) == hash(salt, stored) == leaf_hash(salt ‖ canonical(stored)).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "evidence/sha256.h"

namespace scribe::evidence {

inline constexpr size_t kSaltBytes = 16;

// A leaf hash begun before `stored` is known: SHA-256 over 0x00 ‖ salt ‖ the canonical bytes
// before the stored value, and the bytes after it still to hash.
class PendingLeaf {
 public:
  PendingLeaf() = default;
  Hash finish(std::string_view stored);  // once

 private:
  friend class LeafTemplate;
  Sha256 state_;
  std::string tail_;           // the canonical bytes after the stored value
  uint32_t timestamp_at_ = 0;  // offset in tail_ of the empty timestamp value, when with_timestamp_
  bool with_timestamp_ = false;
};

class LeafTemplate {
 public:
  LeafTemplate() = default;
  // From the statement's stored JSON (every member but `stored`, and but `timestamp` when
  // `timestamp_from_stored`). An error when it is not a JSON object.
  static Result<LeafTemplate> of(std::string_view record_json, bool timestamp_from_stored);
  // The same template without parsing, from a record that is already its own JCS form (every
  // member but the times the store adds, written by xapi's prepare step): `insert_at` is the
  // offset where `stored` (and then `timestamp`, which no top-level member sorts between) goes:
  // the opening quote of the first member sorting after "stored", or the closing brace.
  // An error when the offset is not such a place.
  static Result<LeafTemplate> of_canonical(std::string_view record_jcs, size_t insert_at, bool timestamp_from_stored);

  // JCS of the statement with this `stored` time.
  std::string canonical(std::string_view stored) const;
  // SHA-256(0x00 ‖ salt ‖ canonical(stored)), without building canonical(stored).
  Hash hash(std::string_view salt, std::string_view stored) const { return begin(salt).finish(stored); }
  // The hash begun over everything before the stored value.
  PendingLeaf begin(std::string_view salt) const;
  bool empty() const { return text_.empty(); }

 private:
  std::string text_;          // canonical form with empty "stored" (and "timestamp") values
  uint32_t stored_at_ = 0;    // offset of the empty stored value, between its quotes
  uint32_t timestamp_at_ = 0;  // same for timestamp, when with_timestamp_
  bool with_timestamp_ = false;
};

// 16 random bytes from OpenSSL's CSPRNG (drawn 4 KiB at a time per thread: one call per salt
// costs more than the rest of a leaf), never all zeros: that salt marks an erased leaf, whose
// salt and statement are deleted while its hash stays in the tree (DESIGN "Evidence log").
std::string random_salt();
inline constexpr char kErasedSalt[kSaltBytes] = {};
bool is_erased_salt(std::string_view salt);

}  // namespace scribe::evidence
