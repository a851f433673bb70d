#include "storage/commit_pipeline.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "storage/engine.h"
#include "storage/statement_reader.h"
#include "tests/support/temp_dir.h"
#include "xapi/statement_prepare.h"
#include "xapi/statement_terms.h"

namespace scribe::storage {
namespace {

const char* kVoided = "http://adlnet.gov/expapi/verbs/voided";

using test_support::TempDir;

json::Value authority(const std::string& name = "tester") {
  auto v = json::parse(R"({"objectType":"Agent","account":{"homePage":"http://lrs.example.com","name":")" +
                       name + R"("}})");
  return *v;
}

std::string statement_text(const std::string& id, const std::string& verb,
                           const std::string& object_json, const std::string& actor = "a") {
  return R"({"id":")" + id + R"(","actor":{"mbox":"mailto:)" + actor +
         R"(@example.com"},"verb":{"id":")" + verb + R"("},"object":)" + object_json + "}";
}

std::string activity(const std::string& iri) { return R"({"id":")" + iri + R"("})"; }
std::string statement_ref(const std::string& id) {
  return R"({"objectType":"StatementRef","id":")" + id + R"("})";
}

// The term-hash key of the store these tests write to.
constexpr TermKey kTermKey{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

PreparedStatement prepare(const std::string& text, const std::string& authority_name = "tester") {
  auto v = json::Document::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  auto p = xapi::prepare_statement(v->root(), xapi::Version::V2_0_0,
                                   xapi::StatementWriter{authority(authority_name), kTermKey, true}, "");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().describe());
  return std::move(*p);
}

Uuid uuid(const std::string& text) { return *parse_uuid(text); }

// Ids that differ only in the last digits, for readable tests.
std::string id_n(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

// Holds the committer thread itself, inside the duplicate-id comparison of a re-sent statement,
// so that later submissions pile up in the queue and are drained together as one group.
// (Holding a `done` callback would not do: replies run on the syncer thread.)
class CommitterGate {
 public:
  std::function<void()> hook() {
    return [this] {
      entered_.set_value();
      release_future_.wait();
    };
  }
  void wait_entered() { entered_.get_future().wait(); }
  void release() { release_.set_value(); }

 private:
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> release_future_ = release_.get_future().share();
};

class CommitPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { open(65536); }
  void TearDown() override {
    pipeline_.reset();
    reader_.reset();
    engine_.reset();
  }

  void open(uint32_t queue_max) {
    auto e = Engine::open({dir_.path(), 8 << 20, false});
    ASSERT_TRUE(e.ok()) << e.error().describe();
    engine_ = std::move(*e);
    auto same = [this](std::string_view stored, const PreparedStatement& p) {
      if (auto hold = std::exchange(committer_hold_, nullptr)) hold();
      return xapi::same_statement(stored, p);
    };
    // As the server runs it: records keep only inherited terms, own ones are recomputed.
    auto own_terms = [](StoreId, std::string_view json) { return xapi::stored_statement_terms(kTermKey, json); };
    pipeline_ = std::make_unique<CommitPipeline>(*engine_, same, queue_max, nullptr, own_terms, EvidenceOptions{},
                                                 backfill_referrers_max_);
    reader_ = std::make_unique<StatementReader>(*engine_, &pipeline_->recent_postings());
  }

  void reopen(uint32_t queue_max = 65536) {
    pipeline_.reset();
    reader_.reset();
    engine_.reset();
    open(queue_max);
  }

  WriteOutcome submit(std::vector<PreparedStatement> statements, StoreId store = 1) {
    auto promise = std::make_shared<std::promise<WriteOutcome>>();
    auto future = promise->get_future();
    WriteRequest r;
    r.store = store;
    r.statements = std::move(statements);
    r.done = [promise](WriteOutcome o) { promise->set_value(std::move(o)); };
    EXPECT_TRUE(pipeline_->submit(std::move(r)));
    return future.get();
  }

  // Stores `text`, then re-sends it with `gate` armed: the committer stops in the comparison.
  void hold_committer(CommitterGate& gate, const std::string& text) {
    ASSERT_TRUE(submit_one(text).status.ok());
    committer_hold_ = gate.hook();
    WriteRequest resend;
    resend.store = 1;
    resend.statements.push_back(prepare(text));
    resend.done = [](WriteOutcome) {};
    ASSERT_TRUE(pipeline_->submit(std::move(resend)));
    gate.wait_entered();
  }

  WriteOutcome submit_one(const std::string& text, StoreId store = 1) {
    std::vector<PreparedStatement> v;
    v.push_back(prepare(text));
    return submit(std::move(v), store);
  }

  std::optional<StoredStatement> get(const std::string& id, StoreId store = 1) {
    auto r = reader_->get(store, uuid(id));
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::nullopt;
  }

  std::vector<std::string> query_ids(const std::vector<xapi::TermText>& terms, StoreId store = 1) {
    StatementQuery q;
    q.store = store;
    for (const auto& t : terms) q.required.push_back(xapi::hash_term(kTermKey, t));
    q.ascending = true;
    q.limit = 1000;
    // As a query does: the index is written just behind the commit.
    EXPECT_TRUE(pipeline_->wait_indexed(pipeline_->committed_seq(), std::chrono::seconds(10)));
    auto page = reader_->query(q);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> ids;
    if (page.ok())
      for (const auto& s : page->statements) ids.push_back(format_uuid(s.id));
    return ids;
  }

  TempDir dir_{"/tmp/scribe-pipeline"};
  std::unique_ptr<Engine> engine_;
  uint32_t backfill_referrers_max_ = 10000;
  std::unique_ptr<CommitPipeline> pipeline_;
  std::function<void()> committer_hold_;  // run once by the comparator, on the committer thread
  std::unique_ptr<StatementReader> reader_;
};

