// Erasing a learner (admin/erasure_service.h) through the admin API: every placement of the agent
// (actor, object, Group member, context instructor and team, contextAgents, contextGroups,
// SubStatement, its mbox_sha1sum form) is erased, with its State and Agent Profile documents;
// others' statements stay, including one that refers to an erased statement; a dry run only
// counts; afterwards no query, GET or document route returns the agent; the evidence log stays
// valid (old checkpoints consistent, other proofs verify, the erased leaves proven by their kept
// hashes in the proof route and in an export that `scribe verify`'s checker accepts); the audit
// trail records it by a salted hash only; and the agent's identifiers are gone from every file of
// the data folder (SST entries decoded, every other file raw), where before they were found.
// A purge erases everything stored before a time the same way, and a store's retention_days
// does it on a schedule, in bounded runs whose progress the admin API shows.
#include <gtest/gtest.h>

#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_reader.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/timestamp.h"
#include "evidence/checkpoint.h"
#include "evidence/export_verifier.h"
#include "evidence/merkle.h"
#include "evidence/note.h"
#include "storage/document_store.h"
#include "storage/posting_list.h"
#include "storage/statement_erasure.h"
#include "xapi/attachments.h"
#include "tests/support/lrs_requests.h"
#include "tests/support/lrs_test.h"

namespace scribe {
namespace {

using test_support::body_json;
using test_support::Query;
using test_support::uuid_n;
using xapi::HttpResponse;

const std::string kMbox = "mailto:erase.me@example.com";

std::string agent(const std::string& mbox = kMbox) { return R"({"objectType":"Agent","mbox":")" + mbox + R"("})"; }
std::string other() { return agent("mailto:keep@example.com"); }
std::string statement(int n, const std::string& actor, const std::string& object, const std::string& context = "") {
  return R"({"id":")" + uuid_n(n) + R"(","actor":)" + actor +
         R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/attempted"},"object":)" + object +
         (context.empty() ? "" : R"(,"context":)" + context) + "}";
}
const std::string kActivity = R"({"objectType":"Activity","id":"http://example.com/course"})";

// Every file under `dir` holding `needle`: SST files by their decoded entries, others raw.
std::vector<std::string> files_holding(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string path = entry.path().string();
    if (path.ends_with(".sst")) {
      rocksdb::Options options;
      rocksdb::SstFileReader reader(options);
      EXPECT_TRUE(reader.Open(path).ok()) << path;
      std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(rocksdb::ReadOptions()));
      for (it->SeekToFirst(); it->Valid(); it->Next())
        if (it->key().ToStringView().find(needle) != std::string_view::npos ||
            it->value().ToStringView().find(needle) != std::string_view::npos) {
          out.push_back(path);
          break;
        }
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) out.push_back(path);
  }
  return out;
}

