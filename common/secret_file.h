// Small secret files in the data folder (the auth pepper, the evidence signing key): made once,
// atomically (a temporary file written and fsynced, renamed, the folder fsynced) with mode
// 0600, and read back at every later start.
// Guarantees: a crash while making the file leaves either no file or the whole one; a file is
// never overwritten once it exists; the secret is never part of an error message.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "common/result.h"

namespace scribe {

// The contents of `path` (at most `bytes_max` bytes), made with `make()` when it does not exist.
Result<std::string> load_or_create_secret_file(const std::string& path, size_t bytes_max,
                                               const std::function<std::string()>& make);

}  // namespace scribe
