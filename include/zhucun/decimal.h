#ifndef ZHUCUN_DECIMAL_H_
#define ZHUCUN_DECIMAL_H_

/// \file
/// Decimal: an exact decimal number, a signed 64-bit coefficient and a scale
/// (number of fractional digits, 0..kMaxScale). Value = coefficient / 10^scale.
///
/// All arithmetic is exact or fails: an operation whose exact result does not
/// fit reports overflow, never wraps and never rounds silently. Equality and
/// ordering compare the numeric value, so 1.5 == 1.50.
///
///     auto a = zhucun::Decimal::Parse("50.3");   // std::optional<Decimal>
///     auto b = zhucun::Decimal::Parse("0.3");
///     zhucun::Decimal p;
///     if (zhucun::Decimal::Mul(*a, *b, &p)) { p.ToString(); }  // "15.09"

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zhucun/export.h"

namespace zhucun {

/// An exact decimal number.
class ZHUCUN_API Decimal {
 public:
  /// The largest supported scale (fractional digits).
  static constexpr int kMaxScale = 18;

  /// Zero with scale 0.
  constexpr Decimal() = default;
  /// coefficient / 10^scale. Requires 0 <= scale <= kMaxScale.
  static constexpr Decimal FromUnscaled(int64_t coefficient, int scale) {
    Decimal d;
    d.coefficient_ = coefficient;
    d.scale_ = static_cast<uint8_t>(scale);
    return d;
  }
  /// 10^n, for 0 <= n <= kMaxScale.
  static constexpr int64_t PowerOfTen(int n) {
    int64_t p = 1;
    for (int i = 0; i < n; ++i) p *= 10;
    return p;
  }
  /// An integer as a decimal of scale 0.
  static constexpr Decimal FromInt(int64_t v) { return FromUnscaled(v, 0); }

  /// Parses `-?[0-9]+(\.[0-9]+)?` with at most `max_fraction_digits`
  /// fractional digits (and at most kMaxScale). No '+', no exponent, no
  /// spaces. Leading zeros are allowed. Returns nullopt on a malformed text
  /// or when the value does not fit. The scale of the result is the number
  /// of fractional digits written ("1.50" has scale 2).
  static std::optional<Decimal> Parse(std::string_view text,
                                      int max_fraction_digits = kMaxScale);

  /// The exact value of a double, if it has at most kMaxScale fractional
  /// digits in its shortest round-trip decimal form and fits; e.g. 0.2 -> 0.2.
  static std::optional<Decimal> FromDouble(double v);

  int64_t coefficient() const { return coefficient_; }
  int scale() const { return scale_; }

  /// Exact text with exactly scale() fractional digits: "-1.50", "0", "0.00".
  /// Never prints "-0" or "-0.00".
  std::string ToString() const;
  /// Nearest double (for conversion to CEL double only; never for decisions).
  double ToDouble() const;

  /// The same value with the given scale, if exact and representable
  /// (increasing the scale may overflow; decreasing it must drop only zeros).
  std::optional<Decimal> Rescale(int scale) const;
  /// Rounded half away from zero to `scale` fractional digits (2.345 -> 2.35,
  /// -2.345 -> -2.35). If the value already has scale <= `scale`, it is
  /// rescaled up. nullopt on overflow.
  std::optional<Decimal> RoundHalfAwayFromZero(int scale) const;
  /// The same value with trailing fractional zeros removed (1.500 -> 1.5).
  Decimal Normalized() const;

  /// Checked arithmetic: false on overflow (out is then unspecified). The
  /// scale of a sum or difference is the larger scale; of a product, the sum
  /// of the scales, reduced by dropping trailing zeros if it would exceed
  /// kMaxScale (false if that is not enough). If the exact result does not
  /// fit at that scale, trailing zeros are dropped until it does (so false
  /// means the exact value is not representable).
  static bool Add(Decimal a, Decimal b, Decimal* out);
  static bool Sub(Decimal a, Decimal b, Decimal* out);
  static bool Mul(Decimal a, Decimal b, Decimal* out);
  /// Negation; false for the most negative coefficient.
  static bool Neg(Decimal a, Decimal* out);

  /// Exact three-way comparison of values (never overflows).
  static int Compare(Decimal a, Decimal b);
  friend bool operator==(Decimal a, Decimal b) { return Compare(a, b) == 0; }
  friend std::strong_ordering operator<=>(Decimal a, Decimal b) {
    return Compare(a, b) <=> 0;
  }
  /// Hash consistent with operator== (equal values, any scale, hash equal).
  size_t Hash() const;

 private:
  int64_t coefficient_ = 0;
  uint8_t scale_ = 0;
};

}  // namespace zhucun

#endif  // ZHUCUN_DECIMAL_H_
