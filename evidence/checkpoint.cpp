#include "evidence/checkpoint.h"

#include <algorithm>
#include <charconv>

#include "common/base64.h"

namespace scribe::evidence {

namespace {

constexpr std::string_view kProofHeader = "c2sp.org/tlog-proof@v1";

Error malformed(std::string_view what, std::string why) {
  return Error{400, std::string(what), std::string(what) + ": " + why};
}

// A decimal with no leading zeros (unless it is 0).
std::optional<uint64_t> parse_decimal(std::string_view s) {
  uint64_t v = 0;
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Splits off the next line (without its newline); false when no newline is left.
bool next_line(std::string_view& rest, std::string_view& line) {
  const size_t eol = rest.find('\n');
  if (eol == std::string_view::npos) return false;
  line = rest.substr(0, eol);
  rest.remove_prefix(eol + 1);
  return true;
}

}  // namespace

std::string hash_base64(const Hash& h) { return base64_encode(as_bytes(h)); }

std::optional<Hash> parse_hash_base64(std::string_view text) {
  auto bytes = base64_decode(text);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Hash h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

std::string format_checkpoint(const Checkpoint& c) {
  std::string out = c.origin + "\n" + std::to_string(c.size) + "\n" + hash_base64(c.root) + "\n";
  for (const std::string& e : c.extensions) out += e + "\n";
  return out;
}

Result<Checkpoint> parse_checkpoint(std::string_view text) {
  Checkpoint c;
  std::string_view rest = text, line;
  if (!next_line(rest, line) || line.empty()) return malformed("checkpoint", "no origin line");
  c.origin = std::string(line);
  if (!next_line(rest, line)) return malformed("checkpoint", "no tree size line");
  auto size = parse_decimal(line);
  if (!size) return malformed("checkpoint", "the tree size is not a decimal number");
  c.size = *size;
  if (!next_line(rest, line)) return malformed("checkpoint", "no root hash line");
  auto root = parse_hash_base64(line);
  if (!root) return malformed("checkpoint", "the root hash is not base64 of 32 bytes");
  c.root = *root;
  while (next_line(rest, line)) {
    if (line.empty()) return malformed("checkpoint", "an empty extension line");
    c.extensions.emplace_back(line);
  }
  if (!rest.empty()) return malformed("checkpoint", "the text does not end in a newline");
  return c;
}

std::string format_tlog_proof(const TlogProof& p) {
  std::string out(kProofHeader);
  out += "\n";
  if (p.extra) out += "extra " + base64_encode(*p.extra) + "\n";
  out += "index " + std::to_string(p.index) + "\n";
  for (const Hash& h : p.path) out += hash_base64(h) + "\n";
  out += "\n";
  out += p.checkpoint;
  return out;
}

Result<TlogProof> parse_tlog_proof(std::string_view text) {
  TlogProof p;
  std::string_view rest = text, line;
  if (!next_line(rest, line) || line != kProofHeader)
    return malformed("proof", "the first line must be " + std::string(kProofHeader));
  if (!next_line(rest, line)) return malformed("proof", "no index line");
  if (line.starts_with("extra ")) {
    auto extra = base64_decode(line.substr(6));
    if (!extra) return malformed("proof", "the extra line is not base64");
    p.extra = std::move(*extra);
    if (!next_line(rest, line)) return malformed("proof", "no index line");
  }
  if (!line.starts_with("index ")) return malformed("proof", "no index line");
  auto index = parse_decimal(line.substr(6));
  if (!index) return malformed("proof", "the index is not a decimal number");
  p.index = *index;
  for (;;) {
    if (!next_line(rest, line)) return malformed("proof", "no blank line before the checkpoint");
    if (line.empty()) break;
    auto h = parse_hash_base64(line);
    if (!h) return malformed("proof", "a proof line is not base64 of a 32-byte hash");
    if (p.path.size() >= 64) return malformed("proof", "more than 64 proof hashes");
    p.path.push_back(*h);
  }
  p.checkpoint = std::string(rest);
  return p;
}

}  // namespace scribe::evidence
