// Statement result (Data 2.4.5): score, success, completion, response, duration, extensions.
#include "xapi/formats.h"
#include "xapi/validate_parts.h"

namespace scribe::xapi::detail {

namespace {

Status check_score(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path, {"scaled", "raw", "min", "max"}));
  for (std::string_view key : {"scaled", "raw", "min", "max"})
    SCRIBE_CHECK(optional_member(v, path, key, expect_number));
  json::Node scaled = v.get("scaled");
  json::Node raw = v.get("raw");
  json::Node min = v.get("min");
  json::Node max = v.get("max");
  if (scaled && (scaled->as_double() < -1.0 || scaled->as_double() > 1.0))
    return invalid(child(path, "scaled"), "must be between -1 and 1");
  if (min && max && min->as_double() > max->as_double())
    return invalid(child(path, "min"), "must not be greater than max");
  if (raw && min && raw->as_double() < min->as_double())
    return invalid(child(path, "raw"), "must not be less than min");
  if (raw && max && raw->as_double() > max->as_double())
    return invalid(child(path, "raw"), "must not be greater than max");
  return Status::success();
}

Status check_duration(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_string(v, path));
  if (!is_iso8601_duration(v.as_string()))
    return invalid(path, "not a valid ISO 8601 duration (PnYnMnDTnHnMnS or PnW)");
  return Status::success();
}

}  // namespace

Status check_result(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path,
                         {"score", "success", "completion", "response", "duration", "extensions"}));
  SCRIBE_CHECK(optional_member(v, path, "score", check_score));
  SCRIBE_CHECK(optional_member(v, path, "success", expect_bool));
  SCRIBE_CHECK(optional_member(v, path, "completion", expect_bool));
  SCRIBE_CHECK(optional_member(v, path, "response", expect_string));
  SCRIBE_CHECK(optional_member(v, path, "duration", check_duration));
  return optional_member(v, path, "extensions", expect_extensions);
}

}  // namespace scribe::xapi::detail
