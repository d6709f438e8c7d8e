#ifndef ZHUCUN_SRC_FACTS_CSV_READER_INTERNAL_H_
#define ZHUCUN_SRC_FACTS_CSV_READER_INTERNAL_H_

// ReadCsvFolder with a chosen size of the parts in which a file's rows are
// read in parallel (csv_reader.cc), so that tests can split small files at
// every place.

#include <cstddef>
#include <string>

#include "zhucun/csv.h"

namespace zhucun::internal {

// ReadCsvFolder, reading each file's rows in parts of about `part_bytes`
// (0: the default, 16 MiB) when options.threads is not 1.
Result<FactSet> ReadCsvFolderInParts(const Schema& schema, const std::string& dir,
                                     const CsvOptions& options, SourceManager& sources,
                                     size_t part_bytes);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_CSV_READER_INTERNAL_H_
