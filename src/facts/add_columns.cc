// FactSetBuilder::AddColumns: whole columns of a data frame into the
// builder, a column at a time. Every cell gets exactly the validation of a
// CSV cell (DATA.md, "Cell types"): texts go through the CSV reader's cell
// parsers, code lookup and string interning; typed numbers are stored
// directly where the column's type matches (day numbers into a date column,
// scaled integers into a decimal column at its scale, ...), and are checked
// as their text would be. A problem gets the CSV reader's code and message,
// the typed value quoted as text, prefixed with "`table` line N: ".

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "facts/builder_impl.h"
#include "facts/cells.h"
#include "source/quote.h"
#include "zhucun/date.h"

namespace zhucun {

using internal::CellKind;
using internal::CellProblem;
using internal::ColumnBuild;
using internal::Quote;
using internal::RowOrigin;
using internal::TableBuild;
using Form = ColumnInput::Form;

namespace {

// Day numbers of 0001-01-01 and 9999-12-31 (DATA.md dates, Date::kMinYear
// to Date::kMaxYear; columns_test.cc checks them against Date::FromYmd).
constexpr int64_t kMinDay = -719162;
constexpr int64_t kMaxDay = 2932896;
// Month storage is year * 12 + month - 1 (cells.h ParseMonthCell); a pandas
// Period[M] ordinal counts months from 1970-01.
constexpr int64_t kMonthOf1970 = int64_t{1970} * 12;
constexpr int64_t kMinMonth = int64_t{Date::kMinYear} * 12;
constexpr int64_t kMaxMonth = int64_t{Date::kMaxYear} * 12 + 11;

const char* FormName(Form form) {
  switch (form) {
    case Form::kText: return "kText (texts)";
    case Form::kInt: return "kInt (integers)";
    case Form::kScaled: return "kScaled (scaled integers)";
    case Form::kDouble: return "kDouble (doubles)";
    case Form::kDays: return "kDays (day numbers)";
    case Form::kMonths: return "kMonths (month ordinals)";
    case Form::kBool: return "kBool (booleans)";
  }
  return "an unknown form";
}

// The forms a column of `type` may be given in (kText: any).
bool Fits(CellType type, Form form) {
  if (form == Form::kText) return true;
  switch (type) {
    case CellType::kInt: return form == Form::kInt || form == Form::kDouble;
    case CellType::kDecimal:
      return form == Form::kInt || form == Form::kScaled || form == Form::kDouble;
    case CellType::kDate: return form == Form::kDays;
    case CellType::kMonth: return form == Form::kMonths;
    case CellType::kBool: return form == Form::kBool;
    default: return false;
  }
}

// "kText, kInt, kScaled or kDouble": the forms that fit a type.
std::string FormsFor(CellType type) {
  static constexpr Form kAll[] = {Form::kText, Form::kInt,    Form::kScaled, Form::kDouble,
                                  Form::kDays, Form::kMonths, Form::kBool};
  std::vector<std::string> names;
  for (Form f : kAll) {
    if (!Fits(type, f)) continue;
    std::string name = FormName(f);
    names.push_back(name.substr(0, name.find(' ')));
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// "a decimal" / "an int".
std::string WithArticle(const char* type_name) {
  const char c = type_name[0];
  const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  return std::string(vowel ? "an " : "a ") + type_name;
}

// The shortest text of a double that reads back as the same double, in
// fixed notation ("1100", "0.1", "1.005", "-0", "inf"), written into `buf`.
// The longest are 1.7976931348623157e308 (309 digits) and -5e-324 ("-0.",
// 323 zeros and "5": 327 characters).
constexpr size_t kDoubleTextSize = 400;
std::string_view DoubleText(double d, char (&buf)[kDoubleTextSize]) {
  const std::to_chars_result r =
      std::to_chars(buf, buf + kDoubleTextSize, d, std::chars_format::fixed);
  if (r.ec != std::errc()) return "nan";  // not reached: the buffer is large enough
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

// The text of ints[i] / 10^scale: the shortest decimal text of that
// number ("1.5" for 1500 at scale 3, "-0.05", "12" for 1200 at scale 2).
std::string ScaledText(int64_t v, int scale) {
  const bool negative = v < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
    while (digits.back() == '0') digits.pop_back();
    if (digits.back() == '.') digits.pop_back();
  }
  if (negative && digits != "0") digits.insert(0, 1, '-');
  return digits;
}

// The coefficient at a decimal column's scale of ints[i] / 10^scale, with
// the problem its text (ScaledText) would have as a CSV cell: kOverflow
// when it does not fit, kTooPrecise when it has more fractional digits
// than the column's scale (trailing zeros do not count).
[[gnu::always_inline]] inline CellProblem ScaledToColumn(int64_t v, int scale,
                                                          int column_scale, int64_t* out) {
  if (scale <= column_scale) {
    return __builtin_mul_overflow(v, internal::kPowersOf10[column_scale - scale], out)
               ? CellProblem::kOverflow
               : CellProblem::kNone;
  }
  const int64_t divisor = internal::kPowersOf10[scale - column_scale];
  if (v % divisor != 0) return CellProblem::kTooPrecise;
  *out = v / divisor;
  return CellProblem::kNone;
}

// YYYY-MM-DD of a day number in range, else the number.
std::string DaysText(int64_t days) {
  if (days < kMinDay || days > kMaxDay) return std::to_string(days);
  return Date::FromDayNumber(static_cast<int32_t>(days)).ToString();
}

// YYYY-MM of a month ordinal (months since 1970-01) in range, else the number.
std::string MonthsText(int64_t ordinal) {
  if (ordinal < kMinMonth - kMonthOf1970 || ordinal > kMaxMonth - kMonthOf1970) {
    return std::to_string(ordinal);
  }
  const int64_t months = ordinal + kMonthOf1970;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(months / 12),
                static_cast<int>(months % 12 + 1));
  return buf;
}

// Whether cell i of an input is present (not null).
bool Present(const ColumnInput& in, size_t i) {
  if (in.valid != nullptr && in.valid[i] == 0) return false;
  switch (in.form) {
    case Form::kText: return !in.texts[i].empty();
    case Form::kDouble: return !std::isnan(in.doubles[i]);
    default: return true;
  }
}

// The text of a present cell i, for messages (null_iff).
std::string InputText(const ColumnInput& in, size_t i) {
  switch (in.form) {
    case Form::kText: return std::string(in.texts[i]);
    case Form::kInt: return std::to_string(in.ints[i]);
    case Form::kScaled: return ScaledText(in.ints[i], in.scale);
    case Form::kDouble: {
      char buf[kDoubleTextSize];
      return std::string(DoubleText(in.doubles[i], buf));
    }
    case Form::kDays: return DaysText(in.ints[i]);
    case Form::kMonths: return MonthsText(in.ints[i]);
    case Form::kBool: return in.ints[i] != 0 ? "true" : "false";
  }
  return "";
}

}  // namespace

// Appends the cells of one given column, a column at a time: row i of the
// batch is row `row0 + i` of the table, on line `first_line + i` (or
// `lines[i]` when given).
class FactSetBuilder::Impl::ColumnFiller {
 public:
  ColumnFiller(TableBuild& tb, size_t c, uint32_t row0, uint32_t first_line,
               const uint32_t* lines)
      : tb_(tb), cb_(tb.columns[c]), c_(c), row0_(row0), first_line_(first_line),
        lines_(lines) {}

