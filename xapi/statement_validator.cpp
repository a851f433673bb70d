// Statements and SubStatements (Data 2.4): the top-level properties, verb, version, attachments
// and the voiding rule; the parts are checked by validate_actor/object/context/result.cpp.
#include "xapi/statement_validator.h"

#include "xapi/formats.h"
#include "xapi/validate_parts.h"

namespace scribe::xapi {

namespace detail {

namespace {

constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";

Status check_verb(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path, {"id", "display"}));
  SCRIBE_CHECK(require_key(v, path, "id"));
  SCRIBE_CHECK(expect_iri(*v.get("id"), child(path, "id")));
  return optional_member(v, path, "display", expect_language_map);
}

// "<major>.<minor>" optionally followed by ".<digits>".
bool has_version_prefix(std::string_view s, std::string_view major_minor) {
  if (s.substr(0, major_minor.size()) != major_minor) return false;
  std::string_view rest = s.substr(major_minor.size());
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest[0] != '.') return false;
  for (char c : rest.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

Status check_version(const json::Node& v, const Path& path, const Rules& rules) {
  SCRIBE_CHECK(expect_string(v, path));
  std::string_view s = v.as_string();
  if (has_version_prefix(s, "1.0")) return Status::success();
  if (rules.accepts_statement_version_2 && has_version_prefix(s, "2.0")) return Status::success();
  return invalid(path, rules.accepts_statement_version_2
                           ? "must be 1.0, 1.0.x, 2.0 or 2.0.x"
                           : "must be 1.0 or 1.0.x");
}

Status check_format(const json::Node& v, const Path& path, bool (*pred)(std::string_view),
                    const char* message) {
  SCRIBE_CHECK(expect_string(v, path));
  return pred(v.as_string()) ? Status::success() : Status(invalid(path, message));
}

Status check_length(const json::Node& v, const Path& path) {
  if (!v.is_int()) return invalid(path, "must be an integer");
  if (v.as_int() < 0) return invalid(path, "must not be negative");
  return Status::success();
}

Status check_attachment(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path,
                         {"usageType", "display", "description", "contentType", "length", "sha2",
                          "fileUrl"}));
  for (std::string_view key : {"usageType", "display", "contentType", "length", "sha2"})
    SCRIBE_CHECK(require_key(v, path, key));
  SCRIBE_CHECK(expect_iri(*v.get("usageType"), child(path, "usageType")));
  SCRIBE_CHECK(expect_language_map(*v.get("display"), child(path, "display")));
  SCRIBE_CHECK(optional_member(v, path, "description", expect_language_map));
  SCRIBE_CHECK(check_format(*v.get("contentType"), child(path, "contentType"), is_mime_type,
                            "not a valid Internet media type"));
  SCRIBE_CHECK(check_length(*v.get("length"), child(path, "length")));
  SCRIBE_CHECK(check_format(*v.get("sha2"), child(path, "sha2"), is_sha2_hex,
                            "not a hexadecimal SHA-2 digest"));
  return optional_member(v, path, "fileUrl", expect_irl);
}

Status check_attachments(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_array(v, path));
  const std::vector<json::Node> items = elements(v);
  for (size_t i = 0; i < items.size(); ++i) SCRIBE_CHECK(check_attachment(items[i], index(path, i)));
  return Status::success();
}

// The properties a Statement and a SubStatement share, in that order of checking.
Status check_body(const json::Node& v, const Scope& scope, const Path& path) {
  for (std::string_view key : {"actor", "verb", "object"}) SCRIBE_CHECK(require_key(v, path, key));
  SCRIBE_CHECK(check_actor(*v.get("actor"), child(path, "actor")));
  SCRIBE_CHECK(check_verb(*v.get("verb"), child(path, "verb")));
  SCRIBE_CHECK(check_object(*v.get("object"), scope, child(path, "object")));
  SCRIBE_CHECK(optional_member(v, path, "result", check_result));
  if (json::Node context = v.get("context"))
    SCRIBE_CHECK(check_context(*context, v.get("object"), scope, child(path, "context")));
  if (json::Node ts = v.get("timestamp"))
    SCRIBE_CHECK(expect_timestamp(*ts, child(path, "timestamp"), scope.rules));
  return optional_member(v, path, "attachments", check_attachments);
}

// A voiding statement (verb .../voided) must target a StatementRef.
Status check_voiding(const json::Node& statement, const Path& path) {
  if (statement.get("verb")->get_string("id") != kVoidedVerb) return Status::success();
  if (statement.get("object")->get_string("objectType") != "StatementRef")
    return invalid(child(child(path, "object"), "objectType"),
                   "a voiding statement's object must be a StatementRef");
  return Status::success();
}

}  // namespace

Status check_substatement(const json::Node& v, const Scope& scope, const Path& path) {
  SCRIBE_CHECK(expect_object(v, path));
  for (std::string_view key : {"id", "stored", "version", "authority"})
    if (v.get(key)) return invalid(child(path, key), "is not allowed in a SubStatement");
  SCRIBE_CHECK(only_keys(v, path,
                         {"objectType", "actor", "verb", "object", "result", "context",
                          "timestamp", "attachments"}));
  SCRIBE_CHECK(expect_object_type(v, path, "SubStatement", true));
  const Scope inner{scope.rules, true};
  return check_body(v, inner, path);
}

Status check_statement(const json::Node& v, const Scope& scope, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path,
                         {"id", "actor", "verb", "object", "result", "context", "timestamp",
                          "stored", "authority", "version", "attachments"}));
  SCRIBE_CHECK(optional_member(v, path, "id", expect_uuid));
  SCRIBE_CHECK(check_body(v, scope, path));
  SCRIBE_CHECK(check_voiding(v, path));
  if (json::Node stored = v.get("stored"))
    SCRIBE_CHECK(expect_timestamp(*stored, child(path, "stored"), scope.rules));
  SCRIBE_CHECK(optional_member(v, path, "authority", check_authority));
  if (json::Node version = v.get("version"))
    SCRIBE_CHECK(check_version(*version, child(path, "version"), scope.rules));
  return Status::success();
}

}  // namespace detail

Status validate_statement(const json::Node& statement, Version version,
                          const std::string& path_prefix) {
  const detail::Scope scope{detail::rules_for(version), false};
  return detail::check_statement(statement, scope, detail::Path(path_prefix));
}

}  // namespace scribe::xapi
