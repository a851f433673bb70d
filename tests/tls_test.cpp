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
#include <memory>
#include <string>
#include <thread>

#include "server/http_server.h"
#include "tests/socket_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_client.h"

namespace scribe::server {
namespace {

using Clock = std::chrono::steady_clock;
using scribe::testing::Client;
using scribe::testing::pem_file_fingerprint;
using scribe::testing::TlsClient;
using scribe::testing::TlsClientOptions;
using scribe::test_support::TempDir;
using namespace std::chrono_literals;

// Answers every request with "<METHOD> <path> from <remote_address>".
class EchoHandler : public xapi::RequestHandler {
 public:
  void handle(xapi::HttpRequest request, xapi::Reply reply) override {
    xapi::HttpResponse r;
    r.set_header("Content-Type", "text/plain");
    r.body = request.method + " " + request.path + " from " + request.remote_address;
    r.head_only = request.method == "HEAD";
    reply(std::move(r));
  }
};

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

Config test_config() {
  Config c;
  c.server.host = "127.0.0.1";
  c.server.port = 0;
  c.server.io_threads = 2;
  c.limits.idle_timeout_ms = 5000;
  c.limits.request_timeout_ms = 5000;
  return c;
}

std::string get(const std::string& path, const std::string& extra_headers = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("/tmp/scribe-tls");
    certs_ = new CertFactory(dir_->path());
    CertFactory& f = *certs_;
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
    if (!ok) setup_error_ = new std::string(f.log());
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
    delete setup_error_;
    certs_ = nullptr;
    dir_ = nullptr;
    setup_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(setup_error_, nullptr) << "openssl failed:\n" << *setup_error_;
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  static std::string cert_path(const std::string& name) {
    return certs_->path(name + ".cert.pem");
  }
  static std::string key_path(const std::string& name) { return certs_->path(name + ".key.pem"); }
  static std::string path(const std::string& file) { return certs_->path(file); }

  static Config tls_config(const std::string& cert, const std::string& key) {
    Config c = test_config();
    c.server.tls_cert_file = cert;
    c.server.tls_key_file = key;
    return c;
  }

  // The Status of start() for these files (the server is kept, stopped at tear-down).
  Status try_start(const Config& config) {
    server_ = std::make_unique<HttpServer>(config, handler_);
    return server_->start();
  }
  void start(const Config& config) {
    Status st = try_start(config);
    ASSERT_TRUE(st.ok()) << st.error().message;
    ASSERT_NE(server_->port(), 0);
  }
  uint16_t port() const { return server_->port(); }

  // Trusts certificate `name` and checks the server for 127.0.0.1.
  static TlsClientOptions trusting(const std::string& ca_cert_file) {
    TlsClientOptions o;
    o.ca_file = ca_cert_file;
    return o;
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

  static TempDir* dir_;
  static CertFactory* certs_;
  static std::string* setup_error_;

  EchoHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TempDir* TlsTest::dir_ = nullptr;
CertFactory* TlsTest::certs_ = nullptr;
std::string* TlsTest::setup_error_ = nullptr;

// ---- start() refuses bad TLS configuration ----------------------------------------------------

TEST_F(TlsTest, Tls_StartFailsWhenOnlyCertFileIsSet) {
  expect_start_error(tls_config(cert_path("a"), ""), "server.tls_cert_file", cert_path("a"),
                     "server.tls_key_file is not");
}

TEST_F(TlsTest, Tls_StartFailsWhenOnlyKeyFileIsSet) {
  expect_start_error(tls_config("", key_path("a")), "server.tls_key_file", key_path("a"),
                     "server.tls_cert_file is not");
}

TEST_F(TlsTest, Tls_StartFailsOnMissingCertFile) {
  std::string missing = path("no-such-cert.pem");
  expect_start_error(tls_config(missing, key_path("a")), "server.tls_cert_file", missing,
                     "No such file or directory");
}

TEST_F(TlsTest, Tls_StartFailsOnMissingKeyFile) {
  std::string missing = path("no-such-key.pem");
  expect_start_error(tls_config(cert_path("a"), missing), "server.tls_key_file", missing,
                     "No such file or directory");
}

TEST_F(TlsTest, Tls_StartFailsOnCertFileThatIsADirectory) {
  expect_start_error(tls_config(dir_->path(), key_path("a")), "server.tls_cert_file",
                     dir_->path(), "cannot read");
}

TEST_F(TlsTest, Tls_StartFailsOnCertFileThatIsNotPem) {
  expect_start_error(tls_config(path("garbage.pem"), key_path("a")), "server.tls_cert_file",
                     path("garbage.pem"), "not a PEM certificate");
}

TEST_F(TlsTest, Tls_StartFailsOnKeyFileThatIsNotPem) {
  expect_start_error(tls_config(cert_path("a"), path("garbage.pem")), "server.tls_key_file",
                     path("garbage.pem"), "not a PEM private key");
}

TEST_F(TlsTest, Tls_StartFailsOnKeyFileHoldingOnlyACertificate) {
  expect_start_error(tls_config(cert_path("a"), cert_path("a")), "server.tls_key_file",
                     cert_path("a"), "not a PEM private key");
}

TEST_F(TlsTest, Tls_StartFailsOnEncryptedKeyWithoutPrompting) {
  expect_start_error(tls_config(cert_path("a"), path("encrypted.key.pem")), "server.tls_key_file",
                     path("encrypted.key.pem"), "encrypted");
}

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

TEST_F(TlsTest, Tls_StartFailsOnKeyOfAnotherTypeThanCertificate) {
  expect_start_error(tls_config(cert_path("a"), key_path("b")), "server.tls_key_file",
                     key_path("b"), "private key does not match the certificate");
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
  start(tls_config(cert_path("a"), key_path("a")));
  EXPECT_TRUE(server_->tls());
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send(get("/xapi/about?x=1")));
  auto r = c.read_response();
  ASSERT_TRUE(r) << c.error();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /xapi/about from 127.0.0.1");
  EXPECT_EQ(c.peer_fingerprint(), pem_file_fingerprint(cert_path("a")));
}

TEST_F(TlsTest, Tls_CertificateVerifiesForTheLocalhostName) {
  start(tls_config(cert_path("a"), key_path("a")));
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
  start(tls_config(cert_path("a"), key_path("a")));
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send(get("/one")));
  auto r1 = c.read_response();
  ASSERT_TRUE(r1) << c.error();
  EXPECT_EQ(r1->body, "GET /one from 127.0.0.1");
  ASSERT_TRUE(c.send(get("/two")));
  auto r2 = c.read_response();
  ASSERT_TRUE(r2) << c.error();
  EXPECT_EQ(r2->body, "GET /two from 127.0.0.1");
}

TEST_F(TlsTest, Tls_NegotiatesTls13ByDefault) {
  start(tls_config(cert_path("a"), key_path("a")));
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.version(), TLS1_3_VERSION);
}

TEST_F(TlsTest, Tls_RefusesClientLimitedToTls11) {
  start(tls_config(cert_path("a"), key_path("a")));
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
  start(tls_config(cert_path("a"), key_path("a")));
  TlsClientOptions o = trusting(cert_path("a"));
  o.max_version = TLS1_2_VERSION;
  TlsClient c(port(), o);
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.version(), TLS1_2_VERSION);
  std::string cipher = c.cipher();
  EXPECT_EQ(cipher.rfind("ECDHE-", 0), 0u) << cipher;
  EXPECT_TRUE(contains(cipher, "GCM") || contains(cipher, "CHACHA20-POLY1305")) << cipher;
  ASSERT_TRUE(c.send(get("/v12")));
  auto r = c.read_response();
  ASSERT_TRUE(r) << c.error();
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
  start(tls_config(cert_path("a"), key_path("a")));
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
  start(tls_config(cert_path("a"), key_path("a")));
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
  start(tls_config(cert_path("a"), key_path("a")));
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send(get("/who")));
  auto r = c.read_response();
  ASSERT_TRUE(r) << c.error();
  EXPECT_EQ(r->body, "GET /who from 127.0.0.1");
}

