#include "admin/retention.h"

#include <iostream>

#include "common/timestamp.h"
#include "storage/keys.h"

namespace scribe::admin {

namespace {

const std::string kRetentionPrefix = "retention/";

std::string retention_key(storage::StoreId store) {
  std::string k = kRetentionPrefix;
  storage::put_u32(k, store);
  return k;
}

json::Value days_json(std::optional<uint32_t> days) { return days ? json::Value(int64_t(*days)) : json::Value(nullptr); }

}  // namespace

Result<std::optional<uint32_t>> Retention::read_days(storage::StoreId store) const {
  std::string value;
  auto found = engine_.get(storage::Family::Meta, retention_key(store), &value);
  if (!found) return found.error();
  if (!*found) return std::optional<uint32_t>();
  if (value.size() != 4) return Error{500, "", "a retention setting is malformed"};
  return std::optional<uint32_t>(storage::get_u32(value));
}

Status Retention::set(const auth::StoreInfo& store, std::optional<uint32_t> days, const AuditActor& by,
                      const std::string& reason) {
  if (days && (*days == 0 || *days > days_max_))
    return bad_request("retention_days", "must be 1 to " + std::to_string(days_max_) + ", or null to keep everything");
  auto previous = read_days(store.id);
  if (!previous) return previous.error();
  rocksdb::WriteBatch batch;
  if (days) {
    std::string value;
    storage::put_u32(value, *days);
    batch.Put(engine_.family(storage::Family::Meta), retention_key(store.id), value);
  } else {
    batch.Delete(engine_.family(storage::Family::Meta), retention_key(store.id));
  }
  AuditAction what{"retention.changed", reason, {}, {}};
  what.subject.append("retention_days", days_json(days));
  what.subject.append("previous_retention_days", days_json(*previous));
  auto appended = audit_.append(store.id, by, what, std::move(batch));
  if (!appended) return appended.error();
  wake_.notify_one();  // a new setting is applied soon, not an interval later
  return Status::success();
}

Result<RetentionState> Retention::state(const auth::StoreInfo& store) {
  auto days = read_days(store.id);
  if (!days) return days.error();
  std::lock_guard lock(mutex_);
  RetentionState s = progress_[store.id];
  s.days = *days;
  return s;
}

void Retention::run_once() {
  std::lock_guard run(run_mutex_);
  for (const auth::StoreInfo& store : stores_.list()) {
    auto days = read_days(store.id);
    if (!days || !*days) continue;
    PurgeRequest request;
    request.stored_before_us = now_() - int64_t(**days) * 86400 * 1000000;
    request.reason = "retention_days = " + std::to_string(**days);
    request.statements_max = per_run_;
    request.record_if_none = false;
    auto done = erasures_.purge(store, request, AuditActor{"", "retention"});
    std::lock_guard lock(mutex_);
    RetentionState& p = progress_[store.id];
    p.last_run_us = now_micros();
    if (!done) {
      p.last_error = done.error().describe();
      std::cerr << "scribe: retention of store " << store.name << " failed: " << p.last_error << "\n" << std::flush;
      continue;
    }
    p.last_error.clear();
    p.last_erased = done->counts.statements;
    p.erased_total += done->counts.statements;
    p.more = done->counts.statements >= per_run_;
  }
}

void Retention::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void Retention::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Retention::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_) return;
      // Straight on while a store has more to purge, else an interval (or a new setting) later.
      bool more = false;
      for (const auto& [id, p] : progress_) more |= p.more && p.last_error.empty();
      if (!more) wake_.wait_for(lock, interval_);
      if (stopping_) return;
    }
    run_once();
  }
}

}  // namespace scribe::admin
