// A folder's CSV texts leave the SourceManager once read (facts/csv_texts.h):
// a file no diagnostic points into is not held after the load; one that a
// diagnostic points into is read again, to find the cell (a dangling
// reference, found after every file is read) and to quote the line; and a
// file that changed meanwhile fails the load (`csv.changed`) instead of
// quoting lines that were never read.

#include "facts/csv_texts.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "facts/csv_reader_internal.h"
#include "facts_test_util.h"
#include "zhucun/csv.h"
#include "zhucun/fact_table.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun {
namespace {

using testing::InlineSchema;
using testing::TempDir;

const char kSchema[] = R"(tables:
  - name: notes
    key: id
    columns:
      - {name: id, type: id}
      - {name: n, type: int}
  - name: links
    columns:
      - {name: note_id, type: id, references: notes}
      - {name: d, type: date}
)";

const char kNotes[] = "id,n\na,1\nb,2\n";

// The file id of `name` (a path ending in it) in `sources`.
FileId FileNamed(const SourceManager& sources, const std::string& name) {
  for (FileId f = 0; f < sources.size(); ++f) {
    const std::string& path = sources.name(f);
    if (path.size() >= name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0) {
      return f;
    }
  }
  return kNoFile;
}

// Reads `dir` with `threads` threads (parts of 4 bytes when parallel).
Result<FactSet> Read(const Schema& schema, const TempDir& dir, SourceManager& sources,
                     size_t threads, Strictness strictness = Strictness::kStrict) {
  CsvOptions options;
  options.threads = threads;
  options.strictness = strictness;
  return internal::ReadCsvFolderInParts(schema, dir.path(), options, sources, 4);
}

TEST(CsvTextsTest, AFileNoDiagnosticPointsIntoIsNotHeldAfterTheLoad) {
  const Schema schema = InlineSchema(kSchema);
  TempDir dir;
  dir.Write("notes.csv", kNotes);
  dir.Write("links.csv", "note_id,d\na,2024-01-02\nb,2024-01-03\n");
  for (size_t threads : {1, 2}) {
    SCOPED_TRACE(threads);
    SourceManager sources;
    const Result<FactSet> r = Read(schema, dir, sources, threads);
    ASSERT_TRUE(r.ok()) << r.diagnostics().Render(sources);
    for (const char* name : {"notes.csv", "links.csv"}) {
      const FileId f = FileNamed(sources, name);
      ASSERT_NE(f, kNoFile) << name;
      EXPECT_FALSE(sources.held(f)) << name;
      EXPECT_EQ(sources.text(f), "") << name;
    }
    EXPECT_EQ(r.value().tables()[1].num_rows(), 2u);
  }
}

TEST(CsvTextsTest, ACellFoundAfterReadingIsFoundAndQuotedInTheFileReadAgain) {
  const Schema schema = InlineSchema(kSchema);
  TempDir dir;
  dir.Write("notes.csv", kNotes);
  const std::string links = "note_id,d\na,2024-01-02\nzz,2024-01-03\n";
  dir.Write("links.csv", links);
  for (size_t threads : {1, 2}) {
    SCOPED_TRACE(threads);
    SourceManager sources;
    const Result<FactSet> r = Read(schema, dir, sources, threads);
    ASSERT_FALSE(r.ok());
    const FileId f = FileNamed(sources, "links.csv");
    EXPECT_TRUE(sources.held(f));
    EXPECT_EQ(sources.text(f), links);
    EXPECT_FALSE(sources.held(FileNamed(sources, "notes.csv")));
    const std::string rendered = r.diagnostics().Render(sources);
    EXPECT_NE(rendered.find("links.csv:3:1: error[csv.dangling_reference]: `note_id`: no "
                            "`notes` row has `id` `zz`\n"
                            " | zz,2024-01-03\n"
                            " | ^~\n"),
              std::string::npos)
        << rendered;
  }
}

TEST(CsvTextsTest, ABadCellFoundWhileReadingIsQuotedInLenientMode) {
  const Schema schema = InlineSchema(kSchema);
  TempDir dir;
  dir.Write("notes.csv", "id,n\na,1\nb,x\n");
  dir.Write("links.csv", "note_id,d\na,2024-01-02\n");
  for (size_t threads : {1, 2}) {
    SCOPED_TRACE(threads);
    SourceManager sources;
    const Result<FactSet> r = Read(schema, dir, sources, threads, Strictness::kLenient);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(sources.held(FileNamed(sources, "notes.csv")));
    EXPECT_FALSE(sources.held(FileNamed(sources, "links.csv")));
    const std::string rendered = r.diagnostics().Render(sources);
    EXPECT_NE(rendered.find(" | b,x\n |   ^\n"), std::string::npos) << rendered;
  }
}

