#include "xapi/document_preconditions.h"

#include <cctype>

#include "common/text.h"

namespace scribe::xapi {

namespace {

bool is_star(std::string_view header) { return text::trim_ows(header) == "*"; }

// True when the comma-separated list of entity tags names `etag_hex` (case-insensitive hex).
bool lists(std::string_view header, std::string_view etag_hex) {
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view tag = text::trim_ows(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
    if (tag.size() != etag_hex.size()) continue;
    bool same = true;
    for (size_t i = 0; i < tag.size() && same; i++)
      same = std::tolower(static_cast<unsigned char>(tag[i])) ==
             std::tolower(static_cast<unsigned char>(etag_hex[i]));
    if (same) return true;
  }
  return false;
}

}  // namespace

Status check_preconditions(const Preconditions& p, const std::optional<std::string>& etag_hex) {
  if (p.if_match) {
    bool holds = etag_hex && (is_star(*p.if_match) || lists(*p.if_match, *etag_hex));
    if (!holds)
      return Error{412, "If-Match",
                   etag_hex ? "the document has changed: its ETag is not the one given"
                            : "there is no such document"};
  }
  if (p.if_none_match && etag_hex) {
    if (is_star(*p.if_none_match) || lists(*p.if_none_match, *etag_hex))
      return Error{412, "If-None-Match", "the document already exists"};
  }
  return Status::success();
}

std::string quoted_etag(std::string_view etag_hex) {
  std::string s = "\"";
  s.append(etag_hex);
  s.push_back('"');
  return s;
}

}  // namespace scribe::xapi
