// YAML documents as position-keeping trees (src/facts/yaml_tree.h).

#include "facts/yaml_tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "source/utf8.h"

namespace zhucun::internal {

namespace {

// Thrown by the tree builder through yaml-cpp to stop at the depth limit.
struct TooDeep {
  uint32_t pos;
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The end of the line that holds `pos`, without a comment or trailing
// blanks, and at least pos + 1.
size_t LineContentEnd(std::string_view text, size_t pos) {
  const size_t n = text.size();
  size_t end = pos;
  while (end < n && text[end] != '\n' && text[end] != '\r') {
    if (text[end] == '#' && end > pos && IsBlank(text[end - 1])) break;
    ++end;
  }
  while (end > pos + 1 && IsBlank(text[end - 1])) --end;
  return std::min(std::max(end, pos + 1), n);
}

// Matches a scalar's value against the file text from `from`, where the
// text may differ by line folding (a line break read as a space), line
// breaks and indentation. Returns the offset just past the last character
// of the value, or npos if the text does not match.
size_t MatchFolded(std::string_view text, size_t from, std::string_view value) {
  const size_t n = text.size();
  size_t i = 0;
  size_t j = from;
  size_t last = from;
  while (i < value.size()) {
    const char v = value[i];
    if (j < n && text[j] == v) {
      ++i;
      ++j;
      if (v != ' ' && v != '\n') last = j;
      continue;
    }
    if (v == ' ' || v == '\n') {
      if (j < n && IsSpace(text[j])) {
        while (j < n && IsSpace(text[j])) ++j;
        while (i < value.size() && (value[i] == ' ' || value[i] == '\n')) ++i;
      } else {
        ++i;  // e.g. the final line break of a block scalar
      }
      continue;
    }
    if (j < n && IsSpace(text[j])) {  // indentation or a line break
      ++j;
      continue;
    }
    return std::string_view::npos;
  }
  return last;
}

// Builds a YamlNode tree from yaml-cpp's events.
// Whether the quoted scalar that starts at `begin` (its quote) has its
// closing quote: yaml-cpp reads a double-quoted text left open to the end of
// the file as the text, so a clerk's missing `"` would swallow every rule
// below it without a word.
bool QuoteClosed(std::string_view text, uint32_t begin) {
  const char q = text[begin];
  for (size_t k = begin + 1; k < text.size(); ++k) {
    if (q == '"' && text[k] == '\\') {
      ++k;
    } else if (text[k] == q) {
      if (q == '\'' && k + 1 < text.size() && text[k + 1] == '\'') {
        ++k;
      } else {
        return true;
      }
    }
  }
  return false;
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, uint32_t offset, size_t max_depth)
      : text_(text), offset_(offset), max_depth_(max_depth) {}

  bool has_root() const { return has_root_; }
  YamlNode& root() { return root_; }
  // The aliases met.
  const std::vector<YamlNode>& aliases() const { return aliases_; }
  // The first quoted scalar whose quote is never closed (QuoteClosed).
  const std::optional<uint32_t>& unclosed() const { return unclosed_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    YamlNode n;
    n.kind = YamlNode::Kind::kNull;
    n.begin = n.end = Pos(mark);
    Add(std::move(n));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    YamlNode n;
    n.kind = YamlNode::Kind::kAlias;
    n.begin = Pos(mark);
    n.end = AliasEnd(n.begin);
    aliases_.push_back(n);
    Add(std::move(n));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                const std::string& value) override {
    YamlNode n;
    n.kind = YamlNode::Kind::kScalar;
    n.plain = tag == "?";
    n.begin = Pos(mark);
    if (!n.plain && !unclosed_ && n.begin < text_.size() &&
        (text_[n.begin] == '"' || text_[n.begin] == '\'') && !QuoteClosed(text_, n.begin)) {
      unclosed_ = n.begin;
    }
    n.end = PlaceScalar(text_, n.begin, value).end;
    n.value = value;
    Add(std::move(n));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&,
                       YAML::anchor_t, YAML::EmitterStyle::value) override {
    Open(YamlNode::Kind::kList, mark);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Open(YamlNode::Kind::kMap, mark);
  }
  void OnMapEnd() override { Close(); }

