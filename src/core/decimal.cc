#include "zhucun/decimal.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace zhucun {
namespace internal {
namespace {

__extension__ typedef __int128 Int128;  // NOLINT: GCC extension, exact.

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// 10^0 .. 10^18 (10^18 < 2^63 - 1).
constexpr auto kPow10 = [] {
  std::array<int64_t, Decimal::kMaxScale + 1> table{};
  for (int i = 0; i <= Decimal::kMaxScale; ++i) table[i] = Decimal::PowerOfTen(i);
  return table;
}();

bool FitsInt64(Int128 v) { return v >= kInt64Min && v <= kInt64Max; }

// Stores `value / 10^scale` into `out` when it is exactly representable.
// Trailing zeros are dropped only as needed: while the scale exceeds
// kMaxScale, or while the coefficient does not fit in int64. Returns false
// when neither helps.
// INVARIANT: |value| < 2^126 and 0 <= scale <= 2 * kMaxScale.
bool StoreExact(Int128 value, int scale, Decimal* out) {
  while (scale > Decimal::kMaxScale) {
    if (value % 10 != 0) return false;
    value /= 10;
    --scale;
  }
  while (!FitsInt64(value)) {
    if (scale == 0 || value % 10 != 0) return false;
    value /= 10;
    --scale;
  }
  *out = Decimal::FromUnscaled(static_cast<int64_t>(value), scale);
  return true;
}

// The coefficient of `d` expressed at `scale` (>= d.scale()); exact, since
// |coefficient| * 10^18 < 2^63 * 2^60.
Int128 ScaledTo(Decimal d, int scale) {
  return static_cast<Int128>(d.coefficient()) * kPow10[scale - d.scale()];
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace
}  // namespace internal

std::optional<Decimal> Decimal::Parse(std::string_view text,
                                      int max_fraction_digits) {
  using internal::Int128;
  using internal::IsDigit;
  if (max_fraction_digits > kMaxScale) max_fraction_digits = kMaxScale;
  if (max_fraction_digits < 0) max_fraction_digits = 0;

  size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  // Magnitude limit: 2^63 for a negative number, 2^63 - 1 otherwise.
  const Int128 limit =
      static_cast<Int128>(internal::kInt64Max) + (negative ? 1 : 0);
  Int128 magnitude = 0;
  size_t int_digits = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i, ++int_digits) {
    magnitude = magnitude * 10 + (text[i] - '0');
    if (magnitude > limit) return std::nullopt;
  }
  if (int_digits == 0) return std::nullopt;
  int scale = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      if (scale == max_fraction_digits) return std::nullopt;
      ++scale;
      magnitude = magnitude * 10 + (text[i] - '0');
      if (magnitude > limit) return std::nullopt;
    }
    if (scale == 0) return std::nullopt;  // "5." has no fraction digits.
  }
  if (i != text.size()) return std::nullopt;
  const Int128 value = negative ? -magnitude : magnitude;
  return FromUnscaled(static_cast<int64_t>(value), scale);
}

std::optional<Decimal> Decimal::FromDouble(double v) {
  if (v != v || v == std::numeric_limits<double>::infinity() ||
      v == -std::numeric_limits<double>::infinity()) {
    return std::nullopt;
  }
  if (v == 0) return Decimal();  // Also -0.0.
  // The shortest round-trip form in scientific notation: "-d.ddde[+-]xx".
  char buf[64];
  const std::to_chars_result r =
      std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  if (r.ec != std::errc()) return std::nullopt;
  const std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  size_t i = 0;
  bool negative = false;
  if (text[i] == '-') {
    negative = true;
    ++i;
  }
  internal::Int128 digits = 0;
  int num_digits = 0;
  for (; i < text.size() && text[i] != 'e'; ++i) {
    if (text[i] == '.') continue;
    digits = digits * 10 + (text[i] - '0');
    ++num_digits;  // At most 17 significant digits.
  }
  if (i == text.size()) return std::nullopt;
  int exponent = 0;
  const std::from_chars_result e =
      std::from_chars(text.data() + i + 1 + (text[i + 1] == '+' ? 1 : 0),
                      text.data() + text.size(), exponent);
  if (e.ec != std::errc()) return std::nullopt;
  // value = digits * 10^(exponent - (num_digits - 1)).
  const int shift = exponent - (num_digits - 1);
  if (negative) digits = -digits;
  if (shift < 0) {
    if (-shift > kMaxScale) return std::nullopt;
    if (!internal::FitsInt64(digits)) return std::nullopt;
    return FromUnscaled(static_cast<int64_t>(digits), -shift);
  }
  if (shift > kMaxScale) return std::nullopt;  // |v| >= 10^18 * 10 > 2^63.
  const internal::Int128 value = digits * internal::kPow10[shift];
  if (!internal::FitsInt64(value)) return std::nullopt;
  return FromUnscaled(static_cast<int64_t>(value), 0);
}

