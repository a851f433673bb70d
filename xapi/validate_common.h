// Internal to statement validation: property paths, the per-version rule table and checks for
// the small value types every part of a statement uses (strings, IRIs, UUIDs, language maps,
// extensions, timestamps). Each check returns a Status whose Error has status 400, the full
// property path at fault and a short message; none of them throws.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_dom.h"
#include "common/result.h"
#include "xapi/version.h"

// Returns from the enclosing function when a Status-returning expression fails.
#define SCRIBE_CHECK(expr)                    \
  do {                                        \
    if (::scribe::Status s_ = (expr); !s_.ok()) return s_; \
  } while (0)

namespace scribe::xapi::detail {

// Everything that differs between xAPI 1.0.3 and 2.0 statement validation.
struct Rules {
  Version version;
  bool context_agents_and_groups;  // context.contextAgents / context.contextGroups exist (2.0)
  bool accepts_statement_version_2;  // statement "version" may be 2.0[.x] (besides 1.0[.x])
  bool timestamp_requires_zone;     // timestamps without a zone designator are rejected
};
const Rules& rules_for(Version v);

// Where a check runs: the rule set and whether we are inside a SubStatement.
struct Scope {
  const Rules& rules;
  bool in_substatement = false;
};

// A property path, built lazily: a chain of segments living on the validators' stacks, so
// checking a valid statement allocates no path strings; str() renders "a.b[3].c" only when a
// check fails. A Path refers to its parent and its key: keep it no longer than either (bind
// child(child(p, "a"), "b") only within one expression, never to a local).
class Path {
 public:
  explicit Path(std::string_view root = {}) : text_(root) {}  // e.g. "" or "[3]"
  Path(const Path& parent, std::string_view key) : parent_(&parent), text_(key) {}
  Path(const Path& parent, size_t index) : parent_(&parent), index_(index) {}
  std::string str() const;

 private:
  void append_to(std::string& out) const;
  static constexpr size_t kNoIndex = size_t(-1);
  const Path* parent_ = nullptr;
  std::string_view text_;  // the root text, or this segment's key
  size_t index_ = kNoIndex;
};

inline Path child(const Path& path, std::string_view key) { return Path(path, key); }  // "a.b"
inline Path index(const Path& path, size_t i) { return Path(path, i); }                // "a.b[3]"

Error invalid(const Path& path, std::string message);

// An array's elements, for checks that index them (v must be an array).
inline std::vector<json::Node> elements(const json::Node& v) {
  std::vector<json::Node> out;
  out.reserve(v.as_array().size());
  for (json::Node e : v.as_array()) out.push_back(e);
  return out;
}

// Type checks: the message names the expected and the actual JSON type.
Status expect_object(const json::Node& v, const Path& path);
Status expect_array(const json::Node& v, const Path& path);
Status expect_string(const json::Node& v, const Path& path);
Status expect_bool(const json::Node& v, const Path& path);
Status expect_number(const json::Node& v, const Path& path);

// v must be an object whose keys are all in `allowed` (case-sensitive).
Status only_keys(const json::Node& v, const Path& path,
                 std::initializer_list<std::string_view> allowed);
// A required member: fails with "<path>.<key>: is required" when absent.
Status require_key(const json::Node& obj, const Path& path, std::string_view key);
// obj.objectType must equal `expected`; `required` decides whether absence is allowed.
Status expect_object_type(const json::Node& obj, const Path& path,
                          std::string_view expected, bool required);

Status expect_iri(const json::Node& v, const Path& path);
Status expect_irl(const json::Node& v, const Path& path);
Status expect_uuid(const json::Node& v, const Path& path);
Status expect_language_tag(const json::Node& v, const Path& path);
Status expect_language_map(const json::Node& v, const Path& path);
Status expect_extensions(const json::Node& v, const Path& path);
Status expect_timestamp(const json::Node& v, const Path& path, const Rules& rules);

// Runs `check(value, path)` on obj[key] when present.
template <class Check>
Status optional_member(const json::Node& obj, const Path& path, std::string_view key,
                       Check check) {
  json::Node v = obj.get(key);
  return v ? check(*v, child(path, key)) : Status::success();
}

}  // namespace scribe::xapi::detail
