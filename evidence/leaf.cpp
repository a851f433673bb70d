#include "evidence/leaf.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <vector>

#include "common/json_dom.h"
#include "evidence/jcs.h"

namespace scribe::evidence {

Result<LeafTemplate> LeafTemplate::of(std::string_view record_json, bool timestamp_from_stored) {
  auto document = json::Document::parse(record_json);
  if (!document) return document.error();
  const json::Node root = document->root();
  if (!root.is_object()) return Error{500, "", "a stored statement is not a JSON object"};
  // The members, with placeholders (no value) for the times the committer adds.
  std::vector<std::pair<std::string_view, json::Node>> members;
  members.reserve(root.as_object().size() + 2);
  for (const auto& member : root.as_object()) {
    if (member.first == "stored" || (timestamp_from_stored && member.first == "timestamp"))
      return Error{500, "", "a stored statement must not carry the times the store adds"};
    members.push_back(member);
  }
  members.emplace_back("stored", json::Node());
  if (timestamp_from_stored) members.emplace_back("timestamp", json::Node());
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return jcs_name_less(a.first, b.first); });

  LeafTemplate t;
  t.with_timestamp_ = timestamp_from_stored;
  t.text_.reserve(record_json.size() + 64);
  {
    json::Writer w(t.text_);
    w.put('{');
    bool first = true;
    for (const auto& [name, value] : members) {
      w.member(name, first);
      if (value) {
        canonicalize_to(value, w);
        continue;
      }
      w.put('"');
      (name == "stored" ? t.stored_at_ : t.timestamp_at_) = uint32_t(w.size());
      w.put('"');
    }
    w.put('}');
  }
  return t;
}

Result<LeafTemplate> LeafTemplate::of_canonical(std::string_view record_jcs, size_t insert_at,
                                                bool timestamp_from_stored) {
  const bool framed = record_jcs.size() >= 2 && record_jcs.front() == '{' && record_jcs.back() == '}' &&
                      insert_at > 0 && insert_at < record_jcs.size();
  // Before a member (after '{' or ','), the new members end with a comma; before the closing
  // brace of a non-empty object they begin with one.
  const bool members_after = framed && insert_at != record_jcs.size() - 1;
  if (!framed || (members_after && (record_jcs[insert_at] != '"' ||
                                    (record_jcs[insert_at - 1] != '{' && record_jcs[insert_at - 1] != ','))))
    return Error{500, "", "the place for stored in a canonical record is not between two members"};
  LeafTemplate t;
  t.with_timestamp_ = timestamp_from_stored;
  t.text_.reserve(record_jcs.size() + 40);
  t.text_.append(record_jcs.substr(0, insert_at));
  if (!members_after && insert_at > 1) t.text_ += ',';
  t.text_ += "\"stored\":\"";
  t.stored_at_ = uint32_t(t.text_.size());
  t.text_ += '"';
  if (timestamp_from_stored) {
    t.text_ += ",\"timestamp\":\"";
    t.timestamp_at_ = uint32_t(t.text_.size());
    t.text_ += '"';
  }
  if (members_after) t.text_ += ',';
  t.text_.append(record_jcs.substr(insert_at));
  return t;
}

std::string LeafTemplate::canonical(std::string_view stored) const {
  std::string out;
  out.reserve(text_.size() + 2 * stored.size());
  out.append(text_, 0, stored_at_);
  out += stored;
  if (with_timestamp_) {
    out.append(text_, stored_at_, timestamp_at_ - stored_at_);
    out += stored;
    out.append(text_, timestamp_at_, std::string::npos);
  } else {
    out.append(text_, stored_at_, std::string::npos);
  }
  return out;
}

PendingLeaf LeafTemplate::begin(std::string_view salt) const {
  PendingLeaf p;
  const std::string_view text(text_);
  p.state_.update(uint8_t{0x00}).update(salt).update(text.substr(0, stored_at_));
  p.tail_ = std::string(text.substr(stored_at_));
  p.with_timestamp_ = with_timestamp_;
  p.timestamp_at_ = with_timestamp_ ? timestamp_at_ - stored_at_ : 0;
  return p;
}

Hash PendingLeaf::finish(std::string_view stored) {
  const std::string_view tail(tail_);
  state_.update(stored);
  if (with_timestamp_)
    state_.update(tail.substr(0, timestamp_at_)).update(stored).update(tail.substr(timestamp_at_));
  else
    state_.update(tail);
  return state_.finish();
}

namespace {

std::string pooled_salt() {
  thread_local std::array<unsigned char, 4096> pool;
  thread_local size_t used = pool.size();
  if (used + kSaltBytes > pool.size()) {
    // A CSPRNG that cannot produce bytes leaves nothing safe to do.
    if (RAND_bytes(pool.data(), int(pool.size())) != 1) std::abort();
    used = 0;
  }
  std::string salt(reinterpret_cast<const char*>(pool.data() + used), kSaltBytes);
  OPENSSL_cleanse(pool.data() + used, kSaltBytes);  // each salt leaves the pool once
  used += kSaltBytes;
  return salt;
}

}  // namespace

std::string random_salt() {
  for (;;) {
    std::string salt = pooled_salt();
    if (!is_erased_salt(salt)) return salt;  // all zeros marks an erased leaf: drawn again
  }
}

bool is_erased_salt(std::string_view salt) {
  return salt.size() == kSaltBytes && salt.find_first_not_of('\0') == std::string_view::npos;
}

}  // namespace scribe::evidence
