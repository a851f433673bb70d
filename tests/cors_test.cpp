// CORS through the Router: "*" never allows credentials; a list echoes only its origins, with
// Vary: Origin and Allow-Credentials; preflights allow only allowlisted request headers.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/lrs_fixture.h"
#include "tests/support/lrs_requests.h"
#include "tests/support/temp_dir.h"
#include "xapi/cors.h"

namespace scribe {
namespace {

using test_support::find_header;
using xapi::CorsPolicy;
using xapi::HttpResponse;

std::string header_or_empty(const HttpResponse& r, const char* name) {
  const std::string* v = find_header(r, name);
  return v ? *v : "";
}

TEST(Cors, AnyOriginIsStarAndNeverWithCredentials) {
  CorsPolicy any("*");
  const std::string origin = "https://evil.example";
  HttpResponse r;
  any.add_response_headers(r, &origin);
  EXPECT_EQ(header_or_empty(r, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(find_header(r, "Access-Control-Allow-Credentials"), nullptr);
}

TEST(Cors, ListedOriginsAreEchoedWithCredentialsAndOthersGetNothing) {
  CorsPolicy listed("https://lms.example, https://bi.example");
  const std::string lms = "https://lms.example", evil = "https://evil.example";
  HttpResponse ok, refused, none;
  listed.add_response_headers(ok, &lms);
  listed.add_response_headers(refused, &evil);
  listed.add_response_headers(none, nullptr);
  EXPECT_EQ(header_or_empty(ok, "Access-Control-Allow-Origin"), lms);
  EXPECT_EQ(header_or_empty(ok, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header_or_empty(ok, "Vary"), "Origin");
  EXPECT_EQ(find_header(refused, "Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(find_header(refused, "Access-Control-Allow-Credentials"), nullptr);
  EXPECT_EQ(header_or_empty(refused, "Vary"), "Origin");
  EXPECT_EQ(find_header(none, "Access-Control-Allow-Origin"), nullptr);
}

TEST(Cors, PreflightsAllowOnlyAllowlistedRequestHeaders) {
  CorsPolicy any("*");
  const std::string requested = "X-Requested-With, Cache-Control, Pragma, Authorization, X-Evil, Content-Type";
  HttpResponse r;
  any.add_preflight_headers(r, &requested);
  EXPECT_EQ(header_or_empty(r, "Access-Control-Allow-Headers"),
            "X-Requested-With, Cache-Control, Pragma, Authorization, Content-Type");
  EXPECT_NE(header_or_empty(r, "Access-Control-Allow-Methods").find("PUT"), std::string::npos);
}

TEST(Cors, RouterStampsEveryResponseAndAnswersPreflightsWithoutCredentials) {
  test_support::TempDir dir{"/tmp/scribe-cors"};
  Config config;
  config.server.cors_allowed_origins = "https://lms.example";
  auto e = test_support::open_test_engine(config, dir.path());
  ASSERT_TRUE(e.ok());
  test_support::StatementsStack stack;
  stack.build(config, std::move(*e));
  xapi::HttpRequest preflight = test_support::lrs_request("", "OPTIONS", "/statements");
  preflight.headers.emplace_back("origin", "https://lms.example");
  preflight.headers.emplace_back("access-control-request-headers", "authorization,x-experience-api-version");
  HttpResponse p = test_support::send_and_wait(*stack.router, std::move(preflight));
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(header_or_empty(p, "Access-Control-Allow-Origin"), "https://lms.example");
  EXPECT_EQ(header_or_empty(p, "Access-Control-Allow-Headers"), "authorization, x-experience-api-version");
  xapi::HttpRequest denied = test_support::lrs_request("", "GET", "/statements");
  denied.headers.emplace_back("origin", "https://evil.example");
  HttpResponse d = test_support::send_and_wait(*stack.router, std::move(denied));
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(find_header(d, "Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(find_header(d, "Access-Control-Allow-Credentials"), nullptr);
}

}  // namespace
}  // namespace scribe
