#include "zhucun/text.h"

#include "source/utf8.h"

namespace zhucun {

namespace {

// The cells of the code point at s[*i], advancing *i past it.
size_t NextWidth(std::string_view s, size_t* i) {
  char32_t cp = internal::kReplacementChar;
  const size_t n = internal::DecodeUtf8(s, *i, &cp);
  *i += n == 0 ? 1 : n;
  if ((cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B || cp == 0x200D) return 0;
  return static_cast<size_t>(internal::DisplayWidth(cp));
}

}  // namespace

size_t TextWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) width += NextWidth(s, &i);
  return width;
}

std::string PadToWidth(std::string_view s, size_t width) {
  std::string out(s);
  for (size_t w = TextWidth(s); w < width; ++w) out += ' ';
  return out;
}

std::string CutToWidth(std::string_view s, size_t width) {
  if (TextWidth(s) <= width) return std::string(s);
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const size_t w = NextWidth(s, &i);
    if (used + w + 1 > width) break;  // room for the ellipsis
    used += w;
    out.append(s.substr(start, i - start));
  }
  return out + "…";
}

}  // namespace zhucun
