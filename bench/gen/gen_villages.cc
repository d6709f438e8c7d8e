// Per village: its teams, their postings as chains of successive postings
// per slot, the handovers between them, and the four bundles (see
// gen_generator.h).

#include <algorithm>
#include <cstdlib>

#include "gen_generator.h"

namespace zhucun::gen::internal {
namespace {

// Edge-case scenarios, each given to one village in every block of 1,319.
enum Scenario {
  kNoScenario = -1,
  kFeb29Legacy,  // postings started on Feb 29; term done on Feb 27 two years on
  kSnapEndOfMonth,   // started Feb 28 before a leap year: done Feb 27, not Feb
                     // 28
  kLeapStart,        // postings starting on the latest Feb 29
  kTermBoundary,     // term_complete on the completion day and one day before
  kHandover15And14,  // handovers of exactly 15 and 14 days
  kImpossiblePosting,  // postings whose end_date is before start_date
  kTeamLeap,           // a team handover whose new team starts on Feb 29
  kScenarioCount
};

}  // namespace

int32_t Generator::PickCountyUnit(VillageCtx& v, int level_filter,
                                  int sector_filter) {
  const std::vector<int32_t>* list =
      &county_any_units_[static_cast<size_t>(v.county)];
  if (level_filter == kTownship &&
      !county_township_units_[static_cast<size_t>(v.county)].empty())
    list = &county_township_units_[static_cast<size_t>(v.county)];
  if (sector_filter >= 0) {
    const auto& l = county_units_[static_cast<size_t>(v.county) * kSectors +
                                  static_cast<size_t>(sector_filter)];
    if (!l.empty()) list = &l;
  }
  if (list->empty())
    return all_high_units_.empty() ? 0 : v.rng.Pick(all_high_units_);
  return v.rng.Pick(*list);
}

int32_t Generator::PickTeamUnit(VillageCtx& v, bool allow_mismatch) {
  Rng& rng = v.rng;
  int want;
  if (v.category == kOrdinary) {
    want = rng.Weighted(std::array<int, kSectors>{3, 1, 3, 3, 1, 4});
  } else if (allow_mismatch && rng.Per(3000)) {
    want =
        (v.category + 1 + static_cast<int>(rng.Below(kSectors - 1))) % kSectors;
  } else {
    want = v.category;
  }
  const auto& local = county_units_[static_cast<size_t>(v.county) * kSectors +
                                    static_cast<size_t>(want)];
  const auto& high = high_units_[static_cast<size_t>(want)];
  if (!high.empty() && (local.empty() || rng.Per(18000))) return rng.Pick(high);
  if (!local.empty()) return rng.Pick(local);
  return PickCountyUnit(v, -1, -1);
}

int32_t Generator::PickMemberUnit(VillageCtx& v, int32_t team_unit, Role role) {
  Rng& rng = v.rng;
  switch (role) {
    case kFS:
      return rng.Per(90000) ? team_unit : PickCountyUnit(v, -1, -1);
    case kRC: {
      const int r = static_cast<int>(rng.Below(100));
      if (r < 40) return team_unit;
      if (r < 90 || all_high_units_.empty()) return PickCountyUnit(v, -1, -1);
      return rng.Pick(all_high_units_);
    }
    case kSG:
    case kGW:
      return PickCountyUnit(v, kTownship, -1);
    case kTC:
      return PickCountyUnit(v, -1,
                            rng.Per(50000) ? kScienceTech : kAgriculture);
    default:
      return rng.Per(50000) ? team_unit : PickCountyUnit(v, -1, -1);
  }
}

int32_t Generator::NewPerson(Rng& rng, int32_t county, int32_t end) {
  persons_.push_back({static_cast<uint32_t>(rng.Next() >> 32), end, county});
  return static_cast<int32_t>(persons_.size() - 1);
}

void Generator::AssignPerson(VillageCtx& v, Posting& p, bool allow_overlap) {
  Rng& rng = v.rng;
  auto& pool = county_persons_[static_cast<size_t>(v.county)];
  const bool impossible = p.end != kOpen && p.end < p.start;
  auto in_village = [&](int32_t person) {
    for (const Posting& q : v.postings)
      if (q.person == person) return true;
    return false;
  };
  if (!impossible && !pool.empty()) {
    if (allow_overlap && rng.Per(350)) {
      // member.overlap: a person already in post elsewhere.
      for (int t = 0; t < 12; ++t) {
        const int32_t q = rng.Pick(pool);
        Person& person = persons_[static_cast<size_t>(q)];
        if (person.max_end >= p.start && !in_village(q)) {
          p.person = q;
          person.max_end = std::max(person.max_end, p.end);
          return;
        }
      }
    } else if (rng.Per(4000)) {
      // A cadre posted again after an earlier posting ended.
      for (int t = 0; t < 12; ++t) {
        const int32_t q = rng.Pick(pool);
        Person& person = persons_[static_cast<size_t>(q)];
        if (person.max_end < p.start && !in_village(q)) {
          p.person = q;
          person.max_end = p.end;
          return;
        }
      }
    }
  }
  p.person = NewPerson(rng, v.county, impossible ? p.start : p.end);
  if (!impossible) pool.push_back(p.person);
}

int Generator::DecideHandoverLen(Rng& rng) {
  if (rng.Per(2200))
    return rng.Per(40000) ? 14 : rng.Range(5, 13);  // handover.period
  return rng.Per(5000) ? 15 : rng.Range(15, 35);
}

void Generator::DecideCoreEnd(VillageCtx& v, int32_t s, int32_t term,
                              int32_t* e, Reason* r) {
  Rng& rng = v.rng;
  auto allowed = [&] {
    static constexpr Reason kAllowed[] = {kJobTransfer, kHealth, kRecall};
    return kAllowed[rng.Weighted(std::array<int, 3>{65, 20, 15})];
  };
  if (v.elevated_year != 0) {
    // rotation.ratio: a county-year with many early exits (allowed reasons).
    const int y = v.elevated_year;
    if (s <= Dec31(y) && term + 40 >= Jan1(y) && rng.Per(16000)) {
      const int32_t lo = std::max(s + 30, Jan1(y));
      const int32_t hi = std::min({term - 1, Dec31(y), as_});
      if (lo <= hi) {
        *e = rng.Range(lo, hi);
        *r = allowed();
        return;
      }
    }
  }
  const uint64_t roll = rng.Below(100000);
  if (roll < 3500 && term - s > 61) {
    *e = s + rng.Range(60, term - s - 1);
    *r = allowed();
  } else if (roll < 4800 && term - s > 61) {
    // rotation.early_exit: term_complete claimed too early, or `other`.
    const int sub = static_cast<int>(rng.Below(100));
    if (sub < 30) {
      *e = term - 1;
      *r = kTermComplete;
    } else if (sub < 60) {
      *e = term - rng.Range(2, 60);
      *r = kTermComplete;
    } else {
      *e = s + rng.Range(60, term - s - 1);
      *r = kOtherReason;
    }
  } else {
    *e = term + (rng.Per(8000) ? 0 : rng.Range(1, 40));
    *r = kTermComplete;
  }
}

void Generator::MakeHandover(VillageCtx& v, int out, int in) {
  Rng& rng = v.rng;
  Posting& o = v.postings[static_cast<size_t>(out)];
  if (o.end == kOpen) return;
  const bool exact = o.hand_len < 0;  // a scenario's handover: no random faults
  if (!exact && rng.Per(1800)) return;  // handover.missing
  const int len = exact            ? -o.hand_len
                  : o.hand_len > 0 ? o.hand_len
                                   : DecideHandoverLen(rng);
  Handover h{out, in, o.end - len + 1, o.end, {true, true, true, true}, 0};
  if (!exact) {
    if (rng.Per(150)) h.start = h.end + rng.Range(1, 20);  // end before start
    if (rng.Per(2000)) {                                   // handover.signoff
      h.b[rng.Below(4)] = false;
      if (rng.Per(25000)) h.b[rng.Below(4)] = false;
    }
    h.style = rng.Weighted(std::array<int, 3>{96, 3, 1});
    if (rng.Per(1600)) {  // handover.early_withdrawal: left before it ended
      const int32_t k = rng.Range(1, 10);
      const int32_t floor =
          o.reason == kTermComplete ? TermDone(o.start) : o.start + 1;
      if (o.end - k >= floor) o.end -= k;
    }
  }
  v.handovers.push_back(h);
}

int Generator::Chain(VillageCtx& v, int tl, Role role, int32_t s,
                     int32_t team_end, int prev,
                     const std::vector<Forced>& forced, int32_t slot_unit) {
  Rng& rng = v.rng;
  const bool core = IsCore(role);
  for (size_t k = 0;; ++k) {
    const Forced* f = k < forced.size() ? &forced[k] : nullptr;
    if (f != nullptr && f->start != kUnset) s = f->start;
    if (s > as_ || (team_end != kOpen && s > team_end)) return -1;
    if (k > 0 && rng.Per(30000))
      slot_unit =
          PickMemberUnit(v, v.teams[static_cast<size_t>(tl)].unit, role);
    Posting p{tl, slot_unit, role, s, kOpen, kNoReason};
    const int32_t term = TermDone(s);
    int32_t e;
    Reason r;
    if (f != nullptr && (f->end != kUnset || f->term_offset != kUnset)) {
      e = f->end != kUnset ? f->end : term + f->term_offset;
      r = f->reason == kNoReason ? kTermComplete : f->reason;
    } else if (core) {
      DecideCoreEnd(v, s, term, &e, &r);
    } else {
      e = s + rng.Range(150, 800);
      static constexpr Reason kReasons[] = {kTermComplete, kJobTransfer,
                                            kOtherReason, kHealth};
      r = kReasons[rng.Weighted(std::array<int, 4>{65, 20, 10, 5})];
    }
    // Close to the team's end: no successor in this team. A cadre whose
    // term is up stays until the team hands over; one who leaves early is
    // succeeded by the next team's cadre.
    const bool last_in_team =
        team_end != kOpen && e < team_end && team_end - e <= 120;
    if (last_in_team && r == kTermComplete && f == nullptr) e = team_end;
    bool with_team = false;
    if (team_end != kOpen && e >= team_end) {
      e = team_end;
      r = !core || e >= term ? kTermComplete : kJobTransfer;
      with_team = true;
    }
    if (e > as_) {
      p.end = kOpen;
      p.reason = kNoReason;
    } else {
      p.end = e;
      p.reason = r;
    }
    AssignPerson(v, p, core);
    const int idx = static_cast<int>(v.postings.size());
    v.postings.push_back(p);
    if (prev >= 0 && core) MakeHandover(v, prev, idx);
    prev = idx;
    if (p.end == kOpen) return -1;
    if (with_team || last_in_team) return idx;
    int32_t next;
    if (core) {
      const int len = f != nullptr && f->hand_len != 0 ? f->hand_len
                                                       : DecideHandoverLen(rng);
      v.postings[static_cast<size_t>(idx)].hand_len =
          f != nullptr && f->hand_len != 0 ? -len : len;
      next = e - std::abs(len) + 1 - rng.Range(0, 7);
      if (next <= s + 30) next = s + 31;
    } else {
      if (!rng.Per(60000)) return -1;
      next = e + rng.Range(1, 60);
    }
    s = next;
  }
}

void Generator::Vacate(VillageCtx& v, int idx) {
  if (idx < 0) return;
  Posting& p = v.postings[static_cast<size_t>(idx)];
  if (p.end != kOpen) return;
  const int32_t lo = std::max(p.start + 30, as_ - 90), hi = as_ - 5;
  if (lo > hi) return;
  p.end = v.rng.Range(lo, hi);
  p.reason = v.rng.Per(70000) ? kJobTransfer : kHealth;
}

void Generator::GenerateVillage(int32_t vi) {
  const Village& village = villages_[static_cast<size_t>(vi)];
  VillageCtx v{vi,
               village.county,
               village.category,
               Rng(opt_.seed, kStreamVillage, static_cast<uint64_t>(vi)),
               0,
               {},
               {},
               {}};
  Rng& rng = v.rng;
  if (v.county % 6 == (n_counties_ >= 3 ? 2 : 0) && !judged_years_.empty())
    v.elevated_year =
        judged_years_[static_cast<size_t>(v.county / 6) % judged_years_.size()];

  // Scenario of this village, if any.
  int scenario = kNoScenario;
  {
    const int32_t block = std::min<int32_t>(n_villages_, 1319);
    for (int k = 0; k < kScenarioCount; ++k) {
      if ((k * 131 + 17) % block == vi % block) {
        scenario = k;
        break;
      }
    }
  }

  enum Plan {
    kPlainTeam,
    kRotationHandover,
    kLegacy,
    kMidHandover,
    kWithdrawn,
    kUnclosed
  };
  const uint64_t roll = rng.Below(100000);
  Plan plan = roll < 1500    ? kWithdrawn  // assign.coverage
              : roll < 2500  ? kUnclosed   // assign.single_team
              : roll < 8500  ? kLegacy
              : roll < 10500 ? kMidHandover
              : roll < 32500 ? kRotationHandover
                             : kPlainTeam;
  int32_t t0 = r0_ + rng.Range(-25, 10);

  // Per-slot forced postings of the scenarios (slot 0 = first secretary).
  std::vector<std::vector<Forced>> forced(6);
  int min_rc = 2;
  switch (scenario) {
    case kFeb29Legacy: {
      for (int y = YearOf(as_) - 2; y >= YearOf(r0_) - 4; --y) {
        if (!IsLeap(y)) continue;
        const int32_t done_early = DaysFromCivil(y + 2, 2, 26);
        if (done_early < r0_ || done_early > as_) continue;
        const int32_t leap = DaysFromCivil(y, 2, 29);
        plan = kLegacy;
        t0 = leap - rng.Range(0, 10);
        Forced fs;
        fs.start = leap;
        fs.end =
            DaysFromCivil(y + 2, 2, 27);  // anniversary Feb 28, done Feb 27
        forced[0] = {fs};
        Forced rc = fs;
        rc.end = done_early;  // one day short: rotation.early_exit
        forced[1] = {rc};
        break;
      }
      break;
    }
    case kSnapEndOfMonth: {
      for (int y = YearOf(as_); y >= YearOf(r0_); --y) {
        if (!IsLeap(y)) continue;
        const int32_t start = DaysFromCivil(y - 2, 2, 28);
        if (start < r0_ + 120 || DaysFromCivil(y, 2, 27) > as_) continue;
        plan = kPlainTeam;
        Forced first;
        first.end = start - 1;
        first.reason = kJobTransfer;
        Forced second;
        second.start = start;
        second.end = DaysFromCivil(y, 2, 27);  // completed (not Feb 28)
        forced[1] = {first, second};
        first.reason = kHealth;
        second.end = DaysFromCivil(y, 2, 26);  // one day short
        forced[0] = {first, second};
        break;
      }
      break;
    }
    case kLeapStart:
      if (leap_day_ != kUnset && leap_day_ - 400 > t0 + 60) {
        plan = kPlainTeam;
        Forced first;
        first.term_offset = rng.Range(0, 20);
        Forced second;
        second.end = leap_day_ - 1;
        second.reason = kJobTransfer;
        Forced third;
        third.start = leap_day_;
        forced[0] = {first, second, third};
        second.end = leap_day_ - 10;
        second.reason = kRecall;
        forced[1] = {first, second, third};
      }
      break;
    case kTermBoundary: {
      plan = kPlainTeam;
      Forced f;
      f.term_offset = 0;  // completed exactly on its last day
      forced[1] = {f};
      f.term_offset = -1;  // one day short: rotation.early_exit
      forced[2] = {f};
      min_rc = 2;
      break;
    }
    case kHandover15And14: {
      plan = kPlainTeam;
      Forced f;
      f.term_offset = 3;
      f.hand_len = 15;
      forced[1] = {f};
      f.term_offset = 5;
      f.hand_len = 14;
      forced[2] = {f};
      break;
    }
    case kImpossiblePosting:
      plan = kPlainTeam;
      break;
    case kTeamLeap:
      if (leap_day_ != kUnset && leap_day_ - 1 > t0 + 250) plan = kMidHandover;
      break;
    default:
      break;
  }
  if (plan == kLegacy && scenario != kFeb29Legacy)
    t0 = r0_ - rng.Range(200, 900);

  // Teams.
  const int32_t unit1 = PickTeamUnit(v, true);
  int32_t handover_day =
      kOpen;  // last day of team 1 when a second team follows
  switch (plan) {
    case kRotationHandover:
    case kUnclosed:
      handover_day = AddYears(t0, 2) + (rng.Per(85000) ? 25 + rng.Range(0, 20)
                                                       : -rng.Range(10, 40));
      break;
    case kMidHandover:
      handover_day = scenario == kTeamLeap
                         ? leap_day_ - 1
                         : std::min(r0_ + rng.Range(250, 600), as_ - 100);
      break;
    default:
      break;
  }
  if (handover_day != kOpen && handover_day >= as_) handover_day = kOpen;
  LocalTeam team1{unit1, t0, kOpen, kOpen};
  if (plan == kWithdrawn) {
    team1.end_plan = team1.end_write = as_ - rng.Range(10, 150);
  } else if (handover_day != kOpen) {
    team1.end_plan = handover_day;
    team1.end_write = plan == kUnclosed ? kOpen : handover_day;
  }
  v.teams.push_back(team1);
  if (handover_day != kOpen) {
    const int32_t unit2 = rng.Per(10000) ? unit1 : PickTeamUnit(v, true);
    v.teams.push_back({unit2, handover_day + 1, kOpen, kOpen});
  }

  // Postings, team by team; core slots of team 2 continue those of team 1.
  std::vector<int>
      out_links;  // team 1's postings that ended with the team, per core slot
  for (size_t tl = 0; tl < v.teams.size(); ++tl) {
    const LocalTeam t = v.teams[tl];
    const bool last_team = tl + 1 == v.teams.size() && t.end_plan == kOpen;
    int n_rc = 2 + rng.Weighted(std::array<int, 3>{26, 60, 14});
    n_rc = std::max(n_rc, min_rc);
    const bool rc_short = last_team && rng.Per(2000);  // team.resident_cadres
    if (rc_short) n_rc = 2;
    const int fs_fault =
        last_team && rng.Per(2200) ? (rng.Per(55000) ? 1 : 2) : 0;
    std::vector<int> in_first, links_here;
    static const std::vector<Forced> kNone;
    for (int slot = 0; slot <= n_rc; ++slot) {
      const Role role = slot == 0 ? kFS : kRC;
      const int32_t start =
          t.start + (tl == 0 ? rng.Range(0, 25) : rng.Range(0, 15));
      const int prev = tl > 0 && static_cast<size_t>(slot) < out_links.size()
                           ? out_links[static_cast<size_t>(slot)]
                           : -1;
      const auto& f = tl == 0 && static_cast<size_t>(slot) < forced.size()
                          ? forced[static_cast<size_t>(slot)]
                          : kNone;
      const size_t before = v.postings.size();
      const int32_t unit = PickMemberUnit(v, t.unit, role);
      const int last = Chain(v, static_cast<int>(tl), role, start, t.end_plan,
                             prev, f, unit);
      in_first.push_back(v.postings.size() > before ? static_cast<int>(before)
                                                    : -1);
      links_here.push_back(last);
      const int tail = v.postings.size() > before
                           ? static_cast<int>(v.postings.size() - 1)
                           : -1;
      if (slot == 0 && fs_fault == 1) Vacate(v, tail);
      if (slot == 1 && rc_short) Vacate(v, tail);
    }
    // Outgoing members of team 1 beyond team 2's slots hand over to its cadres.
    if (tl > 0) {
      for (size_t i = in_first.size(); i < out_links.size(); ++i) {
        const int target = in_first[1 + (i - 1) % (in_first.size() - 1)];
        if (out_links[i] >= 0 && target >= 0)
          MakeHandover(v, out_links[i], target);
      }
    }
    if (fs_fault == 2) {
      // Two first secretaries in post: a second one appointed, none ended.
      Posting p{static_cast<int>(tl),
                t.unit,
                kFS,
                std::max(t.start, as_ - rng.Range(20, 200)),
                kOpen,
                kNoReason};
      AssignPerson(v, p, false);
      v.postings.push_back(p);
    }
    // Other roles (N of 1+2+N).
    const int n_other = rng.Weighted(std::array<int, 3>{35, 40, 25});
    for (int i = 0; i < n_other; ++i) {
      static constexpr Role kRoles[] = {kSG, kTC, kGW, kOtherRole};
      const Role role =
          kRoles[rng.Weighted(std::array<int, 4>{30, 25, 30, 15})];
      const int32_t start = t.start + rng.Range(0, 400);
      Chain(v, static_cast<int>(tl), role, start, t.end_plan, -1, kNone,
            PickMemberUnit(v, t.unit, role));
    }
    out_links = links_here;
  }
  if (scenario == kImpossiblePosting) {
    for (Role role : {kRC, kSG}) {
      const int32_t d = rng.Range(r0_ + 200, as_ - 30);
      Posting p{
          0, v.teams[0].unit,      role,
          d, d - rng.Range(3, 20), role == kRC ? kTermComplete : kOtherReason};
      AssignPerson(v, p, false);
      v.postings.push_back(p);
    }
  }
  if (rng.Per(300)) {
    // A team registered by mistake and cancelled: end_date before start_date.
    const int32_t d = rng.Range(r0_ + 100, as_);
    LocalTeam t{v.teams.back().unit, d, kOpen, d - rng.Range(1, 30)};
    t.memberless = true;
    v.teams.push_back(t);
  }
  FlushVillage(v);
}

void Generator::FlushVillage(VillageCtx& v) {
  const auto team_base = static_cast<int64_t>(teams_.size());
  const auto member_base = static_cast<int64_t>(members_count_);
  Writer& wt = w_[kTeams];
  for (const LocalTeam& t : v.teams) {
    teams_.push_back({v.index, t.unit, t.start, t.end_write});
    wt.Id("T", 5, teams_.size());
    wt.Id("V", 5, static_cast<uint64_t>(v.index) + 1);
    wt.Id("U", 4, static_cast<uint64_t>(t.unit) + 1);
    wt.Date(t.start);
    wt.DateOrNull(t.end_write);
    wt.End();
  }
  Writer& wm = w_[kMembers];
  for (const Posting& p : v.postings) {
    const auto team = static_cast<int32_t>(team_base + p.team_local);
    unpublished_.push_back(
        {p.person, team, p.unit, p.start, p.end, p.role, p.reason});
    wm.Id("M", 6, ++members_count_);
    wm.Id("P", 6, static_cast<uint64_t>(p.person) + 1);
    wm.Text(PersonName(persons_[static_cast<size_t>(p.person)].name_code));
    wm.Id("T", 5, static_cast<uint64_t>(team) + 1);
    wm.Id("U", 4, static_cast<uint64_t>(p.unit) + 1);
    wm.Code(kRoleCode[p.role]);
    wm.Date(p.start);
    wm.DateOrNull(p.end);
    if (p.end == kOpen) {
      wm.Null();
    } else {
      wm.Code(kReasonCode[p.reason]);
    }
    wm.End();
  }
  std::sort(v.handovers.begin(), v.handovers.end(),
            [](const Handover& a, const Handover& b) {
              return a.out != b.out ? a.out < b.out : a.in < b.in;
            });
  Writer& wh = w_[kHandovers];
  static constexpr const char* kBool[3][2] = {
      {"false", "true"}, {"0", "1"}, {"否", "是"}};
  for (const Handover& h : v.handovers) {
    wh.Id("H", 6, static_cast<uint64_t>(next_handover_++));
    wh.Id("M", 6, static_cast<uint64_t>(member_base + h.out) + 1);
    wh.Id("M", 6, static_cast<uint64_t>(member_base + h.in) + 1);
    wh.Date(h.start);
    wh.Date(h.end);
    for (bool b : h.b) wh.Code(kBool[h.style][b ? 1 : 0]);
    wh.End();
  }
  // Four bundles per (member's unit, team) of the core postings.
  Writer& wb = w_[kBundles];
  Rng& rng = v.rng;
  static constexpr const char* kKinds[] = {"responsibility", "project", "funds",
                                           "personnel"};
  static constexpr const char* kRefs[] = {"帮扶责任书", "帮扶项目", "资金拨付",
                                          "选派通知"};
  for (size_t tl = 0; tl < v.teams.size(); ++tl) {
    std::vector<std::pair<int32_t, int32_t>> pairs;  // unit, first start
    for (const Posting& p : v.postings) {
      if (p.team_local != static_cast<int>(tl) || !IsCore(p.role)) continue;
      auto it = std::find_if(pairs.begin(), pairs.end(),
                             [&](const auto& x) { return x.first == p.unit; });
      if (it == pairs.end()) {
        pairs.push_back({p.unit, p.start});
      } else {
        it->second = std::min(it->second, p.start);
      }
    }
    for (const auto& [unit, first] : pairs) {
      const int year = YearOf(first);
      const int missing = rng.Per(2000)
                              ? rng.Weighted(std::array<int, 4>{2, 2, 3, 3})
                              : -1;  // bundles.complete
      for (int kind = 0; kind < 4; ++kind) {
        if (kind == missing) continue;
        wb.Id("B", 6, static_cast<uint64_t>(next_bundle_++));
        wb.Id("U", 4, static_cast<uint64_t>(unit) + 1);
        wb.Id("T", 5,
              static_cast<uint64_t>(team_base + static_cast<int64_t>(tl)) + 1);
        wb.Code(kKinds[kind]);
        if ((kind == 0 || kind == 3) && rng.Per(2000)) {
          wb.Null();
        } else {
          std::string ref;
          if (rng.Per(100)) {
            ref = "《\"一对一\"帮扶协议》";
          } else {
            ref = kRefs[kind];
          }
          ref += "〔" + std::to_string(year) + "〕" +
                 std::to_string(rng.Range(1, 300)) + "号";
          if (rng.Per(500))
            ref += ",补充协议〔" + std::to_string(year + 1) + "〕" +
                   std::to_string(rng.Range(1, 99)) + "号";
          if (rng.Per(60)) ref += "\n（续签）";
          wb.Text(ref);
        }
        if (kind == 2) {
          if (rng.Per(1500)) {  // bundles.funds_amount
            const int bad = rng.Weighted(std::array<int, 3>{40, 30, 30});
            if (bad == 0) {
              wb.Null();
            } else {
              wb.Cents(bad == 1 ? 0 : -500000);
            }
          } else {
            wb.Cents(static_cast<int64_t>(rng.Range(5, 150)) * 1000000);
          }
        } else if (kind == 1 && rng.Per(50000)) {
          wb.Cents(static_cast<int64_t>(rng.Range(20, 600)) * 100000);
        } else {
          wb.Null();
        }
        wb.End();
      }
    }
  }
}

}  // namespace zhucun::gen::internal
