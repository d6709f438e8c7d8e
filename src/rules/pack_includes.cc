// Resolving the `includes` and `tests` of pack.yaml to files of the pack,
// and reading an included file: the schema or a rule file
// (src/rules/pack_loader.h). Paths are confined to the pack folder, also
// through symbolic links; a glob's matches are taken in name order.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "facts/yaml_tree.h"
#include "rules/pack.h"
#include "rules/pack_loader.h"

namespace zhucun::internal::pack_loader {

namespace {

bool HasWildcard(std::string_view s) {
  return s.find_first_of("*?") != std::string_view::npos;
}

// Glob matching of one path component: `*` any run, `?` one byte.
bool GlobMatch(std::string_view pattern, std::string_view name) {
  size_t p = 0;
  size_t n = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool Loader::Within(const fs::path& canonical) const {
  auto r = root_.begin();
  auto c = canonical.begin();
  for (; r != root_.end(); ++r, ++c) {
    if (c == canonical.end() || *r != *c) return false;
  }
  return c != canonical.end();
}

std::vector<PackFile> Loader::Resolve(const YamlNode& entry, const char* noun,
                                      FileChecker& c) {
  std::vector<PackFile> out;
  const std::string& value = entry.value;
  const std::string what = std::string(noun) + " " + Shown(entry);
  if (value.empty()) {
    c.Error("pack.bad_include", std::string("empty ") + noun + " path", entry);
    return out;
  }
  const fs::path p(value);
  const fs::path normal = p.lexically_normal();
  if (p.has_root_path() || normal.empty() || *normal.begin() == "..") {
    c.Error("pack.include_outside", what + " is outside the pack folder", entry,
            "a pack reads only files inside its folder, named relative to it");
    return out;
  }
  if (normal == "." || normal.filename().empty()) {
    c.Error("pack.bad_include", what + " names a folder, not a file", entry,
            "to name every YAML file in a folder, write `folder/*.yaml`");
    return out;
  }

  // Each match: confined, a file, not pack.yaml itself.
  const auto accept = [&](const fs::path& rel, bool from_glob) {
    std::error_code ec;
    const fs::path full = root_ / rel;
    const fs::path canonical = fs::weakly_canonical(full, ec);
    if (ec || !Within(canonical)) {
      if (from_glob) {
        c.Error("pack.include_outside",
                Quote(rel.generic_string()) + ", matched by " + Shown(entry) +
                    ", leads outside the pack folder",
                entry,
                "it is a symbolic link to a file outside the pack; a pack "
                "reads only files inside its folder");
      } else {
        c.Error("pack.include_outside", what + " leads outside the pack folder",
                entry,
                "it is a symbolic link to a file outside the pack; a pack "
                "reads only files inside its folder");
      }
      return;
    }
    if (canonical == root_ / "pack.yaml") {
      if (!from_glob) {
        c.Error("pack.bad_include", what + " is the pack manifest itself",
                entry);
      }
      return;
    }
    const fs::file_status st = fs::status(canonical, ec);
    if (ec || !fs::exists(st)) {
      // Did-you-mean over the files of the same folder.
      std::vector<std::string> names;
      const fs::path parent = rel.parent_path();
      for (fs::directory_iterator it(root_ / parent, ec), end;
           !ec && it != end && names.size() < kMaxFiles; it.increment(ec)) {
        std::error_code ec2;
        if (it->is_regular_file(ec2)) {
          names.push_back((parent / it->path().filename()).generic_string());
        }
      }
      std::sort(names.begin(), names.end());
      c.Error("pack.missing_include", what + " does not exist", entry,
              DidYouMean(rel.generic_string(), names));
      return;
    }
    if (fs::is_directory(st)) {
      c.Error("pack.bad_include", what + " names a folder, not a file", entry,
              "to name every YAML file in a folder, write `" +
                  rel.generic_string() + "/*.yaml`");
      return;
    }
    if (!fs::is_regular_file(st)) {
      c.Error("pack.bad_include", what + " is not a regular file", entry);
      return;
    }
    PackFile f;
    f.rel = rel.generic_string();
    f.display = Display(f.rel);
    f.canonical = canonical;
    out.push_back(std::move(f));
  };

  if (!HasWildcard(value)) {
    accept(normal, false);
    return out;
  }

  // A glob: expand component by component, in name order.
  std::vector<fs::path> current = {fs::path()};
  std::vector<fs::path> parts(normal.begin(), normal.end());
  for (size_t i = 0; i < parts.size() && !current.empty(); ++i) {
    const std::string part = parts[i].string();
    const bool last = i + 1 == parts.size();
    std::vector<fs::path> next;
    for (const fs::path& dir : current) {
      if (!HasWildcard(part)) {
        next.push_back(dir / part);
        continue;
      }
      std::vector<std::string> names;
      std::error_code ec;
      for (fs::directory_iterator it(root_ / dir, ec), end;
           !ec && it != end && names.size() < kMaxFiles; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.starts_with('.') && !part.starts_with('.')) continue;
        if (!GlobMatch(part, name)) continue;
        std::error_code ec2;
        if (last ? !it->is_directory(ec2) : it->is_directory(ec2)) {
          names.push_back(name);
        }
      }
      std::sort(names.begin(), names.end());
      for (const std::string& name : names) next.push_back(dir / name);
    }
    current = std::move(next);
  }
  const size_t before = out.size();
  std::vector<fs::path> matches;
  for (const fs::path& rel : current) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(root_ / rel, ec))) matches.push_back(rel);
  }
  for (const fs::path& rel : matches) accept(rel, true);
  if (matches.empty() && out.size() == before) {
    c.Error("pack.missing_include", "no file matches " + Shown(entry), entry);
  }
  return out;
}

