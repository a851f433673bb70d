#include "evidence/leaf.h"

#include <openssl/rand.h>

#include <algorithm>
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

std::string random_salt() {
  std::string salt(kSaltBytes, '\0');
  // A CSPRNG that cannot produce bytes leaves nothing safe to do.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), int(salt.size())) != 1) std::abort();
  return salt;
}

}  // namespace scribe::evidence
