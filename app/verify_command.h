// `scribe verify FILE [--key VKEY] [--previous CHECKPOINT] [--consistency FILE | --url URL]`:
// checks an evidence export offline (evidence/export_verifier.h) and prints its counts, or the
// first failure naming the line and the statement. VKEY is the verifier key's text or a file
// holding it; CHECKPOINT a file holding a checkpoint kept from an earlier export; the
// consistency proof from it comes from a file (one base64 hash a line) or from the server at
// URL (the xAPI base, e.g. http://127.0.0.1:8080/xapi; credential from SCRIBE_KEY and
// SCRIBE_SECRET). FILE "-" reads standard input.
// Guarantees: exit 0 only when every check held; 1 on a failed check or an unreadable input;
// 2 on a usage error. Without --key the export's own key is used and the output says that this
// proves no identity. Needs only common/, evidence/ and (for --url) the HTTP client: no
// database (the scribe-verify binary links nothing else).
#pragma once

#include <iosfwd>

namespace scribe::app {

inline constexpr const char* kVerifyUsage =
    "usage: scribe verify FILE [--key VKEY|FILE] [--previous CHECKPOINT_FILE]\n"
    "                          [--consistency PROOF_FILE | --url XAPI_URL [--ca-file FILE]]\n"
    "FILE is an NDJSON export (scribe export, GET /evidence/export); - reads standard input.\n"
    "--url fetches the consistency proof with the credential in SCRIBE_KEY / SCRIBE_SECRET.\n";

int verify_main(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);
// argv[1] is "verify".
int verify_command(int argc, char** argv);

}  // namespace scribe::app
