#include "xapi/export_csv.h"

#include <charconv>

#include "common/json.h"

namespace scribe::xapi {

namespace {

constexpr std::string_view kDefaultColumns[] = {
    "id",        "stored",          "timestamp",        "actor.name",    "actor.id",
    "verb.id",   "verb.display",    "object.id",        "object.name",   "result.success",
    "result.completion", "result.score.scaled", "result.duration", "context.registration"};

void append_field(std::string_view value, bool is_text, std::string& out) {
  const bool formula = is_text && !value.empty() &&
                       (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                        value[0] == '\t' || value[0] == '\r');
  const bool quote = formula || value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out += value;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A language map's en-US entry, else its first.
std::string_view pick_language(const json::Node& map) {
  if (!map.is_object()) return {};
  if (std::string_view en = map.get_string("en-US"); !en.empty()) return en;
  for (const auto& [language, text] : map.as_object())
    if (text.is_string()) return text.as_string();
  return {};
}

// The cell of a default column; `is_text` says whether it came from a JSON string.
std::string default_cell(std::string_view title, const json::Node& s, bool& is_text) {
  is_text = true;
  if (title == "actor.name") return std::string(s.get("actor").get_string("name"));
  if (title == "actor.id") return csv_agent_identifier(s.get("actor"));
  if (title == "verb.display") return std::string(pick_language(s.get("verb").get("display")));
  if (title == "object.name") return std::string(pick_language(s.get("object").get("definition").get("name")));
  return {};
}

void append_value(const json::Node& v, std::string& out) {
  if (!v) return append_field("", false, out);
  if (v.is_string()) return append_field(v.as_string(), true, out);
  append_field(json::serialize(v.to_value()), false, out);
}

Result<std::vector<std::variant<std::string, size_t>>> dotted_path(std::string_view text) {
  std::vector<std::variant<std::string, size_t>> path;
  size_t start = 0;
  for (;;) {
    size_t dot = text.find('.', start);
    std::string_view part = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty()) return bad_request("columns", "an empty member name in " + std::string(text));
    size_t index = 0;
    auto r = std::from_chars(part.data(), part.data() + part.size(), index);
    if (r.ec == std::errc() && r.ptr == part.data() + part.size()) path.emplace_back(index);
    else path.emplace_back(std::string(part));
    if (dot == std::string_view::npos) return path;
    start = dot + 1;
  }
}

json::Node follow(json::Node v, const std::vector<std::variant<std::string, size_t>>& path) {
  for (const auto& step : path) {
    if (!v) return v;
    if (const std::string* name = std::get_if<std::string>(&step)) {
      v = v.get(*name);
      continue;
    }
    const size_t index = std::get<size_t>(step);
    if (!v.is_array()) return json::Node();
    json::Node found;
    size_t i = 0;
    for (json::Node item : v.as_array())
      if (i++ == index) found = item;
    v = found;
  }
  return v;
}

}  // namespace

Result<std::vector<CsvColumn>> parse_csv_columns(const std::string* columns_param) {
  std::vector<CsvColumn> columns;
  if (!columns_param) {
    for (std::string_view title : kDefaultColumns) {
      CsvColumn c{std::string(title), {}};
      if (title != "actor.name" && title != "actor.id" && title != "verb.display" && title != "object.name")
        c.path = *dotted_path(title);
      columns.push_back(std::move(c));
    }
    return columns;
  }
  const std::string& text = *columns_param;
  if (!text.empty() && text[0] == '[') {
    auto doc = json::Document::parse(text);
    if (!doc || !doc->root().is_array())
      return bad_request("columns", "a JSON list of paths must be an array of arrays");
    for (json::Node p : doc->root().as_array()) {
      if (!p.is_array()) return bad_request("columns", "each path must be an array of names and indexes");
      CsvColumn c;
      for (json::Node step : p.as_array()) {
        if (!c.title.empty()) c.title += '.';
        if (step.is_string()) {
          c.path.emplace_back(std::string(step.as_string()));
          c.title += step.as_string();
        } else if (step.is_int() && step.as_int() >= 0) {
          c.path.emplace_back(size_t(step.as_int()));
          c.title += std::to_string(step.as_int());
        } else {
          return bad_request("columns", "a path step must be a member name or an array index");
        }
      }
      if (c.path.empty()) return bad_request("columns", "an empty path");
      columns.push_back(std::move(c));
    }
  } else {
    size_t start = 0;
    for (;;) {
      size_t comma = text.find(',', start);
      std::string_view one = std::string_view(text).substr(start, comma == std::string::npos ? comma : comma - start);
      auto path = dotted_path(one);
      if (!path) return path.error();
      columns.push_back(CsvColumn{std::string(one), std::move(*path)});
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (columns.empty()) return bad_request("columns", "names no column");
  return columns;
}

void append_csv_header(const std::vector<CsvColumn>& columns, std::string& out) {
  for (size_t i = 0; i < columns.size(); i++) {
    if (i) out += ',';
    append_field(columns[i].title, true, out);
  }
  out += "\r\n";
}

void append_csv_record(const std::vector<std::string>& cells, std::string& out) {
  for (size_t i = 0; i < cells.size(); i++) {
    if (i) out += ',';
    append_field(cells[i], true, out);
  }
  out += "\r\n";
}

void append_csv_row(const std::vector<CsvColumn>& columns, const json::Node& statement, std::string& out) {
  for (size_t i = 0; i < columns.size(); i++) {
    if (i) out += ',';
    const CsvColumn& c = columns[i];
    if (c.path.empty()) {
      bool is_text = true;
      append_field(default_cell(c.title, statement, is_text), is_text, out);
    } else {
      append_value(follow(statement, c.path), out);
    }
  }
  out += "\r\n";
}

}  // namespace scribe::xapi
