// The evidence log's layout in RocksDB (storage/evidence_log.h): leaves and nodes appended in
// commits of any size are written as runs of at most kRunMax entries, and read back exactly:
// every leaf by its seq (and none for a seq without one), every node, the log's size and last
// seq, and a frontier with the root of the tree built in memory; the one-key-per-entry layout
// of earlier builds reads the same; a malformed run is an error, never "absent".
#include <gtest/gtest.h>

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "evidence/merkle.h"
#include "storage/evidence_log.h"
#include "tests/support/temp_dir.h"

namespace scribe::storage {
namespace {

evidence::Hash leaf_of(uint64_t i) { return evidence::leaf_hash("leaf " + std::to_string(i)); }
std::string salt_of(uint64_t i) {
  std::string s(16, '\0');
  for (size_t b = 0; b < 8; b++) s[b] = char(i >> (8 * b));
  s[15] = 's';
  return s;
}
Seq seq_of(uint64_t i) { return 1000 + 3 * i; }  // gaps between seqs, as rejected requests leave

class EvidenceLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::open({dir_.path(), 8 << 20, false});
    ASSERT_TRUE(e.ok()) << e.error().describe();
    engine_ = std::move(*e);
  }
  // Appends leaves [from, to) of store 7 in one commit.
  void commit(uint64_t from, uint64_t to) {
    std::vector<LogEntry> entries;
    for (uint64_t i = from; i < to; i++) append_leaf(7, seq_of(i), salt_of(i), leaf_of(i), frontier_, entries);
    rocksdb::WriteBatch batch;
    size_t keys = 0;
    write_log_runs(entries, [&](std::string k, std::string v) {
      batch.Put(engine_->family(Family::Evidence), k, v);
      keys++;
    });
    ASSERT_TRUE(engine_->write_durable(batch).ok());
    keys_ += keys;
  }
  void expect_log(uint64_t size) {
    EXPECT_EQ(*log_size(*engine_, 7), size);
    EXPECT_EQ(last_leaf(*engine_, 7)->seq, seq_of(size - 1));
    EXPECT_EQ(last_leaf(*engine_, 7)->count, size);
    for (uint64_t i = 0; i < size; i++) {
      auto leaf = read_leaf(*engine_, 7, seq_of(i));
      ASSERT_TRUE(leaf.ok() && leaf->has_value()) << i;
      EXPECT_EQ((*leaf)->index, i);
      EXPECT_EQ((*leaf)->salt, salt_of(i));
      EXPECT_FALSE(read_leaf(*engine_, 7, seq_of(i) + 1)->has_value()) << i;
    }
    EXPECT_FALSE(read_leaf(*engine_, 7, 5)->has_value());  // before the first
    EXPECT_FALSE(read_leaf(*engine_, 8, seq_of(0))->has_value());  // another store
    auto loaded = load_frontier(*engine_, 7);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->size(), size);
    EXPECT_EQ(loaded->root(), frontier_.root());
    // Every proof from the stored nodes verifies.
    evidence::Prover prover(node_reader(*engine_, 7));
    for (uint64_t i = 0; i < size; i += 37) {
      auto path = prover.inclusion(i, size);
      ASSERT_TRUE(path.ok()) << path.error().message;
      EXPECT_TRUE(evidence::verify_inclusion(i, size, leaf_of(i), *path, frontier_.root())) << i;
    }
  }

  test_support::TempDir dir_{"/tmp/scribe-evidence-log"};
  std::unique_ptr<Engine> engine_;
  evidence::Frontier frontier_;
  size_t keys_ = 0;
};

TEST_F(EvidenceLogTest, CommitsOfAnySizeReadBackExactly) {
  commit(0, 1);
  commit(1, 100);
  commit(100, 700);  // over kRunMax: split into runs
  commit(700, 701);
  commit(701, 1000);
  expect_log(1000);
  // About two keys per kRunMax leaves (their leaf run and level-0 run) plus the higher levels,
  // not three per leaf.
  EXPECT_LT(keys_, 60u);
}

TEST_F(EvidenceLogTest, TheOneKeyPerEntryLayoutReadsTheSame) {
  rocksdb::WriteBatch batch;
  for (uint64_t i = 0; i < 300; i++) {
    std::string leaf;
    put_u64(leaf, i);
    leaf += salt_of(i);
    batch.Put(engine_->family(Family::Evidence), leaf_key(7, seq_of(i)), leaf);
    frontier_.append(leaf_of(i), [&](evidence::NodeId id, const evidence::Hash& h) {
      batch.Put(engine_->family(Family::Evidence), node_key(7, id.level, id.index), std::string(evidence::as_bytes(h)));
    });
  }
  ASSERT_TRUE(engine_->write_durable(batch).ok());
  expect_log(300);
  commit(300, 400);  // and runs after it
  expect_log(400);
}

TEST_F(EvidenceLogTest, AMalformedRunIsAnError) {
  commit(0, 10);
  rocksdb::WriteBatch batch;
  batch.Put(engine_->family(Family::Evidence), leaf_key(7, seq_of(10)), "short");
  batch.Put(engine_->family(Family::Evidence), node_key(7, 0, 10), std::string(33, 'x'));
  ASSERT_TRUE(engine_->write_durable(batch).ok());
  EXPECT_FALSE(read_leaf(*engine_, 7, seq_of(10)).ok());
  EXPECT_FALSE(log_size(*engine_, 7).ok());
  EXPECT_FALSE(last_leaf(*engine_, 7).ok());
}

TEST_F(EvidenceLogTest, LeavesAreVisitedByIndexRange) {
  commit(0, 1);
  commit(1, 100);
  commit(100, 700);
  for (auto [first, end] : {std::pair<uint64_t, uint64_t>{250, 620}, {0, 700}, {699, 700}, {0, 1}, {5, 5}, {690, 900}}) {
    std::vector<uint64_t> seen;
    Status s = for_each_leaf(*engine_, 7, first, end, [&](uint64_t index, Seq seq, std::string_view salt) -> Status {
      EXPECT_EQ(seq, seq_of(index));
      EXPECT_EQ(salt, salt_of(index));
      seen.push_back(index);
      return Status::success();
    });
    ASSERT_TRUE(s.ok());
    const uint64_t last = std::min<uint64_t>(end, 700);
    ASSERT_EQ(seen.size(), last - first) << first << ".." << end;
    for (size_t i = 0; i < seen.size(); i++) EXPECT_EQ(seen[i], first + i);
  }
  // A visitor's error ends the walk with it.
  int calls = 0;
  EXPECT_FALSE(for_each_leaf(*engine_, 7, 0, 700, [&](uint64_t, Seq, std::string_view) -> Status {
                 return ++calls == 3 ? Status(Error{500, "", "stop"}) : Status::success();
               }).ok());
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace scribe::storage
