#include "xapi/statement_prepare.h"

#include <algorithm>
#include <iterator>
#include <random>

#include "common/json_writer.h"
#include "evidence/jcs.h"
#include "common/timestamp.h"
#include "xapi/attachments.h"
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

// A value's JCS text (a serialized json::Value always parses again).
std::string canonical_json(const json::Value& value) {
  auto text = evidence::canonicalize(json::serialize(value));
  return text ? std::move(*text) : std::string("null");
}

}  // namespace

StatementWriter::StatementWriter(json::Value authority, storage::TermKey term_key, bool may_define,
                                 uint32_t terms_max)
    : authority_json_(canonical_json(authority)),
      term_key_(term_key),
      may_define_(may_define),
      terms_max_(std::min<uint32_t>(terms_max, storage::kRecordTermsMax)) {
  auto doc = json::Document::parse(authority_json_);
  // A serialized json::Value always parses again; keep a null authority rather than fail.
  authority_doc_ = std::make_shared<const json::Document>(
      doc ? std::move(*doc) : std::move(*json::Document::parse("null")));
}

namespace {

// The stored record is written in its RFC 8785 (JCS) form, so the evidence log's leaf needs no
// second pass over it (evidence/leaf.h LeafTemplate::of_canonical): members sorted at every
// level, numbers as ECMAScript prints them, strings escaped as JCS does (json::Writer's way).

// contextActivities kinds may be sent as one object; they are stored (and returned) as
// arrays: [ and ] are written around such an object.
void write_context(const json::Node& context, json::Writer& w) {
  json::Node activities = context.get("contextActivities");
  if (!activities || !activities.is_object()) return evidence::canonicalize_to(context, w);
  evidence::write_sorted_members(context, w, [&w](std::string_view key, const json::Node& value) {
    if (key != "contextActivities") return evidence::canonicalize_to(value, w);
    evidence::write_sorted_members(value, w, [&w](std::string_view, const json::Node& list) {
      if (list.is_object()) w.put('[');
      evidence::canonicalize_to(list, w);
      if (list.is_object()) w.put(']');
    });
  });
}

// A SubStatement as sent, but for its context's contextActivities.
void write_substatement(const json::Node& object, json::Writer& w) {
  evidence::write_sorted_members(object, w, [&w](std::string_view key, const json::Node& value) {
    key == "context" ? write_context(value, w) : evidence::canonicalize_to(value, w);
  });
}

// One top-level member of the stored record and how it is written.
struct RecordMember {
  enum class Form { sent, context, substatement, text, canonical_json } form = Form::sent;
  std::string_view name;
  json::Node value;       // sent, context, substatement
  std::string_view text;  // text: a string value; canonical_json: JSON already in JCS form
};

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

  p.attachment_sha2s = declared_sha2s(in);
  json::Node verb = in.get("verb");
  json::Node object = in.get("object");
  const bool voided_verb = verb && verb->get_string("id") == kVoidedVerb;
  if (object && object->get_string("objectType") == "StatementRef") {
    p.ref_target = storage::parse_uuid(object->get_string("id"));
    if (voided_verb) p.flags |= storage::PreparedStatement::kIsVoiding;
  } else if (voided_verb) {
    return bad_request(path + "object", "a voiding statement's object must be a StatementRef");
  }

  // The stored form, in JCS order: the statement's properties as sent (contextActivities as
  // arrays), the id, and the LRS-owned authority and version; a client's stored, authority and
  // version are dropped. `stored` (and a missing timestamp) would sort where stored_insert_at
  // points.
  const std::string id_text = storage::format_uuid(p.id);
  std::string_view sent_version = in.get_string("version");
  RecordMember members[16];
  size_t count = 0;
  members[count++] = {RecordMember::Form::text, "id", {}, id_text};
  for (const auto& [key, value] : in.as_object()) {
    if (key == "id" || key == "stored" || key == "authority" || key == "version") continue;
    if (count + 2 >= std::size(members))
      return bad_request(path + std::string(key), "a statement has at most " + std::to_string(std::size(members) - 3) + " properties");
    RecordMember m{RecordMember::Form::sent, key, value, {}};
    if (key == "timestamp") m = {RecordMember::Form::text, key, {}, timestamp};
    else if (key == "context") m.form = RecordMember::Form::context;
    else if (key == "object" && value.get_string("objectType") == "SubStatement") m.form = RecordMember::Form::substatement;
    members[count++] = m;
  }
  members[count++] = {RecordMember::Form::canonical_json, "authority", {}, writer.authority_json()};
  members[count++] = {RecordMember::Form::text, "version", {},
                      !sent_version.empty()           ? sent_version
                      : version == Version::V1_0_3 ? std::string_view("1.0.0")
                                                   : std::string_view("2.0.0")};
  std::sort(members, members + count,
            [](const RecordMember& a, const RecordMember& b) { return evidence::jcs_name_less(a.name, b.name); });
  p.json.reserve(1024);  // a stored statement is typically 1-2 KB: grow the buffer once or twice
  {
    json::Writer w(p.json);
    bool first = true;
    bool stored_placed = false;
    w.put('{');
    for (size_t i = 0; i < count; i++) {
      const RecordMember& m = members[i];
      if (!stored_placed && evidence::jcs_name_less("stored", m.name)) {
        p.stored_insert_at = uint32_t(w.size() + (first ? 0 : 1));
        stored_placed = true;
      }
      w.member(m.name, first);
      switch (m.form) {
        case RecordMember::Form::sent: evidence::canonicalize_to(m.value, w); break;
        case RecordMember::Form::context: write_context(m.value, w); break;
        case RecordMember::Form::substatement: write_substatement(m.value, w); break;
        case RecordMember::Form::text: w.quoted(m.text); break;
        case RecordMember::Form::canonical_json: w.put(m.text); break;
      }
    }
    if (!stored_placed) p.stored_insert_at = uint32_t(w.size());
    w.put('}');
  }

  p.terms = statement_terms(writer.term_key(), in, writer.authority());
  if (p.terms.size() > writer.terms_max())
    return Error{413, path.empty() ? "statement" : path.substr(0, path.size() - path.ends_with('.')),
                 "the statement is indexed by " + std::to_string(p.terms.size()) + " distinct agents, verbs, "
                 "activities and registrations; at most " + std::to_string(writer.terms_max()) +
                 " (limits.statement_terms_max)"};
  if (writer.may_define()) p.merges = canonical_operands(in, writer.term_key());  // Activities/Agents
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
