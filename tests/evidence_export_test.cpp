// GET /evidence/export and the offline verifier (xapi/evidence_resource.h,
// evidence/export_verifier.h): an NDJSON export verifies line by line against the key
// /evidence/key names; every tampering an auditor must catch fails it with a message that names
// what is wrong (a changed byte, a dropped, swapped or repeated statement, a forged checkpoint,
// a previous checkpoint the export's tree does not extend, a cut file); filters narrow the
// export, voided statements stay in it; CSV has the default or the asked columns; bad
// parameters get 400 naming them.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "evidence/checkpoint.h"
#include "evidence/export_verifier.h"
#include "evidence/merkle.h"
#include "evidence/note.h"
#include "storage/keys.h"
#include "tests/support/lrs_test.h"

namespace scribe {
namespace {

using test_support::Query;
using test_support::uuid_n;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

evidence::VerifyReport verify(const std::string& text, evidence::VerifyOptions options) {
  evidence::ExportVerifier v(std::move(options));
  for (const auto& l : lines_of(text)) v.line(l);
  return v.finish();
}

class EvidenceExportTest : public test_support::LrsTest {
 protected:
  EvidenceExportTest() : LrsTest("/tmp/scribe-evidence-export") {}
  void SetUp() override {
    LrsTest::SetUp();
    auth_ = stack_.basic_auth();
    for (int n = 1; n <= 12; n++) {
      std::string s = test_support::test_statement(uuid_n(n), "mailto:a" + std::to_string(n % 3) + "@example.com",
                                                   "http://example.com/course/" + std::to_string(n % 2));
      ASSERT_EQ(as(auth_, "POST", "/statements", {}, s).status, 200);
    }
  }
  std::string text(const std::string& path, Query q = {}, int status = 200) {
    auto r = as(auth_, "GET", path, std::move(q));
    EXPECT_EQ(r.status, status) << path << ": " << r.body;
    return r.body;
  }
  evidence::VerifyOptions with_key() {
    evidence::VerifyOptions o;
    o.vkey = text("/evidence/key");
    while (!o.vkey->empty() && o.vkey->back() == '\n') o.vkey->pop_back();
    return o;
  }
  std::string auth_;
};

TEST_F(EvidenceExportTest, AnUnfilteredExportVerifiesWithEveryStatementInStoredOrder) {
  auto r = as(auth_, "GET", "/evidence/export");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*test_support::find_header(r, "content-type"), "application/x-ndjson");
  const auto lines = lines_of(r.body);
  ASSERT_EQ(lines.size(), 15u);  // header, 12 statements, the audit trail's header (no entries), end
  auto header = json::parse(lines[0]);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->get_string("type"), "header");
  EXPECT_EQ(std::string(header->get_string("key")) + "\n", text("/evidence/key"));
  for (int n = 1; n <= 12; n++) {
    auto line = json::parse(lines[size_t(n)]);
    ASSERT_TRUE(line.ok());
    EXPECT_EQ(line->get("index")->as_int(), n - 1);
    EXPECT_EQ(line->get("statement")->get_string("id"), uuid_n(n));
    // The statement is exactly what GET format=exact returns.
    EXPECT_EQ(json::serialize(*line->get("statement")),
              json::serialize(*json::parse(text("/statements", {{"statementId", uuid_n(n)}, {"format", "exact"}}))));
  }
  EXPECT_EQ(json::parse(lines[13])->get_string("type"), "audit_header");
  EXPECT_EQ(lines[14], R"({"type":"end","count":12})");

  auto report = verify(r.body, with_key());
  EXPECT_TRUE(report.ok()) << *report.failure;
  EXPECT_EQ(report.statements, 12u);
  EXPECT_EQ(report.tree_size, 12u);
  EXPECT_FALSE(report.key_from_export);
  // Without --key the export's own key is used, and the report says so.
  auto self = verify(r.body, {});
  EXPECT_TRUE(self.ok());
  EXPECT_TRUE(self.key_from_export);
}

