#include "zhucun/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace zhucun {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

Decimal D(std::string_view text) {
  std::optional<Decimal> d = Decimal::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Decimal());
}

std::string AddStr(std::string_view a, std::string_view b) {
  Decimal out;
  if (!Decimal::Add(D(a), D(b), &out)) return "overflow";
  return out.ToString();
}

std::string MulStr(std::string_view a, std::string_view b) {
  Decimal out;
  if (!Decimal::Mul(D(a), D(b), &out)) return "overflow";
  return out.ToString();
}

TEST(DecimalTest, ParseAccepted) {
  struct Case {
    std::string_view text;
    int64_t coefficient;
    int scale;
    std::string_view printed;
  };
  const Case cases[] = {
      {"0", 0, 0, "0"},
      {"1", 1, 0, "1"},
      {"-1", -1, 0, "-1"},
      {"1.5", 15, 1, "1.5"},
      {"1.50", 150, 2, "1.50"},
      {"-1.50", -150, 2, "-1.50"},
      {"0.05", 5, 2, "0.05"},
      {"-0.05", -5, 2, "-0.05"},
      {"007", 7, 0, "7"},
      {"00.10", 10, 2, "0.10"},
      {"-0", 0, 0, "0"},
      {"-0.00", 0, 2, "0.00"},
      {"0.000000000000000001", 1, 18, "0.000000000000000001"},
      {"9223372036854775807", kMax, 0, "9223372036854775807"},
      {"-9223372036854775808", kMin, 0, "-9223372036854775808"},
      {"9.223372036854775807", kMax, 18, "9.223372036854775807"},
      {"-9.223372036854775808", kMin, 18, "-9.223372036854775808"},
      {"000000000000000000000000000001", 1, 0, "1"},
  };
  for (const Case& c : cases) {
    std::optional<Decimal> d = Decimal::Parse(c.text);
    ASSERT_TRUE(d.has_value()) << c.text;
    EXPECT_EQ(d->coefficient(), c.coefficient) << c.text;
    EXPECT_EQ(d->scale(), c.scale) << c.text;
    EXPECT_EQ(d->ToString(), c.printed) << c.text;
  }
}

TEST(DecimalTest, ParseRejected) {
  const std::string_view cases[] = {
      "",
      "-",
      "+1",
      ".5",
      "5.",
      "-.5",
      "1e3",
      "1E3",
      " 1",
      "1 ",
      "1,000",
      "1.2.3",
      "--1",
      "- 1",
      "0x10",
      "1_000",
      "abc",
      "1a",
      "１",
      "inf",
      "nan",
      "1.-5",
      "+0",
      "1..2",
      // 19+ digits that do not fit.
      "9223372036854775808",
      "-9223372036854775809",
      "10000000000000000000",
      "99999999999999999999999",
      "92233720368547758.08",
      // More than kMaxScale fraction digits.
      "0.0000000000000000001",
  };
  for (std::string_view text : cases) {
    EXPECT_FALSE(Decimal::Parse(text).has_value()) << text;
  }
  // Embedded NUL.
  EXPECT_FALSE(Decimal::Parse(std::string_view("1\0", 2)).has_value());
}

TEST(DecimalTest, ParseMaxFractionDigits) {
  EXPECT_TRUE(Decimal::Parse("1.23", 2).has_value());
  EXPECT_TRUE(Decimal::Parse("1.2", 2).has_value());
  EXPECT_TRUE(Decimal::Parse("1", 2).has_value());
  EXPECT_FALSE(Decimal::Parse("1.234", 2).has_value());
  EXPECT_FALSE(Decimal::Parse("1.230", 2).has_value());
  EXPECT_TRUE(Decimal::Parse("1", 0).has_value());
  EXPECT_FALSE(Decimal::Parse("1.0", 0).has_value());
  // Values above kMaxScale are capped at kMaxScale.
  EXPECT_TRUE(Decimal::Parse("0.000000000000000001", 100).has_value());
  EXPECT_FALSE(Decimal::Parse("0.0000000000000000001", 100).has_value());
}

