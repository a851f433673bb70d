// StatementCodec: statements stay as they are until a store's dictionary is trained on its own
// statements, then compress with it; dictionaries are durable, per store, and named by records.
#include "storage/statement_codec.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "storage/store_data.h"
#include "tests/support/lrs_test.h"
#include "tests/support/temp_dir.h"

namespace scribe::storage {
namespace {

using namespace std::chrono_literals;
using test_support::TempDir;

std::string statement(int n) {
  return test_support::test_statement(test_support::uuid_n(n), "mailto:learner" + std::to_string(n % 97) + "@example.com",
                                      "http://example.com/course/" + std::to_string(n % 13) + "/activity/" + std::to_string(n % 7),
                                      n % 2 ? "http://adlnet.gov/expapi/verbs/completed" : "http://adlnet.gov/expapi/verbs/attempted");
}

class StatementCodecTest : public ::testing::Test {
 protected:
  void SetUp() override { open_engine(); }
  void open_engine() {
    codec_.reset();
    engine_.reset();
    auto e = Engine::open({dir_.path(), 8 << 20, false});
    ASSERT_TRUE(e.ok()) << e.error().describe();
    engine_ = std::move(*e);
  }
  std::unique_ptr<StatementCodec> open_codec(CodecOptions options = {4096, 64 << 10, 3}) {
    auto c = StatementCodec::open(*engine_, options);
    EXPECT_TRUE(c.ok()) << c.error().describe();
    return c.ok() ? std::move(*c) : nullptr;
  }
  // Encodes statements of `store` until its dictionary is trained (bounded).
  void train(StatementCodec& codec, StoreId store) {
    uint8_t flags = 0;
    for (int n = 0; n < 5000 && !codec.has_dictionary(store); n++) {
      codec.encode(store, statement(n), flags);
      if (n % 200 == 199) std::this_thread::sleep_for(5ms);
    }
    for (int i = 0; i < 400 && !codec.has_dictionary(store); i++) std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(codec.has_dictionary(store));
  }

