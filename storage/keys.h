// Every RocksDB key and record format Scribe writes, described and encoded in one place.
// All integers are big-endian so that byte order is numeric order. Every key starts with the
// 4-byte store id, so tenants never mix and a store is one contiguous key range per family.
//
// column family   key                                       value
// statements      store · seq(8)                            statement record (below)
// statement_ids   store · uuid(16)                          seq(8)
// index           store · kind(1) · term(16) · first seq(8) posting list (storage/posting_list.h):
//                                                           the seqs of that term in one range
//                 0000 · "indexed_through"                  seq(8): the indexer's progress
// voided          store · target uuid(16)                   seq(8) of the voiding statement
//                                                           (empty: that voiding had no effect)
// refs            store · target uuid(16) · seq(8)          empty: statement seq refers to target
//                 store · target uuid(16)                   empty: a referrer arrived before target
// documents       store · kind(1) · scope(16) · reg(17) · doc id   document record (below)
// attachments     store · sha2 (hex)                        bytes
//                 store · sha2 (hex) · 0x00 · seq(8)        empty: statement seq declares it (so
//                                                           an erasure knows who else uses it)
// evidence        store · 'l' · seq(8)                      leaf index(8) · salt(16): the statement's
//                                                           leaf in the store's log (evidence/leaf.h)
//                 store · 'n' · level(1) · index(8)         hash(32) of a complete perfect subtree
//                                                           of the log (evidence/merkle.h); level 0
//                                                           are the leaf hashes
//                 store · 'c' · size(8)                     a signed checkpoint of that tree size
// meta            name                                      value (e.g. "last_seq" → seq(8))
//                 "reindex/" · store · seq(8)               referrer seqs(8 each) whose terms
//                                                           grew when statement seq arrived
//                 "dict/" · store · id(4)                   a zstd dictionary of the store's
//                                                           statements (statement_codec.h)
// activities      store · activity id (text)                Activity JSON (merge operands)
// agents          store · person entry key(16)              Person JSON (merge operands); the key is
//                                                           the agent identity hashed with the
//                                                           store's term key (never the identity:
//                                                           file key ranges are kept in the MANIFEST)
//
// seq is the statement's `stored` time in microseconds since the Unix epoch, bumped by one on
// a tie, so it is strictly increasing and `since`/`until` are key ranges.
//
// Statement record: uuid(16) · flags(1) · term count(2) · terms (kind(1) · term(16) · flags(1))*
//                   · payload.
// The payload is the JSON of the statement as it will be returned, minus `stored` (derived from
// seq) and minus `timestamp` when flags has kTimestampFromStored (then timestamp equals stored);
// with kPayloadCompressed (4) it is that JSON compressed with a dictionary of the store
// (storage/statement_codec.h). kIsVoiding (2): the statement voids its target.
// The terms are those the statement inherits from the statement it targets by StatementRef (so
// a referrer matches its target's filters without recursion); its own terms are recomputed from
// its JSON (storage/record_terms.h). Records written without that rule keep all their terms.
//
// The index is derived data, written by storage/indexer.h just behind the synced commit with the
// WAL off. Its progress key sits in the same family, so after a crash the family holds the lists
// of every seq up to its progress and nothing past it (memtables flush in write order), and the
// indexer rebuilds the rest from the statement records. The committer writes a reindex marker,
// in the synced batch, when a statement's arrival gives its referrers new terms (back-fill), so
// that the rebuild can redo those older lists too. Store 0 is never a store.
//
// Documents (State, Activity Profile, Agent Profile): kind is DocumentKind; scope is the
// 128-bit hash of the scope text (State: activityId · 0x1f · agent identity; Activity Profile:
// activityId; Agent Profile: agent identity); reg is 0x00 · 16 zero bytes when there is no
// registration (always for profiles) or 0x01 · uuid(16); doc id is the stateId/profileId bytes.
// So one agent's states for an activity are one key range, and one registration a sub-range.
// Document record: version(1)=1 · updated(8, µs since epoch) · sha1(20) of the content ·
// scope text length(4) · scope text · content type length(2) · content type · content.
// The scope text is kept so that a scope-hash collision is detected on read.
//
// Activities and agents values are built by RocksDB merge operators
// (storage/json_merge_operators.h): each statement adds one operand per activity that has a
// definition and per identified agent or group that has a name. The agent identity is
// xapi::agent_identity() (e.g. "mbox" · 0x1f · "mailto:a@b.c").
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

