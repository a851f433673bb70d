// C2SP tlog-checkpoint bodies (c2sp.org/tlog-checkpoint) and tlog-proofs
// (c2sp.org/tlog-proof@v1): the text forms a log's signed tree heads and offline inclusion
// proofs take. A checkpoint body is `<origin>\n<tree size>\n<base64 root hash>\n` followed
// by optional extension lines; it is signed as a note (evidence/note.h).
// Guarantees: parse_* accept exactly what format_* write (and what other C2SP implementations
// write), and reject anything else with a message naming the part that is wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "evidence/sha256.h"

namespace scribe::evidence {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // extension lines, without newlines
};

std::string format_checkpoint(const Checkpoint& c);
// `text` is the note text (verified already): the body without signatures.
Result<Checkpoint> parse_checkpoint(std::string_view text);

struct TlogProof {
  std::optional<std::string> extra;  // opaque bytes (here: the leaf's salt)
  uint64_t index = 0;
  std::vector<Hash> path;  // the inclusion proof, from the leaf's sibling up
  std::string checkpoint;  // the signed checkpoint note, verbatim
};

std::string format_tlog_proof(const TlogProof& p);
Result<TlogProof> parse_tlog_proof(std::string_view text);

// Base64 of a hash, and back (nullopt unless exactly 32 bytes).
std::string hash_base64(const Hash& h);
std::optional<Hash> parse_hash_base64(std::string_view text);

}  // namespace scribe::evidence
