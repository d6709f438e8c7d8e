#ifndef ZHUCUN_TEXT_H_
#define ZHUCUN_TEXT_H_

/// \file
/// The width of UTF-8 text on a terminal, for aligned columns in
/// explanations and summaries: East Asian wide characters (CJK ideographs,
/// kana, hangul, fullwidth forms) take two cells, combining marks and
/// zero-width joiners none, a byte that is not UTF-8 one.

#include <cstddef>
#include <string>
#include <string_view>

#include "zhucun/export.h"

namespace zhucun {

/// The terminal cells `s` takes.
ZHUCUN_API size_t TextWidth(std::string_view s);

/// `s` followed by spaces up to `width` cells.
ZHUCUN_API std::string PadToWidth(std::string_view s, size_t width);

/// `s` if it fits in `width` cells, else its longest prefix that fits
/// followed by an ellipsis `…`.
ZHUCUN_API std::string CutToWidth(std::string_view s, size_t width);

}  // namespace zhucun

#endif  // ZHUCUN_TEXT_H_
