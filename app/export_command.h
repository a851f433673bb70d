// `scribe export --out FILE [filters]`: a client of GET /evidence/export that writes the
// server's NDJSON (or CSV) export to FILE, streaming, in constant memory. On a terminal it shows
// progress on stderr: statements, bytes, rate, and the ETA when the count is known (an
// unfiltered export holds as many statements as its checkpoint has leaves).
// Filters: --agent JSON, --verb IRI, --activity IRI, --registration UUID, --since T, --until T,
// --related-activities, --related-agents; --format ndjson|csv, --columns LIST (csv).
// Guarantees: FILE appears only complete: the body goes to FILE.partial, which is synced and
// renamed over FILE once the server's stream ended properly (a cut stream leaves no FILE);
// exit 0 then, 1 on any failure (the server's message shown), 2 on a usage error. The
// credential comes from SCRIBE_KEY / SCRIBE_SECRET, else the bootstrap file of the configured
// data folder; the URL from --url (the xAPI base), else the configured public URL.
#pragma once

#include <iosfwd>

namespace scribe::app {

inline constexpr const char* kExportUsage =
    "usage: scribe export --out FILE [--format ndjson|csv] [--columns LIST]\n"
    "       [--agent JSON] [--verb IRI] [--activity IRI] [--registration UUID]\n"
    "       [--since RFC3339] [--until RFC3339] [--related-activities] [--related-agents]\n"
    "       [--url XAPI_URL] [--ca-file FILE] [--config FILE] [--section.key=value ...]\n"
    "The credential is read from SCRIBE_KEY and SCRIBE_SECRET, else from the bootstrap\n"
    "credential file in storage.data_dir.\n";

int export_main(int argc, char** argv, std::ostream& out, std::ostream& err, bool progress);
// argv[1] is "export".
int export_command(int argc, char** argv);

}  // namespace scribe::app
