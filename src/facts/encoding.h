#ifndef ZHUCUN_SRC_FACTS_ENCODING_H_
#define ZHUCUN_SRC_FACTS_ENCODING_H_

// Text encodings of input files: finding the first byte that is not UTF-8,
// and converting another encoding (gb18030, GBK, UTF-16, ...) to UTF-8 with
// glibc's iconv.

#include <cstddef>
#include <string>
#include <string_view>

namespace zhucun::internal {

// The byte offset of the first byte that is not part of well-formed UTF-8
// (Unicode Table 3-7: no overlong forms, no surrogates, nothing above
// U+10FFFF), or std::string_view::npos when the whole text is well-formed.
// For an ill-formed or truncated sequence the offset is that of its lead
// byte; a stray continuation byte is itself the offset. ASCII is checked 16
// bytes at a time.
size_t FindInvalidUtf8(std::string_view text);

// True when `encoding` names UTF-8: "utf-8" or "utf8", in any case.
bool IsUtf8EncodingName(std::string_view encoding);

// Converts *bytes from `encoding` (a name iconv knows: "gb18030", "GBK",
// "UTF-16", ...) to UTF-8, in place. A UTF-8 name (IsUtf8EncodingName) is a
// no-op: the bytes are left as they are, to be checked by FindInvalidUtf8.
// Returns false with *error set and *bytes unchanged on failure:
//   "unknown encoding `xyz`" (also for "" and names with `/`, so that no
//   "//IGNORE" suffix can drop bytes silently),
//   "the file is not valid gb18030 at byte offset 1234" (offsets from 0, as
//   a hex dump shows them),
//   "the file is not valid gb18030: it ends inside a character at byte
//   offset 1234".
// When `bad_offset` is given, it receives the byte offset of the problem
// (std::string::npos for an unknown encoding).
bool ConvertToUtf8(std::string* bytes, std::string_view encoding,
                   std::string* error, size_t* bad_offset = nullptr);

// Converts UTF-8 *text to `encoding` in place (a UTF-8 name: a no-op).
// False with *error set and *text unchanged for an unknown encoding or a
// character `encoding` cannot write: "`😀` at byte offset 12 cannot be
// written in gbk".
bool ConvertFromUtf8(std::string* text, std::string_view encoding, std::string* error);

// True when iconv can convert from `encoding` to UTF-8 (always for UTF-8).
bool IsKnownEncoding(std::string_view encoding);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_ENCODING_H_
