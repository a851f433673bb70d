#include "storage/posting_list.h"

#include <algorithm>
#include <cassert>

namespace scribe::storage {

namespace {

constexpr uint8_t kPostingTag = 1;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(char(uint8_t(v) | 0x80));
    v >>= 7;
  }
  out.push_back(char(uint8_t(v)));
}

// Reads one varint at `pos`; false on a truncated or over-long encoding.
bool get_varint(std::string_view in, size_t& pos, uint64_t& v) {
  if (pos < in.size() && uint8_t(in[pos]) < 0x80) {  // most deltas of a dense term fit one byte
    v = uint8_t(in[pos++]);
    return true;
  }
  v = 0;
  for (int shift = 0; shift <= 63 && pos < in.size(); shift += 7) {
    const uint8_t byte = uint8_t(in[pos++]);
    v |= uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return shift < 63 || byte <= 1;
  }
  return false;
}

}  // namespace

std::string encode_postings(const std::vector<Posting>& postings) {
  assert(!postings.empty());
  std::string out;
  out.reserve(2 + postings.size() * 3);
  out.push_back(char(kPostingTag));
  put_varint(out, postings.size());
  Seq previous = postings[0].seq;
  for (const Posting& p : postings) {
    assert(p.seq >= previous && (p.seq > previous || &p == &postings[0]));
    assert(p.flags <= kTermDirect);
    put_varint(out, ((p.seq - previous) << 1) | (p.flags & kTermDirect));
    previous = p.seq;
  }
  return out;
}

bool decode_postings_into(Seq first, std::string_view value, std::vector<Posting>& out) {
  out.clear();
  if (value.empty() || uint8_t(value[0]) != kPostingTag) return false;
  size_t pos = 1;
  uint64_t count = 0;
  // Each entry takes at least one byte, which bounds the count before anything is reserved.
  if (!get_varint(value, pos, count) || count == 0 || count > value.size() - pos) return false;
  out.resize(count);
  Seq seq = first;
  for (uint64_t i = 0; i < count; i++) {
    uint64_t word = 0;
    if (!get_varint(value, pos, word)) return false;
    const uint64_t delta = word >> 1;
    if ((i == 0) != (delta == 0) || seq + delta < seq) return false;
    seq += delta;
    out[i] = Posting{seq, uint8_t(word & 1)};
  }
  return pos == value.size();
}

std::optional<std::vector<Posting>> decode_postings(Seq first, std::string_view value) {
  std::vector<Posting> out;
  if (!decode_postings_into(first, value, out)) return std::nullopt;
  return out;
}

void insert_posting(std::vector<Posting>& postings, Posting p) {
  auto at = std::lower_bound(postings.begin(), postings.end(), p.seq,
                             [](const Posting& e, Seq s) { return e.seq < s; });
  if (at != postings.end() && at->seq == p.seq) at->flags |= p.flags;
  else postings.insert(at, p);
}

}  // namespace scribe::storage
