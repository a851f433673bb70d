#include "evidence/export_format.h"

#include "common/base64.h"
#include "common/json_dom.h"
#include "common/json_writer.h"
#include "evidence/checkpoint.h"
#include "evidence/jcs.h"

namespace scribe::evidence {

void append_export_header(std::string_view origin, std::string_view checkpoint, std::string_view vkey,
                          const std::vector<std::pair<std::string, std::string>>& query, std::string& out) {
  json::Writer w(out);
  w.put(R"({"type":"header","origin":)");
  w.quoted(origin);
  w.put(R"(,"checkpoint":)");
  w.quoted(checkpoint);
  w.put(R"(,"key":)");
  w.quoted(vkey);
  w.put(R"(,"query":{)");
  bool first = true;
  for (const auto& [name, value] : query) {
    w.member(name, first);
    w.quoted(value);
  }
  w.put("}}\n");
}

void append_hash_array(const std::vector<Hash>& hashes, json::Writer& w) {
  w.put('[');
  for (size_t i = 0; i < hashes.size(); i++) {
    if (i) w.put(',');
    w.put('"');
    w.put(hash_base64(hashes[i]));
    w.put('"');
  }
  w.put(']');
}

void append_proven_members(uint64_t index, std::string_view salt, const std::vector<Hash>& proof,
                           std::string_view statement_json, json::Writer& w, std::string_view member) {
  w.put(R"("index":)");
  w.put(std::to_string(index));
  w.put(R"(,"salt":")");
  w.put(base64_encode(salt));
  w.put(R"(","proof":)");
  append_hash_array(proof, w);
  w.put(",\"");
  w.put(member);
  w.put("\":");
  w.put(statement_json);
}

void append_export_statement(uint64_t index, std::string_view salt, const std::vector<Hash>& proof,
                             std::string_view statement_json, std::string& out) {
  json::Writer w(out);
  w.put(R"({"type":"statement",)");
  append_proven_members(index, salt, proof, statement_json, w);
  w.put("}\n");
}

void append_export_erased(uint64_t index, const Hash& leaf_hash, const std::vector<Hash>& proof,
                          std::string_view erasure_json, std::string& out) {
  json::Writer w(out);
  w.put(R"({"type":"erased","index":)");
  w.put(std::to_string(index));
  w.put(R"(,"leaf_hash":")");
  w.put(hash_base64(leaf_hash));
  w.put(R"(","proof":)");
  append_hash_array(proof, w);
  w.put(R"(,"erasure":)");
  w.put(erasure_json);
  w.put("}\n");
}

void append_export_audit_header(std::string_view origin, std::string_view checkpoint, std::string_view vkey,
                                std::string& out) {
  json::Writer w(out);
  w.put(R"({"type":"audit_header","origin":)");
  w.quoted(origin);
  w.put(R"(,"checkpoint":)");
  w.quoted(checkpoint);
  w.put(R"(,"key":)");
  w.quoted(vkey);
  w.put("}\n");
}

void append_export_audit_entry(uint64_t index, std::string_view salt, const std::vector<Hash>& proof,
                               std::string_view entry_json, std::string& out) {
  json::Writer w(out);
  w.put(R"({"type":"audit",)");
  append_proven_members(index, salt, proof, entry_json, w, "entry");
  w.put("}\n");
}

void append_export_end(uint64_t count, std::string& out) {
  out += R"({"type":"end","count":)" + std::to_string(count) + "}\n";
}

namespace {

Result<std::string> string_member(const json::Node& root, std::string_view name) {
  json::Node v = root.get(name);
  if (!v || !v->is_string()) return bad_request(std::string(name), "missing or not a string");
  return std::string(v->as_string());
}

Result<uint64_t> count_member(const json::Node& root, std::string_view name) {
  json::Node v = root.get(name);
  if (!v || !v->is_number() || !v->is_int() || v->as_int() < 0)
    return bad_request(std::string(name), "missing or not a non-negative integer");
  return uint64_t(v->as_int());
}

Result<std::vector<Hash>> parse_proof(const json::Node& root, const std::string& prefix) {
  json::Node proof = root.get("proof");
  if (!proof || !proof->is_array()) return bad_request(prefix + "proof", "missing or not an array");
  std::vector<Hash> out;
  for (const auto& h : proof->as_array()) {
    auto hash = h.is_string() ? parse_hash_base64(h.as_string()) : std::nullopt;
    if (!hash) return bad_request(prefix + "proof", "holds something other than a base64 SHA-256 hash");
    out.push_back(*hash);
  }
  return out;
}

// index, salt, proof and statement of a statement line or a report row's first/latest (or the
// entry of an audit line: `member` "entry", named by its "action").
Result<ProvenPart> parse_proven_part(const json::Node& root, const std::string& prefix,
                                     const char* member = "statement", const char* name = "id") {
  if (!root.is_object()) return bad_request(prefix, "not an object");
  ProvenPart out;
  auto index = count_member(root, "index");
  if (!index) return bad_request(prefix + index.error().path, index.error().message);
  out.index = *index;
  auto salt = string_member(root, "salt");
  if (!salt) return bad_request(prefix + "salt", salt.error().message);
  auto salt_bytes = base64_decode(*salt);
  if (!salt_bytes) return bad_request(prefix + "salt", "not base64");
  out.salt = std::move(*salt_bytes);
  auto proof = parse_proof(root, prefix);
  if (!proof) return proof.error();
  out.proof = std::move(*proof);
  json::Node statement = root.get(member);
  if (!statement || !statement->is_object()) return bad_request(prefix + member, "missing or not an object");
  out.statement_id = std::string(statement.get_string(name));
  canonicalize_to(statement, out.statement_jcs);
  return out;
}

}  // namespace

Result<ExportLine> parse_export_line(std::string_view line) {
  auto document = json::Document::parse(line);
  if (!document) return bad_request("", "not a JSON line: " + document.error().message);
  const json::Node root = document->root();
  if (!root.is_object()) return bad_request("", "not a JSON object");
  auto type = string_member(root, "type");
  if (!type) return type.error();
  ExportLine out;
  if (*type == "header" || *type == "audit_header") {
    out.type = *type == "header" ? ExportLine::Type::header : ExportLine::Type::audit_header;
    for (auto [name, field] : {std::pair{"origin", &out.origin}, {"checkpoint", &out.checkpoint}, {"key", &out.key}}) {
      auto v = string_member(root, name);
      if (!v) return v.error();
      *field = std::move(*v);
    }
    if (out.type == ExportLine::Type::audit_header) return out;
    json::Node query = root.get("query");
    if (!query || !query->is_object()) return bad_request("query", "missing or not an object");
    for (const auto& [name, value] : query->as_object()) {
      if (!value.is_string()) return bad_request("query." + std::string(name), "not a string");
      out.query.emplace_back(std::string(name), std::string(value.as_string()));
    }
    return out;
  }
  if (*type == "end") {
    out.type = ExportLine::Type::end;
    auto count = count_member(root, "count");
    if (!count) return count.error();
    out.count = *count;
    return out;
  }
  if (*type == "row") {
    out.type = ExportLine::Type::row;
    for (const char* name : {"first", "latest"}) {
      json::Node part = root.get(name);
      if (!part) continue;
      auto parsed = parse_proven_part(part, std::string(name) + ".");
      if (!parsed) return parsed.error();
      out.parts.push_back(std::move(*parsed));
    }
    return out;
  }
  if (*type == "erased") {
    out.type = ExportLine::Type::erased;
    ProvenPart part;
    auto index = count_member(root, "index");
    if (!index) return index.error();
    part.index = *index;
    auto leaf = string_member(root, "leaf_hash");
    if (!leaf) return leaf.error();
    part.leaf_hash = parse_hash_base64(*leaf);
    if (!part.leaf_hash) return bad_request("leaf_hash", "not a base64 SHA-256 hash");
    auto proof = parse_proof(root, "");
    if (!proof) return proof.error();
    part.proof = std::move(*proof);
    json::Node erasure = root.get("erasure");
    if (!erasure || !erasure->is_object()) return bad_request("erasure", "missing or not an object");
    out.parts.push_back(std::move(part));
    return out;
  }
  if (*type == "audit") {
    out.type = ExportLine::Type::audit;
    auto part = parse_proven_part(root, "", "entry", "action");
    if (!part) return part.error();
    out.parts.push_back(std::move(*part));
    return out;
  }
  if (*type != "statement") return bad_request("type", "unknown line type " + *type);
  out.type = ExportLine::Type::statement;
  auto part = parse_proven_part(root, "");
  if (!part) return part.error();
  out.parts.push_back(std::move(*part));
  return out;
}

}  // namespace scribe::evidence
