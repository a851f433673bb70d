// Posting lists: the value of one index key, the seqs of one term within one seq range.
// The index holds, per store · kind · term, a run of disjoint lists keyed by their first seq
// (see keys.h), so a reader finds the list holding seq s with one SeekForPrev, and a writer
// that owns the index (storage/indexer.h) appends a new list past every older one.
//
// Value: tag(1)=1 · count(varint) · count × varint(delta << 1 | direct)
//   delta is the entry's seq minus the previous entry's (the first entry's minus the key's seq,
//   so it is 0); direct is the entry's kTermDirect flag. Seqs strictly increase within a list.
// Guarantees: decode accepts exactly what encode produces for the key's first seq, and rejects
// anything else (wrong tag, a count that disagrees, non-increasing seqs, trailing bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/keys.h"

namespace scribe::storage {

struct Posting {
  Seq seq = 0;
  uint8_t flags = 0;  // kTermDirect or 0
  friend bool operator==(const Posting&, const Posting&) = default;
};

// Entries a writer puts in one list before it starts the next key; a rewrite may take a list to
// twice this before it is split. Bounds what a reader decodes per seek.
inline constexpr size_t kPostingEntriesMax = 512;
inline constexpr size_t kPostingRewriteEntriesMax = 2 * kPostingEntriesMax;

// `postings` must be non-empty and strictly increasing in seq; the key's seq is postings[0].seq.
std::string encode_postings(const std::vector<Posting>& postings);
// nullopt when `value` is not a list whose first seq is `first` (corruption).
std::optional<std::vector<Posting>> decode_postings(Seq first, std::string_view value);
// The same into `out` (its capacity reused: a cursor decodes list after list); false, with
// `out` unspecified, on corruption.
bool decode_postings_into(Seq first, std::string_view value, std::vector<Posting>& out);

// Adds `p` to a list (OR-ing the flags when its seq is already there); keeps the order.
void insert_posting(std::vector<Posting>& postings, Posting p);

}  // namespace scribe::storage
