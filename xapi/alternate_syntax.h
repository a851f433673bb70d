// The alternate request syntax of xAPI 1.0.3 (Communication 1.3): a POST with `?method=X` and a
// form-encoded body carrying headers, parameters and `content`. Rewritten here into the
// request it stands for, so every resource sees one shape of request.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "xapi/http_message.h"

namespace scribe::xapi {

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX escapes).
Result<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body);

// True when the request uses the alternate syntax (POST with a `method` parameter).
bool is_alternate_syntax(const HttpRequest& request);

// Rewrites the request in place; errors name the offending parameter.
Status rewrite_alternate_syntax(HttpRequest& request);

}  // namespace scribe::xapi
