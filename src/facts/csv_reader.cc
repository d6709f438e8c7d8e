// Reading CSV folders and files into a FactSetBuilder (DATA.md, "Input").
//
// With one thread, the tables are read one after another, each file from
// start to end (ReadCsvTable). With more (CsvOptions::threads), the files
// are read and checked in parallel, added to the sources in schema order
// (so that file ids are the same), and each file's rows after its header
// are read in parts of a few MiB in parallel, each part into a build of
// its own (BuilderImpl::AddFileRowTo, the very code that takes a
// row otherwise), which is appended to the table's build in order
// (AppendPart: strings renumbered by first appearance, row numbers and
// lines moved on). The result is the same, byte for byte, as with one
// thread: the same rows in the same order, the same diagnostics in the same
// order, with the same lines and spans.
//
// Where a part begins is a guess: the start of a line some bytes on. The
// guess is right when the rows before it end exactly there, which is
// checked when the part is appended: the part before it stops at the first
// record that begins at or after its end, and that record must be the
// part's first. A guess inside a quoted field that holds line breaks is
// wrong; that part is read again from where the rows before it ended. Parts
// but the first count lines from 1 and are moved on by the difference once
// the line of their first record is known; they look for a closing quote no
// further than a part's length past their end (a wrong guess could
// otherwise have one scan the rest of the file), and are read again from
// that record on when they give up there.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "facts/builder_impl.h"
#include "facts/csv_reader_internal.h"
#include "facts/csv_tokenizer.h"
#include "facts/encoding.h"
#include "facts/huge_pages.h"
#include "source/quote.h"
#include "zhucun/csv.h"

