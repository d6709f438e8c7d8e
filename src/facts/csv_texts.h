#ifndef ZHUCUN_SRC_FACTS_CSV_TEXTS_H_
#define ZHUCUN_SRC_FACTS_CSV_TEXTS_H_

// The texts of a folder's CSV files while ReadCsvFolder reads them. A
// file's text leaves the SourceManager as soon as its rows are read (at
// scale 150 the files are 2.7 GB, a third of what a load held), and comes
// back only when a diagnostic needs it: to find the cell of a row that a
// check of FactSetBuilder::Finish rejects (a dangling reference, a
// duplicate key), or to be quoted when the load's diagnostics are rendered.
// It comes back by reading the file again, and only if it is the file that
// was read (FileStamp: the same device, inode, size, modification and
// change times) and gives the same number of bytes; a file that changed
// meanwhile makes the load fail (`csv.changed`), its diagnostics without a
// place, rather than quote lines that were never read. (As with git's
// stamps, a rewrite to the same size within one tick of the file system's
// clock after the read goes unseen; then a quoted line may be the new one.)

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "facts/csv_reader_internal.h"
#include "zhucun/csv.h"
#include "zhucun/fact_table.h"
#include "zhucun/result.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"

namespace zhucun::internal {

class CsvTexts {
 public:
  CsvTexts(SourceManager& sources, const std::string& dir, const Schema& schema,
           const CsvOptions& options)
      : sources_(sources), dir_(dir), schema_(schema), options_(options) {}
  CsvTexts(const CsvTexts&) = delete;
  CsvTexts& operator=(const CsvTexts&) = delete;

  // Notes that file `id` is table `table`'s, read as `stamp`.
  void Add(FileId id, size_t table, const FileStamp& stamp);
  // Frees the text of `id`: its rows are read. The caller makes sure that
  // no other thread adds a file to the sources meanwhile.
  void Release(FileId id);
  // The text of `id`, read again if it was released; nullopt when the file
  // changed since it was read. Safe to call from several threads (Finish).
  std::optional<std::string_view> Text(FileId id);
  // A TextOf for the cell locator of `id`.
  TextOf TextOfFile(FileId id) {
    return [this, id] { return Text(id); };
  }
  // Gives its text back to every released file that a diagnostic of
  // `result` points into. If one of them changed since it was read, the
  // result fails with `csv.changed` and the diagnostics pointing into it
  // lose their place.
  Result<FactSet> Settle(Result<FactSet> result);

 private:
  struct File {
    size_t table = 0;
    FileStamp stamp;
    size_t size = 0;  // the text's bytes
    bool changed = false;
  };

  SourceManager& sources_;
  const std::string& dir_;
  const Schema& schema_;
  const CsvOptions& options_;
  std::mutex mutex_;
  std::map<FileId, File> files_;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_CSV_TEXTS_H_