  void Fill(const ColumnInput& in, size_t n) {
    const uint8_t* valid = in.valid;
    auto present = [valid](size_t i) { return valid == nullptr || valid[i] != 0; };
    switch (in.form) {
      case Form::kText: {
        const std::string_view* texts = in.texts;
        for (size_t i = 0; i < n; ++i) {
          if (!present(i) || texts[i].empty()) {
            Null(i);
          } else {
            Text(i, texts[i]);
          }
        }
        return;
      }
      case Form::kInt: {
        const int64_t* ints = in.ints;
        for (size_t i = 0; i < n; ++i) {
          if (!present(i)) {
            Null(i);
          } else if (cb_.kind == CellKind::kInt) {
            cb_.Append64(ints[i]);
          } else {  // a decimal column: a whole number
            Scaled(i, ints[i], 0);
          }
        }
        return;
      }
      case Form::kScaled: {
        const int64_t* ints = in.ints;
        for (size_t i = 0; i < n; ++i) {
          if (!present(i)) {
            Null(i);
          } else {
            Scaled(i, ints[i], in.scale);
          }
        }
        return;
      }
      case Form::kDouble: {
        const double* doubles = in.doubles;
        for (size_t i = 0; i < n; ++i) {
          if (!present(i) || std::isnan(doubles[i])) {
            Null(i);
          } else {
            // Exactly the double's shortest text, validated as that text.
            char buf[kDoubleTextSize];
            Text(i, DoubleText(doubles[i], buf));
          }
        }
        return;
      }
      case Form::kDays: {
        const int64_t* ints = in.ints;
        for (size_t i = 0; i < n; ++i) {
          if (!present(i)) {
            Null(i);
          } else if (ints[i] < kMinDay || ints[i] > kMaxDay) [[unlikely]] {
            Bad(i, std::to_string(ints[i]), CellProblem::kNotRealDate);
          } else {
            cb_.Append32(static_cast<int32_t>(ints[i]));
          }
        }
        return;
      }
      case Form::kMonths: {
        const int64_t* ints = in.ints;
        for (size_t i = 0; i < n; ++i) {
          if (!present(i)) {
            Null(i);
          } else if (ints[i] < kMinMonth - kMonthOf1970 ||
                     ints[i] > kMaxMonth - kMonthOf1970) [[unlikely]] {
            Bad(i, std::to_string(ints[i]), CellProblem::kNotRealDate);
          } else {
            cb_.Append32(static_cast<int32_t>(ints[i] + kMonthOf1970));
          }
        }
        return;
      }
      case Form::kBool: {
        const int64_t* ints = in.ints;
        for (size_t i = 0; i < n; ++i) {
          if (!present(i)) {
            Null(i);
          } else {
            cb_.AppendBool(ints[i] != 0 ? 1 : 0);
          }
        }
        return;
      }
    }
  }

