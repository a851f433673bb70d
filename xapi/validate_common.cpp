#include "xapi/validate_common.h"

#include "common/timestamp.h"
#include "xapi/formats.h"

namespace scribe::xapi::detail {

namespace {

const char* kind_name(json::Kind k) {
  switch (k) {
    case json::Kind::Null: return "null";
    case json::Kind::Bool: return "a boolean";
    case json::Kind::Int:
    case json::Kind::Double: return "a number";
    case json::Kind::String: return "a string";
    case json::Kind::Array: return "an array";
    case json::Kind::Object: return "an object";
  }
  return "a value";
}

Status type_error(const json::Node& v, const Path& path, std::string_view expected) {
  return invalid(path, "must be " + std::string(expected) + ", not " + kind_name(v.kind()));
}

// A string check: type first, then the format predicate.
Status expect_format(const json::Node& v, const Path& path, bool (*pred)(std::string_view),
                     std::string_view message) {
  SCRIBE_CHECK(expect_string(v, path));
  if (!pred(v.as_string())) return invalid(path, std::string(message));
  return Status::success();
}

}  // namespace

const Rules& rules_for(Version v) {
  static const Rules k103{Version::V1_0_3, false, false, false};
  static const Rules k200{Version::V2_0_0, true, true, false};
  return v == Version::V2_0_0 ? k200 : k103;
}

void Path::append_to(std::string& out) const {
  if (!parent_) {
    out.append(text_);
    return;
  }
  parent_->append_to(out);
  if (index_ != kNoIndex) {
    out.append("[").append(std::to_string(index_)).append("]");
    return;
  }
  if (!out.empty()) out.push_back('.');
  out.append(text_);
}

std::string Path::str() const {
  std::string out;
  append_to(out);
  return out;
}

Error invalid(const Path& path, std::string message) {
  return bad_request(path.str(), std::move(message));
}

Status expect_object(const json::Node& v, const Path& path) {
  return v.is_object() ? Status::success() : type_error(v, path, "an object");
}

Status expect_array(const json::Node& v, const Path& path) {
  return v.is_array() ? Status::success() : type_error(v, path, "an array");
}

Status expect_string(const json::Node& v, const Path& path) {
  return v.is_string() ? Status::success() : type_error(v, path, "a string");
}

Status expect_bool(const json::Node& v, const Path& path) {
  return v.is_bool() ? Status::success() : type_error(v, path, "a boolean");
}

Status expect_number(const json::Node& v, const Path& path) {
  return v.is_number() ? Status::success() : type_error(v, path, "a number");
}

Status only_keys(const json::Node& v, const Path& path,
                 std::initializer_list<std::string_view> allowed) {
  SCRIBE_CHECK(expect_object(v, path));
  for (const auto& [key, value] : v.as_object()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || json::same_key(key, a);
    if (!known) return invalid(child(path, key), "is not an allowed property here");
  }
  return Status::success();
}

Status require_key(const json::Node& obj, const Path& path, std::string_view key) {
  return obj.get(key) ? Status::success() : invalid(child(path, key), "is required");
}

Status expect_object_type(const json::Node& obj, const Path& path,
                          std::string_view expected, bool required) {
  json::Node t = obj.get("objectType");
  const Path at = child(path, "objectType");
  if (!t) return required ? invalid(at, "is required") : Status::success();
  SCRIBE_CHECK(expect_string(*t, at));
  if (t->as_string() != expected) return invalid(at, "must be \"" + std::string(expected) + "\"");
  return Status::success();
}

Status expect_iri(const json::Node& v, const Path& path) {
  return expect_format(v, path, is_iri, "not a valid IRI");
}

Status expect_irl(const json::Node& v, const Path& path) {
  return expect_format(v, path, is_irl, "not a valid IRL");
}

Status expect_uuid(const json::Node& v, const Path& path) {
  return expect_format(v, path, is_uuid, "not a valid UUID");
}

Status expect_language_tag(const json::Node& v, const Path& path) {
  return expect_format(v, path, is_language_tag, "not a valid RFC 5646 language tag");
}

Status expect_language_map(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_object(v, path));
  for (const auto& [key, value] : v.as_object()) {
    const Path at = child(path, key);
    if (!is_language_tag(key)) return invalid(at, "key is not a valid RFC 5646 language tag");
    SCRIBE_CHECK(expect_string(value, at));
  }
  return Status::success();
}

Status expect_extensions(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_object(v, path));
  for (const auto& [key, value] : v.as_object())
    if (!is_iri(key)) return invalid(child(path, key), "extension key is not a valid IRI");
  return Status::success();  // values are free-form, null included
}

Status expect_timestamp(const json::Node& v, const Path& path, const Rules& rules) {
  SCRIBE_CHECK(expect_string(v, path));
  auto parsed = parse_timestamp(v.as_string(), rules.timestamp_requires_zone);
  if (!parsed) return invalid(path, "not a valid ISO 8601 timestamp: " + parsed.error().message);
  return Status::success();
}

}  // namespace scribe::xapi::detail
