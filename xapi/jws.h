// Signed statements (xAPI Data 2.6): a JWS in compact serialization carried as an attachment.
// parse_jws() checks the structure (three base64url segments, JSON header and payload, an RS256,
// RS384 or RS512 `alg`); verify_jws_signature() checks the RSA signature against the
// certificate in the header's `x5c` when there is one (without a key there is nothing to
// verify against, which the spec allows); signature_matches_statement() compares the payload
// with the statement as the spec says (ignoring attachments and what the LRS adds, durations
// compared to 0.01 s).
#pragma once

#include <string>
#include <string_view>

#include "common/json.h"
#include "common/result.h"

namespace scribe::xapi {

struct Jws {
  std::string alg;            // RS256, RS384 or RS512
  json::Value header;
  json::Value payload;
  std::string signing_input;  // "<header b64>.<payload b64>"
  std::string signature;      // raw bytes
};

// `path` names the attachment in errors.
Result<Jws> parse_jws(std::string_view compact, const std::string& path);
Status verify_jws_signature(const Jws& jws, const std::string& path);
Status signature_matches_statement(const Jws& jws, const json::Value& statement,
                                   const std::string& path);

}  // namespace scribe::xapi
