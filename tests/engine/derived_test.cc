// Derived tables in the report (issue 10): typed cells (DerivedTable::cells)
// and their texts, and the order of `sort_by`, with and without plans.
// tests/plan/differential_test.cc checks both on generated tables.

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "engine/policy_impl.h"
#include "engine_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using testing::TempDir;
using testing::WriteSmallPack;

// Teams T1, T2, ... ending on `ends` (empty: not ended); by default T1
// ended 2024-05-01, T2-T7 have not ended, T8 ended 2024-01-01. The pack has
// one derived table, `derived`.
const std::vector<std::string> kEnds = {"2024-05-01", "", "", "", "", "", "", "2024-01-01"};

// With `part_rows`, the table is evaluated in parts of that many rows on
// three threads (internal::derived_part_rows).
DerivedTable Ends(const std::string& derived, bool plan,
                  const std::vector<std::string>& ends = kEnds, size_t part_rows = 0) {
  TempDir pack;
  WriteSmallPack(pack, "derived", "derived.yaml", derived);
  TempDir data;
  data.Write("counties.csv", "county_id,name\nC1,都匀市\n");
  data.Write("villages.csv", "village_id,county_id,name,category\nV1,C1,新场村,weak\n");
  std::string teams = "team_id,village_id,start_date,end_date\n";
  for (size_t t = 0; t < ends.size(); ++t) {
    teams += "T" + std::to_string(t + 1) + ",V1,2022-01-01," + ends[t] + "\n";
  }
  data.Write("teams.csv", teams);
  CheckOptions options;
  options.plan = plan;
  if (part_rows > 0) options.threads = 3;
  const size_t kept = internal::derived_part_rows;
  internal::derived_part_rows = part_rows;
  Report r = testing::CheckFolders(pack, data, options);
  internal::derived_part_rows = kept;
  if (r.derived.size() != 1) {
    ADD_FAILURE() << "expected one derived table, got " << r.derived.size();
    return {};
  }
  return std::move(r.derived[0]);  // (a copy of a Column copies its dictionary)
}

std::vector<std::string> Column(const DerivedTable& t, size_t c) {
  std::vector<std::string> out;
  for (size_t r = 0; r < t.num_rows(); ++r) out.push_back(t.Text(r, c));
  return out;
}

const char kTypes[] =
    "derived:\n"
    "  - name: ends\n"
    "    from: teams\n"
    "    as: t\n"
    "    columns:\n"
    "      team_id: t.team_id\n"
    "      end: t.end_date\n"
    "      pay: \"t.end_date == null ? decimal('1.50') : decimal('2.25')\"\n"
    "      open: t.end_date == null\n"
    "      state: \"t.end_date == null ? 'open' : t.end_date\"\n"
    "      none: \"t.end_date == null ? null : null\"\n";

TEST(DerivedTableTest, CellsAreTypedWhereTheValuesHaveOneKind) {
  for (bool plan : {true, false}) {
    const DerivedTable t = Ends(kTypes, plan);
    ASSERT_EQ(t.num_rows(), 8u);
    ASSERT_EQ(t.columns, (std::vector<std::string>{"team_id", "end", "pay", "open", "state", "none"}));
    EXPECT_EQ(t.cells[0].type(), ColumnType::kString);
    EXPECT_EQ(t.cells[1].type(), ColumnType::kDate);
    EXPECT_EQ(t.cells[2].type(), ColumnType::kDecimal);
    EXPECT_EQ(t.cells[2].scale(), 2);
    EXPECT_EQ(t.cells[3].type(), ColumnType::kBool);
    EXPECT_EQ(t.cells[4].type(), ColumnType::kValue) << "strings and dates: no one kind";
    EXPECT_EQ(t.cells[5].type(), ColumnType::kValue) << "only nulls";
    EXPECT_EQ(t.Row(0), (std::vector<std::string>{"T1", "2024-05-01", "2.25", "false",
                                                  "2024-05-01", ""}));
    EXPECT_EQ(t.Row(1), (std::vector<std::string>{"T2", "", "1.50", "true", "open", ""}));
    EXPECT_FALSE(t.cells[1].view().IsValid(1));
    EXPECT_TRUE(t.cells[1].view().IsValid(0));
    // A validity mask only where a cell is null.
    EXPECT_TRUE(t.cells[0].valid().empty());
    EXPECT_EQ(t.cells[1].valid().size(), 8u);
    EXPECT_TRUE(t.cells[2].valid().empty());
    // AppendText appends what Text gives, a null nothing.
    for (size_t r = 0; r < t.num_rows(); ++r) {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        std::string line = "x,";
        t.AppendText(r, c, &line);
        EXPECT_EQ(line, "x," + t.Text(r, c)) << r << ", " << c;
      }
    }
    std::string line = "x,";
    t.AppendText(1, 1, &line);
    EXPECT_EQ(line, "x,");
  }
}

