#include "xapi/statement_proofs.h"

#include <array>
#include <memory>

#include "evidence/checkpoint.h"
#include "evidence/note.h"
#include "storage/evidence_log.h"
#include "xapi/statement_format.h"

namespace scribe::xapi {

namespace {

// Reads the log's nodes for consecutive proofs: neighbouring leaves share all but the lowest
// nodes of their paths, so the last two nodes read per level answer almost every read.
evidence::NodeReader remembering_reader(evidence::NodeReader read) {
  struct Slot {
    bool used = false;
    uint64_t index = 0;
    evidence::Hash hash{};
  };
  auto slots = std::make_shared<std::array<std::array<Slot, 2>, 64>>();
  return [read = std::move(read), slots](evidence::NodeId id) -> Result<evidence::Hash> {
    auto& level = (*slots)[id.level & 63];
    for (const Slot& s : level)
      if (s.used && s.index == id.index) return s.hash;
    auto h = read(id);
    if (!h) return h;
    level[1] = level[0];
    level[0] = Slot{true, id.index, *h};
    return h;
  };
}

}  // namespace

Result<SignedHead> fresh_signed_head(evidence::CheckpointSigner& signer, storage::StoreId store) {
  auto note = signer.latest(store, true);
  if (!note) return note.error();
  auto checkpoint = evidence::parse_checkpoint(evidence::note_text(*note));
  if (!checkpoint) return Error{500, "", "a stored checkpoint does not parse"};
  auto vkey = signer.vkey(store);
  if (!vkey) return vkey.error();
  return SignedHead{std::move(*note), checkpoint->origin, std::move(*vkey), checkpoint->size};
}

StatementProver::StatementProver(const storage::Engine& engine, storage::StoreId store, uint64_t tree_size)
    : engine_(engine),
      store_(store),
      tree_size_(tree_size),
      prover_(remembering_reader(storage::node_reader(engine, store))) {}

Result<ProvenStatement> StatementProver::prove(const storage::StoredStatement& st) {
  auto leaf = storage::read_leaf(engine_, store_, st.seq);
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
