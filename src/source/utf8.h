#ifndef ZHUCUN_SRC_SOURCE_UTF8_H_
#define ZHUCUN_SRC_SOURCE_UTF8_H_

// UTF-8 helpers shared by the source manager, the diagnostic renderer and the
// expression lexer. Nothing here allocates except AppendUtf8.

#include <cstddef>
#include <string>
#include <string_view>

namespace zhucun::internal {

// The replacement character shown for bytes that are not valid UTF-8.
inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point that starts at text[pos] (pos < text.size()).
// Returns its length in bytes (1-4) and stores it in *cp; returns 0 when the
// bytes at pos are not well-formed UTF-8 (overlong forms, surrogates, values
// above U+10FFFF, truncated or stray continuation bytes), storing
// kReplacementChar. A caller that wants to go on skips one byte.
size_t DecodeUtf8(std::string_view text, size_t pos, char32_t* cp);

// Appends the UTF-8 encoding of `cp` (which must be a Unicode scalar value;
// anything else is encoded as U+FFFD).
void AppendUtf8(char32_t cp, std::string* out);

// True when `text` is entirely well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

// True for surrogate code points U+D800..U+DFFF.
constexpr bool IsSurrogate(char32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

// The number of terminal cells a code point occupies: 2 for East Asian Wide
// and Fullwidth code points (CJK ideographs, kana, hangul, fullwidth forms,
// most emoji), 1 for everything else. Tabs are handled by the caller.
int DisplayWidth(char32_t cp);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_SOURCE_UTF8_H_
