// The per-store audit trail (admin/audit_trail.h) through the admin API: every change (store
// created, credential created, rotated and revoked, store deleted) is an entry naming the admin
// credential, the action, the reason and what it acted on, never a secret; each entry's leaf
// (SHA-256(0x00 ‖ salt ‖ JCS(entry))) is proven against a checkpoint signed under
// "<origin>/<store>/audit" by the key the page names; pages and bad parameters; a restart
// continues the same tree (its new checkpoint consistent with the old); a deleted store's trail
// stays in the data folder with its deletion recorded and signed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/base64.h"
#include "common/json.h"
#include "evidence/checkpoint.h"
#include "evidence/jcs.h"
#include "evidence/merkle.h"
#include "evidence/note.h"
#include "storage/evidence_log.h"
#include "storage/keys.h"
#include "tests/support/lrs_requests.h"
#include "tests/support/lrs_test.h"

namespace scribe {
namespace {

using test_support::body_json;
using xapi::HttpResponse;

class AuditTrailTest : public test_support::LrsTest {
 protected:
  AuditTrailTest() : LrsTest("/tmp/scribe-audit") {
    config_.limits.audit_page_max = 6;      // limits the test hits
    config_.limits.reason_bytes_max = 100;
  }
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(LrsTest::SetUp());
    admin_ = stack_.basic_auth("default", auth::scope_bit(auth::Scope::Admin));
    const std::string pair = *base64_decode(admin_.substr(6));
    admin_key_ = pair.substr(0, pair.find(':'));
  }
  HttpResponse call(const std::string& method, const std::string& path, std::string body = "",
                    test_support::Query query = {}) {
    return as(admin_, method, path, std::move(query), std::move(body));
  }
  // The trail's page, every proof checked against its signed checkpoint; the entries.
  std::vector<json::Value> trail(const std::string& store, test_support::Query query = {}, bool* more = nullptr) {
    HttpResponse r = call("GET", "/admin/stores/" + store + "/audit", "", std::move(query));
    EXPECT_EQ(r.status, 200) << r.body;
    const json::Value page = body_json(r);
    auto verifier = evidence::NoteVerifier::from_vkey(std::string(page.get_string("key")));
    EXPECT_TRUE(verifier.ok());
    EXPECT_TRUE(std::string(page.get_string("origin")).ends_with("/" + store + "/audit")) << page.get_string("origin");
    auto body = verifier->verify(std::string(page.get_string("checkpoint")));
    EXPECT_TRUE(body.ok()) << (body.ok() ? "" : body.error().message);
    auto checkpoint = evidence::parse_checkpoint(*body);
    EXPECT_TRUE(checkpoint.ok());
    EXPECT_EQ(checkpoint->origin, page.get_string("origin"));
    EXPECT_EQ(int64_t(checkpoint->size), page.get("size")->as_int());
    std::vector<json::Value> entries;
    for (const json::Value& e : page.get("entries")->as_array()) {
      std::vector<evidence::Hash> proof;
      for (const json::Value& h : e.get("proof")->as_array()) proof.push_back(*evidence::parse_hash_base64(h.as_string()));
      const std::string jcs = *evidence::canonicalize(json::serialize(*e.get("entry")));
      const evidence::Hash leaf = evidence::leaf_hash(*base64_decode(e.get_string("salt")) + jcs);
      const uint64_t index = uint64_t(e.get("index")->as_int());
      EXPECT_TRUE(evidence::verify_inclusion(index, checkpoint->size, leaf, proof, checkpoint->root)) << index;
      EXPECT_EQ(e.get("entry")->get("index")->as_int(), int64_t(index));
      entries.push_back(*e.get("entry"));
    }
    if (more) *more = page.get("more")->as_bool();
    last_checkpoint_ = *checkpoint;
    return entries;
  }

