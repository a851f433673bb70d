#include "storage/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "storage/term_hash.h"

namespace scribe::storage {
namespace {

// Byte-wise (unsigned) comparison, as RocksDB's default comparator orders keys.
bool bytes_less(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  int c = std::memcmp(a.data(), b.data(), n);
  return c < 0 || (c == 0 && a.size() < b.size());
}

const TermKey kKey{1};
Term term(IndexKind kind, std::string_view text) { return Term{kind, hash_term(kKey, text)}; }

const Uuid kId = *parse_uuid("0123abcd-4567-89ef-fedc-ba9876543210");

TEST(Keys, FixedWidthIntegersAreBigEndianAndRoundTrip) {
  std::string s;
  put_u32(s, 0x01020304u);
  put_u64(s, 0x1122334455667788ull);
  ASSERT_EQ(s.size(), 12u);
  EXPECT_EQ(s.substr(0, 4), std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(s.substr(4), std::string("\x11\x22\x33\x44\x55\x66\x77\x88", 8));
  EXPECT_EQ(get_u32(s), 0x01020304u);
  EXPECT_EQ(get_u64(std::string_view(s).substr(4)), 0x1122334455667788ull);
  for (uint64_t v : {0ull, 1ull, 255ull, 256ull, 0x80ull << 56, ~0ull}) {
    std::string b;
    put_u64(b, v);
    EXPECT_EQ(get_u64(b), v);
  }
}

TEST(Keys, StatementKeyByteOrderIsNumericSeqOrder) {
  std::vector<Seq> seqs = {0,   1,           127,         128,         255,        256,
                           257, 65535,       65536,       1ull << 31,  1ull << 32, 1ull << 55,
                           1ull << 56, (1ull << 63) - 1, 1ull << 63,  ~0ull - 1,  ~0ull};
  for (size_t i = 0; i + 1 < seqs.size(); i++) {
    EXPECT_TRUE(bytes_less(statement_key(7, seqs[i]), statement_key(7, seqs[i + 1])))
        << seqs[i] << " vs " << seqs[i + 1];
    EXPECT_TRUE(bytes_less(index_key(7, term(IndexKind::Verb, "v"), seqs[i]),
                           index_key(7, term(IndexKind::Verb, "v"), seqs[i + 1])));
  }
  // A realistic range: microsecond timestamps, including ones that differ in a high byte.
  Seq a = 1700000000000000ull, b = a + 1, c = a + 256, d = a + (1ull << 40);
  EXPECT_TRUE(bytes_less(statement_key(1, a), statement_key(1, b)));
  EXPECT_TRUE(bytes_less(statement_key(1, b), statement_key(1, c)));
  EXPECT_TRUE(bytes_less(statement_key(1, c), statement_key(1, d)));
}

TEST(Keys, EveryKeyOfAStoreSortsBeforeEveryKeyOfTheNextStore) {
  EXPECT_TRUE(bytes_less(statement_key(1, ~0ull), statement_key(2, 0)));
  EXPECT_TRUE(bytes_less(statement_key(255, ~0ull), statement_key(256, 0)));
  Term t = term(IndexKind::Activity, "x");
  EXPECT_TRUE(bytes_less(index_key(1, t, ~0ull), index_key(2, term(IndexKind::Agent, "a"), 0)));
  EXPECT_TRUE(statement_key(9, 5).starts_with(store_prefix(9)));
  EXPECT_TRUE(index_key(9, t, 5).starts_with(store_prefix(9)));
  EXPECT_TRUE(statement_id_key(9, kId).starts_with(store_prefix(9)));
  EXPECT_TRUE(voided_key(9, kId).starts_with(store_prefix(9)));
  EXPECT_TRUE(refs_key(9, kId, 5).starts_with(store_prefix(9)));
  EXPECT_FALSE(statement_key(9, 5).starts_with(store_prefix(10)));
}

TEST(Keys, KeyLayoutsMatchTheDocumentedWidths) {
  Term t = term(IndexKind::Activity, "http://example.com/a");
  EXPECT_EQ(store_prefix(1).size(), 4u);
  EXPECT_EQ(statement_key(1, 2).size(), 4u + 8u);
  EXPECT_EQ(statement_id_key(1, kId).size(), 4u + 16u);
  EXPECT_EQ(index_prefix(1, t).size(), 4u + 1u + 16u);
  EXPECT_EQ(index_key(1, t, 2).size(), 4u + 1u + 16u + 8u);
  EXPECT_EQ(voided_key(1, kId).size(), 4u + 16u);
  EXPECT_EQ(refs_key(1, kId, 2).size(), 4u + 16u + 8u);
  EXPECT_EQ(index_key(1, t, 2).substr(0, 21), index_prefix(1, t));
  EXPECT_EQ(index_prefix(1, t)[4], char(IndexKind::Activity));
  EXPECT_EQ(refs_key(1, kId, 2).substr(0, 20), refs_prefix(1, kId));
  EXPECT_EQ(statement_id_key(1, kId).substr(4), std::string(reinterpret_cast<const char*>(kId.data()), 16));
}

TEST(Keys, IndexPrefixesSeparateKindsAndTerms) {
  EXPECT_NE(index_prefix(1, term(IndexKind::Agent, "x")),
            index_prefix(1, term(IndexKind::Activity, "x")));
  EXPECT_NE(index_prefix(1, term(IndexKind::Verb, "x")), index_prefix(1, term(IndexKind::Verb, "y")));
  EXPECT_EQ(index_prefix(1, term(IndexKind::Verb, "x")), index_prefix(1, term(IndexKind::Verb, "x")));
}

TEST(Keys, SeqSuffixReadsTheTrailingSeqOfEveryKeyKind) {
  Term t = term(IndexKind::Registration, "r");
  for (Seq s : {Seq(0), Seq(1), Seq(1700000000123456ull), ~Seq(0)}) {
    EXPECT_EQ(seq_suffix(statement_key(3, s)), s);
    EXPECT_EQ(seq_suffix(index_key(3, t, s)), s);
    EXPECT_EQ(seq_suffix(refs_key(3, kId, s)), s);
  }
}

TEST(Keys, RecordRoundTripsIdFlagsTermsAndJson) {
  StatementRecord r;
  r.id = kId;
  r.flags = StatementRecord::kTimestampFromStored | 2;
  r.terms = {term(IndexKind::Agent, "mbox\x1fmailto:a@b.c"), term(IndexKind::Verb, "http://v"),
             term(IndexKind::Activity, "http://a")};
  r.json = R"({"id":"0123abcd-4567-89ef-fedc-ba9876543210","verb":{"id":"http://v"}})";
  std::string bytes = encode_record(r);
  EXPECT_EQ(bytes.size(), 16u + 1u + 2u + 3u * 18u + r.json.size());

  auto back = decode_record(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->id, r.id);
  EXPECT_EQ(back->flags, r.flags);
  EXPECT_EQ(back->terms, r.terms);
  EXPECT_EQ(back->json, r.json);
}

TEST(Keys, RecordWithoutTermsOrJsonRoundTrips) {
  StatementRecord r;
  r.id = kId;
  auto back = decode_record(encode_record(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->terms.empty());
  EXPECT_TRUE(back->json.empty());
  EXPECT_EQ(back->id, kId);
}

TEST(Keys, RecordWithManyTermsRoundTrips) {
  // More than 255 terms exercises the high byte of the term count.
  StatementRecord r;
  r.id = kId;
  for (int i = 0; i < 300; i++) r.terms.push_back(term(IndexKind::Agent, std::to_string(i)));
  r.json = "{}";
  auto back = decode_record(encode_record(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->terms, r.terms);
  EXPECT_EQ(back->json, "{}");
}

TEST(Keys, RecordJsonSkipsTermsAndReportsFlagsAndId) {
  StatementRecord r;
  r.id = kId;
  r.flags = StatementRecord::kTimestampFromStored;
  r.terms = {term(IndexKind::Verb, "a"), term(IndexKind::Verb, "b")};
  r.json = R"({"x":1})";
  std::string bytes = encode_record(r);
  uint8_t flags = 0;
  Uuid id{};
  auto json = record_json(bytes, &flags, &id);
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(*json, r.json);
  EXPECT_EQ(flags, StatementRecord::kTimestampFromStored);
  EXPECT_EQ(id, kId);
  // Out-parameters are optional.
  auto again = record_json(bytes, nullptr, nullptr);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, r.json);
}

TEST(Keys, TruncatedRecordsAreRejected) {
  StatementRecord r;
  r.id = kId;
  r.terms = {term(IndexKind::Verb, "a"), term(IndexKind::Verb, "b")};
  r.json = "{}";
  std::string bytes = encode_record(r);
  EXPECT_FALSE(decode_record(bytes.substr(0, 10)).has_value());
  EXPECT_FALSE(record_json(bytes.substr(0, 10), nullptr, nullptr).has_value());
  // Header intact but the terms it announces are cut short.
  std::string cut = bytes.substr(0, 19 + 17 + 5);
  EXPECT_FALSE(decode_record(cut).has_value());
  EXPECT_FALSE(record_json(cut, nullptr, nullptr).has_value());
  EXPECT_FALSE(decode_record("").has_value());
}

TEST(Keys, ParsesUuidsInEitherCaseToTheSameBytes) {
  auto lower = parse_uuid("0123abcd-4567-89ef-fedc-ba9876543210");
  auto upper = parse_uuid("0123ABCD-4567-89EF-FEDC-BA9876543210");
  auto mixed = parse_uuid("0123AbCd-4567-89eF-FEdc-ba9876543210");
  ASSERT_TRUE(lower && upper && mixed);
  EXPECT_EQ(*lower, *upper);
  EXPECT_EQ(*lower, *mixed);
  EXPECT_EQ((*lower)[0], 0x01);
  EXPECT_EQ((*lower)[1], 0x23);
  EXPECT_EQ((*lower)[2], 0xab);
  EXPECT_EQ((*lower)[15], 0x10);
}

TEST(Keys, FormatsUuidsLowerCaseWithHyphens) {
  auto id = parse_uuid("0123ABCD-4567-89EF-FEDC-BA9876543210");
  ASSERT_TRUE(id);
  EXPECT_EQ(format_uuid(*id), "0123abcd-4567-89ef-fedc-ba9876543210");
  Uuid zero{};
  EXPECT_EQ(format_uuid(zero), "00000000-0000-0000-0000-000000000000");
  Uuid ff;
  ff.fill(0xff);
  EXPECT_EQ(format_uuid(ff), "ffffffff-ffff-ffff-ffff-ffffffffffff");
  EXPECT_EQ(parse_uuid(format_uuid(ff)), ff);
}

TEST(Keys, RejectsMalformedUuids) {
  for (std::string_view bad : {"", "0123abcd456789effedcba9876543210",
                               "0123abcd-4567-89ef-fedc-ba987654321",
                               "0123abcd-4567-89ef-fedc-ba98765432100",
                               "0123abcd-4567-89ef-fedc_ba9876543210",
                               "0123abc-d4567-89ef-fedc-ba9876543210",
                               "0123abcg-4567-89ef-fedc-ba9876543210",
                               "{123abcd-4567-89ef-fedc-ba987654321}",
                               " 123abcd-4567-89ef-fedc-ba9876543210",
                               "0123abcd-4567-89ef-fedc-ba987654321 "})
    EXPECT_FALSE(parse_uuid(bad).has_value()) << bad;
}

}  // namespace
}  // namespace scribe::storage