namespace zhucun {

using internal::Quote;

namespace {

using BuilderImpl = internal::FactSetBuilderAccess::Impl;

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Whether something is at `path` at all (a dangling link counts).
bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool IsFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The last component of a path.
std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool ReadFile(const std::string& path, std::string* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size < 0) {
    ::close(fd);
    return false;
  }
  out->clear();
  out->reserve(static_cast<size_t>(st.st_size));
  internal::AdviseHugePages(out->data(), static_cast<size_t>(st.st_size));
  internal::Prefault(out->data(), static_cast<size_t>(st.st_size));
  out->resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  bool ok = true;
  while (done < out->size()) {
    const ssize_t n = ::read(fd, out->data() + done, out->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return ok;
}

// The cell of a record with the wrong number of fields: too few, the first
// schema column the record has no field for (if any column is missing);
// too many, no column.
DataCell FieldCountCell(const TableSchema& spec, uint32_t line, size_t fields,
                        const std::vector<int>& field_to_column) {
  DataCell cell{spec.name, line, "", "",
                std::to_string(field_to_column.size()) + " fields, as in the header"};
  for (size_t f = fields; f < field_to_column.size(); ++f) {
    if (field_to_column[f] >= 0) {
      cell.column = spec.columns[static_cast<size_t>(field_to_column[f])].name;
      break;
    }
  }
  return cell;
}

// A table's file, read and checked, before it is added to the sources.
struct TableFile {
  enum class Kind { kAbsent, kNotFile, kUnreadable, kEmpty, kBadEncoding, kText };
  Kind kind = Kind::kAbsent;
  std::string path;
  std::string file_name;  // <table>.csv
  // kBadEncoding: the file as it is; kText: its UTF-8 text without a BOM.
  std::string bytes;
  std::string error;                // kBadEncoding: what is wrong
  size_t at = std::string::npos;    // kBadEncoding: where
  size_t bad = std::string::npos;   // kText: the first byte that is not UTF-8
};

TableFile LoadTableFile(const std::string& dir, const TableSchema& spec,
                        const CsvOptions& options, bool utf8) {
  TableFile f;
  f.file_name = spec.name + ".csv";
  f.path = dir;
  if (!f.path.empty() && f.path.back() != '/') f.path += '/';
  f.path += f.file_name;
  if (!Exists(f.path)) return f;  // an absent table is empty
  if (!IsFile(f.path)) {
    f.kind = TableFile::Kind::kNotFile;
    return f;
  }
  if (!ReadFile(f.path, &f.bytes)) {
    f.kind = TableFile::Kind::kUnreadable;
    return f;
  }
  if (f.bytes.empty()) {
    f.kind = TableFile::Kind::kEmpty;
    return f;
  }
  if (!utf8) {
    std::string original = f.bytes;
    if (!internal::ConvertToUtf8(&f.bytes, options.encoding, &f.error, &f.at)) {
      // Point at the bad byte in the file as it is.
      f.bytes = std::move(original);
      f.kind = TableFile::Kind::kBadEncoding;
      return f;
    }
  }
  // A byte-order mark is allowed and ignored; dropping it here keeps
  // columns in diagnostics right on the header line.
  if (f.bytes.size() >= 3 && f.bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    f.bytes.erase(0, 3);
  }
  f.bad = internal::FindInvalidUtf8(f.bytes);
  f.kind = TableFile::Kind::kText;
  return f;
}

// Adds a table's file to `sources` (its bytes are moved there) and reports
// the problems of the whole file to `errors`. Returns the file whose rows
// are to be read, or kNoFile.
FileId AddTableFile(TableFile& f, const CsvOptions& options, bool utf8,
                    SourceManager& sources, std::vector<Diagnostic>* errors) {
  switch (f.kind) {
    case TableFile::Kind::kAbsent: return kNoFile;
    case TableFile::Kind::kNotFile:
      errors->push_back(Diagnostic{Severity::kError, "csv.unreadable",
                                   Quote(f.path) + " is not a readable file",
                                   SourceSpan{}, ""});
      return kNoFile;
    case TableFile::Kind::kUnreadable:
      errors->push_back(Diagnostic{Severity::kError, "csv.unreadable",
                                   "cannot read " + Quote(f.path), SourceSpan{}, ""});
      return kNoFile;
    case TableFile::Kind::kEmpty: {
      const FileId file = sources.Add(f.path, "");
      errors->push_back(Diagnostic{
          Severity::kError, "csv.empty_file",
          Quote(f.file_name) + " is empty (0 bytes); a CSV file needs a header line",
          SourceSpan{file, 0, 0}, ""});
      return kNoFile;
    }
    case TableFile::Kind::kBadEncoding: {
      const FileId file = sources.Add(f.path, std::move(f.bytes));
      const uint32_t offset =
          static_cast<uint32_t>(f.at == std::string::npos ? 0 : f.at);
      errors->push_back(Diagnostic{Severity::kError, "csv.encoding",
                                   Quote(f.file_name) + ": " + f.error,
                                   SourceSpan{file, offset, offset + 1}, ""});
      return kNoFile;
    }
    case TableFile::Kind::kText: break;
  }
  const FileId file = sources.Add(f.path, std::move(f.bytes));
  if (f.bad == std::string::npos) return file;
  const unsigned char byte = static_cast<unsigned char>(sources.text(file)[f.bad]);
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", byte);
  errors->push_back(Diagnostic{
      Severity::kError, "csv.not_utf8",
      Quote(f.file_name) + " is not valid UTF-8" +
          (utf8 ? "" : " after converting from " + Quote(options.encoding)) +
          ": the first bad byte is " + hex,
      SourceSpan{file, static_cast<uint32_t>(f.bad), static_cast<uint32_t>(f.bad + 1)},
      utf8 ? "spreadsheets in China are often saved as GBK/GB18030; if this "
             "one is, read it with `--encoding gb18030`"
           : ""});
  return kNoFile;
}

// A malformed file: what the tokenizer met.
Diagnostic Malformed(std::string_view name, FileId file, const internal::CsvError& e) {
  return Diagnostic{Severity::kError, "csv.malformed", Quote(name) + ": " + e.message,
                    SourceSpan{file, e.offset, e.offset + 1}, ""};
}

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
};

// Reads the header of a table's file; reports problems of the whole file
// to `errors` and returns false when no rows are to be read.
bool ReadHeader(const TableSchema& spec, FileId file, std::string_view name,
                internal::CsvTokenizer& tokenizer, CsvHeader* h,
                std::vector<Diagnostic>* errors) {
  auto span_of = [&](uint32_t begin, uint32_t end) {
    return SourceSpan{file, begin, end};
  };
  internal::CsvRecord record;
  if (!tokenizer.Next(&record)) {
    if (tokenizer.error()) {
      errors->push_back(Malformed(name, file, *tokenizer.error()));
    } else {
      errors->push_back(Diagnostic{
          Severity::kError, "csv.no_header",
          Quote(name) + " has no header line; expected the column names of " +
              Quote(spec.name),
          span_of(0, 0), ""});
    }
    return false;
  }
  const size_t nfields = record.fields.size();
  h->nfields = nfields;
  h->field_to_column.assign(nfields, -1);
  h->column_to_field.assign(spec.columns.size(), -1);
  std::vector<int>& field_to_column = h->field_to_column;
  std::vector<int>& column_to_field = h->column_to_field;
  std::vector<std::string> unknown;
  bool bad_header = false;
  for (size_t i = 0; i < nfields; ++i) {
    const internal::CsvField& f = record.fields[i];
    const int c = spec.ColumnIndex(f.value);
    // DATA.md: "a column named twice is malformed", an ignored one too.
    const bool twice =
        c < 0 ? std::find(unknown.begin(), unknown.end(), f.value) != unknown.end()
              : column_to_field[static_cast<size_t>(c)] >= 0;
    if (c < 0 && !twice) {
      unknown.emplace_back(f.value);
      continue;
    }
    if (twice) {
      errors->push_back(Diagnostic(
          Severity::kError, "csv.duplicate_column",
          Quote(name) + ": column " + Quote(f.value) + " is named twice",
          span_of(f.begin, f.end), "",
          DataCell{spec.name, 0, std::string(f.value), "", "a column named once"}));
      bad_header = true;
      continue;
    }
    column_to_field[static_cast<size_t>(c)] = static_cast<int>(i);
    field_to_column[i] = c;
  }
  const uint32_t header_end = nfields > 0 ? record.fields.back().end : 0;
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    const ColumnSchema& cs = spec.columns[c];
    if (column_to_field[c] >= 0 || cs.nullable) continue;
    std::string best = ClosestMatch(cs.name, unknown);
    errors->push_back(Diagnostic(
        Severity::kError, "csv.missing_column",
        Quote(name) + " has no column " + Quote(cs.name) + " (" +
            CellTypeName(cs.type) + ", required)",
        span_of(nfields > 0 ? record.fields.front().begin : 0, header_end),
        best.empty() ? "" : "is " + Quote(best) + " meant to be " + Quote(cs.name) + "?",
        DataCell{spec.name, 0, cs.name, "",
                 "a column " + Quote(cs.name) + " (" + CellTypeName(cs.type) +
                     ", required)"}));
    bad_header = true;
  }
  h->line = record.line;
  h->end = header_end;
  h->rows_begin = tokenizer.pos();
  h->rows_line = tokenizer.line();
  return !bad_header;
}

// Finds a cell of a row from its record's offset (FactSetBuilder::
// CellLocator): cells of rows with problems found after reading are found
// again by tokenizing their record once more.
FactSetBuilder::CellLocator Locator(std::string_view text, FileId file,
                                    const CsvHeader& h) {
  return [text, file, column_to_field = h.column_to_field](uint32_t offset,
                                                          size_t column) {
    internal::CsvTokenizer again(text.substr(offset));
    internal::CsvRecord r;
    if (!again.Next(&r) || r.fields.empty()) return SourceSpan{file, offset, offset};
    const int f = column_to_field[column];
    if (f < 0 || static_cast<size_t>(f) >= r.fields.size()) {
      return SourceSpan{file, offset, offset};
    }
    const internal::CsvField& field = r.fields[static_cast<size_t>(f)];
    return SourceSpan{file, offset + field.begin, offset + field.end};
  };
}

// The expected number of rows of a file (a capacity hint): at most one per
// line after the header's, and at most one per max(2, fields) bytes (a
// record of n fields holds n - 1 commas and a line end; one of one field, a
// character and a line end).
size_t ExpectedRows(const CsvHeader& h, size_t text_size, uint32_t last_line) {
  const size_t per_record = h.nfields > 2 ? h.nfields : 2;
  const size_t bytes = text_size - h.end;
  const size_t by_lines = last_line > h.line ? last_line - h.line : 0;
  const size_t by_bytes = (bytes + per_record - 1) / per_record;
  return by_lines < by_bytes ? by_lines : by_bytes;
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

// Rows into a FactSetBuilder's table, through its public interface.
struct BuilderSink {
  FactSetBuilder& builder;
  size_t table;
  void AddFileRow(uint32_t line, uint32_t offset,
                  const std::vector<std::optional<std::string_view>>& cells,
                  const std::vector<SourceSpan>& spans) {
    builder.AddFileRow(table, line, offset, cells, spans);
  }
  void AddBadRow(uint32_t line, Diagnostic why) {
    builder.AddBadRow(table, line, std::move(why));
  }
};

// Rows into the build of a part of a table.
struct PartSink {
  internal::TableBuild& build;
  void AddFileRow(uint32_t line, uint32_t offset,
                  const std::vector<std::optional<std::string_view>>& cells,
                  const std::vector<SourceSpan>& spans) {
    BuilderImpl::AddFileRowTo(build, line, offset, cells, spans);
  }
  void AddBadRow(uint32_t line, Diagnostic why) {
    BuilderImpl::AddBadRowTo(build, line, std::move(why));
  }
};

// The cores this process may run on.
size_t AvailableCores() {
#if defined(__linux__)
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<size_t>(n);
  }
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

constexpr size_t kDefaultPartBytes = size_t{16} << 20;

// Reads the tables of a folder with several threads (see the top of this
// file). Run() leaves in the builder every row; Finish() adds the problems
// of whole files and the cell locators in schema order and finishes.
class ParallelReader {
 public:
  ParallelReader(const Schema& schema, const std::string& dir,
                 const CsvOptions& options, bool utf8, SourceManager& sources,
                 FactSetBuilder& builder, size_t threads, size_t part_bytes)
      : schema_(schema),
        dir_(dir),
        options_(options),
        utf8_(utf8),
        sources_(sources),
        builder_(builder),
        impl_(internal::FactSetBuilderAccess::Of(builder)),
        threads_(threads),
        part_bytes_(part_bytes),
        tables_(schema.tables.size()) {
    max_parts_in_flight_ = 2 * threads + 2;
  }

  Result<FactSet> Run();

 private:
  // A part of a file's rows, read into a build of its own.
  struct Part {
    internal::TableBuild build;
    RowsRead read;
    // Lines counted from 1 at the part's start (the parts after the first),
    // rather than the file's.
    bool relative = false;
  };
  struct Table {
    TableFile file;
    bool loaded = false;
    FileId id = kNoFile;
    std::string_view text;
    std::string_view name;  // the file's base name
    uint32_t last_line = 1;
    // Problems of the whole file, in the order found.
    std::vector<Diagnostic> errors;
    CsvHeader header;
    size_t expected_rows = 0;
    // Per column: the most strings a reference's dictionary may hold (the
    // lines of the table it refers to, if that was added before), or 0.
    std::vector<size_t> dictionary_rows;
    // Part k is [bounds[k], bounds[k + 1]).
    std::vector<uint32_t> bounds;
    // Parts read and waiting for the ones before them, and parts appended
    // whose room is reused (mutex).
    std::mutex mutex;
    std::vector<std::unique_ptr<Part>> parts;
    std::vector<std::unique_ptr<Part>> free_parts;
    size_t next_append = 0;
    bool appending = false;
    // Set by the thread appending: no more rows (an error, or the end).
    bool done = false;
    // Where the next part must begin, and its line.
    uint32_t expected = 0;
    uint32_t expected_line = 0;
  };
  struct Task {
    std::function<void()> run;
    bool part = false;  // counts against max_parts_in_flight_
  };

  void Push(std::function<void()> run, bool part);
  void Worker();
  void Load(size_t t);
  void AddFiles();
  void Header(size_t t);
  void ReadPart(size_t t, size_t k);
  std::unique_ptr<Part> ReadRange(size_t t, uint32_t begin, uint32_t line,
                                  uint32_t end, uint32_t limit, bool relative);
  void Deliver(size_t t, size_t k, std::unique_ptr<Part> part);
  void Append(size_t t, size_t k, std::unique_ptr<Part> part);
  void Recycle(size_t t, std::unique_ptr<Part> part);
  void PartDone();

  const Schema& schema_;
  const std::string& dir_;
  const CsvOptions& options_;
  const bool utf8_;
  SourceManager& sources_;
  FactSetBuilder& builder_;
  BuilderImpl& impl_;
  const size_t threads_;
  const size_t part_bytes_;
  std::vector<Table> tables_;

  // The tasks (queue_mutex_).
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<Task> queue_;
  size_t outstanding_ = 0;  // queued or running
  size_t parts_in_flight_ = 0;
  size_t max_parts_in_flight_ = 4;
  std::exception_ptr failure_;

  // Files are added to the sources in schema order, by one thread at a
  // time (add_mutex_): the only thread that uses sources_ while the others
  // run.
  std::mutex add_mutex_;
  size_t next_add_ = 0;
  bool adding_ = false;
};

void ParallelReader::Push(std::function<void()> run, bool part) {
  {
    const std::lock_guard<std::mutex> lock(queue_mutex_);
    queue_.push_back(Task{std::move(run), part});
    ++outstanding_;
  }
  queue_cv_.notify_one();
}

void ParallelReader::PartDone() {
  {
    const std::lock_guard<std::mutex> lock(queue_mutex_);
    --parts_in_flight_;
  }
  queue_cv_.notify_all();
}

void ParallelReader::Worker() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      queue_cv_.wait(lock, [&] {
        if (failure_ || outstanding_ == 0) return true;
        if (queue_.empty()) return false;
        // At most so many parts in memory: a part waits for those before it.
        return !queue_.front().part || parts_in_flight_ < max_parts_in_flight_;
      });
      if (failure_ || outstanding_ == 0) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      if (task.part) ++parts_in_flight_;
    }
    try {
      task.run();
    } catch (...) {
      const std::lock_guard<std::mutex> lock(queue_mutex_);
      if (!failure_) failure_ = std::current_exception();
    }
    bool wake;
    {
      const std::lock_guard<std::mutex> lock(queue_mutex_);
      wake = --outstanding_ == 0 || failure_ != nullptr;
    }
    if (wake) queue_cv_.notify_all();
  }
}

