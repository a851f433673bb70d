// The benchmark generator must produce what a real client would send: statements Scribe
// accepts under both versions, the same bytes for the same seed, and filter values (facts)
// that really occur in the statement they describe.
#include <gtest/gtest.h>

#include <unordered_set>

#include "bench/statement_generator.h"
#include "common/json_dom.h"
#include "xapi/statement_validator.h"

namespace scribe::bench {
namespace {

constexpr uint64_t kSample = 2000;

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

TEST(StatementGenerator, StatementsAreValidForBothVersions) {
  StatementGenerator g;
  for (uint64_t i = 0; i < kSample; i++) {
    auto value = json::Document::parse(g.statement(i));
    ASSERT_TRUE(value) << i;
    for (auto version : {xapi::Version::V1_0_3, xapi::Version::V2_0_0}) {
      Status s = xapi::validate_statement(value->root(), version);
      ASSERT_TRUE(s) << i << ": " << s.error().describe() << "\n" << g.statement(i);
    }
  }
}

TEST(StatementGenerator, SameSeedSameBytesOtherSeedOtherIds) {
  StatementGenerator a, b, c(GeneratorOptions{.seed = 7});
  EXPECT_EQ(a.statement(123), b.statement(123));
  EXPECT_EQ(a.batch(10, 3), b.batch(10, 3));
  EXPECT_NE(a.statement_id(123), c.statement_id(123));
}

TEST(StatementGenerator, IdsAreUniqueAndSizeIsAboutOneKilobyte) {
  StatementGenerator g;
  std::unordered_set<std::string> ids;
  size_t bytes = 0;
  for (uint64_t i = 0; i < kSample; i++) {
    std::string s = g.statement(i);
    bytes += s.size();
    auto value = json::parse(s);
    ASSERT_TRUE(value);
    std::string id(value->get_string("id"));
    EXPECT_EQ(id, g.statement_id(i));
    EXPECT_TRUE(ids.insert(id).second) << "duplicate id at " << i;
  }
  EXPECT_GT(bytes / kSample, 700u);
  EXPECT_LT(bytes / kSample, 2000u);
}

TEST(StatementGenerator, FactsNameValuesThatOccurInTheStatement) {
  StatementGenerator g;
  for (uint64_t i = 0; i < kSample; i++) {
    std::string s = g.statement(i);
    StatementFacts f = g.facts(i);
    EXPECT_NE(s.find(in_quotes(g.verb_id(f.verb))), std::string::npos) << i;
    EXPECT_NE(s.find(in_quotes(g.activity_id(f.activity))), std::string::npos) << i;
    EXPECT_NE(s.find(in_quotes(g.registration(f.registration))), std::string::npos) << i;
    auto agent = json::parse(g.learner_agent_json(f.learner));
    ASSERT_TRUE(agent);
    const json::Value* mbox = agent->get("mbox");
    std::string needle = mbox ? in_quotes(mbox->as_string())
                              : "\"name\":" + in_quotes(agent->get("account")->get_string("name"));
    EXPECT_NE(s.find(needle), std::string::npos) << i << " " << needle;
  }
}

}  // namespace
}  // namespace scribe::bench
