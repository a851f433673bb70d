// The indexer: postings found at once through the recent postings, then written as one posting
// list per term, bounded lists, back-fills merged into the list that spans them, progress
// persisted with the lists, and a rebuild after a crash from the statement records and reindex
// markers that finds exactly what an uninterrupted index finds; an erasure's changes (postings
// removed or given fewer flags) applied after what was queued, in RocksDB and recent postings.
#include "storage/indexer.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "storage/index_removal.h"
#include "storage/posting_list.h"
#include "storage/seq_cursors.h"
#include "tests/support/temp_dir.h"

namespace scribe::storage {
namespace {

using namespace std::chrono_literals;
using test_support::TempDir;

Term term(IndexKind kind, uint8_t tag, uint8_t flags = 0) { return Term{kind, TermHash{tag}, flags}; }
const Term kVerb = term(IndexKind::Verb, 1);
const Term kAgent = term(IndexKind::Agent, 2, kTermDirect);
const Term kOther = term(IndexKind::Activity, 3);

class IndexerTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    indexer_.reset();
    engine_.reset();
    auto e = Engine::open({dir_.path(), 8 << 20, false});
    ASSERT_TRUE(e.ok()) << e.error().describe();
    engine_ = std::move(*e);
  }

  // A statement record as the committer writes it (the index comes from the indexer).
  void put_record(StoreId store, Seq seq, std::vector<Term> terms) {
    StatementRecord r;
    r.id[0] = uint8_t(store);
    for (int i = 0; i < 8; i++) r.id[8 + i] = uint8_t(seq >> (56 - 8 * i));
    r.terms = std::move(terms);
    r.json = "{}";
    rocksdb::WriteBatch batch;
    batch.Put(engine_->family(Family::Statements), statement_key(store, seq), encode_record(r));
    ASSERT_TRUE(engine_->write_durable(batch).ok());
  }

  static std::vector<IndexEntry> entries(StoreId store, Seq seq, const std::vector<Term>& terms) {
    std::vector<IndexEntry> out;
    for (const Term& t : terms) out.push_back(IndexEntry{store, t, seq});
    return out;
  }

  // What a query finds through the index, newest first.
  std::vector<Seq> query(StoreId store, Term t, SeqRange range = {}) {
    auto cursor = term_cursor(*engine_, indexer_ ? &indexer_->recent() : nullptr, store, t, range);
    std::vector<Seq> out;
    for (bool live = cursor->start(); live && out.size() < 100000; live = cursor->advance()) out.push_back(cursor->seq());
    EXPECT_TRUE(cursor->status().ok()) << cursor->status().error().describe();
    return out;
  }

  // Stops the indexer, which writes its recent postings to RocksDB.
  void stop_indexer() { indexer_.reset(); }

  // The first seqs of the term's lists, and their sizes.
  std::vector<std::pair<Seq, size_t>> lists(StoreId store, const Term& t) {
    std::vector<std::pair<Seq, size_t>> out;
    const std::string prefix = index_prefix(store, t);
    std::unique_ptr<rocksdb::Iterator> it(engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->family(Family::Index)));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      auto list = decode_postings(seq_suffix(it->key().ToStringView()), it->value().ToStringView());
      EXPECT_TRUE(list.has_value());
      out.emplace_back(seq_suffix(it->key().ToStringView()), list ? list->size() : 0);
    }
    return out;
  }

  Seq persisted_progress() {
    std::string v;
    auto found = engine_->get(Family::Index, kIndexProgressKey, &v);
    return found.ok() && *found && v.size() == 8 ? get_u64(v) : 0;
  }

  TempDir dir_{"/tmp/scribe-indexer"};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Indexer> indexer_;
};

