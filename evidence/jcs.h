// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence a JSON value has, whoever
// wrote it. Object members are sorted by their names' UTF-16 code units, strings escape only
// what RFC 8785 §3.2.2.2 says (", \, and controls below U+0020, with the short forms where
// JSON has them and lower-case \u00xx otherwise), numbers are written as ECMAScript's
// Number.prototype.toString writes the IEEE-754 double they denote (§3.2.2.3), and there is
// no whitespace. The evidence log hashes statements in this form (evidence/leaf.h), so an
// auditor can recompute every leaf with any JCS implementation.
// Guarantees: the output parses back to an equal value (numbers as doubles); the same value
// always gives the same bytes; input is UTF-8 that json::Document accepted.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json_dom.h"
#include "common/json_writer.h"
#include "common/result.h"

namespace scribe::evidence {

// Writes the canonical form of `value`. JCS escapes strings exactly as json::Writer::quoted
// does (the short forms of RFC 8259 §7, lower-case \u00xx for other controls, nothing else).
void canonicalize_to(const json::Node& value, json::Writer& out);
void canonicalize_to(const json::Node& value, std::string& out);

// The order of object member names: by UTF-16 code units.
bool jcs_name_less(std::string_view a, std::string_view b);

// Writes `object`'s members in JCS order, each as out.member(name) then write_value(name, value):
// for writers that rewrite some members on the way (xapi's stored statement form) and for
// canonicalize_to itself.
template <class WriteValue>
void write_sorted_members(const json::Node& object, json::Writer& out, WriteValue&& write_value) {
  // Members are usually few: sort them in a small buffer on the stack.
  constexpr size_t kInline = 16;
  std::pair<std::string_view, json::Node> inline_members[kInline];
  std::vector<std::pair<std::string_view, json::Node>> heap_members;
  const size_t count = object.as_object().size();
  auto* members = inline_members;
  if (count > kInline) {
    heap_members.resize(count);
    members = heap_members.data();
  }
  size_t n = 0;
  for (const auto& member : object.as_object()) members[n++] = member;
  std::sort(members, members + n, [](const auto& a, const auto& b) { return jcs_name_less(a.first, b.first); });
  out.put('{');
  bool first = true;
  for (size_t i = 0; i < n; i++) {
    out.member(members[i].first, first);
    write_value(members[i].first, members[i].second);
  }
  out.put('}');
}

// The canonical form of a JSON text; a 400 error when it is not JSON.
Result<std::string> canonicalize(std::string_view json_text);

// ECMAScript's Number.prototype.toString of a finite double, as JCS writes numbers: into
// `out` (at least 32 bytes), returning the length; or appended to a string.
size_t write_es_number(double value, char* out);
void append_es_number(double value, std::string& out);

}  // namespace scribe::evidence
