// Assessment scores and unit ratings (see gen_generator.h).

#include <algorithm>

#include "gen_generator.h"

namespace zhucun::gen::internal {
namespace {

// Scores whose exact composite is a grade threshold while binary floating
// point computes it just below (0.2*a + 0.3*b + 0.5*c in doubles).
constexpr Triple kTrap60[] = {
    {5000, 5030, 6982}, {5380, 5360, 6632}, {5386, 5601, 6485},
    {5418, 5418, 6582}, {5444, 5479, 6535}, {5466, 5566, 6474},
    {5939, 6824, 5530}, {5991, 6691, 5589}, {6262, 6557, 5561},
    {6482, 6822, 5314}, {6567, 6697, 5355}, {6657, 6387, 5505},
    {6727, 6507, 5405}, {6732, 6712, 5280}, {6746, 6226, 5566},
    {6788, 6508, 5380}};
constexpr Triple kTrap75[] = {
    {6607, 9932, 6398}, {7107, 9807, 6273}, {7482, 9432, 6348},
    {7632, 9957, 5973}, {8207, 9657, 5923}, {8210, 9655, 5923},
    {8332, 9032, 6248}, {8607, 8682, 6348}, {8652, 9777, 5673},
    {8707, 9907, 5573}, {8786, 9646, 5698}, {8966, 9896, 5476},
    {9082, 9777, 5501}, {9232, 8432, 6248}, {9232, 9307, 5723},
    {9332, 8532, 6148}};

// Scores (in hundredths) with 2a + 3b + 5c == sum exactly (composite*1000).
Triple ExactTriple(Rng& rng, int32_t sum) {
  const int32_t mid = sum / 10;
  for (int t = 0; t < 1000; ++t) {
    const int32_t a =
        rng.Range(std::max(0, mid - 800), std::min(10000, mid + 800));
    const int32_t b =
        rng.Range(std::max(0, mid - 800), std::min(10000, mid + 800));
    const int32_t rem = sum - 2 * a - 3 * b;
    if (rem < 0 || rem % 5 != 0 || rem / 5 > 10000) continue;
    return {a, b, rem / 5};
  }
  return {mid, mid, mid};
}

// Scores with a composite*1000 in [lo, hi]; tenths mostly, else hundredths.
Triple BandTriple(Rng& rng, int32_t lo, int32_t hi) {
  for (int t = 0; t < 100; ++t) {
    const int32_t target = rng.Range(lo, hi);
    const int32_t u = rng.Per(75000) ? 10 : 1;
    auto snap = [u](int32_t x) {
      return std::clamp((x + u / 2) / u * u, 0, 10000);
    };
    const int32_t a = snap(target / 10 + rng.Range(-400, 400));
    const int32_t b = snap(target / 10 + rng.Range(-400, 400));
    const int32_t rem = target - 2 * a - 3 * b;
    if (rem < 0) continue;
    const int32_t c = (rem / 5 + u / 2) / u * u;
    if (c > 10000) continue;
    const int32_t sum = 2 * a + 3 * b + 5 * c;
    if (sum >= lo && sum <= hi) return {a, b, c};
  }
  const int32_t mid = (lo + hi) / 20 / 10 * 10;
  return {mid, mid, mid};
}

}  // namespace

void AppendScore(std::string& out, int32_t v, Rng& rng) {
  if (v < 0) {
    out.push_back('-');
    v = -v;
  }
  AppendInt(out, v / 100);
  const int32_t frac = v % 100;
  if (frac == 0) {
    const uint64_t r = rng.Below(10);
    if (r < 3) return;
    out += r < 8 ? ".0" : ".00";
  } else if (frac % 10 == 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + frac / 10));
    if (rng.Per(10000)) out.push_back('0');
  } else {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + frac / 10));
    out.push_back(static_cast<char>('0' + frac % 10));
  }
}

Triple GradeTriple(Rng& rng, Grade g) {
  switch (g) {
    case kExcellent:
      return rng.Per(400) ? ExactTriple(rng, 90000)
                          : BandTriple(rng, 90000, 98500);
    case kCompetent:
      if (rng.Per(300)) return kTrap75[rng.Below(Count(kTrap75))];
      if (rng.Per(200))
        return ExactTriple(rng, 89995);  // prints 90.00, competent
      return BandTriple(rng, 75000, 89999);
    case kBasic:
      if (rng.Per(2500)) return kTrap60[rng.Below(Count(kTrap60))];
      if (rng.Per(1500))
        return ExactTriple(rng,
                           rng.Per(50000) ? 74995 : 74998);  // prints 75.00
      return BandTriple(rng, 60000, 74999);
    case kIncompetent:
      if (rng.Per(3000))
        return ExactTriple(rng, 59995);  // prints 60.00, incompetent
      return BandTriple(rng, 42000, 59999);
    case kInvalid: {
      // assess.score_range: a typo or an out-of-range entry.
      Triple t = BandTriple(rng, 70000, 95000);
      static constexpr int32_t kBad[] = {10100, 10050, 10525, 10001,
                                         98500, -100,  11000, -1};
      const int32_t bad =
          kBad[rng.Weighted(std::array<int, 8>{20, 15, 15, 15, 15, 8, 8, 4})];
      if (bad == -1)
        return rng.Per(50000) ? Triple{0, 0, -1} : Triple{-1, 0, 0};
      switch (rng.Below(3)) {
        case 0:
          t.a = bad;
          break;
        case 1:
          t.b = bad;
          break;
        default:
          t.c = bad;
          break;
      }
      return t;
    }
  }
  return {0, 0, 0};
}

void Generator::UnitRatings() {
  const int first = first_assess_year_, last = last_assess_year_;
  const int ny = std::max(0, last - first + 1);
  static constexpr const char* kGrades[] = {"excellent", "good", "fair",
                                            "poor"};
  Writer& w = w_[kUnitRatings];
  for (size_t u = 0; u < units_.size(); ++u) {
    Rng rng(opt_.seed, kStreamRatings, u);
    for (int y = first; y <= last; ++y) {
      const bool low = unit_low_[u * static_cast<size_t>(ny) +
                                 static_cast<size_t>(y - first)] != 0;
      int grade;
      if (low) {
        // accountability.excellence_veto when rated excellent anyway.
        grade = rng.Per(4500)
                    ? 0
                    : 1 + rng.Weighted(std::array<int, 3>{45, 38, 17});
      } else {
        grade = rng.Weighted(std::array<int, 4>{20, 45, 28, 7});
      }
      w.Id("U", 4, u + 1);
      w.Int(y);
      w.Code(kGrades[grade]);
      w.End();
    }
  }
}

}  // namespace zhucun::gen::internal
