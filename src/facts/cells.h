#ifndef ZHUCUN_SRC_FACTS_CELLS_H_
#define ZHUCUN_SRC_FACTS_CELLS_H_

// Parsing one cell of a fact table in the exact forms of DATA.md. Shared by
// the CSV reader and programmatic input, so both validate alike.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zhucun/date.h"
#include "zhucun/schema.h"

namespace zhucun::internal {

// 10^0 .. 10^18, the scales of decimal columns.
inline constexpr int64_t kPowersOf10[19] = {1,
                                            10,
                                            100,
                                            1000,
                                            10000,
                                            100000,
                                            1000000,
                                            10000000,
                                            100000000,
                                            1000000000,
                                            10000000000,
                                            100000000000,
                                            1000000000000,
                                            10000000000000,
                                            100000000000000,
                                            1000000000000000,
                                            10000000000000000,
                                            100000000000000000,
                                            1000000000000000000};

// Why a cell did not parse.
enum class CellProblem : uint8_t {
  kNone,
  kBadForm,      // not in the type's form
  kNotRealDate,  // the form of a date, but no such day (2023-02-30)
  kOverflow,     // an integer or decimal too large
  kTooPrecise,   // a decimal with more fractional digits than the scale
  kUnknownCode,  // not one of the column's codes
};

// The parsed form of a non-null cell: int64 for int and decimal (the
// coefficient at the column's scale), int32 day number for dates, months as
// year * 12 + month - 1, 0/1 for bools; text, ids and codes are handled by
// the caller (codes by index).
struct CellValue {
  int64_t i64 = 0;
  int32_t i32 = 0;
};

// Parses `text` (non-empty) as a cell of `column` (not text/id/code).
CellProblem ParseCell(const ColumnSchema& column, std::string_view text,
                      CellValue* out);

// The typed parsers behind ParseCell, for callers that dispatch on the type
// once per column rather than once per cell (the fact-table builder).
// Each gives exactly ParseCell's result for its type. The common forms are
// parsed inline; anything unusual goes to the careful parsers, which also
// tell what is wrong.
inline CellProblem ParseIntCell(std::string_view text, int64_t* out);
inline CellProblem ParseDecimalCell(std::string_view text, int scale, int64_t* out);
inline CellProblem ParseDateCell(std::string_view text, int32_t* out);
inline CellProblem ParseMonthCell(std::string_view text, int32_t* out);
CellProblem ParseBoolCell(std::string_view text, int64_t* out);

// `-?[0-9]+` of any length into int64 (kOverflow when it does not fit).
CellProblem ParseIntCarefully(std::string_view text, int64_t* out);
// `-?[0-9]+(\.[0-9]+)?` of any length into a coefficient at `scale`.
CellProblem ParseDecimalCarefully(std::string_view text, int scale, int64_t* out);

// Finds the index of a code column's value among its codes (the first equal
// one), without comparing the text with every code: the codes are bucketed
// by (length, first byte, last byte), and only a bucket shared by two codes
// falls back to a scan.
class CodeLookup {
 public:
  CodeLookup() = default;
  explicit CodeLookup(const std::vector<std::string>& codes);
  // The index of `text` in the codes, or -1.
  int32_t Find(std::string_view text) const;

