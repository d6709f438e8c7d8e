#include "zhucun/date.h"

#include <gtest/gtest.h>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhucun {
namespace {

Date D(std::string_view text) {
  std::optional<Date> d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

Period P(std::string_view label) {
  std::optional<Period> p = Period::Parse(label);
  EXPECT_TRUE(p.has_value()) << label;
  return p.value_or(Period());
}

std::vector<std::string> Labels(const std::vector<Period>& periods) {
  std::vector<std::string> out;
  for (const Period& p : periods) out.push_back(p.label());
  return out;
}

using Labels_ = std::vector<std::string>;

TEST(DateTest, EpochAndKnownDays) {
  EXPECT_EQ(Date().ToString(), "1970-01-01");
  EXPECT_EQ(D("1970-01-01").day_number(), 0);
  EXPECT_EQ(D("1970-01-02").day_number(), 1);
  EXPECT_EQ(D("1969-12-31").day_number(), -1);
  EXPECT_EQ(D("2000-03-01").day_number(), 11017);
  EXPECT_EQ(D("2024-02-29").day_number(), 19782);
  const Date d = D("2023-07-15");
  EXPECT_EQ(d.year(), 2023);
  EXPECT_EQ(d.month(), 7);
  EXPECT_EQ(d.day(), 15);
  EXPECT_EQ(d.ToString(), "2023-07-15");
}

// The civil-day arithmetic behind year()/month()/day()/ToString(),
// Period::Of and FromYmd agrees with Boost, the calendar's source of
// truth, for every day of Boost's range (1400..9999): the table of month
// starts (1900..2199) and the arithmetic outside it.
TEST(DateTest, MatchesBoostOverWholeRange) {
  namespace bg = boost::gregorian;
  const bg::date epoch(1970, 1, 1);
  const bg::date first(1400, 1, 1);
  const bg::date last(Date::kMaxYear, 12, 31);
  const int32_t lo = static_cast<int32_t>((first - epoch).days());
  const int32_t hi = static_cast<int32_t>((last - epoch).days());
  ASSERT_EQ(Date::FromYmd(1400, 1, 1)->day_number(), lo);
  ASSERT_EQ(Date::FromYmd(Date::kMaxYear, 12, 31)->day_number(), hi);
  int failures = 0;
  bg::date b = first;
  for (int32_t n = lo; n <= hi && failures < 10; ++n, b += bg::days(1)) {
    const bg::date::ymd_type ymd = b.year_month_day();
    const Date d = Date::FromDayNumber(n);
    if (d.year() != ymd.year || d.month() != ymd.month || d.day() != ymd.day) {
      ADD_FAILURE() << "day " << n << ": " << d.ToString() << " vs "
                    << bg::to_iso_extended_string(b);
      ++failures;
    }
    const std::optional<Date> back =
        Date::FromYmd(ymd.year, ymd.month, ymd.day);
    if (!back || back->day_number() != n) {
      ADD_FAILURE() << "FromYmd " << bg::to_iso_extended_string(b);
      ++failures;
    }
    if (ymd.day == 1 || ymd.day == 29 || ymd.day == 31) {
      if (d.ToString() != bg::to_iso_extended_string(b)) {
        ADD_FAILURE() << "ToString " << d.ToString();
        ++failures;
      }
    }
    // The period of each kind the day is in.
    const int month = ymd.month;
    const Period of[] = {Period::Of(PeriodKind::kMonth, d), Period::Of(PeriodKind::kQuarter, d),
                         Period::Of(PeriodKind::kHalf, d), Period::Of(PeriodKind::kYear, d)};
    const std::optional<Period> want[] = {
        Period::FromIndex(PeriodKind::kMonth, ymd.year, month),
        Period::FromIndex(PeriodKind::kQuarter, ymd.year, (month - 1) / 3 + 1),
        Period::FromIndex(PeriodKind::kHalf, ymd.year, (month - 1) / 6 + 1),
        Period::FromIndex(PeriodKind::kYear, ymd.year, 1)};
    for (size_t k = 0; k < 4; ++k) {
      if (!want[k] || of[k] != *want[k]) {
        ADD_FAILURE() << "Period::Of " << of[k].label() << " for " << bg::to_iso_extended_string(b);
        ++failures;
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

// Below Boost's range: every day from 0001-01-01 to 1400-01-01 is the day
// after the one before, by a calendar written out here month by month
// (leap years: divisible by 4, not by 100 unless by 400).
TEST(DateTest, DaysBeforeBoostsRangeFollowEachOther) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int32_t expected = Date::FromYmd(1, 1, 1)->day_number();
  EXPECT_EQ(expected, -719162);  // Python: date(1, 1, 1) - date(1970, 1, 1)
  int failures = 0;
  for (int y = 1; y < 1400 && failures < 10; ++y) {
    const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    for (int m = 1; m <= 12; ++m) {
      const int days = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
      for (int d = 1; d <= days; ++d, ++expected) {
        const std::optional<Date> date = Date::FromYmd(y, m, d);
        if (!date || date->day_number() != expected || date->year() != y ||
            date->month() != m || date->day() != d) {
          ADD_FAILURE() << y << "-" << m << "-" << d;
          ++failures;
        }
      }
      if (Date::FromYmd(y, m, days + 1).has_value()) {
        ADD_FAILURE() << y << "-" << m << " has a day " << days + 1;
        ++failures;
      }
    }
  }
  EXPECT_EQ(Date::FromYmd(1400, 1, 1)->day_number(), expected);
}

TEST(DateTest, ParseAccepted) {
  EXPECT_EQ(D("2024-02-29").ToString(), "2024-02-29");
  EXPECT_EQ(D("2000-02-29").ToString(), "2000-02-29");
  EXPECT_EQ(D("1400-01-01").ToString(), "1400-01-01");
  EXPECT_EQ(D("1399-12-31").ToString(), "1399-12-31");
  EXPECT_EQ(D("0001-01-01").ToString(), "0001-01-01");
  EXPECT_EQ(D("0004-02-29").ToString(), "0004-02-29");
  EXPECT_EQ(D("9999-12-31").ToString(), "9999-12-31");
  EXPECT_EQ(D("2023-12-31").ToString(), "2023-12-31");
}

TEST(DateTest, ParseRejected) {
  const std::string_view cases[] = {
      "",
      "2023-02-30",
      "2023-02-29",
      "1900-02-29",
      "2023-04-31",
      "2023-13-01",
      "2023-00-10",
      "2023-01-00",
      "2023-01-32",
      "2023-2-01",
      "2023-02-1",
      "23-02-01",
      " 2023-01-01",
      "2023-01-01 ",
      "2023/01/01",
      "2023-01-01T00:00",
      "20230101",
      "+2023-01-01",
      "-2023-01-01",
      "2023-0a-01",
      "2023--1-01",
      "0000-01-01",
      "0100-02-29",
      "10000-01-01",
      "２０２３-01-01",  // Full-width digits.
      "٢٠٢٣-01-01",      // Arabic-Indic digits.
      "2023-01-0１",
  };
  for (std::string_view text : cases) {
    EXPECT_FALSE(Date::Parse(text).has_value()) << text;
  }
  EXPECT_FALSE(Date::Parse(std::string_view("2023-01-0\0", 10)).has_value());
}

TEST(DateTest, FromYmd) {
  EXPECT_TRUE(Date::FromYmd(2024, 2, 29).has_value());
  EXPECT_FALSE(Date::FromYmd(2023, 2, 29).has_value());
  EXPECT_FALSE(Date::FromYmd(2023, 0, 1).has_value());
  EXPECT_FALSE(Date::FromYmd(2023, 13, 1).has_value());
  EXPECT_FALSE(Date::FromYmd(2023, 1, 0).has_value());
  EXPECT_FALSE(Date::FromYmd(2023, 1, -1).has_value());
  EXPECT_FALSE(Date::FromYmd(0, 1, 1).has_value());
  EXPECT_FALSE(Date::FromYmd(-5, 1, 1).has_value());
  EXPECT_TRUE(Date::FromYmd(1399, 12, 31).has_value());
  EXPECT_TRUE(Date::FromYmd(1, 1, 1).has_value());
  EXPECT_FALSE(Date::FromYmd(10000, 1, 1).has_value());
  EXPECT_FALSE(
      Date::FromYmd(std::numeric_limits<int>::max(), 1, 1).has_value());
  EXPECT_FALSE(Date::FromYmd(2023, 1, 65536 + 1).has_value());
}

TEST(DateTest, LeapYears) {
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_FALSE(IsLeapYear(2100));
  EXPECT_TRUE(IsLeapYear(2400));
  EXPECT_TRUE(IsLeapYear(1600));
  for (int y = 1400; y <= Date::kMaxYear; ++y) {  // Boost's range
    ASSERT_EQ(IsLeapYear(y), boost::gregorian::gregorian_calendar::is_leap_year(
                                 static_cast<unsigned short>(y)))
        << y;
  }
}

TEST(DateTest, AddYears) {
  struct Case {
    std::string_view from;
    int n;
    std::string_view to;
  };
  const Case cases[] = {
      {"2024-02-29", 1, "2025-02-28"},    {"2024-02-29", 4, "2028-02-29"},
      {"2024-02-29", 2, "2026-02-28"},    {"2022-02-28", 2, "2024-02-28"},
      {"2023-02-28", 1, "2024-02-28"},    {"2024-02-29", -1, "2023-02-28"},
      {"2024-02-29", -4, "2020-02-29"},   {"2024-02-29", -124, "1900-02-28"},
      {"2023-03-31", -1, "2022-03-31"},   {"2021-06-01", 2, "2023-06-01"},
      {"2023-12-31", 0, "2023-12-31"},    {"2000-02-29", 100, "2100-02-28"},
      {"1400-01-01", 8599, "9999-01-01"},
  };
  for (const Case& c : cases) {
    std::optional<Date> r = D(c.from).AddYears(c.n);
    ASSERT_TRUE(r.has_value()) << c.from << " + " << c.n;
    EXPECT_EQ(r->ToString(), c.to) << c.from << " + " << c.n;
  }
  EXPECT_FALSE(D("9999-01-01").AddYears(1).has_value());
  EXPECT_EQ(D("1400-12-31").AddYears(-1)->ToString(), "1399-12-31");
  EXPECT_FALSE(D("0001-12-31").AddYears(-1).has_value());
  EXPECT_FALSE(
      D("2023-01-01").AddYears(std::numeric_limits<int>::max()).has_value());
  EXPECT_FALSE(
      D("2023-01-01").AddYears(std::numeric_limits<int>::min()).has_value());
}

TEST(DateTest, AddDays) {
  EXPECT_EQ(D("2023-12-31").AddDays(1)->ToString(), "2024-01-01");
  EXPECT_EQ(D("2024-03-01").AddDays(-1)->ToString(), "2024-02-29");
  EXPECT_EQ(D("2023-03-01").AddDays(-1)->ToString(), "2023-02-28");
  EXPECT_EQ(D("2023-01-01").AddDays(0)->ToString(), "2023-01-01");
  EXPECT_EQ(D("2023-01-01").AddDays(365)->ToString(), "2024-01-01");
  EXPECT_EQ(D("9999-12-30").AddDays(1)->ToString(), "9999-12-31");
  EXPECT_EQ(D("0001-01-02").AddDays(-1)->ToString(), "0001-01-01");
  EXPECT_FALSE(D("9999-12-31").AddDays(1).has_value());
  EXPECT_FALSE(D("0001-01-01").AddDays(-1).has_value());
  EXPECT_FALSE(
      D("2023-01-01").AddDays(std::numeric_limits<int64_t>::max()).has_value());
  EXPECT_FALSE(
      D("2023-01-01").AddDays(std::numeric_limits<int64_t>::min()).has_value());
  EXPECT_FALSE(D("2023-01-01").AddDays(int64_t{1} << 40).has_value());
  const std::optional<Date> span =
      D("1400-01-01")
          .AddDays(D("9999-12-31").day_number() -
                   int64_t{D("1400-01-01").day_number()});
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->ToString(), "9999-12-31");
}

TEST(DateTest, Ordering) {
  EXPECT_LT(D("2023-01-01"), D("2023-01-02"));
  EXPECT_LT(D("1999-12-31"), D("2000-01-01"));
  EXPECT_EQ(D("2023-01-01"), Date::FromYmd(2023, 1, 1));
  EXPECT_GT(D("2023-02-01"), D("2023-01-31"));
  EXPECT_NE(D("2023-02-01"), D("2023-01-31"));
}

TEST(PeriodTest, KindNames) {
  const PeriodKind kinds[] = {PeriodKind::kYear, PeriodKind::kHalf,
                              PeriodKind::kQuarter, PeriodKind::kMonth};
  for (PeriodKind k : kinds) {
    EXPECT_EQ(ParsePeriodKind(PeriodKindName(k)), k);
  }
  EXPECT_STREQ(PeriodKindName(PeriodKind::kQuarter), "quarter");
  EXPECT_FALSE(ParsePeriodKind("Year").has_value());
  EXPECT_FALSE(ParsePeriodKind("").has_value());
  EXPECT_FALSE(ParsePeriodKind("week").has_value());
  EXPECT_FALSE(ParsePeriodKind("month ").has_value());
}

TEST(PeriodTest, LabelsAndBounds) {
  struct Case {
    PeriodKind kind;
    std::string_view day;
    std::string_view label;
    std::string_view start;
    std::string_view end;
    int index;
  };
  const Case cases[] = {
      {PeriodKind::kYear, "2023-07-15", "2023", "2023-01-01", "2023-12-31", 1},
      {PeriodKind::kHalf, "2023-06-30", "2023-H1", "2023-01-01", "2023-06-30",
       1},
      {PeriodKind::kHalf, "2023-07-01", "2023-H2", "2023-07-01", "2023-12-31",
       2},
      {PeriodKind::kQuarter, "2024-02-29", "2024-Q1", "2024-01-01",
       "2024-03-31", 1},
      {PeriodKind::kQuarter, "2023-05-01", "2023-Q2", "2023-04-01",
       "2023-06-30", 2},
      {PeriodKind::kQuarter, "2023-09-30", "2023-Q3", "2023-07-01",
       "2023-09-30", 3},
      {PeriodKind::kQuarter, "2023-12-31", "2023-Q4", "2023-10-01",
       "2023-12-31", 4},
      {PeriodKind::kMonth, "2023-07-15", "2023-07", "2023-07-01", "2023-07-31",
       7},
      {PeriodKind::kMonth, "2024-02-01", "2024-02", "2024-02-01", "2024-02-29",
       2},
      {PeriodKind::kMonth, "2023-02-01", "2023-02", "2023-02-01", "2023-02-28",
       2},
      {PeriodKind::kMonth, "1400-01-01", "1400-01", "1400-01-01", "1400-01-31",
       1},
      {PeriodKind::kMonth, "9999-12-31", "9999-12", "9999-12-01", "9999-12-31",
       12},
  };
  for (const Case& c : cases) {
    const Period p = Period::Of(c.kind, D(c.day));
    EXPECT_EQ(p.kind(), c.kind);
    EXPECT_EQ(p.label(), c.label);
    EXPECT_EQ(p.index(), c.index) << c.label;
    EXPECT_EQ(p.start().ToString(), c.start) << c.label;
    EXPECT_EQ(p.end().ToString(), c.end) << c.label;
    EXPECT_TRUE(p.Contains(D(c.day))) << c.label;
    EXPECT_TRUE(p.Contains(D(c.start))) << c.label;
    EXPECT_TRUE(p.Contains(D(c.end))) << c.label;
    EXPECT_EQ(Period::Parse(c.label), p) << c.label;
    EXPECT_EQ(Period::FromIndex(c.kind, p.year(), c.index), p) << c.label;
  }
  EXPECT_EQ(Period().label(), "1970");
  EXPECT_EQ(Period().start().ToString(), "1970-01-01");
}

TEST(PeriodTest, StartAndEndMatchFromYmdEverywhere) {
  const PeriodKind kinds[] = {PeriodKind::kYear, PeriodKind::kHalf,
                              PeriodKind::kQuarter, PeriodKind::kMonth};
  for (PeriodKind kind : kinds) {
    std::optional<Period> p = Period::FromIndex(kind, Date::kMinYear, 1);
    ASSERT_TRUE(p.has_value());
    int count = 0;
    while (p->year() <= Date::kMaxYear) {
      const int months = kind == PeriodKind::kYear      ? 12
                         : kind == PeriodKind::kHalf    ? 6
                         : kind == PeriodKind::kQuarter ? 3
                                                        : 1;
      const int first = (p->index() - 1) * months + 1;
      ASSERT_EQ(Date::FromYmd(p->year(), first, 1), p->start()) << p->label();
      ASSERT_EQ(p->end().day_number() + 1, p->Next().start().day_number())
          << p->label();
      ASSERT_EQ(Period::Parse(p->label()), *p);
      ASSERT_LT(*p, p->Next());
      p = p->Next();
      ++count;
    }
    EXPECT_EQ(count, (Date::kMaxYear - Date::kMinYear + 1) * 12 /
                         (kind == PeriodKind::kYear      ? 12
                          : kind == PeriodKind::kHalf    ? 6
                          : kind == PeriodKind::kQuarter ? 3
                                                         : 1));
  }
}

TEST(PeriodTest, ContainsBoundaries) {
  const Period q = P("2023-Q2");
  EXPECT_FALSE(q.Contains(D("2023-03-31")));
  EXPECT_TRUE(q.Contains(D("2023-04-01")));
  EXPECT_TRUE(q.Contains(D("2023-06-30")));
  EXPECT_FALSE(q.Contains(D("2023-07-01")));
}

TEST(PeriodTest, ParseRejected) {
  const std::string_view cases[] = {
      "",        "202",      "20231",    "2023-",    "2023-H0", "2023-H3",
      "2023-Q0", "2023-Q5",  "2023-00",  "2023-13",  "2023-7",  "2023-h1",
      "2023-q1", "2023-H12", "2023-Q1 ", " 2023",    "2023 ",   "999",
      "0000",    "10000",    "2023-M07", "2023-007", "2023_Q1", "２０２３",
      "2023-1a", "-2023",    "+2023",
  };
  for (std::string_view label : cases) {
    EXPECT_FALSE(Period::Parse(label).has_value()) << label;
  }
}

TEST(PeriodTest, FromIndex) {
  EXPECT_TRUE(Period::FromIndex(PeriodKind::kYear, 2023, 1).has_value());
  EXPECT_FALSE(Period::FromIndex(PeriodKind::kYear, 2023, 2).has_value());
  EXPECT_FALSE(Period::FromIndex(PeriodKind::kHalf, 2023, 3).has_value());
  EXPECT_FALSE(Period::FromIndex(PeriodKind::kQuarter, 2023, 0).has_value());
  EXPECT_FALSE(Period::FromIndex(PeriodKind::kMonth, 2023, 13).has_value());
  EXPECT_TRUE(Period::FromIndex(PeriodKind::kMonth, 1, 1).has_value());
  EXPECT_EQ(Period::FromIndex(PeriodKind::kMonth, 1, 1)->label(), "0001-01");
  EXPECT_FALSE(Period::FromIndex(PeriodKind::kMonth, 0, 12).has_value());
  EXPECT_FALSE(Period::FromIndex(PeriodKind::kMonth, 10000, 1).has_value());
  EXPECT_FALSE(
      Period::FromIndex(static_cast<PeriodKind>(9), 2023, 1).has_value());
}

TEST(PeriodTest, Next) {
  EXPECT_EQ(P("2023-Q4").Next().label(), "2024-Q1");
  EXPECT_EQ(P("2023-Q1").Next().label(), "2023-Q2");
  EXPECT_EQ(P("2023-H1").Next().label(), "2023-H2");
  EXPECT_EQ(P("2023-H2").Next().label(), "2024-H1");
  EXPECT_EQ(P("2023-12").Next().label(), "2024-01");
  EXPECT_EQ(P("2023-09").Next().label(), "2023-10");
  EXPECT_EQ(P("2023").Next().label(), "2024");
  EXPECT_EQ(P("2023-Q4").Next().kind(), PeriodKind::kQuarter);
}

TEST(PeriodTest, Within) {
  const Period y = P("2023");
  EXPECT_TRUE(y.Within(D("2023-01-01"), D("2023-12-31")));
  EXPECT_TRUE(y.Within(D("2021-06-01"), D("2024-01-01")));
  EXPECT_FALSE(y.Within(D("2023-01-02"), D("2023-12-31")));
  EXPECT_FALSE(y.Within(D("2023-01-01"), D("2023-12-30")));
  EXPECT_FALSE(y.Within(D("2023-12-31"), D("2023-01-01")));
  EXPECT_TRUE(P("2023-07").Within(D("2023-07-01"), D("2023-07-31")));
}

TEST(PeriodTest, Enumerate) {
  EXPECT_EQ(Labels(Period::Enumerate(PeriodKind::kYear, D("2021-06-01"),
                                     D("2024-03-31"))),
            (Labels_{"2022", "2023"}));
  EXPECT_EQ(Labels(Period::Enumerate(PeriodKind::kQuarter, D("2023-01-01"),
                                     D("2023-12-31"))),
            (Labels_{"2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"}));
  EXPECT_EQ(Labels(Period::Enumerate(PeriodKind::kQuarter, D("2023-01-02"),
                                     D("2023-12-30"))),
            (Labels_{"2023-Q2", "2023-Q3"}));
  EXPECT_EQ(Labels(Period::Enumerate(PeriodKind::kHalf, D("2023-03-01"),
                                     D("2024-12-31"))),
            (Labels_{"2023-H2", "2024-H1", "2024-H2"}));
  EXPECT_EQ(Labels(Period::Enumerate(PeriodKind::kMonth, D("2023-11-30"),
                                     D("2024-03-01"))),
            (Labels_{"2023-12", "2024-01", "2024-02"}));
  EXPECT_EQ(Labels(Period::Enumerate(PeriodKind::kMonth, D("2024-02-01"),
                                     D("2024-02-29"))),
            (Labels_{"2024-02"}));
  // Nothing wholly inside.
  EXPECT_TRUE(
      Period::Enumerate(PeriodKind::kMonth, D("2024-02-01"), D("2024-02-28"))
          .empty());
  EXPECT_TRUE(
      Period::Enumerate(PeriodKind::kYear, D("2023-01-01"), D("2023-01-01"))
          .empty());
  // from > to.
  EXPECT_TRUE(
      Period::Enumerate(PeriodKind::kMonth, D("2024-01-01"), D("2023-01-01"))
          .empty());
  // The whole range, and beyond it.
  EXPECT_EQ(
      Period::Enumerate(PeriodKind::kYear, D("1400-01-01"), D("9999-12-31"))
          .size(),
      8600u);
  const std::vector<Period> all = Period::Enumerate(
      PeriodKind::kYear,
      Date::FromDayNumber(std::numeric_limits<int32_t>::min()),
      Date::FromDayNumber(std::numeric_limits<int32_t>::max()));
  ASSERT_EQ(all.size(), 9999u);
  EXPECT_EQ(all.front().label(), "0001");
  EXPECT_EQ(all.back().label(), "9999");
  EXPECT_TRUE(Period::Enumerate(PeriodKind::kMonth,
                                Date::FromDayNumber(-100000000),
                                Date::FromDayNumber(-99999000))
                  .empty());
}

TEST(PeriodTest, Overlapping) {
  EXPECT_EQ(Labels(Period::Overlapping(PeriodKind::kYear, D("2021-06-01"),
                                       D("2024-03-31"))),
            (Labels_{"2021", "2022", "2023", "2024"}));
  EXPECT_EQ(Labels(Period::Overlapping(PeriodKind::kQuarter, D("2023-03-31"),
                                       D("2023-04-01"))),
            (Labels_{"2023-Q1", "2023-Q2"}));
  EXPECT_EQ(Labels(Period::Overlapping(PeriodKind::kMonth, D("2023-07-15"),
                                       D("2023-07-15"))),
            (Labels_{"2023-07"}));
  EXPECT_EQ(Labels(Period::Overlapping(PeriodKind::kHalf, D("2023-06-30"),
                                       D("2024-07-01"))),
            (Labels_{"2023-H1", "2023-H2", "2024-H1", "2024-H2"}));
  EXPECT_TRUE(
      Period::Overlapping(PeriodKind::kMonth, D("2024-01-01"), D("2023-12-31"))
          .empty());
  const std::vector<Period> all = Period::Overlapping(
      PeriodKind::kYear,
      Date::FromDayNumber(std::numeric_limits<int32_t>::min()),
      Date::FromDayNumber(std::numeric_limits<int32_t>::max()));
  ASSERT_EQ(all.size(), 9999u);
  EXPECT_TRUE(Period::Overlapping(PeriodKind::kMonth,
                                  Date::FromDayNumber(-100000000),
                                  Date::FromDayNumber(-99999000))
                  .empty());
  EXPECT_TRUE(Period::Overlapping(PeriodKind::kMonth,
                                  Date::FromDayNumber(100000000),
                                  Date::FromDayNumber(100001000))
                  .empty());
}

TEST(PeriodTest, Ordering) {
  // By (kind, year, index).
  EXPECT_LT(P("2023-Q1"), P("2023-Q2"));
  EXPECT_LT(P("2023-Q4"), P("2024-Q1"));
  EXPECT_LT(P("2023-09"), P("2023-10"));
  EXPECT_LT(P("2023-12"), P("2024-01"));
  EXPECT_LT(P("2099"), P("2023-H1"));  // kYear sorts before kHalf.
  EXPECT_EQ(P("2023-Q3"), Period::Of(PeriodKind::kQuarter, D("2023-08-08")));
  EXPECT_NE(P("2023-Q3"), P("2023-H2"));
}

}  // namespace
}  // namespace zhucun
