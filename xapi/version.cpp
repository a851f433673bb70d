#include "xapi/version.h"

#include <cctype>

namespace scribe::xapi {

namespace {
bool is_patch_suffix(std::string_view rest) {
  // "" or ".N" with N digits.
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest[0] != '.') return false;
  for (char c : rest.substr(1))
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}
}  // namespace

std::optional<Version> parse_version_header(std::string_view h) {
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  if (h.substr(0, 3) == "1.0" && is_patch_suffix(h.substr(3))) return Version::V1_0_3;
  if (h.substr(0, 3) == "2.0" && is_patch_suffix(h.substr(3))) return Version::V2_0_0;
  return std::nullopt;
}

std::string_view version_string(Version v) {
  return v == Version::V1_0_3 ? "1.0.3" : "2.0.0";
}

}  // namespace scribe::xapi