// A typed column whose first cell is null keeps it null (empty in the
// text, 0 in the mask) — the mask is made by that first null, with no row
// before it (these cells read 1970-01-01, 0.00, false, T1 and 0 before).
TEST(DerivedTableTest, ATypedColumnWhoseFirstCellIsNullKeepsItNull) {
  const char kFirstNull[] =
      "derived:\n"
      "  - name: ends\n"
      "    from: teams\n"
      "    as: t\n"
      "    columns:\n"
      "      end: t.end_date\n"
      "      pay: \"t.end_date == null ? null : decimal('2.25')\"\n"
      "      ended: \"t.end_date == null ? null : true\"\n"
      "      id: \"t.end_date == null ? null : t.team_id\"\n"
      "      days: \"t.end_date == null ? null : 7\"\n";
  for (bool plan : {true, false}) {
    const DerivedTable t = Ends(kFirstNull, plan, {"", "2024-05-01", ""});
    ASSERT_EQ(t.num_rows(), 3u);
    EXPECT_EQ(t.Row(0), (std::vector<std::string>{"", "", "", "", ""}));
    EXPECT_EQ(t.Row(1), (std::vector<std::string>{"2024-05-01", "2.25", "true", "T2", "7"}));
    EXPECT_EQ(t.Row(2), (std::vector<std::string>{"", "", "", "", ""}));
    for (size_t c = 0; c < t.cells.size(); ++c) {
      EXPECT_NE(t.cells[c].type(), ColumnType::kValue) << t.columns[c];
      EXPECT_EQ(t.cells[c].valid(), (std::vector<uint8_t>{0, 1, 0})) << t.columns[c];
      EXPECT_TRUE(t.cells[c].Get(0).is_null()) << t.columns[c];
    }
  }
}

// A table evaluated in parts on several threads is the table of one part,
// storage and all, wherever the parts begin: a part of nulls only after
// typed rows and before them, a part with nulls after one without,
// typed parts after a part of Values and before one.
// A column of texts the plan gives as codes (`?:` of constants): its
// dictionary holds the texts in the order the rows first have them, as
// the row evaluator's does, not in the order the expression names them.
TEST(DerivedTableTest, TextsThePlanGivesAsCodesAreCodedInTheOrderOfTheRows) {
  const std::string table =
      "derived:\n  - name: ends\n    from: teams\n    as: t\n    columns:\n"
      "      team_id: t.team_id\n"
      "      band: \"t.end_date == null ? 'open' : (t.team_id == 'T3' ? 'three' : 'other')\"\n";
  // (T2 `other` before T3 `three`.)
  const std::vector<std::string> ends = {"", "2024-05-01", "2024-06-01", "", "", "2024-01-01", ""};
  for (bool plan : {true, false}) {
    const DerivedTable t = Ends(table, plan, ends);
    ASSERT_EQ(t.num_rows(), ends.size());
    ASSERT_EQ(t.cells[1].type(), ColumnType::kString);
    EXPECT_EQ(t.cells[1].dictionary(), (std::vector<std::string>{"open", "other", "three"})) << plan;
    EXPECT_EQ(t.cells[1].int32s(), (std::vector<int32_t>{0, 1, 2, 0, 0, 1, 0})) << plan;
  }
}

