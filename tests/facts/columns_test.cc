// FactSetBuilder::AddColumns: whole columns of a data frame (the Python
// bindings' pandas path). Every cell is validated exactly as a CSV cell
// (DATA.md, "Cell types": the exact forms of int, decimal, date, month,
// bool and code cells; "An empty cell is null. Only columns marked "null
// ok" may be null"), every problem has the CSV reader's code and message
// prefixed with "`t` line N: " (DATA.md, "Bad input": "an error naming
// file, line, column, the value and what was expected"), and the tables
// built are the same as from the same CSV files. Also the structured
// DataCell of every data diagnostic, from CSV and programmatic rows alike.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
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
using Form = ColumnInput::Form;

// Every cell type (facts_test_util.h), and a table that refers to it with a
// unique column set and a null_iff pair.
const Schema& TestSchema() {
  static const Schema* const schema =
      new Schema(InlineSchema("tables:\n" + testing::kEveryCellTypeTable + R"(  - name: r
    key: rid
    unique: [[who, year]]
    columns:
      - {name: rid, type: id}
      - {name: who, type: id, references: t}
      - {name: year, type: int}
      - {name: end, type: date, nullable: true}
      - {name: why, type: code, codes: [done, moved], nullable: true, null_iff: end}
)"));
  return *schema;
}

// Columns for AddColumns, owning their arrays (ColumnInput only points).
class Frame {
 public:
  Frame& Text(std::string name, std::vector<std::string_view> v,
              std::vector<uint8_t> valid = {}) {
    ColumnInput in = Input(std::move(name), Form::kText, std::move(valid));
    in.texts = texts_.emplace_back(std::move(v)).data();
    inputs_.push_back(std::move(in));
    return *this;
  }
  Frame& Ints(std::string name, Form form, std::vector<int64_t> v,
              std::vector<uint8_t> valid = {}, int scale = 0) {
    ColumnInput in = Input(std::move(name), form, std::move(valid));
    in.ints = ints_.emplace_back(std::move(v)).data();
    in.scale = scale;
    inputs_.push_back(std::move(in));
    return *this;
  }
  Frame& Doubles(std::string name, std::vector<double> v, std::vector<uint8_t> valid = {}) {
    ColumnInput in = Input(std::move(name), Form::kDouble, std::move(valid));
    in.doubles = doubles_.emplace_back(std::move(v)).data();
    inputs_.push_back(std::move(in));
    return *this;
  }
  // A column as given, pointers and all.
  Frame& Raw(ColumnInput in) {
    inputs_.push_back(std::move(in));
    return *this;
  }
  const std::vector<ColumnInput>& inputs() const { return inputs_; }

 private:
  ColumnInput Input(std::string name, Form form, std::vector<uint8_t> valid) {
    ColumnInput in;
    in.name = std::move(name);
    in.form = form;
    if (!valid.empty()) in.valid = valid_.emplace_back(std::move(valid)).data();
    return in;
  }
  std::deque<std::vector<std::string_view>> texts_;
  std::deque<std::vector<int64_t>> ints_;
  std::deque<std::vector<double>> doubles_;
  std::deque<std::vector<uint8_t>> valid_;
  std::vector<ColumnInput> inputs_;
};

std::string Render(const Result<FactSet>& r) {
  SourceManager none;
  return r.diagnostics().Render(none);
}

int32_t Day(int y, int m, int d) { return Date::FromYmd(y, m, d)->day_number(); }

// Builds table `t` of TestSchema from one frame of `rows` rows.
Result<FactSet> BuildT(const Frame& f, size_t rows, uint32_t first_line = 1,
                       Strictness strictness = Strictness::kStrict) {
  FactSetBuilder b(TestSchema());
  b.AddColumns("t", rows, f.inputs(), first_line);
  return b.Finish(strictness);
}

// The single diagnostic of a build of table `t` with an id column and one
// more column, as rendered.
std::string OneProblem(Frame f) {
  f.Text("id", {"r1"});
  Result<FactSet> r = BuildT(f, 1);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics().size(), 1u) << Render(r);
  return Render(r);
}

// ---------------------------------------------------------------------------
// Every form into every column type it fits (DATA.md, "Cell types").

TEST(ColumnsTest, TypedFormsAreStoredDirectly) {
  Frame f;
  f.Text("id", {"r1", "r2", "r3"})
      .Text("s", {"都匀市", "  ", ""})
      .Text("c", {"Blue", "red", ""})
      .Ints("d", Form::kDays, {Day(2024, 2, 29), 0, -719162}, {1, 1, 0})
      // pandas Period[M] ordinals: months since 1970-01.
      .Ints("m", Form::kMonths, {(2023 - 1970) * 12 + 6, 0, -1})
      .Ints("i", Form::kInt, {INT64_MIN, 2023, INT64_MAX})
      // 1.5, -0.05 and 123 at scale 3 (trailing zeros are no precision).
      .Ints("x", Form::kScaled, {1500, -50, 123000}, {}, 3)
      .Ints("b", Form::kBool, {1, 0, 7}, {1, 1, 1});
  Result<FactSet> r = BuildT(f, 3);
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& t = *r.value().table("t");
  ASSERT_EQ(t.num_rows(), 3u);
  EXPECT_EQ(Str(t, "id", 1), "r2");
  EXPECT_EQ(Str(t, "s", 0), "都匀市");
  EXPECT_EQ(Str(t, "s", 1), "  ");  // DATA.md: cells are not trimmed
  EXPECT_TRUE(IsNull(t, "s", 2));   // "" is null
  EXPECT_EQ(t.column("c")->int32s()[0], 2);  // Blue, by index among the codes
  EXPECT_TRUE(IsNull(t, "c", 2));
  EXPECT_EQ(t.column("d")->int32s()[0], Day(2024, 2, 29));
  EXPECT_EQ(t.column("d")->int32s()[1], Day(1970, 1, 1));
  EXPECT_TRUE(IsNull(t, "d", 2));
  EXPECT_EQ(t.column("m")->int32s(),
            (std::vector<int32_t>{2023 * 12 + 6, 1970 * 12, 1969 * 12 + 11}));
  EXPECT_EQ(t.column("m")->Get(0).period_value().label(), "2023-07");
  EXPECT_EQ(t.column("i")->ints(), (std::vector<int64_t>{INT64_MIN, 2023, INT64_MAX}));
  EXPECT_EQ(t.column("x")->scale(), 2);
  EXPECT_EQ(t.column("x")->ints(), (std::vector<int64_t>{150, -5, 12300}));
  EXPECT_EQ(t.column("b")->bools(), (std::vector<uint8_t>{1, 0, 1}));
  // Rows are on lines first_line + i (1 by default).
  EXPECT_EQ(t.line(0), 1u);
  EXPECT_EQ(t.line(2), 3u);
}

