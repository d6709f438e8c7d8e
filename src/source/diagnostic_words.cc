// Matching a diagnostic's English text against the catalog's patterns
// (diagnostic_words.h); the catalog itself is diagnostic_catalog.cc.

#include "source/diagnostic_words.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace zhucun::internal {
namespace {

enum class HoleKind : uint8_t {
  kNone,    // a literal piece of the pattern
  kText,    // {name}: any non-empty text
  kPhrase,  // {name:phrase}: a piece translated by the phrase entries
  kList,    // {name:list}: backticked items joined by ", ", " or ", " and "
  kNumber,  // {name:n}: ASCII digits
  kSame,    // {name:same}: translated by the entries of the text's own code
  kJoined,  // {name:joined}: any text, its ", " and " and " in Chinese
  kQuoted,  // {name:quoted}: words quoted from elsewhere: a phrase entry's
            // Chinese when there is one, else as they are
};

struct Segment {
  HoleKind kind = HoleKind::kNone;
  std::string text;  // the literal, or the hole's name
};

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// The hole starting at pattern[pos] == '{': its name and kind and the
// position after its '}', or false when the brace is literal text.
bool ReadHole(std::string_view pattern, size_t pos, Segment* hole, size_t* after) {
  size_t i = pos + 1;
  while (i < pattern.size() && IsNameChar(pattern[i])) ++i;
  if (i == pos + 1 || i >= pattern.size()) return false;
  hole->text = std::string(pattern.substr(pos + 1, i - pos - 1));
  hole->kind = HoleKind::kText;
  if (pattern[i] == ':') {
    const size_t close = pattern.find('}', i);
    if (close == std::string_view::npos) return false;
    const std::string_view kind = pattern.substr(i + 1, close - i - 1);
    if (kind == "phrase") {
      hole->kind = HoleKind::kPhrase;
    } else if (kind == "list") {
      hole->kind = HoleKind::kList;
    } else if (kind == "n") {
      hole->kind = HoleKind::kNumber;
    } else if (kind == "same") {
      hole->kind = HoleKind::kSame;
    } else if (kind == "joined") {
      hole->kind = HoleKind::kJoined;
    } else if (kind == "quoted") {
      hole->kind = HoleKind::kQuoted;
    } else {
      return false;
    }
    i = close;
  }
  if (pattern[i] != '}') return false;
  *after = i + 1;
  return true;
}

// A pattern as literal pieces and holes. "{{" is a literal "{"; a brace
// that does not open a hole ("{from: 2024-01-01}") is literal too.
std::vector<Segment> Parse(std::string_view pattern) {
  std::vector<Segment> out;
  std::string literal;
  size_t pos = 0;
  while (pos < pattern.size()) {
    if (pattern[pos] == '{') {
      if (pos + 1 < pattern.size() && pattern[pos + 1] == '{') {
        literal += '{';
        pos += 2;
        continue;
      }
      Segment hole;
      size_t after = 0;
      if (ReadHole(pattern, pos, &hole, &after)) {
        if (!literal.empty()) out.push_back(Segment{HoleKind::kNone, std::move(literal)});
        literal.clear();
        out.push_back(std::move(hole));
        pos = after;
        continue;
      }
    }
    literal += pattern[pos++];
  }
  if (!literal.empty()) out.push_back(Segment{HoleKind::kNone, std::move(literal)});
  return out;
}

// Matching steps left for the text being translated: patterns with several
// holes, phrases inside phrases, could take long on a long text that matches
// none of them; past the budget the text stays English.
constexpr int kMatchBudget = 200000;
thread_local int budget = kMatchBudget;

struct Compiled {
  const DiagnosticWords* entry;
  std::vector<Segment> en;
  std::vector<Segment> zh;
};

// The catalog compiled once, by code (wildcard entries under "*.suffix" and
// "prefix.*").
const std::unordered_map<std::string_view, std::vector<Compiled>>& ByCode() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string_view, std::vector<Compiled>>();
    for (const DiagnosticWords& w : AllDiagnosticWords()) {
      (*t)[w.code].push_back(Compiled{&w, Parse(w.en), Parse(w.zh)});
    }
    return t;
  }();
  return *table;
}

