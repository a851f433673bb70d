#include "storage/evidence_log.h"

#include <rocksdb/iterator.h>

#include <algorithm>
#include <map>
#include <memory>

#include "evidence/leaf.h"

namespace scribe::storage {

namespace {

constexpr size_t kLeafHead = 8 + evidence::kSaltBytes;     // first index ‖ salt of the first leaf
constexpr size_t kLeafEntry = 8 + evidence::kSaltBytes;    // seq ‖ salt of each further leaf
constexpr size_t kHashBytes = 32;

Error damaged(const std::string& what) { return fault(Code::corruption, "the evidence log is damaged: " + what); }

using Entry = std::optional<std::pair<std::string, std::string>>;

// The last key under `prefix` that is at most `key`, with its value.
Result<Entry> at_or_before(const Engine& engine, const std::string& prefix, const std::string& key) {
  rocksdb::Slice lower(prefix);
  rocksdb::ReadOptions o;
  o.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(o, engine.family(Family::Evidence)));
  it->SeekForPrev(key);
  if (!it->status().ok()) return storage_error(it->status(), "evidence log read failed");
  if (!it->Valid() || !it->key().starts_with(prefix)) return Entry();
  return Entry(std::pair{it->key().ToString(), it->value().ToString()});
}

// The entries of a leaf run, or of a node run; 0 when the value is not one.
size_t leaf_run_count(std::string_view value) {
  if (value.size() < kLeafHead || (value.size() - kLeafHead) % kLeafEntry != 0) return 0;
  return 1 + (value.size() - kLeafHead) / kLeafEntry;
}
size_t node_run_count(std::string_view value) { return value.size() % kHashBytes == 0 ? value.size() / kHashBytes : 0; }

// A leaf run's entry i: its seq (0: the key's) and its salt.
Seq leaf_seq(std::string_view value, size_t i, Seq first_seq) {
  return i == 0 ? first_seq : get_u64(value.substr(kLeafHead + (i - 1) * kLeafEntry));
}
// Where a leaf run's entry i keeps its salt.
size_t leaf_salt_offset(size_t i) { return i == 0 ? 8 : kLeafHead + (i - 1) * kLeafEntry + 8; }
std::string leaf_salt(std::string_view value, size_t i) {
  return std::string(value.substr(leaf_salt_offset(i), evidence::kSaltBytes));
}

}  // namespace

Result<std::optional<std::pair<std::string, std::string>>> last_evidence_entry(const Engine& engine,
                                                                               const std::string& prefix) {
  std::string upper = prefix;
  upper.append(9, '\xff');
  return at_or_before(engine, prefix, upper);
}

LogEntry leaf_entry(StoreId store, uint64_t index, Seq seq, std::string_view salt) {
  LogEntry e{store, kLeafLevel, index, seq, {}};
  std::copy_n(salt.data(), std::min(salt.size(), e.bytes.size()), e.bytes.begin());
  return e;
}

void append_leaf_hash(StoreId store, const evidence::Hash& leaf, evidence::Frontier& frontier,
                      std::vector<LogEntry>& entries) {
  frontier.append(leaf, [&](evidence::NodeId id, const evidence::Hash& h) {
    entries.push_back(LogEntry{store, id.level, id.index, 0, h});
  });
}

void append_leaf(StoreId store, Seq seq, std::string_view salt, const evidence::Hash& leaf,
                 evidence::Frontier& frontier, std::vector<LogEntry>& entries) {
  entries.push_back(leaf_entry(store, frontier.size(), seq, salt));
  append_leaf_hash(store, leaf, frontier, entries);
}

