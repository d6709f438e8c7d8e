// The parallel CSV reader (CsvOptions::threads > 1) against the sequential
// one (threads = 1): the same sources, the same diagnostics in the same
// order (codes, messages, spans, cells), the same accounting and rejected
// rows, and the same tables down to their codes and null flags. Files are
// split into parts of every size down to one byte
// (internal::ReadCsvFolderInParts), so that parts begin inside quoted
// fields that hold line breaks, inside CRLF line ends, among blank lines
// and at malformed records. No timing is asserted.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "facts/csv_reader_internal.h"
#include "facts_test_util.h"
#include "qiannan_gen.h"
#include "zhucun/csv.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun {
namespace {

using testing::InlineSchema;
using testing::Qiannan;
using testing::TempDir;

struct Load {
  SourceManager sources;
  std::optional<Result<FactSet>> result;
};

// Reads `dir` with `threads` threads, files in parts of `part_bytes` (0:
// the default).
std::unique_ptr<Load> ReadWith(const Schema& schema, const std::string& dir,
                               Strictness strictness, size_t threads,
                               size_t part_bytes = 0, size_t max_listed = 100000,
                               const std::string& encoding = "utf-8") {
  auto load = std::make_unique<Load>();
  CsvOptions options;
  options.encoding = encoding;
  options.strictness = strictness;
  options.threads = threads;
  options.max_listed = max_listed;
  load->result.emplace(internal::ReadCsvFolderInParts(schema, dir, options,
                                                      load->sources, part_bytes));
  return load;
}

std::string Describe(const Diagnostic& d) {
  std::string s = std::to_string(static_cast<int>(d.severity)) + " " + d.code + " [" +
                  std::to_string(d.span.file) + ":" + std::to_string(d.span.begin) + "-" +
                  std::to_string(d.span.end) + "] " + d.message + " | " + d.help;
  if (d.cell) {
    s += " | cell " + d.cell->table + ":" + std::to_string(d.cell->line) + " " +
         d.cell->column + "=" + d.cell->value + " (" + d.cell->expected + ")";
  }
  return s;
}

// Every row of every column of a table as text, with its validity and raw
// storage (codes of strings, day numbers, coefficients).
std::vector<std::string> Dump(const FactTable& t) {
  std::vector<std::string> out;
  out.push_back(t.name() + " rows " + std::to_string(t.num_rows()));
  for (size_t r = 0; r < t.num_rows(); ++r) {
    out.push_back("line " + std::to_string(t.line(r)));
  }
  for (size_t c = 0; c < t.schema().columns.size(); ++c) {
    const ColumnSchema& cs = t.schema().columns[c];
    const Column& col = t.column(c);
    std::string s = cs.name + " type " + std::to_string(static_cast<int>(col.type())) +
                    " valid " + std::to_string(col.valid().size()) + ":";
    for (uint8_t v : col.valid()) s += v ? '1' : '0';
    out.push_back(s);
    switch (col.type()) {
      case ColumnType::kBool:
        for (uint8_t v : col.bools()) out.push_back(std::to_string(v));
        break;
      case ColumnType::kInt:
      case ColumnType::kDecimal:
        for (int64_t v : col.ints()) out.push_back(std::to_string(v));
        break;
      default:
        for (int32_t v : col.int32s()) out.push_back(std::to_string(v));
        break;
    }
    if (col.type() == ColumnType::kString) {
      for (const std::string& d : col.dictionary()) out.push_back("dict " + d);
    }
    if (const std::vector<int32_t>* refs = t.references(cs.name)) {
      for (int32_t r : *refs) out.push_back("ref " + std::to_string(r));
    }
  }
  if (!t.schema().key.empty()) {
    const Column* key = t.column(t.schema().key);
    if (key != nullptr && key->type() == ColumnType::kString) {
      for (const std::string& d : key->dictionary()) {
        const std::optional<uint32_t> row = t.FindKey(d);
        out.push_back("key " + d + " " + (row ? std::to_string(*row) : "none"));
      }
    }
  }
  return out;
}

// The parallel load `b` is the sequential load `a`, byte for byte.
void ExpectSame(const Load& a, const Load& b, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(a.sources.size(), b.sources.size());
  for (FileId f = 0; f < a.sources.size(); ++f) {
    EXPECT_EQ(a.sources.name(f), b.sources.name(f));
    EXPECT_TRUE(a.sources.text(f) == b.sources.text(f)) << a.sources.name(f);
  }
  const Result<FactSet>& x = *a.result;
  const Result<FactSet>& y = *b.result;
  ASSERT_EQ(x.ok(), y.ok());
  EXPECT_EQ(x.diagnostics().Render(a.sources), y.diagnostics().Render(b.sources));
  ASSERT_EQ(x.diagnostics().size(), y.diagnostics().size());
  for (size_t i = 0; i < x.diagnostics().size(); ++i) {
    ASSERT_EQ(Describe(x.diagnostics().items()[i]), Describe(y.diagnostics().items()[i]))
        << "diagnostic " << i;
  }
  if (!x.ok()) return;
  const FactSet& p = x.value();
  const FactSet& q = y.value();
  ASSERT_EQ(p.stats().size(), q.stats().size());
  for (size_t i = 0; i < p.stats().size(); ++i) {
    EXPECT_EQ(p.stats()[i].table, q.stats()[i].table);
    EXPECT_EQ(p.stats()[i].read, q.stats()[i].read) << p.stats()[i].table;
    EXPECT_EQ(p.stats()[i].accepted, q.stats()[i].accepted) << p.stats()[i].table;
    EXPECT_EQ(p.stats()[i].rejected, q.stats()[i].rejected) << p.stats()[i].table;
  }
  EXPECT_EQ(testing::Rejections(p), testing::Rejections(q));
  ASSERT_EQ(p.tables().size(), q.tables().size());
  for (size_t t = 0; t < p.tables().size(); ++t) {
    const std::vector<std::string> u = Dump(p.tables()[t]);
    const std::vector<std::string> v = Dump(q.tables()[t]);
    ASSERT_EQ(u.size(), v.size()) << p.tables()[t].name();
    for (size_t i = 0; i < u.size(); ++i) {
      ASSERT_EQ(u[i], v[i]) << p.tables()[t].name() << " item " << i;
    }
  }
}

// Reads `dir` sequentially, then with `threads` threads in parts of each
// of `part_sizes` bytes, in both modes, and compares.
void ExpectParallelIsSequential(const Schema& schema, const std::string& dir,
                                const std::vector<size_t>& part_sizes,
                                const std::vector<size_t>& threads = {2, 3},
                                const std::string& encoding = "utf-8") {
  for (Strictness mode : {Strictness::kStrict, Strictness::kLenient}) {
    const auto sequential = ReadWith(schema, dir, mode, 1, 0, 100000, encoding);
    for (size_t n : threads) {
      for (size_t part : part_sizes) {
        const auto parallel = ReadWith(schema, dir, mode, n, part, 100000, encoding);
        ExpectSame(*sequential, *parallel,
                   std::string(mode == Strictness::kStrict ? "strict" : "lenient") +
                       ", threads " + std::to_string(n) + ", parts of " +
                       std::to_string(part) + " bytes");
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(ParallelReaderTest, GeneratedSampleWithDefects) {
  TempDir dir;
  gen::Options options;
  options.scale = 0.05;
  options.bad_rows = 0.03;
  options.threads = 2;
  gen::Summary summary;
  std::string error;
  ASSERT_TRUE(gen::Generate(options, dir.path(), &summary, &error)) << error;
  ASSERT_GT(summary.bad_rows, 100u);
  // Defects in every part: bad cells, wrong field counts, duplicate keys,
  // dangling references and the rows that refer to bad ones (cascade).
  ExpectParallelIsSequential(Qiannan(), dir.path(), {0, 100000, 4096, 777});
  // The default threads (one per core) and parts.
  const auto sequential = ReadWith(Qiannan(), dir.path(), Strictness::kLenient, 1);
  const auto automatic = ReadWith(Qiannan(), dir.path(), Strictness::kLenient, 0);
  ExpectSame(*sequential, *automatic, "default threads");
  ASSERT_TRUE(automatic->result->ok());
  EXPECT_FALSE(automatic->result->value().rejected().empty());
}

TEST(ParallelReaderTest, GeneratedSampleWithoutDefects) {
  TempDir dir;
  gen::Options options;
  options.scale = 0.1;
  options.as_of = "2023-12-31";
  gen::Summary summary;
  std::string error;
  ASSERT_TRUE(gen::Generate(options, dir.path(), &summary, &error)) << error;
  ExpectParallelIsSequential(Qiannan(), dir.path(), {0, 65536, 5000}, {2, 4});
}

// A table of ids, texts with line breaks, quotes and commas, and numbers.
const char kNotesSchema[] = R"(tables:
  - name: notes
    key: id
    columns:
      - {name: id, type: id}
      - {name: text, type: text, nullable: true}
      - {name: n, type: int}
  - name: links
    columns:
      - {name: note_id, type: id, references: notes}
      - {name: d, type: date}
)";

// Every part size from 1 byte to past the file's size.
std::vector<size_t> EverySize(size_t up_to) {
  std::vector<size_t> sizes;
  for (size_t n = 1; n <= up_to; ++n) sizes.push_back(n);
  return sizes;
}

TEST(ParallelReaderTest, QuotedLineBreaksAtEveryPartBoundary) {
  const Schema schema = InlineSchema(kNotesSchema);
  TempDir dir;
  dir.Write("notes.csv",
            "id,text,n\n"
            "a,\"one\nline break\",1\n"
            "b,\"two\r\nbreaks\n\",2\r\n"
            "\n"
            "c,plain,3\n"
            "d,\"\"\"quoted\"\", and a comma,\nand a break\",4\n"
            "e,\"\n\n\nthree blank lines inside\n\",x\n"  // a bad int
            "\r\n\r\n"
            "f,\"a,b\",5,extra\n"  // too many fields
            "g,,6\n"
            "h,\"ends\nthe file\",7");
  dir.Write("links.csv",
            "note_id,d\n"
            "a,2024-01-01\n"
            "e,2024-01-02\n"   // refers to a bad row: cascades
            "zz,2024-01-03\n"  // dangles
            "h,\"2024-\n01-04\"\n");
  ExpectParallelIsSequential(schema, dir.path(), EverySize(220));
}

TEST(ParallelReaderTest, CrLfAndBareCrLineEnds) {
  const Schema schema = InlineSchema(kNotesSchema);
  TempDir dir;
  dir.Write("notes.csv",
            "id,text,n\r\n"
            "a,\"x\r\ny\",1\r\n"
            "b,old mac,2\r"
            "c,\"p\rq\",3\r"
            "\r"
            "d,mixed,4\n"
            "e,\"\r\n\",5\r\n");
  ExpectParallelIsSequential(schema, dir.path(), EverySize(90));
}

TEST(ParallelReaderTest, MalformedRecordsAtEveryPartBoundary) {
  const Schema schema = InlineSchema(kNotesSchema);
  // Text after a closing quote, in the middle of the file: the rows before
  // it are read, the file is malformed from there on.
  {
    TempDir dir;
    dir.Write("notes.csv",
              "id,text,n\n"
              "a,\"ok\nfine\",1\n"
              "b,two,2\n"
              "c,\"closed\"then text,3\n"
              "d,\"after\nthe error\",4\n"
              "e,x,5\n");
    dir.Write("links.csv", "note_id,d\na,2024-01-01\n");
    ExpectParallelIsSequential(schema, dir.path(), EverySize(100));
  }
  // A quoted field that is never closed: the message names its line.
  {
    TempDir dir;
    dir.Write("notes.csv",
              "id,text,n\n"
              "a,\"ok\nfine\",1\n"
              "b,\"never closed,2\n"
              "c,x,3\n"
              "d,y,4\n");
    ExpectParallelIsSequential(schema, dir.path(), EverySize(70));
  }
}

TEST(ParallelReaderTest, QuotedFieldLongerThanManyParts) {
  const Schema schema = InlineSchema(kNotesSchema);
  TempDir dir;
  std::string big = "\"";
  for (int i = 0; i < 200; ++i) big += "line " + std::to_string(i) + ", \"\"more\"\"\n";
  big += "\"";
  std::string text = "id,text,n\n";
  for (int i = 0; i < 30; ++i) {
    text += "r" + std::to_string(i) + "," + (i % 7 == 3 ? big : "short") + "," +
            std::to_string(i) + "\n";
  }
  dir.Write("notes.csv", text);
  ExpectParallelIsSequential(schema, dir.path(), {1, 7, 64, 100, 1000, 4096, 100000});
}

// Records hidden inside quoted fields: a part that begins inside one reads
// them as records (with the right number of fields, keys that exist, and
// blank lines), so only where its first record begins tells it was wrong.
// Also duplicate keys (apart, and on adjacent rows), an empty key, and
// references to a duplicate, to a key that is only inside a quoted field
// and to nothing.
TEST(ParallelReaderTest, RecordsHiddenInQuotedFields) {
  const Schema schema = InlineSchema(kNotesSchema);
  TempDir dir;
  dir.Write("notes.csv",
            "id,text,n\n"
            "a,\"x\nb,fake,1\nc,fake,2\n\n\",1\n"
            "b,\"\na,dup,3\n\",2\n"
            "a,real dup,3\n"
            "b,ok,4\n"
            "b,ok,5\n"
            ",empty key,6\n"
            "d,\"\"\"\"\n\"\"\",\"\",7\",8\n"
            "e,\"\r\nf,\"\"\"\",9\r\n\",9\n"
            "f,x,10\n");
  dir.Write("links.csv",
            "note_id,d\n"
            "a,2024-01-01\n"
            "b,2024-01-02\n"
            "c,2024-01-03\n"
            "f,\"2024-01-04\"\n"
            "q,2024-13-01\n");
  ExpectParallelIsSequential(schema, dir.path(), EverySize(180));
}

// A file converted from GB18030 (CRLF line ends, a quoted field with a line
// break, a bad cell): parts are cut in the converted text.
TEST(ParallelReaderTest, ConvertedFromGb18030) {
  const Schema schema = InlineSchema(kNotesSchema);
  const std::string duyun = "\xB6\xBC\xD4\xC8\xCA\xD0";  // 都匀市
  TempDir dir;
  dir.Write("notes.csv", "id,text,n\r\na," + duyun + ",1\r\nb,\"" + duyun + "\r\n" +
                             duyun + "\",2\r\nc," + duyun + "," + duyun + "\r\n");
  dir.Write("links.csv", "note_id,d\r\na,2024-01-01\r\nc,2024-01-02\r\n");
  ExpectParallelIsSequential(schema, dir.path(), EverySize(70), {2, 3}, "gb18030");
}

// Files made at random from the pieces above (seeded, so the same every
// run): quoted fields with line breaks, escaped quotes, commas and hidden
// records; CRLF, bare CR and blank lines; records with a field too few or
// too many; bad and empty cells; duplicate, empty and dangling keys; and
// in some files a record that is malformed.
TEST(ParallelReaderTest, RandomFiles) {
  const Schema schema = InlineSchema(kNotesSchema);
  std::mt19937 random(20261205);
  const auto pick = [&random](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random)];
  };
  const auto chance = [&random](int percent) {
    return std::uniform_int_distribution<int>(0, 99)(random) < percent;
  };
  const std::vector<std::string> ids = {"a", "b", "c", "d", "e", "f", "g", "h",
                                        "\"a\"", "", "\"i\nj\"", "k"};
  const std::vector<std::string> texts = {
      "plain", "", "\"\"", "\"one\ntwo\"", "\"cr\r\nlf\"", "\"bare\rcr\"",
      "\"a \"\"quote\"\", a comma\"", "\"\nz,fake,1\n\"", "\"\n\n\"", "\"a,b,c\"",
      "\"\nb,\"\"q\"\",2\r\n\"", "两个字"};
  const std::vector<std::string> numbers = {"1", "-7", "123456", "", "x", "1.5", "\"42\""};
  const std::vector<std::string> dates = {"2024-01-31", "2024-02-30", "", "\"2024-\n03-01\"",
                                          "2023-12-01"};
  const std::vector<std::string> ends = {"\n", "\n", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n"};
  std::set<std::string> met;  // the codes of the sequential loads' diagnostics
  for (int file = 0; file < 24; ++file) {
    SCOPED_TRACE("file " + std::to_string(file));
    const bool malformed = file % 4 == 3;
    std::string notes = chance(20) ? "\xEF\xBB\xBFid,text,n\n" : "id,text,n\n";
    const int rows = std::uniform_int_distribution<int>(5, 40)(random);
    const int bad_at = malformed ? std::uniform_int_distribution<int>(0, rows - 1)(random) : -1;
    for (int r = 0; r < rows; ++r) {
      std::vector<std::string> fields = {pick(ids), pick(texts), pick(numbers)};
      if (chance(5)) fields.pop_back();
      if (chance(5)) fields.push_back(pick(texts));
      if (r == bad_at) fields[1] = chance(50) ? "\"closed\"then" : "\"never closed";
      for (size_t f = 0; f < fields.size(); ++f) notes += (f > 0 ? "," : "") + fields[f];
      if (r + 1 < rows || chance(50)) notes += pick(ends);
    }
    std::string links = "note_id,d\n";
    for (int r = 0; r < 12; ++r) links += pick(ids) + "," + pick(dates) + pick(ends);
    TempDir dir;
    dir.Write("notes.csv", notes);
    dir.Write("links.csv", links);
    ExpectParallelIsSequential(schema, dir.path(), {1, 2, 3, 5, 8, 17, 40, 120, 0});
    if (::testing::Test::HasFatalFailure()) return;
    const auto lenient = ReadWith(schema, dir.path(), Strictness::kLenient, 1);
    for (const Diagnostic& d : lenient->result->diagnostics().items()) met.insert(d.code);
  }
  // The files hold every kind of defect they were made to hold.
  for (const char* code : {"csv.malformed", "csv.field_count", "csv.duplicate_key",
                           "csv.dangling_reference", "csv.bad_reference", "csv.null",
                           "csv.bad_int", "csv.bad_date"}) {
    EXPECT_TRUE(met.count(code) > 0) << code;
  }
}

// The same tables in two schema orders: a reference to a table listed
// before it is coded against that table's key as it is read
// (FactSetBuilder::Impl::CodeAgainstKeys), one to a table listed after it
// has a dictionary of its own until Finish recodes it. Both must give the
// same diagnostics (codes, messages, cells) and the same tables, down to
// their codes and references, one thread or two, in parts of any size
// (dangling ids in several parts, repeated and not; a duplicate key; an
// empty key; a null reference).
std::string ParentsAndChildren(bool parents_first) {
  const std::string parents = R"(  - name: parents
    key: parent_id
    columns:
      - {name: parent_id, type: id}
      - {name: name, type: text}
)";
  const std::string children = R"(  - name: children
    key: child_id
    columns:
      - {name: child_id, type: id}
      - {name: parent_id, type: id, references: parents, nullable: true}
      - {name: note, type: text}
)";
  return "tables:\n" + (parents_first ? parents + children : children + parents);
}

// A load's diagnostics (without their spans, which name files by the order
// they were added) and its tables by name.
std::vector<std::string> Outcome(const Load& load) {
  std::vector<std::string> out;
  const Result<FactSet>& r = *load.result;
  for (const Diagnostic& d : r.diagnostics().items()) {
    std::string s = d.code + " " + d.message + " | " + d.help;
    if (d.cell) {
      s += " | cell " + d.cell->table + ":" + std::to_string(d.cell->line) + " " +
           d.cell->column + "=" + d.cell->value + " (" + d.cell->expected + ")";
    }
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  if (!r.ok()) return out;
  for (const std::string name : {"parents", "children"}) {
    const FactTable* t = r.value().table(name);
    if (t == nullptr) {
      out.push_back("no table " + name);
      continue;
    }
    for (std::string& line : Dump(*t)) out.push_back(std::move(line));
  }
  return out;
}

// Reads `dir` with the reference coded against its key (`coded`), with one
// thread, and with two in whole files and in parts of each of `parts`
// bytes, and expects the outcome of the same files read without it.
void ExpectCodedAsNotCoded(const Schema& coded, const std::string& dir, Strictness mode,
                           const std::vector<std::string>& expected,
                           std::initializer_list<size_t> parts) {
  std::vector<std::pair<size_t, size_t>> reads = {{1, 0}, {2, 0}};
  for (const size_t part : parts) reads.emplace_back(2, part);
  for (const auto& [threads, part] : reads) {
    SCOPED_TRACE(std::string(mode == Strictness::kStrict ? "strict" : "lenient") +
                 ", threads " + std::to_string(threads) + ", parts of " +
                 std::to_string(part) + " bytes");
    const std::vector<std::string> got = Outcome(*ReadWith(coded, dir, mode, threads, part));
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], expected[i]) << "item " << i;
  }
}

