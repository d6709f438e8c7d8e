// The Qiannan sample-data generator (see qiannan_gen.h).
//
// Layout of the generation (each file is written in this order, by one
// thread at a time; gen_run.cc says which thread and how files are written
// in parallel):
//   1. counties, townships (names only), units, villages;
//   2. per village: its teams, their postings (members) as chains of
//      successive postings per slot, handovers between them, bundles;
//   3. leaders of every unit and their visits to the villages of the unit's
//      teams;
//   4. per posting: assessments, payments, work funds, insurance, health
//      checks, trainings, enterprises; then unit ratings;
//   5. per posting: absences (official_out, leave, absent) with the leave's
//      approval.
// Structure (villages, teams, postings) is kept in memory in compact form;
// events are streamed to the files.
//
// Every random decision comes from Rng (xoshiro256**) seeded from the
// options' seed, a stream tag and an index, so that, e.g., one village's
// content does not depend on how many numbers another village drew. No
// floating point is used after the counts are fixed from `scale`. The
// absences (the 18th table, added last) have their own streams, for their
// rows and for their defects, so the other 17 files are byte for byte what
// they were before it.
//
// Files: gen_calendar.h (dates), gen_rng.h (random streams), gen_domain.*
// (codes, names, table specs), gen_writer.* (CSV writer, defects),
// gen_generator.h (data model, the Generator class, which file defines
// which of its parts), gen_run.cc (Run: the threads); this file: Generate
// and the layout.

#include "qiannan_gen.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "gen_generator.h"

