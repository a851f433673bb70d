// Cursors that walk seqs in order, either direction, within [seq_min, seq_max]: over a store's
// statement records (an unfiltered query) or over one term's posting lists (a filtered one).
// The query's leapfrog join (storage/statement_reader.cpp) moves several of them together.
// Guarantees: seq() strictly advances in walk order; a false return means exhausted or failed,
// and status() then tells which (a corrupt list is a failure, never an empty result).
#pragma once

#include <rocksdb/iterator.h>

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/posting_list.h"
#include "storage/recent_postings.h"

namespace scribe::storage {

struct SeqRange {
  Seq min = 0;        // inclusive
  Seq max = ~Seq(0);  // inclusive
  bool ascending = false;
};

class SeqCursor {
 public:
  virtual ~SeqCursor() = default;
  // Positions at the first seq at or beyond `seq` in walk order; false when exhausted.
  virtual bool seek(Seq seq) = 0;
  virtual bool advance() = 0;
  virtual Seq seq() const = 0;
  virtual Status status() const = 0;
  bool start() { return seek(range_.ascending ? range_.min : range_.max); }

 protected:
  explicit SeqCursor(const SeqRange& range) : range_(range) {}
  const SeqRange range_;
  SeqKeyBounds bounds_;  // of the cursor's iterator (seq_key_iterator)
};

// The statement records of one store: seq() and record() of each in turn.
class RecordCursor final : public SeqCursor {
 public:
  RecordCursor(const Engine& engine, StoreId store, const SeqRange& range);
  bool seek(Seq seq) override;
  bool advance() override;
  Seq seq() const override { return seq_suffix(it_->key().ToStringView()); }
  Status status() const override;
  rocksdb::Slice record() const { return it_->value(); }

 private:
  bool settle();
  std::string prefix_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// The postings of one term that carry every flag of `required_flags`.
class PostingCursor final : public SeqCursor {
 public:
  PostingCursor(const Engine& engine, StoreId store, const Term& term, const SeqRange& range);
  bool seek(Seq seq) override;
  bool advance() override;
  Seq seq() const override { return list_[pos_].seq; }
  Status status() const override;

 private:
  bool load();            // decodes the list at the iterator; false when none or corrupt
  bool position(Seq seq);  // at the first posting at or beyond seq, ignoring range and flags
  bool step();
  bool settle();
  StoreId store_;
  Term term_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::vector<Posting> list_;
  size_t pos_ = 0;
  bool loaded_ = false;
  bool corrupt_ = false;
};

// The postings of one term in a RecentPostings snapshot (storage/recent_postings.h).
class RecentCursor final : public SeqCursor {
 public:
  RecentCursor(RecentPostings::Snapshot snapshot, const Term& term, const SeqRange& range);
  bool seek(Seq seq) override;
  bool advance() override;
  Seq seq() const override { return at().seq; }
  Status status() const override { return Status::success(); }

 private:
  const Posting& at() const { return snapshot_.runs[run_].chunk->postings[pos_]; }
  bool step();
  bool settle();
  RecentPostings::Snapshot snapshot_;
  uint8_t required_flags_;
  size_t run_ = 0, pos_ = 0;
};

// `first` then `second`, whose ranges follow each other in walk order (the postings RocksDB
// holds, and the newer ones still in memory).
class ConcatCursor final : public SeqCursor {
 public:
  ConcatCursor(std::unique_ptr<SeqCursor> first, std::unique_ptr<SeqCursor> second, const SeqRange& range);
  bool seek(Seq seq) override;
  bool advance() override;
  Seq seq() const override { return current()->seq(); }
  Status status() const override;

 private:
  SeqCursor* current() const { return on_second_ ? second_.get() : first_.get(); }
  std::unique_ptr<SeqCursor> first_, second_;
  bool on_second_ = false;
};

// The cursor for one term: RocksDB's lists up to the snapshot's flushed seq, then the recent
// postings past it (walked the other way round when descending). Without `recent`, RocksDB's.
std::unique_ptr<SeqCursor> term_cursor(const Engine& engine, const RecentPostings* recent,
                                       StoreId store, const Term& term, const SeqRange& range);

}  // namespace scribe::storage
