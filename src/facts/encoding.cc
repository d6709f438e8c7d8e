#include "facts/encoding.h"

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

namespace zhucun::internal {
namespace {

inline bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 sequence that starts with the
// non-ASCII byte s[i] (i < n), or 0 if it is ill-formed (Unicode Table 3-7).
inline size_t SequenceLength(const unsigned char* s, size_t i, size_t n) {
  const unsigned char b0 = s[i];
  const size_t left = n - i;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return left >= 2 && IsContinuation(s[i + 1]) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3) return 0;
    const unsigned char b1 = s[i + 1];
    // E0: A0..BF (no overlong forms); ED: 80..9F (no surrogates).
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    if (b1 < lo || b1 > hi || !IsContinuation(s[i + 2])) return 0;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4) return 0;
    const unsigned char b1 = s[i + 1];
    // F0: 90..BF (no overlong forms); F4: 80..8F (nothing above U+10FFFF).
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (b1 < lo || b1 > hi || !IsContinuation(s[i + 2]) ||
        !IsContinuation(s[i + 3])) {
      return 0;
    }
    return 4;
  }
  return 0;  // a continuation byte, C0/C1 (overlong) or F5..FF
}

// Closes an iconv descriptor on every path.
class IconvHandle {
 public:
  explicit IconvHandle(iconv_t cd) : cd_(cd) {}
  ~IconvHandle() { iconv_close(cd_); }
  IconvHandle(const IconvHandle&) = delete;
  IconvHandle& operator=(const IconvHandle&) = delete;
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Converts `in` with `cd` into *out: 0, or the errno of the failure with
// *at the byte offset in `in` where it happened.
int ConvertBytes(iconv_t cd, const std::string& in, std::string* out, size_t* at) {
  // gb18030/GBK and UTF-16 need at most 1.5 bytes of UTF-8 per input byte;
  // single-byte encodings up to 3. Grow when iconv says E2BIG.
  out->resize(in.size() + in.size() / 2 + 16);
  char* in_ptr = const_cast<char*>(in.data());  // iconv's signature
  size_t in_left = in.size();
  size_t used = 0;
  bool flushing = false;
  for (;;) {
    char* out_ptr = out->data() + used;
    size_t out_left = out->size() - used;
    // After the input, one call with no input writes any shift sequence
    // that ends the output (stateful encodings).
    const size_t result =
        flushing ? iconv(cd, nullptr, nullptr, &out_ptr, &out_left)
                 : iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    used = static_cast<size_t>(out_ptr - out->data());
    if (result != static_cast<size_t>(-1)) {
      if (flushing) break;
      if (in_left == 0) flushing = true;
      continue;
    }
    const int err = errno;
    if (err == E2BIG) {
      out->resize(out->size() * 2);
      continue;
    }
    *at = in.size() - in_left;
    return err;
  }
  out->resize(used);
  return 0;
}

// Converts with `cd` into *out. False with *error set on failure.
bool Convert(iconv_t cd, const std::string& in, std::string_view encoding,
             std::string* out, std::string* error, size_t* bad_offset) {
  size_t at = 0;
  const int err = ConvertBytes(cd, in, out, &at);
  if (err == 0) return true;
  if (bad_offset != nullptr) *bad_offset = at;
  if (err == EILSEQ) {
    *error = "the file is not valid " + std::string(encoding) +
             " at byte offset " + std::to_string(at);
  } else if (err == EINVAL) {
    *error = "the file is not valid " + std::string(encoding) +
             ": it ends inside a character at byte offset " +
             std::to_string(at);
  } else {
    *error = "cannot convert the file from " + std::string(encoding) +
             ": " + std::strerror(err);
  }
  return false;
}

// An iconv name that means what it says: not "" (the locale's encoding)
// and without `/` ("x//IGNORE" drops what does not convert).
bool IsPlainEncodingName(std::string_view encoding) {
  return !encoding.empty() &&
         encoding.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  constexpr uint64_t kHighBits = 0x8080808080808080ull;
  size_t i = 0;
  while (i < n) {
    size_t block_end = n;
    if (n - i >= 16) {
      uint64_t a;
      uint64_t b;
      std::memcpy(&a, s + i, 8);
      std::memcpy(&b, s + i + 8, 8);
      if (((a | b) & kHighBits) == 0) {
        i += 16;
        continue;
      }
      block_end = i + 16;
    }
    // A block with a non-ASCII byte: bytewise to its end (a sequence may
    // run past it), then back to the fast path.
    while (i < block_end) {
      if (s[i] < 0x80) {
        ++i;
        continue;
      }
      const size_t len = SequenceLength(s, i, n);
      if (len == 0) return i;
      i += len;
    }
  }
  return std::string_view::npos;
}

bool IsUtf8EncodingName(std::string_view encoding) {
  std::string lower;
  for (char c : encoding) lower.push_back(AsciiLower(c));
  return lower == "utf-8" || lower == "utf8";
}

bool IsKnownEncoding(std::string_view encoding) {
  if (IsUtf8EncodingName(encoding)) return true;
  if (!IsPlainEncodingName(encoding)) return false;
  const std::string name(encoding);
  const iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  iconv_close(cd);
  return true;
}

bool ConvertToUtf8(std::string* bytes, std::string_view encoding,
                   std::string* error, size_t* bad_offset) {
  if (bad_offset != nullptr) *bad_offset = std::string::npos;
  if (IsUtf8EncodingName(encoding)) return true;
  if (!IsPlainEncodingName(encoding)) {
    *error = "unknown encoding `" + std::string(encoding) + "`";
    return false;
  }
  try {
    const std::string name(encoding);
    const iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      *error = "unknown encoding `" + name + "`";
      return false;
    }
    IconvHandle handle(cd);
    std::string out;
    if (!Convert(handle.get(), *bytes, encoding, &out, error, bad_offset)) {
      return false;
    }
    *bytes = std::move(out);
    return true;
  } catch (const std::bad_alloc&) {
    *error = "not enough memory to convert the file from " +
             std::string(encoding);
    return false;
  }
}

