#include "xapi/formats.h"

#include <array>
#include <cstdint>
#include <vector>

namespace scribe::xapi {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool all_of(std::string_view s, bool (*pred)(char)) {
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}

bool is_hex_string(std::string_view s, size_t length) {
  return s.size() == length && all_of(s, is_hex);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Characters never allowed in an IRI, even percent-encoding aside.
bool is_forbidden_iri_char(unsigned char c) {
  if (c <= 0x20 || c == 0x7F) return true;
  switch (c) {
    case '<': case '>': case '"': case '{': case '}': case '|': case '\\': case '^': case '`':
      return true;
    default:
      return false;
  }
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

bool is_grandfathered(std::string_view s) {
  static constexpr std::array<std::string_view, 26> kTags = {
      "en-GB-oed", "i-ami",     "i-bnn",      "i-default", "i-enochian", "i-hak",   "i-klingon",
      "i-lux",     "i-mingo",   "i-navajo",   "i-pwn",     "i-tao",      "i-tay",   "i-tsu",
      "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE",  "art-lojban", "cel-gaulish", "no-bok", "no-nyn",
      "zh-guoyu",  "zh-hakka",  "zh-min",     "zh-min-nan", "zh-xiang"};
  for (std::string_view t : kTags)
    if (iequals(s, t)) return true;
  return false;
}

// Parses the subtags of a langtag (RFC 5646 §2.1) starting at tokens[i]; true when all are used.
class LangTagParser {
 public:
  explicit LangTagParser(const std::vector<std::string_view>& t) : t_(t) {}

  bool parse() {
    if (at_private_use()) return private_use();
    if (!language()) return false;
    optional(4, 4, is_alpha);                          // script
    if (!optional(2, 2, is_alpha)) optional(3, 3, is_digit);  // region
    while (variant()) {
    }
    while (extension()) {
    }
    if (at_private_use()) return private_use();
    return i_ == t_.size();
  }

 private:
  bool more() const { return i_ < t_.size(); }
  std::string_view cur() const { return t_[i_]; }
  bool at_private_use() const { return more() && (cur() == "x" || cur() == "X"); }

  bool optional(size_t min, size_t max, bool (*pred)(char)) {
    if (!more() || cur().size() < min || cur().size() > max || !all_of(cur(), pred)) return false;
    ++i_;
    return true;
  }

  bool language() {
    if (!more() || !all_of(cur(), is_alpha)) return false;
    const size_t n = cur().size();
    ++i_;
    if (n == 2 || n == 3) {
      for (int k = 0; k < 3 && optional(3, 3, is_alpha); ++k) {
      }
      return true;
    }
    return n >= 4 && n <= 8;
  }

  bool variant() {
    if (!more() || !all_of(cur(), is_alnum)) return false;
    const size_t n = cur().size();
    if ((n >= 5 && n <= 8) || (n == 4 && is_digit(cur()[0]))) {
      ++i_;
      return true;
    }
    return false;
  }

  bool extension() {
    if (!more() || cur().size() != 1 || !is_alnum(cur()[0]) || at_private_use()) return false;
    ++i_;
    size_t count = 0;
    while (optional(2, 8, is_alnum)) ++count;
    if (count == 0) i_ = t_.size() + 1;  // a singleton needs a subtag: forces parse() to fail
    return count > 0;
  }

  bool private_use() {
    ++i_;
    size_t count = 0;
    while (optional(1, 8, is_alnum)) ++count;
    return count > 0 && i_ == t_.size();
  }

  const std::vector<std::string_view>& t_;
  size_t i_ = 0;
};

// Reads digits with an optional ',' or '.' fraction; sets has_fraction.
bool read_number(std::string_view s, size_t& i, bool& has_fraction) {
  const size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == start) return false;
  has_fraction = false;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    const size_t frac = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == frac) return false;
    has_fraction = true;
  }
  return true;
}

// Reads components "nX" whose designators appear in order from `designators`; returns the count
// or -1 on malformed input. A fraction is only allowed on the very last component of the value.
int read_components(std::string_view s, size_t& i, std::string_view designators) {
  int count = 0;
  size_t next = 0;
  while (i < s.size() && is_digit(s[i])) {
    bool fraction = false;
    if (!read_number(s, i, fraction) || i >= s.size()) return -1;
    const size_t d = designators.find(s[i], next);
    if (d == std::string_view::npos) return -1;
    next = d + 1;
    ++i;
    ++count;
    if (fraction && i != s.size()) return -1;
  }
  return count;
}

