// The data folder's format version: recorded in a new folder, accepted again at the next
// start, and a folder written before format 2 (unkeyed term hashes) or by a newer Scribe is
// refused with a message that says how to move its data.
#include <gtest/gtest.h>

#include <string>

#include "storage/data_format.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "tests/support/lrs_fixture.h"
#include "tests/support/temp_dir.h"

namespace scribe::storage {
namespace {

class DataFormatTest : public ::testing::Test {
 protected:
  std::unique_ptr<Engine> open() {
    auto e = test_support::open_test_engine(config_, dir_.path());
    EXPECT_TRUE(e.ok());
    return e.ok() ? std::move(*e) : nullptr;
  }
  test_support::TempDir dir_{"/tmp/scribe-format"};
  Config config_;
};

TEST_F(DataFormatTest, ANewFolderIsRecordedAndAcceptedAgain) {
  auto engine = open();
  ASSERT_TRUE(check_data_format(*engine).ok());
  std::string value;
  ASSERT_TRUE(*engine->get(Family::Meta, "format_version", &value));
  EXPECT_EQ(get_u32(value), kDataFormatVersion);
  engine.reset();
  engine = open();
  EXPECT_TRUE(check_data_format(*engine).ok());
}

TEST_F(DataFormatTest, AFormatOneFolderIsRefusedWithHowToMigrate) {
  auto engine = open();
  rocksdb::WriteBatch batch;  // what a format-1 server left: a statement and a credential
  batch.Put(engine->family(Family::Statements), statement_key(1, 42), "record");
  batch.Put(engine->family(Family::Meta), "credential/abc", "{}");
  ASSERT_TRUE(engine->write_durable(batch).ok());
  Status s = check_data_format(*engine);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("format 1"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("scribe import"), std::string::npos) << s.error().message;
}

TEST_F(DataFormatTest, ANewerFormatIsRefused) {
  auto engine = open();
  std::string bytes;
  put_u32(bytes, kDataFormatVersion + 1);
  rocksdb::WriteBatch batch;
  batch.Put(engine->family(Family::Meta), "format_version", bytes);
  ASSERT_TRUE(engine->write_durable(batch).ok());
  Status s = check_data_format(*engine);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("format " + std::to_string(kDataFormatVersion + 1)), std::string::npos);
}

}  // namespace
}  // namespace scribe::storage
