// The data folder's format version: a new folder is recognised and recorded, a recorded one
// read back, a folder that holds data but no record is format 1, and a format this Scribe
// neither reads nor migrates is refused with a message saying so.
#include <gtest/gtest.h>

#include <string>

#include "app/bootstrap.h"
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

TEST_F(DataFormatTest, ANewFolderIsRecordedAndReadBack) {
  auto engine = open();
  EXPECT_EQ(*read_data_format(*engine), kNewDataFolder);
  ASSERT_TRUE(app::open_access_control(config_, *engine).ok());
  EXPECT_EQ(*read_data_format(*engine), kDataFormatVersion);
  engine.reset();
  engine = open();
  EXPECT_EQ(*read_data_format(*engine), kDataFormatVersion);
  EXPECT_TRUE(app::open_access_control(config_, *engine).ok());
}

TEST_F(DataFormatTest, DataWithoutARecordIsFormatOne) {
  auto engine = open();
  rocksdb::WriteBatch batch;
  batch.Put(engine->family(Family::Meta), "credential/abc", "{}");
  ASSERT_TRUE(engine->write_durable(batch).ok());
  EXPECT_EQ(*read_data_format(*engine), 1u);
}

TEST_F(DataFormatTest, ANewerFormatIsRefused) {
  auto engine = open();
  std::string bytes;
  put_u32(bytes, kDataFormatVersion + 1);
  rocksdb::WriteBatch batch;
  batch.Put(engine->family(Family::Meta), "format_version", bytes);
  ASSERT_TRUE(engine->write_durable(batch).ok());
  auto access = app::open_access_control(config_, *engine);
  ASSERT_FALSE(access.ok());
  EXPECT_NE(access.error().message.find("format " + std::to_string(kDataFormatVersion + 1)), std::string::npos)
      << access.error().message;
}

}  // namespace
}  // namespace scribe::storage
