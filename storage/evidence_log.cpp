#include "storage/evidence_log.h"

#include <rocksdb/iterator.h>

#include <algorithm>
#include <memory>

#include "evidence/leaf.h"

namespace scribe::storage {

namespace {

Error damaged(const std::string& what) { return Error{500, "", "the evidence log is damaged: " + what}; }

}  // namespace

Result<std::optional<std::pair<std::string, std::string>>> last_evidence_entry(const Engine& engine,
                                                                               const std::string& prefix) {
  using Entry = std::optional<std::pair<std::string, std::string>>;
  std::string upper = prefix;
  upper.append(9, '\xff');
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions o;
  o.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(o, engine.family(Family::Evidence)));
  it->SeekForPrev(upper);
  if (!it->status().ok()) return storage_error(it->status(), "evidence log read failed");
  if (!it->Valid() || !it->key().starts_with(prefix)) return Entry();
  return Entry(std::pair{it->key().ToString(), it->value().ToString()});
}

std::string encode_leaf_entry(uint64_t index, std::string_view salt) {
  std::string v;
  put_u64(v, index);
  v.append(salt);
  return v;
}

std::optional<LeafEntry> decode_leaf_entry(std::string_view value) {
  if (value.size() != 8 + evidence::kSaltBytes) return std::nullopt;
  return LeafEntry{get_u64(value), std::string(value.substr(8))};
}

Result<uint64_t> log_size(const Engine& engine, StoreId store) {
  const std::string prefix = node_prefix(store, 0);
  auto last = last_evidence_entry(engine, prefix);
  if (!last) return last.error();
  if (!*last) return uint64_t{0};
  if ((*last)->first.size() != prefix.size() + 8) return damaged("a leaf node key has the wrong size");
  return get_u64(std::string_view((*last)->first).substr(prefix.size())) + 1;
}

Result<Seq> last_logged_seq(const Engine& engine, StoreId store) {
  auto last = last_evidence_entry(engine, evidence_prefix(store, kLeafTag));
  if (!last) return last.error();
  if (!*last) return Seq{0};
  return seq_suffix((*last)->first);
}

evidence::NodeReader node_reader(const Engine& engine, StoreId store) {
  return [&engine, store](evidence::NodeId id) -> Result<evidence::Hash> {
    std::string value;
    auto found = engine.get(Family::Evidence, node_key(store, id.level, id.index), &value);
    if (!found) return found.error();
    if (!*found || value.size() != 32)
      return damaged("node " + std::to_string(id.level) + "/" + std::to_string(id.index) + " is missing");
    evidence::Hash h;
    std::copy(value.begin(), value.end(), h.begin());
    return h;
  };
}

Result<evidence::Frontier> load_frontier(const Engine& engine, StoreId store) {
  auto size = log_size(engine, store);
  if (!size) return size.error();
  return evidence::Frontier::load(*size, node_reader(engine, store));
}

Result<std::optional<LeafEntry>> read_leaf(const Engine& engine, StoreId store, Seq seq) {
  std::string value;
  auto found = engine.get(Family::Evidence, leaf_key(store, seq), &value);
  if (!found) return found.error();
  if (!*found) return std::optional<LeafEntry>();
  auto entry = decode_leaf_entry(value);
  if (!entry) return damaged("the leaf of seq " + std::to_string(seq) + " is malformed");
  return std::optional<LeafEntry>(std::move(*entry));
}

}  // namespace scribe::storage