TEST(ColumnsTest, IntsAndDoublesIntoIntAndDecimalColumns) {
  Frame f;
  f.Text("id", {"r1", "r2", "r3", "r4"})
      .Doubles("i", {1100.0, -0.0, 42, NAN})  // NaN is null
      .Ints("x", Form::kInt, {5, -3, 0, 92233720368547758}, {1, 1, 0, 1});
  // 92233720368547758 is 92233720368547758.00: a coefficient of 9223372036854775800.
  Result<FactSet> r = BuildT(f, 4);
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& t = *r.value().table("t");
  EXPECT_EQ(t.column("i")->ints()[0], 1100);
  EXPECT_EQ(t.column("i")->ints()[1], 0);
  EXPECT_EQ(t.column("i")->ints()[2], 42);
  EXPECT_TRUE(IsNull(t, "i", 3));
  EXPECT_EQ(t.column("x")->ints()[0], 500);
  EXPECT_EQ(t.column("x")->ints()[1], -300);
  EXPECT_TRUE(IsNull(t, "x", 2));
  EXPECT_EQ(t.column("x")->ints()[3], 9223372036854775800);

  // Doubles into a decimal column: exactly their shortest text.
  Frame g;
  g.Text("id", {"r1", "r2", "r3", "r4", "r5"})
      .Doubles("x", {0.1, 1100.0, 1100.5, -0.07, NAN}, {1, 1, 1, 1, 1});
  Result<FactSet> r2 = BuildT(g, 5);
  ASSERT_TRUE(r2.ok()) << Render(r2);
  const FactTable& t2 = *r2.value().table("t");
  EXPECT_EQ(t2.column("x")->ints(), (std::vector<int64_t>{10, 110000, 110050, -7, 0}));
  EXPECT_TRUE(IsNull(t2, "x", 4));
}

TEST(ColumnsTest, TextsAreReadAsCsvCells) {
  // DATA.md's exact forms, given as text.
  Frame f;
  f.Text("id", {"r1", "r2"})
      .Text("d", {"2024-02-29", ""})
      .Text("m", {"2023-07", "0001-01"})
      .Text("i", {"-9223372036854775808", "2023"})
      .Text("x", {"-0.5", "007.10"})
      .Text("b", {"是", "0"});
  Result<FactSet> r = BuildT(f, 2);
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& t = *r.value().table("t");
  EXPECT_EQ(t.column("d")->int32s()[0], 19782);
  EXPECT_TRUE(IsNull(t, "d", 1));
  EXPECT_EQ(t.column("m")->int32s(), (std::vector<int32_t>{2023 * 12 + 6, 12}));
  EXPECT_EQ(t.column("i")->ints(), (std::vector<int64_t>{INT64_MIN, 2023}));
  EXPECT_EQ(t.column("x")->ints(), (std::vector<int64_t>{-50, 710}));
  EXPECT_EQ(t.column("b")->bools(), (std::vector<uint8_t>{1, 0}));
}

TEST(ColumnsTest, NullByValidity) {
  // valid[i] == 0 is null whatever the value; columns left out are null.
  Frame f;
  f.Text("id", {"r1", "r2"})
      .Text("s", {"a", "b"}, {0, 1})
      .Ints("d", Form::kDays, {-999999999, 5}, {0, 1})  // not checked when null
      .Doubles("x", {INFINITY, 1.5}, {0, 1});
  Result<FactSet> r = BuildT(f, 2);
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& t = *r.value().table("t");
  EXPECT_TRUE(IsNull(t, "s", 0));
  EXPECT_EQ(Str(t, "s", 1), "b");
  EXPECT_TRUE(IsNull(t, "d", 0));
  EXPECT_TRUE(IsNull(t, "x", 0));
  EXPECT_EQ(t.column("x")->ints()[1], 150);
  EXPECT_TRUE(IsNull(t, "b", 1));
  EXPECT_TRUE(IsNull(t, "m", 0));
}

TEST(ColumnsTest, DayAndMonthRangesAreYears1To9999) {
  // DATA.md: a date is a real calendar date (years 1 to 9999, zhucun/date.h).
  EXPECT_EQ(Day(1, 1, 1), -719162);
  EXPECT_EQ(Day(9999, 12, 31), 2932896);
  Frame f;
  f.Text("id", {"r1", "r2"})
      .Ints("d", Form::kDays, {-719162, 2932896})
      .Ints("m", Form::kMonths, {(1 - 1970) * 12, (9999 - 1970) * 12 + 11});
  Result<FactSet> r = BuildT(f, 2);
  ASSERT_TRUE(r.ok()) << Render(r);
  const FactTable& t = *r.value().table("t");
  EXPECT_EQ(t.column("d")->Get(0).date_value().ToString(), "0001-01-01");
  EXPECT_EQ(t.column("d")->Get(1).date_value().ToString(), "9999-12-31");
  EXPECT_EQ(t.column("m")->Get(0).period_value().label(), "0001-01");
  EXPECT_EQ(t.column("m")->Get(1).period_value().label(), "9999-12");
}

// ---------------------------------------------------------------------------
// Every problem with a cell: the CSV reader's code and message (as
// csv_reader_test.cc and builder_test.cc check them), "`t` line N: " before.

TEST(ColumnsTest, NullInARequiredColumn) {
  // DATA.md: "Only columns marked "null ok" may be null"; "" and an invalid
  // cell are both null.
  Frame f;
  f.Text("id", {"r1", "", "r3"}, {1, 1, 0});
  Result<FactSet> r = BuildT(f, 3, 5);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Render(r),
            "error[csv.null]: `t` line 6: `id` is empty; expected a non-empty id\n"
            "error[csv.null]: `t` line 7: `id` is empty; expected a non-empty id\n");
}

TEST(ColumnsTest, UnknownCodeWithDidYouMean) {
  // DATA.md: code "one of the listed codes", "case-sensitive".
  Frame f;
  f.Text("c", {"Red"});
  EXPECT_EQ(OneProblem(std::move(f)),
            "error[csv.bad_code]: `t` line 1: `c`: `Red` is not a known code; expected "
            "one of red, green, Blue\n"
            " = help: did you mean `red`?\n");
}

TEST(ColumnsTest, ImpossibleDayNumbers) {
  Frame f;
  f.Ints("d", Form::kDays, {-719163});
  EXPECT_EQ(OneProblem(std::move(f)),
            "error[csv.bad_date]: `t` line 1: `d`: `-719163` is not a real calendar "
            "date; expected a real calendar date YYYY-MM-DD\n");
  Frame g;
  g.Ints("d", Form::kDays, {2932897});
  EXPECT_EQ(OneProblem(std::move(g)),
            "error[csv.bad_date]: `t` line 1: `d`: `2932897` is not a real calendar "
            "date; expected a real calendar date YYYY-MM-DD\n");
  Frame h;
  h.Ints("d", Form::kDays, {INT64_MIN});
  EXPECT_EQ(OneProblem(std::move(h)),
            "error[csv.bad_date]: `t` line 1: `d`: `-9223372036854775808` is not a real "
            "calendar date; expected a real calendar date YYYY-MM-DD\n");
  // A text date is read as in CSV: 2023-02-30 is no day.
  Frame k;
  k.Text("d", {"2023-02-30"});
  EXPECT_EQ(OneProblem(std::move(k)),
            "error[csv.bad_date]: `t` line 1: `d`: `2023-02-30` is not a real calendar "
            "date; expected a real calendar date YYYY-MM-DD\n");
}

