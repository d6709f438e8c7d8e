// Broken files (issue 3): truncated quotes, binary junk, a 10 MB single
// line, empty files, header-only files, NUL bytes, other encodings. A
// malformed file never crashes the reader and never loses a row silently:
// every outcome is asserted — the exact diagnostic, or the rows and the
// accounting (rows read = accepted + rejected, and rows read = the records
// in the file).

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "facts/csv_tokenizer.h"
#include "facts_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/diagnostic.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun {
namespace {

using namespace std::string_literals;

using testing::InlineSchema;
using testing::Loaded;
using testing::Qiannan;
using testing::Read;
using testing::ReplaceAll;
using testing::TempDir;

// A table no junk can fill with a valid row: an int and a date, both
// required, and junk that holds no digits.
const Schema& StrictSchema() {
  static const Schema* const schema = new Schema(InlineSchema(R"(
tables:
  - name: t
    columns:
      - {name: i, type: int}
      - {name: d, type: date}
  - name: u
    key: id
    columns:
      - {name: id, type: id}
      - {name: s, type: text}
)"));
  return *schema;
}

// The file fails in both modes with exactly `expected` rendered.
void ExpectMalformed(const Schema& schema, const std::string& table,
                     const std::string& bytes, const std::string& expected) {
  TempDir dir;
  dir.Write(table + ".csv", bytes);
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(schema, dir, s);
    EXPECT_FALSE(l.ok());
    EXPECT_TRUE(l.result->diagnostics().has_errors());
    EXPECT_EQ(l.rendered(), expected)
        << (s == Strictness::kStrict ? "strict" : "lenient");
  }
}

// The number of records after the header, by the tokenizer (nullopt when
// the text is malformed).
std::optional<size_t> CountRecords(std::string_view text) {
  internal::CsvTokenizer tokenizer(text);
  internal::CsvRecord record;
  size_t n = 0;
  while (tokenizer.Next(&record)) ++n;
  if (tokenizer.error()) return std::nullopt;
  return n == 0 ? 0 : n - 1;
}

// ---------------------------------------------------------------------------
// Truncated quotes.

TEST(BrokenFilesTest, TruncatedQuoteInTheHeader) {
  ExpectMalformed(Qiannan(), "counties", "county_id,\"name",
                  "DIR/counties.csv:1:11: error[csv.malformed]: "
                  "`counties.csv`: unbalanced quotes: the quoted field "
                  "that starts on line 1 is not closed\n"
                  " | county_id,\"name\n"
                  " |           ^\n");
}

TEST(BrokenFilesTest, TruncatedQuoteInTheLastRow) {
  // The good row before it does not make the file acceptable.
  ExpectMalformed(Qiannan(), "counties",
                  "county_id,name\nC01,都匀市\nC02,\"福泉",
                  "DIR/counties.csv:3:5: error[csv.malformed]: "
                  "`counties.csv`: unbalanced quotes: the quoted field "
                  "that starts on line 3 is not closed\n"
                  " | C02,\"福泉\n"
                  " |     ^\n");
}

TEST(BrokenFilesTest, TruncatedQuoteSwallowingTheRestOfTheFile) {
  std::string text = "county_id,name\nC01,\"都匀市\n";
  for (int k = 2; k < 50; ++k) text += "C" + std::to_string(k) + ",x\n";
  ExpectMalformed(Qiannan(), "counties", text,
                  "DIR/counties.csv:2:5: error[csv.malformed]: "
                  "`counties.csv`: unbalanced quotes: the quoted field "
                  "that starts on line 2 is not closed\n"
                  " | C01,\"都匀市\n"
                  " |     ^\n");
}

TEST(BrokenFilesTest, TruncatedAfterADoubledQuote) {
  // `""` inside a quoted field is a quote, not the end of the field.
  ExpectMalformed(Qiannan(), "counties", "county_id,name\nC01,\"ab\"\"\n",
                  "DIR/counties.csv:2:5: error[csv.malformed]: "
                  "`counties.csv`: unbalanced quotes: the quoted field "
                  "that starts on line 2 is not closed\n"
                  " | C01,\"ab\"\"\n"
                  " |     ^\n");
}

TEST(BrokenFilesTest, JustAQuote) {
  ExpectMalformed(Qiannan(), "counties", "\"",
                  "DIR/counties.csv:1:1: error[csv.malformed]: "
                  "`counties.csv`: unbalanced quotes: the quoted field "
                  "that starts on line 1 is not closed\n"
                  " | \"\n"
                  " | ^\n");
}

TEST(BrokenFilesTest, QuoteThenText) {
  ExpectMalformed(Qiannan(), "counties", "county_id,name\n\"C01\" ,x\n",
                  "DIR/counties.csv:2:6: error[csv.malformed]: "
                  "`counties.csv`: expected `,` or a line end after the "
                  "closing quote of a quoted field, found a space\n"
                  " | \"C01\" ,x\n"
                  " |      ^\n");
}

// ---------------------------------------------------------------------------
// Empty files, header only, blank lines, a byte-order mark only.

TEST(BrokenFilesTest, EmptyFile) {
  ExpectMalformed(Qiannan(), "teams", "",
                  "DIR/teams.csv:1:1: error[csv.empty_file]: `teams.csv` is "
                  "empty (0 bytes); a CSV file needs a header line\n"
                  " |\n"
                  " | ^\n");
}

TEST(BrokenFilesTest, OnlyBlankLines) {
  ExpectMalformed(Qiannan(), "counties", "\n\r\n\n",
                  "DIR/counties.csv:1:1: error[csv.no_header]: "
                  "`counties.csv` has no header line; expected the column "
                  "names of `counties`\n"
                  " |\n"
                  " | ^\n");
}

TEST(BrokenFilesTest, OnlyAByteOrderMark) {
  TempDir dir;
  dir.Write("counties.csv", "\xEF\xBB\xBF");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir, s);
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.first_line(),
              "DIR/counties.csv:1:1: error[csv.no_header]: "
              "`counties.csv` has no header line; expected the column "
              "names of `counties`");
  }
}

