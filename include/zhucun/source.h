#ifndef ZHUCUN_SOURCE_H_
#define ZHUCUN_SOURCE_H_

/// \file
/// Source texts and positions. A SourceSpan is a half-open byte range in one
/// file; line and column are computed late, when a diagnostic is rendered.
/// Columns are counted in Unicode code points (1-based), so a caret lines up
/// under Chinese text in a terminal that shows each code point as one cell
/// (wide CJK glyphs are drawn two cells wide; the renderer accounts for that).

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "zhucun/export.h"

namespace zhucun {

/// Identifies one source text inside a SourceManager.
using FileId = uint32_t;
/// The FileId of a span that belongs to no file.
inline constexpr FileId kNoFile = 0xFFFFFFFFu;

/// A half-open byte range [begin, end) in one source text.
struct SourceSpan {
  FileId file = kNoFile;
  uint32_t begin = 0;
  uint32_t end = 0;
};

/// A 1-based line and column (column counted in code points).
struct LineColumn {
  uint32_t line = 0;
  uint32_t column = 0;
};

/// Owns source texts (rule files, CSV files, expression strings) so that
/// diagnostics can point into them after parsing has finished.
class ZHUCUN_API SourceManager {
 public:
  /// Adds a text under a display name (usually a path); returns its id.
  FileId Add(std::string name, std::string text);
  /// The display name of a file.
  const std::string& name(FileId id) const;
  /// The full text of a file.
  std::string_view text(FileId id) const;
  /// The number of files held.
  size_t size() const { return files_.size(); }
  /// Frees the text of a file that no diagnostic will quote (a large data
  /// file once read): its name stays; text() is empty and held() false
  /// until Restore gives it back.
  void Release(FileId id);
  /// Gives a released file its text again (the same text, read again).
  void Restore(FileId id, std::string text);
  /// Whether the file's text is held (false once released).
  bool held(FileId id) const;
  /// The line the text ends on: 1 plus its line ends ("\n", "\r\n" or a
  /// lone "\r"), as Locate(id, text length).line, counted without the
  /// index of line starts that Locate and LineText build when first asked
  /// (a clean load of a large file never needs one).
  uint32_t LastLine(FileId id) const;
  /// The same of any text (1 for an empty one).
  static uint32_t LastLineOf(std::string_view text);
  /// Line and column of a byte offset (offset may equal the text length).
  LineColumn Locate(FileId id, uint32_t offset) const;
  /// The text of the line that contains `offset`, without its line end.
  std::string_view LineText(FileId id, uint32_t offset) const;

 private:
  struct File {
    std::string name;
    std::string text;
    // The byte offset of each line start, listed on first use (LineStarts;
    // Locate may be called from several threads at once).
    mutable std::vector<uint32_t> line_starts;
    mutable std::unique_ptr<std::once_flag> indexed = std::make_unique<std::once_flag>();
    bool held = true;
  };
  static const std::vector<uint32_t>& LineStarts(const File& file);
  // A deque, so that texts never move: views into them stay valid while
  // files are added.
  std::deque<File> files_;
};

}  // namespace zhucun

#endif  // ZHUCUN_SOURCE_H_
