// Fact-table rows as record values: columns, references (forward) and the
// rows that refer to a row (reverse), checked and evaluated through CEL on
// the example dataset (../shared/spec/example/data).

#include "zhucun/records.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "zhucun/csv.h"
#include "zhucun/expr.h"

namespace zhucun {
namespace {

const std::string kRoot = ZHUCUN_SOURCE_DIR;

struct Fixture {
  SourceManager sources;
  Schema schema;
  std::unique_ptr<RecordTypes> types;
  std::shared_ptr<const FactSet> facts;
  std::shared_ptr<const RecordSet> records;

  Fixture() {
    auto s = LoadSchema(kRoot + "/rules/qiannan/schema.yaml", sources);
    if (!s.ok()) {
      ADD_FAILURE() << s.diagnostics().Render(sources);
      return;
    }
    schema = s.value();
    auto read = ReadCsvFolder(schema, std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data",
                              CsvOptions{}, sources);
    if (!read.ok()) {
      ADD_FAILURE() << read.diagnostics().Render(sources);
      return;
    }
    types = std::make_unique<RecordTypes>(schema);
    facts = std::make_shared<const FactSet>(std::move(read).value());
    records = RecordSet::Make(facts, *types);
  }

  // Evaluates `expr` with `var` bound to row `row` of `table`.
  std::string Eval(const std::string& table, const std::string& var,
                   uint32_t row, const std::string& expr) {
    if (records == nullptr) return "no data (the example did not load)";
    Env env;
    env.Declare(var, types->TypeOf(table));
    auto program = env.Compile(expr, sources);
    if (!program.ok()) return program.diagnostics().Render(sources);
    Activation act;
    act.Bind(var, records->Row(table, row));
    return program.value().Evaluate(act).DebugString();
  }
};

Fixture& Data() {
  static Fixture* f = new Fixture();
  return *f;
}

TEST(RecordsTest, ColumnsAndForwardReferences) {
  // members.csv line 2: M000001 of team T00001 (village V00004, county C01).
  EXPECT_EQ(Data().Eval("members", "member", 0, "member.member_id"), "\"M000001\"");
  EXPECT_EQ(Data().Eval("members", "member", 0, "member.start_date"),
            "date(\"2021-06-15\")");
  EXPECT_EQ(Data().Eval("members", "member", 0, "member.team.team_id"), "\"T00001\"");
  EXPECT_EQ(Data().Eval("members", "member", 0, "member.team.village.village_id"),
            "\"V00004\"");
  EXPECT_EQ(Data().Eval("members", "member", 0, "member.team.village.county.county_id"),
            "\"C01\"");
  EXPECT_EQ(Data().Eval("members", "member", 0, "member"), "<members:M000001>");
}

TEST(RecordsTest, ReverseRelations) {
  // Team T00001 has postings M000001..; every one of them points back.
  EXPECT_EQ(Data().Eval("teams", "team", 0,
                        "team.members.all(m, m.team_id == team.team_id)"),
            "true");
  EXPECT_EQ(Data().Eval("teams", "team", 0,
                        "team.members.filter(m, m.role == 'first_secretary')"
                        ".map(m, m.member_id)"),
            "[\"M000001\", \"M000002\"]");
  // Handovers refer to members through two columns.
  EXPECT_EQ(Data().Eval("members", "member", 0,
                        "member.handovers_by_outgoing_member.map(h, h.handover_id)"),
            "[\"H000001\"]");
  EXPECT_EQ(Data().Eval("members", "member", 1,
                        "member.handovers_by_incoming_member.map(h, h.handover_id)"),
            "[\"H000001\"]");
}

// A reverse relation's index is the facts' own (FactTable::Groups): record
// sets made over the same facts — one per check — read one index, built
// once, not one each.
TEST(RecordsTest, ReverseIndexesAreBuiltOncePerFactSet) {
  Fixture& d = Data();
  ASSERT_NE(d.records, nullptr);
  // (As a check does: the relation read first through a record.)
  EXPECT_EQ(d.Eval("teams", "team", 0, "team.members.size() > 0"), "true");
  const std::shared_ptr<const RecordSet> other =
      RecordSet::Make(d.facts, *d.types);
  const FactSet& facts = d.records->facts();
  const int members = facts.schema().TableIndex("members");
  ASSERT_GE(members, 0);
  const FactTable& table = facts.tables()[static_cast<size_t>(members)];
  const int team_id = table.schema().ColumnIndex("team_id");
  ASSERT_GE(team_id, 0);
  const GroupIndex* first = d.records->ReverseIndex(static_cast<size_t>(members),
                                                    static_cast<size_t>(team_id));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(other->ReverseIndex(static_cast<size_t>(members), static_cast<size_t>(team_id)),
            first);
  EXPECT_EQ(&table.Groups("team_id"), first);
}

TEST(RecordsTest, NullCellsAndHas) {
  // M000001 ended its posting; a posting still running has no end date.
  EXPECT_EQ(Data().Eval("members", "member", 0, "has(member.end_date)"), "true");
  EXPECT_EQ(Data().Eval("teams", "team", 1, "team.end_date == null"), "true");
  EXPECT_EQ(Data().Eval("teams", "team", 1, "has(team.end_date)"), "false");
}

TEST(RecordsTest, MisspelledFieldsAreCaughtWhenCompiling) {
  EXPECT_EQ(Data().Eval("members", "member", 0, "member.team.vilage"),
            "<expr>:1:13: error[expr.unknown_field]: `member.team` has no field "
            "`vilage`\n"
            " | member.team.vilage\n"
            " |             ^~~~~~\n"
            " = help: did you mean `village`?\n");
}

}  // namespace
}  // namespace zhucun
