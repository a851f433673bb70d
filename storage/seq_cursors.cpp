#include "storage/seq_cursors.h"

#include <algorithm>

namespace scribe::storage {

std::unique_ptr<rocksdb::Iterator> SeqCursor::bounded_iterator(const Engine& engine, Family family,
                                                               const std::string& prefix) {
  lower_ = prefix;
  upper_ = prefix;
  upper_.append(9, '\xff');  // past every prefix · seq(8) key
  lower_slice_ = rocksdb::Slice(lower_);
  upper_slice_ = rocksdb::Slice(upper_);
  rocksdb::ReadOptions o;
  o.iterate_lower_bound = &lower_slice_;
  o.iterate_upper_bound = &upper_slice_;
  return std::unique_ptr<rocksdb::Iterator>(engine.db()->NewIterator(o, engine.family(family)));
}

RecordCursor::RecordCursor(const Engine& engine, StoreId store, const SeqRange& range)
    : SeqCursor(range), prefix_(store_prefix(store)) {
  it_ = bounded_iterator(engine, Family::Statements, prefix_);
}

bool RecordCursor::seek(Seq seq) {
  const std::string key = statement_key(get_u32(prefix_), seq);
  if (range_.ascending) it_->Seek(key);
  else it_->SeekForPrev(key);
  return settle();
}

bool RecordCursor::advance() {
  if (range_.ascending) it_->Next();
  else it_->Prev();
  return settle();
}

bool RecordCursor::settle() {
  if (!it_->Valid() || it_->key().size() != prefix_.size() + 8) return false;
  const Seq s = seq();
  return s >= range_.min && s <= range_.max;
}

Status RecordCursor::status() const {
  if (!it_->status().ok()) return storage_error(it_->status(), "query failed");
  return Status::success();
}

PostingCursor::PostingCursor(const Engine& engine, StoreId store, const Term& term,
                             const SeqRange& range)
    : SeqCursor(range), store_(store), term_(term) {
  it_ = bounded_iterator(engine, Family::Index, index_prefix(store, term));
}

bool PostingCursor::load() {
  loaded_ = false;
  if (!it_->Valid()) return false;
  std::string_view key = it_->key().ToStringView();
  if (key.size() != 4 + 1 + 16 + 8) {
    corrupt_ = true;
    return false;
  }
  auto list = decode_postings(seq_suffix(key), it_->value().ToStringView());
  if (!list) {
    corrupt_ = true;
    return false;
  }
  list_ = std::move(*list);
  loaded_ = true;
  return true;
}

bool PostingCursor::position(Seq seq) {
  const bool inside = loaded_ && list_.front().seq <= seq && seq <= list_.back().seq;
  if (!inside) {
    // The list holding `seq`, if any, is the last one that starts at or before it.
    it_->SeekForPrev(index_key(store_, term_, seq));
    if (range_.ascending) {
      if (!it_->Valid()) it_->Seek(index_key(store_, term_, seq));
      if (!load()) return false;
      if (list_.back().seq < seq) {
        it_->Next();
        if (!load()) return false;
      }
    } else if (!load()) {
      return false;
    }
  }
  auto less = [](const Posting& p, Seq s) { return p.seq < s; };
  if (range_.ascending) {
    pos_ = size_t(std::lower_bound(list_.begin(), list_.end(), seq, less) - list_.begin());
  } else {
    auto after = std::upper_bound(list_.begin(), list_.end(), seq,
                                  [](Seq s, const Posting& p) { return s < p.seq; });
    pos_ = size_t(after - list_.begin()) - 1;  // the list starts at or before seq
  }
  return true;
}

bool PostingCursor::step() {
  if (range_.ascending) {
    if (++pos_ < list_.size()) return true;
    it_->Next();
    if (!load()) return false;
    pos_ = 0;
    return true;
  }
  if (pos_ > 0) {
    --pos_;
    return true;
  }
  it_->Prev();
  if (!load()) return false;
  pos_ = list_.size() - 1;
  return true;
}

bool PostingCursor::settle() {
  for (;;) {
    const Posting& p = list_[pos_];
    if (range_.ascending ? p.seq > range_.max : p.seq < range_.min) return false;
    if ((p.flags & term_.flags) == term_.flags) return true;
    if (!step()) return false;
  }
}

bool PostingCursor::seek(Seq seq) { return position(seq) && settle(); }

bool PostingCursor::advance() { return step() && settle(); }

Status PostingCursor::status() const {
  if (!it_->status().ok()) return storage_error(it_->status(), "query failed");
  if (corrupt_) return Error{500, "", "corrupt posting list in the index"};
  return Status::success();
}

}  // namespace scribe::storage
