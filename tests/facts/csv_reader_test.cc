// The CSV reader against DATA.md, "Input" and "Bad input": every rule of the
// format, every cell type, keys, unique keys, references and their cascade,
// strict and lenient mode, and input that is not UTF-8. Each test checks the
// exact outcome: the loaded values, or the rendered diagnostics (file:line:
// column, the value and what was expected, the snippet and any help).
//
// Every test writes its CSV files into its own mkdtemp folder; in rendered
// diagnostics the folder is replaced by `DIR`.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
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

using namespace std::string_literals;

using testing::InlineSchema;
using testing::IsNull;
using testing::kSourceDir;
using testing::Loaded;
using testing::Qiannan;
using testing::Read;
using testing::Rejection;
using testing::Rejections;
using testing::ReplaceAll;
using testing::Str;
using testing::TempDir;

// ---------------------------------------------------------------------------
// Helpers (the shared ones are in facts_test_util.h).

// One table `t` with a column of every cell type (facts_test_util.h) and a
// decimal of scale 3.
const Schema& CellSchema() {
  static const Schema* const schema = new Schema(InlineSchema(
      "tables:\n" + testing::kEveryCellTypeTable +
      "      - {name: x3, type: decimal, scale: 3, nullable: true}\n"));
  return *schema;
}

int32_t DayNumber(int y, int m, int d) {
  return Date::FromYmd(y, m, d)->day_number();
}

// The lines of the rows of a table.
std::vector<uint32_t> Lines(const FactTable& t) {
  std::vector<uint32_t> lines;
  for (size_t r = 0; r < t.num_rows(); ++r) lines.push_back(t.line(r));
  return lines;
}

// A small, consistent Qiannan dataset: two counties, villages, units and
// teams, three members (M01 and M03 are the same person P01).
void WriteBase(const TempDir& dir) {
  dir.Write("counties.csv",
            "county_id,name\n"
            "C01,都匀市\n"
            "C02,福泉市\n");
  dir.Write("villages.csv",
            "village_id,county_id,township,name,category\n"
            "V01,C01,墨冲镇,良寨村,poor\n"
            "V02,C02,牛场镇,双谷村,weak\n");
  dir.Write("units.csv",
            "unit_id,name,level,sector\n"
            "U01,都匀市科协,county,science_tech\n"
            "U02,州农业农村局,prefecture,agriculture\n");
  dir.Write("teams.csv",
            "team_id,village_id,unit_id,start_date,end_date\n"
            "T01,V01,U01,2021-06-01,\n"
            "T02,V02,U02,2021-06-01,2023-05-31\n");
  dir.Write("members.csv",
            "member_id,person_id,name,team_id,unit_id,role,start_date,end_date,"
            "end_reason\n"
            "M01,P01,赵磊,T01,U01,first_secretary,2021-06-15,,\n"
            "M02,P02,何勇,T02,U02,resident_cadre,2021-06-15,2023-05-31,"
            "term_complete\n"
            "M03,P01,赵磊,T02,U01,other,2023-06-01,,\n");
}

// ---------------------------------------------------------------------------
// The folder and its files.

TEST(CsvReaderTest, BaseDatasetLoads) {
  TempDir dir;
  WriteBase(dir);
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(l.rendered(), "");
  const FactTable& members = l.table("members");
  ASSERT_EQ(members.num_rows(), 3u);
  EXPECT_EQ(Str(members, "member_id", 0), "M01");
  EXPECT_EQ(Str(members, "name", 1), "何勇");
  EXPECT_EQ(Str(members, "role", 1), "resident_cadre");
  EXPECT_EQ(members.column("start_date")->int32s()[0], DayNumber(2021, 6, 15));
  EXPECT_TRUE(IsNull(members, "end_date", 0));
  EXPECT_TRUE(IsNull(members, "end_reason", 0));
  EXPECT_FALSE(IsNull(members, "end_date", 1));
  EXPECT_EQ(Str(members, "end_reason", 1), "term_complete");
  EXPECT_EQ(Lines(members), (std::vector<uint32_t>{2, 3, 4}));
  // Every table of the schema is there, in schema order; absent files are
  // empty tables.
  ASSERT_EQ(l.facts().tables().size(), Qiannan().tables.size());
  ASSERT_EQ(l.facts().stats().size(), Qiannan().tables.size());
  for (size_t t = 0; t < Qiannan().tables.size(); ++t) {
    EXPECT_EQ(l.facts().tables()[t].name(), Qiannan().tables[t].name);
    EXPECT_EQ(l.facts().stats()[t].table, Qiannan().tables[t].name);
  }
  EXPECT_EQ(l.table("visits").num_rows(), 0u);
  EXPECT_TRUE(l.facts().rejected().empty());
}

TEST(CsvReaderTest, MissingFolderIsAnError) {
  TempDir dir;
  Loaded l = Read(Qiannan(), dir.path() + "/nope");
  l.dir = dir.path();
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "error[csv.no_folder]: data folder `DIR/nope` does not exist\n");
}

TEST(CsvReaderTest, EmptyFolderIsEveryTableEmpty) {
  TempDir dir;
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(l.rendered(), "");
  for (const FactTable& t : l.facts().tables()) {
    EXPECT_EQ(t.num_rows(), 0u) << t.name();
  }
  for (const TableStats& s : l.facts().stats()) {
    EXPECT_EQ(s.read, 0u);
    EXPECT_EQ(s.accepted, 0u);
    EXPECT_EQ(s.rejected, 0u);
  }
}

TEST(CsvReaderTest, AbsentFileIsAnEmptyTable) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01,都匀市\n");
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(l.table("counties").num_rows(), 1u);
  EXPECT_EQ(l.table("villages").num_rows(), 0u);
  EXPECT_EQ(l.stats("villages").read, 0u);
}

TEST(CsvReaderTest, FilesOfOtherNamesAreIgnored) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("notes.csv", "this is, not \" a table\n\xFF\xFE");
  dir.Write("Counties.csv", "junk");
  dir.Write("counties.csv.bak", "junk");
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(l.rendered(), "");
  EXPECT_EQ(l.table("counties").num_rows(), 2u);
}

TEST(CsvReaderTest, HeaderOnlyIsAnEmptyTable) {
  for (const char* text : {"county_id,name\n", "county_id,name",
                           "county_id,name\r\n", "county_id,name\n\n\n"}) {
    TempDir dir;
    dir.Write("counties.csv", text);
    for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
      Loaded l = Read(Qiannan(), dir.path(), s);
      ASSERT_TRUE(l.ok()) << l.rendered();
      EXPECT_EQ(l.rendered(), "");
      EXPECT_EQ(l.table("counties").num_rows(), 0u);
      EXPECT_EQ(l.stats("counties").read, 0u);
    }
  }
}

TEST(CsvReaderTest, ZeroByteFileIsMalformed) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("counties.csv", "");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir.path(), s);
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.rendered(),
              "DIR/counties.csv:1:1: error[csv.empty_file]: `counties.csv` is "
              "empty (0 bytes); a CSV file needs a header line\n"
              " |\n"
              " | ^\n");
  }
}

// ---------------------------------------------------------------------------
// Encoding: UTF-8 with or without a byte-order mark.

TEST(CsvReaderTest, Utf8WithAndWithoutBom) {
  const std::string body = "county_id,name\nC01,都匀市\nC02,福泉市\n";
  for (const std::string& text : {body, "\xEF\xBB\xBF"s + body}) {
    TempDir dir;
    dir.Write("counties.csv", text);
    Loaded l = Read(Qiannan(), dir.path());
    ASSERT_TRUE(l.ok()) << l.rendered();
    const FactTable& t = l.table("counties");
    ASSERT_EQ(t.num_rows(), 2u);
    // The mark is not part of the first column's name.
    EXPECT_EQ(Str(t, "county_id", 0), "C01");
    EXPECT_EQ(Str(t, "name", 0), "都匀市");
    EXPECT_EQ(Str(t, "name", 1), "福泉市");
    EXPECT_EQ(t.FindKey("C02"), std::optional<uint32_t>(1));
  }
}

TEST(CsvReaderTest, BomIsNotCountedInColumns) {
  // The mark is ignored: a header problem after it is at the column an
  // editor shows (the mark takes no column).
  TempDir dir;
  dir.Write("counties.csv", "\xEF\xBB\xBF" "county_id,name,name\nC01,a,b\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered().substr(0, l.rendered().find('\n')),
            "DIR/counties.csv:1:16: error[csv.duplicate_column]: "
            "`counties.csv`: column `name` is named twice");
}

// DATA.md: "a column named twice is malformed", also one that is ignored.
TEST(CsvReaderTest, AnIgnoredColumnNamedTwiceIsMalformed) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,备注,name,备注\nC01,a,b,c\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered().substr(0, l.rendered().find('\n')),
            "DIR/counties.csv:1:19: error[csv.duplicate_column]: "
            "`counties.csv`: column `备注` is named twice");
  dir.Write("counties.csv", "county_id,备注,name,备注2\nC01,a,b,c\n");
  EXPECT_TRUE(Read(Qiannan(), dir.path()).ok());
}

TEST(CsvReaderTest, BomOnlyAtTheStart) {
  // A mark anywhere else is data: here it makes the id `\uFEFFC02`.
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01,a\n\xEF\xBB\xBF" "C02,b\n");
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(Str(l.table("counties"), "county_id", 1), "\xEF\xBB\xBF" "C02");
  EXPECT_FALSE(l.table("counties").FindKey("C02").has_value());
}

// ---------------------------------------------------------------------------
// Line ends, blank lines, line numbers.

TEST(CsvReaderTest, LfAndCrlfReadTheSame) {
  for (const char* eol : {"\n", "\r\n"}) {
    TempDir dir;
    const std::string e = eol;
    dir.Write("counties.csv", "county_id,name" + e + "C01,都匀市" + e +
                                  "C02,福泉市" + e);
    // A bad cell in a CRLF file: the line is right and the snippet holds
    // no carriage return.
    dir.Write("teams.csv",
              "team_id,village_id,unit_id,start_date,end_date" + e +
                  "T01,V01,U01,2021-06-01," + e +
                  "T02,V01,U01,2021-02-29," + e);
    dir.Write("villages.csv",
              "village_id,county_id,township,name,category" + e +
                  "V01,C01,墨冲镇,良寨村,poor" + e);
    dir.Write("units.csv", "unit_id,name,level,sector" + e +
                               "U01,都匀市科协,county,science_tech" + e);
    Loaded l = Read(Qiannan(), dir.path());
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.rendered(),
              "DIR/teams.csv:3:13: error[csv.bad_date]: `start_date`: "
              "`2021-02-29` is not a real calendar date; expected a real "
              "calendar date YYYY-MM-DD\n"
              " | T02,V01,U01,2021-02-29,\n"
              " |             ^~~~~~~~~~\n")
        << "eol " << (e == "\n" ? "LF" : "CRLF");
    Loaded lenient = Read(Qiannan(), dir.path(), Strictness::kLenient);
    ASSERT_TRUE(lenient.ok());
    const FactTable& c = lenient.table("counties");
    ASSERT_EQ(c.num_rows(), 2u);
    EXPECT_EQ(Str(c, "name", 1), "福泉市");  // no "\r" at the end
    EXPECT_EQ(Lines(c), (std::vector<uint32_t>{2, 3}));
    const FactTable& t = lenient.table("teams");
    ASSERT_EQ(t.num_rows(), 1u);
    EXPECT_TRUE(IsNull(t, "end_date", 0));  // "" before "\r\n" is null
  }
}

