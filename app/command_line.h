// Walking a subcommand's arguments: "--flag value" and "--flag=value" forms, and the
// "--section.key=value" configuration overrides every subcommand accepts.
#pragma once

#include <optional>
#include <string>

namespace scribe::app {

class ArgWalker {
 public:
  // Starts after argv[0] (the program) and argv[1] (the subcommand).
  ArgWalker(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // Moves to the next argument; false when none is left.
  bool next() {
    if (++i_ >= argc_) return false;
    current_ = argv_[i_];
    return true;
  }
  const std::string& current() const { return current_; }

  // The value of `flag` when the current argument is that flag (consuming a separate value).
  std::optional<std::string> value_of(const std::string& flag) {
    if (current_ == flag && i_ + 1 < argc_) return std::string(argv_[++i_]);
    if (current_.starts_with(flag + "=")) return current_.substr(flag.size() + 1);
    return std::nullopt;
  }

  // "section.key=value" when the current argument is a configuration override.
  std::optional<std::string> config_override() const {
    if (current_.starts_with("--") && current_.find('.') != std::string::npos)
      return current_.substr(2);
    return std::nullopt;
  }

 private:
  int argc_;
  char** argv_;
  int i_ = 1;
  std::string current_;
};

}  // namespace scribe::app