 private:
  uint32_t Pos(const YAML::Mark& mark) const {
    if (mark.pos < 0) return 0;
    const size_t pos = static_cast<size_t>(mark.pos) + offset_;
    return static_cast<uint32_t>(std::min(pos, text_.size()));
  }

  // An alias is `*` followed by anchor characters (anything up to a blank or
  // a flow indicator).
  uint32_t AliasEnd(uint32_t begin) const {
    size_t end = begin + 1;
    while (end < text_.size()) {
      const char c = text_[end];
      if (IsSpace(c) || c == ',' || c == '[' || c == ']' || c == '{' ||
          c == '}') {
        break;
      }
      ++end;
    }
    return static_cast<uint32_t>(std::min(end, text_.size()));
  }

  void Open(YamlNode::Kind kind, const YAML::Mark& mark) {
    const uint32_t pos = Pos(mark);
    if (stack_.size() >= max_depth_) throw TooDeep{pos};
    YamlNode n;
    n.kind = kind;
    n.begin = pos;
    n.end = static_cast<uint32_t>(std::min<size_t>(pos + 1, text_.size()));
    stack_.push_back(std::move(n));
  }

  void Close() {
    if (stack_.empty()) return;
    YamlNode n = std::move(stack_.back());
    stack_.pop_back();
    Add(std::move(n));
  }

  void Add(YamlNode n) {
    if (!stack_.empty()) {
      stack_.back().items.push_back(std::move(n));
    } else if (!has_root_) {
      root_ = std::move(n);
      has_root_ = true;
    }
  }

