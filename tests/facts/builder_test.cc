// FactSetBuilder: programmatic input (AddRow with named cells) validates
// exactly as the CSV reader does — the same codes and messages, prefixed with
// "`table` row N: " and without a file position — and the built tables give
// keys (FindKey), references as row numbers and group-by.

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "facts_test_util.h"
#include "zhucun/column.h"
#include "zhucun/csv.h"
#include "zhucun/date.h"
#include "zhucun/diagnostic.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun {
namespace {

using testing::InlineSchema;
using testing::IsNull;
using testing::Qiannan;
using testing::Rejection;
using testing::Rejections;
using testing::Str;
using testing::TempDir;

// A column of every cell type (facts_test_util.h).
const Schema& CellSchema() {
  static const Schema* const schema =
      new Schema(InlineSchema("tables:\n" + testing::kEveryCellTypeTable));
  return *schema;
}

// Parents and kids, the kids' reference nullable; `tag` a plain id column.
const Schema& FamilySchema() {
  static const Schema* const schema = new Schema(InlineSchema(R"(
tables:
  - name: parents
    key: pid
    columns:
      - {name: pid, type: id}
  - name: kids
    key: kid
    columns:
      - {name: kid, type: id}
      - {name: parent, type: id, references: parents, nullable: true}
      - {name: tag, type: id, nullable: true}
)"));
  return *schema;
}

std::string Render(const Result<FactSet>& r) {
  SourceManager none;
  return r.diagnostics().Render(none);
}

// The base dataset of the CSV tests, as rows.
void AddBase(FactSetBuilder& b) {
  b.AddRow("counties", {{"county_id", "C01"}, {"name", "都匀市"}});
  b.AddRow("counties", {{"county_id", "C02"}, {"name", "福泉市"}});
  b.AddRow("villages", {{"village_id", "V01"}, {"county_id", "C01"},
                        {"township", "墨冲镇"}, {"name", "良寨村"},
                        {"category", "poor"}});
  b.AddRow("villages", {{"village_id", "V02"}, {"county_id", "C02"},
                        {"township", "牛场镇"}, {"name", "双谷村"},
                        {"category", "weak"}});
  b.AddRow("units", {{"unit_id", "U01"}, {"name", "都匀市科协"},
                     {"level", "county"}, {"sector", "science_tech"}});
  b.AddRow("units", {{"unit_id", "U02"}, {"name", "州农业农村局"},
                     {"level", "prefecture"}, {"sector", "agriculture"}});
  b.AddRow("teams", {{"team_id", "T01"}, {"village_id", "V01"},
                     {"unit_id", "U01"}, {"start_date", "2021-06-01"}});
  b.AddRow("teams", {{"team_id", "T02"}, {"village_id", "V02"},
                     {"unit_id", "U02"}, {"start_date", "2021-06-01"},
                     {"end_date", "2023-05-31"}});
  b.AddRow("members", {{"member_id", "M01"}, {"person_id", "P01"},
                       {"name", "赵磊"}, {"team_id", "T01"}, {"unit_id", "U01"},
                       {"role", "first_secretary"},
                       {"start_date", "2021-06-15"}});
  b.AddRow("members", {{"member_id", "M02"}, {"person_id", "P02"},
                       {"name", "何勇"}, {"team_id", "T02"}, {"unit_id", "U02"},
                       {"role", "resident_cadre"}, {"start_date", "2021-06-15"},
                       {"end_date", "2023-05-31"},
                       {"end_reason", "term_complete"}});
  b.AddRow("members", {{"member_id", "M03"}, {"person_id", "P01"},
                       {"name", "赵磊"}, {"team_id", "T02"}, {"unit_id", "U01"},
                       {"role", "other"}, {"start_date", "2023-06-01"},
                       {"end_date", std::nullopt}, {"end_reason", ""}});
}

// ---------------------------------------------------------------------------

TEST(BuilderTest, BuildsTablesFromRows) {
  FactSetBuilder b(Qiannan());
  EXPECT_EQ(b.schema().tables.size(), Qiannan().tables.size());
  AddBase(b);
  Result<FactSet> r = b.Finish();
  ASSERT_TRUE(r.ok()) << Render(r);
  EXPECT_EQ(Render(r), "");
  const FactSet& facts = r.value();
  ASSERT_NE(facts.table("members"), nullptr);
  EXPECT_EQ(facts.table("nope"), nullptr);
  const FactTable& m = *facts.table("members");
  ASSERT_EQ(m.num_rows(), 3u);
  EXPECT_EQ(Str(m, "name", 0), "赵磊");
  EXPECT_EQ(Str(m, "role", 1), "resident_cadre");
  EXPECT_EQ(m.column("start_date")->int32s()[0],
            Date::FromYmd(2021, 6, 15)->day_number());
  EXPECT_TRUE(IsNull(m, "end_date", 0));
  EXPECT_TRUE(IsNull(m, "end_reason", 2));  // "" is null
  EXPECT_TRUE(IsNull(m, "end_date", 2));    // nullopt is null
  EXPECT_EQ(Str(m, "end_reason", 1), "term_complete");
  // A row's line is its ordinal in the table.
  EXPECT_EQ(m.line(0), 1u);
  EXPECT_EQ(m.line(2), 3u);
  EXPECT_EQ(facts.table("teams")->line(1), 2u);
  // Tables never added to are empty.
  EXPECT_EQ(facts.table("visits")->num_rows(), 0u);
  for (const TableStats& s : facts.stats()) {
    EXPECT_EQ(s.read, s.accepted) << s.table;
    EXPECT_EQ(s.rejected, 0u) << s.table;
  }
  EXPECT_EQ(facts.stats()[4].table, "members");
  EXPECT_EQ(facts.stats()[4].read, 3u);
  EXPECT_TRUE(facts.rejected().empty());
}

TEST(BuilderTest, CellValuesAreTyped) {
  FactSetBuilder b(CellSchema());
  b.AddRow("t", {{"id", "r1"}, {"d", "2024-02-29"}, {"m", "2023-07"},
                 {"i", "-9223372036854775808"}, {"x", "-0.5"}, {"b", "是"},
                 {"c", "Blue"}, {"s", "  "}});
  b.AddRow("t", {{"id", "r2"}, {"x", "007.10"}, {"b", "否"}, {"i", "2023"}});
  Result<FactSet> r = b.Finish();
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& t = *r.value().table("t");
  EXPECT_EQ(t.column("d")->int32s()[0], 19782);
  EXPECT_EQ(t.column("m")->int32s()[0], 2023 * 12 + 6);
  EXPECT_EQ(t.column("i")->ints(), (std::vector<int64_t>{INT64_MIN, 2023}));
  EXPECT_EQ(t.column("x")->scale(), 2);
  EXPECT_EQ(t.column("x")->ints(), (std::vector<int64_t>{-50, 710}));
  EXPECT_EQ(t.column("b")->bools(), (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(Str(t, "c", 0), "Blue");
  EXPECT_EQ(Str(t, "s", 0), "  ");
  EXPECT_TRUE(IsNull(t, "d", 1));
  EXPECT_TRUE(IsNull(t, "s", 1));
}

// Bad cells given programmatically: the same code, message and help as the
// same cell read from a CSV file, prefixed with "`t` row 1: ", no position.
struct Cell {
  const char* column;
  const char* text;
};

const std::vector<Cell>& BadCells() {
  static const std::vector<Cell> cells = {
      {"d", "2023-02-30"}, {"d", "2023-02-29"}, {"d", "2023-2-01"},
      {"d", " 2023-01-01"}, {"d", "2023/02/01"}, {"m", "2023-13"},
      {"m", "2023-7"},     {"i", "+5"},         {"i", "1.0"},
      {"i", "9223372036854775808"},             {"x", "+1"},
      {"x", ".5"},         {"x", "5."},         {"x", "1e3"},
      {"x", "1,000"},      {"x", "1.234"},      {"x", "92233720368547758.08"},
      {"b", "True"},       {"b", "yes"},        {"c", "Red"},
      {"c", "purple"},     {"c", "blue"},
  };
  return cells;
}

std::string CsvQuote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

TEST(BuilderTest, BadCellsAreReportedExactlyAsFromCsv) {
  for (const Cell& cell : BadCells()) {
    FactSetBuilder b(CellSchema());
    b.AddRow("t", {{"id", "r1"}, {cell.column, cell.text}});
    Result<FactSet> built = b.Finish();
    EXPECT_FALSE(built.ok()) << cell.text;

    TempDir dir;
    dir.Write("t.csv", "id," + std::string(cell.column) + "\nr1," +
                           CsvQuote(cell.text) + "\n");
    SourceManager sources;
    Result<FactSet> read =
        ReadCsvFolder(CellSchema(), dir.path(), CsvOptions{}, sources);
    ASSERT_EQ(built.diagnostics().size(), 1u) << cell.text;
    ASSERT_EQ(read.diagnostics().size(), 1u) << cell.text;
    const Diagnostic& from_row = built.diagnostics().items()[0];
    const Diagnostic& from_csv = read.diagnostics().items()[0];
    EXPECT_EQ(from_row.severity, Severity::kError);
    EXPECT_EQ(from_row.code, from_csv.code) << cell.text;
    EXPECT_EQ(from_row.message, "`t` row 1: " + from_csv.message) << cell.text;
    EXPECT_EQ(from_row.help, from_csv.help) << cell.text;
    EXPECT_EQ(from_row.span.file, kNoFile) << cell.text;
    EXPECT_NE(from_csv.span.file, kNoFile) << cell.text;
  }
}

TEST(BuilderTest, BadCellsRenderedExactly) {
  FactSetBuilder b(CellSchema());
  b.AddRow("t", {{"id", "r1"}, {"d", "2023-02-30"}});
  b.AddRow("t", {{"id", "r2"}, {"c", "Red"}, {"x", "1.234"}});
  b.AddRow("t", {{"id", "r3"}, {"b", "True"}, {"i", "9223372036854775808"}});
  b.AddRow("t", {{"id", ""}, {"m", "2023-7"}});
  Result<FactSet> r = b.Finish();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(
      Render(r),
      "error[csv.bad_date]: `t` row 1: `d`: `2023-02-30` is not a real "
      "calendar date; expected a real calendar date YYYY-MM-DD\n"
      "error[csv.bad_code]: `t` row 2: `c`: `Red` is not a known code; "
      "expected one of red, green, Blue\n"
      " = help: did you mean `red`?\n"
      "error[csv.bad_decimal]: `t` row 2: `x`: `1.234` has more than 2 "
      "fractional digits; expected a decimal number with at most 2 fractional "
      "digits, such as 1100.50\n"
      "error[csv.bad_int]: `t` row 3: `i`: `9223372036854775808` is too large; "
      "expected an integer such as 2023 (digits, optional leading -)\n"
      "error[csv.bad_bool]: `t` row 3: `b`: `True` is not valid; expected "
      "true, false, 1, 0, 是 or 否\n"
      "error[csv.null]: `t` row 4: `id` is empty; expected a non-empty id\n"
      "error[csv.bad_month]: `t` row 4: `m`: `2023-7` is not valid; expected a "
      "month YYYY-MM\n");
}

TEST(BuilderTest, NullWhereNotAllowedAndNullIff) {
  FactSetBuilder b(Qiannan());
  AddBase(b);
  b.AddRow("counties", {{"county_id", "C03"}, {"name", ""}});
  b.AddRow("counties", {{"county_id", "C04"}, {"name", std::nullopt}});
  b.AddRow("counties", {{"county_id", "C05"}});
  b.AddRow("members", {{"member_id", "M04"}, {"person_id", "P04"},
                       {"name", "王芳"}, {"team_id", "T01"}, {"unit_id", "U01"},
                       {"role", "other"}, {"start_date", "2023-06-01"},
                       {"end_reason", "health"}});
  b.AddRow("members", {{"member_id", "M05"}, {"person_id", "P05"},
                       {"name", "李娟"}, {"team_id", "T01"}, {"unit_id", "U01"},
                       {"role", "other"}, {"start_date", "2023-06-01"},
                       {"end_date", "2023-07-01"}});
  Result<FactSet> r = b.Finish();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Render(r),
            "error[csv.null]: `counties` row 3: `name` is empty; expected text\n"
            "error[csv.null]: `counties` row 4: `name` is empty; expected text\n"
            "error[csv.null]: `counties` row 5: `name` is empty; expected text\n"
            "error[csv.null_iff]: `members` row 4: `end_reason` must be empty "
            "exactly when `end_date` is empty, but `end_reason` is `health` and "
            "`end_date` is empty\n"
            "error[csv.null_iff]: `members` row 5: `end_reason` must be empty "
            "exactly when `end_date` is empty, but `end_reason` is empty and "
            "`end_date` is `2023-07-01`\n");
}

TEST(BuilderTest, UnknownTableAndColumnWithDidYouMean) {
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    FactSetBuilder b(Qiannan());
    AddBase(b);
    b.AddRow("countys", {{"county_id", "C09"}, {"name", "x"}});
    b.AddRow("people", {{"id", "x"}});
    b.AddRow("counties", {{"county_id", "C03"}, {"nmae", "荔波县"},
                          {"name", "荔波县"}});
    b.AddRow("counties", {{"county_id", "C04"}, {"name", "x"}, {"zzz", "1"}});
    Result<FactSet> r = b.Finish(s);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(Render(r),
              "error[facts.unknown_table]: unknown table `countys`\n"
              " = help: did you mean `counties`?\n"
              "error[facts.unknown_table]: unknown table `people`\n"
              "error[facts.unknown_column]: `counties` has no column `nmae`\n"
              " = help: did you mean `name`?\n"
              "error[facts.unknown_column]: `counties` has no column `zzz`\n");
  }
}

TEST(BuilderTest, DuplicateKeyIsPrefixedLikeEveryRowMessage) {
  FactSetBuilder b(Qiannan());
  b.AddRow("counties", {{"county_id", "C01"}, {"name", "都匀市"}});
  b.AddRow("counties", {{"county_id", "C01"}, {"name", "福泉市"}});
  Result<FactSet> r = b.Finish();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Render(r),
            "error[csv.duplicate_key]: `counties` row 2: duplicate `county_id` "
            "`C01` (first on line 1)\n");
}

TEST(BuilderTest, DuplicateUniqueKeyIsPrefixedLikeEveryRowMessage) {
  FactSetBuilder b(Qiannan());
  AddBase(b);
  b.AddRow("assessments", {{"member_id", "M01"}, {"year", "2022"},
                           {"daily_score", "90"}, {"half_year_score", "90"},
                           {"year_end_score", "90"}});
  b.AddRow("assessments", {{"member_id", "M01"}, {"year", "2022"},
                           {"daily_score", "80"}, {"half_year_score", "80"},
                           {"year_end_score", "80"}});
  Result<FactSet> r = b.Finish();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Render(r),
            "error[csv.duplicate_unique]: `assessments` row 2: duplicate "
            "(`member_id`, `year`) = (`M01`, `2022`) (first on line 1)\n");
}

