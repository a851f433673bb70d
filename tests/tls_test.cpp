// HttpServer over TLS: start-up checks of server.tls_cert_file / server.tls_key_file, HTTPS
// serving (versions, ciphers, limits, keep-alive, close_notify), remote_address, and
// reload_tls(). Certificates are made with the openssl command-line tool in a temporary
// directory; clients are tests/support/tls_client.h (OpenSSL, verifying the server against the
// test's certificate) and tests/socket_client.h (plain TCP). Everything talks to 127.0.0.1 only;
// every read has a timeout and every loop a bound.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>

#include "server/http_server.h"
#include "tests/socket_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"
#include "tests/support/tls_client.h"

namespace scribe::server {
namespace {

using Clock = std::chrono::steady_clock;
using scribe::testing::Client;
using scribe::testing::Response;
using scribe::testing::pem_file_fingerprint;
using scribe::testing::TlsClient;
using scribe::testing::TlsClientOptions;
using scribe::test_support::TempDir;
using namespace std::chrono_literals;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

void copy_file(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

// Certificates and keys for the whole suite, made once with the openssl CLI.
class CertFactory {
 public:
  explicit CertFactory(std::string dir) : dir_(std::move(dir)) {}

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  const std::string& log() const { return log_; }

  // Runs `command` (sh) in the directory; its output goes to the log.
  bool run(const std::string& command) {
    std::string out = path("openssl.out");
    std::string full = "cd '" + dir_ + "' && (" + command + ") >'" + out + "' 2>&1";
    int rc = std::system(full.c_str());
    log_ += "$ " + command + "\n" + read_file(out);
    return rc == 0;
  }

  // <name>.cert.pem / <name>.key.pem: self-signed for localhost and 127.0.0.1, valid 30 days.
  bool self_signed(const std::string& name, const std::string& newkey) {
    return run("openssl req -x509 " + newkey + " -nodes -keyout " + name + ".key.pem -out " +
               name + ".cert.pem -days 30 -subj '/O=Scribe test " + name +
               "/CN=localhost' -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost'");
  }

  // <name>.cert.pem / <name>.key.pem: self-signed, valid from `start` to `end`
  // (YYYYMMDDHHMMSSZ); `openssl ca` is the 3.0 tool that takes both dates.
  bool dated(const std::string& name, const std::string& start, const std::string& end) {
    write_file(path("ca.cnf"),
               "[ca]\ndefault_ca = test_ca\n[test_ca]\ndir = ./ca\ndatabase = $dir/index.txt\n"
               "new_certs_dir = $dir\nrand_serial = yes\ndefault_md = sha256\n"
               "policy = any_name\nunique_subject = no\ncopy_extensions = copy\n"
               "[any_name]\ncommonName = supplied\n");
    std::filesystem::create_directories(path("ca"));
    write_file(path("ca/index.txt"), "");
    return run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + name +
               ".key.pem") &&
           run("openssl req -new -key " + name + ".key.pem -subj '/CN=localhost' -addext "
               "'subjectAltName=IP:127.0.0.1,DNS:localhost' -out " + name + ".csr") &&
           run("openssl ca -batch -notext -config ca.cnf -selfsign -keyfile " + name +
               ".key.pem -in " + name + ".csr -startdate " + start + " -enddate " + end +
               " -out " + name + ".cert.pem");
  }

  // root -> intermediate -> leaf; chain.cert.pem holds leaf then intermediate.
  bool chain() {
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    write_file(path("inter.ext"),
               "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
    write_file(path("leaf.ext"),
               "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
    return run("openssl req -x509 " + ec + " -keyout root.key.pem -out root.cert.pem -days 30 "
               "-subj '/CN=Scribe test root'") &&
           run("openssl req -new " + ec + " -keyout inter.key.pem -out inter.csr "
               "-subj '/CN=Scribe test intermediate'") &&
           run("openssl x509 -req -in inter.csr -CA root.cert.pem -CAkey root.key.pem "
               "-CAcreateserial -days 30 -extfile inter.ext -out inter.cert.pem") &&
           run("openssl req -new " + ec + " -keyout chain.key.pem -out leaf.csr "
               "-subj '/CN=localhost'") &&
           run("openssl x509 -req -in leaf.csr -CA inter.cert.pem -CAkey inter.key.pem "
               "-CAcreateserial -days 30 -extfile leaf.ext -out leaf.cert.pem") &&
           run("cat leaf.cert.pem inter.cert.pem > chain.cert.pem");
  }

 private:
  std::string dir_;
  std::string log_;
};

Config test_config() { return test_support::local_server_config(2); }

std::string get(const std::string& path, const std::string& extra_headers = "") {
  return test_support::get_request(path, extra_headers);
}

// Sends `request` on `c` and reads the response (with `head`, no body); nullopt, with the
// client's error added to the test's failures, when either fails.
std::optional<Response> round_trip(TlsClient& c, const std::string& request, bool head = false) {
  if (!c.send(request)) {
    ADD_FAILURE() << "send failed: " << c.error();
    return std::nullopt;
  }
  auto r = c.read_response(head);
  if (!r) ADD_FAILURE() << "no response: " << c.error();
  return r;
}

// GET <path> on `c` is answered with its echo, "GET <path> from 127.0.0.1".
void expect_echo(TlsClient& c, const std::string& path) {
  auto r = round_trip(c, get(path));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET " + path + " from 127.0.0.1");
}

// The server ends `c` with close_notify (not a bare TCP close) within 3 s.
void expect_close_notify(TlsClient& c) {
  bool clean = false;
  EXPECT_TRUE(c.closed_by_server(3000ms, &clean));
  EXPECT_TRUE(clean) << "closed without close_notify";
}

// The suite's certificates and keys, made once per test binary (on first use) with the openssl
// CLI in a directory removed at exit.
struct SuiteFiles {
  TempDir dir{"/tmp/scribe-tls"};
  CertFactory certs{dir.path()};
  std::string error;  // the openssl log when making them failed

  SuiteFiles() {
    CertFactory& f = certs;
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1";
    bool ok = f.self_signed("a", ec) &&                   // the usual certificate (EC)
              f.self_signed("b", "-newkey rsa:2048") &&   // the one reloaded to (RSA)
              f.run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
                    "-out other-ec.key.pem") &&           // same type as a's, not a's
              f.run("openssl pkey -in a.key.pem -aes256 -passout pass:secret "
                    "-out encrypted.key.pem") &&
              f.dated("expired", "20200101000000Z", "20200102000000Z") &&
              f.dated("future", "20990101000000Z", "21000101000000Z") && f.chain();
    write_file(f.path("garbage.pem"), "this is not a PEM file\n");
    if (!ok) error = f.log();
  }
};

SuiteFiles& suite_files() {
  static SuiteFiles files;
  return files;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(suite_files().error, "") << "openssl failed:\n" << suite_files().error;
  }
  static const std::string& dir() { return suite_files().dir.path(); }
  static std::string path(const std::string& file) { return suite_files().certs.path(file); }
  static std::string cert_path(const std::string& name) { return path(name + ".cert.pem"); }
  static std::string key_path(const std::string& name) { return path(name + ".key.pem"); }

  static Config tls_config(const std::string& cert, const std::string& key) {
    Config c = test_config();
    c.server.tls_cert_file = cert;
    c.server.tls_key_file = key;
    return c;
  }

  // Certificate a, the usual one.
  static Config tls_a() { return tls_config(cert_path("a"), key_path("a")); }

  // The Status of start() for `config` (the server is kept; it stops with the fixture).
  Status try_start(const Config& config) { return server_.try_start(config); }
  void start(const Config& config) { server_.start(config); }
  uint16_t port() const { return server_.port(); }

  // Trusts certificate `name` and checks the server for 127.0.0.1.
  static TlsClientOptions trusting(const std::string& ca_cert_file) {
    TlsClientOptions o;
    o.ca_file = ca_cert_file;
    return o;
  }

  // A client of the server that trusts certificate a.
  TlsClient client_a() const { return TlsClient(port(), trusting(cert_path("a"))); }

  // Starts `config` (certificate a by default) and connects a client that trusts a; the test
  // checks that it connected.
  TlsClient& serve(const Config& config = tls_a()) {
    start(config);
    return client_.emplace(port(), trusting(cert_path("a")));
  }

  // start() must fail with a message that names `key` and `file`, and bind nothing.
  void expect_start_error(const Config& config, const std::string& key, const std::string& file,
                          const std::string& what) {
    Status st = try_start(config);
    ASSERT_FALSE(st.ok());
    const std::string& m = st.error().message;
    EXPECT_TRUE(contains(m, key)) << m;
    EXPECT_TRUE(contains(m, file)) << m;
    EXPECT_TRUE(contains(m, what)) << m;
    EXPECT_EQ(server_->port(), 0);
  }

  test_support::RecordingHandler handler_;  // answers with echo_response
  test_support::TestServer server_{handler_};
  std::optional<TlsClient> client_;  // serve()'s
};

// ---- start() refuses bad TLS configuration ----------------------------------------------------

// A pair of files start() must refuse, named in the suite's directory ("": not set; ".": the
// directory itself), and what its message says besides the config key and file it blames.
struct BadFiles {
  const char* name;  // the test's name: Tls_StartFails/<name>
  const char* cert;
  const char* key;
  bool blames_cert;  // the message names server.tls_cert_file (else server.tls_key_file)
  const char* what;
};

const BadFiles kBadFiles[] = {
    {"WhenOnlyCertFileIsSet", "a.cert.pem", "", true, "server.tls_key_file is not"},
    {"WhenOnlyKeyFileIsSet", "", "a.key.pem", false, "server.tls_cert_file is not"},
    {"OnMissingCertFile", "no-such-cert.pem", "a.key.pem", true, "No such file or directory"},
    {"OnMissingKeyFile", "a.cert.pem", "no-such-key.pem", false, "No such file or directory"},
    {"OnCertFileThatIsADirectory", ".", "a.key.pem", true, "cannot read"},
    {"OnCertFileThatIsNotPem", "garbage.pem", "a.key.pem", true, "not a PEM certificate"},
    {"OnKeyFileThatIsNotPem", "a.cert.pem", "garbage.pem", false, "not a PEM private key"},
    {"OnKeyFileHoldingOnlyACertificate", "a.cert.pem", "a.cert.pem", false,
     "not a PEM private key"},
    {"OnEncryptedKeyWithoutPrompting", "a.cert.pem", "encrypted.key.pem", false, "encrypted"},
    {"OnKeyOfAnotherTypeThanCertificate", "a.cert.pem", "b.key.pem", false,
     "private key does not match the certificate"},
};

void PrintTo(const BadFiles& bad, std::ostream* os) { *os << bad.name; }

class TlsStartErrorTest : public TlsTest, public ::testing::WithParamInterface<BadFiles> {
 protected:
  static std::string file(const std::string& name) {
    if (name.empty()) return "";
    return name == "." ? dir() : path(name);
  }
};

TEST_P(TlsStartErrorTest, Tls_StartFails) {
  const BadFiles& bad = GetParam();
  const std::string cert = file(bad.cert), key = file(bad.key);
  expect_start_error(tls_config(cert, key),
                     bad.blames_cert ? "server.tls_cert_file" : "server.tls_key_file",
                     bad.blames_cert ? cert : key, bad.what);
}

INSTANTIATE_TEST_SUITE_P(BadTlsFiles, TlsStartErrorTest, ::testing::ValuesIn(kBadFiles),
                         [](const ::testing::TestParamInfo<BadFiles>& info) {
                           return std::string(info.param.name);
                         });

TEST_F(TlsTest, Tls_StartFailsOnExpiredCertificate) {
  Status st = try_start(tls_config(cert_path("expired"), key_path("expired")));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "server.tls_cert_file " + cert_path("expired") +
                                    ": certificate expired on 2020-01-02T00:00:00Z");
  EXPECT_EQ(server_->port(), 0);
}

TEST_F(TlsTest, Tls_StartFailsOnCertificateNotYetValid) {
  Status st = try_start(tls_config(cert_path("future"), key_path("future")));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "server.tls_cert_file " + cert_path("future") +
                                    ": certificate is not valid before 2099-01-01T00:00:00Z");
}

