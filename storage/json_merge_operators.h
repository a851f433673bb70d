// RocksDB merge operators that build, at write time, what the Activities and Agents resources
// return. Each statement adds one operand (a JSON object) per activity or agent it mentions;
// reads see the fold of all operands in write order. Both folds are associative, so RocksDB may
// combine operands in any grouping (partial merges during compaction) with the same result.
//  - Activities (ActivityMergeOperator): operands are Activity objects {objectType, id,
//    definition}; a later definition wins per property, except that the language maps (`name`,
//    `description`) and `extensions` are merged per key, later winning per key.
//  - Agents (PersonMergeOperator): operands are Person objects {objectType:"Person", name:[..],
//    mbox:[..], mbox_sha1sum:[..], openid:[..], account:[..]}; the fold is the ordered union
//    of each array (first appearance kept), each array capped at kPersonValuesMax entries
//    (past the cap, which later values are dropped may depend on the grouping; the cap bounds
//    the value size, whatever a client sends).
// An operand that is not valid JSON is skipped (never fails a read); values are compact JSON.
#pragma once

#include <rocksdb/merge_operator.h>

#include <memory>
#include <string>
#include <string_view>

namespace scribe::storage {

inline constexpr size_t kPersonValuesMax = 64;

// The fold of two operands, `newer` written after `older` (exposed for tests).
std::string merge_activity_json(std::string_view older, std::string_view newer);
std::string merge_person_json(std::string_view older, std::string_view newer);

std::shared_ptr<rocksdb::MergeOperator> make_activity_merge_operator();
std::shared_ptr<rocksdb::MergeOperator> make_person_merge_operator();

}  // namespace scribe::storage
