#include "xapi/streamed_body.h"

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <optional>
#include <utility>

namespace scribe::xapi {
namespace {

class PooledStream : public BodyStream, public std::enable_shared_from_this<PooledStream> {
 public:
  PooledStream(std::unique_ptr<ChunkProducer> producer, WorkPool* pool, std::string what)
      : producer_(std::move(producer)), pool_(pool), what_(std::move(what)) {}

  void next(Deliver deliver) override {
    if (!pool_) return step(deliver);
    auto self = shared_from_this();
    if (!pool_->submit_continuation([self, deliver] { self->step(deliver); }))
      deliver({}, Step::failed);  // the server is stopping
  }

 private:
  void step(const Deliver& deliver) {
    std::string piece;
    piece.reserve(ChunkProducer::kPieceBytes + ChunkProducer::kPieceBytes / 4);
    Result<bool> more = producer_->produce(piece);
    if (!more) {
      std::cerr << "scribe: " << what_ << " failed mid-stream: " << more.error().message << "\n"
                << std::flush;
      return deliver({}, Step::failed);
    }
    deliver(std::move(piece), *more ? Step::more : Step::last);
  }

  std::unique_ptr<ChunkProducer> producer_;
  WorkPool* const pool_;
  const std::string what_;
};

}  // namespace

std::shared_ptr<BodyStream> pooled_stream(std::unique_ptr<ChunkProducer> producer, WorkPool* pool,
                                          std::string what) {
  return std::make_shared<PooledStream>(std::move(producer), pool, std::move(what));
}

Result<std::string> drain_stream(BodyStream& stream, size_t max_bytes) {
  std::string body;
  for (;;) {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<std::pair<std::string, BodyStream::Step>> got;
    stream.next([&](std::string chunk, BodyStream::Step step) {
      std::lock_guard lock(mutex);
      got.emplace(std::move(chunk), step);
      done.notify_one();
    });
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return got.has_value(); });
    if (got->second == BodyStream::Step::failed) return Error{500, "", "the streamed body failed"};
    if (body.size() + got->first.size() > max_bytes)
      return Error{500, "", "the streamed body exceeds " + std::to_string(max_bytes) + " bytes"};
    body += got->first;
    if (got->second == BodyStream::Step::last) return body;
  }
}

}  // namespace scribe::xapi