TEST(ParallelReaderTest, ReferencesCodedAgainstTheKeyAsWhenNotCoded) {
  TempDir dir;
  dir.Write("parents.csv",
            "parent_id,name\n"
            "P1,one\n"
            "P2,two\n"
            "P2,two again\n"
            ",no id\n"
            "P3,three\n"
            "P4,four\n");
  dir.Write("children.csv",
            "child_id,parent_id,note\n"
            "C1,P1,a\n"
            "C2,P9,dangling\n"
            "C3,P2,to a duplicate\n"
            "C4,,no parent\n"
            "C5,P9,dangling again\n"
            "C6,P9,and again\n"
            "C7,P8,another\n"
            "C8,P4,b\n"
            "C9,P1,c\n"
            "C10,P3,d\n");
  const Schema coded = InlineSchema(ParentsAndChildren(true));
  const Schema not_coded = InlineSchema(ParentsAndChildren(false));
  for (Strictness mode : {Strictness::kStrict, Strictness::kLenient}) {
    const std::vector<std::string> expected =
        Outcome(*ReadWith(not_coded, dir.path(), mode, 1));
    // (The dangling ids are reported, whichever the order.)
    size_t dangling = 0;
    for (const std::string& line : expected) {
      dangling += line.rfind("csv.dangling_reference", 0) == 0;
    }
    EXPECT_EQ(dangling, 4u);
    ExpectCodedAsNotCoded(coded, dir.path(), mode, expected, {1, 9, 23, 60});
  }
  // In lenient mode the reference shares the key's dictionary (its rows
  // that dangle are left out).
  const auto lenient = ReadWith(coded, dir.path(), Strictness::kLenient, 2, 9);
  ASSERT_TRUE(lenient->result->ok());
  const FactSet& facts = lenient->result->value();
  EXPECT_EQ(&facts.table("children")->column("parent_id")->dictionary(),
            &facts.table("parents")->column("parent_id")->dictionary());
  EXPECT_EQ(facts.table("children")->num_rows(), 6u);
}