TEST(BuilderTest, DuplicatesInLenientModeKeepTheFirst) {
  FactSetBuilder b(Qiannan());
  b.AddRow("counties", {{"county_id", "C01"}, {"name", "都匀市"}});
  b.AddRow("counties", {{"county_id", "C02"}, {"name", "福泉市"}});
  b.AddRow("counties", {{"county_id", "C01"}, {"name", "荔波县"}});
  Result<FactSet> r = b.Finish(Strictness::kLenient);
  ASSERT_TRUE(r.ok());
  const FactTable& c = *r.value().table("counties");
  ASSERT_EQ(c.num_rows(), 2u);
  EXPECT_EQ(c.FindKey("C01"), std::optional<uint32_t>(0));
  EXPECT_EQ(Str(c, "name", 0), "都匀市");
  ASSERT_EQ(r.value().rejected().size(), 1u);
  EXPECT_EQ(r.value().rejected()[0].table, "counties");
  EXPECT_EQ(r.value().rejected()[0].line, 3u);
}

TEST(BuilderTest, DanglingReference) {
  FactSetBuilder b(Qiannan());
  AddBase(b);
  b.AddRow("villages", {{"village_id", "V03"}, {"county_id", "C09"},
                        {"township", "x"}, {"name", "y"},
                        {"category", "ordinary"}});
  Result<FactSet> r = b.Finish();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Render(r),
            "error[csv.dangling_reference]: `villages` row 3: `county_id`: no "
            "`counties` row has `county_id` `C09`\n");
}

