// The offline check of an evidence export (`scribe verify`): it reads the export's lines
// (evidence/export_format.h) one at a time, so any size verifies in constant memory, and needs
// nothing but the export, the log's verifier key and, optionally, a checkpoint the auditor kept
// from an earlier export with the consistency proof from it to this one. It links only common/
// and evidence/: no database, no server.
// It checks: the header's checkpoint is signed by the key (the key given, else the one the
// export names, which proves only internal consistency and is reported so); every statement's
// leaf SHA-256(0x00 ‖ salt ‖ JCS(statement)) is proven in that checkpoint's tree by its
// inclusion proof; leaves come in strictly increasing order, and in an unfiltered export
// (empty query) they are exactly 0 … size-1, each a statement or an erased leaf (whose leaf hash
// is proven as given, and counted apart); the end line's count of statements matches; the
// store's audit trail, when the export carries it, is signed by the same key under
// "<origin>/audit", and holds every entry its checkpoint covers, each proven in it; with a previous
// checkpoint, that it is signed by the same key and is a prefix of the export's tree. A
// completion report in NDJSON verifies the same way: each row's first and latest statements
// against the header's checkpoint, and the end line's count of rows.
// Guarantees: the first failure is kept, naming the line and the statement (id and leaf index)
// or the part of the file that is wrong; a report with no failure means every check above held.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/checkpoint.h"
#include "evidence/note.h"
#include "evidence/sha256.h"

namespace scribe::evidence {

struct VerifyOptions {
  std::optional<std::string> vkey;                 // else the export's own key (reported)
  std::optional<std::string> previous_checkpoint;  // a signed checkpoint kept from before
  std::optional<std::vector<Hash>> consistency;    // proof from previous to this one
};

struct VerifyReport {
  uint64_t lines = 0;
  uint64_t statements = 0;  // statement lines verified
  uint64_t erased = 0;      // erased lines verified (leaf hash proven, content gone)
  uint64_t audit_entries = 0;   // audit-trail entries verified (0: the export has no trail)
  uint64_t audit_erasures = 0;  // of those, erasures and purges
  uint64_t rows = 0;        // report rows whose statements all verified
  uint64_t proofs = 0;      // inclusion proofs verified
  std::string origin;
  uint64_t tree_size = 0;
  bool key_from_export = false;   // no key was given: the signature proves no identity
  bool consistency_checked = false;
  std::optional<std::string> failure;  // the first, with its line and statement
  bool ok() const { return !failure; }
};

class ExportVerifier {
 public:
  explicit ExportVerifier(VerifyOptions options) : options_(std::move(options)) {}
  // One line of the file, without its newline. After a failure further lines are counted only.
  void line(std::string_view text);
  // The consistency proof from the previous checkpoint, when it is known only once the header
  // was read (fetched for its size); before finish().
  void set_consistency(std::vector<Hash> proof) { options_.consistency = std::move(proof); }
  // After the last line: checks the end line was seen and the previous checkpoint.
  VerifyReport finish();
  // The checkpoint the header carries (once the header line was read), for fetching a
  // consistency proof before finish().
  const std::optional<Checkpoint>& checkpoint() const { return checkpoint_; }

 private:
  void fail(std::string message);
  void header(const struct ExportLine& line);
  void statement(const struct ExportLine& line);
  void erased(const struct ExportLine& line);
  void audit_header(const struct ExportLine& line);
  void audit(const struct ExportLine& line);
  void row(const struct ExportLine& line);
  // Checks a statement's or erased leaf's place (increasing; contiguous when unfiltered).
  bool in_order(const struct ProvenPart& part);
  // Checks one proven statement; false (and the failure kept) when it does not verify.
  bool proven(const struct ProvenPart& part);

  VerifyOptions options_;
  VerifyReport report_;
  std::optional<NoteVerifier> verifier_;
  std::optional<Checkpoint> checkpoint_;
  std::optional<Checkpoint> audit_checkpoint_;  // the audit_header's
  bool unfiltered_ = false;
  bool ended_ = false;
  std::optional<uint64_t> last_index_;
};

}  // namespace scribe::evidence
