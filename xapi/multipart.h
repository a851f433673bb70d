// A strict, bounded multipart/mixed reader (RFC 2046 §5.1) for statement requests with
// attachments. It never copies part bodies: parts are views into the request body, which must
// outlive them. Every malformation (missing or misplaced boundary, truncated body, header
// without a colon, too many parts, oversized headers or parts) is an Error with status 400
// (413 for limits) and a message saying where, so the function can be fed arbitrary bytes by
// a fuzzer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace scribe::xapi {

struct MultipartPart {
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, values trimmed
  std::string_view body;

  const std::string* header(std::string_view name) const {
    for (const auto& h : headers)
      if (h.first == name) return &h.second;
    return nullptr;
  }
};

struct MultipartLimits {
  uint32_t parts_max = 1000;
  uint32_t part_header_bytes_max = 8192;
  uint64_t part_bytes_max = 64ull << 20;
};

// The boundary parameter of a multipart/mixed Content-Type; nullopt when the type is not
// multipart/mixed, an error when it is but names no usable boundary.
std::optional<Result<std::string>> multipart_boundary(std::string_view content_type);

Result<std::vector<MultipartPart>> parse_multipart(std::string_view body,
                                                   std::string_view boundary,
                                                   const MultipartLimits& limits);

// Media type without parameters, lower-case ("Application/JSON; charset=x" -> "application/json").
std::string media_type(std::string_view content_type);

}  // namespace scribe::xapi