void write_log_runs(const std::vector<LogEntry>& entries, const std::function<void(std::string, std::string)>& write,
                    LogKind kind) {
  std::map<std::pair<StoreId, uint8_t>, std::vector<const LogEntry*>> groups;
  for (const LogEntry& e : entries) groups[{e.store, e.level}].push_back(&e);
  for (const auto& [where, list] : groups) {
    const auto [store, level] = where;
    for (size_t begin = 0; begin < list.size();) {
      // A run: consecutive indices (and, for leaves, ascending seqs), at most kRunMax.
      size_t end = begin + 1;
      while (end < list.size() && end - begin < kRunMax && list[end]->index == list[end - 1]->index + 1 &&
             (level != kLeafLevel || list[end]->seq > list[end - 1]->seq))
        end++;
      std::string value;
      if (level == kLeafLevel) {
        value.reserve(kLeafHead + (end - begin - 1) * kLeafEntry);
        put_u64(value, list[begin]->index);
        value.append(reinterpret_cast<const char*>(list[begin]->bytes.data()), evidence::kSaltBytes);
        for (size_t i = begin + 1; i < end; i++) {
          put_u64(value, list[i]->seq);
          value.append(reinterpret_cast<const char*>(list[i]->bytes.data()), evidence::kSaltBytes);
        }
        write(leaf_key(store, list[begin]->seq), std::move(value));
      } else {
        value.reserve((end - begin) * kHashBytes);
        for (size_t i = begin; i < end; i++) value.append(reinterpret_cast<const char*>(list[i]->bytes.data()), kHashBytes);
        write(node_key(store, level, list[begin]->index, kind), std::move(value));
      }
      begin = end;
    }
  }
}

Result<uint64_t> log_size(const Engine& engine, StoreId store, LogKind kind) {
  const std::string prefix = node_prefix(store, 0, kind);
  auto last = last_evidence_entry(engine, prefix);
  if (!last) return last.error();
  if (!*last) return uint64_t{0};
  const auto& [key, value] = **last;
  const size_t count = node_run_count(value);
  if (key.size() != prefix.size() + 8 || count == 0) return damaged("a run of leaf hashes is malformed");
  return get_u64(std::string_view(key).substr(prefix.size())) + count;
}

Result<LastLeaf> last_leaf(const Engine& engine, StoreId store) {
  auto last = last_evidence_entry(engine, evidence_prefix(store, kLeafTag));
  if (!last) return last.error();
  if (!*last) return LastLeaf{};
  const auto& [key, value] = **last;
  const size_t count = leaf_run_count(value);
  if (count == 0) return damaged("a leaf run is malformed");
  return LastLeaf{get_u64(value) + count, leaf_seq(value, count - 1, seq_suffix(key))};
}

Status for_each_leaf(const Engine& engine, StoreId store, uint64_t first, uint64_t end,
                          const std::function<Status(uint64_t index, Seq seq, std::string_view salt)>& visit) {
  // Leaves are appended in seq order, so runs sort by index too: step back from the newest run
  // to the one holding `first` (the leaves past the hashed size are few), then forward.
  if (first >= end) return Status::success();
  const std::string prefix = evidence_prefix(store, kLeafTag);
  rocksdb::Slice lower(prefix);
  rocksdb::ReadOptions o;
  o.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(o, engine.family(Family::Evidence)));
  std::string upper = prefix;
  upper.append(9, '\xff');
  for (it->SeekForPrev(upper); it->Valid() && it->key().starts_with(prefix); it->Prev()) {
    if (leaf_run_count(it->value().ToStringView()) == 0) return damaged("a leaf run is malformed");
    if (get_u64(it->value().ToStringView()) <= first) break;
  }
  if (!it->status().ok()) return storage_error(it->status(), "evidence log read failed");
  if (!it->Valid() || !it->key().starts_with(prefix)) it->Seek(prefix);
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view key = it->key().ToStringView(), value = it->value().ToStringView();
    const size_t count = leaf_run_count(value);
    if (key.size() != prefix.size() + 8 || count == 0) return damaged("a leaf run is malformed");
    const uint64_t first_index = get_u64(value);
    if (first_index >= end) break;
    for (size_t i = 0; i < count && first_index + i < end; i++) {
      if (first_index + i < first) continue;
      const std::string salt = leaf_salt(value, i);
      if (Status s = visit(first_index + i, leaf_seq(value, i, seq_suffix(key)), salt); !s) return s;
    }
  }
  if (!it->status().ok()) return storage_error(it->status(), "evidence log read failed");
  return Status::success();
}

