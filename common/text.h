// Small byte-wise text helpers shared across modules: case folding, whitespace trimming, hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scribe::text {

// `s` with its ASCII letters lower-cased; every other byte (UTF-8 included) as it is, whatever
// the process's locale.
std::string ascii_lower(std::string_view s);

// `s` without leading and trailing spaces and tabs (HTTP optional whitespace).
std::string_view trim_ows(std::string_view s);

// Two lower-case hex digits per byte of `bytes`.
std::string hex_encode(std::string_view bytes);

// The bytes two hex digits (either case) each stand for; nullopt for an odd length or a
// character that is not a hex digit.
std::optional<std::string> hex_decode(std::string_view hex);

// The value of one hex digit (either case), or -1 when `c` is not one.
int hex_digit_value(char c);

// Percent-encodes every byte but the RFC 3986 unreserved characters (upper-case hex).
std::string percent_encode(std::string_view s);

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace scribe::text
