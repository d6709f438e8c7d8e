// The Qiannan sample-data generator (see qiannan_gen.h).
//
// Layout of the generation, in the order files are written:
//   1. counties, townships (names only), units, villages;
//   2. per village: its teams, their postings (members) as chains of
//      successive postings per slot, handovers between them, bundles;
//   3. leaders of every unit and their visits to the villages of the unit's
//      teams;
//   4. per posting: assessments, payments, work funds, insurance, health
//      checks, trainings, enterprises; then unit ratings.
// Structure (villages, teams, postings) is kept in memory in compact form;
// events are streamed to the files.
//
// Every random decision comes from Rng (xoshiro256**) seeded from the
// options' seed, a stream tag and an index, so that, e.g., one village's
// content does not depend on how many numbers another village drew. No
// floating point is used after the counts are fixed from `scale`.

#include "qiannan_gen.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string_view>

namespace zhucun::gen {
namespace {

// ---------------------------------------------------------------- dates --

constexpr int32_t kOpen = std::numeric_limits<int32_t>::max();  // null end
constexpr int32_t kUnset = std::numeric_limits<int32_t>::min();

int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int y, m, d;
};

Civil CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// POLICY.md "Anniversary": same month and day; Feb 29 -> Feb 28.
int32_t AddYears(int32_t day, int n) {
  Civil c = CivilFromDays(day);
  c.y += n;
  if (c.m == 2 && c.d == 29 && !IsLeap(c.y)) c.d = 28;
  return DaysFromCivil(c.y, c.m, c.d);
}

// The day on which a posting started on `start` has completed its 2-year term.
int32_t TermDone(int32_t start) { return AddYears(start, 2) - 1; }

int YearOf(int32_t day) { return CivilFromDays(day).y; }
int32_t Jan1(int y) { return DaysFromCivil(y, 1, 1); }
int32_t Dec31(int y) { return DaysFromCivil(y, 12, 31); }

bool ParseDate(const std::string& s, int32_t* out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int y = std::stoi(s.substr(0, 4));
  const int m = std::stoi(s.substr(5, 2));
  const int d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return false;
  *out = DaysFromCivil(y, m, d);
  return true;
}

// Months of year y whose 15th lies in [s, e] (POLICY.md "served month").
int ServedMonths(int y, int32_t s, int32_t e) {
  int n = 0;
  for (int m = 1; m <= 12; ++m) {
    const int32_t d = DaysFromCivil(y, m, 15);
    if (s <= d && d <= e) ++n;
  }
  return n;
}

// ------------------------------------------------------------------ rng --

__extension__ typedef unsigned __int128 U128;

uint64_t SplitMix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Mix(uint64_t seed, uint64_t stream, uint64_t index) {
  uint64_t x = seed;
  uint64_t h = SplitMix(x);
  x = h ^ (stream * 0xD1B54A32D192ED03ULL);
  h = SplitMix(x);
  x = h ^ (index * 0x8CB92BA72F3D8DD7ULL);
  return SplitMix(x);
}

// xoshiro256** (Blackman and Vigna), seeded by splitmix64.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream, uint64_t index = 0) {
    uint64_t x = Mix(seed, stream, index);
    for (auto& w : s_) w = SplitMix(x);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), n > 0 (Lemire's method, unbiased).
  uint64_t Below(uint64_t n) {
    U128 m = static_cast<U128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<U128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // Uniform in [lo, hi]; lo when hi < lo.
  int32_t Range(int32_t lo, int32_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int32_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability p / 100000.
  bool Per(uint32_t p) { return Below(100000) < p; }
  // Index drawn with the given integer weights.
  template <size_t N>
  int Weighted(const std::array<int, N>& w) {
    int total = 0;
    for (int x : w) total += x;
    int r = static_cast<int>(Below(static_cast<uint64_t>(total)));
    for (size_t i = 0; i < N; ++i) {
      if (r < w[i]) return static_cast<int>(i);
      r -= w[i];
    }
    return static_cast<int>(N - 1);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Random streams (the `stream` argument of Rng).
enum Stream : uint64_t {
  kStreamLayout = 1,
  kStreamNames,
  kStreamUnits,
  kStreamVillage,
  kStreamLeaders,
  kStreamMemberEvents,
  kStreamAssessGrades,
  kStreamAssessInvalid,
  kStreamRatings,
  kStreamDefects,
};

// ----------------------------------------------------------------- names --

constexpr const char* kCountyNames[] = {
    "都匀市", "福泉市", "荔波县", "贵定县", "瓮安县", "独山县",
    "平塘县", "罗甸县", "长顺县", "龙里县", "惠水县", "三都水族自治县"};

constexpr const char* kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
    "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
    "唐", "韦", "蒙", "潘", "陆", "岑", "覃", "石", "龙", "莫", "韩", "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "蔡", "熊", "吕", "卢",
    "杨", "吴", "王", "李", "陈", "罗", "韦", "张"};

constexpr const char* kGiven[] = {
    "军", "丽", "磊", "娟", "涛", "勇", "雪", "红", "飞", "云", "敏", "霞",
    "婷", "辉", "鹏", "松", "林", "华", "强", "芳", "梅", "燕", "琳", "明",
    "伟", "海", "志", "刚", "文", "春", "秀", "兰", "洋", "杰", "霖", "静",
    "平", "英", "玲", "波", "斌", "超", "琴", "艳", "萍", "建", "国", "宇",
    "浩", "欣", "德", "福", "明", "光", "金", "忠"};

constexpr const char* kPlace[] = {
    "坪", "坝", "寨", "沟", "湾", "坡", "冲", "岩", "山", "水", "河", "田",
    "塘", "龙", "凤", "新", "上", "下", "大", "小", "高", "石", "青", "红",
    "金", "白", "营", "堡", "洞", "关", "桥", "场", "口", "平", "安", "和",
    "兴", "林", "茶", "花", "马", "羊", "牛", "云", "岭", "溪", "江", "中",
    "东", "西", "南", "北", "者", "拉", "摆", "翁", "麻", "排", "董", "尧",
    "板", "甲", "乐", "里", "懂", "基", "王", "沙", "谷", "陇"};

template <typename T, size_t N>
constexpr size_t Count(const T (&)[N]) {
  return N;
}

template <size_t N>
const char* PickName(Rng& rng, const char* const (&list)[N]) {
  return list[rng.Below(N)];
}

// A person's name from a 32-bit code: surname + one or two given characters.
std::string PersonName(uint32_t code) {
  std::string s = kSurnames[code % Count(kSurnames)];
  code /= static_cast<uint32_t>(Count(kSurnames));
  s += kGiven[code % Count(kGiven)];
  code /= static_cast<uint32_t>(Count(kGiven));
  if (code % 100 < 62) s += kGiven[(code / 100) % Count(kGiven)];
  return s;
}

std::string PlaceName(Rng& rng, int syllables) {
  std::string s;
  for (int i = 0; i < syllables; ++i) s += PickName(rng, kPlace);
  return s;
}

// ------------------------------------------------------------- domain ----

enum Sector : uint8_t {
  kPartyMass,
  kPoliticalLegal,
  kEconomic,
  kAgriculture,
  kScienceTech,
  kOtherSector
};
constexpr const char* kSectorCode[] = {"party_mass",   "political_legal",
                                       "economic",     "agriculture",
                                       "science_tech", "other"};
constexpr int kSectors = 6;

enum Level : uint8_t {
  kCentral,
  kProvince,
  kPrefecture,
  kCountyLevel,
  kTownship
};
constexpr const char* kLevelCode[] = {"central", "province", "prefecture",
                                      "county", "township"};

// Category index = the sector it calls for (POLICY.md); kOrdinary calls for
// none.
enum Category : uint8_t {
  kWeak,
  kDisorderly,
  kPoor,
  kIndustry,
  kSpecialized,
  kOrdinary
};
constexpr const char* kCategoryCode[] = {"weak",     "disorderly",  "poor",
                                         "industry", "specialized", "ordinary"};

enum Role : uint8_t { kFS, kRC, kSG, kTC, kGW, kOtherRole };
constexpr const char* kRoleCode[] = {"first_secretary",   "resident_cadre",
                                     "selected_graduate", "tech_commissioner",
                                     "grid_worker",       "other"};
bool IsCore(Role r) { return r == kFS || r == kRC; }

enum Reason : uint8_t {
  kNoReason,
  kTermComplete,
  kJobTransfer,
  kHealth,
  kRecall,
  kOtherReason
};
constexpr const char* kReasonCode[] = {
    "", "term_complete", "job_transfer", "health", "recall", "other"};

enum Rank : uint8_t { kPrincipal, kDeputy, kMemberRank };
constexpr const char* kRankCode[] = {"principal", "deputy", "member"};

// Departments by sector: [sector] -> names.
const std::vector<std::vector<const char*>>& Departments() {
  static const std::vector<std::vector<const char*>> kDepts = {
      {"组织部", "宣传部", "统战部", "团委", "妇联", "总工会", "机关工委",
       "人大办公室", "政协办公室", "老干部局"},
      {"政法委", "公安局", "人民法院", "人民检察院", "司法局", "信访局"},
      {"发展和改革局", "财政局", "商务局", "税务局", "国资委", "工业和信息化局",
       "统计局", "市场监督管理局", "投资促进局", "审计局"},
      {"农业农村局", "林业局", "水务局", "乡村振兴局", "供销社", "畜牧服务中心",
       "农业机械化服务中心"},
      {"科技局", "科协", "农业科学研究所", "气象局", "茶叶研究所"},
      {"教育局", "卫生健康局", "人民医院", "交通运输局", "文体广电旅游局",
       "自然资源局", "人民政府办公室", "住房和城乡建设局", "民政局",
       "生态环境局", "人力资源和社会保障局", "应急管理局"}};
  return kDepts;
}

// ------------------------------------------------------------- tables ----

enum class Col : uint8_t {
  kId,
  kRef,
  kText,
  kCode,
  kDate,
  kMonth,
  kInt,
  kDec,
  kBool
};

struct ColumnSpec {
  const char* name;
  Col type;
  bool null_ok;
  bool key;  // part of the id or unique key
};

struct TableSpec {
  const char* name;
  std::vector<ColumnSpec> cols;
};

enum TableIndex {
  kCounties,
  kVillages,
  kUnits,
  kTeams,
  kMembers,
  kLeaders,
  kVisits,
  kHandovers,
  kBundles,
  kAssessments,
  kUnitRatings,
  kPayments,
  kWorkFunds,
  kInsurance,
  kHealthChecks,
  kTrainings,
  kEnterprises,
  kTableCount
};

const std::vector<TableSpec>& Tables() {
  using C = Col;
  static const std::vector<TableSpec> kTables = {
      {"counties",
       {{"county_id", C::kId, false, true}, {"name", C::kText, false, false}}},
      {"villages",
       {{"village_id", C::kId, false, true},
        {"county_id", C::kRef, false, false},
        {"township", C::kText, false, false},
        {"name", C::kText, false, false},
        {"category", C::kCode, false, false}}},
      {"units",
       {{"unit_id", C::kId, false, true},
        {"name", C::kText, false, false},
        {"level", C::kCode, false, false},
        {"sector", C::kCode, false, false}}},
      {"teams",
       {{"team_id", C::kId, false, true},
        {"village_id", C::kRef, false, false},
        {"unit_id", C::kRef, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, true, false}}},
      {"members",
       {{"member_id", C::kId, false, true},
        {"person_id", C::kText, false, false},
        {"name", C::kText, false, false},
        {"team_id", C::kRef, false, false},
        {"unit_id", C::kRef, false, false},
        {"role", C::kCode, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, true, false},
        {"end_reason", C::kCode, true, false}}},
      {"leaders",
       {{"leader_id", C::kId, false, true},
        {"unit_id", C::kRef, false, false},
        {"name", C::kText, false, false},
        {"rank", C::kCode, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, true, false}}},
      {"visits",
       {{"visit_id", C::kId, false, true},
        {"leader_id", C::kRef, false, false},
        {"village_id", C::kRef, false, false},
        {"date", C::kDate, false, false}}},
      {"handovers",
       {{"handover_id", C::kId, false, true},
        {"outgoing_member_id", C::kRef, false, false},
        {"incoming_member_id", C::kRef, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, false, false},
        {"signed_outgoing", C::kBool, false, false},
        {"signed_incoming", C::kBool, false, false},
        {"approved_village_leader", C::kBool, false, false},
        {"approved_township_committee", C::kBool, false, false}}},
      {"bundles",
       {{"bundle_id", C::kId, false, true},
        {"unit_id", C::kRef, false, false},
        {"team_id", C::kRef, false, false},
        {"kind", C::kCode, false, false},
        {"reference", C::kText, true, false},
        {"amount", C::kDec, true, false}}},
      {"assessments",
       {{"member_id", C::kRef, false, true},
        {"year", C::kInt, false, true},
        {"daily_score", C::kDec, false, false},
        {"half_year_score", C::kDec, false, false},
        {"year_end_score", C::kDec, false, false}}},
      {"unit_ratings",
       {{"unit_id", C::kRef, false, true},
        {"year", C::kInt, false, true},
        {"grade", C::kCode, false, false}}},
      {"payments",
       {{"member_id", C::kRef, false, true},
        {"month", C::kMonth, false, true},
        {"living_allowance", C::kDec, false, false},
        {"transport_reimbursements", C::kInt, false, false}}},
      {"work_funds",
       {{"member_id", C::kRef, false, false},
        {"year", C::kInt, false, false},
        {"amount", C::kDec, false, false}}},
      {"insurance",
       {{"member_id", C::kRef, false, false},
        {"coverage", C::kDec, false, false},
        {"start_date", C::kDate, false, false},
        {"end_date", C::kDate, false, false}}},
      {"health_checks",
       {{"member_id", C::kRef, false, false},
        {"date", C::kDate, false, false}}},
      {"trainings",
       {{"member_id", C::kRef, false, false},
        {"date", C::kDate, false, false}}},
      {"enterprises",
       {{"member_id", C::kRef, false, false},
        {"date", C::kDate, false, false},
        {"kind", C::kCode, false, false}}},
  };
  return kTables;
}

// ------------------------------------------------------------- writer ----

// Formats dates quickly from a table of precomputed strings.
class DateCache {
 public:
  DateCache()
      : lo_(DaysFromCivil(1990, 1, 1)), hi_(DaysFromCivil(2060, 12, 31)) {
    text_.resize(static_cast<size_t>(hi_ - lo_ + 1) * 10);
    for (int32_t d = lo_; d <= hi_; ++d)
      Format(d, &text_[static_cast<size_t>(d - lo_) * 10]);
  }
  void Append(int32_t day, std::string& out) const {
    if (day >= lo_ && day <= hi_) {
      out.append(&text_[static_cast<size_t>(day - lo_) * 10], 10);
    } else {
      char buf[16];
      Format(day, buf);
      out.append(buf, 10);
    }
  }

 private:
  // Writes exactly the 10 characters YYYY-MM-DD (no terminating zero: the
  // cache packs dates into 10-byte slots).
  static void Format(int32_t day, char* p) {
    const Civil c = CivilFromDays(day);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.y % 10000, c.m, c.d);
    std::memcpy(p, buf, 10);
  }
  int32_t lo_, hi_;
  std::vector<char> text_;
};

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  char* p = buf + sizeof buf;
  const bool neg = v < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (neg) *--p = '-';
  out.append(p, static_cast<size_t>(buf + sizeof buf - p));
}

void AppendPadded(std::string& out, uint64_t v, int width) {
  char buf[24];
  char* p = buf + sizeof buf;
  int n = 0;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
    ++n;
  } while (v != 0);
  while (n < width) {
    *--p = '0';
    ++n;
  }
  out.append(p, static_cast<size_t>(n));
}