TEST(DerivedTableTest, PartsOnThreadsMakeTheTableOfOnePart) {
  const std::string table =
      std::string(kTypes) +
      "      first_null: \"t.end_date == null ? null : t.end_date\"\n"
      "      mixed: \"t.end_date == null ? null : (t.team_id == 'T3' ? 'x' : t.end_date)\"\n"
      "      label: \"t.end_date == null ? 'open' : t.team_id\"\n";
  const std::vector<std::vector<std::string>> ends = {
      kEnds, {"", "", "2024-05-01", "2024-06-01", "", "2024-01-01", ""},
      {"2024-05-01", "2024-05-02", "2024-05-03", "", "2024-01-01", "", "2024-02-01"}};
  for (bool plan : {true, false}) {
    for (const std::vector<std::string>& e : ends) {
      const DerivedTable whole = Ends(table, plan, e);
      ASSERT_EQ(whole.num_rows(), e.size());
      for (size_t part_rows : {1, 2, 3}) {
        const DerivedTable parts = Ends(table, plan, e, part_rows);
        ASSERT_EQ(parts.num_rows(), whole.num_rows());
        for (size_t c = 0; c < whole.cells.size(); ++c) {
          const std::string what = whole.columns[c] + ", parts of " + std::to_string(part_rows) +
                                   (plan ? ", plan" : "") + ", first end " + e[0];
          const zhucun::Column& x = parts.cells[c];
          const zhucun::Column& y = whole.cells[c];
          EXPECT_EQ(x.type(), y.type()) << what;
          EXPECT_EQ(x.valid(), y.valid()) << what;
          if (y.type() == ColumnType::kString && x.type() == y.type()) {
            EXPECT_EQ(x.dictionary(), y.dictionary()) << what;
            EXPECT_EQ(x.int32s(), y.int32s()) << what;
          }
          EXPECT_EQ(Column(parts, c), Column(whole, c)) << what;
        }
      }
    }
  }
}

// A column of the facts' strings read as it is (the plan gives its codes
// alone) is null where the cell is, and an error where the row it is read
// from is null (a field of null), with and without plans.
TEST(DerivedTableTest, AStringColumnReadAsItIsIsNullWhereItsCellIsAndAnErrorThroughANullRow) {
  const std::string schema =
      "tables:\n"
      "  - name: units\n"
      "    key: unit_id\n"
      "    columns:\n"
      "      - {name: unit_id, type: id}\n"
      "      - {name: name, type: text}\n"
      "  - name: people\n"
      "    key: person_id\n"
      "    columns:\n"
      "      - {name: person_id, type: id}\n"
      "      - {name: note, type: text, nullable: true}\n"
      "      - {name: unit_id, type: id, references: units, nullable: true}\n";
  const auto check = [&](const std::string& column, bool plan) {
    TempDir pack;
    pack.Write("schema.yaml", schema);
    pack.Write("pack.yaml",
               "name: notes\nversion: 1.0.0\ntitle: notes\n"
               "parameters:\n  window_start: {type: date, default: 2024-01-01}\n"
               "includes: [schema.yaml, derived.yaml]\n");
    pack.Write("derived.yaml", "derived:\n  - name: notes\n    from: people\n    as: p\n"
                               "    columns:\n      id: p.person_id\n      c: " + column + "\n");
    TempDir data;
    data.Write("units.csv", "unit_id,name\nU1,县委办\nU2,财政局\n");
    data.Write("people.csv",
               "person_id,note,unit_id\nP1,,U1\nP2,驻村,U2\nP3,,U1\nP4,轮换,U1\nP5,在岗,\n");
    SourceManager sources;
    CheckOptions options;
    options.plan = plan;
    return testing::CheckFolders(pack, data, options, sources);
  };
  for (bool plan : {true, false}) {
    Result<Report> notes = check("p.note", plan);
    ASSERT_TRUE(notes.ok());
    const DerivedTable& t = notes.value().derived.at(0);
    EXPECT_EQ(Column(t, 1), (std::vector<std::string>{"", "驻村", "", "轮换", "在岗"})) << plan;
    EXPECT_EQ(t.cells[1].type(), ColumnType::kString) << plan;
    EXPECT_EQ(t.cells[1].valid(), (std::vector<uint8_t>{0, 1, 0, 1, 1})) << plan;
    // P5 has no unit: its row is an error, the others' names are read.
    Result<Report> units = check("\"p.unit_id == null ? 'none' : p.unit.name\"", plan);
    ASSERT_TRUE(units.ok());
    EXPECT_EQ(Column(units.value().derived.at(0), 1),
              (std::vector<std::string>{"县委办", "财政局", "县委办", "县委办", "none"}))
        << plan;
    Result<Report> failed = check("p.unit.name", plan);
    ASSERT_FALSE(failed.ok()) << plan;
    ASSERT_EQ(failed.diagnostics().size(), 1u) << plan;
    const Diagnostic& error = failed.diagnostics().items()[0];
    EXPECT_EQ(error.code, "engine.eval_error");
    EXPECT_EQ(error.message.substr(0, error.message.find(':')),
              "derived `notes` column `c` on line 6")
        << error.message;
  }
}