class ErasureTest : public test_support::LrsTest {
 protected:
  ErasureTest() : LrsTest("/tmp/scribe-erasure") {
    config_.storage.compression_dictionary_bytes = 0;  // records as plain JSON: a grep can find them
    config_.limits.erasure_statements_max = 12;  // limits the tests hit
    config_.limits.erasure_referrers_max = 5;
    config_.limits.retention_days_max = 36500;
  }
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(LrsTest::SetUp());
    admin_ = stack_.basic_auth("default", auth::scope_bit(auth::Scope::Admin));
    auth_ = stack_.basic_auth("default", auth::scope_bit(auth::Scope::All));
  }
  HttpResponse post(const std::string& s) { return as(auth_, "POST", "/statements", {}, s); }
  HttpResponse erase(const std::string& body, bool dry_run = false) {
    return as(admin_, "POST", "/admin/stores/default/erasures", dry_run ? Query{{"dry_run", "true"}} : Query{}, body);
  }
  // GET by id (statement 1 is voided by 11: by voidedStatementId).
  int status_of(int n) {
    return as(auth_, "GET", "/statements", {{n == 1 ? "voidedStatementId" : "statementId", uuid_n(n)}}).status;
  }
  // Statements 1-9 name the agent; 10 and 11 do not (11 voids 1).
  void post_all() {
    const std::string sha1 = R"({"objectType":"Agent","mbox_sha1sum":")" + sha1_of_mbox() + R"("})";
    const std::string group = R"({"objectType":"Group","name":"g","member":[)" + agent() + "," + other() + "]}";
    const std::string named = R"({"objectType":"Agent","name":"Ann Erasable","mbox":")" + kMbox + R"("})";
    ASSERT_EQ(post(statement(1, named, kActivity)).status, 200);
    ASSERT_EQ(post(statement(2, other(), agent())).status, 200);
    ASSERT_EQ(post(statement(3, group, kActivity)).status, 200);
    ASSERT_EQ(post(statement(4, other(), kActivity, R"({"instructor":)" + agent() + "}")).status, 200);
    ASSERT_EQ(post(statement(5, other(), kActivity, R"({"team":)" + group + "}")).status, 200);
    ASSERT_EQ(post(statement(6, other(), kActivity,
                             R"({"contextAgents":[{"objectType":"contextAgent","agent":)" + agent() + "}]}")).status,
              200);
    ASSERT_EQ(post(statement(7, other(), kActivity,
                             R"({"contextGroups":[{"objectType":"contextGroup","group":)" + group + "}]}")).status,
              200);
    ASSERT_EQ(post(statement(8, other(),
                             R"({"objectType":"SubStatement","actor":)" + agent() +
                                 R"(,"verb":{"id":"http://example.com/v"},"object":)" + kActivity + "}"))
                  .status,
              200);
    ASSERT_EQ(post(statement(9, sha1, kActivity)).status, 200);
    ASSERT_EQ(post(statement(10, other(), kActivity)).status, 200);
    ASSERT_EQ(post(R"({"id":")" + uuid_n(11) + R"(","actor":)" + other() +
                   R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
                   uuid_n(1) + R"("}})")
                  .status,
              200);
    // Documents of the agent, and one of another agent.
    auto put_doc = [&](const std::string& path, Query q, int status) {
      EXPECT_EQ(as(auth_, "PUT", path, std::move(q), R"({"x":1})").status, status) << path;
    };
    put_doc("/activities/state", {{"activityId", "http://example.com/course"}, {"agent", agent()}, {"stateId", "s"}}, 204);
    put_doc("/activities/state", {{"activityId", "http://example.com/other"}, {"agent", agent()}, {"stateId", "t"}}, 204);
    put_doc("/activities/state", {{"activityId", "http://example.com/course"}, {"agent", other()}, {"stateId", "s"}}, 204);
    put_doc("/agents/profile", {{"agent", agent()}, {"profileId", "p"}}, 204);
  }
  std::string sha1_of_mbox() {
    const auto h = storage::DocumentStore::sha1(kMbox);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (uint8_t b : h) out += std::string{hex[b >> 4], hex[b & 15]};
    return out;
  }
  // The checkpoint a proof of statement `n` comes with (one covering it, signed then if need be).
  evidence::Checkpoint checkpoint(int n) {
    auto v = evidence::NoteVerifier::from_vkey(as(auth_, "GET", "/evidence/key").body);
    auto proof = evidence::parse_tlog_proof(as(auth_, "GET", "/evidence/proof", {{"statementId", uuid_n(n)}}).body);
    EXPECT_TRUE(proof.ok());
    auto body = v->verify(proof->checkpoint);
    EXPECT_TRUE(body.ok());
    return *evidence::parse_checkpoint(*body);
  }

  // An export checked line by line as `scribe verify` does, with the log's key.
  evidence::VerifyReport verify_export(const std::string& body) {
    evidence::VerifyOptions options;
    options.vkey = as(auth_, "GET", "/evidence/key").body;
    evidence::ExportVerifier verifier(options);
    for (size_t at = 0; at < body.size();) {
      const size_t eol = body.find('\n', at);
      verifier.line(std::string_view(body).substr(at, eol - at));
      at = eol + 1;
    }
    return verifier.finish();
  }

  std::string admin_, auth_;
};