TEST(DecimalTest, ToStringNeverNegativeZero) {
  EXPECT_EQ(Decimal::FromUnscaled(0, 0).ToString(), "0");
  EXPECT_EQ(Decimal::FromUnscaled(0, 3).ToString(), "0.000");
  EXPECT_EQ(D("-0").ToString(), "0");
  EXPECT_EQ(D("-0.00").ToString(), "0.00");
  Decimal neg;
  ASSERT_TRUE(Decimal::Neg(D("0.00"), &neg));
  EXPECT_EQ(neg.ToString(), "0.00");
  EXPECT_EQ(Decimal::FromUnscaled(kMin, 18).ToString(),
            "-9.223372036854775808");
  EXPECT_EQ(Decimal::FromUnscaled(kMin, 0).ToString(), "-9223372036854775808");
  EXPECT_EQ(Decimal::FromUnscaled(-1, 18).ToString(), "-0.000000000000000001");
  EXPECT_EQ(Decimal().ToString(), "0");
}

TEST(DecimalTest, ExactPolicyExamples) {
  // POLICY.md "Exact numbers": 0.2*50 + 0.3*50.3 + 0.5*69.82 == 60.
  const auto weighted = [](std::string_view a, std::string_view b,
                           std::string_view c) {
    Decimal x, y, z, sum;
    EXPECT_TRUE(Decimal::Mul(D("0.2"), D(a), &x));
    EXPECT_TRUE(Decimal::Mul(D("0.3"), D(b), &y));
    EXPECT_TRUE(Decimal::Mul(D("0.5"), D(c), &z));
    EXPECT_TRUE(Decimal::Add(x, y, &sum));
    EXPECT_TRUE(Decimal::Add(sum, z, &sum));
    return sum;
  };
  const Decimal first = weighted("50", "50.3", "69.82");
  EXPECT_EQ(first, Decimal::FromInt(60));
  EXPECT_EQ(Decimal::Compare(first, Decimal::FromInt(60)), 0);
  EXPECT_FALSE(first < Decimal::FromInt(60));
  EXPECT_EQ(first.ToString(), "60.000");
  // The same with doubles is not 60, which is why decimals exist.
  EXPECT_NE(0.2 * 50 + 0.3 * 50.3 + 0.5 * 69.82, 60.0);

  const Decimal second = weighted("66.07", "99.32", "63.98");
  EXPECT_EQ(second, Decimal::FromInt(75));
  EXPECT_EQ(second.ToString(), "75.000");
}

TEST(DecimalTest, ArithmeticScales) {
  EXPECT_EQ(AddStr("1.5", "2.25"), "3.75");
  EXPECT_EQ(AddStr("1", "0.01"), "1.01");
  EXPECT_EQ(AddStr("-1.5", "1.5"), "0.0");
  Decimal out;
  ASSERT_TRUE(Decimal::Sub(D("1"), D("0.25"), &out));
  EXPECT_EQ(out.ToString(), "0.75");
  ASSERT_TRUE(Decimal::Sub(D("0.25"), D("1"), &out));
  EXPECT_EQ(out.ToString(), "-0.75");
  EXPECT_EQ(MulStr("50.3", "0.3"), "15.09");
  EXPECT_EQ(MulStr("-1.5", "1.50"), "-2.250");
  EXPECT_EQ(MulStr("-1.5", "-2"), "3.0");
  EXPECT_EQ(MulStr("0", "-2.5"), "0.0");
  ASSERT_TRUE(Decimal::Neg(D("1.50"), &out));
  EXPECT_EQ(out.ToString(), "-1.50");
  ASSERT_TRUE(Decimal::Neg(D("-1.50"), &out));
  EXPECT_EQ(out.ToString(), "1.50");
}

