// The typed cell parsers behind the fact-table builder (src/facts/cells.h),
// checked against the library's reference forms: dates against Date::Parse
// over millions of texts of the form YYYY-MM-DD (real and impossible dates,
// and every year of the supported range and beyond), decimals against exact
// arithmetic, and the code lookup against a scan of the codes.

#include "facts/cells.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "zhucun/date.h"

namespace zhucun::internal {
namespace {

__extension__ using I128 = __int128;

TEST(CellsTest, DateMatchesDateParse) {
  int failures = 0;
  char text[11] = "0000-00-00";
  for (int y = 0; y <= 9999 && failures < 10; ++y) {
    text[0] = static_cast<char>('0' + y / 1000);
    text[1] = static_cast<char>('0' + y / 100 % 10);
    text[2] = static_cast<char>('0' + y / 10 % 10);
    text[3] = static_cast<char>('0' + y % 10);
    // Every month and day text (00-99) for the years around the ends of
    // the supported range and a sample of others; for every year, the
    // months 00-13 with the days around each month's end.
    const bool all = y < 1410 || y > 9990 || y % 97 == 0 || (y >= 1990 && y <= 2030);
    for (int m = 0; m <= 99; ++m) {
      if (!all && m > 13) break;
      text[5] = static_cast<char>('0' + m / 10);
      text[6] = static_cast<char>('0' + m % 10);
      for (int d = 0; d <= 99; ++d) {
        if (!all && d > 1 && d < 28) d = 28;
        if (!all && d > 32) break;
        text[8] = static_cast<char>('0' + d / 10);
        text[9] = static_cast<char>('0' + d % 10);
        const std::string_view s(text, 10);
        const std::optional<Date> expected = Date::Parse(s);
        int32_t got = 0;
        const CellProblem p = ParseDateCell(s, &got);
        const bool ok = expected ? p == CellProblem::kNone && got == expected->day_number()
                                 : p == CellProblem::kNotRealDate;
        if (!ok) {
          ADD_FAILURE() << s;
          ++failures;
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(CellsTest, DateForms) {
  int32_t v = 0;
  EXPECT_EQ(ParseDateCell("1970-01-01", &v), CellProblem::kNone);
  EXPECT_EQ(v, 0);
  EXPECT_EQ(ParseDateCell("2024-02-29", &v), CellProblem::kNone);
  EXPECT_EQ(v, 19782);
  EXPECT_EQ(ParseDateCell("9999-12-31", &v), CellProblem::kNone);
  EXPECT_EQ(v, Date::FromYmd(9999, 12, 31)->day_number());
  EXPECT_EQ(ParseDateCell("0001-01-01", &v), CellProblem::kNone);
  EXPECT_EQ(v, Date::FromYmd(1, 1, 1)->day_number());
  EXPECT_EQ(ParseDateCell("0000-12-31", &v), CellProblem::kNotRealDate);
  EXPECT_EQ(ParseDateCell("2023-02-29", &v), CellProblem::kNotRealDate);
  EXPECT_EQ(ParseDateCell("2023-2-01", &v), CellProblem::kBadForm);
  EXPECT_EQ(ParseDateCell("2023/02/01", &v), CellProblem::kBadForm);
  EXPECT_EQ(ParseDateCell("2023-0a-01", &v), CellProblem::kBadForm);
  EXPECT_EQ(ParseDateCell("2023-01-0１", &v), CellProblem::kBadForm);
  EXPECT_EQ(ParseDateCell("20230101", &v), CellProblem::kBadForm);
  EXPECT_EQ(ParseDateCell(std::string_view("2023-01-0\0", 10), &v), CellProblem::kBadForm);
}

TEST(CellsTest, DecimalFastPathAgreesWithTheGeneralOne) {
  // Texts near every boundary of the one-pass form: the result must be what
  // ParseCell gives for the decimal type, whichever path takes it.
  const std::vector<std::string> texts = {
      "0", "-0", "1", "-1", "0.5", "-0.5", "1.25", "-1.25", "12.345", "1.", ".5",
      "-", "-.5", "+1", "1.2.3", "1e5", " 1", "1 ", "00012.10", "-00012.10",
      "999999999999999999", "9999999999999999.99", "-9999999999999999.99",
      "92233720368547758.07", "92233720368547758.08", "-92233720368547758.08",
      "-92233720368547758.09", "9223372036854775807", "123456789012345678.9",
      "1.000", "1.00", "0.01", "0.001"};
  for (int scale : {0, 2, 3, 18}) {
    for (const std::string& t : texts) {
      int64_t fast = 7;
      const CellProblem p = ParseDecimalCell(t, scale, &fast);
      // The reference: digits by hand with overflow checks.
      bool negative = !t.empty() && t[0] == '-';
      size_t i = negative ? 1 : 0;
      bool form = i < t.size();
      I128 whole = 0, frac = 0;
      size_t frac_digits = 0;
      bool dot = false;
      for (; i < t.size() && form; ++i) {
        if (t[i] == '.') {
          if (dot || i == (negative ? 1u : 0u)) form = false;
          dot = true;
          continue;
        }
        if (t[i] < '0' || t[i] > '9') {
          form = false;
          break;
        }
        if (dot) {
          frac = frac * 10 + (t[i] - '0');
          ++frac_digits;
        } else if (whole < (I128{1} << 100)) {
          whole = whole * 10 + (t[i] - '0');
        }
      }
      if (dot && frac_digits == 0) form = false;
      SCOPED_TRACE(t + " scale " + std::to_string(scale));
      if (!form) {
        EXPECT_EQ(p, CellProblem::kBadForm);
        continue;
      }
      const I128 limit = negative ? (I128{1} << 63) : (I128{1} << 63) - 1;
      if (whole > limit) {
        EXPECT_EQ(p, CellProblem::kOverflow);
        continue;
      }
      if (frac_digits > static_cast<size_t>(scale)) {
        EXPECT_EQ(p, CellProblem::kTooPrecise);
        continue;
      }
      I128 v = whole;
      for (int k = 0; k < scale; ++k) v *= 10;
      for (size_t k = frac_digits; k < static_cast<size_t>(scale); ++k) frac *= 10;
      v += frac;
      if (v > limit) {
        EXPECT_EQ(p, CellProblem::kOverflow);
        continue;
      }
      ASSERT_EQ(p, CellProblem::kNone);
      EXPECT_EQ(fast, static_cast<int64_t>(negative ? -v : v));
    }
  }
}

TEST(CellsTest, CodeLookupMatchesAScan) {
  const std::vector<std::vector<std::string>> code_sets = {
      {},
      {"a"},
      {"weak", "disorderly", "poor", "industry", "specialized", "ordinary"},
      {"ab", "ab", "ba", "aab", "a", "b", "是", "否", ""},
      {"x1", "y1", "x2", "xx1", "x11"},
  };
  const std::vector<std::string> probes = {
      "a", "b", "ab", "ba", "aab", "abb", "weak", "Weak", "weak ", "poor",
      "ordinary", "ordinarY", "是", "否", "x1", "x2", "x3", "xx1", "x11", "x111", ""};
  for (const auto& codes : code_sets) {
    const CodeLookup lookup(codes);
    for (const std::string& p : probes) {
      int32_t expected = -1;
      for (size_t k = 0; k < codes.size(); ++k) {
        if (codes[k] == p) {
          expected = static_cast<int32_t>(k);
          break;
        }
      }
      EXPECT_EQ(lookup.Find(p), expected) << p;
    }
  }
}

}  // namespace
}  // namespace zhucun::internal