TEST(BuilderTest, CascadeOfTwoLevelsStrictAndLenient) {
  auto build = [](FactSetBuilder& b) {
    AddBase(b);
    // T02's village is unknown: T02 is bad, so are M02 and M03 (its
    // members), and so are their assessments and payments.
    b.AddRow("teams", {{"team_id", "T03"}, {"village_id", "V09"},
                       {"unit_id", "U01"}, {"start_date", "2022-01-01"}});
    b.AddRow("members", {{"member_id", "M04"}, {"person_id", "P04"},
                         {"name", "王芳"}, {"team_id", "T03"},
                         {"unit_id", "U01"}, {"role", "other"},
                         {"start_date", "2022-01-01"}});
    b.AddRow("assessments", {{"member_id", "M01"}, {"year", "2022"},
                             {"daily_score", "90"}, {"half_year_score", "90"},
                             {"year_end_score", "90"}});
    b.AddRow("assessments", {{"member_id", "M04"}, {"year", "2022"},
                             {"daily_score", "80"}, {"half_year_score", "80"},
                             {"year_end_score", "80"}});
    b.AddRow("payments", {{"member_id", "M04"}, {"month", "2022-03"},
                          {"living_allowance", "1300.00"},
                          {"transport_reimbursements", "1"}});
  };
  // Listed: the cause, then one line for the rows it takes with it (the
  // member, and through it its assessment and payment), then the total.
  const std::string listed =
      "SEV[csv.dangling_reference]: `teams` row 3: `village_id`: no "
      "`villages` row has `village_id` `V09`\n"
      "SEV[csv.bad_reference]: 3 rows refer, directly or through others, to the rejected "
      "`teams` row on line 3 and are rejected too: 1 of `members`, 1 of `assessments`, 1 of "
      "`payments`\n"
      " = help: fix that row, and these are read again\n"
      "note[facts.rejected]: 4 rows rejected in all: 1 with a problem of its own, 3 that "
      "refer to it\n";
  // Every one of them (`all`): each row with the row it refers to.
  const std::string every =
      "SEV[csv.dangling_reference]: `teams` row 3: `village_id`: no "
      "`villages` row has `village_id` `V09`\n"
      "SEV[csv.bad_reference]: `members` row 4: `team_id` `T03` refers to the "
      "`teams` row on line 3, which is invalid\n"
      "SEV[csv.bad_reference]: `assessments` row 2: `member_id` `M04` refers "
      "to the `members` row on line 4, which is invalid\n"
      "SEV[csv.bad_reference]: `payments` row 1: `member_id` `M04` refers to "
      "the `members` row on line 4, which is invalid\n";
  auto with = [&](std::string s, const std::string& sev) {
    for (size_t p; (p = s.find("SEV")) != std::string::npos;) {
      s.replace(p, 3, sev);
    }
    return s;
  };
  {
    FactSetBuilder b(Qiannan());
    build(b);
    Diagnostics all;
    Result<FactSet> r = b.Finish(Strictness::kStrict, 100, &all);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(Render(r), with(listed, "error"));
    EXPECT_EQ(all.Render(SourceManager{}), with(every, "error"));
  }
  FactSetBuilder b(Qiannan());
  build(b);
  Diagnostics all;
  Result<FactSet> r = b.Finish(Strictness::kLenient, 100, &all);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Render(r), with(listed, "warning"));
  EXPECT_EQ(all.Render(SourceManager{}), with(every, "warning"));
  EXPECT_EQ(Rejections(r.value()),
            (std::vector<Rejection>{
                {"teams", 3,
                 "`teams` row 3: `village_id`: no `villages` row has "
                 "`village_id` `V09`"},
                {"members", 4,
                 "`members` row 4: `team_id` `T03` refers to the `teams` row on "
                 "line 3, which is invalid"},
                {"assessments", 2,
                 "`assessments` row 2: `member_id` `M04` refers to the "
                 "`members` row on line 4, which is invalid"},
                {"payments", 1,
                 "`payments` row 1: `member_id` `M04` refers to the `members` "
                 "row on line 4, which is invalid"}}));
  const FactSet& facts = r.value();
  for (const TableStats& s : facts.stats()) {
    EXPECT_EQ(s.read, s.accepted + s.rejected) << s.table;
    EXPECT_EQ(facts.table(s.table)->num_rows(), s.accepted) << s.table;
  }
  EXPECT_EQ(facts.stats()[3].table, "teams");
  EXPECT_EQ(facts.stats()[3].read, 3u);
  EXPECT_EQ(facts.stats()[3].rejected, 1u);
  EXPECT_EQ(facts.table("payments")->num_rows(), 0u);
  EXPECT_EQ(facts.table("assessments")->num_rows(), 1u);
  // Lines keep the original ordinals.
  EXPECT_EQ(facts.table("members")->line(2), 3u);
}

