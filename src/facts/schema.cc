// Table schemas from YAML (include/zhucun/schema.h).
//
// The text goes through yaml-cpp's event parser, not YAML::Load, so that
//  - every node keeps its byte position (yaml-cpp marks are 0-based byte
//    offsets, line and byte column; a UTF-8 byte-order mark is skipped by
//    yaml-cpp without being counted, so its 3 bytes are added back),
//  - aliases (`*x`) are seen and rejected: a policy file does not need them
//    and they make exponential expansion ("billion laughs") possible,
//  - nesting is bounded while parsing: the handler throws as soon as a
//    collection opens deeper than kMaxDepth, so yaml-cpp's recursive descent
//    never goes deeper than that. (yaml-cpp 0.7 has its own guard at 500
//    levels, reported as "bad file"; ours stops far earlier.)
// The events build a small tree (YamlNode) which is then checked against the
// schema form. Every problem is collected; diagnostics are ordered by
// position at the end, so errors found in the cross-table pass (references)
// appear where they belong in the file.

#include "zhucun/schema.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "source/utf8.h"
#include "zhucun/diagnostic.h"

namespace zhucun {

namespace {

// Schema files larger than this are rejected before parsing.
constexpr size_t kMaxSchemaBytes = size_t{1} << 20;  // 1 MiB
// Collections nested deeper than this are rejected while parsing. A schema
// needs 6 levels (tables > table > columns > column > codes).
constexpr size_t kMaxDepth = 64;
// The largest decimal scale: 10^18 still fits in int64.
constexpr int kMaxScale = 18;

constexpr CellType kCellTypes[] = {
    CellType::kId,   CellType::kText, CellType::kCode,    CellType::kDate,
    CellType::kMonth, CellType::kInt, CellType::kDecimal, CellType::kBool,
};

// ---------------------------------------------------------------------------
// The YAML tree.

struct YamlNode {
  enum class Kind : uint8_t {
    kNull,    // `~`, `null` or nothing
    kScalar,  // any other scalar
    kList,
    kMap,     // items hold key, value, key, value, ...
    kAlias,   // `*x`: already reported, skipped by the checks
  };
  Kind kind = Kind::kNull;
  // True for a scalar written without quotes or tag (so `true` is a bool and
  // `2` an integer); false for `"true"` or `!!str 2`.
  bool plain = false;
  uint32_t begin = 0;  // byte range in the file
  uint32_t end = 0;
  std::string value;  // kScalar
  std::vector<YamlNode> items;
};

// Thrown by the tree builder through yaml-cpp to stop at kMaxDepth.
struct TooDeep {
  uint32_t pos;
};

// The byte offset just past a scalar that starts at `begin`.
uint32_t ScalarEnd(std::string_view text, uint32_t begin,
                   const std::string& value) {
  const size_t n = text.size();
  if (begin >= n) return static_cast<uint32_t>(n);
  const char first = text[begin];
  size_t i = begin + 1;
  if (first == '"') {
    while (i < n) {
      if (text[i] == '\\') {
        i += 2;
      } else if (text[i] == '"') {
        return static_cast<uint32_t>(i + 1);
      } else {
        ++i;
      }
    }
    return static_cast<uint32_t>(n);
  }
  if (first == '\'') {
    while (i < n) {
      if (text[i] == '\'') {
        if (i + 1 < n && text[i + 1] == '\'') {
          i += 2;
          continue;
        }
        return static_cast<uint32_t>(i + 1);
      }
      ++i;
    }
    return static_cast<uint32_t>(n);
  }
  if (!value.empty() && text.substr(begin, value.size()) == value) {
    return static_cast<uint32_t>(begin + value.size());
  }
  // A folded plain scalar, a block scalar or a tagged one: up to the end of
  // the line, without a comment or trailing blanks.
  size_t end = begin;
  while (end < n && text[end] != '\n' && text[end] != '\r') {
    if (text[end] == '#' && end > begin &&
        (text[end - 1] == ' ' || text[end - 1] == '\t')) {
      break;
    }
    ++end;
  }
  while (end > begin + 1 && (text[end - 1] == ' ' || text[end - 1] == '\t')) {
    --end;
  }
  return static_cast<uint32_t>(std::max<size_t>(end, begin + 1));
}

// Builds a YamlNode tree from yaml-cpp's events.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, uint32_t offset)
      : text_(text), offset_(offset) {}