  std::string_view text_;
  uint32_t offset_;
  size_t max_depth_;
  std::vector<YamlNode> stack_;
  YamlNode root_;
  bool has_root_ = false;
  std::vector<YamlNode> aliases_;
  std::optional<uint32_t> unclosed_;
};

// Stops at the first event of a document: used to find a second document.
class FirstEvent : public YAML::EventHandler {
 public:
  struct Found {
    YAML::Mark mark;
  };
  void OnDocumentStart(const YAML::Mark& mark) override { throw Found{mark}; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

bool StartsWithBom(std::string_view text) {
  return text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF";
}

// Rejects what yaml-cpp must not see: oversized input, bytes that are not
// UTF-8 (yaml-cpp would count positions differently, or guess UTF-16) and
// NUL bytes. Returns false after adding an error.
bool Precheck(std::string_view text, FileId file, const YamlFileKind& kind,
              Diagnostics* diags) {
  const std::string prefix = kind.prefix;
  if (text.size() > kind.max_bytes) {
    diags->Error(prefix + ".too_large",
                 std::string("the ") + kind.file_noun + " has " +
                     std::to_string(text.size()) +
                     " bytes, more than the limit of " +
                     std::to_string(kind.max_bytes),
                 SourceSpan{file, 0, 0});
    return false;
  }
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t cp;
    const size_t len = DecodeUtf8(text, pos, &cp);
    if (len == 0 || cp == 0) {
      const uint32_t at = static_cast<uint32_t>(pos);
      if (len == 0) {
        static const char kDigits[] = "0123456789abcdef";
        const auto byte = static_cast<unsigned char>(text[pos]);
        const char hex[] = {'0', 'x', kDigits[byte >> 4], kDigits[byte & 15],
                            '\0'};
        diags->Error(prefix + ".bad_encoding",
                     std::string("the ") + kind.file_noun +
                         " is not valid utf-8: byte " + hex,
                     SourceSpan{file, at, at + 1}, "save the file as UTF-8");
      } else {
        diags->Error(prefix + ".bad_encoding",
                     std::string("the ") + kind.file_noun + " holds a nul byte",
                     SourceSpan{file, at, at + 1});
      }
      return false;
    }
    pos += len;
  }
  return true;
}

std::string YamlMessage(std::string msg) {
  while (!msg.empty() && (msg.back() == '.' || msg.back() == ' ')) {
    msg.pop_back();
  }
  if (msg.empty()) msg = "syntax error";
  // Messages that end with the offending text: quote it.
  for (const char* prefix :
       {YAML::ErrorMsg::INVALID_ESCAPE, YAML::ErrorMsg::INVALID_UNICODE,
        YAML::ErrorMsg::YAML_VERSION}) {
    const std::string_view p(prefix);
    if (msg.size() > p.size() && msg.compare(0, p.size(), p) == 0 &&
        msg.back() != '`') {
      const std::string rest = msg.substr(p.size());
      msg.resize(p.size());
      while (!msg.empty() && msg.back() == ' ') msg.pop_back();
      msg += " " + Quote(rest);
      break;
    }
  }
  return "invalid yaml: " + msg;
}

}  // namespace

// A YAML mistake in a clerk's words: what yaml-cpp reports ("end of map not
// found") is where the parser gave up, often lines after the slip. These
// are the common slips, looked for from the top of the file down to the
// line where it gave up.
struct PlainMistake {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string message;
  std::string help;
};

// The first key of a line (`  - name: x` -> `name`), or "".
std::string_view LineKey(std::string_view line) {
  size_t i = line.find_first_not_of(' ');
  if (i == std::string_view::npos) return {};
  if (line.compare(i, 2, "- ") == 0) i = line.find_first_not_of(' ', i + 2);
  if (i == std::string_view::npos) return {};
  size_t j = i;
  while (j < line.size() && (std::isalnum(static_cast<unsigned char>(line[j])) ||
                             line[j] == '_' || line[j] == '.' || line[j] == '-')) {
    ++j;
  }
  return line.substr(i, j - i);
}

std::optional<PlainMistake> FindPlainMistake(std::string_view text, uint32_t error_at) {
  const std::string_view kFullColon = "\xEF\xBC\x9A";  // ：
  const std::string_view kFullSpace = "\xE3\x80\x80";  // the ideographic space
  uint32_t start = 0;
  std::string_view prev;  // the last line with content
  uint32_t prev_start = 0;
  bool in_block = false;  // inside a `|` or `>` block scalar
  size_t block_indent = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = line.find_first_not_of(" \t");
    const bool blank = first == std::string_view::npos || line[first] == '#';
    const size_t indent = line.find_first_not_of(' ');
    if (in_block && !blank && indent != std::string_view::npos && indent <= block_indent) {
      in_block = false;
    }
    if (!blank && !in_block) {
      const auto at = [&](size_t col, size_t len) {
        return std::pair<uint32_t, uint32_t>{static_cast<uint32_t>(start + col),
                                             static_cast<uint32_t>(start + col + len)};
      };
      // A tab, or a full-width space, in the indentation.
      const size_t lead = line.find_first_not_of(" \t");
      if (const size_t tab = line.substr(0, lead).find('\t'); tab != std::string_view::npos) {
        const auto [b, e] = at(tab, 1);
        return PlainMistake{b, e, "this line is indented with a tab; YAML indents with spaces only",
                            "replace the tab with spaces, lined up with the keys above"};
      }
      if (line.compare(lead, kFullSpace.size(), kFullSpace) == 0) {
        const auto [b, e] = at(lead, kFullSpace.size());
        return PlainMistake{b, e,
                            "this line is indented with a full-width space (全角空格); YAML "
                            "indents with ASCII spaces only",
                            "switch the keyboard to half-width and indent with spaces"};
      }
      // A key followed by a full-width colon.
      const std::string_view key = LineKey(line);
      const size_t after = key.empty() ? std::string_view::npos
                                       : line.find_first_not_of(' ', (key.data() - line.data()) +
                                                                         key.size());
      if (after != std::string_view::npos && line.compare(after, kFullColon.size(), kFullColon) == 0) {
        const auto [b, e] = at(after, kFullColon.size());
        return PlainMistake{
            b, e,
            "`：` after " + Quote(key) + " is a full-width colon (全角冒号); YAML needs the "
                "ASCII colon `:`",
            "switch the keyboard to half-width punctuation and write " + Quote(std::string(key) +
                ": ...") + ", with a space after the colon"};
      }
      // A quoted value that is not closed on its line.
      const size_t colon = key.empty() ? std::string_view::npos
                                       : line.find(':', (key.data() - line.data()) + key.size());
      if (colon != std::string_view::npos) {
        const size_t v = line.find_first_not_of(' ', colon + 1);
        if (v != std::string_view::npos && (line[v] == '"' || line[v] == '\'')) {
          const char q = line[v];
          bool closed = false;
          for (size_t k = v + 1; k < line.size(); ++k) {
            if (q == '"' && line[k] == '\\') {
              ++k;
              continue;
            }
            if (line[k] == q) {
              if (q == '\'' && k + 1 < line.size() && line[k + 1] == '\'') {
                ++k;
                continue;
              }
              closed = true;
              break;
            }
          }
          if (!closed && start + line.size() < error_at) {
            const auto [b, e] = at(v, 1);
            return PlainMistake{b, e,
                                std::string("the quote `") + q + "` that starts the value of " +
                                    Quote(key) + " is not closed on its line",
                                std::string("end the text with `") + q +
                                    "`; a text of several lines is written after `>-` (or `|` "
                                    "to keep its line breaks), without quotes"};
          }
        }
        // A block scalar starts: its lines are text, not YAML.
        const std::string_view rest = line.substr(colon + 1);
        const size_t r = rest.find_first_not_of(' ');
        if (r != std::string_view::npos && (rest[r] == '|' || rest[r] == '>')) {
          in_block = true;
          block_indent = indent;
        }
      }
      // A line indented deeper than the keys of the line above, which opens
      // nothing (the line where the parser gave up).
      if (start <= error_at && error_at <= start + line.size() && !prev.empty()) {
        const size_t prev_indent = prev.find_first_not_of(' ');
        size_t prev_keys = prev_indent;
        if (prev.compare(prev_indent, 2, "- ") == 0) prev_keys = prev.find_first_not_of(' ', prev_indent + 2);
        std::string_view p = prev;
        while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
        const bool opens = !p.empty() && (p.back() == ':' || p.back() == '|' || p.back() == '>' ||
                                          p.ends_with("|-") || p.ends_with(">-") ||
                                          p.back() == '[' || p.back() == '{' || p.back() == ',');
        if (indent != std::string_view::npos && indent > prev_keys && !opens &&
            line.compare(indent, 2, "- ") != 0) {
          const auto [b, e] = at(0, indent);
          return PlainMistake{
              b, e,
              "this line is indented by " + std::to_string(indent) +
                  " spaces, more than the key above it (" + std::to_string(prev_keys) +
                  ") which opens nothing",
              "line the keys of one map up under each other (line " +
                  std::to_string(std::count(text.begin(), text.begin() + prev_start, '\n') + 1) +
                  " starts its key at column " + std::to_string(prev_keys + 1) + ")"};
        }
      }
      prev = line;
      prev_start = start;
    }
    if (nl >= text.size()) break;
    start = static_cast<uint32_t>(nl + 1);
    if (start > error_at) break;  // past the line where the parser gave up
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Parsing.

YamlTree ParseYamlTree(FileId file, const SourceManager& sources,
                       const YamlFileKind& kind, Diagnostics* diags) {
  YamlTree tree;
  const std::string_view text = sources.text(file);
  if (!Precheck(text, file, kind, diags)) return tree;
  const std::string prefix = kind.prefix;

  const uint32_t offset = StartsWithBom(text) ? 3 : 0;
  const auto at = [&](const YAML::Mark& mark) {
    if (mark.is_null() || mark.pos < 0) return SourceSpan{file, 0, 0};
    const uint32_t size = static_cast<uint32_t>(text.size());
    const uint32_t begin =
        std::min<uint32_t>(static_cast<uint32_t>(mark.pos) + offset, size);
    return SourceSpan{file, begin, std::min<uint32_t>(begin + 1, size)};
  };

  // yaml-cpp reads from a stream; it copies the text into its own buffer.
  std::istringstream in{std::string(text)};
  TreeBuilder builder(text, offset, kind.max_depth);
  bool parsed = false;
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(builder);
    parsed = true;
    FirstEvent first;
    try {
      parser.HandleNextDocument(first);
    } catch (const FirstEvent::Found& found) {
      diags->Error(prefix + ".yaml_syntax",
                   std::string("invalid yaml: a ") + kind.file_noun +
                       " holds one document, found a second one",
                   at(found.mark), "remove the `---` line and what follows");
    }
  } catch (const TooDeep& deep) {
    const uint32_t size = static_cast<uint32_t>(text.size());
    diags->Error(prefix + ".too_deep",
                 std::string(kind.content_noun) + " is nested more than " +
                     std::to_string(kind.max_depth) + " levels deep",
                 SourceSpan{file, deep.pos, std::min(deep.pos + 1, size)});
  } catch (const YAML::DeepRecursion& e) {
    diags->Error(prefix + ".too_deep",
                 std::string(kind.content_noun) + " is nested too deeply",
                 at(e.mark));
  } catch (const YAML::Exception& e) {
    // A syntax error in a second document is still a syntax error. Said in
    // plain words where the slip is a common one, at the slip.
    const SourceSpan where = at(e.mark);
    if (std::optional<PlainMistake> m = FindPlainMistake(text, where.begin)) {
      std::string parser = YamlMessage(e.msg).substr(std::string("invalid yaml: ").size());
      diags->Error(prefix + ".yaml_syntax", "invalid yaml: " + m->message,
                   SourceSpan{file, m->begin, m->end},
                   m->help + " (the YAML parser stopped at line " +
                       std::to_string(sources.Locate(file, where.begin).line) + ": " + parser +
                       ")");
    } else {
      diags->Error(prefix + ".yaml_syntax", YamlMessage(e.msg), where);
    }
  }
  if (!parsed) return tree;

  if (const std::optional<uint32_t> open = builder.unclosed()) {
    const uint32_t line = sources.Locate(file, *open).line;
    diags->Error(prefix + ".yaml_syntax",
                 std::string("invalid yaml: the quote `") + text[*open] + "` on line " +
                     std::to_string(line) + " is never closed, so the rest of the file is read "
                     "as its text",
                 SourceSpan{file, *open, *open + 1},
                 std::string("end the text with `") + text[*open] +
                     "`; a text of several lines is written after `>-` (or `|` to keep its "
                     "line breaks), without quotes");
    return tree;
  }
  for (const YamlNode& alias : builder.aliases()) {
    diags->Error(prefix + ".alias",
                 std::string("aliases are not allowed in a ") + kind.file_noun,
                 SourceSpan{file, alias.begin, alias.end},
                 "write the value out in full");
  }
  tree.parsed = true;
  tree.has_root = builder.has_root();
  if (tree.has_root) tree.root = std::move(builder.root());
  return tree;
}

bool ReadFileLimited(const std::string& path, size_t max_bytes,
                     std::string* out, std::string* why, bool* too_large,
                     uint64_t* size) {
  *too_large = false;
  *size = 0;
  std::error_code ec;
  const std::filesystem::path p(path);
  if (std::filesystem::is_directory(p, ec)) {
    *why = "it is a directory";
    return false;
  }
  const auto file_size = std::filesystem::file_size(p, ec);
  if (!ec) *size = file_size;
  if (!ec && file_size > max_bytes) {
    *too_large = true;
    return true;
  }
  errno = 0;
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    *why = ErrnoText(errno != 0 ? errno : ENOENT);
    return false;
  }
  // Read at most one byte past the limit (the file may have grown), a
  // block at a time: the string holds what the file has, not the limit.
  out->clear();
  if (!ec) out->reserve(static_cast<size_t>(std::min<uint64_t>(file_size, max_bytes)) + 1);
  char block[1 << 16];
  while (out->size() <= max_bytes) {
    const size_t want = std::min(sizeof block, max_bytes + 1 - out->size());
    in.read(block, static_cast<std::streamsize>(want));
    const auto got = static_cast<size_t>(in.gcount());
    out->append(block, got);
    if (got < want) break;  // the end of the file (or an error, below)
  }
  if (in.bad()) {
    *why = ErrnoText(errno != 0 ? errno : EIO);
    return false;
  }
  return true;
}

ScalarPlace PlaceScalar(std::string_view text, uint32_t begin,
                        const std::string& value) {
  const size_t n = text.size();
  ScalarPlace place;
  const auto u32 = [](size_t x) { return static_cast<uint32_t>(x); };
  if (begin >= n) {
    place.value_begin = place.end = u32(n);
    return place;
  }
  // Node properties: tags `!x` and anchors `&x`, each followed by blanks.
  size_t s = begin;
  size_t properties_end = begin;
  while (s < n && (text[s] == '!' || text[s] == '&')) {
    while (s < n && !IsSpace(text[s]) && text[s] != ',' && text[s] != ']' &&
           text[s] != '}') {
      ++s;
    }
    properties_end = s;
    while (s < n && IsSpace(text[s])) ++s;
  }
  place.value_begin = u32(begin);
  place.end = u32(LineContentEnd(text, begin));
  if (s >= n) {
    place.value_begin = place.end = u32(properties_end);
    return place;
  }

  const char first = text[s];
  if (first == '"' || first == '\'') {
    size_t i = s + 1;
    size_t close = n;
    while (i < n) {
      if (first == '"' && text[i] == '\\') {
        i += 2;
      } else if (text[i] == first) {
        if (first == '\'' && i + 1 < n && text[i + 1] == '\'') {
          i += 2;
          continue;
        }
        close = i;
        break;
      } else {
        ++i;
      }
    }
    close = std::min(close, n);
    const std::string_view raw = text.substr(s + 1, close - (s + 1));
    place.value_begin = u32(s + 1);
    place.end = u32(std::min(close + 1, n));
    place.exact = raw == value &&
                  (first == '\'' || raw.find('\\') == std::string_view::npos);
    return place;
  }

  if (first == '|' || first == '>') {
    size_t header_end = s + 1;
    while (header_end < n && !IsSpace(text[header_end])) ++header_end;
    if (value.empty()) {
      place.value_begin = place.end = u32(header_end);
      return place;
    }
    size_t content = header_end;
    while (content < n && text[content] != '\n') ++content;
    if (content < n) ++content;
    const size_t end = MatchFolded(text, content, value);
    if (end != std::string_view::npos && end > content) {
      size_t value_begin = content;
      while (value_begin < end && IsSpace(text[value_begin])) ++value_begin;
      place.value_begin = u32(value_begin);
      place.end = u32(end);
    } else {
      place.value_begin = u32(s);
    }
    return place;
  }

  // A plain scalar (or nothing after the properties).
  if (value.empty()) {
    place.value_begin = place.end = u32(properties_end);
    return place;
  }
  place.value_begin = u32(s);
  if (text.substr(s, value.size()) == value) {
    place.end = u32(s + value.size());
    place.exact = true;
    return place;
  }
  const size_t end = MatchFolded(text, s, value);
  if (end != std::string_view::npos && end > s) place.end = u32(end);
  return place;
}

// ---------------------------------------------------------------------------
// Messages.


std::string OrList(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += Quote(words[i]);
  }
  return out;
}