TEST(CsvReaderTest, MixedLineEndsAndNoFinalLineEnd) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\r\nC01,a\nC02,b\r\nC03,c");
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  const FactTable& c = l.table("counties");
  ASSERT_EQ(c.num_rows(), 3u);
  EXPECT_EQ(Str(c, "name", 0), "a");
  EXPECT_EQ(Str(c, "name", 1), "b");
  EXPECT_EQ(Str(c, "name", 2), "c");
  EXPECT_EQ(Lines(c), (std::vector<uint32_t>{2, 3, 4}));
}

TEST(CsvReaderTest, BlankLinesAreSkippedAndNotRows) {
  TempDir dir;
  dir.Write("counties.csv",
            "\n\r\ncounty_id,name\n"   // blank lines before the header
            "\n"                       // 4
            "C01,都匀市\n"             // 5
            "\r\n"                     // 6
            "\n"                       // 7
            "C02,福泉市\n"             // 8
            "\n\n");
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  const FactTable& c = l.table("counties");
  ASSERT_EQ(c.num_rows(), 2u);
  EXPECT_EQ(Lines(c), (std::vector<uint32_t>{5, 8}));
  EXPECT_EQ(l.stats("counties").read, 2u);
}

TEST(CsvReaderTest, ALineOfSpacesIsNotBlank) {
  // Cells are not trimmed: "   " is a record of one field.
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01,a\n   \nC02,b\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/counties.csv:3:1: error[csv.field_count]: the record has 1 "
            "field but the header has 2\n"
            " |    \n"
            " | ^~~\n");
}

TEST(CsvReaderTest, LineBreaksInQuotedFieldsCountForLaterLines) {
  // r1 runs over lines 2-4; r2 starts on line 5 and its bad date is on line
  // 5; r3 starts on line 6 and its bad date sits on line 7 (after a quoted
  // line break): it is reported there, and the row is line 6.
  TempDir dir;
  dir.Write("t.csv",
            "id,s,d\n"
            "r1,\"a\nb\r\nc\",2023-01-01\n"
            "r2,x,2023-02-30\n"
            "r3,\"p\nq\",2023-04-31\n"
            "r4,\"\",2023-01-02\n");
  Loaded strict = Read(CellSchema(), dir.path());
  EXPECT_FALSE(strict.ok());
  EXPECT_EQ(strict.rendered(),
            "DIR/t.csv:5:6: error[csv.bad_date]: `d`: `2023-02-30` is not a "
            "real calendar date; expected a real calendar date YYYY-MM-DD\n"
            " | r2,x,2023-02-30\n"
            " |      ^~~~~~~~~~\n"
            "DIR/t.csv:7:4: error[csv.bad_date]: `d`: `2023-04-31` is not a "
            "real calendar date; expected a real calendar date YYYY-MM-DD\n"
            " | q\",2023-04-31\n"
            " |    ^~~~~~~~~~\n");
  Loaded l = Read(CellSchema(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok()) << l.rendered();
  const FactTable& t = l.table("t");
  ASSERT_EQ(t.num_rows(), 2u);
  EXPECT_EQ(Str(t, "s", 0), "a\nb\r\nc");
  EXPECT_EQ(Lines(t), (std::vector<uint32_t>{2, 8}));
  EXPECT_EQ(Rejections(l.facts()),
            (std::vector<Rejection>{
                {"t", 5,
                 "`d`: `2023-02-30` is not a real calendar date; expected a "
                 "real calendar date YYYY-MM-DD"},
                {"t", 6,
                 "`d`: `2023-04-31` is not a real calendar date; expected a "
                 "real calendar date YYYY-MM-DD"}}));
}

// ---------------------------------------------------------------------------
// RFC 4180 quoting.

TEST(CsvReaderTest, QuotedFields) {
  TempDir dir;
  dir.Write("counties.csv",
            "\"county_id\",\"name\"\n"
            "C01,\"都匀市, 黔南州\"\n"         // an embedded comma
            "\"C02\",\"福泉\"\"市\"\"\"\n"     // doubled quotes
            "C03,\"多\n行\r\n名\"\n"           // line breaks (lines 4-6)
            "C04,ab\"c\n"                      // a literal quote
            "C05,\"\"\"\"\n"                   // just a quote
            "C06,\" \"\n");                    // a quoted space is text
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  const FactTable& c = l.table("counties");
  ASSERT_EQ(c.num_rows(), 6u);
  EXPECT_EQ(Str(c, "name", 0), "都匀市, 黔南州");
  EXPECT_EQ(Str(c, "county_id", 1), "C02");
  EXPECT_EQ(Str(c, "name", 1), "福泉\"市\"");
  EXPECT_EQ(Str(c, "name", 2), "多\n行\r\n名");
  EXPECT_EQ(Str(c, "name", 3), "ab\"c");
  EXPECT_EQ(Str(c, "name", 4), "\"");
  EXPECT_EQ(Str(c, "name", 5), " ");
  EXPECT_EQ(Lines(c), (std::vector<uint32_t>{2, 3, 4, 7, 8, 9}));
  EXPECT_EQ(c.FindKey("C02"), std::optional<uint32_t>(1));
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsMalformed) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("counties.csv", "county_id,name\nC01,\"都匀\"x\nC02,福泉市\n");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir.path(), s);
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.rendered(),
              "DIR/counties.csv:2:9: error[csv.malformed]: `counties.csv`: "
              "expected `,` or a line end after the closing quote of a quoted "
              "field, found `x`\n"
              " | C01,\"都匀\"x\n"
              " |           ^\n");
  }
}

TEST(CsvReaderTest, UnterminatedQuoteIsMalformed) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("counties.csv", "county_id,name\nC01,\"都匀\nC02,福泉市\n");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir.path(), s);
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.rendered(),
              "DIR/counties.csv:2:5: error[csv.malformed]: `counties.csv`: "
              "unbalanced quotes: the quoted field that starts on line 2 is "
              "not closed\n"
              " | C01,\"都匀\n"
              " |     ^\n");
  }
}

TEST(CsvReaderTest, MalformedFileDoesNotStopTheOtherFiles) {
  // Both modes fail, and the other files' errors are listed too.
  TempDir dir;
  WriteBase(dir);
  dir.Write("counties.csv", "county_id,name\nC01,\"都匀\"x\n");
  dir.Write("units.csv",
            "unit_id,name,level,sector\n"
            "U01,都匀市科协,County,science_tech\n"
            "U02,州农业农村局,prefecture,agriculture\n");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir.path(), s);
    EXPECT_FALSE(l.ok());
    const std::string sev = s == Strictness::kStrict ? "error" : "warning";
    const std::string r = l.rendered();
    EXPECT_NE(r.find("DIR/counties.csv:2:9: error[csv.malformed]"),
              std::string::npos)
        << r;
    EXPECT_NE(r.find("DIR/units.csv:2:11: " + sev +
                     "[csv.bad_code]: `level`: `County` is not a known code; "
                     "expected one of central, province, prefecture, county, "
                     "township\n"
                     " | U01,都匀市科协,County,science_tech\n"
                     " |                ^~~~~~\n"
                     " = help: did you mean `county`?\n"),
              std::string::npos)
        << r;
  }
}

// ---------------------------------------------------------------------------
// The header.

TEST(CsvReaderTest, ColumnOrderIsFreeAndUnknownColumnsAreIgnored) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("counties.csv",
            "备注,name,county_id,,extra\n"
            "第一,都匀市,C01,,1\n"
            ",福泉市,C02,x,\n");
  dir.Write("teams.csv",
            "end_date,start_date,unit_id,village_id,team_id\n"
            ",2021-06-01,U01,V01,T01\n"
            "2023-05-31,2021-06-01,U02,V02,T02\n");
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(l.rendered(), "");
  const FactTable& c = l.table("counties");
  ASSERT_EQ(c.num_rows(), 2u);
  EXPECT_EQ(Str(c, "county_id", 0), "C01");
  EXPECT_EQ(Str(c, "name", 0), "都匀市");
  EXPECT_EQ(Str(c, "county_id", 1), "C02");
  EXPECT_EQ(Str(c, "name", 1), "福泉市");
  EXPECT_EQ(c.column("备注"), nullptr);
  const FactTable& t = l.table("teams");
  EXPECT_EQ(Str(t, "team_id", 1), "T02");
  EXPECT_EQ(t.column("end_date")->int32s()[1], DayNumber(2023, 5, 31));
  EXPECT_TRUE(IsNull(t, "end_date", 0));
  // The schema's column order is kept in the table.
  EXPECT_EQ(t.column(0).type(), ColumnType::kString);
  EXPECT_EQ(t.column(3).type(), ColumnType::kDate);
}

TEST(CsvReaderTest, NullableColumnsMayBeLeftOut) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("teams.csv",
            "team_id,village_id,unit_id,start_date\n"
            "T01,V01,U01,2021-06-01\n"
            "T02,V02,U02,2021-06-01\n");
  dir.Write("members.csv",
            "member_id,person_id,name,team_id,unit_id,role,start_date\n"
            "M01,P01,赵磊,T01,U01,first_secretary,2021-06-15\n");
  dir.Write("bundles.csv",
            "bundle_id,unit_id,team_id,kind\n"
            "B01,U01,T01,funds\n");
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(l.rendered(), "");
  const FactTable& t = l.table("teams");
  ASSERT_EQ(t.num_rows(), 2u);
  EXPECT_TRUE(IsNull(t, "end_date", 0));
  EXPECT_TRUE(IsNull(t, "end_date", 1));
  const FactTable& m = l.table("members");
  EXPECT_TRUE(IsNull(m, "end_date", 0));
  EXPECT_TRUE(IsNull(m, "end_reason", 0));
  const FactTable& b = l.table("bundles");
  EXPECT_TRUE(IsNull(b, "reference", 0));
  EXPECT_TRUE(IsNull(b, "amount", 0));
}

