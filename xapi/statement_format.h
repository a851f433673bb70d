// How stored statements are returned: the record JSON completed with `stored` (and `timestamp`
// when the client sent none), then shaped by the `format` parameter: exact (as stored),
// ids (agents, groups, activities and verbs reduced to what identifies them) or canonical
// (language maps reduced to the best match for Accept-Language).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "storage/statement_reader.h"

namespace scribe::xapi {

enum class StatementFormat { Exact, Ids, Canonical };

// Accept-Language ranges in preference order (q-values applied, q=0 dropped), lower-case.
std::vector<std::string> parse_accept_language(std::string_view header);

// Appends the statement as a client receives it.
void render_statement(const storage::StoredStatement& statement, StatementFormat format,
                      const std::vector<std::string>& languages, std::string& out);

// The statement with `stored`/`timestamp` completed, as a value (for further shaping).
json::Value complete_statement(const storage::StoredStatement& statement);

}  // namespace scribe::xapi
