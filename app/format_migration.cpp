#include "app/format_migration.h"

#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/store_registry.h"
#include "common/json.h"
#include "common/json_dom.h"
#include "storage/data_format.h"
#include "storage/document_store.h"
#include "storage/keys.h"
#include "storage/statement_codec.h"
#include "xapi/attachments.h"
#include "xapi/statement_terms.h"

namespace scribe::app {

namespace {

using storage::Engine;
using storage::Family;
using storage::StatementRecord;
using storage::Term;

constexpr storage::StoreId kStore = auth::kDefaultStoreId;
constexpr size_t kBatchRecords = 1000;  // records per durable write
constexpr size_t kRefChainMax = 10000;  // StatementRef hops followed for one statement

Error corrupt(const std::string& what) { return Error{500, "", "migration: corrupt " + what}; }

std::unique_ptr<rocksdb::Iterator> scan(Engine& engine, Family f) {
  return std::unique_ptr<rocksdb::Iterator>(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(f)));
}

// Refuses keys of any store but 1 in the store-prefixed families format 1 wrote.
Status only_store_one(Engine& engine) {
  for (Family f : {Family::Statements, Family::Documents}) {
    auto it = scan(engine, f);
    it->SeekToFirst();
    if (it->Valid() && storage::get_u32(it->key().ToStringView()) != kStore)
      return Error{500, "", "migration: data of a store other than 1; this folder was not written by a format-1 Scribe"};
    it->SeekToLast();
    if (it->Valid() && storage::get_u32(it->key().ToStringView()) != kStore)
      return Error{500, "", "migration: data of a store other than 1; this folder was not written by a format-1 Scribe"};
    if (!it->status().ok()) return storage::storage_error(it->status(), "migration scan failed");
  }
  return Status::success();
}

Result<uint64_t> drop_credentials(Engine& engine) {
  const std::string prefix = "credential/";
  rocksdb::WriteBatch batch;
  uint64_t n = 0;
  auto it = scan(engine, Family::Meta);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next(), n++)
    batch.Delete(engine.family(Family::Meta), it->key());
  if (!it->status().ok()) return storage::storage_error(it->status(), "migration scan failed");
  if (Status s = engine.write_durable(batch); !s) return s.error();
  return n;
}

// A statement's own terms, from its record's JSON.
Result<std::vector<Term>> own_terms(const storage::TermKey& key, std::string_view record_json) {
  auto terms = xapi::stored_statement_terms(key, record_json);
  if (!terms) return corrupt("statement JSON");
  return std::move(*terms);
}

// The record of the statement with this id, when stored.
Result<std::optional<StatementRecord>> record_of(Engine& engine, const storage::Uuid& id) {
  std::string seq;
  auto found = engine.get(Family::StatementIds, storage::statement_id_key(kStore, id), &seq);
  if (!found) return found.error();
  if (!*found) return std::optional<StatementRecord>();
  if (seq.size() != 8) return corrupt("statement id record");
  std::string bytes;
  auto got = engine.get(Family::Statements, storage::statement_key(kStore, storage::get_u64(seq)), &bytes);
  if (!got) return got.error();
  if (!*got) return corrupt("statement id without its statement");
  auto record = storage::decode_record(bytes);
  if (!record) return corrupt("statement record");
  return std::optional<StatementRecord>(std::move(*record));
}

std::optional<storage::Uuid> ref_target(std::string_view record_json) {
  auto json = json::parse(record_json);
  const json::Value* object = json ? json->get("object") : nullptr;
  if (!object || object->get_string("objectType") != "StatementRef") return std::nullopt;
  return storage::parse_uuid(object->get_string("id"));
}

// A statement's terms as format 2 indexes them: its own, and those of every statement it
// reaches through StatementRefs, recomputed from their JSON.
Result<std::vector<Term>> all_terms(Engine& engine, const storage::TermKey& key, const StatementRecord& record) {
  auto terms = own_terms(key, record.json);
  if (!terms) return terms.error();
  std::set<storage::Uuid> seen{record.id};
  auto next = ref_target(record.json);
  for (size_t hops = 0; next && hops < kRefChainMax && seen.insert(*next).second; hops++) {
    auto target = record_of(engine, *next);
    if (!target) return target.error();
    if (!*target) break;  // not (yet) stored: nothing to inherit, as at write time
    auto inherited = own_terms(key, (*target)->json);
    if (!inherited) return inherited.error();
    storage::inherit_terms(*terms, *inherited);
    next = ref_target((*target)->json);
  }
  return terms;
}

