// A read-only view of a parsed JSON text, for the statement write path: simdjson parses the
// request body once, and one walk over its tape lays every value out in a single flat array
// (one allocation per document, reused across documents: no node is allocated, no string is
// copied; strings are views of simdjson's unescaped string buffer). Validation, the stored
// form, the index terms and the merge operands all read that array through json::Node, whose
// accessors are inline.
//
// Guarantees: a Document that parsed is strict RFC 8259, UTF-8 validated, has no duplicate
// object keys and nests at most json::depth_max() deep (the same rules as json::parse, with the
// same error messages). Node mirrors the read side of json::Value (kind, as_*, get,
// get_string, iteration), so code reads either the same way; numbers keep their integer/float
// nature (an unsigned integer past int64 reads as a double, as in json::Value).
// A Node is valid only while its Document lives. A Document holds its own parser and array,
// so documents parsed by nested calls never invalidate each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/json.h"
#include "common/result.h"

namespace scribe::json {

namespace detail {
// One value in a Document's flat array. An object's members are 2 × size consecutive slots
// (key, value, key, value …) starting at `children`; an array's elements are size consecutive
// slots. Keys are String slots.
struct Slot {
  Kind kind = Kind::Null;
  uint32_t size = 0;
  union {
    bool boolean;
    int64_t integer;
    double real;
    struct {
      const char* data;
      size_t length;
    } text;
    const Slot* children;
    size_t first;  // while building: the index of the first child
  };
  Slot() : integer(0) {}
};
}  // namespace detail

// Whether two keys are equal; the first byte is compared inline before the rest, since the
// keys an object is searched for mostly differ in length or at once.
inline bool same_key(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && std::char_traits<char>::compare(a.data(), b.data(), a.size()) == 0));
}

class Node {
 public:
  Node() = default;  // no value: what get() answers for an absent member
  explicit Node(const detail::Slot* slot) : slot_(slot) {}

  class ArrayIterator {
   public:
    explicit ArrayIterator(const detail::Slot* at) : at_(at) {}
    Node operator*() const { return Node(at_); }
    ArrayIterator& operator++() { ++at_; return *this; }
    bool operator!=(const ArrayIterator& o) const { return at_ != o.at_; }
   private:
    const detail::Slot* at_;
  };
  class ObjectIterator {
   public:
    explicit ObjectIterator(const detail::Slot* at) : at_(at) {}
    std::pair<std::string_view, Node> operator*() const {
      return {std::string_view(at_->text.data, at_->text.length), Node(at_ + 1)};
    }
    ObjectIterator& operator++() { at_ += 2; return *this; }
    bool operator!=(const ObjectIterator& o) const { return at_ != o.at_; }
   private:
    const detail::Slot* at_;
  };
  template <class Iterator>
  struct Range {
    Iterator first, last;
    size_t count;
    Iterator begin() const { return first; }
    Iterator end() const { return last; }
    size_t size() const { return count; }
    bool empty() const { return count == 0; }
  };

  // Pointer-like use, so `if (Node x = v.get("k")) use(*x), x->get(...)` reads as it does for
  // the `const Value*` json::Value::get answers.
  explicit operator bool() const { return slot_ != nullptr; }
  const Node& operator*() const { return *this; }
  const Node* operator->() const { return this; }

  Kind kind() const { return slot_ ? slot_->kind : Kind::Null; }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_number() const { return kind() == Kind::Int || kind() == Kind::Double; }
  bool is_int() const { return kind() == Kind::Int; }
  bool is_string() const { return kind() == Kind::String; }
  bool is_array() const { return kind() == Kind::Array; }
  bool is_object() const { return kind() == Kind::Object; }

  bool as_bool() const { return slot_->boolean; }
  int64_t as_int() const { return slot_->integer; }
  double as_double() const { return is_int() ? double(slot_->integer) : slot_->real; }
  std::string_view as_string() const { return {slot_->text.data, slot_->text.length}; }
  Range<ArrayIterator> as_array() const {
    return {ArrayIterator(slot_->children), ArrayIterator(slot_->children + slot_->size), slot_->size};
  }
  Range<ObjectIterator> as_object() const {
    return {ObjectIterator(slot_->children), ObjectIterator(slot_->children + 2 * slot_->size),
            slot_->size};
  }

  // Member lookup on an object; an absent Node when this is not an object or has no such key.
  Node get(std::string_view key) const {
    if (!is_object()) return Node();
    const detail::Slot* end = slot_->children + 2 * slot_->size;
    for (const detail::Slot* k = slot_->children; k != end; k += 2)
      if (same_key(std::string_view(k->text.data, k->text.length), key)) return Node(k + 1);
    return Node();
  }
  // The string member `key`, or empty view when absent or not a string.
  std::string_view get_string(std::string_view key) const {
    Node v = get(key);
    return v.is_string() ? v.as_string() : std::string_view();
  }

  // A json::Value copy of this subtree (for the rare paths that keep or compare trees).
  Value to_value() const;

 private:
  const detail::Slot* slot_ = nullptr;
};

// One parsed JSON text: the parser that holds simdjson's string buffer and the flat array.
class Document {
 public:
  // Parses `text`; errors have status 400 and say what is wrong (as json::parse's do).
  static Result<Document> parse(std::string_view text);
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  Node root() const { return Node(root_); }

  struct Parsed;  // json_dom.cpp

 private:
  Document() = default;
  std::unique_ptr<Parsed> parsed_;
  const detail::Slot* root_ = nullptr;
};

// Compact serialization of a Node, byte for byte what json::serialize writes for the same
// value.
void serialize_to(const Node& node, std::string& out);
std::string serialize(const Node& node);

}  // namespace scribe::json
