// Every RocksDB key and record format Scribe writes, described and encoded in one place.
// All integers are big-endian so that byte order is numeric order. Every key starts with the
// 4-byte store id, so tenants never mix and a store is one contiguous key range per family.
//
// column family   key                                       value
// statements      store · seq(8)                            statement record (below)
// statement_ids   store · uuid(16)                          seq(8)
// index           store · kind(1) · term(16) · seq(8)       empty
// voided          store · target uuid(16)                   seq(8) of the voiding statement
// refs            store · target uuid(16) · seq(8)          empty: statement seq refers to target
// documents       store · kind(1) · scope(16) · doc id      document record
// attachments     store · sha2 (hex)                        bytes
// meta            name                                      value (e.g. "last_seq" → seq(8))
//
// seq is the statement's `stored` time in microseconds since the Unix epoch, bumped by one on
// a tie, so it is strictly increasing and `since`/`until` are key ranges.
//
// Statement record: uuid(16) · flags(1) · term count(2) · terms (kind(1) · term(16))* · JSON.
// JSON is the statement as it will be returned, minus `stored` (derived from seq) and minus
// `timestamp` when flags has kTimestampFromStored (then timestamp equals stored).
// The terms are the statement's own index terms plus those it inherits from the statement it
// targets by StatementRef, so a referrer matches its target's filters without recursion.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/term_hash.h"

namespace scribe::storage {

using StoreId = uint32_t;
using Seq = uint64_t;
using Uuid = std::array<uint8_t, 16>;

enum class IndexKind : uint8_t {
  Agent = 1,            // actor, or object when it is an Agent/Group
  Verb = 2,             // verb id
  Activity = 3,         // object when it is an Activity
  Registration = 4,     // context.registration
  RelatedAgent = 5,     // any agent or group (member) anywhere, sub-statement included
  RelatedActivity = 6,  // object or any context activity, sub-statement included
};

struct Term {
  IndexKind kind;
  TermHash hash;
  friend bool operator==(const Term&, const Term&) = default;
};

struct StatementRecord {
  static constexpr uint8_t kTimestampFromStored = 1;
  Uuid id{};
  uint8_t flags = 0;
  std::vector<Term> terms;
  std::string json;
};

// Fixed-width big-endian integers.
void put_u32(std::string& out, uint32_t v);
void put_u64(std::string& out, uint64_t v);
uint32_t get_u32(std::string_view in);  // reads the first 4 bytes
uint64_t get_u64(std::string_view in);  // reads the first 8 bytes

std::string store_prefix(StoreId store);
std::string statement_key(StoreId store, Seq seq);
std::string statement_id_key(StoreId store, const Uuid& id);
std::string index_prefix(StoreId store, const Term& term);
std::string index_key(StoreId store, const Term& term, Seq seq);
std::string voided_key(StoreId store, const Uuid& target);
std::string refs_prefix(StoreId store, const Uuid& target);
std::string refs_key(StoreId store, const Uuid& target, Seq seq);

// The seq that ends a statement or index key.
Seq seq_suffix(std::string_view key);

std::string encode_record(const StatementRecord& record);
// nullopt when the bytes are not a record (corruption).
std::optional<StatementRecord> decode_record(std::string_view bytes);
// Only the JSON part of a record, without copying the terms (read path).
std::optional<std::string_view> record_json(std::string_view bytes, uint8_t* flags, Uuid* id);

// Text UUID (any case, with hyphens) to bytes and back (lower-case, hyphenated).
std::optional<Uuid> parse_uuid(std::string_view text);
std::string format_uuid(const Uuid& id);

}  // namespace scribe::storage
