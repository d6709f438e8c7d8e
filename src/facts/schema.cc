// Table schemas from YAML (include/zhucun/schema.h).
//
// The text is parsed into a position-keeping tree by the YAML machinery
// shared with the pack loader (facts/yaml_tree.h: event parser, depth limit,
// alias rejection, size and encoding checks), which is then checked against
// the schema form. Every problem is collected; diagnostics are ordered by
// position at the end, so errors found in the cross-table pass (references)
// appear where they belong in the file.

#include "zhucun/schema.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "facts/format.h"
#include "facts/yaml_tree.h"
#include "zhucun/diagnostic.h"

namespace zhucun {

namespace {

using internal::Describe;
using internal::DidYouMean;
using internal::IsIdentifier;
using internal::Quote;
using internal::QuoteList;
using internal::Shown;
using internal::YamlNode;

// Schema files larger than this are rejected before parsing.
constexpr size_t kMaxSchemaBytes = size_t{1} << 20;  // 1 MiB
// Collections nested deeper than this are rejected while parsing. A schema
// needs 6 levels (tables > table > columns > column > codes).
constexpr size_t kMaxDepth = 64;
// The most tables in a schema, and columns in a table.
constexpr size_t kMaxTables = 1000;
constexpr size_t kMaxColumns = 1000;
// The largest decimal scale: 10^18 still fits in int64.
constexpr int kMaxScale = 18;

constexpr CellType kCellTypes[] = {
    CellType::kId,   CellType::kText, CellType::kCode,    CellType::kDate,
    CellType::kMonth, CellType::kInt, CellType::kDecimal, CellType::kBool,
};

// ---------------------------------------------------------------------------
// Checking the tree.

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

// The keys of each map (facts/format.h).
using internal::format::IndexOf;
const std::vector<std::string>& kRootKeys = internal::format::Names(internal::format::kSchema);
static_assert(IndexOf(internal::format::kSchema, "tables") == 0);
const std::vector<std::string>& kTableKeys = internal::format::Names(internal::format::kTable);
const std::vector<std::string>& kColumnKeys = internal::format::Names(internal::format::kColumn);

enum TableKey : size_t {
  kTableName = IndexOf(internal::format::kTable, "name"),
  kTableKey = IndexOf(internal::format::kTable, "key"),
  kTableUnique = IndexOf(internal::format::kTable, "unique"),
  kTableColumns = IndexOf(internal::format::kTable, "columns"),
};
enum ColumnKey : size_t {
  kColName = IndexOf(internal::format::kColumn, "name"),
  kColType = IndexOf(internal::format::kColumn, "type"),
  kColNullable = IndexOf(internal::format::kColumn, "nullable"),
  kColCodes = IndexOf(internal::format::kColumn, "codes"),
  kColScale = IndexOf(internal::format::kColumn, "scale"),
  kColReferences = IndexOf(internal::format::kColumn, "references"),
  kColNullIff = IndexOf(internal::format::kColumn, "null_iff"),
};

class Checker : public internal::YamlChecker {
 public:
  Checker(const SourceManager& sources, FileId file)
      : YamlChecker(sources, file, "schema") {}

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
    const internal::YamlFields f = ReadFields(*root, kRootKeys, "the schema");
    if (f.values[0] == nullptr) {
      Error("schema.missing", "the schema has no `tables`", *root,
            "a schema file starts with `tables:`, a list of tables");
      return schema;
    }
    const YamlNode& tables = *f.values[0];
    if (!Expect(tables, YamlNode::Kind::kList, f.keys[0], "")) return schema;
    if (tables.items.size() > kMaxTables) {
      Error("schema.too_large",
            "the schema has " + std::to_string(tables.items.size()) +
                " tables; the most is " + std::to_string(kMaxTables),
            *f.keys[0]);
      return schema;
    }

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
    const internal::YamlFields f = ReadFields(map, kTableKeys, "a table");

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
      } else if (columns->items.size() > kMaxColumns) {
        Error("schema.too_large",
              label + " has " + std::to_string(columns->items.size()) +
                  " columns; the most is " + std::to_string(kMaxColumns),
              *f.keys[kTableColumns]);
        return t;
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
    const internal::YamlFields f = ReadFields(map, kColumnKeys, "a column");
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
};

const internal::YamlFileKind kSchemaFile{"schema", "schema file", "the schema",
                                         kMaxSchemaBytes, kMaxDepth};

Result<Schema> ParseSchemaOrThrow(FileId file, const SourceManager& sources) {
  Diagnostics diags;
  if (file >= sources.size()) {
    diags.Error("schema.unreadable", "no such source file",
                SourceSpan{kNoFile, 0, 0});
    return Result<Schema>(std::move(diags));
  }
  internal::YamlTree tree =
      internal::ParseYamlTree(file, sources, kSchemaFile, &diags);
  if (!tree.parsed) return Result<Schema>(std::move(diags));

  Checker checker(sources, file);
  Schema schema = checker.Check(tree.has_root ? &tree.root : nullptr);
  diags.Append(checker.diagnostics());

  // Report in file order.
  Diagnostics sorted = internal::SortedByPosition(diags);
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
    std::string text;
    std::string why;
    bool too_large = false;
    uint64_t size = 0;
    if (!internal::ReadFileLimited(path, kMaxSchemaBytes, &text, &why,
                                   &too_large, &size)) {
      return unreadable(why);
    }
    if (too_large) {
      diags.Error("schema.too_large",
                  "schema file " + Quote(path) + " has " +
                      std::to_string(size) + " bytes, more than the limit of " +
                      std::to_string(kMaxSchemaBytes),
                  SourceSpan{});
      return Result<Schema>(std::move(diags));
    }
    const FileId file = sources.Add(path, std::move(text));
    return ParseSchema(file, sources);
  } catch (const std::exception& e) {
    return Result<Schema>(Internal(e.what()));
  } catch (...) {
    return Result<Schema>(Internal("unknown exception"));
  }
}

}  // namespace zhucun
