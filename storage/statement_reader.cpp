#include "storage/statement_reader.h"

#include "storage/index_terms.h"
#include "storage/seq_cursors.h"

#include <memory>
#include <optional>

namespace scribe::storage {

namespace {

bool before(Seq a, Seq b, bool ascending) { return ascending ? a < b : a > b; }

}  // namespace

Result<std::optional<StoredStatement>> StatementReader::get(StoreId store, const Uuid& id) const {
  std::string seq_value;
  auto found = engine_.get(Family::StatementIds, statement_id_key(store, id), &seq_value);
  if (!found) return found.error();
  if (!*found) return std::optional<StoredStatement>();
  StoredStatement out;
  out.seq = get_u64(seq_value);
  std::string bytes;
  found = engine_.get(Family::Statements, statement_key(store, out.seq), &bytes);
  if (!found) return found.error();
  if (!*found) return fault(Code::corruption, "statement id index points at a missing statement");
  auto payload = record_json(bytes, &out.flags, &out.id);
  if (!payload) return fault(Code::corruption, "corrupt statement record");
  std::string scratch;
  auto json = decode_payload(codec_, store, *payload, out.flags, scratch);
  if (!json) return json.error();
  out.json.assign(*json);
  return std::optional<StoredStatement>(std::move(out));
}

Result<bool> StatementReader::is_voided(StoreId store, const Uuid& id) const {
  std::string value;
  auto found = engine_.get(Family::Voided, voided_key(store, id), &value);
  if (!found) return found.error();
  return *found && voided_value_voids(value);
}

Result<std::optional<std::string>> StatementReader::attachment(StoreId store,
                                                               std::string_view sha2) const {
  std::string bytes;
  auto found = engine_.get(Family::Attachments, attachment_key(store, sha2), &bytes);
  if (!found) return found.error();
  if (!*found) return std::optional<std::string>();
  return std::optional<std::string>(std::move(bytes));
}

namespace {

// One matching index position (or, for an unfiltered query, the record itself).
struct Candidate {
  Seq seq;
  std::optional<std::string> record;
};

}  // namespace

Result<StatementPage> StatementReader::query(const StatementQuery& q) const {
  StatementPage page;
  std::vector<std::unique_ptr<SeqCursor>> cursors;
  const SeqRange range{q.seq_min, q.seq_max, q.ascending};
  const bool unfiltered = q.required.empty();
  RecordCursor* records = nullptr;
  if (unfiltered) {
    auto cursor = std::make_unique<RecordCursor>(engine_, q.store, range);
    records = cursor.get();
    cursors.push_back(std::move(cursor));
  } else {
    for (const Term& t : with_pair_terms(q.required))
      cursors.push_back(term_cursor(engine_, recent_, q.store, t, range));
  }

  // Leapfrog join: move every cursor to the furthest candidate until all agree. Returns false
  // when some cursor is exhausted.
  auto next_match = [&]() -> bool {
    for (;;) {
      Seq candidate = cursors[0]->seq();
      for (auto& c : cursors)
        if (before(candidate, c->seq(), q.ascending)) candidate = c->seq();
      bool agreed = true;
      for (auto& c : cursors) {
        if (c->seq() == candidate) continue;
        if (!c->seek(candidate)) return false;
        if (c->seq() != candidate) agreed = false;
      }
      if (agreed) return true;
    }
  };

  bool live = cursors[0]->start();
  for (size_t i = 1; live && i < cursors.size(); i++) live = cursors[i]->start();
  // Matches are gathered a page at a time, then their records and voided markers are read
  // with one MultiGet each: on a large store those are random reads, and batching lets
  // RocksDB walk each file once instead of paying a full lookup per statement.
  while (live && !page.more) {
    live = next_match();
    if (!live) break;
    const size_t want = q.limit - page.statements.size() + 1;  // +1: is there more?
    std::vector<Candidate> batch;
    while (live && batch.size() < want) {
      Candidate c{cursors[0]->seq(), std::nullopt};
      if (records) c.record = records->record().ToString();
      batch.push_back(std::move(c));
      live = cursors[0]->advance() && next_match();
    }
    if (!unfiltered) {
      std::vector<std::string> keys;
      keys.reserve(batch.size());
      for (const Candidate& c : batch) keys.push_back(statement_key(q.store, c.seq));
      std::vector<std::optional<std::string>> records;
      if (Status st = engine_.multi_get(Family::Statements, keys, records); !st) return st.error();
      // A posting without its record is an erased statement's (admin/erasure_service.h): skipped.
      size_t kept = 0;
      for (size_t i = 0; i < batch.size(); i++) {
        if (!records[i]) continue;
        batch[kept].seq = batch[i].seq;
        batch[kept++].record = std::move(records[i]);
      }
      batch.resize(kept);
    }
    std::vector<StoredStatement> decoded(batch.size());
    std::vector<std::string> voided_keys;
    voided_keys.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); i++) {
      StoredStatement& s = decoded[i];
      s.seq = batch[i].seq;
      auto payload = record_json(*batch[i].record, &s.flags, &s.id);
      if (!payload) return fault(Code::corruption, "corrupt statement record");
      std::string scratch;
      auto json = decode_payload(codec_, q.store, *payload, s.flags, scratch);
      if (!json) return json.error();
      s.json.assign(*json);
      if (!q.include_voided) voided_keys.push_back(voided_key(q.store, s.id));
    }
    std::vector<std::optional<std::string>> voided(decoded.size());
    if (!q.include_voided)
      if (Status st = engine_.multi_get(Family::Voided, voided_keys, voided); !st) return st.error();
    for (size_t i = 0; i < decoded.size(); i++) {
      if (voided[i] && voided_value_voids(*voided[i])) continue;
      if (page.statements.size() == q.limit) {
        page.more = true;
        break;
      }
      page.statements.push_back(std::move(decoded[i]));
    }
  }
  for (auto& c : cursors)
    if (Status s = c->status(); !s) return s.error();
  return page;
}

}  // namespace scribe::storage
