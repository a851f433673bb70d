// The CSV form of an export (GET /evidence/export?format=csv): one row per statement for people
// and spreadsheets, without proofs. RFC 4180: CRLF line ends, a header row, fields quoted when
// they hold a comma, a quote, CR or LF, quotes doubled.
// Columns: by default id, stored, timestamp, actor name and identifier, verb id and display,
// object id and name, result success / completion / score.scaled / duration, registration
// (language maps give their en-US entry, else their first). `columns=` takes property paths,
// as lrsql's CSV export does: either a JSON array of paths, each an array of member names and
// array indexes ([["actor","mbox"],["context","extensions","http://…"]]), or dotted paths
// separated by commas (actor.mbox,result.score.raw,context.contextActivities.parent.0.id).
// A value that is an object or array is written as compact JSON; an absent one as empty.
// Guarantees: every row has as many fields as the header; a string cell that a spreadsheet
// would take for a formula (it begins with =, +, -, @, tab or CR) is prefixed with ' so that
// opening an export never runs what a client wrote into a statement.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/json_dom.h"
#include "common/result.h"

namespace scribe::xapi {

struct CsvColumn {
  std::string title;
  std::vector<std::variant<std::string, size_t>> path;  // empty: a default column, by title
};

// An Agent's or Group's identifier as one CSV cell: mbox, mbox_sha1sum, openid, or the
// account's homePage and name joined by '|'; "" when it has none. `V` is json::Node or
// json::Value (a statement's actor, a roster's agent).
template <class V>
std::string csv_agent_identifier(const V& agent) {
  for (std::string_view ifi : {"mbox", "mbox_sha1sum", "openid"})
    if (std::string_view v = agent.get_string(ifi); !v.empty()) return std::string(v);
  if (const auto account = agent.get("account"); account && account->is_object())
    return std::string(account->get_string("homePage")) + "|" + std::string(account->get_string("name"));
  return {};
}

// The default columns, or those `columns=` names (errors name `columns`).
Result<std::vector<CsvColumn>> parse_csv_columns(const std::string* columns_param);

void append_csv_header(const std::vector<CsvColumn>& columns, std::string& out);
// One record of text cells (each neutralised as above), with its CRLF.
void append_csv_record(const std::vector<std::string>& cells, std::string& out);
// One row for a statement in its format=exact form.
void append_csv_row(const std::vector<CsvColumn>& columns, const json::Node& statement, std::string& out);

}  // namespace scribe::xapi
