// libFuzzer target for the multipart/mixed reader (xapi/multipart.h) and the statement-request
// splitter built on it (xapi/attachments.h: read_statement_body).
//
// Input layout: byte 0 = k; n = k & 0x7f. When 1 <= n <= 70 and the input is long enough,
// bytes 1..n are the boundary and the rest is the body; otherwise the boundary is "frontier"
// and the body is everything after byte 0. The high bit of k selects tight limits, so the 413
// paths run too.
//
// Besides "no crash, no sanitizer report", it checks what multipart.h promises: part bodies
// are views into the body, header names are lower-case and non-empty, errors are 400 or 413.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "xapi/attachments.h"
#include "xapi/http_message.h"
#include "xapi/multipart.h"

namespace {

using scribe::xapi::MultipartLimits;
using scribe::xapi::MultipartPart;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_parts(const std::vector<MultipartPart>& parts, std::string_view body,
                 const MultipartLimits& limits) {
  check(parts.size() <= limits.parts_max);
  for (const auto& p : parts) {
    check(p.body.data() >= body.data() && p.body.data() + p.body.size() <= body.data() + body.size());
    check(p.body.size() <= limits.part_bytes_max);
    for (const auto& [name, value] : p.headers) {
      check(!name.empty());
      for (char c : name) check(!(c >= 'A' && c <= 'Z'));
      (void)value;
    }
    if (const std::string* type = p.header("content-type")) (void)scribe::xapi::media_type(*type);
  }
}

void check_error(int status) { check(status == 400 || status == 413); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const unsigned k = data[0];
  const unsigned n = k & 0x7f;
  std::string boundary = "frontier";
  std::string_view body = input.substr(1);
  if (n >= 1 && n <= 70 && size > n) {
    boundary.assign(input.substr(1, n));
    body = input.substr(1 + n);
  }

  MultipartLimits limits;
  if (k & 0x80) {  // tight limits
    limits.parts_max = 3;
    limits.part_header_bytes_max = 64;
    limits.part_bytes_max = 32;
  }

  auto parts = scribe::xapi::parse_multipart(body, boundary, limits);
  if (parts) check_parts(*parts, body, limits);
  else check_error(parts.error().status);

  // The Content-Type helpers on the boundary as a parameter, quoted and not, and on raw bytes.
  for (const std::string& type :
       {"multipart/mixed; boundary=" + boundary, "multipart/mixed; boundary=\"" + boundary + "\"",
        std::string(body.substr(0, 200))}) {
    auto b = scribe::xapi::multipart_boundary(type);
    if (b && *b) check(!(*b)->empty() && (*b)->size() <= 70);
    else if (b) check_error(b->error().status);
    (void)scribe::xapi::media_type(type);
  }

  // The whole statement-request path: Content-Type → boundary → parts → JSON part.
  scribe::xapi::HttpRequest request;
  request.method = "POST";
  request.headers.emplace_back("content-type", "multipart/mixed; boundary=\"" + boundary + "\"");
  request.body.assign(body);
  auto split = scribe::xapi::read_statement_body(request, limits);
  if (split) {
    const std::string_view whole = request.body;
    check(split->json.data() >= whole.data() &&
          split->json.data() + split->json.size() <= whole.data() + whole.size());
    check_parts(split->attachments, whole, limits);
  } else {
    check_error(split.error().status);
  }
  return 0;
}
