#include "xapi/roster.h"

#include <unordered_map>

#include "common/json_dom.h"
#include "xapi/statement_terms.h"
#include "xapi/statement_validator.h"

namespace scribe::xapi {

namespace {

Error too_many(size_t max_agents) {
  return Error{413, "roster", "more than limits.roster_agents_max (" + std::to_string(max_agents) + ") learners"};
}

// Validates one agent, adds it unless its learner is already in the roster.
Status add_entry(const json::Node& agent, Version version, const std::string& path,
                 std::unordered_map<std::string, size_t>& seen, std::vector<RosterEntry>& out) {
  if (!agent.is_object()) return bad_request(path, "must be an Agent object");
  if (std::string_view type = agent.get_string("objectType"); !type.empty() && type != "Agent")
    return bad_request(path + ".objectType", "a roster lists Agents");
  if (Status s = validate_agent_param(agent, version, path); !s) return s;
  auto identity = agent_identity(agent);
  if (!identity) return bad_request(path, "has no inverse functional identifier");
  auto [it, fresh] = seen.emplace(*identity, out.size());
  if (!fresh) return bad_request(path, "the same learner as entry " + std::to_string(it->second));
  out.push_back(RosterEntry{agent.to_value(), std::move(*identity)});
  return Status::success();
}

// RFC 4180 records; false with `error` set on an unclosed quote or junk after one.
bool read_csv(std::string_view text, std::vector<std::vector<std::string>>& rows, size_t max_rows, std::string& error) {
  size_t i = 0;
  std::vector<std::string> row;
  std::string field;
  while (i <= text.size()) {
    if (rows.size() > max_rows) return true;  // the caller reports the limit
    field.clear();
    if (i < text.size() && text[i] == '"') {
      for (i++;; i++) {
        if (i >= text.size()) {
          error = "an unclosed quote on line " + std::to_string(rows.size() + 1);
          return false;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i++;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        error = "text after a closing quote on line " + std::to_string(rows.size() + 1);
        return false;
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
    }
    row.push_back(field);
    if (i < text.size() && text[i] == ',') {
      i++;
      continue;
    }
    // End of record: CRLF, LF or the end of the text; blank lines are skipped.
    if (i < text.size() && text[i] == '\r') i++;
    if (i < text.size() && text[i] == '\n') i++;
    if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
    row.clear();
    if (i >= text.size()) break;
  }
  return true;
}

}  // namespace

Result<std::vector<RosterEntry>> roster_from_json(const json::Node& array, Version version, size_t max_agents) {
  if (!array.is_array()) return bad_request("roster", "must be an array of Agents or a CSV text");
  std::vector<RosterEntry> out;
  std::unordered_map<std::string, size_t> seen;
  size_t i = 0;
  for (const json::Node& agent : array.as_array()) {
    if (out.size() == max_agents) return too_many(max_agents);
    if (Status s = add_entry(agent, version, "roster[" + std::to_string(i++) + "]", seen, out); !s) return s.error();
  }
  return out;
}

Result<std::vector<RosterEntry>> roster_from_csv(std::string_view csv, Version version, size_t max_agents) {
  std::vector<std::vector<std::string>> rows;
  std::string error;
  if (!read_csv(csv, rows, max_agents + 1, error)) return bad_request("roster", "not CSV: " + error);
  if (rows.size() > max_agents + 1) return too_many(max_agents);
  if (rows.empty()) return bad_request("roster", "the CSV has no header row");
  const auto& header = rows[0];
  auto column = [&](std::string_view name) -> int {
    for (size_t c = 0; c < header.size(); c++)
      if (header[c] == name) return int(c);
    return -1;
  };
  const int mbox = column("mbox"), sha1 = column("mbox_sha1sum"), openid = column("openid"),
            home = column("account_homepage"), account = column("account_name"), name = column("name");
  if (mbox < 0 && sha1 < 0 && openid < 0 && (home < 0 || account < 0))
    return bad_request("roster", "the CSV header names no identifier column (mbox, mbox_sha1sum, openid, or "
                                 "account_homepage with account_name)");
  std::vector<RosterEntry> out;
  std::unordered_map<std::string, size_t> seen;
  for (size_t r = 1; r < rows.size(); r++) {
    const auto& row = rows[r];
    auto cell = [&](int c) { return c >= 0 && size_t(c) < row.size() ? row[size_t(c)] : std::string(); };
    json::Object agent;
    agent.append("objectType", json::Value("Agent"));
    if (!cell(name).empty()) agent.append("name", json::Value(cell(name)));
    if (!cell(mbox).empty()) agent.append("mbox", json::Value(cell(mbox)));
    else if (!cell(sha1).empty()) agent.append("mbox_sha1sum", json::Value(cell(sha1)));
    else if (!cell(openid).empty()) agent.append("openid", json::Value(cell(openid)));
    else if (!cell(home).empty() || !cell(account).empty()) {
      json::Object acc;
      acc.append("homePage", json::Value(cell(home)));
      acc.append("name", json::Value(cell(account)));
      agent.append("account", json::Value(std::move(acc)));
    }
    const std::string text = json::serialize(json::Value(std::move(agent)));
    auto doc = json::Document::parse(text);
    if (!doc) return Error{500, "", "a roster agent does not parse"};
    if (Status s = add_entry(doc->root(), version, "roster line " + std::to_string(r + 1), seen, out); !s)
      return s.error();
  }
  return out;
}

}  // namespace scribe::xapi
