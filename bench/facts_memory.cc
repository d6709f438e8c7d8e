// Where a loaded FactSet's memory goes, per table: the typed storage of its
// columns, the string dictionaries (each shared dictionary once; a string's
// heap where it is longer than the short-string buffer), validity masks,
// line numbers and resolved references — and the file text the
// SourceManager still holds (a file's text is released once read, unless a
// diagnostic points into it). No key index exists yet (the first FindKey
// builds one); group indexes are the check's. Run by hand
// (not part of the tests), against the library of a build tree:
//
//   g++ -O2 -std=c++20 -I include -I BUILD/include bench/facts_memory.cc
//       BUILD/libzhucun.a -lre2 -lyaml-cpp -pthread -o facts_memory
//   ./facts_memory PACK DATA_DIR
//
// Prints a line per table, the totals, then the process's VmRSS and VmHWM.

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "zhucun/csv.h"
#include "zhucun/engine.h"
#include "zhucun/source.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: facts_memory PACK DATA_DIR\n");
    return 2;
  }
  zhucun::SourceManager sources;
  zhucun::Result<zhucun::Policy> policy = zhucun::Policy::Load(argv[1], sources);
  if (!policy.ok()) {
    std::fputs(policy.diagnostics().Render(sources).c_str(), stderr);
    return 2;
  }
  zhucun::Result<zhucun::FactSet> read =
      zhucun::ReadCsvFolder(policy.value().schema(), argv[2], zhucun::CsvOptions{}, sources);
  if (!read.ok()) {
    std::fputs(read.diagnostics().Render(sources).c_str(), stderr);
    return 2;
  }
  size_t text = 0;
  for (size_t f = 0; f < sources.size(); ++f) {
    text += sources.text(static_cast<zhucun::FileId>(f)).size();
  }
  constexpr double kMB = 1e6;
  double all_typed = 0, all_dict = 0, all_valid = 0, all_lines = 0, all_refs = 0;
  std::set<const void*> counted;  // dictionaries shared by several columns
  for (const zhucun::FactTable& t : read.value().tables()) {
    double typed = 0, dict = 0, valid = 0, refs = 0;
    for (size_t c = 0; c < t.schema().columns.size(); ++c) {
      const zhucun::Column& col = t.column(c);
      typed += col.bools().capacity() + col.ints().capacity() * 8.0 +
               col.doubles().capacity() * 8.0 + col.int32s().capacity() * 4.0 +
               col.values().capacity() * static_cast<double>(sizeof(zhucun::Value));
      valid += col.valid().capacity();
      if (col.type() == zhucun::ColumnType::kString && counted.insert(&col.dictionary()).second) {
        const auto& d = col.dictionary();
        dict += d.capacity() * static_cast<double>(sizeof(std::string));
        for (const std::string& s : d) {
          if (s.capacity() > 15) dict += s.capacity() + 1;
        }
      }
      if (const auto* r = t.references(t.schema().columns[c].name)) refs += r->capacity() * 4.0;
    }
    // Line numbers as the table holds them: runs of rows on consecutive
    // lines (8 bytes a run) where that takes no more room, else 4 bytes a row.
    size_t runs = 0;
    for (size_t r = 0; r < t.num_rows(); ++r) {
      if (r == 0 || t.line(r) != t.line(r - 1) + 1) ++runs;
    }
    const double lines = runs * 2 <= t.num_rows() && runs > 0 ? runs * 8.0 : t.num_rows() * 4.0;
    std::printf("%-14s %10zu rows  typed %8.1f MB  dictionaries %8.1f MB  validity %6.1f MB"
                "  lines %6.1f MB  references %6.1f MB\n",
                t.name().c_str(), t.num_rows(), typed / kMB, dict / kMB, valid / kMB, lines / kMB,
                refs / kMB);
    all_typed += typed;
    all_dict += dict;
    all_valid += valid;
    all_lines += lines;
    all_refs += refs;
  }
  std::printf("file text %.1f MB; typed %.1f MB, dictionaries %.1f MB, validity %.1f MB, "
              "lines %.1f MB, references %.1f MB\n",
              text / kMB, all_typed / kMB, all_dict / kMB, all_valid / kMB, all_lines / kMB,
              all_refs / kMB);
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS", 0) == 0 || line.rfind("VmHWM", 0) == 0) std::printf("%s\n", line.c_str());
  }
  return 0;
}
