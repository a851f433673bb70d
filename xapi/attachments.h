// Statement requests with attachments (xAPI Data 2.4.11, Communication 1.5.2): reading a
// multipart/mixed statement request into its JSON part and attachment parts, and reconciling
// the parts with the attachments the statements declare. Guarantees on success: every part
// is a declared attachment whose bytes hash to the declared sha2, every declared attachment
// without a fileUrl has its part, no part is extra or repeated, and every signature attachment
// is a well-formed JWS whose payload matches its statement.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json_dom.h"
#include "common/result.h"
#include "xapi/http_message.h"
#include "xapi/multipart.h"
#include "xapi/version.h"

namespace scribe::xapi {

inline constexpr std::string_view kSignatureUsageType =
    "http://adlnet.gov/expapi/attachments/signature";

struct StatementRequestBody {
  std::string_view json;                   // the statements part (or the whole body)
  std::vector<MultipartPart> attachments;  // the parts after it
};

// Splits a PUT/POST /statements body by its Content-Type (application/json or multipart/mixed).
Result<StatementRequestBody> read_statement_body(const HttpRequest& request,
                                                 const MultipartLimits& limits);

struct AttachmentBytes {
  std::string sha2;  // lower-case hex, as declared
  std::string_view bytes;
};

// Checks parts against the statements (each a validated statement object); returns the
// attachment contents to store, one per distinct sha2.
Result<std::vector<AttachmentBytes>> reconcile_attachments(
    const std::vector<json::Node>& statements, const std::vector<MultipartPart>& parts);

// The sha2 of every attachment `statement` declares, lower-case, each once: what the committer
// records as the statement's uses of stored attachments (storage/keys.h).
std::vector<std::string> declared_sha2s(const json::Node& statement);

// Lower-case hex digest of `bytes` with the SHA-2 variant implied by the hex length of `like`.
std::string sha2_hex(std::string_view bytes, size_t hex_length);

}  // namespace scribe::xapi
