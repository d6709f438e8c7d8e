#ifndef ZHUCUN_CLI_WORDS_H_
#define ZHUCUN_CLI_WORDS_H_

// The command's own words in English and Chinese (`--lang en|zh`).
//
// The code writes each phrase in English, as gettext does: Tr("rule") is
// that phrase in the command's language, taken from the one table of
// translations in words.cc. A phrase with values has `{name}` holes that Tr
// fills, so that a translation may put them in its own order. A test
// (tests/cli/words_test.cc) reads every Tr("...") of cli/ and fails when
// the table lacks one or holds one nobody uses, or when a translation's
// holes differ from the English.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhucun::cli {

enum class Lang : uint8_t { kEn, kZh };

// `en` or `zh`; nullopt for anything else.
std::optional<Lang> ParseLang(std::string_view code);
// "en" or "zh" (CheckOptions::lang).
const char* LangCode(Lang lang);
// The language of a POSIX locale's variables, the first set of LC_ALL,
// LC_MESSAGES and LANG (each may be null): Chinese for `zh...`, else English.
Lang LangFromLocale(const char* lc_all, const char* lc_messages, const char* lang);

// The language of the command the calling thread runs (English unless a
// LangScope says otherwise).
Lang CurrentLang();

// Sets the calling thread's language while it lives.
class LangScope {
 public:
  explicit LangScope(Lang lang);
  ~LangScope();
  LangScope(const LangScope&) = delete;
  LangScope& operator=(const LangScope&) = delete;

 private:
  Lang saved_;
};

// `en` in the current language.
std::string Tr(std::string_view en);
// The values of a phrase's `{name}` holes.
using Values = std::vector<std::pair<std::string_view, std::string>>;
// `en` in the current language with its `{name}` holes filled.
std::string Tr(std::string_view en, const Values& values);

// The table: every English phrase with its Chinese, for the test.
const std::vector<std::pair<std::string_view, std::string_view>>& AllWords();

}  // namespace zhucun::cli

#endif  // ZHUCUN_CLI_WORDS_H_