TEST(DecimalTest, MulScaleAboveMax) {
  // 10 + 10 fraction digits: trailing zeros are dropped down to kMaxScale.
  EXPECT_EQ(MulStr("1.0000000000", "2.0000000000"), "2.000000000000000000");
  // 0.1^20 needs 20 fraction digits: overflow (inexact), not rounding.
  EXPECT_EQ(MulStr("0.0000000001", "0.0000000001"), "overflow");
  EXPECT_EQ(MulStr("0.000000001", "0.000000001"), "0.000000000000000001");
  // The exact result fits only once more trailing zeros are dropped.
  EXPECT_EQ(MulStr("100000000.0000000000", "100000000.0000000000"),
            "10000000000000000.00");
}

TEST(DecimalTest, OverflowDetection) {
  const Decimal max = Decimal::FromInt(kMax);
  const Decimal min = Decimal::FromInt(kMin);
  const Decimal one = Decimal::FromInt(1);
  Decimal out;
  EXPECT_FALSE(Decimal::Add(max, one, &out));
  EXPECT_FALSE(Decimal::Add(min, Decimal::FromInt(-1), &out));
  EXPECT_FALSE(Decimal::Add(max, max, &out));
  EXPECT_TRUE(Decimal::Add(max, Decimal::FromInt(-1), &out));
  EXPECT_EQ(out.coefficient(), kMax - 1);
  EXPECT_TRUE(Decimal::Add(max, min, &out));
  EXPECT_EQ(out.coefficient(), -1);
  // Scaling the integer operand up to the other's scale overflows.
  EXPECT_FALSE(Decimal::Add(max, D("0.5"), &out));
  // The exact sum fits only at a smaller scale than the larger operand's:
  // trailing zeros are dropped to make it fit.
  ASSERT_TRUE(Decimal::Add(max, D("0.0"), &out));
  EXPECT_EQ(out.coefficient(), kMax);
  EXPECT_EQ(out.scale(), 0);
  EXPECT_FALSE(Decimal::Add(max, D("0.1"), &out));

  EXPECT_FALSE(Decimal::Sub(min, one, &out));
  EXPECT_FALSE(Decimal::Sub(max, Decimal::FromInt(-1), &out));
  EXPECT_FALSE(Decimal::Sub(Decimal::FromInt(0), min, &out));
  EXPECT_TRUE(Decimal::Sub(min, min, &out));
  EXPECT_EQ(out.coefficient(), 0);
  EXPECT_TRUE(Decimal::Sub(Decimal::FromInt(-1), max, &out));
  EXPECT_EQ(out.coefficient(), kMin);

  EXPECT_FALSE(Decimal::Mul(max, Decimal::FromInt(2), &out));
  EXPECT_FALSE(Decimal::Mul(min, Decimal::FromInt(-1), &out));
  EXPECT_FALSE(Decimal::Mul(min, min, &out));
  EXPECT_FALSE(Decimal::Mul(Decimal::FromInt(4294967296),
                            Decimal::FromInt(4294967296), &out));
  EXPECT_TRUE(Decimal::Mul(min, one, &out));
  EXPECT_EQ(out.coefficient(), kMin);
  EXPECT_TRUE(Decimal::Mul(max, Decimal::FromInt(-1), &out));
  EXPECT_EQ(out.coefficient(), -kMax);

  EXPECT_FALSE(Decimal::Neg(min, &out));
  EXPECT_FALSE(Decimal::Neg(Decimal::FromUnscaled(kMin, 5), &out));
  EXPECT_TRUE(Decimal::Neg(max, &out));
  EXPECT_EQ(out.coefficient(), -kMax);
}

