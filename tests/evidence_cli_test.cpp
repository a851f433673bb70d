// `scribe export` and `scribe verify` (app/export_command.h, app/verify_command.h) against the
// whole stack on a loopback port: the export file appears only complete and verifies with the
// published key; a changed byte fails it naming the line and statement; a kept checkpoint is
// checked against a later export with the consistency proof fetched (--url) or read from a
// file (--consistency), and an unrelated proof fails; usage errors exit 2; a refused export
// (bad filter) leaves no file and shows the server's message.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/export_command.h"
#include "app/verify_command.h"
#include "server/http_server.h"
#include "tests/support/lrs_test.h"

namespace scribe {
namespace {

using test_support::uuid_n;

class Argv {
 public:
  Argv(std::string command, std::vector<std::string> args) : strings_{"scribe", std::move(command)} {
    strings_.insert(strings_.end(), args.begin(), args.end());
    for (auto& s : strings_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  int argc() const { return int(strings_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

struct CliRun {
  int code;
  std::string out, err;
};

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

class EvidenceCliTest : public test_support::LrsTest {
 protected:
  EvidenceCliTest() : LrsTest("/tmp/scribe-evidence-cli") {}
  void SetUp() override {
    LrsTest::SetUp();
    auth_ = stack_.basic_auth();
    config_.server.port = 0;
    server_ = std::make_unique<server::HttpServer>(config_, *stack_.router);
    ASSERT_TRUE(server_->start().ok());
    url_ = "http://127.0.0.1:" + std::to_string(server_->port()) + "/xapi";
    auto reader = stack_.credential("default", auth::scope_bit(auth::Scope::StatementsRead), nullptr);
    ::setenv("SCRIBE_KEY", reader.credential.key.c_str(), 1);
    ::setenv("SCRIBE_SECRET", reader.secret.c_str(), 1);
    post(1, 20);
  }
  void TearDown() override {
    ::unsetenv("SCRIBE_KEY");
    ::unsetenv("SCRIBE_SECRET");
    server_->stop();
    server_.reset();
  }
  void post(int from, int to) {
    for (int n = from; n <= to; n++) {
      std::string s = test_support::test_statement(uuid_n(n), "mailto:c" + std::to_string(n % 4) + "@example.com",
                                                   "http://example.com/course");
      ASSERT_EQ(as(auth_, "POST", "/statements", {}, s).status, 200);
    }
  }
  CliRun export_to(const std::string& file, std::vector<std::string> more = {}) {
    std::vector<std::string> args{"--out", file, "--url", url_, "--storage.data_dir=" + dir_.path()};
    args.insert(args.end(), more.begin(), more.end());
    Argv a("export", args);
    std::ostringstream out, err;
    int code = app::export_main(a.argc(), a.argv(), out, err, false);
    return {code, out.str(), err.str()};
  }
  CliRun verify(std::vector<std::string> args) {
    Argv a("verify", std::move(args));
    std::istringstream in;
    std::ostringstream out, err;
    int code = app::verify_main(a.argc(), a.argv(), in, out, err);
    return {code, out.str(), err.str()};
  }
  std::string path(const std::string& name) { return dir_.path() + "/" + name; }
  std::string vkey() {
    auto r = as(auth_, "GET", "/evidence/key");
    return r.body;
  }

  std::string auth_, url_;
  std::unique_ptr<server::HttpServer> server_;
};

TEST_F(EvidenceCliTest, AnExportFileVerifiesAndAChangedByteFailsIt) {
  CliRun e = export_to(path("a.ndjson"));
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_NE(e.out.find("20 statements"), std::string::npos) << e.out;
  EXPECT_FALSE(std::filesystem::exists(path("a.ndjson.partial")));
  write_file(path("key.txt"), vkey());

  CliRun v = verify({path("a.ndjson"), "--key", path("key.txt")});
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("ok: 20 statements"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("signed by the key given"), std::string::npos);
  CliRun self = verify({path("a.ndjson")});  // the export's own key, said so
  EXPECT_EQ(self.code, 0);
  EXPECT_NE(self.out.find("pass --key"), std::string::npos) << self.out;

  std::string text = read_file(path("a.ndjson"));
  size_t at = text.find("c3@example.com");
  ASSERT_NE(at, std::string::npos);
  text[at] = 'd';
  write_file(path("b.ndjson"), text);
  CliRun bad = verify({path("b.ndjson"), "--key", vkey()});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("FAILED: line 4: statement " + uuid_n(3) + " (leaf 2): its inclusion proof does not verify"),
            std::string::npos) << bad.out;
}

TEST_F(EvidenceCliTest, AKeptCheckpointIsCheckedAgainstALaterExport) {
  ASSERT_EQ(export_to(path("first.ndjson")).code, 0);
  std::string first = read_file(path("first.ndjson"));
  auto header = json::parse(first.substr(0, first.find('\n')));
  write_file(path("kept.checkpoint"), std::string(header->get_string("checkpoint")));
  post(21, 30);
  ASSERT_EQ(export_to(path("later.ndjson")).code, 0);

  CliRun fetched = verify({path("later.ndjson"), "--key", vkey(), "--previous", path("kept.checkpoint"), "--url", url_});
  EXPECT_EQ(fetched.code, 0) << fetched.out << fetched.err;
  EXPECT_NE(fetched.out.find("extends the previous one (20 leaves)"), std::string::npos) << fetched.out;

  auto proof = as(auth_, "GET", "/evidence/consistency", {{"from", "20"}, {"to", "30"}});
  write_file(path("proof.txt"), proof.body);
  CliRun from_file = verify({path("later.ndjson"), "--key", vkey(), "--previous", path("kept.checkpoint"),
                          "--consistency", path("proof.txt")});
  EXPECT_EQ(from_file.code, 0) << from_file.out;
  auto wrong = as(auth_, "GET", "/evidence/consistency", {{"from", "19"}, {"to", "30"}});
  write_file(path("wrong.txt"), wrong.body);
  CliRun bad = verify({path("later.ndjson"), "--key", vkey(), "--previous", path("kept.checkpoint"),
                    "--consistency", path("wrong.txt")});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("is not consistent with the export's (30 leaves): the log was rewritten"), std::string::npos)
      << bad.out;
}

TEST_F(EvidenceCliTest, FiltersCsvAndErrors) {
  CliRun filtered = export_to(path("c1.ndjson"), {"--agent", R"({"mbox":"mailto:c1@example.com"})"});
  ASSERT_EQ(filtered.code, 0) << filtered.err;
  EXPECT_NE(filtered.out.find("5 statements"), std::string::npos) << filtered.out;
  EXPECT_EQ(verify({path("c1.ndjson"), "--key", vkey()}).code, 0);
  CliRun csv = export_to(path("all.csv"), {"--format", "csv", "--columns", "id,actor.mbox"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_NE(csv.out.find("20 statements"), std::string::npos) << csv.out;
  EXPECT_EQ(read_file(path("all.csv")).substr(0, 15), "id,actor.mbox\r\n");

  CliRun refused = export_to(path("bad.ndjson"), {"--verb", "not an iri"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("verb"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(path("bad.ndjson")));
  EXPECT_FALSE(std::filesystem::exists(path("bad.ndjson.partial")));

  EXPECT_EQ(export_to("", {}).code, 2);
  EXPECT_EQ(verify({}).code, 2);
  EXPECT_EQ(verify({path("c1.ndjson"), "--consistency", path("x")}).code, 2);  // needs --previous
  EXPECT_EQ(verify({path("missing.ndjson")}).code, 1);
}

}  // namespace
}  // namespace scribe