TEST_F(EvidenceExportTest, TamperingFailsTheVerifierNamingWhatIsWrong) {
  const std::string good = text("/evidence/export");
  auto lines = lines_of(good);
  auto fails_with = [&](const std::vector<std::string>& tampered, const std::string& needle,
                        evidence::VerifyOptions options) {
    auto report = verify(join(tampered), std::move(options));
    ASSERT_FALSE(report.ok()) << needle;
    EXPECT_NE(report.failure->find(needle), std::string::npos) << *report.failure;
  };
  {  // one byte of a statement changed
    auto t = lines;
    size_t at = t[5].find("example.com");
    ASSERT_NE(at, std::string::npos);
    t[5][at] = 'E';
    fails_with(t, "line 6: statement " + uuid_n(5) + " (leaf 4): its inclusion proof does not verify", with_key());
  }
  {  // a statement dropped
    auto t = lines;
    t.erase(t.begin() + 3);
    fails_with(t, "leaf 2 is missing before statement " + uuid_n(4), with_key());
  }
  {  // two statements swapped: in an unfiltered export the first one out of place is missed
    auto t = lines;
    std::swap(t[2], t[3]);
    fails_with(t, "line 3: leaf 1 is missing before statement " + uuid_n(3) + " (leaf 2)", with_key());
  }
  {  // and in a filtered one it comes out of order
    auto t = lines_of(text("/evidence/export", {{"agent", R"({"mbox":"mailto:a1@example.com"})"}}));
    ASSERT_EQ(t.size(), 7u);
    std::swap(t[2], t[3]);
    fails_with(t, "line 4: statement " + uuid_n(4) + " (leaf 3) comes after leaf 6", with_key());
  }
  {  // the last statements cut, with the count fixed up
    auto t = lines;
    t.erase(t.begin() + 11, t.begin() + 13);
    t.back() = R"({"type":"end","count":10})";
    fails_with(t, "holds 10 statements and erasures: the last ones were dropped", with_key());
  }
  {  // the file cut short
    auto t = lines;
    t.pop_back();
    fails_with(t, "no end line: the export is truncated", with_key());
  }
  {  // a forged checkpoint: another root, the signature kept
    auto t = lines;
    auto header = json::parse(t[0]);
    std::string note = std::string(header->get_string("checkpoint"));
    auto parts = lines_of(note);
    parts[2] = evidence::hash_base64(evidence::leaf_hash("forged"));
    std::string forged = join(parts);
    json::Object h = header->as_object();
    h.set("checkpoint", json::Value(forged));
    t[0] = json::serialize(json::Value(std::move(h)));
    fails_with(t, "line 1: the header's checkpoint:", with_key());
  }
  {  // a checkpoint signed by another key under the same name: not the log's signature
    auto other = evidence::Ed25519Key::generate();
    ASSERT_TRUE(other.ok());
    auto header = json::parse(lines[0]);
    const std::string name(header->get_string("origin"));
    std::string note(header->get_string("checkpoint"));
    json::Object h = header->as_object();
    h.set("checkpoint", json::Value(evidence::sign_note(*other, name, evidence::note_text(note))));
    auto t = lines;
    t[0] = json::serialize(json::Value(std::move(h)));
    fails_with(t, "line 1: the header's checkpoint:", with_key());
  }
}

// The auditor keeps the checkpoint of an earlier export; a later export must extend its tree.
TEST_F(EvidenceExportTest, APreviousCheckpointMustBeExtendedByTheExportsTree) {
  auto first = json::parse(lines_of(text("/evidence/export"))[0]);
  const std::string previous(first->get_string("checkpoint"));
  for (int n = 13; n <= 20; n++) {
    std::string s = test_support::test_statement(uuid_n(n), "mailto:b@example.com", "http://example.com/course/9");
    ASSERT_EQ(as(auth_, "POST", "/statements", {}, s).status, 200);
  }
  const std::string later = text("/evidence/export");
  auto proof_of = [&](uint64_t from, uint64_t to) {
    std::vector<evidence::Hash> proof;
    for (const auto& l : lines_of(text("/evidence/consistency", {{"from", std::to_string(from)}, {"to", std::to_string(to)}})))
      proof.push_back(*evidence::parse_hash_base64(l));
    return proof;
  };
  auto options = with_key();
  options.previous_checkpoint = previous;
  options.consistency = proof_of(12, 20);
  auto report = verify(later, options);
  EXPECT_TRUE(report.ok()) << *report.failure;
  EXPECT_TRUE(report.consistency_checked);
  EXPECT_EQ(report.tree_size, 20u);

  // A checkpoint the log's own key signed over another history (a rewritten log): refused.
  std::ifstream pem_file(dir_.path() + "/" + config_.evidence.key_file);
  std::string pem((std::istreambuf_iterator<char>(pem_file)), std::istreambuf_iterator<char>());
  auto key = evidence::Ed25519Key::from_pem(pem);
  ASSERT_TRUE(key.ok()) << key.error().message;
  auto c = *evidence::parse_checkpoint(evidence::note_text(previous));
  c.root = evidence::leaf_hash("another history");
  options.previous_checkpoint = evidence::sign_note(*key, c.origin, evidence::format_checkpoint(c));
  report = verify(later, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.failure->find("is not consistent with the export's (20 leaves): the log was rewritten"),
            std::string::npos) << *report.failure;
  // No proof given: refused, not skipped.
  options.previous_checkpoint = previous;
  options.consistency.reset();
  report = verify(later, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.failure->find("no consistency proof"), std::string::npos);
}

