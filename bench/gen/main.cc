// zhucun-gen: writes the Qiannan sample dataset (DATA.md CSV form).
//
//   zhucun-gen --out DIR [--scale S] [--seed N] [--as-of YYYY-MM-DD]
//              [--bad-rows FRACTION] [--threads N]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "qiannan_gen.h"

namespace {

void Usage(std::FILE* out) {
  std::fputs(
      "usage: zhucun-gen --out DIR [--scale S] [--seed N] [--as-of "
      "YYYY-MM-DD]\n"
      "                  [--bad-rows FRACTION] [--threads N]\n"
      "Writes the 18 tables of DATA.md as DIR/<table>.csv: a Qiannan-like "
      "dataset\n"
      "(scale 1: 12 counties, 1,319 villages, ~5,000 cadres in post) with a "
      "few\n"
      "percent of violations of every POLICY.md rule. Same options, same "
      "bytes.\n"
      "  --scale S          multiply all counts (default 1)\n"
      "  --seed N           random seed (default 20231)\n"
      "  --as-of DATE       the data's as-of date (default 2024-06-30)\n"
      "  --bad-rows F       give about this fraction of rows a defect (default "
      "0)\n"
      "  --threads N        write with N threads (default: one per core); the "
      "same\n"
      "                     bytes for any N\n",
      out);
}

bool ParseDouble(const char* s, double* out) {
  char* end = nullptr;
  *out = std::strtod(s, &end);
  return end != s && *end == '\0';
}

}  // namespace

int main(int argc, char** argv) {
  zhucun::gen::Options options;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      Usage(stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "zhucun-gen: %s needs a value\n", arg.c_str());
      Usage(stderr);
      return 2;
    }
    const char* value = argv[++i];
    if (arg == "--out") {
      out = value;
    } else if (arg == "--scale") {
      if (!ParseDouble(value, &options.scale)) {
        std::fprintf(stderr, "zhucun-gen: bad --scale '%s'\n", value);
        return 2;
      }
    } else if (arg == "--bad-rows") {
      if (!ParseDouble(value, &options.bad_rows)) {
        std::fprintf(stderr, "zhucun-gen: bad --bad-rows '%s'\n", value);
        return 2;
      }
    } else if (arg == "--seed") {
      char* end = nullptr;
      options.seed = std::strtoull(value, &end, 10);
      if (end == value || *end != '\0') {
        std::fprintf(stderr, "zhucun-gen: bad --seed '%s'\n", value);
        return 2;
      }
    } else if (arg == "--threads") {
      char* end = nullptr;
      const unsigned long long n = std::strtoull(value, &end, 10);
      if (end == value || *end != '\0' || n < 1 || n > 1024) {
        std::fprintf(stderr, "zhucun-gen: bad --threads '%s' (1 to 1024)\n",
                     value);
        return 2;
      }
      options.threads = static_cast<size_t>(n);
    } else if (arg == "--as-of") {
      options.as_of = value;
    } else {
      std::fprintf(stderr, "zhucun-gen: unknown option %s\n", arg.c_str());
      Usage(stderr);
      return 2;
    }
  }
  if (out.empty()) {
    std::fprintf(stderr, "zhucun-gen: --out DIR is required\n");
    Usage(stderr);
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  zhucun::gen::Summary summary;
  std::string error;
  if (!zhucun::gen::Generate(options, out, &summary, &error)) {
    std::fprintf(stderr, "zhucun-gen: %s\n", error.c_str());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  size_t rows = 0;
  for (const auto& [table, n] : summary.rows_per_table) {
    std::printf("%-14s %12zu\n", table.c_str(), n);
    rows += n;
  }
  std::printf(
      "%-14s %12zu rows, %.1f MB in %.2f s (scale %g, seed %llu, as of %s)\n",
      "total", rows, static_cast<double>(summary.bytes) / 1e6, seconds,
      options.scale, static_cast<unsigned long long>(options.seed),
      options.as_of.c_str());
  if (options.bad_rows > 0)
    std::printf("%zu rows with a defect\n", summary.bad_rows);
  return 0;
}
