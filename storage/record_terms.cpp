#include "storage/record_terms.h"

#include <algorithm>

namespace scribe::storage {

Result<std::vector<Term>> record_terms(StoreId store, const StatementRecord& record,
                                       const StatementCodec* codec, const OwnTerms& own_terms) {
  if (!own_terms) return record.terms;
  auto own = own_record_terms(store, record, codec, own_terms);
  if (!own) return own.error();
  return with_kept_terms(std::move(*own), record.terms);
}

std::vector<Term> with_kept_terms(std::vector<Term> own, const std::vector<Term>& kept) {
  // Kept terms are inherited ones (older records keep all: the union is the same).
  for (const Term& k : kept) {
    auto have = std::find_if(own.begin(), own.end(), [&](const Term& t) { return t.same_term(k); });
    if (have == own.end()) own.push_back(k);
    else have->flags |= k.flags;
  }
  return own;
}

Result<std::vector<Term>> own_record_terms(StoreId store, const StatementRecord& record,
                                           const StatementCodec* codec, const OwnTerms& own_terms) {
  if (!own_terms) return fault(Code::internal, "no rule recomputes a record's own terms");
  std::string scratch;
  auto json = decode_payload(codec, store, record.json, record.flags, scratch);
  if (!json) return json.error();
  auto own = own_terms(store, *json);
  if (!own) return fault(Code::corruption, "corrupt statement record: its JSON is not a statement");
  return std::move(*own);
}

}  // namespace scribe::storage
