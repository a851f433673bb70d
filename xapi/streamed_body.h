// Streamed response bodies from synchronous producers: a ChunkProducer writes the body piece by
// piece (reading storage as it goes), and pooled_stream() runs it as a BodyStream
// (xapi/http_message.h), each piece on a worker of the blocking pool, never on an IO thread.
// Guarantees: one piece at a time per response, produced only when the transport asks for it,
// so memory per response is bounded by the producer's piece size; a producer's Error ends the
// stream as failed (and is logged with the route), never as a complete-looking body.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "common/work_pool.h"
#include "xapi/http_message.h"

namespace scribe::xapi {

class ChunkProducer {
 public:
  // About this many bytes per piece: big enough for few writes, small enough to stay flat.
  static constexpr size_t kPieceBytes = 64 * 1024;
  virtual ~ChunkProducer() = default;
  // Appends the next piece of the body to `out` (empty on entry); returns whether more follows.
  virtual Result<bool> produce(std::string& out) = 0;
};

// `pool` null: each piece is produced on the thread that asks for it (tests, CLI).
// `what` names the response in the log when the producer fails ("GET /evidence/export").
std::shared_ptr<BodyStream> pooled_stream(std::unique_ptr<ChunkProducer> producer, WorkPool* pool,
                                          std::string what);

// Runs a stream to its end on this thread and returns the whole body; an Error when it failed.
// For tests and for callers that need the bytes (bounded by `max_bytes`).
Result<std::string> drain_stream(BodyStream& stream, size_t max_bytes);

}  // namespace scribe::xapi
