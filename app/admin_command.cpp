// `scribe admin`: argument parsing, the request, and the text rendering of answers; see
// admin_command.h for what it guarantees.
#include "app/admin_command.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/bootstrap.h"
#include "app/command_line.h"
#include "common/base64.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "server/http_client.h"

namespace scribe::app {

namespace {

// Deleting a large store may take the server a while; nothing else comes close.
constexpr uint32_t kRequestTimeoutMs = 120000;
// Admin answers are small; a list of every credential is the largest.
constexpr uint64_t kResponseBytesMax = 64ull << 20;
// How much of a body that is not an error object is quoted back.
constexpr size_t kErrorQuoteBytesMax = 200;

Error usage_error(std::string message) { return Error{2, "", std::move(message)}; }

// ----- parsing -----

// What the command line holds besides the global options.
struct CommandArgs {
  std::vector<std::string> words;  // positionals: "store", "delete", NAME
  std::vector<std::string> given;  // subcommand options seen, e.g. "--store"
  std::string confirm, store, label, authority, valid_until, agent, reason;
  std::vector<std::string> scopes;
  bool dry_run = false, record_agent = false;
};

// An option that takes a value. `list` collects repeats; otherwise a repeat is an error.
struct ValueFlag {
  std::string name;
  std::string* value;
  std::vector<std::string>* list;
  bool subcommand;  // only some subcommands take it
};

std::vector<ValueFlag> value_flags(AdminInvocation& inv, CommandArgs& cmd) {
  return {{"--config", &inv.config_file, nullptr, false},
          {"--url", &inv.url, nullptr, false},
          {"--ca-file", &inv.ca_file, nullptr, false},
          {"--confirm", &cmd.confirm, nullptr, true},
          {"--store", &cmd.store, nullptr, true},
          {"--label", &cmd.label, nullptr, true},
          {"--scope", nullptr, &cmd.scopes, true},
          {"--authority", &cmd.authority, nullptr, true},
          {"--valid-until", &cmd.valid_until, nullptr, true},
          {"--agent", &cmd.agent, nullptr, true},
          {"--reason", &cmd.reason, nullptr, true}};
}

// Consumes the current argument (and its value) when it is one of `flags`. nullopt: it is not.
std::optional<Status> take_value_flag(ArgWalker& walker, std::vector<ValueFlag>& flags,
                                      CommandArgs& cmd) {
  const std::string& a = walker.current();
  for (auto& f : flags) {
    if (a != f.name && !a.starts_with(f.name + "=")) continue;
    auto v = walker.value_of(f.name);
    if (!v) return Status(usage_error(f.name + " needs a value"));
    if (f.list) {
      f.list->push_back(*v);
    } else {
      bool seen = std::find(cmd.given.begin(), cmd.given.end(), f.name) != cmd.given.end();
      if (seen || (!f.subcommand && !f.value->empty()))
        return Status(usage_error(f.name + " is given twice"));
      *f.value = *v;
    }
    if (f.subcommand) cmd.given.push_back(f.name);
    return Status::success();
  }
  return std::nullopt;
}

Status walk_args(int argc, char** argv, AdminInvocation& inv, CommandArgs& cmd) {
  auto flags = value_flags(inv, cmd);
  ArgWalker walker(argc, argv);
  bool options_done = false;
  while (walker.next()) {
    const std::string a = walker.current();
    if (options_done || a == "-" || !a.starts_with("-")) {
      cmd.words.push_back(a);
    } else if (a == "--") {
      options_done = true;
    } else if (a == "--json") {
      inv.json = true;
    } else if (a == "--dry-run" || a == "--record-agent") {
      (a == "--dry-run" ? cmd.dry_run : cmd.record_agent) = true;
      cmd.given.push_back(a);
    } else if (a == "--help" || a == "-h") {
      inv.help = true;
    } else if (auto taken = take_value_flag(walker, flags, cmd)) {
      if (!*taken) return *taken;
    } else if (auto o = walker.config_override()) {
      inv.overrides.push_back(*o);
    } else {
      return usage_error("unknown option " + a);
    }
  }
  return Status::success();
}

// Sets the request `inv` makes and how its answer is shown; returns success, for the builders to
// return.
Status set_request(AdminInvocation& inv, std::string method, std::string target,
                   std::optional<json::Object> body, AdminOutput output) {
  inv.method = std::move(method);
  inv.target = std::move(target);
  inv.body = body ? json::serialize(json::Value(std::move(*body))) : "";
  inv.output = output;
  return Status::success();
}

Status store_create(const CommandArgs& c, AdminInvocation& inv) {
  json::Object body;
  body.append("name", c.words[2]);
  return set_request(inv, "POST", "/admin/stores", std::move(body), AdminOutput::StoreRecord);
}

Status store_list(const CommandArgs&, AdminInvocation& inv) {
  return set_request(inv, "GET", "/admin/stores", std::nullopt, AdminOutput::StoreList);
}

Status store_show(const CommandArgs& c, AdminInvocation& inv) {
  return set_request(inv, "GET", "/admin/stores/" + encode_path_segment(c.words[2]), std::nullopt,
                     AdminOutput::StoreRecord);
}

Status store_delete(const CommandArgs& c, AdminInvocation& inv) {
  const std::string& name = c.words[2];
  if (c.confirm.empty())
    return usage_error("store delete deletes every statement and document of the store; "
                       "repeat its name with --confirm " + name + " to go ahead");
  if (c.confirm != name)
    return usage_error("--confirm '" + c.confirm + "' does not match the store name '" + name + "'");
  return set_request(
      inv, "DELETE",
      "/admin/stores/" + encode_path_segment(name) + "?confirm=" + text::percent_encode(name),
      std::nullopt, AdminOutput::StoreDeleted);
}

Status credential_create(const CommandArgs& c, AdminInvocation& inv) {
  if (c.store.empty()) return usage_error("credential create needs --store S");
  if (c.label.empty()) return usage_error("credential create needs --label L");
  if (c.scopes.empty()) return usage_error("credential create needs at least one --scope X");
  json::Array scopes;
  for (const auto& s : c.scopes) {
    if (s.empty()) return usage_error("--scope must not be empty");
    scopes.emplace_back(s);
  }
  json::Object body;
  body.append("store", c.store);
  body.append("label", c.label);
  body.append("scopes", std::move(scopes));
  if (!c.authority.empty()) {
    auto authority = json::parse(c.authority);
    if (!authority) return usage_error("--authority is not JSON: " + authority.error().message);
    if (!authority->is_object()) return usage_error("--authority must be a JSON object (an Agent)");
    body.append("authority", std::move(*authority));
  }
  return set_request(inv, "POST", "/admin/credentials", std::move(body),
                     AdminOutput::CredentialRecord);
}

Status credential_list(const CommandArgs& c, AdminInvocation& inv) {
  bool filtered = std::find(c.given.begin(), c.given.end(), "--store") != c.given.end();
  if (filtered && c.store.empty()) return usage_error("--store must not be empty");
  std::string target = "/admin/credentials";
  if (filtered) target += "?store=" + text::percent_encode(c.store);
  return set_request(inv, "GET", std::move(target), std::nullopt, AdminOutput::CredentialList);
}

Status credential_revoke(const CommandArgs& c, AdminInvocation& inv) {
  return set_request(inv, "DELETE", "/admin/credentials/" + encode_path_segment(c.words[2]),
                     std::nullopt, AdminOutput::CredentialRevoked);
}

Status credential_rotate(const CommandArgs& c, AdminInvocation& inv) {
  json::Object body;
  if (std::find(c.given.begin(), c.given.end(), "--valid-until") != c.given.end()) {
    if (auto t = parse_timestamp(c.valid_until, true); !t)
      return usage_error("--valid-until '" + c.valid_until + "' is not an RFC 3339 time (" +
                         t.error().message + ")");
    body.append("valid_until", c.valid_until);
  }
  return set_request(inv, "POST",
                     "/admin/credentials/" + encode_path_segment(c.words[2]) + "/rotate",
                     std::move(body), AdminOutput::CredentialRecord);
}

Status erase_agent(const CommandArgs& c, AdminInvocation& inv) {
  if (c.store.empty()) return usage_error("erase-agent needs --store S");
  if (c.agent.empty()) return usage_error("erase-agent needs --agent JSON (the learner's Agent)");
  auto agent = json::parse(c.agent);
  if (!agent || !agent->is_object()) return usage_error("--agent must be a JSON object (an Agent)");
  json::Object body;
  body.append("agent", std::move(*agent));
  if (!c.reason.empty()) body.append("reason", c.reason);
  if (c.record_agent) body.append("record_agent", true);
  return set_request(inv, "POST",
                     "/admin/stores/" + encode_path_segment(c.store) + "/erasures" + (c.dry_run ? "?dry_run=true" : ""),
                     std::move(body), AdminOutput::Erasure);
}

struct Subcommand {
  const char* name;     // "store delete"
  const char* operand;  // "NAME", "KEY", or nullptr for none
  std::vector<std::string> options;
  Status (*build)(const CommandArgs&, AdminInvocation&);
};

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> all = {
      {"store create", "NAME", {}, store_create},
      {"store list", nullptr, {}, store_list},
      {"store show", "NAME", {}, store_show},
      {"store delete", "NAME", {"--confirm"}, store_delete},
      {"credential create", nullptr, {"--store", "--label", "--scope", "--authority"},
       credential_create},
      {"credential list", nullptr, {"--store"}, credential_list},
      {"credential revoke", "KEY", {}, credential_revoke},
      {"credential rotate", "KEY", {"--valid-until"}, credential_rotate},
      {"erase-agent", nullptr, {"--store", "--agent", "--reason", "--dry-run", "--record-agent"}, erase_agent},
  };
  return all;
}

// The operand count and the subcommand options must fit `sub`.
Status check_shape(const Subcommand& sub, const CommandArgs& c) {
  const size_t name_words = std::string_view(sub.name).find(' ') == std::string_view::npos ? 1 : 2;
  size_t want = name_words + (sub.operand ? 1 : 0);
  if (c.words.size() < want) return usage_error(std::string(sub.name) + " needs " + sub.operand);
  if (c.words.size() > want) return usage_error("unexpected argument '" + c.words[want] + "'");
  if (sub.operand && c.words[name_words].empty())
    return usage_error(std::string(sub.operand) + " must not be empty");
  for (const auto& g : c.given)
    if (std::find(sub.options.begin(), sub.options.end(), g) == sub.options.end())
      return usage_error(g + " does not apply to " + sub.name);
  return Status::success();
}

Status check_url(const std::string& url) {
  if (url.empty()) return Status::success();
  auto parsed = server::parse_http_url(url);
  if (!parsed) return usage_error("--url: " + parsed.error().message);
  if (url.find_first_of("?#") != std::string::npos)
    return usage_error("--url must not have a query or fragment");
  return Status::success();
}

// ----- rendering -----

// Control characters (a terminal would obey them) become '?'.
std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

// Columns a UTF-8 string takes, counting one per code point.
size_t display_width(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool is_scalar(const json::Value& v) { return !v.is_array() && !v.is_object(); }

// A value as one cell: "-" for absent or null, scalar arrays comma-joined, other JSON compact.
std::string cell(const json::Value* v) {
  if (!v || v->is_null()) return "-";
  if (v->is_string()) return printable(v->as_string());
  if (v->is_array()) {
    std::string joined;
    for (const auto& item : v->as_array()) {
      if (!is_scalar(item)) return printable(json::serialize(*v));
      joined += (joined.empty() ? "" : ", ") + cell(&item);
    }
    return joined.empty() ? "-" : joined;
  }
  return printable(json::serialize(*v));
}

using Lines = std::vector<std::pair<std::string, std::string>>;

// "key  value" lines with the values aligned.
std::string render_lines(const Lines& lines) {
  size_t width = 0;
  for (const auto& [k, v] : lines) width = std::max(width, display_width(k));
  std::string out;
  for (const auto& [k, v] : lines)
    out += k + std::string(width - display_width(k) + 2, ' ') + v + "\n";
  return out;
}

// A header row and one row per item, columns aligned, no trailing spaces.
std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& h : header) widths.push_back(display_width(h));
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  auto line = [&widths](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(widths[i] - display_width(cells[i]) + 2, ' ');
    }
    return out + "\n";
  };
  std::string out = line(header);
  for (const auto& row : rows) out += line(row);
  return out;
}