TEST(ColumnsTest, ImpossibleMonths) {
  for (int64_t ordinal : {int64_t{(1 - 1970) * 12 - 1}, int64_t{(9999 - 1970) * 12 + 12},
                          INT64_MAX}) {
    Frame f;
    f.Ints("m", Form::kMonths, {ordinal});
    EXPECT_EQ(OneProblem(std::move(f)),
              "error[csv.bad_month]: `t` line 1: `m`: `" + std::to_string(ordinal) +
                  "` is not a real calendar date; expected a month YYYY-MM\n");
  }
  Frame g;
  g.Text("m", {"2023-13"});
  EXPECT_EQ(OneProblem(std::move(g)),
            "error[csv.bad_month]: `t` line 1: `m`: `2023-13` is not a real calendar "
            "date; expected a month YYYY-MM\n");
}

TEST(ColumnsTest, TooPreciseScaledValues) {
  // DATA.md: a decimal has "at most 2 fractional digits"; 1.234 does not.
  const std::string expected =
      "; expected a decimal number with at most 2 fractional digits, such as 1100.50\n";
  Frame f;
  f.Ints("x", Form::kScaled, {1234}, {}, 3);
  EXPECT_EQ(OneProblem(std::move(f)), "error[csv.bad_decimal]: `t` line 1: `x`: `1.234` "
                                      "has more than 2 fractional digits" + expected);
  // Quoted as its shortest text: 1.2340 at scale 4 is 1.234.
  Frame g;
  g.Ints("x", Form::kScaled, {-12340}, {}, 4);
  EXPECT_EQ(OneProblem(std::move(g)), "error[csv.bad_decimal]: `t` line 1: `x`: `-1.234` "
                                      "has more than 2 fractional digits" + expected);
  Frame h;
  h.Ints("x", Form::kScaled, {1}, {}, 18);
  EXPECT_EQ(OneProblem(std::move(h)),
            "error[csv.bad_decimal]: `t` line 1: `x`: `0.000000000000000001` has more "
            "than 2 fractional digits" + expected);
}

TEST(ColumnsTest, ScaledValuesWithTrailingZerosAreAccepted) {
  // Extra fractional digits that are zeros are no precision: 12.3000 at
  // scale 4 is 12.30, and a scale-18 whole number is that number.
  Frame f;
  f.Text("id", {"r1", "r2", "r3", "r4"})
      .Ints("x", Form::kScaled, {123000, -5000000000000000000, 7, INT64_MIN}, {}, 4);
  Result<FactSet> r = BuildT(f, 4);
  // INT64_MIN at scale 4 is -922337203685477.5808: too precise.
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Render(r),
            "error[csv.bad_decimal]: `t` line 3: `x`: `0.0007` has more than 2 "
            "fractional digits; expected a decimal number with at most 2 fractional "
            "digits, such as 1100.50\n"
            "error[csv.bad_decimal]: `t` line 4: `x`: `-922337203685477.5808` has more "
            "than 2 fractional digits; expected a decimal number with at most 2 "
            "fractional digits, such as 1100.50\n");
  Frame g;
  g.Text("id", {"r1", "r2", "r3"})
      .Ints("x", Form::kScaled, {123000, -5000000000000000000, 0}, {}, 4)
      .Ints("i", Form::kInt, {0, 0, 0});
  Result<FactSet> r2 = BuildT(g, 3);
  ASSERT_TRUE(r2.ok()) << Render(r2);
  EXPECT_EQ(r2.value().table("t")->column("x")->ints(),
            (std::vector<int64_t>{1230, -50000000000000000, 0}));
}

TEST(ColumnsTest, DoublesAreTheirShortestText) {
  const std::string decimal =
      "; expected a decimal number with at most 2 fractional digits, such as 1100.50\n";
  // 1.005 is not exactly 1.005, but its shortest text is, with 3 digits.
  Frame f;
  f.Doubles("x", {1.005});
  EXPECT_EQ(OneProblem(std::move(f)), "error[csv.bad_decimal]: `t` line 1: `x`: `1.005` "
                                      "has more than 2 fractional digits" + decimal);
  Frame g;
  g.Doubles("x", {INFINITY});
  EXPECT_EQ(OneProblem(std::move(g)),
            "error[csv.bad_decimal]: `t` line 1: `x`: `inf` is not valid" + decimal);
  Frame h;
  h.Doubles("x", {-INFINITY});
  EXPECT_EQ(OneProblem(std::move(h)),
            "error[csv.bad_decimal]: `t` line 1: `x`: `-inf` is not valid" + decimal);
  Frame k;
  k.Doubles("x", {1e-7});
  EXPECT_EQ(OneProblem(std::move(k)),
            "error[csv.bad_decimal]: `t` line 1: `x`: `0.0000001` has more than 2 "
            "fractional digits" + decimal);
  Frame l;
  l.Doubles("x", {1e17});
  EXPECT_EQ(OneProblem(std::move(l)),
            "error[csv.bad_decimal]: `t` line 1: `x`: `100000000000000000` is too "
            "large" + decimal);
  // Into an int column: a whole number only.
  const std::string integer =
      "; expected an integer such as 2023 (digits, optional leading -)\n";
  Frame m;
  m.Doubles("i", {1.5});
  EXPECT_EQ(OneProblem(std::move(m)),
            "error[csv.bad_int]: `t` line 1: `i`: `1.5` is not valid" + integer);
  Frame n;
  n.Doubles("i", {1e19});
  EXPECT_EQ(OneProblem(std::move(n)),
            "error[csv.bad_int]: `t` line 1: `i`: `10000000000000000000` is too large" +
                integer);
  Frame o;
  o.Doubles("i", {INFINITY});
  EXPECT_EQ(OneProblem(std::move(o)),
            "error[csv.bad_int]: `t` line 1: `i`: `inf` is not valid" + integer);
}

TEST(ColumnsTest, IntOverflow) {
  // An int into a decimal column of scale 2 must fit times 100.
  Frame f;
  f.Ints("x", Form::kInt, {92233720368547759});
  EXPECT_EQ(OneProblem(std::move(f)),
            "error[csv.bad_decimal]: `t` line 1: `x`: `92233720368547759` is too large; "
            "expected a decimal number with at most 2 fractional digits, such as 1100.50\n");
  Frame g;
  g.Ints("x", Form::kScaled, {-92233720368547759}, {}, 0);
  EXPECT_EQ(OneProblem(std::move(g)),
            "error[csv.bad_decimal]: `t` line 1: `x`: `-92233720368547759` is too large; "
            "expected a decimal number with at most 2 fractional digits, such as 1100.50\n");
  Frame h;
  h.Ints("x", Form::kScaled, {INT64_MAX}, {}, 1);
  EXPECT_EQ(OneProblem(std::move(h)),
            "error[csv.bad_decimal]: `t` line 1: `x`: `922337203685477580.7` is too large; "
            "expected a decimal number with at most 2 fractional digits, such as 1100.50\n");
  // The same text from a CSV cell is the same problem.
  Frame k;
  k.Text("i", {"9223372036854775808"});
  EXPECT_EQ(OneProblem(std::move(k)),
            "error[csv.bad_int]: `t` line 1: `i`: `9223372036854775808` is too large; "
            "expected an integer such as 2023 (digits, optional leading -)\n");
}

