// Typed storage errors: storage/ says what failed (a Code), the protocol layer answers it in one
// place (xapi::error_response), and an engine fault's message (which may name a file in the
// data folder) reaches the log, never a client.
#include <gtest/gtest.h>

#include <string>

#include "common/result.h"
#include "xapi/responses.h"

namespace scribe::xapi {
namespace {

TEST(ErrorMapping, EveryCodeHasItsStatus) {
  EXPECT_EQ(http_status(fault(Code::invalid, "x")), 400);
  EXPECT_EQ(http_status(fault(Code::conflict, "x")), 409);
  EXPECT_EQ(http_status(fault(Code::too_large, "x")), 413);
  EXPECT_EQ(http_status(fault(Code::not_found, "x")), 404);
  EXPECT_EQ(http_status(fault(Code::unavailable, "x")), 503);
  EXPECT_EQ(http_status(fault(Code::io_error, "x")), 503);
  EXPECT_EQ(http_status(fault(Code::busy, "x")), 503);
  EXPECT_EQ(http_status(fault(Code::no_space, "x")), 507);
  EXPECT_EQ(http_status(fault(Code::corruption, "x")), 500);
  EXPECT_EQ(http_status(fault(Code::internal, "x")), 500);
  EXPECT_EQ(http_status(Error{412, "", "x"}), 412);  // a protocol layer's own answer
}

TEST(ErrorMapping, AnEngineFaultsMessageAndPathGoToTheLogOnly) {
  const std::string secret = "IO error: No space left on device: While appending to file: /srv/var/000042.log";
  HttpResponse r = error_response(fault(Code::no_space, secret, "statements"));
  EXPECT_EQ(r.status, 507);
  EXPECT_EQ(r.body.find("000042"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("/srv"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("\"path\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("full"), std::string::npos) << r.body;
  EXPECT_NE(r.log_detail.find("000042.log"), std::string::npos);

  HttpResponse read = error_response(fault(Code::io_error, "IO error: /srv/var/000007.sst: EIO"));
  EXPECT_EQ(read.status, 503);
  EXPECT_EQ(read.body.find("000007"), std::string::npos) << read.body;
  bool retry_after = false;
  for (const auto& [name, value] : read.headers) retry_after |= name == "Retry-After" && value == "1";
  EXPECT_TRUE(retry_after);
}

TEST(ErrorMapping, AnInputFaultKeepsItsPathAndMessageForTheClient) {
  HttpResponse r = error_response(fault(Code::too_large, "has 9000 index terms; at most 8192", "[3]"));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("\"path\":\"[3]\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("8192"), std::string::npos) << r.body;
  EXPECT_TRUE(r.log_detail.empty());
}

}  // namespace
}  // namespace scribe::xapi