TEST_F(CommitPipelineTest, AssignsStrictlyIncreasingSeqsAcrossBatches) {
  Seq previous = 0;
  int n = 0;
  for (int batch = 0; batch < 4; batch++) {
    std::vector<PreparedStatement> statements;
    for (int i = 0; i < 3; i++)
      statements.push_back(prepare(statement_text(id_n(++n), "http://v", activity("http://a"))));
    WriteOutcome o = submit(std::move(statements));
    ASSERT_TRUE(o.status.ok()) << o.status.error().describe();
    EXPECT_GT(o.last_seq, previous);
    previous = o.last_seq;
  }
  // Every statement's seq is greater than that of the one submitted before it.
  Seq last = 0;
  for (int i = 1; i <= n; i++) {
    auto s = get(id_n(i));
    ASSERT_TRUE(s.has_value()) << i;
    EXPECT_GT(s->seq, last) << i;
    last = s->seq;
  }
  EXPECT_EQ(last, previous);
}

TEST_F(CommitPipelineTest, ReportsNewestSeqOfTheBatch) {
  std::vector<PreparedStatement> statements;
  statements.push_back(prepare(statement_text(id_n(1), "http://v", activity("http://a"))));
  statements.push_back(prepare(statement_text(id_n(2), "http://v", activity("http://a"))));
  WriteOutcome o = submit(std::move(statements));
  ASSERT_TRUE(o.status.ok());
  ASSERT_EQ(o.already_stored.size(), 2u);
  EXPECT_FALSE(o.already_stored[0]);
  EXPECT_FALSE(o.already_stored[1]);
  EXPECT_EQ(get(id_n(2))->seq, o.last_seq);
  EXPECT_LT(get(id_n(1))->seq, o.last_seq);
}

