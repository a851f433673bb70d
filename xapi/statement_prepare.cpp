#include "xapi/statement_prepare.h"

#include <random>

#include "common/json_writer.h"
#include "common/timestamp.h"
#include "xapi/canonical_operands.h"
#include "xapi/statement_terms.h"

namespace scribe::xapi {

std::string random_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (uint64_t(std::random_device{}()) << 32)};
  storage::Uuid id;
  uint64_t a = rng(), b = rng();
  for (int i = 0; i < 8; i++) {
    id[i] = uint8_t(a >> (8 * i));
    id[8 + i] = uint8_t(b >> (8 * i));
  }
  id[6] = (id[6] & 0x0f) | 0x40;
  id[8] = (id[8] & 0x3f) | 0x80;
  return storage::format_uuid(id);
}

StatementWriter::StatementWriter(json::Value authority, storage::TermKey term_key, bool may_define)
    : authority_json_(json::serialize(authority)), term_key_(term_key), may_define_(may_define) {
  auto doc = json::Document::parse(authority_json_);
  // A serialized json::Value always parses again; keep a null authority rather than fail.
  authority_doc_ = std::make_shared<const json::Document>(
      doc ? std::move(*doc) : std::move(*json::Document::parse("null")));
}

namespace {

// contextActivities kinds may be sent as one object; they are stored (and returned) as
// arrays: [ and ] are written around such an object.
void write_context(const json::Node& context, json::Writer& w) {
  json::Node activities = context.get("contextActivities");
  if (!activities || !activities.is_object()) return w.value(context);
  w.put('{');
  bool first = true;
  for (const auto& [key, value] : context.as_object()) {
    w.member(key, first);
    if (key != "contextActivities") {
      w.value(value);
      continue;
    }
    w.put('{');
    bool first_kind = true;
    for (const auto& [kind, list] : value.as_object()) {
      w.member(kind, first_kind);
      if (list.is_object()) w.put('[');
      w.value(list);
      if (list.is_object()) w.put(']');
    }
    w.put('}');
  }
  w.put('}');
}

// A SubStatement as sent, but for its context's contextActivities.
void write_substatement(const json::Node& object, json::Writer& w) {
  w.put('{');
  bool first = true;
  for (const auto& [key, value] : object.as_object()) {
    w.member(key, first);
    key == "context" ? write_context(value, w) : w.value(value);
  }
  w.put('}');
}

}  // namespace

Result<storage::PreparedStatement> prepare_statement(const json::Node& in, Version version,
                                                     const StatementWriter& writer,
                                                     const std::string& path, std::string_view id) {
  storage::PreparedStatement p;
  std::string generated;
  if (std::string_view sent = in.get_string("id"); !sent.empty()) id = sent;
  if (id.empty()) id = generated = random_uuid();
  auto uuid = storage::parse_uuid(id);
  if (!uuid) return bad_request(path + "id", "not a UUID");
  p.id = *uuid;

  std::string timestamp;  // normalised to UTC
  if (json::Node ts = in.get("timestamp")) {
    auto micros = parse_timestamp(ts->as_string());
    if (!micros) return bad_request(path + "timestamp", micros.error().message);
    timestamp = format_timestamp(*micros);
  } else {
    p.flags |= storage::StatementRecord::kTimestampFromStored;
  }

  json::Node verb = in.get("verb");
  json::Node object = in.get("object");
  const bool voided_verb = verb && verb->get_string("id") == kVoidedVerb;
  if (object && object->get_string("objectType") == "StatementRef") {
    p.ref_target = storage::parse_uuid(object->get_string("id"));
    if (voided_verb) p.flags |= storage::PreparedStatement::kIsVoiding;
  } else if (voided_verb) {
    return bad_request(path + "object", "a voiding statement's object must be a StatementRef");
  }

  // The stored form: id first, the statement's properties in the order sent, then the
  // LRS-owned authority and version; a client's stored, authority and version are dropped.
  p.json.reserve(1024);  // a stored statement is typically 1-2 KB: grow the buffer once or twice
  {
    json::Writer w(p.json);
    bool first = true;
    w.put('{');
    w.member("id", first);
    w.quoted(storage::format_uuid(p.id));
    for (const auto& [key, value] : in.as_object()) {
      if (key == "id" || key == "stored" || key == "authority" || key == "version") continue;
      w.member(key, first);
      if (key == "timestamp") {
        w.quoted(timestamp);
      } else if (key == "context") {
        write_context(value, w);
      } else if (key == "object" && value.get_string("objectType") == "SubStatement") {
        write_substatement(value, w);
      } else {
        w.value(value);
      }
    }
    w.member("authority", first);
    w.put(writer.authority_json());
    w.member("version", first);
    std::string_view sent_version = in.get_string("version");
    w.quoted(!sent_version.empty()           ? sent_version
             : version == Version::V1_0_3 ? std::string_view("1.0.0")
                                          : std::string_view("2.0.0"));
    w.put('}');
  }

  p.terms = statement_terms(writer.term_key(), in, writer.authority());
  if (writer.may_define()) p.merges = canonical_operands(in);  // Activities/Agents
  return p;
}

namespace {
json::Value without_lrs_properties(json::Value v) {
  if (!v.is_object()) return v;
  auto& o = v.as_object();
  o.erase("authority");
  o.erase("version");
  o.erase("stored");
  return v;
}
}  // namespace

bool same_statement(std::string_view stored_json, const storage::PreparedStatement& incoming) {
  auto stored = json::parse(stored_json);
  auto fresh = json::parse(incoming.json);
  if (!stored || !fresh) return false;
  return without_lrs_properties(std::move(*stored)) == without_lrs_properties(std::move(*fresh));
}

}  // namespace scribe::xapi
