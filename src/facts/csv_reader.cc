// Reading CSV folders and files into a FactSetBuilder (DATA.md, "Input").

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "facts/csv_tokenizer.h"
#include "facts/encoding.h"
#include "facts/huge_pages.h"
#include "source/quote.h"
#include "zhucun/csv.h"

namespace zhucun {

using internal::Quote;

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

}  // namespace

void ReadCsvTable(size_t table, FileId file, const SourceManager& sources,
                  FactSetBuilder& builder) {
  const TableSchema& spec = builder.schema().tables[table];
  const std::string_view name = BaseName(sources.name(file));
  internal::CsvTokenizer tokenizer(sources.text(file));
  internal::CsvRecord record;
  auto span_of = [&](uint32_t begin, uint32_t end) {
    return SourceSpan{file, begin, end};
  };
  auto malformed = [&]() {
    const auto& e = tokenizer.error();
    builder.AddFileError(table, Diagnostic{Severity::kError, "csv.malformed",
                                    Quote(name) + ": " + e->message,
                                    span_of(e->offset, e->offset + 1), ""});
  };

  // The header.
  if (!tokenizer.Next(&record)) {
    if (tokenizer.error()) {
      malformed();
    } else {
      builder.AddFileError(table, Diagnostic{
          Severity::kError, "csv.no_header",
          Quote(name) + " has no header line; expected the column names of " +
              Quote(spec.name),
          span_of(0, 0), ""});
    }
    return;
  }
  const size_t nfields = record.fields.size();
  // field_to_column[i]: the schema column of field i, or -1 (ignored).
  std::vector<int> field_to_column(nfields, -1);
  std::vector<int> column_to_field(spec.columns.size(), -1);
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
      builder.AddFileError(table, Diagnostic(
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
  const uint32_t header_end =
      nfields > 0 ? record.fields.back().end : 0;
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    const ColumnSchema& cs = spec.columns[c];
    if (column_to_field[c] >= 0 || cs.nullable) continue;
    std::string best = ClosestMatch(cs.name, unknown);
    builder.AddFileError(table, Diagnostic(
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
  if (bad_header) return;

  // Cells of rows with problems found after reading are found again by
  // tokenizing their record once more.
  const std::string_view text = sources.text(file);
  builder.SetCellLocator(table, [text, file, column_to_field](uint32_t offset,
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
  });

  // The records: at most one per line after the header's, and at most one
  // per max(2, fields) bytes (a record of n fields holds n - 1 commas and a
  // line end; one of one field, a character and a line end).
  {
    const uint32_t last_line =
        sources.Locate(file, static_cast<uint32_t>(text.size())).line;
    const size_t per_record = nfields > 2 ? nfields : 2;
    const size_t bytes = text.size() - header_end;
    const size_t by_lines = last_line > record.line ? last_line - record.line : 0;
    const size_t by_bytes = (bytes + per_record - 1) / per_record;
    builder.ReserveRows(table, by_lines < by_bytes ? by_lines : by_bytes);
  }
  std::vector<std::optional<std::string_view>> cells(spec.columns.size());
  std::vector<SourceSpan> spans(spec.columns.size());
  while (tokenizer.Next(&record)) {
    if (record.fields.size() != nfields) {
      const uint32_t begin = record.fields.empty() ? 0 : record.fields.front().begin;
      const uint32_t end = record.fields.empty() ? begin : record.fields.back().end;
      builder.AddBadRow(table, record.line, Diagnostic(
          Severity::kError, "csv.field_count",
          "the record has " + std::to_string(record.fields.size()) +
              (record.fields.size() == 1 ? " field" : " fields") +
              " but the header has " + std::to_string(nfields),
          span_of(begin, end), "",
          FieldCountCell(spec, record.line, record.fields.size(), field_to_column)));
      continue;
    }
    const uint32_t record_begin = record.fields.front().begin;
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      const int f = column_to_field[c];
      if (f < 0) {
        cells[c] = std::nullopt;
        spans[c] = span_of(record_begin, record_begin);
        continue;
      }
      const internal::CsvField& field = record.fields[static_cast<size_t>(f)];
      cells[c] = field.value;
      spans[c] = span_of(field.begin, field.end);
    }
    builder.AddFileRow(table, record.line, record_begin, cells, spans);
  }
  if (tokenizer.error()) malformed();
}

Result<FactSet> ReadCsvFolder(const Schema& schema, const std::string& dir,
                              const CsvOptions& options,
                              SourceManager& sources) {
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
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    const std::string file_name = schema.tables[t].name + ".csv";
    std::string path = dir;
    if (!path.empty() && path.back() != '/') path += '/';
    path += file_name;
    if (!Exists(path)) continue;  // an absent table is empty
    if (!IsFile(path)) {
      builder.AddFileError(t, Diagnostic{Severity::kError, "csv.unreadable",
                                         Quote(path) + " is not a readable file",
                                         SourceSpan{}, ""});
      continue;
    }
    std::string bytes;
    if (!ReadFile(path, &bytes)) {
      builder.AddFileError(t, Diagnostic{Severity::kError, "csv.unreadable",
                                      "cannot read " + Quote(path), SourceSpan{}, ""});
      continue;
    }
    if (bytes.empty()) {
      const FileId file = sources.Add(path, "");
      builder.AddFileError(t, Diagnostic{
          Severity::kError, "csv.empty_file",
          Quote(file_name) + " is empty (0 bytes); a CSV file needs a header line",
          SourceSpan{file, 0, 0}, ""});
      continue;
    }
    if (!utf8) {
      std::string error;
      size_t at = std::string::npos;
      std::string original = bytes;
      if (!internal::ConvertToUtf8(&bytes, options.encoding, &error, &at)) {
        // Point at the bad byte in the file as it is.
        const FileId file = sources.Add(path, std::move(original));
        const uint32_t offset = static_cast<uint32_t>(
            at == std::string::npos ? 0 : at);
        builder.AddFileError(t, Diagnostic{Severity::kError, "csv.encoding",
                                           Quote(file_name) + ": " + error,
                                           SourceSpan{file, offset, offset + 1},
                                           ""});
        continue;
      }
    }
    // A byte-order mark is allowed and ignored; dropping it here keeps
    // columns in diagnostics right on the header line.
    if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      bytes.erase(0, 3);
    }
    const size_t bad = internal::FindInvalidUtf8(bytes);
    const FileId file = sources.Add(path, std::move(bytes));
    if (bad != std::string_view::npos) {
      const unsigned char byte = static_cast<unsigned char>(sources.text(file)[bad]);
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", byte);
      builder.AddFileError(t, Diagnostic{
          Severity::kError, "csv.not_utf8",
          Quote(file_name) + " is not valid UTF-8" +
              (utf8 ? "" : " after converting from " + Quote(options.encoding)) +
              ": the first bad byte is " + hex,
          SourceSpan{file, static_cast<uint32_t>(bad), static_cast<uint32_t>(bad + 1)},
          utf8 ? "spreadsheets in China are often saved as GBK/GB18030; if this "
                 "one is, read it with `--encoding gb18030`"
               : ""});
      continue;
    }
    ReadCsvTable(t, file, sources, builder);
  }
  return builder.Finish(options.strictness, options.max_listed);
}

}  // namespace zhucun
