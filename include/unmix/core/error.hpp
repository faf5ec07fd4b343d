#pragma once
// Exceptions. Every user-facing failure is an unmix::Error whose what() is one line that
// names the file (when there is one), the field, and what was expected.
#include <stdexcept>
#include <string>

namespace unmix {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad user input: a file, a field inside it, and what was expected of it.
class InputError : public Error {
 public:
  InputError(const std::string& file, const std::string& field, const std::string& problem)
      : Error(Format(file, field, problem)), file_(file), field_(field) {}
  explicit InputError(const std::string& problem) : Error(problem) {}

  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }

 private:
  static std::string Format(const std::string& file, const std::string& field, const std::string& problem) {
    std::string s;
    if (!file.empty()) s += file + ": ";
    if (!field.empty()) s += field + ": ";
    return s + problem;
  }
  std::string file_, field_;
};

// Options that do not make sense together or out of range.
class OptionError : public Error {
 public:
  using Error::Error;
};

}  // namespace unmix
