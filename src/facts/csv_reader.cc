// Reading CSV folders and files into a FactSetBuilder (DATA.md, "Input"):
// a table's file read and checked, its header, its rows; with one thread,
// the tables one after another, each file from start to end
// (ReadCsvTable). With more (CsvOptions::threads), csv_parallel_reader.cc.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "facts/builder_impl.h"
#include "facts/csv_reader_internal.h"
#include "facts/csv_texts.h"
#include "facts/csv_tokenizer.h"
#include "facts/encoding.h"
#include "facts/huge_pages.h"
#include "source/quote.h"
#include "zhucun/csv.h"

namespace zhucun {

using internal::BaseName;
using internal::CsvHeader;
using internal::ExpectedRows;
using internal::Locator;
using internal::Malformed;
using internal::Quote;
using internal::ReadHeader;
using internal::ReadRows;

namespace {

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

// The largest file read: CsvOptions::max_file_bytes, and never more than
// 32-bit positions allow (the tokenizer stops at 4 GiB - 1).
uint64_t MaxFileBytes(const CsvOptions& options) {
  return std::min<uint64_t>(options.max_file_bytes, std::numeric_limits<uint32_t>::max() - 1);
}

bool ReadFile(const std::string& path, std::string* out, internal::FileStamp* stamp) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size < 0) {
    ::close(fd);
    return false;
  }
  *stamp = internal::FileStamp{
      static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
      static_cast<int64_t>(st.st_size),
      int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec,
      int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec};
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

constexpr uint32_t kDiscardBytes = uint32_t{16} << 20;

// Rows into a FactSetBuilder's table, through its public interface. With
// `behind.text`, the text before a row's record (read for good) is given
// back to the system 16 MiB at a time.
struct BuilderSink {
  FactSetBuilder& builder;
  size_t table;
  internal::ReadBehind behind;
  void AddFileRow(uint32_t line, uint32_t offset,
                  const std::vector<std::optional<std::string_view>>& cells,
                  const std::vector<SourceSpan>& spans) {
    builder.AddFileRow(table, line, offset, cells, spans);
    behind.Upto(offset, kDiscardBytes);
  }
  void AddBadRow(uint32_t line, Diagnostic why) {
    builder.AddBadRow(table, line, std::move(why));
  }
};

constexpr size_t kDefaultPartBytes = size_t{16} << 20;

}  // namespace

