#include "evidence/export_verifier.h"

#include "evidence/export_format.h"
#include "evidence/leaf.h"
#include "evidence/merkle.h"

namespace scribe::evidence {

namespace {

std::string leaf_name(const ProvenPart& l) {
  if (l.leaf_hash) return "erased leaf " + std::to_string(l.index);
  return "statement " + (l.statement_id.empty() ? std::string("(without id)") : l.statement_id) +
         " (leaf " + std::to_string(l.index) + ")";
}

}  // namespace

void ExportVerifier::fail(std::string message) {
  if (report_.failure) return;
  report_.failure = "line " + std::to_string(report_.lines) + ": " + std::move(message);
}

void ExportVerifier::line(std::string_view text) {
  report_.lines++;
  if (report_.failure) return;
  if (ended_) return fail("content after the end line");
  if (text.empty()) return fail("an empty line");
  auto parsed = parse_export_line(text);
  if (!parsed) return fail(parsed.error().describe());
  if (!checkpoint_ && parsed->type != ExportLine::Type::header)
    return fail("the export does not begin with its header line");
  switch (parsed->type) {
    case ExportLine::Type::header:
      if (checkpoint_) return fail("a second header line");
      return header(*parsed);
    case ExportLine::Type::statement:
      if (report_.rows) return fail("a statement line in a report");
      return statement(*parsed);
    case ExportLine::Type::erased:
      if (report_.rows) return fail("an erased line in a report");
      return erased(*parsed);
    case ExportLine::Type::audit_header:
      if (audit_checkpoint_) return fail("a second audit_header line");
      return audit_header(*parsed);
    case ExportLine::Type::audit:
      if (!audit_checkpoint_) return fail("an audit line before the audit_header line");
      return audit(*parsed);
    case ExportLine::Type::row:
      if (report_.statements) return fail("a report row in an export of statements");
      return row(*parsed);
    case ExportLine::Type::end:
      ended_ = true;
      if (audit_checkpoint_ && report_.audit_entries != audit_checkpoint_->size)
        return fail("the audit trail's checkpoint covers " + std::to_string(audit_checkpoint_->size) +
                    " entries, the file holds " + std::to_string(report_.audit_entries) + ": entries were dropped");
      if (parsed->count != report_.statements + report_.rows)
        return fail("the end line counts " + std::to_string(parsed->count) + ", the file holds " +
                    std::to_string(report_.statements + report_.rows) +
                    (report_.rows ? " rows: rows were dropped or added" : " statements: statements were dropped or added"));
      if (unfiltered_ && report_.statements + report_.erased != report_.tree_size)
        return fail("an unfiltered export of a tree of " + std::to_string(report_.tree_size) + " leaves holds " +
                    std::to_string(report_.statements + report_.erased) + " statements and erasures: the last ones were dropped");
      return;
  }
}

void ExportVerifier::header(const ExportLine& line) {
  const std::string& vkey = options_.vkey ? *options_.vkey : line.key;
  report_.key_from_export = !options_.vkey;
  auto verifier = NoteVerifier::from_vkey(vkey);
  if (!verifier) return fail("the verifier key: " + verifier.error().message);
  auto text = verifier->verify(line.checkpoint);
  if (!text) return fail("the header's checkpoint: " + text.error().message);
  auto checkpoint = parse_checkpoint(*text);
  if (!checkpoint) return fail("the header's checkpoint: " + checkpoint.error().describe());
  if (checkpoint->origin != line.origin)
    return fail("the header's origin " + line.origin + " is not its checkpoint's (" + checkpoint->origin + ")");
  verifier_ = std::move(*verifier);
  checkpoint_ = std::move(*checkpoint);
  report_.origin = checkpoint_->origin;
  report_.tree_size = checkpoint_->size;
  unfiltered_ = line.query.empty();
}

void ExportVerifier::audit_header(const ExportLine& line) {
  // The trail is signed by the log's own key, under its own name.
  auto verifier = NoteVerifier::from_vkey(line.key);
  if (!verifier) return fail("the audit trail's key: " + verifier.error().message);
  if (verifier->public_key() != verifier_->public_key()) return fail("the audit trail's key is not the log's key");
  auto text = verifier->verify(line.checkpoint);
  if (!text) return fail("the audit trail's checkpoint: " + text.error().message);
  auto checkpoint = parse_checkpoint(*text);
  if (!checkpoint) return fail("the audit trail's checkpoint: " + checkpoint.error().describe());
  if (checkpoint->origin != line.origin || checkpoint->origin != checkpoint_->origin + "/audit")
    return fail("the audit trail's origin " + checkpoint->origin + " is not " + checkpoint_->origin + "/audit");
  audit_checkpoint_ = std::move(*checkpoint);
}

void ExportVerifier::audit(const ExportLine& line) {
  const ProvenPart& e = line.parts.front();
  const std::string name = "audit entry " + std::to_string(e.index) + " (" + e.statement_id + ")";
  if (e.index != report_.audit_entries)
    return fail(name + " is not entry " + std::to_string(report_.audit_entries) + ": the trail was cut or reordered");
  if (e.index >= audit_checkpoint_->size || e.salt.size() != kSaltBytes ||
      !verify_inclusion(e.index, audit_checkpoint_->size, leaf_hash(e.salt + e.statement_jcs), e.proof,
                        audit_checkpoint_->root))
    return fail(name + ": its inclusion proof does not verify against the audit trail's checkpoint (the entry, "
                "its salt or its proof was changed)");
  report_.audit_entries++;
  if (e.statement_id == "erasure" || e.statement_id == "purge") report_.audit_erasures++;
}

bool ExportVerifier::proven(const ProvenPart& l) {
  const uint64_t size = checkpoint_->size;
  if (l.index >= size) {
    fail(leaf_name(l) + " is past the checkpoint's " + std::to_string(size) + " leaves");
    return false;
  }
  if (!l.leaf_hash && l.salt.size() != kSaltBytes) {
    fail(leaf_name(l) + ": the salt is not 16 bytes");
    return false;
  }
  // An erased statement's leaf hash is all that is left of it: proven as given.
  const Hash leaf = l.leaf_hash ? *l.leaf_hash : leaf_hash(l.salt + l.statement_jcs);
  if (!verify_inclusion(l.index, size, leaf, l.proof, checkpoint_->root)) {
    fail(leaf_name(l) + ": its inclusion proof does not verify against the checkpoint "
         "(the statement, its salt or its proof was changed)");
    return false;
  }
  report_.proofs++;
  return true;
}

bool ExportVerifier::in_order(const ProvenPart& l) {
  if (last_index_ && l.index <= *last_index_) {
    fail(leaf_name(l) + " comes after leaf " + std::to_string(*last_index_) + ": statements were reordered or repeated");
    return false;
  }
  const uint64_t expected = last_index_ ? *last_index_ + 1 : 0;
  if (unfiltered_ && l.index != expected) {
    fail("leaf " + std::to_string(expected) + " is missing before " + leaf_name(l) +
         ": a statement was dropped from this unfiltered export");
    return false;
  }
  last_index_ = l.index;
  return true;
}

void ExportVerifier::statement(const ExportLine& line) {
  const ProvenPart& l = line.parts.front();
  if (!proven(l) || !in_order(l)) return;
  report_.statements++;
}

void ExportVerifier::erased(const ExportLine& line) {
  const ProvenPart& l = line.parts.front();
  if (!proven(l) || !in_order(l)) return;
  report_.erased++;
}

void ExportVerifier::row(const ExportLine& line) {
  for (const ProvenPart& part : line.parts)
    if (!proven(part)) return;
  report_.rows++;
}

VerifyReport ExportVerifier::finish() {
  if (!report_.failure && !checkpoint_) fail("no header line");
  if (!report_.failure && !ended_) fail("no end line: the export is truncated");
  if (!report_.failure && options_.previous_checkpoint) {
    auto text = verifier_->verify(*options_.previous_checkpoint);
    auto previous = text ? parse_checkpoint(*text) : Result<Checkpoint>(text.error());
    if (!previous) {
      report_.failure = "the previous checkpoint: " + previous.error().describe();
    } else if (previous->origin != checkpoint_->origin) {
      report_.failure = "the previous checkpoint is of another log (" + previous->origin + ")";
    } else if (previous->size > checkpoint_->size) {
      report_.failure = "the previous checkpoint (" + std::to_string(previous->size) +
                        " leaves) is larger than the export's (" + std::to_string(checkpoint_->size) + ")";
    } else if (!options_.consistency) {
      report_.failure = "no consistency proof for the previous checkpoint";
    } else if (previous->size == 0 ? !options_.consistency->empty()
                                   : !verify_consistency(previous->size, checkpoint_->size, previous->root,
                                                         checkpoint_->root, *options_.consistency)) {
      report_.failure = "the previous checkpoint (" + std::to_string(previous->size) +
                        " leaves) is not consistent with the export's (" + std::to_string(checkpoint_->size) +
                        " leaves): the log was rewritten";
    } else {
      report_.consistency_checked = true;
    }
  }
  return report_;
}

}  // namespace scribe::evidence
