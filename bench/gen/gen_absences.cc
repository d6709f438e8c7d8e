// Per posting: its absences (DATA.md `absences`; POLICY.md "Attendance and
// discipline"), see gen_generator.h.
//
// A core posting is away a few times a year: mostly short leave (1-5 days)
// approved by the township a few days ahead, official business out of the
// village (official_out, counts as present), now and then long leave (6-12
// days) approved by the county. Some non-core postings (grid workers,
// selected graduates, ...) have such rows too, less often. Injected, a few
// percent of each:
//   attendance.days_in_village  a month with one long leave of 12-20 days,
//                               or three or four overlapping short leaves;
//   attendance.absent           `absent` rows (1-3 days, never approved);
//   leave.unapproved            leave approved after it began, or with no
//                               approved_by and/or no approved_on;
//   leave.approval_level        leave of more than 5 days approved by the
//                               township.
// Edge cases: overlapping leave rows, leave and official_out over a month
// boundary, leave approved on the day it begins, a row before the posting
// began or after it ended, a row with start_date after end_date. No date is
// after as_of.
//
// Each posting's rows come from its own stream (kStreamAbsences, member
// index), and the table's defects from kStreamAbsenceDefects: nothing here
// draws from a stream of another table.

#include <algorithm>
#include <vector>

#include "gen_generator.h"

