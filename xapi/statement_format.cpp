#include "xapi/statement_format.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "common/timestamp.h"
#include "common/text.h"

namespace scribe::xapi {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The record JSON with `stored` (and `timestamp`) spliced in after the opening brace.
std::string completed_text(const storage::StoredStatement& s) {
  const std::string stored = format_timestamp(int64_t(s.seq));
  std::string out;
  out.reserve(s.json.size() + 80);
  out += "{\"stored\":\"";
  out += stored;
  out += "\",";
  if (s.flags & storage::StatementRecord::kTimestampFromStored) {
    out += "\"timestamp\":\"";
    out += stored;
    out += "\",";
  }
  out.append(s.json, 1, std::string::npos);
  return out;
}

// --- ids ---------------------------------------------------------------------------------

constexpr std::string_view kIfis[] = {"mbox", "mbox_sha1sum", "openid", "account"};

json::Value agent_ids(const json::Value& agent) {
  if (!agent.is_object()) return agent;
  json::Object out;
  if (auto t = agent.get("objectType")) out.append("objectType", *t);
  bool identified = false;
  for (auto ifi : kIfis)
    if (auto v = agent.get(ifi)) {
      out.append(std::string(ifi), *v);
      identified = true;
    }
  if (!identified)
    if (auto members = agent.get("member"); members && members->is_array()) {
      json::Array reduced;
      for (const auto& m : members->as_array()) reduced.push_back(agent_ids(m));
      out.append("member", json::Value(std::move(reduced)));
    }
  return json::Value(std::move(out));
}

// An activity is identified by its id alone (objectType is implied where an Activity may stand).
json::Value activity_ids(const json::Value& activity) {
  json::Object out;
  if (auto id = activity.get("id")) out.append("id", *id);
  return json::Value(std::move(out));
}

void context_ids(json::Value& context);

void body_ids(json::Value& s) {
  auto& o = s.as_object();
  if (auto* actor = o.find("actor")) *actor = agent_ids(*actor);
  if (auto* verb = o.find("verb"); verb && verb->is_object()) {
    json::Object v;
    if (auto id = verb->get("id")) v.append("id", *id);
    *verb = json::Value(std::move(v));
  }
  if (auto* object = o.find("object"); object && object->is_object()) {
    auto type = object->get_string("objectType");
    if (type == "Agent" || type == "Group") *object = agent_ids(*object);
    else if (type == "SubStatement") body_ids(*object);
    else if (type.empty() || type == "Activity") *object = activity_ids(*object);
  }
  if (auto* context = o.find("context"); context && context->is_object()) context_ids(*context);
  if (auto* authority = o.find("authority")) *authority = agent_ids(*authority);
}

void context_ids(json::Value& context) {
  auto& c = context.as_object();
  if (auto* i = c.find("instructor")) *i = agent_ids(*i);
  if (auto* t = c.find("team")) *t = agent_ids(*t);
  if (auto* ca = c.find("contextActivities"); ca && ca->is_object())
    for (auto& [kind, list] : ca->as_object()) {
      if (list.is_array())
        for (auto& a : list.as_array()) a = activity_ids(a);
      else if (list.is_object())
        list = activity_ids(list);
    }
  for (const char* key : {"contextAgents", "contextGroups"}) {
    auto* list = c.find(key);
    if (!list || !list->is_array()) continue;
    const char* member = std::string_view(key) == "contextAgents" ? "agent" : "group";
    for (auto& entry : list->as_array())
      if (entry.is_object())
        if (auto* a = entry.as_object().find(member)) *a = agent_ids(*a);
  }
}

// --- canonical ---------------------------------------------------------------------------

bool is_language_map(const json::Value& v) {
  if (!v.is_object() || v.as_object().empty()) return false;
  for (const auto& [k, e] : v.as_object())
    if (!e.is_string()) return false;
  return true;
}

// The key of the best entry for the preferences: for each preferred range in order, an exact
// tag, then a more specific tag ("en" → "en-US"), then the range's primary language
// ("en-GB" → "en"); the first entry when nothing matches.
const std::string* best_language(const json::Object& map, const std::vector<std::string>& prefs) {
  auto find = [&map](auto&& matches) -> const std::string* {
    for (const auto& [tag, text] : map)
      if (matches(text::ascii_lower(tag))) return &tag;
    return nullptr;
  };
  for (const auto& pref : prefs) {
    if (pref == "*") return &map.begin()->first;
    const std::string primary = pref.substr(0, pref.find('-'));
    if (auto* t = find([&](const std::string& t) { return t == pref; })) return t;
    if (auto* t = find([&](const std::string& t) { return t.starts_with(pref + "-"); })) return t;
    if (auto* t = find([&](const std::string& t) { return t == primary; })) return t;
  }
  return &map.begin()->first;
}

void filter_languages(json::Value& v, const std::vector<std::string>& prefs) {
  if (v.is_array()) {
    for (auto& e : v.as_array()) filter_languages(e, prefs);
    return;
  }
  if (!v.is_object()) return;
  for (auto& [key, child] : v.as_object()) {
    if (key == "extensions") continue;
    if ((key == "display" || key == "name" || key == "description") && is_language_map(child)) {
      const json::Object& map = child.as_object();
      const std::string* tag = best_language(map, prefs);
      json::Object one;
      one.append(*tag, *map.find(*tag));
      child = json::Value(std::move(one));
    } else {
      filter_languages(child, prefs);
    }
  }
}

}  // namespace

std::vector<std::string> parse_accept_language(std::string_view header) {
  std::vector<std::pair<double, std::string>> ranges;
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    std::string_view item = header.substr(start, comma == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : comma - start);
    double q = 1.0;
    size_t semi = item.find(';');
    std::string_view tag = trim(item.substr(0, semi));
    if (semi != std::string_view::npos) {
      std::string_view param = trim(item.substr(semi + 1));
      if (param.starts_with("q=")) q = std::strtod(std::string(param.substr(2)).c_str(), nullptr);
    }
    if (!tag.empty() && q > 0) ranges.emplace_back(q, text::ascii_lower(tag));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& r : ranges) out.push_back(std::move(r.second));
  return out;
}

json::Value complete_statement(const storage::StoredStatement& statement) {
  auto parsed = json::parse(completed_text(statement));
  return parsed ? std::move(*parsed) : json::Value();
}

void render_statement(const storage::StoredStatement& statement, StatementFormat format,
                      const std::vector<std::string>& languages, std::string& out) {
  if (format == StatementFormat::Exact) {
    out += completed_text(statement);
    return;
  }
  json::Value v = complete_statement(statement);
  if (format == StatementFormat::Ids) body_ids(v);
  else filter_languages(v, languages);
  json::serialize_to(v, out);
}

}  // namespace scribe::xapi
