#include "common/json_dom.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/json_writer.h"

namespace scribe::json {

namespace {

using simdjson::dom::element;

static_assert(sizeof(element) <= 16 && std::is_trivially_copyable_v<element>);
static_assert(sizeof(simdjson::dom::array::iterator) <= 16 &&
              std::is_trivially_copyable_v<simdjson::dom::array::iterator>);
static_assert(sizeof(simdjson::dom::object::iterator) <= 16 &&
              std::is_trivially_copyable_v<simdjson::dom::object::iterator>);

template <class T>
T load(const unsigned char* state) {
  T t;
  std::memcpy(static_cast<void*>(&t), state, sizeof(T));
  return t;
}

template <class T>
void store(unsigned char* state, const T& t) {
  std::memcpy(state, static_cast<const void*>(&t), sizeof(T));
}

Kind kind_of(const element& e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE: return Kind::Null;
    case T::BOOL: return Kind::Bool;
    case T::INT64: return Kind::Int;
    case T::UINT64:
    case T::DOUBLE: return Kind::Double;
    case T::STRING: return Kind::String;
    case T::ARRAY: return Kind::Array;
    case T::OBJECT: return Kind::Object;
  }
  return Kind::Null;
}

// The rules json::parse applies while it builds its tree, checked on the tape instead:
// nesting depth and duplicate keys. Objects of a statement have a handful of keys, so pairs
// are compared directly; large objects sort their keys once.
bool check_tree(const element& e, int depth, Error& error) {
  if (depth > kMaxDepth) {
    error = bad_request("", "JSON nested too deeply");
    return false;
  }
  if (e.is_array()) {
    for (element child : simdjson::dom::array(e))
      if (!check_tree(child, depth + 1, error)) return false;
    return true;
  }
  if (!e.is_object()) return true;
  simdjson::dom::object obj(e);
  constexpr size_t kDirect = 16;
  std::string_view keys[kDirect];
  std::vector<std::string_view> many;
  size_t n = 0;
  for (auto field : obj) {
    std::string_view key = field.key;
    if (n < kDirect) {
      for (size_t i = 0; i < n; i++)
        if (keys[i] == key) {
          error = bad_request(std::string(key), "duplicate property in JSON object");
          return false;
        }
      keys[n] = key;
    } else {
      if (many.empty()) many.assign(keys, keys + kDirect);
      many.push_back(key);
    }
    n++;
    if (!check_tree(field.value, depth + 1, error)) return false;
  }
  if (many.empty()) return true;
  std::vector<std::string_view> sorted = many;
  std::sort(sorted.begin(), sorted.end());
  auto dup = std::adjacent_find(sorted.begin(), sorted.end());
  if (dup == sorted.end()) return true;
  // Name the duplicate json::parse would have named: the first key seen twice in order.
  for (size_t i = 0; i < many.size(); i++)
    for (size_t j = 0; j < i; j++)
      if (many[i] == many[j]) {
        error = bad_request(std::string(many[i]), "duplicate property in JSON object");
        return false;
      }
  return false;
}

// Parsers keep their buffers between documents; a thread keeps a few for the next requests,
// and none that grew past kKeptCapacity (one huge body must not pin its memory).
constexpr size_t kKeptParsers = 4;
constexpr size_t kKeptCapacity = 4 << 20;

std::vector<std::unique_ptr<simdjson::dom::parser>>& parser_pool() {
  thread_local std::vector<std::unique_ptr<simdjson::dom::parser>> pool;
  return pool;
}

}  // namespace

struct NodeAccess {
  static Node make(const element& e) {
    Node n;
    store(n.element_, e);
    n.present_ = true;
    n.kind_ = kind_of(e);
    return n;
  }
  static element of(const Node& n) { return load<element>(n.element_); }
  template <class Iterator>
  static Iterator iterator(const auto& it, bool over_object) {
    Iterator out;
    store(out.state_, it);
    out.over_object_ = over_object;
    return out;
  }
  template <class It>
  static It state(const NodeIterator& it) {
    return load<It>(it.state_);
  }
};