TEST_F(IndexerTest, PostingsAreFoundAtOnceThenWrittenAsOneListPerTerm) {
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  for (Seq first = 10; first < 110; first += 20) {  // five submissions, as five commit groups
    std::vector<IndexEntry> group;
    for (Seq s = first; s < first + 20; s++) {
      auto e = entries(1, s, {kVerb, s % 2 ? kAgent : kOther});
      group.insert(group.end(), e.begin(), e.end());
    }
    indexer_->submit(std::move(group), first + 19);
  }
  ASSERT_TRUE(indexer_->wait_for(109, 10s));
  EXPECT_EQ(indexer_->indexed_seq(), 109u);
  EXPECT_EQ(query(1, kAgent).size(), 50u);
  EXPECT_EQ(query(1, kVerb).front(), 109u);
  EXPECT_EQ(query(1, kVerb, SeqRange{50, 60, true}), (std::vector<Seq>{50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60}));
  stop_indexer();
  EXPECT_EQ(lists(1, kVerb), (std::vector<std::pair<Seq, size_t>>{{10, 100}}));
  EXPECT_EQ(lists(1, kAgent), (std::vector<std::pair<Seq, size_t>>{{11, 50}}));
  EXPECT_EQ(persisted_progress(), 109u);
  EXPECT_EQ(query(1, kVerb).size(), 100u);
}

TEST_F(IndexerTest, RecentPostingsAreWrittenWhenTheyAgeWhileIdle) {
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  indexer_->submit({{1, kVerb, 10}}, 10);
  ASSERT_TRUE(indexer_->wait_for(10, 10s));
  for (int i = 0; i < 100 && persisted_progress() < 10; i++) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(persisted_progress(), 10u);
  EXPECT_EQ(lists(1, kVerb), (std::vector<std::pair<Seq, size_t>>{{10, 1}}));
  EXPECT_EQ(query(1, kVerb), (std::vector<Seq>{10}));
}

TEST_F(IndexerTest, QueriesSpanRocksDBAndRecentPostingsInBothDirections) {
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  indexer_->submit({{1, kVerb, 10}, {1, kVerb, 20}}, 20);
  ASSERT_TRUE(indexer_->wait_for(20, 10s));
  stop_indexer();  // 10 and 20 now in RocksDB
  indexer_ = std::make_unique<Indexer>(*engine_, 20);
  indexer_->submit({{1, kVerb, 30}, {1, kVerb, 40}}, 40);
  ASSERT_TRUE(indexer_->wait_for(40, 10s));
  EXPECT_EQ(query(1, kVerb), (std::vector<Seq>{40, 30, 20, 10}));
  EXPECT_EQ(query(1, kVerb, SeqRange{0, ~Seq(0), true}), (std::vector<Seq>{10, 20, 30, 40}));
  EXPECT_EQ(query(1, kVerb, SeqRange{15, 35, false}), (std::vector<Seq>{30, 20}));
  EXPECT_EQ(query(1, kVerb, SeqRange{25, 100, true}), (std::vector<Seq>{30, 40}));
  EXPECT_EQ(query(1, kVerb, SeqRange{0, 20, false}), (std::vector<Seq>{20, 10}));
}

TEST_F(IndexerTest, LongRunsAreCutIntoBoundedLists) {
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  std::vector<IndexEntry> all;
  for (Seq s = 1; s <= 2 * kPostingEntriesMax + 10; s++) all.push_back(IndexEntry{1, kVerb, s});
  indexer_->submit(std::move(all), 5000);
  ASSERT_TRUE(indexer_->wait_for(5000, 10s));
  stop_indexer();
  auto got = lists(1, kVerb);
  ASSERT_EQ(got.size(), 3u);
  for (auto& [first, size] : got) EXPECT_LE(size, kPostingEntriesMax);
  EXPECT_EQ(query(1, kVerb).size(), 2 * kPostingEntriesMax + 10);
}

TEST_F(IndexerTest, ABackfillJoinsTheListThatSpansItOrStartsItsOwn) {
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  indexer_->submit({{1, kVerb, 10}, {1, kVerb, 20}, {1, kVerb, 30}}, 30);
  ASSERT_TRUE(indexer_->wait_for(30, 10s));
  // Referrers 25 (inside the list) and 5 (before every list) gain the verb; 40 is new.
  indexer_->submit({{1, kVerb, 40}, {1, kVerb, 25}, {1, kVerb, 5}}, 40);
  ASSERT_TRUE(indexer_->wait_for(40, 10s));
  EXPECT_EQ(query(1, kVerb), (std::vector<Seq>{40, 30, 25, 20, 10, 5}));
  stop_indexer();
  EXPECT_EQ(lists(1, kVerb), (std::vector<std::pair<Seq, size_t>>{{5, 1}, {10, 4}, {40, 1}}));
  EXPECT_EQ(query(1, kVerb), (std::vector<Seq>{40, 30, 25, 20, 10, 5}));
}

