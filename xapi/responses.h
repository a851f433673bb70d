// Building HTTP responses: JSON bodies, the error body every failure shares
// ({"error":{"status":..,"path":..,"message":..}}), and HTTP dates. The one place where an
// error's protocol-free code becomes an HTTP status (xapi/ and admin/ both answer through
// error_response). An engine fault's message (it may name a file or quote RocksDB) never
// reaches the body: the body says what kind of failure it was, and the message goes to
// log_detail for the router's log line.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "xapi/http_message.h"

namespace scribe::xapi {

HttpResponse json_response(int status, std::string body);
// The status an error is answered with: its own for Code::protocol, else by its code.
int http_status(const Error& error);
HttpResponse error_response(const Error& error);
HttpResponse no_content();
// RFC 7231 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(int64_t micros);

}  // namespace scribe::xapi
