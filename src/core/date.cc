#include "zhucun/date.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/period_days.h"

namespace zhucun {
namespace internal {
namespace {

struct Ymd {
  int64_t year;
  int month;
  int day;
};

// Days since 1970-01-01 of a proleptic Gregorian y/m/d (H. Hinnant's
// days_from_civil). Valid for any year that keeps the result in int64; used
// for periods (whose years may step one past kMaxYear via Next()).
// Verified against Boost over the supported range in date_test.cc.
constexpr int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                          // [0, 399]
  const int64_t mp = (m + 9) % 12;                            // March = 0
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;             // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;
}

// The inverse of DaysFromCivil (H. Hinnant's civil_from_days). The hot
// accessors Date::year()/month()/day() use this instead of Boost.
constexpr Ymd CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;  // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                       // [0, 11]
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Ymd{yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

constexpr int64_t kMinDay = DaysFromCivil(Date::kMinYear, 1, 1);
constexpr int64_t kMaxDay = DaysFromCivil(Date::kMaxYear, 12, 31);
static_assert(kMinDay == Date::kMinDayNumber && kMaxDay == Date::kMaxDayNumber);

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses exactly `n` ASCII digits at text[pos..pos+n).
std::optional<int> ParseDigits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(text[i])) return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// Appends `v` (>= 0) zero-padded to at least `width` digits.
void AppendPadded(std::string* out, int64_t v, int width) {
  char buf[24];
  char* end = buf + sizeof(buf);
  char* p = end;
  uint64_t u = v < 0 ? 0 : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  for (int w = static_cast<int>(end - p); w < width; ++w) out->push_back('0');
  out->append(p, end);
}

// Clamps a day number to the supported range.
int64_t Clamp(int64_t d) {
  return d < kMinDay ? kMinDay : (d > kMaxDay ? kMaxDay : d);
}

}  // namespace

// The first day of each month of the years the table covers, and of the
// January after (period_days.h): Period::start() and end() are on the
// planner's hot path (every judged month of every posting), and
// DaysFromCivil's divisions are not needed there.
constinit const std::array<int32_t, (kMonthTableLastYear - kMonthTableFirstYear + 1) * 12 + 1>
    kMonthStartDays = [] {
      std::array<int32_t, (kMonthTableLastYear - kMonthTableFirstYear + 1) * 12 + 1> starts{};
      for (int y = kMonthTableFirstYear; y <= kMonthTableLastYear; ++y) {
        for (int m = 1; m <= 12; ++m) {
          starts[static_cast<size_t>((y - kMonthTableFirstYear) * 12 + m - 1)] =
              static_cast<int32_t>(DaysFromCivil(y, m, 1));
        }
      }
      starts.back() = static_cast<int32_t>(DaysFromCivil(kMonthTableLastYear + 1, 1, 1));
      return starts;
    }();

int64_t MonthStartOutsideTable(int64_t y, int m) { return DaysFromCivil(y, m, 1); }

namespace {

// CivilFromDays, read from the table of month starts for the days it
// covers (year(), month(), day(), ToString() and Period::Of are called
// per row and per period).
Ymd YmdOf(int64_t days) {
  const int64_t at = MonthIndexOf(days);
  if (at < 0) return CivilFromDays(days);
  return Ymd{kMonthTableFirstYear + at / 12, static_cast<int>(at % 12) + 1,
             static_cast<int>(days - kMonthStartDays[static_cast<size_t>(at)] + 1)};
}

}  // namespace

}  // namespace internal

std::optional<Date> Date::FromYmd(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) return std::nullopt;
  if (month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > internal::DaysInMonth(year, month)) return std::nullopt;
  // Validated above, so plain civil arithmetic (no Boost date per call: this
  // is on the CSV loader's hot path). date_test.cc checks it against Boost
  // for every day of the supported range.
  return FromDayNumber(
      static_cast<int32_t>(internal::DaysFromCivil(year, month, day)));
}

std::optional<Date> Date::Parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const std::optional<int> y = internal::ParseDigits(text, 0, 4);
  const std::optional<int> m = internal::ParseDigits(text, 5, 2);
  const std::optional<int> d = internal::ParseDigits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  return FromYmd(*y, *m, *d);
}

int Date::year() const {
  return static_cast<int>(internal::YmdOf(days_).year);
}

int Date::month() const { return internal::YmdOf(days_).month; }

int Date::day() const { return internal::YmdOf(days_).day; }

std::string Date::ToString() const {
  const internal::Ymd ymd = internal::YmdOf(days_);
  std::string out;
  out.reserve(10);
  if (ymd.year < 0) out.push_back('-');
  internal::AppendPadded(&out, ymd.year < 0 ? -ymd.year : ymd.year, 4);
  out.push_back('-');
  internal::AppendPadded(&out, ymd.month, 2);
  out.push_back('-');
  internal::AppendPadded(&out, ymd.day, 2);
  return out;
}


