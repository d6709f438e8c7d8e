// The CSV reader's size limits (issue 11, item 6): CsvOptions::max_file_bytes
// (a larger file is not read: `csv.too_large`) and max_cell_bytes (a record
// with a longer field is a bad row: `csv.cell_too_large`), with one thread
// and with several, strict and lenient.

#include <gtest/gtest.h>

#include <string>

#include "facts_test_util.h"
#include "zhucun/csv.h"

namespace zhucun {
namespace {

using testing::InlineSchema;
using testing::ReplaceAll;
using testing::TempDir;

const Schema& TwoColumns() {
  static const Schema* const schema = new Schema(InlineSchema(R"(tables:
  - name: t
    key: id
    columns:
      - {name: id, type: id}
      - {name: s, type: text, nullable: true}
)"));
  return *schema;
}

struct Outcome {
  bool ok = false;
  size_t rows = 0;
  std::string rendered;
};

Outcome ReadWith(const std::string& dir, CsvOptions options) {
  SourceManager sources;
  Result<FactSet> r = ReadCsvFolder(TwoColumns(), dir, options, sources);
  Outcome o;
  o.ok = r.ok();
  if (r.ok()) o.rows = r.value().table("t")->num_rows();
  o.rendered = ReplaceAll(r.diagnostics().Render(sources), dir, "DIR");
  return o;
}

TEST(CsvLimitsTest, AFileOverTheLimitIsNotRead) {
  TempDir dir;
  dir.Write("t.csv", "id,s\na,x\nb,y\n");  // 13 bytes
  for (size_t threads : {1, 2}) {
    CsvOptions options;
    options.threads = threads;
    options.max_file_bytes = 12;
    for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
      options.strictness = s;
      const Outcome o = ReadWith(dir.path(), options);
      EXPECT_FALSE(o.ok) << threads;
      EXPECT_EQ(o.rendered,
                "error[csv.too_large]: `t.csv` is 13 bytes; the largest file read is 12 bytes\n"
                " = help: split the table into several data folders, or check that this is "
                "the file you meant\n")
          << threads;
    }
    options.strictness = Strictness::kStrict;
    options.max_file_bytes = 13;  // at the limit: read
    const Outcome o = ReadWith(dir.path(), options);
    EXPECT_TRUE(o.ok) << o.rendered;
    EXPECT_EQ(o.rows, 2u);
  }
}

TEST(CsvLimitsTest, AFieldOverTheLimitIsABadRow) {
  TempDir dir;
  dir.Write("t.csv", "id,s\na,12345\nb,123456\n\"c\",\"1234\"\"\"\n");
  for (size_t threads : {1, 2}) {
    CsvOptions options;
    options.threads = threads;
    options.max_cell_bytes = 5;
    const Outcome strict = ReadWith(dir.path(), options);
    EXPECT_FALSE(strict.ok);
    EXPECT_EQ(strict.rendered,
              "DIR/t.csv:3:3: error[csv.cell_too_large]: `s` is 6 bytes long; the longest "
              "field read is 5 bytes\n"
              " | b,123456\n"
              " |   ^~~~~~\n")
        << threads;
    options.strictness = Strictness::kLenient;
    const Outcome lenient = ReadWith(dir.path(), options);
    EXPECT_TRUE(lenient.ok) << lenient.rendered;
    EXPECT_EQ(lenient.rows, 2u) << threads;  // a and c (`1234"` is 5 bytes)
  }
}

TEST(CsvLimitsTest, AnIgnoredFieldOverTheLimitIsNamedByPosition) {
  TempDir dir;
  dir.Write("t.csv", "id,note,s\na,1234567,x\n");
  CsvOptions options;
  options.max_cell_bytes = 5;
  const Outcome o = ReadWith(dir.path(), options);
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.rendered.substr(0, o.rendered.find('\n')),
            "DIR/t.csv:2:3: error[csv.cell_too_large]: field 2 is 7 bytes long; the longest "
            "field read is 5 bytes");
}

TEST(CsvLimitsTest, AOneMegabyteLimit) {
  TempDir dir;
  dir.Write("t.csv", "id,s\na," + std::string(size_t{1} << 20, 'x') + "\nb," +
                         std::string((size_t{1} << 20) + 1, 'x') + "\n");
  CsvOptions options;
  options.strictness = Strictness::kLenient;
  EXPECT_EQ(ReadWith(dir.path(), options).rows, 2u);  // no limit by default
  options.max_cell_bytes = size_t{1} << 20;
  const Outcome o = ReadWith(dir.path(), options);
  EXPECT_TRUE(o.ok) << o.rendered.substr(0, 300);
  EXPECT_EQ(o.rows, 1u);
}

}  // namespace
}  // namespace zhucun
