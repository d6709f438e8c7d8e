#ifndef ZHUCUN_SRC_SOURCE_QUOTE_H_
#define ZHUCUN_SRC_SOURCE_QUOTE_H_

// User text inside a diagnostic message: in `backticks` (STYLE.md), cut at a
// character boundary when long and with control characters shown as `?`, so
// that a 10 MB or binary value still makes a short, printable message (the
// rendered snippet shows the text as it is).

#include <string>
#include <string_view>

namespace zhucun::internal {

std::string Quote(std::string_view s);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_SOURCE_QUOTE_H_
