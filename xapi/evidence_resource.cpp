#include "xapi/evidence_resource.h"

#include <charconv>

#include "common/json_writer.h"
#include "evidence/checkpoint.h"
#include "evidence/export_format.h"
#include "evidence/merkle.h"
#include "evidence/note.h"
#include "storage/evidence_log.h"
#include "storage/keys.h"
#include "xapi/resource_params.h"
#include "xapi/responses.h"
#include "xapi/statement_proofs.h"

namespace scribe::xapi {

namespace {

HttpResponse text_response(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.set_header("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

Result<uint64_t> size_param(const HttpRequest& request, std::string_view name) {
  auto text = required_param(request, name);
  if (!text) return text.error();
  uint64_t v = 0;
  auto r = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || r.ec != std::errc() || r.ptr != text->data() + text->size())
    return bad_request(std::string(name), "must be a tree size (a non-negative integer)");
  return v;
}

// The tree size a signed checkpoint note is of.
Result<uint64_t> checkpoint_size(std::string_view note) {
  auto c = evidence::parse_checkpoint(evidence::note_text(note));
  if (!c) return Error{500, "", "a stored checkpoint does not parse"};
  return c->size;
}

}  // namespace

std::optional<HttpResponse> EvidenceResource::log_off() const {
  if (exports_.log_enabled) return std::nullopt;
  return error_response(Error{409, "", "the evidence log is off (evidence.enabled = false): nothing proves "
                                       "statements; CSV exports and JSON or CSV reports still answer"});
}

HttpResponse EvidenceResource::key(const RequestContext& ctx, const HttpRequest& request) {
  if (Status s = check_known_params(request, {}); !s) return error_response(s.error());
  auto vkey = signer_.vkey(ctx.store());
  if (!vkey) return error_response(vkey.error());
  return text_response(*vkey + "\n");
}

HttpResponse EvidenceResource::checkpoint(const RequestContext& ctx, const HttpRequest& request) {
  if (auto off = log_off()) return std::move(*off);
  if (Status s = check_known_params(request, {}); !s) return error_response(s.error());
  auto note = signer_.latest(ctx.store(), false);
  if (!note) return error_response(note.error());
  return text_response(std::move(*note));
}

HttpResponse EvidenceResource::proof(const RequestContext& ctx, const HttpRequest& request) {
  if (auto off = log_off()) return std::move(*off);
  if (Status s = check_known_params(request, {"statementId", "size"}); !s) return error_response(s.error());
  auto id_text = required_param(request, "statementId");
  if (!id_text) return error_response(id_text.error());
  auto id = storage::parse_uuid(*id_text);
  if (!id) return error_response(bad_request("statementId", "not a UUID"));
  std::string seq_value;
  auto found = engine_.get(storage::Family::StatementIds, storage::statement_id_key(ctx.store(), *id), &seq_value);
  if (!found) return error_response(found.error());
  if (!*found || seq_value.size() != 8) {
    auto erased = storage::erased_leaf_index(engine_, ctx.store(), *id);
    if (!erased) return error_response(erased.error());
    if (*erased) return erased_proof(ctx, *id_text, **erased);
    return error_response(Error{404, "statementId", "no statement " + *id_text + " in this store"});
  }
  const storage::Seq seq = storage::get_u64(seq_value);
  if (exports_.pipeline)
    if (Status s = wait_logged(*exports_.pipeline, seq, exports_.index_wait_ms); !s) return error_response(s.error());
  auto leaf = storage::read_leaf(engine_, ctx.store(), seq);
  if (!leaf) return error_response(leaf.error());
  if (!*leaf) return error_response(Error{404, "statementId", "statement " + *id_text + " is not in the evidence log"});
  const uint64_t index = (*leaf)->index;

  std::string note;
  if (request.param("size")) {
    auto size = size_param(request, "size");
    if (!size) return error_response(size.error());
    if (index >= *size)
      return error_response(bad_request("size", "the statement is leaf " + std::to_string(index) +
                                                     ", past a tree of " + std::to_string(*size)));
    auto at = signer_.at_size(ctx.store(), *size);
    if (!at) return error_response(at.error());
    if (!*at) return error_response(Error{404, "size", "no checkpoint of size " + std::to_string(*size) + " was signed"});
    note = std::move(**at);
  } else {
    auto latest = checkpoint_covering(ctx.store(), index);
    if (!latest) return error_response(latest.error());
    note = std::move(*latest);
  }
  auto size = checkpoint_size(note);
  if (!size) return error_response(size.error());
  if (index >= *size)
    return error_response(Error{503, "statementId", "the statement is not durable yet; retry shortly"});
  evidence::Prover prover(storage::node_reader(engine_, ctx.store()));
  auto path = prover.inclusion(index, *size);
  if (!path) return error_response(path.error());
  return text_response(evidence::format_tlog_proof(evidence::TlogProof{(*leaf)->salt, index, std::move(*path), note}));
}

Result<std::string> EvidenceResource::checkpoint_covering(storage::StoreId store, uint64_t index) {
  auto latest = signer_.latest(store, false);
  if (!latest) return latest.error();
  auto size = checkpoint_size(*latest);
  if (!size) return size.error();
  if (index < *size) return latest;
  return signer_.latest(store, true);  // sign one that covers it
}

HttpResponse EvidenceResource::erased_proof(const RequestContext& ctx, const std::string& id, uint64_t index) {
  auto erasure = storage::read_erasure(engine_, ctx.store(), index);
  if (!erasure) return error_response(erasure.error());
  if (!*erasure) return error_response(Error{500, "", "erased statement " + id + " has no erasure record"});
  auto note = checkpoint_covering(ctx.store(), index);
  if (!note) return error_response(note.error());
  auto size = checkpoint_size(*note);
  if (!size) return error_response(size.error());
  if (index >= *size) return error_response(Error{500, "", "erased leaf " + std::to_string(index) + " is past the log"});
  auto nodes = storage::node_reader(engine_, ctx.store());
  auto leaf = nodes(evidence::NodeId{0, index});
  if (!leaf) return error_response(leaf.error());
  evidence::Prover prover(nodes);
  auto path = prover.inclusion(index, *size);
  if (!path) return error_response(path.error());
  // 410 Gone: the statement was erased; what proves its place in the log is kept.
  std::string body;
  {
  json::Writer w(body);
  w.put(R"({"erased":true,"statementId":)");
  w.quoted(id);
  w.put(R"(,"index":)");
  w.put(std::to_string(index));
  w.put(R"(,"leaf_hash":")");
  w.put(evidence::hash_base64(*leaf));
  w.put(R"(","proof":)");
  evidence::append_hash_array(*path, w);
  w.put(R"(,"checkpoint":)");
  w.quoted(*note);
  w.put(R"(,"erasure":)");
  w.put((*erasure)->record_json);
  w.put('}');
  }
  return json_response(410, std::move(body));
}

HttpResponse EvidenceResource::consistency(const RequestContext& ctx, const HttpRequest& request) {
  if (auto off = log_off()) return std::move(*off);
  if (Status s = check_known_params(request, {"from", "to"}); !s) return error_response(s.error());
  auto from = size_param(request, "from");
  if (!from) return error_response(from.error());
  auto to = size_param(request, "to");
  if (!to) return error_response(to.error());
  if (*from == 0) return error_response(bad_request("from", "must be at least 1 (every tree extends the empty one)"));
  if (*from > *to) return error_response(bad_request("from", "must not be past to"));
  auto durable = signer_.durable_size(ctx.store());
  if (!durable) return error_response(durable.error());
  if (*to > *durable)
    return error_response(bad_request("to", "past the log's " + std::to_string(*durable) + " durable leaves"));
  evidence::Prover prover(storage::node_reader(engine_, ctx.store()));
  auto proof = prover.consistency(*from, *to);
  if (!proof) return error_response(proof.error());
  std::string body;
  for (const evidence::Hash& h : *proof) body += evidence::hash_base64(h) + "\n";
  return text_response(std::move(body));
}

}  // namespace scribe::xapi