TEST_F(IndexerTest, ABackfillCanAddTheDirectFlagToAnEntry) {
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  Term related = kAgent;
  related.flags = 0;
  indexer_->submit({{1, related, 10}, {1, related, 20}}, 20);
  ASSERT_TRUE(indexer_->wait_for(20, 10s));
  EXPECT_TRUE(query(1, kAgent).empty());
  indexer_->submit({{1, kAgent, 10}}, 21);
  ASSERT_TRUE(indexer_->wait_for(21, 10s));
  EXPECT_EQ(query(1, kAgent), (std::vector<Seq>{10}));
  EXPECT_EQ(query(1, related), (std::vector<Seq>{20, 10}));
}

TEST_F(IndexerTest, WaitingForASeqNotYetIndexedTimesOut) {
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  EXPECT_FALSE(indexer_->wait_for(99, 20ms));
  EXPECT_TRUE(indexer_->wait_for(0, 0ms));
}

TEST_F(IndexerTest, RebuildsTheListsACrashLostFromTheRecords) {
  // Two stores; the index persisted lists up to seq 40 only, as after a crash.
  for (Seq s = 10; s <= 40; s += 10) put_record(1, s, {kVerb});
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  indexer_->submit({{1, kVerb, 10}, {1, kVerb, 20}, {1, kVerb, 30}, {1, kVerb, 40}}, 40);
  ASSERT_TRUE(indexer_->wait_for(40, 10s));
  indexer_.reset();
  ASSERT_EQ(persisted_progress(), 40u);
  for (Seq s = 41; s <= 30000; s += 3) put_record(1 + s % 2, s, {kVerb, kOther});
  size_t want1 = 4, want2 = 0;
  for (Seq s = 41; s <= 30000; s += 3) (s % 2 ? want2 : want1)++;
  indexer_ = std::make_unique<Indexer>(*engine_, 30000);
  // The first moment the index says it reaches 30000, queries find everything (nothing of a
  // half-done rebuild is ever published).
  bool reached = false;
  for (int i = 0; i < 200000 && !reached; i++) reached = indexer_->wait_for(30000, 0ms);
  if (!reached) reached = indexer_->wait_for(30000, 20s);
  ASSERT_TRUE(reached);
  EXPECT_EQ(query(1, kVerb).size(), want1);
  EXPECT_EQ(persisted_progress(), 30000u);
  auto store1 = query(1, kVerb), store2 = query(2, kVerb);
  EXPECT_EQ(store1.size(), want1);
  EXPECT_EQ(store2.size(), want2);
  EXPECT_EQ(query(2, kOther).size(), want2);
  // Lists stayed disjoint: each starts past the end of the one before.
  Seq previous_first = 0;
  for (auto& [first, size] : lists(1, kVerb)) {
    EXPECT_GT(first, previous_first);
    previous_first = first;
  }
}

TEST_F(IndexerTest, RebuildRedoesBackfillsFromTheirMarkers) {
  put_record(1, 10, {kVerb});
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  indexer_->submit({{1, kVerb, 10}}, 10);
  ASSERT_TRUE(indexer_->wait_for(10, 10s));
  indexer_.reset();
  // Then statement 20 arrived and referrer 10 inherited kOther; the crash lost the index part.
  put_record(1, 10, {kVerb, kOther});
  put_record(1, 20, {kOther});
  std::string referrers;
  put_u64(referrers, 10);
  rocksdb::WriteBatch marker;
  marker.Put(engine_->family(Family::Meta), reindex_marker_key(1, 20), referrers);
  marker.Put(engine_->family(Family::Meta), reindex_marker_key(1, 5), referrers);  // covered
  ASSERT_TRUE(engine_->write_durable(marker).ok());
  indexer_ = std::make_unique<Indexer>(*engine_, 20);
  ASSERT_TRUE(indexer_->wait_for(20, 10s));
  EXPECT_EQ(query(1, kOther), (std::vector<Seq>{20, 10}));
  std::string v;
  EXPECT_FALSE(*engine_->get(Family::Meta, reindex_marker_key(1, 5), &v)) << "a covered marker is dropped";
}