TEST(CsvReaderTest, LeavingOutOneOfANullIffPairIsChecked) {
  // end_reason left out (all null) while end_date is given: each such row
  // breaks "null exactly when end_date is null".
  TempDir dir;
  WriteBase(dir);
  dir.Write("members.csv",
            "member_id,person_id,name,team_id,unit_id,role,start_date,end_date\n"
            "M01,P01,赵磊,T01,U01,first_secretary,2021-06-15,\n"
            "M02,P02,何勇,T02,U02,resident_cadre,2021-06-15,2023-05-31\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered().substr(0, l.rendered().find('\n')),
            "DIR/members.csv:3:1: error[csv.null_iff]: `end_reason` must be "
            "empty exactly when `end_date` is empty, but `end_reason` is empty "
            "and `end_date` is `2023-05-31`");
}

TEST(CsvReaderTest, MissingRequiredColumnWithDidYouMean) {
  TempDir dir;
  WriteBase(dir);
  const std::string header = "team_id,village_id,unit_id,start_dat,end_date";
  dir.Write("teams.csv", header + "\nT01,V01,U01,2021-06-01,\n");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir.path(), s);
    EXPECT_FALSE(l.ok());
    // (The members of T01 and T02 are not reported: the teams are unknown.)
    EXPECT_EQ(l.rendered(),
              "DIR/teams.csv:1:1: error[csv.missing_column]: `teams.csv` "
              "has no column `start_date` (date, required)\n"
              " | " + header + "\n"
              " | ^" + std::string(header.size() - 1, '~') + "\n"
              " = help: is `start_dat` meant to be `start_date`?\n");
  }
}

TEST(CsvReaderTest, EveryMissingColumnIsListed) {
  TempDir dir;
  dir.Write("counties.csv", "id,Name\nC01,a\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/counties.csv:1:1: error[csv.missing_column]: "
            "`counties.csv` has no column `county_id` (id, required)\n"
            " | id,Name\n"
            " | ^~~~~~~\n"
            "DIR/counties.csv:1:1: error[csv.missing_column]: "
            "`counties.csv` has no column `name` (text, required)\n"
            " | id,Name\n"
            " | ^~~~~~~\n"
            " = help: is `Name` meant to be `name`?\n");
}

TEST(CsvReaderTest, HeaderNamesMatchExactly) {
  // Not trimmed, not case-folded.
  TempDir dir;
  dir.Write("counties.csv", "county_id, name\nC01,a\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/counties.csv:1:1: error[csv.missing_column]: "
            "`counties.csv` has no column `name` (text, required)\n"
            " | county_id, name\n"
            " | ^~~~~~~~~~~~~~~\n"
            " = help: is ` name` meant to be `name`?\n");
}

TEST(CsvReaderTest, ColumnNamedTwiceIsMalformed) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("counties.csv", "county_id,name,county_id\nC01,a,C01\n");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir.path(), s);
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.rendered(),
              "DIR/counties.csv:1:16: error[csv.duplicate_column]: "
              "`counties.csv`: column `county_id` is named twice\n"
              " | county_id,name,county_id\n"
              " |                ^~~~~~~~~\n");
  }
}

TEST(CsvReaderTest, NullableColumnNamedTwiceIsMalformed) {
  TempDir dir;
  dir.Write("t.csv", "id,s,s\nr1,a,b\n");
  Loaded l = Read(CellSchema(), dir.path(), Strictness::kLenient);
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/t.csv:1:6: error[csv.duplicate_column]: `t.csv`: column "
            "`s` is named twice\n"
            " | id,s,s\n"
            " |      ^\n");
}

// ---------------------------------------------------------------------------
// Rows with too few or too many fields.

TEST(CsvReaderTest, WrongFieldCountIsABadRow) {
  TempDir dir;
  dir.Write("counties.csv",
            "county_id,name\n"
            "C01\n"
            "C02,b,\n"
            "C03,c\n"
            ",,,\n");
  Loaded strict = Read(Qiannan(), dir.path());
  EXPECT_FALSE(strict.ok());
  EXPECT_EQ(strict.rendered(),
            "DIR/counties.csv:2:1: error[csv.field_count]: the record has 1 "
            "field but the header has 2\n"
            " | C01\n"
            " | ^~~\n"
            "DIR/counties.csv:3:1: error[csv.field_count]: the record has 3 "
            "fields but the header has 2\n"
            " | C02,b,\n"
            " | ^~~~~~\n"
            "DIR/counties.csv:5:1: error[csv.field_count]: the record has 4 "
            "fields but the header has 2\n"
            " | ,,,\n"
            " | ^~~\n");
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  const FactTable& c = l.table("counties");
  ASSERT_EQ(c.num_rows(), 1u);
  EXPECT_EQ(Str(c, "county_id", 0), "C03");
  const TableStats& s = l.stats("counties");
  EXPECT_EQ(s.read, 4u);
  EXPECT_EQ(s.accepted, 1u);
  EXPECT_EQ(s.rejected, 3u);
  EXPECT_EQ(Rejections(l.facts()),
            (std::vector<Rejection>{
                {"counties", 2, "the record has 1 field but the header has 2"},
                {"counties", 3, "the record has 3 fields but the header has 2"},
                {"counties", 5,
                 "the record has 4 fields but the header has 2"}}));
}

// ---------------------------------------------------------------------------
// Nulls and untrimmed cells.

TEST(CsvReaderTest, EmptyAndQuotedEmptyCellsAreNull) {
  TempDir dir;
  dir.Write("t.csv",
            "id,s,d,i,x,b,c\n"
            "r1,,,,,,\n"
            "r2,\"\",\"\",\"\",\"\",\"\",\"\"\n"
            "r3,\" \",2023-01-01,1,1,1,red\n");
  Loaded l = Read(CellSchema(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  const FactTable& t = l.table("t");
  ASSERT_EQ(t.num_rows(), 3u);
  for (size_t r : {0, 1}) {
    for (const char* c : {"s", "d", "i", "x", "b", "c", "m", "x3"}) {
      EXPECT_TRUE(IsNull(t, c, r)) << c << " row " << r;
    }
  }
  for (const char* c : {"s", "d", "i", "x", "b", "c"}) {
    EXPECT_FALSE(IsNull(t, c, 2)) << c;
  }
  EXPECT_EQ(Str(t, "s", 2), " ");
}

TEST(CsvReaderTest, NullWhereNotAllowed) {
  TempDir dir;
  dir.Write("counties.csv",
            "county_id,name\n"
            "C01,\n"
            ",福泉市\n"
            "C03,\"\"\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/counties.csv:2:5: error[csv.null]: `name` is empty; expected "
            "text\n"
            " | C01,\n"
            " |     ^\n"
            "DIR/counties.csv:3:1: error[csv.null]: `county_id` is empty; "
            "expected a non-empty id\n"
            " | ,福泉市\n"
            " | ^\n"
            "DIR/counties.csv:4:5: error[csv.null]: `name` is empty; expected "
            "text\n"
            " | C03,\"\"\n"
            " |     ^~\n");
}

TEST(CsvReaderTest, CellsAreNotTrimmed) {
  TempDir dir;
  dir.Write("t.csv",
            "id,s,d\n"
            "r1,   ,2023-01-01\n"
            "r2, a ,2023-01-01\n"
            " r3,x, 2023-01-01\n");
  Loaded l = Read(CellSchema(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(l.rendered(),
            "DIR/t.csv:4:7: warning[csv.bad_date]: `d`: ` 2023-01-01` is not "
            "valid; expected a real calendar date YYYY-MM-DD\n"
            " |  r3,x, 2023-01-01\n"
            " |       ^~~~~~~~~~~\n");
  const FactTable& t = l.table("t");
  ASSERT_EQ(t.num_rows(), 2u);
  EXPECT_EQ(Str(t, "s", 0), "   ");
  EXPECT_EQ(Str(t, "s", 1), " a ");
  // An id of spaces around is not the trimmed id.
  TempDir dir2;
  dir2.Write("t.csv", "id\n r1\nr1 \nr1\n");
  Loaded l2 = Read(CellSchema(), dir2.path());
  ASSERT_TRUE(l2.ok()) << l2.rendered();
  EXPECT_EQ(l2.table("t").num_rows(), 3u);
  EXPECT_EQ(l2.table("t").FindKey("r1"), std::optional<uint32_t>(2));
  EXPECT_EQ(l2.table("t").FindKey(" r1"), std::optional<uint32_t>(0));
}

TEST(CsvReaderTest, NullIffBothDirections) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("members.csv",
            "member_id,person_id,name,team_id,unit_id,role,start_date,end_date,"
            "end_reason\n"
            "M01,P01,赵磊,T01,U01,first_secretary,2021-06-15,,term_complete\n"
            "M02,P02,何勇,T02,U02,resident_cadre,2021-06-15,2023-05-31,\n"
            "M03,P01,赵磊,T02,U01,other,2023-06-01,,\n"
            "M04,P04,王芳,T02,U01,other,2023-06-01,2023-06-30,health\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/members.csv:2:48: error[csv.null_iff]: `end_reason` must be "
            "empty exactly when `end_date` is empty, but `end_reason` is "
            "`term_complete` and `end_date` is empty\n"
            " | M01,P01,赵磊,T01,U01,first_secretary,2021-06-15,,term_complete\n"
            " |                                                  "
            "^~~~~~~~~~~~~\n"
            "DIR/members.csv:3:57: error[csv.null_iff]: `end_reason` must be "
            "empty exactly when `end_date` is empty, but `end_reason` is empty "
            "and `end_date` is `2023-05-31`\n"
            " | M02,P02,何勇,T02,U02,resident_cadre,2021-06-15,2023-05-31,\n"
            " |                                                           ^\n");
}

// ---------------------------------------------------------------------------
// Cell types, one cell at a time: `r1,<cell>` under the header `id,<column>`.

struct CellCase {
  const char* column;
  std::string cell;  // as written in the file
  // The diagnostic's code and message ("" when the cell is valid).
  std::string problem;
  std::string help = "";
};

// Display width of a test string: CJK characters take two cells.
size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      w += 1;
      i += 1;
    } else if (b >= 0xE0 && b < 0xF0) {
      w += 2;
      i += 3;
    } else if (b >= 0xF0) {
      w += 2;
      i += 4;
    } else {
      w += 1;
      i += 2;
    }
  }
  return w;
}

std::string ExpectedCellDiagnostic(const CellCase& c) {
  std::string out = "DIR/t.csv:2:4: error[" + c.problem + "\n | r1," +
                    c.cell + "\n |    ^" +
                    std::string(DisplayWidth(c.cell) - 1, '~') + "\n";
  if (!c.help.empty()) out += " = help: " + c.help + "\n";
  return out;
}

