// storage::undo_batch: the batch that puts back what unsynced writes changed, as of a snapshot
// taken before them (puts, merges and deletes alike; absent keys deleted again).
#include "storage/write_undo.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/engine.h"
#include "tests/support/temp_dir.h"

namespace scribe::storage {
namespace {

TEST(WriteUndo, PutsBackEveryKeyTheBatchesWroteAsOfTheSnapshot) {
  test_support::TempDir dir("scribe-undo");
  auto opened = Engine::open({dir.path(), 8 << 20, false});
  ASSERT_TRUE(opened.ok()) << opened.error().describe();
  Engine& engine = **opened;
  rocksdb::WriteBatch setup;
  setup.Put(engine.family(Family::Statements), "kept", "before");
  setup.Put(engine.family(Family::Meta), "deleted", "before");
  setup.Put(engine.family(Family::Refs), "untouched", "before");
  ASSERT_TRUE(engine.write_durable(setup));

  const rocksdb::Snapshot* before = engine.db()->GetSnapshot();
  rocksdb::WriteBatch first, second;
  first.Put(engine.family(Family::Statements), "kept", "after");
  first.Put(engine.family(Family::StatementIds), "new", "after");
  second.Delete(engine.family(Family::Meta), "deleted");
  second.Merge(engine.family(Family::Activities), "merged", R"({"id":"http://example.com/a"})");
  ASSERT_TRUE(engine.write_unsynced(first));
  ASSERT_TRUE(engine.write_unsynced(second));
  setup.Clear();
  setup.Put(engine.family(Family::Refs), "untouched", "later");  // not in the undone batches
  ASSERT_TRUE(engine.write_unsynced(setup));

  auto undo = undo_batch(engine, before, {&first, &second});
  ASSERT_TRUE(undo.ok()) << undo.error().describe();
  EXPECT_EQ(undo->Count(), 4u);
  ASSERT_TRUE(engine.write_durable(*undo));
  engine.db()->ReleaseSnapshot(before);

  std::string value;
  ASSERT_TRUE(*engine.get(Family::Statements, "kept", &value));
  EXPECT_EQ(value, "before");
  EXPECT_FALSE(*engine.get(Family::StatementIds, "new", &value));
  ASSERT_TRUE(*engine.get(Family::Meta, "deleted", &value));
  EXPECT_EQ(value, "before");
  EXPECT_FALSE(*engine.get(Family::Activities, "merged", &value));
  ASSERT_TRUE(*engine.get(Family::Refs, "untouched", &value));
  EXPECT_EQ(value, "later");
}

TEST(WriteUndo, NeedsTheSnapshot) {
  test_support::TempDir dir("scribe-undo");
  auto opened = Engine::open({dir.path(), 8 << 20, false});
  ASSERT_TRUE(opened.ok());
  rocksdb::WriteBatch batch;
  EXPECT_FALSE(undo_batch(**opened, nullptr, {&batch}).ok());
}

}  // namespace
}  // namespace scribe::storage
