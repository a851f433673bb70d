#include "evidence/signing_key.h"

#include <cstdlib>

#include "common/secret_file.h"

namespace scribe::evidence {

Result<Ed25519Key> load_or_create_signing_key(const std::string& path) {
  auto pem = load_or_create_secret_file(path, 4096, [] {
    auto key = Ed25519Key::generate();
    if (!key) std::abort();  // OpenSSL without Ed25519: no key can be made
    return key->pem();
  });
  if (!pem) return pem.error();
  auto key = Ed25519Key::from_pem(*pem);
  if (!key) return Error{500, "", path + " is not an Ed25519 private key (PEM); restore it from a backup"};
  return key;
}

}  // namespace scribe::evidence