TEST(BuilderTest, MaxListed) {
  FactSetBuilder b(CellSchema());
  for (int k = 0; k < 10; ++k) {
    b.AddRow("t", {{"id", "r" + std::to_string(k)}, {"d", "bad"}});
  }
  Result<FactSet> r = b.Finish(Strictness::kStrict, 3);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics().size(), 5u);
  EXPECT_EQ(r.diagnostics().items()[2].message,
            "`t` row 3: `d`: `bad` is not valid; expected a real calendar date "
            "YYYY-MM-DD");
  EXPECT_EQ(RenderDiagnostic(r.diagnostics().items()[3], SourceManager()),
            "note[facts.unlisted]: 7 more problems not listed");
  // (Not every rejected row is listed: the total.)
  EXPECT_EQ(RenderDiagnostic(r.diagnostics().items()[4], SourceManager()),
            "note[facts.rejected]: 10 rows rejected");
}

TEST(BuilderTest, FileErrorFailsBothModes) {
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    FactSetBuilder b(Qiannan());
    AddBase(b);
    // counties' file is malformed: references into it are not checked.
    b.AddFileError(0, Diagnostic{Severity::kError, "csv.malformed",
                                 "`counties.csv`: broken", SourceSpan{}, ""});
    b.AddRow("villages", {{"village_id", "V03"}, {"county_id", "C09"},
                          {"township", "x"}, {"name", "y"},
                          {"category", "ordinary"}});
    Result<FactSet> r = b.Finish(s);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(Render(r), "error[csv.malformed]: `counties.csv`: broken\n");
  }
}

