// The evidence log through the API (xapi/evidence_resource.h): every stored statement has a
// leaf whose hash is SHA-256(0x00 ‖ salt ‖ JCS(the statement as GET format=exact returns it));
// proofs verify against checkpoints signed by the key /evidence/key names; checkpoints of
// later sizes are consistent with earlier ones; bad parameters get 4xx naming them; the routes
// need statements/read or all/read (not statements/read/mine) and no xAPI version; statements
// stored with the log off get their leaves at the next start; committed leaves whose nodes a
// crash lost get them again, the same, at the next start.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "common/json.h"
#include "evidence/checkpoint.h"
#include "evidence/jcs.h"
#include "evidence/merkle.h"
#include "evidence/note.h"
#include "tests/support/lrs_test.h"

namespace scribe {
namespace {

using test_support::Query;
using test_support::uuid_n;

std::string with_timestamp(const std::string& statement) {
  return statement.substr(0, statement.size() - 1) + R"(,"timestamp":"2026-01-02T03:04:05.5+01:00"})";
}

class EvidenceApiTest : public test_support::LrsTest {
 protected:
  EvidenceApiTest() : LrsTest("/tmp/scribe-evidence") {}
  void SetUp() override {
    LrsTest::SetUp();
    auth_ = stack_.basic_auth();
  }

  void post(int n, bool timestamp = false) {
    std::string s = test_support::test_statement(uuid_n(n), "mailto:a" + std::to_string(n) + "@example.com",
                                                 "http://example.com/course");
    if (timestamp) s = with_timestamp(s);
    ASSERT_EQ(as(auth_, "POST", "/statements", {}, s).status, 200);
  }
  std::string text(const std::string& path, Query q = {}, int status = 200) {
    auto r = as(auth_, "GET", path, std::move(q));
    EXPECT_EQ(r.status, status) << path << ": " << r.body;
    return r.body;
  }
  evidence::NoteVerifier verifier() {
    auto v = evidence::NoteVerifier::from_vkey(text("/evidence/key"));
    EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().message);
    return *v;
  }
  // The checkpoint inside a tlog-proof or a checkpoint note, verified.
  evidence::Checkpoint open(const std::string& note) {
    auto body = verifier().verify(note);
    EXPECT_TRUE(body.ok()) << (body.ok() ? "" : body.error().message);
    auto c = evidence::parse_checkpoint(*body);
    EXPECT_TRUE(c.ok());
    return *c;
  }
  // Checks statement n's proof against the checkpoint it comes with; returns that checkpoint.
  evidence::Checkpoint check_proof(int n, Query extra = {}) {
    Query q{{"statementId", uuid_n(n)}};
    q.insert(q.end(), extra.begin(), extra.end());
    auto proof = evidence::parse_tlog_proof(text("/evidence/proof", q));
    EXPECT_TRUE(proof.ok()) << (proof.ok() ? "" : proof.error().message);
    const evidence::Checkpoint c = open(proof->checkpoint);
    const std::string exact = text("/statements", {{"statementId", uuid_n(n)}, {"format", "exact"}});
    EXPECT_TRUE(proof->extra.has_value());
    const evidence::Hash leaf = evidence::leaf_hash(*proof->extra + *evidence::canonicalize(exact));
    EXPECT_TRUE(evidence::verify_inclusion(proof->index, c.size, leaf, proof->path, c.root))
        << "statement " << n << " at " << proof->index << " of " << c.size;
    return c;
  }
  // Stops the stack and builds it again over the same data folder, with the log on or off,
  // after `change` has had the engine.
  void restart_with_log(bool enabled, const std::function<void(storage::Engine&)>& change = {}) {
    stack_.reset();
    config_.evidence.enabled = enabled;
    auto e = test_support::open_test_engine(config_, dir_.path());
    ASSERT_TRUE(e.ok());
    if (change) change(**e);
    stack_.build(config_, std::move(*e));
    auth_ = stack_.basic_auth();
  }
  std::string auth_;
};

TEST_F(EvidenceApiTest, EveryStatementsLeafIsProvenAgainstASignedCheckpoint) {
  for (int n = 1; n <= 7; n++) post(n, n % 2 == 0);
  for (int n = 1; n <= 7; n++) {
    // The newest checkpoint, or a fresh one when that does not cover the statement yet.
    const evidence::Checkpoint c = check_proof(n);
    EXPECT_GE(c.size, uint64_t(n));
    EXPECT_LE(c.size, 7u);
    EXPECT_EQ(c.origin, verifier().name());
    EXPECT_TRUE(c.origin.ends_with("/default")) << c.origin;
  }
  EXPECT_EQ(check_proof(7).size, 7u);
  const evidence::Checkpoint latest = open(text("/evidence/checkpoint"));
  EXPECT_EQ(latest.size, 7u);
  // A voided statement stays in the log: its proof still verifies.
  ASSERT_EQ(as(auth_, "POST", "/statements", {},
               R"({"id":")" + uuid_n(8) + R"(","actor":{"mbox":"mailto:x@example.com"},)"
               R"("verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},)"
               R"("object":{"objectType":"StatementRef","id":")" + uuid_n(1) + R"("}})").status, 200);
  auto proof = evidence::parse_tlog_proof(text("/evidence/proof", {{"statementId", uuid_n(1)}}));
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(proof->index, 0u);
  EXPECT_EQ(check_proof(8).size, 8u);
}

