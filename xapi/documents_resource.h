// The document resources of xAPI 1.0.3 and 2.0: State (/activities/state), Activity Profile
// (/activities/profile) and Agent Profile (/agents/profile). Single-document PUT/POST/GET/
// DELETE, multiple-document GET (ids, `since`) and, for State, multiple DELETE.
// Guarantees: every stored document comes back byte-exact with its Content-Type; GET carries
// ETag (quoted SHA-1 hex of the content) and Last-Modified; If-Match/If-None-Match are honoured
// on PUT, POST and DELETE (412); a PUT without either header onto an existing document is a
// 409 for the profiles and, in 2.0, for State; in 1.0.3 such a PUT to a new profile document is
// a 400 (as the 1.0.3 conformance suite expects). A refused request changes nothing.
// Writes run on the calling thread (see storage/document_store.h).
#pragma once

#include "common/config.h"
#include "storage/document_store.h"
#include "xapi/http_message.h"
#include "xapi/request_context.h"

namespace scribe::xapi {

class DocumentsResource {
 public:
  DocumentsResource(const Config& config, storage::DocumentStore& store)
      : config_(config), store_(store) {}

  // Any method; GET and HEAD answer alike (the router marks HEAD replies head_only).
  HttpResponse handle(storage::DocumentKind kind, const RequestContext& ctx,
                      const HttpRequest& request);

 private:
  struct Target;
  HttpResponse get(const RequestContext& ctx, const Target& target);
  HttpResponse put(const RequestContext& ctx, const Target& target, const HttpRequest& request);
  HttpResponse post(const RequestContext& ctx, const Target& target, const HttpRequest& request);
  HttpResponse remove(const RequestContext& ctx, const Target& target, const HttpRequest& request);

  const Config& config_;
  storage::DocumentStore& store_;
};

}  // namespace scribe::xapi
