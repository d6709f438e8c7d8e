// The pack format's tables (facts/format.h): their keys as strings.

#include "facts/format.h"

#include <map>
#include <string>
#include <vector>

namespace zhucun::internal::format {

namespace {

void Collect(const Table& table, std::map<const Table*, std::vector<std::string>>* out) {
  if (out->count(&table) != 0) return;
  std::vector<std::string>& names = (*out)[&table];
  for (const Key& key : table.keys) names.emplace_back(key.name);
  for (const Key& key : table.keys) {
    if (key.table != nullptr) Collect(*key.table, out);
  }
}

}  // namespace

const std::vector<std::string>& Names(const Table& table) {
  // Every table is reachable from a file kind's root; built once.
  static const auto* const names = [] {
    auto* m = new std::map<const Table*, std::vector<std::string>>;
    for (const FileKind& kind : kFileKinds) Collect(*kind.root, m);
    return m;
  }();
  return names->at(&table);
}

std::vector<std::string> Strings(std::span<const std::string_view> values) {
  return std::vector<std::string>(values.begin(), values.end());
}

}  // namespace zhucun::internal::format
