// The yardstick of bench/peers: the workload written by hand in C++, one
// loop over columns, as a programmer would without a rules engine.
//
//   g++ -O2 -std=c++20 -o loop loop.cc && ./loop members.csv [repeat]
//
// Reads members.csv (as written by run.py: no quoting, '.' decimals) into
// columns once: codes as bytes, decimals as int64 hundredths (exact, as
// zhucun stores a decimal column of scale 2), ints as int32. Then, best of
// `repeat`, one pass that writes every member's grade and the row numbers
// of every finding; the counts come from those outputs. The composite is
// exact: 1000 x (0.2 d + 0.3 h + 0.5 y) = 2 D + 3 H + 5 Y in hundredths.
// Prints one JSON line: {"load_s":..., "eval_s":[...], "cpu_s":[...], "counts":{...}}
// (eval_s wall-clock seconds per run, cpu_s the process's CPU seconds).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Village categories and unit sectors, in the order of pack/schema.yaml.
constexpr const char* kCategories[] = {"weak", "disorderly", "poor", "industry",
                                       "specialized", "ordinary"};
constexpr const char* kSectors[] = {"party_mass", "political_legal", "economic",
                                    "agriculture", "science_tech", "other"};
// sector_for_category: the sector (index into kSectors) each category calls
// for; -1: none (ordinary).
constexpr int8_t kSectorFor[] = {0, 1, 2, 3, 4, -1};

template <size_t N>
int8_t Code(std::string_view s, const char* const (&names)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<int8_t>(i);
  std::fprintf(stderr, "loop: unknown code `%.*s`\n", static_cast<int>(s.size()), s.data());
  std::exit(2);
}

// "1234.5" or "1234.56" or "1234" -> 123456 (hundredths).
int64_t Cents(std::string_view s) {
  int64_t whole = 0, frac = 0;
  size_t i = 0;
  bool neg = !s.empty() && s[0] == '-';
  if (neg) ++i;
  for (; i < s.size() && s[i] != '.'; ++i) whole = whole * 10 + (s[i] - '0');
  int digits = 0;
  if (i < s.size()) {
    for (++i; i < s.size(); ++i, ++digits) frac = frac * 10 + (s[i] - '0');
  }
  if (digits > 2) {
    std::fprintf(stderr, "loop: more than 2 decimals in `%.*s`\n",
                 static_cast<int>(s.size()), s.data());
    std::exit(2);
  }
  for (; digits < 2; ++digits) frac *= 10;
  int64_t v = whole * 100 + frac;
  return neg ? -v : v;
}

struct Columns {
  std::vector<int8_t> category, sector;
  std::vector<int64_t> daily, half_year, year_end, allowance;  // hundredths
  std::vector<int32_t> transport;
  size_t size() const { return category.size(); }
};

Columns Read(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "loop: cannot read %s\n", path);
    std::exit(2);
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Columns c;
  size_t pos = text.find('\n') + 1;  // skip the header (the order run.py writes)
  std::string_view f[8];
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= line.size() && n < 8; ++i) {
      if (i == line.size() || line[i] == ',') {
        f[n++] = line.substr(start, i - start);
        start = i + 1;
      }
    }
    if (n != 8) {
      std::fprintf(stderr, "loop: bad line `%.*s`\n", static_cast<int>(line.size()), line.data());
      std::exit(2);
    }
    c.category.push_back(Code(f[1], kCategories));
    c.sector.push_back(Code(f[2], kSectors));
    c.daily.push_back(Cents(f[3]));
    c.half_year.push_back(Cents(f[4]));
    c.year_end.push_back(Cents(f[5]));
    c.allowance.push_back(Cents(f[6]));
    c.transport.push_back(static_cast<int32_t>(std::strtol(std::string(f[7]).c_str(), nullptr, 10)));
  }
  return c;
}

enum Grade : uint8_t { kExcellent, kCompetent, kBasic, kIncompetent };

struct Output {
  std::vector<uint8_t> grade;                            // one per member
  std::vector<uint32_t> sector_match, allowance, transport;  // rows with a finding
};

void Evaluate(const Columns& c, Output& out) {
  const size_t n = c.size();
  out.grade.resize(n);
  out.sector_match.clear();
  out.allowance.clear();
  out.transport.clear();
  for (size_t i = 0; i < n; ++i) {
    int8_t wanted = kSectorFor[c.category[i]];
    if (wanted >= 0 && c.sector[i] != wanted) out.sector_match.push_back(static_cast<uint32_t>(i));
    if (c.allowance[i] < 110000) out.allowance.push_back(static_cast<uint32_t>(i));
    if (c.transport[i] > 2) out.transport.push_back(static_cast<uint32_t>(i));
    int64_t milli = 2 * c.daily[i] + 3 * c.half_year[i] + 5 * c.year_end[i];  // 1000 x composite
    out.grade[i] = milli >= 90000 ? kExcellent
                   : milli >= 75000 ? kCompetent
                   : milli >= 60000 ? kBasic
                                    : kIncompetent;
  }
}

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
  if (argc < 2) {
    std::fprintf(stderr, "usage: loop members.csv [repeat]\n");
    return 2;
  }
  int repeat = argc > 2 ? std::atoi(argv[2]) : 5;
  auto t0 = std::chrono::steady_clock::now();
  Columns c = Read(argv[1]);
  auto t1 = std::chrono::steady_clock::now();
  Output out;
  std::string times, cpu;
  for (int r = 0; r < repeat; ++r) {
    double ca = CpuSeconds();
    auto a = std::chrono::steady_clock::now();
    Evaluate(c, out);
    auto b = std::chrono::steady_clock::now();
    double cb = CpuSeconds();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.9f", r ? ", " : "", Seconds(a, b));
    times += buf;
    std::snprintf(buf, sizeof buf, "%s%.9f", r ? ", " : "", cb - ca);
    cpu += buf;
  }
  size_t grades[4] = {0, 0, 0, 0};
  for (uint8_t g : out.grade) ++grades[g];
  std::printf(
      "{\"rows\": %zu, \"load_s\": %.6f, \"eval_s\": [%s], \"cpu_s\": [%s], \"counts\": {"
      "\"members.sector_match\": %zu, \"members.living_allowance\": %zu, "
      "\"members.transport\": %zu, \"excellent\": %zu, \"competent\": %zu, "
      "\"basic\": %zu, \"incompetent\": %zu}}\n",
      c.size(), Seconds(t0, t1), times.c_str(), cpu.c_str(), out.sector_match.size(), out.allowance.size(),
      out.transport.size(), grades[kExcellent], grades[kCompetent], grades[kBasic],
      grades[kIncompetent]);
  return 0;
}
