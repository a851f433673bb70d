// Loading Scribe's configuration: a strict TOML subset (sections, `key = value`, double-quoted
// strings, integers with optional `_` separators, booleans, `#` comments), environment variables
// SCRIBE_<SECTION>_<KEY> and flags --section.key=value. Every key is listed once, in kKeys below;
// the file reader, environment, overrides and describe() all walk that one table.
#include "common/config.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <variant>

extern char** environ;

namespace scribe {
namespace {

// A value as written: in a file it is typed by its syntax; from the environment or a flag it is
// typed by the key it is assigned to.
using Value = std::variant<std::string, uint64_t, bool, int64_t /* negative integers */>;

enum class Type { String, Integer, Boolean };

const char* type_name(Type t) {
  switch (t) {
    case Type::String: return "a string";
    case Type::Integer: return "an integer";
    case Type::Boolean: return "a boolean";
  }
  return "?";
}

Error config_error(std::string message) { return Error{400, "", std::move(message)}; }

struct Key {
  const char* section;
  const char* name;
  Type type;
  // Assigns a value of the right type; range errors come back as a message (empty: fine).
  std::string (*set)(Config&, const Value&);
  std::string (*get)(const Config&);  // TOML text of the current value
  const char* help;

  std::string full_name() const { return std::string(section) + "." + name; }
};

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789ABCDEF";
          out += "\\u00";
          out += hex[(c >> 4) & 0xF];
          out += hex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

template <class T>
constexpr Type type_of() {
  if constexpr (std::is_same_v<T, std::string>) return Type::String;
  else if constexpr (std::is_same_v<T, bool>) return Type::Boolean;
  else return Type::Integer;
}

template <class T>
std::string assign(T& member, const Value& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    member = std::get<std::string>(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    member = std::get<bool>(v);
  } else {
    if (const auto* neg = std::get_if<int64_t>(&v)) {
      if constexpr (std::is_unsigned_v<T>) {
        return "must not be negative";
      } else {
        if (*neg < static_cast<int64_t>(std::numeric_limits<T>::min())) return "is out of range";
        member = static_cast<T>(*neg);
        return {};
      }
    }
    uint64_t u = std::get<uint64_t>(v);
    if (u > static_cast<uint64_t>(std::numeric_limits<T>::max()))
      return "is out of range (at most " + std::to_string(std::numeric_limits<T>::max()) + ")";
    member = static_cast<T>(u);
  }
  return {};
}

template <class T>
std::string render(const T& member) {
  if constexpr (std::is_same_v<T, std::string>) return quote(member);
  else if constexpr (std::is_same_v<T, bool>) return member ? "true" : "false";
  else return std::to_string(member);
}

// One table entry for config.<Section>.<Member>.
template <auto Section, auto Member>
Key key(const char* section, const char* name, const char* help) {
  using T = std::remove_cvref_t<decltype(std::declval<Config&>().*Section.*Member)>;
  return Key{section, name, type_of<T>(),
             [](Config& c, const Value& v) { return assign(c.*Section.*Member, v); },
             [](const Config& c) { return render(c.*Section.*Member); }, help};
}

using C = Config;
const std::vector<Key>& keys() {
  static const std::vector<Key> table = {
      key<&C::server, &C::Server::host>("server", "host", "address to listen on"),
      key<&C::server, &C::Server::port>("server", "port", "TCP port; 0 picks a free one"),
      key<&C::server, &C::Server::base_path>("server", "base_path",
                                             "every xAPI resource lives below this prefix"),
      key<&C::server, &C::Server::io_threads>("server", "io_threads",
                                              "network threads; 0 = one per core"),
      key<&C::server, &C::Server::query_threads>(
          "server", "query_threads", "threads that run queries and document reads and writes (at least 1)"),
      key<&C::server, &C::Server::tls_cert_file>("server", "tls_cert_file",
                                                 "PEM certificate chain; with tls_key_file: HTTPS"),
      key<&C::server, &C::Server::tls_key_file>("server", "tls_key_file", "PEM private key"),
      key<&C::server, &C::Server::public_url>(
          "server", "public_url", "URL clients use; empty: http(s)://host:port"),
      key<&C::server, &C::Server::cors_allowed_origins>(
          "server", "cors_allowed_origins",
          "\"*\" or comma-separated origins allowed with credentials"),
      key<&C::limits, &C::Limits::body_bytes_max>("limits", "body_bytes_max",
                                                  "request body bytes (413 past it)"),
      key<&C::limits, &C::Limits::header_bytes_max>(
          "limits", "header_bytes_max", "request line + header bytes (431 past it)"),
      key<&C::limits, &C::Limits::statements_per_batch_max>(
          "limits", "statements_per_batch_max", "statements in one POST (413 past it)"),
      key<&C::limits, &C::Limits::attachment_bytes_max>("limits", "attachment_bytes_max",
                                                        "bytes of one attachment part"),
      key<&C::limits, &C::Limits::document_bytes_max>("limits", "document_bytes_max",
                                                      "bytes of one State/Profile document"),
      key<&C::limits, &C::Limits::connections_max>(
          "limits", "connections_max", "open connections; more are refused with 503"),
      key<&C::limits, &C::Limits::idle_timeout_ms>(
          "limits", "idle_timeout_ms", "a connection idle this long between requests is closed"),
      key<&C::limits, &C::Limits::request_timeout_ms>(
          "limits", "request_timeout_ms", "reading a request's body (or writing a response) may take this long"),
      key<&C::limits, &C::Limits::query_limit_default>(
          "limits", "query_limit_default", "statements per page when limit=0 or absent"),
      key<&C::limits, &C::Limits::query_limit_max>("limits", "query_limit_max",
                                                   "statements per page at most"),
      key<&C::limits, &C::Limits::commit_queue_max>(
          "limits", "commit_queue_max", "statements waiting for the committer (503 past it)"),
      key<&C::limits, &C::Limits::query_queue_max>(
          "limits", "query_queue_max", "requests waiting for a query thread (503 past it)"),
      key<&C::limits, &C::Limits::query_index_wait_ms>(
          "limits", "query_index_wait_ms",
          "a filtered query waits this long for the index to reach every acknowledged write (503 past it)"),
      key<&C::limits, &C::Limits::roster_agents_max>(
          "limits", "roster_agents_max", "learners in one completion report's roster (413 past it)"),
      key<&C::limits, &C::Limits::header_timeout_ms>(
          "limits", "header_timeout_ms", "a request's line and headers must arrive within this (then closed)"),
      key<&C::limits, &C::Limits::connections_per_address_max>(
          "limits", "connections_per_address_max", "open connections from one client address (503 past it)"),
      key<&C::limits, &C::Limits::json_depth_max>("limits", "json_depth_max", "how deep JSON may nest (400 past it)"),
      key<&C::limits, &C::Limits::backfill_referrers_max>(
          "limits", "backfill_referrers_max", "statements (transitively) referring to a late target, updated (413 past it)"),
      key<&C::limits, &C::Limits::statement_terms_max>(
          "limits", "statement_terms_max", "index terms of one statement (413 past it; at most 65535)"),
      key<&C::limits, &C::Limits::reason_bytes_max>("limits", "reason_bytes_max", "bytes of an admin change's reason"),
      key<&C::limits, &C::Limits::audit_page_max>("limits", "audit_page_max", "audit entries per page at most"),
      key<&C::limits, &C::Limits::erasure_statements_max>(
          "limits", "erasure_statements_max", "statements one erasure (413 past it) or purge erases at most"),
      key<&C::limits, &C::Limits::erasure_referrers_max>(
          "limits", "erasure_referrers_max", "statements referring to erased ones one erasure rewrites (413 past it)"),
      key<&C::limits, &C::Limits::retention_days_max>("limits", "retention_days_max", "a store's retention_days at most"),
      key<&C::storage, &C::Storage::data_dir>("storage", "data_dir", "where the database lives"),
      key<&C::storage, &C::Storage::block_cache_bytes>("storage", "block_cache_bytes",
                                                       "RocksDB block cache size"),
      key<&C::storage, &C::Storage::sync_writes>(
          "storage", "sync_writes", "fsync every commit; false only for benchmarks"),
      key<&C::storage, &C::Storage::compression_dictionary_bytes>(
          "storage", "compression_dictionary_bytes",
          "size of each store's zstd dictionary for statements; 0: statements are not compressed"),
      key<&C::storage, &C::Storage::compression_train_bytes>(
          "storage", "compression_train_bytes", "statement bytes sampled per store before its dictionary is trained"),
      key<&C::storage, &C::Storage::compression_level>("storage", "compression_level",
                                                       "zstd level for statements (1-19)"),
      key<&C::xapi, &C::Xapi::default_version>(
          "xapi", "default_version", "version used for replies to requests without one"),
      key<&C::auth, &C::Auth::bootstrap_file>(
          "auth", "bootstrap_file", "bootstrap credential file, relative to storage.data_dir"),
      key<&C::auth, &C::Auth::failures_max>(
          "auth", "failures_max", "failed logins per (address, key) before 429"),
      key<&C::auth, &C::Auth::failure_window_ms>("auth", "failure_window_ms",
                                                 "window in which failures are counted"),
      key<&C::auth, &C::Auth::throttle_entries_max>(
          "auth", "throttle_entries_max", "(address, key) pairs the throttle tracks at most"),
      key<&C::evidence, &C::Evidence::enabled>(
          "evidence", "enabled", "keep each store's tamper-evident log; false only to measure its cost"),
      key<&C::evidence, &C::Evidence::checkpoint_interval_ms>(
          "evidence", "checkpoint_interval_ms", "a store's checkpoint is signed at most this often"),
      key<&C::evidence, &C::Evidence::origin>(
          "evidence", "origin", "log name before /<store>; empty: server.public_url without its scheme"),
      key<&C::evidence, &C::Evidence::key_file>(
          "evidence", "key_file", "Ed25519 signing key (PEM), relative to storage.data_dir; made at first start"),
      key<&C::retention, &C::Retention::interval_ms>(
          "retention", "interval_ms", "stores with retention_days are purged of older statements this often"),
      key<&C::retention, &C::Retention::statements_per_run>(
          "retention", "statements_per_run", "statements one scheduled run erases per store at most"),
  };
  return table;
}

bool known_section(std::string_view s) {
  for (const auto& k : keys())
    if (s == k.section) return true;
  return false;
}

const Key* find_key(std::string_view section, std::string_view name) {
  for (const auto& k : keys())
    if (section == k.section && name == k.name) return &k;
  return nullptr;
}

// Integer literal: optional sign, decimal digits, `_` only between digits.
std::optional<Value> parse_integer(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  bool prev_digit = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      if (!prev_digit || i + 1 == s.size()) return std::nullopt;
      prev_digit = false;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
    prev_digit = true;
  }
  if (negative && v != 0) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return Value{-static_cast<int64_t>(v)};
  }
  return Value{v};
}

