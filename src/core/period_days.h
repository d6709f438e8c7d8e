#ifndef ZHUCUN_SRC_CORE_PERIOD_DAYS_H_
#define ZHUCUN_SRC_CORE_PERIOD_DAYS_H_

// A period's first and last days as day numbers, inline: the planner's
// loops ask for them once or twice per (subject, period) pair, where
// Period::start() and end() (the same days, as Dates) are calls into
// date.cc. Both read one table of month starts (date.cc).

#include <algorithm>
#include <array>
#include <cstdint>

#include "zhucun/date.h"

namespace zhucun::internal {

inline constexpr int kMonthTableFirstYear = 1900;
inline constexpr int kMonthTableLastYear = 2199;

// The day number of the first of each month of the years above, then of
// the January after them.
extern const std::array<int32_t, (kMonthTableLastYear - kMonthTableFirstYear + 1) * 12 + 1>
    kMonthStartDays;

// The first of month m (1..12) of year y outside the table (date.cc).
int64_t MonthStartOutsideTable(int64_t y, int m);

// The day number of the first of month m (1..12, or 13: January of y + 1)
// of year y.
inline int64_t MonthStart(int64_t y, int m) {
  // (Month 13 of y is the table's entry after December of y.)
  const int64_t at = (y - kMonthTableFirstYear) * 12 + m - 1;
  if (at >= 0 && at < static_cast<int64_t>(kMonthStartDays.size())) [[likely]] {
    return kMonthStartDays[static_cast<size_t>(at)];
  }
  return m == 13 ? MonthStartOutsideTable(y + 1, 1) : MonthStartOutsideTable(y, m);
}

// The month of day number `day`, counted from January of
// kMonthTableFirstYear (month m of year y is (y - kMonthTableFirstYear) *
// 12 + m - 1), or -1 outside the table's years.
inline int64_t MonthIndexOf(int64_t day) {
  if (day < kMonthStartDays.front() || day >= kMonthStartDays.back()) return -1;
  // From the mean Gregorian month (146,097 days in 4,800 months), then
  // moved to the month whose first day is the last one on or before `day`
  // (at most a month away).
  const auto months = static_cast<int64_t>(kMonthStartDays.size()) - 1;
  int64_t at = std::min((day - kMonthStartDays.front()) * 4800 / 146097, months - 1);
  while (kMonthStartDays[static_cast<size_t>(at)] > day) --at;
  while (kMonthStartDays[static_cast<size_t>(at) + 1] <= day) ++at;
  return at;
}

// The months of a period of `kind`.
inline int MonthsOf(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::kMonth: return 1;
    case PeriodKind::kQuarter: return 3;
    case PeriodKind::kHalf: return 6;
    case PeriodKind::kYear: return 12;
  }
  return 12;
}

// p.start().day_number() and p.end().day_number().
inline int64_t FirstDay(const Period& p) {
  return MonthStart(p.year(), (p.index() - 1) * MonthsOf(p.kind()) + 1);
}
inline int64_t LastDay(const Period& p) {
  return MonthStart(p.year(), p.index() * MonthsOf(p.kind()) + 1) - 1;
}

// Both at once: [FirstDay(p), LastDay(p)], from two neighbouring entries
// of the table (for a period in its years).
struct PeriodSpan {
  int64_t first;
  int64_t last;
};
inline PeriodSpan DaysOf(const Period& p) {
  const int months = MonthsOf(p.kind());
  const int64_t at = (int64_t{p.year()} - kMonthTableFirstYear) * 12 + (p.index() - 1) * months;
  if (at >= 0 && at + months < static_cast<int64_t>(kMonthStartDays.size())) [[likely]] {
    return {kMonthStartDays[static_cast<size_t>(at)],
            kMonthStartDays[static_cast<size_t>(at + months)] - int64_t{1}};
  }
  return {FirstDay(p), LastDay(p)};
}

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_CORE_PERIOD_DAYS_H_