TEST_F(EvidenceApiTest, LaterCheckpointsAreConsistentWithEarlierOnes) {
  for (int n = 1; n <= 3; n++) post(n);
  const evidence::Checkpoint old_head = check_proof(3);
  for (int n = 4; n <= 12; n++) post(n);
  const evidence::Checkpoint new_head = check_proof(12);
  ASSERT_EQ(old_head.size, 3u);
  ASSERT_EQ(new_head.size, 12u);
  std::vector<evidence::Hash> proof;
  const std::string lines = text("/evidence/consistency", {{"from", "3"}, {"to", "12"}});
  for (size_t at = 0; at < lines.size();) {
    const size_t eol = lines.find('\n', at);
    proof.push_back(*evidence::parse_hash_base64(lines.substr(at, eol - at)));
    at = eol + 1;
  }
  EXPECT_TRUE(evidence::verify_consistency(3, 12, old_head.root, new_head.root, proof));
  EXPECT_FALSE(evidence::verify_consistency(3, 12, new_head.root, new_head.root, proof));
  // The old checkpoint can still be asked for by its size.
  EXPECT_EQ(check_proof(2, {{"size", "3"}}).root, old_head.root);
}

TEST_F(EvidenceApiTest, BadParametersAreRefusedNamingThem) {
  post(1);
  auto path_of = [&](const std::string& route, Query q, int status) {
    auto r = as(auth_, "GET", route, std::move(q));
    EXPECT_EQ(r.status, status) << r.body;
    auto v = json::parse(r.body);
    return v.ok() && v->get("error") ? std::string(v->get("error")->get_string("path")) : std::string();
  };
  EXPECT_EQ(path_of("/evidence/proof", {{"statementId", uuid_n(99)}}, 404), "statementId");
  EXPECT_EQ(path_of("/evidence/proof", {{"statementId", "nope"}}, 400), "statementId");
  EXPECT_EQ(path_of("/evidence/proof", {}, 400), "statementId");
  EXPECT_EQ(path_of("/evidence/proof", {{"statementId", uuid_n(1)}, {"size", "0"}}, 400), "size");
  EXPECT_EQ(path_of("/evidence/proof", {{"statementId", uuid_n(1)}, {"size", "7"}}, 404), "size");
  EXPECT_EQ(path_of("/evidence/proof", {{"statementId", uuid_n(1)}, {"size", "x"}}, 400), "size");
  EXPECT_EQ(path_of("/evidence/consistency", {{"from", "0"}, {"to", "1"}}, 400), "from");
  EXPECT_EQ(path_of("/evidence/consistency", {{"from", "2"}, {"to", "1"}}, 400), "from");
  EXPECT_EQ(path_of("/evidence/consistency", {{"from", "1"}, {"to", "2"}}, 400), "to");
  EXPECT_EQ(path_of("/evidence/consistency", {{"from", "1"}}, 400), "to");
  EXPECT_EQ(path_of("/evidence/checkpoint", {{"extra", "1"}}, 400), "extra");
  EXPECT_EQ(as(auth_, "POST", "/evidence/checkpoint", {}, "x").status, 405);
  EXPECT_EQ(text("/evidence/consistency", {{"from", "1"}, {"to", "1"}}), "");
}

