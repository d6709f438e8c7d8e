// Generator::Run: which thread writes what, and in which order (see
// gen_generator.h).
//
// The files are the same for any number of threads. The main thread writes
// counties, units and villages, then the villages' teams, postings,
// handovers and bundles (one village after another: a village draws from
// the pools of people its county's earlier villages made), publishing the
// postings a few villages at a time. Meanwhile the other threads write the
// postings' events and absences by slices of 4,000 postings, each slice into
// memory: every posting's rows come from its own random streams, so a slice
// needs nothing but its postings; the absence_id of a slice's first row is
// the count of the rows before it, passed from slice to slice once its rows
// are made and before they are formatted. Slices are appended to the files
// in order (a thread that finishes one before the one before it is
// appended leaves it parked; at most a few slices per thread are in memory).
// Once the villages are done, the leaders and visits, and the assessments
// followed by the unit ratings, are two more tasks for whichever threads are
// free (the assessments draw grades from one stream, posting after
// posting).
//
// Defects (Options::bad_rows) come from two streams in row order: one for
// the absences, one for the other 17 tables. The absence slices keep where
// each row and field starts, and their rows go through the absences'
// defects one by one as a slice is appended, in order. The other tables'
// defects follow the order in which rows were written before there were
// threads: villages, then leaders and visits, then per posting its
// assessments and events, then unit ratings; with defects, those events are
// written in one task with the assessments (Assessments(true)), not by
// slices.

#include <sched.h>

#include <algorithm>
#include <system_error>
#include <thread>

#include "gen_generator.h"

namespace zhucun::gen::internal {
namespace {

// The tables each slice stream writes.
constexpr TableIndex kEventTables[] = {kPayments,     kWorkFunds, kInsurance,
                                       kHealthChecks, kTrainings, kEnterprises};

// The cores this process may run on.
size_t AvailableCores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<size_t>(n);
  }
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

// Thrown in a thread that waits when another has failed.
struct Abandoned {};

}  // namespace

struct Generator::RunState {
  bool defects = false;  // the other tables' defects are active
  size_t max_in_flight = 4;
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;

  // The postings, as the villages publish them (members_).
  std::mutex members_mutex;
  std::condition_variable members_cv;
  size_t published = 0;
  std::atomic<bool> villages_done{false};

  // The tasks after the villages, claimed in order.
  std::atomic<int> next_task{0};
  int tasks = 0;

  // Slice j is slice j / n of stream streams[j % n]; claimed in order.
  std::vector<SliceStream> streams;
  std::atomic<size_t> next_item{0};
  std::array<StreamState, kSliceStreams> state;
  // Slices claimed and not yet appended (at most max_in_flight), and
  // appended ones whose buffers are reused (flight_mutex).
  std::mutex flight_mutex;
  std::condition_variable flight_cv;
  size_t in_flight = 0;
  std::vector<std::unique_ptr<Slice>> free_slices;

  void Fail() {
    {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
    }
    failed = true;
    // Wake every waiter (each takes its mutex so as not to miss it).
    { const std::lock_guard<std::mutex> lock(members_mutex); }
    members_cv.notify_all();
    { const std::lock_guard<std::mutex> lock(flight_mutex); }
    flight_cv.notify_all();
    for (StreamState& s : state) {
      { const std::lock_guard<std::mutex> lock(s.mutex); }
      s.cv.notify_all();
    }
  }
};

void Generator::PublishMembers(RunState& run, bool done) {
  {
    const std::lock_guard<std::mutex> lock(run.members_mutex);
    members_.insert(members_.end(), unpublished_.begin(), unpublished_.end());
    run.published = members_.size();
    if (done) run.villages_done = true;
  }
  run.members_cv.notify_all();
  unpublished_.clear();
}

bool Generator::WaitMembers(RunState& run, size_t begin, size_t end,
                            std::vector<Member>* out) {
  std::unique_lock<std::mutex> lock(run.members_mutex);
  run.members_cv.wait(lock, [&] {
    return run.published >= end || run.villages_done || run.failed;
  });
  if (run.failed) throw Abandoned{};
  if (begin >= run.published) return false;
  out->assign(members_.begin() + static_cast<ptrdiff_t>(begin),
              members_.begin() +
                  static_cast<ptrdiff_t>(std::min(end, run.published)));
  return true;
}

void Generator::Villages(RunState& run) {
  county_persons_.resize(static_cast<size_t>(n_counties_));
  for (int32_t v = 0; v < n_villages_; ++v) {
    GenerateVillage(v);
    if (unpublished_.size() >= kSliceMembers) PublishMembers(run, false);
  }
  PublishMembers(run, true);
}

bool Generator::RunTask(RunState& run) {
  if (!run.villages_done || run.failed) return false;
  const int k = run.next_task++;
  if (k >= run.tasks) return false;
  if (run.defects) {
    // The other tables' defects in the order of old.
    LeadersAndVisits();
    Assessments(true);
    UnitRatings();
  } else if (k == 0) {
    LeadersAndVisits();
  } else {
    Assessments(false);
    UnitRatings();
  }
  return true;
}

