#include "common/json.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdio>

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

void Object::append(std::string key, Value value) {
  members_.emplace_back(std::move(key), std::move(value));
}

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

Result<Value> convert(simdjson::dom::element e, int depth) {
  constexpr int kMaxDepth = 64;
  if (depth > kMaxDepth) return bad_request("", "JSON nested too deeply");
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE: return Value();
    case T::BOOL: return Value(bool(e.get_bool()));
    case T::INT64: return Value(int64_t(e.get_int64()));
    case T::UINT64: return Value(double(uint64_t(e.get_uint64())));
    case T::DOUBLE: return Value(double(e.get_double()));
    case T::STRING: return Value(std::string_view(e.get_string()));
    case T::ARRAY: {
      Array out;
      simdjson::dom::array arr = e.get_array();
      out.reserve(arr.size());
      for (simdjson::dom::element child : arr) {
        auto r = convert(child, depth + 1);
        if (!r) return r;
        out.push_back(std::move(*r));
      }
      return Value(std::move(out));
    }
    case T::OBJECT: {
      Object out;
      for (auto field : simdjson::dom::object(e.get_object())) {
        if (out.find(field.key)) {
          return bad_request(std::string(field.key), "duplicate property in JSON object");
        }
        auto r = convert(field.value, depth + 1);
        if (!r) return r;
        out.append(std::string(field.key), std::move(*r));
      }
      return Value(std::move(out));
    }
  }
  return bad_request("", "unsupported JSON value");
}

}  // namespace

Result<Value> parse(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  auto err = parser.parse(padded).get(root);
  if (err) return bad_request("", std::string("invalid JSON: ") + simdjson::error_message(err));
  return convert(root, 0);
}

void append_quoted(std::string_view s, std::string& out) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  // Copy runs of characters that need no escape in one append.
  size_t run = 0;
  for (size_t i = 0; i < s.size(); i++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
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
