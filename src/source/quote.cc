#include "source/quote.h"

namespace zhucun::internal {

std::string Quote(std::string_view s) {
  constexpr size_t kMaxBytes = 80;
  std::string out = "`";
  size_t n = s.size();
  bool cut = false;
  if (n > kMaxBytes) {
    n = kMaxBytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    cut = true;
  }
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
  }
  if (cut) out += "...";
  out += '`';
  return out;
}

}  // namespace zhucun::internal
