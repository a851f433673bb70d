#include "xapi/document_merge.h"

#include <cctype>

#include "common/json.h"
#include "common/text.h"

namespace scribe::xapi {

bool is_json_media_type(std::string_view t) {
  t = t.substr(0, t.find(';'));
  t = text::trim_ows(t);
  constexpr std::string_view kJson = "application/json";
  if (t.size() != kJson.size()) return false;
  for (size_t i = 0; i < t.size(); i++)
    if (std::tolower(static_cast<unsigned char>(t[i])) != kJson[i]) return false;
  return true;
}

Result<std::string> merge_json_documents(std::string_view existing, std::string_view posted) {
  auto old_doc = json::parse(existing);
  if (!old_doc || !old_doc->is_object())
    return bad_request("", "the stored document is not a JSON object, so it cannot be merged");
  auto new_doc = json::parse(posted);
  if (!new_doc) return bad_request("", "the document is not valid JSON: " + new_doc.error().message);
  if (!new_doc->is_object())
    return bad_request("", "the document is not a JSON object, so it cannot be merged");
  json::Object& out = old_doc->as_object();
  for (const auto& [key, value] : new_doc->as_object()) out.set(key, value);
  return json::serialize(*old_doc);
}

}  // namespace scribe::xapi
