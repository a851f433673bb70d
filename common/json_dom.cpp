#include "common/json_dom.h"

#include <simdjson.h>

#include <algorithm>
#include <unordered_set>
#include <vector>

#include "common/json_writer.h"

namespace scribe::json {

namespace {

using detail::Slot;
using simdjson::dom::element;

// Parsers and arrays keep their buffers between documents; a thread keeps a few for its next
// requests, and none that grew past kKeptBytes (one huge body must not pin its memory).
constexpr size_t kKeptParsed = 4;
constexpr size_t kKeptBytes = 4 << 20;

// Lays the tape out as slots: `at` is the slot for `e`; a container's children are appended
// at the end of `slots` (so `at` is an index: the vector may move while it grows). Applies
// json::parse's rules on the way: nesting depth and duplicate keys.
bool lay_out(const element& e, size_t at, int depth, std::vector<Slot>& slots, Error& error) {
  if (!within_depth(depth, error)) return false;
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE: slots[at].kind = Kind::Null; return true;
    case T::BOOL: slots[at].kind = Kind::Bool; slots[at].boolean = bool(e.get_bool()); return true;
    case T::INT64: slots[at].kind = Kind::Int; slots[at].integer = int64_t(e.get_int64()); return true;
    case T::UINT64:
      slots[at].kind = Kind::Double;
      slots[at].real = double(uint64_t(e.get_uint64()));
      return true;
    case T::DOUBLE: slots[at].kind = Kind::Double; slots[at].real = double(e.get_double()); return true;
    case T::STRING: {
      std::string_view s = e.get_string();
      slots[at].kind = Kind::String;
      slots[at].text = {s.data(), s.size()};
      return true;
    }
    case T::ARRAY: {
      simdjson::dom::array array = e.get_array();
      const size_t first = slots.size();
      const size_t n = array.size();
      slots.resize(first + n);
      slots[at].kind = Kind::Array;
      slots[at].size = uint32_t(n);
      slots[at].first = first;
      size_t i = first;
      for (element child : array)
        if (!lay_out(child, i++, depth + 1, slots, error)) return false;
      return true;
    }
    case T::OBJECT: {
      simdjson::dom::object object = e.get_object();
      const size_t first = slots.size();
      const size_t n = object.size();
      slots.resize(first + 2 * n);
      slots[at].kind = Kind::Object;
      slots[at].size = uint32_t(n);
      slots[at].first = first;
      // Repeated keys: see kDirectKeysMax.
      std::unique_ptr<std::unordered_set<std::string_view>> seen;
      if (n > kDirectKeysMax) {
        seen = std::make_unique<std::unordered_set<std::string_view>>();
        seen->reserve(n);
      }
      size_t i = first;
      for (auto field : object) {
        const std::string_view key = field.key;
        bool repeated = false;
        if (n > kDirectKeysMax) {
          repeated = !seen->insert(key).second;
        } else {
          for (size_t k = first; k < i && !repeated; k += 2)
            repeated = same_key(std::string_view(slots[k].text.data, slots[k].text.length), key);
        }
        if (repeated) {
          error = bad_request(std::string(key), "duplicate property in JSON object");
          return false;
        }
        slots[i].kind = Kind::String;
        slots[i].text = {key.data(), key.size()};
        if (!lay_out(field.value, i + 1, depth + 1, slots, error)) return false;
        i += 2;
      }
      return true;
    }
  }
  error = bad_request("", "unsupported JSON value");
  return false;
}

}  // namespace

struct Document::Parsed {
  simdjson::dom::parser parser;
  std::vector<Slot> slots;
};

namespace {

std::vector<std::unique_ptr<Document::Parsed>>& pool() {
  thread_local std::vector<std::unique_ptr<Document::Parsed>> kept;
  return kept;
}

}  // namespace

Result<Document> Document::parse(std::string_view text) {
  Document doc;
  auto& kept = pool();
  if (kept.empty()) {
    doc.parsed_ = std::make_unique<Parsed>();
  } else {
    doc.parsed_ = std::move(kept.back());
    kept.pop_back();
  }
  Parsed& p = *doc.parsed_;
  element root;
  auto err = p.parser.parse(text.data(), text.size(), true).get(root);
  if (err) return bad_request("", std::string("invalid JSON: ") + simdjson::error_message(err));
  p.slots.clear();
  p.slots.resize(1);
  Error error;
  if (!lay_out(root, 0, 0, p.slots, error)) return error;
  // Indexes become pointers now that the array no longer moves.
  for (Slot& s : p.slots)
    if (s.kind == Kind::Array || s.kind == Kind::Object) s.children = p.slots.data() + s.first;
  doc.root_ = p.slots.data();
  return doc;
}

Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;

Document::~Document() {
  if (!parsed_) return;
  auto& kept = pool();
  if (kept.size() < kKeptParsed && parsed_->parser.capacity() <= kKeptBytes &&
      parsed_->slots.capacity() * sizeof(Slot) <= kKeptBytes)
    kept.push_back(std::move(parsed_));
}

Value Node::to_value() const {
  auto v = json::parse(serialize(*this));
  return v ? std::move(*v) : Value();  // a Document's tree always parses again
}

void serialize_to(const Node& node, std::string& out) { Writer(out).value(node); }

std::string serialize(const Node& node) {
  std::string out;
  serialize_to(node, out);
  return out;
}

}  // namespace scribe::json