TEST(ColumnsTest, BadTextCellsAreReportedExactlyAsFromCsv) {
  // The cells of builder_test.cc's BadCells, from a CSV file and as texts:
  // the same code, help and DataCell, and the message with "`t` line 2: ".
  struct Cell {
    const char* column;
    const char* text;
  };
  const Cell cells[] = {
      {"d", "2023-02-30"}, {"d", " 2023-01-01"}, {"m", "2023-13"}, {"m", "2023-7"},
      {"i", "+5"},         {"i", "1.0"},         {"x", ".5"},      {"x", "1e3"},
      {"x", "1.234"},      {"x", "92233720368547758.08"},          {"b", "True"},
      {"c", "Red"},        {"c", "purple"},
  };
  for (const Cell& cell : cells) {
    TempDir dir;
    dir.Write("t.csv", "id," + std::string(cell.column) + "\nr1," + cell.text + "\n");
    SourceManager sources;
    Result<FactSet> read = ReadCsvFolder(TestSchema(), dir.path(), CsvOptions{}, sources);
    Frame f;
    f.Text("id", {"r1"}).Text(cell.column, {cell.text});
    Result<FactSet> built = BuildT(f, 1, 2);
    ASSERT_EQ(read.diagnostics().size(), 1u) << cell.text;
    ASSERT_EQ(built.diagnostics().size(), 1u) << cell.text;
    const Diagnostic& from_csv = read.diagnostics().items()[0];
    const Diagnostic& from_columns = built.diagnostics().items()[0];
    EXPECT_EQ(from_columns.code, from_csv.code) << cell.text;
    EXPECT_EQ(from_columns.message, "`t` line 2: " + from_csv.message) << cell.text;
    EXPECT_EQ(from_columns.help, from_csv.help) << cell.text;
    EXPECT_EQ(from_columns.span.file, kNoFile);
    ASSERT_TRUE(from_csv.cell.has_value()) << cell.text;
    ASSERT_TRUE(from_columns.cell.has_value()) << cell.text;
    EXPECT_EQ(from_columns.cell->table, "t");
    EXPECT_EQ(from_columns.cell->line, 2u);
    EXPECT_EQ(from_columns.cell->column, cell.column);
    EXPECT_EQ(from_columns.cell->value, cell.text);
    EXPECT_EQ(from_columns.cell->table, from_csv.cell->table);
    EXPECT_EQ(from_columns.cell->line, from_csv.cell->line);
    EXPECT_EQ(from_columns.cell->column, from_csv.cell->column);
    EXPECT_EQ(from_columns.cell->value, from_csv.cell->value);
    EXPECT_EQ(from_columns.cell->expected, from_csv.cell->expected);
  }
}

// ---------------------------------------------------------------------------
// Problems of the whole table: failing in strict and lenient mode alike,
// with no row added (DATA.md: a malformed file "stops the check with exit 2
// in strict and lenient mode alike").

void ExpectTableError(const Frame& f, const std::string& rendered,
                      std::string_view table = "t") {
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    FactSetBuilder b(TestSchema());
    b.AddColumns(table, 1, f.inputs());
    Result<FactSet> r = b.Finish(s);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(Render(r), rendered);
  }
}

TEST(ColumnsTest, WrongFormForTheType) {
  Frame f;
  f.Text("id", {"r1"}).Ints("x", Form::kDays, {1});
  ExpectTableError(f,
                   "error[facts.column_form]: `t`: column `x` (decimal) cannot be given "
                   "as kDays (day numbers)\n"
                   " = help: a decimal column is given as kText, kInt, kScaled or kDouble\n");
  Frame g;
  g.Ints("id", Form::kInt, {1});
  ExpectTableError(g,
                   "error[facts.column_form]: `t`: column `id` (id) cannot be given as "
                   "kInt (integers)\n"
                   " = help: an id column is given as kText\n");
  Frame h;
  h.Text("id", {"r1"}).Doubles("d", {1.0}).Ints("b", Form::kInt, {1});
  ExpectTableError(h,
                   "error[facts.column_form]: `t`: column `d` (date) cannot be given as "
                   "kDouble (doubles)\n"
                   " = help: a date column is given as kText or kDays\n"
                   "error[facts.column_form]: `t`: column `b` (bool) cannot be given as "
                   "kInt (integers)\n"
                   " = help: a bool column is given as kText or kBool\n");
  // A bad scale, or no array for the form.
  Frame k;
  k.Text("id", {"r1"}).Ints("x", Form::kScaled, {1}, {}, 19);
  ExpectTableError(k,
                   "error[facts.column_data]: `t`: column `x` is given as kScaled (scaled "
                   "integers) at scale 19, outside 0..18\n");
  ColumnInput none;
  none.name = "m";
  none.form = Form::kMonths;
  Frame l;
  l.Text("id", {"r1"}).Raw(none);
  ExpectTableError(l,
                   "error[facts.column_data]: `t`: column `m` is given as kMonths (month "
                   "ordinals) without its `ints`\n");
}

TEST(ColumnsTest, MissingRequiredColumn) {
  // DATA.md: "Every column below must be in the header, except "null ok"
  // columns, which may be left out (all null)".
  Frame f;
  f.Text("idd", {"r1"}).Text("s", {"x"});
  ExpectTableError(f,
                   "error[csv.missing_column]: `t` is given no column `id` (id, required)\n"
                   " = help: is `idd` meant to be `id`?\n");
  Frame g;
  g.Text("who", {"r1"});
  ExpectTableError(g,
                   "error[csv.missing_column]: `r` is given no column `rid` (id, required)\n"
                   "error[csv.missing_column]: `r` is given no column `year` (int, "
                   "required)\n",
                   "r");
}

TEST(ColumnsTest, ColumnGivenTwice) {
  // DATA.md: "a column named twice is malformed", an ignored one too.
  Frame f;
  f.Text("id", {"r1"}).Text("s", {"x"}).Text("s", {"y"});
  ExpectTableError(f, "error[csv.duplicate_column]: `t`: column `s` is given twice\n");
  Frame g;
  g.Text("id", {"r1"}).Text("extra", {"x"}).Doubles("extra", {1});
  ExpectTableError(g, "error[csv.duplicate_column]: `t`: column `extra` is given twice\n");
}

TEST(ColumnsTest, UnknownTable) {
  Frame f;
  f.Text("id", {"r1"});
  ExpectTableError(f,
                   "error[facts.unknown_table]: unknown table `tt`\n"
                   " = help: did you mean `t`?\n",
                   "tt");
}

TEST(ColumnsTest, UnknownColumnsAreIgnored) {
  // DATA.md: "unknown extra columns are allowed and ignored".
  Frame f;
  f.Text("id", {"r1"}).Ints("weight", Form::kDays, {-99999999}).Text("x", {"1.5"});
  Result<FactSet> r = BuildT(f, 1);
  ASSERT_TRUE(r.ok()) << Render(r);
  EXPECT_EQ(r.value().table("t")->column("x")->ints()[0], 150);
}

