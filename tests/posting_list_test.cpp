// Posting lists: the codec round-trips, rejects every malformed value, and insert keeps order.
#include "storage/posting_list.h"

#include <gtest/gtest.h>

#include <random>

namespace scribe::storage {
namespace {

TEST(PostingListTest, EncodeThenDecodeGivesTheSameList) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; round++) {
    std::vector<Posting> list;
    Seq seq = rng() >> 8;
    const size_t n = 1 + rng() % kPostingEntriesMax;
    for (size_t i = 0; i < n; i++) {
      list.push_back(Posting{seq, uint8_t(rng() & 1)});
      seq += 1 + (rng() % 4 == 0 ? rng() % (1ull << 40) : rng() % 300);
    }
    auto decoded = decode_postings(list[0].seq, encode_postings(list));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, list);
  }
}

TEST(PostingListTest, ASmallDeltaTakesOneByte) {
  std::vector<Posting> list{{1000, 1}, {1001, 0}, {1050, 1}};
  EXPECT_EQ(encode_postings(list).size(), 1u + 1u + 3u);  // tag, count, three one-byte words
}

TEST(PostingListTest, DecodeRejectsMalformedValues) {
  const std::string good = encode_postings({{10, 0}, {12, 1}});
  ASSERT_TRUE(decode_postings(10, good).has_value());
  EXPECT_FALSE(decode_postings(10, "").has_value());
  EXPECT_FALSE(decode_postings(10, std::string(1, '\x02') + good.substr(1)).has_value()) << "tag";
  EXPECT_FALSE(decode_postings(10, good + "\x01").has_value()) << "trailing bytes";
  EXPECT_FALSE(decode_postings(10, good.substr(0, good.size() - 1)).has_value()) << "truncated";
  std::string wrong_count = good;
  wrong_count[1] = 3;
  EXPECT_FALSE(decode_postings(10, wrong_count).has_value()) << "count";
  // A repeated seq (delta 0 after the first) and a non-zero first delta are both corrupt.
  EXPECT_FALSE(decode_postings(10, std::string("\x01\x02\x00\x00", 4)).has_value());
  EXPECT_FALSE(decode_postings(10, std::string("\x01\x01\x04", 3)).has_value());
  // A count larger than the bytes that follow is refused before anything is reserved.
  EXPECT_FALSE(decode_postings(10, std::string("\x01\xff\xff\xff\xff\x0f\x00", 7)).has_value());
  // An over-long varint.
  EXPECT_FALSE(decode_postings(10, std::string("\x01\x01") + std::string(11, '\x80')).has_value());
}

TEST(PostingListTest, DecodeRejectsSeqOverflow) {
  std::string v("\x01\x02\x00", 3);
  v += std::string("\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);  // delta 2^63 - 1
  EXPECT_FALSE(decode_postings(~Seq(0) - 5, v).has_value());
}

TEST(PostingListTest, InsertKeepsOrderAndMergesFlags) {
  std::vector<Posting> list{{10, 0}, {20, 0}};
  insert_posting(list, {15, 1});
  insert_posting(list, {5, 0});
  insert_posting(list, {20, 1});
  insert_posting(list, {30, 0});
  EXPECT_EQ(list, (std::vector<Posting>{{5, 0}, {10, 0}, {15, 1}, {20, 1}, {30, 0}}));
}

}  // namespace
}  // namespace scribe::storage
