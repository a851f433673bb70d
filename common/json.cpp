#include "common/json.h"

#include "common/json_writer.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <unordered_set>
#include <memory>

#include <algorithm>
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

std::atomic<int> g_depth_max{kDepthMaxDefault};

// Builds the tree for one simdjson element into `out`. Returns false with `error` set on the
// first fault; the happy path carries no Result/Error per node (this runs for every value of
// every statement received).
bool convert(simdjson::dom::element e, int depth, Value& out, Error& error) {
  if (!within_depth(depth, error)) return false;
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
      // Repeated keys: see kDirectKeysMax.
      std::unique_ptr<std::unordered_set<std::string_view>> seen;
      if (obj.size() > kDirectKeysMax) {
        seen = std::make_unique<std::unordered_set<std::string_view>>();
        seen->reserve(obj.size());
      }
      for (auto field : obj) {
        if (seen ? !seen->insert(field.key).second : members.find(field.key) != nullptr) {
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

void append_quoted(std::string_view s, std::string& out) { Writer(out).quoted(s); }

void serialize_to(const Value& v, std::string& out) { Writer(out).value(v); }

std::string serialize(const Value& value) {
  std::string out;
  serialize_to(value, out);
  return out;
}

void set_depth_max(int depth) { g_depth_max.store(std::max(depth, 1), std::memory_order_relaxed); }

int depth_max() { return g_depth_max.load(std::memory_order_relaxed); }

bool within_depth(int depth, Error& error) {
  if (depth <= depth_max()) return true;
  error = bad_request("", "JSON nested deeper than " + std::to_string(depth_max()) + " levels (limits.json_depth_max)");
  return false;
}

}  // namespace scribe::json
