#include "storage/statement_reader.h"
#include "storage/index_terms.h"
#include "storage/posting_list.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/term_hash.h"
#include "tests/support/temp_dir.h"

namespace scribe::storage {
namespace {

using test_support::TempDir;

const TermKey kKey{1};
Term verb(std::string_view iri) { return Term{IndexKind::Verb, hash_term(kKey, iri)}; }
Term act(std::string_view iri) { return Term{IndexKind::Activity, hash_term(kKey, iri)}; }

// A deterministic id per (store, seq).
Uuid id_for(StoreId store, Seq seq) {
  Uuid id{};
  for (int i = 0; i < 4; i++) id[i] = uint8_t(store >> (24 - 8 * i));
  for (int i = 0; i < 8; i++) id[8 + i] = uint8_t(seq >> (56 - 8 * i));
  return id;
}

// One engine serves the suite (opening RocksDB is the slow part). Each test works in stores of
// its own: store k of a test is base_ + k, so tests never see each other's data.
class StatementReaderTest : public ::testing::Test {
 protected:
  struct Shared {
    TempDir dir{"/tmp/scribe-reader"};
    std::unique_ptr<Engine> engine;
    StoreId next_base = 16;
  };
  static inline Shared* shared_ = nullptr;

  static void SetUpTestSuite() {
    shared_ = new Shared();
    auto e = Engine::open({shared_->dir.path(), 8 << 20, false});
    ASSERT_TRUE(e.ok()) << e.error().describe();
    shared_->engine = std::move(*e);
  }
  static void TearDownTestSuite() {
    if (shared_) shared_->engine.reset();
    delete shared_;
    shared_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(shared_, nullptr);
    ASSERT_NE(shared_->engine, nullptr);
    engine_ = shared_->engine.get();
    reader_ = std::make_unique<StatementReader>(*engine_);
    base_ = shared_->next_base;
    shared_->next_base += 16;
  }

  // The absolute store id of this test's store k.
  StoreId S(StoreId k) const { return base_ + k; }
  Uuid id(StoreId k, Seq seq) const { return id_for(S(k), seq); }

  // Writes a statement record and its index entries exactly as the committer lays them out.
  void put(Seq seq, std::vector<Term> terms, StoreId k = 1, uint8_t flags = 0) {
    const StoreId store = S(k);
    StatementRecord r;
    r.id = id_for(store, seq);
    r.flags = flags;
    r.terms = terms;
    r.json = "{\"id\":\"" + format_uuid(r.id) + "\",\"n\":" + std::to_string(seq) + "}";
    rocksdb::WriteBatch batch;
    std::string seq_value;
    put_u64(seq_value, seq);
    batch.Put(engine_->family(Family::Statements), statement_key(store, seq), encode_record(r));
    batch.Put(engine_->family(Family::StatementIds), statement_id_key(store, r.id), seq_value);
    for_each_index_term(terms, [&](const Term& t) {
      batch.Put(engine_->family(Family::Index), index_key(store, t, seq), encode_postings({{seq, t.flags}}));
    });
    ASSERT_TRUE(engine_->write_durable(batch).ok());
  }

  void mark_voided(Seq target_seq, Seq voiding_seq, StoreId k = 1) {
    const StoreId store = S(k);
    rocksdb::WriteBatch batch;
    std::string v;
    put_u64(v, voiding_seq);
    batch.Put(engine_->family(Family::Voided), voided_key(store, id_for(store, target_seq)), v);
    ASSERT_TRUE(engine_->write_durable(batch).ok());
  }

  StatementPage run(StatementQuery q) {
    auto page = reader_->query(q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().describe());
    return page.ok() ? std::move(*page) : StatementPage{};
  }

  static std::vector<Seq> seqs(const StatementPage& page) {
    std::vector<Seq> out;
    for (const auto& s : page.statements) out.push_back(s.seq);
    return out;
  }

  StatementQuery query(std::vector<Term> terms, bool ascending = false, uint32_t limit = 100,
                       StoreId k = 1) const {
    StatementQuery q;
    q.store = S(k);
    q.required = std::move(terms);
    q.ascending = ascending;
    q.limit = limit;
    return q;
  }