// One index entry per distinct term of a statement. An agent or activity appearing anywhere
// (sub-statement, context, authority, group members) is indexed once; its entry's flags say
// whether it is also the statement's actor/object, so `agent`/`activity` filters need that
// flag while `related_agents`/`related_activities` take any entry.
enum class IndexKind : uint8_t {
  Agent = 1,         // any agent or group (or member) anywhere; kTermDirect: actor or object
  Verb = 2,          // verb id
  Activity = 3,      // object or any context activity, anywhere; kTermDirect: the object
  Registration = 4,  // context.registration
  Authority = 5,     // the statement's authority (statements/read/mine); never inherited
  AgentVerb = 6,     // derived: a direct agent paired with a verb (storage/index_terms.h)
};

// Whether a statement that targets another by StatementRef takes this kind of the target's
// terms: the filters match through references, but whose statement it is does not. Pairs are
// derived from the terms a statement has, inherited ones included, so they are never inherited.
inline constexpr bool inherited_by_referrers(IndexKind kind) {
  return kind != IndexKind::Authority && kind != IndexKind::AgentVerb;
}

inline constexpr uint8_t kTermDirect = 1;

struct Term {
  IndexKind kind;
  TermHash hash;
  // In a statement: what the entry records. In a query: what an entry must have.
  uint8_t flags = 0;
  friend bool operator==(const Term&, const Term&) = default;
  bool same_term(const Term& o) const { return kind == o.kind && hash == o.hash; }
};

// Adds a target's `extra` terms to a referrer's `terms`, OR-ing the flags of terms already
// present and skipping kinds referrers do not inherit; returns the terms that are new or whose
// flags grew (their index entries must be written).
std::vector<Term> inherit_terms(std::vector<Term>& terms, const std::vector<Term>& extra);

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
inline const std::string kIndexProgressKey = std::string(4, '\0') + "indexed_through";
inline const std::string kReindexMarkerPrefix = "reindex/";
inline const std::string kDictionaryPrefix = "dict/";
std::string dictionary_key(StoreId store, uint32_t id);
std::string reindex_marker_key(StoreId store, Seq seq);
std::string voided_key(StoreId store, const Uuid& target);
// Whether a voided-family value means "voided": the voiding statement's seq(8). An empty value
// records a voiding that had no effect (it targeted a voiding statement).
inline bool voided_value_voids(std::string_view value) { return value.size() == 8; }
std::string refs_prefix(StoreId store, const Uuid& target);
std::string refs_key(StoreId store, const Uuid& target, Seq seq);
// sha2: lower-case hex as declared by the statement.
std::string attachment_key(StoreId store, std::string_view sha2);
std::string attachment_users_prefix(StoreId store, std::string_view sha2);
std::string attachment_user_key(StoreId store, std::string_view sha2, Seq seq);

