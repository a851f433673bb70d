// The xAPI versions Scribe speaks, chosen per request by X-Experience-API-Version.
#pragma once

#include <optional>
#include <string_view>

namespace scribe::xapi {

enum class Version { V1_0_3, V2_0_0 };

// "1.0", "1.0.0" ... "1.0.3" (and any 1.0.x) map to V1_0_3; "2.0" and "2.0.x" to V2_0_0.
std::optional<Version> parse_version_header(std::string_view header);
// The canonical string sent back in X-Experience-API-Version.
std::string_view version_string(Version v);

}  // namespace scribe::xapi