  Engine* engine_ = nullptr;
  std::unique_ptr<StatementReader> reader_;
  StoreId base_ = 0;
};

using Seqs = std::vector<Seq>;

TEST_F(StatementReaderTest, GetReturnsRecordJsonIdSeqAndFlags) {
  put(42, {verb("http://v")}, 1, StatementRecord::kTimestampFromStored);
  auto found = reader_->get(S(1), id(1, 42));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  const StoredStatement& s = **found;
  EXPECT_EQ(s.seq, 42u);
  EXPECT_EQ(s.id, id(1, 42));
  EXPECT_EQ(s.flags, StatementRecord::kTimestampFromStored);
  EXPECT_EQ(s.json, "{\"id\":\"" + format_uuid(id(1, 42)) + "\",\"n\":42}");
}

TEST_F(StatementReaderTest, GetOfAnUnknownIdIsEmpty) {
  put(42, {});
  auto found = reader_->get(S(1), id(1, 43));
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(StatementReaderTest, QueriesByOneTermInDescendingOrderByDefault) {
  put(10, {verb("http://a")});
  put(20, {verb("http://b")});
  put(30, {verb("http://a")});
  put(40, {verb("http://a"), act("http://x")});
  put(50, {verb("http://b")});
  StatementPage page = run(query({verb("http://a")}));
  EXPECT_EQ(seqs(page), (Seqs{40, 30, 10}));
  EXPECT_FALSE(page.more);
  EXPECT_EQ(page.statements[0].id, id(1, 40));
  EXPECT_EQ(page.statements[0].json, "{\"id\":\"" + format_uuid(id(1, 40)) + "\",\"n\":40}");
}

TEST_F(StatementReaderTest, QueriesInAscendingOrder) {
  put(10, {verb("http://a")});
  put(20, {verb("http://b")});
  put(30, {verb("http://a")});
  put(40, {verb("http://a")});
  EXPECT_EQ(seqs(run(query({verb("http://a")}, true))), (Seqs{10, 30, 40}));
}

TEST_F(StatementReaderTest, QueryWithoutTermsWalksEveryStatement) {
  put(10, {verb("http://a")});
  put(20, {});
  put(300, {verb("http://b")});
  EXPECT_EQ(seqs(run(query({}))), (Seqs{300, 20, 10}));
  EXPECT_EQ(seqs(run(query({}, true))), (Seqs{10, 20, 300}));
}

TEST_F(StatementReaderTest, QueryForAnUnusedTermIsEmpty) {
  put(10, {verb("http://a")});
  StatementPage page = run(query({verb("http://never")}));
  EXPECT_TRUE(page.statements.empty());
  EXPECT_FALSE(page.more);
}

TEST_F(StatementReaderTest, IntersectsTwoTermsByLeapfrogInBothDirections) {
  // A at 1,2,3,5,8,9,12; B at 2,4,5,7,9,11,13: both at 2,5,9.
  for (Seq s : {1, 3, 8, 12}) put(s, {verb("http://A")});
  for (Seq s : {4, 7, 11, 13}) put(s, {act("http://B")});
  for (Seq s : {2, 5, 9}) put(s, {verb("http://A"), act("http://B")});
  EXPECT_EQ(seqs(run(query({verb("http://A"), act("http://B")}, true))), (Seqs{2, 5, 9}));
  EXPECT_EQ(seqs(run(query({verb("http://A"), act("http://B")}, false))), (Seqs{9, 5, 2}));
  // Term order does not matter.
  EXPECT_EQ(seqs(run(query({act("http://B"), verb("http://A")}, true))), (Seqs{2, 5, 9}));
}

TEST_F(StatementReaderTest, IntersectsThreeTerms) {
  Term a = verb("http://A"), b = act("http://B"), c = Term{IndexKind::Registration, hash_term(kKey, "r")};
  put(1, {a, b});
  put(2, {a, b, c});
  put(3, {b, c});
  put(4, {a, c});
  put(5, {a, b, c});
  put(6, {a});
  EXPECT_EQ(seqs(run(query({a, b, c}, true))), (Seqs{2, 5}));
  EXPECT_EQ(seqs(run(query({c, b, a}, false))), (Seqs{5, 2}));
}

TEST_F(StatementReaderTest, IntersectionWithADisjointTermIsEmpty) {
  put(1, {verb("http://A")});
  put(2, {act("http://B")});
  put(3, {verb("http://A")});
  EXPECT_TRUE(run(query({verb("http://A"), act("http://B")}, true)).statements.empty());
  EXPECT_TRUE(run(query({verb("http://A"), act("http://B")}, false)).statements.empty());
}

TEST_F(StatementReaderTest, HonoursInclusiveSeqBounds) {
  for (Seq s : {10, 20, 30, 40, 50}) put(s, {verb("http://a")});
  StatementQuery q = query({verb("http://a")}, true);
  q.seq_min = 20;
  q.seq_max = 40;
  EXPECT_EQ(seqs(run(q)), (Seqs{20, 30, 40}));
  q.ascending = false;
  EXPECT_EQ(seqs(run(q)), (Seqs{40, 30, 20}));
  q.seq_min = 21;
  q.seq_max = 39;
  EXPECT_EQ(seqs(run(q)), (Seqs{30}));
  q.seq_min = 41;
  q.seq_max = 49;
  EXPECT_TRUE(run(q).statements.empty());
  // The same bounds apply to a scan without terms.
  StatementQuery all = query({}, true);
  all.seq_min = 20;
  all.seq_max = 40;
  EXPECT_EQ(seqs(run(all)), (Seqs{20, 30, 40}));
  all.ascending = false;
  EXPECT_EQ(seqs(run(all)), (Seqs{40, 30, 20}));
}

TEST_F(StatementReaderTest, BoundsApplyToIntersections) {
  for (Seq s : {10, 20, 30, 40, 50}) put(s, {verb("http://a"), act("http://b")});
  StatementQuery q = query({verb("http://a"), act("http://b")}, false);
  q.seq_min = 15;
  q.seq_max = 45;
  EXPECT_EQ(seqs(run(q)), (Seqs{40, 30, 20}));
}

TEST_F(StatementReaderTest, StopsAtLimitAndReportsMore) {
  for (Seq s : {10, 20, 30, 40, 50}) put(s, {verb("http://a")});
  StatementPage page = run(query({verb("http://a")}, false, 2));
  EXPECT_EQ(seqs(page), (Seqs{50, 40}));
  EXPECT_TRUE(page.more);

  // The next page continues below the last seq.
  StatementQuery next = query({verb("http://a")}, false, 2);
  next.seq_max = 39;
  page = run(next);
  EXPECT_EQ(seqs(page), (Seqs{30, 20}));
  EXPECT_TRUE(page.more);
  next.seq_max = 19;
  page = run(next);
  EXPECT_EQ(seqs(page), (Seqs{10}));
  EXPECT_FALSE(page.more);
}

TEST_F(StatementReaderTest, NoMoreWhenTheLimitExactlyCoversTheMatches) {
  for (Seq s : {10, 20, 30}) put(s, {verb("http://a")});
  StatementPage page = run(query({verb("http://a")}, true, 3));
  EXPECT_EQ(seqs(page), (Seqs{10, 20, 30}));
  EXPECT_FALSE(page.more);
  page = run(query({}, true, 3));
  EXPECT_EQ(page.statements.size(), 3u);
  EXPECT_FALSE(page.more);
}

TEST_F(StatementReaderTest, SkipsVoidedStatements) {
  for (Seq s : {10, 20, 30, 40}) put(s, {verb("http://a")});
  mark_voided(20, 40);
  mark_voided(30, 40);
  EXPECT_EQ(seqs(run(query({verb("http://a")}))), (Seqs{40, 10}));
  EXPECT_EQ(seqs(run(query({}, true))), (Seqs{10, 40}));
  EXPECT_TRUE(*reader_->is_voided(S(1), id(1, 20)));
  EXPECT_FALSE(*reader_->is_voided(S(1), id(1, 10)));
  // A voided statement is still found by id (GET ?voidedStatementId).
  auto found = reader_->get(S(1), id(1, 20));
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());
}

TEST_F(StatementReaderTest, VoidedStatementsDoNotCountTowardsTheLimit) {
  for (Seq s : {10, 20, 30, 40, 50}) put(s, {verb("http://a")});
  mark_voided(40, 99);
  mark_voided(30, 99);
  StatementPage page = run(query({verb("http://a")}, false, 2));
  EXPECT_EQ(seqs(page), (Seqs{50, 20}));
  EXPECT_TRUE(page.more);
}

TEST_F(StatementReaderTest, NoMoreWhenOnlyVoidedStatementsRemain) {
  for (Seq s : {10, 20, 30}) put(s, {verb("http://a")});
  mark_voided(10, 99);
  StatementPage page = run(query({verb("http://a")}, false, 2));
  EXPECT_EQ(seqs(page), (Seqs{30, 20}));
  EXPECT_FALSE(page.more);
}

TEST_F(StatementReaderTest, StoresNeverMix) {
  // Same seqs, same terms, in two stores (and a neighbour store 3 with larger seqs).
  for (Seq s : {10, 20, 30}) put(s, {verb("http://a")}, 1);
  for (Seq s : {10, 25, 30}) put(s, {verb("http://a")}, 2);
  put(5, {verb("http://a")}, 3);
  put(~Seq(0) - 1, {verb("http://a")}, 0);

  StatementPage one = run(query({verb("http://a")}, true, 100, 1));
  EXPECT_EQ(seqs(one), (Seqs{10, 20, 30}));
  for (const auto& s : one.statements) EXPECT_EQ(s.id, id(1, s.seq));

  StatementPage two = run(query({verb("http://a")}, false, 100, 2));
  EXPECT_EQ(seqs(two), (Seqs{30, 25, 10}));
  for (const auto& s : two.statements) EXPECT_EQ(s.id, id(2, s.seq));

  EXPECT_EQ(seqs(run(query({}, true, 100, 2))), (Seqs{10, 25, 30}));
  EXPECT_EQ(seqs(run(query({}, false, 100, 1))), (Seqs{30, 20, 10}));
  EXPECT_TRUE(run(query({}, false, 100, 4)).statements.empty());

  // By id: another store's statement is not found.
  auto cross = reader_->get(S(2), id(1, 20));
  ASSERT_TRUE(cross.ok());
  EXPECT_FALSE(cross->has_value());
  // Voiding in one store does not void in the other.
  mark_voided(10, 99, 1);
  EXPECT_EQ(seqs(run(query({verb("http://a")}, true, 100, 2))), (Seqs{10, 25, 30}));
  EXPECT_EQ(seqs(run(query({verb("http://a")}, true, 100, 1))), (Seqs{20, 30}));
}

TEST_F(StatementReaderTest, HandlesSeqsAtTheExtremesOfTheRange) {
  put(1, {verb("http://a")});
  put(~Seq(0) - 1, {verb("http://a")});
  put(~Seq(0), {verb("http://a")});
  EXPECT_EQ(seqs(run(query({verb("http://a")}, false))), (Seqs{~Seq(0), ~Seq(0) - 1, 1}));
  EXPECT_EQ(seqs(run(query({verb("http://a")}, true))), (Seqs{1, ~Seq(0) - 1, ~Seq(0)}));
  EXPECT_EQ(seqs(run(query({}, false))), (Seqs{~Seq(0), ~Seq(0) - 1, 1}));
}

TEST_F(StatementReaderTest, DirectFilterSkipsEntriesOfRelatedOnlyTerms) {
  Term direct = act("http://a");
  direct.flags = kTermDirect;
  Term related_only = act("http://a");  // e.g. only a context activity in statement 2
  put(1, {direct});
  put(2, {related_only});
  Term want_direct = act("http://a");
  want_direct.flags = kTermDirect;
  EXPECT_EQ(seqs(run(query({want_direct}))), (Seqs{1}));
  EXPECT_EQ(seqs(run(query({act("http://a")}))), (Seqs{2, 1}));
}

TEST_F(StatementReaderTest, ADirectAgentWithAVerbMatchesWhatTheirJoinWould) {
  Term agent{IndexKind::Agent, hash_term(kKey, "mailto:a@example.com"), kTermDirect};
  Term related_agent{IndexKind::Agent, hash_term(kKey, "mailto:a@example.com"), 0};
  Term other{IndexKind::Agent, hash_term(kKey, "mailto:b@example.com"), kTermDirect};
  put(1, {agent, verb("http://v")});
  put(2, {related_agent, verb("http://v")});  // a only in context: not for `agent`
  put(3, {agent, verb("http://w")});
  put(4, {other, verb("http://v")});
  put(5, {agent, other, verb("http://w"), verb("http://v")});  // e.g. through a StatementRef
  Term want = agent;
  EXPECT_EQ(seqs(run(query({want, verb("http://v")}))), (Seqs{5, 1}));
  EXPECT_EQ(seqs(run(query({verb("http://w"), want}, true))), (Seqs{3, 5}));
  Term any = related_agent;  // related_agents=true: the join of the two lists
  EXPECT_EQ(seqs(run(query({any, verb("http://v")}))), (Seqs{5, 2, 1}));
  // With a third term the pair is joined with it.
  put(6, {agent, verb("http://v"), act("http://x")});
  EXPECT_EQ(seqs(run(query({want, verb("http://v"), act("http://x")}))), (Seqs{6}));
}

TEST_F(StatementReaderTest, AgentAndVerbAreReadFromTheirPairList) {
  Term agent{IndexKind::Agent, hash_term(kKey, "mailto:a@example.com"), kTermDirect};
  const StoreId store = S(1);
  put(1, {agent, verb("http://v")});
  // Without the pair's list the statement is no longer found by agent and verb together,
  // though each of the two lists still has it.
  rocksdb::WriteBatch batch;
  batch.Delete(engine_->family(Family::Index), index_key(store, agent_verb_term(agent, verb("http://v")), 1));
  ASSERT_TRUE(engine_->write_durable(batch).ok());
  EXPECT_EQ(seqs(run(query({agent}))), (Seqs{1}));
  EXPECT_EQ(seqs(run(query({verb("http://v")}))), (Seqs{1}));
  EXPECT_EQ(seqs(run(query({agent, verb("http://v")}))), (Seqs{}));
}

}  // namespace
}  // namespace scribe::storage