TEST_F(CommitPipelineTest, IdenticalResendIsAlreadyStoredWithoutANewWrite) {
  const std::string text = statement_text(id_n(1), "http://v", activity("http://a"));
  WriteOutcome first = submit_one(text);
  ASSERT_TRUE(first.status.ok());
  Seq committed = pipeline_->committed_seq();

  // Sent again, even by another credential (authority differs): the same statement.
  std::vector<PreparedStatement> again;
  again.push_back(prepare(text, "someone-else"));
  WriteOutcome second = submit(std::move(again));
  ASSERT_TRUE(second.status.ok()) << second.status.error().describe();
  ASSERT_EQ(second.already_stored.size(), 1u);
  EXPECT_TRUE(second.already_stored[0]);
  EXPECT_EQ(second.last_seq, 0u);
  EXPECT_EQ(get(id_n(1))->seq, first.last_seq);
  EXPECT_EQ(pipeline_->committed_seq(), committed);
  EXPECT_EQ(query_ids({}).size(), 1u);
}

TEST_F(CommitPipelineTest, BatchMixingStoredAndNewStatementsWritesOnlyTheNew) {
  const std::string old_text = statement_text(id_n(1), "http://v", activity("http://a"));
  ASSERT_TRUE(submit_one(old_text).status.ok());
  std::vector<PreparedStatement> batch;
  batch.push_back(prepare(old_text));
  batch.push_back(prepare(statement_text(id_n(2), "http://v", activity("http://a"))));
  WriteOutcome o = submit(std::move(batch));
  ASSERT_TRUE(o.status.ok());
  EXPECT_TRUE(o.already_stored[0]);
  EXPECT_FALSE(o.already_stored[1]);
  EXPECT_EQ(get(id_n(2))->seq, o.last_seq);
  EXPECT_EQ(query_ids({}), (std::vector<std::string>{id_n(1), id_n(2)}));
}

TEST_F(CommitPipelineTest, RejectsBatchWholeWhenOneIdConflicts) {
  ASSERT_TRUE(submit_one(statement_text(id_n(1), "http://v", activity("http://a"))).status.ok());
  Seq committed = pipeline_->committed_seq();

  std::vector<PreparedStatement> batch;
  batch.push_back(prepare(statement_text(id_n(2), "http://v", activity("http://a"))));
  batch.push_back(prepare(statement_text(id_n(1), "http://v", activity("http://DIFFERENT"))));
  batch.push_back(prepare(statement_text(id_n(3), "http://v", activity("http://a"))));
  WriteOutcome o = submit(std::move(batch));
  ASSERT_FALSE(o.status.ok());
  EXPECT_EQ(o.status.error().code, Code::conflict);
  EXPECT_EQ(o.last_seq, 0u);

  EXPECT_FALSE(get(id_n(2)).has_value());
  EXPECT_FALSE(get(id_n(3)).has_value());
  // The stored statement is untouched.
  auto stored = get(id_n(1));
  ASSERT_TRUE(stored.has_value());
  EXPECT_NE(stored->json.find("http://a"), std::string::npos);
  EXPECT_EQ(query_ids({xapi::activity_term("http://a", false)}), std::vector<std::string>{id_n(1)});
  EXPECT_EQ(pipeline_->committed_seq(), committed);
}

TEST_F(CommitPipelineTest, RejectsVoidingAVoidingStatement) {
  ASSERT_TRUE(submit_one(statement_text(id_n(1), "http://v", activity("http://a"))).status.ok());
  ASSERT_TRUE(submit_one(statement_text(id_n(2), kVoided, statement_ref(id_n(1)))).status.ok());
  WriteOutcome o = submit_one(statement_text(id_n(3), kVoided, statement_ref(id_n(2))));
  ASSERT_FALSE(o.status.ok());
  EXPECT_EQ(o.status.error().code, Code::invalid);
  EXPECT_FALSE(get(id_n(3)).has_value());
  auto voided = reader_->is_voided(1, uuid(id_n(2)));
  ASSERT_TRUE(voided.ok());
  EXPECT_FALSE(*voided);
}