namespace zhucun::gen::internal {
namespace {

enum AbsenceKind : uint8_t { kOfficialOut, kLeave, kAbsent };
constexpr const char* kAbsenceKindCode[] = {"official_out", "leave", "absent"};

enum Approver : uint8_t { kNoApprover, kTownshipApprover, kCountyApprover };
constexpr const char* kApproverCode[] = {"", "township", "county"};

struct AbsenceRow {
  AbsenceKind kind;
  int32_t start;
  int32_t end;
  Approver by = kNoApprover;
  int32_t on = kOpen;  // approved_on; kOpen = null
};

// Days of leave above which the township may not approve it (POLICY.md
// leave_township_max_days).
constexpr int32_t kTownshipMaxDays = 5;

// Sets the approval of a leave row: the township for short leave, mostly
// the county for long leave, a few days before it begins (or on the day);
// with `faults`, about 3% are approved late or not at all.
void ApproveLeave(Rng& rng, AbsenceRow& r, bool faults, int32_t as_of) {
  const bool long_leave = r.end - r.start + 1 > kTownshipMaxDays;
  if (long_leave) {
    // leave.approval_level: about one long leave in five.
    r.by = rng.Per(80000) ? kCountyApprover : kTownshipApprover;
  } else {
    r.by = rng.Per(93000) ? kTownshipApprover : kCountyApprover;
  }
  r.on = r.start - rng.Range(0, 7);
  if (!faults || !rng.Per(3000)) return;
  // leave.unapproved.
  switch (rng.Weighted(std::array<int, 4>{40, 45, 8, 7})) {
    case 0:  // approved after it began (never after as_of)
      r.on = std::min(r.start + rng.Range(1, 6), as_of);
      if (r.on <= r.start) r.on = kOpen;
      break;
    case 1:  // never approved
      r.by = kNoApprover;
      r.on = kOpen;
      break;
    case 2:  // an approver but no date
      r.on = kOpen;
      break;
    default:  // a date but no approver
      r.by = kNoApprover;
      break;
  }
}

// official_out is reported ahead to the township, or not recorded as
// approved at all (both are fine: it counts as present either way).
void ApproveOfficialOut(Rng& rng, AbsenceRow& r) {
  const int k = rng.Weighted(std::array<int, 3>{55, 40, 5});
  if (k == 1) return;
  r.by = k == 0 ? kTownshipApprover : kCountyApprover;
  r.on = r.start - rng.Range(0, 3);
}

}  // namespace

void Generator::AbsenceSlice(size_t begin, const std::vector<Member>& members,
                             const std::function<uint64_t(size_t)>& number,
                             Writer& w) const {
  // Kept by the thread, so that their room is reused.
  thread_local std::vector<std::pair<size_t, AbsenceRow>> all;
  thread_local std::vector<AbsenceRow> rows;
  all.clear();
  // The rows before a posting began and after it ended are rare (0.5% of
  // the postings that can have them); these make sure that each is in every
  // block of 2,000 postings, so also in small datasets.
  bool owe_before = true, owe_after = true;
  for (size_t i = 0; i < members.size(); ++i) {
    const size_t m = begin + i;
    if (m % 2000 == 0) owe_before = owe_after = true;
    const Member& mem = members[i];
    if (mem.end != kOpen && mem.end < mem.start) continue;  // never active
    Rng rng(opt_.seed, kStreamAbsences, m);
    const bool core = IsCore(mem.role);
    if (!core && !rng.Per(30000)) continue;
    const int32_t lo = std::max(mem.start, ev0_);
    const int32_t hi = std::min(mem.end, as_);
    if (lo > hi) continue;
    rows.clear();

    // A row entered for days before the posting began (the cadre's leave
    // from the old post, filed with the new one).
    if (core && mem.start - 20 >= ev0_ && (rng.Per(500) || owe_before)) {
      owe_before = false;
      AbsenceRow r{kLeave, 0, mem.start - rng.Range(1, 10)};
      r.start = r.end - rng.Range(0, 4);
      if (rng.Per(50000)) {
        ApproveLeave(rng, r, false, as_);
      } else {
        r.kind = kOfficialOut;
        ApproveOfficialOut(rng, r);
      }
      rows.push_back(r);
    }

    // Regular absences, one every 18-110 days (about six a year) for core
    // postings, one every 30-240 days for the others.
    int32_t d = lo + rng.Range(0, core ? 60 : 120);
    while (d <= hi) {
      int32_t last = d;
      if (core && rng.Per(1200)) {
        // attendance.days_in_village: a month with too few days present.
        const Civil c = CivilFromDays(d);
        const int32_t ms = DaysFromCivil(c.y, c.m, 1);
        const int32_t dim = DaysInMonth(c.y, c.m);
        if (rng.Per(60000)) {
          // One long leave (mostly approved by the county, correctly).
          const int32_t len = rng.Range(12, 20);
          AbsenceRow r{kLeave, ms + rng.Range(0, dim - len), 0};
          r.start = std::max(lo, std::min(r.start, hi - len + 1));
          r.end = std::min(hi, r.start + len - 1);
          ApproveLeave(rng, r, false, as_);
          rows.push_back(r);
          last = r.end;
        } else {
          // Three or four short leaves (mostly approved by the township),
          // each starting 3-4 days after the one before.
          const int n = rng.Per(50000) ? 3 : 4;
          int32_t s = std::max(lo, ms + rng.Range(0, dim - 18));
          for (int i = 0; i < n && s <= hi; ++i) {
            AbsenceRow r{kLeave, s, std::min(hi, s + rng.Range(3, 4))};
            ApproveLeave(rng, r, false, as_);
            rows.push_back(r);
            last = std::max(last, r.end);
            s += rng.Range(3, 4);
          }
        }
      } else {
        const int k = rng.Weighted(std::array<int, 3>{3380, 6500, 120});
        AbsenceRow r{static_cast<AbsenceKind>(k), d, d};
        int32_t len;
        if (r.kind == kLeave) {
          len = rng.Per(13000)
                    ? rng.Range(6, 12)
                    : 1 + rng.Weighted(std::array<int, 5>{22, 24, 22, 18, 14});
        } else if (r.kind == kOfficialOut) {
          len = rng.Range(1, 10);
        } else {
          len = 1 + rng.Weighted(std::array<int, 3>{50, 35, 15});  // absent
        }
        r.end = std::min(hi, d + len - 1);
        if (r.kind == kLeave) ApproveLeave(rng, r, true, as_);
        if (r.kind == kOfficialOut) ApproveOfficialOut(rng, r);
        last = r.end;
        if (r.end > r.start && rng.Per(150)) {
          // Dates typed the wrong way round: covers nothing.
          std::swap(r.start, r.end);
        }
        rows.push_back(r);
        if (r.kind == kLeave && r.start <= r.end && rng.Per(500)) {
          // A second leave row over part of the first (an extension filed
          // as a new request, or the same leave entered twice).
          AbsenceRow x{kLeave, rng.Range(r.start, r.end), 0};
          x.end = std::min(hi, x.start + rng.Range(0, 3));
          ApproveLeave(rng, x, true, as_);
          rows.push_back(x);
          last = std::max(last, x.end);
        }
      }
      d = last + (core ? rng.Range(18, 110) : rng.Range(30, 240));
    }

    // A row for days after the posting ended (filed late against it).
    if (core && mem.end != kOpen && mem.end + 20 <= as_ &&
        (rng.Per(500) || owe_after)) {
      owe_after = false;
      AbsenceRow r{kOfficialOut, mem.end + rng.Range(1, 10), 0};
      r.end = r.start + rng.Range(0, 5);
      if (rng.Per(50000)) {
        r.kind = kLeave;
        ApproveLeave(rng, r, false, as_);
      } else {
        ApproveOfficialOut(rng, r);
      }
      rows.push_back(r);
    }

    for (const AbsenceRow& r : rows) all.emplace_back(m, r);
  }
  uint64_t id = number(all.size());
  for (const auto& [m, r] : all) {
    w.Id("A", 7, id++);
    w.Id("M", 6, m + 1);
    w.Code(kAbsenceKindCode[r.kind]);
    w.Date(r.start);
    w.Date(r.end);
    if (r.by == kNoApprover) {
      w.Null();
    } else {
      w.Code(kApproverCode[r.by]);
    }
    w.DateOrNull(r.on);
    w.End();
  }
}

}  // namespace zhucun::gen::internal