void ParallelReader::Load(size_t t) {
  TableFile file = LoadTableFile(dir_, schema_.tables[t], options_, utf8_);
  {
    const std::lock_guard<std::mutex> lock(add_mutex_);
    tables_[t].file = std::move(file);
    tables_[t].loaded = true;
    if (adding_) return;  // the thread adding will add it
    adding_ = true;
  }
  AddFiles();
}

void ParallelReader::AddFiles() {
  for (;;) {
    size_t t;
    {
      const std::lock_guard<std::mutex> lock(add_mutex_);
      if (next_add_ == tables_.size() || !tables_[next_add_].loaded) {
        adding_ = false;
        return;
      }
      t = next_add_++;
    }
    Table& tb = tables_[t];
    tb.id = AddTableFile(tb.file, options_, utf8_, sources_, &tb.errors);
    if (tb.id == kNoFile) continue;
    tb.text = sources_.text(tb.id);
    tb.name = BaseName(sources_.name(tb.id));
    tb.last_line =
        sources_.Locate(tb.id, static_cast<uint32_t>(tb.text.size())).line;
    Push([this, t] { Header(t); }, false);
  }
}

void ParallelReader::Header(size_t t) {
  Table& tb = tables_[t];
  const TableSchema& spec = schema_.tables[t];
  internal::CsvTokenizer tokenizer(tb.text);
  if (!ReadHeader(spec, tb.id, tb.name, tokenizer, &tb.header, &tb.errors)) return;
  // The table's storage comes with its first part (AppendPart).
  impl_.tables[t].locate = Locator(tb.text, tb.id, tb.header);
  tb.expected_rows = ExpectedRows(tb.header, tb.text.size(), tb.last_line);
  // The tables before this one are added (in schema order) before its
  // header is read.
  tb.dictionary_rows.assign(spec.columns.size(), 0);
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    const int target = schema_.TableIndex(spec.columns[c].references);
    if (target < 0 || static_cast<size_t>(target) >= t) continue;
    const Table& u = tables_[static_cast<size_t>(target)];
    if (u.id != kNoFile) tb.dictionary_rows[c] = u.last_line;
  }
  // The parts: each begins at the start of a line about part_bytes_ after
  // the one before.
  const uint32_t size = static_cast<uint32_t>(tb.text.size());
  tb.bounds.push_back(tb.header.rows_begin);
  for (;;) {
    const size_t nominal = size_t{tb.bounds.back()} + part_bytes_;
    if (nominal >= size) break;
    const void* lf = std::memchr(tb.text.data() + nominal - 1, '\n', size - (nominal - 1));
    if (lf == nullptr) break;
    const uint32_t next =
        static_cast<uint32_t>(static_cast<const char*>(lf) - tb.text.data()) + 1;
    if (next >= size) break;
    tb.bounds.push_back(next);
  }
  tb.bounds.push_back(size);
  const size_t n = tb.bounds.size() - 1;
  tb.parts.resize(n);
  tb.expected = tb.header.rows_begin;
  tb.expected_line = tb.header.rows_line;
  for (size_t k = 0; k < n; ++k) Push([this, t, k] { ReadPart(t, k); }, true);
}