  std::string admin_, admin_key_;
  evidence::Checkpoint last_checkpoint_;
};

TEST_F(AuditTrailTest, EveryChangeIsAnEntryProvenAgainstASignedCheckpoint) {
  ASSERT_EQ(call("POST", "/admin/stores", R"({"name":"acme","reason":"new customer"})").status, 201);
  HttpResponse created = call("POST", "/admin/credentials",
                              R"({"store":"acme","label":"lms","scopes":["statements/write"],"reason":"the LMS"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string key(body_json(created).get_string("key"));
  const std::string secret(body_json(created).get_string("secret"));
  HttpResponse rotated = call("POST", "/admin/credentials/" + key + "/rotate",
                              R"({"valid_until":"2099-01-01T00:00:00Z","reason":"yearly"})");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  ASSERT_EQ(call("DELETE", "/admin/credentials/" + key, "", {{"reason", "the LMS is retired"}}).status, 200);

  const std::vector<json::Value> entries = trail("acme");
  ASSERT_EQ(entries.size(), 4u);
  const char* actions[] = {"store.created", "credential.created", "credential.rotated", "credential.revoked"};
  const char* reasons[] = {"new customer", "the LMS", "yearly", "the LMS is retired"};
  for (size_t i = 0; i < 4; i++) {
    EXPECT_EQ(entries[i].get_string("action"), actions[i]);
    EXPECT_EQ(entries[i].get_string("reason"), reasons[i]);
    EXPECT_EQ(entries[i].get("by")->get_string("key"), admin_key_);
    EXPECT_EQ(entries[i].get("by")->get_string("label"), "test");
    EXPECT_FALSE(std::string(entries[i].get_string("time")).empty());
  }
  EXPECT_EQ(entries[0].get("subject")->get_string("name"), "acme");
  for (size_t i = 1; i < 4; i++) EXPECT_EQ(entries[i].get("subject")->get_string("key"), key);
  EXPECT_EQ(entries[1].get("subject")->get("scopes")->as_array().size(), 1u);
  EXPECT_EQ(entries[2].get("subject")->get_string("previous_valid_until"), "2099-01-01T00:00:00.000000Z");
  // No secret, old or new, is ever in the trail.
  const std::string raw = call("GET", "/admin/stores/acme/audit").body;
  EXPECT_EQ(raw.find(secret), std::string::npos);
  EXPECT_EQ(raw.find(std::string(body_json(rotated).get_string("secret"))), std::string::npos);
  // The default store's trail holds none of it.
  EXPECT_TRUE(trail("default").empty());
}

TEST_F(AuditTrailTest, PagesAndBadParameters) {
  for (int i = 0; i < 5; i++)
    ASSERT_EQ(call("POST", "/admin/credentials", R"({"store":"default","label":"c)" + std::to_string(i) +
                                                     R"(","scopes":["statements/read"]})").status, 201);
  bool more = false;
  auto first = trail("default", {{"limit", "2"}}, &more);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(more);
  auto rest = trail("default", {{"from", "2"}}, &more);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_FALSE(more);
  EXPECT_EQ(rest[0].get("index")->as_int(), 2);
  EXPECT_EQ(rest[2].get("subject")->get_string("label"), "c4");
  auto path_of = [&](HttpResponse r) {
    EXPECT_EQ(r.status / 100, 4) << r.body;
    const json::Value* e = body_json(r).get("error");
    return e ? std::string(e->get_string("path")) : std::string();
  };
  EXPECT_EQ(path_of(call("GET", "/admin/stores/default/audit", "", {{"limit", "0"}})), "limit");
  EXPECT_EQ(path_of(call("GET", "/admin/stores/default/audit", "", {{"limit", "7"}})), "limit");  // audit_page_max
  EXPECT_EQ(call("GET", "/admin/stores/default/audit", "", {{"limit", "6"}}).status, 200);
  EXPECT_EQ(path_of(call("GET", "/admin/stores/default/audit", "", {{"from", "x"}})), "from");
  EXPECT_EQ(path_of(call("GET", "/admin/stores/default/audit", "", {{"other", "1"}})), "other");
  EXPECT_EQ(call("GET", "/admin/stores/nope/audit").status, 404);
  const std::string long_reason(101, 'r');  // reason_bytes_max + 1
  EXPECT_EQ(call("POST", "/admin/stores", R"({"name":"y","reason":")" + long_reason.substr(1) + "\"}").status, 201);
  EXPECT_EQ(path_of(call("POST", "/admin/stores", R"({"name":"x","reason":")" + long_reason + "\"}")), "reason");
  EXPECT_EQ(call("GET", "/admin/stores/x").status, 404);  // refused before anything was done
  EXPECT_EQ(trail("default").size(), 5u);
}

