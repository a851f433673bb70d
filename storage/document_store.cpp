#include "storage/document_store.h"

#include <openssl/evp.h>
#include <rocksdb/iterator.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <functional>
#include <memory>
#include <set>
#include <unordered_set>

#include "common/text.h"
#include "common/timestamp.h"

namespace scribe::storage {

namespace {

constexpr uint8_t kRecordVersion = 1;
constexpr size_t kFixedBytes = 1 + 8 + 20 + 4;

std::string prefix_of(StoreId store, const DocumentScope& scope) {
  const TermHash& h = scope.hash;
  if (scope.registration) return document_prefix(store, scope.kind, h, &*scope.registration);
  if (scope.kind == DocumentKind::State) return document_scope_prefix(store, scope.kind, h);
  return document_prefix(store, scope.kind, h, nullptr);
}

std::string key_of(StoreId store, const DocumentScope& scope, const std::string& id) {
  const TermHash& h = scope.hash;
  return document_key(store, scope.kind, h, scope.registration ? &*scope.registration : nullptr,
                      id);
}

Error corrupt() { return fault(Code::corruption, "corrupt document record"); }

// The document at `key`, when it belongs to `scope_text`; `other_scope` tells a key held by
// another scope (a hash collision) from an absent one.
Result<std::optional<Document>> read_document(const Engine& engine, const std::string& key,
                                              std::string_view scope_text, bool* other_scope) {
  std::string bytes;
  auto found = engine.get(Family::Documents, key, &bytes);
  if (!found) return found.error();
  if (!*found) return std::optional<Document>();
  std::string stored_scope;
  auto doc = decode_document(bytes, &stored_scope);
  if (!doc) return corrupt();
  if (stored_scope != scope_text) {
    if (other_scope) *other_scope = true;
    return std::optional<Document>();
  }
  return std::optional<Document>(std::move(*doc));
}

}  // namespace

std::string Document::etag_hex() const {
  return text::hex_encode(std::string_view(reinterpret_cast<const char*>(sha1.data()), sha1.size()));
}

std::array<uint8_t, 20> DocumentStore::sha1(std::string_view bytes) {
  std::array<uint8_t, 20> out{};
  unsigned int n = 0;
  int ok = EVP_Digest(bytes.data(), bytes.size(), out.data(), &n, EVP_sha1(), nullptr);
  assert(ok == 1 && n == 20);
  (void)ok;
  return out;
}

std::string encode_document(const Document& doc, std::string_view scope_text) {
  std::string out;
  out.reserve(kFixedBytes + scope_text.size() + 2 + doc.content_type.size() + doc.content.size());
  out.push_back(char(kRecordVersion));
  put_u64(out, uint64_t(doc.updated_us));
  out.append(reinterpret_cast<const char*>(doc.sha1.data()), doc.sha1.size());
  put_u32(out, uint32_t(scope_text.size()));
  out.append(scope_text);
  size_t type_bytes = std::min<size_t>(doc.content_type.size(), 0xffff);
  out.push_back(char(uint8_t(type_bytes >> 8)));
  out.push_back(char(uint8_t(type_bytes)));
  out.append(doc.content_type, 0, type_bytes);
  out.append(doc.content);
  return out;
}

std::optional<Document> decode_document(std::string_view bytes, std::string* scope_text) {
  if (bytes.size() < kFixedBytes || uint8_t(bytes[0]) != kRecordVersion) return std::nullopt;
  Document doc;
  doc.updated_us = int64_t(get_u64(bytes.substr(1)));
  std::memcpy(doc.sha1.data(), bytes.data() + 9, 20);
  size_t scope_bytes = get_u32(bytes.substr(29));
  size_t at = kFixedBytes;
  if (bytes.size() < at + scope_bytes + 2) return std::nullopt;
  if (scope_text) scope_text->assign(bytes.substr(at, scope_bytes));
  at += scope_bytes;
  size_t type_bytes = (size_t(uint8_t(bytes[at])) << 8) | uint8_t(bytes[at + 1]);
  at += 2;
  if (bytes.size() < at + type_bytes) return std::nullopt;
  doc.content_type.assign(bytes.substr(at, type_bytes));
  doc.content.assign(bytes.substr(at + type_bytes));
  return doc;
}

std::mutex& DocumentStore::stripe(const std::string& key) const {
  return stripes_[std::hash<std::string>{}(key) % kStripes];
}

Result<std::optional<Document>> DocumentStore::get(StoreId store, const DocumentScope& scope,
                                                   const std::string& id) const {
  return read_document(engine_, key_of(store, scope, id), scope.text, nullptr);
}

Result<std::vector<std::string>> DocumentStore::scan_keys(StoreId store, const DocumentScope& scope,
                                                          std::vector<DocumentSummary>* summaries,
                                                          int64_t since_us) const {
  const std::string prefix = prefix_of(store, scope);
  std::vector<std::string> keys;
  std::unordered_set<std::string> seen_ids;
  rocksdb::ReadOptions options;
  std::unique_ptr<rocksdb::Iterator> it(
      engine_.db()->NewIterator(options, engine_.family(Family::Documents)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (keys.size() >= kRemoveAllMax) break;
    std::string scope_text;
    auto doc = decode_document(it->value().ToStringView(), &scope_text);
    if (!doc) return corrupt();
    if (scope_text != scope.text) continue;
    std::string_view key = it->key().ToStringView();
    if (key.size() < kDocumentPrefixBytes) return corrupt();
    keys.emplace_back(key);
    if (!summaries || doc->updated_us <= since_us) continue;
    std::string id(key.substr(kDocumentPrefixBytes));
    if (seen_ids.insert(id).second) summaries->push_back({std::move(id), doc->updated_us});
  }
  if (!it->status().ok()) return storage_error(it->status(), "document scan failed");
  return keys;
}

Result<std::vector<DocumentSummary>> DocumentStore::list(StoreId store, const DocumentScope& scope,
                                                         int64_t since_us) const {
  std::vector<DocumentSummary> out;
  auto keys = scan_keys(store, scope, &out, since_us);
  if (!keys) return keys.error();
  return out;
}

Status DocumentStore::update(StoreId store, const DocumentScope& scope, const std::string& id,
                             const DocumentDecision& decide) {
  const std::string key = key_of(store, scope, id);
  std::lock_guard<std::mutex> lock(stripe(key));
  bool other_scope = false;
  auto current = read_document(engine_, key, scope.text, &other_scope);
  if (!current) return current.error();
  // The key is another scope's (a hash collision): never overwrite or remove that document.
  if (other_scope)
    return fault(Code::conflict, "this document's key is held by a document of another scope");
  auto change = decide(*current);
  if (!change) return change.error();
  rocksdb::WriteBatch batch;
  switch (change->action) {
    case DocumentChange::Action::Keep:
      return Status::success();
    case DocumentChange::Action::Remove:
      if (!*current) return Status::success();
      batch.Delete(engine_.family(Family::Documents), key);
      break;
    case DocumentChange::Action::Put: {
      Document doc;
      doc.content_type = std::move(change->content_type);
      doc.content = std::move(change->content);
      doc.sha1 = sha1(doc.content);
      doc.updated_us = now_micros();
      // Strictly after the version it replaces, even when the clock has not moved (or stepped
      // back), so Last-Modified and `since` see every update.
      if (*current) doc.updated_us = std::max(doc.updated_us, (*current)->updated_us + 1);
      batch.Put(engine_.family(Family::Documents), key, encode_document(doc, scope.text));
      break;
    }
  }
  return engine_.write_durable(batch);
}

Status DocumentStore::remove_all(StoreId store, const DocumentScope& scope) {
  auto keys = scan_keys(store, scope, nullptr, 0);
  if (!keys) return keys.error();
  if (keys->empty()) return Status::success();
  // Lock every stripe involved, in index order so two multiple DELETEs cannot deadlock.
  std::set<size_t> indexes;
  for (const auto& k : *keys) indexes.insert(std::hash<std::string>{}(k) % kStripes);
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(indexes.size());
  for (size_t i : indexes) locks.emplace_back(stripes_[i]);
  rocksdb::WriteBatch batch;
  for (const auto& k : *keys) batch.Delete(engine_.family(Family::Documents), k);
  return engine_.write_durable(batch);
}

}  // namespace scribe::storage
