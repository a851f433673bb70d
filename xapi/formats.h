// Syntax predicates for the value formats xAPI prescribes (Data 4.x and the tables of Data 2.4).
// Each predicate only inspects the text: no normalisation, no network, no allocation beyond
// locals. They are shared by statement validation and by query/document parameter checks.
#pragma once

#include <string_view>

namespace scribe::xapi {

// 8-4-4-4-12 hexadecimal digits (RFC 4122 string form), either case, any version or variant.
bool is_uuid(std::string_view s);

// An absolute IRI (RFC 3987): a scheme (ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")) followed by ':'
// and a non-empty remainder without spaces, controls or the characters <>"{}|\^`, with
// well-formed %-escapes. http(s) IRIs must name a host. Non-ASCII UTF-8 is allowed.
bool is_iri(std::string_view s);

// An IRL is an IRI meant to be dereferenced; xAPI asks no more of its syntax than of an IRI.
bool is_irl(std::string_view s);

// "mailto:" followed by an e-mail address: local part, exactly one "@", domain (both non-empty,
// no spaces).
bool is_mailto_iri(std::string_view s);

// A well-formed RFC 5646 language tag (langtag, private use or grandfathered), case-insensitive.
bool is_language_tag(std::string_view s);

// An ISO 8601:2004 §4.4.3.2 duration: PnYnMnDTnHnMnS (any subset, at least one component,
// fraction only on the last one) or PnW. The alternative format (P0003-02-...) is not accepted.
bool is_iso8601_duration(std::string_view s);

// 40 hexadecimal digits (a SHA-1 digest), either case.
bool is_sha1_hex(std::string_view s);

// A SHA-2 digest in hex: 56, 64, 96 or 128 hexadecimal digits (SHA-224/256/384/512).
bool is_sha2_hex(std::string_view s);

// An Internet media type (RFC 2045/6838): type "/" subtype, both tokens, then any
// "; name=value" parameters whose value is a token or a quoted string.
bool is_mime_type(std::string_view s);

}  // namespace scribe::xapi