TEST_F(AuditTrailTest, ARestartContinuesTheSameTree) {
  ASSERT_EQ(call("POST", "/admin/stores", R"({"name":"acme"})").status, 201);
  ASSERT_EQ(trail("acme").size(), 1u);
  const evidence::Checkpoint before = last_checkpoint_;
  stack_.reset();
  auto e = test_support::open_test_engine(config_, dir_.path());
  ASSERT_TRUE(e.ok());
  stack_.build(config_, std::move(*e));
  admin_ = stack_.basic_auth("default", auth::scope_bit(auth::Scope::Admin));
  ASSERT_EQ(call("POST", "/admin/credentials", R"({"store":"acme","label":"a","scopes":["all"]})").status, 201);
  const auto entries = trail("acme");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].get_string("action"), "credential.created");
  // The new checkpoint extends the old one: the signer checks it before signing, and so here.
  evidence::Prover prover(storage::node_reader(*stack_.engine, 2, storage::LogKind::Audit));
  auto proof = prover.consistency(before.size, last_checkpoint_.size);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(evidence::verify_consistency(before.size, last_checkpoint_.size, before.root, last_checkpoint_.root, *proof));
}

TEST_F(AuditTrailTest, ADeletedStoresTrailStaysWithItsDeletionSigned) {
  ASSERT_EQ(call("POST", "/admin/stores", R"({"name":"gone"})").status, 201);
  const storage::StoreId id = storage::StoreId(body_json(call("GET", "/admin/stores/gone")).get("id")->as_int());
  const std::string writer = stack_.basic_auth("gone", auth::scope_bit(auth::Scope::StatementsWrite));
  ASSERT_EQ(as(writer, "POST", "/statements", {},
               test_support::test_statement(test_support::uuid_n(1), "mailto:a@example.com", "http://example.com/c"))
                .status, 200);
  ASSERT_EQ(call("DELETE", "/admin/stores/gone", "", {{"confirm", "gone"}, {"reason", "contract ended"}}).status, 200);
  EXPECT_EQ(call("GET", "/admin/stores/gone").status, 404);
  // Its trail is still listed by its name, proven against a checkpoint signed under it, even
  // after a restart; and the name is not given to another store.
  for (int restart = 0; restart < 2; restart++) {
    const auto entries = trail("gone");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].get_string("action"), "store.created");
    EXPECT_EQ(entries[1].get_string("action"), "store.deleted");
    HttpResponse again = call("POST", "/admin/stores", R"({"name":"gone"})");
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(body_json(again).get("error")->get_string("path"), "name");
    stack_.reset();
    auto e = test_support::open_test_engine(config_, dir_.path());
    ASSERT_TRUE(e.ok());
    stack_.build(config_, std::move(*e));
    admin_ = stack_.basic_auth("default", auth::scope_bit(auth::Scope::Admin));
  }
  // In the data folder: the trail (created, deleted) and a checkpoint covering both.
  auto frontier = storage::load_frontier(*stack_.engine, id, storage::LogKind::Audit);
  ASSERT_TRUE(frontier.ok());
  EXPECT_EQ(frontier->size(), 2u);
  std::string entry, note;
  ASSERT_TRUE(*stack_.engine->get(storage::Family::Evidence, storage::audit_entry_key(id, 1), &entry));
  const json::Value deleted = *json::parse(entry.substr(16));
  EXPECT_EQ(deleted.get_string("action"), "store.deleted");
  EXPECT_EQ(deleted.get_string("reason"), "contract ended");
  EXPECT_EQ(deleted.get("counts")->get("statements")->as_int(), 1);
  ASSERT_TRUE(*stack_.engine->get(storage::Family::Evidence, storage::checkpoint_key(id, 2, storage::LogKind::Audit), &note));
  auto checkpoint = evidence::parse_checkpoint(evidence::note_text(note));
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(checkpoint->root, frontier->root());
  // And the store's statement log is gone with its statements.
  EXPECT_EQ(*storage::log_size(*stack_.engine, id), 0u);
  EXPECT_EQ(storage::last_leaf(*stack_.engine, id)->count, 0u);
}

}  // namespace
}  // namespace scribe
