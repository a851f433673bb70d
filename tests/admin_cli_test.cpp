// `scribe admin`: argument parsing into requests, text rendering of answers, error messages and
// the credential lookup, all without a network; then whole commands against an in-process
// HttpServer whose fake handler answers per the admin API contract. 127.0.0.1 only.
#include "app/admin_command.h"
#include "app/bootstrap.h"
#include "common/base64.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "server/http_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

namespace scribe::app {
namespace {

// argv for parse_admin_args / admin_main: "scribe" "admin" followed by `args`.
class Argv {
 public:
  explicit Argv(std::vector<std::string> args) : strings_{"scribe", "admin"} {
    strings_.insert(strings_.end(), args.begin(), args.end());
    for (auto& s : strings_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(strings_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

Result<AdminInvocation> parse(std::vector<std::string> args) {
  Argv a(std::move(args));
  return parse_admin_args(a.argc(), a.argv());
}

json::Value json_of(const std::string& text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : json::Value();
}

// Parses `args` expecting success.
AdminInvocation parsed(std::vector<std::string> args) {
  auto inv = parse(args);
  EXPECT_TRUE(inv) << (inv ? "" : inv.error().message);
  return inv ? *inv : AdminInvocation{};
}

// Parses `args` expecting a usage error whose message contains `fragment`.
void expect_usage_error(std::vector<std::string> args, const std::string& fragment) {
  std::string joined;
  for (const auto& a : args) joined += a + " ";
  auto inv = parse(args);
  ASSERT_FALSE(inv) << joined;
  EXPECT_EQ(inv.error().status, 2) << joined;
  EXPECT_NE(inv.error().message.find(fragment), std::string::npos)
      << joined << "-> " << inv.error().message;
}

// Expects `inv` to send `method target` with `body` (compared as JSON; "": none) and to show the
// answer as `output`.
void expect_request(const AdminInvocation& inv, const std::string& method,
                    const std::string& target, const std::string& body, AdminOutput output) {
  const std::string request = method + " " + target;
  EXPECT_EQ(inv.method, method) << request;
  EXPECT_EQ(inv.target, target) << request;
  if (body.empty()) {
    EXPECT_EQ(inv.body, "") << request;
  } else {
    EXPECT_EQ(json_of(inv.body), json_of(body)) << request;
  }
  EXPECT_EQ(inv.output, output) << request;
}

// ---- requests -------------------------------------------------------------------------------

TEST(AdminCli, AdminCli_StoreCreate) {
  auto inv = parsed({"store", "create", "sales"});
  expect_request(inv, "POST", "/admin/stores", R"({"name":"sales"})", AdminOutput::StoreRecord);
  EXPECT_FALSE(inv.json);
  EXPECT_FALSE(inv.help);
}

TEST(AdminCli, AdminCli_StoreListAndShow) {
  expect_request(parsed({"store", "list"}), "GET", "/admin/stores", "", AdminOutput::StoreList);
  expect_request(parsed({"store", "show", "a b/c"}), "GET", "/admin/stores/a%20b%2Fc", "",
                 AdminOutput::StoreRecord);
}

TEST(AdminCli, AdminCli_StoreDeleteNeedsMatchingConfirm) {
  expect_request(parsed({"store", "delete", "old store", "--confirm", "old store"}), "DELETE",
                 "/admin/stores/old%20store?confirm=old%20store", "", AdminOutput::StoreDeleted);

  auto inv = parsed({"store", "delete", "--confirm=x&y", "x&y"});
  EXPECT_EQ(inv.target, "/admin/stores/x%26y?confirm=x%26y");

  expect_usage_error({"store", "delete", "old"}, "--confirm old");
  expect_usage_error({"store", "delete", "old", "--confirm", "other"}, "does not match");
  expect_usage_error({"store", "delete", "old", "--confirm"}, "--confirm needs a value");
}

TEST(AdminCli, AdminCli_CredentialCreate) {
  auto inv = parsed({"credential", "create", "--store", "sales", "--label", "LMS one", "--scope",
                     "statements/write", "--scope=statements/read/mine", "--authority",
                     R"({"objectType":"Agent","mbox":"mailto:lms@example.com"})"});
  expect_request(inv, "POST", "/admin/credentials", R"({"store":"sales","label":"LMS one",
      "scopes":["statements/write","statements/read/mine"],
      "authority":{"objectType":"Agent","mbox":"mailto:lms@example.com"}})",
                 AdminOutput::CredentialRecord);

  // Without --authority the member is absent (the server picks its default).
  inv = parsed({"credential", "create", "--store=s", "--label=l", "--scope=all"});
  EXPECT_EQ(json_of(inv.body), json_of(R"({"store":"s","label":"l","scopes":["all"]})"));
}

TEST(AdminCli, AdminCli_CredentialCreateUsageErrors) {
  expect_usage_error({"credential", "create", "--label", "l", "--scope", "all"}, "--store S");
  expect_usage_error({"credential", "create", "--store", "s", "--scope", "all"}, "--label L");
  expect_usage_error({"credential", "create", "--store", "s", "--label", "l"}, "--scope X");
  expect_usage_error({"credential", "create", "--store", "s", "--label", "l", "--scope", ""},
                     "--scope must not be empty");
  expect_usage_error({"credential", "create", "--store", "s", "--label", "l", "--scope", "all",
                      "--authority", "{nope"},
                     "--authority is not JSON");
  expect_usage_error({"credential", "create", "--store", "s", "--label", "l", "--scope", "all",
                      "--authority", "[1]"},
                     "must be a JSON object");
  expect_usage_error({"credential", "create", "--store", "s", "--store", "t", "--label", "l",
                      "--scope", "all"},
                     "--store is given twice");
  expect_usage_error({"credential", "create", "extra", "--store", "s", "--label", "l", "--scope",
                      "all"},
                     "unexpected argument 'extra'");
}

TEST(AdminCli, AdminCli_CredentialListRevokeRotate) {
  expect_request(parsed({"credential", "list"}), "GET", "/admin/credentials", "",
                 AdminOutput::CredentialList);
  EXPECT_EQ(parsed({"credential", "list", "--store", "sales & more"}).target,
            "/admin/credentials?store=sales%20%26%20more");
  expect_usage_error({"credential", "list", "--store="}, "--store must not be empty");

  expect_request(parsed({"credential", "revoke", "AbC-_9"}), "DELETE", "/admin/credentials/AbC-_9",
                 "", AdminOutput::CredentialRevoked);
  expect_request(parsed({"credential", "rotate", "k/1"}), "POST", "/admin/credentials/k%2F1/rotate",
                 "{}", AdminOutput::CredentialRecord);

  auto rotate = parsed({"credential", "rotate", "k", "--valid-until", "2030-01-02T03:04:05Z"});
  EXPECT_EQ(json_of(rotate.body), json_of(R"({"valid_until":"2030-01-02T03:04:05Z"})"));
  rotate = parsed({"credential", "rotate", "k", "--valid-until=2030-01-02T03:04:05.5+01:00"});
  EXPECT_EQ(json_of(rotate.body), json_of(R"({"valid_until":"2030-01-02T03:04:05.5+01:00"})"));

  expect_usage_error({"credential", "rotate", "k", "--valid-until", "tomorrow"}, "RFC 3339");
  expect_usage_error({"credential", "rotate", "k", "--valid-until", "2030-01-02T03:04:05"},
                     "RFC 3339");
  expect_usage_error({"credential", "revoke"}, "credential revoke needs KEY");
}

TEST(AdminCli, AdminCli_EraseAgent) {
  expect_request(parsed({"erase-agent", "--store", "a b", "--agent", R"({"mbox":"mailto:x@example.com"})",
                         "--reason", "ticket 7", "--dry-run"}),
                 "POST", "/admin/stores/a%20b/erasures?dry_run=true",
                 R"({"agent":{"mbox":"mailto:x@example.com"},"reason":"ticket 7"})", AdminOutput::Erasure);
  expect_request(parsed({"erase-agent", "--record-agent", "--store=s", "--agent", R"({"openid":"http://x.example"})"}),
                 "POST", "/admin/stores/s/erasures", R"({"agent":{"openid":"http://x.example"},"record_agent":true})",
                 AdminOutput::Erasure);
  expect_usage_error({"erase-agent", "--agent", "{}"}, "--store");
  expect_usage_error({"erase-agent", "--store", "s"}, "--agent");
  expect_usage_error({"erase-agent", "--store", "s", "--agent", "[1]"}, "JSON object");
  expect_usage_error({"erase-agent", "extra", "--store", "s", "--agent", "{}"}, "unexpected argument 'extra'");
  expect_usage_error({"store", "list", "--dry-run"}, "--dry-run does not apply");
  auto done = render_admin_text(AdminOutput::Erasure, json_of(R"({"dry_run":false,"audit_index":3,"statements":9,"attachments":1,
      "state_documents":2,"agent_profiles":1,"agent_entries":1})"));
  ASSERT_TRUE(done);
  EXPECT_EQ(*done, "erased:\n  statements: 9\n  attachments: 1\n  state_documents: 2\n  agent_profiles: 1\n  agent_entries: 1\n"
                   "recorded as audit entry 3\n");
  auto dry = render_admin_text(AdminOutput::Erasure, json_of(R"({"dry_run":true,"statements":9,"state_documents":0,
      "agent_profiles":0,"agent_entries":0})"));
  ASSERT_TRUE(dry);
  EXPECT_NE(dry->find("dry run, nothing erased"), std::string::npos);
}

TEST(AdminCli, AdminCli_GlobalOptionsGoAnywhere) {
  auto inv = parsed({"--json", "store", "--url", "https://lrs.example.com/", "list",
                     "--ca-file=/etc/ca.pem", "--config", "scribe.toml", "--storage.data_dir=/d",
                     "--auth.bootstrap_file=b.txt"});
  EXPECT_TRUE(inv.json);
  EXPECT_EQ(inv.url, "https://lrs.example.com/");
  EXPECT_EQ(inv.ca_file, "/etc/ca.pem");
  EXPECT_EQ(inv.config_file, "scribe.toml");
  EXPECT_EQ(inv.overrides, (std::vector<std::string>{"storage.data_dir=/d", "auth.bootstrap_file=b.txt"}));
  EXPECT_EQ(inv.target, "/admin/stores");

  // "--" ends the options, so a name may start with a dash.
  inv = parsed({"store", "create", "--", "-odd"});
  EXPECT_EQ(json_of(inv.body), json_of(R"({"name":"-odd"})"));
}

TEST(AdminCli, AdminCli_UsageErrors) {
  expect_usage_error({}, "no subcommand");
  expect_usage_error({"stores", "list"}, "unknown subcommand 'stores'");
  expect_usage_error({"store"}, "store needs an action");
  expect_usage_error({"store", "drop", "x"}, "unknown action 'drop'");
  expect_usage_error({"store", "show"}, "store show needs NAME");
  expect_usage_error({"store", "show", ""}, "NAME must not be empty");
  expect_usage_error({"store", "list", "x"}, "unexpected argument 'x'");
  expect_usage_error({"store", "list", "--verbose"}, "unknown option --verbose");
  expect_usage_error({"store", "show", "x", "--confirm", "x"}, "--confirm does not apply to store show");
  expect_usage_error({"store", "list", "--label", "l"}, "--label does not apply to store list");
  expect_usage_error({"store", "list", "--url"}, "--url needs a value");
  expect_usage_error({"store", "list", "--url", "ftp://h/"}, "--url");
  expect_usage_error({"store", "list", "--url", "http://h/?x=1"}, "must not have a query");
  expect_usage_error({"store", "list", "--url", "a", "--url", "b"}, "--url is given twice");
}

TEST(AdminCli, AdminCli_Help) {
  EXPECT_TRUE(parsed({"help"}).help);
  EXPECT_TRUE(parsed({"store", "--help"}).help);
  EXPECT_TRUE(parsed({"-h"}).help);

  Argv a({"help"});
  std::ostringstream out, err;
  EXPECT_EQ(admin_main(a.argc(), a.argv(), out, err), 0);
  EXPECT_EQ(out.str(), kAdminUsage);
  EXPECT_EQ(err.str(), "");

  Argv bad({"store", "frobnicate"});
  std::ostringstream out2, err2;
  EXPECT_EQ(admin_main(bad.argc(), bad.argv(), out2, err2), 2);
  EXPECT_EQ(out2.str(), "");
  EXPECT_NE(err2.str().find("unknown action 'frobnicate'"), std::string::npos);
  EXPECT_NE(err2.str().find(kAdminUsage), std::string::npos);
}

TEST(AdminCli, AdminCli_PercentEncoding) {
  EXPECT_EQ(encode_path_segment("Az09-._~"), "Az09-._~");
  EXPECT_EQ(encode_path_segment("a b/c?d#e%f&g=h+i"), "a%20b%2Fc%3Fd%23e%25f%26g%3Dh%2Bi");
  EXPECT_EQ(encode_path_segment("café"), "caf%C3%A9");
  EXPECT_EQ(encode_path_segment("."), "%2E");
  EXPECT_EQ(encode_path_segment(".."), "%2E%2E");
  EXPECT_EQ(encode_path_segment("..."), "...");
  EXPECT_EQ(parsed({"store", "show", ".."}).target, "/admin/stores/%2E%2E");
  EXPECT_EQ(parsed({"store", "delete", "ü", "--confirm", "ü"}).target,
            "/admin/stores/%C3%BC?confirm=%C3%BC");
}

// ---- rendering ------------------------------------------------------------------------------

std::string rendered(AdminOutput output, const std::string& body) {
  auto text = render_admin_text(output, json_of(body));
  EXPECT_TRUE(text) << (text ? "" : text.error().message);
  return text ? *text : "";
}

TEST(AdminCli, AdminCli_RendersStoreListTable) {
  EXPECT_EQ(rendered(AdminOutput::StoreList, R"({"stores":[
      {"name":"default","id":1,"created":"2025-01-01T00:00:00Z"},
      {"name":"sales-emea","id":12,"created":"2025-02-03T04:05:06.5Z"}]})"),
            "NAME        ID  CREATED\n"
            "default     1   2025-01-01T00:00:00Z\n"
            "sales-emea  12  2025-02-03T04:05:06.5Z\n");
  EXPECT_EQ(rendered(AdminOutput::StoreList, R"({"stores":[]})"), "NAME  ID  CREATED\n");
  // Width counts characters, not bytes; control characters are neutralized.
  EXPECT_EQ(rendered(AdminOutput::StoreList, R"({"stores":[
      {"name":"café","id":2,"created":"t"},{"name":"a\u001b[2Jb","id":3,"created":null}]})"),
            "NAME    ID  CREATED\n"
            "café    2   t\n"
            "a?[2Jb  3   -\n");
}

TEST(AdminCli, AdminCli_RendersCredentialListTable) {
  EXPECT_EQ(rendered(AdminOutput::CredentialList, R"({"credentials":[
      {"key":"K1","store":"default","label":"bootstrap","scopes":["all","admin"],
       "authority":{"objectType":"Agent"},"created":"2025-01-01T00:00:00Z",
       "secrets":[{"created":"2025-01-01T00:00:00Z"}]},
      {"key":"K22","store":"sales","label":"LMS","scopes":["statements/write"],
       "authority":{"objectType":"Agent"},"created":"2025-03-01T00:00:00Z",
       "secrets":[{"created":"2025-03-01T00:00:00Z","valid_until":"2025-04-01T00:00:00Z"},
                  {"created":"2025-03-05T00:00:00Z"}]}]})"),
            "KEY  STORE    LABEL      SCOPES            CREATED               SECRETS  VALID_UNTIL\n"
            "K1   default  bootstrap  all, admin        2025-01-01T00:00:00Z  1        -\n"
            "K22  sales    LMS        statements/write  2025-03-01T00:00:00Z  2        2025-04-01T00:00:00Z\n");
}