TEST_F(TlsTest, Tls_HandshakeTimeoutClosesSilentConnection) {
  Config config = tls_config(cert_path("a"), key_path("a"));
  config.limits.request_timeout_ms = 200;
  start(config);
  Client c(port());  // TCP only: never sends a ClientHello
  ASSERT_TRUE(c.connected());
  auto begin = Clock::now();
  EXPECT_TRUE(c.closed_by_server(3000ms));
  EXPECT_GE(Clock::now() - begin, 150ms);
}

TEST_F(TlsTest, Tls_ConnectionsOverLimitGet503AfterHandshake) {
  Config config = tls_config(cert_path("a"), key_path("a"));
  config.limits.connections_max = 1;
  start(config);
  TlsClient a(port(), trusting(cert_path("a")));
  ASSERT_TRUE(a.connected()) << a.error();
  ASSERT_TRUE(a.send(get("/a")));  // a served request proves the connection was counted
  ASSERT_TRUE(a.read_response());

  TlsClient over(port(), trusting(cert_path("a")));
  ASSERT_TRUE(over.connected()) << over.error();
  auto r = over.read_response();
  ASSERT_TRUE(r) << over.error();
  EXPECT_EQ(r->status, 503);
  EXPECT_TRUE(contains(r->body, "limits.connections_max = 1")) << r->body;
  bool clean = false;
  EXPECT_TRUE(over.closed_by_server(3000ms, &clean));
  EXPECT_TRUE(clean);  // close_notify, not a bare TCP close

  // Once the counted connection goes away its slot is free again (bounded wait).
  a.close();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    TlsClient again(port(), trusting(cert_path("a")));
    if (again.connected() && again.send(get("/again"))) {
      auto r2 = again.read_response();
      served = r2 && r2->status == 200;
    }
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST_F(TlsTest, Tls_RejectsBodyOverLimitWith413AndClosesWithCloseNotify) {
  Config config = tls_config(cert_path("a"), key_path("a"));
  config.limits.body_bytes_max = 1024;
  start(config);
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  // Several TLS records of body the server must read past to reach our close_notify.
  ASSERT_TRUE(c.send("PUT /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n" +
                     std::string(65536, 'a')))
      << c.error();
  auto r = c.read_response();
  ASSERT_TRUE(r) << c.error();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body,
            "{\"error\":{\"status\":413,\"message\":\"request body exceeds "
            "limits.body_bytes_max (1024 bytes)\"}}");
  bool clean = false;
  EXPECT_TRUE(c.closed_by_server(3000ms, &clean));
  EXPECT_TRUE(clean);
}