std::string Decimal::ToString() const {
  // The magnitude as unsigned so that the most negative coefficient works.
  uint64_t magnitude = coefficient_ < 0
                           ? uint64_t{0} - static_cast<uint64_t>(coefficient_)
                           : static_cast<uint64_t>(coefficient_);
  char buf[48];
  char* end = buf + sizeof(buf);
  char* p = end;
  int written = 0;
  do {
    if (written == scale_ && scale_ > 0) *--p = '.';
    *--p = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
    ++written;
  } while (magnitude != 0 || written <= scale_);
  if (coefficient_ < 0) *--p = '-';
  return std::string(p, end);
}

double Decimal::ToDouble() const {
  // Parsing the exact decimal text gives the correctly rounded double.
  const std::string text = ToString();
  double result = 0;
  std::from_chars(text.data(), text.data() + text.size(), result);
  return result;
}

std::optional<Decimal> Decimal::Rescale(int scale) const {
  if (scale < 0 || scale > kMaxScale) return std::nullopt;
  if (scale >= scale_) {
    const internal::Int128 value = internal::ScaledTo(*this, scale);
    if (!internal::FitsInt64(value)) return std::nullopt;
    return FromUnscaled(static_cast<int64_t>(value), scale);
  }
  const int64_t divisor = internal::kPow10[scale_ - scale];
  if (coefficient_ % divisor != 0) return std::nullopt;
  return FromUnscaled(coefficient_ / divisor, scale);
}

std::optional<Decimal> Decimal::RoundHalfAwayFromZero(int scale) const {
  if (scale < 0 || scale > kMaxScale) return std::nullopt;
  if (scale >= scale_) return Rescale(scale);
  const int64_t divisor = internal::kPow10[scale_ - scale];
  int64_t quotient = coefficient_ / divisor;  // Truncated toward zero.
  const int64_t remainder = coefficient_ % divisor;
  // |remainder| < divisor <= 10^18, so doubling it cannot overflow.
  const int64_t twice = remainder < 0 ? -2 * remainder : 2 * remainder;
  if (twice >= divisor) quotient += remainder < 0 ? -1 : 1;
  // |quotient| <= |coefficient| / 10 + 1: no overflow.
  return FromUnscaled(quotient, scale);
}

Decimal Decimal::Normalized() const {
  int64_t c = coefficient_;
  int s = scale_;
  if (c == 0) return Decimal();
  while (s > 0 && c % 10 == 0) {
    c /= 10;
    --s;
  }
  return FromUnscaled(c, s);
}

bool Decimal::Add(Decimal a, Decimal b, Decimal* out) {
  const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
  return internal::StoreExact(
      internal::ScaledTo(a, scale) + internal::ScaledTo(b, scale), scale, out);
}

bool Decimal::Sub(Decimal a, Decimal b, Decimal* out) {
  const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
  return internal::StoreExact(
      internal::ScaledTo(a, scale) - internal::ScaledTo(b, scale), scale, out);
}

bool Decimal::Mul(Decimal a, Decimal b, Decimal* out) {
  // |product| <= 2^126: fits in __int128.
  const internal::Int128 product =
      static_cast<internal::Int128>(a.coefficient_) * b.coefficient_;
  return internal::StoreExact(product, a.scale_ + b.scale_, out);
}

bool Decimal::Neg(Decimal a, Decimal* out) {
  if (a.coefficient_ == internal::kInt64Min) return false;
  *out = FromUnscaled(-a.coefficient_, a.scale_);
  return true;
}

int Decimal::Compare(Decimal a, Decimal b) {
  const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
  const internal::Int128 x = internal::ScaledTo(a, scale);
  const internal::Int128 y = internal::ScaledTo(b, scale);
  return x < y ? -1 : (x > y ? 1 : 0);
}

size_t Decimal::Hash() const {
  const Decimal n = Normalized();
  const uint64_t c = static_cast<uint64_t>(n.coefficient_);
  // splitmix64-style mixing of the coefficient and the scale.
  uint64_t h =
      c + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(n.scale_) + 1);
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return static_cast<size_t>(h);
}

}  // namespace zhucun
