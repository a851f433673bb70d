#include "auth/secret_hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/base64.h"

namespace scribe::auth {

namespace {

Error io_error(const std::string& what, const std::string& path) {
  return Error{500, "", what + " " + path + ": " + std::strerror(errno)};
}

Result<std::string> read_pepper(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", path);
  std::string bytes(kPepperBytes + 1, '\0');
  ssize_t n = ::read(fd, bytes.data(), bytes.size());
  ::close(fd);
  if (n != ssize_t(kPepperBytes))
    return Error{500, "", path + ": not a pepper file (expected " + std::to_string(kPepperBytes) +
                              " bytes); restore it from a backup, credentials depend on it"};
  bytes.resize(kPepperBytes);
  return bytes;
}

}  // namespace

Result<std::string> load_or_create_pepper(const std::string& data_dir) {
  const std::string path = (std::filesystem::path(data_dir) / "auth-pepper").string();
  if (::access(path.c_str(), F_OK) == 0) return read_pepper(path);
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) return io_error("cannot create", tmp);
  std::string pepper = random_bytes(kPepperBytes);
  bool ok = ::write(fd, pepper.data(), pepper.size()) == ssize_t(pepper.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot write", path);
  int dir = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
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