  // A column not given (nullable: checked before).
  void FillNull(size_t n) {
    for (size_t i = 0; i < n; ++i) Null(i);
  }

 private:
  uint32_t Row(size_t i) const { return row0_ + static_cast<uint32_t>(i); }
  uint32_t Line(size_t i) const {
    return lines_ != nullptr ? lines_[i] : first_line_ + static_cast<uint32_t>(i);
  }

  void Null(size_t i) {
    cb_.AppendNull(Row(i), tb_.reserved);
    if (!cb_.nullable) {
      FactSetBuilder::Impl::NullCell(tb_, Row(i), Line(i), c_, SourceSpan{},
                                     RowOrigin::kColumns);
    }
  }

  [[gnu::cold]] [[gnu::noinline]] void Bad(size_t i, std::string_view text,
                                          CellProblem problem) {
    cb_.AppendNull(Row(i), tb_.reserved);
    FactSetBuilder::Impl::BadCell(tb_, Row(i), Line(i), c_, text, problem, SourceSpan{},
                                  RowOrigin::kColumns);
  }

  // A decimal column's cell given as v / 10^scale.
  [[gnu::always_inline]] void Scaled(size_t i, int64_t v, int scale) {
    int64_t coefficient;
    const CellProblem problem = ScaledToColumn(v, scale, cb_.spec->scale, &coefficient);
    if (problem == CellProblem::kNone) [[likely]] {
      cb_.Append64(coefficient);
      return;
    }
    Bad(i, ScaledText(v, scale), problem);
  }