Status reindex_statements(Engine& engine, const storage::TermKey& key, MigrationCounts& counts,
                          std::ostream& log) {
  const std::string begin = storage::store_prefix(kStore), end = storage::store_prefix(kStore + 1);
  {
    rocksdb::WriteBatch clear;
    clear.DeleteRange(engine.family(Family::Index), begin, end);
    if (Status s = engine.write_durable(clear); !s) return s;
  }
  rocksdb::WriteBatch batch;
  size_t in_batch = 0;
  auto it = scan(engine, Family::Statements);
  for (it->Seek(begin); it->Valid() && it->key().ToStringView() < end; it->Next()) {
    auto record = storage::decode_record(it->value().ToStringView());
    if (!record) return corrupt("statement record");
    auto terms = all_terms(engine, key, *record);
    if (!terms) return terms.error();
    record->terms = std::move(*terms);
    counts.index_entries += record->terms.size();
    batch.Put(engine.family(Family::Statements), it->key(), storage::encode_record(*record));
    counts.statements++;
    if (++in_batch == kBatchRecords) {
      if (Status s = engine.write_durable(batch); !s) return s;
      batch.Clear();
      in_batch = 0;
      if (counts.statements % 100000 == 0) log << "  " << counts.statements << " statements re-indexed\n" << std::flush;
    }
  }
  if (!it->status().ok()) return storage::storage_error(it->status(), "migration scan failed");
  return engine.write_durable(batch);
}

Status rekey_documents(Engine& engine, const storage::TermKey& key, MigrationCounts& counts) {
  const std::string begin = storage::store_prefix(kStore), end = storage::store_prefix(kStore + 1);
  // Collect first: the moves write into the range being read.
  std::vector<std::pair<std::string, std::string>> moves;  // old key → new key
  auto it = scan(engine, Family::Documents);
  for (it->Seek(begin); it->Valid() && it->key().ToStringView() < end; it->Next()) {
    std::string_view old_key = it->key().ToStringView();
    if (old_key.size() < storage::kDocumentPrefixBytes) return corrupt("document key");
    std::string scope;
    if (!storage::decode_document(it->value().ToStringView(), &scope)) return corrupt("document record");
    const storage::TermHash hash = storage::hash_term(key, scope);
    std::string new_key(old_key.substr(0, 5));
    new_key.append(reinterpret_cast<const char*>(hash.data()), hash.size());
    new_key.append(old_key.substr(5 + 16));
    counts.documents++;
    if (new_key != old_key) moves.emplace_back(std::string(old_key), std::move(new_key));
  }
  if (!it->status().ok()) return storage::storage_error(it->status(), "migration scan failed");
  for (size_t i = 0; i < moves.size(); i += kBatchRecords) {
    rocksdb::WriteBatch batch;
    for (size_t j = i; j < std::min(moves.size(), i + kBatchRecords); j++) {
      std::string value;
      auto found = engine.get(Family::Documents, moves[j].first, &value);
      if (!found) return found.error();
      if (!*found) continue;  // moved by an earlier, interrupted run
      batch.Put(engine.family(Family::Documents), moves[j].second, value);
      batch.Delete(engine.family(Family::Documents), moves[j].first);
    }
    if (Status s = engine.write_durable(batch); !s) return s;
  }
  return Status::success();
}

}  // namespace

Result<MigrationCounts> migrate_format_1(Engine& engine, std::ostream& log) {
  log << "scribe: migrating this data folder from format 1 to format 2"
      << " (keyed term hashes, peppered secrets)\n" << std::flush;
  if (Status s = only_store_one(engine); !s) return s.error();
  MigrationCounts counts;
  auto registry = auth::StoreRegistry::open(engine);  // creates `default` and its key, durably
  if (!registry) return registry.error();
  const storage::TermKey key = (*registry)->find(auth::kDefaultStoreName)->term_key;
  auto dropped = drop_credentials(engine);
  if (!dropped) return dropped.error();
  counts.credentials_dropped = *dropped;
  if (Status s = reindex_statements(engine, key, counts, log); !s) return s.error();
  if (Status s = rekey_documents(engine, key, counts); !s) return s.error();
  if (Status s = rebuild_index(engine, 2, log); !s) return s.error();
  log << "scribe: migrated " << counts.statements << " statements (" << counts.index_entries
      << " index entries) and " << counts.documents << " documents; " << counts.credentials_dropped
      << " credentials could not be carried over (their secrets were PBKDF2 hashes): a new bootstrap "
         "credential follows, make new ones with `scribe admin credential create`\n" << std::flush;
  return counts;
}