const std::string kDate = "; expected a real calendar date YYYY-MM-DD";
const std::string kMonth = "; expected a month YYYY-MM";
const std::string kInt =
    "; expected an integer such as 2023 (digits, optional leading -)";
const std::string kDecimal =
    "; expected a decimal number with at most 2 fractional digits, such as "
    "1100.50";
const std::string kBool = "; expected true, false, 1, 0, 是 or 否";
const std::string kCode = "; expected one of red, green, Blue";

const std::vector<CellCase>& BadCells() {
  static const std::vector<CellCase> cases = {
      // date: a real calendar date, exactly YYYY-MM-DD in ASCII digits.
      {"d", "2023-02-30",
       "csv.bad_date]: `d`: `2023-02-30` is not a real calendar date" + kDate},
      {"d", "2023-02-29",
       "csv.bad_date]: `d`: `2023-02-29` is not a real calendar date" + kDate},
      {"d", "2100-02-29",
       "csv.bad_date]: `d`: `2100-02-29` is not a real calendar date" + kDate},
      {"d", "2023-04-31",
       "csv.bad_date]: `d`: `2023-04-31` is not a real calendar date" + kDate},
      {"d", "2023-13-01",
       "csv.bad_date]: `d`: `2023-13-01` is not a real calendar date" + kDate},
      {"d", "2023-00-10",
       "csv.bad_date]: `d`: `2023-00-10` is not a real calendar date" + kDate},
      {"d", "2023-01-00",
       "csv.bad_date]: `d`: `2023-01-00` is not a real calendar date" + kDate},
      {"d", "2023-2-01", "csv.bad_date]: `d`: `2023-2-01` is not valid" + kDate},
      {"d", "2023-02-1", "csv.bad_date]: `d`: `2023-02-1` is not valid" + kDate},
      {"d", "2023/02/01", "csv.bad_date]: `d`: `2023/02/01` is not valid" + kDate},
      {"d", "20230201", "csv.bad_date]: `d`: `20230201` is not valid" + kDate},
      {"d", "2023-02-01 ", "csv.bad_date]: `d`: `2023-02-01 ` is not valid" + kDate},
      {"d", "2023-02-01T00:00",
       "csv.bad_date]: `d`: `2023-02-01T00:00` is not valid" + kDate},
      {"d", "２０２３-02-01",
       "csv.bad_date]: `d`: `２０２３-02-01` is not valid" + kDate},
      {"d", "2023年2月1日", "csv.bad_date]: `d`: `2023年2月1日` is not valid" + kDate},
      {"d", "+023-02-01", "csv.bad_date]: `d`: `+023-02-01` is not valid" + kDate},
      // month: YYYY-MM.
      {"m", "2023-7", "csv.bad_month]: `m`: `2023-7` is not valid" + kMonth},
      {"m", "2023-07-01", "csv.bad_month]: `m`: `2023-07-01` is not valid" + kMonth},
      {"m", "202307", "csv.bad_month]: `m`: `202307` is not valid" + kMonth},
      {"m", "2023/07", "csv.bad_month]: `m`: `2023/07` is not valid" + kMonth},
      {"m", "2023-13",
       "csv.bad_month]: `m`: `2023-13` is not a real calendar date" + kMonth},
      {"m", "2023-00",
       "csv.bad_month]: `m`: `2023-00` is not a real calendar date" + kMonth},
      // int: -?[0-9]+ within int64.
      {"i", "+5", "csv.bad_int]: `i`: `+5` is not valid" + kInt},
      {"i", "1.0", "csv.bad_int]: `i`: `1.0` is not valid" + kInt},
      {"i", "1e3", "csv.bad_int]: `i`: `1e3` is not valid" + kInt},
      {"i", "0x10", "csv.bad_int]: `i`: `0x10` is not valid" + kInt},
      {"i", "-", "csv.bad_int]: `i`: `-` is not valid" + kInt},
      {"i", "--1", "csv.bad_int]: `i`: `--1` is not valid" + kInt},
      {"i", " 1", "csv.bad_int]: `i`: ` 1` is not valid" + kInt},
      {"i", "\"1,000\"", "csv.bad_int]: `i`: `1,000` is not valid" + kInt},
      {"i", "２０２３", "csv.bad_int]: `i`: `２０２３` is not valid" + kInt},
      {"i", "9223372036854775808",
       "csv.bad_int]: `i`: `9223372036854775808` is too large" + kInt},
      {"i", "-9223372036854775809",
       "csv.bad_int]: `i`: `-9223372036854775809` is too large" + kInt},
      {"i", "99999999999999999999999",
       "csv.bad_int]: `i`: `99999999999999999999999` is too large" + kInt},
      // decimal: -?[0-9]+(\.[0-9]{1,2})?
      {"x", "+1", "csv.bad_decimal]: `x`: `+1` is not valid" + kDecimal},
      {"x", ".5", "csv.bad_decimal]: `x`: `.5` is not valid" + kDecimal},
      {"x", "-.5", "csv.bad_decimal]: `x`: `-.5` is not valid" + kDecimal},
      {"x", "5.", "csv.bad_decimal]: `x`: `5.` is not valid" + kDecimal},
      {"x", "1e3", "csv.bad_decimal]: `x`: `1e3` is not valid" + kDecimal},
      {"x", "1.5e2", "csv.bad_decimal]: `x`: `1.5e2` is not valid" + kDecimal},
      {"x", "\"1,000\"", "csv.bad_decimal]: `x`: `1,000` is not valid" + kDecimal},
      {"x", "1.2.3", "csv.bad_decimal]: `x`: `1.2.3` is not valid" + kDecimal},
      {"x", "1.-2", "csv.bad_decimal]: `x`: `1.-2` is not valid" + kDecimal},
      {"x", "¥100", "csv.bad_decimal]: `x`: `¥100` is not valid" + kDecimal},
      {"x", "NaN", "csv.bad_decimal]: `x`: `NaN` is not valid" + kDecimal},
      {"x", "1.234",
       "csv.bad_decimal]: `x`: `1.234` has more than 2 fractional digits" +
           kDecimal},
      {"x", "0.000",
       "csv.bad_decimal]: `x`: `0.000` has more than 2 fractional digits" +
           kDecimal},
      {"x", "92233720368547758.08",
       "csv.bad_decimal]: `x`: `92233720368547758.08` is too large" + kDecimal},
      {"x", "-92233720368547758.09",
       "csv.bad_decimal]: `x`: `-92233720368547758.09` is too large" + kDecimal},
      {"x3", "1.2345",
       "csv.bad_decimal]: `x3`: `1.2345` has more than 3 fractional digits; "
       "expected a decimal number with at most 3 fractional digits, such as "
       "1100.50"},
      // bool: exactly true false 1 0 是 否.
      {"b", "True", "csv.bad_bool]: `b`: `True` is not valid" + kBool},
      {"b", "TRUE", "csv.bad_bool]: `b`: `TRUE` is not valid" + kBool},
      {"b", "yes", "csv.bad_bool]: `b`: `yes` is not valid" + kBool},
      {"b", "no", "csv.bad_bool]: `b`: `no` is not valid" + kBool},
      {"b", "2", "csv.bad_bool]: `b`: `2` is not valid" + kBool},
      {"b", "01", "csv.bad_bool]: `b`: `01` is not valid" + kBool},
      {"b", "对", "csv.bad_bool]: `b`: `对` is not valid" + kBool},
      {"b", "是的", "csv.bad_bool]: `b`: `是的` is not valid" + kBool},
      {"b", " true", "csv.bad_bool]: `b`: ` true` is not valid" + kBool},
      // code: one of the listed codes, case-sensitive.
      {"c", "Red", "csv.bad_code]: `c`: `Red` is not a known code" + kCode,
       "did you mean `red`?"},
      {"c", "blue", "csv.bad_code]: `c`: `blue` is not a known code" + kCode,
       "did you mean `Blue`?"},
      {"c", "gren", "csv.bad_code]: `c`: `gren` is not a known code" + kCode,
       "did you mean `green`?"},
      {"c", "red ", "csv.bad_code]: `c`: `red ` is not a known code" + kCode,
       "did you mean `red`?"},
      {"c", "purple", "csv.bad_code]: `c`: `purple` is not a known code" + kCode},
      {"c", "红", "csv.bad_code]: `c`: `红` is not a known code" + kCode},
  };
  return cases;
}

TEST(CsvCellTest, BadCellsRenderExactly) {
  for (const CellCase& c : BadCells()) {
    TempDir dir;
    dir.Write("t.csv", "id," + std::string(c.column) + "\nr1," + c.cell + "\n");
    Loaded l = Read(CellSchema(), dir.path());
    EXPECT_FALSE(l.ok()) << c.cell;
    EXPECT_EQ(l.rendered(), ExpectedCellDiagnostic(c)) << "cell " << c.cell;
  }
}

TEST(CsvCellTest, BadCellsInLenientModeAreWarningsAndRejections) {
  // All bad cells of one column in one file: every one is listed, each row
  // is rejected for its own reason, and the good row is kept.
  for (const char* column : {"d", "m", "i", "x", "b", "c"}) {
    TempDir dir;
    std::string text = "id," + std::string(column) + "\n";
    std::vector<const CellCase*> cases;
    for (const CellCase& c : BadCells()) {
      if (c.column != std::string(column)) continue;
      cases.push_back(&c);
      text += "r" + std::to_string(cases.size()) + "," + c.cell + "\n";
    }
    text += "good,\n";
    dir.Write("t.csv", text);
    Loaded l = Read(CellSchema(), dir.path(), Strictness::kLenient);
    ASSERT_TRUE(l.ok()) << l.rendered();
    ASSERT_EQ(l.table("t").num_rows(), 1u);
    EXPECT_EQ(Str(l.table("t"), "id", 0), "good");
    const TableStats& s = l.stats("t");
    EXPECT_EQ(s.read, cases.size() + 1);
    EXPECT_EQ(s.accepted, 1u);
    EXPECT_EQ(s.rejected, cases.size());
    ASSERT_EQ(l.facts().rejected().size(), cases.size());
    ASSERT_EQ(l.result->diagnostics().size(), cases.size());
    for (size_t k = 0; k < cases.size(); ++k) {
      const RejectedRow& r = l.facts().rejected()[k];
      EXPECT_EQ(r.table, "t");
      EXPECT_EQ(r.line, k + 2);
      const std::string& p = cases[k]->problem;
      EXPECT_EQ(r.reason, p.substr(p.find("]: ") + 3));
      const Diagnostic& d = l.result->diagnostics().items()[k];
      EXPECT_EQ(d.severity, Severity::kWarning);
      EXPECT_EQ(d.code, p.substr(0, p.find(']')));
      EXPECT_EQ(l.sources.Locate(d.span.file, d.span.begin).line, k + 2);
    }
  }
}