struct Document::Parsed {
  std::unique_ptr<simdjson::dom::parser> parser;
  ~Parsed() {
    auto& pool = parser_pool();
    if (parser && pool.size() < kKeptParsers && parser->capacity() <= kKeptCapacity)
      pool.push_back(std::move(parser));
  }
};

Result<Document> Document::parse(std::string_view text) {
  Document doc;
  doc.parsed_ = std::make_unique<Parsed>();
  auto& pool = parser_pool();
  if (pool.empty()) {
    doc.parsed_->parser = std::make_unique<simdjson::dom::parser>();
  } else {
    doc.parsed_->parser = std::move(pool.back());
    pool.pop_back();
  }
  element root;
  auto err = doc.parsed_->parser->parse(text.data(), text.size(), true).get(root);
  if (err) return bad_request("", std::string("invalid JSON: ") + simdjson::error_message(err));
  Error error;
  if (!check_tree(root, 0, error)) return error;
  doc.root_ = NodeAccess::make(root);
  return doc;
}

Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

bool NodeIterator::operator!=(const NodeIterator& other) const {
  return std::memcmp(state_, other.state_, sizeof(state_)) != 0;
}

NodeIterator& NodeIterator::operator++() {
  if (over_object_) {
    auto it = NodeAccess::state<simdjson::dom::object::iterator>(*this);
    store(state_, ++it);
  } else {
    auto it = NodeAccess::state<simdjson::dom::array::iterator>(*this);
    store(state_, ++it);
  }
  return *this;
}

Node Node::ArrayIterator::operator*() const {
  return NodeAccess::make(*NodeAccess::state<simdjson::dom::array::iterator>(*this));
}

std::pair<std::string_view, Node> Node::ObjectIterator::operator*() const {
  auto it = NodeAccess::state<simdjson::dom::object::iterator>(*this);
  return {it.key(), NodeAccess::make(it.value())};
}

bool Node::as_bool() const { return bool(NodeAccess::of(*this).get_bool()); }

int64_t Node::as_int() const { return int64_t(NodeAccess::of(*this).get_int64()); }

double Node::as_double() const {
  const element e = NodeAccess::of(*this);
  if (e.is_int64()) return double(int64_t(e.get_int64()));
  if (e.is_uint64()) return double(uint64_t(e.get_uint64()));
  return double(e.get_double());
}

std::string_view Node::as_string() const { return std::string_view(NodeAccess::of(*this).get_string()); }

Node::ArrayRange Node::as_array() const {
  simdjson::dom::array a(NodeAccess::of(*this));
  return {NodeAccess::iterator<ArrayIterator>(a.begin(), false),
          NodeAccess::iterator<ArrayIterator>(a.end(), false), a.size()};
}

Node::ObjectRange Node::as_object() const {
  simdjson::dom::object o(NodeAccess::of(*this));
  return {NodeAccess::iterator<ObjectIterator>(o.begin(), true),
          NodeAccess::iterator<ObjectIterator>(o.end(), true), o.size()};
}

Node Node::get(std::string_view key) const {
  if (kind_ != Kind::Object) return Node();
  element child;
  if (simdjson::dom::object(NodeAccess::of(*this)).at_key(key).get(child)) return Node();
  return NodeAccess::make(child);
}

std::string_view Node::get_string(std::string_view key) const {
  Node v = get(key);
  return v && v.is_string() ? v.as_string() : std::string_view();
}

Value Node::to_value() const {
  auto v = json::parse(serialize(*this));
  return v ? std::move(*v) : Value();  // a Document's tree always parses again
}

void serialize_to(const Node& node, std::string& out) { detail::Writer(out).value(node); }

std::string serialize(const Node& node) {
  std::string out;
  serialize_to(node, out);
  return out;
}

}  // namespace scribe::json
