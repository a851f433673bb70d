#include "storage/statement_erasure.h"

#include <rocksdb/iterator.h>

#include <algorithm>
#include <memory>
#include <unordered_set>

#include "storage/document_store.h"
#include "storage/index_removal.h"
#include "storage/index_terms.h"

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

namespace {

// A statement's index terms with their pairs, one per term (flags OR-ed).
std::vector<Term> expanded_terms(const std::vector<Term>& terms) {
  std::vector<Term> out;
  for_each_index_term(terms, [&](const Term& t) {
    auto have = std::find_if(out.begin(), out.end(), [&](const Term& h) { return h.same_term(t); });
    if (have == out.end()) out.push_back(t);
    else have->flags |= t.flags;
  });
  return out;
}

// The changes that take a statement at `seq` from the index terms `before` to `after`.
void add_term_changes(StoreId store, Seq seq, const std::vector<Term>& before, const std::vector<Term>& after,
                      std::vector<PostingChange>& out) {
  const std::vector<Term> had = expanded_terms(before), has = expanded_terms(after);
  for (const Term& t : had) {
    auto now = std::find_if(has.begin(), has.end(), [&](const Term& h) { return h.same_term(t); });
    if (now == has.end()) out.push_back(PostingChange{IndexEntry{store, t, seq}, true});
    else if (now->flags != t.flags) out.push_back(PostingChange{IndexEntry{store, *now, seq}, false});
  }
}

Result<std::optional<StatementRecord>> read_record(const Engine& engine, StoreId store, Seq seq) {
  std::string bytes;
  auto found = engine.get(Family::Statements, statement_key(store, seq), &bytes);
  if (!found) return found.error();
  if (!*found) return std::optional<StatementRecord>();
  auto record = decode_record(bytes);
  if (!record) return fault(Code::corruption, "corrupt statement record");
  return std::optional<StatementRecord>(std::move(*record));
}

// The referrers of `target` (refs family), in seq order.
Result<std::vector<Seq>> referrers_of(const Engine& engine, StoreId store, const Uuid& target) {
  const std::string prefix = refs_prefix(store, target);
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(Family::Refs)));
  std::vector<Seq> out;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
    if (it->key().size() == prefix.size() + 8) out.push_back(seq_suffix(it->key().ToStringView()));
  if (!it->status().ok()) return storage_error(it->status(), "referrer scan failed");
  return out;
}

// Deletes the uses of attachments by erased statements, and the bytes of those no other
// statement uses; how many such.
Result<uint64_t> add_attachment_erasures(const Engine& engine, StoreId store,
                                         const std::vector<StatementToErase>& statements,
                                         const std::unordered_set<Seq>& erased, rocksdb::WriteBatch& batch) {
  auto family = engine.family(Family::Attachments);
  std::unordered_set<std::string> declared;
  for (const StatementToErase& s : statements)
    for (const std::string& sha2 : s.attachment_sha2s) {
      batch.Delete(family, attachment_user_key(store, sha2, s.seq));
      declared.insert(sha2);
    }
  uint64_t erased_bytes = 0;
  for (const std::string& sha2 : declared) {
    const std::string prefix = attachment_users_prefix(store, sha2);
    std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(rocksdb::ReadOptions(), family));
    bool used = false;
    for (it->Seek(prefix); !used && it->Valid() && it->key().starts_with(prefix); it->Next())
      used = it->key().size() == prefix.size() + 8 && !erased.contains(seq_suffix(it->key().ToStringView()));
    if (!it->status().ok()) return storage_error(it->status(), "attachment use scan failed");
    if (used) continue;
    std::string bytes;
    auto present = engine.get(Family::Attachments, attachment_key(store, sha2), &bytes);
    if (!present) return present.error();
    if (!*present) continue;  // declared with a fileUrl only
    batch.Delete(family, attachment_key(store, sha2));
    erased_bytes++;
  }
  return erased_bytes;
}

}  // namespace

