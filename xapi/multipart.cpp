#include "xapi/multipart.h"

#include <cctype>

#include "common/text.h"

namespace scribe::xapi {

namespace {

constexpr std::string_view kCrlf = "\r\n";

Error malformed(const std::string& what) { return bad_request("", "multipart body: " + what); }

// Parses the header block of one part (without the blank line that ends it).
Status parse_headers(std::string_view block, MultipartPart& part) {
  while (!block.empty()) {
    size_t end = block.find(kCrlf);
    std::string_view line = block.substr(0, end);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || text::trim_ows(line.substr(0, colon)).empty())
      return malformed("part header line without a name and colon");
    part.headers.emplace_back(text::ascii_lower(text::trim_ows(line.substr(0, colon))),
                              std::string(text::trim_ows(line.substr(colon + 1))));
    if (end == std::string_view::npos) break;
    block.remove_prefix(end + 2);
  }
  return Status::success();
}

}  // namespace

std::string media_type(std::string_view content_type) {
  return text::ascii_lower(text::trim_ows(content_type.substr(0, content_type.find(';'))));
}

std::optional<Result<std::string>> multipart_boundary(std::string_view content_type) {
  if (media_type(content_type) != "multipart/mixed") return std::nullopt;
  std::string_view rest = content_type.substr(content_type.find(';') == std::string_view::npos
                                                  ? content_type.size()
                                                  : content_type.find(';') + 1);
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view param = text::trim_ows(rest.substr(0, semi));
    size_t eq = param.find('=');
    if (eq != std::string_view::npos && text::ascii_lower(text::trim_ows(param.substr(0, eq))) == "boundary") {
      std::string_view value = text::trim_ows(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      if (value.empty() || value.size() > 70)
        return Result<std::string>(bad_request("Content-Type", "boundary must be 1 to 70 characters"));
      return Result<std::string>(std::string(value));
    }
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return Result<std::string>(bad_request("Content-Type", "multipart/mixed without a boundary"));
}

Result<std::vector<MultipartPart>> parse_multipart(std::string_view body,
                                                   std::string_view boundary,
                                                   const MultipartLimits& limits) {
  const std::string delimiter = "--" + std::string(boundary);
  const std::string inner_delimiter = "\r\n" + delimiter;

  // Only blank lines may precede the first boundary.
  size_t pos = 0;
  while (body.substr(pos, 2) == kCrlf) pos += 2;
  if (body.substr(pos, delimiter.size()) != delimiter)
    return malformed("does not start with the boundary");
  pos += delimiter.size();

  std::vector<MultipartPart> parts;
  for (;;) {
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter; epilogue ignored
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) pos++;
    if (body.substr(pos, 2) != kCrlf) return malformed("boundary not followed by a line break");
    pos += 2;
    if (parts.size() == limits.parts_max)
      return Error{413, "", "multipart body has more than " + std::to_string(limits.parts_max) + " parts"};

    MultipartPart part;
    size_t header_end;
    if (body.substr(pos, 2) == kCrlf) {
      header_end = pos;  // no headers
    } else {
      header_end = body.find("\r\n\r\n", pos);
      if (header_end == std::string_view::npos) return malformed("part headers are not terminated");
    }
    if (header_end - pos > limits.part_header_bytes_max)
      return Error{413, "", "multipart part headers exceed " +
                                std::to_string(limits.part_header_bytes_max) + " bytes"};
    if (Status s = parse_headers(body.substr(pos, header_end - pos), part); !s) return s.error();
    pos = header_end + (header_end == pos ? 2 : 4);

    size_t next = body.find(inner_delimiter, pos);
    if (next == std::string_view::npos) return malformed("truncated: closing boundary missing");
    if (next - pos > limits.part_bytes_max)
      return Error{413, "", "a multipart part exceeds " + std::to_string(limits.part_bytes_max) + " bytes"};
    part.body = body.substr(pos, next - pos);
    parts.push_back(std::move(part));
    pos = next + inner_delimiter.size();
  }
}

}  // namespace scribe::xapi