bool is_tchar(char c) {
  if (is_alnum(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

size_t read_token(std::string_view s, size_t i) {
  while (i < s.size() && is_tchar(s[i])) ++i;
  return i;
}

size_t skip_ows(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

// Reads a quoted-string starting at s[i] == '"'; returns the index after it or npos.
size_t read_quoted(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      if (++i >= s.size()) return std::string_view::npos;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

bool is_iri(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos || !is_alpha(s[0])) return false;
  const std::string_view scheme = s.substr(0, colon);
  for (char c : scheme)
    if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
  const std::string_view rest = s.substr(colon + 1);
  if (rest.empty()) return false;
  // One table lookup per byte (IRIs are validated many times per statement): 1 = forbidden,
  // 2 = '%', which must start a percent-encoded octet.
  static const auto kIriByte = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; c++) t[c] = is_forbidden_iri_char(static_cast<unsigned char>(c)) ? 1 : 0;
    t['%'] = 2;
    return t;
  }();
  for (size_t i = 0; i < rest.size(); ++i) {
    const uint8_t kind = kIriByte[static_cast<unsigned char>(rest[i])];
    if (kind == 0) continue;
    if (kind == 1) return false;
    if (i + 2 >= rest.size() || !is_hex(rest[i + 1]) || !is_hex(rest[i + 2])) return false;
  }
  if (iequals(scheme, "http") || iequals(scheme, "https")) {
    if (rest.substr(0, 2) != "//") return false;
    const std::string_view authority = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
    const size_t at = authority.rfind('@');
    const std::string_view host_port = at == std::string_view::npos ? authority : authority.substr(at + 1);
    if (host_port.empty() || host_port[0] == ':') return false;
  }
  return true;
}

bool is_irl(std::string_view s) { return is_iri(s); }

bool is_mailto_iri(std::string_view s) {
  if (s.size() < 7 || !iequals(s.substr(0, 7), "mailto:") || !is_iri(s)) return false;
  const std::string_view address = s.substr(7);
  // Exactly one '@', with a non-empty local part and domain.
  const size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size() ||
      address.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view domain = address.substr(at + 1);
  return domain.find_first_of("?#/") == std::string_view::npos;
}

namespace {
// The shapes nearly every tag in practice has, valid without the full parse: a 2-3 letter
// language, optionally with a region of 2 letters or 3 digits ("en", "fra", "en-US", "es-419").
bool is_simple_language_tag(std::string_view s) {
  size_t dash = s.find('-');
  std::string_view language = s.substr(0, dash);
  if (language.size() < 2 || language.size() > 3 || !all_of(language, is_alpha)) return false;
  if (dash == std::string_view::npos) return true;
  std::string_view region = s.substr(dash + 1);
  return (region.size() == 2 && all_of(region, is_alpha)) ||
         (region.size() == 3 && all_of(region, is_digit));
}
}  // namespace

bool is_language_tag(std::string_view s) {
  if (s.empty()) return false;
  if (is_simple_language_tag(s)) return true;
  if (is_grandfathered(s)) return true;
  const std::vector<std::string_view> tokens = split(s, '-');
  for (std::string_view t : tokens)
    if (t.empty() || t.size() > 8 || !all_of(t, is_alnum)) return false;
  return LangTagParser(tokens).parse();
}

bool is_iso8601_duration(std::string_view s) {
  if (s.size() < 3 || s[0] != 'P') return false;
  size_t i = 1;
  if (s.back() == 'W') {
    bool fraction = false;
    return read_number(s, i, fraction) && i == s.size() - 1;
  }
  const int date_parts = read_components(s, i, "YMD");
  if (date_parts < 0) return false;
  if (i == s.size()) return date_parts > 0;
  if (s[i] != 'T') return false;
  ++i;
  const int time_parts = read_components(s, i, "HMS");
  return time_parts > 0 && i == s.size();
}

bool is_sha1_hex(std::string_view s) { return is_hex_string(s, 40); }

bool is_sha2_hex(std::string_view s) {
  return is_hex_string(s, 56) || is_hex_string(s, 64) || is_hex_string(s, 96) ||
         is_hex_string(s, 128);
}

bool is_mime_type(std::string_view s) {
  size_t i = read_token(s, 0);
  if (i == 0 || i >= s.size() || s[i] != '/') return false;
  const size_t sub = i + 1;
  i = read_token(s, sub);
  if (i == sub) return false;
  while (true) {
    i = skip_ows(s, i);
    if (i == s.size()) return true;
    if (s[i] != ';') return false;
    i = skip_ows(s, i + 1);
    const size_t name = i;
    i = read_token(s, i);
    if (i == name || i >= s.size() || s[i] != '=') return false;
    ++i;
    if (i < s.size() && s[i] == '"') {
      i = read_quoted(s, i);
      if (i == std::string_view::npos) return false;
    } else {
      const size_t value = i;
      i = read_token(s, i);
      if (i == value) return false;
    }
  }
}

}  // namespace scribe::xapi