TEST_F(CommitPipelineTest, RejectsVoidingAVoidingStatementEarlierInTheSameBatch) {
  ASSERT_TRUE(submit_one(statement_text(id_n(1), "http://v", activity("http://a"))).status.ok());
  std::vector<PreparedStatement> batch;
  batch.push_back(prepare(statement_text(id_n(2), kVoided, statement_ref(id_n(1)))));
  batch.push_back(prepare(statement_text(id_n(3), kVoided, statement_ref(id_n(2)))));
  WriteOutcome o = submit(std::move(batch));
  ASSERT_FALSE(o.status.ok());
  EXPECT_EQ(o.status.error().code, Code::invalid);
  EXPECT_FALSE(get(id_n(2)).has_value());
  EXPECT_FALSE(*reader_->is_voided(1, uuid(id_n(1))));
}

TEST_F(CommitPipelineTest, RejectsVoidingAVoidingStatementThatComesLaterInTheSameBatch) {
  // S3 voids S2 and S2 voids S1, all in one atomic batch: S3 targets a voiding statement.
  ASSERT_TRUE(submit_one(statement_text(id_n(1), "http://v", activity("http://a"))).status.ok());
  std::vector<PreparedStatement> batch;
  batch.push_back(prepare(statement_text(id_n(3), kVoided, statement_ref(id_n(2)))));
  batch.push_back(prepare(statement_text(id_n(2), kVoided, statement_ref(id_n(1)))));
  WriteOutcome o = submit(std::move(batch));
  EXPECT_FALSE(o.status.ok());
  if (!o.status.ok()) {
    EXPECT_EQ(o.status.error().code, Code::invalid);
  }
  EXPECT_FALSE(get(id_n(3)).has_value());
}

TEST_F(CommitPipelineTest, VoidingMarksTheTargetVoided) {
  ASSERT_TRUE(submit_one(statement_text(id_n(1), "http://v", activity("http://a"))).status.ok());
  WriteOutcome o = submit_one(statement_text(id_n(2), kVoided, statement_ref(id_n(1))));
  ASSERT_TRUE(o.status.ok());
  EXPECT_TRUE(*reader_->is_voided(1, uuid(id_n(1))));
  EXPECT_FALSE(*reader_->is_voided(1, uuid(id_n(2))));
}

TEST_F(CommitPipelineTest, ReferrerInheritsTermsOfAnExistingTarget) {
  ASSERT_TRUE(submit_one(statement_text(id_n(1), "http://target-verb", activity("http://a"))).status.ok());
  ASSERT_TRUE(submit_one(statement_text(id_n(2), "http://other-verb", statement_ref(id_n(1)))).status.ok());
  EXPECT_EQ(query_ids({xapi::verb_term("http://target-verb")}),
            (std::vector<std::string>{id_n(1), id_n(2)}));
  EXPECT_EQ(query_ids({xapi::verb_term("http://other-verb")}), std::vector<std::string>{id_n(2)});
}

TEST_F(CommitPipelineTest, ATargetWithMoreLateReferrersThanTheLimitIsRefusedWhole) {
  backfill_referrers_max_ = 2;  // limits.backfill_referrers_max
  reopen();
  // 2 and 3 refer to 1, 4 to 3: three statements would take 1's terms.
  ASSERT_TRUE(submit_one(statement_text(id_n(2), "http://ref-verb", statement_ref(id_n(1)))).status.ok());
  ASSERT_TRUE(submit_one(statement_text(id_n(3), "http://ref-verb", statement_ref(id_n(1)))).status.ok());
  ASSERT_TRUE(submit_one(statement_text(id_n(4), "http://ref-verb", statement_ref(id_n(3)))).status.ok());
  WriteOutcome refused = submit_one(statement_text(id_n(1), "http://target-verb", activity("http://a")));
  ASSERT_FALSE(refused.status.ok());
  EXPECT_EQ(refused.status.error().code, Code::too_large);
  EXPECT_EQ(refused.status.error().path, "id");
  EXPECT_TRUE(query_ids({xapi::verb_term("http://target-verb")}).empty());  // nothing half back-filled
  auto target = reader_->get(1, uuid(id_n(1)));
  ASSERT_TRUE(target.ok());
  EXPECT_FALSE(target->has_value());
}

