#include "common/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace scribe {

namespace {

Error io_error(const std::string& what, const std::string& path) {
  return Error{500, "", what + " " + path + ": " + std::strerror(errno)};
}

Result<std::string> read_file(const std::string& path, size_t bytes_max) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", path);
  std::string bytes(bytes_max + 1, '\0');
  size_t got = 0;
  for (;;) {
    ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += size_t(n);
    if (got == bytes.size()) break;
  }
  ::close(fd);
  if (got > bytes_max) return Error{500, "", path + " is larger than " + std::to_string(bytes_max) + " bytes"};
  bytes.resize(got);
  return bytes;
}

}  // namespace

Result<std::string> load_or_create_secret_file(const std::string& path, size_t bytes_max,
                                               const std::function<std::string()>& make) {
  if (::access(path.c_str(), F_OK) == 0) return read_file(path, bytes_max);
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) return io_error("cannot create", tmp);
  const std::string secret = make();
  bool ok = ::write(fd, secret.data(), secret.size()) == ssize_t(secret.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot write", path);
  const std::string dir_path = std::filesystem::path(path).parent_path().string();
  int dir = ::open(dir_path.empty() ? "." : dir_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return secret;
}

}  // namespace scribe