std::optional<Date> Date::AddYears(int n) const {
  const internal::Ymd ymd = internal::YmdOf(days_);
  const int64_t year = ymd.year + n;
  if (year < kMinYear || year > kMaxYear) return std::nullopt;
  int day = ymd.day;
  if (ymd.month == 2 && day == 29 && !internal::IsLeap(year)) day = 28;
  return FromYmd(static_cast<int>(year), ymd.month, day);
}

bool IsLeapYear(int year) { return internal::IsLeap(year); }

Period Period::Of(PeriodKind kind, Date d) {
  const internal::Ymd ymd = internal::YmdOf(d.day_number());
  Period p;
  p.kind_ = kind;
  p.year_ = static_cast<int32_t>(ymd.year);
  p.index_ = (ymd.month - 1) / MonthsPer(kind) + 1;
  return p;
}


std::optional<Period> Period::Parse(std::string_view label) {
  const std::optional<int> year = internal::ParseDigits(label, 0, 4);
  if (!year || (label.size() != 4 && label[4] != '-')) return std::nullopt;
  if (label.size() == 4) return FromIndex(PeriodKind::kYear, *year, 1);
  if (label.size() == 7) {
    const char tag = label[5];
    const std::optional<int> index = internal::ParseDigits(label, 6, 1);
    if (!index) return std::nullopt;
    if (tag == 'H') return FromIndex(PeriodKind::kHalf, *year, *index);
    if (tag == 'Q') return FromIndex(PeriodKind::kQuarter, *year, *index);
    const std::optional<int> month = internal::ParseDigits(label, 5, 2);
    if (!month) return std::nullopt;
    return FromIndex(PeriodKind::kMonth, *year, *month);
  }
  return std::nullopt;
}

Date Period::start() const {
  return Date::FromDayNumber(static_cast<int32_t>(internal::FirstDay(*this)));
}

Date Period::end() const {
  // The day before the next period's first.
  return Date::FromDayNumber(static_cast<int32_t>(internal::LastDay(*this)));
}

std::string Period::label() const {
  std::string out;
  out.reserve(7);
  internal::AppendPadded(&out, year_, 4);
  switch (kind_) {
    case PeriodKind::kYear:
      break;
    case PeriodKind::kHalf:
      out += "-H";
      internal::AppendPadded(&out, index_, 1);
      break;
    case PeriodKind::kQuarter:
      out += "-Q";
      internal::AppendPadded(&out, index_, 1);
      break;
    case PeriodKind::kMonth:
      out.push_back('-');
      internal::AppendPadded(&out, index_, 2);
      break;
  }
  return out;
}

bool Period::Contains(Date d) const { return start() <= d && d <= end(); }


bool Period::Within(Date from, Date to) const {
  return from <= start() && end() <= to;
}

std::vector<Period> Period::Enumerate(PeriodKind kind, Date from, Date to) {
  std::vector<Period> out;
  // Every period lies in the supported range, so clamping changes nothing
  // but bounds the loop.
  const int64_t lo = internal::Clamp(from.day_number());
  const int64_t hi = internal::Clamp(to.day_number());
  if (from > to || lo > hi) return out;
  Period p = Of(kind, Date::FromDayNumber(static_cast<int32_t>(lo)));
  if (p.start().day_number() < lo) p = p.Next();
  while (p.end().day_number() <= hi) {
    out.push_back(p);
    p = p.Next();
  }
  return out;
}

std::vector<Period> Period::Overlapping(PeriodKind kind, Date from, Date to) {
  std::vector<Period> out;
  if (from > to) return out;
  // Only periods of the supported range exist.
  if (to.day_number() < internal::kMinDay ||
      from.day_number() > internal::kMaxDay) {
    return out;
  }
  const int64_t lo = internal::Clamp(from.day_number());
  const int64_t hi = internal::Clamp(to.day_number());
  Period p = Of(kind, Date::FromDayNumber(static_cast<int32_t>(lo)));
  while (p.start().day_number() <= hi) {
    out.push_back(p);
    p = p.Next();
  }
  return out;
}

std::optional<PeriodKind> ParsePeriodKind(std::string_view name) {
  if (name == "year") return PeriodKind::kYear;
  if (name == "half") return PeriodKind::kHalf;
  if (name == "quarter") return PeriodKind::kQuarter;
  if (name == "month") return PeriodKind::kMonth;
  return std::nullopt;
}

const char* PeriodKindName(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::kYear:
      return "year";
    case PeriodKind::kHalf:
      return "half";
    case PeriodKind::kQuarter:
      return "quarter";
    case PeriodKind::kMonth:
      return "month";
  }
  return "unknown";
}

}  // namespace zhucun