bool ConvertFromUtf8(std::string* text, std::string_view encoding, std::string* error) {
  if (IsUtf8EncodingName(encoding)) return true;
  if (!IsPlainEncodingName(encoding)) {
    *error = "unknown encoding `" + std::string(encoding) + "`";
    return false;
  }
  try {
    const std::string name(encoding);
    const iconv_t cd = iconv_open(name.c_str(), "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      *error = "unknown encoding `" + name + "`";
      return false;
    }
    IconvHandle handle(cd);
    std::string out;
    size_t at = 0;
    const int err = ConvertBytes(handle.get(), *text, &out, &at);
    if (err == 0) {
      *text = std::move(out);
      return true;
    }
    if (err == EILSEQ) {
      // The text is UTF-8, so the character at `at` has no form in
      // `encoding` (GBK has no emoji, for one).
      const size_t len = at < text->size() ? SequenceLength(
          reinterpret_cast<const unsigned char*>(text->data()), at, text->size()) : 0;
      *error = "`" + text->substr(at, len == 0 ? 1 : len) + "` at byte offset " +
               std::to_string(at) + " cannot be written in " + name;
    } else {
      *error = "cannot convert the text to " + name + ": " + std::strerror(err);
    }
    return false;
  } catch (const std::bad_alloc&) {
    *error = "not enough memory to convert the text to " + std::string(encoding);
    return false;
  }
}

}  // namespace zhucun::internal

namespace zhucun {

bool IsUtf8Encoding(std::string_view encoding) { return internal::IsUtf8EncodingName(encoding); }

bool ConvertFromUtf8(std::string* text, std::string_view encoding, std::string* error) {
  return internal::ConvertFromUtf8(text, encoding, error);
}

}  // namespace zhucun