// A decimal with exactly two fractional digits from an amount in hundredths.
void AppendCents(std::string& out, int64_t cents) {
  if (cents < 0) {
    out.push_back('-');
    cents = -cents;
  }
  AppendInt(out, cents / 100);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + (cents / 10) % 10));
  out.push_back(static_cast<char>('0' + cents % 10));
}

bool NeedsQuotes(std::string_view s) {
  for (char c : s)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  return false;
}

void AppendCsvField(std::string& out, std::string_view s) {
  if (!NeedsQuotes(s)) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

class Defects;

// One CSV file, written through a buffer; rows are built field by field.
class Writer {
 public:
  Writer() = default;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer() {
    if (file_ != nullptr) std::fclose(file_);
  }

  bool Open(const std::string& path, const TableSpec* spec, Defects* defects,
            const DateCache* dates, std::string* error) {
    spec_ = spec;
    defects_ = defects;
    dates_ = dates;
    path_ = path;
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      *error = "cannot create " + path + ": " + std::strerror(errno);
      return false;
    }
    buf_.reserve(kFlushAt + 4096);
    for (size_t i = 0; i < spec->cols.size(); ++i) {
      if (i > 0) buf_.push_back(',');
      buf_.append(spec->cols[i].name);
    }
    buf_.push_back('\n');
    return true;
  }

  void Id(const char* prefix, int width, uint64_t n) {
    Sep();
    buf_.append(prefix);
    AppendPadded(buf_, n, width);
  }
  void Text(std::string_view s) {
    Sep();
    AppendCsvField(buf_, s);
  }
  void Code(std::string_view s) {
    Sep();
    buf_.append(s);
  }
  void Date(int32_t day) {
    Sep();
    dates_->Append(day, buf_);
  }
  void DateOrNull(int32_t day) {
    Sep();
    if (day != kOpen) dates_->Append(day, buf_);
  }
  void Month(int y, int m) {
    Sep();
    AppendPadded(buf_, static_cast<uint64_t>(y), 4);
    buf_.push_back('-');
    AppendPadded(buf_, static_cast<uint64_t>(m), 2);
  }
  void Int(int64_t v) {
    Sep();
    AppendInt(buf_, v);
  }
  void Cents(int64_t v) {
    Sep();
    AppendCents(buf_, v);
  }
  void Null() { Sep(); }
  void End();

  bool Close(std::string* error) {
    if (!Flush()) {
      *error = "cannot write " + path_ + ": " + std::strerror(errno);
      return false;
    }
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) {
      *error = "cannot write " + path_ + ": " + std::strerror(errno);
      return false;
    }
    return !failed_;
  }

  size_t rows() const { return rows_; }
  size_t bytes() const { return bytes_; }

 private:
  friend class Defects;
  static constexpr size_t kFlushAt = 1 << 20;
  static constexpr int kMaxFields = 16;

  void Sep() {
    if (nfields_ == 0) {
      row_start_ = buf_.size();
    } else {
      buf_.push_back(',');
    }
    field_start_[nfields_++] = static_cast<uint32_t>(buf_.size() - row_start_);
  }
  bool Flush() {
    if (!buf_.empty()) {
      if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
        failed_ = true;
      bytes_ += buf_.size();
      buf_.clear();
    }
    return !failed_;
  }

  const TableSpec* spec_ = nullptr;
  Defects* defects_ = nullptr;
  const DateCache* dates_ = nullptr;
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buf_;
  size_t row_start_ = 0;
  int nfields_ = 0;
  uint32_t field_start_[kMaxFields] = {};
  size_t rows_ = 0;
  size_t bytes_ = 0;
  bool failed_ = false;
  // The key of the last row written without a defect (for duplicate keys).
  std::vector<std::string> last_key_;
};