 private:
  static size_t Bucket(std::string_view s);
  static constexpr int16_t kNone = -1;
  static constexpr int16_t kScan = -2;
  std::vector<std::string> codes_;
  int16_t buckets_[256] = {};
};

// The diagnostic code of a problem with a cell of `type` ("csv.bad_date"...).
std::string CellProblemCode(CellType type, CellProblem problem);
// What a cell of `column` must look like, for messages: "a date of the form
// YYYY-MM-DD (a real calendar date)".
std::string ExpectedForm(const ColumnSchema& column);


// ---------------------------------------------------------------------------
// Inline parsers.

namespace cells_detail {

// The value of an ASCII digit, or more than 9 for any other byte.
inline unsigned Digit(char c) {
  return static_cast<unsigned>(static_cast<unsigned char>(c)) - unsigned{'0'};
}

}  // namespace cells_detail

inline CellProblem ParseIntCell(std::string_view s, int64_t* out) {
  const size_t n = s.size();
  const bool negative = n > 0 && s[0] == '-';
  size_t i = negative ? 1 : 0;
  if (i == n) return CellProblem::kBadForm;
  // Up to 18 digits cannot overflow: no checks per digit.
  if (n - i > 18) return ParseIntCarefully(s, out);
  uint64_t v = 0;
  for (; i < n; ++i) {
    const unsigned d = cells_detail::Digit(s[i]);
    if (d > 9) return CellProblem::kBadForm;
    v = v * 10 + d;
  }
  *out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return CellProblem::kNone;
}

inline CellProblem ParseDecimalCell(std::string_view s, int scale, int64_t* out) {
  // The common form, short enough not to overflow before scaling and with
  // no more fractional digits than the scale, in one pass.
  const size_t n = s.size();
  if (n == 0 || n > 18 || scale < 0 || scale > 18) {
    return ParseDecimalCarefully(s, scale, out);
  }
  const bool negative = s[0] == '-';
  size_t i = negative ? 1 : 0;
  const size_t whole_begin = i;
  uint64_t whole = 0;
  for (; i < n; ++i) {
    const unsigned d = cells_detail::Digit(s[i]);
    if (d > 9) break;
    whole = whole * 10 + d;
  }
  if (i == whole_begin) return ParseDecimalCarefully(s, scale, out);
  uint64_t frac = 0;
  size_t frac_digits = 0;
  if (i < n) {
    if (s[i] != '.') return ParseDecimalCarefully(s, scale, out);
    const size_t frac_begin = ++i;
    for (; i < n; ++i) {
      const unsigned d = cells_detail::Digit(s[i]);
      if (d > 9) return ParseDecimalCarefully(s, scale, out);
      frac = frac * 10 + d;
    }
    frac_digits = n - frac_begin;
    if (frac_digits == 0 || frac_digits > static_cast<size_t>(scale)) {
      return ParseDecimalCarefully(s, scale, out);
    }
  }
  frac *= static_cast<uint64_t>(kPowersOf10[static_cast<size_t>(scale) - frac_digits]);
  // whole < 10^18 and frac < 10^scale: only the scaling can overflow.
  int64_t coefficient;
  if (__builtin_mul_overflow(static_cast<int64_t>(whole), kPowersOf10[scale], &coefficient) ||
      __builtin_add_overflow(coefficient, static_cast<int64_t>(frac), &coefficient)) {
    return ParseDecimalCarefully(s, scale, out);
  }
  *out = negative ? -coefficient : coefficient;
  return CellProblem::kNone;
}

inline CellProblem ParseDateCell(std::string_view text, int32_t* out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return CellProblem::kBadForm;
  }
  using cells_detail::Digit;
  const unsigned y0 = Digit(text[0]), y1 = Digit(text[1]), y2 = Digit(text[2]),
                 y3 = Digit(text[3]), m0 = Digit(text[5]), m1 = Digit(text[6]),
                 d0 = Digit(text[8]), d1 = Digit(text[9]);
  if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) |
      (d1 > 9)) {
    return CellProblem::kBadForm;
  }
  const unsigned year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const unsigned month = m0 * 10 + m1;
  const unsigned day = d0 * 10 + d1;
  // Date::FromYmd's checks and day number, inline (this runs for every
  // date cell); cells_test.cc compares it with Date::Parse.
  if (year < static_cast<unsigned>(Date::kMinYear) ||
      year > static_cast<unsigned>(Date::kMaxYear) || month - 1 > 11 || day == 0) {
    return CellProblem::kNotRealDate;
  }
  static constexpr unsigned char kDays[12] = {31, 28, 31, 30, 31, 30,
                                              31, 31, 30, 31, 30, 31};
  if (day > kDays[month - 1]) {
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    if (!(month == 2 && day == 29 && leap)) return CellProblem::kNotRealDate;
  }
  // Days since 1970-01-01 (H. Hinnant's days_from_civil, for years >= 1).
  const unsigned y = year - (month <= 2 ? 1 : 0);
  const unsigned mp = month > 2 ? month - 3 : month + 9;  // March = 0
  const unsigned doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t days = int64_t{y} * 365 + y / 4 - y / 100 + y / 400 + doy;
  *out = static_cast<int32_t>(days - 719468);
  return CellProblem::kNone;
}

inline CellProblem ParseMonthCell(std::string_view text, int32_t* out) {
  if (text.size() != 7 || text[4] != '-') return CellProblem::kBadForm;
  using cells_detail::Digit;
  const unsigned y0 = Digit(text[0]), y1 = Digit(text[1]), y2 = Digit(text[2]),
                 y3 = Digit(text[3]), m0 = Digit(text[5]), m1 = Digit(text[6]);
  if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9)) {
    return CellProblem::kBadForm;
  }
  const int year = static_cast<int>(y0 * 1000 + y1 * 100 + y2 * 10 + y3);
  const int month = static_cast<int>(m0 * 10 + m1);
  if (month < 1 || month > 12 || year < Date::kMinYear || year > Date::kMaxYear) {
    return CellProblem::kNotRealDate;
  }
  *out = year * 12 + month - 1;
  return CellProblem::kNone;
}

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_CELLS_H_