TEST(BrokenFilesTest, HeaderOnly) {
  TempDir dir;
  dir.Write("teams.csv", "team_id,village_id,unit_id,start_date,end_date\r\n");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir, s);
    ASSERT_TRUE(l.ok()) << l.rendered();
    EXPECT_EQ(l.rendered(), "");
    EXPECT_EQ(l.facts().table("teams")->num_rows(), 0u);
    EXPECT_EQ(l.stats("teams").read, 0u);
  }
}

// ---------------------------------------------------------------------------
// Binary junk.

TEST(BrokenFilesTest, RandomBytesAreNotUtf8) {
  // The first byte after `C01,` is 0xFF; the rest is random.
  std::mt19937 rng(20240611);
  std::string junk = "county_id,name\nC01,\xFF";
  for (int k = 0; k < 64 * 1024; ++k) junk += static_cast<char>(rng() & 0xFF);
  TempDir dir;
  dir.Write("counties.csv", junk);
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir, s);
    EXPECT_FALSE(l.ok());
    ASSERT_EQ(l.result->diagnostics().size(), 1u) << l.rendered();
    EXPECT_EQ(l.first_line(),
              "DIR/counties.csv:2:5: error[csv.not_utf8]: `counties.csv` is "
              "not valid UTF-8: the first bad byte is 0xFF");
    EXPECT_EQ(l.result->diagnostics().items()[0].help,
              "spreadsheets in China are often saved as GBK/GB18030; if this "
              "one is, read it with `--encoding counties=gb18030` (that file only)");
  }
}

TEST(BrokenFilesTest, PureRandomFilesNeverLoad) {
  // Whole files of random bytes, for every table of the schema: never a
  // crash, never a FactSet.
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    TempDir dir;
    for (const TableSchema& t : Qiannan().tables) {
      std::string junk(1 + rng() % 4096, '\0');
      for (char& c : junk) c = static_cast<char>(rng() & 0xFF);
      dir.Write(t.name + ".csv", junk);
    }
    for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
      Loaded l = Read(Qiannan(), dir, s);
      EXPECT_FALSE(l.ok()) << "round " << round;
      EXPECT_TRUE(l.result->diagnostics().has_errors());
      // Every file is reported (17 files, each not UTF-8 or malformed).
      size_t files = 0;
      for (const Diagnostic& d : l.result->diagnostics().items()) {
        if (d.code == "csv.not_utf8" || d.code == "csv.malformed" ||
            d.code == "csv.missing_column" || d.code == "csv.no_header") {
          ++files;
        }
      }
      EXPECT_GE(files, Qiannan().tables.size()) << l.rendered();
    }
  }
}