TEST(DecimalTest, CompareAcrossScales) {
  EXPECT_EQ(D("1.5"), D("1.50"));
  EXPECT_EQ(D("0"), D("-0.000"));
  EXPECT_LT(D("1.49"), D("1.5"));
  EXPECT_GT(D("-1.49"), D("-1.5"));
  EXPECT_LT(D("-0.001"), D("0"));
  EXPECT_EQ(Decimal::Compare(D("2"), D("10")), -1);
  EXPECT_EQ(Decimal::Compare(D("10"), D("2")), 1);
  EXPECT_TRUE(D("1.5") <= D("1.50"));
  EXPECT_TRUE((D("1.5") <=> D("1.50")) == std::strong_ordering::equal);
  // Near overflow: scaling kMax to scale 18 would overflow int64.
  const Decimal max = Decimal::FromInt(kMax);
  const Decimal min = Decimal::FromInt(kMin);
  const Decimal tiny_max = Decimal::FromUnscaled(kMax, 18);  // ~9.22
  const Decimal tiny_min = Decimal::FromUnscaled(kMin, 18);  // ~-9.22
  EXPECT_GT(max, tiny_max);
  EXPECT_LT(min, tiny_min);
  EXPECT_LT(min, tiny_max);
  EXPECT_GT(max, tiny_min);
  EXPECT_LT(min, max);
  EXPECT_EQ(Decimal::Compare(max, max), 0);
  EXPECT_EQ(Decimal::Compare(min, min), 0);
  EXPECT_GT(Decimal::FromUnscaled(kMax, 18),
            Decimal::FromUnscaled(kMax - 1, 18));
  EXPECT_GT(Decimal::FromInt(10), Decimal::FromUnscaled(kMax, 18));
  EXPECT_LT(Decimal::FromInt(9), Decimal::FromUnscaled(kMax, 18));
  EXPECT_EQ(Decimal::FromUnscaled(9000000000000000000, 18),
            Decimal::FromInt(9));
}

TEST(DecimalTest, HashConsistentWithEquality) {
  EXPECT_EQ(D("1.5").Hash(), D("1.50").Hash());
  EXPECT_EQ(D("1.5").Hash(), D("1.500000000000000000").Hash());
  EXPECT_EQ(D("0").Hash(), D("0.00").Hash());
  EXPECT_EQ(D("-0.0").Hash(), D("0").Hash());
  EXPECT_EQ(D("100").Hash(), D("100.0").Hash());
  EXPECT_NE(D("1.5").Hash(), D("15").Hash());
  EXPECT_NE(D("1.5").Hash(), D("-1.5").Hash());
  EXPECT_NE(D("1").Hash(), D("2").Hash());
}

TEST(DecimalTest, Normalized) {
  EXPECT_EQ(D("1.500").Normalized().ToString(), "1.5");
  EXPECT_EQ(D("100").Normalized().ToString(), "100");
  EXPECT_EQ(D("100.00").Normalized().ToString(), "100");
  EXPECT_EQ(D("0.000").Normalized().ToString(), "0");
  EXPECT_EQ(D("0.000").Normalized().scale(), 0);
  EXPECT_EQ(D("-2.010").Normalized().ToString(), "-2.01");
}

TEST(DecimalTest, RoundHalfAwayFromZero) {
  struct Case {
    std::string_view in;
    int scale;
    std::string_view out;
  };
  const Case cases[] = {
      {"2.345", 2, "2.35"},   {"-2.345", 2, "-2.35"}, {"2.344", 2, "2.34"},
      {"-2.344", 2, "-2.34"}, {"2.3449", 2, "2.34"},  {"-0.004", 2, "0.00"},
      {"-0.005", 2, "-0.01"}, {"0.005", 2, "0.01"},   {"0.5", 0, "1"},
      {"-0.5", 0, "-1"},      {"0.4999", 0, "0"},     {"-0.4", 0, "0"},
      {"9.995", 2, "10.00"},  {"1.5", 3, "1.500"},    {"2", 2, "2.00"},
      {"1.25", 2, "1.25"},
  };
  for (const Case& c : cases) {
    std::optional<Decimal> r = D(c.in).RoundHalfAwayFromZero(c.scale);
    ASSERT_TRUE(r.has_value()) << c.in;
    EXPECT_EQ(r->ToString(), c.out) << c.in;
    EXPECT_EQ(r->scale(), c.scale) << c.in;
  }
  // Extremes.
  std::optional<Decimal> r =
      Decimal::FromUnscaled(kMin, 18).RoundHalfAwayFromZero(0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ToString(), "-9");
  r = Decimal::FromUnscaled(kMax, 1).RoundHalfAwayFromZero(0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ToString(), "922337203685477581");
  // Rescaling up overflows.
  EXPECT_FALSE(Decimal::FromInt(kMax).RoundHalfAwayFromZero(1).has_value());
  EXPECT_FALSE(D("1").RoundHalfAwayFromZero(-1).has_value());
  EXPECT_FALSE(D("1").RoundHalfAwayFromZero(19).has_value());
}