TEST(CsvCellTest, GoodCellsAndTheirValues) {
  TempDir dir;
  dir.Write("t.csv",
            "id,d,m,i,x,b,c,x3\n"
            "r1,2024-02-29,2023-07,2023,-0.5,true,red,1.5\n"
            "r2,2000-02-29,2023-12,-5,007.10,false,green,-0.001\n"
            "r3,1970-01-01,2024-01,0,12,1,Blue,7\n"
            "r4,2023-12-31,1999-01,9223372036854775807,0.01,0,red,0.120\n"
            "r5,2023-01-01,2023-01,-9223372036854775808,92233720368547758.07,"
            "是,red,\n"
            "r6,2023-01-01,2023-01,-0,-92233720368547758.08,否,red,\n"
            "r7,2023-01-01,2023-01,007,-0,1,red,\n");
  Loaded l = Read(CellSchema(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(l.rendered(), "");
  const FactTable& t = l.table("t");
  ASSERT_EQ(t.num_rows(), 7u);

  const Column& d = *t.column("d");
  EXPECT_EQ(d.type(), ColumnType::kDate);
  EXPECT_EQ(d.int32s()[0], 19782);  // 2024-02-29
  EXPECT_EQ(d.int32s()[1], DayNumber(2000, 2, 29));
  EXPECT_EQ(d.int32s()[2], 0);
  EXPECT_EQ(d.int32s()[3], DayNumber(2023, 12, 31));

  const Column& m = *t.column("m");
  EXPECT_EQ(m.type(), ColumnType::kMonth);
  EXPECT_EQ(m.int32s()[0], 2023 * 12 + 6);
  EXPECT_EQ(m.int32s()[1], 2023 * 12 + 11);
  EXPECT_EQ(m.int32s()[2], 2024 * 12);
  EXPECT_EQ(m.int32s()[3], 1999 * 12);

  const Column& i = *t.column("i");
  EXPECT_EQ(i.type(), ColumnType::kInt);
  EXPECT_EQ(i.ints(), (std::vector<int64_t>{2023, -5, 0, INT64_MAX, INT64_MIN,
                                             0, 7}));

  const Column& x = *t.column("x");
  EXPECT_EQ(x.type(), ColumnType::kDecimal);
  EXPECT_EQ(x.scale(), 2);
  EXPECT_EQ(x.ints(), (std::vector<int64_t>{-50, 710, 1200, 1, INT64_MAX,
                                             INT64_MIN, 0}));

  const Column& x3 = *t.column("x3");
  EXPECT_EQ(x3.scale(), 3);
  EXPECT_EQ(x3.ints()[0], 1500);
  EXPECT_EQ(x3.ints()[1], -1);
  EXPECT_EQ(x3.ints()[2], 7000);
  EXPECT_EQ(x3.ints()[3], 120);
  EXPECT_TRUE(IsNull(t, "x3", 4));

  const Column& b = *t.column("b");
  EXPECT_EQ(b.type(), ColumnType::kBool);
  EXPECT_EQ(b.bools(), (std::vector<uint8_t>{1, 0, 1, 0, 1, 0, 1}));

  const Column& c = *t.column("c");
  EXPECT_EQ(c.type(), ColumnType::kString);
  EXPECT_EQ(Str(t, "c", 0), "red");
  EXPECT_EQ(Str(t, "c", 1), "green");
  EXPECT_EQ(Str(t, "c", 2), "Blue");
  // Codes are dictionary-encoded in declaration order.
  EXPECT_EQ(c.dictionary(), (std::vector<std::string>{"red", "green", "Blue"}));
  EXPECT_EQ(c.int32s()[0], 0);
  EXPECT_EQ(c.int32s()[2], 2);
}

TEST(CsvCellTest, TextIsAnyUtf8) {
  TempDir dir;
  dir.Write("t.csv",
            "id,s\n"
            "r1,黔南布依族苗族自治州\n"
            "r2,\"a,\"\"b\"\"\"\n"
            "r3,😀 emoji\n"
            "r4,\t tab\n"
            "r5,2023-02-30\n");
  Loaded l = Read(CellSchema(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  const FactTable& t = l.table("t");
  EXPECT_EQ(Str(t, "s", 0), "黔南布依族苗族自治州");
  EXPECT_EQ(Str(t, "s", 1), "a,\"b\"");
  EXPECT_EQ(Str(t, "s", 2), "😀 emoji");
  EXPECT_EQ(Str(t, "s", 3), "\t tab");
  EXPECT_EQ(Str(t, "s", 4), "2023-02-30");
}

TEST(CsvCellTest, SeveralBadCellsInOneRowAreAllListed) {
  TempDir dir;
  dir.Write("t.csv", "id,d,i,b\nr1,2023-02-30,x,yes\n");
  Loaded l = Read(CellSchema(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/t.csv:2:4: warning[csv.bad_date]: `d`: `2023-02-30` is not a "
            "real calendar date" + kDate + "\n"
            " | r1,2023-02-30,x,yes\n"
            " |    ^~~~~~~~~~\n"
            "DIR/t.csv:2:15: warning[csv.bad_int]: `i`: `x` is not valid" +
                kInt + "\n"
            " | r1,2023-02-30,x,yes\n"
            " |               ^\n"
            "DIR/t.csv:2:17: warning[csv.bad_bool]: `b`: `yes` is not valid" +
                kBool + "\n"
            " | r1,2023-02-30,x,yes\n"
            " |                 ^~~\n");
  // One row, rejected once, for its first reason.
  EXPECT_EQ(l.stats("t").read, 1u);
  EXPECT_EQ(l.stats("t").rejected, 1u);
  EXPECT_EQ(Rejections(l.facts()),
            (std::vector<Rejection>{
                {"t", 2, "`d`: `2023-02-30` is not a real calendar date" + kDate}}));
}

TEST(CsvCellTest, ScoresOutsideZeroToHundredAreValidInput) {
  // DATA.md: POLICY.md's `assess.score_range` reports them; the reader
  // does not.
  TempDir dir;
  WriteBase(dir);
  dir.Write("assessments.csv",
            "member_id,year,daily_score,half_year_score,year_end_score\n"
            "M01,2022,150,-5,100.01\n"
            "M02,2022,0,-0.01,99999\n");
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  const FactTable& a = l.table("assessments");
  ASSERT_EQ(a.num_rows(), 2u);
  EXPECT_EQ(a.column("daily_score")->ints(), (std::vector<int64_t>{15000, 0}));
  EXPECT_EQ(a.column("half_year_score")->ints(),
            (std::vector<int64_t>{-500, -1}));
  EXPECT_EQ(a.column("year_end_score")->ints(),
            (std::vector<int64_t>{10001, 9999900}));
}

// ---------------------------------------------------------------------------
// Keys, unique keys and references.

TEST(CsvKeysTest, DuplicateIdFirstIsKept) {
  TempDir dir;
  dir.Write("counties.csv",
            "county_id,name\n"
            "C01,都匀市\n"
            "C02,福泉市\n"
            "C01,荔波县\n"
            "C01,贵定县\n");
  Loaded strict = Read(Qiannan(), dir.path());
  EXPECT_FALSE(strict.ok());
  EXPECT_EQ(strict.rendered(),
            "DIR/counties.csv:4:1: error[csv.duplicate_key]: duplicate "
            "`county_id` `C01` (first on line 2)\n"
            " | C01,荔波县\n"
            " | ^~~\n"
            "DIR/counties.csv:5:1: error[csv.duplicate_key]: duplicate "
            "`county_id` `C01` (first on line 2)\n"
            " | C01,贵定县\n"
            " | ^~~\n");
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  const FactTable& c = l.table("counties");
  ASSERT_EQ(c.num_rows(), 2u);
  EXPECT_EQ(c.FindKey("C01"), std::optional<uint32_t>(0));
  EXPECT_EQ(Str(c, "name", 0), "都匀市");
  EXPECT_EQ(Lines(c), (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(Rejections(l.facts()),
            (std::vector<Rejection>{
                {"counties", 4, "duplicate `county_id` `C01` (first on line 2)"},
                {"counties", 5, "duplicate `county_id` `C01` (first on line 2)"}}));
}

TEST(CsvKeysTest, ReferencesToADuplicatedIdGoToTheFirst) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01,都匀市\nC01,荔波县\n");
  dir.Write("villages.csv",
            "village_id,county_id,township,name,category\n"
            "V01,C01,墨冲镇,良寨村,poor\n");
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  // The village is fine: it refers to the kept row.
  EXPECT_EQ(l.table("villages").num_rows(), 1u);
  EXPECT_EQ(*l.table("villages").references("county_id"),
            (std::vector<int32_t>{0}));
}

TEST(CsvKeysTest, DuplicateUniqueKeys) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("assessments.csv",
            "member_id,year,daily_score,half_year_score,year_end_score\n"
            "M01,2022,90.5,88,91.25\n"
            "M01,2023,90,90,90\n"
            "M02,2022,80,80,80\n"
            "M01,2022,70,70,70\n");
  dir.Write("payments.csv",
            "member_id,month,living_allowance,transport_reimbursements\n"
            "M01,2023-07,1300.00,2\n"
            "M01,2023-08,1300.00,2\n"
            "M02,2023-07,1300.00,2\n"
            "M01,2023-07,1300,3\n");
  Loaded strict = Read(Qiannan(), dir.path());
  EXPECT_FALSE(strict.ok());
  EXPECT_EQ(strict.rendered(),
            "DIR/assessments.csv:5:1: error[csv.duplicate_unique]: duplicate "
            "(`member_id`, `year`) = (`M01`, `2022`) (first on line 2)\n"
            " | M01,2022,70,70,70\n"
            " | ^~~\n"
            "DIR/payments.csv:5:1: error[csv.duplicate_unique]: duplicate "
            "(`member_id`, `month`) = (`M01`, `2023-07`) (first on line 2)\n"
            " | M01,2023-07,1300,3\n"
            " | ^~~\n");
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  const FactTable& a = l.table("assessments");
  ASSERT_EQ(a.num_rows(), 3u);
  EXPECT_EQ(a.column("daily_score")->ints()[0], 9050);
  EXPECT_EQ(a.column("year_end_score")->ints()[0], 9125);
  EXPECT_EQ(Lines(a), (std::vector<uint32_t>{2, 3, 4}));
  const FactTable& p = l.table("payments");
  ASSERT_EQ(p.num_rows(), 3u);
  EXPECT_EQ(p.column("transport_reimbursements")->ints()[0], 2);
}

TEST(CsvKeysTest, DanglingReference) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("members.csv",
            "member_id,person_id,name,team_id,unit_id,role,start_date,end_date,"
            "end_reason\n"
            "M01,P01,赵磊,T09,U01,first_secretary,2021-06-15,,\n"
            "M02,P02,何勇,T02,u02,resident_cadre,2021-06-15,2023-05-31,"
            "term_complete\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/members.csv:2:12: error[csv.dangling_reference]: `team_id`: "
            "no `teams` row has `team_id` `T09`\n"
            " | M01,P01,赵磊,T09,U01,first_secretary,2021-06-15,,\n"
            " |              ^~~\n"
            "DIR/members.csv:3:16: error[csv.dangling_reference]: `unit_id`: "
            "no `units` row has `unit_id` `u02`\n"
            " | M02,P02,何勇,T02,u02,resident_cadre,2021-06-15,2023-05-31,"
            "term_complete\n"
            " |                  ^~~\n");
}

TEST(CsvKeysTest, ReferenceIntoAnAbsentTableDangles) {
  TempDir dir;
  dir.Write("villages.csv",
            "village_id,county_id,township,name,category\n"
            "V01,C01,墨冲镇,良寨村,poor\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/villages.csv:2:5: error[csv.dangling_reference]: `county_id`: "
            "no `counties` row has `county_id` `C01`\n"
            " | V01,C01,墨冲镇,良寨村,poor\n"
            " |     ^~~\n");
}

TEST(CsvKeysTest, BadRowsCascadeTwoLevels) {
  // A bad team makes its members bad, and they make their assessments and
  // payments bad.
  TempDir dir;
  WriteBase(dir);
  dir.Write("teams.csv",
            "team_id,village_id,unit_id,start_date,end_date\n"
            "T01,V01,U01,2021-06-01,\n"
            "T02,V02,U02,2021-06-31,2023-05-31\n");
  dir.Write("assessments.csv",
            "member_id,year,daily_score,half_year_score,year_end_score\n"
            "M01,2022,90.5,88,91.25\n"
            "M02,2022,85,86,87\n");
  dir.Write("payments.csv",
            "member_id,month,living_allowance,transport_reimbursements\n"
            "M01,2023-07,1300.00,2\n"
            "M03,2023-07,1300.00,1\n");
  const std::string expected_tail =
      "[csv.bad_date]: `start_date`: `2021-06-31` is not a real calendar "
      "date; expected a real calendar date YYYY-MM-DD\n"
      " | T02,V02,U02,2021-06-31,2023-05-31\n"
      " |             ^~~~~~~~~~\n"
      "DIR/members.csv:3:12: SEV[csv.bad_reference]: `team_id` `T02` refers to "
      "the `teams` row on line 3, which is invalid\n"
      " | M02,P02,何勇,T02,U02,resident_cadre,2021-06-15,2023-05-31,"
      "term_complete\n"
      " |              ^~~\n"
      "DIR/members.csv:4:12: SEV[csv.bad_reference]: `team_id` `T02` refers to "
      "the `teams` row on line 3, which is invalid\n"
      " | M03,P01,赵磊,T02,U01,other,2023-06-01,,\n"
      " |              ^~~\n"
      "DIR/assessments.csv:3:1: SEV[csv.bad_reference]: `member_id` `M02` "
      "refers to the `members` row on line 3, which is invalid\n"
      " | M02,2022,85,86,87\n"
      " | ^~~\n"
      "DIR/payments.csv:3:1: SEV[csv.bad_reference]: `member_id` `M03` refers "
      "to the `members` row on line 4, which is invalid\n"
      " | M03,2023-07,1300.00,1\n"
      " | ^~~\n";
  // Listed: the cause, one line for the four rows it takes with it, a total.
  const std::string listed_tail =
      "[csv.bad_date]: `start_date`: `2021-06-31` is not a real calendar "
      "date; expected a real calendar date YYYY-MM-DD\n"
      " | T02,V02,U02,2021-06-31,2023-05-31\n"
      " |             ^~~~~~~~~~\n"
      "SEV[csv.bad_reference]: 4 rows refer, directly or through others, to the rejected "
      "`teams` row on line 3 and are rejected too: 2 of `members`, 1 of `assessments`, 1 of "
      "`payments`\n"
      " = help: fix that row, and these are read again\n"
      "note[facts.rejected]: 5 rows rejected in all: 1 with a problem of its own, 4 that "
      "refer to it\n";
  Loaded strict = Read(Qiannan(), dir.path());
  EXPECT_FALSE(strict.ok());
  EXPECT_EQ(strict.rendered(),
            "DIR/teams.csv:3:13: error" + ReplaceAll(listed_tail, "SEV", "error"));
  // Every one, on request.
  EXPECT_EQ(strict.all_rendered(),
            "DIR/teams.csv:3:13: error" +
                ReplaceAll(expected_tail, "SEV", "error"));

  Loaded l = Read(Qiannan(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/teams.csv:3:13: warning" + ReplaceAll(listed_tail, "SEV", "warning"));
  EXPECT_EQ(l.all_rendered(),
            "DIR/teams.csv:3:13: warning" +
                ReplaceAll(expected_tail, "SEV", "warning"));
  EXPECT_EQ(
      Rejections(l.facts()),
      (std::vector<Rejection>{
          {"teams", 3,
           "`start_date`: `2021-06-31` is not a real calendar date; expected "
           "a real calendar date YYYY-MM-DD"},
          {"members", 3,
           "`team_id` `T02` refers to the `teams` row on line 3, which is "
           "invalid"},
          {"members", 4,
           "`team_id` `T02` refers to the `teams` row on line 3, which is "
           "invalid"},
          {"assessments", 3,
           "`member_id` `M02` refers to the `members` row on line 3, which is "
           "invalid"},
          {"payments", 3,
           "`member_id` `M03` refers to the `members` row on line 4, which is "
           "invalid"}}));
  const std::map<std::string, std::tuple<size_t, size_t, size_t>> expected = {
      {"counties", {2, 2, 0}},    {"villages", {2, 2, 0}},
      {"units", {2, 2, 0}},       {"teams", {2, 1, 1}},
      {"members", {3, 1, 2}},     {"assessments", {2, 1, 1}},
      {"payments", {2, 1, 1}},    {"leaders", {0, 0, 0}}};
  for (const auto& [table, counts] : expected) {
    const TableStats& s = l.stats(table);
    EXPECT_EQ(std::make_tuple(s.read, s.accepted, s.rejected), counts) << table;
    EXPECT_EQ(l.table(table).num_rows(), std::get<1>(counts)) << table;
  }
  EXPECT_FALSE(l.table("teams").FindKey("T02").has_value());
  EXPECT_FALSE(l.table("members").FindKey("M02").has_value());
  EXPECT_EQ(l.table("members").FindKey("M01"), std::optional<uint32_t>(0));
}

TEST(CsvKeysTest, ReferencesToRowsOfAWrongFieldCountAreRejectedToo) {
  // The team row cannot be read at all; its member is not evaluated either.
  TempDir dir;
  WriteBase(dir);
  dir.Write("teams.csv",
            "team_id,village_id,unit_id,start_date,end_date\n"
            "T01,V01,U01,2021-06-01,\n"
            "T02,V02,U02,2021-06-01,2023-05-31,extra\n");
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.table("teams").num_rows(), 1u);
  EXPECT_EQ(l.table("members").num_rows(), 1u);
  EXPECT_EQ(Str(l.table("members"), "member_id", 0), "M01");
  EXPECT_EQ(l.stats("members").rejected, 2u);
}

TEST(CsvKeysTest, ReferencesAreRowNumbers) {
  TempDir dir;
  WriteBase(dir);
  Loaded l = Read(Qiannan(), dir.path());
  ASSERT_TRUE(l.ok()) << l.rendered();
  const FactTable& m = l.table("members");
  ASSERT_NE(m.references("team_id"), nullptr);
  EXPECT_EQ(*m.references("team_id"), (std::vector<int32_t>{0, 1, 1}));
  EXPECT_EQ(*m.references("unit_id"), (std::vector<int32_t>{0, 1, 0}));
  EXPECT_EQ(m.references("person_id"), nullptr);  // not a reference
  EXPECT_EQ(m.references("nope"), nullptr);
  const FactTable& v = l.table("villages");
  EXPECT_EQ(*v.references("county_id"), (std::vector<int32_t>{0, 1}));
  // GroupBy a reference: group g holds the rows that refer to row g.
  const GroupIndex by_team = m.GroupBy("team_id");
  EXPECT_EQ(by_team.size(), 2u);
  EXPECT_EQ(by_team.offsets, (std::vector<uint32_t>{0, 1, 3}));
  EXPECT_TRUE(by_team.listed.empty());  // (the rows come in order of team: row(k) is k)
  EXPECT_EQ(by_team.row(2), 2u);
  // GroupBy a plain id column: one group per distinct value.
  const GroupIndex by_person = m.GroupBy("person_id");
  EXPECT_EQ(by_person.size(), 2u);
  EXPECT_EQ(by_person.offsets, (std::vector<uint32_t>{0, 2, 3}));
  EXPECT_EQ(by_person.listed, (std::vector<uint32_t>{0, 2, 1}));
}

TEST(CsvKeysTest, LenientRenumbersReferencesPastRejectedRows) {
  TempDir dir;
  WriteBase(dir);
  dir.Write("teams.csv",
            "team_id,village_id,unit_id,start_date,end_date\n"
            "T00,V01,U01,bad,\n"
            "T01,V01,U01,2021-06-01,\n"
            "T02,V02,U02,2021-06-01,2023-05-31\n");
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.table("teams").num_rows(), 2u);
  EXPECT_EQ(l.table("teams").FindKey("T01"), std::optional<uint32_t>(0));
  EXPECT_EQ(l.table("teams").FindKey("T02"), std::optional<uint32_t>(1));
  EXPECT_FALSE(l.table("teams").FindKey("T00").has_value());
  EXPECT_EQ(*l.table("members").references("team_id"),
            (std::vector<int32_t>{0, 1, 1}));
  EXPECT_EQ(Lines(l.table("teams")), (std::vector<uint32_t>{3, 4}));
}

// ---------------------------------------------------------------------------
// Strict and lenient mode.

// Errors in several files: listed by table (schema order), then line.
void WriteSeveralBadFiles(const TempDir& dir) {
  WriteBase(dir);
  dir.Write("counties.csv",
            "county_id,name\n"
            "C01,都匀市\n"
            "C02,福泉市\n"
            "C03,\n");
  dir.Write("units.csv",
            "unit_id,name,level,sector\n"
            "U01,都匀市科协,county,science_tech\n"
            "U02,州农业农村局,prefecture,agriculture\n"
            "U03,州委组织部,prefecture,Party_mass\n"
            "U04,州委政法委,prefectur,political_legal\n");
  dir.Write("leaders.csv",
            "leader_id,unit_id,name,rank,start_date,end_date\n"
            "L01,U01,郑丽磊,principal,2019-04-29,\n"
            "L02,U01,李娟,deputy,2021-01-01,2021-12-04\n"
            "L03,U02,王强,principal,2021-1-1,\n");
}

TEST(CsvModesTest, StrictReportsEveryBadRowInTableAndLineOrder) {
  TempDir dir;
  WriteSeveralBadFiles(dir);
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/counties.csv:4:5: error[csv.null]: `name` is empty; expected "
            "text\n"
            " | C03,\n"
            " |     ^\n"
            "DIR/units.csv:4:22: error[csv.bad_code]: `sector`: `Party_mass` is "
            "not a known code; expected one of party_mass, political_legal, "
            "economic, agriculture, science_tech, other\n"
            " | U03,州委组织部,prefecture,Party_mass\n"
            " |                           ^~~~~~~~~~\n"
            " = help: did you mean `party_mass`?\n"
            "DIR/units.csv:5:11: error[csv.bad_code]: `level`: `prefectur` is "
            "not a known code; expected one of central, province, prefecture, "
            "county, township\n"
            " | U04,州委政法委,prefectur,political_legal\n"
            " |                ^~~~~~~~~\n"
            " = help: did you mean `prefecture`?\n"
            "DIR/leaders.csv:4:22: error[csv.bad_date]: `start_date`: "
            "`2021-1-1` is not valid; expected a real calendar date "
            "YYYY-MM-DD\n"
            " | L03,U02,王强,principal,2021-1-1,\n"
            " |                        ^~~~~~~~\n");
  EXPECT_TRUE(l.result->diagnostics().has_errors());
}

TEST(CsvModesTest, LenientLeavesBadRowsOutAndAccountsForThem) {
  TempDir dir;
  WriteSeveralBadFiles(dir);
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kLenient);
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_FALSE(l.result->diagnostics().has_errors());
  ASSERT_EQ(l.result->diagnostics().size(), 4u);
  for (const Diagnostic& d : l.result->diagnostics().items()) {
    EXPECT_EQ(d.severity, Severity::kWarning) << d.message;
  }
  EXPECT_EQ(l.rendered().substr(0, l.rendered().find('\n')),
            "DIR/counties.csv:4:5: warning[csv.null]: `name` is empty; "
            "expected text");
  EXPECT_EQ(Rejections(l.facts()),
            (std::vector<Rejection>{
                {"counties", 4, "`name` is empty; expected text"},
                {"units", 4,
                 "`sector`: `Party_mass` is not a known code; expected one of "
                 "party_mass, political_legal, economic, agriculture, "
                 "science_tech, other"},
                {"units", 5,
                 "`level`: `prefectur` is not a known code; expected one of "
                 "central, province, prefecture, county, township"},
                {"leaders", 4,
                 "`start_date`: `2021-1-1` is not valid; expected a real "
                 "calendar date YYYY-MM-DD"}}));
  std::vector<std::tuple<std::string, size_t, size_t, size_t>> stats;
  for (const TableStats& s : l.facts().stats()) {
    EXPECT_EQ(s.read, s.accepted + s.rejected) << s.table;
    EXPECT_EQ(l.table(s.table).num_rows(), s.accepted) << s.table;
    if (s.read > 0) stats.emplace_back(s.table, s.read, s.accepted, s.rejected);
  }
  EXPECT_EQ(stats, (std::vector<std::tuple<std::string, size_t, size_t, size_t>>{
                       {"counties", 3, 2, 1},
                       {"villages", 2, 2, 0},
                       {"units", 4, 2, 2},
                       {"teams", 2, 2, 0},
                       {"members", 3, 3, 0},
                       {"leaders", 3, 2, 1}}));
  const FactTable& units = l.table("units");
  EXPECT_EQ(Str(units, "unit_id", 1), "U02");
  EXPECT_FALSE(units.FindKey("U03").has_value());
}

TEST(CsvModesTest, MaxListedCapsTheListAndCountsTheRest) {
  TempDir dir;
  WriteSeveralBadFiles(dir);
  Loaded strict = Read(Qiannan(), dir.path(), Strictness::kStrict, "utf-8", 2);
  EXPECT_FALSE(strict.ok());
  const std::string r = strict.rendered();
  EXPECT_EQ(strict.result->diagnostics().size(), 4u);
  EXPECT_NE(r.find("DIR/counties.csv:4:5: error[csv.null]"), std::string::npos);
  EXPECT_NE(r.find("DIR/units.csv:4:22: error[csv.bad_code]"),
            std::string::npos);
  EXPECT_EQ(r.find("DIR/units.csv:5:"), std::string::npos);
  // What was cut is counted, and the total of rejected rows follows.
  EXPECT_NE(r.find("note[facts.unlisted]: 2 more problems not listed\n"), std::string::npos);
  EXPECT_EQ(r.substr(r.rfind('\n', r.size() - 2) + 1),
            "note[facts.rejected]: 4 rows rejected\n");
  // Every one of them on request.
  EXPECT_EQ(strict.all.size(), 4u);

  // Lenient: the rows are still all left out and accounted for.
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kLenient, "utf-8", 1);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.result->diagnostics().size(), 3u);
  EXPECT_EQ(l.result->diagnostics().items()[1].code, "facts.unlisted");
  EXPECT_EQ(l.result->diagnostics().items()[1].message,
            "3 more problems not listed");
  EXPECT_EQ(l.result->diagnostics().items()[2].message, "4 rows rejected");
  EXPECT_EQ(l.facts().rejected().size(), 4u);

  // Nothing listed at all: still an error in strict mode.
  Loaded none = Read(Qiannan(), dir.path(), Strictness::kStrict, "utf-8", 0);
  EXPECT_FALSE(none.ok());
  EXPECT_TRUE(none.result->diagnostics().has_errors());
  EXPECT_NE(none.rendered().find(
                "note[facts.unlisted]: 4 more problems not listed\n"),
            std::string::npos)
      << none.rendered();
}

