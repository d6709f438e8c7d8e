// Reading a policy pack folder (src/rules/pack.h, docs/design/engine.md).
//
// pack.yaml is read first; then every file it includes, in order (a glob's
// matches sorted by name): `schema.yaml`, or any file whose top level has
// `tables`, is the schema (read by ParseSchema); any other is a rule file
// (`rules:` and `derived:`). Paths are confined to the pack folder, also
// through symbolic links. The YAML goes through the machinery shared with
// the schema loader (facts/yaml_tree.h). Every problem is collected and
// positioned; the checks that need the schema (subject tables, group_by
// columns) run once every file is read; diagnostics are ordered by file and
// position at the end.
//
// The loader's parts are in pack_loader.h and the files it lists.

#include "rules/pack.h"

#include <exception>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "facts/yaml_tree.h"
#include "rules/kinds.h"
#include "rules/pack_loader.h"

namespace zhucun::internal {

namespace pack_loader {

std::string Singular(const std::string& table) {
  if (table.size() > 3 && table.ends_with("ies")) {
    return table.substr(0, table.size() - 3) + "y";
  }
  if (table.size() > 1 && table.ends_with("s") && !table.ends_with("ss")) {
    return table.substr(0, table.size() - 1);
  }
  return table;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

std::string CelLiteral(const YamlNode& n) {
  switch (n.kind) {
    case YamlNode::Kind::kScalar:
      return n.value;
    case YamlNode::Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i > 0) out += ", ";
        out += CelLiteral(n.items[i]);
      }
      return out + "]";
    }
    case YamlNode::Kind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
        if (i > 0) out += ", ";
        out += CelString(n.items[i].value) + ": " + CelLiteral(n.items[i + 1]);
      }
      return out + "}";
    }
    case YamlNode::Kind::kNull:
    case YamlNode::Kind::kAlias:
      break;
  }
  return "null";
}

// ---------------------------------------------------------------------------
// The checks against the schema, and the whole.

void Loader::CheckTables() {
  std::vector<std::string> tables;
  for (const TableSchema& t : spec_.schema.tables) tables.push_back(t.name);
  const auto check = [&](const TableUse& use) {
    const TableSchema* table = spec_.schema.FindTable(use.table);
    if (table == nullptr) {
      std::string help = DidYouMean(use.table, tables);
      if (help.empty()) help = "the tables are " + QuoteList(tables);
      diags_.Error("pack.unknown_table", "unknown table " + Quote(use.table),
                   use.span, std::move(help));
      return false;
    }
    if (!use.group_by.empty() && table->FindColumn(use.group_by) == nullptr) {
      std::vector<std::string> columns;
      for (const ColumnSchema& col : table->columns)
        columns.push_back(col.name);
      std::string help = DidYouMean(use.group_by, columns);
      if (help.empty()) help = "the columns are " + QuoteList(columns);
      diags_.Error("pack.unknown_column",
                   "table " + Quote(table->name) + " has no column " +
                       Quote(use.group_by),
                   use.group_by_span, std::move(help));
      return false;
    }
    return true;
  };
  for (const TableUse& use : table_uses_) check(use);
}

