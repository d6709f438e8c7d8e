#ifndef ZHUCUN_SRC_FACTS_CSV_READER_INTERNAL_H_
#define ZHUCUN_SRC_FACTS_CSV_READER_INTERNAL_H_

// The pieces of the CSV reader shared by its two drivers: csv_reader.cc
// (files, headers, rows; the sequential reading) and csv_parallel_reader.cc
// (several threads, a large file's rows in parts). Also
// ReadCsvFolderInParts, ReadCsvFolder with a chosen size of the parts, so
// that tests can split small files at every place.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/csv_tokenizer.h"
#include "facts/huge_pages.h"
#include "zhucun/csv.h"
#include "zhucun/diagnostic.h"
#include "zhucun/fact_table.h"
#include "zhucun/result.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun::internal {

// The last component of a path.
std::string_view BaseName(std::string_view path);

// Which file was read, and as it was then: the same file unchanged has the
// same stamp (the identity git trusts to skip reading a file again).
struct FileStamp {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t modified_ns = 0;
  int64_t changed_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// The text of a file, when a cell is to be found in it (nullopt: it is
// gone, and the cell has no place).
using TextOf = std::function<std::optional<std::string_view>()>;

// A file's text read from its start: the pages before `offset` go back to
// the system (DiscardPages) once at least `least` bytes have gathered
// there since the last time. Nothing with no text.
struct ReadBehind {
  const char* text = nullptr;
  uint32_t given_back = 0;
  void Upto(uint32_t offset, uint32_t least = 0) {
    if (text == nullptr || offset <= given_back || offset - given_back < least) return;
    DiscardPages(text + given_back, offset - given_back);
    given_back = offset;
  }
};

// A table's file, read and checked, before it is added to the sources.
struct TableFile {
  enum class Kind { kAbsent, kNotFile, kUnreadable, kTooLarge, kEmpty, kBadEncoding, kText };
  Kind kind = Kind::kAbsent;
  std::string path;
  std::string file_name;  // <table>.csv
  std::string table;
  std::string encoding;   // the file's (CsvOptions: the table's own, else the folder's)
  // kBadEncoding: the file as it is; kText: its UTF-8 text without a BOM.
  std::string bytes;
  std::string error;                // kBadEncoding: what is wrong
  size_t at = std::string::npos;    // kBadEncoding: where
  size_t bad = std::string::npos;   // kText: the first byte that is not UTF-8
  uint64_t size = 0;                // kTooLarge: the file's size
  FileStamp stamp;                  // kText: the file read
};

// Reads a table's file `<dir>/<table>.csv` and checks its encoding.
TableFile LoadTableFile(const std::string& dir, const TableSchema& spec,
                        const CsvOptions& options);

// Adds a table's file to `sources` (its bytes are moved there) and reports
// the problems of the whole file to `errors`. Returns the file whose rows
// are to be read, or kNoFile.
FileId AddTableFile(TableFile& f, const CsvOptions& options, SourceManager& sources,
                    std::vector<Diagnostic>* errors);

// Reads one table's CSV text into `builder` (ReadCsvTable, with a limit on
// the fields' length); the cell locator finds the text by `text_of` (by
// default the text as it is in `sources` now). With `discard` (the text is
// released after, csv_texts.h), the pages of the text already read are
// given back as the rows are read.
void ReadCsvTableWithLimit(size_t table, FileId file, const SourceManager& sources,
                           FactSetBuilder& builder, size_t max_cell_bytes,
                           TextOf text_of = nullptr, bool discard = false);

// A malformed file: what the tokenizer met.
Diagnostic Malformed(std::string_view name, FileId file, const internal::CsvError& e);

// A file's header: which schema column each field is.
struct CsvHeader {
  size_t nfields = 0;
  // field_to_column[i]: the schema column of field i, or -1 (ignored).
  std::vector<int> field_to_column;
  std::vector<int> column_to_field;
  uint32_t line = 0;        // the header's line
  uint32_t end = 0;         // just past its last field
  uint32_t rows_begin = 0;  // where the tokenizer is after it
  uint32_t rows_line = 0;   // and its line
  // A longer field makes its record a bad row (CsvOptions::max_cell_bytes).
  size_t max_cell_bytes = SIZE_MAX;
};

// Reads the header of a table's file; reports problems of the whole file
// to `errors` and returns false when no rows are to be read.
bool ReadHeader(const TableSchema& spec, FileId file, std::string_view name,
                internal::CsvTokenizer& tokenizer, CsvHeader* h,
                std::vector<Diagnostic>* errors);

// Finds a cell of a row from its record's offset (FactSetBuilder::
// CellLocator): cells of rows with problems found after reading are found
// again by tokenizing their record once more, in the text `text` gives.
FactSetBuilder::CellLocator Locator(TextOf text, FileId file, const CsvHeader& h);

// The expected number of rows of a file (a capacity hint): at most one per
// line after the header's, and at most one per max(2, fields) bytes (a
// record of n fields holds n - 1 commas and a line end; one of one field, a
// character and a line end).
size_t ExpectedRows(const CsvHeader& h, size_t text_size, uint32_t last_line);

// The cell of a record with the wrong number of fields: too few, the first
// schema column the record has no field for (if any column is missing);
// too many, no column.
DataCell FieldCountCell(const TableSchema& spec, uint32_t line, size_t fields,
                        const std::vector<int>& field_to_column);

// Reports the record's first field longer than h.max_cell_bytes as a bad
// row (`csv.cell_too_large`), if it has one.
template <typename Sink>
bool TooLongField(const TableSchema& spec, FileId file, const CsvHeader& h,
                  const internal::CsvRecord& record, Sink& sink) {
  for (size_t f = 0; f < record.fields.size(); ++f) {
    const internal::CsvField& field = record.fields[f];
    const size_t size = field.value.size();
    if (size <= h.max_cell_bytes) continue;
    const int c = h.field_to_column[f];
    const std::string column = c >= 0 ? spec.columns[static_cast<size_t>(c)].name : "";
    const std::string limit = "at most " + std::to_string(h.max_cell_bytes) + " bytes";
    sink.AddBadRow(record.line, Diagnostic(
        Severity::kError, "csv.cell_too_large",
        (column.empty() ? "field " + std::to_string(f + 1) : "`" + column + "`") + " is " +
            std::to_string(size) + " bytes long; the longest field read is " +
            std::to_string(h.max_cell_bytes) + " bytes",
        SourceSpan{file, field.begin, field.end}, "",
        DataCell{spec.name, record.line, column, "", limit}));
    return true;
  }
  return false;
}

// How a run of records ended (ReadRows).
struct RowsRead {
  enum class How {
    kEnd,     // at the end of the text or at a record at or past `end`
    kFailed,  // at a malformed record before `end` (tokenizer.error())
    kGaveUp,  // at a record before `end` whose quoted field is not closed
              // before the tokenizer's limit
  };
  How how = How::kEnd;
  // The first record met (read or not) and its line; the text's size when
  // there is none.
  uint32_t first = 0;
  uint32_t first_line = 0;
  // The first record not read, and its line (the text's size at its end).
  uint32_t stop = 0;
  uint32_t stop_line = 0;
};

// Reads records from `tokenizer` into `sink` (AddFileRow and AddBadRow, as
// FactSetBuilder's) until one that begins at or after `end`.
template <typename Sink>
RowsRead ReadRows(const TableSchema& spec, FileId file, const CsvHeader& h,
                  internal::CsvTokenizer& tokenizer, uint32_t end, Sink& sink) {
  const size_t nfields = h.nfields;
  auto span_of = [&](uint32_t begin, uint32_t end) {
    return SourceSpan{file, begin, end};
  };
  internal::CsvRecord record;
  std::vector<std::optional<std::string_view>> cells(spec.columns.size());
  std::vector<SourceSpan> spans(spec.columns.size());
  RowsRead r;
  for (bool first = true;; first = false) {
    const bool ok = tokenizer.Next(&record);
    const uint32_t begin = tokenizer.record_begin();
    if (first) {
      r.first = begin;
      r.first_line = tokenizer.record_line();
    }
    if (!ok || begin >= end) {
      r.stop = begin;
      r.stop_line = tokenizer.record_line();
      if (!ok && begin < end) {
        if (tokenizer.error()) r.how = RowsRead::How::kFailed;
        if (tokenizer.gave_up()) r.how = RowsRead::How::kGaveUp;
      }
      return r;
    }
    if (record.fields.size() != nfields) {
      const uint32_t first_byte = record.fields.empty() ? 0 : record.fields.front().begin;
      const uint32_t last_byte = record.fields.empty() ? first_byte : record.fields.back().end;
      sink.AddBadRow(record.line, Diagnostic(
          Severity::kError, "csv.field_count",
          "the record has " + std::to_string(record.fields.size()) +
              (record.fields.size() == 1 ? " field" : " fields") +
              " but the header has " + std::to_string(nfields),
          span_of(first_byte, last_byte), "",
          FieldCountCell(spec, record.line, record.fields.size(), h.field_to_column)));
      continue;
    }
    if (h.max_cell_bytes != SIZE_MAX && TooLongField(spec, file, h, record, sink)) continue;
    const uint32_t record_begin = record.fields.front().begin;
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      const int f = h.column_to_field[c];
      if (f < 0) {
        cells[c] = std::nullopt;
        spans[c] = span_of(record_begin, record_begin);
        continue;
      }
      const internal::CsvField& field = record.fields[static_cast<size_t>(f)];
      cells[c] = field.value;
      spans[c] = span_of(field.begin, field.end);
    }
    sink.AddFileRow(record.line, record_begin, cells, spans);
  }
}

// The cores this process may run on.
size_t AvailableCores();

// Reads the tables of a folder into `builder` with `threads` (> 1)
// threads, each file's rows in parts of about `part_bytes`, and finishes
// it: the same result as reading them one after another
// (csv_parallel_reader.cc).
// Each file's text is released from `sources` once its rows are read
// (`texts`, which the caller settles after).
class CsvTexts;
Result<FactSet> ReadCsvFolderInParallel(const Schema& schema, const std::string& dir,
                                        const CsvOptions& options,
                                        SourceManager& sources, FactSetBuilder& builder,
                                        CsvTexts& texts, size_t threads, size_t part_bytes);

// ReadCsvFolder, reading each file's rows in parts of about `part_bytes`
// (0: the default, 16 MiB) when options.threads is not 1.
Result<FactSet> ReadCsvFolderInParts(const Schema& schema, const std::string& dir,
                                     const CsvOptions& options, SourceManager& sources,
                                     size_t part_bytes);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_CSV_READER_INTERNAL_H_
