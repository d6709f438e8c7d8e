#ifndef ZHUCUN_CSV_H_
#define ZHUCUN_CSV_H_

/// \file
/// Reading a folder of CSV files (one `<table>.csv` per schema table) into a
/// FactSet, as DATA.md specifies: RFC 4180 quoting, UTF-8 with or without a
/// byte-order mark (or another encoding converted with iconv, e.g.
/// gb18030), header mapped by name, unknown columns ignored, a missing file
/// an empty table. Every bad cell, duplicate key and dangling reference is
/// reported with file:line:column, the value and what was expected.
///
///     zhucun::SourceManager sources;
///     zhucun::CsvOptions options;
///     options.strictness = zhucun::Strictness::kLenient;
///     auto facts = zhucun::ReadCsvFolder(schema, "data/", options, sources);
///     if (!facts.ok()) std::cerr << facts.diagnostics().Render(sources);

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>

#include "zhucun/export.h"
#include "zhucun/fact_table.h"
#include "zhucun/result.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun {

/// Options for reading CSV.
struct CsvOptions {
  Strictness strictness = Strictness::kStrict;
  /// The files' encoding: "utf-8" (default) or any name iconv knows
  /// ("gb18030", "gbk", ...); converted to UTF-8 before parsing.
  std::string encoding = "utf-8";
  /// The encoding of single tables, by table name (`payments` ->
  /// `gb18030`, when one file of a folder was saved by another program);
  /// the others are read in `encoding`. A name that is no table of the
  /// schema is an error (`csv.unknown_table`).
  std::map<std::string, std::string> table_encodings;
  /// The most diagnostics listed; the rest are counted in a final note.
  /// Rows rejected because they refer to a rejected row are listed as one
  /// line per row they refer to (FactSetBuilder::Finish).
  size_t max_listed = 100;
  /// When set, receives every problem one by one, unlimited (what `zhucun
  /// load --problems FILE` writes).
  Diagnostics* all_problems = nullptr;
  /// Threads that read (0: one per core the process may use). Files are
  /// read in parallel, and a large file's rows in parts of 16 MiB; the
  /// result is the same for any number, byte for byte.
  size_t threads = 0;
  /// The largest file read, in bytes: a larger file is not read at all and
  /// is an error of the whole table (`csv.too_large`). Positions in a file
  /// are 32-bit, so the default, 4 GiB - 2, is also the most a larger value
  /// allows.
  uint64_t max_file_bytes = std::numeric_limits<uint32_t>::max() - 1;
  /// The longest field, in bytes: a record with a longer field is a bad row
  /// (`csv.cell_too_large`; lenient mode drops it). No limit by default
  /// beyond the file's (DATA.md sets none: a 10 MB cell is read as it is);
  /// a service taking files from strangers sets one (a spreadsheet cell
  /// holds at most 32,767 characters).
  size_t max_cell_bytes = std::numeric_limits<size_t>::max();
};

/// Reads `<dir>/<table>.csv` for every table of `schema`. Each file is
/// added to `sources`; its text is released once its rows are read, and is
/// there after the load only if a diagnostic points into it (read again,
/// unchanged, for that: SourceManager::held says which are held).
ZHUCUN_API Result<FactSet> ReadCsvFolder(const Schema& schema,
                                         const std::string& dir,
                                         const CsvOptions& options,
                                         SourceManager& sources);

/// Whether `encoding` names UTF-8 (`utf-8` or `utf8`, in any case): text
/// in it is read and written as it is, without iconv.
ZHUCUN_API bool IsUtf8Encoding(std::string_view encoding);

/// Converts UTF-8 `*text` to `encoding` (any name iconv knows, e.g.
/// "gb18030" for Excel on a Chinese Windows), in place, for output files;
/// a UTF-8 name leaves it as it is. False with `*error` set and `*text`
/// unchanged when the encoding is unknown or cannot write one of the
/// characters ("`😀` at byte offset 12 cannot be written in gbk").
ZHUCUN_API bool ConvertFromUtf8(std::string* text, std::string_view encoding,
                                std::string* error);

/// Reads one table's CSV text (already in `sources`) into `builder`.
/// Malformed-file problems go to builder.AddFileError; bad rows to the rows.
ZHUCUN_API void ReadCsvTable(size_t table, FileId file,
                             const SourceManager& sources,
                             FactSetBuilder& builder);

}  // namespace zhucun

#endif  // ZHUCUN_CSV_H_
