// `scribe import`: bulk-loads NDJSON statements (one per line) into a data directory, in
// process, through exactly the path an HTTP POST takes: validate_statement, prepare_statement
// with the authority of the store's credential, and the CommitPipeline (group commit, synced
// WAL). Batches of --batch statements, at most --inflight batches waiting for the committer.
// Invalid lines are reported (line number and property path) and skipped; a batch the
// committer refuses (e.g. an id stored with other content) stops the import.
#pragma once

namespace scribe::app {

inline constexpr const char* kImportUsage =
    "       scribe import [--config FILE] [--section.key=value ...] [--version 2.0.0]\n"
    "                     [--batch 1000] [--inflight 4] [--key K --secret S] FILE.ndjson|-\n";

// argv[1] is "import". Returns the process exit code.
int import_command(int argc, char** argv);

}  // namespace scribe::app
