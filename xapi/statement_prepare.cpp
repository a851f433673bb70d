#include "xapi/statement_prepare.h"

#include <random>

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

namespace {

// contextActivities kinds may be sent as one object; they are stored (and returned) as arrays.
void normalise_context_activities(json::Value& statement) {
  if (!statement.is_object()) return;
  auto& o = statement.as_object();
  if (json::Value* context = o.find("context"); context && context->is_object())
    if (json::Value* ca = context->as_object().find("contextActivities"); ca && ca->is_object())
      for (auto& [kind, list] : ca->as_object())
        if (list.is_object()) list = json::Value(json::Array{list});
  if (json::Value* object = o.find("object"); object && object->get_string("objectType") == "SubStatement")
    normalise_context_activities(*object);
}

}  // namespace

Result<storage::PreparedStatement> prepare_statement(json::Value statement, Version version,
                                                     const StatementWriter& writer,
                                                     const std::string& path) {
  storage::PreparedStatement p;
  normalise_context_activities(statement);
  json::Object& in = statement.as_object();

  std::string id(statement.get_string("id"));
  if (id.empty()) id = random_uuid();
  auto uuid = storage::parse_uuid(id);
  if (!uuid) return bad_request(path + "id", "not a UUID");
  p.id = *uuid;

  if (const json::Value* ts = in.find("timestamp")) {
    auto micros = parse_timestamp(ts->as_string());
    if (!micros) return bad_request(path + "timestamp", micros.error().message);
    in.set("timestamp", format_timestamp(*micros));
  } else {
    p.flags |= storage::StatementRecord::kTimestampFromStored;
  }

  const json::Value* verb = in.find("verb");
  const json::Value* object = in.find("object");
  if (object && object->get_string("objectType") == "StatementRef") {
    p.ref_target = storage::parse_uuid(object->get_string("id"));
    if (verb && verb->get_string("id") == kVoidedVerb)
      p.flags |= storage::PreparedStatement::kIsVoiding;
  } else if (verb && verb->get_string("id") == kVoidedVerb) {
    return bad_request(path + "object", "a voiding statement's object must be a StatementRef");
  }

  // Rebuild with id first and the LRS-owned properties last.
  json::Object out;
  out.append("id", storage::format_uuid(p.id));
  for (auto& [key, value] : in) {
    if (key == "id" || key == "stored" || key == "authority" || key == "version") continue;
    out.append(key, value);
  }
  out.append("authority", writer.authority);
  std::string_view sent_version = statement.get_string("version");
  out.append("version", sent_version.empty()
                            ? std::string(version == Version::V1_0_3 ? "1.0.0" : "2.0.0")
                            : std::string(sent_version));
  json::Value stored_form(std::move(out));
  p.terms = statement_terms(writer.term_key, stored_form);
  if (writer.may_define) p.merges = canonical_operands(stored_form);  // Activities/Agents
  p.json.reserve(1024);  // a stored statement is typically 1-2 KB: grow the buffer once or twice
  json::serialize_to(stored_form, p.json);
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