std::string QuoteList(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += Quote(words[i]);
  }
  return out;
}

std::string DidYouMean(std::string_view word,
                       const std::vector<std::string>& candidates) {
  std::string match = ClosestMatch(word, candidates);
  if (match.empty()) return {};
  return "did you mean " + Quote(match) + "?";
}

std::string Shown(const YamlNode& n) {
  constexpr size_t kMaxShown = 40;
  if (n.value.size() <= kMaxShown) return Quote(n.value);
  size_t cut = kMaxShown;
  while (cut > 0 && (static_cast<unsigned char>(n.value[cut]) & 0xC0) == 0x80) {
    --cut;  // not inside a UTF-8 sequence
  }
  return Quote(n.value.substr(0, cut) + "...");
}

std::string Describe(const YamlNode& n) {
  switch (n.kind) {
    case YamlNode::Kind::kNull:
      return "nothing";
    case YamlNode::Kind::kScalar:
      return Shown(n);
    case YamlNode::Kind::kList:
      return "a list";
    case YamlNode::Kind::kMap:
      return "a map";
    case YamlNode::Kind::kAlias:
      return "an alias";
  }
  return "nothing";
}

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  if (s[0] >= '0' && s[0] <= '9') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
  });
}

std::string ErrnoText(int err) {
  std::string s = std::generic_category().message(err);
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

Diagnostics SortedByPosition(const Diagnostics& diags) {
  std::vector<Diagnostic> items = diags.items();
  std::stable_sort(items.begin(), items.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.span.file != b.span.file) {
                       return a.span.file < b.span.file;
                     }
                     return a.span.begin < b.span.begin;
                   });
  Diagnostics sorted;
  for (Diagnostic& d : items) sorted.Add(std::move(d));
  return sorted;
}