// A column of the facts' strings copied as it is shares the facts'
// dictionary (both columns here share it with teams.team_id); changing one
// column's dictionary copies it first, so neither the other column nor the
// facts change.
TEST(DerivedTableTest, AStringColumnCopiedSharesTheFactsDictionaryUntilChanged) {
  for (bool plan : {true, false}) {
    DerivedTable t = Ends(
        "derived:\n  - name: ids\n    from: teams\n    as: t\n"
        "    columns: {a: t.team_id, b: t.team_id}\n",
        plan);
    ASSERT_EQ(t.cells[0].type(), ColumnType::kString);
    t.cells[0].dictionary()[0] = "changed";
    EXPECT_EQ(t.Text(0, 0), "changed");
    EXPECT_EQ(t.Text(0, 1), "T1");
  }
}

// sort_by is a stable sort by CEL's order, in which a null is equal to
// everything (so the order is not a strict weak one, and the result is
// what std::stable_sort makes of it, as it always was): these 14 ends are
// in order pair by pair, yet the sort moves T8 ahead.
TEST(DerivedTableTest, SortByIsAStableSortWhereNullEqualsEverything) {
  const std::string sorted =
      "derived:\n"
      "  - name: ends\n"
      "    from: teams\n"
      "    as: t\n"
      "    columns:\n"
      "      team_id: t.team_id\n"
      "      end: t.end_date\n"
      "    sort_by: [end]\n";
  const std::string jan = "2024-01-01", feb = "2024-02-01", mar = "2024-03-01";
  const std::vector<std::string> ends = {"", feb, "", "", jan, mar, "", jan, "", "", jan, "", "", ""};
  for (bool plan : {true, false}) {
    const DerivedTable t = Ends(sorted, plan, ends);
    EXPECT_EQ(Column(t, 0),
              (std::vector<std::string>{"T1", "T8", "T2", "T3", "T4", "T5", "T6", "T7", "T9",
                                        "T10", "T11", "T12", "T13", "T14"}));
  }
  // By a typed key without nulls, in order already: as it is.
  const DerivedTable by_id = Ends(
      "derived:\n  - name: ends\n    from: teams\n    as: t\n"
      "    columns: {team_id: t.team_id, start: t.start_date}\n    sort_by: [start, team_id]\n",
      true);
  EXPECT_EQ(Column(by_id, 0),
            (std::vector<std::string>{"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"}));
}

