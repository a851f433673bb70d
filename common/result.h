// Errors as values: every fallible operation that crosses a module boundary returns a Result.
// An Error carries the HTTP status the protocol layer should answer with, the JSON property
// path at fault (empty when the fault is not in a body) and a human-readable message.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace scribe {

struct Error {
  int status = 400;
  std::string path;     // e.g. "context.contextActivities.parent[2].id"; may be empty
  std::string message;  // what is wrong, for a person

  // "path: message", or just the message when there is no path.
  std::string describe() const { return path.empty() ? message : path + ": " + message; }
};

inline Error bad_request(std::string path, std::string message) {
  return Error{400, std::move(path), std::move(message)};
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