TEST(BuilderTest, BuilderMoves) {
  FactSetBuilder a(Qiannan());
  a.AddRow("counties", {{"county_id", "C01"}, {"name", "都匀市"}});
  FactSetBuilder b(std::move(a));
  b.AddRow("counties", {{"county_id", "C02"}, {"name", "福泉市"}});
  FactSetBuilder c(CellSchema());
  c = std::move(b);
  Result<FactSet> r = c.Finish();
  ASSERT_TRUE(r.ok()) << Render(r);
  EXPECT_EQ(r.value().table("counties")->num_rows(), 2u);
}

TEST(BuilderTest, FactSetOutlivesTheBuilder) {
  std::optional<Result<FactSet>> r;
  {
    FactSetBuilder b(Qiannan());
    AddBase(b);
    r.emplace(b.Finish());
  }
  ASSERT_TRUE(r->ok());
  const FactSet facts = std::move(*r).value();
  EXPECT_EQ(facts.schema().tables.size(), Qiannan().tables.size());
  EXPECT_EQ(facts.table("members")->FindKey("M03"), std::optional<uint32_t>(2));
  EXPECT_EQ(facts.table("members")->schema().name, "members");
  EXPECT_EQ(Str(*facts.table("counties"), "name", 1), "福泉市");
}

