#include "storage/keys.h"

#include <cassert>
#include <algorithm>
#include <cstring>

namespace scribe::storage {

void put_u32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; i--) out.push_back(char(uint8_t(v >> (8 * i))));
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; i--) out.push_back(char(uint8_t(v >> (8 * i))));
}

uint32_t get_u32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v = (v << 8) | uint8_t(in[i]);
  return v;
}

uint64_t get_u64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | uint8_t(in[i]);
  return v;
}

namespace {
void put_bytes(std::string& out, const uint8_t* p, size_t n) {
  out.append(reinterpret_cast<const char*>(p), n);
}
}  // namespace

std::string store_prefix(StoreId store) {
  std::string k;
  put_u32(k, store);
  return k;
}

std::string statement_key(StoreId store, Seq seq) {
  std::string k = store_prefix(store);
  put_u64(k, seq);
  return k;
}

std::string statement_id_key(StoreId store, const Uuid& id) {
  std::string k = store_prefix(store);
  put_bytes(k, id.data(), id.size());
  return k;
}

std::string index_prefix(StoreId store, const Term& term) {
  std::string k = store_prefix(store);
  k.push_back(char(term.kind));
  put_bytes(k, term.hash.data(), term.hash.size());
  return k;
}

std::string index_key(StoreId store, const Term& term, Seq seq) {
  std::string k = index_prefix(store, term);
  put_u64(k, seq);
  return k;
}

std::string reindex_marker_key(StoreId store, Seq seq) {
  std::string k = kReindexMarkerPrefix;
  put_u32(k, store);
  put_u64(k, seq);
  return k;
}

std::string dictionary_key(StoreId store, uint32_t id) {
  std::string k = kDictionaryPrefix;
  put_u32(k, store);
  put_u32(k, id);
  return k;
}

std::string voided_key(StoreId store, const Uuid& target) { return statement_id_key(store, target); }

std::string refs_prefix(StoreId store, const Uuid& target) {
  return statement_id_key(store, target);
}

std::string refs_key(StoreId store, const Uuid& target, Seq seq) {
  std::string k = refs_prefix(store, target);
  put_u64(k, seq);
  return k;
}

std::string attachment_key(StoreId store, std::string_view sha2) {
  std::string k = store_prefix(store);
  k += sha2;
  return k;
}

std::string attachment_users_prefix(StoreId store, std::string_view sha2) {
  std::string k = attachment_key(store, sha2);
  k.push_back('\0');
  return k;
}

std::string attachment_user_key(StoreId store, std::string_view sha2, Seq seq) {
  std::string k = attachment_users_prefix(store, sha2);
  put_u64(k, seq);
  return k;
}

Seq seq_suffix(std::string_view key) { return get_u64(key.substr(key.size() - 8)); }

std::string encode_record(const StatementRecord& r) {
  assert(r.terms.size() <= kRecordTermsMax);
  std::string out;
  out.reserve(19 + r.terms.size() * 18 + r.json.size());
  put_bytes(out, r.id.data(), r.id.size());
  out.push_back(char(r.flags));
  out.push_back(char(uint8_t(r.terms.size() >> 8)));
  out.push_back(char(uint8_t(r.terms.size())));
  for (const Term& t : r.terms) {
    out.push_back(char(t.kind));
    put_bytes(out, t.hash.data(), t.hash.size());
    out.push_back(char(t.flags));
  }
  out += r.json;
  return out;
}

namespace {
constexpr size_t kHeaderBytes = 19;
constexpr size_t kTermBytes = 18;

size_t term_count(std::string_view bytes) {
  return (size_t(uint8_t(bytes[17])) << 8) | uint8_t(bytes[18]);
}
}  // namespace

std::optional<StatementRecord> decode_record(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes) return std::nullopt;
  StatementRecord r;
  std::memcpy(r.id.data(), bytes.data(), 16);
  r.flags = uint8_t(bytes[16]);
  size_t n = term_count(bytes);
  if (bytes.size() < kHeaderBytes + n * kTermBytes) return std::nullopt;
  r.terms.reserve(n);
  const char* p = bytes.data() + kHeaderBytes;
  for (size_t i = 0; i < n; i++, p += kTermBytes) {
    Term t;
    t.kind = IndexKind(uint8_t(p[0]));
    std::memcpy(t.hash.data(), p + 1, 16);
    t.flags = uint8_t(p[17]);
    r.terms.push_back(t);
  }
  r.json.assign(bytes.substr(kHeaderBytes + n * kTermBytes));
  return r;
}

std::optional<std::string_view> record_json(std::string_view bytes, uint8_t* flags, Uuid* id) {
  if (bytes.size() < kHeaderBytes) return std::nullopt;
  size_t n = term_count(bytes);
  if (bytes.size() < kHeaderBytes + n * kTermBytes) return std::nullopt;
  if (flags) *flags = uint8_t(bytes[16]);
  if (id) std::memcpy(id->data(), bytes.data(), 16);
  return bytes.substr(kHeaderBytes + n * kTermBytes);
}

std::optional<Uuid> parse_uuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid out{};
  size_t j = 0;
  for (size_t i = 0; i < 36; i++) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
      continue;
    }
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return std::nullopt;
    out[j / 2] = uint8_t((out[j / 2] << 4) | v);
    j++;
  }
  return out;
}

std::string format_uuid(const Uuid& id) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(hex[id[i] >> 4]);
    s.push_back(hex[id[i] & 15]);
  }
  return s;
}

std::vector<Term> inherit_terms(std::vector<Term>& terms, const std::vector<Term>& extra) {
  std::vector<Term> changed;
  for (const Term& t : extra) {
    if (!inherited_by_referrers(t.kind)) continue;
    auto have = std::find_if(terms.begin(), terms.end(), [&](const Term& h) { return h.same_term(t); });
    if (have == terms.end()) {
      terms.push_back(t);
      changed.push_back(t);
    } else if ((have->flags | t.flags) != have->flags) {
      have->flags |= t.flags;
      changed.push_back(*have);
    }
  }
  return changed;
}

}  // namespace scribe::storage