std::unique_ptr<ParallelReader::Part> ParallelReader::ReadRange(
    size_t t, uint32_t begin, uint32_t line, uint32_t end, uint32_t limit,
    bool relative) {
  Table& tb = tables_[t];
  std::unique_ptr<Part> part;
  {
    const std::lock_guard<std::mutex> lock(tb.mutex);
    if (!tb.free_parts.empty()) {
      part = std::move(tb.free_parts.back());
      tb.free_parts.pop_back();
    }
  }
  if (!part) {
    part = std::make_unique<Part>();
    internal::TableBuild& build = part->build;
    BuilderImpl::InitTable(build, schema_.tables[t]);
    build.locate = impl_.tables[t].locate;  // offsets are kept
    // The key's strings are interned once, as the part is appended.
    if (build.key_column >= 0) {
      internal::ColumnBuild& key = build.columns[static_cast<size_t>(build.key_column)];
      key.deferred = key.kind == internal::CellKind::kIntern;
    }
  }
  part->relative = relative;
  // The part's share of the file's expected rows (a redone part may begin
  // at or after its end: then it reads no row).
  const size_t bytes = tb.text.size() - tb.header.end;
  const size_t span = end > begin ? end - begin : 0;
  const size_t rows =
      bytes == 0 ? 0
                 : static_cast<size_t>(static_cast<double>(tb.expected_rows) *
                                       static_cast<double>(span) /
                                       static_cast<double>(bytes)) +
                       16;
  try {
    BuilderImpl::ReserveStorage(part->build, rows);
  } catch (const std::bad_alloc&) {
  }
  internal::CsvTokenizer tokenizer(tb.text, begin, line, limit);
  PartSink sink{part->build};
  part->read = ReadRows(schema_.tables[t], tb.id, tb.header, tokenizer, end, sink);
  return part;
}