// A table sorted by one column is checked for order in a loop of its own
// (strings compared by their first 8 bytes as one number where both have
// them, else as bytes; numbers as they are): rows in the reverse order are
// sorted, whichever part of the keys decides.
TEST(DerivedTableTest, SortByOneColumnSortsRowsGivenInReverse) {
  const auto table = [](const std::vector<std::string>& keys) {
    std::string key;  // T1 -> keys[0], T2 -> keys[1], ...
    for (size_t t = 0; t + 1 < keys.size(); ++t) {
      key += "t.team_id == 'T" + std::to_string(t + 1) + "' ? " + keys[t] + " : ";
    }
    key += keys.back();
    return "derived:\n  - name: keys\n    from: teams\n    as: t\n    columns:\n"
           "      team_id: t.team_id\n      key: \"" + key + "\"\n    sort_by: [key]\n";
  };
  const std::vector<std::string> reversed = {"T8", "T7", "T6", "T5", "T4", "T3", "T2", "T1"};
  const std::vector<std::vector<std::string>> cases = {
      // The first 8 bytes decide.
      {"'hhhhhhhh1'", "'gggggggg'", "'ffffffff'", "'eeeeeeee'", "'dddddddd'", "'cccccccc'",
       "'bbbbbbbb'", "'aaaaaaaa'"},
      // They are equal, or a key is shorter.
      {"'samesame-4'", "'samesame-3'", "'samesame-2'", "'samesame-1'", "'c'", "'b'", "'ab'", "'a'"},
      // Ints and decimals.
      {"8", "7", "6", "5", "4", "3", "2", "-1"},
      {"decimal('8.5')", "decimal('7.5')", "decimal('6.5')", "decimal('5.5')", "decimal('4.5')",
       "decimal('3.5')", "decimal('2.5')", "decimal('-1.5')"},
  };
  for (const auto& keys : cases) {
    for (bool plan : {true, false}) {
      const DerivedTable t = Ends(table(keys), plan);
      EXPECT_EQ(Column(t, 0), reversed) << keys[0] << (plan ? ", plan" : "");
    }
  }
}

// The rows are sorted by merging the runs they come in where there are a
// few (src/core/sort_runs.h), else by a stable sort: the same order either
// way. Ids that outgrow their digits come in two runs in byte order (T1 ..
// T9, then T10 .. T40); dates that alternate come in a run per pair, ties
// kept in the order of the facts, with 20 teams (10 runs: merged) and 80
// (40 runs: sorted).
TEST(DerivedTableTest, SortByMergesRunsAndKeepsTiesInOrder) {
  const auto ids = [](size_t n) {
    std::vector<std::string> out;
    for (size_t t = 1; t <= n; ++t) out.push_back("T" + std::to_string(t));
    return out;
  };
  for (bool plan : {true, false}) {
    const DerivedTable t = Ends(
        "derived:\n  - name: ids\n    from: teams\n    as: t\n"
        "    columns: {team_id: t.team_id}\n    sort_by: [team_id]\n",
        plan, std::vector<std::string>(40, ""));
    std::vector<std::string> expected = ids(40);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(Column(t, 0), expected) << (plan ? "plan" : "row evaluator");
  }
  for (size_t teams : {20, 80}) {
    std::vector<std::string> ends;
    for (size_t t = 0; t < teams; ++t) ends.push_back(t % 2 == 0 ? "2024-02-01" : "2024-01-01");
    std::vector<size_t> order(teams);
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ends[a] < ends[b]; });
    std::vector<std::string> expected;
    for (size_t t : order) expected.push_back("T" + std::to_string(t + 1));
    for (bool plan : {true, false}) {
      const DerivedTable t = Ends(
          "derived:\n  - name: ends\n    from: teams\n    as: t\n"
          "    columns: {team_id: t.team_id, end: t.end_date}\n    sort_by: [end]\n",
          plan, ends);
      EXPECT_EQ(Column(t, 0), expected) << teams << " teams, " << (plan ? "plan" : "row evaluator");
    }
  }
}

}  // namespace
}  // namespace zhucun
