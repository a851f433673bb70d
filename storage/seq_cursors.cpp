#include "storage/seq_cursors.h"

#include <algorithm>

namespace scribe::storage {

RecordCursor::RecordCursor(const Engine& engine, StoreId store, const SeqRange& range)
    : SeqCursor(range), prefix_(store_prefix(store)) {
  it_ = seq_key_iterator(engine, Family::Statements, prefix_, bounds_);
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
  it_ = seq_key_iterator(engine, Family::Index, index_prefix(store, term), bounds_);
}

bool PostingCursor::load() {
  loaded_ = false;
  if (!it_->Valid()) return false;
  std::string_view key = it_->key().ToStringView();
  if (key.size() != 4 + 1 + 16 + 8) {
    corrupt_ = true;
    return false;
  }
  if (!decode_postings_into(seq_suffix(key), it_->value().ToStringView(), list_)) {
    corrupt_ = true;
    return false;
  }
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
  if (corrupt_) return fault(Code::corruption, "corrupt posting list in the index");
  return Status::success();
}

RecentCursor::RecentCursor(RecentPostings::Snapshot snapshot, const Term& term, const SeqRange& range)
    : SeqCursor(range), snapshot_(std::move(snapshot)), required_flags_(term.flags) {
  std::erase_if(snapshot_.runs, [](const RecentPostings::Run& r) { return r.size == 0; });
}

bool RecentCursor::seek(Seq seq) {
  const auto& runs = snapshot_.runs;
  auto less = [](const Posting& p, Seq s) { return p.seq < s; };
  if (range_.ascending) {
    // The first run whose last posting reaches seq, then the first posting there at or past it.
    run_ = 0;
    while (run_ < runs.size() && runs[run_].chunk->postings[runs[run_].size - 1].seq < seq) run_++;
    if (run_ == runs.size()) return false;
    const Posting* begin = runs[run_].chunk->postings.get();
    pos_ = size_t(std::lower_bound(begin, begin + runs[run_].size, seq, less) - begin);
  } else {
    // The last run whose first posting is at or before seq, then its last posting at or before.
    size_t r = runs.size();
    while (r > 0 && runs[r - 1].chunk->postings[0].seq > seq) r--;
    if (r == 0) return false;
    run_ = r - 1;
    const Posting* begin = runs[run_].chunk->postings.get();
    pos_ = size_t(std::upper_bound(begin, begin + runs[run_].size, seq,
                                   [](Seq s, const Posting& p) { return s < p.seq; }) - begin) - 1;
  }
  return settle();
}

bool RecentCursor::step() {
  const auto& runs = snapshot_.runs;
  if (range_.ascending) {
    if (++pos_ < runs[run_].size) return true;
    if (++run_ == runs.size()) return false;
    pos_ = 0;
    return true;
  }
  if (pos_ > 0) {
    --pos_;
    return true;
  }
  if (run_ == 0) return false;
  --run_;
  pos_ = runs[run_].size - 1;
  return true;
}

bool RecentCursor::settle() {
  for (;;) {
    const Posting& p = at();
    if (range_.ascending ? p.seq > range_.max : p.seq < range_.min) return false;
    if ((p.seq >= range_.min && p.seq <= range_.max) && (p.flags & required_flags_) == required_flags_) return true;
    if (!step()) return false;
  }
}

bool RecentCursor::advance() { return step() && settle(); }

ConcatCursor::ConcatCursor(std::unique_ptr<SeqCursor> first, std::unique_ptr<SeqCursor> second,
                           const SeqRange& range)
    : SeqCursor(range), first_(std::move(first)), second_(std::move(second)) {}

bool ConcatCursor::seek(Seq seq) {
  if (!on_second_) {
    if (first_->seek(seq)) return true;
    if (!first_->status().ok()) return false;
    on_second_ = true;
  }
  return second_->seek(seq);
}

bool ConcatCursor::advance() {
  if (!on_second_) {
    if (first_->advance()) return true;
    if (!first_->status().ok()) return false;
    on_second_ = true;
    return second_->start();
  }
  return second_->advance();
}

Status ConcatCursor::status() const {
  if (Status s = first_->status(); !s) return s;
  return second_->status();
}

std::unique_ptr<SeqCursor> term_cursor(const Engine& engine, const RecentPostings* recent,
                                       StoreId store, const Term& term, const SeqRange& range) {
  if (!recent) return std::make_unique<PostingCursor>(engine, store, term, range);
  RecentPostings::Snapshot snapshot = recent->snapshot(store, term);
  const Seq flushed = snapshot.flushed;
  // Take the snapshot before opening the RocksDB iterator: RocksDB already holds every posting
  // up to `flushed` then, and the snapshot everything past it.
  if (range.min > flushed)
    return std::make_unique<RecentCursor>(std::move(snapshot), term, range);
  SeqRange on_disk = range, in_memory = range;
  on_disk.max = std::min(range.max, flushed);
  in_memory.min = flushed + 1;
  auto disk = std::make_unique<PostingCursor>(engine, store, term, on_disk);
  if (range.max <= flushed || snapshot.runs.empty()) return disk;
  auto memory = std::make_unique<RecentCursor>(std::move(snapshot), term, in_memory);
  if (range.ascending) return std::make_unique<ConcatCursor>(std::move(disk), std::move(memory), range);
  return std::make_unique<ConcatCursor>(std::move(memory), std::move(disk), range);
}

}  // namespace scribe::storage