void ParallelReader::ReadPart(size_t t, size_t k) {
  Table& tb = tables_[t];
  const uint32_t begin = tb.bounds[k], end = tb.bounds[k + 1];
  const uint32_t size = static_cast<uint32_t>(tb.text.size());
  std::unique_ptr<Part> part;
  if (k == 0) {
    // Right after the header: where the whole file's tokenizer would be.
    part = ReadRange(t, begin, tb.header.rows_line, end, size, false);
  } else {
    const uint64_t limit = uint64_t{end} + part_bytes_;
    part = ReadRange(t, begin, 1, end,
                     static_cast<uint32_t>(std::min<uint64_t>(limit, size)), true);
  }
  Deliver(t, k, std::move(part));
}

void ParallelReader::Deliver(size_t t, size_t k, std::unique_ptr<Part> part) {
  Table& tb = tables_[t];
  {
    const std::lock_guard<std::mutex> lock(tb.mutex);
    tb.parts[k] = std::move(part);
    if (tb.appending) return;  // the thread appending will append it
    tb.appending = true;
  }
  for (;;) {
    std::unique_ptr<Part> next;
    size_t index;
    {
      const std::lock_guard<std::mutex> lock(tb.mutex);
      if (tb.next_append == tb.parts.size() || !tb.parts[tb.next_append]) {
        tb.appending = false;
        return;
      }
      index = tb.next_append++;
      next = std::move(tb.parts[index]);
    }
    Append(t, index, std::move(next));
    PartDone();
  }
}