Result<const json::Array*> items(const json::Value& body, const char* member) {
  const json::Value* list = body.get(member);
  if (!list || !list->is_array())
    return Error{502, "", std::string("the answer has no \"") + member + "\" array"};
  return &list->as_array();
}

std::string render_store_record(const json::Value& body) {
  Lines lines;
  for (const char* k : {"name", "id", "created"}) lines.emplace_back(k, cell(body.get(k)));
  if (const json::Value* stats = body.get("stats"); stats && stats->is_object())
    for (const auto& [k, v] : stats->as_object()) lines.emplace_back(printable(k), cell(&v));
  return render_lines(lines);
}

std::string render_credential_record(const json::Value& body) {
  Lines lines;
  for (const char* k : {"key", "secret", "store", "label", "scopes", "authority", "created",
                        "previous_secret_valid_until"})
    if (body.get(k)) lines.emplace_back(k, cell(body.get(k)));
  std::string out = render_lines(lines);
  if (body.get("secret"))
    out += "\nThe secret is shown only this once: save it now.\n";
  return out;
}

Result<std::string> render_store_list(const json::Value& body) {
  auto stores = items(body, "stores");
  if (!stores) return stores.error();
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : **stores)
    rows.push_back({cell(s.get("name")), cell(s.get("id")), cell(s.get("created"))});
  return render_table({"NAME", "ID", "CREATED"}, rows);
}

