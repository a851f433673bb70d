// The Statements resource (GET/HEAD/PUT/POST /statements) for xAPI 1.0.3 and 2.0.
// Writes are validated and prepared on the calling (IO) thread and handed to the commit
// pipeline; `reply` runs once the batch is durable or rejected. Reads run on the caller;
// attachments=true replies stream their parts (xapi/streamed_body.h).
#pragma once

#include "common/config.h"
#include "common/work_pool.h"
#include "storage/commit_pipeline.h"
#include "storage/statement_reader.h"
#include "xapi/attachments.h"
#include "xapi/http_message.h"
#include "xapi/request_context.h"
#include "xapi/statement_query.h"

namespace scribe::xapi {

class StatementsResource {
 public:
  // `stream_pool` produces streamed bodies (attachments=true); null: the reading thread does.
  StatementsResource(const Config& config, storage::CommitPipeline& pipeline,
                     const storage::StatementReader& reader, WorkPool* stream_pool = nullptr);

  void put(const RequestContext& ctx, const HttpRequest& request, Reply reply);
  void post(const RequestContext& ctx, const HttpRequest& request, Reply reply);
  HttpResponse get(const RequestContext& ctx, const HttpRequest& request);
  // Why statement writes are refused now (the commit pipeline's latched write fault), if they are.
  std::optional<Error> write_fault() const { return pipeline_.write_fault(); }

 private:
  void write(const RequestContext& ctx, std::vector<storage::PreparedStatement> statements,
             const std::vector<AttachmentBytes>& attachments, bool is_put, Reply reply);
  HttpResponse read(const RequestContext& ctx, const HttpRequest& request);
  // Wraps a JSON reply into multipart/mixed with the attachments the statements reference,
  // streamed: each attachment's bytes are read when the transport asks for the next part.
  HttpResponse with_attachments(HttpResponse json_reply, storage::StoreId store,
                                const std::vector<const storage::StoredStatement*>& statements);
  HttpResponse get_one(const RequestContext& ctx, const std::string& id, bool voided,
                       const StatementQueryParams& params, const HttpRequest& request);

  const Config& config_;
  storage::CommitPipeline& pipeline_;
  const storage::StatementReader& reader_;
  WorkPool* const stream_pool_;
  std::string statements_path_;
};

}  // namespace scribe::xapi
