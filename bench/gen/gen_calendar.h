#ifndef ZHUCUN_BENCH_GEN_GEN_CALENDAR_H_
#define ZHUCUN_BENCH_GEN_GEN_CALENDAR_H_

// Civil dates as day numbers (days since 1970-01-01) for the Qiannan
// sample-data generator (internal to bench/gen).

#include <cstdint>
#include <limits>
#include <string>

namespace zhucun::gen::internal {

// ---------------------------------------------------------------- dates --

inline constexpr int32_t kOpen =
    std::numeric_limits<int32_t>::max();  // null end
inline constexpr int32_t kUnset = std::numeric_limits<int32_t>::min();

inline int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int y, m, d;
};

inline Civil CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

inline bool IsLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

inline int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// POLICY.md "Anniversary": same month and day; Feb 29 -> Feb 28.
inline int32_t AddYears(int32_t day, int n) {
  Civil c = CivilFromDays(day);
  c.y += n;
  if (c.m == 2 && c.d == 29 && !IsLeap(c.y)) c.d = 28;
  return DaysFromCivil(c.y, c.m, c.d);
}

// The day on which a posting started on `start` has completed its 2-year term.
inline int32_t TermDone(int32_t start) { return AddYears(start, 2) - 1; }

inline int YearOf(int32_t day) { return CivilFromDays(day).y; }
inline int32_t Jan1(int y) { return DaysFromCivil(y, 1, 1); }
inline int32_t Dec31(int y) { return DaysFromCivil(y, 12, 31); }

inline bool ParseDate(const std::string& s, int32_t* out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int y = std::stoi(s.substr(0, 4));
  const int m = std::stoi(s.substr(5, 2));
  const int d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return false;
  *out = DaysFromCivil(y, m, d);
  return true;
}

// Months of year y whose 15th lies in [s, e] (POLICY.md "served month").
inline int ServedMonths(int y, int32_t s, int32_t e) {
  int n = 0;
  for (int m = 1; m <= 12; ++m) {
    const int32_t d = DaysFromCivil(y, m, 15);
    if (s <= d && d <= e) ++n;
  }
  return n;
}

}  // namespace zhucun::gen::internal

#endif  // ZHUCUN_BENCH_GEN_GEN_CALENDAR_H_