// ---------------------------------------------------------------------------
// FindKey, references and GroupBy.

TEST(FactTableTest, FindKey) {
  FactSetBuilder b(Qiannan());
  AddBase(b);
  b.AddRow("assessments", {{"member_id", "M01"}, {"year", "2022"},
                           {"daily_score", "90"}, {"half_year_score", "90"},
                           {"year_end_score", "90"}});
  Result<FactSet> r = b.Finish();
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& m = *r.value().table("members");
  EXPECT_EQ(m.FindKey("M01"), std::optional<uint32_t>(0));
  EXPECT_EQ(m.FindKey("M03"), std::optional<uint32_t>(2));
  EXPECT_EQ(m.FindKey("m01"), std::nullopt);
  EXPECT_EQ(m.FindKey(""), std::nullopt);
  EXPECT_EQ(m.FindKey("P01"), std::nullopt);  // not the key column
  // A table without a key finds nothing.
  EXPECT_EQ(r.value().table("assessments")->FindKey("M01"), std::nullopt);
}

// The key index is built by the first FindKey, whichever thread that is
// (run under ThreadSanitizer by scripts/test.sh).
TEST(KeyIndexThreadsTest, FindKeyFromSeveralThreadsAtOnce) {
  FactSetBuilder b(FamilySchema());
  constexpr int kRows = 3000;
  for (int i = 0; i < kRows; ++i) b.AddRow("parents", {{"pid", "P" + std::to_string(i)}});
  Result<FactSet> r = b.Finish();
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& parents = *r.value().table("parents");
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < wrong.size(); ++k) {
    threads.emplace_back([&, k] {
      for (int i = 0; i < kRows; ++i) {
        const int at = (i + static_cast<int>(k) * 977) % kRows;  // each its own order
        if (parents.FindKey("P" + std::to_string(at)) != std::optional<uint32_t>(at)) ++wrong[k];
      }
      if (parents.FindKey("P" + std::to_string(kRows)).has_value()) ++wrong[k];
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST(FactTableTest, ReferencesAreRowNumbersInTheReferencedTable) {
  FactSetBuilder b(Qiannan());
  AddBase(b);
  Result<FactSet> r = b.Finish();
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& m = *r.value().table("members");
  ASSERT_NE(m.references("team_id"), nullptr);
  EXPECT_EQ(*m.references("team_id"), (std::vector<int32_t>{0, 1, 1}));
  EXPECT_EQ(*m.references("unit_id"), (std::vector<int32_t>{0, 1, 0}));
  EXPECT_EQ(m.references("member_id"), nullptr);
  EXPECT_EQ(m.references("name"), nullptr);
  const FactTable& teams = *r.value().table("teams");
  EXPECT_EQ(*teams.references("village_id"), (std::vector<int32_t>{0, 1}));
  // The referenced row is the one with that key.
  const int32_t t = (*m.references("team_id"))[2];
  EXPECT_EQ(Str(teams, "team_id", static_cast<size_t>(t)), "T02");
}

// Parents A and B; kids k1 (of B, tag x), k2 (no parent, tag y), k3 (of B,
// no tag) and k4 (of A, tag x).
Result<FactSet> ParentsAndKids() {
  FactSetBuilder b(FamilySchema());
  b.AddRow("parents", {{"pid", "A"}});
  b.AddRow("parents", {{"pid", "B"}});
  b.AddRow("kids", {{"kid", "k1"}, {"parent", "B"}, {"tag", "x"}});
  b.AddRow("kids", {{"kid", "k2"}, {"tag", "y"}});
  b.AddRow("kids", {{"kid", "k3"}, {"parent", "B"}});
  b.AddRow("kids", {{"kid", "k4"}, {"parent", "A"}, {"tag", "x"}});
  return b.Finish();
}

// The rows of an index's groups one after another (GroupIndex::row).
std::vector<uint32_t> RowsOf(const GroupIndex& g) {
  std::vector<uint32_t> rows;
  for (size_t k = 0; !g.offsets.empty() && k < g.offsets.back(); ++k) rows.push_back(g.row(k));
  return rows;
}

TEST(FactTableTest, NullReferencesAreMinusOne) {
  Result<FactSet> r = ParentsAndKids();
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& kids = *r.value().table("kids");
  EXPECT_EQ(*kids.references("parent"), (std::vector<int32_t>{1, -1, 1, 0}));
  const GroupIndex by_parent = kids.GroupBy("parent");
  ASSERT_EQ(by_parent.size(), 2u);
  EXPECT_EQ(by_parent.offsets, (std::vector<uint32_t>{0, 1, 3}));
  EXPECT_EQ(by_parent.listed, (std::vector<uint32_t>{3, 0, 2}));
  EXPECT_EQ(RowsOf(by_parent), (std::vector<uint32_t>{3, 0, 2}));
  // A plain id column: one group per distinct value, in dictionary (first
  // seen) order; nulls are in no group.
  const GroupIndex by_tag = kids.GroupBy("tag");
  ASSERT_EQ(by_tag.size(), 2u);
  EXPECT_EQ(by_tag.offsets, (std::vector<uint32_t>{0, 2, 3}));
  EXPECT_EQ(RowsOf(by_tag), (std::vector<uint32_t>{0, 3, 1}));
  // The key itself: one row per group, the rows in order, so none listed.
  const GroupIndex by_kid = kids.GroupBy("kid");
  EXPECT_EQ(by_kid.size(), 4u);
  EXPECT_TRUE(by_kid.listed.empty());
  EXPECT_EQ(RowsOf(by_kid), (std::vector<uint32_t>{0, 1, 2, 3}));
  // No such column: no groups.
  EXPECT_EQ(kids.GroupBy("nope").size(), 0u);
}

// Groups is GroupBy built once per table and column and kept: every call,
// from any thread, reads the same index (a check's reverse relations are
// built once per fact set).
TEST(FactTableTest, GroupsAreGroupByBuiltOnceAndKept) {
  Result<FactSet> r = ParentsAndKids();
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& kids = *r.value().table("kids");
  // Four threads ask first at once: one index, built once.
  std::vector<const GroupIndex*> seen(4, nullptr);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] { seen[t] = &kids.Groups("parent"); });
  }
  for (std::thread& t : threads) t.join();
  for (const GroupIndex* g : seen) EXPECT_EQ(g, seen[0]);
  EXPECT_EQ(&kids.Groups("parent"), seen[0]);
  for (const char* column : {"parent", "tag", "kid"}) {
    const GroupIndex& kept = kids.Groups(column);
    const GroupIndex made = kids.GroupBy(column);
    EXPECT_EQ(kept.offsets, made.offsets) << column;
    EXPECT_EQ(kept.listed, made.listed) << column;
  }
  EXPECT_NE(&kids.Groups("tag"), &kids.Groups("parent"));
  EXPECT_EQ(kids.Groups("nope").size(), 0u);
}