// Many references, coded in batches (ColumnBuild::FlushAgainst): first
// in the parents' order (runs of one parent, parents skipped, near and far),
// then in no order, then in order again; among them ids no parent has
// (dangling, some of them again and again, coded into the column's own
// dictionary by first appearance) and empty cells, across many batches and
// parts.
TEST(ParallelReaderTest, ManyReferencesCodedInBatchesAsWhenNotCoded) {
  TempDir dir;
  std::string parents = "parent_id,name\n";
  for (int i = 0; i < 700; ++i) parents += "P" + std::to_string(i) + ",n\n";
  std::string children = "child_id,parent_id,note\n";
  std::mt19937 random(20261207);
  std::string parent = "P0";
  int in_order = 0;
  for (int i = 0; i < 6000; ++i) {
    const bool ordered = i < 2000 || i >= 4000;
    switch (random() % 6) {
      case 0: break;  // the one before again
      case 1: parent = "D" + std::to_string(random() % 40); break;
      case 2: parent = random() % 2 == 0 ? "" : parent; break;
      default:
        if (ordered) {  // the next parent, or one a few or many after it
          in_order = (in_order + 1 + (random() % 4 == 0 ? random() % 12 : 0)) % 700;
          parent = "P" + std::to_string(in_order);
        } else {
          parent = "P" + std::to_string(random() % 700);
        }
        break;
    }
    children += "C" + std::to_string(i) + "," + parent + ",x\n";
  }
  dir.Write("parents.csv", parents);
  dir.Write("children.csv", children);
  const Schema coded = InlineSchema(ParentsAndChildren(true));
  const Schema not_coded = InlineSchema(ParentsAndChildren(false));
  for (Strictness mode : {Strictness::kStrict, Strictness::kLenient}) {
    const std::vector<std::string> expected =
        Outcome(*ReadWith(not_coded, dir.path(), mode, 1));
    ExpectCodedAsNotCoded(coded, dir.path(), mode, expected, {777, 20000});
  }
}

