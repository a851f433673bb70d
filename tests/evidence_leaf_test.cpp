// Leaf templates (evidence/leaf.h): the canonical form with `stored` spliced in is exactly JCS
// of the statement with that `stored` (and `timestamp` when it came from stored), and the
// spliced hash is the RFC 9162 leaf hash of salt ‖ that form.
#include "evidence/leaf.h"

#include <gtest/gtest.h>

#include <string>

#include "evidence/jcs.h"
#include "evidence/merkle.h"

namespace scribe::evidence {
namespace {

const std::string kStored = "2026-12-03T08:00:00.123456Z";
const std::string kRecord =
    R"({"id":"00000000-0000-4000-8000-000000000001","actor":{"mbox":"mailto:a@example.com"},)"
    R"("verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed"}},)"
    R"("object":{"id":"http://example.com/a"},"result":{"score":{"scaled":0.50}},)"
    R"("authority":{"objectType":"Agent","account":{"homePage":"https://lrs","name":"k"}},"version":"2.0.0"})";

std::string with_members(std::string record, const std::string& members) {
  return "{" + members + "," + record.substr(1);
}

TEST(LeafTemplateTest, SplicingStoredGivesTheCanonicalFormOfTheStatement) {
  auto t = LeafTemplate::of(kRecord, true);
  ASSERT_TRUE(t.ok()) << t.error().message;
  const std::string exact = with_members(kRecord, R"("stored":")" + kStored + R"(","timestamp":")" + kStored + R"(")");
  EXPECT_EQ(t->canonical(kStored), *canonicalize(exact));
  const std::string salt = random_salt();
  ASSERT_EQ(salt.size(), kSaltBytes);
  EXPECT_EQ(t->hash(salt, kStored), leaf_hash(salt + *canonicalize(exact)));
}

TEST(LeafTemplateTest, AStatementWithItsOwnTimestampGetsOnlyStored) {
  const std::string record = with_members(kRecord, R"("timestamp":"2026-01-01T00:00:00Z")");
  auto t = LeafTemplate::of(record, false);
  ASSERT_TRUE(t.ok());
  const std::string exact = with_members(record, R"("stored":")" + kStored + R"(")");
  EXPECT_EQ(t->canonical(kStored), *canonicalize(exact));
  EXPECT_EQ(t->hash("0123456789abcdef", kStored), leaf_hash("0123456789abcdef" + *canonicalize(exact)));
  EXPECT_NE(t->hash("0123456789abcdef", kStored), t->hash("0123456789abcdeF", kStored));
  EXPECT_NE(t->hash("0123456789abcdef", kStored), t->hash("0123456789abcdef", "2026-12-03T08:00:00.123457Z"));
}

TEST(LeafTemplateTest, RecordsThatCarryTheStoresTimesOrAreNoObjectsAreRefused) {
  EXPECT_FALSE(LeafTemplate::of(with_members(kRecord, R"("stored":"x")"), false).ok());
  EXPECT_FALSE(LeafTemplate::of(with_members(kRecord, R"("timestamp":"x")"), true).ok());
  EXPECT_FALSE(LeafTemplate::of("[1]", false).ok());
  EXPECT_FALSE(LeafTemplate::of("{", false).ok());
}

}  // namespace
}  // namespace scribe::evidence