void ParallelReader::Recycle(size_t t, std::unique_ptr<Part> part) {
  Table& tb = tables_[t];
  BuilderImpl::ResetPart(part->build);
  const std::lock_guard<std::mutex> lock(tb.mutex);
  if (tb.next_append < tb.parts.size() && tb.free_parts.size() < max_parts_in_flight_) {
    tb.free_parts.push_back(std::move(part));
  } else if (tb.next_append == tb.parts.size()) {
    tb.free_parts.clear();  // the last part: no more room needed
  }
}

void ParallelReader::Append(size_t t, size_t k, std::unique_ptr<Part> part) {
  Table& tb = tables_[t];
  if (tb.done) {  // no more rows: the file ended or is malformed
    Recycle(t, std::move(part));
    return;
  }
  const uint32_t end = tb.bounds[k + 1];
  const uint32_t size = static_cast<uint32_t>(tb.text.size());
  if (k > 0 && part->read.first != tb.expected) {
    // The part began inside a record: read it again from where the rows
    // before it ended.
    Recycle(t, std::move(part));
    part = ReadRange(t, tb.expected, tb.expected_line, end, size, false);
  }
  for (;;) {
    const int64_t delta =
        part->relative ? int64_t{tb.expected_line} - part->read.first_line : 0;
    BuilderImpl::AppendPart(impl_.tables[t], part->build, delta, tb.expected_rows,
                            tb.dictionary_rows);
    const RowsRead& read = part->read;
    const uint32_t stop_line =
        static_cast<uint32_t>(int64_t{read.stop_line} + delta);
    switch (read.how) {
      case RowsRead::How::kEnd:
        tb.expected = read.stop;
        tb.expected_line = stop_line;
        if (read.stop >= size) tb.done = true;
        Recycle(t, std::move(part));
        return;
      case RowsRead::How::kFailed: {
        // The file is malformed at this record: read it again with the
        // file's line numbers, for the message.
        internal::CsvTokenizer again(tb.text, read.stop, stop_line, size);
        internal::CsvRecord record;
        while (again.Next(&record)) {
        }
        if (again.error()) tb.errors.push_back(Malformed(tb.name, tb.id, *again.error()));
        tb.done = true;
        Recycle(t, std::move(part));
        return;
      }
      case RowsRead::How::kGaveUp: {
        // A quoted field longer than the part: the rest of the part again,
        // looking as far as it takes.
        tb.expected = read.stop;
        tb.expected_line = stop_line;
        Recycle(t, std::move(part));
        part = ReadRange(t, tb.expected, tb.expected_line, end, size, false);
        break;
      }
    }
  }
}