TEST(ColumnsTest, TableErrorAddsNoRows) {
  // After a table error the table's rows are unknown, so references into
  // it are not checked (as for a malformed file).
  FactSetBuilder b(TestSchema());
  Frame bad;
  bad.Text("s", {"x"});
  b.AddColumns("t", 1, bad.inputs());
  Frame r;
  r.Text("rid", {"a"}).Text("who", {"nobody"}).Ints("year", Form::kInt, {2024});
  b.AddColumns("r", 1, r.inputs());
  Result<FactSet> built = b.Finish(Strictness::kLenient);
  EXPECT_EQ(Render(built),
            "error[csv.missing_column]: `t` is given no column `id` (id, required)\n");
  ASSERT_EQ(built.diagnostics().size(), 1u);
  const Diagnostic& d = built.diagnostics().items()[0];
  ASSERT_TRUE(d.cell.has_value());
  EXPECT_EQ(d.cell->table, "t");
  EXPECT_EQ(d.cell->line, 0u);
  EXPECT_EQ(d.cell->column, "id");
  EXPECT_EQ(d.cell->value, "");
  EXPECT_EQ(d.cell->expected, "a column `id` (id, required)");
}

TEST(ColumnsTest, NoRows) {
  // Zero rows: no arrays are needed, and the columns are still checked.
  FactSetBuilder b(TestSchema());
  ColumnInput id;
  id.name = "id";
  b.AddColumns("t", 0, {id});
  Result<FactSet> r = b.Finish();
  ASSERT_TRUE(r.ok()) << Render(r);
  EXPECT_EQ(r.value().table("t")->num_rows(), 0u);
  FactSetBuilder c(TestSchema());
  c.AddColumns("t", 0, {});
  EXPECT_FALSE(c.Finish().ok());
}

// ---------------------------------------------------------------------------
// null_iff, duplicates and references, across rows given by AddColumns.

TEST(ColumnsTest, NullIffOnTypedCells) {
  // `why` is null exactly when `end` is null (DATA.md: end_reason "null
  // exactly when end_date is null"); typed cells are quoted as text.
  FactSetBuilder b(TestSchema());
  Frame t;
  t.Text("id", {"p"});
  b.AddColumns("t", 1, t.inputs());
  Frame r;
  r.Text("rid", {"a", "b", "c", "d"})
      .Text("who", {"p", "p", "p", "p"})
      .Ints("year", Form::kInt, {1, 2, 3, 4})
      .Ints("end", Form::kDays, {Day(2023, 5, 31), 0, 0, 0}, {1, 0, 1, 0})
      .Text("why", {"", "done", "moved", ""});
  b.AddColumns("r", 4, r.inputs(), 10);
  Result<FactSet> built = b.Finish();
  EXPECT_EQ(Render(built),
            "error[csv.null_iff]: `r` line 10: `why` must be empty exactly when `end` is "
            "empty, but `why` is empty and `end` is `2023-05-31`\n"
            "error[csv.null_iff]: `r` line 11: `why` must be empty exactly when `end` is "
            "empty, but `why` is `done` and `end` is empty\n");
  ASSERT_EQ(built.diagnostics().size(), 2u);
  const DataCell& first = *built.diagnostics().items()[0].cell;
  EXPECT_EQ(first.table, "r");
  EXPECT_EQ(first.line, 10u);
  EXPECT_EQ(first.column, "why");
  EXPECT_EQ(first.value, "");
  EXPECT_EQ(first.expected, "one of done, moved, as `end` is `2023-05-31`");
  const DataCell& second = *built.diagnostics().items()[1].cell;
  EXPECT_EQ(second.line, 11u);
  EXPECT_EQ(second.value, "done");
  EXPECT_EQ(second.expected, "empty, as `end` is empty");
}

TEST(ColumnsTest, DuplicatesAndReferencesAcrossBatches) {
  FactSetBuilder b(TestSchema());
  // Two batches of `t`: r2 again on line 11, first on line 3.
  Frame t1;
  t1.Text("id", {"r1", "r2", "r3"}).Ints("d", Form::kDays, {0, 0, 99999999}, {0, 0, 1});
  b.AddColumns("t", 3, t1.inputs(), 2);
  Frame t2;
  t2.Text("id", {"r4", "r2"});
  b.AddColumns("t", 2, t2.inputs(), 10);
  // `r` refers to `t`: to a missing id, to a bad row (r3), and twice to
  // (r1, 2024) of the unique column set.
  Frame r;
  r.Text("rid", {"a", "b", "c", "d"})
      .Text("who", {"r1", "zz", "r3", "r1"})
      .Ints("year", Form::kInt, {2024, 2024, 2024, 2024});
  b.AddColumns("r", 4, r.inputs(), 2);
  Result<FactSet> built = b.Finish();
  EXPECT_EQ(Render(built),
            "error[csv.bad_date]: `t` line 4: `d`: `99999999` is not a real calendar "
            "date; expected a real calendar date YYYY-MM-DD\n"
            "error[csv.duplicate_key]: `t` line 11: duplicate `id` `r2` (first on line 3)\n"
            "error[csv.dangling_reference]: `r` line 3: `who`: no `t` row has `id` `zz`\n"
            "error[csv.duplicate_unique]: `r` line 5: duplicate (`who`, `year`) = (`r1`, "
            "`2024`) (first on line 2)\n"
            // (A row rejected for the row it refers to, after the causes.)
            "error[csv.bad_reference]: `r` line 4: `who` `r3` refers to the `t` row on "
            "line 4, which is invalid\n");
  const std::vector<Diagnostic>& d = built.diagnostics().items();
  ASSERT_EQ(d.size(), 5u);
  // The DataCells: the value and what was expected.
  ASSERT_TRUE(d[1].cell && d[2].cell && d[3].cell && d[4].cell);
  EXPECT_EQ(d[1].cell->table, "t");
  EXPECT_EQ(d[1].cell->line, 11u);
  EXPECT_EQ(d[1].cell->column, "id");
  EXPECT_EQ(d[1].cell->value, "r2");
  EXPECT_EQ(d[1].cell->expected, "a `id` not used by an earlier row (first on line 3)");
  EXPECT_EQ(d[2].cell->table, "r");
  EXPECT_EQ(d[2].cell->line, 3u);
  EXPECT_EQ(d[2].cell->column, "who");
  EXPECT_EQ(d[2].cell->value, "zz");
  EXPECT_EQ(d[2].cell->expected, "the `id` of a `t` row");
  EXPECT_EQ(d[4].cell->line, 4u);
  EXPECT_EQ(d[4].cell->column, "who");
  EXPECT_EQ(d[4].cell->value, "r3");
  EXPECT_EQ(d[4].cell->expected, "the `id` of a valid `t` row (the one on line 4 is invalid)");
  EXPECT_EQ(d[3].cell->line, 5u);
  EXPECT_EQ(d[3].cell->column, "who, year");
  EXPECT_EQ(d[3].cell->value, "r1, 2024");
  EXPECT_EQ(d[3].cell->expected,
            "a (`who`, `year`) not used by an earlier row (first on line 2)");
}

