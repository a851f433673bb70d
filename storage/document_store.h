// State, Activity Profile and Agent Profile documents in Family::Documents (format in keys.h).
// Guarantees: every change is one durable WriteBatch (Engine::write_durable, synced WAL), so a
// document is replaced, merged or removed whole or not at all; a read-modify-write (precondition
// check, POST merge) holds the document's stripe lock from read to durable write, so no other
// write to the same document interleaves. `updated` strictly increases across a document's
// versions (microseconds; bumped past the previous value when the clock has not moved).
// The store knows nothing of HTTP or xAPI rules: callers decide what a change is.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/engine.h"
#include "storage/keys.h"

namespace scribe::storage {

// Where documents live: a kind, a scope (the canonical text the caller derives from the
// activity and/or agent, and its hash under the store's term key) and, for State, an optional
// registration. The text is kept in each record and re-checked on every read and write, so
// even a hash collision never returns, lists or overwrites another scope's document.
struct DocumentScope {
  DocumentKind kind = DocumentKind::State;
  std::string text;
  TermHash hash{};  // storage::hash_term(store's key, text)
  std::optional<Uuid> registration;
};

struct Document {
  std::string content_type;
  std::string content;
  int64_t updated_us = 0;
  std::array<uint8_t, 20> sha1{};

  std::string etag_hex() const;  // lower-case hex of sha1
};

struct DocumentSummary {
  std::string id;
  int64_t updated_us = 0;
};

// What a read-modify-write decides, given the current document (nullopt: none).
struct DocumentChange {
  enum class Action { Keep, Put, Remove } action = Action::Keep;
  std::string content_type;  // for Put
  std::string content;       // for Put
};
using DocumentDecision = std::function<Result<DocumentChange>(const std::optional<Document>&)>;

class DocumentStore {
 public:
  explicit DocumentStore(Engine& engine) : engine_(engine) {}

  Result<std::optional<Document>> get(StoreId store, const DocumentScope& scope,
                                      const std::string& id) const;
  // Documents of the scope updated strictly after since_us, in key order, ids unique. Without
  // a registration, State lists every registration's documents.
  Result<std::vector<DocumentSummary>> list(StoreId store, const DocumentScope& scope,
                                            int64_t since_us) const;
  // Reads the document, asks `decide`, applies its change durably; all under the stripe lock.
  // An error from `decide` is returned as is and nothing is written.
  // This blocks the calling (IO) thread for one synced write: document writes are rare next to
  // statements, and the lock makes the read-modify-write atomic without a second pipeline.
  Status update(StoreId store, const DocumentScope& scope, const std::string& id,
                const DocumentDecision& decide);
  // Removes every document of the scope (all registrations when it names none). Atomic.
  Status remove_all(StoreId store, const DocumentScope& scope);

  static std::array<uint8_t, 20> sha1(std::string_view bytes);

 private:
  static constexpr size_t kStripes = 64;
  static constexpr size_t kRemoveAllMax = 100000;  // documents one multiple DELETE may remove
  std::mutex& stripe(const std::string& key) const;
  Result<std::vector<std::string>> scan_keys(StoreId store, const DocumentScope& scope,
                                             std::vector<DocumentSummary>* summaries,
                                             int64_t since_us) const;

  Engine& engine_;
  mutable std::array<std::mutex, kStripes> stripes_;
};

// Record encoding (exposed for tests).
std::string encode_document(const Document& doc, std::string_view scope_text);
// nullopt when the bytes are not a document record (corruption).
std::optional<Document> decode_document(std::string_view bytes, std::string* scope_text);

}  // namespace scribe::storage