TEST(AdminCli, AdminCli_RendersRecords) {
  EXPECT_EQ(rendered(AdminOutput::StoreRecord, R"({"name":"sales","id":7,"created":"2025-01-01T00:00:00Z",
      "stats":{"statements":120,"documents":3,"attachment_bytes":0,"approximate_bytes_on_disk":4096}})"),
            "name                       sales\n"
            "id                         7\n"
            "created                    2025-01-01T00:00:00Z\n"
            "statements                 120\n"
            "documents                  3\n"
            "attachment_bytes           0\n"
            "approximate_bytes_on_disk  4096\n");
  EXPECT_EQ(rendered(AdminOutput::StoreRecord, R"({"name":"n","id":1,"created":"c"})"),
            "name     n\nid       1\ncreated  c\n");

  EXPECT_EQ(rendered(AdminOutput::CredentialRecord, R"({"key":"K","secret":"S3cr3t","store":"sales",
      "label":"LMS","scopes":["statements/write","state"],
      "authority":{"objectType":"Agent","account":{"homePage":"https://h","name":"K"}},
      "created":"2025-01-01T00:00:00Z"})"),
            "key        K\n"
            "secret     S3cr3t\n"
            "store      sales\n"
            "label      LMS\n"
            "scopes     statements/write, state\n"
            "authority  {\"objectType\":\"Agent\",\"account\":{\"homePage\":\"https://h\",\"name\":\"K\"}}\n"
            "created    2025-01-01T00:00:00Z\n"
            "\nThe secret is shown only this once: save it now.\n");

  std::string rotated = rendered(AdminOutput::CredentialRecord,
      R"({"key":"K","secret":"new","store":"s","label":"l","scopes":["all"],"authority":{},
          "created":"c","previous_secret_valid_until":null})");
  EXPECT_NE(rotated.find("previous_secret_valid_until  -\n"), std::string::npos) << rotated;
  rotated = rendered(AdminOutput::CredentialRecord,
      R"({"key":"K","secret":"new","previous_secret_valid_until":"2030-01-01T00:00:00Z"})");
  EXPECT_NE(rotated.find("previous_secret_valid_until  2030-01-01T00:00:00Z\n"), std::string::npos)
      << rotated;

  EXPECT_EQ(rendered(AdminOutput::StoreDeleted, R"({"name":"old","deleted":true})"),
            "deleted store old\n");
  EXPECT_EQ(rendered(AdminOutput::CredentialRevoked, R"({"key":"K","revoked":true})"),
            "revoked credential K\n");
}

