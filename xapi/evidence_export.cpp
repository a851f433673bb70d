// GET /evidence/export (xapi/evidence_resource.h): the statements a query matches, streamed in
// stored order as NDJSON with inclusion proofs (evidence/export_format.h) or as CSV
// (xapi/export_csv.h).
#include <memory>
#include <optional>

#include "storage/evidence_log.h"

#include "common/json_dom.h"
#include "evidence/checkpoint.h"
#include "evidence/export_format.h"
#include "evidence/note.h"
#include "xapi/evidence_resource.h"
#include "xapi/export_csv.h"
#include "xapi/responses.h"
#include "xapi/statement_format.h"
#include "xapi/statement_cursor.h"
#include "xapi/statement_proofs.h"
#include "xapi/statement_query.h"
#include "xapi/streamed_body.h"

namespace scribe::xapi {

namespace {

// Statements in stored order with their proofs; in an unfiltered export (every leaf of a seq
// range), the erased statements of that range in their places, as their kept leaf hashes.
class NdjsonExport : public ChunkProducer {
 public:
  NdjsonExport(const storage::Engine& engine, evidence::CheckpointSigner& signer, const storage::StatementReader& reader,
               storage::StatementQuery query, std::string header, uint64_t tree_size)
      : engine_(engine), signer_(signer), store_(query.store), prover_(engine, query.store, tree_size),
        tree_size_(tree_size), seq_min_(query.seq_min), seq_max_(query.seq_max), cursor_(reader, query),
        header_(std::move(header)) {
    if (query.required.empty()) erasures_.emplace(engine, query.store, 0);
  }

  Result<bool> produce(std::string& out) override {
    if (!header_.empty()) {
      out = std::move(header_);
      header_.clear();
    }
    while (out.size() < kPieceBytes) {
      if (audit_) {
        if (Status s = audit_entries(out); !s) return s.error();
        if (audit_->next < audit_->size) continue;
        evidence::append_export_end(count_, out);
        return false;
      }
      auto next = cursor_.next();
      if (!next) return next.error();
      // The erasures before this statement (or, at the end, before the range's end).
      if (Status s = erasures_before(*next ? (**next).seq : seq_max_ + (seq_max_ < UINT64_MAX), out); !s)
        return s.error();
      if (!*next) {  // then the store's audit trail, with its own checkpoint
        if (Status s = audit_header(out); !s) return s.error();
        continue;
      }
      auto proven = prover_.prove(**next);
      if (!proven) return proven.error();
      evidence::append_export_statement(proven->index, proven->salt, proven->proof, proven->statement_json, out);
      count_++;
    }
    return true;
  }

 private:
  // Writes the erasures with a seq in [seq_min_, until) and a leaf in the tree.
  Status erasures_before(storage::Seq until, std::string& out) {
    if (!erasures_) return Status::success();
    for (;;) {
      if (!pending_) {
        auto e = erasures_->next();
        if (!e) return e.error();
        if (!*e) {
          erasures_.reset();
          return Status::success();
        }
        pending_ = std::move(**e);
      }
      if (pending_->seq >= until) return Status::success();
      if (pending_->seq >= seq_min_ && pending_->index < tree_size_) {
        auto proven = prover_.prove_erased(pending_->index);
        if (!proven) return proven.error();
        evidence::append_export_erased(pending_->index, proven->leaf_hash, proven->proof, pending_->record_json, out);
      }
      pending_.reset();
    }
  }

  Status audit_header(std::string& out) {
    constexpr auto kAudit = storage::LogKind::Audit;
    auto note = signer_.latest(store_, true, kAudit);
    if (!note) return note.error();
    auto checkpoint = evidence::parse_checkpoint(evidence::note_text(*note));
    if (!checkpoint) return Error{500, "", "a stored checkpoint does not parse"};
    auto vkey = signer_.vkey(store_, kAudit);
    if (!vkey) return vkey.error();
    evidence::append_export_audit_header(checkpoint->origin, *note, *vkey, out);
    audit_.emplace(Audit{evidence::Prover(storage::node_reader(engine_, store_, kAudit)), 0, checkpoint->size});
    return Status::success();
  }
  // The next audit entries, a bounded batch of them.
  Status audit_entries(std::string& out) {
    const uint64_t end = std::min(audit_->size, audit_->next + 256);
    Status read = storage::for_each_audit_entry(
        engine_, store_, audit_->next, end, [&](uint64_t index, std::string_view salt, std::string_view entry) -> Status {
          if (index != audit_->next) return Error{500, "", "the audit trail skips entry " + std::to_string(audit_->next)};
          auto proof = audit_->prover.inclusion(index, audit_->size);
          if (!proof) return proof.error();
          evidence::append_export_audit_entry(index, salt, *proof, entry, out);
          audit_->next++;
          return Status::success();
        });
    if (read && audit_->next < end)  // never loop on a trail shorter than its checkpoint
      return Error{500, "", "the audit trail has no entry " + std::to_string(audit_->next)};
    return read;
  }