  TempDir dir_{"/tmp/scribe-codec"};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<StatementCodec> codec_;
};

TEST_F(StatementCodecTest, StatementsStayAsTheyAreUntilTheStoreHasADictionary) {
  auto codec = open_codec();
  uint8_t flags = 0;
  EXPECT_FALSE(codec->encode(1, statement(1), flags).has_value());
  EXPECT_EQ(flags, 0);
  std::string scratch;
  const std::string payload = statement(1);  // decode answers a view into it: it must outlive json
  auto json = codec->decode(1, payload, flags, scratch);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, statement(1));
}

TEST_F(StatementCodecTest, ATrainedDictionaryCompressesAndDecodesExactly) {
  auto codec = open_codec();
  train(*codec, 1);
  size_t raw = 0, stored = 0;
  for (int n = 10000; n < 10100; n++) {
    uint8_t flags = 0;
    const std::string json = statement(n);
    auto payload = codec->encode(1, json, flags);
    ASSERT_TRUE(payload.has_value());
    EXPECT_TRUE(flags & StatementCodec::kPayloadCompressed);
    raw += json.size();
    stored += payload->size();
    std::string scratch;
    auto back = codec->decode(1, *payload, flags, scratch);
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(*back, json);
  }
  EXPECT_LT(stored * 3, raw) << "a dictionary of the store's own statements compresses them well";
}

TEST_F(StatementCodecTest, DictionariesAreDurableAndPerStore) {
  std::string payload;
  uint8_t flags = 0;
  {
    auto codec = open_codec();
    train(*codec, 7);
    EXPECT_FALSE(codec->has_dictionary(8));
    payload = *codec->encode(7, statement(42), flags);
    uint8_t other_flags = 0;
    EXPECT_FALSE(codec->encode(8, statement(42), other_flags).has_value()) << "store 8 has no dictionary";
  }
  open_engine();
  auto codec = open_codec();
  EXPECT_TRUE(codec->has_dictionary(7));
  EXPECT_FALSE(codec->has_dictionary(8));
  std::string scratch;
  auto back = codec->decode(7, payload, flags, scratch);
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(*back, statement(42));
  // Another store's records never decode with this store's dictionary.
  EXPECT_FALSE(codec->decode(8, payload, flags, scratch).ok());
}

TEST_F(StatementCodecTest, DeletingAStoreDeletesItsDictionaries) {
  auto codec = open_codec();
  train(*codec, 3);
  train(*codec, 4);
  rocksdb::WriteBatch batch;
  add_store_deletion(*engine_, 3, batch);
  ASSERT_TRUE(engine_->write_durable(batch).ok());
  std::string v;
  EXPECT_FALSE(*engine_->get(Family::Meta, dictionary_key(3, 1), &v));
  EXPECT_TRUE(*engine_->get(Family::Meta, dictionary_key(4, 1), &v));
}

TEST_F(StatementCodecTest, CorruptPayloadsAreErrorsNotGarbage) {
  auto codec = open_codec();
  train(*codec, 1);
  uint8_t flags = 0;
  std::string payload = *codec->encode(1, statement(5), flags);
  std::string scratch;
  EXPECT_FALSE(codec->decode(1, payload.substr(0, payload.size() - 3), flags, scratch).ok()) << "truncated";
  EXPECT_FALSE(codec->decode(1, "ab", flags, scratch).ok()) << "shorter than a dictionary id";
  std::string unknown = payload;
  unknown[3] = char(99);
  EXPECT_FALSE(codec->decode(1, unknown, flags, scratch).ok()) << "unknown dictionary";
  EXPECT_FALSE(decode_payload(nullptr, 1, payload, flags, scratch).ok()) << "no codec";
  EXPECT_TRUE(decode_payload(nullptr, 1, "{}", 0, scratch).ok());
}

TEST_F(StatementCodecTest, ADictionarySizeOfZeroNeverCompresses) {
  auto codec = open_codec(CodecOptions{0, 1024, 3});
  uint8_t flags = 0;
  for (int n = 0; n < 200; n++) EXPECT_FALSE(codec->encode(1, statement(n), flags).has_value());
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(codec->has_dictionary(1));
}

// Through the whole stack: statements written before and after the store's dictionary read back
// exactly, and deleting the store deletes its dictionary.
class CompressedStoreTest : public test_support::LrsTest {
 protected:
  CompressedStoreTest() : LrsTest("/tmp/scribe-compressed") {
    config_.storage.compression_dictionary_bytes = 4096;
    config_.storage.compression_train_bytes = 32 << 10;
  }
};

TEST_F(CompressedStoreTest, StatementsReadBackExactlyBeforeAndAfterTraining) {
  const std::string auth = stack_.basic_auth();
  std::vector<std::string> ids;
  for (int n = 1; n <= 400; n++) {
    auto r = as(auth, "PUT", "/statements", {{"statementId", test_support::uuid_n(n)}}, statement(n));
    ASSERT_EQ(r.status, 204) << r.body;
    if (n == 200) {
      for (int i = 0; i < 400 && !stack_.codec->has_dictionary(1); i++) std::this_thread::sleep_for(5ms);
      ASSERT_TRUE(stack_.codec->has_dictionary(1));
    }
  }
  for (int n : {1, 150, 250, 400}) {
    auto r = as(auth, "GET", "/statements", {{"statementId", test_support::uuid_n(n)}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = test_support::body_json(r);
    EXPECT_EQ(body.get_string("id"), test_support::uuid_n(n));
    EXPECT_EQ(body.get("object")->get_string("id"), json::parse(statement(n))->get("object")->get_string("id"));
  }
  // A query decodes every compressed statement of the page; a re-sent statement still matches.
  auto page = as(auth, "GET", "/statements", {{"verb", "http://adlnet.gov/expapi/verbs/completed"}, {"limit", "500"}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(test_support::body_json(page).get("statements")->as_array().size(), 200u);
  EXPECT_EQ(as(auth, "PUT", "/statements", {{"statementId", test_support::uuid_n(300)}}, statement(300)).status, 204);
  const std::string changed = test_support::test_statement(test_support::uuid_n(300), "mailto:other@example.com", "http://example.com/x");
  EXPECT_EQ(as(auth, "PUT", "/statements", {{"statementId", test_support::uuid_n(300)}}, changed).status, 409);
}

}  // namespace
}  // namespace scribe::storage
