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
// Guarantees: every proof answered verifies against the checkpoint it names or the sizes asked;
// a size past the durable log, or a statement not in the log, is a 4xx naming the parameter.
#pragma once

#include "evidence/log/checkpoint_signer.h"
#include "storage/engine.h"
#include "xapi/http_message.h"
#include "xapi/request_context.h"

namespace scribe::xapi {

class EvidenceResource {
 public:
  EvidenceResource(const storage::Engine& engine, evidence::CheckpointSigner& signer)
      : engine_(engine), signer_(signer) {}
  HttpResponse key(const RequestContext& ctx, const HttpRequest& request);
  HttpResponse checkpoint(const RequestContext& ctx, const HttpRequest& request);
  HttpResponse proof(const RequestContext& ctx, const HttpRequest& request);
  HttpResponse consistency(const RequestContext& ctx, const HttpRequest& request);

 private:
  const storage::Engine& engine_;
  evidence::CheckpointSigner& signer_;
};

}  // namespace scribe::xapi
