#ifndef ZHUCUN_RESULT_H_
#define ZHUCUN_RESULT_H_

/// \file
/// Result<T>: a value if and only if there are no errors, plus any warnings.

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "zhucun/diagnostic.h"

namespace zhucun {

/// Thrown by Result::value() on a result that has no value: a caller that
/// did not check ok() gets this error, never undefined behaviour. what()
/// names the result's first error ("[code] message"; no source position,
/// which needs the SourceManager: render diagnostics() for that).
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Diagnostics& diagnostics)
      : std::logic_error(Describe(diagnostics)) {}

 private:
  static std::string Describe(const Diagnostics& diagnostics) {
    std::string what = "zhucun::Result::value() called on a failed result";
    for (const Diagnostic& d : diagnostics.items()) {
      if (d.severity != Severity::kError) continue;
      what += ": [" + d.code + "] " + d.message;
      if (diagnostics.size() > 1) {
        what += " (and " + std::to_string(diagnostics.size() - 1) +
                " more diagnostics)";
      }
      return what;
    }
    return what + " (with no error diagnostic)";
  }
};

/// A value of type T, or the diagnostics that explain why there is none.
template <class T>
class [[nodiscard]] Result {
 public:
  /// A successful result.
  Result(T value, Diagnostics diagnostics = {})
      : value_(std::move(value)), diagnostics_(std::move(diagnostics)) {}
  /// A failed result; `diagnostics` must hold at least one error.
  explicit Result(Diagnostics diagnostics)
      : diagnostics_(std::move(diagnostics)) {}

  /// True when there is a value.
  bool ok() const { return value_.has_value(); }
  /// The value. Throws BadResultAccess when !ok().
  const T& value() const& {
    if (!value_) throw BadResultAccess(diagnostics_);
    return *value_;
  }
  T& value() & {
    if (!value_) throw BadResultAccess(diagnostics_);
    return *value_;
  }
  T&& value() && {
    if (!value_) throw BadResultAccess(diagnostics_);
    return std::move(*value_);
  }
  /// Errors (when !ok()) and warnings.
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  std::optional<T> value_;
  Diagnostics diagnostics_;
};

}  // namespace zhucun

#endif  // ZHUCUN_RESULT_H_