TEST(BrokenFilesTest, Utf8JunkNeverYieldsRowsSilently) {
  // Junk that is valid UTF-8, made of the characters that matter to CSV
  // (quotes, commas, line ends, NUL, spaces) and letters, but no digit: no
  // row of `t` (an int and a date) can be valid. Each file either is
  // malformed (both modes fail) or every record is read and rejected.
  const std::vector<std::string> alphabet = {
      ",", "\"", "\n", "\r", "\r\n", "\0"s, " ", "a", "x", "都", "-", "\t"};
  std::mt19937 rng(12345);
  size_t malformed = 0, loaded = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text = round % 2 == 0 ? "i,d\n" : "d,i,extra\n";
    const size_t n = rng() % 400;
    for (size_t k = 0; k < n; ++k) text += alphabet[rng() % alphabet.size()];
    TempDir dir;
    dir.Write("t.csv", text);
    Loaded lenient = Read(StrictSchema(), dir, Strictness::kLenient);
    Loaded strict = Read(StrictSchema(), dir, Strictness::kStrict);
    const std::optional<size_t> records = CountRecords(text);
    if (!records) {
      ++malformed;
      EXPECT_FALSE(lenient.ok()) << round;
      EXPECT_FALSE(strict.ok()) << round;
      continue;
    }
    ++loaded;
    ASSERT_TRUE(lenient.ok()) << round << "\n" << lenient.rendered();
    const TableStats& s = lenient.stats("t");
    EXPECT_EQ(s.read, *records) << round;
    EXPECT_EQ(s.accepted, 0u) << round;
    EXPECT_EQ(s.rejected, s.read) << round;
    EXPECT_EQ(lenient.facts().rejected().size(), s.read) << round;
    EXPECT_EQ(lenient.facts().table("t")->num_rows(), 0u) << round;
    EXPECT_EQ(strict.ok(), s.read == 0) << round;
  }
  // Both outcomes were exercised.
  EXPECT_GT(malformed, 20u);
  EXPECT_GT(loaded, 20u);
}

TEST(BrokenFilesTest, MutatedFilesAccountForEveryRecord) {
  // A valid file, mutated at random: whatever is read is accounted for,
  // rows read = the records in the file = accepted + rejected.
  const std::string base =
      "id,s\n"
      "a1,都匀市\n"
      "a2,\"福泉, 市\"\n"
      "a3,\"多\n行\"\n"
      "a4,x\n";
  const std::string inserts = ",\"\n\r\0x都"s;
  std::mt19937 rng(99);
  for (int round = 0; round < 500; ++round) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0:
          text.insert(pos, 1, inserts[rng() % inserts.size()]);
          break;
        case 1:
          if (pos < text.size()) text.erase(pos, 1);
          break;
        default:
          if (pos < text.size()) text[pos] = inserts[rng() % inserts.size()];
      }
    }
    TempDir dir;
    dir.Write("u.csv", text);
    Loaded l = Read(StrictSchema(), dir, Strictness::kLenient);
    if (!l.ok()) {
      EXPECT_TRUE(l.result->diagnostics().has_errors()) << round;
      continue;
    }
    const std::optional<size_t> records = CountRecords(text);
    ASSERT_TRUE(records.has_value()) << round;
    const TableStats& s = l.stats("u");
    EXPECT_EQ(s.read, *records) << round << "\n" << text;
    EXPECT_EQ(s.read, s.accepted + s.rejected) << round;
    EXPECT_EQ(l.facts().table("u")->num_rows(), s.accepted) << round;
    EXPECT_EQ(l.facts().rejected().size(), s.rejected) << round;
    EXPECT_EQ(l.result->diagnostics().size() >= s.rejected, true) << round;
  }
}