// Injects realistic defects into a fraction of rows (Options::bad_rows).
class Defects {
 public:
  Defects(uint64_t seed, double fraction)
      : rng_(seed, kStreamDefects),
        threshold_(fraction <= 0 ? 0
                                 : static_cast<uint64_t>(std::llround(
                                       std::min(fraction, 1.0) * 1e9))) {}

  bool active() const { return threshold_ > 0; }
  size_t count() const { return count_; }

  // Called by Writer::End with the complete row (without its '\n') at
  // w.buf_[w.row_start_ ...]. Mutates it or records its key.
  void Row(Writer& w);

 private:
  enum Kind {
    kBadDate,
    kBadCode,
    kDangling,
    kDuplicate,
    kNull,
    kTooFew,
    kBadNumber,
    kReason
  };

  std::string Mutate(Kind kind, Col type, const std::string& value);

  Rng rng_;
  uint64_t threshold_;
  size_t count_ = 0;
};

void Writer::End() {
  if (defects_ != nullptr && defects_->active()) defects_->Row(*this);
  buf_.push_back('\n');
  nfields_ = 0;
  ++rows_;
  if (buf_.size() >= kFlushAt) Flush();
}

void Defects::Row(Writer& w) {
  const TableSpec& spec = *w.spec_;
  const size_t n = static_cast<size_t>(w.nfields_);
  std::string_view row(w.buf_.data() + w.row_start_,
                       w.buf_.size() - w.row_start_);
  auto field = [&](size_t i) {
    const size_t b = w.field_start_[i];
    const size_t e = i + 1 < n ? w.field_start_[i + 1] - 1 : row.size();
    return std::string(row.substr(b, e - b));
  };
  const bool bad = rng_.Below(1000000000) < threshold_;
  if (!bad) {
    w.last_key_.clear();
    for (size_t i = 0; i < n; ++i)
      if (spec.cols[i].key) w.last_key_.push_back(field(i));
    return;
  }
  std::vector<std::string> fields;
  fields.reserve(n);
  for (size_t i = 0; i < n; ++i) fields.push_back(field(i));

  // Applicable (kind, column) pairs, weighted by kind.
  struct Choice {
    Kind kind;
    int column;
    int weight;
  };
  std::vector<Choice> choices;
  bool has_key = false;
  for (size_t i = 0; i < n; ++i) {
    const ColumnSpec& c = spec.cols[i];
    const int col = static_cast<int>(i);
    has_key = has_key || c.key;
    if (!c.null_ok) choices.push_back({kNull, col, 10});
    switch (c.type) {
      case Col::kDate:
      case Col::kMonth:
        if (!fields[i].empty()) choices.push_back({kBadDate, col, 20});
        break;
      case Col::kCode:
        if (!fields[i].empty()) choices.push_back({kBadCode, col, 15});
        break;
      case Col::kRef:
        choices.push_back({kDangling, col, 20});
        break;
      case Col::kInt:
      case Col::kDec:
      case Col::kBool:
        if (!fields[i].empty()) choices.push_back({kBadNumber, col, 10});
        break;
      default:
        break;
    }
  }
  if (has_key && !w.last_key_.empty()) choices.push_back({kDuplicate, -1, 15});
  if (n > 1) choices.push_back({kTooFew, -1, 10});
  if (std::string_view(spec.name) == "members")
    choices.push_back({kReason, -1, 8});

  int total = 0;
  for (const Choice& c : choices) total += c.weight;
  int r = static_cast<int>(rng_.Below(static_cast<uint64_t>(total)));
  Choice pick = choices.back();
  for (const Choice& c : choices) {
    if (r < c.weight) {
      pick = c;
      break;
    }
    r -= c.weight;
  }

  std::string out;
  switch (pick.kind) {
    case kDuplicate: {
      size_t k = 0;
      for (size_t i = 0; i < n; ++i)
        if (spec.cols[i].key) fields[i] = w.last_key_[k++];
      break;
    }
    case kTooFew:
      fields.pop_back();
      break;
    case kReason: {
      // end_date (7) and end_reason (8): set exactly one of them.
      if (fields[7].empty()) {
        fields[8] = "term_complete";
      } else {
        fields[8].clear();
      }
      break;
    }
    case kNull:
      fields[static_cast<size_t>(pick.column)].clear();
      break;
    default: {
      const size_t i = static_cast<size_t>(pick.column);
      std::string v = Mutate(pick.kind, spec.cols[i].type, fields[i]);
      fields[i].clear();
      AppendCsvField(fields[i], v);
      break;
    }
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += fields[i];
  }
  w.buf_.resize(w.row_start_);
  w.buf_ += out;
  ++count_;
}

