// Names the calling thread (as seen by top -H, perf and /proc/PID/task/*/comm), so operators and
// profiles can tell the IO, committer and syncer threads apart. Best effort: a name longer than
// the kernel's 15 bytes is cut, and a failure is ignored because a name is never load-bearing.
#pragma once

#include <string>

namespace scribe {

void name_this_thread(const std::string& name);

}  // namespace scribe