TEST(FactTableTest, AReferenceIsCodedInTheDictionaryOfTheKeyItRefersTo) {
  // Lenient: the row with a dangling reference (k5) is left out.
  FactSetBuilder b(FamilySchema());
  b.AddRow("parents", {{"pid", "A"}});
  b.AddRow("parents", {{"pid", "B"}});
  b.AddRow("kids", {{"kid", "k1"}, {"parent", "B"}});
  b.AddRow("kids", {{"kid", "k2"}});
  b.AddRow("kids", {{"kid", "k5"}, {"parent", "Z"}});
  b.AddRow("kids", {{"kid", "k4"}, {"parent", "A"}});
  Result<FactSet> r = b.Finish(Strictness::kLenient);
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& parents = *r.value().table("parents");
  const FactTable& kids = *r.value().table("kids");
  const Column& parent = *kids.column("parent");
  const Column& pid = *parents.column("pid");
  // One dictionary, the key's: equal ids, equal codes.
  EXPECT_EQ(&parent.dictionary(), &pid.dictionary());
  ASSERT_EQ(kids.num_rows(), 3u);
  EXPECT_EQ(parent.int32s()[0], pid.int32s()[1]);
  EXPECT_EQ(parent.int32s()[2], pid.int32s()[0]);
  EXPECT_EQ(parent.Get(0), Value::String("B"));
  EXPECT_TRUE(parent.Get(1).is_null());
  EXPECT_EQ(parent.Get(2), Value::String("A"));
  EXPECT_EQ(*kids.references("parent"), (std::vector<int32_t>{1, -1, 0}));
}

