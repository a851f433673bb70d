#include "storage/statement_codec.h"

#include <zdict.h>
#include <zstd.h>

namespace scribe::storage {

namespace {

constexpr size_t kSamplingBytesMax = 64u << 20;       // samples held for all stores at once
constexpr size_t kDecodedBytesMax = 64u << 20;        // no statement decompresses past this
constexpr size_t kSamplesMin = 64;                    // ZDICT needs enough distinct samples

// One compression and one decompression context per thread, reused for every statement.
struct Contexts {
  ZSTD_CCtx* compress = ZSTD_createCCtx();
  ZSTD_DCtx* decompress = ZSTD_createDCtx();
  ~Contexts() {
    ZSTD_freeCCtx(compress);
    ZSTD_freeDCtx(decompress);
  }
};
thread_local Contexts contexts;

Error corrupt(const std::string& what) { return fault(Code::corruption, "corrupt statement record: " + what); }

}  // namespace

struct StatementCodec::Dictionary {
  Dictionary(uint32_t id, const std::string& bytes, int level)
      : id(id),
        compress(ZSTD_createCDict(bytes.data(), bytes.size(), level)),
        decompress(ZSTD_createDDict(bytes.data(), bytes.size())) {}
  ~Dictionary() {
    ZSTD_freeCDict(compress);
    ZSTD_freeDDict(decompress);
  }
  const uint32_t id;
  ZSTD_CDict* const compress;
  ZSTD_DDict* const decompress;
};

Result<std::unique_ptr<StatementCodec>> StatementCodec::open(Engine& engine, CodecOptions options) {
  std::unique_ptr<StatementCodec> codec(new StatementCodec(engine, options));
  if (Status s = codec->load(); !s) return s.error();
  return codec;
}

StatementCodec::~StatementCodec() { trainer_.stop(); }

Status StatementCodec::load() {
  std::unique_ptr<rocksdb::Iterator> it(
      engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.family(Family::Meta)));
  for (it->Seek(kDictionaryPrefix); it->Valid() && it->key().starts_with(kDictionaryPrefix); it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != kDictionaryPrefix.size() + 8) return corrupt("dictionary key");
    const StoreId store = get_u32(key.substr(kDictionaryPrefix.size()));
    const uint32_t id = get_u32(key.substr(kDictionaryPrefix.size() + 4));
    auto dictionary = std::make_shared<const Dictionary>(id, it->value().ToString(), options_.level);
    if (!dictionary->compress || !dictionary->decompress) return corrupt("dictionary");
    by_id_[{store, id}] = dictionary;
    stores_[store].current = dictionary;  // keys ascend: the newest id wins
  }
  if (!it->status().ok()) return storage_error(it->status(), "dictionary scan failed");
  return Status::success();
}

bool StatementCodec::has_dictionary(StoreId store) const {
  std::shared_lock lock(mutex_);
  auto it = stores_.find(store);
  return it != stores_.end() && it->second.current;
}

std::optional<std::string> StatementCodec::encode(StoreId store, std::string_view json, uint8_t& flags) {
  if (options_.dictionary_bytes == 0) return std::nullopt;
  std::shared_ptr<const Dictionary> dictionary;
  {
    std::shared_lock lock(mutex_);
    auto it = stores_.find(store);
    if (it != stores_.end()) dictionary = it->second.current;
  }
  if (dictionary) {
    std::string out;
    out.resize(4 + ZSTD_compressBound(json.size()));
    std::string id;
    put_u32(id, dictionary->id);
    out.replace(0, 4, id);
    const size_t n = ZSTD_compress_usingCDict(contexts.compress, out.data() + 4, out.size() - 4, json.data(),
                                              json.size(), dictionary->compress);
    if (ZSTD_isError(n)) return std::nullopt;
    out.resize(4 + n);
    flags |= kPayloadCompressed;
    return out;
  }
  std::unique_lock lock(mutex_);
  StoreState& state = stores_[store];
  if (state.current || state.training || state.untrainable || sampling_bytes_ >= kSamplingBytesMax)
    return std::nullopt;
  state.samples.append(json);
  state.sample_sizes.push_back(json.size());
  sampling_bytes_ += json.size();
  if (state.samples.size() < options_.train_sample_bytes || state.sample_sizes.size() < kSamplesMin)
    return std::nullopt;
  state.training = true;
  auto samples = std::make_shared<std::string>(std::move(state.samples));
  auto sizes = std::make_shared<std::vector<size_t>>(std::move(state.sample_sizes));
  state.samples.clear();
  state.sample_sizes.clear();
  lock.unlock();
  if (!trainer_.submit([this, store, samples, sizes] { train(store, *samples, *sizes); })) {
    std::unique_lock again(mutex_);
    stores_[store].training = false;
    sampling_bytes_ -= samples->size();
  }
  return std::nullopt;
}

