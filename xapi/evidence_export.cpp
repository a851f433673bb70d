// GET /evidence/export (xapi/evidence_resource.h): the statements a query matches, streamed in
// stored order as NDJSON with inclusion proofs (evidence/export_format.h) or as CSV
// (xapi/export_csv.h).
#include <array>
#include <memory>

#include "common/json_dom.h"
#include "evidence/checkpoint.h"
#include "evidence/export_format.h"
#include "evidence/merkle.h"
#include "evidence/note.h"
#include "storage/evidence_log.h"
#include "xapi/evidence_resource.h"
#include "xapi/export_csv.h"
#include "xapi/responses.h"
#include "xapi/statement_format.h"
#include "xapi/statement_query.h"
#include "xapi/streamed_body.h"

namespace scribe::xapi {

namespace {

// Statements read per page while exporting: enough to amortise the query, little memory.
constexpr uint32_t kExportPage = 512;

// The statements an export covers, in stored order, a page at a time.
class ExportCursor {
 public:
  ExportCursor(const storage::StatementReader& reader, storage::StatementQuery query)
      : reader_(reader), query_(std::move(query)) {
    query_.ascending = true;
    query_.include_voided = true;
    query_.limit = kExportPage;
  }
  // The next statement, or nullptr after the last.
  Result<const storage::StoredStatement*> next() {
    if (at_ == page_.size()) {
      if (exhausted_) return nullptr;
      auto page = reader_.query(query_);
      if (!page) return page.error();
      page_ = std::move(page->statements);
      at_ = 0;
      exhausted_ = !page->more || page_.empty();
      if (!page_.empty()) query_.seq_min = page_.back().seq + 1;
      if (page_.empty()) return nullptr;
    }
    return &page_[at_++];
  }

 private:
  const storage::StatementReader& reader_;
  storage::StatementQuery query_;
  std::vector<storage::StoredStatement> page_;
  size_t at_ = 0;
  bool exhausted_ = false;
};

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

class NdjsonExport : public ChunkProducer {
 public:
  NdjsonExport(const storage::Engine& engine, const storage::StatementReader& reader, storage::StatementQuery query,
               std::string header, uint64_t tree_size)
      : engine_(engine),
        store_(query.store),
        cursor_(reader, std::move(query)),
        header_(std::move(header)),
        tree_size_(tree_size),
        prover_(remembering_reader(storage::node_reader(engine, store_))) {}

  Result<bool> produce(std::string& out) override {
    if (!header_.empty()) {
      out = std::move(header_);
      header_.clear();
    }
    while (out.size() < kPieceBytes) {
      auto next = cursor_.next();
      if (!next) return next.error();
      const storage::StoredStatement* st = *next;
      if (!st) {
        evidence::append_export_end(count_, out);
        return false;
      }
      auto leaf = storage::read_leaf(engine_, store_, st->seq);
      if (!leaf) return leaf.error();
      if (!*leaf || (*leaf)->index >= tree_size_)
        return Error{500, "", "statement seq " + std::to_string(st->seq) + " has no leaf in the checkpoint's tree"};
      auto path = prover_.inclusion((*leaf)->index, tree_size_);
      if (!path) return path.error();
      statement_.clear();
      render_statement(*st, StatementFormat::Exact, {}, statement_);
      evidence::append_export_statement((*leaf)->index, (*leaf)->salt, *path, statement_, out);
      count_++;
    }
    return true;
  }

 private:
  const storage::Engine& engine_;
  const storage::StoreId store_;
  ExportCursor cursor_;
  std::string header_;
  const uint64_t tree_size_;
  evidence::Prover prover_;
  std::string statement_;
  uint64_t count_ = 0;
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
  ExportCursor cursor_;
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
  const storage::CommitPipeline& pipeline = *exports_.pipeline;
  const storage::Seq acknowledged = pipeline.committed_seq();
  auto query = to_storage_query(*params, ctx.store(), ctx.term_key(), {kExportPage, kExportPage});
  query.seq_max = std::min({query.seq_max, acknowledged, pipeline.consistent_through()});
  if (!query.required.empty() && !pipeline.wait_indexed(acknowledged, std::chrono::milliseconds(exports_.index_wait_ms))) {
    HttpResponse busy = error_response(Error{503, "", "the index is catching up with recent writes; retry shortly"});
    busy.set_header("Retry-After", "1");
    return busy;
  }

  HttpResponse r;
  r.status = 200;
  std::unique_ptr<ChunkProducer> producer;
  if (format == "csv") {
    r.set_header("Content-Type", "text/csv; charset=utf-8; header=present");
    r.set_header("Content-Disposition", "attachment; filename=\"statements.csv\"");
    producer = std::make_unique<CsvExport>(*exports_.reader, std::move(query), std::move(columns));
  } else {
    auto note = signer_.latest(ctx.store(), true);
    if (!note) return error_response(note.error());
    auto checkpoint = evidence::parse_checkpoint(evidence::note_text(*note));
    if (!checkpoint) return error_response(Error{500, "", "a stored checkpoint does not parse"});
    auto vkey = signer_.vkey(ctx.store());
    if (!vkey) return error_response(vkey.error());
    std::string header;
    evidence::append_export_header(checkpoint->origin, *note, *vkey, filters, header);
    r.set_header("Content-Type", "application/x-ndjson");
    producer = std::make_unique<NdjsonExport>(engine_, *exports_.reader, std::move(query), std::move(header),
                                              checkpoint->size);
  }
  r.stream = pooled_stream(std::move(producer), exports_.pool, "GET /evidence/export");
  return r;
}

}  // namespace scribe::xapi