TEST_F(ErasureTest, EveryPlacementIsErasedAndTheLogStaysValid) {
  ASSERT_NO_FATAL_FAILURE(post_all());
  const evidence::Checkpoint before = checkpoint(11);  // signed over the 11 statements
  ASSERT_EQ(before.size, 11u);

  auto completion = [&] {
    HttpResponse r = as(auth_, "POST", "/reports/completion", {},
                        R"({"roster":[)" + agent() + R"(],"activity":"http://example.com/course"})");
    EXPECT_EQ(r.status, 200) << r.body;
    const json::Value rows = body_json(r);
    return std::string(rows.as_array()[0].get_string("status"));
  };
  EXPECT_EQ(completion(), "attempted");
  EXPECT_NE(as(auth_, "GET", "/agents", {{"agent", agent()}}).body.find("Ann Erasable"), std::string::npos);
  HttpResponse dry = erase(R"({"agent":)" + agent() + R"(,"reason":"ticket 42"})", true);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(body_json(dry).get("statements")->as_int(), 9);
  EXPECT_EQ(body_json(dry).get("state_documents")->as_int(), 2);
  EXPECT_EQ(body_json(dry).get("agent_profiles")->as_int(), 1);
  EXPECT_FALSE(body_json(dry).get("audit_index"));
  for (int n = 1; n <= 11; n++) EXPECT_EQ(status_of(n), 200) << n;  // a dry run changes nothing

  HttpResponse done = erase(R"({"agent":)" + agent() + R"(,"reason":"ticket 42"})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(body_json(done).get("statements")->as_int(), 9);
  for (int n = 1; n <= 9; n++) EXPECT_EQ(status_of(n), 404) << n;
  EXPECT_EQ(status_of(10), 200);
  EXPECT_EQ(status_of(11), 200);  // refers to an erased statement: kept, its target gone
  for (const std::string& a : {agent(), R"({"mbox_sha1sum":")" + sha1_of_mbox() + R"("})"}) {
    HttpResponse q = as(auth_, "GET", "/statements", {{"agent", a}, {"related_agents", "true"}});
    ASSERT_EQ(q.status, 200);
    EXPECT_EQ(q.body.find("erase.me"), std::string::npos) << q.body;
  }
  HttpResponse all = as(auth_, "GET", "/statements", {{"limit", "100"}});
  EXPECT_EQ(all.body.find("erase.me"), std::string::npos);
  EXPECT_EQ(completion(), "not_started");
  // The Agents resource knows nothing more of it than the identifier asked about.
  HttpResponse person = as(auth_, "GET", "/agents", {{"agent", agent()}});
  ASSERT_EQ(person.status, 200);
  const json::Value p = body_json(person);
  EXPECT_FALSE(p.get("name")) << person.body;
  EXPECT_EQ(all.body.find("Ann Erasable"), std::string::npos);
  EXPECT_EQ(p.get("mbox")->as_array().size(), 1u) << person.body;
  EXPECT_EQ(as(auth_, "GET", "/activities/state",
               {{"activityId", "http://example.com/course"}, {"agent", agent()}, {"stateId", "s"}}).status, 404);
  EXPECT_EQ(as(auth_, "GET", "/agents/profile", {{"agent", agent()}, {"profileId", "p"}}).status, 404);
  EXPECT_EQ(as(auth_, "GET", "/activities/state",
               {{"activityId", "http://example.com/course"}, {"agent", other()}, {"stateId", "s"}}).status, 200);

  // The log: same tree, the old checkpoint consistent with the new one, others' proofs valid.
  const evidence::Checkpoint after = checkpoint(10);
  EXPECT_EQ(after.size, 11u);
  EXPECT_EQ(after.root, before.root);
  // The erased statement's proof: gone, with its kept leaf hash proven and its erasure record.
  HttpResponse gone = as(auth_, "GET", "/evidence/proof", {{"statementId", uuid_n(1)}});
  ASSERT_EQ(gone.status, 410) << gone.body;
  const json::Value g = body_json(gone);
  EXPECT_TRUE(g.get("erased")->as_bool());
  std::vector<evidence::Hash> path;
  for (const auto& h : g.get("proof")->as_array()) path.push_back(*evidence::parse_hash_base64(h.as_string()));
  EXPECT_TRUE(evidence::verify_inclusion(uint64_t(g.get("index")->as_int()), after.size,
                                         *evidence::parse_hash_base64(g.get_string("leaf_hash")), path, after.root));
  EXPECT_EQ(g.get("erasure")->get("audit_index")->as_int(), body_json(done).get("audit_index")->as_int());
  EXPECT_EQ(as(auth_, "GET", "/evidence/proof", {{"statementId", uuid_n(10)}}).status, 200);

  // An unfiltered export: 2 statements and 9 erased leaves, all verified, none missing.
  HttpResponse exported = as(auth_, "GET", "/evidence/export");
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.body.find("erase.me"), std::string::npos);
  const evidence::VerifyReport report = verify_export(exported.body);
  EXPECT_TRUE(report.ok()) << report.failure.value_or("");
  EXPECT_EQ(report.statements, 2u);
  EXPECT_EQ(report.erased, 9u);
  EXPECT_EQ(report.audit_entries, 1u);  // the store's audit trail rides along: the erasure
  EXPECT_EQ(report.audit_erasures, 1u);
  {  // the erasure's audit entry dropped from the export: the trail's checkpoint says so
    std::string cut;
    for (size_t i = 0; i < exported.body.size();) {
      const size_t eol = exported.body.find('\n', i);
      const std::string_view line = std::string_view(exported.body).substr(i, eol + 1 - i);
      if (!line.starts_with(R"({"type":"audit",)")) cut += line;
      i = eol + 1;
    }
    const evidence::VerifyReport cut_report = verify_export(cut);
    ASSERT_FALSE(cut_report.ok());
    EXPECT_NE(cut_report.failure->find("entries were dropped"), std::string::npos) << *cut_report.failure;
  }
  // An erased line whose hash is altered fails.
  std::string tampered = exported.body;
  const size_t at = tampered.find(R"("leaf_hash":")") + 13;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_export(tampered).ok());

  // The audit trail: the erasure, its counts and reason, the agent by a salted hash only.
  HttpResponse trail = as(admin_, "GET", "/admin/stores/default/audit");
  ASSERT_EQ(trail.status, 200);
  EXPECT_EQ(trail.body.find("erase.me"), std::string::npos);
  const json::Value entry = *body_json(trail).get("entries")->as_array().back().get("entry");
  EXPECT_EQ(entry.get_string("action"), "erasure");
  EXPECT_EQ(entry.get_string("reason"), "ticket 42");
  EXPECT_EQ(entry.get("counts")->get("statements")->as_int(), 9);
  EXPECT_FALSE(std::string(entry.get("subject")->get_string("agent_sha256")).empty());

  // A second erasure finds nothing left.
  HttpResponse again = erase(R"({"agent":)" + agent() + "}");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(body_json(again).get("statements")->as_int(), 0);
}

// The ids a query returns, in its order.
std::vector<std::string> ids_of(const HttpResponse& r) {
  std::vector<std::string> out;
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return out;
  const json::Value body = body_json(r);
  for (const auto& st : body.get("statements")->as_array()) out.push_back(std::string(st.get_string("id")));
  return out;
}

TEST_F(ErasureTest, ReferrersLoseWhatTheyInheritedAndTheIndexKeepsNoPostingOfAnErasedStatement) {
  const std::string cites = R"({"id":"http://example.com/cites"})";
  auto ref = [&](int n, int target) {
    return R"({"id":")" + uuid_n(n) + R"(","actor":)" + other() + R"(,"verb":)" + cites +
           R"(,"object":{"objectType":"StatementRef","id":")" + uuid_n(target) + R"("}})";
  };
  ASSERT_EQ(post(statement(1, agent(), kActivity)).status, 200);
  ASSERT_EQ(post(ref(2, 1)).status, 200);  // refers to 1
  ASSERT_EQ(post(ref(3, 2)).status, 200);  // refers to 2, so to 1 through it
  ASSERT_EQ(post(ref(4, 9)).status, 200);  // refers to 9, which arrives after it
  ASSERT_EQ(post(statement(9, agent(), kActivity)).status, 200);
  ASSERT_EQ(post(statement(10, other(), R"({"objectType":"Activity","id":"http://example.com/kept"})")).status, 200);
  auto query = [&](Query q) { return ids_of(as(auth_, "GET", "/statements", std::move(q))); };
  const std::vector<std::string> through_refs{uuid_n(9), uuid_n(4), uuid_n(3), uuid_n(2), uuid_n(1)};
  ASSERT_EQ(query({{"agent", agent()}}), through_refs);  // the filters match through references
  ASSERT_EQ(query({{"activity", "http://example.com/course"}}), through_refs);
  const std::vector<std::string> attempted{uuid_n(10), uuid_n(9), uuid_n(4), uuid_n(3), uuid_n(2), uuid_n(1)};
  ASSERT_EQ(query({{"verb", "http://adlnet.gov/expapi/verbs/attempted"}}), attempted);

  ASSERT_EQ(erase(R"({"agent":)" + agent() + "}").status, 200);
  for (const Query& q : {Query{{"agent", agent()}}, Query{{"agent", agent()}, {"related_agents", "true"}},
                         Query{{"activity", "http://example.com/course"}},
                         Query{{"activity", "http://example.com/course"}, {"related_activities", "true"}},
                         Query{{"agent", agent()}, {"verb", "http://adlnet.gov/expapi/verbs/attempted"}}})
    EXPECT_EQ(query(q), std::vector<std::string>{}) << q.front().second;
  EXPECT_EQ(query({{"verb", "http://adlnet.gov/expapi/verbs/attempted"}}), std::vector<std::string>{uuid_n(10)});
  // What the referrers have themselves stays.
  EXPECT_EQ(query({{"verb", "http://example.com/cites"}}), (std::vector<std::string>{uuid_n(4), uuid_n(3), uuid_n(2)}));
  EXPECT_EQ(query({{"agent", other()}, {"verb", "http://example.com/cites"}}),
            (std::vector<std::string>{uuid_n(4), uuid_n(3), uuid_n(2)}));

  // No posting in RocksDB's lists names a seq without a statement.
  auto& engine = *stack_.engine;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(storage::Family::Index)));
  size_t postings = 0;
  for (it->Seek(storage::store_prefix(1)); it->Valid() && it->key().starts_with(storage::store_prefix(1)); it->Next()) {
    auto list = storage::decode_postings(storage::seq_suffix(it->key().ToStringView()), it->value().ToStringView());
    ASSERT_TRUE(list.has_value());
    for (const storage::Posting& p : *list) {
      std::string record;
      EXPECT_TRUE(*engine.get(storage::Family::Statements, storage::statement_key(1, p.seq), &record)) << p.seq;
      postings++;
    }
  }
  EXPECT_GT(postings, 0u);

  // The erased statement sent again: its referrers inherit from it again, as on its first arrival.
  ASSERT_EQ(post(statement(1, agent(), kActivity)).status, 200);
  EXPECT_EQ(query({{"agent", agent()}}), (std::vector<std::string>{uuid_n(1), uuid_n(3), uuid_n(2)}));
}

TEST_F(ErasureTest, AnAttachmentGoesWithTheLastStatementThatDeclaresIt) {
  // Statement 1 (the learner's) declares a shared and an own attachment; 2 (another's) the shared.
  // The learner's own is large enough for a blob file, which must be rewritten without it.
  std::string shared = "shared bytes", own;
  while (own.size() < 3 * storage::kAttachmentBlobBytesMin) own += "the learner's own bytes ";
  auto declaration = [](const std::string& bytes) {
    return R"({"usageType":"http://example.com/usage","display":{"en-US":"f"},"contentType":"text/plain","length":)" +
           std::to_string(bytes.size()) + R"(,"sha2":")" + xapi::sha2_hex(bytes, 64) + R"("})";
  };
  auto post_with = [&](int n, const std::string& actor, const std::vector<std::string>& files) {
    std::string json = statement(n, actor, kActivity);
    json.pop_back();
    json += R"(,"attachments":[)";
    for (size_t i = 0; i < files.size(); i++) json += (i ? "," : "") + declaration(files[i]);
    json += "]}";
    std::string body = "--b\r\nContent-Type: application/json\r\n\r\n" + json;
    for (const std::string& f : files)
      body += "\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " +
              xapi::sha2_hex(f, 64) + "\r\n\r\n" + f;
    body += "\r\n--b--\r\n";
    return as(auth_, "POST", "/statements", {}, body, "multipart/mixed; boundary=b").status;
  };
  ASSERT_EQ(post_with(1, agent(), {shared, own}), 200);
  ASSERT_EQ(post_with(2, other(), {shared}), 200);
  std::string kept;  // another's, large too: in the same blob file as the learner's
  while (kept.size() < 3 * storage::kAttachmentBlobBytesMin) kept += "another's kept bytes ";
  ASSERT_EQ(post_with(3, other(), {kept}), 200);
  auto stored = [&](const std::string& bytes) {
    std::string value;
    return *stack_.engine->get(storage::Family::Attachments, storage::attachment_key(1, xapi::sha2_hex(bytes, 64)), &value);
  };
  ASSERT_TRUE(stored(shared) && stored(own));
  ASSERT_TRUE(storage::finish_erasure(*stack_.engine, 1, 999999, {}, false).ok());  // flushed: in a blob file

  HttpResponse dry = erase(R"({"agent":)" + agent() + "}", true);
  EXPECT_EQ(body_json(dry).get("attachments")->as_int(), 1);
  ASSERT_TRUE(stored(own));
  HttpResponse done = erase(R"({"agent":)" + agent() + "}");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(body_json(done).get("attachments")->as_int(), 1);
  EXPECT_FALSE(stored(own));
  EXPECT_TRUE(stored(shared));  // statement 2 still declares it
  HttpResponse with = as(auth_, "GET", "/statements", {{"statementId", uuid_n(2)}, {"attachments", "true"}});
  ASSERT_EQ(with.status, 200);
  EXPECT_NE(with.body.find(shared), std::string::npos);
  stack_.reset();  // the server stops: the learner's bytes are in no file, another's still are
  EXPECT_EQ(files_holding(dir_.path(), "the learner's own bytes"), std::vector<std::string>());
  EXPECT_FALSE(files_holding(dir_.path(), "another's kept bytes").empty());
  ASSERT_NO_FATAL_FAILURE(LrsTest::SetUp());

  // Statement 2 purged: the shared attachment goes with it.
  HttpResponse purged = as(admin_, "POST", "/admin/stores/default/purges", {},
                           R"({"stored_before":")" + format_timestamp(now_micros() + 1000000) + R"(","reason":"r"})");
  ASSERT_EQ(purged.status, 200) << purged.body;
  EXPECT_EQ(body_json(purged).get("attachments")->as_int(), 2);
  EXPECT_FALSE(stored(shared));
  EXPECT_EQ(body_json(purged).get("statements")->as_int(), 2);
}

TEST_F(ErasureTest, TheLimitsOfOneErasureAreHitAndNothingIsErasedPastThem) {
  for (int n = 1; n <= 13; n++) ASSERT_EQ(post(statement(n, agent(), kActivity)).status, 200);
  HttpResponse too_many = erase(R"({"agent":)" + agent() + "}");  // erasure_statements_max is 12
  ASSERT_EQ(too_many.status, 413) << too_many.body;
  EXPECT_EQ(body_json(too_many).get("error")->get_string("path"), "agent");
  for (int n = 1; n <= 13; n++) EXPECT_EQ(status_of(n), n == 1 ? 404 : 200) << n;  // 1: voidedStatementId
  EXPECT_EQ(as(auth_, "GET", "/statements", {{"statementId", uuid_n(1)}}).status, 200);

  // A purge takes the 12 oldest, the next one the rest.
  const std::string purge = R"({"stored_before":")" + format_timestamp(now_micros() + 1000000) + R"(","reason":"r"})";
  HttpResponse first = as(admin_, "POST", "/admin/stores/default/purges", {}, purge);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(body_json(first).get("statements")->as_int(), 12);
  EXPECT_EQ(as(auth_, "GET", "/statements", {{"statementId", uuid_n(13)}}).status, 200);
  EXPECT_EQ(body_json(as(admin_, "POST", "/admin/stores/default/purges", {}, purge)).get("statements")->as_int(), 1);

  // Six statements refer to one of the learner's: erasure_referrers_max is 5.
  ASSERT_EQ(post(statement(20, agent(), kActivity)).status, 200);
  for (int n = 21; n <= 26; n++)
    ASSERT_EQ(post(R"({"id":")" + uuid_n(n) + R"(","actor":)" + other() +
                   R"(,"verb":{"id":"http://example.com/cites"},"object":{"objectType":"StatementRef","id":")" +
                   uuid_n(20) + R"("}})").status, 200);
  HttpResponse referred = erase(R"({"agent":)" + agent() + "}");
  EXPECT_EQ(referred.status, 413) << referred.body;
  EXPECT_EQ(as(auth_, "GET", "/statements", {{"statementId", uuid_n(20)}}).status, 200);
}

TEST_F(ErasureTest, TheIdentifiersLeaveEveryFileOfTheDataFolder) {
  ASSERT_NO_FATAL_FAILURE(post_all());
  // Before: flushed to SSTs, the identifiers are found (so the check below can fail).
  ASSERT_TRUE(storage::finish_erasure(*stack_.engine, 1, 999999, {}, true).ok());  // a flush and compaction, nothing erased
  EXPECT_FALSE(files_holding(dir_.path(), "erase.me@example.com").empty());
  EXPECT_FALSE(files_holding(dir_.path(), sha1_of_mbox()).empty());
  ASSERT_EQ(erase(R"({"agent":)" + agent() + "}").status, 200);
  stack_.reset();  // the server stops
  EXPECT_EQ(files_holding(dir_.path(), "erase.me@example.com"), std::vector<std::string>());
  EXPECT_EQ(files_holding(dir_.path(), sha1_of_mbox()), std::vector<std::string>());
  EXPECT_FALSE(files_holding(dir_.path(), "keep@example.com").empty());  // the rest stays
}

TEST_F(ErasureTest, BadRequestsNameTheProperty) {
  auto path_of = [&](HttpResponse r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    const json::Value* e = body_json(r).get("error");
    return e ? std::string(e->get_string("path")) : std::string();
  };
  EXPECT_EQ(path_of(erase("{}"), 400), "agent");
  EXPECT_EQ(path_of(erase(R"({"agent":{"name":"no ifi"}})"), 400), "agent");
  EXPECT_EQ(path_of(erase(R"({"agent":)" + agent() + R"(,"other":1})"), 400), "other");
  EXPECT_EQ(path_of(erase(R"({"agent":)" + agent() + R"(,"record_agent":"yes"})"), 400), "record_agent");
  EXPECT_EQ(path_of(as(admin_, "POST", "/admin/stores/default/erasures", {{"dry_run", "maybe"}}, "{}"), 400), "dry_run");
  EXPECT_EQ(as(admin_, "POST", "/admin/stores/none/erasures", {}, R"({"agent":)" + agent() + "}").status, 404);
  EXPECT_EQ(as(auth_, "POST", "/admin/stores/default/erasures", {}, R"({"agent":)" + agent() + "}").status, 403);
}

TEST_F(ErasureTest, AnErasureCutShortIsFinishedAtTheNextStart) {
  // A list of two postings, and a marker whose index changes take one of them out.
  auto& engine = *stack_.engine;
  const storage::Term term{storage::IndexKind::Verb, storage::TermHash{9}, 0};
  rocksdb::WriteBatch batch;
  batch.Put(engine.family(storage::Family::Index), storage::index_key(1, term, 5),
            storage::encode_postings({{5, 0}, {6, 0}}));
  storage::add_erasure_marker(engine, 1, 7, {storage::PostingChange{{1, term, 5}, true}}, batch);
  ASSERT_TRUE(engine.write_durable(batch).ok());
  auto resumed = storage::resume_erasures(engine);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(*resumed, 1u);
  EXPECT_EQ(*storage::resume_erasures(engine), 0u);  // done: the marker is gone
  std::string list;
  EXPECT_FALSE(*engine.get(storage::Family::Index, storage::index_key(1, term, 5), &list));
  ASSERT_TRUE(*engine.get(storage::Family::Index, storage::index_key(1, term, 6), &list));
  EXPECT_EQ(storage::decode_postings(6, list), (std::vector<storage::Posting>{{6, 0}}));
}

TEST_F(ErasureTest, APurgeErasesEverythingStoredBeforeATime) {
  for (int n = 1; n <= 5; n++) ASSERT_EQ(post(statement(n, other(), kActivity)).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string cut = format_timestamp(now_micros());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (int n = 6; n <= 8; n++) ASSERT_EQ(post(statement(n, agent(), kActivity)).status, 200);
  auto purge = [&](const std::string& body, bool dry_run) {
    return as(admin_, "POST", "/admin/stores/default/purges", dry_run ? Query{{"dry_run", "true"}} : Query{}, body);
  };
  const std::string body = R"({"stored_before":")" + cut + R"(","reason":"retention: 3 years"})";
  HttpResponse dry = purge(body, true);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(body_json(dry).get("statements")->as_int(), 5);
  EXPECT_EQ(status_of(2), 200);
  HttpResponse done = purge(body, false);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(body_json(done).get("statements")->as_int(), 5);
  for (int n = 2; n <= 5; n++) EXPECT_EQ(status_of(n), 404) << n;
  for (int n = 6; n <= 8; n++) EXPECT_EQ(status_of(n), 200) << n;
  EXPECT_EQ(as(auth_, "GET", "/evidence/proof", {{"statementId", uuid_n(3)}}).status, 410);
  HttpResponse trail = as(admin_, "GET", "/admin/stores/default/audit");
  const json::Value entry = *body_json(trail).get("entries")->as_array().back().get("entry");
  EXPECT_EQ(entry.get_string("action"), "purge");
  EXPECT_EQ(entry.get_string("reason"), "retention: 3 years");
  EXPECT_EQ(entry.get("subject")->get_string("stored_before"), cut);
  EXPECT_EQ(entry.get("counts")->get("statements")->as_int(), 5);
  // The unfiltered export: the 5 purged leaves in their places, then the 3 statements.
  HttpResponse exported = as(auth_, "GET", "/evidence/export");
  const evidence::VerifyReport report = verify_export(exported.body);
  EXPECT_TRUE(report.ok()) << report.failure.value_or("");
  EXPECT_EQ(report.erased, 5u);
  EXPECT_EQ(report.statements, 3u);
  // Bad requests name the property; a store that does not exist is 404.
  auto path_of = [&](HttpResponse r) {
    EXPECT_EQ(r.status, 400) << r.body;
    const json::Value* e = body_json(r).get("error");
    return e ? std::string(e->get_string("path")) : std::string();
  };
  EXPECT_EQ(path_of(purge("{}", false)), "stored_before");
  EXPECT_EQ(path_of(purge(R"({"stored_before":"yesterday"})", false)), "stored_before");
  EXPECT_EQ(path_of(purge(R"({"stored_before":")" + cut + R"(","x":1})", false)), "x");
  EXPECT_EQ(as(admin_, "POST", "/admin/stores/none/purges", {}, body).status, 404);
}

TEST_F(ErasureTest, RetentionPurgesByAgeInBoundedRunsAndShowsItsProgress) {
  for (int n = 1; n <= 5; n++) ASSERT_EQ(post(statement(n, other(), kActivity)).status, 200);
  auto get = [&](int n) { return as(auth_, "GET", "/statements", {{"statementId", uuid_n(n)}}).status; };
  auto retention = [&](const std::string& method, const std::string& body = "") {
    return as(admin_, method, "/admin/stores/default/retention", {}, body);
  };
  HttpResponse none = retention("GET");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(body_json(none).get("retention_days")->is_null());
  HttpResponse set = retention("PUT", R"({"retention_days":1,"reason":"policy 7"})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(body_json(set).get("retention_days")->as_int(), 1);
  // Today's statements are younger than a day: a run keeps them and records nothing.
  stack_.retention->run_once();
  for (int n = 1; n <= 5; n++) EXPECT_EQ(get(n), 200) << n;
  // Two days on, runs of at most 2 statements purge them all, oldest first, each run recorded.
  admin::Retention later(*stack_.engine, *stack_.stores, *stack_.erasures, *stack_.audit_trail,
                         std::chrono::milliseconds(1000), 2, config_.limits.retention_days_max,
                         [] { return now_micros() + 2 * 86400LL * 1000000; });
  stack_.admin_service->set_retention_service(&later);
  later.run_once();
  EXPECT_EQ(get(1), 404);
  EXPECT_EQ(get(2), 404);
  EXPECT_EQ(get(3), 200);
  HttpResponse progress = retention("GET");
  EXPECT_EQ(body_json(progress).get("last_erased")->as_int(), 2);
  EXPECT_TRUE(body_json(progress).get("more")->as_bool());
  later.run_once();
  later.run_once();
  for (int n = 1; n <= 5; n++) EXPECT_EQ(get(n), 404) << n;
  progress = retention("GET");
  EXPECT_EQ(body_json(progress).get("erased_total")->as_int(), 5);
  EXPECT_FALSE(body_json(progress).get("more")->as_bool());
  EXPECT_FALSE(body_json(progress).get("last_run")->is_null());
  stack_.admin_service->set_retention_service(stack_.retention.get());
  // The trail: the setting, then three purges by the retention schedule.
  const json::Value trail = body_json(as(admin_, "GET", "/admin/stores/default/audit"));
  std::vector<std::string> actions;
  for (const auto& e : trail.get("entries")->as_array()) actions.emplace_back(e.get("entry")->get_string("action"));
  EXPECT_EQ(actions, (std::vector<std::string>{"retention.changed", "purge", "purge", "purge"}));
  const json::Value& first_purge = *trail.get("entries")->as_array()[1].get("entry");
  EXPECT_EQ(first_purge.get("by")->get_string("label"), "retention");
  EXPECT_EQ(first_purge.get_string("reason"), "retention_days = 1");
  // Bad settings name the property; null clears it.
  auto path_of = [&](HttpResponse r) {
    EXPECT_EQ(r.status, 400) << r.body;
    const json::Value* e = body_json(r).get("error");
    return e ? std::string(e->get_string("path")) : std::string();
  };
  EXPECT_EQ(path_of(retention("PUT", R"({"retention_days":0})")), "retention_days");
  EXPECT_EQ(path_of(retention("PUT", R"({"retention_days":-5})")), "retention_days");
  EXPECT_EQ(path_of(retention("PUT", R"({"retention_days":36501})")), "retention_days");  // retention_days_max
  EXPECT_EQ(retention("PUT", R"({"retention_days":36500})").status, 200);
  EXPECT_EQ(path_of(retention("PUT", R"({"retention_days":"x"})")), "retention_days");
  EXPECT_EQ(path_of(retention("PUT", "{}")), "retention_days");
  EXPECT_EQ(path_of(retention("PUT", R"({"retention_days":1,"x":1})")), "x");
  HttpResponse cleared = retention("PUT", R"({"retention_days":null})");
  ASSERT_EQ(cleared.status, 200);
  EXPECT_TRUE(body_json(cleared).get("retention_days")->is_null());
}

}  // namespace
}  // namespace scribe