// The evidence logs (storage/evidence_log.h): per store, the statement log and the audit trail
// (admin/audit_trail.h), each a Merkle tree with its checkpoints. A statement leaf's key is its
// statement's seq, so the log is walked in seq order (which is commit order) and a statement
// finds its leaf directly; an audit entry's key is its index.
enum class LogKind : uint8_t { Statements = 0, Audit = 1 };
inline constexpr char kLeafTag = 'l', kNodeTag = 'n', kCheckpointTag = 'c';
inline constexpr char kAuditEntryTag = 'a', kAuditNodeTag = 'm', kAuditCheckpointTag = 'k';
// An erased statement's trace (storage/evidence_log.h): its erasure record by leaf index, and its
// id's leaf index.
inline constexpr char kErasureTag = 'e', kErasedIdTag = 'x';
inline constexpr char node_tag(LogKind kind) { return kind == LogKind::Audit ? kAuditNodeTag : kNodeTag; }
inline constexpr char checkpoint_tag(LogKind kind) {
  return kind == LogKind::Audit ? kAuditCheckpointTag : kCheckpointTag;
}
inline std::string evidence_prefix(StoreId store, char tag) {
  std::string k = store_prefix(store);
  k.push_back(tag);
  return k;
}
inline std::string leaf_key(StoreId store, Seq seq) {
  std::string k = evidence_prefix(store, kLeafTag);
  put_u64(k, seq);
  return k;
}
inline std::string erasure_key(StoreId store, uint64_t index) {
  std::string k = evidence_prefix(store, kErasureTag);
  put_u64(k, index);
  return k;
}
inline std::string erased_id_key(StoreId store, const Uuid& id) {
  std::string k = evidence_prefix(store, kErasedIdTag);
  k.append(reinterpret_cast<const char*>(id.data()), id.size());
  return k;
}
inline std::string audit_entry_key(StoreId store, uint64_t index) {
  std::string k = evidence_prefix(store, kAuditEntryTag);
  put_u64(k, index);
  return k;
}
inline std::string node_prefix(StoreId store, uint8_t level, LogKind kind = LogKind::Statements) {
  std::string k = evidence_prefix(store, node_tag(kind));
  k.push_back(char(level));
  return k;
}
inline std::string node_key(StoreId store, uint8_t level, uint64_t index, LogKind kind = LogKind::Statements) {
  std::string k = node_prefix(store, level, kind);
  put_u64(k, index);
  return k;
}
inline std::string checkpoint_key(StoreId store, uint64_t size, LogKind kind = LogKind::Statements) {
  std::string k = evidence_prefix(store, checkpoint_tag(kind));
  put_u64(k, size);
  return k;
}

enum class DocumentKind : uint8_t { State = 1, ActivityProfile = 2, AgentProfile = 3 };

// The documents of one kind and scope (all registrations).
inline std::string document_scope_prefix(StoreId store, DocumentKind kind, const TermHash& scope) {
  std::string k = store_prefix(store);
  k.push_back(char(kind));
  k.append(reinterpret_cast<const char*>(scope.data()), scope.size());
  return k;
}
// The documents of one kind, scope and registration (nullptr: none).
inline std::string document_prefix(StoreId store, DocumentKind kind, const TermHash& scope,
                                   const Uuid* registration) {
  std::string k = document_scope_prefix(store, kind, scope);
  k.push_back(registration ? '\x01' : '\x00');
  if (registration) k.append(reinterpret_cast<const char*>(registration->data()), 16);
  else k.append(16, '\0');
  return k;
}
inline constexpr size_t kDocumentPrefixBytes = 4 + 1 + 16 + 17;
inline std::string document_key(StoreId store, DocumentKind kind, const TermHash& scope,
                                const Uuid* registration, std::string_view doc_id) {
  std::string k = document_prefix(store, kind, scope, registration);
  k.append(doc_id);
  return k;
}
inline std::string activity_key(StoreId store, std::string_view activity_id) {
  return store_prefix(store).append(activity_id);
}
// `entry_key`: xapi::person_entry_key() of the agent's identity.
inline std::string agent_key(StoreId store, std::string_view entry_key) {
  return store_prefix(store).append(entry_key);
}

// The seq that ends a statement or index key.
Seq seq_suffix(std::string_view key);

// A record's term count is 2 bytes: callers refuse records with more terms (asserted here).
inline constexpr size_t kRecordTermsMax = 65535;
std::string encode_record(const StatementRecord& record);
// nullopt when the bytes are not a record (corruption).
std::optional<StatementRecord> decode_record(std::string_view bytes);
// Only the JSON part of a record, without copying the terms (read path).
std::optional<std::string_view> record_json(std::string_view bytes, uint8_t* flags, Uuid* id);

// Text UUID (any case, with hyphens) to bytes and back (lower-case, hyphenated).
std::optional<Uuid> parse_uuid(std::string_view text);
std::string format_uuid(const Uuid& id);

}  // namespace scribe::storage
