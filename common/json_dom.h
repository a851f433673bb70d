// A read-only view of a parsed JSON text, for the statement write path: simdjson parses the
// request body once into its DOM (a tape), and validation, the stored form, the index terms
// and the merge operands all read that tape through json::Node. No second tree is built and
// nothing is allocated per value.
//
// Guarantees: a Document that parsed is strict RFC 8259, UTF-8 validated, has no duplicate
// object keys and nests at most json::kMaxDepth deep (the same rules as json::parse, with the
// same error messages). Node mirrors the read side of json::Value (kind, as_*, get,
// get_string, iteration), so code reads either the same way; numbers keep their integer/float
// nature (an unsigned integer past int64 reads as a double, as in json::Value).
// A Node is valid only while its Document lives, and a Document holds its own parser, so
// documents parsed by nested calls never invalidate each other.
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

inline constexpr int kMaxDepth = 64;

class Node;
struct NodeAccess;  // json_dom.cpp: builds Nodes and iterators from simdjson's

// Iterates an array's elements (Node) or an object's members (Member), in document order.
class NodeIterator {
 public:
  bool operator!=(const NodeIterator& other) const;
  NodeIterator& operator++();

 protected:
  alignas(8) unsigned char state_[16]{};  // a simdjson dom::array/object iterator
  bool over_object_ = false;              // which of the two state_ holds
  friend struct NodeAccess;
};

class Node {
 public:
  Node() = default;  // no value: what get() answers for an absent member

  class ArrayIterator : public NodeIterator {
   public:
    Node operator*() const;
  };
  class ObjectIterator : public NodeIterator {
   public:
    std::pair<std::string_view, Node> operator*() const;
  };
  struct ArrayRange {
    ArrayIterator first, last;
    size_t count;
    ArrayIterator begin() const { return first; }
    ArrayIterator end() const { return last; }
    size_t size() const { return count; }
    bool empty() const { return count == 0; }
  };
  struct ObjectRange {
    ObjectIterator first, last;
    size_t count;
    ObjectIterator begin() const { return first; }
    ObjectIterator end() const { return last; }
    size_t size() const { return count; }
    bool empty() const { return count == 0; }
  };

  // Pointer-like use, so `if (Node x = v.get("k")) use(*x), x->get(...)` reads as it does for
  // the `const Value*` json::Value::get answers.
  explicit operator bool() const { return present_; }
  const Node& operator*() const { return *this; }
  const Node* operator->() const { return this; }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_number() const { return kind() == Kind::Int || kind() == Kind::Double; }
  bool is_int() const { return kind() == Kind::Int; }
  bool is_string() const { return kind() == Kind::String; }
  bool is_array() const { return kind() == Kind::Array; }
  bool is_object() const { return kind() == Kind::Object; }

  bool as_bool() const;
  int64_t as_int() const;
  double as_double() const;  // valid for Int and Double
  std::string_view as_string() const;
  ArrayRange as_array() const;
  ObjectRange as_object() const;

  // Member lookup on an object; an absent Node when this is not an object or has no such key.
  Node get(std::string_view key) const;
  // The string member `key`, or empty view when absent or not a string.
  std::string_view get_string(std::string_view key) const;

  // A json::Value copy of this subtree (for the rare paths that keep or compare trees).
  Value to_value() const;

 private:
  friend struct NodeAccess;
  alignas(8) unsigned char element_[16]{};  // a simdjson dom::element
  bool present_ = false;
  Kind kind_ = Kind::Null;
};

// One parsed JSON text and the parser that holds its tape.
class Document {
 public:
  // Parses `text`; errors have status 400 and say what is wrong (as json::parse's do).
  static Result<Document> parse(std::string_view text);
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  const Node& root() const { return root_; }

 private:
  struct Parsed;
  Document() = default;
  std::unique_ptr<Parsed> parsed_;
  Node root_;
};

// Compact serialization of a Node, byte for byte what json::serialize writes for the same
// value.
void serialize_to(const Node& node, std::string& out);
std::string serialize(const Node& node);

}  // namespace scribe::json
