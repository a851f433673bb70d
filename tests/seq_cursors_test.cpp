// PostingCursor over a term's posting lists, however the lists are cut: every walk, seek and
// bound gives exactly what a plain sorted list of the term's postings gives.
#include "storage/seq_cursors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "storage/posting_list.h"
#include "tests/support/temp_dir.h"

namespace scribe::storage {
namespace {

using test_support::TempDir;

class SeqCursorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::open({dir_.path(), 8 << 20, false});
    ASSERT_TRUE(e.ok()) << e.error().describe();
    engine_ = std::move(*e);
  }

  // Writes `postings` (sorted) as consecutive lists whose sizes are drawn from `rng`.
  void write_lists(StoreId store, const Term& term, const std::vector<Posting>& postings, std::mt19937_64& rng) {
    rocksdb::WriteBatch batch;
    for (size_t i = 0; i < postings.size();) {
      const size_t n = std::min(postings.size() - i, size_t(1 + rng() % 40));
      std::vector<Posting> list(postings.begin() + i, postings.begin() + i + n);
      batch.Put(engine_->family(Family::Index), index_key(store, term, list[0].seq), encode_postings(list));
      i += n;
    }
    ASSERT_TRUE(engine_->write_durable(batch).ok());
  }

  std::vector<Seq> walk(StoreId store, const Term& term, const SeqRange& range) {
    PostingCursor c(*engine_, store, term, range);
    std::vector<Seq> out;
    for (bool live = c.start(); live && out.size() < 100000; live = c.advance()) out.push_back(c.seq());
    EXPECT_TRUE(c.status().ok());
    return out;
  }

  TempDir dir_{"/tmp/scribe-cursors"};
  std::unique_ptr<Engine> engine_;
};

std::vector<Seq> expected(const std::vector<Posting>& all, const SeqRange& r, uint8_t flags) {
  std::vector<Seq> out;
  for (const Posting& p : all)
    if (p.seq >= r.min && p.seq <= r.max && (p.flags & flags) == flags) out.push_back(p.seq);
  if (!r.ascending) std::reverse(out.begin(), out.end());
  return out;
}

TEST_F(SeqCursorsTest, WalksEveryRangeInBothDirectionsWhateverTheListCuts) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20; round++) {
    Term term{IndexKind::Verb, TermHash{uint8_t(round + 1)}, 0};
    std::vector<Posting> all;
    Seq seq = 1000;
    for (int i = 0; i < 300; i++) {
      seq += 1 + rng() % 50;
      all.push_back(Posting{seq, uint8_t(rng() & 1)});
    }
    write_lists(1, term, all, rng);
    // A neighbouring term of the same store must never leak in.
    Term neighbour{IndexKind::Verb, TermHash{uint8_t(round + 1), 1}, 0};
    write_lists(1, neighbour, {{all[5].seq + 1, 1}}, rng);
    for (int q = 0; q < 40; q++) {
      SeqRange r;
      r.min = all.front().seq - 20 + rng() % (seq - all.front().seq + 40);
      r.max = r.min + rng() % 5000;
      r.ascending = rng() & 1;
      for (uint8_t flags : {uint8_t(0), kTermDirect}) {
        Term want = term;
        want.flags = flags;
        EXPECT_EQ(walk(1, want, r), expected(all, r, flags)) << "round " << round << " query " << q;
      }
    }
  }
}

TEST_F(SeqCursorsTest, SeekLandsOnTheFirstPostingAtOrBeyondTheTarget) {
  std::mt19937_64 rng(5);
  Term term{IndexKind::Agent, TermHash{9}, 0};
  std::vector<Posting> all;
  for (Seq s = 100; s < 3000; s += 7) all.push_back(Posting{s, 0});
  write_lists(2, term, all, rng);
  for (bool ascending : {true, false}) {
    PostingCursor c(*engine_, 2, term, SeqRange{0, ~Seq(0), ascending});
    Seq target = ascending ? 0 : 4000;
    for (int i = 0; i < 200; i++) {
      target = ascending ? target + rng() % 60 : target - std::min<Seq>(target, rng() % 60);
      const bool live = c.seek(target);
      auto it = ascending ? std::find_if(all.begin(), all.end(), [&](const Posting& p) { return p.seq >= target; })
                          : std::find_if(all.rbegin(), all.rend(), [&](const Posting& p) { return p.seq <= target; }).base();
      if (ascending) {
        ASSERT_EQ(live, it != all.end());
        if (live) {
          EXPECT_EQ(c.seq(), it->seq);
        }
      } else {
        ASSERT_EQ(live, it != all.begin());
        if (live) {
          EXPECT_EQ(c.seq(), std::prev(it)->seq);
        }
      }
      if (!live) break;
    }
  }
}

