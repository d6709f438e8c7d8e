#ifndef ZHUCUN_PACK_FORMAT_H_
#define ZHUCUN_PACK_FORMAT_H_

/// \file
/// The pack format described for editors and readers: a JSON Schema
/// (Draft 7) of each kind of pack file, for an editor with the YAML language
/// server (completion, the documentation of each key, a typo or a wrong type
/// marked while typing), and the key reference of docs/rules.md. Both come
/// from the tables the pack loader checks keys with, so they say what the
/// loader accepts. `zhucun schema` writes them; the repository keeps a copy
/// in schemas/.

#include <string>
#include <vector>

#include "zhucun/export.h"

namespace zhucun {

/// One JSON Schema file.
struct PackSchemaFile {
  /// The file's name: `pack.schema.json`, `rules.schema.json`,
  /// `schema.schema.json` or `tests.schema.json`.
  std::string name;
  /// Which pack files it describes, e.g. "pack.yaml, the manifest".
  std::string describes;
  /// The schema, as JSON text ending with a line break.
  std::string json;
};

/// The JSON Schemas of pack.yaml, rule files, schema.yaml and pack test
/// files, in that order.
ZHUCUN_API std::vector<PackSchemaFile> PackSchemas();

/// The key reference of the pack format as Markdown: every kind of map in
/// the pack files and every domain rule kind, a table of its keys (key,
/// value, required, meaning). docs/rules.md holds it between the lines
/// `<!-- keys:begin -->` and `<!-- keys:end -->`.
ZHUCUN_API std::string PackKeyReference();

}  // namespace zhucun

#endif  // ZHUCUN_PACK_FORMAT_H_
