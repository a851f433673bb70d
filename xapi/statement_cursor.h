// Walking every statement a storage query matches, in stored order, a page at a time: for
// exports and reports, which read far more than one GET page and must stay flat in memory.
// Guarantees: each statement once, ascending seq, at most one page (kCursorPage) in memory;
// a storage error ends the walk as an Error, never as an early "no more".
#pragma once

#include <utility>
#include <vector>

#include <algorithm>
#include <chrono>

#include "common/result.h"
#include "storage/commit_pipeline.h"
#include "storage/statement_reader.h"

namespace scribe::xapi {

// Statements read per page: enough to amortise the query, little memory.
inline constexpr uint32_t kCursorPage = 512;

// Bounds `query` to the statements acknowledged now and, for a filtered one, waits (at most
// `index_wait_ms`) for the index to reach them, so a walk never misses an acknowledged write;
// a 503 (Retry-After) when the index does not catch up in time.
inline Status bound_to_acknowledged(storage::StatementQuery& query, const storage::CommitPipeline& pipeline,
                                    uint32_t index_wait_ms) {
  const storage::Seq acknowledged = pipeline.committed_seq();
  query.seq_max = std::min({query.seq_max, acknowledged, pipeline.consistent_through()});
  if (!query.required.empty() && !pipeline.wait_indexed(acknowledged, std::chrono::milliseconds(index_wait_ms)))
    return Error{503, "", "the index is catching up with recent writes; retry shortly"};
  return Status::success();
}

class StatementCursor {
 public:
  // `query.ascending` and `limit` are set here; include_voided is the caller's.
  StatementCursor(const storage::StatementReader& reader, storage::StatementQuery query)
      : reader_(reader), query_(std::move(query)) {
    query_.ascending = true;
    query_.limit = kCursorPage;
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

}  // namespace scribe::xapi