TEST(ColumnsTest, LenientModeRejectsRowsByLineFromFirstLine) {
  // DATA.md, --lenient: "rows with errors are left out of evaluation and each
  // becomes a finding with rule input.invalid, subject <table>:<line>"; rows
  // read = evaluated + reported.
  FactSetBuilder b(TestSchema());
  Frame t;
  t.Text("id", {"r1", "r2", "r1", "r4"}).Text("c", {"red", "Red", "", ""});
  b.AddColumns("t", 4, t.inputs(), 100);
  Frame r;
  r.Text("rid", {"a", "b"}).Text("who", {"r2", "r4"}).Ints("year", Form::kInt, {1, 1});
  b.AddColumns("r", 2, r.inputs(), 7);
  Result<FactSet> built = b.Finish(Strictness::kLenient);
  ASSERT_TRUE(built.ok()) << Render(built);
  const FactSet& facts = built.value();
  EXPECT_EQ(Rejections(facts),
            (std::vector<Rejection>{
                {"t", 101,
                 "`t` line 101: `c`: `Red` is not a known code; expected one of red, green, "
                 "Blue"},
                {"t", 102, "`t` line 102: duplicate `id` `r1` (first on line 100)"},
                {"r", 7, "`r` line 7: `who` `r2` refers to the `t` row on line 101, which "
                         "is invalid"}}));
  const FactTable& kept = *facts.table("t");
  ASSERT_EQ(kept.num_rows(), 2u);
  EXPECT_EQ(kept.line(0), 100u);
  EXPECT_EQ(kept.line(1), 103u);
  EXPECT_EQ(facts.table("r")->line(0), 8u);
  // The kept `r` row refers to r4, row 1 of the kept `t`.
  EXPECT_EQ(*facts.table("r")->references("who"), (std::vector<int32_t>{1}));
  EXPECT_EQ(facts.stats()[0].read, 4u);
  EXPECT_EQ(facts.stats()[0].accepted, 2u);
  EXPECT_EQ(facts.stats()[0].rejected, 2u);
  for (const Diagnostic& d : built.diagnostics().items()) {
    EXPECT_EQ(d.severity, Severity::kWarning) << d.message;
  }
}

TEST(ColumnsTest, RowsOnTheLinesGiven) {
  // AddColumns with a line per row (zhucun.dask: a partition's rows keep
  // their lines in the whole table): messages, rejections and the kept
  // rows' lines are those lines.
  FactSetBuilder b(TestSchema());
  Frame t;
  t.Text("id", {"r1", "r2", "r1", "r4"}).Text("c", {"red", "Red", "", ""});
  b.AddColumns("t", 4, t.inputs(), std::vector<uint32_t>{5, 9, 40, 41});
  Frame r;
  r.Text("rid", {"a", "b"}).Text("who", {"r2", "r4"}).Ints("year", Form::kInt, {1, 1});
  b.AddColumns("r", 2, r.inputs(), std::vector<uint32_t>{1000, 70000});
  Result<FactSet> built = b.Finish(Strictness::kLenient);
  ASSERT_TRUE(built.ok()) << Render(built);
  const FactSet& facts = built.value();
  EXPECT_EQ(Rejections(facts),
            (std::vector<Rejection>{
                {"t", 9,
                 "`t` line 9: `c`: `Red` is not a known code; expected one of red, green, "
                 "Blue"},
                {"t", 40, "`t` line 40: duplicate `id` `r1` (first on line 5)"},
                {"r", 1000, "`r` line 1000: `who` `r2` refers to the `t` row on line 9, which "
                            "is invalid"}}));
  EXPECT_EQ(facts.table("t")->line(0), 5u);
  EXPECT_EQ(facts.table("t")->line(1), 41u);
  EXPECT_EQ(facts.table("r")->line(0), 70000u);

  // Not one line per row: an error of the whole table.
  FactSetBuilder bad(TestSchema());
  bad.AddColumns("t", 4, t.inputs(), std::vector<uint32_t>{5, 9});
  Result<FactSet> none = bad.Finish(Strictness::kLenient);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(Render(none).find("`t`: 4 rows are given without one line number each"),
            std::string::npos)
      << Render(none);
}

TEST(ColumnsTest, RowsFromAddRowAddColumnsAndCsvAreNamedByTheirOrigin) {
  // A table read from a file, then rows added by AddRow and AddColumns:
  // each message names its row as its origin does.
  SourceManager sources;
  const FileId file = sources.Add("t.csv", "id,i\nr1,1\nr2,x\n");
  FactSetBuilder b(TestSchema());
  ReadCsvTable(0, file, sources, b);
  b.AddRow("t", {{"id", "r1"}});
  Frame f;
  f.Text("id", {"r2", "r9"}).Text("i", {"y", "3"});
  b.AddColumns("t", 2, f.inputs(), 40);
  Result<FactSet> r = b.Finish();
  EXPECT_EQ(r.diagnostics().Render(sources),
            "t.csv:3:4: error[csv.bad_int]: `i`: `x` is not valid; expected an integer such as "
            "2023 (digits, optional leading -)\n"
            " | r2,x\n"
            " |    ^\n"
            "error[csv.duplicate_key]: `t` row 3: duplicate `id` `r1` (first on line 2)\n"
            "error[csv.bad_int]: `t` line 40: `i`: `y` is not valid; expected an integer "
            "such as 2023 (digits, optional leading -)\n"
            "error[csv.duplicate_key]: `t` line 40: duplicate `id` `r2` (first on line 3)\n");
}

// ---------------------------------------------------------------------------
// The same data from CSV files and from columns: the same FactSet.

// Every column's type, scale, validity, values and dictionary, the lines,
// keys, references and groups, the accounting and the rejected rows (their
// reasons without the "`t` line N: " of programmatic rows).
void ExpectSameFacts(const FactSet& a, const FactSet& b) {
  ASSERT_EQ(a.tables().size(), b.tables().size());
  for (size_t t = 0; t < a.tables().size(); ++t) {
    const FactTable& x = a.tables()[t];
    const FactTable& y = b.tables()[t];
    SCOPED_TRACE(x.name());
    ASSERT_EQ(x.num_rows(), y.num_rows());
    for (size_t r = 0; r < x.num_rows(); ++r) ASSERT_EQ(x.line(r), y.line(r)) << r;
    for (size_t c = 0; c < x.schema().columns.size(); ++c) {
      const ColumnSchema& cs = x.schema().columns[c];
      SCOPED_TRACE(cs.name);
      const Column& cx = x.column(c);
      const Column& cy = y.column(c);
      ASSERT_EQ(cx.type(), cy.type());
      EXPECT_EQ(cx.scale(), cy.scale());
      EXPECT_EQ(cx.valid(), cy.valid());
      EXPECT_EQ(cx.ints(), cy.ints());
      EXPECT_EQ(cx.int32s(), cy.int32s());
      EXPECT_EQ(cx.bools(), cy.bools());
      EXPECT_EQ(cx.dictionary(), cy.dictionary());
      for (size_t r = 0; r < x.num_rows(); ++r) {
        ASSERT_EQ(cx.Get(r).DebugString(), cy.Get(r).DebugString()) << r;
      }
      if (!cs.references.empty()) {
        ASSERT_NE(x.references(cs.name), nullptr);
        ASSERT_NE(y.references(cs.name), nullptr);
        EXPECT_EQ(*x.references(cs.name), *y.references(cs.name));
      }
      if (cs.type == CellType::kId) {
        const GroupIndex gx = x.GroupBy(cs.name);
        const GroupIndex gy = y.GroupBy(cs.name);
        EXPECT_EQ(gx.offsets, gy.offsets);
        EXPECT_EQ(gx.listed, gy.listed);
      }
      if (cs.name == x.schema().key) {
        for (const std::string& key : cx.dictionary()) {
          EXPECT_EQ(x.FindKey(key), y.FindKey(key)) << key;
        }
      }
    }
  }
  ASSERT_EQ(a.stats().size(), b.stats().size());
  for (size_t t = 0; t < a.stats().size(); ++t) {
    EXPECT_EQ(a.stats()[t].table, b.stats()[t].table);
    EXPECT_EQ(a.stats()[t].read, b.stats()[t].read);
    EXPECT_EQ(a.stats()[t].accepted, b.stats()[t].accepted);
    EXPECT_EQ(a.stats()[t].rejected, b.stats()[t].rejected);
  }
  ASSERT_EQ(a.rejected().size(), b.rejected().size());
  for (size_t i = 0; i < a.rejected().size(); ++i) {
    const RejectedRow& x = a.rejected()[i];
    const RejectedRow& y = b.rejected()[i];
    EXPECT_EQ(x.table, y.table);
    EXPECT_EQ(x.line, y.line);
    const std::string prefix = "`" + y.table + "` line " + std::to_string(y.line) + ": ";
    EXPECT_EQ(prefix + x.reason, y.reason);
  }
}