evidence::NodeReader node_reader(const Engine& engine, StoreId store, LogKind kind) {
  // The run last read per level: the reads of one proof, and of neighbouring proofs, mostly
  // fall in it.
  struct Run {
    bool used = false;
    uint64_t first = 0;
    std::string hashes;
  };
  auto runs = std::make_shared<std::array<Run, 64>>();
  return [&engine, store, kind, runs](evidence::NodeId id) -> Result<evidence::Hash> {
    Run& run = (*runs)[id.level & 63];
    auto covers = [&] { return run.used && id.index >= run.first && (id.index - run.first) < run.hashes.size() / kHashBytes; };
    if (!covers()) {
      const std::string prefix = node_prefix(store, id.level, kind);
      auto found = at_or_before(engine, prefix, node_key(store, id.level, id.index, kind));
      if (!found) return found.error();
      run.used = false;
      if (*found && (*found)->first.size() == prefix.size() + 8 && node_run_count((*found)->second) > 0) {
        run = Run{true, get_u64(std::string_view((*found)->first).substr(prefix.size())), std::move((*found)->second)};
      }
      if (!covers())
        return damaged("node " + std::to_string(id.level) + "/" + std::to_string(id.index) + " is missing");
    }
    evidence::Hash h;
    const size_t at = size_t(id.index - run.first) * kHashBytes;
    std::copy_n(run.hashes.begin() + std::ptrdiff_t(at), kHashBytes, h.begin());
    return h;
  };
}

Result<evidence::Frontier> load_frontier(const Engine& engine, StoreId store, LogKind kind) {
  auto size = log_size(engine, store, kind);
  if (!size) return size.error();
  return evidence::Frontier::load(*size, node_reader(engine, store, kind));
}

LeafReader::LeafReader(const Engine& engine, StoreId store)
    : engine_(engine), store_(store), prefix_(evidence_prefix(store, kLeafTag)) {}

Result<std::optional<LeafEntry>> LeafReader::get(Seq seq) {
  const bool cached = count_ > 0 && seq >= seq_suffix(key_) && seq <= leaf_seq(value_, count_ - 1, seq_suffix(key_));
  if (!cached) {
    auto found = at_or_before(engine_, prefix_, leaf_key(store_, seq));
    if (!found) return found.error();
    count_ = 0;
    if (!*found) return std::optional<LeafEntry>();
    auto& [key, value] = **found;
    const size_t count = leaf_run_count(value);
    if (key.size() != prefix_.size() + 8 || count == 0)
      return damaged("the leaf run before seq " + std::to_string(seq) + " is malformed");
    key_ = std::move(key);
    value_ = std::move(value);
    count_ = count;
  }
  const Seq first_seq = seq_suffix(key_);
  // Seqs ascend through the run: binary search.
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    const Seq s = leaf_seq(value_, mid, first_seq);
    if (s == seq) return std::optional<LeafEntry>(LeafEntry{get_u64(value_) + mid, leaf_salt(value_, mid)});
    if (s < seq) lo = mid + 1;
    else hi = mid;
  }
  return std::optional<LeafEntry>();
}

Status add_leaf_erasures(const Engine& engine, StoreId store, const std::vector<ErasedLeaf>& leaves,
                         std::string_view record_json, rocksdb::WriteBatch& batch) {
  const std::string prefix = evidence_prefix(store, kLeafTag);
  std::map<std::string, std::string> runs;  // key -> value, zeroed in place, written once each
  for (const ErasedLeaf& leaf : leaves) {
    auto found = at_or_before(engine, prefix, leaf_key(store, leaf.seq));
    if (!found) return found.error();
    if (!*found) return damaged("no leaf run holds seq " + std::to_string(leaf.seq));
    auto [it, inserted] = runs.try_emplace((*found)->first, std::move((*found)->second));
    std::string& value = it->second;
    const size_t count = leaf_run_count(value);
    if (it->first.size() != prefix.size() + 8 || count == 0) return damaged("a leaf run is malformed");
    const Seq first_seq = seq_suffix(it->first);
    size_t at = count;
    for (size_t i = 0; i < count; i++)
      if (leaf_seq(value, i, first_seq) == leaf.seq) at = i;
    if (at == count) return damaged("seq " + std::to_string(leaf.seq) + " has no leaf");
    const size_t salt_at = leaf_salt_offset(at);
    if (evidence::is_erased_salt(std::string_view(value).substr(salt_at, evidence::kSaltBytes)))
      return damaged("the leaf of seq " + std::to_string(leaf.seq) + " is erased already");
    value.replace(salt_at, evidence::kSaltBytes, evidence::kErasedSalt, evidence::kSaltBytes);
    const uint64_t index = get_u64(value) + at;
    std::string record;
    put_u64(record, leaf.seq);
    record.append(record_json);
    batch.Put(engine.family(Family::Evidence), erasure_key(store, index), record);
    std::string index_bytes;
    put_u64(index_bytes, index);
    batch.Put(engine.family(Family::Evidence), erased_id_key(store, leaf.id), index_bytes);
  }
  for (const auto& [key, value] : runs) batch.Put(engine.family(Family::Evidence), key, value);
  return Status::success();
}