std::optional<std::string> TranslateWith(std::string_view code, std::string_view text);

// "`a`, `b` or `c`" with its joining words in Chinese; backticked text is
// left alone.
std::string ListInChinese(std::string_view list) {
  std::string out;
  bool quoted = false;
  size_t i = 0;
  auto at = [&](std::string_view word) { return list.substr(i, word.size()) == word; };
  while (i < list.size()) {
    if (list[i] == '`') {
      quoted = !quoted;
      out += list[i++];
    } else if (!quoted && at(", ")) {
      out += "、";
      i += 2;
    } else if (!quoted && at(" or ")) {
      out += " 或 ";
      i += 4;
    } else if (!quoted && at(" and ")) {
      out += " 和 ";
      i += 5;
    } else {
      out += list[i++];
    }
  }
  return out;
}

bool IsList(std::string_view s) {
  // Backticked items and the joining words only.
  bool quoted = false;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '`') {
      quoted = !quoted;
      ++i;
    } else if (quoted) {
      ++i;
    } else if (s.substr(i, 2) == ", ") {
      i += 2;
    } else if (s.substr(i, 4) == " or ") {
      i += 4;
    } else if (s.substr(i, 5) == " and ") {
      i += 5;
    } else {
      return false;
    }
  }
  return !quoted && !s.empty();
}

// The value of a hole in Chinese, or nullopt when it does not fit the kind.
std::optional<std::string> HoleValue(std::string_view code, const Segment& hole,
                                     std::string_view value, bool quoted) {
  switch (hole.kind) {
    case HoleKind::kText:
      // Between backticks, one quoted name (Quote keeps a user's backtick,
      // but then the text stays English rather than risk a wrong match).
      if (quoted && value.find('`') != std::string_view::npos) return std::nullopt;
      return std::string(value);
    case HoleKind::kNumber:
      for (char c : value) {
        if (c < '0' || c > '9') return std::nullopt;
      }
      return std::string(value);
    case HoleKind::kList:
      if (!IsList(value)) return std::nullopt;
      return ListInChinese(value);
    case HoleKind::kPhrase:
      return TranslateWith("phrase", value);
    case HoleKind::kSame:
      return TranslateWith(code, value);
    case HoleKind::kQuoted:
      if (std::optional<std::string> zh = TranslateWith("phrase", value)) return zh;
      return std::string(value);
    case HoleKind::kJoined: {
      std::string out;
      for (size_t i = 0; i < value.size();) {
        if (value.substr(i, 2) == ", ") {
          out += "、";
          i += 2;
        } else if (value.substr(i, 5) == " and ") {
          out += "、";
          i += 5;
        } else {
          out += value[i++];
        }
      }
      return out;
    }
    case HoleKind::kNone:
      break;
  }
  return std::nullopt;
}

// Matches segments [i, end) against text[pos, end); on success the holes'
// Chinese values are in `values` (by name).
bool Match(std::string_view code, const std::vector<Segment>& segs, size_t i,
           std::string_view text, size_t pos, std::map<std::string, std::string>* values) {
  if (--budget < 0) return false;
  if (i == segs.size()) return pos == text.size();
  const Segment& s = segs[i];
  if (s.kind == HoleKind::kNone) {
    if (text.substr(pos, s.text.size()) != s.text) return false;
    return Match(code, segs, i + 1, text, pos + s.text.size(), values);
  }
  // A hole: the shortest value that lets the rest match.
  const bool last = i + 1 == segs.size();
  const bool quoted = i > 0 && segs[i - 1].kind == HoleKind::kNone &&
                      segs[i - 1].text.back() == '`' && !last &&
                      segs[i + 1].kind == HoleKind::kNone && segs[i + 1].text.front() == '`';
  const std::string* next =
      !last && segs[i + 1].kind == HoleKind::kNone ? &segs[i + 1].text : nullptr;
  size_t end = last ? text.size() : pos + 1;
  while (end <= text.size()) {
    if (next != nullptr) {
      end = text.find(*next, end);
      if (end == std::string_view::npos) return false;
    }
    if (end > pos) {
      if (std::optional<std::string> v = HoleValue(code, s, text.substr(pos, end - pos), quoted)) {
        (*values)[s.text] = std::move(*v);
        if (Match(code, segs, i + 1, text, end, values)) return true;
      }
    }
    if (last) break;
    ++end;
  }
  return false;
}

