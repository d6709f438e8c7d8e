// FactSetBuilder: rows in (from CSV files or a caller's own), every cell
// validated in the exact forms of DATA.md as it comes; then Finish checks
// keys, unique keys and references (fact_checks.cc) and builds the
// immutable columnar tables.

#include "zhucun/fact_table.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "facts/builder_impl.h"
#include "facts/cells.h"
#include "facts/huge_pages.h"
#include "source/quote.h"

namespace zhucun {

using internal::CellKind;
using internal::CellProblem;
using internal::ColumnBuild;
using internal::KindOf;
using internal::Quote;
using internal::RowOrigin;
using internal::StorageType;
using internal::TableBuild;

// Maps in the reserved storage of the table's next rows.
void FactSetBuilder::Impl::PrefaultRows(TableBuild& tb) {
  constexpr size_t kChunk = size_t{1} << 16;
  internal::PrefaultNext(tb.bad, kChunk);
  internal::PrefaultNext(tb.offsets, kChunk);
  for (ColumnBuild& cb : tb.columns) cb.PrefaultRows(kChunk);
  tb.prefault_at = tb.rows + kChunk;
  if (tb.rows + kChunk >= tb.reserved) tb.prefault_at = ~size_t{0};
}

// Appends one row's cells (already mapped to schema columns).
void FactSetBuilder::Impl::AddRowTo(TableBuild& tb, uint32_t line,
                                    const std::vector<std::optional<std::string_view>>& cells,
                                    const std::vector<SourceSpan>& spans, RowOrigin origin) {
  if (tb.rows == tb.prefault_at) PrefaultRows(tb);
  const uint32_t row = static_cast<uint32_t>(tb.rows++);
  tb.NoteOrigin(row, origin);
  tb.lines.push_back(line);
  tb.bad.push_back(0);
  const size_t ncols = tb.columns.size();
  const size_t given = std::min(ncols, cells.size());
  for (size_t c = 0; c < ncols; ++c) {
    ColumnBuild& cb = tb.columns[c];
    std::string_view text;
    if (c < given && cells[c]) text = *cells[c];
    if (text.empty()) {
      cb.AppendNull(row, tb.reserved);
      if (!cb.nullable) NullCell(tb, row, line, c, SpanOf(spans, c), origin);
      continue;
    }
    const internal::CellProblem problem = cb.AppendText(row, text);
    if (problem == CellProblem::kNone) [[likely]] continue;
    cb.AppendNull(row, tb.reserved);
    BadCell(tb, row, line, c, text, problem, SpanOf(spans, c), origin);
  }
  // Columns that are null exactly when another column is null.
  for (const auto& [c, other] : tb.null_iff) {
    const bool given_c = c < given && cells[c] && !cells[c]->empty();
    const bool other_given =
        other < given && cells[other] && !cells[other]->empty();
    if (given_c == other_given) continue;
    NullIff(tb, row, line, c, given_c ? cells[c] : std::nullopt,
            other_given ? cells[other] : std::nullopt, SpanOf(spans, c), origin);
  }
}

std::string FactSetBuilder::Impl::RowPrefix(const TableBuild& tb, uint32_t line,
                                            RowOrigin origin) {
  switch (origin) {
    case RowOrigin::kFile: return "";
    case RowOrigin::kRow: return Quote(tb.spec->name) + " row " + std::to_string(line) + ": ";
    case RowOrigin::kColumns:
      return Quote(tb.spec->name) + " line " + std::to_string(line) + ": ";
  }
  return "";
}

SourceSpan FactSetBuilder::Impl::SpanOf(const std::vector<SourceSpan>& spans, size_t c) {
  return c < spans.size() ? spans[c] : SourceSpan{};
}

void FactSetBuilder::Impl::NullCell(TableBuild& tb, uint32_t row, uint32_t line, size_t c,
                                    SourceSpan span, RowOrigin origin) {
  const ColumnSchema& spec = *tb.columns[c].spec;
  std::string expected = internal::ExpectedForm(spec);
  std::string message = RowPrefix(tb, line, origin) + Quote(spec.name) +
                        " is empty; expected " + expected;
  tb.MarkBad(row, Diagnostic(Severity::kError, "csv.null", std::move(message), span, "",
                             DataCell{tb.spec->name, line, spec.name, "",
                                      std::move(expected)}));
}

void FactSetBuilder::Impl::BadCell(TableBuild& tb, uint32_t row, uint32_t line, size_t c,
                                   std::string_view text, CellProblem problem,
                                   SourceSpan span, RowOrigin origin) {
  const ColumnSchema& spec = *tb.columns[c].spec;
  std::string what;
  switch (problem) {
    case CellProblem::kNotRealDate: what = " is not a real calendar date"; break;
    case CellProblem::kOverflow: what = " is too large"; break;
    case CellProblem::kTooPrecise:
      what = " has more than " + std::to_string(spec.scale) + " fractional digits";
      break;
    case CellProblem::kUnknownCode: what = " is not a known code"; break;
    default: what = " is not valid"; break;
  }
  std::string help;
  if (problem == CellProblem::kUnknownCode) {
    std::string best = ClosestMatch(text, spec.codes);
    if (!best.empty()) help = "did you mean " + Quote(best) + "?";
  }
  std::string expected = internal::ExpectedForm(spec);
  std::string message = RowPrefix(tb, line, origin) + Quote(spec.name) + ": " + Quote(text) +
                        what + "; expected " + expected;
  tb.MarkBad(row, Diagnostic(Severity::kError, internal::CellProblemCode(spec.type, problem),
                             std::move(message), span, std::move(help),
                             DataCell{tb.spec->name, line, spec.name, std::string(text),
                                      std::move(expected)}));
}

void FactSetBuilder::Impl::NullIff(TableBuild& tb, uint32_t row, uint32_t line, size_t c,
                                   std::optional<std::string_view> text,
                                   std::optional<std::string_view> other_text,
                                   SourceSpan span, RowOrigin origin) {
  const ColumnSchema& spec = *tb.columns[c].spec;
  std::string message =
      RowPrefix(tb, line, origin) + Quote(spec.name) + " must be empty exactly when " +
      Quote(spec.null_iff) + " is empty, but " + Quote(spec.name) +
      (text ? " is " + Quote(*text) : std::string(" is empty")) + " and " +
      Quote(spec.null_iff) +
      (other_text ? " is " + Quote(*other_text) : std::string(" is empty"));
  // What this cell should have been, given the other one.
  std::string expected =
      text ? "empty, as " + Quote(spec.null_iff) + " is empty"
           : internal::ExpectedForm(spec) + ", as " + Quote(spec.null_iff) + " is " +
                 Quote(other_text ? *other_text : std::string_view());
  tb.MarkBad(row, Diagnostic(Severity::kError, "csv.null_iff", std::move(message), span, "",
                             DataCell{tb.spec->name, line, spec.name,
                                      std::string(text ? *text : std::string_view()),
                                      std::move(expected)}));
}

// ---------------------------------------------------------------------------

void FactSetBuilder::Impl::InitTable(TableBuild& tb, const TableSchema& spec) {
  tb.spec = &spec;
  for (const ColumnSchema& cs : tb.spec->columns) {
    ColumnBuild cb;
    cb.spec = &cs;
    cb.kind = KindOf(cs.type);
    cb.nullable = cs.nullable;
    cb.column = Column(StorageType(cs.type), cs.type == CellType::kDecimal ? cs.scale : 0);
    if (cs.type == CellType::kCode) {
      cb.column.dictionary() = cs.codes;
      cb.codes = internal::CodeLookup(cs.codes);
    }
    tb.columns.push_back(std::move(cb));
  }
  for (size_t c = 0; c < tb.spec->columns.size(); ++c) {
    const ColumnSchema& cs = tb.spec->columns[c];
    if (cs.null_iff.empty()) continue;
    const int other = tb.spec->ColumnIndex(cs.null_iff);
    if (other >= 0) tb.null_iff.emplace_back(c, static_cast<size_t>(other));
  }
  if (!tb.spec->key.empty()) tb.key_column = tb.spec->ColumnIndex(tb.spec->key);
}

FactSetBuilder::FactSetBuilder(Schema schema) : impl_(std::make_unique<Impl>()) {
  impl_->schema = std::make_shared<const Schema>(std::move(schema));
  const Schema& s = *impl_->schema;
  impl_->tables.resize(s.tables.size());
  for (size_t t = 0; t < s.tables.size(); ++t) Impl::InitTable(impl_->tables[t], s.tables[t]);
}

void FactSetBuilder::ReserveRows(size_t table, size_t rows) {
  if (table >= impl_->tables.size()) return;
  try {
    impl_->ReserveRows(impl_->tables[table], rows);
  } catch (const std::bad_alloc&) {
    // Only a hint: the columns grow as rows come.
  }
}

void FactSetBuilder::Impl::ReserveStorage(TableBuild& tb, size_t rows) {
  const size_t total = tb.rows + rows;
  if (total <= tb.reserved) return;
  tb.reserved = total;
  internal::ReserveHuge(tb.bad, total);
  if (tb.locate) internal::ReserveHuge(tb.offsets, total);
  tb.prefault_at = tb.rows;
  for (ColumnBuild& cb : tb.columns) {
    cb.Reserve(total);
    // A part's strings: at most one per row (address space only).
    if (cb.deferred) {
      internal::ReserveHuge(cb.kept, total);
      cb.pending_bytes.reserve(total * 16);
    }
  }
  // The key column has (about) one string per row: its dictionary is
  // reserved (address space only; Flush maps it in as it fills).
  if (tb.key_column >= 0) {
    ColumnBuild& cb = tb.columns[static_cast<size_t>(tb.key_column)];
    if (cb.kind == CellKind::kIntern && !cb.deferred) {
      internal::ReserveHuge(cb.column.dictionary(), total);
    }
  }
}

void FactSetBuilder::Impl::ReserveRows(TableBuild& tb, size_t rows) {
  const size_t total = tb.rows + rows;
  if (total <= tb.reserved) return;
  ReserveStorage(tb, rows);
  // A reference to a table read before has at most one string per row of
  // that table: its hash table is made that large at once.
  for (size_t c = 0; c < tb.columns.size(); ++c) {
    ColumnBuild& cb = tb.columns[c];
    if (cb.kind != CellKind::kIntern || static_cast<int>(c) == tb.key_column ||
        cb.spec->references.empty() || cb.against != nullptr) {
      continue;
    }
    const int target = schema->TableIndex(cb.spec->references);
    if (target < 0) continue;
    const size_t strings = std::min(total, tables[static_cast<size_t>(target)].rows);
    internal::ReserveHuge(cb.column.dictionary(), strings);
    cb.dict.Reserve(strings);
  }
}

FactSetBuilder::~FactSetBuilder() = default;
FactSetBuilder::FactSetBuilder(FactSetBuilder&&) noexcept = default;
FactSetBuilder& FactSetBuilder::operator=(FactSetBuilder&&) noexcept = default;

const Schema& FactSetBuilder::schema() const { return *impl_->schema; }

void FactSetBuilder::Impl::UnknownTable(std::string_view table) {
  std::vector<std::string> names;
  for (const TableSchema& ts : schema->tables) names.push_back(ts.name);
  std::string best = ClosestMatch(table, names);
  usage_errors.Error("facts.unknown_table", "unknown table " + Quote(table), SourceSpan{},
                     best.empty() ? "" : "did you mean " + Quote(best) + "?");
}

void FactSetBuilder::AddRow(std::string_view table,
                            const std::vector<NamedCell>& cells) {
  const int t = impl_->schema->TableIndex(table);
  if (t < 0) {
    impl_->UnknownTable(table);
    return;
  }
  TableBuild& tb = impl_->tables[static_cast<size_t>(t)];
  const uint32_t line = static_cast<uint32_t>(tb.rows + 1);
  std::vector<std::optional<std::string_view>> mapped(tb.columns.size());
  for (const auto& [name, value] : cells) {
    const int c = tb.spec->ColumnIndex(name);
    if (c < 0) {
      std::vector<std::string> names;
      for (const ColumnSchema& cs : tb.spec->columns) names.push_back(cs.name);
      std::string best = ClosestMatch(name, names);
      impl_->usage_errors.Add(Diagnostic(
          Severity::kError, "facts.unknown_column",
          Quote(tb.spec->name) + " has no column " + Quote(name), SourceSpan{},
          best.empty() ? "" : "did you mean " + Quote(best) + "?",
          DataCell{tb.spec->name, line, name, value.value_or(""),
                   "a column of " + Quote(tb.spec->name)}));
      continue;
    }
    if (value) mapped[static_cast<size_t>(c)] = std::string_view(*value);
  }
  impl_->AddRow(static_cast<size_t>(t), line, mapped, {}, RowOrigin::kRow);
}

void FactSetBuilder::AddColumns(std::string_view table, size_t rows,
                                const std::vector<ColumnInput>& columns,
                                uint32_t first_line) {
  impl_->AddColumns(table, rows, columns, first_line);
}

void FactSetBuilder::AddColumns(std::string_view table, size_t rows,
                                const std::vector<ColumnInput>& columns,
                                const std::vector<uint32_t>& lines) {
  impl_->AddColumns(table, rows, columns, 1, &lines);
}

void FactSetBuilder::SetCellLocator(size_t table, CellLocator locate) {
  impl_->tables[table].locate = std::move(locate);
}

void FactSetBuilder::AddFileRow(
    size_t table, uint32_t line, uint32_t offset,
    const std::vector<std::optional<std::string_view>>& cells,
    const std::vector<SourceSpan>& spans) {
  Impl::AddFileRowTo(impl_->tables[table], line, offset, cells, spans);
}

void FactSetBuilder::AddBadRow(size_t table, uint32_t line, Diagnostic why) {
  Impl::AddBadRowTo(impl_->tables[table], line, std::move(why));
}

void FactSetBuilder::AddFileError(size_t table, Diagnostic d) {
  impl_->tables[table].malformed = true;
  impl_->file_errors.Add(std::move(d));
}

void FactSetBuilder::Impl::ForEachTable(const std::function<void(size_t)>& fn) const {
  const size_t n = tables.size();
  if (threads <= 1 || n <= 1) {
    for (size_t t = 0; t < n; ++t) fn(t);
    return;
  }
  std::atomic<size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto work = [&] {
    for (size_t t = next++; t < n; t = next++) {
      try {
        fn(t);
      } catch (...) {
        next = n;
        const std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  try {
    for (size_t i = 1; i < std::min(threads, n); ++i) pool.emplace_back(work);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started do the work.
  }
  work();
  for (std::thread& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

Result<FactSet> FactSetBuilder::Finish(Strictness strictness, size_t max_listed,
                                       Diagnostics* all) {
  Impl& im = *impl_;
  for (TableBuild& tb : im.tables) {
    for (ColumnBuild& cb : tb.columns) cb.Flush();
  }
  im.SettleAgainst();
  // Per table (in parallel with threads): its duplicates, then its
  // references; its diagnostics are in the order of one table after
  // another, as each table's checks change only its own build.
  im.ForEachTable([&im](size_t t) {
    im.CheckUnique(im.tables[t], true);
    im.ResolveReferences(t);
  });
  im.Cascade();

  const bool lenient = strictness == Strictness::kLenient;
  Diagnostics out;
  size_t listed = 0, unlisted = 0;
  auto list = [&](Diagnostic d) {
    if (listed < max_listed) {
      ++listed;
      out.Add(std::move(d));
    } else {
      ++unlisted;
    }
  };
  for (const Diagnostic& d : im.usage_errors.items()) list(d);
  for (const Diagnostic& d : im.file_errors.items()) list(d);
  if (all != nullptr) {
    for (const Diagnostic& d : im.usage_errors.items()) all->Add(d);
    for (const Diagnostic& d : im.file_errors.items()) all->Add(d);
  }
  bool any_bad = false;
  size_t own = 0, cascaded = 0;  // rejected rows with a problem of their own, and the others
  // Per rejected row that others refer to, (table, row): how many of each
  // table refer to it, directly or through others, and the diagnostic of
  // the first (listed alone when it is the only one).
  struct Cascade {
    std::map<size_t, size_t> by_table;
    const Diagnostic* first = nullptr;
  };
  std::map<std::pair<size_t, uint32_t>, Cascade> cascades;
  bool grouped = false;  // some line stands for several rows
  FactSet set;
  set.schema_ = im.schema;
  for (size_t t = 0; t < im.tables.size(); ++t) {
    TableBuild& tb = im.tables[t];
    // Row diagnostics in line order; unsplit rows have no row index.
    struct Item {
      uint32_t line;
      size_t order;
      const Diagnostic* d;
      bool cascaded;
    };
    std::vector<Item> items;
    for (size_t i = 0; i < tb.errors.size(); ++i) {
      const uint32_t row = tb.errors[i].first;
      items.push_back({tb.lines[row], i, &tb.errors[i].second, tb.cascade_root.count(row) > 0});
    }
    for (size_t i = 0; i < tb.unsplit.size(); ++i) {
      items.push_back({tb.unsplit[i].first, tb.errors.size() + i, &tb.unsplit[i].second, false});
    }
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      return a.line < b.line;
    });
    for (const Item& it : items) {
      if (all != nullptr) {
        Diagnostic d = *it.d;
        if (lenient) d.severity = Severity::kWarning;
        all->Add(std::move(d));
      }
      if (it.cascaded) continue;  // (one line per row they lead to, below)
      if (listed >= max_listed) {  // counted, not copied
        ++unlisted;
        continue;
      }
      Diagnostic d = *it.d;
      if (lenient) d.severity = Severity::kWarning;
      list(std::move(d));
    }
    for (const Item& it : items) {
      if (!it.cascaded) continue;
      Cascade& c = cascades[tb.cascade_root.at(tb.errors[it.order].first)];
      if (c.by_table.empty()) c.first = it.d;
      ++c.by_table[t];
    }
    TableStats stats;
    stats.table = tb.spec->name;
    stats.read = tb.rows + tb.unsplit.size();
    const size_t rejected = tb.unsplit.size() + tb.bad_count;
    stats.rejected = rejected;
    stats.accepted = stats.read - rejected;
    any_bad = any_bad || rejected > 0;
    cascaded += tb.cascade_root.size();
    own += rejected - tb.cascade_root.size();
    set.stats_.push_back(stats);
    // The first reason per rejected row, in line order.
    std::map<uint32_t, std::string> reasons;
    for (const Item& it : items) reasons.emplace(it.line, it.d->message);
    for (const auto& [line, reason] : reasons) {
      set.rejected_.push_back({tb.spec->name, line, reason});
    }
  }
  // The cascades, after every cause: one line per row they lead to, in
  // table and line order.
  for (const auto& [root, cascade] : cascades) {
    const auto& by_table = cascade.by_table;
    if (by_table.size() == 1 && by_table.begin()->second == 1) {
      Diagnostic d = *cascade.first;
      if (lenient) d.severity = Severity::kWarning;
      list(std::move(d));
      continue;
    }
    grouped = true;
    const TableBuild& rt = im.tables[root.first];
    size_t n = 0;
    std::string which;
    for (const auto& [t, count] : by_table) {
      n += count;
      which += (which.empty() ? "" : ", ") + std::to_string(count) + " of " +
               Quote(im.tables[t].spec->name);
    }
    list(Diagnostic{lenient ? Severity::kWarning : Severity::kError, "csv.bad_reference",
                    std::to_string(n) + (n == 1 ? " row refers" : " rows refer") +
                        ", directly or through others, to the rejected " +
                        Quote(rt.spec->name) + " row on line " +
                        std::to_string(rt.lines[root.second]) + " and " +
                        (n == 1 ? "is" : "are") + " rejected too: " + which,
                    SourceSpan{}, "fix that row, and these are read again"});
  }
  if (unlisted > 0) {
    out.Add(Diagnostic{Severity::kNote, "facts.unlisted",
                       std::to_string(unlisted) + " more problems not listed",
                       SourceSpan{}, ""});
  }
  // A total whenever the list does not show one line per rejected row.
  if (own + cascaded > 0 && (grouped || unlisted > 0)) {
    std::string total = own + cascaded == 1 ? "1 row rejected"
                                            : std::to_string(own + cascaded) + " rows rejected";
    if (cascaded > 0) {
      total += " in all: " + std::to_string(own) + " with a problem of " +
               (own == 1 ? "its" : "their") + " own, " + std::to_string(cascaded) + " that " +
               (cascaded == 1 ? "refers" : "refer") + " to " + (own == 1 ? "it" : "them");
    }
    out.Add(Diagnostic{Severity::kNote, "facts.rejected", total, SourceSpan{}, ""});
  }
  if (!im.usage_errors.empty() || !im.file_errors.empty() || (any_bad && !lenient)) {
    if (!out.has_errors()) {
      out.Error("facts.invalid", "the input has invalid rows", SourceSpan{});
    }
    return Result<FactSet>(std::move(out));
  }

  // Build the tables, leaving out bad rows (lenient), renumbering references.
  // A table without bad rows keeps its row numbers.
  std::vector<std::vector<int32_t>> new_index(im.tables.size());
  for (size_t t = 0; t < im.tables.size(); ++t) {
    const TableBuild& tb = im.tables[t];
    if (tb.bad_count == 0) continue;
    new_index[t].assign(tb.rows, -1);
    int32_t k = 0;
    for (uint32_t r = 0; r < tb.rows; ++r) {
      if (!tb.bad[r]) new_index[t][r] = k++;
    }
  }
  set.tables_.resize(im.tables.size());
  for (size_t t = 0; t < im.tables.size(); ++t) {
    TableBuild& tb = im.tables[t];
    FactTable& ft = set.tables_[t];
    ft.schema_ = &im.schema->tables[t];
    const bool compact = tb.bad_count > 0;
    auto keep = [&](auto& v) {
      if (!compact) return;
      size_t k = 0;
      for (size_t r = 0; r < tb.rows; ++r) {
        if (!tb.bad[r]) v[k++] = v[r];
      }
      v.resize(k);
    };
    ft.columns_.reserve(tb.columns.size());
    for (ColumnBuild& cb : tb.columns) {
      Column& col = cb.column;
      switch (col.type()) {
        case ColumnType::kBool: keep(col.bools()); break;
        case ColumnType::kInt:
        case ColumnType::kDecimal: keep(col.ints()); break;
        default: keep(col.int32s()); break;
      }
      if (cb.has_null) {
        keep(cb.valid);
        if (std::find(cb.valid.begin(), cb.valid.end(), 0) != cb.valid.end()) {
          col.set_valid(std::move(cb.valid));
        }
      }
      ft.columns_.push_back(std::move(col));
    }
    if (compact) tb.lines.Keep(tb.bad);
    ft.num_rows_ = tb.lines.size();
    // The lines as runs of consecutive lines where that takes no more room
    // (a run is two numbers), else a line per row.
    if (!tb.lines.runs().empty() && tb.lines.runs().size() * 2 <= tb.lines.size()) {
      ft.line_runs_ = tb.lines.runs();
    } else {
      ft.lines_ = tb.lines.Rows();
    }
    tb.lines.clear();
    for (auto& [c, refs] : tb.references) {
      const ColumnSchema& spec = *tb.columns[c].spec;
      const size_t target = static_cast<size_t>(im.schema->TableIndex(spec.references));
      keep(refs);
      if (!new_index[target].empty()) {
        for (int32_t& r : refs) {
          if (r >= 0) r = new_index[target][static_cast<size_t>(r)];
        }
      }
      ft.references_.emplace(spec.name, std::move(refs));
      ft.reference_targets_.emplace(
          spec.name, im.tables[target].rows - im.tables[target].bad_count);
    }
    ft.group_cache_ = std::make_shared<FactTable::GroupCache>(ft.columns_.size());
    // The key index, built by the first FindKey (the reader's interner of
    // the key goes with the builder).
    if (tb.key_column >= 0 &&
        ft.columns_[static_cast<size_t>(tb.key_column)].type() == ColumnType::kString) {
      ft.key_index_ = std::make_shared<FactTable::KeyIndex>();
      ft.key_index_->column = static_cast<size_t>(tb.key_column);
    }
  }
  // Each string reference column coded in the dictionary of the key it
  // refers to, once every table is built: the ids are held once (a
  // reference's own dictionary repeats the key's strings: 63 MB per
  // reference to `members` at scale 150), and equal ids have equal codes.
  // Every present cell refers to a row (a dangling reference leaves none).
  for (FactTable& ft : set.tables_) {
    for (const auto& [name, refs] : ft.references_) {
      const int c = ft.schema_->ColumnIndex(name);
      if (c < 0) continue;
      Column& column = ft.columns_[static_cast<size_t>(c)];
      const FactTable* target =
          set.table(ft.schema_->columns[static_cast<size_t>(c)].references);
      if (target == nullptr || !target->key_index_ || column.type() != ColumnType::kString) {
        continue;
      }
      const Column& key = target->columns_[target->key_index_->column];
      if (key.type() != ColumnType::kString || refs.size() != column.size()) continue;
      // Coded against the key as it was read (SettleAgainst) and sharing its
      // dictionary, which holds each id once: every cell's code is already
      // its row's key code (at scale 150, 128 MB less to map in for
      // `payments.member_id` alone).
      if (&std::as_const(column).dictionary() == &key.dictionary()) continue;
      const std::vector<int32_t>& key_codes = key.int32s();
      const ColumnView cells = column.view();
      std::vector<int32_t> codes(column.size(), 0);
      bool all = true;
      for (size_t r = 0; r < codes.size() && all; ++r) {
        if (!cells.IsValid(r)) continue;
        const int32_t row = refs[r];
        all = row >= 0 && static_cast<size_t>(row) < key_codes.size();
        if (all) codes[r] = key_codes[static_cast<size_t>(row)];
      }
      if (!all) continue;
      Column coded = Column::StringsCodedAs(key, std::move(codes));
      coded.set_valid(column.valid());
      column = std::move(coded);
    }
  }
  return Result<FactSet>(std::move(set), std::move(out));
}

}  // namespace zhucun