std::string Defects::Mutate(Kind kind, Col type, const std::string& v) {
  switch (kind) {
    case kBadDate: {
      const std::string y = v.substr(0, 4);
      if (type == Col::kMonth) {
        switch (rng_.Below(3)) {
          case 0:
            return y + "-13";
          case 1:
            return y + "/" + v.substr(5, 2);
          default:
            return y + "-" + std::to_string(std::stoi(v.substr(5, 2))) + "月";
        }
      }
      switch (rng_.Below(6)) {
        case 0:
          return y + "-02-30";
        case 1:
          return y + "-04-31";
        case 2:
          return y + "/" + v.substr(5, 2) + "/" + v.substr(8, 2);
        case 3:
          return " " + v;
        case 4:
          return y + "-13-" + v.substr(8, 2);
        default:
          return y + "年" + v.substr(5, 2) + "月" + v.substr(8, 2) + "日";
      }
    }
    case kBadCode: {
      switch (rng_.Below(4)) {
        case 0: {
          std::string s = v;
          if (s[0] >= 'a' && s[0] <= 'z')
            s[0] = static_cast<char>(s[0] - 'a' + 'A');
          return s;
        }
        case 1:
          return v + " ";
        case 2:
          return "unknown";
        default: {
          // Chinese labels in place of the codes (a common export mistake).
          static const std::pair<const char*, const char*> kLabels[] = {
              {"first_secretary", "第一书记"},
              {"resident_cadre", "驻村干部"},
              {"poor", "贫困村"},
              {"ordinary", "一般村"},
              {"term_complete", "期满"},
              {"job_transfer", "工作调动"},
              {"principal", "主要领导"},
              {"deputy", "分管领导"},
              {"excellent", "优秀"},
              {"funds", "资金"}};
          for (const auto& [code, label] : kLabels)
            if (v == code) return label;
          return v + "_x";
        }
      }
    }
    case kDangling: {
      // An extra zero after the prefix: never produced by the id format.
      size_t p = 0;
      while (p < v.size() && (v[p] < '0' || v[p] > '9')) ++p;
      return v.substr(0, p) + "0" + v.substr(p);
    }
    case kBadNumber: {
      if (type == Col::kBool) {
        static const char* kBad[] = {"yes", "TRUE", "Y", "对"};
        return kBad[rng_.Below(4)];
      }
      if (type == Col::kInt) {
        static const char* kBad[] = {"2.0", "两", "1 ", "+1"};
        return kBad[rng_.Below(4)];
      }
      // Decimal.
      switch (rng_.Below(4)) {
        case 0: {
          // Thousands separator.
          const size_t dot = v.find('.');
          const std::string whole =
              v.substr(0, dot == std::string::npos ? v.size() : dot);
          if (whole.size() > 3 && whole[0] != '-')
            return whole.substr(0, whole.size() - 3) + "," +
                   whole.substr(whole.size() - 3) +
                   (dot == std::string::npos ? "" : v.substr(dot));
          return v + "元";
        }
        case 1: {
          // Three fractional digits.
          const size_t dot = v.find('.');
          if (dot == std::string::npos) return v + ".005";
          return v + (v.size() - dot - 1 == 1 ? "05" : "5");
        }
        case 2:
          return "¥" + v;
        default:
          return v + "元";
      }
    }
    default:
      return v;
  }
}

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
      : opt_(o), as_(as_of), defects_(o.seed, o.bad_rows) {}

  bool Run(const std::string& dir, Summary* summary, std::string* error);

 private:
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
  void MemberEvents();
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
  std::vector<Member> members_;
  std::vector<Person> persons_;
  std::vector<std::vector<int32_t>> county_persons_;
  std::vector<int32_t> county_first_village_;  // [county], plus the end
  int64_t next_handover_ = 1, next_bundle_ = 1, next_leader_ = 1,
          next_visit_ = 1;
  std::vector<uint8_t>
      unit_low_;  // [unit*years + (y-first)] has basic/incompetent

  DateCache dates_;
  Defects defects_;
  std::array<Writer, kTableCount> w_;
};

// --------------------------------------------------------------- layout --

bool Generator::OpenAll(const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  const auto& specs = Tables();
  for (size_t t = 0; t < specs.size(); ++t) {
    const std::string path =
        (std::filesystem::path(dir) / (std::string(specs[t].name) + ".csv"))
            .string();
    if (!w_[t].Open(path, &specs[t], defects_.active() ? &defects_ : nullptr,
                    &dates_, error))
      return false;
  }
  return true;
}