TEST(FactTableTest, GroupByReferenceHasAGroupPerReferencedRow) {
  // Group g is row g of the referenced table, also for the rows that no
  // row refers to (here T02 and T03, the last ones).
  FactSetBuilder b(Qiannan());
  AddBase(b);
  b.AddRow("teams", {{"team_id", "T03"}, {"village_id", "V01"},
                     {"unit_id", "U01"}, {"start_date", "2022-01-01"}});
  Result<FactSet> r = b.Finish();
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactSet& facts = r.value();
  const FactTable& teams = *facts.table("teams");
  // Villages per county: every county has one.
  const GroupIndex villages = facts.table("villages")->GroupBy("county_id");
  EXPECT_EQ(villages.size(), 2u);
  // Members per team: T03 has none.
  const GroupIndex by_team = facts.table("members")->GroupBy("team_id");
  EXPECT_EQ(by_team.size(), teams.num_rows());
  EXPECT_EQ(by_team.offsets, (std::vector<uint32_t>{0, 1, 3, 3}));
  // Teams per village: V01 has T01 and T03, V02 has T02.
  const GroupIndex by_village = teams.GroupBy("village_id");
  EXPECT_EQ(by_village.offsets, (std::vector<uint32_t>{0, 2, 3}));
  EXPECT_EQ(RowsOf(by_village), (std::vector<uint32_t>{0, 2, 1}));
  // Payments per member when there are none: one empty group per member.
  const GroupIndex payments = facts.table("payments")->GroupBy("member_id");
  EXPECT_EQ(payments.size(), facts.table("members")->num_rows());
  EXPECT_EQ(payments.offsets, (std::vector<uint32_t>{0, 0, 0, 0}));
  EXPECT_TRUE(payments.listed.empty());
}

TEST(FactTableTest, GroupByPlainIdHasNoGroupsForRejectedValues) {
  // One group per distinct value of the table's rows: a value seen only in
  // a rejected row makes no (empty) group.
  FactSetBuilder b(Qiannan());
  AddBase(b);
  b.AddRow("members", {{"member_id", "M04"}, {"person_id", "P09"},
                       {"name", "王芳"}, {"team_id", "T01"}, {"unit_id", "U01"},
                       {"role", "Other"}, {"start_date", "2023-06-01"}});
  b.AddRow("members", {{"member_id", "M05"}, {"person_id", "P02"},
                       {"name", "何勇"}, {"team_id", "T01"}, {"unit_id", "U01"},
                       {"role", "other"}, {"start_date", "2023-06-01"}});
  Result<FactSet> r = b.Finish(Strictness::kLenient);
  ASSERT_TRUE(r.ok());
  const FactTable& m = *r.value().table("members");
  ASSERT_EQ(m.num_rows(), 4u);
  const GroupIndex by_person = m.GroupBy("person_id");
  EXPECT_EQ(by_person.size(), 2u);  // P01 and P02
  std::vector<std::vector<uint32_t>> groups;
  for (size_t g = 0; g < by_person.size(); ++g) {
    groups.emplace_back();
    for (uint32_t k = by_person.offsets[g]; k < by_person.offsets[g + 1]; ++k) {
      groups.back().push_back(by_person.row(k));
    }
  }
  EXPECT_EQ(groups, (std::vector<std::vector<uint32_t>>{{0, 2}, {1, 3}}));
}

TEST(FactTableTest, ColumnsByIndexAndName) {
  FactSetBuilder b(Qiannan());
  AddBase(b);
  Result<FactSet> r = b.Finish();
  ASSERT_TRUE(r.ok());
  const FactTable& teams = *r.value().table("teams");
  EXPECT_EQ(teams.name(), "teams");
  EXPECT_EQ(&teams.column(3), teams.column("start_date"));
  EXPECT_EQ(teams.column("nope"), nullptr);
  EXPECT_EQ(teams.column(3).type(), ColumnType::kDate);
  EXPECT_EQ(teams.column(3).size(), 2u);
  EXPECT_EQ(teams.column("end_date")->Get(1).date_value().ToString(),
            "2023-05-31");
  EXPECT_TRUE(teams.column("end_date")->Get(0).is_null());
}

}  // namespace
}  // namespace zhucun