TEST_F(IndexerTest, NothingIsRebuiltWhenTheProgressCoversEveryRecord) {
  put_record(1, 10, {kVerb});
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  indexer_->submit({{1, kVerb, 10}}, 10);
  ASSERT_TRUE(indexer_->wait_for(10, 10s));
  reopen();
  indexer_ = std::make_unique<Indexer>(*engine_, 10);
  ASSERT_TRUE(indexer_->wait_for(10, 10s));
  EXPECT_EQ(lists(1, kVerb), (std::vector<std::pair<Seq, size_t>>{{10, 1}}));
}

TEST_F(IndexerTest, ChangesTakePostingsOutOfListsAndRecentPostings) {
  indexer_ = std::make_unique<Indexer>(*engine_, 0);
  std::vector<IndexEntry> group;
  for (Seq s = 10; s <= 1100; s++) group.push_back({1, kVerb, s});
  group.push_back({1, kAgent, 11});
  indexer_->submit(std::move(group), 1100);
  ASSERT_TRUE(indexer_->wait_for(1100, 10s));
  stop_indexer();
  ASSERT_EQ(lists(1, kVerb), (std::vector<std::pair<Seq, size_t>>{{10, 512}, {522, 512}, {1034, 67}}));
  indexer_ = std::make_unique<Indexer>(*engine_, 1100);
  indexer_->submit({{1, kVerb, 1200}}, 1200);  // recent only, until the changes need it written

  Term plain_agent = kAgent;
  plain_agent.flags = 0;
  std::vector<PostingChange> changes{
      {{1, kVerb, 10}, true},          // a list's first posting: the list moves to 11
      {{1, kVerb, 600}, true},         // one in the middle of a list
      {{1, kVerb, 600}, true},         // twice: once is enough
      {{1, kVerb, 1200}, true},        // a recent posting
      {{1, kVerb, 5000}, true},        // none: past every list
      {{1, plain_agent, 11}, false},   // kept, without kTermDirect
      {{1, kOther, 11}, true},         // a term without lists
  };
  for (Seq s = 1034; s <= 1100; s++) changes.push_back({{1, kVerb, s}, true});  // a whole list
  std::string encoded;
  append_posting_changes(encoded, changes);
  auto decoded = decode_posting_changes(1, encoded);
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), changes.size());
  EXPECT_EQ((*decoded)[5].entry.term, plain_agent);
  EXPECT_FALSE((*decoded)[5].remove);
  EXPECT_FALSE(decode_posting_changes(1, encoded.substr(1)).has_value());
  ASSERT_TRUE(indexer_->apply(std::move(*decoded)).ok());

  EXPECT_EQ(lists(1, kVerb), (std::vector<std::pair<Seq, size_t>>{{11, 511}, {522, 511}}));
  const std::vector<Seq> verb = query(1, kVerb);
  EXPECT_EQ(verb.size(), 1022u);
  EXPECT_EQ(verb.front(), 1033u);
  EXPECT_EQ(verb.back(), 11u);
  EXPECT_EQ(std::count(verb.begin(), verb.end(), 600), 0);
  EXPECT_EQ(query(1, kAgent), std::vector<Seq>{});         // no longer direct
  EXPECT_EQ(query(1, plain_agent), std::vector<Seq>{11});  // still related
  // Applied again (an erasure resumed after a crash): nothing changes.
  ASSERT_TRUE(apply_posting_changes(*engine_, changes).ok());
  EXPECT_EQ(lists(1, kVerb), (std::vector<std::pair<Seq, size_t>>{{11, 511}, {522, 511}}));
}

}  // namespace
}  // namespace scribe::storage
