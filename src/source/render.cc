// Diagnostics and their rendering:
//
//   name:line:col: error[code]: message
//    | the source line
//    |      ^~~~~
//    = help: ...
//
// Line and column are 1-based; the column counts code points. The caret line
// is padded with the display width of the characters before the span (2 cells
// for East Asian Wide/Fullwidth code points, tabs kept as tabs) so that it
// lines up in a terminal. Bytes that are not valid UTF-8 are shown as U+FFFD
// and control characters as their Control Pictures (U+2400 block), so the
// snippet never emits raw control bytes and every shown code point is one or
// two cells wide.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "source/utf8.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun {

namespace {

using internal::AppendUtf8;
using internal::DecodeUtf8;
using internal::DisplayWidth;
using internal::kReplacementChar;

// Longest line (in code points) shown whole; longer lines are cut to a window
// around the span, marked with "...".
constexpr size_t kMaxShownCodePoints = 120;
// Code points of context kept before the span when a line is cut.
constexpr size_t kContextBefore = 40;

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

// One code point of a shown line.
struct Cell {
  char32_t shown;   // what is printed
  int width;        // terminal cells (0 for a tab: it is kept as a tab)
  uint32_t offset;  // byte offset of the code point within the line
};

std::vector<Cell> SplitLine(std::string_view line) {
  std::vector<Cell> cells;
  size_t pos = 0;
  while (pos < line.size()) {
    char32_t cp;
    size_t len = DecodeUtf8(line, pos, &cp);
    if (len == 0) {
      len = 1;
      cp = kReplacementChar;
    }
    Cell cell{cp, 1, static_cast<uint32_t>(pos)};
    if (cp == '\t') {
      cell.width = 0;
    } else if (cp < 0x20) {
      cell.shown = 0x2400 + cp;  // control pictures: U+2400..U+241F
    } else if (cp == 0x7F) {
      cell.shown = 0x2421;
    } else {
      cell.width = DisplayWidth(cp);
    }
    cells.push_back(cell);
    pos += len;
  }
  return cells;
}

// Appends the snippet (source line and caret line) for a span that starts at
// byte `begin` of `line` and ends at byte `end` (clamped to the line).
void AppendSnippet(std::string_view line, size_t begin, size_t end,
                   std::string* out) {
  const std::vector<Cell> cells = SplitLine(line);
  // Index of the first cell at or after `begin`, and of the first at or after
  // `end`.
  const auto index_of = [&](size_t byte) {
    size_t i = 0;
    while (i < cells.size() && cells[i].offset < byte) ++i;
    return i;
  };
  const size_t first = index_of(begin);
  size_t last = std::max(index_of(end), first);

  size_t window_begin = 0;
  size_t window_end = cells.size();
  if (cells.size() > kMaxShownCodePoints) {
    window_begin = first > kContextBefore ? first - kContextBefore : 0;
    window_end = std::min(cells.size(), window_begin + kMaxShownCodePoints);
    if (window_end - window_begin < kMaxShownCodePoints) {
      window_begin = window_end > kMaxShownCodePoints
                         ? window_end - kMaxShownCodePoints
                         : 0;
    }
  }
  const bool cut_front = window_begin > 0;
  const bool cut_back = window_end < cells.size();

  std::string source = " |";
  if (!cells.empty()) source += ' ';
  if (cut_front) source += "...";
  for (size_t i = window_begin; i < window_end; ++i) {
    AppendUtf8(cells[i].shown, &source);
  }
  if (cut_back) source += "...";

  std::string caret = " | ";
  if (cut_front) caret += "   ";
  for (size_t i = window_begin; i < first && i < window_end; ++i) {
    if (cells[i].width == 0) {
      caret += '\t';
    } else {
      caret.append(static_cast<size_t>(cells[i].width), ' ');
    }
  }
  caret += '^';
  last = std::min(last, window_end);
  int tildes = -1;  // the first cell is drawn by '^'
  for (size_t i = first; i < last; ++i) {
    tildes += cells[i].width == 0 ? 1 : cells[i].width;
  }
  if (tildes > 0) caret.append(static_cast<size_t>(tildes), '~');

  *out += source;
  *out += '\n';
  *out += caret;
}

// Code points of a UTF-8 string (invalid bytes become U+FFFD).
std::u32string CodePoints(std::string_view s) {
  std::u32string result;
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t cp;
    const size_t len = DecodeUtf8(s, pos, &cp);
    result.push_back(cp);
    pos += len == 0 ? 1 : len;
  }
  return result;
}

// Edit distance counting insertions, deletions, substitutions and swaps of
// two adjacent code points (optimal string alignment), so that the common
// typo "tema" for "team" is one edit.
size_t EditDistance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1),
      cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

void Diagnostics::Add(Diagnostic d) { items_.push_back(std::move(d)); }

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void Diagnostics::Error(std::string code, std::string message, SourceSpan span,
                        std::string help) {
  Diagnostic d;
  d.severity = Severity::kError;
  d.code = std::move(code);
  d.message = std::move(message);
  d.span = span;
  d.help = std::move(help);
  items_.push_back(std::move(d));
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  });
}

std::string Diagnostics::Render(const SourceManager& sources) const {
  std::string out;
  for (const Diagnostic& d : items_) {
    out += RenderDiagnostic(d, sources);
    out += '\n';
  }
  return out;
}

std::string RenderDiagnostic(const Diagnostic& d,
                             const SourceManager& sources) {
  std::string out;
  const bool has_place =
      d.span.file != kNoFile && d.span.file < sources.size();
  const std::string_view text =
      has_place ? sources.text(d.span.file) : std::string_view();
  const uint32_t size = static_cast<uint32_t>(text.size());
  const uint32_t begin = std::min(d.span.begin, size);
  const uint32_t end = std::max(begin, std::min(d.span.end, size));
  if (has_place) {
    const LineColumn lc = sources.Locate(d.span.file, begin);
    out += sources.name(d.span.file);
    out += ':' + std::to_string(lc.line) + ':' + std::to_string(lc.column) +
           ": ";
  }
  out += SeverityName(d.severity);
  if (!d.code.empty()) out += '[' + d.code + ']';
  out += ": ";
  out += d.message;
  if (has_place) {
    const std::string_view line = sources.LineText(d.span.file, begin);
    // INVARIANT: `line` is a substring of `text`.
    const uint32_t line_begin =
        static_cast<uint32_t>(line.data() - text.data());
    const uint32_t line_end = line_begin + static_cast<uint32_t>(line.size());
    out += '\n';
    AppendSnippet(line, begin - line_begin,
                  std::min(end, line_end) - line_begin, &out);
  }
  if (!d.help.empty()) {
    out += "\n = help: ";
    out += d.help;
  }
  return out;
}

std::string ClosestMatch(std::string_view word,
                         const std::vector<std::string>& candidates) {
  const std::u32string w = CodePoints(word);
  // Accept up to a third of the word's length in edits (at least one), and
  // never a candidate that shares nothing with the word.
  const size_t limit = std::max<size_t>(1, w.size() / 3);
  const std::string* best = nullptr;
  size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    if (candidate.empty()) continue;
    const std::u32string c = CodePoints(candidate);
    const size_t distance = EditDistance(w, c);
    if (distance > limit || distance >= std::max(w.size(), c.size())) continue;
    if (best == nullptr || distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best == nullptr ? std::string() : *best;
}

}  // namespace zhucun
