// Migration of a format-1 data folder to format 2 at start-up (app/format_migration.h). The
// test writes a store through the whole stack, then turns the folder back into what format 1
// looked like: no format or store records, a PBKDF2 credential, index terms and document keys
// hashed some other way (here: garbage and a zero key). After the migration every filter finds
// what it found before, StatementRef referrers included (also one that arrived before its
// target), voiding holds, documents read back, and the old credential is gone.
#include <gtest/gtest.h>

#include <rocksdb/iterator.h>

#include <sstream>
#include <string>
#include <vector>

#include "app/bootstrap.h"
#include "app/format_migration.h"
#include "xapi/statement_terms.h"
#include "storage/data_format.h"
#include "storage/document_store.h"
#include "storage/keys.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/lrs_requests.h"
#include "tests/support/temp_dir.h"

namespace scribe {
namespace {

// Records `version` in the meta family, as the build that wrote that format did.
void put_format(storage::Engine& e, rocksdb::WriteBatch& batch, uint32_t version) {
  std::string value;
  storage::put_u32(value, version);
  batch.Put(e.family(storage::Family::Meta), std::string(storage::kDataFormatKey), value);
}

using storage::Family;
using test_support::body_json;
using test_support::lrs_request;
using test_support::Query;
using test_support::uuid_n;
using xapi::HttpResponse;

const char* kRegistration = "6f1b4e1c-2a3b-4c5d-8e9f-0a1b2c3d4e5f";
const char* kAgentB = R"({"mbox":"mailto:b@example.com"})";

std::string statement(const std::string& id, const std::string& actor, const std::string& verb,
                      const std::string& object, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","actor":{"mbox":"mailto:)" + actor + R"(@example.com"},"verb":{"id":")" +
         verb + R"("},"object":)" + object + extra + "}";
}
std::string statement_ref(const std::string& id) { return R"({"objectType":"StatementRef","id":")" + id + R"("})"; }

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override { config_.storage.data_dir = dir_.path(); }

  std::unique_ptr<storage::Engine> open() {
    auto e = test_support::open_test_engine(config_, dir_.path());
    EXPECT_TRUE(e.ok());
    return e.ok() ? std::move(*e) : nullptr;
  }
  HttpResponse as(test_support::StatementsStack& stack, const std::string& auth, const std::string& method,
                  const std::string& path, Query q = {}, std::string body = "") {
    return test_support::send_and_wait(*stack.router, lrs_request(auth, method, path, std::move(q), std::move(body)));
  }
  std::vector<std::string> ids(test_support::StatementsStack& stack, const std::string& auth, Query q) {
    std::vector<std::string> out;
    json::Value v = body_json(as(stack, auth, "GET", "/statements", std::move(q)));
    if (const json::Value* list = v.get("statements"))
      for (const auto& s : list->as_array()) out.emplace_back(s.get_string("id"));
    std::sort(out.begin(), out.end());
    return out;
  }

  // Writes the statements and documents the test looks for afterwards.
  void write_store() {
    auto engine = open();
    ASSERT_TRUE(app::open_access_control(config_, *engine).ok());
    test_support::StatementsStack stack;
    stack.build(config_, std::move(engine));
    const std::string auth = stack.basic_auth();
    auto put = [&](int n, const std::string& body) {
      ASSERT_EQ(as(stack, auth, "PUT", "/statements", {{"statementId", uuid_n(n)}}, body).status, 204);
    };
    put(1, statement(uuid_n(1), "a", "http://example.com/v1", R"({"id":"http://example.com/x"})",
                     R"(,"context":{"registration":")" + std::string(kRegistration) + R"("})"));
    put(2, statement(uuid_n(2), "c", "http://example.com/v2", statement_ref(uuid_n(3))));  // before its target
    put(3, statement(uuid_n(3), "b", "http://example.com/v3", R"({"id":"http://example.com/y"})"));
    put(4, statement(uuid_n(4), "c", "http://example.com/v4", statement_ref(uuid_n(2))));  // a chain: 4 → 2 → 3
    put(5, statement(uuid_n(5), "d", "http://example.com/v5", R"({"id":"http://example.com/z"})"));
    put(6, statement(uuid_n(6), "d", "http://adlnet.gov/expapi/verbs/voided", statement_ref(uuid_n(5))));
    const Query state{{"activityId", "http://example.com/x"}, {"agent", kAgentB}, {"stateId", "s"},
                      {"registration", kRegistration}};
    ASSERT_EQ(as(stack, auth, "PUT", "/activities/state", state, R"({"state":1})").status, 204);
    ASSERT_EQ(as(stack, auth, "PUT", "/activities/profile", {{"activityId", "http://example.com/x"}, {"profileId", "p"}},
                 R"({"profile":2})").status, 204);
    ASSERT_EQ(as(stack, auth, "PUT", "/agents/profile", {{"agent", kAgentB}, {"profileId", "p"}}, R"({"agent":3})").status, 204);
  }

  // Makes the folder look as a format-1 Scribe left it.
  void make_format_one() {
    auto engine = open();
    auto& e = *engine;
    rocksdb::WriteBatch batch;
    for (std::string_view k : {storage::kDataFormatKey, std::string_view("store/default"), std::string_view("store_next_id")})
      batch.Delete(e.family(Family::Meta), rocksdb::Slice(k.data(), k.size()));
    std::unique_ptr<rocksdb::Iterator> meta(e.db()->NewIterator(rocksdb::ReadOptions(), e.family(Family::Meta)));
    for (meta->Seek("credential/"); meta->Valid() && meta->key().starts_with("credential/"); meta->Next())
      batch.Delete(e.family(Family::Meta), meta->key());
    meta.reset();
    batch.Put(e.family(Family::Meta), "credential/oldkey",
              R"({"salt":"s","iterations":100000,"hash":"00","store":1,"authority":{"objectType":"Agent","mbox":"mailto:o@example.com"}})");
    const std::string begin = storage::store_prefix(1), end = storage::store_prefix(2);
    batch.DeleteRange(e.family(Family::Index), begin, end);
    storage::Term garbage{storage::IndexKind::Verb, storage::TermHash{0x77}, 0};
    std::unique_ptr<rocksdb::Iterator> it(e.db()->NewIterator(rocksdb::ReadOptions(), e.family(Family::Statements)));
    for (it->Seek(begin); it->Valid() && it->key().ToStringView() < end; it->Next()) {
      auto record = storage::decode_record(it->value().ToStringView());
      ASSERT_TRUE(record.has_value());
      record->terms = {garbage};
      batch.Put(e.family(Family::Statements), it->key(), storage::encode_record(*record));
      batch.Put(e.family(Family::Index), storage::index_key(1, garbage, storage::seq_suffix(it->key().ToStringView())), "");
    }
    it.reset(e.db()->NewIterator(rocksdb::ReadOptions(), e.family(Family::Documents)));
    for (it->Seek(begin); it->Valid() && it->key().ToStringView() < end; it->Next()) {
      std::string scope;
      ASSERT_TRUE(storage::decode_document(it->value().ToStringView(), &scope).has_value());
      storage::TermHash old_hash = storage::hash_term(storage::TermKey{}, scope);
      std::string old_key(it->key().ToStringView().substr(0, 5));
      old_key.append(reinterpret_cast<const char*>(old_hash.data()), 16).append(it->key().ToStringView().substr(21));
      batch.Delete(e.family(Family::Documents), it->key());
      batch.Put(e.family(Family::Documents), old_key, it->value());
    }
    it.reset();
    ASSERT_TRUE(e.write_durable(batch).ok());
    ASSERT_EQ(*storage::read_data_format(e), 1u);
  }

  test_support::TempDir dir_{"/tmp/scribe-migrate"};
  Config config_;
};

TEST_F(MigrationTest, AFormatOneFolderIsMigratedAtStartAndFindsEverythingAgain) {
  write_store();
  make_format_one();
  auto engine = open();
  std::ostringstream log;
  auto migrated = app::migrate_format_1(*engine, log);
  ASSERT_TRUE(migrated.ok()) << migrated.error().describe();
  EXPECT_EQ(migrated->statements, 6u);
  EXPECT_EQ(migrated->documents, 3u);
  EXPECT_EQ(migrated->credentials_dropped, 1u);
  EXPECT_NE(log.str().find("migrated 6 statements"), std::string::npos) << log.str();
  EXPECT_EQ(*storage::read_data_format(*engine), storage::kDataFormatVersion);

  test_support::StatementsStack stack;
  stack.build(config_, std::move(engine));
  EXPECT_FALSE(*stack.credentials->any());  // the PBKDF2 credential could not be kept
  const std::string auth = stack.basic_auth();
  EXPECT_EQ(ids(stack, auth, {{"verb", "http://example.com/v1"}}), std::vector<std::string>{uuid_n(1)});
  EXPECT_EQ(ids(stack, auth, {{"registration", kRegistration}}), std::vector<std::string>{uuid_n(1)});
  EXPECT_EQ(ids(stack, auth, {{"agent", R"({"mbox":"mailto:a@example.com"})"}}), std::vector<std::string>{uuid_n(1)});
  // 2 refers to 3 (and arrived first), 4 refers to 2: both match 3's verb, actor and activity.
  const std::vector<std::string> through_refs{uuid_n(2), uuid_n(3), uuid_n(4)};
  EXPECT_EQ(ids(stack, auth, {{"verb", "http://example.com/v3"}}), through_refs);
  EXPECT_EQ(ids(stack, auth, {{"agent", kAgentB}}), through_refs);
  EXPECT_EQ(ids(stack, auth, {{"activity", "http://example.com/y"}}), through_refs);
  EXPECT_EQ(ids(stack, auth, {{"verb", "http://example.com/v2"}}), (std::vector<std::string>{uuid_n(2), uuid_n(4)}));
  // 5 is voided: only its voiding statement (a referrer) matches its verb...
  EXPECT_EQ(ids(stack, auth, {{"verb", "http://example.com/v5"}}), std::vector<std::string>{uuid_n(6)});
  EXPECT_EQ(as(stack, auth, "GET", "/statements", {{"voidedStatementId", uuid_n(5)}}).status, 200);
  EXPECT_EQ(ids(stack, auth, {}).size(), 5u);  // ...and every other statement is there
  const Query state{{"activityId", "http://example.com/x"}, {"agent", kAgentB}, {"stateId", "s"},
                    {"registration", kRegistration}};
  EXPECT_EQ(as(stack, auth, "GET", "/activities/state", state).body, R"({"state":1})");
  EXPECT_EQ(as(stack, auth, "GET", "/activities/profile", {{"activityId", "http://example.com/x"}, {"profileId", "p"}}).body,
            R"({"profile":2})");
  EXPECT_EQ(as(stack, auth, "GET", "/agents/profile", {{"agent", kAgentB}, {"profileId", "p"}}).body, R"({"agent":3})");
}

TEST_F(MigrationTest, AnInterruptedMigrationRunsAgainToTheSameResult) {
  write_store();
  make_format_one();
  {
    auto engine = open();
    std::ostringstream log;
    ASSERT_TRUE(app::migrate_format_1(*engine, log).ok());
    // As if it had stopped before recording the format: the next start migrates again.
    rocksdb::WriteBatch batch;
    batch.Delete(engine->family(Family::Meta), std::string(storage::kDataFormatKey));
    ASSERT_TRUE(engine->write_durable(batch).ok());
  }
  auto engine = open();
  ASSERT_TRUE(app::open_access_control(config_, *engine).ok());  // migrates at start
  EXPECT_EQ(*storage::read_data_format(*engine), storage::kDataFormatVersion);
  test_support::StatementsStack stack;
  stack.build(config_, std::move(engine));
  const std::string auth = stack.basic_auth();
  EXPECT_EQ(ids(stack, auth, {{"verb", "http://example.com/v3"}}),
            (std::vector<std::string>{uuid_n(2), uuid_n(3), uuid_n(4)}));
  EXPECT_EQ(as(stack, auth, "GET", "/agents/profile", {{"agent", kAgentB}, {"profileId", "p"}}).body, R"({"agent":3})");
}

TEST_F(MigrationTest, AFormatTwoFolderDropsItsIndexAndRebuildsPostingLists) {
  write_store();
  {
    // As format 2 left it: one index key per (term, statement) with a one-byte value, no
    // posting lists, no indexer progress.
    auto engine = open();
    auto& e = *engine;
    rocksdb::WriteBatch batch;
    batch.DeleteRange(e.family(Family::Index), storage::store_prefix(0), std::string(5, '\xff'));
    std::unique_ptr<rocksdb::Iterator> it(e.db()->NewIterator(rocksdb::ReadOptions(), e.family(Family::Statements)));
    for (it->Seek(storage::store_prefix(1)); it->Valid() && it->key().starts_with(storage::store_prefix(1)); it->Next()) {
      auto record = storage::decode_record(it->value().ToStringView());
      ASSERT_TRUE(record.has_value());
      for (const storage::Term& t : record->terms)
        batch.Put(e.family(Family::Index), storage::index_key(1, t, storage::seq_suffix(it->key().ToStringView())),
                  std::string(1, char(t.flags)));
    }
    it.reset();
    put_format(e, batch, 2);
    ASSERT_TRUE(e.write_durable(batch).ok());
  }
  auto engine = open();
  ASSERT_TRUE(app::open_access_control(config_, *engine).ok());  // migrates at start
  EXPECT_EQ(*storage::read_data_format(*engine), storage::kDataFormatVersion);
  test_support::StatementsStack stack;
  stack.build(config_, std::move(engine));
  const std::string auth = stack.basic_auth();
  EXPECT_EQ(ids(stack, auth, {{"verb", "http://example.com/v3"}}),
            (std::vector<std::string>{uuid_n(2), uuid_n(3), uuid_n(4)}));
  EXPECT_EQ(ids(stack, auth, {{"registration", kRegistration}}), std::vector<std::string>{uuid_n(1)});
}

TEST_F(MigrationTest, AFormatThreeFolderRebuildsItsIndexWithAgentVerbPairs) {
  write_store();
  {
    // As format 3 left it: posting lists, but none for agent-verb pairs.
    auto engine = open();
    auto& e = *engine;
    rocksdb::WriteBatch batch;
    const std::string pairs = storage::store_prefix(1) + char(storage::IndexKind::AgentVerb);
    batch.DeleteRange(e.family(Family::Index), pairs, storage::store_prefix(1) + char(uint8_t(storage::IndexKind::AgentVerb) + 1));
    put_format(e, batch, 3);
    ASSERT_TRUE(e.write_durable(batch).ok());
  }
  auto engine = open();
  ASSERT_TRUE(app::open_access_control(config_, *engine).ok());  // migrates at start
  EXPECT_EQ(*storage::read_data_format(*engine), storage::kDataFormatVersion);
  test_support::StatementsStack stack;
  stack.build(config_, std::move(engine));
  const std::string auth = stack.basic_auth();
  const std::string c = R"({"mbox":"mailto:c@example.com"})";
  // 2 targets 3, which arrived after it, and 4 targets 2: both take 3's verb and actor.
  EXPECT_EQ(ids(stack, auth, {{"agent", c}, {"verb", "http://example.com/v3"}}),
            (std::vector<std::string>{uuid_n(2), uuid_n(4)}));
  EXPECT_EQ(ids(stack, auth, {{"agent", kAgentB}, {"verb", "http://example.com/v2"}}),
            (std::vector<std::string>{uuid_n(2), uuid_n(4)}));
  EXPECT_EQ(ids(stack, auth, {{"agent", c}, {"verb", "http://example.com/v4"}}), std::vector<std::string>{uuid_n(4)});
  EXPECT_EQ(ids(stack, auth, {{"agent", kAgentB}, {"verb", "http://example.com/v1"}}), std::vector<std::string>{});
}

TEST_F(MigrationTest, AFormatFourFolderRecordsWhoDeclaresEachAttachmentAndHashesAgentsKeys) {
  const std::string sha2(64, 'a');
  const std::string identity = "mbox\x1fmailto:a@example.com";
  storage::Seq seq = 0;
  std::string hashed_key;
  {
    auto engine = open();
    ASSERT_TRUE(app::open_access_control(config_, *engine).ok());
    test_support::StatementsStack stack;
    stack.build(config_, std::move(engine));
    const std::string statement = R"({"id":")" + uuid_n(1) +
        R"(","actor":{"name":"Ann","mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},)"
        R"("object":{"id":"http://example.com/a"},"attachments":[{"usageType":"http://example.com/u",)"
        R"("display":{"en-US":"f"},"contentType":"text/plain","length":1,"sha2":")" + sha2 +
        R"(","fileUrl":"http://example.com/f"}]})";
    ASSERT_EQ(as(stack, stack.basic_auth(), "POST", "/statements", {}, statement).status, 200);
    seq = stack.pipeline->committed_seq();
    hashed_key = storage::agent_key(1, xapi::person_entry_key(stack.stores->find("default")->term_key, identity));
  }
  {
    // As format 4 left it: no uses recorded.
    auto engine = open();
    auto& e = *engine;
    std::string use;
    ASSERT_TRUE(*e.get(Family::Attachments, storage::attachment_user_key(1, sha2, seq), &use));
    rocksdb::WriteBatch batch;
    batch.Delete(e.family(Family::Attachments), storage::attachment_user_key(1, sha2, seq));
    std::string person;  // format 4 keyed the Agents entry by the identity itself
    ASSERT_TRUE(*e.get(Family::Agents, hashed_key, &person));
    batch.Delete(e.family(Family::Agents), hashed_key);
    batch.Put(e.family(Family::Agents), storage::agent_key(1, identity), person);
    put_format(e, batch, 4);
    ASSERT_TRUE(e.write_durable(batch).ok());
  }
  auto engine = open();
  ASSERT_TRUE(app::open_access_control(config_, *engine).ok());  // migrates at start
  EXPECT_EQ(*storage::read_data_format(*engine), storage::kDataFormatVersion);
  std::string use, person;
  EXPECT_TRUE(*engine->get(Family::Attachments, storage::attachment_user_key(1, sha2, seq), &use));
  EXPECT_FALSE(*engine->get(Family::Agents, storage::agent_key(1, identity), &person));
  ASSERT_TRUE(*engine->get(Family::Agents, hashed_key, &person));
  EXPECT_NE(person.find("Ann"), std::string::npos);
}

TEST_F(MigrationTest, DataOfAnotherStoreIsRefused) {
  auto engine = open();
  rocksdb::WriteBatch batch;
  batch.Put(engine->family(Family::Statements), storage::statement_key(7, 1), "x");
  ASSERT_TRUE(engine->write_durable(batch).ok());
  std::ostringstream log;
  auto migrated = app::migrate_format_1(*engine, log);
  ASSERT_FALSE(migrated.ok());
  EXPECT_NE(migrated.error().message.find("store other than 1"), std::string::npos);
}

}  // namespace
}  // namespace scribe
