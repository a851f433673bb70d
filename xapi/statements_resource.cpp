#include "xapi/statements_resource.h"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <unordered_set>

#include "common/json.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "xapi/attachments.h"
#include "xapi/streamed_body.h"
#include "xapi/formats.h"
#include "xapi/responses.h"
#include "xapi/statement_format.h"
#include "xapi/statement_prepare.h"
#include "xapi/statement_query.h"
#include "xapi/statement_terms.h"
#include "xapi/statement_validator.h"

namespace scribe::xapi {

namespace {

struct IncomingStatements {
  json::Document document;
  std::vector<MultipartPart> parts;
};

Result<IncomingStatements> read_body(const HttpRequest& request, const Config& config) {
  MultipartLimits limits;
  limits.part_bytes_max = config.limits.attachment_bytes_max;
  auto body = read_statement_body(request, limits);
  if (!body) return body.error();
  if (body->json.empty()) return bad_request("", "the request body is empty");
  auto document = json::Document::parse(body->json);
  if (!document) return document.error();
  return IncomingStatements{std::move(*document), std::move(body->attachments)};
}

// "[i]" followed by `rest`: the path of a batch item's property. Built by appends (GCC 12
// warns falsely about the equivalent operator+ chain).
std::string batch_item_path(size_t i, std::string_view rest = "") {
  std::string path = "[";
  path.append(std::to_string(i)).append("]").append(rest);
  return path;
}

// The authority, term key and define permission statements written by `ctx` get.
StatementWriter statement_writer(const RequestContext& ctx, const Config& config) {
  return StatementWriter{ctx.principal.authority, ctx.term_key(), ctx.principal.may_define(),
                         config.limits.statement_terms_max};
}

// For a principal that may read only its own statements (statements/read/mine): the identity
// of its authority; nullopt for one that reads every statement of its store.
std::optional<std::string> own_statements_only(const RequestContext& ctx) {
  if (!auth::reads_only_mine(ctx.principal.scopes)) return std::nullopt;
  return authority_identity(ctx.principal.authority).value_or(std::string(1, '\0'));
}

// Validates and prepares one statement; `index` < 0 for a lone statement.
Result<storage::PreparedStatement> accept_statement(const json::Node& statement,
                                                    const RequestContext& ctx,
                                                    const StatementWriter& writer, int index) {
  std::string prefix = index < 0 ? "" : batch_item_path(size_t(index));
  if (Status s = validate_statement(statement, ctx.version, prefix); !s) return s.error();
  return prepare_statement(statement, ctx.version, writer, prefix.empty() ? prefix : prefix + ".");
}

void add_consistency_headers(HttpResponse& r, storage::Seq consistent, int64_t last_modified) {
  int64_t through = int64_t(consistent);
  r.set_header("X-Experience-API-Consistent-Through", format_timestamp(through));
  r.set_header("Last-Modified", http_date(last_modified ? last_modified : through));
}

}  // namespace

StatementsResource::StatementsResource(const Config& config, storage::CommitPipeline& pipeline,
                                       const storage::StatementReader& reader, WorkPool* stream_pool)
    : config_(config),
      pipeline_(pipeline),
      reader_(reader),
      stream_pool_(stream_pool),
      statements_path_(config.server.base_path + "/statements") {}

void StatementsResource::put(const RequestContext& ctx, const HttpRequest& request, Reply reply) {
  const std::string* id = request.param("statementId");
  if (!id) return reply(error_response(bad_request("statementId", "required for PUT")));
  if (!is_uuid(*id)) return reply(error_response(bad_request("statementId", "not a UUID")));
  for (const auto& [name, value] : request.query)
    if (name != "statementId") return reply(error_response(bad_request(name, "unknown parameter")));
  auto incoming = read_body(request, config_);
  if (!incoming) return reply(error_response(incoming.error()));
  const json::Node body = incoming->document.root();
  if (!body->is_object())
    return reply(error_response(bad_request("", "PUT takes a single statement object")));
  if (Status s = validate_statement(*body, ctx.version); !s) return reply(error_response(s.error()));
  // Signatures are checked against the statement as sent, before it takes the id parameter.
  auto attachments = reconcile_attachments({body}, incoming->parts);
  if (!attachments) return reply(error_response(attachments.error()));
  if (json::Node body_id = body->get("id")) {
    auto a = storage::parse_uuid(*id);
    auto b = body_id->is_string() ? storage::parse_uuid(body_id->as_string()) : std::nullopt;
    if (!b || *a != *b)
      return reply(error_response(bad_request("id", "does not match the statementId parameter")));
  }
  auto prepared = prepare_statement(*body, ctx.version, statement_writer(ctx, config_), "", *id);
  if (!prepared) return reply(error_response(prepared.error()));
  std::vector<storage::PreparedStatement> batch;
  batch.push_back(std::move(*prepared));
  write(ctx, std::move(batch), *attachments, true, std::move(reply));
}

void StatementsResource::post(const RequestContext& ctx, const HttpRequest& request, Reply reply) {
  if (!request.query.empty())
    return reply(error_response(bad_request(request.query[0].first, "unknown parameter")));
  auto incoming = read_body(request, config_);
  if (!incoming) return reply(error_response(incoming.error()));
  const json::Node body = incoming->document.root();
  const StatementWriter writer = statement_writer(ctx, config_);
  std::vector<storage::PreparedStatement> batch;
  std::vector<json::Node> statements;
  if (body->is_object()) {
    auto prepared = accept_statement(*body, ctx, writer, -1);
    if (!prepared) return reply(error_response(prepared.error()));
    batch.push_back(std::move(*prepared));
    statements.push_back(body);
  } else if (body->is_array()) {
    const auto list = body->as_array();
    if (list.size() > config_.limits.statements_per_batch_max)
      return reply(error_response(Error{413, "", "the batch exceeds limits.statements_per_batch_max (" +
                                                     std::to_string(config_.limits.statements_per_batch_max) +
                                                     " statements)"}));
    if (list.empty()) return reply(error_response(bad_request("", "the batch is empty")));
    batch.reserve(list.size());
    std::unordered_set<std::string> seen;
    statements.reserve(list.size());
    size_t i = 0;
    for (json::Node item : list) {
      auto prepared = accept_statement(item, ctx, writer, int(i));
      if (!prepared) return reply(error_response(prepared.error()));
      std::string key(reinterpret_cast<const char*>(prepared->id.data()), 16);
      if (!seen.insert(key).second)
        return reply(error_response(bad_request(batch_item_path(i, ".id"),
                                                "the same id appears twice in the batch")));
      batch.push_back(std::move(*prepared));
      statements.push_back(item);
      i++;
    }
  } else {
    return reply(error_response(bad_request("", "expected a statement object or an array")));
  }
  auto attachments = reconcile_attachments(statements, incoming->parts);
  if (!attachments) return reply(error_response(attachments.error()));
  write(ctx, std::move(batch), *attachments, false, std::move(reply));
}

void StatementsResource::write(const RequestContext& ctx,
                               std::vector<storage::PreparedStatement> statements,
                               const std::vector<AttachmentBytes>& attachments, bool is_put,
                               Reply reply) {
  std::vector<storage::Uuid> ids;
  ids.reserve(statements.size());
  for (const auto& s : statements) ids.push_back(s.id);
  storage::WriteRequest request;
  request.store = ctx.store();
  request.statements = std::move(statements);
  for (const auto& a : attachments) request.attachments.emplace_back(a.sha2, std::string(a.bytes));
  auto shared_reply = std::make_shared<Reply>(std::move(reply));
  request.done = [shared_reply, ids = std::move(ids), is_put](storage::WriteOutcome outcome) {
    if (!outcome.status) return (*shared_reply)(error_response(outcome.status.error()));
    if (is_put) return (*shared_reply)(no_content());
    std::string body = "[";
    for (size_t i = 0; i < ids.size(); i++) {
      if (i) body += ',';
      json::append_quoted(storage::format_uuid(ids[i]), body);
    }
    body += ']';
    (*shared_reply)(json_response(200, std::move(body)));
  };
  if (!pipeline_.submit(std::move(request)))
    (*shared_reply)(error_response(Error{503, "", "the commit queue is full; retry shortly"}));
}

HttpResponse StatementsResource::get(const RequestContext& ctx, const HttpRequest& request) {
  HttpResponse r = read(ctx, request);
  // Clients poll with this header to learn how current a reply is, whatever its status.
  if (r.status != 200) add_consistency_headers(r, pipeline_.consistent_through(), 0);
  return r;
}

HttpResponse StatementsResource::read(const RequestContext& ctx, const HttpRequest& request) {
  Result<StatementQueryParams> params = Error{};
  if (const std::string* more = request.param("more")) {
    if (request.query.size() != 1)
      return error_response(bad_request("more", "cannot be combined with other parameters"));
    params = parse_more(*more, ctx.version);
  } else {
    params = parse_statement_query(request.query, ctx.version);
  }
  if (!params) return error_response(params.error());
  if (params->statement_id) return get_one(ctx, *params->statement_id, false, *params, request);
  if (params->voided_statement_id)
    return get_one(ctx, *params->voided_statement_id, true, *params, request);

  const storage::Seq consistent = pipeline_.consistent_through();
  const storage::Seq acknowledged = pipeline_.committed_seq();
  auto query = to_storage_query(*params, ctx.store(), ctx.term_key(),
                                {config_.limits.query_limit_default, config_.limits.query_limit_max});
  if (auto mine = own_statements_only(ctx)) query.required.push_back(hash_term(ctx.term_key(), authority_term(*mine)));
  query.seq_max = std::min(query.seq_max, consistent);
  // The index is written just behind the commit: a filtered query first lets it reach every
  // write acknowledged before the query began, so it never misses one.
  if (!query.required.empty() &&
      !pipeline_.wait_indexed(acknowledged, std::chrono::milliseconds(config_.limits.query_index_wait_ms))) {
    HttpResponse busy = error_response(Error{503, "", "the index is catching up with recent writes; retry shortly"});
    busy.set_header("Retry-After", "1");
    return busy;
  }
  auto page = reader_.query(query);
  if (!page) return error_response(page.error());

  const std::string* accept_language = request.header("accept-language");
  auto languages = parse_accept_language(accept_language ? *accept_language : "");
  std::string body = "{\"statements\":[";
  int64_t newest = 0;
  for (size_t i = 0; i < page->statements.size(); i++) {
    if (i) body += ',';
    render_statement(page->statements[i], params->format, languages, body);
    newest = std::max<int64_t>(newest, int64_t(page->statements[i].seq));
  }
  body += "],\"more\":";
  json::append_quoted(page->more ? more_url(statements_path_, *params,
                                            page->statements.back().seq)
                                 : "",
                      body);
  body += '}';
  HttpResponse r = json_response(200, std::move(body));
  add_consistency_headers(r, consistent, newest);
  if (!params->attachments) return r;
  std::vector<const storage::StoredStatement*> returned;
  for (const auto& st : page->statements) returned.push_back(&st);
  return with_attachments(std::move(r), ctx.store(), returned);
}

namespace {

// The multipart/mixed body of an attachments=true reply, one part per piece: the JSON first,
// then each attachment read from storage only when the transport asks for it.
class AttachmentParts : public ChunkProducer {
 public:
  struct Part {
    std::string sha2, content_type;
  };
  AttachmentParts(const storage::StatementReader& reader, storage::StoreId store, std::string boundary,
                  std::string json, std::vector<Part> parts)
      : reader_(reader), store_(store), boundary_(std::move(boundary)), json_(std::move(json)), parts_(std::move(parts)) {}

