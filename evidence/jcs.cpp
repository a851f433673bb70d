#include "evidence/jcs.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
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

void append_jcs_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); i++) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void append_es_number(double value, std::string& out) {
  assert(std::isfinite(value));
  if (value == 0) {  // 0 and -0
    out.push_back('0');
    return;
  }
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  // The shortest digits that round-trip (the "k as small as possible" of ECMA-262
  // Number::toString, ties going to the closest, as std::to_chars does), and the exponent.
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  assert(r.ec == std::errc());
  std::string_view sci(buf, size_t(r.ptr - buf));
  const size_t e_at = sci.find('e');
  std::string digits;
  digits.reserve(17);
  for (char c : sci.substr(0, e_at))
    if (c != '.') digits.push_back(c);
  const int exponent = std::atoi(std::string(sci.substr(e_at + 1)).c_str());
  const int k = int(digits.size());
  const int n = exponent + 1;  // value = 0.digits × 10^n
  if (k <= n && n <= 21) {
    out += digits;
    out.append(size_t(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, size_t(n));
    out.push_back('.');
    out.append(digits, size_t(n), std::string::npos);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(size_t(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
}

void canonicalize_to(const json::Node& value, std::string& out) {
  switch (value.kind()) {
    case json::Kind::Null: out += "null"; return;
    case json::Kind::Bool: out += value.as_bool() ? "true" : "false"; return;
    case json::Kind::Int:
    case json::Kind::Double: append_es_number(value.as_double(), out); return;
    case json::Kind::String: append_jcs_string(value.as_string(), out); return;
    case json::Kind::Array: {
      out.push_back('[');
      bool first = true;
      for (const json::Node& item : value.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        canonicalize_to(item, out);
      }
      out.push_back(']');
      return;
    }
    case json::Kind::Object: {
      std::vector<std::pair<std::string_view, json::Node>> members;
      members.reserve(value.as_object().size());
      for (const auto& member : value.as_object()) members.push_back(member);
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return jcs_name_less(a.first, b.first); });
      out.push_back('{');
      for (size_t i = 0; i < members.size(); i++) {
        if (i) out.push_back(',');
        append_jcs_string(members[i].first, out);
        out.push_back(':');
        canonicalize_to(members[i].second, out);
      }
      out.push_back('}');
      return;
    }
  }
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
