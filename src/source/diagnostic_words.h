#ifndef ZHUCUN_SRC_SOURCE_DIAGNOSTIC_WORDS_H_
#define ZHUCUN_SRC_SOURCE_DIAGNOSTIC_WORDS_H_

// The diagnostics' words in Chinese (RenderDiagnostic(d, sources, "zh")).
//
// The code keeps writing its messages in English, built by concatenation;
// a catalog (diagnostic_words.cc) holds, per diagnostic code, the English
// patterns of its messages and helps with `{name}` holes and their Chinese.
// A message or help is translated by the first pattern of its code that
// matches the whole text; the holes carry the user's words (names in
// `backticks`, numbers, dates) into the Chinese unchanged. A text no
// pattern matches stays English, whole: never half translated.
//
// Hole kinds (in the English pattern; the Chinese names the hole plainly,
// `{name}`):
//   {name}         any non-empty text, carried over as it is
//   {name:phrase}  a piece of English the code builds from parts ("table
//                  `members`", "a list"): translated by the phrase entries
//                  (code "phrase"); the pattern fails when it has none
//   {name:list}    "`a`, `b` or `c`" (OrList, QuoteList): carried over with
//                  its ", ", " or " and " and " between backticked items
//                  turned into 、, 或 and 和
//   {name:n}       a number (ASCII digits), carried over
//   {name:quoted}  words quoted from a third party (the YAML parser's): a
//                  phrase entry's Chinese when there is one, else as written
//   {name:joined}  any text (places, say) with its ", " and " and " as 、
//   {name:same}    the rest of a message after a prefix ("`members` row 3:
//                  ..."): translated by the entries of the message's code

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhucun::internal {

// One entry of the catalog.
struct DiagnosticWords {
  // The diagnostic code: exact ("csv.bad_date"), `*.suffix` for every
  // prefix (`pack.yaml_syntax`, `schema.yaml_syntax`, ...), `prefix.*` for
  // every code of a prefix (tried after the others), "phrase" for a
  // piece of a message used through a {name:phrase} hole, or "alias": then
  // `en` is a code and `zh` the name of a group of entries it shares with
  // other codes (tried last).
  std::string_view code;
  std::string_view en;  // the English pattern
  std::string_view zh;  // its Chinese, with the same holes
};

// Every entry, for the tests.
const std::vector<DiagnosticWords>& AllDiagnosticWords();

// `text`, a message or help of a diagnostic with `code`, in Chinese; nullopt
// when no pattern of the code matches it. The empty text is its own
// translation.
std::optional<std::string> TranslateDiagnosticText(std::string_view code,
                                                   std::string_view text);

// The holes of a pattern (their names, without kinds), in order, for the
// tests: a translation must have the same ones.
std::vector<std::string> PatternHoles(std::string_view pattern);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_SOURCE_DIAGNOSTIC_WORDS_H_