// A dataset with many defects of every kind, made from the spec's worked
// example with attendance records (all 18 tables): in lenient mode every
// table's rows read = accepted + rejected, and exactly the rows expected are
// left out.
TEST(CsvModesTest, AccountingOnALargeDatasetWithManyDefects) {
  const std::string example =
      std::string(ZHUCUN_SHARED_DIR) + "/spec/example-attendance/data";
  if (!std::filesystem::is_directory(example)) {
    GTEST_SKIP() << "no example data at " << example;
  }
  const Schema& schema = Qiannan();
  TempDir dir;
  // Per table: the data rows (split on commas; the example has no quotes)
  // and the header.
  struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<uint32_t> lines;
    std::set<uint32_t> corrupt;  // lines made bad on purpose
  };
  std::map<std::string, Table> tables;
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
      const size_t comma = line.find(',', start);
      out.push_back(line.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  };
  for (const TableSchema& ts : schema.tables) {
    if (ts.name == "exceptions") continue;  // optional: the example has none
    std::ifstream in(example + "/" + ts.name + ".csv", std::ios::binary);
    ASSERT_TRUE(in) << ts.name;
    std::string line;
    Table& t = tables[ts.name];
    std::getline(in, line);
    t.header = split(line);
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      t.rows.push_back(split(line));
    }
  }
  auto col = [&](const std::string& table, const std::string& column) {
    const std::vector<std::string>& h = tables[table].header;
    return static_cast<size_t>(std::find(h.begin(), h.end(), column) -
                               h.begin());
  };
  // The defects, placed deterministically.
  auto& units = tables["units"];
  units.rows[7][col("units", "level")] = "County";
  auto& members = tables["members"];
  for (size_t r = 5; r < members.rows.size(); r += 101) {
    members.rows[r][col("members", "role")] = "First_secretary";
  }
  members.rows[40][col("members", "start_date")] = "2023-02-29";
  members.rows[41][col("members", "team_id")] = "T99999";
  auto& payments = tables["payments"];
  for (size_t r = 3; r < payments.rows.size(); r += 97) {
    payments.rows[r][col("payments", "month")] = "2023-13";
  }
  for (size_t r = 50; r < payments.rows.size(); r += 1000) {
    payments.rows[r][col("payments", "living_allowance")] = "1,300.00";
  }
  auto& trainings = tables["trainings"];
  for (size_t r = 0; r < trainings.rows.size(); r += 50) {
    trainings.rows[r][col("trainings", "date")] = "2023-02-30";
  }
  auto& checks = tables["health_checks"];
  for (size_t r = 10; r < checks.rows.size(); r += 40) {
    checks.rows[r][col("health_checks", "member_id")] = "M999999";
  }
  auto& handovers = tables["handovers"];
  for (size_t r = 2; r < handovers.rows.size(); r += 30) {
    handovers.rows[r][col("handovers", "signed_outgoing")] = "yes";
  }
  auto& assessments = tables["assessments"];
  for (size_t r = 0; r < 5; ++r) assessments.rows.push_back(assessments.rows[r]);
  auto& ratings = tables["unit_ratings"];
  ratings.rows[0][col("unit_ratings", "year")] = "2021.0";
  auto& funds = tables["work_funds"];
  funds.rows[3].push_back("extra");   // too many fields
  funds.rows[9].pop_back();           // too few
  auto& bundles = tables["bundles"];
  bundles.rows[1][col("bundles", "amount")] = "272000.005";
  auto& absences = tables["absences"];
  for (size_t r = 4; r < absences.rows.size(); r += 89) {
    absences.rows[r][col("absences", "kind")] = "Leave";
  }
  absences.rows[6][col("absences", "approved_on")] = "2023-02-29";
  absences.rows[8][col("absences", "approved_by")] = "乡镇";
  for (size_t r = 20; r < 23; ++r) absences.rows.push_back(absences.rows[r]);

  // Write the files (with a few blank lines, which are not rows), and note
  // each row's line.
  for (auto& [name, t] : tables) {
    std::string text;
    auto join = [](const std::vector<std::string>& cells) {
      std::string s;
      for (size_t i = 0; i < cells.size(); ++i) s += (i ? "," : "") + cells[i];
      return s;
    };
    text += join(t.header) + "\n";
    uint32_t line = 2;
    for (size_t r = 0; r < t.rows.size(); ++r) {
      if (r % 250 == 17) {
        text += "\n";
        ++line;
      }
      text += join(t.rows[r]) + "\n";
      t.lines.push_back(line++);
    }
    dir.Write(name + ".csv", text);
  }

  // The expected bad rows, computed independently: bad cells (the defects
  // above), wrong field counts, later duplicates of keys and unique sets,
  // then dangling references and the cascade.
  std::map<std::string, std::set<size_t>> bad;
  const std::set<std::pair<std::string, std::string>> bad_cells = {
      {"units", "County"},          {"members", "First_secretary"},
      {"members", "2023-02-29"},    {"payments", "2023-13"},
      {"payments", "1,300.00"},     {"trainings", "2023-02-30"},
      {"handovers", "yes"},         {"unit_ratings", "2021.0"},
      {"bundles", "272000.005"},    {"absences", "Leave"},
      {"absences", "2023-02-29"},   {"absences", "乡镇"}};
  for (auto& [name, t] : tables) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
      if (t.rows[r].size() != t.header.size()) {
        bad[name].insert(r);
        continue;
      }
      for (const std::string& cell : t.rows[r]) {
        if (bad_cells.count({name, cell})) bad[name].insert(r);
      }
    }
  }
  std::map<std::string, std::map<std::string, size_t>> first_by_key;
  for (const TableSchema& ts : schema.tables) {
    Table& t = tables[ts.name];
    std::vector<std::vector<std::string>> sets;
    if (!ts.key.empty()) sets.push_back({ts.key});
    for (const auto& u : ts.unique) sets.push_back(u);
    for (const auto& set : sets) {
      std::set<std::string> seen;
      for (size_t r = 0; r < t.rows.size(); ++r) {
        if (t.rows[r].size() != t.header.size()) continue;
        std::string k;
        for (const std::string& c : set) k += t.rows[r][col(ts.name, c)] + "\x1f";
        if (!seen.insert(k).second) bad[ts.name].insert(r);
        if (set.size() == 1 && set[0] == ts.key) {
          first_by_key[ts.name].emplace(t.rows[r][col(ts.name, ts.key)], r);
        }
      }
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const TableSchema& ts : schema.tables) {
      Table& t = tables[ts.name];
      for (const ColumnSchema& cs : ts.columns) {
        if (cs.references.empty()) continue;
        const size_t c = col(ts.name, cs.name);
        for (size_t r = 0; r < t.rows.size(); ++r) {
          if (bad[ts.name].count(r) || t.rows[r].size() != t.header.size()) {
            continue;
          }
          const auto& keys = first_by_key[cs.references];
          auto it = keys.find(t.rows[r][c]);
          if (it == keys.end() || bad[cs.references].count(it->second)) {
            bad[ts.name].insert(r);
            changed = true;
          }
        }
      }
    }
  }
  std::vector<std::pair<std::string, uint32_t>> expected_rejected;
  for (const TableSchema& ts : schema.tables) {
    for (size_t r : bad[ts.name]) {
      expected_rejected.emplace_back(ts.name, tables[ts.name].lines[r]);
    }
  }

  Loaded strict = Read(schema, dir.path());
  EXPECT_FALSE(strict.ok());

  Loaded l = Read(schema, dir.path(), Strictness::kLenient, "utf-8", 100000);
  ASSERT_TRUE(l.ok()) << l.rendered().substr(0, 2000);
  std::vector<std::pair<std::string, uint32_t>> rejected;
  for (const RejectedRow& r : l.facts().rejected()) {
    rejected.emplace_back(r.table, r.line);
  }
  EXPECT_EQ(rejected, expected_rejected);
  size_t total_rejected = 0;
  for (const TableStats& s : l.facts().stats()) {
    const Table& t = tables[s.table];
    EXPECT_EQ(s.read, t.rows.size()) << s.table;
    EXPECT_EQ(s.read, s.accepted + s.rejected) << s.table;
    EXPECT_EQ(s.rejected, bad[s.table].size()) << s.table;
    EXPECT_EQ(l.table(s.table).num_rows(), s.accepted) << s.table;
    // The accepted rows are the others, in order.
    std::vector<uint32_t> kept;
    for (size_t r = 0; r < t.rows.size(); ++r) {
      if (!bad[s.table].count(r)) kept.push_back(t.lines[r]);
    }
    EXPECT_EQ(Lines(l.table(s.table)), kept) << s.table;
    total_rejected += s.rejected;
  }
  EXPECT_EQ(total_rejected, l.facts().rejected().size());
  // Many defects, cascading widely (the unit's teams, members, ...).
  EXPECT_GT(total_rejected, 300u);
  EXPECT_GT(bad["members"].size(), 10u);
  // On request, one diagnostic per problem, all warnings.
  EXPECT_FALSE(l.all.has_errors());
  EXPECT_GE(l.all.size(), total_rejected);
  // Listed: every cause, then a line per row the cascades lead to (fewer
  // than the rows), then the total.
  EXPECT_FALSE(l.result->diagnostics().has_errors());
  EXPECT_LT(l.result->diagnostics().size(), total_rejected);
  const std::vector<Diagnostic>& listed = l.result->diagnostics().items();
  EXPECT_EQ(listed.back().message.substr(0, std::to_string(total_rejected).size() + 21),
            std::to_string(total_rejected) + " rows rejected in all");
  bool cascades = false;
  for (const Diagnostic& d : listed) {
    if (d.code == "csv.bad_reference") cascades = true;
    // No cause after a cascade.
    EXPECT_TRUE(!cascades || d.code == "csv.bad_reference" || d.code.starts_with("facts."))
        << d.message;
  }
}

