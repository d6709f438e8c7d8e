#ifndef ZHUCUN_BENCH_GEN_GEN_DOMAIN_H_
#define ZHUCUN_BENCH_GEN_GEN_DOMAIN_H_

// The generator's domain (internal to bench/gen): the codes of DATA.md, the
// names of people, places and departments, and the specs of the tables.

#include <cstdint>
#include <string>
#include <vector>

#include "gen_rng.h"

namespace zhucun::gen::internal {

// ------------------------------------------------------------- domain ----

enum Sector : uint8_t {
  kPartyMass,
  kPoliticalLegal,
  kEconomic,
  kAgriculture,
  kScienceTech,
  kOtherSector
};
inline constexpr const char* kSectorCode[] = {"party_mass",   "political_legal",
                                              "economic",     "agriculture",
                                              "science_tech", "other"};
inline constexpr int kSectors = 6;

enum Level : uint8_t {
  kCentral,
  kProvince,
  kPrefecture,
  kCountyLevel,
  kTownship
};
inline constexpr const char* kLevelCode[] = {
    "central", "province", "prefecture", "county", "township"};

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
inline constexpr const char* kCategoryCode[] = {
    "weak", "disorderly", "poor", "industry", "specialized", "ordinary"};

enum Role : uint8_t { kFS, kRC, kSG, kTC, kGW, kOtherRole };
inline constexpr const char* kRoleCode[] = {
    "first_secretary",   "resident_cadre", "selected_graduate",
    "tech_commissioner", "grid_worker",    "other"};
inline bool IsCore(Role r) { return r == kFS || r == kRC; }

enum Reason : uint8_t {
  kNoReason,
  kTermComplete,
  kJobTransfer,
  kHealth,
  kRecall,
  kOtherReason
};
inline constexpr const char* kReasonCode[] = {
    "", "term_complete", "job_transfer", "health", "recall", "other"};

enum Rank : uint8_t { kPrincipal, kDeputy, kMemberRank };
inline constexpr const char* kRankCode[] = {"principal", "deputy", "member"};

// Departments by sector: [sector] -> names.
const std::vector<std::vector<const char*>>& Departments();

// ----------------------------------------------------------------- names --

// A person's name from a 32-bit code: surname + one or two given characters.
std::string PersonName(uint32_t code);

// A place name of `syllables` characters.
std::string PlaceName(Rng& rng, int syllables);

// The name of county `i` (Qiannan's twelve, then made-up ones).
std::string CountyName(int32_t i, uint64_t seed);

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
  kAbsences,
  kTableCount
};

// The specs of all tables, indexed by TableIndex (DATA.md order).
const std::vector<TableSpec>& Tables();

}  // namespace zhucun::gen::internal

#endif  // ZHUCUN_BENCH_GEN_GEN_DOMAIN_H_