// A CSV table split on commas (no quotes), as the columns of a frame of
// texts: the cells exactly as the CSV reader sees them.
struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> cells;  // per column
  size_t rows = 0;
};

TextTable SplitCsv(const std::string& text) {
  TextTable t;
  size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields;
    size_t start = 0;
    for (;;) {
      const size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (first) {
      t.header = fields;
      t.cells.resize(fields.size());
      first = false;
      continue;
    }
    for (size_t i = 0; i < fields.size() && i < t.cells.size(); ++i) {
      t.cells[i].push_back(fields[i]);
    }
    ++t.rows;
  }
  return t;
}

// Adds a split CSV table as texts, rows from line 2.
void AddTexts(FactSetBuilder& b, const std::string& table, const TextTable& t) {
  Frame f;
  for (size_t i = 0; i < t.header.size(); ++i) {
    std::vector<std::string_view> views(t.cells[i].begin(), t.cells[i].end());
    f.Text(t.header[i], std::move(views));
  }
  b.AddColumns(table, t.rows, f.inputs(), 2);
}

// Adds a built table's columns in the typed forms a data frame holds
// (ids/codes/texts as string_views, dates as day numbers, months as
// Period[M] ordinals, decimals scaled, ints and bools as int64).
void AddTyped(FactSetBuilder& b, const FactTable& t) {
  Frame f;
  for (size_t c = 0; c < t.schema().columns.size(); ++c) {
    const ColumnView v = t.column(c).view();
    const std::string& name = t.schema().columns[c].name;
    std::vector<uint8_t> valid;
    if (v.valid != nullptr) valid.assign(v.valid, v.valid + v.size);
    std::vector<int64_t> ints(v.size);
    switch (v.type) {
      case ColumnType::kString: {
        std::vector<std::string_view> texts(v.size);
        const int32_t* codes = static_cast<const int32_t*>(v.data);
        for (size_t r = 0; r < v.size; ++r) {
          if (v.IsValid(r)) texts[r] = (*v.dictionary)[static_cast<size_t>(codes[r])];
        }
        f.Text(name, std::move(texts), std::move(valid));
        continue;
      }
      case ColumnType::kDate:
        for (size_t r = 0; r < v.size; ++r) ints[r] = static_cast<const int32_t*>(v.data)[r];
        f.Ints(name, Form::kDays, std::move(ints), std::move(valid));
        continue;
      case ColumnType::kMonth:
        for (size_t r = 0; r < v.size; ++r) {
          ints[r] = static_cast<const int32_t*>(v.data)[r] - 1970 * 12;
        }
        f.Ints(name, Form::kMonths, std::move(ints), std::move(valid));
        continue;
      case ColumnType::kInt:
        for (size_t r = 0; r < v.size; ++r) ints[r] = static_cast<const int64_t*>(v.data)[r];
        f.Ints(name, Form::kInt, std::move(ints), std::move(valid));
        continue;
      case ColumnType::kDecimal:
        for (size_t r = 0; r < v.size; ++r) ints[r] = static_cast<const int64_t*>(v.data)[r];
        f.Ints(name, Form::kScaled, std::move(ints), std::move(valid), v.scale);
        continue;
      case ColumnType::kBool:
        for (size_t r = 0; r < v.size; ++r) ints[r] = static_cast<const uint8_t*>(v.data)[r];
        f.Ints(name, Form::kBool, std::move(ints), std::move(valid));
        continue;
      default:
        ADD_FAILURE() << name;
    }
  }
  b.AddColumns(t.name(), t.num_rows(), f.inputs(), t.line(0));
}

TEST(ColumnsTest, SameFactSetsAsCsvForTheExampleData) {
  const std::string example = std::string(ZHUCUN_SHARED_DIR) + "/spec/example/data";
  if (!std::filesystem::is_directory(example)) {
    GTEST_SKIP() << "no example data at " << example;
  }
  testing::Loaded csv = testing::Read(Qiannan(), example);
  ASSERT_TRUE(csv.ok()) << csv.rendered();
  // As texts: each cell exactly as in the file.
  {
    std::vector<TextTable> texts;
    FactSetBuilder b(Qiannan());
    for (const TableSchema& ts : Qiannan().tables) {
      std::ifstream in(example + "/" + ts.name + ".csv", std::ios::binary);
      if (!in) continue;
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      texts.push_back(SplitCsv(text));
      AddTexts(b, ts.name, texts.back());
    }
    Result<FactSet> built = b.Finish();
    ASSERT_TRUE(built.ok()) << Render(built);
    ExpectSameFacts(csv.facts(), built.value());
  }
  // Typed, from the tables read.
  {
    FactSetBuilder b(Qiannan());
    for (const FactTable& t : csv.facts().tables()) {
      if (t.num_rows() > 0) AddTyped(b, t);
    }
    Result<FactSet> built = b.Finish();
    ASSERT_TRUE(built.ok()) << Render(built);
    ExpectSameFacts(csv.facts(), built.value());
  }
}

