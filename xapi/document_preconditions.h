// HTTP preconditions on the document resources (xAPI Communication 3.1, RFC 7232):
// If-Match ("*" or a list of entity tags, weak or strong, quoted or not) holds when the
// document exists and its ETag is listed; If-None-Match holds when the document does not exist
// ("*") or its ETag is not listed. A failed precondition is a 412 naming the header.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace scribe::xapi {

struct Preconditions {
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  bool any() const { return if_match || if_none_match; }
};

// `etag_hex` is the current document's ETag without quotes, nullopt when there is none.
Status check_preconditions(const Preconditions& p, const std::optional<std::string>& etag_hex);

// "\"<hex>\"": how an ETag is sent.
std::string quoted_etag(std::string_view etag_hex);

}  // namespace scribe::xapi
