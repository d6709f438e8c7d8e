// zhucun through its C++ API on the bench/peers workload: the pack is
// loaded and the CSV folder read once (zhucun::ReadCsvFolder, the reader of
// `zhucun check`); then, best of `repeat`, Policy::Check with `threads`
// threads: every rule and the member_grades table (one row per member:
// member_id, the exact composite, the grade: typed columns, DerivedTable::cells). Built by run.py
// against the library of a build tree:
//
//   g++ -O2 -std=c++20 -I include -I BUILD/include zhucun_check.cc BUILD/libzhucun.a \
//       -lre2 -lyaml-cpp -pthread -o zhucun_check
//   ./zhucun_check PACK DATA_DIR [repeat] [threads]
//
// Prints one JSON line: {"load_s":..., "eval_s":[...], "cpu_s":[...], "counts":{...}}
// (eval_s wall-clock seconds per run, cpu_s the process's CPU seconds, all
// threads).

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/source.h"
#include "zhucun/version.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU time of the process (all threads), in seconds.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: zhucun_check PACK DATA_DIR [repeat] [threads]\n");
    return 2;
  }
  const std::string pack = argv[1], data = argv[2];
  const int repeat = argc > 3 ? std::atoi(argv[3]) : 5;
  const unsigned threads = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : 1;

  zhucun::SourceManager sources;
  auto t0 = std::chrono::steady_clock::now();
  zhucun::Result<zhucun::Policy> policy = zhucun::Policy::Load(pack, sources);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s", policy.diagnostics().Render(sources).c_str());
    return 2;
  }
  auto t1 = std::chrono::steady_clock::now();
  zhucun::Result<zhucun::FactSet> read =
      zhucun::ReadCsvFolder(policy.value().schema(), data, zhucun::CsvOptions{}, sources);
  if (!read.ok()) {
    std::fprintf(stderr, "%s", read.diagnostics().Render(sources).c_str());
    return 2;
  }
  auto facts = std::make_shared<const zhucun::FactSet>(std::move(read).value());
  auto t2 = std::chrono::steady_clock::now();

  zhucun::CheckOptions options;
  options.as_of = *zhucun::Date::Parse("2024-06-30");
  options.threads = threads;
  std::string times, cpu;
  std::map<std::string, size_t> counts;
  for (int r = 0; r < repeat; ++r) {
    double ca = CpuSeconds();
    auto a = std::chrono::steady_clock::now();
    zhucun::Result<zhucun::Report> report = policy.value().Check(facts, options);
    auto b = std::chrono::steady_clock::now();
    double cb = CpuSeconds();
    if (!report.ok()) {
      std::fprintf(stderr, "%s", report.diagnostics().Render(sources).c_str());
      return 2;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.9f", r ? ", " : "", Seconds(a, b));
    times += buf;
    std::snprintf(buf, sizeof buf, "%s%.9f", r ? ", " : "", cb - ca);
    cpu += buf;
    if (r + 1 == repeat) {  // count the last report (outside the timed part)
      for (const auto& f : report.value().findings) ++counts[f.rule];
      for (const auto& table : report.value().derived) {
        if (table.name != "member_grades") continue;
        size_t grade = table.columns.size() - 1;  // member_id, composite, grade
        for (size_t r = 0; r < table.num_rows(); ++r) ++counts[table.Text(r, grade)];
      }
    }
  }
  std::string json;
  for (const auto& [key, n] : counts) {
    json += (json.empty() ? "\"" : ", \"") + key + "\": " + std::to_string(n);
  }
  std::printf("{\"load_s\": %.6f, \"pack_s\": %.6f, \"eval_s\": [%s], \"cpu_s\": [%s], \"counts\": {%s}, "
              "\"version\": \"zhucun %s, %u thread(s)\"}\n",
              Seconds(t1, t2), Seconds(t0, t1), times.c_str(), cpu.c_str(), json.c_str(),
              ZHUCUN_VERSION_STRING,
              threads);
  return 0;
}
