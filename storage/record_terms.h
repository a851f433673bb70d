// A stored statement's index terms. With an OwnTerms rule, a record keeps only the terms it
// inherits from the statement it targets by StatementRef (keys.h); its own terms are recomputed
// from its JSON by the protocol layer's rule, which keeps ~180 bytes of hashes out of every
// record. Without a rule, a record keeps all its terms. Either way its terms are the union.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/keys.h"
#include "storage/statement_codec.h"

namespace scribe::storage {

// A statement's own index terms from its stored JSON; nullopt when the JSON is no statement.
using OwnTerms = std::function<std::optional<std::vector<Term>>(StoreId store, std::string_view json)>;

// Every term of a stored record: its own (recomputed when there is a rule) and the ones it keeps.
Result<std::vector<Term>> record_terms(StoreId store, const StatementRecord& record,
                                       const StatementCodec* codec, const OwnTerms& own_terms);
// Only its own terms (not those it inherits); needs a rule (`own_terms` set).
Result<std::vector<Term>> own_record_terms(StoreId store, const StatementRecord& record,
                                           const StatementCodec* codec, const OwnTerms& own_terms);
// A record's own terms with the ones it keeps (flags OR-ed): what record_terms() answers.
std::vector<Term> with_kept_terms(std::vector<Term> own, const std::vector<Term>& kept);

}  // namespace scribe::storage
