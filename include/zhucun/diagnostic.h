#ifndef ZHUCUN_DIAGNOSTIC_H_
#define ZHUCUN_DIAGNOSTIC_H_

/// \file
/// User mistakes — bad YAML, a bad expression, a bad CSV cell — are values:
/// Diagnostics collected in order and rendered with file:line:column, the
/// offending line and a caret, e.g.
///
///     rules.yaml:14:16: error[expr.unknown_field]: `member` has no field `end_dat`
///      |   when: member.end_dat == null
///      |                ^~~~~~~
///      = help: did you mean `end_date`?
///
/// The messages are written in English. Render(sources, "zh") and
/// RenderDiagnostic(d, sources, "zh") show them in Chinese, from a catalog of
/// the library's messages; the names, numbers and text they quote come over
/// as written:
///
///     rules.yaml:14:16: 错误[expr.unknown_field]：`member` 没有字段 `end_dat`
///      |   when: member.end_dat == null
///      |                ^~~~~~~
///      = 提示：是否想写 `end_date`？

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhucun/export.h"
#include "zhucun/source.h"

namespace zhucun {

/// How serious a diagnostic is.
enum class Severity : uint8_t {
  kError,    ///< the input is rejected
  kWarning,  ///< the input is accepted but probably wrong
  kNote,     ///< additional information attached to another diagnostic
};

/// For a problem with input data (a fact table's row or column): which
/// cell, its value and what was expected, for callers that show problems
/// in their own form (a data frame's row and column) rather than as text.
struct DataCell {
  /// The table (schema name, e.g. "members").
  std::string table;
  /// The row's line: in a CSV file, the physical line where its record
  /// starts (the header is line 1); for rows added programmatically, the
  /// line they were given (FactSetBuilder::AddRow: the row's ordinal,
  /// AddColumns: first_line + i). 0 for a problem of the whole table (a
  /// missing column, a column given twice).
  uint32_t line = 0;
  /// The column (schema name), or "" when the problem is with the whole row
  /// (a record with too many fields). Several columns (a unique column set)
  /// are joined with ", ".
  std::string column;
  /// The cell's value as text: a CSV or text cell as written, a typed cell
  /// (FactSetBuilder::AddColumns) as its text (a day number as YYYY-MM-DD, a
  /// number as its shortest text); "" for a null cell. Several values (a
  /// unique column set) are joined with ", ".
  std::string value;
  /// What was expected, e.g. "a real calendar date YYYY-MM-DD" or "a
  /// `member_id` not used by an earlier row (first on line 3)".
  std::string expected;
};

/// One message about the user's input.
struct Diagnostic {
  Diagnostic() = default;
  // Not an aggregate, so that the positional form Diagnostic{severity,
  // code, message, span, help} stays complete without `cell`.
  Diagnostic(Severity severity, std::string code, std::string message,
             SourceSpan span = {}, std::string help = {},
             std::optional<DataCell> cell = std::nullopt)
      : severity(severity),
        code(std::move(code)),
        message(std::move(message)),
        span(span),
        help(std::move(help)),
        cell(std::move(cell)) {}

  Severity severity = Severity::kError;
  /// Stable identifier such as "expr.undeclared" or "csv.bad_date".
  std::string code;
  /// Lowercase, no final period, user input quoted in `backticks`.
  std::string message;
  /// Where in the input; span.file == kNoFile when there is no place.
  SourceSpan span;
  /// Optional hint, e.g. "did you mean `end_date`?".
  std::string help;
  /// For a problem with input data: which cell, its value and what was
  /// expected (set by FactSetBuilder for every row-level problem, from CSV
  /// files and programmatic rows alike; not rendered).
  std::optional<DataCell> cell;
};

/// An ordered collection of diagnostics.
class ZHUCUN_API Diagnostics {
 public:
  /// Appends a diagnostic.
  void Add(Diagnostic d);
  /// Appends all diagnostics of another collection.
  void Append(const Diagnostics& other);
  /// Shorthand for adding an error.
  void Error(std::string code, std::string message, SourceSpan span,
             std::string help = {});
  /// True when at least one diagnostic has severity kError.
  bool has_errors() const;
  /// The number of diagnostics.
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  /// The diagnostics in the order they were added.
  const std::vector<Diagnostic>& items() const { return items_; }
  /// Renders every diagnostic, each followed by a newline.
  std::string Render(const SourceManager& sources) const;
  /// The same in `lang`: "zh" for Chinese (see RenderDiagnostic), anything
  /// else for English, byte for byte what Render(sources) gives.
  std::string Render(const SourceManager& sources, std::string_view lang) const;

 private:
  std::vector<Diagnostic> items_;
};

/// Renders one diagnostic: "name:line:col: error[code]: message", then the
/// source line with a caret under the span, then " = help: ..." if any.
ZHUCUN_API std::string RenderDiagnostic(const Diagnostic& d,
                                        const SourceManager& sources);

/// The same in `lang`. With "zh" the frame is Chinese ("错误[code]：",
/// " = 提示："), and the message and help are translated by the library's
/// catalog of its own messages, each as a whole: a message the catalog does
/// not know (one from a newer code path, or one an application made) stays
/// English. The code, the place and the snippet are the same in every
/// language. Any other `lang` renders English, as RenderDiagnostic(d, sources).
ZHUCUN_API std::string RenderDiagnostic(const Diagnostic& d,
                                        const SourceManager& sources,
                                        std::string_view lang);

/// `d` with its message and help in `lang` ("zh"; any other language leaves
/// them English), for callers that show diagnostics in their own form. Each
/// text the catalog does not know stays as it is.
ZHUCUN_API Diagnostic TranslateDiagnostic(const Diagnostic& d, std::string_view lang);

/// True when the catalog translates both the message and the help of `d`
/// into `lang` ("zh"); always true for "en".
ZHUCUN_API bool IsTranslated(const Diagnostic& d, std::string_view lang);

/// The candidate closest to `word` by edit distance, or "" if none is close
/// enough to be a likely typo. Used for did-you-mean hints. Distances count
/// code points inserted, deleted, replaced or swapped with a neighbour; a
/// candidate is accepted within max(1, length of word / 3) edits unless it
/// would replace the whole word; ties go to the earlier candidate.
ZHUCUN_API std::string ClosestMatch(std::string_view word,
                                    const std::vector<std::string>& candidates);

}  // namespace zhucun

#endif  // ZHUCUN_DIAGNOSTIC_H_