Result<PackSpec> Loader::Load(std::optional<PackSpec>* partial) {
  spec_.dir = dir_;
  std::error_code ec;
  const fs::path dir(dir_);
  if (!fs::is_directory(dir, ec)) {
    diags_.Error(
        "pack.unreadable",
        "cannot read pack folder " + Quote(dir_) + ": " +
            (fs::exists(dir, ec) ? "it is not a folder" : "no such folder"),
        SourceSpan{});
    return Result<PackSpec>(std::move(diags_));
  }
  root_ = fs::canonical(dir, ec);
  if (ec) {
    diags_.Error(
        "pack.unreadable",
        "cannot read pack folder " + Quote(dir_) + ": " + ErrnoText(ec.value()),
        SourceSpan{});
    return Result<PackSpec>(std::move(diags_));
  }

  // The manifest.
  FileId file = kNoFile;
  if (!ReadPackFile(Display("pack.yaml"), Display("pack.yaml"), nullptr,
                    nullptr, &file)) {
    return Result<PackSpec>(std::move(diags_));
  }
  spec_.file = file;
  seen_.insert(fs::weakly_canonical(root_ / "pack.yaml", ec));
  YamlTree tree = ParseYamlTree(file, sources_, kPackFile, &diags_);
  FileChecker manifest(*this, sources_, file);
  if (tree.parsed) {
    const YamlFields f = manifest.Manifest(tree, &spec_);
    // Lists of paths; a single path is accepted too.
    const auto entries = [&](size_t i) {
      std::vector<const YamlNode*> out;
      if (!f.has(i)) return out;
      const YamlNode& value = *f.values[i];
      if (value.kind == YamlNode::Kind::kScalar) {
        out.push_back(&value);
      } else if (manifest.Expect(value, YamlNode::Kind::kList, f.keys[i], "")) {
        for (const YamlNode& item : value.items) {
          if (manifest.Expect(item, YamlNode::Kind::kScalar, nullptr,
                              "a path")) {
            out.push_back(&item);
          }
        }
      } else {
        trouble_ = true;
      }
      return out;
    };
    for (const YamlNode* entry : entries(kIncludes)) {
      const size_t errors = manifest.diagnostics().size();
      for (const PackFile& pf : Resolve(*entry, "include", manifest)) {
        Include(pf, *entry, manifest);
      }
      if (manifest.diagnostics().size() != errors) trouble_ = true;
    }
    std::set<fs::path> tests;
    for (const YamlNode* entry : entries(kTests)) {
      for (const PackFile& pf : Resolve(*entry, "test file", manifest)) {
        if (tests.size() >= kMaxFiles) break;
        if (tests.insert(pf.canonical).second) {
          spec_.test_files.push_back(pf.display);
        }
      }
    }
    // Not when an include went wrong: the schema may be the one missing.
    if (!have_schema_ && !trouble_ && !f.suggested[kIncludes] &&
        tree.has_root && tree.root.kind == YamlNode::Kind::kMap) {
      YamlNode at;
      if (f.keys[kIncludes] != nullptr) {
        at = *f.keys[kIncludes];
      } else if (tree.has_root) {
        at.begin = tree.root.begin;
        at.end = tree.root.end;
      }
      std::string help =
          "add the schema file to `includes`, e.g. "
          "`includes: [schema.yaml, rules.yaml]`";
      if (fs::exists(root_ / "schema.yaml", ec)) {
        help = "add `schema.yaml` to `includes`";
      }
      manifest.Error("pack.no_schema", "the pack includes no schema", at,
                     std::move(help));
    }
  }
  diags_.Append(manifest.diagnostics());
  if (schema_ok_) {
    CheckTables();
    // The domain kinds become general rules (and functions and tables).
    ExpandKinds(spec_, sources_, &diags_);
  }

  Diagnostics sorted = SortedByPosition(diags_);
  if (sorted.has_errors()) {
    if (partial != nullptr && tree.parsed && schema_ok_) *partial = std::move(spec_);
    return Result<PackSpec>(std::move(sorted));
  }
  return Result<PackSpec>(std::move(spec_), std::move(sorted));
}

}  // namespace pack_loader

namespace {

using pack_loader::Loader;

Diagnostics Internal(const char* what) {
  Diagnostics diags;
  diags.Error("pack.internal",
              std::string("internal error while reading the pack: ") + what,
              SourceSpan{});
  return diags;
}

}  // namespace

std::string CelString(std::string_view s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "'";
}

Result<PackSpec> LoadPack(const std::string& dir, SourceManager& sources,
                          std::optional<PackSpec>* partial) {
  try {
    Loader loader(dir, sources);
    return loader.Load(partial);
  } catch (const std::exception& e) {
    return Result<PackSpec>(Internal(e.what()));
  } catch (...) {
    return Result<PackSpec>(Internal("unknown exception"));
  }
}

}  // namespace zhucun::internal