TEST_F(EvidenceExportTest, FiltersNarrowTheExportAndVoidedStatementsStayInIt) {
  const std::string voiding = R"({"id":")" + uuid_n(40) +
                              R"(","actor":{"mbox":"mailto:a1@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
                              uuid_n(4) + R"("}})";
  ASSERT_EQ(as(auth_, "POST", "/statements", {}, voiding).status, 200);
  const std::string agent = R"({"mbox":"mailto:a1@example.com"})";
  const std::string body = text("/evidence/export", {{"agent", agent}});
  auto lines = lines_of(body);
  // a1 is the actor of statements 1, 4, 7, 10 (4 voided, still there) and of the voiding one.
  std::vector<std::string> ids;
  for (size_t i = 1; i + 2 < lines.size(); i++)  // past the header, before the audit trail and end
    ids.emplace_back(json::parse(lines[i])->get("statement")->get_string("id"));
  EXPECT_EQ(ids, (std::vector<std::string>{uuid_n(1), uuid_n(4), uuid_n(7), uuid_n(10), uuid_n(40)}));
  auto header = json::parse(lines[0]);
  EXPECT_EQ(header->get("query")->get_string("agent"), agent);
  auto report = verify(body, with_key());
  EXPECT_TRUE(report.ok()) << *report.failure;
  EXPECT_EQ(report.statements, 5u);

  auto error_path = [&](Query q) {
    auto r = as(auth_, "GET", "/evidence/export", std::move(q));
    EXPECT_EQ(r.status, 400) << r.body;
    auto e = json::parse(r.body);
    return e ? std::string(e->get("error")->get_string("path")) : std::string();
  };
  EXPECT_EQ(error_path({{"format", "xml"}}), "format");
  EXPECT_EQ(error_path({{"limit", "3"}}), "limit");
  EXPECT_EQ(error_path({{"statementId", uuid_n(1)}}), "statementId");
  EXPECT_EQ(error_path({{"columns", "id"}}), "columns");
  EXPECT_EQ(error_path({{"format", "csv"}, {"columns", "id,,verb"}}), "columns");
  EXPECT_EQ(error_path({{"verb", "not an iri"}}), "verb");
  EXPECT_EQ(error_path({{"agent", "{"}}), "agent");
}