TEST_F(CommitPipelineTest, BackfillsReferrerWhenTargetArrivesLater) {
  // S2 refers to S1 before S1 exists; S3 refers to S2 (a chain).
  ASSERT_TRUE(submit_one(statement_text(id_n(2), "http://ref-verb", statement_ref(id_n(1)))).status.ok());
  ASSERT_TRUE(submit_one(statement_text(id_n(3), "http://ref-ref-verb", statement_ref(id_n(2)))).status.ok());
  EXPECT_TRUE(query_ids({xapi::verb_term("http://target-verb")}).empty());
  EXPECT_EQ(query_ids({xapi::verb_term("http://ref-verb")}),
            (std::vector<std::string>{id_n(2), id_n(3)}));

  ASSERT_TRUE(
      submit_one(statement_text(id_n(1), "http://target-verb", activity("http://target-activity")))
          .status.ok());
  EXPECT_EQ(query_ids({xapi::verb_term("http://target-verb")}),
            (std::vector<std::string>{id_n(2), id_n(3), id_n(1)}));
  EXPECT_EQ(query_ids({xapi::activity_term("http://target-activity", false)}),
            (std::vector<std::string>{id_n(2), id_n(3), id_n(1)}));
  // Back-filled terms are persisted in the referrer's record too, so they survive later updates.
  auto s2 = reader_->get(1, uuid(id_n(2)));
  ASSERT_TRUE(s2.ok() && s2->has_value());
  std::string bytes;
  ASSERT_TRUE(*engine_->get(Family::Statements, statement_key(1, (*s2)->seq), &bytes));
  auto record = decode_record(bytes);
  ASSERT_TRUE(record.has_value());
  auto vt = xapi::hash_term(kTermKey, xapi::verb_term("http://target-verb"));
  EXPECT_NE(std::find(record->terms.begin(), record->terms.end(), vt), record->terms.end());
  // It keeps only what it inherited: its own verb is recomputed from its JSON.
  auto own = xapi::hash_term(kTermKey, xapi::verb_term("http://ref-verb"));
  EXPECT_EQ(std::find(record->terms.begin(), record->terms.end(), own), record->terms.end());
}

TEST_F(CommitPipelineTest, AnIndexLostWholeIsRebuiltFromRecordsWithOwnAndInheritedTerms) {
  ASSERT_TRUE(submit_one(statement_text(id_n(2), "http://ref-verb", statement_ref(id_n(1)))).status.ok());
  ASSERT_TRUE(submit_one(statement_text(id_n(1), "http://target-verb", activity("http://target-activity"))).status.ok());
  ASSERT_TRUE(submit_one(statement_text(id_n(3), "http://other-verb", activity("http://a"))).status.ok());
  pipeline_.reset();
  rocksdb::WriteBatch lose;  // as if nothing of the index had reached the disk
  lose.DeleteRange(engine_->family(Family::Index), store_prefix(0), std::string(5, '\xff'));
  ASSERT_TRUE(engine_->write_durable(lose).ok());
  reopen();
  EXPECT_EQ(query_ids({xapi::verb_term("http://target-verb")}), (std::vector<std::string>{id_n(2), id_n(1)}));
  EXPECT_EQ(query_ids({xapi::verb_term("http://ref-verb")}), std::vector<std::string>{id_n(2)});
  EXPECT_EQ(query_ids({xapi::activity_term("http://a", false)}), std::vector<std::string>{id_n(3)});
}

TEST_F(CommitPipelineTest, BackfillsWithinOneBatch) {
  std::vector<PreparedStatement> batch;
  batch.push_back(prepare(statement_text(id_n(2), "http://ref-verb", statement_ref(id_n(1)))));
  batch.push_back(prepare(statement_text(id_n(1), "http://target-verb", activity("http://a"))));
  ASSERT_TRUE(submit(std::move(batch)).status.ok());
  EXPECT_EQ(query_ids({xapi::verb_term("http://target-verb")}),
            (std::vector<std::string>{id_n(2), id_n(1)}));
}

