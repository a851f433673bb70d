#include "common/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace scribe {
namespace {

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/scribe_config_test_XXXXXX";
    int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    if (fd >= 0) close(fd);
    path_ = name;
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

Result<Config> parse(const std::string& text) {
  TempFile f(text);
  return load_config_file(f.path(), true);
}

TEST(Config, ParsesSectionsStringsIntegersBooleansAndComments) {
  auto c = parse(
      "# a comment\n"
      "[server]\n"
      "host = \"0.0.0.0\"   # trailing comment\n"
      "port = 9_000\n"
      "base_path = \"/lrs # not a comment\"\n"
      "\n"
      "[limits]\n"
      "body_bytes_max = 1_048_576\n"
      "idle_timeout_ms = 250\n"
      "[storage]\n"
      "sync_writes = false\n"
      "data_dir = \"C:\\\\data \\\"quoted\\\"\"\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.host, "0.0.0.0");
  EXPECT_EQ(c->server.port, 9000);
  EXPECT_EQ(c->server.base_path, "/lrs # not a comment");
  EXPECT_EQ(c->limits.body_bytes_max, 1048576u);
  EXPECT_EQ(c->limits.idle_timeout_ms, 250u);
  EXPECT_FALSE(c->storage.sync_writes);
  EXPECT_EQ(c->storage.data_dir, "C:\\data \"quoted\"");
  // Untouched keys keep their defaults.
  EXPECT_EQ(c->limits.header_bytes_max, Config{}.limits.header_bytes_max);
}

TEST(Config, MissingFileIsDefaultsUnlessRequired) {
  auto optional = load_config_file("/nonexistent/scribe.toml", false);
  ASSERT_TRUE(optional.ok());
  EXPECT_EQ(optional->server.port, Config{}.server.port);
  auto required = load_config_file("/nonexistent/scribe.toml", true);
  ASSERT_FALSE(required.ok());
  EXPECT_NE(required.error().message.find("/nonexistent/scribe.toml"), std::string::npos);
}

TEST(Config, UnknownKeyIsAnErrorNamingIt) {
  auto c = parse("[server]\nprot = 80\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("server.prot"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find(":2:"), std::string::npos) << c.error().message;
}

TEST(Config, UnknownSectionIsAnErrorNamingIt) {
  auto c = parse("[sever]\nport = 80\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("[sever]"), std::string::npos) << c.error().message;
}

TEST(Config, TypeErrorNamesTheKey) {
  auto c = parse("[server]\nport = \"80\"\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("server.port"), std::string::npos) << c.error().message;
  auto b = parse("[storage]\nsync_writes = 1\n");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("storage.sync_writes"), std::string::npos);
}

TEST(Config, RejectsOutOfRangeAndMalformedValues) {
  EXPECT_FALSE(parse("[server]\nport = 70000\n").ok());
  EXPECT_FALSE(parse("[limits]\nbody_bytes_max = -1\n").ok());
  EXPECT_FALSE(parse("[limits]\nbody_bytes_max = 1__0\n").ok());
  EXPECT_FALSE(parse("[limits]\nbody_bytes_max = _10\n").ok());
  EXPECT_FALSE(parse("[limits]\nbody_bytes_max = 99999999999999999999999\n").ok());
  EXPECT_FALSE(parse("[server]\nhost = \"unterminated\n").ok());
  EXPECT_FALSE(parse("[server]\nhost = \"a\" junk\n").ok());
  EXPECT_FALSE(parse("port = 1\n").ok());                        // outside a section
  EXPECT_FALSE(parse("[server]\nport = 1\nport = 2\n").ok());    // duplicate key
  EXPECT_FALSE(parse("[server]\n[server]\n").ok());              // duplicate section
  EXPECT_FALSE(parse("[server]\nport\n").ok());                  // no '='
}

TEST(Config, EnvironmentOverridesFileValues) {
  ScopedEnv port("SCRIBE_SERVER_PORT", "9100");
  ScopedEnv body("SCRIBE_LIMITS_BODY_BYTES_MAX", "2_000");
  ScopedEnv sync("SCRIBE_STORAGE_SYNC_WRITES", "false");
  ScopedEnv dir("SCRIBE_STORAGE_DATA_DIR", "/var/lib/scribe");
  auto c = parse("[server]\nport = 9000\n");
  ASSERT_TRUE(c.ok());
  Config config = *c;
  ASSERT_TRUE(apply_environment(config).ok());
  EXPECT_EQ(config.server.port, 9100);
  EXPECT_EQ(config.limits.body_bytes_max, 2000u);
  EXPECT_FALSE(config.storage.sync_writes);
  EXPECT_EQ(config.storage.data_dir, "/var/lib/scribe");
}

TEST(Config, EnvironmentTypeErrorAndUnknownKeyAreErrors) {
  {
    ScopedEnv port("SCRIBE_SERVER_PORT", "eighty");
    Config config;
    Status st = apply_environment(config);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("SCRIBE_SERVER_PORT"), std::string::npos);
  }
  {
    ScopedEnv typo("SCRIBE_LIMITS_BODY_BYTE_MAX", "1");
    Config config;
    Status st = apply_environment(config);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("SCRIBE_LIMITS_BODY_BYTE_MAX"), std::string::npos);
  }
}

TEST(Config, FlagOverridesApplyTypedValues) {
  Config config;
  ASSERT_TRUE(apply_override(config, "--server.port=0").ok());
  ASSERT_TRUE(apply_override(config, "--server.host=::1").ok());
  ASSERT_TRUE(apply_override(config, "--xapi.default_version=\"1.0.3\"").ok());
  ASSERT_TRUE(apply_override(config, "--limits.connections_max=10_000").ok());
  ASSERT_TRUE(apply_override(config, "--storage.sync_writes=false").ok());
  EXPECT_EQ(config.server.port, 0);
  EXPECT_EQ(config.server.host, "::1");
  EXPECT_EQ(config.xapi.default_version, "1.0.3");
  EXPECT_EQ(config.limits.connections_max, 10000u);
  EXPECT_FALSE(config.storage.sync_writes);
}

TEST(Config, FlagOverrideErrorsNameTheKey) {
  Config config;
  Status unknown = apply_override(config, "--server.prot=1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("server.prot"), std::string::npos);
  Status bad_type = apply_override(config, "--limits.idle_timeout_ms=soon");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.error().message.find("limits.idle_timeout_ms"), std::string::npos);
  EXPECT_FALSE(apply_override(config, "--server.port").ok());
  EXPECT_FALSE(apply_override(config, "--port=1").ok());
  EXPECT_FALSE(apply_override(config, "--storage.sync_writes=yes").ok());
}

TEST(Config, DescribeRoundTripsThroughTheFileReader) {
  Config config;
  config.server.host = "0.0.0.0";
  config.server.port = 1234;
  config.server.tls_cert_file = "/etc/cert \"x\".pem";
  config.limits.body_bytes_max = 123456789;
  config.storage.sync_writes = false;
  config.auth.bootstrap_file = "tab\there";
  std::string text = describe(config);
  EXPECT_NE(text.find("[limits]"), std::string::npos);
  EXPECT_NE(text.find("port = 1234"), std::string::npos);
  auto back = parse(text);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  EXPECT_EQ(describe(*back), text);
  EXPECT_EQ(back->server.tls_cert_file, config.server.tls_cert_file);
  EXPECT_EQ(back->auth.bootstrap_file, config.auth.bootstrap_file);
  EXPECT_EQ(back->limits.body_bytes_max, 123456789u);
}

TEST(Config, ShippedDeployFileParsesToTheDefaults) {
  auto path = std::filesystem::path(__FILE__).parent_path().parent_path() / "deploy/scribe.toml";
  auto c = load_config_file(path.string(), true);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(describe(*c), describe(Config{}));
  // Every key is documented there, not just left at its default by omission.
  std::ifstream in(path);
  std::string shipped((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string described = describe(Config{});
  for (size_t pos = 0; pos < described.size();) {
    size_t end = described.find('\n', pos);
    std::string line = described.substr(pos, end - pos);
    pos = end == std::string::npos ? described.size() : end + 1;
    size_t eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    EXPECT_NE(shipped.find("\n" + line.substr(0, eq) + " = "), std::string::npos)
        << "deploy/scribe.toml does not document " << line.substr(0, eq);
  }
}

}  // namespace
}  // namespace scribe
