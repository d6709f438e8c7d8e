// Reading a folder's CSV files with several threads (CsvOptions::threads;
// with one, csv_reader.cc reads them one after another). The files
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

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "facts/builder_impl.h"
#include "facts/csv_reader_internal.h"
#include "facts/csv_texts.h"
#include "facts/csv_tokenizer.h"
#include "zhucun/csv.h"

namespace zhucun::internal {
namespace {

using BuilderImpl = FactSetBuilderAccess::Impl;

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

// Reads the tables of a folder with several threads (see the top of this
// file). Run() leaves in the builder every row; Finish() adds the problems
// of whole files and the cell locators in schema order and finishes.
class ParallelReader {
 public:
  ParallelReader(const Schema& schema, const std::string& dir,
                 const CsvOptions& options, SourceManager& sources,
                 FactSetBuilder& builder, CsvTexts& texts, size_t threads, size_t part_bytes)
      : schema_(schema),
        dir_(dir),
        options_(options),
        sources_(sources),
        builder_(builder),
        texts_(texts),
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
    // The text read for good, given back to the system as parts end.
    ReadBehind behind;
    // (seal_mutex_) No row will be added any more: every part appended,
    // or none to read. And, while its parts wait, how many of the tables
    // before it that it refers to are not sealed yet.
    bool sealed = false;
    size_t waiting = 0;
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
  void StartParts(size_t t);
  void PushParts(size_t t);
  void Seal(size_t t);

  const Schema& schema_;
  const std::string& dir_;
  const CsvOptions& options_;
  SourceManager& sources_;
  FactSetBuilder& builder_;
  CsvTexts& texts_;
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
  // time, holding add_mutex_, which a thread releasing a text (texts_)
  // holds too: the sources change under it only.
  std::mutex add_mutex_;
  size_t next_add_ = 0;
  bool adding_ = false;

  // Table::sealed and Table::waiting.
  std::mutex seal_mutex_;
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
  TableFile file = LoadTableFile(dir_, schema_.tables[t], options_);
  // Its lines counted here, in parallel, not while adding it under the lock.
  const uint32_t last_line =
      file.kind == TableFile::Kind::kText ? SourceManager::LastLineOf(file.bytes) : 1;
  {
    const std::lock_guard<std::mutex> lock(add_mutex_);
    tables_[t].file = std::move(file);
    tables_[t].last_line = last_line;
    tables_[t].loaded = true;
    if (adding_) return;  // the thread adding will add it
    adding_ = true;
  }
  AddFiles();
}

void ParallelReader::AddFiles() {
  for (;;) {
    size_t t;
    bool file = false;
    {
      // Adding holds the lock, so that no text is released meanwhile.
      const std::lock_guard<std::mutex> lock(add_mutex_);
      if (next_add_ == tables_.size() || !tables_[next_add_].loaded) {
        adding_ = false;
        return;
      }
      t = next_add_++;
      Table& tb = tables_[t];
      tb.id = AddTableFile(tb.file, options_, sources_, &tb.errors);
      if (tb.id != kNoFile) {
        file = true;
        texts_.Add(tb.id, t, tb.file.stamp);
        tb.text = sources_.text(tb.id);
        tb.behind.text = tb.text.data();
        tb.name = BaseName(sources_.name(tb.id));
      }
    }
    if (file) {
      Push([this, t] { Header(t); }, false);
    } else {
      Seal(t);  // (no rows)
    }
  }
}

void ParallelReader::Header(size_t t) {
  Table& tb = tables_[t];
  const TableSchema& spec = schema_.tables[t];
  internal::CsvTokenizer tokenizer(tb.text);
  if (!ReadHeader(spec, tb.id, tb.name, tokenizer, &tb.header, &tb.errors)) {
    Seal(t);  // (no rows)
    return;
  }
  tb.header.max_cell_bytes = options_.max_cell_bytes;
  // The table's storage comes with its first part (AppendPart).
  impl_.tables[t].locate = Locator(texts_.TextOfFile(tb.id), tb.id, tb.header);
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
  StartParts(t);
}

// A table's parts are read once every table before it that it refers to
// is sealed, so that its references are coded against their keys
// (FactSetBuilder::Impl::CodeAgainstKeys) as the one-thread reader, which
// reads the tables in order, codes them.
void ParallelReader::StartParts(size_t t) {
  {
    const std::lock_guard<std::mutex> lock(seal_mutex_);
    size_t waiting = 0;
    for (const size_t u : impl_.KeyTargets(t)) waiting += u < t && !tables_[u].sealed;
    tables_[t].waiting = waiting;
    if (waiting > 0) return;  // (Seal pushes them)
  }
  PushParts(t);
}

void ParallelReader::PushParts(size_t t) {
  impl_.CodeAgainstKeys(t, [t](size_t u) { return u < t; });
  for (size_t k = 0; k < tables_[t].parts.size(); ++k) {
    Push([this, t, k] { ReadPart(t, k); }, true);
  }
}

void ParallelReader::Seal(size_t t) {
  std::vector<size_t> ready;
  {
    const std::lock_guard<std::mutex> lock(seal_mutex_);
    tables_[t].sealed = true;
    for (size_t v = t + 1; v < tables_.size(); ++v) {
      if (tables_[v].waiting == 0) continue;
      const std::vector<size_t> targets = impl_.KeyTargets(v);
      if (std::binary_search(targets.begin(), targets.end(), t) && --tables_[v].waiting == 0) {
        ready.push_back(v);
      }
    }
  }
  for (const size_t v : ready) PushParts(v);
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
    for (size_t c = 0; c < build.columns.size(); ++c) {
      build.columns[c].against = impl_.tables[t].columns[c].against;
    }
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
    const bool last = index + 1 == tb.parts.size();
    if (last) {
      // The file's rows are read: its text goes (while no file is added).
      const std::lock_guard<std::mutex> lock(add_mutex_);
      texts_.Release(tb.id);
      tb.text = {};
    }
    PartDone();
    if (last) Seal(t);
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
      case RowsRead::How::kEnd: {
        tb.expected = read.stop;
        tb.expected_line = stop_line;
        if (read.stop >= size) tb.done = true;
        // The text up to this part's end is read for good (the next part
        // begins there, or is read again from tb.expected, which is not
        // before it): its pages go now, not with the file's last part.
        const uint32_t upto = std::min(read.stop, end);
        Recycle(t, std::move(part));  // (`read` goes with it)
        tb.behind.Upto(upto);
        return;
      }
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
  return builder_.Finish(options_.strictness, options_.max_listed, options_.all_problems);
}

}  // namespace

Result<FactSet> ReadCsvFolderInParallel(const Schema& schema, const std::string& dir,
                                        const CsvOptions& options,
                                        SourceManager& sources, FactSetBuilder& builder,
                                        CsvTexts& texts, size_t threads, size_t part_bytes) {
  ParallelReader reader(schema, dir, options, sources, builder, texts, threads, part_bytes);
  return reader.Run();
}

}  // namespace zhucun::internal
