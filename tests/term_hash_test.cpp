// Keyed term hashes: Scribe's SipHash-2-4-128 against OpenSSL's implementation (EVP_MAC
// "SIPHASH", size 16), which we did not write, and the properties the index relies on.
#include <gtest/gtest.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <string>
#include <vector>

#include "storage/term_hash.h"

namespace scribe::storage {
namespace {

TermHash openssl_siphash128(const TermKey& key, std::string_view data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "SIPHASH", nullptr);
  EXPECT_NE(mac, nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  size_t size = 16;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size), OSSL_PARAM_END};
  EXPECT_EQ(EVP_MAC_init(ctx, key.data(), key.size(), params), 1);
  EXPECT_EQ(EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()), 1);
  TermHash out{};
  size_t written = 0;
  EXPECT_EQ(EVP_MAC_final(ctx, out.data(), &written, out.size()), 1);
  EXPECT_EQ(written, 16u);
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return out;
}

TermKey key_of(uint8_t first) {
  TermKey k;
  for (size_t i = 0; i < k.size(); i++) k[i] = uint8_t(first + i);
  return k;
}

TEST(TermHash, EqualsOpenSslSipHash128ForEveryLengthUpTo200Bytes) {
  std::string data;
  for (int len = 0; len <= 200; len++) {
    for (uint8_t first : {uint8_t(0), uint8_t(0x5a), uint8_t(0xf0)}) {
      TermKey key = key_of(first);
      EXPECT_EQ(hash_term(key, data), openssl_siphash128(key, data)) << "length " << len;
    }
    data.push_back(char((len * 131 + 7) & 0xff));
  }
}

TEST(TermHash, MatchesThePublishedReferenceVectors) {
  // SipHash-2-4-128 reference vectors (veorq/SipHash vectors.h, vectors_sip128): key 00..0f,
  // message i = bytes 00..(i-1); entries 0, 1, 2 and 15.
  const std::vector<std::pair<int, TermHash>> vectors = {
      {0, {0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6, 0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93}},
      {1, {0xda, 0x87, 0xc1, 0xd8, 0x6b, 0x99, 0xaf, 0x44, 0x34, 0x76, 0x59, 0x11, 0x9b, 0x22, 0xfc, 0x45}},
      {2, {0x81, 0x77, 0x22, 0x8d, 0xa4, 0xa4, 0x5d, 0xc7, 0xfc, 0xa3, 0x8b, 0xde, 0xf6, 0x0a, 0xff, 0xe4}},
      {15, {0x54, 0x93, 0xe9, 0x99, 0x33, 0xb0, 0xa8, 0x11, 0x7e, 0x08, 0xec, 0x0f, 0x97, 0xcf, 0xc3, 0xd9}},
  };
  for (const auto& [length, expected] : vectors) {
    std::string input;
    for (int i = 0; i < length; i++) input.push_back(char(i));
    EXPECT_EQ(hash_term(key_of(0), input), expected) << "length " << length;
  }
}

TEST(TermHash, DependsOnTheKey) {
  const std::string term = "mbox\x1fmailto:learner@example.com";
  EXPECT_EQ(hash_term(key_of(1), term), hash_term(key_of(1), term));
  EXPECT_NE(hash_term(key_of(1), term), hash_term(key_of(2), term));
}

TEST(TermHash, DistinguishesTermsOfEveryTailLength) {
  std::vector<TermHash> hashes;
  std::string s;
  for (int i = 0; i <= 40; i++) {
    hashes.push_back(hash_term(key_of(3), s));
    s.push_back(char('a' + i % 26));
  }
  std::sort(hashes.begin(), hashes.end());
  EXPECT_EQ(std::unique(hashes.begin(), hashes.end()), hashes.end());
}

}  // namespace
}  // namespace scribe::storage
