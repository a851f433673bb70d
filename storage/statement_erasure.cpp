#include "storage/statement_erasure.h"

#include <rocksdb/iterator.h>

#include <memory>

#include "storage/document_store.h"

namespace scribe::storage {

namespace {

const std::string kMarkerPrefix = "erasure/";

std::string marker_key(StoreId store, uint64_t audit_index) {
  std::string k = kMarkerPrefix;
  put_u32(k, store);
  put_u64(k, audit_index);
  return k;
}

}  // namespace

void add_statement_erasures(const Engine& engine, StoreId store, const std::vector<StatementToErase>& statements,
                            rocksdb::WriteBatch& batch) {
  for (const StatementToErase& s : statements) {
    batch.Delete(engine.family(Family::Statements), statement_key(store, s.seq));
    batch.Delete(engine.family(Family::StatementIds), statement_id_key(store, s.id));
    // Whether it was voided goes with it; a statement it voided stays voided (the voiding is
    // recorded on the target, and the target is not the erased person's to undo).
    batch.Delete(engine.family(Family::Voided), voided_key(store, s.id));
    if (s.ref_target) batch.Delete(engine.family(Family::Refs), refs_key(store, *s.ref_target, s.seq));
  }
}

Result<uint64_t> add_document_erasures(const Engine& engine, StoreId store, DocumentKind kind,
                                       const std::function<bool(std::string_view scope_text)>& matches,
                                       rocksdb::WriteBatch& batch) {
  std::string prefix = store_prefix(store);
  prefix.push_back(char(kind));
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(Family::Documents)));
  uint64_t count = 0;
  std::string scope;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!decode_document(it->value().ToStringView(), &scope))
      return Error{500, "", "a stored document is corrupt"};
    if (!matches(scope)) continue;
    batch.Delete(engine.family(Family::Documents), it->key());
    count++;
  }
  if (!it->status().ok()) return storage_error(it->status(), "document scan failed");
  return count;
}

void add_erasure_marker(const Engine& engine, StoreId store, uint64_t audit_index, rocksdb::WriteBatch& batch) {
  batch.Put(engine.family(Family::Meta), marker_key(store, audit_index), "");
}

Status finish_erasure(Engine& engine, StoreId store, uint64_t audit_index, ErasedSeqs statements) {
  // Every family the WAL holds writes of (the index is written without it).
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (size_t f = 0; f < size_t(Family::Count); f++)
    if (Family(f) != Family::Index) families.push_back(engine.family(Family(f)));
  rocksdb::FlushOptions flush;
  flush.wait = true;
  if (rocksdb::Status s = engine.db()->Flush(flush, families); !s.ok())
    return storage_error(s, "flushing after an erasure failed");
  // The families holding what an erasure deletes (statements, documents, Agents entries, leaf
  // salts), over the store's range; statements only over the erased seqs. Not the families that
  // hold only ids, seqs and keyed hashes (statement ids, voided and ref markers, the index): their
  // tombstones hide them at once and their own compactions drop them; an erased statement's id
  // stays in the log anyway, to answer for it (storage/evidence_log.h).
  // Not exclusive: the background compactions that ingest needs go on meanwhile.
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  options.exclusive_manual_compaction = false;
  options.max_subcompactions = 2;
  const std::string store_begin = store_prefix(store);
  const std::string store_end = store == UINT32_MAX ? std::string(5, '\xff') : store_prefix(store + 1);
  for (Family f : {Family::Statements, Family::Documents, Family::Agents, Family::Evidence}) {
    std::string begin = store_begin, end = store_end;
    if (f == Family::Statements && statements.first <= statements.last) {
      begin = statement_key(store, statements.first);
      end = statement_key(store, statements.last) + '\0';
    }
    rocksdb::Slice b(begin), e(end);
    if (rocksdb::Status s = engine.db()->CompactRange(options, engine.family(f), &b, &e); !s.ok())
      return storage_error(s, "compaction after an erasure failed");
  }
  rocksdb::WriteBatch done;
  done.Delete(engine.family(Family::Meta), marker_key(store, audit_index));
  return engine.write_durable(done);
}

Result<size_t> resume_erasures(Engine& engine) {
  std::vector<std::pair<StoreId, uint64_t>> pending;
  {
    std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(Family::Meta)));
    for (it->Seek(kMarkerPrefix); it->Valid() && it->key().starts_with(kMarkerPrefix); it->Next()) {
      const std::string_view rest = it->key().ToStringView().substr(kMarkerPrefix.size());
      if (rest.size() != 12) return Error{500, "", "an erasure marker is malformed"};
      pending.emplace_back(get_u32(rest), get_u64(rest.substr(4)));
    }
    if (!it->status().ok()) return storage_error(it->status(), "erasure marker scan failed");
  }
  for (const auto& [store, index] : pending)
    if (Status s = finish_erasure(engine, store, index, ErasedSeqs{}); !s) return s.error();
  return pending.size();
}

}  // namespace scribe::storage
