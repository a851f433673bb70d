#include "xapi/statement_query.h"

#include <gtest/gtest.h>

#include "common/base64.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "auth/credential_store.h"
#include "common/timestamp.h"
#include "xapi/statement_terms.h"

namespace scribe::xapi {
namespace {

const std::string kId = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
const std::string kVerb = "http://adlnet.gov/expapi/verbs/attended";
const std::string kActivity = "http://example.com/activities/a";
const std::string kAgent = R"({"mbox":"mailto:learner@example.com"})";

StatementQueryParams parse_ok(const Params& params, Version version = Version::V2_0_0) {
  auto r = parse_statement_query(params, version);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? *r : StatementQueryParams{};
}

Error parse_error(const Params& params, Version version = Version::V2_0_0) {
  auto r = parse_statement_query(params, version);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{0, "", "unexpectedly accepted"} : r.error();
}

std::string token_of(const std::string& url) {
  auto pos = url.find("?more=");
  EXPECT_NE(pos, std::string::npos) << url;
  return pos == std::string::npos ? "" : url.substr(pos + 6);
}

TEST(StatementQuery, EmptyQueryHasDefaults) {
  StatementQueryParams p = parse_ok({});
  EXPECT_FALSE(p.statement_id);
  EXPECT_FALSE(p.voided_statement_id);
  EXPECT_TRUE(p.terms.empty());
  EXPECT_FALSE(p.limit);
  EXPECT_FALSE(p.since_micros);
  EXPECT_FALSE(p.until_micros);
  EXPECT_EQ(p.format, StatementFormat::Exact);
  EXPECT_FALSE(p.attachments);
  EXPECT_FALSE(p.ascending);
  EXPECT_FALSE(p.after_seq);
}

TEST(StatementQuery, RejectsAnUnknownParameterNamingIt) {
  Error e = parse_error({{"verb", kVerb}, {"colour", "blue"}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.path, "colour");
}

TEST(StatementQuery, ParameterNamesAreCaseSensitive) {
  Error e = parse_error({{"Limit", "10"}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.path, "Limit");
  EXPECT_EQ(parse_error({{"statementID", kId}}).path, "statementID");
  EXPECT_EQ(parse_error({{"VERB", kVerb}}).path, "VERB");
}

TEST(StatementQuery, RejectsARepeatedParameter) {
  Error e = parse_error({{"limit", "1"}, {"limit", "2"}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.path, "limit");
}

TEST(StatementQuery, StatementIdIsLowerCased) {
  StatementQueryParams p = parse_ok({{"statementId", "EC531277-B57B-4C15-8D91-D292C5B2B8F7"}});
  ASSERT_TRUE(p.statement_id);
  EXPECT_EQ(*p.statement_id, kId);
  StatementQueryParams v = parse_ok({{"voidedStatementId", kId}});
  ASSERT_TRUE(v.voided_statement_id);
  EXPECT_EQ(*v.voided_statement_id, kId);
}

TEST(StatementQuery, StatementIdMustBeAUuid) {
  Error e = parse_error({{"statementId", "not-a-uuid"}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.path, "statementId");
  EXPECT_EQ(parse_error({{"voidedStatementId", "123"}}).path, "voidedStatementId");
}

TEST(StatementQuery, StatementIdWithAFilterIsRejected) {
  Error e = parse_error({{"statementId", kId}, {"agent", kAgent}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.path, "agent");
  EXPECT_EQ(parse_error({{"statementId", kId}, {"limit", "1"}}).path, "limit");
  EXPECT_EQ(parse_error({{"voidedStatementId", kId}, {"verb", kVerb}}).path, "verb");
  EXPECT_EQ(parse_error({{"statementId", kId}, {"voidedStatementId", kId}}).status, 400);
  EXPECT_EQ(parse_error({{"since", "2024-01-01T00:00:00Z"}, {"statementId", kId}}).status, 400);
}

TEST(StatementQuery, StatementIdWithFormatAndAttachmentsIsAccepted) {
  StatementQueryParams p =
      parse_ok({{"statementId", kId}, {"format", "ids"}, {"attachments", "true"}});
  EXPECT_EQ(*p.statement_id, kId);
  EXPECT_EQ(p.format, StatementFormat::Ids);
  EXPECT_TRUE(p.attachments);
  StatementQueryParams v = parse_ok({{"voidedStatementId", kId}, {"format", "canonical"}});
  EXPECT_EQ(v.format, StatementFormat::Canonical);
}

TEST(StatementQuery, AgentMustBeJsonNamingAgentInTheError) {
  Error e = parse_error({{"agent", "{not json"}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.path, "agent");
  // JSON, but not an agent with an identifier.
  Error no_ifi = parse_error({{"agent", R"({"name":"nobody"})"}});
  EXPECT_EQ(no_ifi.status, 400);
  EXPECT_TRUE(no_ifi.path.starts_with("agent")) << no_ifi.path;
  Error two_ifis = parse_error(
      {{"agent", R"({"mbox":"mailto:a@example.com","openid":"http://example.com/a"})"}});
  EXPECT_EQ(two_ifis.status, 400);
  EXPECT_TRUE(two_ifis.path.starts_with("agent")) << two_ifis.path;
}

TEST(StatementQuery, AgentBecomesAnActorOrRelatedAgentTerm) {
  auto identity = agent_identity(*json::parse(kAgent));
  ASSERT_TRUE(identity);
  StatementQueryParams p = parse_ok({{"agent", kAgent}});
  ASSERT_EQ(p.terms.size(), 1u);
  EXPECT_EQ(p.terms[0], agent_term(*identity, false));
  StatementQueryParams r = parse_ok({{"agent", kAgent}, {"related_agents", "true"}});
  ASSERT_EQ(r.terms.size(), 1u);
  EXPECT_EQ(r.terms[0], agent_term(*identity, true));
}

TEST(StatementQuery, VerbActivityAndRegistrationBecomeTerms) {
  StatementQueryParams p = parse_ok({{"verb", kVerb},
                                     {"activity", kActivity},
                                     {"related_activities", "true"},
                                     {"registration", "EC531277-B57B-4C15-8D91-D292C5B2B8F7"}});
  ASSERT_EQ(p.terms.size(), 3u);
  EXPECT_NE(std::find(p.terms.begin(), p.terms.end(), verb_term(kVerb)), p.terms.end());
  EXPECT_NE(std::find(p.terms.begin(), p.terms.end(), activity_term(kActivity, true)), p.terms.end());
  // Registrations match whatever case they were stored in.
  EXPECT_NE(std::find(p.terms.begin(), p.terms.end(), registration_term(kId)), p.terms.end());
}

TEST(StatementQuery, RejectsMalformedFilterValues) {
  EXPECT_EQ(parse_error({{"verb", "not an iri"}}).path, "verb");
  EXPECT_EQ(parse_error({{"activity", "nope"}}).path, "activity");
  EXPECT_EQ(parse_error({{"registration", "nope"}}).path, "registration");
  EXPECT_EQ(parse_error({{"since", "yesterday"}}).path, "since");
  EXPECT_EQ(parse_error({{"until", "2024-13-01T00:00:00Z"}}).path, "until");
  EXPECT_EQ(parse_error({{"ascending", "yes"}}).path, "ascending");
  EXPECT_EQ(parse_error({{"attachments", "1"}}).path, "attachments");
  EXPECT_EQ(parse_error({{"related_agents", "TRUE"}}).path, "related_agents");
}

TEST(StatementQuery, ParsesSinceAndUntil) {
  StatementQueryParams p =
      parse_ok({{"since", "2024-01-31T10:20:30.5+01:00"}, {"until", "2024-02-01T00:00:00Z"}});
  ASSERT_TRUE(p.since_micros && p.until_micros);
  EXPECT_EQ(*p.since_micros, *parse_timestamp("2024-01-31T09:20:30.5Z"));
  EXPECT_EQ(*p.until_micros, *parse_timestamp("2024-02-01T00:00:00Z"));
}

TEST(StatementQuery, ParsesLimit) {
  EXPECT_EQ(*parse_ok({{"limit", "10"}}).limit, 10u);
  EXPECT_EQ(*parse_ok({{"limit", "0"}}).limit, 0u);
  EXPECT_EQ(*parse_ok({{"limit", "99999999999"}}).limit, UINT32_MAX);
  for (const char* bad : {"-1", "abc", "", "10x", " 10", "1.5", "+3"}) {
    auto r = parse_statement_query({{"limit", bad}}, Version::V2_0_0);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().path, "limit") << bad;
    }
  }
}

TEST(StatementQuery, ParsesFormatValues) {
  EXPECT_EQ(parse_ok({{"format", "exact"}}).format, StatementFormat::Exact);
  EXPECT_EQ(parse_ok({{"format", "ids"}}).format, StatementFormat::Ids);
  EXPECT_EQ(parse_ok({{"format", "canonical"}}).format, StatementFormat::Canonical);
  for (const char* bad : {"IDS", "Exact", "", "full"}) {
    auto r = parse_statement_query({{"format", bad}}, Version::V2_0_0);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().path, "format");
    }
  }
}

TEST(StatementQuery, ParsesAscendingAndAttachmentsFlags) {
  StatementQueryParams p = parse_ok({{"ascending", "true"}, {"attachments", "false"}});
  EXPECT_TRUE(p.ascending);
  EXPECT_FALSE(p.attachments);
}

const storage::TermKey kKey{1, 2, 3};

TEST(StatementQuery, StorageQueryAppliesLimitsAndBounds) {
  QueryLimits limits{100, 1000};
  StatementQueryParams p = parse_ok({{"verb", kVerb}, {"ascending", "true"}});
  storage::StatementQuery q = to_storage_query(p, 7, kKey, limits);
  EXPECT_EQ(q.store, 7u);
  EXPECT_EQ(q.limit, 100u);
  EXPECT_TRUE(q.ascending);
  ASSERT_EQ(q.required.size(), 1u);
  EXPECT_EQ(q.required[0], hash_term(kKey, p.terms[0]));
  // The same filter in a store with another key looks for another hash.
  storage::TermKey other_key{9};
  EXPECT_NE(to_storage_query(p, 7, other_key, limits).required[0], q.required[0]);
  EXPECT_EQ(q.seq_min, 0u);
  EXPECT_EQ(q.seq_max, ~storage::Seq(0));

  EXPECT_EQ(to_storage_query(parse_ok({{"limit", "0"}}), 1, kKey, limits).limit, 1000u);
  EXPECT_EQ(to_storage_query(parse_ok({{"limit", "5000"}}), 1, kKey, limits).limit, 1000u);
  EXPECT_EQ(to_storage_query(parse_ok({{"limit", "7"}}), 1, kKey, limits).limit, 7u);

  // since is exclusive, until inclusive.
  StatementQueryParams b = parse_ok({{"since", "2024-01-01T00:00:00Z"}, {"until", "2024-01-02T00:00:00Z"}});
  storage::StatementQuery bq = to_storage_query(b, 1, kKey, limits);
  EXPECT_EQ(bq.seq_min, storage::Seq(*b.since_micros + 1));
  EXPECT_EQ(bq.seq_max, storage::Seq(*b.until_micros));
}

TEST(StatementQuery, CursorPositionNarrowsTheRangeInWalkDirection) {
  QueryLimits limits{100, 1000};
  StatementQueryParams desc = parse_ok({});
  desc.after_seq = 5000;
  EXPECT_EQ(to_storage_query(desc, 1, kKey, limits).seq_max, 4999u);
  EXPECT_EQ(to_storage_query(desc, 1, kKey, limits).seq_min, 0u);
  StatementQueryParams asc = parse_ok({{"ascending", "true"}});
  asc.after_seq = 5000;
  EXPECT_EQ(to_storage_query(asc, 1, kKey, limits).seq_min, 5001u);
  EXPECT_EQ(to_storage_query(asc, 1, kKey, limits).seq_max, ~storage::Seq(0));
  // A cursor never widens explicit bounds.
  StatementQueryParams bounded = parse_ok({{"until", "1970-01-01T00:00:00.001Z"}});
  bounded.after_seq = 5000;
  EXPECT_EQ(to_storage_query(bounded, 1, kKey, limits).seq_max, 1000u);
}

TEST(StatementQuery, MoreCursorRoundTripsParametersAndPosition) {
  Params sent = {{"verb", kVerb},
                 {"agent", kAgent},
                 {"limit", "2"},
                 {"ascending", "true"},
                 {"format", "ids"},
                 {"since", "2024-01-01T00:00:00Z"}};
  StatementQueryParams p = parse_ok(sent);
  std::string url = more_url("/xapi/statements", p, 1706700000123456ull);
  EXPECT_TRUE(url.starts_with("/xapi/statements?more=")) << url;
  std::string token = token_of(url);
  // URL-safe without escaping.
  for (char c : token) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;

  auto back = parse_more(token, Version::V2_0_0);
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(back->original, sent);
  EXPECT_EQ(back->terms, p.terms);
  EXPECT_EQ(back->limit, p.limit);
  EXPECT_EQ(back->ascending, p.ascending);
  EXPECT_EQ(back->format, p.format);
  EXPECT_EQ(back->since_micros, p.since_micros);
  ASSERT_TRUE(back->after_seq);
  EXPECT_EQ(*back->after_seq, 1706700000123456ull);

  // A cursor from a cursor keeps the original parameters.
  std::string next = more_url("/xapi/statements", *back, 1706700000999999ull);
  auto again = parse_more(token_of(next), Version::V2_0_0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->original, sent);
  EXPECT_EQ(*again->after_seq, 1706700000999999ull);
}

TEST(StatementQuery, MoreCursorOfAnEmptyQueryRoundTrips) {
  StatementQueryParams p = parse_ok({});
  auto back = parse_more(token_of(more_url("/statements", p, 1)), Version::V1_0_3);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->original.empty());
  EXPECT_EQ(*back->after_seq, 1u);
}

TEST(StatementQuery, RejectsATamperedCursor) {
  StatementQueryParams p = parse_ok({{"verb", kVerb}, {"limit", "2"}});
  std::string token = token_of(more_url("/xapi/statements", p, 1706700000123456ull));
  ASSERT_FALSE(token.empty());

  std::vector<std::string> tampered;
  std::string flipped = token;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';  // the first byte is no longer '{'
  tampered.push_back(flipped);
  tampered.push_back(token.substr(0, token.size() - 1));
  tampered.push_back(token.substr(0, token.size() / 2));
  tampered.push_back(token + "A");
  tampered.push_back(token + "!");
  tampered.push_back("!!!!");
  tampered.push_back("");
  tampered.push_back(base64url_encode("not json"));
  tampered.push_back(base64url_encode(R"({"p":[],"s":"0"})"));
  tampered.push_back(base64url_encode(R"({"p":[],"s":"12x"})"));
  tampered.push_back(base64url_encode(R"({"p":[],"s":12})"));
  tampered.push_back(base64url_encode(R"({"p":[["verb"]],"s":"12"})"));
  tampered.push_back(base64url_encode(R"({"p":[["limit",2]],"s":"12"})"));
  tampered.push_back(base64url_encode(R"({"p":{},"s":"12"})"));
  tampered.push_back(base64url_encode(R"({"s":"12"})"));
  for (const auto& t : tampered) {
    auto r = parse_more(t, Version::V2_0_0);
    EXPECT_FALSE(r.ok()) << t;
    if (!r.ok()) {
      EXPECT_EQ(r.error().status, 400) << t;
      EXPECT_EQ(r.error().path, "more") << t;
    }
  }
}

TEST(StatementQuery, CursorCarryingInvalidParametersIsRejected) {
  auto r = parse_more(base64url_encode(R"({"p":[["Limit","2"]],"s":"12"})"), Version::V2_0_0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
}

}  // namespace
}  // namespace scribe::xapi
