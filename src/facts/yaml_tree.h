#ifndef ZHUCUN_SRC_FACTS_YAML_TREE_H_
#define ZHUCUN_SRC_FACTS_YAML_TREE_H_

// The YAML machinery shared by the loaders of policy files (schemas, packs,
// rule files): the text goes through yaml-cpp's event parser, not
// YAML::Load, so that
//  - every node keeps its byte position (yaml-cpp marks are 0-based byte
//    offsets; a UTF-8 byte-order mark is skipped by yaml-cpp without being
//    counted, so its 3 bytes are added back),
//  - aliases (`*x`) are seen and rejected: a policy file does not need them
//    and they make exponential expansion ("billion laughs") possible,
//  - nesting is bounded while parsing: the handler throws as soon as a
//    collection opens deeper than the limit, so yaml-cpp's recursive descent
//    never goes deeper than that (yaml-cpp 0.7 has its own guard at 500
//    levels, reported as "bad file"; ours stops far earlier),
//  - oversized input and bytes that are not UTF-8 are rejected before
//    yaml-cpp sees them.
// The events build a small tree (YamlNode) that the loaders then check
// against their forms with YamlChecker, which reports unknown keys with a
// did-you-mean, duplicate keys and values of the wrong kind.
//
// Diagnostic codes are `<prefix>.<what>`: yaml_syntax, too_large, too_deep,
// bad_encoding, alias, unknown_key, duplicate_key, expected_map,
// expected_list, expected_scalar.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

#include "source/quote.h"

namespace zhucun::internal {

// One node of a YAML document.
struct YamlNode {
  enum class Kind : uint8_t {
    kNull,    // `~`, `null` or nothing
    kScalar,  // any other scalar
    kList,
    kMap,    // items hold key, value, key, value, ...
    kAlias,  // `*x`: already reported, skipped by the checks
  };
  Kind kind = Kind::kNull;
  // True for a scalar written without quotes or tag (so `true` is a bool and
  // `2` an integer); false for `"true"` or `!!str 2`.
  bool plain = false;
  uint32_t begin = 0;  // byte range in the file (a collection: its first byte)
  uint32_t end = 0;
  std::string value;  // kScalar
  std::vector<YamlNode> items;
};

// What kind of file is read, for codes and messages.
struct YamlFileKind {
  const char* prefix;        // "schema": codes `schema.yaml_syntax`, ...
  const char* file_noun;     // "schema file": "aliases are not allowed in a
                             // schema file"
  const char* content_noun;  // "the schema": "the schema is nested more
                             // than 64 levels deep"
  size_t max_bytes = size_t{1} << 20;
  size_t max_depth = 64;
};

// A parsed document.
struct YamlTree {
  bool parsed = false;    // false after a syntax, size or encoding error
  bool has_root = false;  // false for an empty document
  YamlNode root;
};

// Parses the one document of a file held in `sources`, adding every problem
// to *diags (aliases too, when the document was parsed). Throws only what
// allocation throws.
YamlTree ParseYamlTree(FileId file, const SourceManager& sources,
                       const YamlFileKind& kind, Diagnostics* diags);

// Reads at most max_bytes + 1 bytes of a file. On failure returns false and
// sets *why ("no such file or directory", "it is a directory"); a file over
// the limit is read (cut) and *too_large set, with *size its size if known.
bool ReadFileLimited(const std::string& path, size_t max_bytes,
                     std::string* out, std::string* why, bool* too_large,
                     uint64_t* size);

// Where a scalar node's value lies in the file text.
struct ScalarPlace {
  // Where the value's text starts: after the quote of a quoted scalar, at
  // the first content character of a block scalar, after tags and anchors.
  uint32_t value_begin = 0;
  // Just past the scalar (the closing quote, the last content line of a
  // block or multi-line scalar).
  uint32_t end = 0;
  // The value is byte for byte the file text from value_begin: a single-line
  // plain scalar, a quoted scalar without escapes or doubled quotes.
  bool exact = false;
};
ScalarPlace PlaceScalar(std::string_view text, uint32_t begin,
                        const std::string& value);

// ---------------------------------------------------------------------------
// Messages.

// Quote(s) is "`s`" (source/quote.h).
// "`a`, `b` and `c`"
std::string QuoteList(const std::vector<std::string>& words);
// "`a`, `b` or `c`"
std::string OrList(const std::vector<std::string>& words);
// "did you mean `x`?" or "".
std::string DidYouMean(std::string_view word,
                       const std::vector<std::string>& candidates);
// A scalar's value quoted, cut after 40 bytes.
std::string Shown(const YamlNode& n);
// "nothing", "`value`", "a list", "a map", "an alias".
std::string Describe(const YamlNode& n);
// [A-Za-z_][A-Za-z0-9_]*
bool IsIdentifier(std::string_view s);
// strerror-like text in lowercase.
std::string ErrnoText(int err);
// Orders diagnostics by file, then position (stable).
Diagnostics SortedByPosition(const Diagnostics& diags);

// ---------------------------------------------------------------------------
// Checking a tree.

// A map's entries by allowed key.
struct YamlFields {
  // Parallel to the allowed keys: the key and value nodes, or nullptr.
  std::vector<const YamlNode*> keys;
  std::vector<const YamlNode*> values;
  // Parallel to the allowed keys: an unknown key was taken for a typo of
  // this one (so its absence need not be reported again).
  std::vector<bool> suggested;
  // The keys that are not allowed, when they are kept (ReadFields with
  // keep_unknown).
  std::vector<const YamlNode*> unknown_keys;
  std::vector<const YamlNode*> unknown_values;

  bool has(size_t i) const { return values[i] != nullptr; }
};

class YamlChecker {
 public:
  YamlChecker(const SourceManager& sources, FileId file, std::string prefix)
      : sources_(sources), file_(file), prefix_(std::move(prefix)) {}

  Diagnostics& diagnostics() { return diags_; }
  FileId file() const { return file_; }
  std::string_view text() const { return sources_.text(file_); }

  SourceSpan Span(const YamlNode& n) const { return {file_, n.begin, n.end}; }
  void Error(std::string code, std::string message, const YamlNode& at,
             std::string help = {}) {
    diags_.Error(std::move(code), std::move(message), Span(at),
                 std::move(help));
  }
  uint32_t Line(const YamlNode& n) const {
    return sources_.Locate(file_, n.begin).line;
  }
  // `<prefix>.<suffix>`
  std::string Code(const char* suffix) const { return prefix_ + "." + suffix; }

  // Reads a map's entries. `what` names the map in messages ("a column").
  // Keys that are not allowed are reported (with a did-you-mean) unless
  // `keep_unknown`; then those that are no likely typo of an allowed key are
  // returned in unknown_keys / unknown_values instead.
  YamlFields ReadFields(const YamlNode& map,
                        const std::vector<std::string>& allowed,
                        const char* what, bool keep_unknown = false);

  // Kind checks for a value: `key` is its key (for messages and for the
  // place of an empty value), or nullptr for a list item described by
  // `what`.
  bool Expect(const YamlNode& value, YamlNode::Kind kind, const YamlNode* key,
              const char* what);

 protected:
  const SourceManager& sources_;
  FileId file_;
  std::string prefix_;
  Diagnostics diags_;
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_FACTS_YAML_TREE_H_