Result<StatementErasures> add_statement_erasures(const Engine& engine, StoreId store,
                                                 const std::vector<StatementToErase>& statements,
                                                 const StatementCodec* codec, const OwnTerms& own_terms,
                                                 size_t referrers_max, rocksdb::WriteBatch& batch) {
  std::unordered_set<Seq> erased;
  for (const StatementToErase& s : statements) erased.insert(s.seq);
  StatementErasures out;
  auto attachments = add_attachment_erasures(engine, store, statements, erased, batch);
  if (!attachments) return attachments.error();
  out.attachments = *attachments;
  std::vector<PostingChange>& changes = out.index_changes;
  // Referrers to revisit: a target (erased, or a referrer whose terms shrank) and the terms it
  // has now, which its referrers inherit.
  struct Target {
    Uuid id;
    std::vector<Term> terms;
    bool erased = false;
  };
  std::vector<Target> targets;
  for (const StatementToErase& s : statements) {
    batch.Delete(engine.family(Family::Statements), statement_key(store, s.seq));
    batch.Delete(engine.family(Family::StatementIds), statement_id_key(store, s.id));
    // Whether it was voided goes with it; a statement it voided stays voided (the voiding is
    // recorded on the target, and the target is not the erased person's to undo).
    batch.Delete(engine.family(Family::Voided), voided_key(store, s.id));
    if (s.ref_target) batch.Delete(engine.family(Family::Refs), refs_key(store, *s.ref_target, s.seq));
    auto record = read_record(engine, store, s.seq);
    if (!record) return record.error();
    if (!*record) continue;  // gone already (an erasure resumed)
    auto terms = record_terms(store, **record, codec, own_terms);
    if (!terms) return terms.error();
    add_term_changes(store, s.seq, *terms, {}, changes);
    if (own_terms) targets.push_back(Target{s.id, {}, true});
  }
  size_t rewritten = 0;
  while (!targets.empty()) {
    const Target target = std::move(targets.back());
    targets.pop_back();
    auto referrers = referrers_of(engine, store, target.id);
    if (!referrers) return referrers.error();
    bool waits = false;
    for (Seq seq : *referrers) {
      if (erased.contains(seq)) continue;
      auto record = read_record(engine, store, seq);
      if (!record) return record.error();
      if (!*record) continue;
      waits = true;
      if (++rewritten > referrers_max)
        return fault(Code::too_large, "more than " + std::to_string(referrers_max) +
                                  " statements refer to the erased ones: erase fewer at once");
      auto after = own_record_terms(store, **record, codec, own_terms);  // its JSON decoded once
      if (!after) return after.error();
      const std::vector<Term> before = with_kept_terms(*after, (*record)->terms);
      // What it inherits from its target as it is now, kept as the commit keeps it.
      std::vector<Term> inherited = inherit_terms(*after, target.terms);
      add_term_changes(store, seq, before, *after, changes);
      if ((*record)->terms != inherited) {
        (*record)->terms = std::move(inherited);
        batch.Put(engine.family(Family::Statements), statement_key(store, seq), encode_record(**record));
      }
      targets.push_back(Target{(*record)->id, std::move(*after), false});
    }
    // A statement with referrers that arrives again (the same id re-sent) gives them its terms.
    if (waits && target.erased) batch.Put(engine.family(Family::Refs), refs_prefix(store, target.id), "");
  }
  return out;
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
      return fault(Code::corruption, "a stored document is corrupt");
    if (!matches(scope)) continue;
    batch.Delete(engine.family(Family::Documents), it->key());
    count++;
  }
  if (!it->status().ok()) return storage_error(it->status(), "document scan failed");
  return count;
}

void add_erasure_marker(const Engine& engine, StoreId store, uint64_t audit_index,
                        const std::vector<PostingChange>& index_changes, rocksdb::WriteBatch& batch) {
  std::string value;
  append_posting_changes(value, index_changes);
  batch.Put(engine.family(Family::Meta), marker_key(store, audit_index), value);
}

Status finish_erasure(Engine& engine, StoreId store, uint64_t audit_index, ErasedSeqs statements,
                      bool attachments_erased) {
  // Every family the WAL holds writes of, and the index (its changes, written without the WAL).
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (size_t f = 0; f < size_t(Family::Count); f++) families.push_back(engine.family(Family(f)));
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
  std::vector<Family> compacted{Family::Statements, Family::Documents, Family::Agents, Family::Evidence};
  if (attachments_erased) compacted.push_back(Family::Attachments);
  for (Family f : compacted) {
    std::string begin = store_begin, end = store_end;
    if (f == Family::Statements && statements.first <= statements.last) {
      begin = statement_key(store, statements.first);
      end = statement_key(store, statements.last) + '\0';
    }
    rocksdb::Slice b(begin), e(end);
    rocksdb::CompactRangeOptions family_options = options;
    if (f == Family::Attachments) {  // the large values live in blob files: rewritten without the erased
      family_options.blob_garbage_collection_policy = rocksdb::BlobGarbageCollectionPolicy::kForce;
      family_options.blob_garbage_collection_age_cutoff = 1.0;
    }
    if (rocksdb::Status s = engine.db()->CompactRange(family_options, engine.family(f), &b, &e); !s.ok())
      return storage_error(s, "compaction after an erasure failed");
  }
  rocksdb::WriteBatch done;
  done.Delete(engine.family(Family::Meta), marker_key(store, audit_index));
  return engine.write_durable(done);
}

Result<size_t> resume_erasures(Engine& engine) {
  struct Pending {
    StoreId store;
    uint64_t audit_index;
    std::vector<PostingChange> index_changes;
  };
  std::vector<Pending> pending;
  {
    std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(Family::Meta)));
    for (it->Seek(kMarkerPrefix); it->Valid() && it->key().starts_with(kMarkerPrefix); it->Next()) {
      const std::string_view rest = it->key().ToStringView().substr(kMarkerPrefix.size());
      if (rest.size() != 12) return fault(Code::corruption, "an erasure marker is malformed");
      const StoreId store = get_u32(rest);
      auto changes = decode_posting_changes(store, it->value().ToStringView());
      if (!changes) return fault(Code::corruption, "an erasure marker's index changes are malformed");
      pending.push_back(Pending{store, get_u64(rest.substr(4)), std::move(*changes)});
    }
    if (!it->status().ok()) return storage_error(it->status(), "erasure marker scan failed");
  }
  for (Pending& p : pending) {
    if (Status s = apply_posting_changes(engine, std::move(p.index_changes)); !s) return s.error();
    if (Status s = finish_erasure(engine, p.store, p.audit_index, ErasedSeqs{}, true); !s) return s.error();
  }
  return pending.size();
}

}  // namespace scribe::storage