TEST(AdminCli, AdminCli_RenderRefusesAnswersOfTheWrongShape) {
  auto text = render_admin_text(AdminOutput::StoreList, json_of(R"({"items":[]})"));
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("\"stores\""), std::string::npos);
  text = render_admin_text(AdminOutput::CredentialList, json_of(R"({"credentials":{}})"));
  ASSERT_FALSE(text);
  text = render_admin_text(AdminOutput::StoreRecord, json_of("[1]"));
  ASSERT_FALSE(text);
}

TEST(AdminCli, AdminCli_ErrorMessages) {
  EXPECT_EQ(admin_error_message(404, R"({"error":{"status":404,"path":"","message":"no store 'x'"}})"),
            "no store 'x' (HTTP 404)");
  EXPECT_EQ(admin_error_message(400, R"({"error":{"status":400,"path":"scopes[1]","message":"unknown scope"}})"),
            "scopes[1]: unknown scope (HTTP 400)");
  EXPECT_EQ(admin_error_message(404, R"({"error":{"status":404,"path":"name","message":"name: no store named 'x'"}})"),
            "name: no store named 'x' (HTTP 404)");
  EXPECT_EQ(admin_error_message(502, "<html>Bad gateway</html>\n"), "HTTP 502: <html>Bad gateway</html>");
  EXPECT_EQ(admin_error_message(500, ""), "HTTP 500 with no error message");
  std::string long_body(1000, 'x');
  EXPECT_EQ(admin_error_message(503, long_body), "HTTP 503: " + std::string(200, 'x') + "...");
}