TEST(ParallelReaderTest, TinyFiles) {
  const Schema schema = InlineSchema(kNotesSchema);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"header only", "id,text,n\n"},
      {"header without a line end", "id,text,n"},
      {"one row without a line end", "id,text,n\na,b,1"},
      {"one field short", "id,text,n\na,b\n"},
      {"byte-order mark", "\xEF\xBB\xBFid,text,n\na,b,1\n"},
      {"two byte-order marks", "\xEF\xBB\xBF\xEF\xBB\xBFid,text,n\na,b,1\n"},
      {"blank lines only", "id,text,n\n\n\n\r\n\n"},
      {"a quote alone", "id,text,n\n\""},
      {"a missing column", "id,n\na,1\n"},
      {"a column twice", "id,text,n,n\na,b,1,2\n"},
      {"not UTF-8", "id,text,n\na,\xFF,1\n"},
  };
  for (const auto& [what, text] : cases) {
    SCOPED_TRACE(what);
    TempDir dir;
    dir.Write("notes.csv", text);
    dir.Write("links.csv", "note_id,d\na,2024-01-01\n");
    ExpectParallelIsSequential(schema, dir.path(), {1, 2, 3, 5, 8, 13, 0}, {2, 5});
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(ParallelReaderTest, AbsentAndUnreadableFiles) {
  const Schema schema = InlineSchema(kNotesSchema);
  TempDir dir;
  dir.Write("links.csv", "note_id,d\na,2024-01-01\n");  // notes.csv is absent
  ExpectParallelIsSequential(schema, dir.path(), {1, 0});
  std::filesystem::create_directory(dir.File("notes.csv"));  // not a file
  ExpectParallelIsSequential(schema, dir.path(), {1, 0});
}

TEST(ParallelReaderTest, MaxListedAndTheUnlistedCount) {
  TempDir dir;
  gen::Options options;
  options.scale = 0.03;
  options.bad_rows = 0.05;
  gen::Summary summary;
  std::string error;
  ASSERT_TRUE(gen::Generate(options, dir.path(), &summary, &error)) << error;
  for (size_t listed : {0, 1, 37}) {
    for (Strictness mode : {Strictness::kStrict, Strictness::kLenient}) {
      const auto a = ReadWith(Qiannan(), dir.path(), mode, 1, 0, listed);
      const auto b = ReadWith(Qiannan(), dir.path(), mode, 3, 3000, listed);
      ExpectSame(*a, *b, "max_listed " + std::to_string(listed));
    }
  }
}

}  // namespace
}  // namespace zhucun