void Generator::Layout() {
  // r0: about three years before as_of (2021-06-01 for 2024-06-30).
  r0_ = AddYears(as_, -3) - 29;
  const Civil c = CivilFromDays(r0_);
  ev0_ =
      c.m == 1 ? DaysFromCivil(c.y - 1, 12, 1) : DaysFromCivil(c.y, c.m - 1, 1);
  window_start_ = DaysFromCivil(kWindowStartY, kWindowStartM, kWindowStartD);
  // With a later as_of, postings from before r0 still need their events
  // from the policy's default window start on.
  ev0_ = std::min(ev0_, window_start_);
  const int ya = YearOf(as_);
  for (int y = YearOf(std::max(r0_, window_start_)); y <= ya; ++y)
    if (Jan1(y) >= std::max(r0_, window_start_) && Dec31(y) <= as_)
      judged_years_.push_back(y);
  for (int y = ya; y >= YearOf(r0_); --y) {
    if (IsLeap(y) && DaysFromCivil(y, 2, 29) <= as_ &&
        DaysFromCivil(y, 2, 29) > r0_ + 60) {
      leap_day_ = DaysFromCivil(y, 2, 29);
      break;
    }
  }
  first_assess_year_ = YearOf(ev0_);
  last_assess_year_ = as_ >= DaysFromCivil(ya, 12, 15) ? ya : ya - 1;

  const double s = opt_.scale;
  n_counties_ =
      static_cast<int32_t>(std::max<long long>(1, std::llround(12 * s)));
  n_villages_ =
      static_cast<int32_t>(std::max<long long>(1, std::llround(1319 * s)));
  // Villages per county: weights 80..140, largest remainder.
  Rng rng(opt_.seed, kStreamLayout);
  std::vector<int64_t> weight(static_cast<size_t>(n_counties_));
  int64_t total = 0;
  for (auto& x : weight) total += (x = rng.Range(80, 140));
  villages_per_county_.assign(static_cast<size_t>(n_counties_), 0);
  std::vector<std::pair<int64_t, int32_t>> rem;
  int32_t given = 0;
  for (int32_t i = 0; i < n_counties_; ++i) {
    const int64_t num = weight[static_cast<size_t>(i)] * n_villages_;
    villages_per_county_[static_cast<size_t>(i)] =
        static_cast<int32_t>(num / total);
    given += static_cast<int32_t>(num / total);
    rem.push_back({-(num % total), i});
  }
  std::sort(rem.begin(), rem.end());
  for (size_t k = 0; given < n_villages_; ++k, ++given)
    ++villages_per_county_[static_cast<size_t>(rem[k % rem.size()].second)];
  // Townships: about one per 12 villages.
  Rng names(opt_.seed, kStreamNames);
  townships_.resize(static_cast<size_t>(n_counties_));
  for (int32_t i = 0; i < n_counties_; ++i) {
    const int n =
        std::max(3, villages_per_county_[static_cast<size_t>(i)] / 12);
    for (int k = 0; k < n; ++k) {
      const int kind = names.Weighted(std::array<int, 3>{80, 14, 6});
      townships_[static_cast<size_t>(i)].push_back(PlaceName(names, 2) +
                                                   (kind == 0   ? "镇"
                                                    : kind == 1 ? "乡"
                                                                : "街道"));
    }
  }
}

std::string CountyName(int32_t i, uint64_t seed) {
  if (i < 12) return kCountyNames[i];
  Rng rng(seed, kStreamNames, 1000000 + static_cast<uint64_t>(i));
  return PlaceName(rng, 2) + "县";
}

void Generator::WriteCounties() {
  Writer& w = w_[kCounties];
  for (int32_t i = 0; i < n_counties_; ++i) {
    w.Id("C", 2, static_cast<uint64_t>(i + 1));
    w.Text(CountyName(i, opt_.seed));
    w.End();
  }
}

void Generator::MakeUnits() {
  Rng rng(opt_.seed, kStreamUnits);
  const double s = opt_.scale;
  const auto& depts = Departments();
  const auto count = [&](int base) {
    return static_cast<int>(std::llround(base * s));
  };
  std::vector<std::string> names;
  auto add = [&](Level level, Sector sector, int32_t county, std::string name) {
    units_.push_back({level, sector, county});
    names.push_back(std::move(name));
  };
  const std::array<int, kSectors> high_weights = {4, 2, 5, 4, 2, 4};
  struct High {
    Level level;
    int n;
    const char* prefix;
  };
  const High highs[] = {{kCentral, count(6), "中央驻黔单位·"},
                        {kProvince, count(20), "贵州省"},
                        {kPrefecture, std::max(1, count(40)), "黔南州"}};
  for (const High& h : highs) {
    std::vector<size_t> next(kSectors, 0);
    for (int i = 0; i < h.n; ++i) {
      // Every sector first, then by weight.
      const Sector sec =
          static_cast<Sector>(i < kSectors ? i : rng.Weighted(high_weights));
      const auto& list = depts[sec];
      const char* dept = list[next[sec]++ % list.size()];
      add(h.level, sec, -1, std::string(h.prefix) + dept);
    }
  }
  const std::array<int, kSectors> township_weights = {3, 1, 3, 2, 1, 3};
  const std::array<int, kSectors> county_extra = {1, 0, 1, 1, 0, 2};
  for (int32_t c = 0; c < n_counties_; ++c) {
    const std::string county = CountyName(c, opt_.seed);
    std::vector<size_t> next(kSectors, 0);
    for (int i = 0; i < 18; ++i) {
      const Sector sec = static_cast<Sector>(
          i < 2 * kSectors ? i % kSectors : rng.Weighted(county_extra));
      const auto& list = depts[sec];
      add(kCountyLevel, sec, c, county + list[next[sec]++ % list.size()]);
    }
    const auto& towns = townships_[static_cast<size_t>(c)];
    for (int i = 0; i < 8; ++i) {
      const Sector sec = static_cast<Sector>(rng.Weighted(township_weights));
      add(kTownship, sec, c, county + rng.Pick(towns) + rng.Pick(depts[sec]));
    }
  }
  county_units_.assign(static_cast<size_t>(n_counties_) * kSectors, {});
  county_any_units_.assign(static_cast<size_t>(n_counties_), {});
  county_township_units_.assign(static_cast<size_t>(n_counties_), {});
  high_units_.assign(kSectors, {});
  Writer& w = w_[kUnits];
  for (size_t u = 0; u < units_.size(); ++u) {
    const Unit& x = units_[u];
    const auto id = static_cast<int32_t>(u);
    if (x.county >= 0) {
      county_units_[static_cast<size_t>(x.county) * kSectors + x.sector]
          .push_back(id);
      county_any_units_[static_cast<size_t>(x.county)].push_back(id);
      if (x.level == kTownship)
        county_township_units_[static_cast<size_t>(x.county)].push_back(id);
    } else {
      high_units_[x.sector].push_back(id);
      all_high_units_.push_back(id);
    }
    w.Id("U", 4, u + 1);
    w.Text(names[u]);
    w.Code(kLevelCode[x.level]);
    w.Code(kSectorCode[x.sector]);
    w.End();
  }
}