  Result<bool> produce(std::string& out) override {
    if (!started_) {
      started_ = true;
      out = "--" + boundary_ + "\r\nContent-Type: application/json\r\n\r\n";
      out += json_;
      json_.clear();
    }
    while (next_ < parts_.size() && out.size() < kPieceBytes) {
      const Part& part = parts_[next_++];
      auto bytes = reader_.attachment(store_, part.sha2);
      if (!bytes) return bytes.error();
      if (!*bytes) continue;  // fileUrl-only: nothing stored to send
      out += "\r\n--" + boundary_ + "\r\nContent-Type: " + part.content_type +
             "\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " + part.sha2 + "\r\n\r\n";
      out += **bytes;
    }
    if (next_ < parts_.size()) return true;
    out += "\r\n--" + boundary_ + "--\r\n";
    return false;
  }

 private:
  const storage::StatementReader& reader_;
  const storage::StoreId store_;
  const std::string boundary_;
  std::string json_;
  const std::vector<Part> parts_;
  size_t next_ = 0;
  bool started_ = false;
};

}  // namespace

HttpResponse StatementsResource::with_attachments(
    HttpResponse json_reply, storage::StoreId store,
    const std::vector<const storage::StoredStatement*>& statements) {
  // Which attachments to send, each once; their bytes are read while the body streams.
  std::vector<AttachmentParts::Part> parts;
  for (const auto* st : statements) {
    auto parsed = json::parse(st->json);
    const json::Value* list = parsed ? parsed->get("attachments") : nullptr;
    if (!list || !list->is_array()) continue;
    for (const auto& a : list->as_array()) {
      std::string sha2 = text::ascii_lower(a.get_string("sha2"));
      if (sha2.empty() || std::any_of(parts.begin(), parts.end(), [&](const auto& p) { return p.sha2 == sha2; }))
        continue;
      parts.push_back({std::move(sha2), std::string(a.get_string("contentType"))});
    }
  }
  const std::string boundary = "scribe-" + random_uuid();
  json_reply.set_header("Content-Type", "multipart/mixed; boundary=" + boundary);
  json_reply.stream = pooled_stream(
      std::make_unique<AttachmentParts>(reader_, store, boundary, std::move(json_reply.body), std::move(parts)),
      stream_pool_, "GET /statements?attachments=true");
  json_reply.body.clear();
  return json_reply;
}

HttpResponse StatementsResource::get_one(const RequestContext& ctx, const std::string& id,
                                         bool voided, const StatementQueryParams& params,
                                         const HttpRequest& request) {
  auto uuid = storage::parse_uuid(id);
  auto found = reader_.get(ctx.store(), *uuid);
  if (!found) return error_response(found.error());
  auto not_found = Error{404, voided ? "voidedStatementId" : "statementId", "no such statement"};
  // A statement applied but not yet synced is not acknowledged to its writer: not visible.
  if (!*found || (*found)->seq > pipeline_.committed_seq()) return error_response(not_found);
  if (auto mine = own_statements_only(ctx)) {
    // Another authority's statement does not exist for this principal.
    auto stored = json::parse((*found)->json);
    const json::Value* authority = stored ? stored->get("authority") : nullptr;
    if (!authority || authority_identity(*authority) != *mine) return error_response(not_found);
  }
  auto is_voided = reader_.is_voided(ctx.store(), *uuid);
  if (!is_voided) return error_response(is_voided.error());
  if (*is_voided != voided) return error_response(not_found);

  const std::string* accept_language = request.header("accept-language");
  auto languages = parse_accept_language(accept_language ? *accept_language : "");
  std::string body;
  render_statement(**found, params.format, languages, body);
  HttpResponse r = json_response(200, std::move(body));
  add_consistency_headers(r, pipeline_.consistent_through(), int64_t((*found)->seq));
  if (!params.attachments) return r;
  return with_attachments(std::move(r), ctx.store(), {&**found});
}

}  // namespace scribe::xapi
