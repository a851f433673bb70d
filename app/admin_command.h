// `scribe admin`: a command-line client of the server's admin API (stores, credentials, and a
// learner's erasure).
// Each invocation sends one HTTP request to {url}/admin/... with HTTP Basic auth and shows the
// answer, as the server's JSON (--json) or as aligned text.
//
// Guarantees: usage errors are found before anything is sent (exit 2, usage on stderr; a
// `store delete` without a matching --confirm never reaches the server); path segments and
// query values are percent-encoded; https is always verified (see server/http_client.h); a
// non-2xx answer prints the server's error message on stderr and exits 1, as do transport,
// configuration and credential failures; success exits 0. The admin key and secret come from
// SCRIBE_ADMIN_KEY / SCRIBE_ADMIN_SECRET, else from the bootstrap file of the configured data
// directory; they are never taken from the command line (which other users can read).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/json.h"
#include "common/result.h"

namespace scribe::app {

inline constexpr const char* kAdminUsage =
    "usage: scribe admin store create NAME\n"
    "       scribe admin store list\n"
    "       scribe admin store show NAME\n"
    "       scribe admin store delete NAME --confirm NAME\n"
    "       scribe admin credential create --store S --label L --scope X [--scope Y ...]\n"
    "                                      [--authority JSON]\n"
    "       scribe admin credential list [--store S]\n"
    "       scribe admin credential revoke KEY\n"
    "       scribe admin credential rotate KEY [--valid-until RFC3339]\n"
    "       scribe admin erase-agent --store S --agent JSON [--reason R] [--dry-run]\n"
    "                                [--record-agent]\n"
    "options (anywhere): --config FILE, --url URL (default: the configured public URL),\n"
    "       --ca-file FILE (https trust anchors; default: the system trust store), --json\n"
    "       (print the server's JSON), --section.key=value (configuration overrides)\n"
    "The admin key and secret are read from SCRIBE_ADMIN_KEY and SCRIBE_ADMIN_SECRET, else\n"
    "from the bootstrap credential file in storage.data_dir.\n";

// How a successful answer is shown as text.
enum class AdminOutput {
  StoreRecord,        // key/value lines (create, show)
  StoreList,          // table
  StoreDeleted,       // one line
  CredentialRecord,   // key/value lines, with the once-only secret (create, rotate)
  CredentialList,     // table
  CredentialRevoked,  // one line
  Erasure,            // counts (erase-agent)
};

// One parsed `scribe admin` command line: the request to send and how to show the answer.
struct AdminInvocation {
  bool help = false;  // `scribe admin help` / --help: print the usage, send nothing
  std::string config_file;
  std::vector<std::string> overrides;  // "section.key=value"
  std::string url;                     // --url; empty: public_url(config)
  std::string ca_file;
  bool json = false;
  std::string method;  // "GET", "POST", "DELETE"
  std::string target;  // below the URL, encoded: "/admin/stores/a%20b?confirm=a%20b"
  std::string body;    // JSON text, empty for none
  AdminOutput output = AdminOutput::StoreRecord;
};

// Parses argv[2..] (argv[1] is "admin"). Usage errors have status 2 and say what is wrong.
Result<AdminInvocation> parse_admin_args(int argc, char** argv);

// A path segment percent-encoded so it stays one segment ("." and ".." included).
std::string encode_path_segment(std::string_view segment);

// The admin key and secret: SCRIBE_ADMIN_KEY and SCRIBE_ADMIN_SECRET when set (both or
// neither), else the bootstrap file of `config`'s data directory.
struct AdminCredential {
  std::string key;
  std::string secret;
};
Result<AdminCredential> admin_credential(const Config& config);
// The same lookup for other clients of the server: <prefix>_KEY and <prefix>_SECRET (both or
// neither), else the bootstrap file. `scribe export` and `scribe verify --url` use "SCRIBE".
Result<AdminCredential> client_credential(const Config& config, const std::string& env_prefix);

// The text form of a successful answer's JSON `body`; an error when the body lacks what
// `output` needs. Control characters in values are shown as '?'.
Result<std::string> render_admin_text(AdminOutput output, const json::Value& body);

// What to tell the user about a non-2xx answer: the message of an error body
// ({"error":{"status","path","message"}}), else the start of whatever the body was.
std::string admin_error_message(int status, std::string_view body);

// Runs a parsed invocation against `base_url` (no trailing slash needed) with `credential`:
// writes the answer to `out`, problems to `err`, returns the exit code.
int run_admin(const AdminInvocation& invocation, const std::string& base_url,
              const AdminCredential& credential, std::ostream& out, std::ostream& err);

// The whole command with its streams: parse, load the configuration, find the credential, run.
int admin_main(int argc, char** argv, std::ostream& out, std::ostream& err);

// argv[1] is "admin". Returns the process exit code (0, 1 failure, 2 usage).
int admin_command(int argc, char** argv);

}  // namespace scribe::app