// ---------------------------------------------------------------------------
// A 10 MB single line.

constexpr size_t kTenMegabytes = 10 * 1024 * 1024;

TEST(BrokenFilesTest, TenMegabyteCellIsText) {
  TempDir dir;
  const std::string big(kTenMegabytes, 'x');
  dir.Write("counties.csv", "county_id,name\nC01," + big + "\nC02,b\n");
  Loaded l = Read(Qiannan(), dir);
  ASSERT_TRUE(l.ok()) << l.first_line();
  const FactTable& t = *l.facts().table("counties");
  ASSERT_EQ(t.num_rows(), 2u);
  EXPECT_EQ(t.column("name")->Get(0).string_value().size(), kTenMegabytes);
  EXPECT_EQ(t.line(1), 3u);
}

TEST(BrokenFilesTest, TenMegabyteQuotedCellWithLineBreaks) {
  TempDir dir;
  std::string big;
  big.reserve(kTenMegabytes);
  while (big.size() < kTenMegabytes) big += "都匀,\"\"\n";
  dir.Write("counties.csv", "county_id,name\nC01,\"" + big + "\"\nC02,b\n");
  Loaded l = Read(Qiannan(), dir);
  ASSERT_TRUE(l.ok()) << l.first_line();
  const FactTable& t = *l.facts().table("counties");
  ASSERT_EQ(t.num_rows(), 2u);
  const size_t lines = big.size() / std::string("都匀,\"\"\n").size();
  EXPECT_EQ(t.column("name")->Get(0).string_value().size(),
            big.size() - lines);  // each `""` is one quote
  EXPECT_EQ(t.line(1), 3u + lines);
}

// (Slow today: 7 s per mode in Debug, 20 s under ASan, spent in the
// did-you-mean for the missing columns, whose edit distance is computed
// against the 10 MB unknown column name.)
TEST(BrokenFilesTest, TenMegabyteHeaderWithoutLineEnd) {
  TempDir dir;
  const std::string big(kTenMegabytes, 'y');
  dir.Write("counties.csv", big);
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir, s);
    EXPECT_FALSE(l.ok());
    const std::string r = l.rendered();
    EXPECT_EQ(l.first_line(),
              "DIR/counties.csv:1:1: error[csv.missing_column]: "
              "`counties.csv` has no column `county_id` (id, required)");
    EXPECT_EQ(l.result->diagnostics().size(), 2u);
    // The snippet shows a window of the line, not 10 MB of it.
    EXPECT_LT(r.size(), 2000u);
    EXPECT_NE(r.find(" | " + std::string(120, 'y') + "...\n"),
              std::string::npos);
  }
}

TEST(BrokenFilesTest, TenMegabyteBadCell) {
  TempDir dir;
  const std::string big(kTenMegabytes, '9');
  dir.Write("t.csv", "i,d\n1," + big + "\n2,2023-01-01\n");
  Loaded l = Read(StrictSchema(), dir, Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.result->diagnostics().size(), 1u);
  EXPECT_EQ(l.result->diagnostics().items()[0].code, "csv.bad_date");
  EXPECT_EQ(l.first_line().substr(0, 60),
            "DIR/t.csv:2:3: warning[csv.bad_date]: `d`: `9999999999999999");
  EXPECT_EQ(l.stats("t").read, 2u);
  EXPECT_EQ(l.stats("t").rejected, 1u);
  EXPECT_EQ(l.facts().table("t")->num_rows(), 1u);
}

TEST(BrokenFilesTest, TenMegabyteUnterminatedQuote) {
  TempDir dir;
  dir.Write("counties.csv",
            "county_id,name\nC01,\"" + std::string(kTenMegabytes, 'z'));
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir, s);
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.first_line(),
              "DIR/counties.csv:2:5: error[csv.malformed]: "
              "`counties.csv`: unbalanced quotes: the quoted field that "
              "starts on line 2 is not closed");
    EXPECT_LT(l.rendered().size(), 2000u);
  }
}