TEST_F(CommitPipelineTest, LateVoidingOfAVoidingStatementTargetIsStillRejected) {
  // The target of S3 (a voiding statement) arrives first; the voided-voiding rule applies.
  ASSERT_TRUE(submit_one(statement_text(id_n(2), kVoided, statement_ref(id_n(1)))).status.ok());
  WriteOutcome o = submit_one(statement_text(id_n(3), kVoided, statement_ref(id_n(2))));
  EXPECT_FALSE(o.status.ok());
  if (!o.status.ok()) {
    EXPECT_EQ(o.status.error().code, Code::invalid);
  }
}

TEST_F(CommitPipelineTest, CommittedSeqAdvancesWithEachWrite) {
  EXPECT_EQ(pipeline_->committed_seq(), 0u);
  WriteOutcome a = submit_one(statement_text(id_n(1), "http://v", activity("http://a")));
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(pipeline_->committed_seq(), a.last_seq);
  WriteOutcome b = submit_one(statement_text(id_n(2), "http://v", activity("http://a")));
  ASSERT_TRUE(b.status.ok());
  EXPECT_EQ(pipeline_->committed_seq(), b.last_seq);
  EXPECT_GT(b.last_seq, a.last_seq);
}

TEST_F(CommitPipelineTest, SeqsKeepIncreasingAfterReopen) {
  WriteOutcome a = submit_one(statement_text(id_n(1), "http://v", activity("http://a")));
  ASSERT_TRUE(a.status.ok());
  reopen();
  // The durable position is known before anything new is written.
  EXPECT_EQ(pipeline_->committed_seq(), a.last_seq);
  auto s = get(id_n(1));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->seq, a.last_seq);
  WriteOutcome b = submit_one(statement_text(id_n(2), "http://v", activity("http://a")));
  ASSERT_TRUE(b.status.ok());
  EXPECT_GT(b.last_seq, a.last_seq);
  // Resending after a restart is still recognised.
  WriteOutcome c = submit_one(statement_text(id_n(1), "http://v", activity("http://a")));
  ASSERT_TRUE(c.status.ok());
  EXPECT_TRUE(c.already_stored[0]);
}

TEST_F(CommitPipelineTest, StoresNeverConflict) {
  ASSERT_TRUE(submit_one(statement_text(id_n(1), "http://v", activity("http://a")), 1).status.ok());
  WriteOutcome o = submit_one(statement_text(id_n(1), "http://v", activity("http://b")), 2);
  ASSERT_TRUE(o.status.ok());
  EXPECT_FALSE(o.already_stored[0]);
  EXPECT_NE(get(id_n(1), 1)->json.find("http://a"), std::string::npos);
  EXPECT_NE(get(id_n(1), 2)->json.find("http://b"), std::string::npos);
}

struct Waiter {
  std::shared_ptr<std::promise<WriteOutcome>> promise = std::make_shared<std::promise<WriteOutcome>>();
  std::future<WriteOutcome> future = promise->get_future();
  WriteRequest request(std::vector<PreparedStatement> statements, StoreId store = 1) {
    WriteRequest r;
    r.store = store;
    r.statements = std::move(statements);
    auto p = promise;
    r.done = [p](WriteOutcome o) { p->set_value(std::move(o)); };
    return r;
  }
};

std::vector<PreparedStatement> one(PreparedStatement p) {
  std::vector<PreparedStatement> v;
  v.push_back(std::move(p));
  return v;
}

