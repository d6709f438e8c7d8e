// Per posting: assessments, payments, work funds, insurance, health checks,
// trainings and enterprises (see gen_generator.h).

#include <algorithm>
#include <iterator>

#include "gen_generator.h"

namespace zhucun::gen::internal {

bool Generator::Eligible(const Member& mem, int y) const {
  if (!IsCore(mem.role) || (mem.end != kOpen && mem.end < mem.start))
    return false;
  // ServedMonths(y, mem.start, mem.end) >= 6, from the year's 15ths.
  const auto& mid = mid_months_[static_cast<size_t>(y - first_assess_year_)];
  int n = 0;
  for (int32_t d : mid) n += mem.start <= d && d <= mem.end;
  return n >= 6;
}

bool Generator::InvalidAssessment(size_t m, int y) const {
  return Mix(opt_.seed, kStreamAssessInvalid,
             m * 64 + static_cast<uint64_t>(y - first_assess_year_)) %
             100000 <
         250;
}

void Generator::StartAssessments(Assessor& a) {
  const int first = first_assess_year_, last = last_assess_year_;
  const int ny = std::max(0, last - first + 1);
  // Grade quotas per year, so that the excellent share is exactly as chosen:
  // the last assessed year above 30% (assess.excellent_share), the one
  // before it at Qiannan's 29.62%, earlier years at 28%.
  a.quota.assign(static_cast<size_t>(ny), {});
  a.remaining.assign(static_cast<size_t>(ny), 0);
  std::vector<int64_t> graded(static_cast<size_t>(ny), 0);
  for (size_t m = 0; m < members_.size(); ++m)
    for (int y = first; y <= last; ++y)
      if (Eligible(members_[m], y) && !InvalidAssessment(m, y))
        ++graded[static_cast<size_t>(y - first)];
  for (int y = first; y <= last; ++y) {
    const int64_t g = graded[static_cast<size_t>(y - first)];
    const int64_t p = y == last ? 33000 : y == last - 1 ? 29620 : 28000;
    const int64_t excellent =
        y == last ? (p * g + 99999) / 100000 : p * g / 100000;
    const int64_t basic = (3000 * g + 50000) / 100000;
    const int64_t incompetent = (600 * g + 50000) / 100000;
    const int64_t competent =
        std::max<int64_t>(0, g - excellent - basic - incompetent);
    a.quota[static_cast<size_t>(y - first)] = {excellent, competent, basic,
                                               incompetent};
    a.remaining[static_cast<size_t>(y - first)] =
        excellent + competent + basic + incompetent;
  }
  unit_low_.assign(units_.size() * static_cast<size_t>(std::max(ny, 1)), 0);
}

void Generator::AssessmentRows(Assessor& a, size_t m, const Member& mem,
                               Writer& wa) {
  const int first = first_assess_year_, last = last_assess_year_;
  const int ny = std::max(0, last - first + 1);
  const uint64_t id = m + 1;
  for (int y = first; y <= last; ++y) {
    if (!Eligible(mem, y)) continue;
    Grade g = kInvalid;
    if (!InvalidAssessment(m, y)) {
      auto& q = a.quota[static_cast<size_t>(y - first)];
      int64_t& rem = a.remaining[static_cast<size_t>(y - first)];
      if (rem <= 0) {
        g = kCompetent;
      } else {
        int64_t r =
            static_cast<int64_t>(a.grades.Below(static_cast<uint64_t>(rem)));
        int k = 0;
        while (k < 3 && r >= q[static_cast<size_t>(k)])
          r -= q[static_cast<size_t>(k++)];
        --q[static_cast<size_t>(k)];
        --rem;
        g = static_cast<Grade>(k);
      }
    }
    if (g == kBasic || g == kIncompetent)
      unit_low_[static_cast<size_t>(mem.unit) * static_cast<size_t>(ny) +
                static_cast<size_t>(y - first)] = 1;
    const Triple t = GradeTriple(a.grades, g);
    wa.Id("M", 6, id);
    wa.Int(y);
    for (int32_t v : {t.a, t.b, t.c}) {
      a.score.clear();
      AppendScore(a.score, v, a.grades);
      wa.Code(a.score);
    }
    wa.End();
  }
}

namespace {

// A posting with end_date before start_date was never active: no events.
bool NeverActive(const Member& mem) {
  return mem.end != kOpen && mem.end < mem.start;
}

}  // namespace

void Generator::Assessments(bool events) {
  Assessor a(opt_.seed);
  StartAssessments(a);
  for (size_t m = 0; m < members_.size(); ++m) {
    const Member& mem = members_[m];
    if (NeverActive(mem)) continue;
    AssessmentRows(a, m, mem, w_[kAssessments]);
    if (events) EventRows(m, mem, w_);
  }
}

void Generator::EventRows(size_t m, const Member& mem,
                          std::array<Writer, kTableCount>& w) const {
  const uint64_t id = m + 1;
  Rng rng(opt_.seed, kStreamMemberEvents, m);
  const bool core = IsCore(mem.role);
  const int raise_year = first_assess_year_ + 2;
  Writer& wp = w[kPayments];
  Writer& ww = w[kWorkFunds];
  Writer& wi = w[kInsurance];
  Writer& wh = w[kHealthChecks];
  Writer& wt = w[kTrainings];
  Writer& we = w[kEnterprises];
  {
    const int32_t lo = std::max(mem.start, ev0_);
    const int32_t hi = std::min(mem.end, as_);
    if (lo > hi) return;
    const Civil clo = CivilFromDays(lo), chi = CivilFromDays(hi);

    // Payments: living allowance and transport reimbursements, monthly.
    if (core || rng.Per(60000)) {
      static constexpr int64_t kCoreLevels[] = {110000, 130000, 150000, 180000,
                                                165050};
      static constexpr int64_t kOtherLevels[] = {55000, 65000, 80000, 90000,
                                                 100000};
      const int level = rng.Weighted(std::array<int, 5>{25, 40, 20, 10, 5});
      const int64_t base = core ? kCoreLevels[level] : kOtherLevels[level];
      const bool raise = rng.Per(30000);
      int y = clo.y, mo = clo.m;
      while (y < chi.y || (y == chi.y && mo <= chi.m)) {
        const int32_t d15 = DaysFromCivil(y, mo, 15);
        const bool served = mem.start <= d15 && d15 <= mem.end;
        const bool skip =
            core && served && rng.Per(250);  // support.living_allowance
        if (!skip) {
          int64_t allowance = base + (raise && y >= raise_year ? 10000 : 0);
          if (core && served && rng.Per(200)) {
            static constexpr int64_t kLow[] = {100000, 109999, 80000, 105000};
            allowance = kLow[rng.Below(4)];
          }
          const int transport =
              rng.Weighted(std::array<int, 5>{35000, 40000, 24400, 500, 100});
          wp.Id("M", 6, id);
          wp.Month(y, mo);
          wp.Cents(allowance);
          wp.Int(transport);
          wp.End();
        }
        if (++mo > 12) {
          mo = 1;
          ++y;
        }
      }
    }

    // Work funds of first secretaries: 20,000 a year, pro rata by month.
    if (mem.role == kFS) {
      for (int y = clo.y; y <= chi.y; ++y) {
        const int months = ServedMonths(y, mem.start, mem.end);
        if (months == 0) continue;
        const int64_t due =
            (2000000LL * months + 11) / 12;  // cents, rounded up
        std::vector<int64_t> rows;
        if (rng.Per(3000)) {  // support.work_fund
          const int sub = rng.Weighted(std::array<int, 3>{35, 35, 30});
          if (sub == 1) rows = {due - 1};
          if (sub == 2) rows = {due * 3 / 4 / 100 * 100};
        } else {
          const uint64_t r = rng.Below(100);
          if (r < 70) {
            rows = {due};
          } else if (r < 90) {
            rows = {(due + 1) / 2, due - (due + 1) / 2};
          } else if (r < 95) {
            // Installments that sum exactly to the amount due, but not in
            // doubles.
            static constexpr int64_t k20000[][4] = {
                {552011, 521444, 575233, 351312},
                {504766, 549719, 569412, 376103},
                {503137, 580069, 570775, 346019}};
            static constexpr int64_t k10000[][4] = {
                {223666, 276364, 245273, 254697},
                {282261, 217445, 299447, 200847},
                {260772, 233525, 252614, 253089}};
            static constexpr int64_t k15000[][3] = {{491594, 540882, 467524},
                                                    {445019, 498241, 556740},
                                                    {566403, 434173, 499424}};
            const uint64_t k = rng.Below(3);
            if (due == 2000000) {
              rows.assign(std::begin(k20000[k]), std::end(k20000[k]));
            } else if (due == 1000000) {
              rows.assign(std::begin(k10000[k]), std::end(k10000[k]));
            } else if (due == 1500000) {
              rows.assign(std::begin(k15000[k]), std::end(k15000[k]));
            } else {
              rows = {due};
            }
          } else {
            rows = {due + static_cast<int64_t>(rng.Range(1, 10)) * 50000};
          }
        }
        for (int64_t amount : rows) {
          ww.Id("M", 6, id);
          ww.Int(y);
          ww.Cents(amount);
          ww.End();
        }
      }
    }

    if (core) {
      // Insurance: yearly policies from the posting's start.
      static constexpr int64_t kCoverage[] = {100000000, 120000000, 150000000,
                                              200000000};
      const int64_t coverage =
          kCoverage[rng.Weighted(std::array<int, 4>{88, 5, 4, 3})];
      const bool on_duty = mem.start <= as_ && mem.end >= as_;
      int fault =
          -1;  // support.insurance: 0 lapsed, 1 too little cover, 2 none
      if (on_duty && rng.Per(2200))
        fault = rng.Weighted(std::array<int, 3>{40, 30, 30});
      if (fault != 2) {
        for (int k = 0;; ++k) {
          const int32_t ps = AddYears(mem.start, k);
          if (ps > hi) break;
          const int32_t pe = AddYears(mem.start, k + 1) - 1;
          if (pe < ev0_) continue;
          const bool current = ps <= as_ && as_ <= pe;
          if (fault == 0 && current) break;
          wi.Id("M", 6, id);
          wi.Cents(fault == 1 && current
                       ? (rng.Per(50000) ? 99999999 : 50000000)
                       : coverage);
          wi.Date(ps);
          wi.Date(pe);
          wi.End();
        }
      }
      if (rng.Per(100)) {  // a cancelled policy: end_date before start_date
        const int32_t d = rng.Range(lo, hi);
        wi.Id("M", 6, id);
        wi.Cents(coverage);
        wi.Date(d);
        wi.Date(d - rng.Range(1, 30));
        wi.End();
      }
    }

    // Health checks and trainings, yearly.
    for (int y = clo.y; y <= chi.y; ++y) {
      const int32_t a = std::max(lo, Jan1(y)), b = std::min(hi, Dec31(y));
      const bool full =
          mem.start <= Jan1(y) && mem.end >= Dec31(y) && Dec31(y) <= as_;
      if (core) {
        if (full ? !rng.Per(2000) : rng.Per(75000)) {  // support.health_check
          wh.Id("M", 6, id);
          wh.Date(rng.Range(a, b));
          wh.End();
        }
        int n = rng.Per(60000) ? 1 : 2;
        if (full ? rng.Per(1500) : !rng.Per(80000)) n = 0;  // support.training
        for (int i = 0; i < n; ++i) {
          wt.Id("M", 6, id);
          wt.Date(rng.Range(a, b));
          wt.End();
        }
      } else if (rng.Per(30000)) {
        wt.Id("M", 6, id);
        wt.Date(rng.Range(a, b));
        wt.End();
      }
    }

    // Enterprises founded or brought in.
    auto enterprise = [&](int32_t d) {
      we.Id("M", 6, id);
      we.Date(d);
      we.Code(rng.Per(50000) ? "economic_organisation" : "market_entity");
      we.End();
    };
    const int32_t until = std::min(mem.end, as_);
    if (mem.role == kFS) {
      const bool completes = TermDone(mem.start) <= until;
      int n = rng.Weighted(std::array<int, 4>{25, 45, 22, 8});
      if (completes && rng.Per(4000)) {  // duty.enterprise
        n = 0;
        if (mem.end != kOpen && mem.end < as_ && rng.Per(40000))
          enterprise(rng.Range(mem.end + 1,
                               std::min(as_, mem.end + 60)));  // after leaving
      } else if (completes) {
        n = std::max(n, 1);
      }
      for (int i = 0; i < n; ++i)
        enterprise(mem.end != kOpen && rng.Per(3000)
                       ? until
                       : rng.Range(mem.start, until));
    } else if ((mem.role == kRC && rng.Per(5000)) ||
               (mem.role == kTC && rng.Per(15000))) {
      enterprise(rng.Range(mem.start, until));
    }
  }
}

}  // namespace zhucun::gen::internal