  bool has_root() const { return has_root_; }
  YamlNode& root() { return root_; }
  // Byte offsets of the aliases met.
  const std::vector<YamlNode>& aliases() const { return aliases_; }

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

  void OnScalar(const YAML::Mark& mark, const std::string& tag,
                YAML::anchor_t, const std::string& value) override {
    YamlNode n;
    n.kind = YamlNode::Kind::kScalar;
    n.plain = tag == "?";
    n.begin = Pos(mark);
    n.end = ScalarEnd(text_, n.begin, value);
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
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' ||
          c == '[' || c == ']' || c == '{' || c == '}') {
        break;
      }
      ++end;
    }
    return static_cast<uint32_t>(std::min(end, text_.size()));
  }

  void Open(YamlNode::Kind kind, const YAML::Mark& mark) {
    const uint32_t pos = Pos(mark);
    if (stack_.size() >= kMaxDepth) throw TooDeep{pos};
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
  std::vector<YamlNode> stack_;
  YamlNode root_;
  bool has_root_ = false;
  std::vector<YamlNode> aliases_;
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

// ---------------------------------------------------------------------------
// Messages.

std::string Quote(std::string_view s) {
  std::string out = "`";
  out += s;
  out += '`';
  return out;
}

// "`a`, `b` and `c`"
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

// Shown values are cut so that a huge scalar does not flood the message.
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

// ---------------------------------------------------------------------------
// Checking the tree.

// A map's entries by allowed key.
struct Fields {
  // Parallel to the allowed keys: the key and value nodes, or nullptr.
  std::vector<const YamlNode*> keys;
  std::vector<const YamlNode*> values;
};

// What was read of one column beyond ColumnSchema, for the later checks.
struct ColumnDraft {
  const YamlNode* name = nullptr;
  const YamlNode* references = nullptr;
  const YamlNode* null_iff = nullptr;
  bool has_type = false;
};

struct TableDraft {
  TableSchema schema;
  bool named = false;
  const YamlNode* node = nullptr;
  const YamlNode* key = nullptr;
  std::vector<ColumnDraft> columns;  // parallel to schema.columns
};

const std::vector<std::string> kRootKeys = {"tables"};
const std::vector<std::string> kTableKeys = {"name", "key", "unique", "columns"};
const std::vector<std::string> kColumnKeys = {
    "name", "type", "nullable", "codes", "scale", "references", "null_iff"};

enum TableKey { kTableName, kTableKey, kTableUnique, kTableColumns };
enum ColumnKey {
  kColName,
  kColType,
  kColNullable,
  kColCodes,
  kColScale,
  kColReferences,
  kColNullIff
};

class Checker {
 public:
  Checker(const SourceManager& sources, FileId file)
      : sources_(sources), file_(file) {}

  Diagnostics& diagnostics() { return diags_; }

  SourceSpan Span(const YamlNode& n) const { return {file_, n.begin, n.end}; }

  void Error(const char* code, std::string message, const YamlNode& at,
             std::string help = {}) {
    diags_.Error(code, std::move(message), Span(at), std::move(help));
  }

  uint32_t Line(const YamlNode& n) const {
    return sources_.Locate(file_, n.begin).line;
  }

  // Reads a map's entries. `what` names the map in messages ("a column").
  Fields ReadFields(const YamlNode& map, const std::vector<std::string>& allowed,
                    const char* what) {
    Fields f;
    f.keys.assign(allowed.size(), nullptr);
    f.values.assign(allowed.size(), nullptr);
    for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
      const YamlNode& key = map.items[i];
      const YamlNode& value = map.items[i + 1];
      if (key.kind == YamlNode::Kind::kAlias) continue;
      if (key.kind != YamlNode::Kind::kScalar) {
        Error("schema.expected_scalar",
              "expected a name for a key, found " + Describe(key), key);
        continue;
      }
      const auto it = std::find(allowed.begin(), allowed.end(), key.value);
      if (it == allowed.end()) {
        std::string help = DidYouMean(key.value, allowed);
        if (help.empty()) {
          help = std::string(what) +
                 (allowed.size() == 1 ? " has the key " : " has the keys ") +
                 QuoteList(allowed);
        }
        Error("schema.unknown_key",
              "unknown key " + Shown(key) + " in " + what, key,
              std::move(help));
        continue;
      }
      const size_t index = static_cast<size_t>(it - allowed.begin());
      if (f.keys[index] != nullptr) {
        Error("schema.duplicate_key", "duplicate key " + Quote(key.value), key,
              "the key is first given on line " +
                  std::to_string(Line(*f.keys[index])));
        continue;
      }
      f.keys[index] = &key;
      f.values[index] = &value;
    }
    return f;
  }

  // Kind checks for a value: `key` is its key (for messages and for the
  // place of an empty value), or nullptr for a list item described by
  // `what`.
  bool Expect(const YamlNode& value, YamlNode::Kind kind, const YamlNode* key,
              const char* what) {
    if (value.kind == kind) return true;
    if (value.kind == YamlNode::Kind::kAlias) return false;
    const char* code = "schema.expected_scalar";
    const char* expected = "a scalar";
    if (kind == YamlNode::Kind::kMap) {
      code = "schema.expected_map";
      expected = "a map";
    } else if (kind == YamlNode::Kind::kList) {
      code = "schema.expected_list";
      expected = "a list";
    }
    const std::string subject = key != nullptr ? Quote(key->value) : what;
    // An empty value has no place of its own: point at its key.
    const YamlNode& at =
        value.kind == YamlNode::Kind::kNull && key != nullptr ? *key : value;
    Error(code,
          std::string("expected ") + expected + " for " + subject +
              ", found " + Describe(value),
          at);
    return false;
  }

  // A name: a scalar that is an identifier.
  bool ReadName(const YamlNode& value, const YamlNode& key, const char* what,
                std::string* out) {
    if (!Expect(value, YamlNode::Kind::kScalar, &key, "")) return false;
    if (!IsIdentifier(value.value)) {
      Error("schema.bad_name",
            std::string(what) + " name " + Shown(value) +
                " is not an identifier",
            value,
            "names are made of ASCII letters, digits and `_`, and do not "
            "start with a digit");
      return false;
    }
    *out = value.value;
    return true;
  }

  Schema Check(const YamlNode* root) {
    Schema schema;
    if (root == nullptr || root->kind == YamlNode::Kind::kNull) {
      YamlNode start;
      start.begin = start.end = root != nullptr ? root->begin : 0;
      Error("schema.missing", "the schema has no `tables`", start,
            "a schema file starts with `tables:`, a list of tables");
      return schema;
    }
    if (!Expect(*root, YamlNode::Kind::kMap, nullptr, "the schema")) {
      return schema;
    }
    const Fields f = ReadFields(*root, kRootKeys, "the schema");
    if (f.values[0] == nullptr) {
      Error("schema.missing", "the schema has no `tables`", *root,
            "a schema file starts with `tables:`, a list of tables");
      return schema;
    }
    const YamlNode& tables = *f.values[0];
    if (!Expect(tables, YamlNode::Kind::kList, f.keys[0], "")) return schema;

    std::vector<TableDraft> drafts;
    drafts.reserve(tables.items.size());
    for (const YamlNode& item : tables.items) {
      if (!Expect(item, YamlNode::Kind::kMap, nullptr, "a table")) continue;
      drafts.push_back(ReadTable(item));
    }

    // Duplicate tables: the first one counts.
    std::unordered_map<std::string_view, size_t> by_name;
    std::vector<bool> kept(drafts.size(), false);
    for (size_t i = 0; i < drafts.size(); ++i) {
      TableDraft& t = drafts[i];
      if (!t.named) continue;
      const auto [it, inserted] = by_name.emplace(t.schema.name, i);
      if (!inserted) {
        const TableDraft& first = drafts[it->second];
        diags_.Error("schema.duplicate_table",
                     "duplicate table " + Quote(t.schema.name), t.schema.span,
                     "the table is first declared on line " +
                         std::to_string(sources_.Locate(file_,
                                                        first.schema.span.begin)
                                            .line));
        continue;
      }
      kept[i] = true;
    }

    std::vector<std::string> table_names;
    for (size_t i = 0; i < drafts.size(); ++i) {
      if (kept[i]) table_names.push_back(drafts[i].schema.name);
    }
    for (const TableDraft& t : drafts) CheckReferences(t, drafts, by_name,
                                                       table_names);

    for (size_t i = 0; i < drafts.size(); ++i) {
      if (kept[i]) schema.tables.push_back(std::move(drafts[i].schema));
    }
    return schema;
  }

 private:
  TableDraft ReadTable(const YamlNode& map) {
    TableDraft t;
    t.node = &map;
    t.schema.span = Span(map);
    const Fields f = ReadFields(map, kTableKeys, "a table");

    if (f.values[kTableName] == nullptr) {
      Error("schema.missing", "table has no `name`", map);
    } else if (ReadName(*f.values[kTableName], *f.keys[kTableName], "table",
                        &t.schema.name)) {
      t.named = true;
      t.schema.span = Span(*f.values[kTableName]);
    }
    const std::string label =
        t.named ? "table " + Quote(t.schema.name) : std::string("the table");

    // Columns.
    const YamlNode* columns = f.values[kTableColumns];
    if (columns == nullptr) {
      Error("schema.missing", label + " has no `columns`",
            t.named ? *f.values[kTableName] : map);
    } else if (Expect(*columns, YamlNode::Kind::kList, f.keys[kTableColumns],
                      "")) {
      if (columns->items.empty()) {
        Error("schema.missing", label + " has no columns",
              *f.keys[kTableColumns]);
      }
      std::unordered_map<std::string_view, const YamlNode*> seen;
      for (const YamlNode& item : columns->items) {
        if (!Expect(item, YamlNode::Kind::kMap, nullptr, "a column")) continue;
        ColumnSchema column;
        ColumnDraft draft;
        if (!ReadColumn(item, &column, &draft)) continue;
        const auto [it, inserted] = seen.emplace(draft.name->value, draft.name);
        if (!inserted) {
          Error("schema.duplicate_column",
                "duplicate column " + Quote(column.name) + " in " + label,
                *draft.name,
                "the column is first declared on line " +
                    std::to_string(Line(*it->second)));
          continue;
        }
        t.schema.columns.push_back(std::move(column));
        t.columns.push_back(draft);
      }
    }
    std::vector<std::string> column_names;
    column_names.reserve(t.schema.columns.size());
    for (const ColumnSchema& c : t.schema.columns) column_names.push_back(c.name);
    const bool columns_known = columns != nullptr &&
                               columns->kind == YamlNode::Kind::kList;

    // The key.
    if (const YamlNode* key = f.values[kTableKey]) {
      if (Expect(*key, YamlNode::Kind::kScalar, f.keys[kTableKey], "")) {
        t.key = key;
        t.schema.key = key->value;
        if (columns_known) CheckKey(t, *key, column_names, label);
      }
    }

    // Unique column sets.
    if (const YamlNode* unique = f.values[kTableUnique]) {
      if (Expect(*unique, YamlNode::Kind::kList, f.keys[kTableUnique], "")) {
        for (const YamlNode& set : unique->items) {
          if (!Expect(set, YamlNode::Kind::kList, nullptr,
                      "a unique column set")) {
            continue;
          }
          if (set.items.empty()) {
            Error("schema.bad_key", "empty unique column set", set,
                  "list the columns whose values together are unique, as in "
                  "`[member_id, year]`");
            continue;
          }
          std::vector<std::string> names;
          bool good = true;
          for (const YamlNode& name : set.items) {
            if (!Expect(name, YamlNode::Kind::kScalar, nullptr,
                        "a unique column")) {
              good = false;
              continue;
            }
            if (std::find(names.begin(), names.end(), name.value) !=
                names.end()) {
              Error("schema.bad_key",
                    "column " + Shown(name) + " is listed twice in a unique set",
                    name);
              good = false;
              continue;
            }
            names.push_back(name.value);
            if (columns_known && t.schema.ColumnIndex(name.value) < 0) {
              Error("schema.bad_key",
                    "unique column " + Shown(name) + " is not a column of " +
                        label,
                    name, DidYouMean(name.value, column_names));
              good = false;
            }
          }
          if (good) t.schema.unique.push_back(std::move(names));
        }
      }
    }

    // null_iff, now that all columns are known.
    for (size_t i = 0; i < t.schema.columns.size(); ++i) {
      const ColumnSchema& c = t.schema.columns[i];
      const YamlNode* node = t.columns[i].null_iff;
      if (node == nullptr || c.null_iff.empty()) continue;
      const ColumnSchema* other = t.schema.FindColumn(c.null_iff);
      if (c.null_iff == c.name) {
        Error("schema.bad_null_iff",
              "`null_iff` of column " + Quote(c.name) + " names the column itself",
              *node, "`null_iff` names another column of the same table");
      } else if (other == nullptr) {
        Error("schema.bad_null_iff",
              "`null_iff` of column " + Quote(c.name) + " names " +
                  Shown(*node) + ", which is not a column of " + label,
              *node, DidYouMean(c.null_iff, column_names));
      } else if (!c.nullable) {
        Error("schema.bad_null_iff",
              "column " + Quote(c.name) + " has `null_iff` but is not nullable",
              *node, "add `nullable: true`");
      } else if (!other->nullable) {
        Error("schema.bad_null_iff",
              "`null_iff` of column " + Quote(c.name) + " names column " +
                  Quote(other->name) + ", which is not nullable",
              *node, "`null_iff` names a nullable column of the same table");
      }
    }
    return t;
  }

  void CheckKey(const TableDraft& t, const YamlNode& key,
                const std::vector<std::string>& column_names,
                const std::string& label) {
    const ColumnSchema* column = t.schema.FindColumn(key.value);
    if (column == nullptr) {
      Error("schema.bad_key",
            "key " + Shown(key) + " is not a column of " + label, key,
            DidYouMean(key.value, column_names));
      return;
    }
    if (column->type != CellType::kId) {
      Error("schema.bad_key",
            "key column " + Quote(column->name) + " has type " +
                Quote(CellTypeName(column->type)) + ", not `id`",
            key, "a key column has type `id`");
    }
    if (column->nullable) {
      Error("schema.bad_key",
            "key column " + Quote(column->name) + " is nullable", key,
            "every row has a key: remove `nullable: true`");
    }
  }

  // Reads one column; false if it has no usable name.
  bool ReadColumn(const YamlNode& map, ColumnSchema* column,
                  ColumnDraft* draft) {
    const Fields f = ReadFields(map, kColumnKeys, "a column");
    column->span = Span(map);
    bool named = false;
    if (f.values[kColName] == nullptr) {
      Error("schema.missing", "column has no `name`", map);
    } else if (ReadName(*f.values[kColName], *f.keys[kColName], "column",
                        &column->name)) {
      named = true;
      draft->name = f.values[kColName];
      column->span = Span(*f.values[kColName]);
    }
    const std::string label =
        named ? "column " + Quote(column->name) : std::string("the column");
    const YamlNode& here = named ? *f.values[kColName] : map;

    // Type.
    if (const YamlNode* type = f.values[kColType]) {
      if (Expect(*type, YamlNode::Kind::kScalar, f.keys[kColType], "")) {
        std::vector<std::string> names;
        for (CellType t : kCellTypes) names.push_back(CellTypeName(t));
        const auto it = std::find(names.begin(), names.end(), type->value);
        if (it == names.end()) {
          std::string help = DidYouMean(type->value, names);
          if (help.empty()) help = "the cell types are " + QuoteList(names);
          Error("schema.unknown_type", "unknown cell type " + Shown(*type),
                *type, std::move(help));
        } else {
          column->type = kCellTypes[it - names.begin()];
          draft->has_type = true;
        }
      }
    } else {
      Error("schema.missing", label + " has no `type`", here,
            "add `type:` with one of `id`, `text`, `code`, `date`, `month`, "
            "`int`, `decimal` or `bool`");
    }
    const bool typed = draft->has_type;

    // Nullable.
    if (const YamlNode* nullable = f.values[kColNullable]) {
      if (Expect(*nullable, YamlNode::Kind::kScalar, f.keys[kColNullable],
                 "")) {
        if (nullable->plain && nullable->value == "true") {
          column->nullable = true;
        } else if (nullable->plain && nullable->value == "false") {
          column->nullable = false;
        } else {
          Error("schema.expected_bool",
                "expected `true` or `false` for `nullable`, found " +
                    Shown(*nullable),
                *nullable);
        }
      }
    }

    // Codes.
    const YamlNode* codes = f.values[kColCodes];
    if (codes != nullptr) {
      if (typed && column->type != CellType::kCode) {
        Error("schema.codes",
              label + " of type " + Quote(CellTypeName(column->type)) +
                  " has `codes`",
              *f.keys[kColCodes], "only `code` columns have codes");
      } else if (Expect(*codes, YamlNode::Kind::kList, f.keys[kColCodes],
                        "")) {
        if (codes->items.empty()) {
          Error("schema.codes", label + " has an empty list of codes",
                *f.keys[kColCodes]);
        }
        std::unordered_map<std::string_view, const YamlNode*> seen;
        for (const YamlNode& code : codes->items) {
          if (!Expect(code, YamlNode::Kind::kScalar, nullptr, "a code")) {
            continue;
          }
          if (code.value.empty()) {
            Error("schema.codes", "empty code in " + label, code,
                  "an empty cell is null, so a code cannot be empty");
            continue;
          }
          const auto [it, inserted] = seen.emplace(code.value, &code);
          if (!inserted) {
            Error("schema.codes",
                  "duplicate code " + Shown(code) + " in " + label, code,
                  "the code is first listed on line " +
                      std::to_string(Line(*it->second)));
            continue;
          }
          column->codes.push_back(code.value);
        }
      }
    } else if (typed && column->type == CellType::kCode) {
      Error("schema.codes", "code " + label + " has no `codes`", here,
            "add `codes:` with the list of allowed codes");
    }

    // Scale.
    if (const YamlNode* scale = f.values[kColScale]) {
      if (typed && column->type != CellType::kDecimal) {
        Error("schema.bad_scale",
              label + " of type " + Quote(CellTypeName(column->type)) +
                  " has a `scale`",
              *f.keys[kColScale], "only `decimal` columns have a scale");
      } else if (Expect(*scale, YamlNode::Kind::kScalar, f.keys[kColScale],
                        "")) {
        const std::string& s = scale->value;
        const bool digits =
            scale->plain && !s.empty() && s.size() <= 2 &&
            std::all_of(s.begin(), s.end(),
                        [](char c) { return c >= '0' && c <= '9'; });
        const int value = digits ? std::stoi(s) : -1;
        if (value < 0 || value > kMaxScale) {
          Error("schema.bad_scale",
                "expected an integer from 0 to 18 for `scale`, found " +
                    Shown(*scale),
                *scale, "the scale is the most digits after the decimal point");
        } else {
          column->scale = value;
        }
      }
    }

    // References and null_iff: checked once all tables / columns are read.
    if (const YamlNode* references = f.values[kColReferences]) {
      if (Expect(*references, YamlNode::Kind::kScalar, f.keys[kColReferences],
                 "")) {
        column->references = references->value;
        draft->references = references;
      }
    }
    if (const YamlNode* null_iff = f.values[kColNullIff]) {
      if (Expect(*null_iff, YamlNode::Kind::kScalar, f.keys[kColNullIff],
                 "")) {
        column->null_iff = null_iff->value;
        draft->null_iff = null_iff;
      }
    }
    return named;
  }

  void CheckReferences(
      const TableDraft& t, const std::vector<TableDraft>& drafts,
      const std::unordered_map<std::string_view, size_t>& by_name,
      const std::vector<std::string>& table_names) {
    for (size_t i = 0; i < t.schema.columns.size(); ++i) {
      const ColumnSchema& c = t.schema.columns[i];
      const YamlNode* node = t.columns[i].references;
      if (node == nullptr) continue;
      if (t.columns[i].has_type && c.type != CellType::kId) {
        Error("schema.bad_reference",
              "column " + Quote(c.name) + " of type " +
                  Quote(CellTypeName(c.type)) + " references a table",
              *node, "only `id` columns reference tables");
        continue;
      }
      const auto it = by_name.find(c.references);
      if (it == by_name.end()) {
        Error("schema.bad_reference",
              "column " + Quote(c.name) + " references unknown table " +
                  Shown(*node),
              *node, DidYouMean(c.references, table_names));
        continue;
      }
      const TableDraft& target = drafts[it->second];
      if (target.schema.key.empty()) {
        Error("schema.bad_reference",
              "column " + Quote(c.name) + " references table " +
                  Quote(target.schema.name) + ", which has no key",
              *node, "a referenced table declares its id column with `key:`");
      }
    }
  }

  const SourceManager& sources_;
  FileId file_;
  Diagnostics diags_;
};