TEST_F(TlsTest, Tls_StartFailsOnKeyThatDoesNotMatchCertificate) {
  expect_start_error(tls_config(cert_path("a"), path("other-ec.key.pem")), "server.tls_key_file",
                     path("other-ec.key.pem"),
                     "private key does not match the certificate in server.tls_cert_file " +
                         cert_path("a"));
}

TEST_F(TlsTest, Tls_PlainHttpStaysTheDefault) {
  start(test_config());
  EXPECT_FALSE(server_->tls());
  Client c(port());
  ASSERT_TRUE(c.send(get("/plain")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /plain from 127.0.0.1");
}

// ---- serving HTTPS ----------------------------------------------------------------------------

TEST_F(TlsTest, Tls_GetOverTlsIsAnsweredWith200AndBody) {
  start(tls_a());
  EXPECT_TRUE(server_->tls());
  TlsClient c = client_a();
  ASSERT_TRUE(c.connected()) << c.error();
  auto r = round_trip(c, get("/xapi/about?x=1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /xapi/about from 127.0.0.1");
  EXPECT_EQ(c.peer_fingerprint(), pem_file_fingerprint(cert_path("a")));
}

TEST_F(TlsTest, Tls_CertificateVerifiesForTheLocalhostName) {
  start(tls_a());
  TlsClientOptions o = trusting(cert_path("a"));
  o.host = "localhost";  // DNS name check (and SNI) instead of the IP address
  TlsClient c(port(), o);
  ASSERT_TRUE(c.connected()) << c.error();
  TlsClientOptions wrong = trusting(cert_path("a"));
  wrong.host = "example.com";
  TlsClient w(port(), wrong);
  EXPECT_FALSE(w.connected());
}

TEST_F(TlsTest, Tls_KeepAliveServesTwoRequestsOnOneConnection) {
  TlsClient& c = serve();
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_NO_FATAL_FAILURE(expect_echo(c, "/one"));
  expect_echo(c, "/two");
}

TEST_F(TlsTest, Tls_NegotiatesTls13ByDefault) {
  TlsClient& c = serve();
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.version(), TLS1_3_VERSION);
}

TEST_F(TlsTest, Tls_RefusesClientLimitedToTls11) {
  start(tls_a());
  TlsClientOptions o = trusting(cert_path("a"));
  o.min_version = TLS1_VERSION;
  o.max_version = TLS1_1_VERSION;
  o.security_level = 0;  // so that the client really offers TLS 1.1 and the server refuses it
  o.tls12_ciphers = "DEFAULT:@SECLEVEL=0";
  TlsClient c(port(), o);
  EXPECT_TRUE(c.tcp_connected());
  EXPECT_FALSE(c.connected());
  EXPECT_TRUE(contains(c.error(), "protocol version")) << c.error();
}

TEST_F(TlsTest, Tls_AcceptsClientLimitedToTls12WithForwardSecretAeadCipher) {
  start(tls_a());
  TlsClientOptions o = trusting(cert_path("a"));
  o.max_version = TLS1_2_VERSION;
  TlsClient c(port(), o);
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.version(), TLS1_2_VERSION);
  std::string cipher = c.cipher();
  EXPECT_EQ(cipher.rfind("ECDHE-", 0), 0u) << cipher;
  EXPECT_TRUE(contains(cipher, "GCM") || contains(cipher, "CHACHA20-POLY1305")) << cipher;
  auto r = round_trip(c, get("/v12"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(TlsTest, Tls_ServesRsaCertificateOverTls12WithEcdheRsa) {
  start(tls_config(cert_path("b"), key_path("b")));
  TlsClientOptions o = trusting(cert_path("b"));
  o.max_version = TLS1_2_VERSION;
  TlsClient c(port(), o);
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.cipher().rfind("ECDHE-RSA-", 0), 0u) << c.cipher();
}

TEST_F(TlsTest, Tls_RefusesTls12ClientOfferingOnlyCiphersWithoutForwardSecrecy) {
  start(tls_config(cert_path("b"), key_path("b")));
  for (const char* weak : {"AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA", "AES256-SHA256"}) {
    TlsClientOptions o = trusting(cert_path("b"));
    o.max_version = TLS1_2_VERSION;
    o.tls12_ciphers = weak;
    TlsClient c(port(), o);
    EXPECT_FALSE(c.connected()) << weak << " was accepted";
  }
}

TEST_F(TlsTest, Tls_SelectsHttp11ByAlpnAndIgnoresOtherProtocols) {
  start(tls_a());
  TlsClientOptions both = trusting(cert_path("a"));
  both.alpn = std::string("\x02h2\x08http/1.1", 12);
  TlsClient c(port(), both);
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.alpn_selected(), "http/1.1");
  TlsClientOptions h2 = trusting(cert_path("a"));
  h2.alpn = std::string("\x02h2", 3);
  TlsClient d(port(), h2);
  ASSERT_TRUE(d.connected()) << d.error();
  EXPECT_EQ(d.alpn_selected(), "");
}

TEST_F(TlsTest, Tls_ServesIntermediateCertificatesFromTheCertFile) {
  start(tls_config(path("chain.cert.pem"), path("chain.key.pem")));
  // The client trusts only the root: it can verify only if the server sends the intermediate.
  TlsClient c(port(), trusting(path("root.cert.pem")));
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.peer_fingerprint(), pem_file_fingerprint(path("leaf.cert.pem")));
}

TEST_F(TlsTest, Tls_PlainHttpRequestOnTlsPortIsNotServed) {
  start(tls_a());
  Client c(port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(get("/plain")));
  auto r = c.read_response();
  EXPECT_FALSE(r && r->status == 200);
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

TEST_F(TlsTest, Tls_RemoteAddressIsThePeerIpOnPlainAndTlsServers) {
  {
    start(test_config());
    Client c(port());
    ASSERT_TRUE(c.send(get("/who")));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "GET /who from 127.0.0.1");
    server_->stop();
  }
  TlsClient& c = serve();
  ASSERT_TRUE(c.connected()) << c.error();
  expect_echo(c, "/who");
}

TEST_F(TlsTest, Tls_HandshakeTimeoutClosesSilentConnection) {
  Config config = tls_a();
  config.limits.request_timeout_ms = 200;
  start(config);
  Client c(port());  // TCP only: never sends a ClientHello
  ASSERT_TRUE(c.connected());
  auto begin = Clock::now();
  EXPECT_TRUE(c.closed_by_server(3000ms));
  EXPECT_GE(Clock::now() - begin, 150ms);
}

TEST_F(TlsTest, Tls_ConnectionsOverLimitGet503AfterHandshake) {
  Config config = tls_a();
  config.limits.connections_max = 1;
  start(config);
  TlsClient a = client_a();
  ASSERT_TRUE(a.connected()) << a.error();
  ASSERT_TRUE(a.send(get("/a")));  // a served request proves the connection was counted
  ASSERT_TRUE(a.read_response());

  TlsClient over = client_a();
  ASSERT_TRUE(over.connected()) << over.error();
  auto r = over.read_response();
  ASSERT_TRUE(r) << over.error();
  EXPECT_EQ(r->status, 503);
  EXPECT_TRUE(contains(r->body, "limits.connections_max = 1")) << r->body;
  expect_close_notify(over);

  // Once the counted connection goes away its slot is free again (bounded wait).
  a.close();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    TlsClient again = client_a();
    if (again.connected() && again.send(get("/again"))) {
      auto r2 = again.read_response();
      served = r2 && r2->status == 200;
    }
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST_F(TlsTest, Tls_RejectsBodyOverLimitWith413AndClosesWithCloseNotify) {
  Config config = tls_a();
  config.limits.body_bytes_max = 1024;
  TlsClient& c = serve(config);
  ASSERT_TRUE(c.connected()) << c.error();
  // Several TLS records of body the server must read past to reach our close_notify.
  auto r = round_trip(c, "PUT /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n" +
                          std::string(65536, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body,
            "{\"error\":{\"status\":413,\"message\":\"request body exceeds "
            "limits.body_bytes_max (1024 bytes)\"}}");
  expect_close_notify(c);
}

TEST_F(TlsTest, Tls_RejectsHeadersOverLimitWith431) {
  Config config = tls_a();
  config.limits.header_bytes_max = 1024;
  TlsClient& c = serve(config);
  ASSERT_TRUE(c.connected()) << c.error();
  auto r = round_trip(c, get("/x", "X-Big: " + std::string(4000, 'h') + "\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(contains(r->body, "limits.header_bytes_max"));
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

TEST_F(TlsTest, Tls_AnswersMalformedRequestWith400AndCloses) {
  TlsClient& c = serve();
  ASSERT_TRUE(c.connected()) << c.error();
  auto r = round_trip(c, "this is not http at all\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

TEST_F(TlsTest, Tls_HeadSendsContentLengthButNoBody) {
  TlsClient& c = serve();
  ASSERT_TRUE(c.connected()) << c.error();
  auto r = round_trip(c, "HEAD /abc HTTP/1.1\r\nHost: x\r\n\r\n", /*head=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_NE(r->header("content-length"), nullptr);
  EXPECT_EQ(*r->header("content-length"),
            std::to_string(std::string("HEAD /abc from 127.0.0.1").size()));
  // Had a body been sent, it would now be read as the next response's status line.
  expect_echo(c, "/next");
}

TEST_F(TlsTest, Tls_ExpectContinueGets100BeforeTheBody) {
  TlsClient& c = serve();
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send(
      "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.read_response(/*head=*/true);
  ASSERT_TRUE(interim) << c.error();
  EXPECT_EQ(interim->status, 100);
  auto r = round_trip(c, "hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /c from 127.0.0.1");
}

TEST_F(TlsTest, Tls_ConnectionCloseRequestClosesWithCloseNotifyAfterReply) {
  TlsClient& c = serve();
  ASSERT_TRUE(c.connected()) << c.error();
  auto r = round_trip(c, get("/bye", "Connection: close\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  expect_close_notify(c);
}

TEST_F(TlsTest, Tls_IdleTimeoutClosesTlsConnection) {
  Config config = tls_a();
  config.limits.idle_timeout_ms = 200;
  TlsClient& c = serve(config);
  ASSERT_TRUE(c.connected()) << c.error();
  auto begin = Clock::now();
  EXPECT_TRUE(c.closed_by_server(3000ms));
  EXPECT_GE(Clock::now() - begin, 150ms);
}

TEST_F(TlsTest, Tls_StopClosesOpenTlsConnections) {
  TlsClient& c = serve();
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send(get("/x")));
  ASSERT_TRUE(c.read_response());
  auto begin = Clock::now();
  server_->stop();
  EXPECT_LT(Clock::now() - begin, 1500ms);
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

// ---- reload_tls() -----------------------------------------------------------------------------

// Serves copies of certificate a (cert_, key_ in a directory of the test's own) that a test then
// replaces before it calls reload_tls().
class TlsReloadTest : public TlsTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TlsTest::SetUp());
    install("a", "a");
    start(tls_config(cert_, key_));
  }
  // Makes the served files copies of certificate `cert` and key `key`.
  void install(const std::string& cert, const std::string& key) {
    copy_file(cert_path(cert), cert_);
    copy_file(key_path(key), key_);
  }

  TempDir served_{"/tmp/scribe-tls-served"};
  const std::string cert_ = served_.path() + "/cert.pem", key_ = served_.path() + "/key.pem";
};

TEST_F(TlsReloadTest, Tls_ReloadKeepsOpenConnectionsAndGivesNewOnesTheNewCertificate) {
  TlsClient old = client_a();
  ASSERT_TRUE(old.connected()) << old.error();
  ASSERT_TRUE(old.send(get("/1")));
  ASSERT_TRUE(old.read_response()) << old.error();
  EXPECT_EQ(old.peer_fingerprint(), pem_file_fingerprint(cert_path("a")));

  install("b", "b");
  Status st = server_->reload_tls();
  ASSERT_TRUE(st.ok()) << st.error().message;

  // The open connection keeps its certificate and is still served.
  ASSERT_NO_FATAL_FAILURE(expect_echo(old, "/2"));

  TlsClient fresh(port(), trusting(cert_path("b")));
  ASSERT_TRUE(fresh.connected()) << fresh.error();
  EXPECT_EQ(fresh.peer_fingerprint(), pem_file_fingerprint(cert_path("b")));
  auto r3 = round_trip(fresh, get("/3"));
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->status, 200);

  TlsClient trusting_a_only = client_a();
  EXPECT_FALSE(trusting_a_only.connected());
}

TEST_F(TlsReloadTest, Tls_ReloadWithBrokenFilesFailsAndKeepsServingTheCurrentCertificate) {
  TlsClient open = client_a();
  ASSERT_TRUE(open.connected()) << open.error();

  write_file(key_, "garbage\n");
  Status st = server_->reload_tls();
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st.error().message, "server.tls_key_file " + key_)) << st.error().message;

  install("expired", "expired");
  st = server_->reload_tls();
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(
      contains(st.error().message, "server.tls_cert_file " + cert_ + ": certificate expired"))
      << st.error().message;

  install("b", "a");
  st = server_->reload_tls();
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st.error().message, "does not match")) << st.error().message;

  std::filesystem::remove(cert_);
  st = server_->reload_tls();
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st.error().message, "No such file or directory")) << st.error().message;

  // New connections still get certificate a; the open one is still served.
  TlsClient fresh = client_a();
  ASSERT_TRUE(fresh.connected()) << fresh.error();
  EXPECT_EQ(fresh.peer_fingerprint(), pem_file_fingerprint(cert_path("a")));
  auto r = round_trip(open, get("/still"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(TlsTest, Tls_ReloadIsANoOpWhenTlsIsOff) {
  start(test_config());
  Status st = server_->reload_tls();
  EXPECT_TRUE(st.ok());
  EXPECT_FALSE(server_->tls());
  Client c(port());
  ASSERT_TRUE(c.send(get("/plain")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace scribe::server