bool Loader::ReadPackFile(const std::string& path, const std::string& display,
                          const YamlNode* entry, FileChecker* c, FileId* file) {
  std::string text;
  std::string why;
  bool too_large = false;
  uint64_t size = 0;
  if (!ReadFileLimited(path, kMaxFileBytes, &text, &why, &too_large, &size)) {
    const std::string message = "cannot read " + Quote(display) + ": " + why;
    if (entry != nullptr) {
      c->Error("pack.unreadable", message, *entry);
    } else {
      diags_.Error("pack.unreadable", message, SourceSpan{});
    }
    return false;
  }
  if (too_large) {
    const std::string message =
        Quote(display) + " has " + std::to_string(size) +
        " bytes, more than the limit of " + std::to_string(kMaxFileBytes);
    if (entry != nullptr) {
      c->Error("pack.too_large", message, *entry);
    } else {
      diags_.Error("pack.too_large", message, SourceSpan{});
    }
    return false;
  }
  *file = sources_.Add(display, std::move(text));
  return true;
}

void Loader::Include(const PackFile& f, const YamlNode& entry, FileChecker& c) {
  if (!seen_.insert(f.canonical).second) return;  // already read
  if (++included_ > kMaxFiles) {
    if (included_ == kMaxFiles + 1) {
      c.Error(
          "pack.too_large",
          "the pack includes more than " + std::to_string(kMaxFiles) + " files",
          entry);
    }
    return;
  }
  FileId file = kNoFile;
  if (!ReadPackFile(f.canonical.string(), f.display, &entry, &c, &file)) {
    trouble_ = true;
    return;
  }

  // The schema: schema.yaml, or a file whose top level has `tables`.
  bool schema = fs::path(f.rel).filename() == "schema.yaml";
  Diagnostics yaml;
  YamlTree tree;
  if (!schema) {
    tree = ParseYamlTree(file, sources_, kPackFile, &yaml);
    if (tree.parsed && tree.has_root &&
        tree.root.kind == YamlNode::Kind::kMap) {
      for (size_t i = 0; i < tree.root.items.size(); i += 2) {
        if (tree.root.items[i].kind == YamlNode::Kind::kScalar &&
            tree.root.items[i].value == "tables") {
          schema = true;
        }
      }
    }
  }
  if (schema) {
    if (have_schema_) {
      c.Error("pack.duplicate_schema",
              "the pack includes a second schema " + Quote(f.rel), entry,
              "the schema is " + Quote(sources_.name(schema_file_)) +
                  ", included " + Where(c.Span(*schema_entry_), c.file()));
      return;
    }
    have_schema_ = true;
    schema_entry_ = &entry;
    schema_file_ = file;
    Result<Schema> result = ParseSchema(file, sources_);
    diags_.Append(result.diagnostics());
    if (result.ok()) {
      spec_.schema = std::move(result).value();
      schema_ok_ = true;
    }
    return;
  }
  diags_.Append(yaml);
  if (!tree.parsed) {
    trouble_ = true;
    return;
  }
  FileChecker rules(*this, sources_, file);
  rules.RuleFile(tree);
  diags_.Append(rules.diagnostics());
}

}  // namespace zhucun::internal::pack_loader
