// Building HTTP responses: JSON bodies, the error body every failure shares
// ({"error":{"status":..,"path":..,"message":..}}), and HTTP dates.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "xapi/http_message.h"

namespace scribe::xapi {

HttpResponse json_response(int status, std::string body);
HttpResponse error_response(const Error& error);
HttpResponse no_content();
// RFC 7231 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(int64_t micros);

}  // namespace scribe::xapi
