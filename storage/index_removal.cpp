#include "storage/index_removal.h"

#include <algorithm>
#include <cassert>
#include <memory>

#include <rocksdb/iterator.h>

#include "storage/posting_list.h"

namespace scribe::storage {

namespace {

constexpr size_t kChangeBytes = 1 + 16 + 8 + 1;
constexpr uint8_t kRemoveOp = 0xff;
constexpr size_t kListsPerWrite = 4096;  // rewritten lists per batch

bool change_less(const PostingChange& a, const PostingChange& b) {
  const IndexEntry &x = a.entry, &y = b.entry;
  if (x.store != y.store) return x.store < y.store;
  if (x.term.kind != y.term.kind) return x.term.kind < y.term.kind;
  if (x.term.hash != y.term.hash) return x.term.hash < y.term.hash;
  return x.seq < y.seq;
}

bool same_list_term(const PostingChange& a, const PostingChange& b) {
  return a.entry.store == b.entry.store && a.entry.term.same_term(b.entry.term);
}

}  // namespace

void append_posting_changes(std::string& out, const std::vector<PostingChange>& changes) {
  out.reserve(out.size() + changes.size() * kChangeBytes);
  for (const PostingChange& c : changes) {
    assert(c.remove || c.entry.term.flags != kRemoveOp);
    out.push_back(char(c.entry.term.kind));
    out.append(reinterpret_cast<const char*>(c.entry.term.hash.data()), c.entry.term.hash.size());
    put_u64(out, c.entry.seq);
    out.push_back(char(c.remove ? kRemoveOp : c.entry.term.flags));
  }
}

std::optional<std::vector<PostingChange>> decode_posting_changes(StoreId store, std::string_view bytes) {
  if (bytes.size() % kChangeBytes != 0) return std::nullopt;
  std::vector<PostingChange> out;
  out.reserve(bytes.size() / kChangeBytes);
  for (size_t at = 0; at < bytes.size(); at += kChangeBytes) {
    const std::string_view c = bytes.substr(at, kChangeBytes);
    const uint8_t kind = uint8_t(c[0]);
    if (kind < uint8_t(IndexKind::Agent) || kind > uint8_t(IndexKind::AgentVerb)) return std::nullopt;
    PostingChange change;
    change.entry.store = store;
    change.entry.term.kind = IndexKind(kind);
    std::copy(c.begin() + 1, c.begin() + 17, change.entry.term.hash.begin());
    change.entry.seq = get_u64(c.substr(17));
    const uint8_t op = uint8_t(c[25]);
    change.remove = op == kRemoveOp;
    change.entry.term.flags = change.remove ? 0 : op;
    out.push_back(change);
  }
  return out;
}

Status apply_posting_changes(Engine& engine, std::vector<PostingChange> changes) {
  std::sort(changes.begin(), changes.end(), change_less);
  auto family = engine.family(Family::Index);
  rocksdb::WriteBatch batch;
  size_t lists = 0;
  std::vector<Posting> postings;
  for (size_t i = 0; i < changes.size();) {
    // One term's changes, [i, term_end), in seq order.
    size_t term_end = i + 1;
    while (term_end < changes.size() && same_list_term(changes[i], changes[term_end])) term_end++;
    const IndexEntry& first_entry = changes[i].entry;
    SeqKeyBounds bounds;
    auto it = seq_key_iterator(engine, Family::Index, index_prefix(first_entry.store, first_entry.term), bounds);
    while (i < term_end) {
      it->SeekForPrev(index_key(first_entry.store, first_entry.term, changes[i].entry.seq));
      if (!it->status().ok()) return storage_error(it->status(), "index read failed");
      if (!it->Valid()) {  // no list holds this seq: nothing to change
        i++;
        continue;
      }
      const Seq first = seq_suffix(it->key().ToStringView());
      if (!decode_postings_into(first, it->value().ToStringView(), postings))
        return fault(Code::corruption, "corrupt posting list in the index");
      const Seq last = postings.back().seq;
      if (changes[i].entry.seq > last) {  // between two lists, or past the last: not there
        i++;
        continue;
      }
      bool changed = false;
      // Every change of this term that falls in this list.
      for (; i < term_end && changes[i].entry.seq <= last; i++) {
        const PostingChange& c = changes[i];
        auto at = std::lower_bound(postings.begin(), postings.end(), c.entry.seq,
                                   [](const Posting& p, Seq s) { return p.seq < s; });
        if (at == postings.end() || at->seq != c.entry.seq) continue;  // not there (applied before)
        if (c.remove) postings.erase(at);
        else if (at->flags != c.entry.term.flags) at->flags = c.entry.term.flags;
        else continue;
        changed = true;
      }
      if (!changed) continue;
      if (postings.empty() || postings.front().seq != first) batch.Delete(family, it->key());
      if (!postings.empty())
        batch.Put(family, index_key(first_entry.store, first_entry.term, postings.front().seq),
                  encode_postings(postings));
      if (++lists % kListsPerWrite == 0) {
        if (Status s = engine.write_unlogged(batch); !s) return s;
        batch.Clear();
      }
    }
  }
  if (batch.Count() == 0) return Status::success();
  return engine.write_unlogged(batch);
}

}  // namespace scribe::storage