TEST_F(SeqCursorsTest, TermCursorJoinsRocksDBListsAndRecentPostingsExactly) {
  std::mt19937_64 rng(23);
  for (int round = 0; round < 20; round++) {
    const StoreId store = 10 + round;
    Term term{IndexKind::Activity, TermHash{uint8_t(round + 1)}, 0};
    std::vector<Posting> all;
    Seq seq = 100;
    for (int i = 0; i < 200; i++) {
      seq += 1 + rng() % 30;
      all.push_back(Posting{seq, uint8_t(rng() & 1)});
    }
    // RocksDB holds the postings up to `flushed` (any may be first or last), memory the rest.
    const size_t cut = rng() % (all.size() + 1);
    const Seq flushed = cut == 0 ? 50 : all[cut - 1].seq + rng() % 2;
    write_lists(store, term, std::vector<Posting>(all.begin(), all.begin() + cut), rng);
    RecentPostings recent;
    recent.flushed_through(flushed);
    for (size_t i = cut; i < all.size(); i++) recent.add(store, Term{term.kind, term.hash, all[i].flags}, all[i].seq);
    for (int q = 0; q < 30; q++) {
      SeqRange r;
      r.min = 80 + rng() % (seq - 60);
      r.max = r.min + rng() % 3000;
      r.ascending = rng() & 1;
      for (uint8_t flags : {uint8_t(0), kTermDirect}) {
        Term want = term;
        want.flags = flags;
        auto cursor = term_cursor(*engine_, &recent, store, want, r);
        std::vector<Seq> got;
        for (bool live = cursor->start(); live && got.size() < 1000; live = cursor->advance()) got.push_back(cursor->seq());
        EXPECT_TRUE(cursor->status().ok());
        EXPECT_EQ(got, expected(all, r, flags)) << "round " << round << " query " << q << " cut " << cut;
      }
    }
  }
}

TEST_F(SeqCursorsTest, ASnapshotOfRecentPostingsOutlivesLaterAddsAndFlushes) {
  RecentPostings recent;
  Term term{IndexKind::Verb, TermHash{0x55}, 0};
  for (Seq s = 1; s <= 100; s++) recent.add(1, term, s);
  auto snapshot = recent.snapshot(1, term);
  for (Seq s = 101; s <= 5000; s++) recent.add(1, term, s);  // new chunks
  recent.flushed_through(5000);                              // and the map dropped
  RecentCursor cursor(std::move(snapshot), term, SeqRange{});
  size_t n = 0;
  Seq expect = 100;
  for (bool live = cursor.start(); live; live = cursor.advance(), n++) EXPECT_EQ(cursor.seq(), expect--);
  EXPECT_EQ(n, 100u);
  EXPECT_TRUE(recent.snapshot(1, term).runs.empty());
  EXPECT_EQ(recent.snapshot(1, term).flushed, 5000u);
}

TEST_F(SeqCursorsTest, ASealedGenerationStaysVisibleUntilItIsDropped) {
  RecentPostings recent;
  Term term{IndexKind::Agent, TermHash{0x77}, 0};
  for (Seq s = 1; s <= 300; s++) recent.add(1, term, s);
  recent.seal(300);  // what the flusher writes
  EXPECT_TRUE(recent.sealed());
  EXPECT_EQ(recent.postings(), 0u) << "appends go to a new generation";
  for (Seq s = 301; s <= 350; s++) recent.add(1, term, s);
  auto all = recent.snapshot(1, term);
  EXPECT_EQ(all.flushed, 0u);
  size_t sealed_count = 0;
  recent.for_each_sealed([&](StoreId, const Term&, const std::vector<Posting>& p) { sealed_count += p.size(); });
  EXPECT_EQ(sealed_count, 300u) << "the flusher sees the sealed generation only";
  recent.drop_sealed();
  auto newer = recent.snapshot(1, term);
  EXPECT_EQ(newer.flushed, 300u);
  for (const auto& [snapshot, first, count] : {std::tuple{&all, Seq(1), size_t(350)}, std::tuple{&newer, Seq(301), size_t(50)}}) {
    RecentCursor cursor(*snapshot, term, SeqRange{0, ~Seq(0), true});
    size_t n = 0;
    for (bool live = cursor.start(); live; live = cursor.advance(), n++) EXPECT_EQ(cursor.seq(), first + n);
    EXPECT_EQ(n, count) << "sealed then active, in seq order; the older snapshot outlives the drop";
  }
}

TEST_F(SeqCursorsTest, ACorruptListIsAFailureNotAnEmptyResult) {
  Term term{IndexKind::Verb, TermHash{0x42}, 0};
  rocksdb::WriteBatch batch;
  batch.Put(engine_->family(Family::Index), index_key(3, term, 50), "\x01\x02\x00");
  ASSERT_TRUE(engine_->write_durable(batch).ok());
  PostingCursor c(*engine_, 3, term, SeqRange{});
  EXPECT_FALSE(c.start());
  EXPECT_FALSE(c.status().ok());
}

TEST_F(SeqCursorsTest, RecordCursorWalksOneStoreWithinBounds) {
  rocksdb::WriteBatch batch;
  for (StoreId store : {4u, 5u, 6u})
    for (Seq s : {10, 20, 30}) batch.Put(engine_->family(Family::Statements), statement_key(store, s), "r");
  ASSERT_TRUE(engine_->write_durable(batch).ok());
  for (bool ascending : {true, false}) {
    RecordCursor c(*engine_, 5, SeqRange{15, 30, ascending});
    std::vector<Seq> seen;
    for (bool live = c.start(); live && seen.size() < 10; live = c.advance()) seen.push_back(c.seq());
    EXPECT_EQ(seen, (ascending ? std::vector<Seq>{20, 30} : std::vector<Seq>{30, 20}));
  }
}

}  // namespace
}  // namespace scribe::storage
