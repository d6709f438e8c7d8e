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

#include "source/diagnostic_words.h"
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

const char* SeverityName(Severity s, bool zh) {
  switch (s) {
    case Severity::kError:
      return zh ? "错误" : "error";
    case Severity::kWarning:
      return zh ? "警告" : "warning";
    case Severity::kNote:
      return zh ? "注" : "note";
  }
  return zh ? "错误" : "error";
}

bool IsChinese(std::string_view lang) { return lang == "zh"; }

// One code point of a shown line.
struct Cell {
  char32_t shown;  // what is printed
  int width;       // terminal cells (0 for a tab: it is kept as a tab)
};

// Decodes the code point at line[*pos] and advances *pos.
Cell NextCell(std::string_view line, size_t* pos) {
  char32_t cp;
  size_t len = DecodeUtf8(line, *pos, &cp);
  if (len == 0) {
    len = 1;
    cp = kReplacementChar;
  }
  *pos += len;
  if (cp == '\t') return Cell{cp, 0};
  if (cp < 0x20) return Cell{0x2400 + cp, 1};  // control pictures
  if (cp == 0x7F) return Cell{0x2421, 1};
  return Cell{cp, DisplayWidth(cp)};
}

// The number of code points in line[from, to), and the byte offset where the
// `count`-th code point after `from` starts (or `to`).
size_t CountCodePoints(std::string_view line, size_t from, size_t to) {
  size_t n = 0;
  while (from < to) {
    NextCell(line, &from);
    ++n;
  }
  return n;
}
size_t SkipCodePoints(std::string_view line, size_t from, size_t count) {
  while (count > 0 && from < line.size()) {
    NextCell(line, &from);
    --count;
  }
  return from;
}

// Appends the snippet (source line and caret line) for a span that starts at
// byte `begin` of `line` and ends at byte `end` (both within the line). Only
// the shown part of a long line is decoded twice; the rest is scanned once.
void AppendSnippet(std::string_view line, size_t begin, size_t end,
                   std::string* out) {
  // Code point indexes of the span's ends and the line's length. A span end
  // inside a code point counts that code point.
  const size_t first = CountCodePoints(line, 0, begin);
  const size_t last = first + CountCodePoints(line, begin, end);
  // The line's length in code points, or enough of it to place the window
  // (scanning a long line to its end for every diagnostic would be slow).
  size_t total = last;
  {
    const size_t enough = first + kMaxShownCodePoints + 1;
    size_t pos = end;
    while (pos < line.size() && total < enough) {
      NextCell(line, &pos);
      ++total;
    }
  }

  size_t window_begin = 0;
  size_t window_end = total;
  if (total > kMaxShownCodePoints) {
    window_begin = first > kContextBefore ? first - kContextBefore : 0;
    window_end = std::min(total, window_begin + kMaxShownCodePoints);
    if (window_end - window_begin < kMaxShownCodePoints) {
      window_begin = window_end > kMaxShownCodePoints
                         ? window_end - kMaxShownCodePoints
                         : 0;
    }
  }
  const bool cut_front = window_begin > 0;
  const bool cut_back = window_end < total;

  std::string source = " |";
  if (total > 0) source += ' ';
  if (cut_front) source += "...";
  std::string caret = " | ";
  if (cut_front) caret += "   ";
  int tildes = -1;  // the first cell of the span is drawn by '^'
  size_t pos = SkipCodePoints(line, 0, window_begin);
  for (size_t i = window_begin; i < window_end; ++i) {
    const Cell cell = NextCell(line, &pos);
    AppendUtf8(cell.shown, &source);
    if (i < first) {
      if (cell.width == 0) {
        caret += '\t';
      } else {
        caret.append(static_cast<size_t>(cell.width), ' ');
      }
    } else if (i < last) {
      tildes += cell.width == 0 ? 1 : cell.width;
    }
  }
  if (cut_back) source += "...";
  caret += '^';
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

// RenderDiagnostic with the frame in Chinese or English; the message and
// help as they are in `d`.
std::string RenderDiagnosticIn(const Diagnostic& d, const SourceManager& sources, bool zh);

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

std::string Diagnostics::Render(const SourceManager& sources, std::string_view lang) const {
  std::string out;
  for (const Diagnostic& d : items_) {
    out += RenderDiagnostic(d, sources, lang);
    out += '\n';
  }
  return out;
}

Diagnostic TranslateDiagnostic(const Diagnostic& d, std::string_view lang) {
  Diagnostic out = d;
  if (!IsChinese(lang)) return out;
  if (auto zh = internal::TranslateDiagnosticText(d.code, d.message)) out.message = std::move(*zh);
  if (auto zh = internal::TranslateDiagnosticText(d.code, d.help)) out.help = std::move(*zh);
  return out;
}

bool IsTranslated(const Diagnostic& d, std::string_view lang) {
  if (!IsChinese(lang)) return true;
  return internal::TranslateDiagnosticText(d.code, d.message).has_value() &&
         internal::TranslateDiagnosticText(d.code, d.help).has_value();
}

std::string RenderDiagnostic(const Diagnostic& d,
                             const SourceManager& sources) {
  return RenderDiagnostic(d, sources, "en");
}

std::string RenderDiagnostic(const Diagnostic& d, const SourceManager& sources,
                             std::string_view lang) {
  const bool zh = IsChinese(lang);
  if (zh) {
    const Diagnostic translated = TranslateDiagnostic(d, lang);
    return RenderDiagnosticIn(translated, sources, true);
  }
  return RenderDiagnosticIn(d, sources, false);
}

namespace {

std::string RenderDiagnosticIn(const Diagnostic& d, const SourceManager& sources, bool zh) {
  std::string out;
  const bool has_place = d.span.file != kNoFile && d.span.file < sources.size();
  const std::string_view text =
      has_place ? sources.text(d.span.file) : std::string_view();
  const uint32_t size = static_cast<uint32_t>(text.size());
  const uint32_t begin = std::min(d.span.begin, size);
  const uint32_t end = std::max(begin, std::min(d.span.end, size));
  if (has_place) {
    const LineColumn lc = sources.Locate(d.span.file, begin);
    out += sources.name(d.span.file);
    out +=
        ':' + std::to_string(lc.line) + ':' + std::to_string(lc.column) + ": ";
  }
  out += SeverityName(d.severity, zh);
  if (!d.code.empty()) out += '[' + d.code + ']';
  out += zh ? "：" : ": ";
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
    out += zh ? "\n = 提示：" : "\n = help: ";
    out += d.help;
  }
  return out;
}

}  // namespace

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
    // The length difference bounds the distance from below: skip hopeless
    // candidates before the quadratic edit distance (a 10 MB header cell
    // must not take seconds).
    const size_t length_gap = w.size() > c.size() ? w.size() - c.size()
                                                  : c.size() - w.size();
    if (length_gap > limit) continue;
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