// ---------------------------------------------------------------------------
// Input that is not UTF-8.

// 都匀市 and 福泉市 in gb18030.
const std::string kDuyunGb = "\xB6\xBC\xD4\xC8\xCA\xD0";
const std::string kFuquanGb = "\xB8\xA3\xC8\xAA\xCA\xD0";

TEST(CsvEncodingTest, Gb18030WithoutEncodingIsAnErrorWithAHint) {
  TempDir dir;
  dir.Write("counties.csv",
            "county_id,name\nC01," + kDuyunGb + "\nC02," + kFuquanGb + "\n");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir.path(), s);
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.rendered(),
              "DIR/counties.csv:2:5: error[csv.not_utf8]: `counties.csv` is not "
              "valid UTF-8: the first bad byte is 0xB6\n"
              " | C01,\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF"
              "\xBD\xEF\xBF\xBD\n"
              " |     ^\n"
              " = help: spreadsheets in China are often saved as GBK/GB18030; "
              "if this one is, read it with `--encoding counties=gb18030` (that file only)\n");
  }
}

TEST(CsvEncodingTest, FirstBadByteAfterValidChinese) {
  TempDir dir;
  dir.Write("counties.csv",
            "county_id,name\nC01,都匀市\nC02,福" + kFuquanGb + "\n");
  Loaded l = Read(Qiannan(), dir.path());
  EXPECT_FALSE(l.ok());
  const std::string r = l.rendered();
  EXPECT_EQ(r.substr(0, r.find('\n')),
            "DIR/counties.csv:3:6: error[csv.not_utf8]: `counties.csv` is not "
            "valid UTF-8: the first bad byte is 0xB8");
}