namespace internal {

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

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

TableFile LoadTableFile(const std::string& dir, const TableSchema& spec,
                        const CsvOptions& options) {
  TableFile f;
  f.file_name = spec.name + ".csv";
  f.table = spec.name;
  const auto own = options.table_encodings.find(spec.name);
  f.encoding = own != options.table_encodings.end() ? own->second : options.encoding;
  const bool utf8 = internal::IsUtf8EncodingName(f.encoding);
  f.path = dir;
  if (!f.path.empty() && f.path.back() != '/') f.path += '/';
  f.path += f.file_name;
  if (!Exists(f.path)) return f;  // an absent table is empty
  if (!IsFile(f.path)) {
    f.kind = TableFile::Kind::kNotFile;
    return f;
  }
  struct stat st;
  if (::stat(f.path.c_str(), &st) == 0 && st.st_size >= 0 &&
      static_cast<uint64_t>(st.st_size) > MaxFileBytes(options)) {
    f.kind = TableFile::Kind::kTooLarge;
    f.size = static_cast<uint64_t>(st.st_size);
    return f;
  }
  if (!ReadFile(f.path, &f.bytes, &f.stamp)) {
    f.kind = TableFile::Kind::kUnreadable;
    return f;
  }
  if (f.bytes.empty()) {
    f.kind = TableFile::Kind::kEmpty;
    return f;
  }
  if (!utf8) {
    std::string original = f.bytes;
    if (!internal::ConvertToUtf8(&f.bytes, f.encoding, &f.error, &f.at)) {
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

FileId AddTableFile(TableFile& f, const CsvOptions& options, SourceManager& sources,
                    std::vector<Diagnostic>* errors) {
  const bool utf8 = internal::IsUtf8EncodingName(f.encoding);
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
    case TableFile::Kind::kTooLarge:
      errors->push_back(Diagnostic{
          Severity::kError, "csv.too_large",
          Quote(f.file_name) + " is " + std::to_string(f.size) +
              " bytes; the largest file read is " + std::to_string(MaxFileBytes(options)) +
              " bytes",
          SourceSpan{}, "split the table into several data folders, or check that "
                        "this is the file you meant"});
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
  // A UTF-16 file (Excel's "Unicode text") starts with its byte-order mark.
  const std::string_view text = sources.text(file);
  const bool utf16 = text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') ||
                                          (text[0] == '\xFE' && text[1] == '\xFF'));
  errors->push_back(Diagnostic{
      Severity::kError, "csv.not_utf8",
      Quote(f.file_name) + " is not valid UTF-8" +
          (utf8 ? "" : " after converting from " + Quote(f.encoding)) +
          ": the first bad byte is " + hex,
      SourceSpan{file, static_cast<uint32_t>(f.bad), static_cast<uint32_t>(f.bad + 1)},
      !utf8 ? ""
      : utf16
          ? "it starts with a UTF-16 byte-order mark (Excel's \"Unicode text\"): save it as "
            "\"CSV UTF-8\", or read it with `--encoding " + f.table + "=utf-16`"
          : "spreadsheets in China are often saved as GBK/GB18030; if this "
            "one is, read it with `--encoding " + f.table + "=gb18030` (that file only)"});
  return kNoFile;
}

Diagnostic Malformed(std::string_view name, FileId file, const internal::CsvError& e) {
  return Diagnostic{Severity::kError, "csv.malformed", Quote(name) + ": " + e.message,
                    SourceSpan{file, e.offset, e.offset + 1}, ""};
}

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

FactSetBuilder::CellLocator Locator(TextOf text_of, FileId file, const CsvHeader& h) {
  return [text_of = std::move(text_of), file, column_to_field = h.column_to_field](
             uint32_t offset, size_t column) {
    const std::optional<std::string_view> text = text_of();
    if (!text || offset > text->size()) return SourceSpan{};
    internal::CsvTokenizer again(text->substr(offset));
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

size_t ExpectedRows(const CsvHeader& h, size_t text_size, uint32_t last_line) {
  const size_t per_record = h.nfields > 2 ? h.nfields : 2;
  const size_t bytes = text_size - h.end;
  const size_t by_lines = last_line > h.line ? last_line - h.line : 0;
  const size_t by_bytes = (bytes + per_record - 1) / per_record;
  return by_lines < by_bytes ? by_lines : by_bytes;
}

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

// The encodings of `options`: each a name iconv knows, each table named a
// table of the schema.
Diagnostics CheckEncodings(const Schema& schema, const CsvOptions& options) {
  Diagnostics d;
  const char kHelp[] = "use a name iconv knows, such as gb18030, gbk or utf-16 (see `iconv --list`)";
  if (!internal::IsKnownEncoding(options.encoding)) {
    d.Error("csv.unknown_encoding", "unknown encoding " + Quote(options.encoding), SourceSpan{},
            kHelp);
  }
  std::vector<std::string> tables;
  for (const TableSchema& t : schema.tables) tables.push_back(t.name);
  for (const auto& [table, encoding] : options.table_encodings) {
    if (std::find(tables.begin(), tables.end(), table) == tables.end()) {
      const std::string best = ClosestMatch(table, tables);
      d.Error("csv.unknown_table",
              "an encoding is given for " + Quote(table) + ", which is no table of the schema",
              SourceSpan{}, best.empty() ? "" : "did you mean " + Quote(best) + "?");
    } else if (!internal::IsKnownEncoding(encoding)) {
      d.Error("csv.unknown_encoding",
              "unknown encoding " + Quote(encoding) + " for table " + Quote(table), SourceSpan{},
              kHelp);
    }
  }
  return d;
}

Result<FactSet> ReadCsvFolderInParts(const Schema& schema, const std::string& dir,
                                     const CsvOptions& options, SourceManager& sources,
                                     size_t part_bytes) {
  if (!IsDirectory(dir)) {
    Diagnostics d;
    d.Error("csv.no_folder", "data folder " + Quote(dir) + " does not exist",
            SourceSpan{});
    return Result<FactSet>(std::move(d));
  }
  if (Diagnostics d = CheckEncodings(schema, options); d.has_errors()) {
    return Result<FactSet>(std::move(d));
  }
  FactSetBuilder builder(schema);
  CsvTexts texts(sources, dir, schema, options);
  const size_t threads = options.threads > 0 ? options.threads : AvailableCores();
  if (threads > 1) {
    return texts.Settle(
        ReadCsvFolderInParallel(schema, dir, options, sources, builder, texts, threads,
                                part_bytes > 0 ? part_bytes : kDefaultPartBytes));
  }
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    TableFile f = LoadTableFile(dir, schema.tables[t], options);
    std::vector<Diagnostic> errors;
    const FileId file = AddTableFile(f, options, sources, &errors);
    for (Diagnostic& d : errors) builder.AddFileError(t, std::move(d));
    if (file == kNoFile) continue;
    texts.Add(file, t, f.stamp);
    // The tables before this one are read: references to them are coded
    // against their keys.
    FactSetBuilderAccess::Of(builder).CodeAgainstKeys(t, [t](size_t u) { return u < t; });
    ReadCsvTableWithLimit(t, file, sources, builder, options.max_cell_bytes,
                          texts.TextOfFile(file), true);
    texts.Release(file);
  }
  return texts.Settle(builder.Finish(options.strictness, options.max_listed, options.all_problems));
}

void ReadCsvTableWithLimit(size_t table, FileId file, const SourceManager& sources,
                           FactSetBuilder& builder, size_t max_cell_bytes, TextOf text_of,
                           bool discard) {
  const TableSchema& spec = builder.schema().tables[table];
  const std::string_view name = BaseName(sources.name(file));
  const std::string_view text = sources.text(file);
  internal::CsvTokenizer tokenizer(text);
  CsvHeader header;
  std::vector<Diagnostic> errors;
  const bool rows = ReadHeader(spec, file, name, tokenizer, &header, &errors);
  for (Diagnostic& d : errors) builder.AddFileError(table, std::move(d));
  if (!rows) return;
  header.max_cell_bytes = max_cell_bytes;
  if (!text_of) text_of = [text] { return std::optional(text); };
  builder.SetCellLocator(table, Locator(std::move(text_of), file, header));
  builder.ReserveRows(
      table, ExpectedRows(header, text.size(), sources.LastLine(file)));
  BuilderSink sink{builder, table, {discard ? text.data() : nullptr}};
  ReadRows(spec, file, header, tokenizer, std::numeric_limits<uint32_t>::max(), sink);
  if (tokenizer.error()) builder.AddFileError(table, Malformed(name, file, *tokenizer.error()));
}

}  // namespace internal

void ReadCsvTable(size_t table, FileId file, const SourceManager& sources,
                  FactSetBuilder& builder) {
  internal::ReadCsvTableWithLimit(table, file, sources, builder, CsvOptions{}.max_cell_bytes);
}

Result<FactSet> ReadCsvFolder(const Schema& schema, const std::string& dir,
                              const CsvOptions& options,
                              SourceManager& sources) {
  return internal::ReadCsvFolderInParts(schema, dir, options, sources, 0);
}

}  // namespace zhucun