TEST(ColumnsTest, SameFactSetsAsCsvWithBadRows) {
  // Bad cells, a duplicate key, a dangling and a cascaded reference, a
  // unique set repeated and a null_iff mismatch: in lenient mode, the same
  // rows left out for the same reasons, and the same tables kept; in strict
  // mode the same diagnostics (codes, help, DataCells; messages prefixed).
  const std::string t_csv =
      "id,s,c,d,m,i,x,b\n"
      "r1,都匀,red,2024-02-29,2023-07,5,1.5,true\n"
      "r2,,Blue,,,,-0.05,否\n"
      "r3,x,purple,2023-01-01,2023-01,1,1,1\n"
      "r2,y,green,2023-01-02,2023-02,2,2,0\n"
      "r5, ,,2023-02-30,2023-13,+1,1.234,yes\n"
      "r6,z,green,1999-12-31,1999-12,-7,100,false\n";
  const std::string r_csv =
      "rid,who,year,end,why\n"
      "a,r1,2024,,\n"
      "b,r3,2024,2024-01-01,done\n"
      "c,zz,2024,,\n"
      "d,r1,2024,,\n"
      "e,r6,2024,2024-01-01,\n"
      "f,r6,2025,2024-01-01,moved\n";
  TempDir dir;
  dir.Write("t.csv", t_csv);
  dir.Write("r.csv", r_csv);
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    testing::Loaded csv = testing::Read(TestSchema(), dir, s);
    FactSetBuilder b(TestSchema());
    AddTexts(b, "t", SplitCsv(t_csv));
    AddTexts(b, "r", SplitCsv(r_csv));
    Result<FactSet> built = b.Finish(s);
    ASSERT_EQ(csv.ok(), built.ok());
    const std::vector<Diagnostic>& x = csv.result->diagnostics().items();
    const std::vector<Diagnostic>& y = built.diagnostics().items();
    ASSERT_EQ(x.size(), y.size()) << csv.rendered() << Render(built);
    ASSERT_GE(x.size(), 11u) << csv.rendered();
    for (size_t i = 0; i < x.size(); ++i) {
      SCOPED_TRACE(x[i].message);
      EXPECT_EQ(x[i].severity, y[i].severity);
      EXPECT_EQ(x[i].code, y[i].code);
      EXPECT_EQ(x[i].help, y[i].help);
      ASSERT_TRUE(x[i].cell && y[i].cell);
      EXPECT_EQ("`" + x[i].cell->table + "` line " + std::to_string(x[i].cell->line) + ": " +
                    x[i].message,
                y[i].message);
      EXPECT_EQ(x[i].cell->table, y[i].cell->table);
      EXPECT_EQ(x[i].cell->line, y[i].cell->line);
      EXPECT_EQ(x[i].cell->column, y[i].cell->column);
      EXPECT_EQ(x[i].cell->value, y[i].cell->value);
      EXPECT_EQ(x[i].cell->expected, y[i].cell->expected);
    }
    if (s == Strictness::kLenient) {
      ASSERT_TRUE(built.ok());
      ExpectSameFacts(csv.facts(), built.value());
      EXPECT_EQ(csv.facts().table("t")->num_rows(), 3u);  // r1, r2 and r6
      EXPECT_EQ(csv.facts().table("r")->num_rows(), 2u);  // a and f
    }
  }
}

// ---------------------------------------------------------------------------
// DataCells of CSV rows and AddRow rows (DATA.md: an error "naming file,
// line, column, the value and what was expected").

TEST(DataCellTest, CsvRowsWithTooFewOrTooManyFields) {
  TempDir dir;
  dir.Write("t.csv", "id,s,x\nr1,a\nr2,b,1,extra\nr3\n");
  testing::Loaded l = testing::Read(TestSchema(), dir, Strictness::kLenient);
  ASSERT_TRUE(l.ok()) << l.rendered();
  const std::vector<Diagnostic>& d = l.result->diagnostics().items();
  ASSERT_EQ(d.size(), 3u) << l.rendered();
  EXPECT_EQ(d[0].code, "csv.field_count");
  ASSERT_TRUE(d[0].cell && d[1].cell && d[2].cell);
  // Too few: the first column without a field.
  EXPECT_EQ(d[0].cell->table, "t");
  EXPECT_EQ(d[0].cell->line, 2u);
  EXPECT_EQ(d[0].cell->column, "x");
  EXPECT_EQ(d[0].cell->value, "");
  EXPECT_EQ(d[0].cell->expected, "3 fields, as in the header");
  // Too many: no column.
  EXPECT_EQ(d[1].cell->line, 3u);
  EXPECT_EQ(d[1].cell->column, "");
  EXPECT_EQ(d[1].cell->expected, "3 fields, as in the header");
  EXPECT_EQ(d[2].cell->line, 4u);
  EXPECT_EQ(d[2].cell->column, "s");
}

TEST(DataCellTest, CsvHeaderProblems) {
  TempDir dir;
  dir.Write("t.csv", "idd,s,s\nr1,a,b\n");
  testing::Loaded l = testing::Read(TestSchema(), dir);
  const std::vector<Diagnostic>& d = l.result->diagnostics().items();
  ASSERT_EQ(d.size(), 2u) << l.rendered();
  ASSERT_TRUE(d[0].cell && d[1].cell);
  EXPECT_EQ(d[0].code, "csv.duplicate_column");
  EXPECT_EQ(d[0].cell->table, "t");
  EXPECT_EQ(d[0].cell->line, 0u);
  EXPECT_EQ(d[0].cell->column, "s");
  EXPECT_EQ(d[0].cell->expected, "a column named once");
  EXPECT_EQ(d[1].code, "csv.missing_column");
  EXPECT_EQ(d[1].cell->column, "id");
  EXPECT_EQ(d[1].cell->expected, "a column `id` (id, required)");
}

TEST(DataCellTest, CsvCellsNullsAndDuplicates) {
  TempDir dir;
  dir.Write("t.csv", "id,d,x\nr1,2023-02-30,1\n,2023-01-01,2\nr1,,3\n");
  testing::Loaded l = testing::Read(TestSchema(), dir);
  const std::vector<Diagnostic>& d = l.result->diagnostics().items();
  ASSERT_EQ(d.size(), 3u) << l.rendered();
  ASSERT_TRUE(d[0].cell && d[1].cell && d[2].cell);
  EXPECT_EQ(d[0].cell->line, 2u);
  EXPECT_EQ(d[0].cell->column, "d");
  EXPECT_EQ(d[0].cell->value, "2023-02-30");
  EXPECT_EQ(d[0].cell->expected, "a real calendar date YYYY-MM-DD");
  EXPECT_EQ(d[1].cell->line, 3u);
  EXPECT_EQ(d[1].cell->column, "id");
  EXPECT_EQ(d[1].cell->value, "");
  EXPECT_EQ(d[1].cell->expected, "a non-empty id");
  EXPECT_EQ(d[2].code, "csv.duplicate_key");
  EXPECT_EQ(d[2].cell->line, 4u);
  EXPECT_EQ(d[2].cell->column, "id");
  EXPECT_EQ(d[2].cell->value, "r1");
  EXPECT_EQ(d[2].cell->expected, "a `id` not used by an earlier row (first on line 2)");
  // The rendered messages are as ever (csv_reader_test.cc checks them all).
  EXPECT_EQ(d[2].message, "duplicate `id` `r1` (first on line 2)");
}

TEST(DataCellTest, AddRowCells) {
  FactSetBuilder b(TestSchema());
  b.AddRow("t", {{"id", "r1"}, {"x", "1.234"}});
  b.AddRow("t", {{"id", "r2"}, {"nope", "v"}});
  Result<FactSet> r = b.Finish();
  const std::vector<Diagnostic>& d = r.diagnostics().items();
  ASSERT_EQ(d.size(), 2u) << Render(r);
  // The unknown column (a usage error, listed first).
  ASSERT_TRUE(d[0].cell && d[1].cell);
  EXPECT_EQ(d[0].code, "facts.unknown_column");
  EXPECT_EQ(d[0].cell->line, 2u);
  EXPECT_EQ(d[0].cell->column, "nope");
  EXPECT_EQ(d[0].cell->value, "v");
  EXPECT_EQ(d[1].message,
            "`t` row 1: `x`: `1.234` has more than 2 fractional digits; expected a decimal "
            "number with at most 2 fractional digits, such as 1100.50");
  EXPECT_EQ(d[1].cell->table, "t");
  EXPECT_EQ(d[1].cell->line, 1u);
  EXPECT_EQ(d[1].cell->column, "x");
  EXPECT_EQ(d[1].cell->value, "1.234");
}

}  // namespace
}  // namespace zhucun
