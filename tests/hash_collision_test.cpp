// Crafted hash collisions. Document scopes: two scopes forced onto the same key (as a collision
// would) never read, list, overwrite or remove each other's documents, because every record
// keeps its scope text and it is re-checked. Index terms: hashed with each store's own secret
// 128-bit SipHash key, which is random, distinct per store and stable across restarts, so
// nobody without the key can pick identifiers whose terms collide (as MurmurHash3's published
// seed-independent collisions allowed with the unkeyed hash).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "auth/store_registry.h"
#include "storage/document_store.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/temp_dir.h"
#include "xapi/statement_terms.h"

namespace scribe {
namespace {

using storage::Document;
using storage::DocumentChange;
using storage::DocumentKind;
using storage::DocumentScope;

DocumentChange put(std::string content) {
  DocumentChange c;
  c.action = DocumentChange::Action::Put;
  c.content_type = "application/json";
  c.content = std::move(content);
  return c;
}

class HashCollisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = test_support::open_test_engine(config_, dir_.path());
    ASSERT_TRUE(e.ok()) << e.error().describe();
    engine_ = std::move(*e);
  }
  test_support::TempDir dir_{"/tmp/scribe-collide"};
  Config config_;
  std::unique_ptr<storage::Engine> engine_;
};

TEST_F(HashCollisionTest, DocumentsOfCollidingScopesNeverTouchEachOther) {
  storage::DocumentStore docs(*engine_);
  DocumentScope victim{DocumentKind::AgentProfile, "mbox\x1fmailto:victim@example.com", {}, {}};
  DocumentScope attacker{DocumentKind::AgentProfile, "mbox\x1fmailto:attacker@example.com", {}, {}};
  victim.hash = attacker.hash = storage::TermHash{0xde, 0xad};  // the crafted collision
  auto decide_put = [](std::string content) {
    return [content](const std::optional<Document>&) -> Result<DocumentChange> { return put(content); };
  };
  ASSERT_TRUE(docs.update(1, victim, "profile", decide_put(R"({"secret":"victim"})")).ok());

  // The attacker reads nothing of the victim's, by id or in a list.
  auto read = docs.get(1, attacker, "profile");
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
  auto listed = docs.list(1, attacker, INT64_MIN);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  // A PUT under the colliding key is refused rather than overwriting the victim's document...
  Status overwrite = docs.update(1, attacker, "profile", decide_put(R"({"secret":"attacker"})"));
  EXPECT_FALSE(overwrite.ok());
  // ...and a DELETE of all the attacker's documents leaves the victim's alone.
  EXPECT_TRUE(docs.remove_all(1, attacker).ok());
  auto kept = docs.get(1, victim, "profile");
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->content, R"({"secret":"victim"})");
}

TEST_F(HashCollisionTest, TermKeysAreRandomPerStoreAndStableAcrossRestarts) {
  storage::TermKey default_key, acme_key;
  {
    auto registry = auth::StoreRegistry::open(*engine_);
    ASSERT_TRUE(registry.ok());
    auto acme = (*registry)->create("acme");
    ASSERT_TRUE(acme.ok());
    default_key = (*registry)->find("default")->term_key;
    acme_key = acme->term_key;
  }
  EXPECT_NE(default_key, acme_key);
  EXPECT_NE(default_key, storage::TermKey{});
  // The same identifier is a different index term in each store.
  const xapi::TermText term = xapi::agent_term("mbox\x1fmailto:victim@example.com", false);
  EXPECT_NE(xapi::hash_term(default_key, term), xapi::hash_term(acme_key, term));
  // Reopened, the registry hands out the same keys, so the index stays readable.
  engine_.reset();
  auto e = test_support::open_test_engine(config_, dir_.path());
  ASSERT_TRUE(e.ok());
  engine_ = std::move(*e);
  auto reopened = auth::StoreRegistry::open(*engine_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->find("default")->term_key, default_key);
  EXPECT_EQ((*reopened)->find("acme")->term_key, acme_key);
}

TEST_F(HashCollisionTest, ManyStoresGetDistinctKeys) {
  auto registry = auth::StoreRegistry::open(*engine_);
  ASSERT_TRUE(registry.ok());
  std::set<storage::TermKey> keys{(*registry)->find("default")->term_key};
  for (int i = 0; i < 50; i++) {
    std::string name = "s";
    auto s = (*registry)->create(name.append(std::to_string(i)));  // (GCC 12 warns on "s" + ...)
    ASSERT_TRUE(s.ok());
    keys.insert(s->term_key);
  }
  EXPECT_EQ(keys.size(), 51u);
}

}  // namespace
}  // namespace scribe
