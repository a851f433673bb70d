#include "storage/json_merge_operators.h"

#include <optional>

#include "common/json.h"

namespace scribe::storage {

namespace {

using json::Object;
using json::Value;

// A later object's members win per key; earlier-only members stay.
void merge_map_into(Object& into, const Object& newer) {
  for (const auto& [key, value] : newer) into.set(key, value);
}

bool is_keyed_map(std::string_view property) {
  return property == "name" || property == "description" || property == "extensions";
}

Value merge_definitions(const Value& older, const Value& newer) {
  if (!older.is_object() || !newer.is_object()) return newer;
  Value out = older;
  Object& o = out.as_object();
  for (const auto& [key, value] : newer.as_object()) {
    Value* existing = o.find(key);
    if (existing && is_keyed_map(key) && existing->is_object() && value.is_object())
      merge_map_into(existing->as_object(), value.as_object());
    else
      o.set(key, value);
  }
  return out;
}

// Parses an operand or existing value; nullopt when it is not a JSON object.
std::optional<Value> parse_object(std::string_view text) {
  auto v = json::parse(text);
  if (!v || !v->is_object()) return std::nullopt;
  return std::move(*v);
}

std::string fold(std::string_view older, std::string_view newer,
                 Value (*combine)(const Value&, const Value&)) {
  auto a = parse_object(older);
  auto b = parse_object(newer);
  if (!a) return b ? std::string(newer) : std::string(older);
  if (!b) return std::string(older);
  return json::serialize(combine(*a, *b));
}

Value combine_activities(const Value& older, const Value& newer) {
  Value out = older;
  Object& o = out.as_object();
  for (const auto& [key, value] : newer.as_object()) {
    if (key != "definition") {
      o.set(key, value);
      continue;
    }
    const Value* existing = older.get("definition");
    o.set(key, existing ? merge_definitions(*existing, value) : value);
  }
  return out;
}

Value combine_people(const Value& older, const Value& newer) {
  Value out = older;
  Object& o = out.as_object();
  o.set("objectType", "Person");
  for (const auto& [key, value] : newer.as_object()) {
    if (!value.is_array()) continue;
    Value* existing = o.find(key);
    if (!existing || !existing->is_array()) {
      o.set(key, value);
      continue;
    }
    json::Array& list = existing->as_array();
    for (const auto& item : value.as_array()) {
      if (list.size() >= kPersonValuesMax) break;
      bool present = false;
      for (const auto& have : list) present = present || have == item;
      if (!present) list.push_back(item);
    }
  }
  return out;
}

class JsonMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  JsonMergeOperator(const char* name, std::string (*merge)(std::string_view, std::string_view))
      : name_(name), merge_(merge) {}
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    if (!existing) {
      new_value->assign(value.data(), value.size());
      return true;
    }
    *new_value = merge_(existing->ToStringView(), value.ToStringView());
    return true;
  }
  const char* Name() const override { return name_; }

 private:
  const char* name_;
  std::string (*merge_)(std::string_view, std::string_view);
};

}  // namespace

std::string merge_activity_json(std::string_view older, std::string_view newer) {
  return fold(older, newer, combine_activities);
}

std::string merge_person_json(std::string_view older, std::string_view newer) {
  return fold(older, newer, combine_people);
}

std::shared_ptr<rocksdb::MergeOperator> make_activity_merge_operator() {
  return std::make_shared<JsonMergeOperator>("scribe.activity.v1", merge_activity_json);
}

std::shared_ptr<rocksdb::MergeOperator> make_person_merge_operator() {
  return std::make_shared<JsonMergeOperator>("scribe.person.v1", merge_person_json);
}

}  // namespace scribe::storage
