#include "xapi/statement_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/base64.h"
#include "common/json.h"
#include "common/timestamp.h"
#include "xapi/formats.h"
#include "xapi/statement_terms.h"
#include "xapi/statement_validator.h"
#include "common/text.h"

namespace scribe::xapi {

namespace {

constexpr std::string_view kKnown[] = {
    "statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
    "related_activities", "related_agents", "since", "until", "limit", "format",
    "attachments", "ascending"};

Result<bool> parse_bool(const std::string& name, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return bad_request(name, "must be true or false");
}

const std::string* find(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace

Result<StatementQueryParams> parse_statement_query(const Params& params, Version version) {
  StatementQueryParams p;
  p.original = params;
  for (size_t i = 0; i < params.size(); i++) {
    const auto& name = params[i].first;
    if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown))
      return bad_request(name, "unknown parameter");
    for (size_t j = 0; j < i; j++)
      if (params[j].first == name) return bad_request(name, "parameter given more than once");
  }

  for (const char* id_param : {"statementId", "voidedStatementId"}) {
    const std::string* v = find(params, id_param);
    if (!v) continue;
    if (!is_uuid(*v)) return bad_request(id_param, "not a UUID");
    (std::string_view(id_param) == "statementId" ? p.statement_id : p.voided_statement_id) =
        text::ascii_lower(*v);
    for (const auto& [k, value] : params)
      if (k != id_param && k != "format" && k != "attachments")
        return bad_request(k, std::string("not allowed together with ") + id_param);
  }

  auto flag = [&](const char* name, bool& out) -> Status {
    if (const std::string* v = find(params, name)) {
      auto b = parse_bool(name, *v);
      if (!b) return b.error();
      out = *b;
    }
    return Status::success();
  };
  bool related_agents = false, related_activities = false;
  for (auto [name, out] : {std::pair{"related_agents", &related_agents},
                           std::pair{"related_activities", &related_activities},
                           std::pair{"attachments", &p.attachments},
                           std::pair{"ascending", &p.ascending}}) {
    if (Status s = flag(name, *out); !s) return s.error();
  }

  if (const std::string* v = find(params, "agent")) {
    auto agent = json::Document::parse(*v);
    if (!agent) return bad_request("agent", "not JSON: " + agent.error().message);
    if (Status s = validate_agent_param(agent->root(), version, "agent"); !s) return s.error();
    auto identity = agent_identity(agent->root());
    if (!identity) return bad_request("agent", "has no inverse functional identifier");
    p.terms.push_back(agent_term(*identity, related_agents));
  }
  if (const std::string* v = find(params, "verb")) {
    if (!is_iri(*v)) return bad_request("verb", "not an IRI");
    p.terms.push_back(verb_term(*v));
  }
  if (const std::string* v = find(params, "activity")) {
    if (!is_iri(*v)) return bad_request("activity", "not an IRI");
    p.terms.push_back(activity_term(*v, related_activities));
  }
  if (const std::string* v = find(params, "registration")) {
    if (!is_uuid(*v)) return bad_request("registration", "not a UUID");
    p.terms.push_back(registration_term(*v));
  }
  for (const char* name : {"since", "until"}) {
    const std::string* v = find(params, name);
    if (!v) continue;
    auto micros = parse_timestamp(*v);
    if (!micros) return bad_request(name, "not a timestamp: " + micros.error().message);
    (std::string_view(name) == "since" ? p.since_micros : p.until_micros) = *micros;
  }
  if (const std::string* v = find(params, "limit")) {
    uint64_t n = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size())
      return bad_request("limit", "must be a non-negative integer");
    p.limit = uint32_t(std::min<uint64_t>(n, UINT32_MAX));
  }
  if (const std::string* v = find(params, "format")) {
    if (*v == "exact") p.format = StatementFormat::Exact;
    else if (*v == "ids") p.format = StatementFormat::Ids;
    else if (*v == "canonical") p.format = StatementFormat::Canonical;
    else return bad_request("format", "must be ids, exact or canonical");
  }
  return p;
}

storage::StatementQuery to_storage_query(const StatementQueryParams& p, storage::StoreId store,
                                         const storage::TermKey& term_key, const QueryLimits& limits) {
  storage::StatementQuery q;
  q.store = store;
  for (const TermText& t : p.terms) q.required.push_back(hash_term(term_key, t));
  q.ascending = p.ascending;
  if (!p.limit) q.limit = std::min(limits.limit_default, limits.limit_max);
  else q.limit = *p.limit == 0 ? limits.limit_max : std::min(*p.limit, limits.limit_max);
  if (p.since_micros) q.seq_min = storage::Seq(std::max<int64_t>(*p.since_micros + 1, 0));
  if (p.until_micros) q.seq_max = storage::Seq(std::max<int64_t>(*p.until_micros, 0));
  if (p.after_seq) {
    if (p.ascending) q.seq_min = std::max(q.seq_min, *p.after_seq + 1);
    else q.seq_max = std::min(q.seq_max, *p.after_seq - 1);
  }
  return q;
}

std::string more_url(const std::string& statements_path, const StatementQueryParams& p,
                     storage::Seq last_seq) {
  json::Array params;
  for (const auto& [k, v] : p.original) params.push_back(json::Value(json::Array{k, v}));
  json::Object cursor;
  cursor.append("p", json::Value(std::move(params)));
  cursor.append("s", std::to_string(last_seq));
  return statements_path + "?more=" + base64url_encode(json::serialize(json::Value(std::move(cursor))));
}

Result<StatementQueryParams> parse_more(const std::string& token, Version version) {
  auto invalid = bad_request("more", "not a cursor this server issued");
  auto text = base64url_decode(token);
  if (!text) return invalid;
  auto cursor = json::parse(*text);
  if (!cursor) return invalid;
  const json::Value* list = cursor->get("p");
  const json::Value* seq = cursor->get("s");
  if (!list || !list->is_array() || !seq || !seq->is_string()) return invalid;
  storage::Seq after = 0;
  const std::string& digits = seq->as_string();
  auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), after);
  if (parsed.ec != std::errc() || parsed.ptr != digits.data() + digits.size() || after == 0)
    return invalid;
  Params params;
  for (const auto& pair : list->as_array()) {
    if (!pair.is_array() || pair.as_array().size() != 2) return invalid;
    const auto& a = pair.as_array();
    if (!a[0].is_string() || !a[1].is_string()) return invalid;
    params.emplace_back(a[0].as_string(), a[1].as_string());
  }
  auto p = parse_statement_query(params, version);
  if (!p) return p;
  p->after_seq = after;
  return p;
}

}  // namespace scribe::xapi