void StatementCodec::train(StoreId store, const std::string& samples, const std::vector<size_t>& sizes) {
  std::string bytes(options_.dictionary_bytes, '\0');
  const size_t n = ZDICT_trainFromBuffer(bytes.data(), bytes.size(), samples.data(), sizes.data(),
                                         unsigned(sizes.size()));
  uint32_t id = 1;
  {
    std::shared_lock lock(mutex_);
    auto past = by_id_.upper_bound({store, UINT32_MAX});
    if (past != by_id_.begin() && std::prev(past)->first.first == store) id = std::prev(past)->first.second + 1;
  }
  std::shared_ptr<const Dictionary> dictionary;
  bool stored = false;
  if (!ZDICT_isError(n)) {
    bytes.resize(n);
    dictionary = std::make_shared<const Dictionary>(id, bytes, options_.level);
    rocksdb::WriteBatch batch;
    batch.Put(engine_.family(Family::Meta), dictionary_key(store, id), bytes);
    // Durable before any record names it.
    stored = dictionary->compress && dictionary->decompress && engine_.write_durable(batch).ok();
  }
  std::unique_lock lock(mutex_);
  StoreState& state = stores_[store];
  state.training = false;
  sampling_bytes_ -= samples.size();
  if (!stored) {
    state.untrainable = true;
    return;
  }
  by_id_[{store, id}] = dictionary;
  state.current = dictionary;
}

Result<std::string_view> decode_payload(const StatementCodec* codec, StoreId store, std::string_view payload,
                                        uint8_t flags, std::string& scratch) {
  if (!(flags & StatementCodec::kPayloadCompressed)) return payload;
  if (!codec) return corrupt("compressed, and this reader has no dictionaries");
  return codec->decode(store, payload, flags, scratch);
}

Result<std::string_view> StatementCodec::decode(StoreId store, std::string_view payload, uint8_t flags,
                                                std::string& scratch) const {
  if (!(flags & kPayloadCompressed)) return payload;
  if (payload.size() < 4) return corrupt("short compressed payload");
  const uint32_t id = get_u32(payload);
  std::shared_ptr<const Dictionary> dictionary;
  {
    std::shared_lock lock(mutex_);
    auto it = by_id_.find({store, id});
    if (it != by_id_.end()) dictionary = it->second;
  }
  if (!dictionary) return corrupt("it names dictionary " + std::to_string(id) + ", which is not stored");
  const char* frame = payload.data() + 4;
  const size_t frame_bytes = payload.size() - 4;
  const unsigned long long size = ZSTD_getFrameContentSize(frame, frame_bytes);
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kDecodedBytesMax)
    return corrupt("bad compressed frame");
  scratch.resize(size);
  const size_t n = ZSTD_decompress_usingDDict(contexts.decompress, scratch.data(), scratch.size(), frame,
                                              frame_bytes, dictionary->decompress);
  if (ZSTD_isError(n) || n != size) return corrupt("bad compressed frame");
  return std::string_view(scratch);
}

}  // namespace scribe::storage