// ---- the credential -------------------------------------------------------------------------

// Clears SCRIBE_ADMIN_KEY / SCRIBE_ADMIN_SECRET for the test and restores them afterwards.
class AdminCliEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"SCRIBE_ADMIN_KEY", "SCRIBE_ADMIN_SECRET"}) {
      const char* v = std::getenv(name);
      saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(name);
    }
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }
  static void set_env(const char* key, const char* secret) {
    if (key) ::setenv("SCRIBE_ADMIN_KEY", key, 1);
    if (secret) ::setenv("SCRIBE_ADMIN_SECRET", secret, 1);
  }

  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
  test_support::TempDir dir_{"/tmp/scribe-admin-cli"};
};

TEST_F(AdminCliEnvTest, AdminCli_CredentialFromEnvironmentThenBootstrapFile) {
  Config config;
  config.storage.data_dir = dir_.path();

  auto none = admin_credential(config);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("SCRIBE_ADMIN_KEY and SCRIBE_ADMIN_SECRET"), std::string::npos);
  EXPECT_NE(none.error().message.find(dir_.path() + "/bootstrap-credential.txt"), std::string::npos)
      << none.error().message;

  std::ofstream(dir_.path() + "/bootstrap-credential.txt") << "key=BK\nsecret=BS\n";
  auto from_file = admin_credential(config);
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_EQ(from_file->key, "BK");
  EXPECT_EQ(from_file->secret, "BS");

  set_env("EK", "ES");
  auto from_env = admin_credential(config);
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->key, "EK");
  EXPECT_EQ(from_env->secret, "ES");

  ::unsetenv("SCRIBE_ADMIN_SECRET");
  auto half = admin_credential(config);
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().message.find("SCRIBE_ADMIN_SECRET is not"), std::string::npos);
}