TEST(CsvTextsTest, AFileLargerThanTheDiscardedStretchesIsQuotedWhereverItsProblemsAre) {
  // Over 16 MiB: the text already read is given back as it is read (both
  // readers), and read again whole for the quotes.
  const Schema schema = InlineSchema(kSchema);
  TempDir dir;
  dir.Write("notes.csv", kNotes);
  std::string links = "note_id,d\na,2024-01-02\nb,2024-13-01\n";
  const size_t rows = 1500000;
  links.reserve(rows * 13 + 64);
  for (size_t i = 0; i < rows; ++i) links += "a,2024-01-02\n";
  links += "zz,2024-01-03\n";
  ASSERT_GT(links.size(), size_t{17} << 20);
  dir.Write("links.csv", links);
  for (size_t threads : {1, 2}) {
    SCOPED_TRACE(threads);
    SourceManager sources;
    CsvOptions options;
    options.threads = threads;
    options.strictness = Strictness::kLenient;
    const Result<FactSet> r = ReadCsvFolder(schema, dir.path(), options, sources);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().tables()[1].num_rows(), rows + 1);
    const FileId f = FileNamed(sources, "links.csv");
    EXPECT_TRUE(sources.held(f));
    EXPECT_TRUE(sources.text(f) == links);
    const std::string rendered = r.diagnostics().Render(sources);
    EXPECT_NE(rendered.find("links.csv:3:3: warning[csv.bad_date]"), std::string::npos) << rendered;
    EXPECT_NE(rendered.find(" | b,2024-13-01\n"), std::string::npos) << rendered;
    EXPECT_NE(rendered.find("links.csv:" + std::to_string(rows + 4) +
                            ":1: warning[csv.dangling_reference]"),
              std::string::npos)
        << rendered;
    EXPECT_NE(rendered.find(" | zz,2024-01-03\n | ^~\n"), std::string::npos) << rendered;
  }
}

// CsvTexts itself: `notes.csv` of a folder holding `text`, read, noted and
// released.
class Released {
 public:
  explicit Released(std::string_view text) {
    dir_.Write("notes.csv", text);
    internal::TableFile f = internal::LoadTableFile(path_, schema_.tables[0], options_);
    EXPECT_EQ(f.kind, internal::TableFile::Kind::kText);
    std::vector<Diagnostic> errors;
    file_ = internal::AddTableFile(f, options_, sources_, &errors);
    EXPECT_NE(file_, kNoFile);
    texts_.Add(file_, 0, f.stamp);
    texts_.Release(file_);
    EXPECT_FALSE(sources_.held(file_));
  }

  const TempDir& dir() const { return dir_; }
  const SourceManager& sources() const { return sources_; }
  internal::CsvTexts& texts() { return texts_; }
  FileId file() const { return file_; }

 private:
  const Schema schema_ = InlineSchema(kSchema);
  TempDir dir_;
  const std::string path_ = dir_.path();
  CsvOptions options_;
  SourceManager sources_;
  internal::CsvTexts texts_{sources_, path_, schema_, options_};
  FileId file_ = kNoFile;
};

TEST(CsvTextsTest, AnUnchangedFileComesBackAsItWasRead) {
  Released r("\xEF\xBB\xBFid,n\r\na,1\r\n");  // a BOM, CRLF
  const std::optional<std::string_view> text = r.texts().Text(r.file());
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "id,n\r\na,1\r\n");
  EXPECT_TRUE(r.sources().held(r.file()));
  EXPECT_EQ(r.sources().Locate(r.file(), 9).line, 2u);
}

TEST(CsvTextsTest, AFileThatChangedWhileReadFailsTheLoadWithoutQuotingIt) {
  for (const char* now : {"id,n\na,1\nc,3\n", "id,n\na,1\nb,2\nc,3\n"}) {
    SCOPED_TRACE(now);
    Released r(kNotes);
    r.dir().Write("notes.csv", now);  // the same size, then longer
    // Its modification time differs from the one read, even where the two
    // writes fall in one tick of the file system's clock.
    const std::filesystem::path file = r.dir().path() + "/notes.csv";
    std::filesystem::last_write_time(
        file, std::filesystem::last_write_time(file) - std::chrono::seconds(10));
    EXPECT_FALSE(r.texts().Text(r.file()).has_value());
    EXPECT_FALSE(r.sources().held(r.file()));

    Diagnostics found;
    found.Error("csv.duplicate_key", "duplicate key `b`", SourceSpan{r.file(), 9, 10});
    const Result<FactSet> settled = r.texts().Settle(Result<FactSet>(std::move(found)));
    ASSERT_FALSE(settled.ok());
    const std::vector<Diagnostic>& items = settled.diagnostics().items();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].code, "csv.changed");
    EXPECT_EQ(items[0].message, "`" + r.dir().path() + "/notes.csv` changed while it was read, "
                                "so the problems found in it are shown without their lines");
    EXPECT_EQ(items[0].help, "read the folder again once nothing writes to it");
    EXPECT_EQ(items[1].code, "csv.duplicate_key");
    EXPECT_EQ(items[1].span.file, kNoFile);
  }
}

TEST(CsvTextsTest, ALoadWithoutDiagnosticsIsSettledAsItIs) {
  Released r(kNotes);
  r.dir().Write("notes.csv", "id,n\n");  // changed, but nothing needs it
  FactSetBuilder builder(InlineSchema(kSchema));
  const Result<FactSet> settled = r.texts().Settle(builder.Finish());
  EXPECT_TRUE(settled.ok());
  EXPECT_TRUE(settled.diagnostics().empty());
  EXPECT_FALSE(r.sources().held(r.file()));
}

}  // namespace
}  // namespace zhucun