// Parses a double-quoted basic string at the start of `s`; `consumed` gets its length.
Result<std::string> parse_string(std::string_view s, size_t& consumed) {
  if (s.empty() || s[0] != '"') return config_error("expected a string");
  std::string out;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      consumed = i + 1;
      return out;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= s.size()) break;
    switch (s[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'u': {
        if (i + 4 >= s.size()) return config_error("bad \\u escape in string");
        unsigned cp = 0;
        for (size_t j = 1; j <= 4; ++j) {
          char h = s[i + j];
          cp <<= 4;
          if (h >= '0' && h <= '9') cp |= static_cast<unsigned>(h - '0');
          else if (h >= 'a' && h <= 'f') cp |= static_cast<unsigned>(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F') cp |= static_cast<unsigned>(h - 'A' + 10);
          else return config_error("bad \\u escape in string");
        }
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDFFF) return config_error("bad \\u escape in string");
        if (cp < 0x80) {
          out += static_cast<char>(cp);
        } else if (cp < 0x800) {
          out += static_cast<char>(0xC0 | (cp >> 6));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
          out += static_cast<char>(0xE0 | (cp >> 12));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: return config_error(std::string("unknown escape \\") + s[i] + " in string");
    }
  }
  return config_error("unterminated string");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Assigns a typed value to a key, naming the key in any error.
Status assign_value(Config& config, const Key& k, const Value& v) {
  Type given = std::holds_alternative<std::string>(v) ? Type::String
               : std::holds_alternative<bool>(v)      ? Type::Boolean
                                                      : Type::Integer;
  if (given != k.type)
    return config_error(k.full_name() + " must be " + type_name(k.type) + ", not " +
                        type_name(given));
  std::string problem = k.set(config, v);
  if (!problem.empty()) return config_error(k.full_name() + " " + problem);
  return Status::success();
}

// Text from the environment or a flag, typed by the key. Strings may be given bare or quoted.
Status assign_text(Config& config, const Key& k, std::string_view text) {
  switch (k.type) {
    case Type::String: {
      if (!text.empty() && text[0] == '"') {
        size_t used = 0;
        auto s = parse_string(text, used);
        if (!s.ok() || used != text.size())
          return config_error(k.full_name() + ": malformed quoted string");
        return assign_value(config, k, Value{*s});
      }
      return assign_value(config, k, Value{std::string(text)});
    }
    case Type::Integer: {
      auto v = parse_integer(trim(text));
      if (!v) return config_error(k.full_name() + " must be an integer, got '" +
                                  std::string(text) + "'");
      return assign_value(config, k, *v);
    }
    case Type::Boolean: {
      std::string_view t = trim(text);
      if (t == "true") return assign_value(config, k, Value{true});
      if (t == "false") return assign_value(config, k, Value{false});
      return config_error(k.full_name() + " must be true or false, got '" + std::string(text) +
                          "'");
    }
  }
  return Status::success();
}

Status parse_text(Config& config, std::string_view text, const std::string& source) {
  std::string section;
  std::set<std::string> seen_sections, seen_keys;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    const std::string where = source + ":" + std::to_string(line_no) + ": ";
    if (line.empty() || line[0] == '#') continue;

    if (line[0] == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) return config_error(where + "unterminated section");
      std::string_view rest = trim(line.substr(close + 1));
      if (!rest.empty() && rest[0] != '#')
        return config_error(where + "unexpected text after section header");
      std::string name(trim(line.substr(1, close - 1)));
      if (!known_section(name)) return config_error(where + "unknown section [" + name + "]");
      if (!seen_sections.insert(name).second)
        return config_error(where + "section [" + name + "] appears twice");
      section = name;
      continue;
    }

    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return config_error(where + "expected key = value");
    std::string name(trim(line.substr(0, eq)));
    std::string_view raw = trim(line.substr(eq + 1));
    if (name.empty()) return config_error(where + "missing key name");
    if (section.empty())
      return config_error(where + "key '" + name + "' outside of any section");
    const Key* k = find_key(section, name);
    if (!k) return config_error(where + "unknown key " + section + "." + name);
    if (!seen_keys.insert(k->full_name()).second)
      return config_error(where + k->full_name() + " is set twice");
    if (raw.empty()) return config_error(where + k->full_name() + " has no value");

    Value value;
    std::string_view after;
    if (raw[0] == '"') {
      size_t used = 0;
      auto s = parse_string(raw, used);
      if (!s.ok()) return config_error(where + k->full_name() + ": " + s.error().message);
      value = std::move(*s);
      after = raw.substr(used);
    } else {
      size_t hash = raw.find('#');
      std::string_view token = trim(raw.substr(0, hash));
      after = hash == std::string_view::npos ? std::string_view{} : raw.substr(hash);
      if (token == "true") {
        value = true;
      } else if (token == "false") {
        value = false;
      } else if (auto i = parse_integer(token)) {
        value = *i;
      } else {
        return config_error(where + k->full_name() + ": invalid value '" + std::string(token) +
                            "'");
      }
    }
    after = trim(after);
    if (!after.empty() && after[0] != '#')
      return config_error(where + k->full_name() + ": unexpected text after value");
    Status st = assign_value(config, *k, value);
    if (!st.ok()) return config_error(where + st.error().message);
  }
  return Status::success();
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

}  // namespace

