// The lines of an evidence export (GET /evidence/export?format=ndjson, `scribe export`): one JSON
// object per line, written by the server and read back by the offline verifier.
//   {"type":"header","origin":…,"checkpoint":"<signed checkpoint>","key":"<vkey>","query":{…}}
//   {"type":"statement","index":I,"salt":"<base64>","proof":["<base64 hash>",…],"statement":{…}}
//   …
//   {"type":"erased","index":I,"leaf_hash":"<base64>","proof":[…],"erasure":{…}}  (an erased
//   statement in an unfiltered export: its leaf hash stays in the tree, its content is gone)
//   …
//   {"type":"audit_header","origin":…,"checkpoint":"<signed checkpoint>","key":"<vkey>"}
//   {"type":"audit","index":I,"salt":"<base64>","proof":[…],"entry":{…}}  (the store's whole
//   audit trail, admin/audit_trail.h: every admin action, erasures included, each proven in the
//   trail's own checkpoint, signed by the same key under the origin "<log origin>/audit")
//   …
//   {"type":"end","count":N}  (N: the statement lines)
// A completion report in NDJSON has the same header and end, and between them rows:
//   {"type":"row","agent":{…},"status":…,"count":N,"first":{"id":…,"stored":…,"index":I,
//    "salt":…,"proof":[…],"statement":{…}},"latest":{…}}
// `statement` is the statement as GET ?statementId=…&format=exact returns it, so its leaf is
// SHA-256(0x00 ‖ salt ‖ JCS(statement)) and `proof` is its RFC 9162 inclusion proof in the tree
// the header's checkpoint signs.
// Guarantees: parse_export_line() reads back exactly what the append_* functions write, and
// names the member that is missing or malformed otherwise (the verifier reports it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json_writer.h"
#include "common/result.h"
#include "evidence/sha256.h"

namespace scribe::evidence {

// Each appends one line, with its newline.
void append_export_header(std::string_view origin, std::string_view checkpoint, std::string_view vkey,
                          const std::vector<std::pair<std::string, std::string>>& query, std::string& out);
void append_export_statement(uint64_t index, std::string_view salt, const std::vector<Hash>& proof,
                             std::string_view statement_json, std::string& out);
void append_export_erased(uint64_t index, const Hash& leaf_hash, const std::vector<Hash>& proof,
                          std::string_view erasure_json, std::string& out);
void append_export_audit_header(std::string_view origin, std::string_view checkpoint, std::string_view vkey,
                                std::string& out);
void append_export_audit_entry(uint64_t index, std::string_view salt, const std::vector<Hash>& proof,
                               std::string_view entry_json, std::string& out);
void append_export_end(uint64_t count, std::string& out);
// The members that prove a statement, `"index":I,"salt":…,"proof":[…],"statement":{…}`, for a
// statement line and for a report row's first and latest.
// (`member` names the last one: "statement", or "entry" for an audit line.)
void append_proven_members(uint64_t index, std::string_view salt, const std::vector<Hash>& proof,
                           std::string_view statement_json, json::Writer& w, std::string_view member = "statement");
// A JSON array of base64 hashes (a proof).
void append_hash_array(const std::vector<Hash>& hashes, json::Writer& w);

// A statement with what proves it: a statement line's content, or a report row's first/latest.
struct ProvenPart {
  uint64_t index = 0;
  std::string salt;            // decoded bytes
  std::vector<Hash> proof;
  std::string statement_id;    // the statement's "id" member ("" when it has none)
  std::string statement_jcs;   // JCS of the statement member
  std::optional<Hash> leaf_hash;  // an erased line's: given, not recomputed
};

struct ExportLine {
  enum class Type { header, statement, erased, row, audit_header, audit, end } type = Type::header;
  // header
  std::string origin, checkpoint, key;
  std::vector<std::pair<std::string, std::string>> query;
  // header, audit_header: origin, checkpoint, key
  // statement, erased, audit (statement_jcs: the entry's JCS): parts[0]; row: first and latest
  std::vector<ProvenPart> parts;
  // end
  uint64_t count = 0;
};

// One line without its newline. Errors name the member ("salt: not base64").
Result<ExportLine> parse_export_line(std::string_view line);

}  // namespace scribe::evidence