// ---- whole commands against a server --------------------------------------------------------

constexpr const char* kKey = "AdminKey";
constexpr const char* kSecret = "AdminSecret";

xapi::HttpResponse json_response(int status, std::string body) {
  xapi::HttpResponse r;
  r.status = status;
  r.set_header("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

xapi::HttpResponse error_response(int status, const std::string& message) {
  return json_response(status, R"({"error":{"status":)" + std::to_string(status) +
                                   R"(,"path":"","message":")" + message + "\"}}");
}

// Answers per the admin API contract for a store "sales" and a credential "K1", after checking
// HTTP Basic auth against kKey / kSecret.
class FakeAdminApi : public xapi::RequestHandler {
 public:
  void handle(xapi::HttpRequest request, xapi::Reply reply) override {
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    reply(respond(request));
  }

  std::vector<xapi::HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  static xapi::HttpResponse respond(const xapi::HttpRequest& r) {
    const std::string* authorization = r.header("authorization");
    std::string expected = "Basic " + base64_encode(std::string(kKey) + ":" + kSecret);
    if (!authorization || *authorization != expected) return error_response(401, "bad credentials");
    const std::string& m = r.method;
    const std::string& p = r.path;
    if (m == "POST" && p == "/admin/stores") {
      auto body = json::parse(r.body);
      if (!body || body->get_string("name").empty()) return error_response(400, "name missing");
      return json_response(201, R"({"name":")" + std::string(body->get_string("name")) +
                                    R"(","id":2,"created":"2025-01-01T00:00:00Z"})");
    }
    if (m == "GET" && p == "/admin/stores")
      return json_response(200, R"({"stores":[{"name":"default","id":1,"created":"2024-12-01T00:00:00Z"},{"name":"sales","id":2,"created":"2025-01-01T00:00:00Z"}]})");
    if (m == "GET" && p == "/admin/stores/sales")
      return json_response(200, R"({"name":"sales","id":2,"created":"2025-01-01T00:00:00Z","stats":{"statements":5,"documents":1,"attachment_bytes":0,"approximate_bytes_on_disk":1234}})");
    if (m == "DELETE" && p == "/admin/stores/sales") {
      if (!r.param("confirm") || *r.param("confirm") != "sales")
        return error_response(400, "confirm must repeat the name");
      return json_response(200, R"({"name":"sales","deleted":true})");
    }
    if (m == "POST" && p == "/admin/credentials")
      return json_response(201, R"({"key":"K1","secret":"S1","store":"sales","label":"LMS","scopes":["statements/write"],"authority":{"objectType":"Agent"},"created":"2025-01-01T00:00:00Z"})");
    if (m == "GET" && p == "/admin/credentials")
      return json_response(200, R"({"credentials":[{"key":"K1","store":"sales","label":"LMS","scopes":["statements/write"],"authority":{"objectType":"Agent"},"created":"2025-01-01T00:00:00Z","secrets":[{"created":"2025-01-01T00:00:00Z"}]}]})");
    if (m == "POST" && p == "/admin/credentials/K1/rotate")
      return json_response(200, R"({"key":"K1","secret":"S2","store":"sales","label":"LMS","scopes":["statements/write"],"authority":{"objectType":"Agent"},"created":"2025-01-01T00:00:00Z","previous_secret_valid_until":"2030-01-01T00:00:00Z"})");
    if (m == "DELETE" && p == "/admin/credentials/K1")
      return json_response(200, R"({"key":"K1","revoked":true})");
    return error_response(404, "no route " + p);
  }

  std::mutex mu_;
  std::vector<xapi::HttpRequest> requests_;
};