Result<FactSet> ParallelReader::Run() {
  impl_.threads = threads_;
  for (size_t t = 0; t < tables_.size(); ++t) Push([this, t] { Load(t); }, false);
  std::vector<std::thread> pool;
  try {
    for (size_t i = 1; i < threads_; ++i) pool.emplace_back([this] { Worker(); });
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started do the work.
  }
  Worker();
  for (std::thread& th : pool) th.join();
  if (failure_) std::rethrow_exception(failure_);
  for (size_t t = 0; t < tables_.size(); ++t) {
    for (Diagnostic& d : tables_[t].errors) builder_.AddFileError(t, std::move(d));
  }
  return builder_.Finish(options_.strictness, options_.max_listed);
}

}  // namespace

void ReadCsvTable(size_t table, FileId file, const SourceManager& sources,
                  FactSetBuilder& builder) {
  const TableSchema& spec = builder.schema().tables[table];
  const std::string_view name = BaseName(sources.name(file));
  const std::string_view text = sources.text(file);
  internal::CsvTokenizer tokenizer(text);
  CsvHeader header;
  std::vector<Diagnostic> errors;
  const bool rows = ReadHeader(spec, file, name, tokenizer, &header, &errors);
  for (Diagnostic& d : errors) builder.AddFileError(table, std::move(d));
  if (!rows) return;
  builder.SetCellLocator(table, Locator(text, file, header));
  builder.ReserveRows(
      table, ExpectedRows(header, text.size(),
                          sources.Locate(file, static_cast<uint32_t>(text.size())).line));
  BuilderSink sink{builder, table};
  ReadRows(spec, file, header, tokenizer, std::numeric_limits<uint32_t>::max(), sink);
  if (tokenizer.error()) builder.AddFileError(table, Malformed(name, file, *tokenizer.error()));
}

