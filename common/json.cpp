#include "common/json.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace scribe::json {

const Value* Object::find(std::string_view key) const {
  for (const auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

Value* Object::find(std::string_view key) {
  for (auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

void Object::set(std::string key, Value value) {
  if (Value* existing = find(key)) {
    *existing = std::move(value);
    return;
  }
  members_.emplace_back(std::move(key), std::move(value));
}

bool Object::erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
      return true;
    }
  }
  return false;
}

Value& Object::append(std::string key, Value value) {
  return members_.emplace_back(std::move(key), std::move(value)).second;
}

void Object::reserve(size_t n) { members_.reserve(n); }

double Value::as_double() const {
  if (kind() == Kind::Int) return static_cast<double>(std::get<int64_t>(v_));
  return std::get<double>(v_);
}

const Value* Value::get(std::string_view key) const {
  if (!is_object()) return nullptr;
  return as_object().find(key);
}

std::string_view Value::get_string(std::string_view key) const {
  const Value* v = get(key);
  if (!v || !v->is_string()) return {};
  return v->as_string();
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_double() == b.as_double();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::Null: return true;
    case Kind::Bool: return a.as_bool() == b.as_bool();
    case Kind::String: return a.as_string() == b.as_string();
    case Kind::Array: return a.as_array() == b.as_array();
    case Kind::Object: {
      // Member order does not matter; keys are unique.
      const Object& x = a.as_object();
      const Object& y = b.as_object();
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x) {
        const Value* w = y.find(k);
        if (!w || *w != v) return false;
      }
      return true;
    }
    default: return false;
  }
}

namespace {

// Builds the tree for one simdjson element into `out`. Returns false with `error` set on the
// first fault; the happy path carries no Result/Error per node (this runs for every value of
// every statement received).
bool convert(simdjson::dom::element e, int depth, Value& out, Error& error) {
  constexpr int kMaxDepth = 64;
  if (depth > kMaxDepth) {
    error = bad_request("", "JSON nested too deeply");
    return false;
  }
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE: out = Value(); return true;
    case T::BOOL: out = Value(bool(e.get_bool())); return true;
    case T::INT64: out = Value(int64_t(e.get_int64())); return true;
    case T::UINT64: out = Value(double(uint64_t(e.get_uint64()))); return true;
    case T::DOUBLE: out = Value(double(e.get_double())); return true;
    case T::STRING: out = Value(std::string_view(e.get_string())); return true;
    case T::ARRAY: {
      simdjson::dom::array arr = e.get_array();
      Array items(arr.size());
      size_t i = 0;
      for (simdjson::dom::element child : arr)
        if (!convert(child, depth + 1, items[i++], error)) return false;
      out = Value(std::move(items));
      return true;
    }
    case T::OBJECT: {
      simdjson::dom::object obj = e.get_object();
      Object members;
      members.reserve(obj.size());
      for (auto field : obj) {
        if (members.find(field.key)) {
          error = bad_request(std::string(field.key), "duplicate property in JSON object");
          return false;
        }
        Value& v = members.append(std::string(field.key), Value());
        if (!convert(field.value, depth + 1, v, error)) return false;
      }
      out = Value(std::move(members));
      return true;
    }
  }
  error = bad_request("", "unsupported JSON value");
  return false;
}

// Bytes that must be escaped in a JSON string: control characters, '"' and '\\'.
constexpr bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Index of the first byte of s[from..] that needs an escape, or s.size(). Tests eight bytes
// at a time (SWAR): most strings in statements (IRIs, names, UUIDs) need no escape at all.
size_t next_escape(std::string_view s, size_t from) {
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - ones) & ~v & highs; };
  size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t below_space = (w - ones * 0x20) & ~w & highs;  // some byte < 0x20
    if (below_space | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'))) break;
  }
  for (; i < s.size(); i++)
    if (needs_escape(static_cast<unsigned char>(s[i]))) return i;
  return s.size();
}

}  // namespace

Result<Value> parse(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  auto err = parser.parse(padded).get(root);
  if (err) return bad_request("", std::string("invalid JSON: ") + simdjson::error_message(err));
  Value out;
  Error error;
  if (!convert(root, 0, out, error)) return error;
  return out;
}

void append_quoted(std::string_view s, std::string& out) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = next_escape(s, 0); i < s.size(); i = next_escape(s, run)) {
    out.append(s.data() + run, i - run);
    run = i + 1;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void serialize_to(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Kind::Null: out += "null"; break;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Kind::Int: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      break;
    }
    case Kind::Double: {
      double d = v.as_double();
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, r.ptr);
      // A double printed without '.' or exponent (1e20 → "100000000000000000000") would
      // read back as an integer that may not fit 64 bits: keep it a float.
      if (std::string_view(buf, r.ptr - buf).find_first_of(".eE") == std::string_view::npos &&
          std::abs(d) >= 1e15)
        out += ".0";
      break;
    }
    case Kind::String: append_quoted(v.as_string(), out); break;
    case Kind::Array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        serialize_to(e, out);
      }
      out.push_back(']');
      break;
    }
    case Kind::Object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.as_object()) {
        if (!first) out.push_back(',');
        first = false;
        append_quoted(k, out);
        out.push_back(':');
        serialize_to(e, out);
      }
      out.push_back('}');
      break;
    }
  }
}

std::string serialize(const Value& value) {
  std::string out;
  serialize_to(value, out);
  return out;
}

}  // namespace scribe::json