void Generator::MakeVillages() {
  Writer& w = w_[kVillages];
  const std::array<int, 6> category_weights = {11, 4, 14, 13, 6, 52};
  int32_t id = 0;
  for (int32_t c = 0; c < n_counties_; ++c) {
    county_first_village_.push_back(id);
    for (int32_t k = 0; k < villages_per_county_[static_cast<size_t>(c)];
         ++k, ++id) {
      Rng rng(opt_.seed, kStreamNames, static_cast<uint64_t>(id) + 1);
      const auto cat = static_cast<Category>(rng.Weighted(category_weights));
      villages_.push_back({c, cat});
      w.Id("V", 5, static_cast<uint64_t>(id) + 1);
      w.Id("C", 2, static_cast<uint64_t>(c) + 1);
      w.Text(rng.Pick(townships_[static_cast<size_t>(c)]));
      w.Text(PlaceName(rng, rng.Per(40000) ? 3 : 2) + "村");
      w.Code(kCategoryCode[cat]);
      w.End();
    }
  }
  county_first_village_.push_back(id);
}

// ------------------------------------------------------------ villages --

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
  const auto member_base = static_cast<int64_t>(members_.size());
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
    members_.push_back(
        {p.person, team, p.unit, p.start, p.end, p.role, p.reason});
    wm.Id("M", 6, members_.size());
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

// ----------------------------------------------------- leaders, visits --

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

// ---------------------------------------------------------- assessments --

struct Triple {
  int32_t a, b, c;  // hundredths
};

// Scores whose exact composite is a grade threshold while binary floating
// point computes it just below (0.2*a + 0.3*b + 0.5*c in doubles).
constexpr Triple kTrap60[] = {
    {5000, 5030, 6982}, {5380, 5360, 6632}, {5386, 5601, 6485},
    {5418, 5418, 6582}, {5444, 5479, 6535}, {5466, 5566, 6474},
    {5939, 6824, 5530}, {5991, 6691, 5589}, {6262, 6557, 5561},
    {6482, 6822, 5314}, {6567, 6697, 5355}, {6657, 6387, 5505},
    {6727, 6507, 5405}, {6732, 6712, 5280}, {6746, 6226, 5566},
    {6788, 6508, 5380}};
constexpr Triple kTrap75[] = {
    {6607, 9932, 6398}, {7107, 9807, 6273}, {7482, 9432, 6348},
    {7632, 9957, 5973}, {8207, 9657, 5923}, {8210, 9655, 5923},
    {8332, 9032, 6248}, {8607, 8682, 6348}, {8652, 9777, 5673},
    {8707, 9907, 5573}, {8786, 9646, 5698}, {8966, 9896, 5476},
    {9082, 9777, 5501}, {9232, 8432, 6248}, {9232, 9307, 5723},
    {9332, 8532, 6148}};

// Scores (in hundredths) with 2a + 3b + 5c == sum exactly (composite*1000).
Triple ExactTriple(Rng& rng, int32_t sum) {
  const int32_t mid = sum / 10;
  for (int t = 0; t < 1000; ++t) {
    const int32_t a =
        rng.Range(std::max(0, mid - 800), std::min(10000, mid + 800));
    const int32_t b =
        rng.Range(std::max(0, mid - 800), std::min(10000, mid + 800));
    const int32_t rem = sum - 2 * a - 3 * b;
    if (rem < 0 || rem % 5 != 0 || rem / 5 > 10000) continue;
    return {a, b, rem / 5};
  }
  return {mid, mid, mid};
}

// Scores with a composite*1000 in [lo, hi]; tenths mostly, else hundredths.
Triple BandTriple(Rng& rng, int32_t lo, int32_t hi) {
  for (int t = 0; t < 100; ++t) {
    const int32_t target = rng.Range(lo, hi);
    const int32_t u = rng.Per(75000) ? 10 : 1;
    auto snap = [u](int32_t x) {
      return std::clamp((x + u / 2) / u * u, 0, 10000);
    };
    const int32_t a = snap(target / 10 + rng.Range(-400, 400));
    const int32_t b = snap(target / 10 + rng.Range(-400, 400));
    const int32_t rem = target - 2 * a - 3 * b;
    if (rem < 0) continue;
    const int32_t c = (rem / 5 + u / 2) / u * u;
    if (c > 10000) continue;
    const int32_t sum = 2 * a + 3 * b + 5 * c;
    if (sum >= lo && sum <= hi) return {a, b, c};
  }
  const int32_t mid = (lo + hi) / 20 / 10 * 10;
  return {mid, mid, mid};
}

// A score as policy staff type it: "92", "92.0", "92.10", "92.13".
void AppendScore(std::string& out, int32_t v, Rng& rng) {
  if (v < 0) {
    out.push_back('-');
    v = -v;
  }
  AppendInt(out, v / 100);
  const int32_t frac = v % 100;
  if (frac == 0) {
    const uint64_t r = rng.Below(10);
    if (r < 3) return;
    out += r < 8 ? ".0" : ".00";
  } else if (frac % 10 == 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + frac / 10));
    if (rng.Per(10000)) out.push_back('0');
  } else {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + frac / 10));
    out.push_back(static_cast<char>('0' + frac % 10));
  }
}

enum Grade { kExcellent, kCompetent, kBasic, kIncompetent, kInvalid };

Triple GradeTriple(Rng& rng, Grade g) {
  switch (g) {
    case kExcellent:
      return rng.Per(400) ? ExactTriple(rng, 90000)
                          : BandTriple(rng, 90000, 98500);
    case kCompetent:
      if (rng.Per(300)) return kTrap75[rng.Below(Count(kTrap75))];
      if (rng.Per(200))
        return ExactTriple(rng, 89995);  // prints 90.00, competent
      return BandTriple(rng, 75000, 89999);
    case kBasic:
      if (rng.Per(2500)) return kTrap60[rng.Below(Count(kTrap60))];
      if (rng.Per(1500))
        return ExactTriple(rng,
                           rng.Per(50000) ? 74995 : 74998);  // prints 75.00
      return BandTriple(rng, 60000, 74999);
    case kIncompetent:
      if (rng.Per(3000))
        return ExactTriple(rng, 59995);  // prints 60.00, incompetent
      return BandTriple(rng, 42000, 59999);
    case kInvalid: {
      // assess.score_range: a typo or an out-of-range entry.
      Triple t = BandTriple(rng, 70000, 95000);
      static constexpr int32_t kBad[] = {10100, 10050, 10525, 10001,
                                         98500, -100,  11000, -1};
      const int32_t bad =
          kBad[rng.Weighted(std::array<int, 8>{20, 15, 15, 15, 15, 8, 8, 4})];
      if (bad == -1)
        return rng.Per(50000) ? Triple{0, 0, -1} : Triple{-1, 0, 0};
      switch (rng.Below(3)) {
        case 0:
          t.a = bad;
          break;
        case 1:
          t.b = bad;
          break;
        default:
          t.c = bad;
          break;
      }
      return t;
    }
  }
  return {0, 0, 0};
}

// -------------------------------------------------------------- events --