namespace internal {

Result<FactSet> ReadCsvFolderInParts(const Schema& schema, const std::string& dir,
                                     const CsvOptions& options, SourceManager& sources,
                                     size_t part_bytes) {
  if (!IsDirectory(dir)) {
    Diagnostics d;
    d.Error("csv.no_folder", "data folder " + Quote(dir) + " does not exist",
            SourceSpan{});
    return Result<FactSet>(std::move(d));
  }
  const bool utf8 = internal::IsUtf8EncodingName(options.encoding);
  if (!internal::IsKnownEncoding(options.encoding)) {
    Diagnostics d;
    d.Error("csv.unknown_encoding",
            "unknown encoding " + Quote(options.encoding), SourceSpan{},
            "use a name iconv knows, such as gb18030, gbk or utf-16 (see "
            "`iconv --list`)");
    return Result<FactSet>(std::move(d));
  }
  FactSetBuilder builder(schema);
  const size_t threads = options.threads > 0 ? options.threads : AvailableCores();
  if (threads > 1) {
    ParallelReader reader(schema, dir, options, utf8, sources, builder, threads,
                          part_bytes > 0 ? part_bytes : kDefaultPartBytes);
    return reader.Run();
  }
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    TableFile f = LoadTableFile(dir, schema.tables[t], options, utf8);
    std::vector<Diagnostic> errors;
    const FileId file = AddTableFile(f, options, utf8, sources, &errors);
    for (Diagnostic& d : errors) builder.AddFileError(t, std::move(d));
    if (file != kNoFile) ReadCsvTable(t, file, sources, builder);
  }
  return builder.Finish(options.strictness, options.max_listed);
}

}  // namespace internal

Result<FactSet> ReadCsvFolder(const Schema& schema, const std::string& dir,
                              const CsvOptions& options,
                              SourceManager& sources) {
  return internal::ReadCsvFolderInParts(schema, dir, options, sources, 0);
}

}  // namespace zhucun