Result<Config> load_config_file(const std::string& path, bool required) {
  Config config;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (required) return config_error("cannot open configuration file " + path);
    return config;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return config_error("cannot read configuration file " + path);
  Status st = parse_text(config, text.str(), path);
  if (!st.ok()) return st.error();
  return config;
}

Status apply_environment(Config& config) {
  // Known keys first, in table order.
  for (const auto& k : keys()) {
    std::string var = "SCRIBE_" + upper(k.section) + "_" + upper(k.name);
    if (const char* v = std::getenv(var.c_str())) {
      Status st = assign_text(config, k, v);
      if (!st.ok()) return config_error("environment " + var + ": " + st.error().message);
    }
  }
  // A SCRIBE_<SECTION>_* variable naming no key is a typo worth reporting.
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    if (name.substr(0, 7) != "SCRIBE_") continue;
    for (const auto& k : keys()) {
      std::string prefix = "SCRIBE_" + upper(k.section) + "_";
      if (name.substr(0, prefix.size()) != prefix) continue;
      bool matched = false;
      for (const auto& other : keys())
        if (name == "SCRIBE_" + upper(other.section) + "_" + upper(other.name)) matched = true;
      if (!matched)
        return config_error("unknown environment variable " + std::string(name) +
                            " (no such key in [" + k.section + "])");
      break;
    }
  }
  return Status::success();
}