// SECRETS: how many secrets a credential has; VALID_UNTIL: when the ones that end do.
std::pair<std::string, std::string> secrets_cells(const json::Value& credential) {
  const json::Value* secrets = credential.get("secrets");
  if (!secrets || !secrets->is_array()) return {"-", "-"};
  std::string until;
  for (const auto& s : secrets->as_array())
    if (const json::Value* v = s.get("valid_until"); v && !v->is_null())
      until += (until.empty() ? "" : ", ") + cell(v);
  return {std::to_string(secrets->as_array().size()), until.empty() ? "-" : until};
}

Result<std::string> render_credential_list(const json::Value& body) {
  auto credentials = items(body, "credentials");
  if (!credentials) return credentials.error();
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : **credentials) {
    auto [count, until] = secrets_cells(c);
    rows.push_back({cell(c.get("key")), cell(c.get("store")), cell(c.get("label")),
                    cell(c.get("scopes")), cell(c.get("created")), count, until});
  }
  return render_table({"KEY", "STORE", "LABEL", "SCOPES", "CREATED", "SECRETS", "VALID_UNTIL"},
                      rows);
}

// ----- the request -----

std::string admin_url(std::string base, const std::string& target) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + target;
}

server::HttpClientRequest http_request_for(const AdminInvocation& inv, const std::string& base_url,
                                           const AdminCredential& credential) {
  server::HttpClientRequest req;
  req.method = inv.method;
  req.url = admin_url(base_url, inv.target);
  req.headers.emplace_back(
      "Authorization", "Basic " + base64_encode(credential.key + ":" + credential.secret));
  req.headers.emplace_back("Accept", "application/json");
  if (!inv.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = inv.body;
  req.timeout_ms = kRequestTimeoutMs;
  req.response_body_bytes_max = kResponseBytesMax;
  req.ca_file = inv.ca_file;
  return req;
}

std::string_view trim_trailing_space(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::string encode_path_segment(std::string_view segment) {
  if (segment == "." || segment == "..")
    return segment.size() == 1 ? "%2E" : "%2E%2E";
  return text::percent_encode(segment);
}

Result<AdminInvocation> parse_admin_args(int argc, char** argv) {
  AdminInvocation inv;
  CommandArgs cmd;
  if (Status s = walk_args(argc, argv, inv, cmd); !s) return s.error();
  if (inv.help || (!cmd.words.empty() && cmd.words[0] == "help")) {
    inv.help = true;
    return inv;
  }
  if (Status s = check_url(inv.url); !s) return s.error();
  if (cmd.words.empty()) return usage_error("no subcommand (store, credential or erase-agent)");
  const std::string& group = cmd.words[0];
  if (group != "store" && group != "credential" && group != "erase-agent")
    return usage_error("unknown subcommand '" + group + "' (store, credential or erase-agent)");
  if (group != "erase-agent" && cmd.words.size() < 2) return usage_error(group + " needs an action");
  std::string name = group == "erase-agent" ? group : group + " " + cmd.words[1];
  for (const auto& sub : subcommands()) {
    if (name != sub.name) continue;
    if (Status s = check_shape(sub, cmd); !s) return s.error();
    if (Status s = sub.build(cmd, inv); !s) return s.error();
    return inv;
  }
  return usage_error("unknown action '" + cmd.words[1] + "' for " + group);
}

Result<AdminCredential> client_credential(const Config& config, const std::string& env_prefix) {
  const std::string key_name = env_prefix + "_KEY", secret_name = env_prefix + "_SECRET";
  const char* key = std::getenv(key_name.c_str());
  const char* secret = std::getenv(secret_name.c_str());
  bool has_key = key && *key, has_secret = secret && *secret;
  if (has_key && has_secret) return AdminCredential{key, secret};
  if (has_key != has_secret)
    return Error{401, "", has_key ? key_name + " is set but " + secret_name + " is not"
                                  : secret_name + " is set but " + key_name + " is not"};
  auto kept = read_bootstrap_file(config);
  if (kept && !kept->second.empty()) return AdminCredential{kept->first, kept->second};
  auto path = std::filesystem::path(config.storage.data_dir) / config.auth.bootstrap_file;
  return Error{401, "",
               "no credential: set " + key_name + " and " + secret_name + ", or run where "
               "the bootstrap credential file " + path.string() + " is readable"};
}

Result<AdminCredential> admin_credential(const Config& config) { return client_credential(config, "SCRIBE_ADMIN"); }

std::string render_erasure(const json::Value& body) {
  const bool dry = body.get("dry_run") && body.get("dry_run")->is_bool() && body.get("dry_run")->as_bool();
  std::string out = dry ? "dry run, nothing erased; an erasure would remove:\n" : "erased:\n";
  for (const char* what : {"statements", "attachments", "state_documents", "agent_profiles", "agent_entries"})
    if (body.get(what)) out += std::string("  ") + what + ": " + cell(body.get(what)) + "\n";
  if (!dry) out += "recorded as audit entry " + cell(body.get("audit_index")) + "\n";
  return out;
}

Result<std::string> render_admin_text(AdminOutput output, const json::Value& body) {
  if (!body.is_object()) return Error{502, "", "the answer is not a JSON object"};
  switch (output) {
    case AdminOutput::StoreRecord: return render_store_record(body);
    case AdminOutput::StoreList: return render_store_list(body);
    case AdminOutput::StoreDeleted: return "deleted store " + cell(body.get("name")) + "\n";
    case AdminOutput::CredentialRecord: return render_credential_record(body);
    case AdminOutput::CredentialList: return render_credential_list(body);
    case AdminOutput::CredentialRevoked: return "revoked credential " + cell(body.get("key")) + "\n";
    case AdminOutput::Erasure: return render_erasure(body);
  }
  return Error{500, "", "unknown output kind"};
}

std::string admin_error_message(int status, std::string_view body) {
  std::string http = "HTTP " + std::to_string(status);
  if (auto parsed = json::parse(body); parsed && parsed->is_object()) {
    const json::Value* error = parsed->get("error");
    if (error && error->is_object() && !error->get_string("message").empty()) {
      std::string path(error->get_string("path"));
      std::string message(error->get_string("message"));
      // The message may already name the path ("name: no store named 'x'").
      if (!path.empty() && !message.starts_with(path + ": ")) message = path + ": " + message;
      return printable(message) + " (" + http + ")";
    }
  }
  std::string_view quoted = trim_trailing_space(body.substr(0, kErrorQuoteBytesMax));
  if (quoted.empty()) return http + " with no error message";
  return http + ": " + printable(quoted) + (body.size() > kErrorQuoteBytesMax ? "..." : "");
}

int run_admin(const AdminInvocation& inv, const std::string& base_url,
              const AdminCredential& credential, std::ostream& out, std::ostream& err) {
  auto response = server::http_request(http_request_for(inv, base_url, credential));
  if (!response) {
    err << "scribe admin: " << response.error().describe() << "\n";
    return 1;
  }
  if (response->status < 200 || response->status > 299) {
    err << "scribe admin: " << admin_error_message(response->status, response->body) << "\n";
    return 1;
  }
  auto body = json::parse(response->body);
  if (!body) {
    err << "scribe admin: the answer (HTTP " << response->status
        << ") is not JSON: " << body.error().message << "\n";
    return 1;
  }
  if (inv.json) {
    out << trim_trailing_space(response->body) << "\n";
    return 0;
  }
  auto text = render_admin_text(inv.output, *body);
  if (!text) {
    err << "scribe admin: unexpected answer: " << text.error().message << "\n";
    return 1;
  }
  out << *text;
  return 0;
}

int admin_main(int argc, char** argv, std::ostream& out, std::ostream& err) {
  auto inv = parse_admin_args(argc, argv);
  if (!inv) {
    err << "scribe admin: " << inv.error().message << "\n" << kAdminUsage;
    return 2;
  }
  if (inv->help) {
    out << kAdminUsage;
    return 0;
  }
  auto config = load_config(inv->config_file, inv->overrides);
  if (!config) {
    err << "scribe admin: " << config.error().describe() << "\n";
    return 1;
  }
  auto credential = admin_credential(*config);
  if (!credential) {
    err << "scribe admin: " << credential.error().message << "\n";
    return 1;
  }
  std::string base_url = inv->url.empty() ? public_url(*config) : inv->url;
  return run_admin(*inv, base_url, *credential, out, err);
}

int admin_command(int argc, char** argv) { return admin_main(argc, argv, std::cout, std::cerr); }

}  // namespace scribe::app
