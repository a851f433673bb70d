// Errors as values: every fallible operation that crosses a module boundary returns a Result.
// An Error carries either a protocol answer (`status`, made by the HTTP-facing layers) or a
// protocol-free `code` (made by storage/ and evidence/, in LevelDB's terms plus the domain's),
// the JSON property path at fault (empty when the fault is not in a body) and a human-readable
// message. The protocol layers turn a code into an answer in one place (xapi/responses.h).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace scribe {

// What failed, without saying how a protocol answers it.
enum class Code : uint8_t {
  protocol,     // made by a protocol layer: `status` is the answer
  invalid,      // the input breaks a rule of the data model (`path` names it)
  conflict,     // the input contradicts what is stored
  too_large,    // the input passes a limit
  not_found,    // what the input names is not stored
  unavailable,  // Scribe is stopping or a queue is full: try again soon
  // The engine's (LevelDB's Status codes). Their messages may name files and are for the log,
  // never for a client.
  corruption,  // stored bytes do not decode
  io_error,    // the disk failed a read, write or sync
  busy,        // the engine asks to try again
  no_space,    // the disk is full
  internal,    // any other engine failure, or a broken invariant
};

// True for the engine's codes, whose messages stay in the log.
inline bool is_engine_fault(Code code) { return code >= Code::corruption; }

struct Error {
  int status = 400;     // the answer, for Code::protocol; 0 otherwise
  std::string path;     // e.g. "context.contextActivities.parent[2].id"; may be empty
  std::string message;  // what is wrong, for a person
  Code code = Code::protocol;

  // "path: message", or just the message when there is no path.
  std::string describe() const { return path.empty() ? message : path + ": " + message; }
};

inline Error bad_request(std::string path, std::string message) {
  return Error{400, std::move(path), std::move(message)};
}

// A protocol-free error, for storage/ and evidence/.
inline Error fault(Code code, std::string message, std::string path = {}) {
  return Error{0, std::move(path), std::move(message), code};
}

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that produce nothing but may fail.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}
  static Status success() { return Status(); }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace scribe
