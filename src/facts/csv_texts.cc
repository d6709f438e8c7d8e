// The texts of a folder's CSV files while it is read: released once read,
// read again when a diagnostic needs one (csv_texts.h).

#include "facts/csv_texts.h"

#include <set>
#include <utility>
#include <vector>

#include "source/quote.h"

namespace zhucun::internal {

void CsvTexts::Add(FileId id, size_t table, const FileStamp& stamp) {
  const std::lock_guard<std::mutex> lock(mutex_);
  files_[id] = File{table, stamp, sources_.text(id).size(), false};
}

void CsvTexts::Release(FileId id) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (files_.count(id) != 0) sources_.Release(id);
}

std::optional<std::string_view> CsvTexts::Text(FileId id) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (sources_.held(id)) return sources_.text(id);
  const auto it = files_.find(id);
  if (it == files_.end() || it->second.changed) return std::nullopt;
  File& file = it->second;
  TableFile again = LoadTableFile(dir_, schema_.tables[file.table], options_);
  if (again.kind != TableFile::Kind::kText || again.stamp != file.stamp ||
      again.bytes.size() != file.size) {
    file.changed = true;
    return std::nullopt;
  }
  sources_.Restore(id, std::move(again.bytes));
  return sources_.text(id);
}

Result<FactSet> CsvTexts::Settle(Result<FactSet> result) {
  std::set<FileId> changed;
  for (const Diagnostic& d : result.diagnostics().items()) {
    if (d.span.file == kNoFile || sources_.held(d.span.file)) continue;
    if (!Text(d.span.file)) changed.insert(d.span.file);
  }
  for (const auto& [id, file] : files_) {
    if (file.changed) changed.insert(id);
  }
  if (changed.empty()) return result;
  Diagnostics diagnostics;
  for (const FileId id : changed) {
    const std::string& path = sources_.name(id);
    diagnostics.Error("csv.changed",
                      Quote(path) +
                          " changed while it was read, so the problems found in it are "
                          "shown without their lines",
                      SourceSpan{}, "read the folder again once nothing writes to it");
  }
  for (Diagnostic d : result.diagnostics().items()) {
    if (changed.count(d.span.file) != 0) d.span = SourceSpan{};
    diagnostics.Add(std::move(d));
  }
  return Result<FactSet>(std::move(diagnostics));
}

}  // namespace zhucun::internal