class AdminCliServerTest : public AdminCliEnvTest {
 protected:
  void SetUp() override {
    AdminCliEnvTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(server_.start(test_support::local_server_config(1)));
    url_ = server_.url();
    set_env(kKey, kSecret);
  }
  void TearDown() override {
    if (server_) server_->stop();
    AdminCliEnvTest::TearDown();
  }

  struct Run {
    int code;
    std::string out, err;
  };
  // Runs `scribe admin ARGS --url URL`, with the data directory set to the test's.
  Run run(std::vector<std::string> args) {
    args.push_back("--url=" + url_);
    args.push_back("--storage.data_dir=" + dir_.path());
    Argv a(std::move(args));
    std::ostringstream out, err;
    int code = admin_main(a.argc(), a.argv(), out, err);
    return {code, out.str(), err.str()};
  }

  FakeAdminApi api_;
  test_support::TestServer server_{api_};
  std::string url_;
};

TEST_F(AdminCliServerTest, AdminCli_EveryCommandAgainstAServer) {
  Run r = run({"store", "create", "sales"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "name     sales\nid       2\ncreated  2025-01-01T00:00:00Z\n");
  EXPECT_EQ(r.err, "");

  r = run({"store", "list"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "NAME     ID  CREATED\n"
                   "default  1   2024-12-01T00:00:00Z\n"
                   "sales    2   2025-01-01T00:00:00Z\n");

  r = run({"store", "show", "sales"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("approximate_bytes_on_disk  1234\n"), std::string::npos) << r.out;

  r = run({"store", "delete", "sales", "--confirm", "sales"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "deleted store sales\n");

  r = run({"credential", "create", "--store", "sales", "--label", "LMS", "--scope", "statements/write"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("secret     S1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shown only this once"), std::string::npos) << r.out;

  r = run({"credential", "list", "--store", "sales"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("K1   sales  LMS"), std::string::npos) << r.out;

  r = run({"credential", "rotate", "K1", "--valid-until", "2030-01-01T00:00:00Z"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("previous_secret_valid_until  2030-01-01T00:00:00Z"), std::string::npos);

  r = run({"credential", "revoke", "K1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "revoked credential K1\n");

  // What went over the wire.
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 8u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].body, R"({"name":"sales"})");
  ASSERT_NE(reqs[0].header("content-type"), nullptr);
  EXPECT_EQ(*reqs[0].header("content-type"), "application/json");
  EXPECT_EQ(reqs[3].method, "DELETE");
  ASSERT_NE(reqs[3].param("confirm"), nullptr);
  EXPECT_EQ(*reqs[3].param("confirm"), "sales");
  EXPECT_EQ(json_of(reqs[4].body),
            json_of(R"({"store":"sales","label":"LMS","scopes":["statements/write"]})"));
  ASSERT_NE(reqs[5].param("store"), nullptr);
  EXPECT_EQ(*reqs[5].param("store"), "sales");
  EXPECT_EQ(reqs[6].path, "/admin/credentials/K1/rotate");
  EXPECT_EQ(json_of(reqs[6].body), json_of(R"({"valid_until":"2030-01-01T00:00:00Z"})"));
}

TEST_F(AdminCliServerTest, AdminCli_JsonPrintsTheServersBody) {
  Run r = run({"--json", "credential", "list"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto body = json::parse(r.out);
  ASSERT_TRUE(body) << r.out;
  EXPECT_EQ(body->get("credentials")->as_array().size(), 1u);
}

TEST_F(AdminCliServerTest, AdminCli_ServerErrorsGoToStderrWithExitOne) {
  Run r = run({"store", "show", "missing"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "scribe admin: no route /admin/stores/missing (HTTP 404)\n");

  ::setenv("SCRIBE_ADMIN_SECRET", "wrong", 1);
  r = run({"store", "list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "scribe admin: bad credentials (HTTP 401)\n");
}

TEST_F(AdminCliServerTest, AdminCli_DeleteWithoutConfirmNeverReachesTheServer) {
  Run r = run({"store", "delete", "sales"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--confirm sales"), std::string::npos) << r.err;
  EXPECT_TRUE(api_.requests().empty());
}

TEST_F(AdminCliServerTest, AdminCli_CredentialFromBootstrapFileAndMissingCredential) {
  ::unsetenv("SCRIBE_ADMIN_KEY");
  ::unsetenv("SCRIBE_ADMIN_SECRET");
  Run r = run({"store", "list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no credential: set SCRIBE_ADMIN_KEY"), std::string::npos) << r.err;
  EXPECT_TRUE(api_.requests().empty());

  std::ofstream(dir_.path() + "/bootstrap-credential.txt")
      << "key=" << kKey << "\nsecret=" << kSecret << "\n";
  r = run({"store", "list"});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(AdminCliServerTest, AdminCli_UnreachableServerIsExitOne) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);  // bound, not listening: connects are refused
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  url_ = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  Run r = run({"store", "list"});
  ::close(fd);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace scribe::app
