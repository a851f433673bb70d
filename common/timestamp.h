// ISO 8601 / RFC 3339 timestamps as used by xAPI "timestamp", "stored" and the since/until
// query parameters. Parsing yields microseconds since the Unix epoch in UTC; formatting always
// produces the canonical UTC form "YYYY-MM-DDThh:mm:ss.ffffffZ" (6 fraction digits), so
// formatted timestamps sort lexically in time order for years 0000-9999.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace scribe {

// Accepts a calendar date-time in ISO 8601 extended ("2024-01-31T10:20:30.5+01:00") or basic
// ("20240131T102030Z") form; the time may omit seconds; the fraction ('.' or ',') may have any
// length and is truncated to microseconds. The zone is 'Z', ±hh, ±hhmm or ±hh:mm; a negative
// zero offset ("-00", "-0000", "-00:00") means "unknown local offset" (RFC 3339) and is rejected.
// Without a zone the time is read as UTC unless require_zone is set, in which case it fails.
// Errors are status 400 with an empty path (callers add the property path).
Result<int64_t> parse_timestamp(std::string_view s, bool require_zone = false);

// "2026-11-23T11:04:51.123456Z".
std::string format_timestamp(int64_t micros);

// The current time, microseconds since the Unix epoch.
int64_t now_micros();

}  // namespace scribe
