#include "xapi/statement_proofs.h"

#include "evidence/checkpoint.h"
#include "evidence/note.h"
#include "storage/evidence_log.h"
#include "xapi/statement_format.h"

namespace scribe::xapi {

Status wait_logged(const storage::CommitPipeline& pipeline, storage::Seq seq, uint32_t wait_ms) {
  if (pipeline.wait_logged(seq, std::chrono::milliseconds(wait_ms))) return Status::success();
  return Error{503, "", "the evidence log is catching up with recent writes; retry shortly"};
}

Result<SignedHead> fresh_signed_head(evidence::CheckpointSigner& signer, const storage::CommitPipeline& pipeline,
                                     storage::StoreId store, uint32_t wait_ms) {
  if (Status s = wait_logged(pipeline, pipeline.committed_seq(), wait_ms); !s) return s.error();
  auto note = signer.latest(store, true);
  if (!note) return note.error();
  auto checkpoint = evidence::parse_checkpoint(evidence::note_text(*note));
  if (!checkpoint) return Error{500, "", "a stored checkpoint does not parse"};
  auto vkey = signer.vkey(store);
  if (!vkey) return vkey.error();
  return SignedHead{std::move(*note), checkpoint->origin, std::move(*vkey), checkpoint->size};
}

StatementProver::StatementProver(const storage::Engine& engine, storage::StoreId store, uint64_t tree_size)
    : tree_size_(tree_size),
      leaves_(engine, store),
      nodes_(storage::node_reader(engine, store)),
      prover_(nodes_) {}

Result<ProvenErasure> StatementProver::prove_erased(uint64_t index) {
  if (index >= tree_size_)
    return Error{500, "", "erased leaf " + std::to_string(index) + " is not in the checkpoint's tree"};
  auto leaf = nodes_(evidence::NodeId{0, index});
  if (!leaf) return leaf.error();
  auto path = prover_.inclusion(index, tree_size_);
  if (!path) return path.error();
  return ProvenErasure{*leaf, std::move(*path)};
}

Result<ProvenStatement> StatementProver::prove(const storage::StoredStatement& st) {
  auto leaf = leaves_.get(st.seq);
  if (!leaf) return leaf.error();
  if (!*leaf || (*leaf)->index >= tree_size_)
    return Error{500, "", "statement seq " + std::to_string(st.seq) + " has no leaf in the checkpoint's tree"};
  auto path = prover_.inclusion((*leaf)->index, tree_size_);
  if (!path) return path.error();
  ProvenStatement out{(*leaf)->index, std::move((*leaf)->salt), std::move(*path), {}};
  render_statement(st, StatementFormat::Exact, {}, out.statement_json);
  return out;
}

}  // namespace scribe::xapi
