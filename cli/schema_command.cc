// `zhucun schema`: writes the JSON Schemas of the pack files
// (zhucun/pack_format.h) for editors, and the key reference into
// docs/rules.md; with --check, says which of them differ instead.

#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "command.h"
#include "words.h"
#include "zhucun/pack_format.h"

namespace zhucun::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kBegin[] = "<!-- keys:begin -->";
constexpr char kEnd[] = "<!-- keys:end -->";

struct SchemaArgs {
  std::string out = "schemas";
  std::string docs;
  bool check = false;
};

bool ReadAll(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *text = s.str();
  return true;
}

bool WriteAll(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

// `text` with what lies between the markers' lines replaced by `reference`;
// false if the markers are not there, in order.
bool Splice(const std::string& text, const std::string& reference, std::string* out) {
  const size_t begin = text.find(kBegin);
  if (begin == std::string::npos) return false;
  const size_t after_begin = text.find('\n', begin);
  const size_t end = text.find(kEnd, begin);
  if (after_begin == std::string::npos || end == std::string::npos || end < after_begin) {
    return false;
  }
  *out = text.substr(0, after_begin + 1) + reference + text.substr(end);
  return true;
}

int RunSchema(const SchemaArgs& args, std::ostream& out, std::ostream& err) {
  // What each file should hold.
  std::vector<std::pair<std::string, std::string>> files;
  for (const PackSchemaFile& f : PackSchemas()) {
    files.emplace_back((fs::path(args.out) / f.name).string(), f.json);
  }
  if (!args.docs.empty()) {
    std::string text;
    if (!ReadAll(args.docs, &text)) {
      err << Tr("zhucun: cannot read `{file}`", {{"file", args.docs}}) << '\n';
      return kExitUsage;
    }
    std::string spliced;
    if (!Splice(text, PackKeyReference(), &spliced)) {
      err << Tr("zhucun schema: `{file}` has no lines `{begin}` and `{end}` to write the key "
                "reference between",
                {{"file", args.docs}, {"begin", kBegin}, {"end", kEnd}})
          << '\n';
      return kExitUsage;
    }
    files.emplace_back(args.docs, spliced);
  }

  if (args.check) {
    size_t stale = 0;
    for (const auto& [path, text] : files) {
      std::string now;
      if (ReadAll(path, &now) && now == text) continue;
      err << Tr("zhucun schema: `{file}` is not what `zhucun schema` writes", {{"file", path}})
          << '\n';
      ++stale;
    }
    if (stale == 0) return kExitOk;
    std::string command = "zhucun schema --out " + args.out;
    if (!args.docs.empty()) command += " --docs " + args.docs;
    err << Tr("regenerate them with `{command}` (from the repository's root: `zhucun schema "
              "--docs docs/rules.md`)",
              {{"command", command}})
        << '\n';
    return kExitFindings;
  }

  std::error_code ec;
  fs::create_directories(args.out, ec);
  for (const auto& [path, text] : files) {
    if (!WriteAll(path, text)) {
      err << Tr("zhucun schema: cannot write `{file}`", {{"file", path}}) << '\n';
      return kExitUsage;
    }
    out << Tr("wrote {file}", {{"file", path}}) << '\n';
  }
  return kExitOk;
}

}  // namespace

Command AddSchemaCommand(CLI::App& app) {
  CLI::App* schema =
      app.add_subcommand("schema", Tr("Write the JSON Schemas of the pack files, for editors"));
  schema->footer(
      Tr("Writes pack.schema.json, rules.schema.json, schema.schema.json and\n"
         "tests.schema.json into --out: the keys of pack.yaml, rule files, schema.yaml\n"
         "and pack test files, each with its documentation, for an editor with the YAML\n"
         "language server (README.md, \"Editing packs in an editor\"). --docs FILE also\n"
         "writes the key reference between FILE's lines `<!-- keys:begin -->` and\n"
         "`<!-- keys:end -->`. --check writes nothing and says which files differ.\n"
         "Exit status: 0 written (or up to date); 1 --check found a file that differs;\n"
         "2 a file cannot be read or written, or bad usage."));
  auto args = std::make_shared<SchemaArgs>();
  schema->add_option("--out", args->out, Tr("The folder to write the schemas into"))
      ->capture_default_str();
  schema->add_option("--docs", args->docs,
                     Tr("A Markdown file to write the key reference into (docs/rules.md)"));
  schema->add_flag("--check", args->check,
                   Tr("Write nothing; fail if a file is not what would be written"));
  return {schema,
          [args](std::ostream& out, std::ostream& err) { return RunSchema(*args, out, err); }};
}

}  // namespace zhucun::cli