TEST(CsvEncodingTest, Gb18030WithEncodingLoads) {
  TempDir dir;
  dir.Write("counties.csv",
            "county_id,name\r\nC01," + kDuyunGb + "\r\nC02," + kFuquanGb +
                "\r\n");
  dir.Write("villages.csv",
            "village_id,county_id,township,name,category\n"
            "V01,C01,\xC4\xAB\xB3\xE5\xD5\xF2,\xC1\xBC\xD5\xAF\xB4\xE5,poor\n");
  for (const char* name : {"gb18030", "GB18030", "gbk"}) {
    Loaded l = Read(Qiannan(), dir.path(), Strictness::kStrict, name);
    ASSERT_TRUE(l.ok()) << name << "\n" << l.rendered();
    EXPECT_EQ(l.rendered(), "");
    const FactTable& c = l.table("counties");
    ASSERT_EQ(c.num_rows(), 2u);
    EXPECT_EQ(Str(c, "name", 0), "都匀市");
    EXPECT_EQ(Str(c, "name", 1), "福泉市");
    const FactTable& v = l.table("villages");
    ASSERT_EQ(v.num_rows(), 1u);
    EXPECT_EQ(Str(v, "township", 0), "墨冲镇");
    EXPECT_EQ(Str(v, "name", 0), "良寨村");
  }
}

TEST(CsvEncodingTest, Gb18030BadCellIsReportedInUtf8) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01," + kDuyunGb + "\n");
  dir.Write("villages.csv",
            "village_id,county_id,township,name,category\n"
            "V01,C01," + kDuyunGb + "," + kFuquanGb + ",Poor\n");
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kStrict, "gb18030");
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/villages.csv:2:17: error[csv.bad_code]: `category`: `Poor` is "
            "not a known code; expected one of weak, disorderly, poor, "
            "industry, specialized, ordinary\n"
            " | V01,C01,都匀市,福泉市,Poor\n"
            " |                       ^~~~\n"
            " = help: did you mean `poor`?\n");
}

TEST(CsvEncodingTest, InvalidGb18030NamesTheFileLineAndColumn) {
  // 0x81 0x20 is no gb18030 character.
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01,\x81\x20x\n");
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kStrict, "gb18030");
  EXPECT_FALSE(l.ok());
  const std::string r = l.rendered();
  EXPECT_NE(r.find("the file is not valid gb18030"), std::string::npos) << r;
  EXPECT_EQ(r.substr(0, r.find(": error[")), "DIR/counties.csv:2:5") << r;
}

TEST(CsvEncodingTest, UnknownEncoding) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01,a\n");
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kStrict, "no-such-code");
  EXPECT_FALSE(l.ok());
  EXPECT_NE(l.rendered().find("unknown encoding `no-such-code`"),
            std::string::npos)
      << l.rendered();
}

TEST(CsvEncodingTest, UnknownEncodingIsAnErrorEvenWithoutFiles) {
  // Bad usage does not depend on which tables happen to have files.
  TempDir dir;
  Loaded l = Read(Qiannan(), dir.path(), Strictness::kStrict, "no-such-code");
  EXPECT_FALSE(l.ok());
}

TEST(CsvEncodingTest, Utf8EncodingNamesAreTheDefault) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01,都匀市\n");
  for (const char* name : {"utf-8", "UTF-8", "utf8", "UTF8"}) {
    Loaded l = Read(Qiannan(), dir.path(), Strictness::kStrict, name);
    ASSERT_TRUE(l.ok()) << name;
    EXPECT_EQ(Str(l.table("counties"), "name", 0), "都匀市");
  }
}

}  // namespace
}  // namespace zhucun
