// The evidence API (under the xAPI base path; scope statements/read or all/read, never
// statements/read/mine; no X-Experience-API-Version needed, these are not xAPI resources):
//   GET /evidence/key          the store's verifier key, C2SP vkey form
//   GET /evidence/checkpoint   the store's newest signed checkpoint (text/plain)
//   GET /evidence/proof?statementId=…[&size=N]
//                              a C2SP tlog-proof of the statement's leaf against the newest
//                              checkpoint (signed now if it does not cover the statement yet)
//                              or the one of size N, with the leaf's salt as its extra data
//   GET /evidence/consistency?from=N&to=M
//                              the RFC 9162 §2.1.4 consistency proof, one base64 hash a line
//   GET /evidence/export?<statement filters>[&format=ndjson|csv][&columns=…]
//                              streamed (xapi/streamed_body.h): every matching statement in
//                              stored order, voided ones included (the log holds them). NDJSON
//                              (evidence/export_format.h): a header with a checkpoint covering
//                              every statement durable when the export began (signed then when
//                              the newest is older), each statement with its salt and inclusion
//                              proof, an end line with the count. CSV: one row per statement
//                              for people, without proofs (xapi/export_csv.h)
//   POST /reports/completion   who has done, attempted or not started an activity, for a
//                              roster of learners (xapi/completion_report.cpp): JSON, CSV, or
//                              NDJSON with the statements' inclusion proofs
// With evidence.enabled = false, whatever needs the log (checkpoint, proof, consistency, NDJSON
// exports and reports) answers 409 naming the setting; the key, CSV and JSON still answer.
// Guarantees: every proof answered verifies against the checkpoint it names or the sizes asked;
// a size past the durable log, or a statement not in the log, is a 4xx naming the parameter.
#pragma once

#include <optional>

#include "common/work_pool.h"
#include "evidence/log/checkpoint_signer.h"
#include "storage/commit_pipeline.h"
#include "storage/engine.h"
#include "storage/statement_reader.h"
#include "xapi/http_message.h"
#include "xapi/request_context.h"

namespace scribe::xapi {

// What exports read: the statements, how far they are durable and indexed, and the pool that
// produces streamed bodies (null: on the thread that reads the body).
struct ExportSources {
  const storage::StatementReader* reader = nullptr;
  const storage::CommitPipeline* pipeline = nullptr;
  WorkPool* pool = nullptr;
  uint32_t index_wait_ms = 0;  // limits.query_index_wait_ms
  size_t roster_agents_max = 100000;  // limits.roster_agents_max
  bool log_enabled = true;            // evidence.enabled: off, nothing proves statements
};

class EvidenceResource {
 public:
  EvidenceResource(const storage::Engine& engine, evidence::CheckpointSigner& signer, ExportSources exports = {})
      : engine_(engine), signer_(signer), exports_(exports) {}
  HttpResponse key(const RequestContext& ctx, const HttpRequest& request);
  HttpResponse checkpoint(const RequestContext& ctx, const HttpRequest& request);
  HttpResponse proof(const RequestContext& ctx, const HttpRequest& request);
  HttpResponse consistency(const RequestContext& ctx, const HttpRequest& request);
  HttpResponse export_statements(const RequestContext& ctx, const HttpRequest& request);  // evidence_export.cpp
  HttpResponse completion_report(const RequestContext& ctx, const HttpRequest& request);  // completion_report.cpp

 private:
  // The newest checkpoint when it covers leaf `index`, else one signed now (which covers it when
  // the leaf is durable).
  Result<std::string> checkpoint_covering(storage::StoreId store, uint64_t index);
  // GET /evidence/proof of an erased statement: its kept leaf hash, proof and erasure record.
  HttpResponse erased_proof(const RequestContext& ctx, const std::string& id, uint64_t index);
  const storage::Engine& engine_;
  evidence::CheckpointSigner& signer_;
  const ExportSources exports_;
  // 409 when the log is off (see above); nullopt otherwise.
  std::optional<HttpResponse> log_off() const;
};

}  // namespace scribe::xapi
