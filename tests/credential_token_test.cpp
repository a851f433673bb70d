// Generated credential tokens: base64url, the requested entropy, and never a leading '-'
// (a key like "-Kx…" after `-u` is read as an option by command-line tools).
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

#include "auth/secret_hash.h"

namespace scribe::auth {
namespace {

TEST(CredentialToken, IsBase64UrlOfTheRequestedLength) {
  const std::string token = random_credential_token(15);
  EXPECT_EQ(token.size(), 20u);  // 15 bytes, no padding
  for (char c : token)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
}

TEST(CredentialToken, NeverStartsWithADash) {
  // Without the redraw, 4000 tokens would all avoid a leading '-' with probability (63/64)^4000,
  // about 4e-28: this test fails on any build that drops it.
  std::set<std::string> seen;
  for (int i = 0; i < 4000; i++) {
    std::string token = random_credential_token(15);
    EXPECT_NE(token.front(), '-') << token;
    seen.insert(std::move(token));
  }
  EXPECT_EQ(seen.size(), 4000u);  // and they stay random
}

}  // namespace
}  // namespace scribe::auth
