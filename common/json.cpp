#include "common/json.h"

#include <simdjson.h>

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

namespace {

// Appends to a std::string through a raw cursor: one capacity check per token instead of one
// per push_back/append, which is most of the cost for the short keys and values of a statement.
// The string's size runs at most a token plus kSlack bytes ahead of the cursor while writing
// (so appending to a large string costs what is appended, not the string's size); the
// destructor trims it back to what was written.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out), used_(out.size()) {}
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer() { out_.resize(used_); }

  // Room for `n` more bytes at the cursor (std::string grows its capacity geometrically).
  char* reserve(size_t n) {
    if (used_ + n > out_.size()) out_.resize(used_ + n + kSlack);
    return out_.data() + used_;
  }
  void advance(size_t n) { used_ += n; }
  void put(char c) {
    *reserve(1) = c;
    used_++;
  }
  void put(const char* bytes, size_t n) {
    std::memcpy(reserve(n), bytes, n);
    used_ += n;
  }

  void quoted(std::string_view s) {
    put('"');
    size_t run = 0;  // start of the bytes not yet copied
    for (size_t i = next_escape(s, 0);; i = next_escape(s, run)) {
      put(s.data() + run, i - run);
      if (i == s.size()) break;
      escape(static_cast<unsigned char>(s[i]));
      run = i + 1;
    }
    put('"');
  }

  void value(const Value& v) {
    switch (v.kind()) {
      case Kind::Null: put("null", 4); break;
      case Kind::Bool: v.as_bool() ? put("true", 4) : put("false", 5); break;
      case Kind::Int: {
        char* p = reserve(24);
        advance(std::to_chars(p, p + 24, v.as_int()).ptr - p);
        break;
      }
      case Kind::Double: {
        double d = v.as_double();
        if (!std::isfinite(d)) {
          put("null", 4);
          break;
        }
        char* p = reserve(40);
        const size_t n = std::to_chars(p, p + 32, d).ptr - p;
        advance(n);
        // A double printed without '.' or exponent (1e20 → "100000000000000000000") would
        // read back as an integer that may not fit 64 bits: keep it a float.
        if (std::string_view(p, n).find_first_of(".eE") == std::string_view::npos &&
            std::abs(d) >= 1e15)
          put(".0", 2);
        break;
      }
      case Kind::String: quoted(v.as_string()); break;
      case Kind::Array: {
        put('[');
        bool first = true;
        for (const auto& e : v.as_array()) {
          if (!first) put(',');
          first = false;
          value(e);
        }
        put(']');
        break;
      }
      case Kind::Object: {
        put('{');
        bool first = true;
        for (const auto& [k, e] : v.as_object()) {
          if (!first) put(',');
          first = false;
          quoted(k);
          put(':');
          value(e);
        }
        put('}');
        break;
      }
    }
  }

 private:
  static constexpr size_t kSlack = 256;

  // One byte that needs_escape(), as its JSON escape sequence (at most six bytes).
  void escape(unsigned char c) {
    static const char* hex = "0123456789abcdef";
    char* p = reserve(6);
    char* q = p;
    *q++ = '\\';
    switch (c) {
      case '"': *q++ = '"'; break;
      case '\\': *q++ = '\\'; break;
      case '\n': *q++ = 'n'; break;
      case '\r': *q++ = 'r'; break;
      case '\t': *q++ = 't'; break;
      case '\b': *q++ = 'b'; break;
      case '\f': *q++ = 'f'; break;
      default:
        *q++ = 'u';
        *q++ = '0';
        *q++ = '0';
        *q++ = hex[c >> 4];
        *q++ = hex[c & 15];
    }
    used_ += q - p;
  }

  std::string& out_;
  size_t used_;  // bytes of out_ written so far
};

}  // namespace

void append_quoted(std::string_view s, std::string& out) { Writer(out).quoted(s); }

void serialize_to(const Value& v, std::string& out) { Writer(out).value(v); }

std::string serialize(const Value& value) {
  std::string out;
  serialize_to(value, out);
  return out;
}

}  // namespace scribe::json