TEST(DecimalTest, Rescale) {
  std::optional<Decimal> r = D("1.5").Rescale(3);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ToString(), "1.500");
  r = D("1.500").Rescale(1);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ToString(), "1.5");
  r = D("-1.500").Rescale(0);
  EXPECT_FALSE(r.has_value());  // Would drop a non-zero digit.
  r = D("-2.000").Rescale(0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ToString(), "-2");
  EXPECT_FALSE(D("1.51").Rescale(1).has_value());
  EXPECT_FALSE(Decimal::FromInt(kMax).Rescale(1).has_value());
  EXPECT_FALSE(D("10").Rescale(18).has_value());
  EXPECT_TRUE(D("9").Rescale(18).has_value());
  EXPECT_FALSE(D("1").Rescale(-1).has_value());
  EXPECT_FALSE(D("1").Rescale(19).has_value());
  r = D("0.00").Rescale(0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ToString(), "0");
}

TEST(DecimalTest, FromDouble) {
  struct Case {
    double in;
    std::string_view out;
  };
  const Case cases[] = {
      {0.2, "0.2"},
      {-0.2, "-0.2"},
      {0.0, "0"},
      {-0.0, "0"},
      {1.0, "1"},
      {100.0, "100"},
      {50.3, "50.3"},
      {69.82, "69.82"},
      {1e-7, "0.0000001"},
      {1e-18, "0.000000000000000001"},
      {1e18, "1000000000000000000"},
      {123456.789, "123456.789"},
      {-1.5e10, "-15000000000"},
      {0.1 + 0.2, "0.30000000000000004"},
  };
  for (const Case& c : cases) {
    std::optional<Decimal> d = Decimal::FromDouble(c.in);
    ASSERT_TRUE(d.has_value()) << c.in;
    EXPECT_EQ(d->ToString(), c.out) << c.in;
  }
  EXPECT_EQ(*Decimal::FromDouble(0.2), D("0.2"));
  EXPECT_FALSE(Decimal::FromDouble(1e300).has_value());
  EXPECT_FALSE(Decimal::FromDouble(-1e300).has_value());
  EXPECT_FALSE(Decimal::FromDouble(1e19).has_value());
  EXPECT_FALSE(Decimal::FromDouble(1e-19).has_value());
  EXPECT_FALSE(Decimal::FromDouble(1e-300).has_value());
  EXPECT_FALSE(
      Decimal::FromDouble(std::numeric_limits<double>::infinity()).has_value());
  EXPECT_FALSE(Decimal::FromDouble(-std::numeric_limits<double>::infinity())
                   .has_value());
  EXPECT_FALSE(Decimal::FromDouble(std::numeric_limits<double>::quiet_NaN())
                   .has_value());
  EXPECT_FALSE(Decimal::FromDouble(std::numeric_limits<double>::denorm_min())
                   .has_value());
}

TEST(DecimalTest, ToDouble) {
  EXPECT_EQ(D("0.2").ToDouble(), 0.2);
  EXPECT_EQ(D("-69.82").ToDouble(), -69.82);
  EXPECT_EQ(D("0").ToDouble(), 0.0);
  EXPECT_EQ(D("60.000").ToDouble(), 60.0);
  EXPECT_EQ(Decimal::FromInt(kMin).ToDouble(), -9223372036854775808.0);
  EXPECT_EQ(Decimal::FromUnscaled(1, 18).ToDouble(), 1e-18);
}

TEST(DecimalTest, RoundTripText) {
  const std::string_view texts[] = {
      "0", "1.50", "-3.14159", "12345678901234.5678", "-0.000000000000000001"};
  for (std::string_view t : texts) EXPECT_EQ(D(t).ToString(), t);
}

}  // namespace
}  // namespace zhucun