namespace zhucun::gen {
namespace internal {

// --------------------------------------------------------------- layout --

bool Generator::OpenAll(const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  const auto& specs = Tables();
  for (size_t t = 0; t < specs.size(); ++t) {
    const std::string path =
        (std::filesystem::path(dir) / (std::string(specs[t].name) + ".csv"))
            .string();
    Defects* defects = t == kAbsences ? &absence_defects_ : &defects_;
    if (!w_[t].Open(path, &specs[t], defects->active() ? defects : nullptr,
                    &dates_, error))
      return false;
  }
  return true;
}

void Generator::Layout() {
  // r0: about three years before as_of (2021-06-01 for 2024-06-30).
  r0_ = AddYears(as_, -3) - 29;
  const Civil c = CivilFromDays(r0_);
  ev0_ =
      c.m == 1 ? DaysFromCivil(c.y - 1, 12, 1) : DaysFromCivil(c.y, c.m - 1, 1);
  window_start_ = DaysFromCivil(kWindowStartY, kWindowStartM, kWindowStartD);
  // With a later as_of, postings from before r0 still need their events
  // from the policy's default window start on.
  ev0_ = std::min(ev0_, window_start_);
  const int ya = YearOf(as_);
  for (int y = YearOf(std::max(r0_, window_start_)); y <= ya; ++y)
    if (Jan1(y) >= std::max(r0_, window_start_) && Dec31(y) <= as_)
      judged_years_.push_back(y);
  for (int y = ya; y >= YearOf(r0_); --y) {
    if (IsLeap(y) && DaysFromCivil(y, 2, 29) <= as_ &&
        DaysFromCivil(y, 2, 29) > r0_ + 60) {
      leap_day_ = DaysFromCivil(y, 2, 29);
      break;
    }
  }
  first_assess_year_ = YearOf(ev0_);
  last_assess_year_ = as_ >= DaysFromCivil(ya, 12, 15) ? ya : ya - 1;
  for (int y = first_assess_year_; y <= last_assess_year_; ++y) {
    std::array<int32_t, 12> mid;
    for (int m = 1; m <= 12; ++m)
      mid[static_cast<size_t>(m - 1)] = DaysFromCivil(y, m, 15);
    mid_months_.push_back(mid);
  }

  const double s = opt_.scale;
  n_counties_ =
      static_cast<int32_t>(std::max<long long>(1, std::llround(12 * s)));
  n_villages_ =
      static_cast<int32_t>(std::max<long long>(1, std::llround(1319 * s)));
  // Villages per county: weights 80..140, largest remainder.
  Rng rng(opt_.seed, kStreamLayout);
  std::vector<int64_t> weight(static_cast<size_t>(n_counties_));
  int64_t total = 0;
  for (auto& x : weight) total += (x = rng.Range(80, 140));
  villages_per_county_.assign(static_cast<size_t>(n_counties_), 0);
  std::vector<std::pair<int64_t, int32_t>> rem;
  int32_t given = 0;
  for (int32_t i = 0; i < n_counties_; ++i) {
    const int64_t num = weight[static_cast<size_t>(i)] * n_villages_;
    villages_per_county_[static_cast<size_t>(i)] =
        static_cast<int32_t>(num / total);
    given += static_cast<int32_t>(num / total);
    rem.push_back({-(num % total), i});
  }
  std::sort(rem.begin(), rem.end());
  for (size_t k = 0; given < n_villages_; ++k, ++given)
    ++villages_per_county_[static_cast<size_t>(rem[k % rem.size()].second)];
  // Townships: about one per 12 villages.
  Rng names(opt_.seed, kStreamNames);
  townships_.resize(static_cast<size_t>(n_counties_));
  for (int32_t i = 0; i < n_counties_; ++i) {
    const int n =
        std::max(3, villages_per_county_[static_cast<size_t>(i)] / 12);
    for (int k = 0; k < n; ++k) {
      const int kind = names.Weighted(std::array<int, 3>{80, 14, 6});
      townships_[static_cast<size_t>(i)].push_back(PlaceName(names, 2) +
                                                   (kind == 0   ? "镇"
                                                    : kind == 1 ? "乡"
                                                                : "街道"));
    }
  }
}

void Generator::WriteCounties() {
  Writer& w = w_[kCounties];
  for (int32_t i = 0; i < n_counties_; ++i) {
    w.Id("C", 2, static_cast<uint64_t>(i + 1));
    w.Text(CountyName(i, opt_.seed));
    w.End();
  }
}

void Generator::MakeUnits() {
  Rng rng(opt_.seed, kStreamUnits);
  const double s = opt_.scale;
  const auto& depts = Departments();
  const auto count = [&](int base) {
    return static_cast<int>(std::llround(base * s));
  };
  std::vector<std::string> names;
  auto add = [&](Level level, Sector sector, int32_t county, std::string name) {
    units_.push_back({level, sector, county});
    names.push_back(std::move(name));
  };
  const std::array<int, kSectors> high_weights = {4, 2, 5, 4, 2, 4};
  struct High {
    Level level;
    int n;
    const char* prefix;
  };
  const High highs[] = {{kCentral, count(6), "中央驻黔单位·"},
                        {kProvince, count(20), "贵州省"},
                        {kPrefecture, std::max(1, count(40)), "黔南州"}};
  for (const High& h : highs) {
    std::vector<size_t> next(kSectors, 0);
    for (int i = 0; i < h.n; ++i) {
      // Every sector first, then by weight.
      const Sector sec =
          static_cast<Sector>(i < kSectors ? i : rng.Weighted(high_weights));
      const auto& list = depts[sec];
      const char* dept = list[next[sec]++ % list.size()];
      add(h.level, sec, -1, std::string(h.prefix) + dept);
    }
  }
  const std::array<int, kSectors> township_weights = {3, 1, 3, 2, 1, 3};
  const std::array<int, kSectors> county_extra = {1, 0, 1, 1, 0, 2};
  for (int32_t c = 0; c < n_counties_; ++c) {
    const std::string county = CountyName(c, opt_.seed);
    std::vector<size_t> next(kSectors, 0);
    for (int i = 0; i < 18; ++i) {
      const Sector sec = static_cast<Sector>(
          i < 2 * kSectors ? i % kSectors : rng.Weighted(county_extra));
      const auto& list = depts[sec];
      add(kCountyLevel, sec, c, county + list[next[sec]++ % list.size()]);
    }
    const auto& towns = townships_[static_cast<size_t>(c)];
    for (int i = 0; i < 8; ++i) {
      const Sector sec = static_cast<Sector>(rng.Weighted(township_weights));
      add(kTownship, sec, c, county + rng.Pick(towns) + rng.Pick(depts[sec]));
    }
  }
  county_units_.assign(static_cast<size_t>(n_counties_) * kSectors, {});
  county_any_units_.assign(static_cast<size_t>(n_counties_), {});
  county_township_units_.assign(static_cast<size_t>(n_counties_), {});
  high_units_.assign(kSectors, {});
  Writer& w = w_[kUnits];
  for (size_t u = 0; u < units_.size(); ++u) {
    const Unit& x = units_[u];
    const auto id = static_cast<int32_t>(u);
    if (x.county >= 0) {
      county_units_[static_cast<size_t>(x.county) * kSectors + x.sector]
          .push_back(id);
      county_any_units_[static_cast<size_t>(x.county)].push_back(id);
      if (x.level == kTownship)
        county_township_units_[static_cast<size_t>(x.county)].push_back(id);
    } else {
      high_units_[x.sector].push_back(id);
      all_high_units_.push_back(id);
    }
    w.Id("U", 4, u + 1);
    w.Text(names[u]);
    w.Code(kLevelCode[x.level]);
    w.Code(kSectorCode[x.sector]);
    w.End();
  }
}

void Generator::MakeVillages() {
  Writer& w = w_[kVillages];
  const std::array<int, 6> category_weights = {11, 4, 14, 13, 6, 52};
  int32_t id = 0;
  for (int32_t c = 0; c < n_counties_; ++c) {
    county_first_village_.push_back(id);
    for (int32_t k = 0; k < villages_per_county_[static_cast<size_t>(c)];
         ++k, ++id) {
      Rng rng(opt_.seed, kStreamNames, static_cast<uint64_t>(id) + 1);
      const auto cat = static_cast<Category>(rng.Weighted(category_weights));
      villages_.push_back({c, cat});
      w.Id("V", 5, static_cast<uint64_t>(id) + 1);
      w.Id("C", 2, static_cast<uint64_t>(c) + 1);
      w.Text(rng.Pick(townships_[static_cast<size_t>(c)]));
      w.Text(PlaceName(rng, rng.Per(40000) ? 3 : 2) + "村");
      w.Code(kCategoryCode[cat]);
      w.End();
    }
  }
  county_first_village_.push_back(id);
}

}  // namespace internal

bool Generate(const Options& options, const std::string& dir, Summary* summary,
              std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  if (!std::isfinite(options.scale) || options.scale <= 0 ||
      options.scale > 10000) {
    *error = "scale must be a number in (0, 10000]";
    return false;
  }
  if (!std::isfinite(options.bad_rows) || options.bad_rows < 0 ||
      options.bad_rows > 1) {
    *error = "bad_rows must be a fraction in [0, 1]";
    return false;
  }
  int32_t as_of = 0;
  if (!internal::ParseDate(options.as_of, &as_of) ||
      internal::YearOf(as_of) < 2000 || internal::YearOf(as_of) > 2050) {
    *error =
        "as_of must be a real date YYYY-MM-DD between 2000 and 2050, not '" +
        options.as_of + "'";
    return false;
  }
  auto generator = std::make_unique<internal::Generator>(options, as_of);
  return generator->Run(dir, summary, error);
}

}  // namespace zhucun::gen