TEST_F(TlsTest, Tls_RejectsHeadersOverLimitWith431) {
  Config config = tls_config(cert_path("a"), key_path("a"));
  config.limits.header_bytes_max = 1024;
  start(config);
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send(get("/x", "X-Big: " + std::string(4000, 'h') + "\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r) << c.error();
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(contains(r->body, "limits.header_bytes_max"));
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

TEST_F(TlsTest, Tls_AnswersMalformedRequestWith400AndCloses) {
  start(tls_config(cert_path("a"), key_path("a")));
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send("this is not http at all\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r) << c.error();
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

TEST_F(TlsTest, Tls_HeadSendsContentLengthButNoBody) {
  start(tls_config(cert_path("a"), key_path("a")));
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send("HEAD /abc HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.read_response(/*head=*/true);
  ASSERT_TRUE(r) << c.error();
  EXPECT_EQ(r->status, 200);
  ASSERT_NE(r->header("content-length"), nullptr);
  EXPECT_EQ(*r->header("content-length"),
            std::to_string(std::string("HEAD /abc from 127.0.0.1").size()));
  // Had a body been sent, it would now be read as the next response's status line.
  ASSERT_TRUE(c.send(get("/next")));
  auto r2 = c.read_response();
  ASSERT_TRUE(r2) << c.error();
  EXPECT_EQ(r2->body, "GET /next from 127.0.0.1");
}

TEST_F(TlsTest, Tls_ExpectContinueGets100BeforeTheBody) {
  start(tls_config(cert_path("a"), key_path("a")));
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send(
      "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.read_response(/*head=*/true);
  ASSERT_TRUE(interim) << c.error();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send("hello"));
  auto r = c.read_response();
  ASSERT_TRUE(r) << c.error();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /c from 127.0.0.1");
}

TEST_F(TlsTest, Tls_ConnectionCloseRequestClosesWithCloseNotifyAfterReply) {
  start(tls_config(cert_path("a"), key_path("a")));
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send(get("/bye", "Connection: close\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r) << c.error();
  EXPECT_EQ(r->status, 200);
  bool clean = false;
  EXPECT_TRUE(c.closed_by_server(3000ms, &clean));
  EXPECT_TRUE(clean);
}

TEST_F(TlsTest, Tls_IdleTimeoutClosesTlsConnection) {
  Config config = tls_config(cert_path("a"), key_path("a"));
  config.limits.idle_timeout_ms = 200;
  start(config);
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  auto begin = Clock::now();
  EXPECT_TRUE(c.closed_by_server(3000ms));
  EXPECT_GE(Clock::now() - begin, 150ms);
}

TEST_F(TlsTest, Tls_StopClosesOpenTlsConnections) {
  start(tls_config(cert_path("a"), key_path("a")));
  TlsClient c(port(), trusting(cert_path("a")));
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send(get("/x")));
  ASSERT_TRUE(c.read_response());
  auto begin = Clock::now();
  server_->stop();
  EXPECT_LT(Clock::now() - begin, 1500ms);
  EXPECT_TRUE(c.closed_by_server(3000ms));
}

// ---- reload_tls() -----------------------------------------------------------------------------

TEST_F(TlsTest, Tls_ReloadKeepsOpenConnectionsAndGivesNewOnesTheNewCertificate) {
  TempDir served("/tmp/scribe-tls-served");
  const std::string cert = served.path() + "/cert.pem", key = served.path() + "/key.pem";
  copy_file(cert_path("a"), cert);
  copy_file(key_path("a"), key);
  start(tls_config(cert, key));

  TlsClient old(port(), trusting(cert_path("a")));
  ASSERT_TRUE(old.connected()) << old.error();
  ASSERT_TRUE(old.send(get("/1")));
  ASSERT_TRUE(old.read_response()) << old.error();
  EXPECT_EQ(old.peer_fingerprint(), pem_file_fingerprint(cert_path("a")));

  copy_file(cert_path("b"), cert);
  copy_file(key_path("b"), key);
  Status st = server_->reload_tls();
  ASSERT_TRUE(st.ok()) << st.error().message;

  // The open connection keeps its certificate and is still served.
  ASSERT_TRUE(old.send(get("/2")));
  auto r = old.read_response();
  ASSERT_TRUE(r) << old.error();
  EXPECT_EQ(r->body, "GET /2 from 127.0.0.1");

  TlsClient fresh(port(), trusting(cert_path("b")));
  ASSERT_TRUE(fresh.connected()) << fresh.error();
  EXPECT_EQ(fresh.peer_fingerprint(), pem_file_fingerprint(cert_path("b")));
  ASSERT_TRUE(fresh.send(get("/3")));
  auto r3 = fresh.read_response();
  ASSERT_TRUE(r3) << fresh.error();
  EXPECT_EQ(r3->status, 200);

  TlsClient trusting_a_only(port(), trusting(cert_path("a")));
  EXPECT_FALSE(trusting_a_only.connected());
}

TEST_F(TlsTest, Tls_ReloadWithBrokenFilesFailsAndKeepsServingTheCurrentCertificate) {
  TempDir served("/tmp/scribe-tls-served");
  const std::string cert = served.path() + "/cert.pem", key = served.path() + "/key.pem";
  copy_file(cert_path("a"), cert);
  copy_file(key_path("a"), key);
  start(tls_config(cert, key));
  TlsClient open(port(), trusting(cert_path("a")));
  ASSERT_TRUE(open.connected()) << open.error();

  write_file(key, "garbage\n");
  Status st = server_->reload_tls();
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st.error().message, "server.tls_key_file " + key)) << st.error().message;

  copy_file(cert_path("expired"), cert);
  copy_file(key_path("expired"), key);
  st = server_->reload_tls();
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st.error().message, "server.tls_cert_file " + cert + ": certificate expired"))
      << st.error().message;

  copy_file(cert_path("b"), cert);
  copy_file(key_path("a"), key);
  st = server_->reload_tls();
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st.error().message, "does not match")) << st.error().message;

  std::filesystem::remove(cert);
  st = server_->reload_tls();
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st.error().message, "No such file or directory")) << st.error().message;

  // New connections still get certificate a; the open one is still served.
  TlsClient fresh(port(), trusting(cert_path("a")));
  ASSERT_TRUE(fresh.connected()) << fresh.error();
  EXPECT_EQ(fresh.peer_fingerprint(), pem_file_fingerprint(cert_path("a")));
  ASSERT_TRUE(open.send(get("/still")));
  auto r = open.read_response();
  ASSERT_TRUE(r) << open.error();
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
