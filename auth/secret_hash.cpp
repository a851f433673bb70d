#include "auth/secret_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <filesystem>

#include "common/base64.h"
#include "common/secret_file.h"

namespace scribe::auth {

Result<std::string> load_or_create_pepper(const std::string& data_dir) {
  const std::string path = (std::filesystem::path(data_dir) / "auth-pepper").string();
  auto pepper = load_or_create_secret_file(path, kPepperBytes, [] { return random_bytes(kPepperBytes); });
  if (pepper && pepper->size() != kPepperBytes)
    return Error{500, "", path + ": not a pepper file (expected " + std::to_string(kPepperBytes) +
                              " bytes); restore it from a backup, credentials depend on it"};
  return pepper;
}

std::string secret_hash(std::string_view pepper, std::string_view secret) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), pepper.data(), int(pepper.size()),
       reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), int(bytes)) != 1) std::abort();
  return raw;
}

std::string random_credential_token(size_t bytes) {
  for (;;) {  // one draw in 64 starts with '-': draw again
    std::string token = base64url_encode(random_bytes(bytes));
    if (!token.starts_with('-')) return token;
  }
}

}  // namespace scribe::auth
