#ifndef ZHUCUN_BENCH_GEN_QIANNAN_GEN_H_
#define ZHUCUN_BENCH_GEN_QIANNAN_GEN_H_

/// \file
/// A deterministic generator of Qiannan-like sample data in the CSV form of
/// DATA.md (all 18 tables). Scale 1 is the size of Qiannan prefecture: 12
/// counties, 1,319 villages, a few hundred dispatching units, about 5,000
/// first secretaries and resident cadres in post at any time, three years of
/// events up to `as_of` (about 90,000 absences among them), and a few
/// percent of violations of every rule of POLICY.md, plus calendar and
/// exact-decimal edge cases. Every row is valid unless `bad_rows` asks for
/// defective ones.
///
/// The output depends only on the options: the pseudo-random numbers come
/// from a generator implemented here (xoshiro256**, seeded by splitmix64), no
/// floating point decides anything after the row counts are fixed, so the
/// same options give byte-identical files on every platform.
///
/// Plain C++20 standard library; no dependency on zhucun.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace zhucun::gen {

struct Options {
  /// Multiplies counties, villages, units, teams, members and all events.
  double scale = 1.0;
  uint64_t seed = 20231;
  /// The date the data is "as of" (YYYY-MM-DD): no event after it, postings
  /// and teams still running on it have a null end_date. Events start about
  /// three years earlier.
  std::string as_of = "2024-06-30";
  /// For lenient-mode tests: when > 0, about this fraction of data rows get
  /// a realistic defect (bad date, unknown code, dangling reference,
  /// duplicate id or key, a null where none is allowed, a malformed number or
  /// bool, an end_reason without end_date or the reverse, too few fields).
  /// Each replaces its row in place, and the defects come from their own
  /// random streams (one for the absences, one for the other tables): every
  /// other row is as with bad_rows = 0. Dependent rows of a defective row
  /// are left as they are (the reader cascades).
  double bad_rows = 0.0;
  /// Threads that write (0: one per core the process may use). The files
  /// are the same for any number.
  size_t threads = 0;
};

struct Summary {
  /// (table, data rows written) in DATA.md order.
  std::vector<std::pair<std::string, size_t>> rows_per_table;
  /// Total bytes written (all files, headers included).
  size_t bytes = 0;
  /// Rows that got a defect (only with bad_rows > 0).
  size_t bad_rows = 0;
};

/// Writes `<dir>/<table>.csv` for all 18 DATA.md tables, creating `dir` if
/// needed. Returns false with a reason in `error` on bad options or an I/O
/// failure. `summary` may be null. Same options -> byte-identical output.
bool Generate(const Options& options, const std::string& dir, Summary* summary,
              std::string* error);

}  // namespace zhucun::gen

#endif  // ZHUCUN_BENCH_GEN_QIANNAN_GEN_H_
