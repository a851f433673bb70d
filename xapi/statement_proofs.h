// Statements with their evidence, for exports and reports: a signed checkpoint that covers
// every statement durable now (signed at once when the newest is older), and for each
// statement its leaf's index and salt, its inclusion proof in that checkpoint's tree and its
// format=exact form, from which a verifier recomputes the leaf.
// Guarantees: every proof made verifies against the head's checkpoint; a statement without a
// leaf in that tree is an Error (a damaged log), never a proof-less line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "evidence/log/checkpoint_signer.h"
#include "evidence/merkle.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "storage/evidence_log.h"
#include "storage/statement_reader.h"

namespace scribe::xapi {

struct SignedHead {
  std::string note;    // the signed checkpoint, verbatim
  std::string origin;  // the log's name
  std::string vkey;
  uint64_t size = 0;
};

// A checkpoint covering every statement of `store` acknowledged now: it waits (at most
// `wait_ms`) for their leaves to be hashed into the tree head, else a 503 (Retry-After).
Result<SignedHead> fresh_signed_head(evidence::CheckpointSigner& signer, const storage::CommitPipeline& pipeline,
                                     storage::StoreId store, uint32_t wait_ms);
// Waits (at most `wait_ms`) until the statement stored at `seq` is in its store's tree head.
Status wait_logged(const storage::CommitPipeline& pipeline, storage::Seq seq, uint32_t wait_ms);

struct ProvenStatement {
  uint64_t index = 0;
  std::string salt;
  std::vector<evidence::Hash> proof;
  std::string statement_json;  // format=exact
};

struct ProvenErasure {
  evidence::Hash leaf_hash{};
  std::vector<evidence::Hash> proof;
};

class StatementProver {
 public:
  StatementProver(const storage::Engine& engine, storage::StoreId store, uint64_t tree_size);
  // The statement's proof; proofs of statements in stored order share most reads.
  Result<ProvenStatement> prove(const storage::StoredStatement& statement);
  // An erased statement's kept leaf hash and its proof.
  Result<ProvenErasure> prove_erased(uint64_t index);

 private:
  const uint64_t tree_size_;
  storage::LeafReader leaves_;
  evidence::NodeReader nodes_;
  evidence::Prover prover_;
};

}  // namespace scribe::xapi