TEST(BrokenFilesTest, MegabyteOfCommas) {
  TempDir dir;
  const std::string commas(1024 * 1024, ',');
  dir.Write("counties.csv", "county_id,name\nC01,a\n" + commas + "\nC03,c\n");
  Loaded l = Read(Qiannan(), dir, Strictness::kLenient);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.first_line(),
            "DIR/counties.csv:3:1: warning[csv.field_count]: the record has "
            "1048577 fields but the header has 2");
  EXPECT_EQ(l.stats("counties").read, 3u);
  EXPECT_EQ(l.stats("counties").rejected, 1u);
  EXPECT_LT(l.rendered().size(), 2000u);
}

// ---------------------------------------------------------------------------
// NUL bytes and other encodings.

TEST(BrokenFilesTest, NulInATextCellIsText) {
  // U+0000 is UTF-8: kept as it is, nothing lost.
  TempDir dir;
  dir.Write("counties.csv", "county_id,name\nC01,a\0b\n"s);
  Loaded l = Read(Qiannan(), dir);
  ASSERT_TRUE(l.ok()) << l.rendered();
  EXPECT_EQ(l.facts().table("counties")->column("name")->Get(0).string_value(),
            "a\0b"s);
}

TEST(BrokenFilesTest, NulInADateCell) {
  TempDir dir;
  dir.Write("t.csv", "i,d\n1,2023-01-0\0\n"s);
  Loaded l = Read(StrictSchema(), dir);
  EXPECT_FALSE(l.ok());
  // The message shows the NUL as `?`, the snippet as ␀ (U+2400).
  EXPECT_EQ(l.rendered(),
            "DIR/t.csv:2:3: error[csv.bad_date]: `d`: `2023-01-0?` is not "
            "valid; expected a real calendar date YYYY-MM-DD\n"
            " | 1,2023-01-0\xE2\x90\x80\n"
            " |   ^~~~~~~~~~\n"s);
}

// Messages show control characters as `?` (the snippet shows them as ␀).
TEST(BrokenFilesTest, NulInTheHeader) {
  TempDir dir;
  dir.Write("counties.csv", "county_id,na\0me\nC01,a\n"s);
  Loaded l = Read(Qiannan(), dir);
  EXPECT_FALSE(l.ok());
  EXPECT_EQ(l.rendered(),
            "DIR/counties.csv:1:1: error[csv.missing_column]: "
            "`counties.csv` has no column `name` (text, required)\n"
            " | county_id,na\xE2\x90\x80me\n"
            " | ^~~~~~~~~~~~~~~\n"
            " = help: is `na?me` meant to be `name`?\n"s);
}

TEST(BrokenFilesTest, AllNulBytes) {
  TempDir dir;
  dir.Write("counties.csv", std::string(1000, '\0'));
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir, s);
    EXPECT_FALSE(l.ok());
    ASSERT_EQ(l.result->diagnostics().size(), 2u);
    EXPECT_EQ(l.result->diagnostics().items()[0].code, "csv.missing_column");
    EXPECT_EQ(l.result->diagnostics().items()[1].code, "csv.missing_column");
  }
}

TEST(BrokenFilesTest, Utf16WithByteOrderMark) {
  // "county_id,name\n" in UTF-16LE with its mark FF FE.
  std::string text = "\xFF\xFE";
  for (char c : std::string("county_id,name\nC01,a\n")) {
    text += c;
    text += '\0';
  }
  ExpectMalformed(Qiannan(), "counties", text,
                  "DIR/counties.csv:1:1: error[csv.not_utf8]: `counties.csv` "
                  "is not valid UTF-8: the first bad byte is 0xFF\n"
                  " | \xEF\xBF\xBD\xEF\xBF\xBD" "c\xE2\x90\x80o\xE2\x90\x80u"
                  "\xE2\x90\x80n\xE2\x90\x80t\xE2\x90\x80y\xE2\x90\x80_\xE2\x90"
                  "\x80i\xE2\x90\x80" "d\xE2\x90\x80,\xE2\x90\x80n\xE2\x90\x80"
                  "a\xE2\x90\x80m\xE2\x90\x80" "e\xE2\x90\x80\n"
                  " | ^\n"
                  " = help: it starts with a UTF-16 byte-order mark (Excel's \"Unicode "
                  "text\"): save it as \"CSV UTF-8\", or read it with `--encoding "
                  "counties=utf-16`\n");
}

