// The admin API: JSON over HTTP under /admin, for principals with the `admin` scope (the
// router checks it). Routes:
//   POST   /admin/stores                       {"name"}                        → 201 store
//   GET    /admin/stores                                                       → {"stores":[..]}
//   GET    /admin/stores/{name}                                                → store + stats
//   DELETE /admin/stores/{name}?confirm={name}                                 → {"name","deleted"}
//   POST   /admin/credentials  {"store","label","scopes":[..],"authority"?}   → 201, secret once
//   GET    /admin/credentials[?store=]                                         → {"credentials":[..]}
//   DELETE /admin/credentials/{key}                                            → {"key","revoked"}
//   POST   /admin/credentials/{key}/rotate     {"valid_until"?}                → secret once
//   POST   /admin/stores/{name}/erasures[?dry_run=true]  {"agent","reason","record_agent"?}
//          → {"dry_run","audit_index"?,"statements","state_documents","agent_profiles",
//          "agent_entries"}: a learner erased (admin/erasure_service.h), or only counted
//   POST   /admin/stores/{name}/purges[?dry_run=true]  {"stored_before","reason"?}
//          → {"dry_run","audit_index"?,"statements"}: every statement stored before the time
//          erased the same way (at most limits.erasure_statements_max a request)
//   PUT    /admin/stores/{name}/retention  {"retention_days": N | null, "reason"?}
//   GET    /admin/stores/{name}/retention  → {"retention_days","last_run","last_erased",
//          "erased_total","more","last_error"?}: purges by age on a schedule (admin/retention.h)
//   GET    /admin/stores/{name}/audit[?from=&limit=]  → {"origin","key","checkpoint","size",
//          "entries":[{"index","salt","proof":[..],"entry":{..}}],"more"}: the audit trail
//          (admin/audit_trail.h), each entry with its inclusion proof in `checkpoint`.
// Every change takes a "reason" (in the body, or ?reason= on DELETE), at most limits.reason_bytes_max
// bytes, which the audit trail records with the credential that asked.
// Bodies are checked strictly (unknown properties rejected), each error naming its property.
// Every operation runs on one admin worker thread, never on an IO thread: deleting a store
// compacts, which may take long. At most kQueueMax operations wait; past that 503.
#pragma once

#include "admin/admin_service.h"
#include "common/work_pool.h"
#include "xapi/router.h"

namespace scribe::admin {


class AdminRoutes : public xapi::AdminHandler {
 public:
  explicit AdminRoutes(AdminService& service);

  void handle(const auth::Principal& principal, const xapi::HttpRequest& request,
              xapi::Reply reply) override;

  // The response to a request by `by`, computed on the calling thread (tests).
  xapi::HttpResponse respond(const xapi::HttpRequest& request, const AuditActor& by = {});

 private:
  static constexpr size_t kQueueMax = 64;

  AdminService& service_;
  WorkPool worker_;  // last: its destructor finishes the queued operations first
};

}  // namespace scribe::admin
