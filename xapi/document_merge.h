// The Document Merge of the xAPI document resources (Communication 2.2): a POST onto an
// existing document merges the two JSON objects at the top level, the posted value replacing
// the whole value of any property both have. Both documents must be application/json and JSON
// objects; otherwise the merge is refused (400) and the caller leaves the document unchanged.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace scribe::xapi {

// True when the media type (parameters ignored, case-insensitive) is application/json.
bool is_json_media_type(std::string_view content_type);

// The merged document as compact JSON, or a 400 naming which side is not a JSON object.
Result<std::string> merge_json_documents(std::string_view existing, std::string_view posted);

}  // namespace scribe::xapi