namespace {

Result<Erasure> decode_erasure(std::string_view key, std::string_view value, size_t prefix_size) {
  if (key.size() != prefix_size + 8 || value.size() < 8) return damaged("an erasure record is malformed");
  return Erasure{get_u64(key.substr(prefix_size)), get_u64(value), std::string(value.substr(8))};
}

}  // namespace

Result<std::optional<Erasure>> read_erasure(const Engine& engine, StoreId store, uint64_t index) {
  std::string value;
  const std::string key = erasure_key(store, index);
  auto found = engine.get(Family::Evidence, key, &value);
  if (!found) return found.error();
  if (!*found) return std::optional<Erasure>();
  auto e = decode_erasure(key, value, key.size() - 8);
  if (!e) return e.error();
  return std::optional<Erasure>(std::move(*e));
}

Result<std::optional<uint64_t>> erased_leaf_index(const Engine& engine, StoreId store, const Uuid& id) {
  std::string value;
  auto found = engine.get(Family::Evidence, erased_id_key(store, id), &value);
  if (!found) return found.error();
  if (!*found) return std::optional<uint64_t>();
  if (value.size() != 8) return damaged("an erased statement's index is malformed");
  return std::optional<uint64_t>(get_u64(value));
}

ErasureWalker::ErasureWalker(const Engine& engine, StoreId store, uint64_t first_index)
    : prefix_(evidence_prefix(store, kErasureTag)),
      it_(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(Family::Evidence))),
      first_key_(erasure_key(store, first_index)) {}

Result<std::optional<Erasure>> ErasureWalker::next() {
  if (!started_) {
    it_->Seek(first_key_);
    started_ = true;
  } else if (it_->Valid()) {
    it_->Next();
  }
  if (!it_->status().ok()) return storage_error(it_->status(), "evidence log read failed");
  if (!it_->Valid() || !it_->key().starts_with(prefix_)) return std::optional<Erasure>();
  auto e = decode_erasure(it_->key().ToStringView(), it_->value().ToStringView(), prefix_.size());
  if (!e) return e.error();
  return std::optional<Erasure>(std::move(*e));
}

Status for_each_audit_entry(const Engine& engine, StoreId store, uint64_t first, uint64_t end,
                            const std::function<Status(uint64_t index, std::string_view salt, std::string_view entry)>& visit) {
  const std::string prefix = evidence_prefix(store, kAuditEntryTag);
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.family(Family::Evidence)));
  for (it->Seek(audit_entry_key(store, first)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view key = it->key().ToStringView(), value = it->value().ToStringView();
    if (key.size() != prefix.size() + 8 || value.size() <= evidence::kSaltBytes)
      return damaged("an audit-trail entry of store " + std::to_string(store) + " is malformed");
    const uint64_t index = get_u64(key.substr(prefix.size()));
    if (index >= end) break;
    if (Status s = visit(index, value.substr(0, evidence::kSaltBytes), value.substr(evidence::kSaltBytes)); !s) return s;
  }
  if (!it->status().ok()) return storage_error(it->status(), "audit trail read failed");
  return Status::success();
}

Result<std::optional<LeafEntry>> read_leaf(const Engine& engine, StoreId store, Seq seq) {
  return LeafReader(engine, store).get(seq);
}

}  // namespace scribe::storage
