#ifndef ZHUCUN_RESULT_H_
#define ZHUCUN_RESULT_H_

/// \file
/// Result<T>: a value if and only if there are no errors, plus any warnings.

#include <optional>
#include <utility>

#include "zhucun/diagnostic.h"

namespace zhucun {

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
  /// The value; only valid when ok().
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  /// Errors (when !ok()) and warnings.
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  std::optional<T> value_;
  Diagnostics diagnostics_;
};

}  // namespace zhucun

#endif  // ZHUCUN_RESULT_H_