Result<uint64_t> list_attachment_uses(Engine& engine, std::ostream& log) {
  auto codec = storage::StatementCodec::open(engine, storage::CodecOptions{});  // reads, never trains
  if (!codec) return codec.error();
  uint64_t uses = 0, records = 0;
  rocksdb::WriteBatch batch;
  std::string scratch;
  auto it = scan(engine, Family::Statements);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    if (key.size() != 12) continue;
    auto record = storage::decode_record(it->value().ToStringView());
    if (!record) return corrupt("statement record");
    const storage::StoreId store = storage::get_u32(key);
    auto json = storage::decode_payload(codec->get(), store, record->json, record->flags, scratch);
    if (!json) return json.error();
    records++;
    if (json->find("\"attachments\"") == std::string_view::npos) continue;
    auto doc = json::Document::parse(*json);
    if (!doc) return corrupt("statement JSON");
    for (const std::string& sha2 : xapi::declared_sha2s(doc->root())) {
      batch.Put(engine.family(Family::Attachments), storage::attachment_user_key(store, sha2, storage::seq_suffix(key)), "");
      if (++uses % kBatchRecords == 0) {
        if (Status s = engine.write_durable(batch); !s) return s.error();
        batch.Clear();
      }
    }
  }
  if (!it->status().ok()) return storage::storage_error(it->status(), "migration: statement scan failed");
  if (Status s = engine.write_durable(batch); !s) return s.error();
  log << "scribe: recorded " << uses << " uses of attachments by " << records << " statements\n" << std::flush;
  return uses;
}

Result<uint64_t> rekey_agent_entries(Engine& engine, std::ostream& log) {
  auto registry = auth::StoreRegistry::open(engine);
  if (!registry) return registry.error();
  // An entry keyed by an identity: its kind, then 0x1f (a person entry key is a 16-byte hash).
  auto identity_of = [](std::string_view rest) -> std::optional<std::string_view> {
    for (std::string_view kind : {"mbox\x1f", "mbox_sha1sum\x1f", "openid\x1f", "account\x1f"})
      if (rest.starts_with(kind)) return rest;
    return std::nullopt;
  };
  uint64_t moved = 0;
  rocksdb::WriteBatch batch;
  auto it = scan(engine, Family::Agents);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    if (key.size() < 5) return corrupt("Agents key");
    const storage::StoreId store = storage::get_u32(key);
    auto identity = identity_of(key.substr(4));
    auto info = (*registry)->find(store);
    if (!identity || !info) continue;  // moved already, or left by a deleted store
    batch.Put(engine.family(Family::Agents), storage::agent_key(store, xapi::person_entry_key(info->term_key, *identity)),
              it->value());
    batch.Delete(engine.family(Family::Agents), it->key());
    if (++moved % kBatchRecords == 0) {
      if (Status s = engine.write_durable(batch); !s) return s.error();
      batch.Clear();
    }
  }
  if (!it->status().ok()) return storage::storage_error(it->status(), "migration: Agents scan failed");
  if (Status s = engine.write_durable(batch); !s) return s.error();
  log << "scribe: keyed " << moved << " Agents entries by a hash of their identity\n" << std::flush;
  return moved;
}

Status migrate_to_5(Engine& engine, std::ostream& log) {
  if (auto listed = list_attachment_uses(engine, log); !listed) return listed.error();
  if (auto moved = rekey_agent_entries(engine, log); !moved) return moved.error();
  return storage::record_data_format(engine);
}

Status migrate_format_4(Engine& engine, std::ostream& log) {
  log << "scribe: moving this data folder from format 4 to format " << storage::kDataFormatVersion
      << " (who declares each attachment; Agents entries keyed by a hash)\n" << std::flush;
  return migrate_to_5(engine, log);
}

Status rebuild_index(Engine& engine, uint32_t from_format, std::ostream& log) {
  log << "scribe: moving this data folder from format " << from_format << " to format "
      << storage::kDataFormatVersion << " (posting lists with agent-verb pairs); the index is "
      << "rebuilt from the statements in the background\n" << std::flush;
  rocksdb::WriteBatch clear;
  clear.DeleteRange(engine.family(Family::Index), storage::store_prefix(0), std::string(5, '\xff'));
  if (Status s = engine.write_durable(clear); !s) return s;
  return migrate_to_5(engine, log);
}

}  // namespace scribe::app