  // A present cell given as text: exactly as AddRow reads a CSV cell.
  [[gnu::always_inline]] void Text(size_t i, std::string_view text) {
    const CellProblem problem = cb_.AppendText(Row(i), text);
    if (problem == CellProblem::kNone) [[likely]] return;
    Bad(i, text, problem);
  }

  TableBuild& tb_;
  ColumnBuild& cb_;
  size_t c_;
  uint32_t row0_;
  uint32_t first_line_;
  const uint32_t* lines_;
};

void FactSetBuilder::Impl::AddColumns(std::string_view table, size_t rows,
                                      const std::vector<ColumnInput>& columns,
                                      uint32_t first_line,
                                      const std::vector<uint32_t>* line_numbers) {
  const int t = schema->TableIndex(table);
  if (t < 0) {
    UnknownTable(table);
    return;
  }
  TableBuild& tb = tables[static_cast<size_t>(t)];
  const TableSchema& spec = *tb.spec;
  // Problems of the whole table: like a malformed file, no row is added.
  bool malformed = false;
  auto table_error = [&](const char* code, std::string message, std::string column,
                         std::string expected, std::string help = {}) {
    malformed = true;
    tb.malformed = true;
    file_errors.Add(Diagnostic(Severity::kError, code, std::move(message), SourceSpan{},
                               std::move(help),
                               DataCell{spec.name, 0, std::move(column), "",
                                        std::move(expected)}));
  };

  // Rows are numbered in int32 (references) and lines in uint32.
  constexpr size_t kMaxRows = static_cast<size_t>(std::numeric_limits<int32_t>::max());
  if (line_numbers != nullptr && line_numbers->size() != rows) {
    table_error("facts.column_data",
                Quote(spec.name) + ": " + std::to_string(rows) +
                    " rows are given without one line number each",
                "", "one line number per row");
    return;
  }
  const uint32_t* lines = line_numbers != nullptr ? line_numbers->data() : nullptr;
  if (rows > kMaxRows - tb.rows ||
      (lines == nullptr &&
       rows - (rows > 0 ? 1 : 0) > std::numeric_limits<uint32_t>::max() - first_line)) {
    table_error("facts.column_data",
                Quote(spec.name) + ": " + std::to_string(rows) + " rows from line " +
                    std::to_string(first_line) + " are too many",
                "", "at most " + std::to_string(kMaxRows) + " rows in all");
    return;
  }

  // The given columns by schema index; unknown names are ignored (as in
  // CSV), but a name given twice is an error even then (DATA.md: "a column
  // named twice is malformed").
  std::vector<const ColumnInput*> given(tb.columns.size(), nullptr);
  std::vector<std::string> unknown;
  for (const ColumnInput& in : columns) {
    const int c = spec.ColumnIndex(in.name);
    const bool twice = c < 0 ? std::find(unknown.begin(), unknown.end(), in.name) != unknown.end()
                             : given[static_cast<size_t>(c)] != nullptr;
    if (twice) {
      table_error("csv.duplicate_column",
                  Quote(spec.name) + ": column " + Quote(in.name) + " is given twice", in.name,
                  "a column given once");
      continue;
    }
    if (c < 0) {
      unknown.push_back(in.name);
      continue;
    }
    given[static_cast<size_t>(c)] = &in;
    const ColumnSchema& cs = spec.columns[static_cast<size_t>(c)];
    const std::string type = CellTypeName(cs.type);
    if (!Fits(cs.type, in.form)) {
      table_error("facts.column_form",
                  Quote(spec.name) + ": column " + Quote(cs.name) + " (" + type +
                      ") cannot be given as " + FormName(in.form),
                  cs.name, WithArticle(type.c_str()) + " column as " + FormsFor(cs.type),
                  WithArticle(type.c_str()) + " column is given as " + FormsFor(cs.type));
      continue;
    }
    if (in.form == Form::kScaled && (in.scale < 0 || in.scale > 18)) {
      table_error("facts.column_data",
                  Quote(spec.name) + ": column " + Quote(cs.name) + " is given as " +
                      FormName(in.form) + " at scale " + std::to_string(in.scale) +
                      ", outside 0..18",
                  cs.name, "a scale of 0 to 18");
      continue;
    }
    const char* array = in.form == Form::kText     ? "texts"
                        : in.form == Form::kDouble ? "doubles"
                                                   : "ints";
    const bool has_array = in.form == Form::kText     ? in.texts != nullptr
                           : in.form == Form::kDouble ? in.doubles != nullptr
                                                      : in.ints != nullptr;
    if (rows > 0 && !has_array) {
      table_error("facts.column_data",
                  Quote(spec.name) + ": column " + Quote(cs.name) + " is given as " +
                      FormName(in.form) + " without its `" + array + "`",
                  cs.name, std::string("`") + array + "` for " + std::to_string(rows) + " rows");
    }
  }
  for (size_t c = 0; c < tb.columns.size(); ++c) {
    const ColumnSchema& cs = spec.columns[c];
    if (given[c] != nullptr || cs.nullable) continue;
    const std::string best = ClosestMatch(cs.name, unknown);
    const std::string what = Quote(cs.name) + " (" + CellTypeName(cs.type) + ", required)";
    table_error("csv.missing_column",
                Quote(spec.name) + " is given no column " + what, cs.name, "a column " + what,
                best.empty() ? "" : "is " + Quote(best) + " meant to be " + Quote(cs.name) + "?");
  }
  if (malformed || rows == 0) return;

  try {
    ReserveRows(tb, rows);
  } catch (const std::bad_alloc&) {
    // Only a hint: the columns grow as rows come.
  }
  const uint32_t row0 = static_cast<uint32_t>(tb.rows);
  tb.rows += rows;
  tb.NoteOrigin(row0, RowOrigin::kColumns);
  // The reserved storage is written a column at a time (no prefaulting a
  // chunk of rows ahead, which AddRow's row-at-a-time writing uses).
  tb.prefault_at = ~size_t{0};
  for (size_t i = 0; i < rows; ++i) {
    tb.lines.push_back(lines != nullptr ? lines[i] : first_line + static_cast<uint32_t>(i));
  }
  tb.bad.resize(tb.rows, 0);

  for (size_t c = 0; c < tb.columns.size(); ++c) {
    ColumnFiller filler(tb, c, row0, first_line, lines);
    if (given[c] != nullptr) {
      filler.Fill(*given[c], rows);
    } else {
      filler.FillNull(rows);
    }
  }

  // Columns that are null exactly when another column is null, judged on
  // the cells as given (a bad cell is not null), as AddRow does.
  for (const auto& [c, other] : tb.null_iff) {
    const ColumnInput* in = given[c];
    const ColumnInput* other_in = given[other];
    if (in == nullptr && other_in == nullptr) continue;
    for (size_t i = 0; i < rows; ++i) {
      const bool here = in != nullptr && Present(*in, i);
      const bool there = other_in != nullptr && Present(*other_in, i);
      if (here == there) continue;
      const std::string text = here ? InputText(*in, i) : std::string();
      const std::string other_text = there ? InputText(*other_in, i) : std::string();
      NullIff(tb, row0 + static_cast<uint32_t>(i),
              lines != nullptr ? lines[i] : first_line + static_cast<uint32_t>(i), c,
              here ? std::optional<std::string_view>(text) : std::nullopt,
              there ? std::optional<std::string_view>(other_text) : std::nullopt,
              SourceSpan{}, RowOrigin::kColumns);
    }
  }
}

}  // namespace zhucun