Status apply_override(Config& config, const std::string& assignment) {
  std::string_view a = assignment;
  if (a.substr(0, 2) == "--") a.remove_prefix(2);
  size_t eq = a.find('=');
  if (eq == std::string_view::npos)
    return config_error("override '" + assignment + "' must look like --section.key=value");
  std::string_view name = a.substr(0, eq);
  size_t dot = name.find('.');
  if (dot == std::string_view::npos)
    return config_error("override '" + assignment + "' must look like --section.key=value");
  std::string_view section = name.substr(0, dot), key_name = name.substr(dot + 1);
  if (!known_section(section))
    return config_error("unknown section [" + std::string(section) + "] in override '" +
                        assignment + "'");
  const Key* k = find_key(section, key_name);
  if (!k) return config_error("unknown key " + std::string(name) + " in override");
  return assign_text(config, *k, a.substr(eq + 1));
}

std::string public_url(const Config& config) {
  if (!config.server.public_url.empty()) return config.server.public_url;
  bool tls = !config.server.tls_cert_file.empty();
  return std::string(tls ? "https://" : "http://") + config.server.host + ":" +
         std::to_string(config.server.port);
}

std::string describe(const Config& config) {
  std::string out;
  std::string section;
  for (const auto& k : keys()) {
    if (section != k.section) {
      if (!section.empty()) out += "\n";
      section = k.section;
      out += "[" + section + "]\n";
    }
    out += std::string(k.name) + " = " + k.get(config) + "\n";
  }
  return out;
}

}  // namespace scribe