void Generator::MemberEvents() {
  const int first = first_assess_year_, last = last_assess_year_;
  const int ny = std::max(0, last - first + 1);
  auto is_invalid = [&](size_t m, int y) {
    return Mix(opt_.seed, kStreamAssessInvalid,
               m * 64 + static_cast<uint64_t>(y - first)) %
               100000 <
           250;
  };
  auto eligible = [&](const Member& mem, int y) {
    return IsCore(mem.role) && (mem.end == kOpen || mem.end >= mem.start) &&
           ServedMonths(y, mem.start, mem.end) >= 6;
  };
  // Grade quotas per year, so that the excellent share is exactly as chosen:
  // the last assessed year above 30% (assess.excellent_share), the one
  // before it at Qiannan's 29.62%, earlier years at 28%.
  std::vector<std::array<int64_t, 4>> quota(static_cast<size_t>(ny));
  std::vector<int64_t> remaining(static_cast<size_t>(ny), 0);
  {
    std::vector<int64_t> graded(static_cast<size_t>(ny), 0);
    for (size_t m = 0; m < members_.size(); ++m)
      for (int y = first; y <= last; ++y)
        if (eligible(members_[m], y) && !is_invalid(m, y))
          ++graded[static_cast<size_t>(y - first)];
    for (int y = first; y <= last; ++y) {
      const int64_t g = graded[static_cast<size_t>(y - first)];
      const int64_t p = y == last ? 33000 : y == last - 1 ? 29620 : 28000;
      const int64_t excellent =
          y == last ? (p * g + 99999) / 100000 : p * g / 100000;
      const int64_t basic = (3000 * g + 50000) / 100000;
      const int64_t incompetent = (600 * g + 50000) / 100000;
      const int64_t competent =
          std::max<int64_t>(0, g - excellent - basic - incompetent);
      quota[static_cast<size_t>(y - first)] = {excellent, competent, basic,
                                               incompetent};
      remaining[static_cast<size_t>(y - first)] =
          excellent + competent + basic + incompetent;
    }
  }
  unit_low_.assign(units_.size() * static_cast<size_t>(std::max(ny, 1)), 0);
  Rng grades(opt_.seed, kStreamAssessGrades);

  Writer& wa = w_[kAssessments];
  Writer& wp = w_[kPayments];
  Writer& ww = w_[kWorkFunds];
  Writer& wi = w_[kInsurance];
  Writer& wh = w_[kHealthChecks];
  Writer& wt = w_[kTrainings];
  Writer& we = w_[kEnterprises];
  std::string score;
  const int raise_year = first + 2;

  for (size_t m = 0; m < members_.size(); ++m) {
    const Member& mem = members_[m];
    const uint64_t id = m + 1;
    Rng rng(opt_.seed, kStreamMemberEvents, m);
    const bool core = IsCore(mem.role);
    if (mem.end != kOpen && mem.end < mem.start) continue;  // never active

    // Assessments.
    for (int y = first; y <= last; ++y) {
      if (!eligible(mem, y)) continue;
      Grade g = kInvalid;
      if (!is_invalid(m, y)) {
        auto& q = quota[static_cast<size_t>(y - first)];
        int64_t& rem = remaining[static_cast<size_t>(y - first)];
        if (rem <= 0) {
          g = kCompetent;
        } else {
          int64_t r =
              static_cast<int64_t>(grades.Below(static_cast<uint64_t>(rem)));
          int k = 0;
          while (k < 3 && r >= q[static_cast<size_t>(k)])
            r -= q[static_cast<size_t>(k++)];
          --q[static_cast<size_t>(k)];
          --rem;
          g = static_cast<Grade>(k);
        }
      }
      if (g == kBasic || g == kIncompetent)
        unit_low_[static_cast<size_t>(mem.unit) * static_cast<size_t>(ny) +
                  static_cast<size_t>(y - first)] = 1;
      const Triple t = GradeTriple(grades, g);
      wa.Id("M", 6, id);
      wa.Int(y);
      for (int32_t v : {t.a, t.b, t.c}) {
        score.clear();
        AppendScore(score, v, grades);
        wa.Code(score);
      }
      wa.End();
    }

    const int32_t lo = std::max(mem.start, ev0_);
    const int32_t hi = std::min(mem.end, as_);
    if (lo > hi) continue;
    const Civil clo = CivilFromDays(lo), chi = CivilFromDays(hi);

    // Payments: living allowance and transport reimbursements, monthly.
    if (core || rng.Per(60000)) {
      static constexpr int64_t kCoreLevels[] = {110000, 130000, 150000, 180000,
                                                165050};
      static constexpr int64_t kOtherLevels[] = {55000, 65000, 80000, 90000,
                                                 100000};
      const int level = rng.Weighted(std::array<int, 5>{25, 40, 20, 10, 5});
      const int64_t base = core ? kCoreLevels[level] : kOtherLevels[level];
      const bool raise = rng.Per(30000);
      int y = clo.y, mo = clo.m;
      while (y < chi.y || (y == chi.y && mo <= chi.m)) {
        const int32_t d15 = DaysFromCivil(y, mo, 15);
        const bool served = mem.start <= d15 && d15 <= mem.end;
        const bool skip =
            core && served && rng.Per(250);  // support.living_allowance
        if (!skip) {
          int64_t allowance = base + (raise && y >= raise_year ? 10000 : 0);
          if (core && served && rng.Per(200)) {
            static constexpr int64_t kLow[] = {100000, 109999, 80000, 105000};
            allowance = kLow[rng.Below(4)];
          }
          const int transport =
              rng.Weighted(std::array<int, 5>{35000, 40000, 24400, 500, 100});
          wp.Id("M", 6, id);
          wp.Month(y, mo);
          wp.Cents(allowance);
          wp.Int(transport);
          wp.End();
        }
        if (++mo > 12) {
          mo = 1;
          ++y;
        }
      }
    }

    // Work funds of first secretaries: 20,000 a year, pro rata by month.
    if (mem.role == kFS) {
      for (int y = clo.y; y <= chi.y; ++y) {
        const int months = ServedMonths(y, mem.start, mem.end);
        if (months == 0) continue;
        const int64_t due =
            (2000000LL * months + 11) / 12;  // cents, rounded up
        std::vector<int64_t> rows;
        if (rng.Per(3000)) {  // support.work_fund
          const int sub = rng.Weighted(std::array<int, 3>{35, 35, 30});
          if (sub == 1) rows = {due - 1};
          if (sub == 2) rows = {due * 3 / 4 / 100 * 100};
        } else {
          const uint64_t r = rng.Below(100);
          if (r < 70) {
            rows = {due};
          } else if (r < 90) {
            rows = {(due + 1) / 2, due - (due + 1) / 2};
          } else if (r < 95) {
            // Installments that sum exactly to the amount due, but not in
            // doubles.
            static constexpr int64_t k20000[][4] = {
                {552011, 521444, 575233, 351312},
                {504766, 549719, 569412, 376103},
                {503137, 580069, 570775, 346019}};
            static constexpr int64_t k10000[][4] = {
                {223666, 276364, 245273, 254697},
                {282261, 217445, 299447, 200847},
                {260772, 233525, 252614, 253089}};
            static constexpr int64_t k15000[][3] = {{491594, 540882, 467524},
                                                    {445019, 498241, 556740},
                                                    {566403, 434173, 499424}};
            const uint64_t k = rng.Below(3);
            if (due == 2000000) {
              rows.assign(std::begin(k20000[k]), std::end(k20000[k]));
            } else if (due == 1000000) {
              rows.assign(std::begin(k10000[k]), std::end(k10000[k]));
            } else if (due == 1500000) {
              rows.assign(std::begin(k15000[k]), std::end(k15000[k]));
            } else {
              rows = {due};
            }
          } else {
            rows = {due + static_cast<int64_t>(rng.Range(1, 10)) * 50000};
          }
        }
        for (int64_t amount : rows) {
          ww.Id("M", 6, id);
          ww.Int(y);
          ww.Cents(amount);
          ww.End();
        }
      }
    }

    if (core) {
      // Insurance: yearly policies from the posting's start.
      static constexpr int64_t kCoverage[] = {100000000, 120000000, 150000000,
                                              200000000};
      const int64_t coverage =
          kCoverage[rng.Weighted(std::array<int, 4>{88, 5, 4, 3})];
      const bool on_duty = mem.start <= as_ && mem.end >= as_;
      int fault =
          -1;  // support.insurance: 0 lapsed, 1 too little cover, 2 none
      if (on_duty && rng.Per(2200))
        fault = rng.Weighted(std::array<int, 3>{40, 30, 30});
      if (fault != 2) {
        for (int k = 0;; ++k) {
          const int32_t ps = AddYears(mem.start, k);
          if (ps > hi) break;
          const int32_t pe = AddYears(mem.start, k + 1) - 1;
          if (pe < ev0_) continue;
          const bool current = ps <= as_ && as_ <= pe;
          if (fault == 0 && current) break;
          wi.Id("M", 6, id);
          wi.Cents(fault == 1 && current
                       ? (rng.Per(50000) ? 99999999 : 50000000)
                       : coverage);
          wi.Date(ps);
          wi.Date(pe);
          wi.End();
        }
      }
      if (rng.Per(100)) {  // a cancelled policy: end_date before start_date
        const int32_t d = rng.Range(lo, hi);
        wi.Id("M", 6, id);
        wi.Cents(coverage);
        wi.Date(d);
        wi.Date(d - rng.Range(1, 30));
        wi.End();
      }
    }

    // Health checks and trainings, yearly.
    for (int y = clo.y; y <= chi.y; ++y) {
      const int32_t a = std::max(lo, Jan1(y)), b = std::min(hi, Dec31(y));
      const bool full =
          mem.start <= Jan1(y) && mem.end >= Dec31(y) && Dec31(y) <= as_;
      if (core) {
        if (full ? !rng.Per(2000) : rng.Per(75000)) {  // support.health_check
          wh.Id("M", 6, id);
          wh.Date(rng.Range(a, b));
          wh.End();
        }
        int n = rng.Per(60000) ? 1 : 2;
        if (full ? rng.Per(1500) : !rng.Per(80000)) n = 0;  // support.training
        for (int i = 0; i < n; ++i) {
          wt.Id("M", 6, id);
          wt.Date(rng.Range(a, b));
          wt.End();
        }
      } else if (rng.Per(30000)) {
        wt.Id("M", 6, id);
        wt.Date(rng.Range(a, b));
        wt.End();
      }
    }

    // Enterprises founded or brought in.
    auto enterprise = [&](int32_t d) {
      we.Id("M", 6, id);
      we.Date(d);
      we.Code(rng.Per(50000) ? "economic_organisation" : "market_entity");
      we.End();
    };
    const int32_t until = std::min(mem.end, as_);
    if (mem.role == kFS) {
      const bool completes = TermDone(mem.start) <= until;
      int n = rng.Weighted(std::array<int, 4>{25, 45, 22, 8});
      if (completes && rng.Per(4000)) {  // duty.enterprise
        n = 0;
        if (mem.end != kOpen && mem.end < as_ && rng.Per(40000))
          enterprise(rng.Range(mem.end + 1,
                               std::min(as_, mem.end + 60)));  // after leaving
      } else if (completes) {
        n = std::max(n, 1);
      }
      for (int i = 0; i < n; ++i)
        enterprise(mem.end != kOpen && rng.Per(3000)
                       ? until
                       : rng.Range(mem.start, until));
    } else if ((mem.role == kRC && rng.Per(5000)) ||
               (mem.role == kTC && rng.Per(15000))) {
      enterprise(rng.Range(mem.start, until));
    }
  }
}