TEST_F(EvidenceApiTest, TheRoutesNeedAFullReadScopeButNoXapiVersion) {
  post(1);
  const std::string mine = stack_.basic_auth("default", auth::scope_bit(auth::Scope::StatementsReadMine));
  const std::string reader = stack_.basic_auth("default", auth::scope_bit(auth::Scope::StatementsRead));
  const std::string all_read = stack_.basic_auth("default", auth::scope_bit(auth::Scope::AllRead));
  EXPECT_EQ(as(mine, "GET", "/evidence/checkpoint").status, 403);
  EXPECT_EQ(as(reader, "GET", "/evidence/checkpoint").status, 200);
  EXPECT_EQ(as(all_read, "GET", "/evidence/key").status, 200);
  EXPECT_EQ(as("", "GET", "/evidence/key").status, 401);
  auto r = test_support::lrs_request(reader, "GET", "/evidence/checkpoint");
  std::erase_if(r.headers, [](const auto& h) { return h.first == "x-experience-api-version"; });
  EXPECT_EQ(send(std::move(r)).status, 200);
}

TEST_F(EvidenceApiTest, StatementsStoredWithTheLogOffGetTheirLeavesAtTheNextStart) {
  post(1);
  restart_with_log(false);
  post(2);
  post(3, true);
  EXPECT_EQ(as(auth_, "GET", "/evidence/proof", {{"statementId", uuid_n(2)}}).status, 409);  // the log is off
  restart_with_log(true);
  post(4);
  EXPECT_EQ(check_proof(4).size, 4u);
  for (int n = 1; n <= 3; n++) EXPECT_GE(check_proof(n).size, 3u);
  auto proof = evidence::parse_tlog_proof(text("/evidence/proof", {{"statementId", uuid_n(3)}}));
  EXPECT_EQ(proof->index, 2u);  // in seq order, before the statement stored after the restart
}

TEST_F(EvidenceApiTest, LeavesWhoseNodesWereLostAreHashedAgainToTheSignedRoot) {
  for (int n = 1; n <= 10; n++) post(n, n % 3 == 0);
  const evidence::Checkpoint signed_head = check_proof(10);  // signs size 10
  ASSERT_EQ(signed_head.size, 10u);
  // A crash after the statements' sync and before their nodes': every node of the store gone.
  restart_with_log(true, [](storage::Engine& engine) {
    const std::string from = storage::evidence_prefix(1, storage::kNodeTag);
    const std::string to = storage::evidence_prefix(1, storage::kNodeTag + 1);
    ASSERT_TRUE(engine.db()->DeleteRange(rocksdb::WriteOptions(), engine.family(storage::Family::Evidence), from, to).ok());
  });
  // The start hashed the ten leaves again from their statements and salts: the same root, so the
  // signed checkpoint still stands and every proof verifies against it.
  EXPECT_EQ(open(text("/evidence/checkpoint")).root, signed_head.root);
  for (int n = 1; n <= 10; n++) EXPECT_EQ(check_proof(n, {{"size", "10"}}).root, signed_head.root);
  post(11);
  EXPECT_EQ(check_proof(11).size, 11u);
}

}  // namespace
}  // namespace scribe