TEST_F(CommitPipelineTest, SubmitReturnsFalseWhenTheQueueIsFull) {
  reopen(1);
  CommitterGate gate;
  hold_committer(gate, statement_text(id_n(1), "http://v", activity("http://a")));

  Waiter queued;
  ASSERT_TRUE(pipeline_->submit(
      queued.request(one(prepare(statement_text(id_n(2), "http://v", activity("http://a")))))));
  bool called = false;
  WriteRequest rejected;
  rejected.store = 1;
  rejected.statements = one(prepare(statement_text(id_n(3), "http://v", activity("http://a"))));
  rejected.done = [&called](WriteOutcome) { called = true; };
  EXPECT_FALSE(pipeline_->submit(std::move(rejected)));

  gate.release();
  WriteOutcome o = queued.future.get();
  EXPECT_TRUE(o.status.ok());
  EXPECT_FALSE(called);
  EXPECT_TRUE(get(id_n(2)).has_value());
  EXPECT_FALSE(get(id_n(3)).has_value());
}

TEST_F(CommitPipelineTest, DecidesRequestsOfOneGroupInOrder) {
  CommitterGate gate;
  hold_committer(gate, statement_text(id_n(1), "http://v", activity("http://a")));

  // Three requests drained together: the first stores S5, the second re-sends it (no-op), the
  // third conflicts with it (409) although S5 is not yet on disk when they are decided.
  Waiter first, same, conflict;
  ASSERT_TRUE(pipeline_->submit(
      first.request(one(prepare(statement_text(id_n(5), "http://v", activity("http://a")))))));
  ASSERT_TRUE(pipeline_->submit(
      same.request(one(prepare(statement_text(id_n(5), "http://v", activity("http://a")))))));
  std::vector<PreparedStatement> conflicting;
  conflicting.push_back(prepare(statement_text(id_n(6), "http://v", activity("http://a"))));
  conflicting.push_back(prepare(statement_text(id_n(5), "http://v", activity("http://b"))));
  ASSERT_TRUE(pipeline_->submit(conflict.request(std::move(conflicting))));
  gate.release();

  WriteOutcome a = first.future.get(), b = same.future.get(), c = conflict.future.get();
  ASSERT_TRUE(a.status.ok());
  EXPECT_FALSE(a.already_stored[0]);
  ASSERT_TRUE(b.status.ok());
  EXPECT_TRUE(b.already_stored[0]);
  ASSERT_FALSE(c.status.ok());
  EXPECT_EQ(c.status.error().code, Code::conflict);
  EXPECT_TRUE(get(id_n(5)).has_value());
  EXPECT_FALSE(get(id_n(6)).has_value());
  EXPECT_EQ(pipeline_->committed_seq(), a.last_seq);
}

TEST_F(CommitPipelineTest, BackfillsAcrossRequestsOfOneGroup) {
  CommitterGate gate;
  hold_committer(gate, statement_text(id_n(9), "http://v", activity("http://a")));
  Waiter referrer, target;
  ASSERT_TRUE(pipeline_->submit(referrer.request(
      one(prepare(statement_text(id_n(2), "http://ref-verb", statement_ref(id_n(1))))))));
  ASSERT_TRUE(pipeline_->submit(target.request(
      one(prepare(statement_text(id_n(1), "http://target-verb", activity("http://t")))))));
  gate.release();
  ASSERT_TRUE(referrer.future.get().status.ok());
  ASSERT_TRUE(target.future.get().status.ok());
  EXPECT_EQ(query_ids({xapi::verb_term("http://target-verb")}),
            (std::vector<std::string>{id_n(2), id_n(1)}));
}

TEST_F(CommitPipelineTest, StopCommitsWhatIsQueued) {
  Waiter w;
  ASSERT_TRUE(pipeline_->submit(
      w.request(one(prepare(statement_text(id_n(1), "http://v", activity("http://a")))))));
  pipeline_->stop();
  WriteOutcome o = w.future.get();
  EXPECT_TRUE(o.status.ok());
  EXPECT_TRUE(get(id_n(1)).has_value());
  // After stop, submissions are refused.
  Waiter late;
  EXPECT_FALSE(pipeline_->submit(
      late.request(one(prepare(statement_text(id_n(2), "http://v", activity("http://a")))))));
}

}  // namespace
}  // namespace scribe::storage