void Generator::UnitRatings() {
  const int first = first_assess_year_, last = last_assess_year_;
  const int ny = std::max(0, last - first + 1);
  static constexpr const char* kGrades[] = {"excellent", "good", "fair",
                                            "poor"};
  Writer& w = w_[kUnitRatings];
  for (size_t u = 0; u < units_.size(); ++u) {
    Rng rng(opt_.seed, kStreamRatings, u);
    for (int y = first; y <= last; ++y) {
      const bool low = unit_low_[u * static_cast<size_t>(ny) +
                                 static_cast<size_t>(y - first)] != 0;
      int grade;
      if (low) {
        // accountability.excellence_veto when rated excellent anyway.
        grade = rng.Per(4500)
                    ? 0
                    : 1 + rng.Weighted(std::array<int, 3>{45, 38, 17});
      } else {
        grade = rng.Weighted(std::array<int, 4>{20, 45, 28, 7});
      }
      w.Id("U", 4, u + 1);
      w.Int(y);
      w.Code(kGrades[grade]);
      w.End();
    }
  }
}

bool Generator::Run(const std::string& dir, Summary* summary,
                    std::string* error) {
  if (!OpenAll(dir, error)) return false;
  Layout();
  WriteCounties();
  MakeUnits();
  MakeVillages();
  county_persons_.resize(static_cast<size_t>(n_counties_));
  for (int32_t v = 0; v < n_villages_; ++v) GenerateVillage(v);
  LeadersAndVisits();
  MemberEvents();
  UnitRatings();
  Summary s;
  bool ok = true;
  const auto& specs = Tables();
  for (size_t t = 0; t < specs.size(); ++t) {
    if (ok && !w_[t].Close(error)) ok = false;
    s.rows_per_table.push_back({specs[t].name, w_[t].rows()});
    s.bytes += w_[t].bytes();
  }
  s.bad_rows = defects_.count();
  if (summary != nullptr) *summary = std::move(s);
  return ok;
}

}  // namespace

bool Generate(const Options& options, const std::string& dir, Summary* summary,
              std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  if (!std::isfinite(options.scale) || options.scale <= 0 ||
      options.scale > 10000) {
    *error = "scale must be a number in (0, 10000]";
    return false;
  }
  if (!std::isfinite(options.bad_rows) || options.bad_rows < 0 ||
      options.bad_rows > 1) {
    *error = "bad_rows must be a fraction in [0, 1]";
    return false;
  }
  int32_t as_of = 0;
  if (!ParseDate(options.as_of, &as_of) || YearOf(as_of) < 2000 ||
      YearOf(as_of) > 2050) {
    *error =
        "as_of must be a real date YYYY-MM-DD between 2000 and 2050, not '" +
        options.as_of + "'";
    return false;
  }
  auto generator = std::make_unique<Generator>(options, as_of);
  return generator->Run(dir, summary, error);
}

}  // namespace zhucun::gen
