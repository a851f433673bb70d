#include "storage/statement_reader.h"

#include <memory>
#include <optional>

namespace scribe::storage {

namespace {

// Iterates the seqs of one key range (statements of a store, or one index term) in either
// direction, within [seq_min, seq_max], skipping index entries that lack `required_flags`.
class SeqCursor {
 public:
  SeqCursor(const Engine& engine, Family family, std::string prefix, const StatementQuery& q,
            uint8_t required_flags = 0)
      : prefix_(std::move(prefix)),
        ascending_(q.ascending),
        min_(q.seq_min),
        max_(q.seq_max),
        required_flags_(required_flags) {
    upper_ = prefix_;
    put_u64(upper_, ~Seq(0));
    upper_.push_back('\xff');
    lower_slice_ = rocksdb::Slice(prefix_);
    upper_slice_ = rocksdb::Slice(upper_);
    rocksdb::ReadOptions o;
    o.iterate_lower_bound = &lower_slice_;
    o.iterate_upper_bound = &upper_slice_;
    it_.reset(engine.db()->NewIterator(o, engine.family(family)));
  }

  // Positions at the first seq at or beyond `seq` in walk order; false when exhausted.
  bool seek(Seq seq) {
    std::string key = prefix_;
    put_u64(key, seq);
    if (ascending_) it_->Seek(key);
    else it_->SeekForPrev(key);
    return settle();
  }
  bool start() { return seek(ascending_ ? min_ : max_); }
  bool advance() {
    step();
    return settle();
  }
  Seq seq() const { return seq_suffix(it_->key().ToStringView()); }
  rocksdb::Slice value() const { return it_->value(); }
  rocksdb::Status status() const { return it_->status(); }

 private:
  void step() {
    if (ascending_) it_->Next();
    else it_->Prev();
  }
  bool in_range() const {
    if (!it_->Valid() || it_->key().size() != prefix_.size() + 8) return false;
    Seq s = seq();
    return s >= min_ && s <= max_;
  }
  bool settle() {
    while (in_range()) {
      if (required_flags_ == 0) return true;
      rocksdb::Slice v = it_->value();
      if (!v.empty() && (uint8_t(v[0]) & required_flags_) == required_flags_) return true;
      step();
    }
    return false;
  }
  std::string prefix_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  bool ascending_;
  Seq min_, max_;
  uint8_t required_flags_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

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
  if (!*found) return Error{500, "", "statement id index points at a missing statement"};
  auto json = record_json(bytes, &out.flags, &out.id);
  if (!json) return Error{500, "", "corrupt statement record"};
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
  const bool unfiltered = q.required.empty();
  if (unfiltered) {
    cursors.push_back(std::make_unique<SeqCursor>(engine_, Family::Statements,
                                                  store_prefix(q.store), q));
  } else {
    for (const Term& t : q.required)
      cursors.push_back(std::make_unique<SeqCursor>(engine_, Family::Index,
                                                    index_prefix(q.store, t), q, t.flags));
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
      if (unfiltered) c.record = cursors[0]->value().ToString();
      batch.push_back(std::move(c));
      live = cursors[0]->advance() && next_match();
    }
    if (!unfiltered) {
      std::vector<std::string> keys;
      keys.reserve(batch.size());
      for (const Candidate& c : batch) keys.push_back(statement_key(q.store, c.seq));
      std::vector<std::optional<std::string>> records;
      if (Status st = engine_.multi_get(Family::Statements, keys, records); !st) return st.error();
      for (size_t i = 0; i < batch.size(); i++) {
        if (!records[i]) return Error{500, "", "index points at a missing statement"};
        batch[i].record = std::move(records[i]);
      }
    }
    std::vector<StoredStatement> decoded(batch.size());
    std::vector<std::string> voided_keys;
    voided_keys.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); i++) {
      StoredStatement& s = decoded[i];
      s.seq = batch[i].seq;
      auto json = record_json(*batch[i].record, &s.flags, &s.id);
      if (!json) return Error{500, "", "corrupt statement record"};
      s.json.assign(*json);
      voided_keys.push_back(voided_key(q.store, s.id));
    }
    std::vector<std::optional<std::string>> voided;
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
    if (!c->status().ok()) return storage_error(c->status(), "query failed");
  return page;
}

}  // namespace scribe::storage
