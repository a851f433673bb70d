// A small mutable JSON document model for statements and documents.
// Parsing is done by simdjson (strict RFC 8259, UTF-8 validated); duplicate object keys are
// rejected because xAPI statements must be unambiguous. Objects keep insertion order, numbers
// keep their integer/float nature and compare numerically (1 == 1.0). Serialization is compact.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"

namespace scribe::json {

class Value;
using Array = std::vector<Value>;
using Member = std::pair<std::string, Value>;

class Object {
 public:
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Sets key to value, replacing an existing member in place or appending a new one.
  void set(std::string key, Value value);
  bool erase(std::string_view key);
  // No duplicate check: the caller knows. Returns the appended member's value.
  Value& append(std::string key, Value value);
  void reserve(size_t n);
  // Defined after Value, which must be complete for them (clang insists).
  size_t size() const;
  bool empty() const;
  std::vector<Member>::const_iterator begin() const;
  std::vector<Member>::const_iterator end() const;
  std::vector<Member>::iterator begin();
  std::vector<Member>::iterator end();

 private:
  std::vector<Member> members_;
};

enum class Kind { Null, Bool, Int, Double, String, Array, Object };

class Value {
 public:
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(int64_t{i}) {}
  Value(int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(Array a) : v_(std::make_shared<Array>(std::move(a))) {}
  Value(Object o) : v_(std::make_shared<Object>(std::move(o))) {}

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_number() const { return kind() == Kind::Int || kind() == Kind::Double; }
  bool is_int() const { return kind() == Kind::Int; }
  bool is_string() const { return kind() == Kind::String; }
  bool is_array() const { return kind() == Kind::Array; }
  bool is_object() const { return kind() == Kind::Object; }

  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const;  // valid for Int and Double
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Array& as_array() const { return *std::get<std::shared_ptr<Array>>(v_); }
  Array& as_array() { return *mutable_ptr<Array>(); }
  const Object& as_object() const { return *std::get<std::shared_ptr<Object>>(v_); }
  Object& as_object() { return *mutable_ptr<Object>(); }

  // Member lookup on an object; nullptr when this is not an object or has no such key.
  const Value* get(std::string_view key) const;
  // The string member `key`, or empty view when absent or not a string.
  std::string_view get_string(std::string_view key) const;

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  // Containers are shared on copy and copied on first write, so copying a Value is cheap.
  template <class T>
  T* mutable_ptr() {
    auto& p = std::get<std::shared_ptr<T>>(v_);
    if (p.use_count() > 1) p = std::make_shared<T>(*p);
    return p.get();
  }
  std::variant<std::monostate, bool, int64_t, double, std::string, std::shared_ptr<Array>,
               std::shared_ptr<Object>>
      v_;
};

inline size_t Object::size() const { return members_.size(); }
inline bool Object::empty() const { return members_.empty(); }
inline std::vector<Member>::const_iterator Object::begin() const { return members_.begin(); }
inline std::vector<Member>::const_iterator Object::end() const { return members_.end(); }
inline std::vector<Member>::iterator Object::begin() { return members_.begin(); }
inline std::vector<Member>::iterator Object::end() { return members_.end(); }

// How deep values may nest, for json::parse and json::Document::parse alike: the process's
// limits.json_depth_max, set at start (set_depth_max), kDepthMaxDefault until then.
inline constexpr int kDepthMaxDefault = 128;
void set_depth_max(int depth);
int depth_max();
// Whether a value at `depth` (the top one is 0) may be parsed; else false with `error` set (400).
bool within_depth(int depth, Error& error);
// Objects with at most this many keys are checked for a repeated key by comparing each with
// those before it; larger ones (a client's extension, say) with a hash set: linear either way.
inline constexpr size_t kDirectKeysMax = 32;

// Parses one JSON text. Errors carry status 400 and a message naming the fault.
Result<Value> parse(std::string_view text);

// Compact serialization.
std::string serialize(const Value& value);
void serialize_to(const Value& value, std::string& out);
// Appends s as a JSON string literal (quoted and escaped).
void append_quoted(std::string_view s, std::string& out);

}  // namespace scribe::json
