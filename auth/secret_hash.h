// How credential secrets are kept: only as HMAC-SHA256(pepper, secret), where the pepper is 32
// random bytes in the data folder (file `auth-pepper`, owner-only), created at first start.
// Secrets are 256-bit random tokens, so a keyed hash is right and cheap (no PBKDF2 on IO
// threads): a stolen database without the pepper cannot even be brute-forced offline.
// Comparisons are constant-time.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace scribe::auth {

inline constexpr size_t kPepperBytes = 32;
inline constexpr size_t kSecretHashBytes = 32;

// Reads the pepper from `data_dir`/auth-pepper, creating it (synced, mode 0600) when absent.
Result<std::string> load_or_create_pepper(const std::string& data_dir);

// HMAC-SHA256(pepper, secret): 32 raw bytes.
std::string secret_hash(std::string_view pepper, std::string_view secret);

// Equal sizes and bytes, in time that depends only on the size.
bool constant_time_equal(std::string_view a, std::string_view b);

// `bytes` random bytes (OpenSSL's CSPRNG) as base64url text that never starts with '-', so
// that a key or secret can follow an option such as `-u` on a command line.
std::string random_credential_token(size_t bytes);
// `bytes` raw random bytes.
std::string random_bytes(size_t bytes);

}  // namespace scribe::auth
