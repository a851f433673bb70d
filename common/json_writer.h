// The compact JSON writer behind json::serialize, for json::Value and json::Node alike (so both
// write the same bytes for the same value), and for code that writes a JSON text piece by
// piece (the stored form of a statement): one Writer per text, not one per value, keeps the
// cost to one capacity check per token.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/json.h"

namespace scribe::json {

namespace detail {

// Bytes that must be escaped in a JSON string: control characters, '"' and '\\'.
constexpr bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Index of the first byte of s[from..] that needs an escape, or s.size(). Tests eight bytes
// at a time (SWAR): most strings in statements (IRIs, names, UUIDs) need no escape at all.
inline size_t next_escape(std::string_view s, size_t from) {
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

}  // namespace detail

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
  // Bytes written so far: the string's length once the Writer is done.
  size_t size() const { return used_; }
  void put(char c) {
    *reserve(1) = c;
    used_++;
  }
  void put(const char* bytes, size_t n) {
    std::memcpy(reserve(n), bytes, n);
    used_ += n;
  }
  void put(std::string_view s) { put(s.data(), s.size()); }

  void quoted(std::string_view s) {
    put('"');
    size_t run = 0;  // start of the bytes not yet copied
    for (size_t i = detail::next_escape(s, 0);; i = detail::next_escape(s, run)) {
      put(s.data() + run, i - run);
      if (i == s.size()) break;
      escape(static_cast<unsigned char>(s[i]));
      run = i + 1;
    }
    put('"');
  }

  // The `"key":` of an object member, after a comma unless it is the first (`first` is cleared).
  void member(std::string_view key, bool& first) {
    if (!first) put(',');
    first = false;
    quoted(key);
    put(':');
  }

  // Any value with json::Value's read interface (json::Value, json::Node).
  template <class V>
  void value(const V& v) {
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
          member(k, first);
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

}  // namespace scribe::json
