#ifndef ZHUCUN_BENCH_GEN_GEN_GENERATOR_H_
#define ZHUCUN_BENCH_GEN_GEN_GENERATOR_H_

// The generator's data model and the Generator class (internal to
// bench/gen). Its member functions are defined by concern:
//   qiannan_gen.cc       Generate, Run, the layout, counties, units, villages;
//   gen_villages.cc      per village: teams, postings, handovers, bundles;
//   gen_leaders.cc       leaders of the units and their visits;
//   gen_member_events.cc per posting: assessments, payments, work funds,
//                        insurance, health checks, trainings, enterprises;
//   gen_assessments.cc   assessment scores and unit ratings;
//   gen_absences.cc      per posting: absences (official_out, leave, absent);
//   gen_run.cc           Run: which thread writes what, in which order.

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gen_calendar.h"
#include "gen_domain.h"
#include "gen_rng.h"
#include "gen_writer.h"
#include "qiannan_gen.h"

namespace zhucun::gen::internal {

// --------------------------------------------------------- data model ----

struct Unit {
  Level level;
  Sector sector;
  int32_t county;  // -1 above county level
};

struct Village {
  int32_t county;
  Category category;
};

struct Team {
  int32_t village;
  int32_t unit;
  int32_t start;
  int32_t end;  // as written; kOpen = null
};

struct Member {
  int32_t person;
  int32_t team;
  int32_t unit;
  int32_t start;
  int32_t end;  // kOpen = null
  Role role;
  Reason reason;
};

struct Person {
  uint32_t name_code;
  int32_t max_end;  // latest end of its postings (kOpen while one is open)
  int32_t county;
};

// The policy's default window start (POLICY.md: window_start, 2021-06-01).
constexpr int kWindowStartY = 2021, kWindowStartM = 6, kWindowStartD = 1;

class Generator {
 public:
  Generator(const Options& o, int32_t as_of)
      : opt_(o),
        as_(as_of),
        defects_(o.seed, o.bad_rows),
        absence_defects_(o.seed, o.bad_rows, kStreamAbsenceDefects) {}

  bool Run(const std::string& dir, Summary* summary, std::string* error);

 private:
  // ---- the run (gen_run.cc) --------------------------------------------
  // The events of the postings (payments ... enterprises, kEventStream) and
  // their absences (kAbsenceStream) are written by slices of postings, in
  // parallel, each slice into memory, then appended to the files in order.
  enum SliceStream { kEventStream, kAbsenceStream, kSliceStreams };
  // Postings per slice: a multiple of 2,000 (the absences' blocks).
  static constexpr size_t kSliceMembers = 4000;
  struct Slice {
    std::array<Writer, kTableCount> w;
    std::vector<Member> members;
  };
  struct StreamState {
    // Written slices waiting for the ones before them (append_mutex).
    std::mutex append_mutex;
    std::map<size_t, std::unique_ptr<Slice>> parked;
    size_t next_append = 0;
    // kAbsenceStream: the first absence_id of each slice, as they are
    // known (mutex, cv).
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<uint64_t> first_id;
  };
  struct RunState;
  void WorkerLoop(RunState& run, bool main_thread);
  bool RunTask(RunState& run);
  bool RunSlice(RunState& run);
  void WriteSlice(RunState& run, SliceStream stream, size_t index,
                  size_t begin, std::unique_ptr<Slice> slice);
  void AppendSlice(RunState& run, SliceStream stream, size_t index,
                   std::unique_ptr<Slice> slice);
  void Villages(RunState& run);
  void PublishMembers(RunState& run, bool done);
  // Copies members_[begin, end) into *out once they exist (fewer at the
  // end); false when there are none (past the last).
  bool WaitMembers(RunState& run, size_t begin, size_t end,
                   std::vector<Member>* out);

  // ---- assessments and events of one posting (gen_member_events.cc) -----
  struct Assessor {
    explicit Assessor(uint64_t seed) : grades(seed, kStreamAssessGrades) {}
    std::vector<std::array<int64_t, 4>> quota;  // per year: grades left
    std::vector<int64_t> remaining;             // per year
    Rng grades;
    std::string score;
  };
  bool Eligible(const Member& mem, int y) const;
  bool InvalidAssessment(size_t m, int y) const;
  // Grade quotas over all postings; unit_low_ sized.
  void StartAssessments(Assessor& a);
  void AssessmentRows(Assessor& a, size_t m, const Member& mem, Writer& w);
  // Payments, work funds, insurance, health checks, trainings and
  // enterprises of posting m, into w[table]. Reads only the posting and
  // the layout: any thread.
  void EventRows(size_t m, const Member& mem,
                 std::array<Writer, kTableCount>& w) const;
  // The absences of postings begin, begin + 1, ... (`members`), into w:
  // their rows are made first, then `number(rows)` gives the absence_id of
  // the first. `begin` is a multiple of 2,000. Any thread.
  void AbsenceSlice(size_t begin, const std::vector<Member>& members,
                    const std::function<uint64_t(size_t)>& number,
                    Writer& w) const;