  const storage::Engine& engine_;
  evidence::CheckpointSigner& signer_;
  const storage::StoreId store_;
  struct Audit {
    evidence::Prover prover;
    uint64_t next = 0, size = 0;
  };
  std::optional<Audit> audit_;  // once the statements are done
  StatementProver prover_;
  const uint64_t tree_size_;
  const storage::Seq seq_min_, seq_max_;
  StatementCursor cursor_;
  std::string header_;
  uint64_t count_ = 0;
  std::optional<storage::ErasureWalker> erasures_;  // unfiltered exports only
  std::optional<storage::Erasure> pending_;
};

class CsvExport : public ChunkProducer {
 public:
  CsvExport(const storage::StatementReader& reader, storage::StatementQuery query, std::vector<CsvColumn> columns)
      : cursor_(reader, std::move(query)), columns_(std::move(columns)) {}

  Result<bool> produce(std::string& out) override {
    if (!header_done_) {
      append_csv_header(columns_, out);
      header_done_ = true;
    }
    while (out.size() < kPieceBytes) {
      auto next = cursor_.next();
      if (!next) return next.error();
      if (!*next) return false;
      statement_.clear();
      render_statement(**next, StatementFormat::Exact, {}, statement_);
      auto doc = json::Document::parse(statement_);
      if (!doc) return Error{500, "", "a stored statement does not parse"};
      append_csv_row(columns_, doc->root(), out);
    }
    return true;
  }

 private:
  StatementCursor cursor_;
  const std::vector<CsvColumn> columns_;
  bool header_done_ = false;
  std::string statement_;
};

}  // namespace

HttpResponse EvidenceResource::export_statements(const RequestContext& ctx, const HttpRequest& request) {
  if (!exports_.reader || !exports_.pipeline) return error_response(Error{501, "", "exports are not enabled"});
  std::string format = "ndjson";
  Params filters;
  for (const auto& [name, value] : request.query) {
    if (name == "format") {
      format = value;
    } else if (name == "columns") {
      continue;
    } else if (name == "statementId" || name == "voidedStatementId" || name == "limit" || name == "ascending" ||
               name == "attachments" || name == "more") {
      return error_response(bad_request(name, "not an export parameter (an export holds every matching statement, in stored order)"));
    } else {
      filters.emplace_back(name, value);
    }
  }
  if (format != "ndjson" && format != "csv") return error_response(bad_request("format", "must be ndjson or csv"));
  if (format == "ndjson")
    if (auto off = log_off()) return std::move(*off);
  if (request.param("columns") && format != "csv") return error_response(bad_request("columns", "only for format=csv"));
  auto params = parse_statement_query(filters, ctx.version);
  if (!params) return error_response(params.error());
  std::vector<CsvColumn> columns;
  if (format == "csv") {
    auto parsed = parse_csv_columns(request.param("columns"));
    if (!parsed) return error_response(parsed.error());
    columns = std::move(*parsed);
  }

  // Every statement durable when the export begins, and no other: the checkpoint is then
  // signed (or was) over at least these.
  auto query = to_storage_query(*params, ctx.store(), ctx.term_key(), {kCursorPage, kCursorPage});
  query.include_voided = true;  // the log holds them: an export is the log's content
  if (Status s = bound_to_acknowledged(query, *exports_.pipeline, exports_.index_wait_ms); !s)
    return error_response(s.error());

  HttpResponse r;
  r.status = 200;
  std::unique_ptr<ChunkProducer> producer;
  if (format == "csv") {
    r.set_header("Content-Type", "text/csv; charset=utf-8; header=present");
    r.set_header("Content-Disposition", "attachment; filename=\"statements.csv\"");
    producer = std::make_unique<CsvExport>(*exports_.reader, std::move(query), std::move(columns));
  } else {
    auto head = fresh_signed_head(signer_, *exports_.pipeline, ctx.store(), exports_.index_wait_ms);
    if (!head) return error_response(head.error());
    std::string header;
    evidence::append_export_header(head->origin, head->note, head->vkey, filters, header);
    r.set_header("Content-Type", "application/x-ndjson");
    producer = std::make_unique<NdjsonExport>(engine_, signer_, *exports_.reader, std::move(query), std::move(header),
                                              head->size);
  }
  r.stream = pooled_stream(std::move(producer), exports_.pool, "GET /evidence/export");
  return r;
}

}  // namespace scribe::xapi
