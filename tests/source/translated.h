#ifndef ZHUCUN_TESTS_SOURCE_TRANSLATED_H_
#define ZHUCUN_TESTS_SOURCE_TRANSLATED_H_

// The error tests of every area hand their diagnostics to ExpectTranslated,
// so that a message the Chinese catalog (src/source/diagnostic_catalog.cc)
// does not know fails the test that made it, with the English to translate:
// a new or changed message cannot slip out in English under `--lang zh`.

#include <gtest/gtest.h>

#include "zhucun/diagnostic.h"

namespace zhucun::testing {

inline void ExpectTranslated(const Diagnostics& diagnostics) {
  for (const Diagnostic& d : diagnostics.items()) {
    EXPECT_TRUE(IsTranslated(d, "zh"))
        << "no Chinese for a diagnostic (add it to src/source/diagnostic_catalog.cc):\n  code: "
        << d.code << "\n  message: " << d.message << "\n  help: " << d.help;
  }
}

}  // namespace zhucun::testing

#endif  // ZHUCUN_TESTS_SOURCE_TRANSLATED_H_