TEST_F(EvidenceExportTest, CsvHasTheDefaultOrTheAskedColumns) {
  const std::string tricky = R"({"id":")" + uuid_n(50) +
                             R"j(","actor":{"name":"=HYPERLINK(\"x\")","account":{"homePage":"http://lms.example.com","name":"u, 7"}},)j"
                             R"("verb":{"id":"http://adlnet.gov/expapi/verbs/passed","display":{"fr-FR":"réussi","en-US":"passed"}},)"
                             R"("object":{"id":"http://example.com/quiz","definition":{"name":{"de-DE":"Quiz \"eins\""}}},)"
                             R"("result":{"success":true,"score":{"scaled":-0.5},"extensions":{"http://example.com/x.y":{"a":[1,2]}}}})";
  ASSERT_EQ(as(auth_, "POST", "/statements", {}, tricky).status, 200);
  auto r = as(auth_, "GET", "/evidence/export", {{"format", "csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(test_support::find_header(r, "content-type")->rfind("text/csv", 0), 0u);
  auto rows = lines_of(r.body);
  ASSERT_EQ(rows.size(), 14u);
  EXPECT_EQ(rows[0],
            "id,stored,timestamp,actor.name,actor.id,verb.id,verb.display,object.id,object.name,result.success,"
            "result.completion,result.score.scaled,result.duration,context.registration\r");
  const std::string& last = rows.back();
  EXPECT_EQ(last.rfind(uuid_n(50) + ",", 0), 0u) << last;
  EXPECT_NE(last.find(R"c(,"'=HYPERLINK(""x"")","http://lms.example.com|u, 7",http://adlnet.gov/expapi/verbs/passed,passed,http://example.com/quiz,"Quiz ""eins""",true,,-0.5,,)c"),
            std::string::npos) << last;

  const std::string columns = R"([["actor","account","name"],["result","extensions","http://example.com/x.y"],["verb","display","fr-FR"]])";
  auto picked = lines_of(text("/evidence/export", {{"format", "csv"}, {"columns", columns}}));
  EXPECT_EQ(picked[0], "actor.account.name,result.extensions.http://example.com/x.y,verb.display.fr-FR\r");
  EXPECT_EQ(picked.back(), R"("u, 7","{""a"":[1,2]}",réussi)" "\r");
  auto dotted = lines_of(text("/evidence/export", {{"format", "csv"}, {"columns", "id,result.score.scaled,object.definition.name.de-DE"}}));
  EXPECT_EQ(dotted.back(), uuid_n(50) + R"(,-0.5,"Quiz ""eins""")" "\r");
}

// The data folder's log cut back by two leaves (their nodes and leaf entries deleted): at the
// next start the two statements get new leaves, the tree of 12 no longer has the signed root,
// and the signer refuses to sign, so checkpoints and exports fail rather than cover it up. An
// export taken before still verifies on its own.
TEST_F(EvidenceExportTest, ATruncatedLogInTheDataFolderIsRefused) {
  const std::string before = text("/evidence/export");  // signs the checkpoint of 12
  stack_.reset();
  {
    auto e = test_support::open_test_engine(config_, dir_.path());
    ASSERT_TRUE(e.ok());
    rocksdb::WriteBatch cut;
    for (int n = 11; n <= 12; n++) {
      auto uuid = storage::parse_uuid(uuid_n(n));
      std::string seq;
      auto found = (*e)->get(storage::Family::StatementIds, storage::statement_id_key(1, *uuid), &seq);
      ASSERT_TRUE(found.ok() && *found);
      cut.Delete((*e)->family(storage::Family::Evidence), storage::leaf_key(1, storage::get_u64(seq)));
      cut.Delete((*e)->family(storage::Family::Evidence), storage::node_key(1, 0, uint64_t(n - 1)));
    }
    cut.Delete((*e)->family(storage::Family::Evidence), storage::node_key(1, 1, 5));
    ASSERT_TRUE((*e)->write_durable(cut).ok());
    stack_.build(config_, std::move(*e));
  }
  auth_ = stack_.basic_auth();
  auto checkpoint = as(auth_, "GET", "/evidence/checkpoint");
  EXPECT_EQ(checkpoint.status, 500);
  EXPECT_NE(checkpoint.body.find("is damaged, no checkpoint is signed"), std::string::npos) << checkpoint.body;
  EXPECT_EQ(as(auth_, "GET", "/evidence/export").status, 500);
  auto report = verify(before, with_key());
  EXPECT_TRUE(report.ok());
}

// With the log off nothing proves statements: what needs the log answers 409 naming the
// setting (not a 200 cut short), while CSV exports and JSON reports still answer.
TEST_F(EvidenceExportTest, WithTheLogOffProofsAnswer409) {
  stack_.reset();
  config_.evidence.enabled = false;
  auto e = test_support::open_test_engine(config_, dir_.path());
  ASSERT_TRUE(e.ok());
  stack_.build(config_, std::move(*e));
  auth_ = stack_.basic_auth();
  for (auto [path, query] : {std::pair<std::string, test_support::Query>{"/evidence/checkpoint", {}},
                             {"/evidence/proof", {{"statementId", uuid_n(1)}}},
                             {"/evidence/consistency", {{"from", "1"}, {"to", "2"}}},
                             {"/evidence/export", {}}}) {
    auto r = as(auth_, "GET", path, query);
    EXPECT_EQ(r.status, 409) << path;
    EXPECT_NE(r.body.find("evidence.enabled = false"), std::string::npos) << r.body;
  }
  EXPECT_EQ(as(auth_, "GET", "/evidence/export", {{"format", "csv"}}).status, 200);
  EXPECT_EQ(as(auth_, "GET", "/evidence/key").status, 200);
  const std::string report = R"({"roster":[{"mbox":"mailto:a1@example.com"}],"activity":"http://example.com/course/1"})";
  EXPECT_EQ(as(auth_, "POST", "/reports/completion", {}, report, "application/json").status, 200);
  EXPECT_EQ(as(auth_, "POST", "/reports/completion", {{"format", "ndjson"}}, report, "application/json").status, 409);
}

TEST_F(EvidenceExportTest, NeedsAReadScopeButNoXapiVersion) {
  auto r = test_support::lrs_request(auth_, "GET", "/evidence/export");
  std::erase_if(r.headers, [](const auto& h) { return h.first == "x-experience-api-version"; });
  EXPECT_EQ(send(std::move(r)).status, 200);
  EXPECT_EQ(as("", "GET", "/evidence/export").status, 401);
}

}  // namespace
}  // namespace scribe