bool StartsWithBom(std::string_view text) {
  return text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF";
}

// Rejects what yaml-cpp must not see: oversized input, bytes that are not
// UTF-8 (yaml-cpp would count positions differently, or guess UTF-16) and
// NUL bytes. Returns false after adding an error.
bool Precheck(std::string_view text, FileId file, Diagnostics* diags) {
  if (text.size() > kMaxSchemaBytes) {
    diags->Error("schema.too_large",
                 "the schema file has " + std::to_string(text.size()) +
                     " bytes, more than the limit of " +
                     std::to_string(kMaxSchemaBytes),
                 SourceSpan{file, 0, 0});
    return false;
  }
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t cp;
    const size_t len = internal::DecodeUtf8(text, pos, &cp);
    if (len == 0 || cp == 0) {
      const uint32_t at = static_cast<uint32_t>(pos);
      if (len == 0) {
        char hex[8];
        static const char kDigits[] = "0123456789abcdef";
        const auto byte = static_cast<unsigned char>(text[pos]);
        hex[0] = '0';
        hex[1] = 'x';
        hex[2] = kDigits[byte >> 4];
        hex[3] = kDigits[byte & 15];
        hex[4] = '\0';
        diags->Error("schema.bad_encoding",
                     std::string("the schema file is not valid utf-8: byte ") +
                         hex,
                     SourceSpan{file, at, at + 1},
                     "save the file as UTF-8");
      } else {
        diags->Error("schema.bad_encoding",
                     "the schema file holds a nul byte",
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
  for (const char* prefix : {YAML::ErrorMsg::INVALID_ESCAPE,
                             YAML::ErrorMsg::INVALID_UNICODE,
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

Result<Schema> ParseSchemaOrThrow(FileId file, const SourceManager& sources) {
  Diagnostics diags;
  if (file >= sources.size()) {
    diags.Error("schema.unreadable", "no such source file",
                SourceSpan{kNoFile, 0, 0});
    return Result<Schema>(std::move(diags));
  }
  const std::string_view text = sources.text(file);
  if (!Precheck(text, file, &diags)) return Result<Schema>(std::move(diags));

  const uint32_t offset = StartsWithBom(text) ? 3 : 0;
  const auto at = [&](const YAML::Mark& mark) {
    if (mark.is_null() || mark.pos < 0) return SourceSpan{file, 0, 0};
    const uint32_t size = static_cast<uint32_t>(text.size());
    const uint32_t begin = std::min<uint32_t>(
        static_cast<uint32_t>(mark.pos) + offset, size);
    return SourceSpan{file, begin, std::min<uint32_t>(begin + 1, size)};
  };

  // yaml-cpp reads from a stream; it copies the text into its own buffer.
  std::istringstream in{std::string(text)};
  TreeBuilder builder(text, offset);
  bool parsed = false;
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(builder);
    parsed = true;
    FirstEvent first;
    try {
      parser.HandleNextDocument(first);
    } catch (const FirstEvent::Found& found) {
      diags.Error("schema.yaml_syntax",
                  "invalid yaml: a schema file holds one document, found a "
                  "second one",
                  at(found.mark), "remove the `---` line and what follows");
    }
  } catch (const TooDeep& deep) {
    const uint32_t size = static_cast<uint32_t>(text.size());
    diags.Error("schema.too_deep",
                "the schema is nested more than " + std::to_string(kMaxDepth) +
                    " levels deep",
                SourceSpan{file, deep.pos, std::min(deep.pos + 1, size)});
  } catch (const YAML::DeepRecursion& e) {
    diags.Error("schema.too_deep", "the schema is nested too deeply",
                at(e.mark));
  } catch (const YAML::Exception& e) {
    // A syntax error in a second document is still a syntax error.
    diags.Error("schema.yaml_syntax", YamlMessage(e.msg), at(e.mark));
  }
  if (!parsed) return Result<Schema>(std::move(diags));

  Checker checker(sources, file);
  for (const YamlNode& alias : builder.aliases()) {
    checker.Error("schema.alias", "aliases are not allowed in a schema file",
                  alias, "write the value out in full");
  }
  Schema schema =
      checker.Check(builder.has_root() ? &builder.root() : nullptr);
  diags.Append(checker.diagnostics());

  // Report in file order.
  std::vector<Diagnostic> items = diags.items();
  std::stable_sort(items.begin(), items.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.span.begin < b.span.begin;
                   });
  Diagnostics sorted;
  for (Diagnostic& d : items) sorted.Add(std::move(d));
  if (sorted.has_errors()) return Result<Schema>(std::move(sorted));
  return Result<Schema>(std::move(schema), std::move(sorted));
}

Diagnostics Internal(const char* what) {
  Diagnostics diags;
  diags.Error("schema.internal",
              std::string("internal error while reading the schema: ") + what,
              SourceSpan{});
  return diags;
}

std::string ErrnoText(int err) {
  std::string s = std::generic_category().message(err);
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

}  // namespace

const char* CellTypeName(CellType type) {
  switch (type) {
    case CellType::kId:
      return "id";
    case CellType::kText:
      return "text";
    case CellType::kCode:
      return "code";
    case CellType::kDate:
      return "date";
    case CellType::kMonth:
      return "month";
    case CellType::kInt:
      return "int";
    case CellType::kDecimal:
      return "decimal";
    case CellType::kBool:
      return "bool";
  }
  return "text";
}

int TableSchema::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

const ColumnSchema* TableSchema::FindColumn(std::string_view column) const {
  const int i = ColumnIndex(column);
  return i < 0 ? nullptr : &columns[static_cast<size_t>(i)];
}

int Schema::TableIndex(std::string_view table) const {
  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i].name == table) return static_cast<int>(i);
  }
  return -1;
}

const TableSchema* Schema::FindTable(std::string_view table) const {
  const int i = TableIndex(table);
  return i < 0 ? nullptr : &tables[static_cast<size_t>(i)];
}

Result<Schema> ParseSchema(FileId file, const SourceManager& sources) {
  try {
    return ParseSchemaOrThrow(file, sources);
  } catch (const std::exception& e) {
    return Result<Schema>(Internal(e.what()));
  } catch (...) {
    return Result<Schema>(Internal("unknown exception"));
  }
}

Result<Schema> LoadSchema(const std::string& path, SourceManager& sources) {
  try {
    Diagnostics diags;
    const auto unreadable = [&](const std::string& why) {
      diags.Error("schema.unreadable",
                  "cannot read schema file " + Quote(path) + ": " + why,
                  SourceSpan{});
      return Result<Schema>(std::move(diags));
    };
    std::error_code ec;
    const std::filesystem::path p(path);
    if (std::filesystem::is_directory(p, ec)) {
      return unreadable("it is a directory");
    }
    const auto size = std::filesystem::file_size(p, ec);
    if (!ec && size > kMaxSchemaBytes) {
      diags.Error("schema.too_large",
                  "schema file " + Quote(path) + " has " +
                      std::to_string(size) + " bytes, more than the limit of " +
                      std::to_string(kMaxSchemaBytes),
                  SourceSpan{});
      return Result<Schema>(std::move(diags));
    }
    errno = 0;
    std::ifstream in(p, std::ios::binary);
    if (!in) return unreadable(ErrnoText(errno != 0 ? errno : ENOENT));
    std::string text;
    // Read at most one byte past the limit: the file may have grown.
    text.resize(kMaxSchemaBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) return unreadable(ErrnoText(errno != 0 ? errno : EIO));
    text.resize(static_cast<size_t>(in.gcount()));
    const FileId file = sources.Add(path, std::move(text));
    return ParseSchema(file, sources);
  } catch (const std::exception& e) {
    return Result<Schema>(Internal(e.what()));
  } catch (...) {
    return Result<Schema>(Internal("unknown exception"));
  }
}

}  // namespace zhucun
