// The server's Ed25519 checkpoint-signing key: a PKCS#8 PEM file in the data folder, made at
// first start with mode 0600 (common/secret_file.h) and loaded at every later one.
// Guarantees: the same file always gives the same key; the private key is never printed.
#pragma once

#include <string>

#include "common/result.h"
#include "evidence/note.h"

namespace scribe::evidence {

Result<Ed25519Key> load_or_create_signing_key(const std::string& path);

}  // namespace scribe::evidence