// True when `s` at `pos` holds a CJK ideograph (U+4E00..U+9FFF, three bytes
// E4 B8 80 .. E9 BF BF in UTF-8).
bool IsIdeograph(std::string_view s, size_t pos) {
  if (pos + 3 > s.size()) return false;
  const auto b = static_cast<unsigned char>(s[pos]);
  return b >= 0xE4 && b <= 0xE9 && (b > 0xE4 || static_cast<unsigned char>(s[pos + 1]) >= 0xB8);
}

// Appends `piece`, with a space between a backticked name, a letter or a
// digit and a Chinese character where a hole meets the text around it
// ("规则 `a.b` 没有", "应为 true、false").
void Join(std::string_view piece, std::string* out) {
  // Outside backticks only: a user's name may begin with a Chinese character.
  const bool quoted = std::count(out->begin(), out->end(), '`') % 2 == 1;
  if (!quoted && !out->empty() && !piece.empty()) {
    // A backtick, a letter or a digit next to a Chinese character.
    const auto latin = [](char c) {
      return c == '`' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    };
    const bool latin_then_han = latin(out->back()) && IsIdeograph(piece, 0);
    const bool han_then_latin =
        latin(piece.front()) && out->size() >= 3 && IsIdeograph(*out, out->size() - 3);
    if (latin_then_han || han_then_latin) *out += ' ';
  }
  *out += piece;
}

std::string Fill(const std::vector<Segment>& zh, const std::map<std::string, std::string>& values) {
  std::string out;
  for (const Segment& s : zh) {
    if (s.kind == HoleKind::kNone) {
      Join(s.text, &out);
    } else {
      const auto it = values.find(s.text);
      if (it != values.end()) Join(it->second, &out);
    }
  }
  return out;
}

std::optional<std::string> TranslateIn(std::string_view code, const std::vector<Compiled>& entries,
                                       std::string_view text) {
  for (const Compiled& c : entries) {
    std::map<std::string, std::string> values;
    if (Match(code, c.en, 0, text, 0, &values)) return Fill(c.zh, values);
  }
  return std::nullopt;
}

std::optional<std::string> TranslateWith(std::string_view code, std::string_view text) {
  const auto& table = ByCode();
  if (auto it = table.find(code); it != table.end()) {
    if (auto zh = TranslateIn(code, it->second, text)) return zh;
  }
  // `*.suffix` entries serve every prefix, then `prefix.*` entries every
  // code of the prefix.
  if (const size_t dot = code.find('.'); dot != std::string_view::npos) {
    for (const std::string& wildcard :
         {"*" + std::string(code.substr(dot)), std::string(code.substr(0, dot + 1)) + "*"}) {
      if (auto it = table.find(wildcard); it != table.end()) {
        if (auto zh = TranslateIn(code, it->second, text)) return zh;
      }
    }
  }
  // Then the group of messages the code shares with others ("alias").
  if (auto it = table.find("alias"); it != table.end()) {
    for (const Compiled& c : it->second) {
      if (c.entry->en != code) continue;
      if (auto group = table.find(c.entry->zh); group != table.end()) {
        if (auto zh = TranslateIn(code, group->second, text)) return zh;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> TranslateDiagnosticText(std::string_view code, std::string_view text) {
  if (text.empty()) return std::string();
  budget = kMatchBudget;
  std::optional<std::string> zh = TranslateWith(code, text);
  if (budget < 0) return std::nullopt;
  return zh;
}

std::vector<std::string> PatternHoles(std::string_view pattern) {
  std::vector<std::string> out;
  for (const Segment& s : Parse(pattern)) {
    if (s.kind != HoleKind::kNone) out.push_back(s.text);
  }
  return out;
}

}  // namespace zhucun::internal
