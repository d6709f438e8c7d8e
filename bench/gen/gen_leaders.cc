// Leaders of the dispatching units and their visits to the villages of the
// unit's teams (see gen_generator.h).

#include <algorithm>

#include "gen_generator.h"

namespace zhucun::gen::internal {

void Generator::LeadersAndVisits() {
  std::vector<std::vector<int32_t>> unit_teams(units_.size());
  for (size_t t = 0; t < teams_.size(); ++t) {
    const Team& team = teams_[t];
    if (team.end == kOpen || team.end >= team.start)
      unit_teams[static_cast<size_t>(team.unit)].push_back(
          static_cast<int32_t>(t));
  }
  Writer& wl = w_[kLeaders];
  Writer& wv = w_[kVisits];
  auto active = [](const Team& t, int32_t d) {
    return t.start <= d && (t.end == kOpen || d <= t.end);
  };
  for (size_t u = 0; u < units_.size(); ++u) {
    Rng rng(opt_.seed, kStreamLeaders, u);
    const auto& teams = unit_teams[u];
    const Unit& unit = units_[u];
    auto visit = [&](int64_t leader, int32_t village, int32_t day) {
      wv.Id("VS", 6, static_cast<uint64_t>(next_visit_++));
      wv.Id("L", 5, static_cast<uint64_t>(leader));
      wv.Id("V", 5, static_cast<uint64_t>(village) + 1);
      wv.Date(day);
      wv.End();
    };
    auto visits = [&](int64_t leader, Rank rank, int32_t ls, int32_t le) {
      if (teams.empty()) return;
      const int32_t lo = std::max(ls, ev0_), hi = std::min(le, as_);
      if (lo > hi) return;
      const int months = rank == kPrincipal ? 6 : rank == kDeputy ? 3 : 12;
      Civil c = CivilFromDays(lo);
      c.m = (c.m - 1) / months * months + 1;
      for (;;) {
        const int32_t ps = DaysFromCivil(c.y, c.m, 1);
        if (ps > hi) break;
        Civil n = c;
        n.m += months;
        if (n.m > 12) {
          n.m -= 12;
          ++n.y;
        }
        const int32_t pe = DaysFromCivil(n.y, n.m, 1) - 1;
        c = n;
        const int32_t dlo = std::max(ps, lo), dhi = std::min(pe, hi);
        bool overlap = false, single = false;
        for (int32_t t : teams) {
          const Team& team = teams_[static_cast<size_t>(t)];
          if (team.start <= dhi && (team.end == kOpen || team.end >= dlo))
            overlap = true;
          if (team.start <= ps && (team.end == kOpen || team.end >= pe))
            single = true;
        }
        if (!overlap) continue;
        const bool judged = ps >= window_start_ && pe <= as_;
        const bool leader_all = ls <= ps && (le == kOpen || le >= pe);
        int n_visits = 1 + (rank == kDeputy
                                ? rng.Weighted(std::array<int, 3>{40, 40, 20})
                                : rng.Weighted(std::array<int, 3>{52, 35, 13}));
        if (judged && leader_all && single &&
            rng.Per(rank == kMemberRank ? 4000 : 3000)) {
          // visits.<rank>: none, or only to a village the unit does not lead.
          n_visits = 0;
          if (rng.Per(35000)) {
            const int32_t d = rng.Range(dlo, dhi);
            const int32_t c0 =
                unit.county >= 0
                    ? county_first_village_[static_cast<size_t>(unit.county)]
                    : 0;
            const int32_t c1 =
                unit.county >= 0
                    ? county_first_village_[static_cast<size_t>(unit.county) +
                                            1]
                    : n_villages_;
            if (c1 > c0) {
              const int32_t village = rng.Range(c0, c1 - 1);
              bool led = false;
              for (int32_t t : teams) {
                const Team& team = teams_[static_cast<size_t>(t)];
                led = led || (team.village == village && active(team, d));
              }
              if (!led) visit(leader, village, d);
            }
          }
        } else if (judged && leader_all && !single && rng.Per(30000)) {
          n_visits = 0;  // only covered by two teams together: not due
        }
        for (int i = 0; i < n_visits; ++i) {
          for (int attempt = 0; attempt < 8; ++attempt) {
            const int32_t d = rng.Range(dlo, dhi);
            int32_t options[8];
            int n = 0;
            for (int32_t t : teams) {
              const Team& team = teams_[static_cast<size_t>(t)];
              if (active(team, d) && n < 8) options[n++] = team.village;
            }
            if (n > 0) {
              visit(leader, options[rng.Below(static_cast<uint64_t>(n))], d);
              break;
            }
          }
        }
      }
    };
    const int deputies = rng.Per(30000) ? 2 : 1;
    const int others = rng.Per(50000) ? 3 : 2;
    std::vector<Rank> slots = {kPrincipal};
    for (int i = 0; i < deputies; ++i) slots.push_back(kDeputy);
    for (int i = 0; i < others; ++i) slots.push_back(kMemberRank);
    const bool leap_edge = leap_day_ != kUnset && u % 97 == 5;
    for (Rank rank : slots) {
      int32_t ls = ev0_ - rng.Range(30, 3000);
      if (rng.Per(8000)) ls = rng.Range(ev0_, as_ - 60);
      for (int k = 0;; ++k) {
        int32_t le = kOpen;
        if (rng.Per(22000)) {
          const int32_t lo = std::max(ls + 60, ev0_), hi = as_ - 20;
          if (lo <= hi) le = rng.Range(lo, hi);
        }
        const bool leap_here =
            leap_edge && rank == kPrincipal && k == 0 && ls < leap_day_ - 60;
        if (leap_here) le = leap_day_ - 1;
        const int64_t id = next_leader_++;
        wl.Id("L", 5, static_cast<uint64_t>(id));
        wl.Id("U", 4, u + 1);
        wl.Text(PersonName(static_cast<uint32_t>(rng.Next() >> 32)));
        wl.Code(kRankCode[rank]);
        wl.Date(ls);
        wl.DateOrNull(le);
        wl.End();
        visits(id, rank, ls, le);
        if (le == kOpen) break;
        const int32_t next = leap_here ? leap_day_ : le + rng.Range(1, 45);
        if (next > as_) break;
        ls = next;
      }
    }
    if (rng.Per(300)) {
      // Entered by mistake: end_date before start_date; never active.
      const int32_t d = rng.Range(ev0_, as_);
      wl.Id("L", 5, static_cast<uint64_t>(next_leader_++));
      wl.Id("U", 4, u + 1);
      wl.Text(PersonName(static_cast<uint32_t>(rng.Next() >> 32)));
      wl.Code(kRankCode[kMemberRank]);
      wl.Date(d);
      wl.Date(d - rng.Range(1, 30));
      wl.End();
    }
  }
}

}  // namespace zhucun::gen::internal