// ---------------------------------------------------------------------------
// Checking.

YamlFields YamlChecker::ReadFields(const YamlNode& map,
                                   const std::vector<std::string>& allowed,
                                   const char* what, bool keep_unknown) {
  YamlFields f;
  f.keys.assign(allowed.size(), nullptr);
  f.values.assign(allowed.size(), nullptr);
  f.suggested.assign(allowed.size(), false);
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    const YamlNode& key = map.items[i];
    const YamlNode& value = map.items[i + 1];
    if (key.kind == YamlNode::Kind::kAlias) continue;
    if (key.kind != YamlNode::Kind::kScalar) {
      Error(Code("expected_scalar"),
            "expected a name for a key, found " + Describe(key), key);
      continue;
    }
    const auto it = std::find(allowed.begin(), allowed.end(), key.value);
    if (it == allowed.end()) {
      const std::string match = ClosestMatch(key.value, allowed);
      if (keep_unknown && match.empty()) {
        f.unknown_keys.push_back(&key);
        f.unknown_values.push_back(&value);
        continue;
      }
      std::string help;
      if (!match.empty()) {
        help = "did you mean " + Quote(match) + "?";
        f.suggested[static_cast<size_t>(
            std::find(allowed.begin(), allowed.end(), match) -
            allowed.begin())] = true;
      } else {
        help = std::string(what) +
               (allowed.size() == 1 ? " has the key " : " has the keys ") +
               QuoteList(allowed);
      }
      Error(Code("unknown_key"), "unknown key " + Shown(key) + " in " + what,
            key, std::move(help));
      continue;
    }
    const size_t index = static_cast<size_t>(it - allowed.begin());
    if (f.keys[index] != nullptr) {
      Error(Code("duplicate_key"), "duplicate key " + Quote(key.value), key,
            "the key is first given on line " +
                std::to_string(Line(*f.keys[index])));
      continue;
    }
    f.keys[index] = &key;
    f.values[index] = &value;
  }
  return f;
}

bool YamlChecker::Expect(const YamlNode& value, YamlNode::Kind kind,
                         const YamlNode* key, const char* what) {
  if (value.kind == kind) return true;
  if (value.kind == YamlNode::Kind::kAlias) return false;
  const char* code = "expected_scalar";
  const char* expected = "a scalar";
  if (kind == YamlNode::Kind::kMap) {
    code = "expected_map";
    expected = "a map";
  } else if (kind == YamlNode::Kind::kList) {
    code = "expected_list";
    expected = "a list";
  }
  const std::string subject = key != nullptr ? Quote(key->value) : what;
  // An empty value has no place of its own: point at its key.
  const YamlNode& at =
      value.kind == YamlNode::Kind::kNull && key != nullptr ? *key : value;
  Error(Code(code),
        std::string("expected ") + expected + " for " + subject + ", found " +
            Describe(value),
        at);
  return false;
}

}  // namespace zhucun::internal
