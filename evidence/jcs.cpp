#include "evidence/jcs.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace scribe::evidence {

namespace {

// The code point of valid UTF-8 (json::Document validates) at i; moves i past it.
uint32_t next_code_point(std::string_view s, size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    i++;
    return b;
  }
  const int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  uint32_t cp = b & (0x3F >> (length - 1));
  for (int k = 1; k < length && i + k < s.size(); k++) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += length;
  return cp;
}

// The first UTF-16 code unit of a code point: what the order compares first.
uint32_t utf16_lead(uint32_t cp) { return cp < 0x10000 ? cp : 0xD800 + ((cp - 0x10000) >> 10); }
uint32_t utf16_trail(uint32_t cp) { return 0xDC00 + ((cp - 0x10000) & 0x3FF); }

}  // namespace

// Code point order, except that a code point past U+FFFF (a surrogate pair, 0xD800-0xDBFF
// first) sorts before U+E000-U+FFFF, as UTF-16 code units do.
bool jcs_name_less(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    // ASCII runs compare as bytes.
    if (static_cast<unsigned char>(a[i]) < 0x80 && static_cast<unsigned char>(b[j]) < 0x80) {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      i++, j++;
      continue;
    }
    const uint32_t x = next_code_point(a, i), y = next_code_point(b, j);
    if (x == y) continue;
    if (utf16_lead(x) != utf16_lead(y)) return utf16_lead(x) < utf16_lead(y);
    return utf16_trail(x) < utf16_trail(y);  // both past U+FFFF with the same lead surrogate
  }
  return i == a.size() && j < b.size();
}

size_t write_es_number(double value, char* out) {
  assert(std::isfinite(value));
  char* p = out;
  if (value == 0) {  // 0 and -0
    *p++ = '0';
    return size_t(p - out);
  }
  if (value < 0) {
    *p++ = '-';
    value = -value;
  }
  // The shortest digits that round-trip (the "k as small as possible" of ECMA-262
  // Number::toString, ties going to the closest, as std::to_chars does), and the exponent.
  char sci[32];
  auto r = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
  assert(r.ec == std::errc());
  char digits[20];
  int k = 0;
  const char* c = sci;
  for (; c < r.ptr && *c != 'e'; c++)
    if (*c != '.') digits[k++] = *c;
  int exponent = 0;
  std::from_chars(c + 1 + (c[1] == '+'), r.ptr, exponent);
  const int n = exponent + 1;  // value = 0.digits × 10^n
  auto put = [&](const char* s, int len) {
    std::memcpy(p, s, size_t(len));
    p += len;
  };
  if (k <= n && n <= 21) {
    put(digits, k);
    for (int i = k; i < n; i++) *p++ = '0';
  } else if (0 < n && n <= 21) {
    put(digits, n);
    *p++ = '.';
    put(digits + n, k - n);
  } else if (-6 < n && n <= 0) {
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < -n; i++) *p++ = '0';
    put(digits, k);
  } else {
    *p++ = digits[0];
    if (k > 1) {
      *p++ = '.';
      put(digits + 1, k - 1);
    }
    *p++ = 'e';
    *p++ = n - 1 >= 0 ? '+' : '-';
    p = std::to_chars(p, p + 4, std::abs(n - 1)).ptr;
  }
  return size_t(p - out);
}

void append_es_number(double value, std::string& out) {
  char buf[32];
  out.append(buf, write_es_number(value, buf));
}

void canonicalize_to(const json::Node& value, json::Writer& out) {
  switch (value.kind()) {
    case json::Kind::Null: out.put("null", 4); return;
    case json::Kind::Bool: value.as_bool() ? out.put("true", 4) : out.put("false", 5); return;
    case json::Kind::Int:
    case json::Kind::Double: {
      char buf[32];
      const size_t n = write_es_number(value.as_double(), buf);
      out.put(buf, n);
      return;
    }
    case json::Kind::String: out.quoted(value.as_string()); return;
    case json::Kind::Array: {
      out.put('[');
      bool first = true;
      for (const json::Node& item : value.as_array()) {
        if (!first) out.put(',');
        first = false;
        canonicalize_to(item, out);
      }
      out.put(']');
      return;
    }
    case json::Kind::Object:
      write_sorted_members(value, out, [&](std::string_view, const json::Node& v) { canonicalize_to(v, out); });
      return;
  }
}

void canonicalize_to(const json::Node& value, std::string& out) {
  json::Writer w(out);
  canonicalize_to(value, w);
}

Result<std::string> canonicalize(std::string_view json_text) {
  auto document = json::Document::parse(json_text);
  if (!document) return document.error();
  std::string out;
  out.reserve(json_text.size());
  canonicalize_to(document->root(), out);
  return out;
}

}  // namespace scribe::evidence
