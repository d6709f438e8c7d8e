#ifndef ZHUCUN_DATE_H_
#define ZHUCUN_DATE_H_

/// \file
/// Calendar dates and calendar periods (POLICY.md, "Common definitions").
///
/// A Date is a day number (days since 1970-01-01, int32) so that hot loops
/// compare plain integers, in the proleptic Gregorian calendar. Supported
/// years are 1..9999, every year `YYYY-MM-DD` can write but 0000 (as
/// Python's datetime). The tests check the arithmetic against
/// Boost.Date_Time for 1400..9999 (Boost's range) and day by day below it.
///
///     auto d = zhucun::Date::Parse("2024-02-29");          // optional<Date>
///     d->AddYears(1).ToString();                            // "2025-02-28"
///     zhucun::Period::Of(zhucun::PeriodKind::kQuarter, *d).label();  // "2024-Q1"

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhucun/export.h"

namespace zhucun {

/// A day of the proleptic Gregorian calendar.
class ZHUCUN_API Date {
 public:
  /// 1970-01-01.
  constexpr Date() = default;
  /// A date from its day number (days since 1970-01-01).
  static constexpr Date FromDayNumber(int32_t days) {
    Date d;
    d.days_ = days;
    return d;
  }
  /// A date from year, month (1-12), day; nullopt if not a real date or out
  /// of the supported range.
  static std::optional<Date> FromYmd(int year, int month, int day);
  /// Parses exactly `YYYY-MM-DD` (ASCII digits, a real calendar date).
  static std::optional<Date> Parse(std::string_view text);

  static constexpr int kMinYear = 1;
  static constexpr int kMaxYear = 9999;
  /// The day numbers of 0001-01-01 and 9999-12-31.
  static constexpr int32_t kMinDayNumber = -719162;
  static constexpr int32_t kMaxDayNumber = 2932896;

  int32_t day_number() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  /// `YYYY-MM-DD`.
  std::string ToString() const;

  /// The date `n` days later (n may be negative). nullopt if the result
  /// leaves the supported range.
  std::optional<Date> AddDays(int64_t n) const {
    // Compared with the distance to each bound, so that nothing overflows.
    if (n > kMaxDayNumber - days_ || n < kMinDayNumber - days_) return std::nullopt;
    return FromDayNumber(static_cast<int32_t>(days_ + n));
  }
  /// The anniversary: same month and day `n` years later (n may be
  /// negative); Feb 29 lands on Feb 28 in a non-leap year. No end-of-month
  /// snapping: 2022-02-28 + 2 years is 2024-02-28. nullopt if out of range.
  std::optional<Date> AddYears(int n) const;

  friend constexpr bool operator==(Date a, Date b) { return a.days_ == b.days_; }
  friend constexpr std::strong_ordering operator<=>(Date a, Date b) {
    return a.days_ <=> b.days_;
  }

 private:
  int32_t days_ = 0;
};

/// True for leap years of the Gregorian calendar.
ZHUCUN_API bool IsLeapYear(int year);

/// The kind of a calendar period.
enum class PeriodKind : uint8_t {
  kYear,     ///< `2023`
  kHalf,     ///< `2023-H1` (Jan 1 - Jun 30), `2023-H2`
  kQuarter,  ///< `2023-Q1` ... `2023-Q4`
  kMonth,    ///< `2023-07`
};

/// A calendar period: a year, half-year, quarter or month.
class ZHUCUN_API Period {
 public:
  /// The year 1970.
  Period() = default;
  /// The period of `kind` that contains `d`.
  static Period Of(PeriodKind kind, Date d);
  /// A period from kind, year and 1-based index within the year (1 for a
  /// year; 1-2 halves; 1-4 quarters; 1-12 months). nullopt if invalid.
  static std::optional<Period> FromIndex(PeriodKind kind, int year, int index) {
    if (kind != PeriodKind::kYear && kind != PeriodKind::kHalf &&
        kind != PeriodKind::kQuarter && kind != PeriodKind::kMonth) {
      return std::nullopt;  // not a PeriodKind value
    }
    if (year < Date::kMinYear || year > Date::kMaxYear) return std::nullopt;
    if (index < 1 || index > 12 / MonthsPer(kind)) return std::nullopt;
    Period p;
    p.kind_ = kind;
    p.year_ = year;
    p.index_ = index;
    return p;
  }
  /// Parses a label: `2023`, `2023-H1`, `2023-Q3`, `2023-07`.
  static std::optional<Period> Parse(std::string_view label);

  PeriodKind kind() const { return kind_; }
  int year() const { return year_; }
  /// 1-based index within the year.
  int index() const { return index_; }
  /// First day (inclusive).
  Date start() const;
  /// Last day (inclusive).
  Date end() const;
  /// The label, e.g. `2023-H2`.
  std::string label() const;
  /// start() <= d <= end().
  bool Contains(Date d) const;
  /// The period after this one, of the same kind.
  Period Next() const {
    // The period after the last one of 9999 is in year 10000, outside the
    // supported range of Date; start()/end() still compute it arithmetically.
    Period p = *this;
    if (p.index_ < 12 / MonthsPer(kind_)) {
      ++p.index_;
    } else {
      ++p.year_;
      p.index_ = 1;
    }
    return p;
  }
  /// True when the period lies wholly inside [from, to] ("judged").
  bool Within(Date from, Date to) const;

  /// Every period of `kind` that lies wholly inside [from, to], in order.
  /// Empty if from > to.
  static std::vector<Period> Enumerate(PeriodKind kind, Date from, Date to);
  /// Every period of `kind` that shares at least one day with [from, to].
  static std::vector<Period> Overlapping(PeriodKind kind, Date from, Date to);

  friend bool operator==(const Period& a, const Period& b) = default;
  friend auto operator<=>(const Period& a, const Period& b) = default;

 private:
  // The months of a period of `kind` (12 for a value that is no PeriodKind).
  static constexpr int MonthsPer(PeriodKind kind) {
    switch (kind) {
      case PeriodKind::kYear: return 12;
      case PeriodKind::kHalf: return 6;
      case PeriodKind::kQuarter: return 3;
      case PeriodKind::kMonth: return 1;
    }
    return 12;
  }
  // Ordering is by (kind, year, index).
  PeriodKind kind_ = PeriodKind::kYear;
  int32_t year_ = 1970;
  int32_t index_ = 1;
};

/// Parses a period kind name: "year", "half", "quarter", "month".
ZHUCUN_API std::optional<PeriodKind> ParsePeriodKind(std::string_view name);
/// The name of a period kind.
ZHUCUN_API const char* PeriodKindName(PeriodKind kind);

}  // namespace zhucun

#endif  // ZHUCUN_DATE_H_
