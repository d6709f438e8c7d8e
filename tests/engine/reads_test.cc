// ReadsOf and Restrict (include/zhucun/reads.h; issue 12, the Dask check):
// what the Qiannan pack's rules read, and a policy of some of its rules
// giving exactly those rules' findings of the whole policy.

#include "zhucun/reads.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

const std::string kRoot = ZHUCUN_SOURCE_DIR;
const std::string kExample = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";

Policy LoadQiannan(SourceManager& sources) {
  auto policy = Policy::Load(kRoot + "/rules/qiannan", sources);
  EXPECT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  return std::move(policy).value();
}

const ExpressionReads& Find(const std::vector<ExpressionReads>& reads,
                            ExpressionReads::Kind kind, const std::string& name) {
  for (const ExpressionReads& r : reads) {
    if (r.kind == kind && r.name == name) return r;
  }
  ADD_FAILURE() << "no reads of " << name;
  static const ExpressionReads none;
  return none;
}

// "table.field" for each relation, as a set.
std::set<std::string> Fields(const ExpressionReads& r) {
  std::set<std::string> out;
  for (const RelationRead& rel : r.relations) out.insert(rel.table + "." + rel.field);
  return out;
}

TEST(ReadsTest, QiannanRules) {
  SourceManager sources;
  const Policy policy = LoadQiannan(sources);
  const std::vector<ExpressionReads> reads = ReadsOf(policy);
  // Every rule, then the derived table, then the summary keys.
  ASSERT_GE(reads.size(), policy.rule_ids().size() + 1);
  for (size_t i = 0; i < policy.rule_ids().size(); ++i) {
    EXPECT_EQ(reads[i].kind, ExpressionReads::Kind::kRule);
    EXPECT_EQ(reads[i].name, policy.rule_ids()[i]);
    EXPECT_FALSE(reads[i].unknown) << reads[i].name;
    EXPECT_FALSE(reads[i].facts_any) << reads[i].name;
  }

  // The prefecture's excellent share reads every assessment.
  const ExpressionReads& share =
      Find(reads, ExpressionReads::Kind::kRule, "assess.excellent_share");
  EXPECT_EQ(share.subject, ExpressionReads::Subject::kPrefecture);
  EXPECT_EQ(share.facts, std::vector<std::string>{"assessments"});

  // A person's postings: a group of members.
  const ExpressionReads& overlap = Find(reads, ExpressionReads::Kind::kRule, "member.overlap");
  EXPECT_EQ(overlap.subject, ExpressionReads::Subject::kGroup);
  EXPECT_EQ(overlap.table, "members");
  EXPECT_EQ(overlap.group_by, "person_id");
  EXPECT_TRUE(overlap.facts.empty());

  // A team's members: a reverse relation through members.team_id.
  const ExpressionReads& fs = Find(reads, ExpressionReads::Kind::kRule, "team.first_secretary");
  EXPECT_EQ(fs.subject, ExpressionReads::Subject::kTable);
  EXPECT_EQ(fs.table, "teams");
  ASSERT_EQ(Fields(fs), (std::set<std::string>{"teams.members"}));
  EXPECT_TRUE(fs.relations[0].reverse);
  EXPECT_EQ(fs.relations[0].column, "team_id");
  EXPECT_EQ(fs.relations[0].other, "members");

  // The sector match follows references: team.village, team.unit.
  const ExpressionReads& sector = Find(reads, ExpressionReads::Kind::kRule, "assign.sector_match");
  EXPECT_EQ(Fields(sector), (std::set<std::string>{"teams.unit", "teams.village"}));
  for (const RelationRead& rel : sector.relations) {
    EXPECT_FALSE(rel.reverse);
    EXPECT_EQ(rel.column, rel.field + "_id");
  }

  // A leader's visit quota reads the unit's teams (across counties).
  const ExpressionReads& visits = Find(reads, ExpressionReads::Kind::kRule, "visits.deputy");
  EXPECT_EQ(visits.table, "leaders");
  EXPECT_TRUE(Fields(visits).count("units.teams")) << ::testing::PrintToString(Fields(visits));

  // The derived grades read the assessment row alone.
  const ExpressionReads& grades =
      Find(reads, ExpressionReads::Kind::kDerived, "assessment_grades");
  EXPECT_EQ(grades.table, "assessments");
  EXPECT_TRUE(grades.relations.empty());
  EXPECT_TRUE(grades.facts.empty());

  // The summary key of members: member.team.village.county.
  const ExpressionReads& key = Find(reads, ExpressionReads::Kind::kSummaryKey, "members");
  EXPECT_EQ(Fields(key), (std::set<std::string>{"members.team", "teams.village",
                                                 "villages.county"}));
}

TEST(ReadsTest, RestrictGivesTheRulesFindings) {
  SourceManager sources;
  const Policy policy = LoadQiannan(sources);
  auto facts = ReadCsvFolder(policy.schema(), kExample, CsvOptions{}, sources);
  ASSERT_TRUE(facts.ok()) << facts.diagnostics().Render(sources);
  const auto shared = std::make_shared<const FactSet>(std::move(facts).value());
  CheckOptions options;
  options.as_of = *Date::Parse("2024-06-30");
  const auto all = policy.Check(shared, options);
  ASSERT_TRUE(all.ok());

  const std::vector<std::string> keep = {"member.overlap", "visits.deputy",
                                         "assess.excellent_share", "no.such.rule"};
  Policy some = Restrict(policy, keep, {});
  // In pack order; an id the pack does not have is ignored.
  EXPECT_EQ(some.rule_ids(), (std::vector<std::string>{"member.overlap", "visits.deputy",
                                                        "assess.excellent_share"}));
  const auto part = some.Check(shared, options);
  ASSERT_TRUE(part.ok());
  std::vector<Finding> want;
  for (const Finding& f : all.value().findings) {
    if (std::find(keep.begin(), keep.end(), f.rule) != keep.end()) want.push_back(f);
  }
  ASSERT_FALSE(want.empty());
  ASSERT_EQ(part.value().findings.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(part.value().findings[i].rule, want[i].rule);
    EXPECT_EQ(part.value().findings[i].subject, want[i].subject);
    EXPECT_EQ(part.value().findings[i].period, want[i].period);
    EXPECT_EQ(part.value().findings[i].message, want[i].message);
  }
  EXPECT_TRUE(part.value().derived.empty());

  // Only the derived table: no findings, the same grades.
  Policy grades = Restrict(policy, {}, {"assessment_grades"});
  EXPECT_TRUE(grades.rule_ids().empty());
  const auto g = grades.Check(shared, options);
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g.value().findings.empty());
  ASSERT_EQ(g.value().derived.size(), 1u);
  ASSERT_EQ(all.value().derived.size(), 1u);
  ASSERT_EQ(g.value().derived[0].num_rows(), all.value().derived[0].num_rows());
  for (size_t r = 0; r < g.value().derived[0].num_rows(); ++r) {
    EXPECT_EQ(g.value().derived[0].Row(r), all.value().derived[0].Row(r));
  }

  // The restricted policy outlives the one it came from.
  std::optional<Policy> owner(LoadQiannan(sources));
  Policy kept = Restrict(*owner, {"member.overlap"}, {});
  owner.reset();
  const auto k = kept.Check(shared, options);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(kept.rule_ids(), std::vector<std::string>{"member.overlap"});
}

}  // namespace
}  // namespace zhucun