TEST(BrokenFilesTest, Utf16WithoutByteOrderMark) {
  std::string text;
  for (char c : std::string("county_id,name\nC01,a\n")) {
    text += c;
    text += '\0';
  }
  TempDir dir;
  dir.Write("counties.csv", text);
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir, s);
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.first_line(),
              "DIR/counties.csv:1:1: error[csv.missing_column]: "
              "`counties.csv` has no column `county_id` (id, required)");
  }
}

TEST(BrokenFilesTest, TruncatedUtf8AtTheEnd) {
  // The file ends inside 市 (E5 B8 82).
  ExpectMalformed(Qiannan(), "counties", "county_id,name\nC01,都匀\xE5\xB8",
                  "DIR/counties.csv:2:7: error[csv.not_utf8]: `counties.csv` "
                  "is not valid UTF-8: the first bad byte is 0xE5\n"
                  " | C01,都匀\xEF\xBF\xBD\xEF\xBF\xBD\n"
                  " |         ^\n"
                  " = help: spreadsheets in China are often saved as "
                  "GBK/GB18030; if this one is, read it with `--encoding "
                  "counties=gb18030` (that file only)\n");
}

TEST(BrokenFilesTest, OverlongAndSurrogateUtf8) {
  for (const auto& [bytes, hex] :
       std::vector<std::pair<std::string, std::string>>{
           {"\xC0\xAF", "0xC0"}, {"\xED\xA0\x80", "0xED"},
           {"\xF4\x90\x80\x80", "0xF4"}, {"\x80", "0x80"}}) {
    TempDir dir;
    dir.Write("counties.csv", "county_id,name\nC01,a" + bytes + "\n");
    Loaded l = Read(Qiannan(), dir, Strictness::kLenient);
    EXPECT_FALSE(l.ok());
    EXPECT_EQ(l.first_line(),
              "DIR/counties.csv:2:6: error[csv.not_utf8]: `counties.csv` is "
              "not valid UTF-8: the first bad byte is " + hex);
  }
}

TEST(BrokenFilesTest, ATableFileThatCannotBeReadIsNotAnEmptyTable) {
  // `counties.csv` is there but is a folder, or a link to nothing: the
  // table's rows cannot be read, which must not pass for an absent file.
  TempDir dir;
  std::filesystem::create_directory(dir.path() + "/counties.csv");
  std::filesystem::create_symlink(dir.path() + "/gone.csv",
                                  dir.path() + "/units.csv");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir, s);
    EXPECT_FALSE(l.ok());
    const std::string r = l.rendered();
    EXPECT_NE(r.find("counties.csv"), std::string::npos) << r;
    EXPECT_NE(r.find("units.csv"), std::string::npos) << r;
  }
}

TEST(BrokenFilesTest, BadFilesDoNotHideEachOther) {
  // Several broken files at once: each is reported, in schema order.
  TempDir dir;
  dir.Write("counties.csv", "");
  dir.Write("villages.csv", "village_id,\"county_id");
  dir.Write("units.csv", "unit_id,name,level,sector\nU01,\xB6\xBC,county,other\n");
  dir.Write("teams.csv", "team_id,team_id\n");
  dir.Write("members.csv", "\n\n");
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    Loaded l = Read(Qiannan(), dir, s);
    EXPECT_FALSE(l.ok());
    std::vector<std::string> firsts;
    for (const Diagnostic& d : l.result->diagnostics().items()) {
      firsts.push_back(
          ReplaceAll(l.sources.name(d.span.file), dir.path(), "DIR") + " " +
          d.code);
    }
    EXPECT_EQ(firsts, (std::vector<std::string>{
                          "DIR/counties.csv csv.empty_file",
                          "DIR/villages.csv csv.malformed",
                          "DIR/units.csv csv.not_utf8",
                          "DIR/teams.csv csv.duplicate_column",
                          "DIR/teams.csv csv.missing_column",
                          "DIR/teams.csv csv.missing_column",
                          "DIR/teams.csv csv.missing_column",
                          "DIR/members.csv csv.no_header",
                      }));
  }
}

}  // namespace
}  // namespace zhucun