bool Generator::RunSlice(RunState& run) {
  std::unique_ptr<Slice> slice;
  {
    std::unique_lock<std::mutex> lock(run.flight_mutex);
    run.flight_cv.wait(lock, [&] {
      return run.in_flight < run.max_in_flight || run.failed;
    });
    if (run.failed) throw Abandoned{};
    ++run.in_flight;
    if (!run.free_slices.empty()) {
      slice = std::move(run.free_slices.back());
      run.free_slices.pop_back();
    }
  }
  if (!slice) slice = std::make_unique<Slice>();
  const size_t j = run.next_item++;
  const size_t n = run.streams.size();
  const SliceStream stream = run.streams[j % n];
  const size_t index = j / n;
  const size_t begin = index * kSliceMembers;
  if (!WaitMembers(run, begin, begin + kSliceMembers, &slice->members)) {
    const std::lock_guard<std::mutex> lock(run.flight_mutex);
    --run.in_flight;
    run.free_slices.push_back(std::move(slice));
    run.flight_cv.notify_all();
    return false;  // past the last posting: so are all later slices
  }
  WriteSlice(run, stream, index, begin, std::move(slice));
  return true;
}

void Generator::WriteSlice(RunState& run, SliceStream stream, size_t index,
                           size_t begin, std::unique_ptr<Slice> slice) {
  const std::vector<Member>& members = slice->members;
  const auto& specs = Tables();
  if (stream == kEventStream) {
    for (TableIndex t : kEventTables)
      slice->w[t].OpenSlice(&specs[t], &dates_, false);
    for (size_t i = 0; i < members.size(); ++i)
      EventRows(begin + i, members[i], slice->w);
  } else {
    Writer& w = slice->w[kAbsences];
    w.OpenSlice(&specs[kAbsences], &dates_, absence_defects_.active());
    StreamState& st = run.state[kAbsenceStream];
    AbsenceSlice(
        begin, members,
        [&](size_t rows) {
          std::unique_lock<std::mutex> lock(st.mutex);
          st.cv.wait(lock,
                     [&] { return st.first_id.size() > index || run.failed; });
          if (run.failed) throw Abandoned{};
          const uint64_t first = st.first_id[index];
          st.first_id.push_back(first + rows);
          st.cv.notify_all();
          return first;
        },
        w);
  }
  AppendSlice(run, stream, index, std::move(slice));
}

void Generator::AppendSlice(RunState& run, SliceStream stream, size_t index,
                            std::unique_ptr<Slice> slice) {
  StreamState& st = run.state[stream];
  const std::lock_guard<std::mutex> lock(st.append_mutex);
  st.parked.emplace(index, std::move(slice));
  std::vector<std::unique_ptr<Slice>> appended;
  while (!st.parked.empty() && st.parked.begin()->first == st.next_append) {
    std::unique_ptr<Slice> s = std::move(st.parked.begin()->second);
    st.parked.erase(st.parked.begin());
    if (stream == kEventStream) {
      for (TableIndex t : kEventTables) w_[t].Append(s->w[t]);
    } else {
      w_[kAbsences].Append(s->w[kAbsences]);
    }
    ++st.next_append;
    appended.push_back(std::move(s));
  }
  if (!appended.empty()) {
    {
      const std::lock_guard<std::mutex> flight(run.flight_mutex);
      run.in_flight -= appended.size();
      for (auto& s : appended) run.free_slices.push_back(std::move(s));
    }
    run.flight_cv.notify_all();
  }
}

void Generator::WorkerLoop(RunState& run, bool main_thread) {
  try {
    if (main_thread) Villages(run);
    while (!run.failed) {
      if (RunTask(run)) continue;
      if (!RunSlice(run)) break;
    }
  } catch (const Abandoned&) {
    // Another thread failed; its error is reported.
  } catch (...) {
    run.Fail();
  }
}

bool Generator::Run(const std::string& dir, Summary* summary,
                    std::string* error) {
  if (!OpenAll(dir, error)) return false;
  Layout();
  WriteCounties();
  MakeUnits();
  MakeVillages();

  RunState run;
  run.defects = defects_.active();
  run.tasks = run.defects ? 1 : 2;
  if (!run.defects) run.streams.push_back(kEventStream);
  run.streams.push_back(kAbsenceStream);
  run.state[kAbsenceStream].first_id.push_back(1);
  const size_t threads = opt_.threads > 0 ? opt_.threads : AvailableCores();
  run.max_in_flight = 2 * threads + 2;
  std::vector<std::thread> pool;
  try {
    for (size_t t = 1; t < threads; ++t)
      pool.emplace_back([this, &run] { WorkerLoop(run, false); });
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started do the work.
  }
  WorkerLoop(run, true);
  for (std::thread& t : pool) t.join();
  if (run.error) std::rethrow_exception(run.error);

  Summary s;
  bool ok = true;
  const auto& specs = Tables();
  for (size_t t = 0; t < specs.size(); ++t) {
    if (ok && !w_[t].Close(error)) ok = false;
    s.rows_per_table.push_back({specs[t].name, w_[t].rows()});
    s.bytes += w_[t].bytes();
  }
  s.bad_rows = defects_.count() + absence_defects_.count();
  if (summary != nullptr) *summary = std::move(s);
  return ok;
}

}  // namespace zhucun::gen::internal