  // ---- per-village scratch --------------------------------------------
  struct Posting {
    int team_local;
    int32_t unit;
    Role role;
    int32_t start;
    int32_t end;
    Reason reason;
    int32_t person = -1;
    int hand_len = 0;  // planned handover length to the in-team successor
  };
  struct Handover {
    int out, in;
    int32_t start, end;
    bool b[4];
    int style;  // 0 true/false, 1 1/0, 2 是/否
  };
  struct LocalTeam {
    int32_t unit;
    int32_t start;
    int32_t end_plan;   // when its postings end (kOpen = runs on)
    int32_t end_write;  // what teams.csv says
    bool memberless = false;
  };
  struct Forced {
    int32_t start = kUnset;
    int32_t end = kUnset;
    int32_t term_offset = kUnset;  // end = TermDone(start) + offset
    Reason reason = kNoReason;
    int hand_len = 0;
  };
  struct VillageCtx {
    int32_t index;
    int32_t county;
    Category category;
    Rng rng;
    int elevated_year = 0;
    std::vector<LocalTeam> teams;
    std::vector<Posting> postings;
    std::vector<Handover> handovers;
  };

  bool OpenAll(const std::string& dir, std::string* error);
  void Layout();
  void WriteCounties();
  void MakeUnits();
  void MakeVillages();
  void GenerateVillage(int32_t v);
  int32_t PickTeamUnit(VillageCtx& v, bool allow_mismatch);
  int32_t PickCountyUnit(VillageCtx& v, int level_filter, int sector_filter);
  int32_t PickMemberUnit(VillageCtx& v, int32_t team_unit, Role role);
  int Chain(VillageCtx& v, int team_local, Role role, int32_t start,
            int32_t team_end, int prev, const std::vector<Forced>& forced,
            int32_t slot_unit);
  void DecideCoreEnd(VillageCtx& v, int32_t s, int32_t term, int32_t* e,
                     Reason* r);
  int DecideHandoverLen(Rng& rng);
  void MakeHandover(VillageCtx& v, int out, int in);
  void AssignPerson(VillageCtx& v, Posting& p, bool allow_overlap);
  int32_t NewPerson(Rng& rng, int32_t county, int32_t end);
  void Vacate(VillageCtx& v, int idx);
  void FlushVillage(VillageCtx& v);
  void LeadersAndVisits();
  // The assessments, and with `events` every posting's events after its
  // assessments, in one thread (otherwise the events are written by slices).
  void Assessments(bool events);
  void UnitRatings();

  // ---- state ------------------------------------------------------------
  const Options opt_;
  const int32_t as_;
  int32_t r0_ = 0;   // the first rotation (about as_of - 3 years)
  int32_t ev0_ = 0;  // events start: the month before r0_ (or window start)
  int32_t window_start_ = 0;
  int32_t leap_day_ = kUnset;  // a Feb 29 in (r0_ + 60, as_of]
  std::vector<int> judged_years_;
  int first_assess_year_ = 0, last_assess_year_ = 0;
  // The 15th of each month of the assessed years (served months).
  std::vector<std::array<int32_t, 12>> mid_months_;

  int32_t n_counties_ = 0, n_villages_ = 0;
  std::vector<int32_t> villages_per_county_;
  std::vector<std::vector<std::string>> townships_;  // [county]
  std::vector<Unit> units_;
  std::vector<std::vector<int32_t>>
      county_units_;  // [county*kSectors+sector], county+township
  std::vector<std::vector<int32_t>> county_any_units_;  // [county]
  std::vector<std::vector<int32_t>> county_township_units_;
  std::vector<std::vector<int32_t>>
      high_units_;  // [sector], prefecture and above
  std::vector<int32_t> all_high_units_;
  std::vector<Village> villages_;
  std::vector<Team> teams_;
  // Postings, published to the slice writers a few villages at a time
  // (members_mutex_); members_count_ counts the unpublished ones too.
  std::vector<Member> members_;
  std::vector<Member> unpublished_;
  size_t members_count_ = 0;
  std::vector<Person> persons_;
  std::vector<std::vector<int32_t>> county_persons_;
  std::vector<int32_t> county_first_village_;  // [county], plus the end
  int64_t next_handover_ = 1, next_bundle_ = 1, next_leader_ = 1,
          next_visit_ = 1;
  std::vector<uint8_t>
      unit_low_;  // [unit*years + (y-first)] has basic/incompetent

  DateCache dates_;
  Defects defects_;
  Defects absence_defects_;  // the absences table's own defect stream
  std::array<Writer, kTableCount> w_;
};

// ---------------------------------------------------------- assessments --
// (gen_assessments.cc)

struct Triple {
  int32_t a, b, c;  // hundredths
};

enum Grade { kExcellent, kCompetent, kBasic, kIncompetent, kInvalid };

// Scores of an assessment graded `g` (kInvalid: one score out of range).
Triple GradeTriple(Rng& rng, Grade g);

// A score as policy staff type it: "92", "92.0", "92.10", "92.13".
void AppendScore(std::string& out, int32_t v, Rng& rng);

}  // namespace zhucun::gen::internal

#endif  // ZHUCUN_BENCH_GEN_GEN_GENERATOR_H_
