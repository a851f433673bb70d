// Base64 (RFC 4648 §4) and unpadded base64url (§5) codecs. Decoders return nullopt on
// malformed input (wrong alphabet, bad length or padding).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scribe {

std::optional<std::string> base64_decode(std::string_view in);
std::string base64_encode(std::string_view in);
std::string base64url_encode(std::string_view in);
std::optional<std::string> base64url_decode(std::string_view in);

}  // namespace scribe
